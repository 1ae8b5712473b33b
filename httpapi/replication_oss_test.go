package httpapi_test

import (
	"context"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// OSS replication through alibabacloud-oss-go-sdk-v2: add a rule, read
// it back, replicate, read the progress, delete the rule.
func TestReplicationOSS(t *testing.T) {
	// No background loop: the statuses stay PENDING until RunPending.
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := oss2.NewClient(oss2.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey)).
		WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(srv.HTTPClient()).WithRetryMaxAttempts(1))
	ctx := context.Background()
	for _, b := range []string{"oss-src", "oss-dst"} {
		v2Bucket(t, c, b)
		_, err := c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr(b),
			VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
		ok(t, err)
	}
	_, err := c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("oss-src")})
	wantOSS(t, err, 404, "NoSuchReplicationConfiguration", "")

	put, err := c.PutBucketReplication(ctx, &oss2.PutBucketReplicationRequest{Bucket: oss2.Ptr("oss-src"),
		ReplicationConfiguration: &oss2.ReplicationConfiguration{Rules: []oss2.ReplicationRule{{
			PrefixSet:                   &oss2.ReplicationPrefixSet{Prefixs: []string{"a/", "b/"}},
			Action:                      oss2.Ptr("PUT"),
			Destination:                 &oss2.ReplicationDestination{Bucket: oss2.Ptr("oss-dst"), Location: oss2.Ptr("oss-cn-hangzhou")},
			HistoricalObjectReplication: oss2.HistoricalObjectReplicationDisabled,
		}}}})
	ok(t, err)
	id := put.Headers.Get("X-Oss-Replication-Rule-Id")
	require.NotEmpty(t, id)

	got, err := c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("oss-src")})
	ok(t, err)
	require.Len(t, got.ReplicationConfiguration.Rules, 1)
	r := got.ReplicationConfiguration.Rules[0]
	assert.Equal(t, id, oss2.ToString(r.ID))
	assert.Equal(t, []string{"a/", "b/"}, r.PrefixSet.Prefixs)
	assert.Equal(t, "PUT", oss2.ToString(r.Action))
	assert.Equal(t, "oss-dst", oss2.ToString(r.Destination.Bucket))
	assert.Equal(t, "oss-cn-hangzhou", oss2.ToString(r.Destination.Location))

	for _, k := range []string{"a/1", "c/1"} {
		_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("oss-src"), Key: oss2.Ptr(k)})
		ok(t, err)
	}
	head, err := c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("oss-src"), Key: oss2.Ptr("a/1")})
	ok(t, err)
	assert.Equal(t, "PENDING", head.Headers.Get("X-Oss-Replication-Status"))
	prog, err := c.GetBucketReplicationProgress(ctx, &oss2.GetBucketReplicationProgressRequest{Bucket: oss2.Ptr("oss-src"), RuleId: oss2.Ptr(id)})
	ok(t, err)
	require.Len(t, prog.ReplicationProgress.Rules, 1)
	assert.Equal(t, head.LastModified.UTC().Format("2006-01-02T15:04:05Z"), oss2.ToString(prog.ReplicationProgress.Rules[0].Progress.NewObject))

	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	_, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("oss-dst"), Key: oss2.Ptr("a/1")})
	ok(t, err)
	_, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("oss-dst"), Key: oss2.Ptr("c/1")})
	require.Error(t, err)

	_, err = c.DeleteBucketReplication(ctx, &oss2.DeleteBucketReplicationRequest{Bucket: oss2.Ptr("oss-src"),
		ReplicationRules: &oss2.ReplicationRules{IDs: []string{id}}})
	ok(t, err)
	_, err = c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("oss-src")})
	wantOSS(t, err, 404, "NoSuchReplicationConfiguration", "")
}
