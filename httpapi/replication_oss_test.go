package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"strings"
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
	c := fakeOSSClient(srv)
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

// OSS historical replication through alibabacloud-oss-go-sdk-v2: the
// objects already in the bucket that the rule's PrefixSet selects reach
// the destination, and the progress reads 1.00; RTC is stored and
// echoed.
func TestReplicationOSSHistorical(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := fakeOSSClient(srv)
	ctx := context.Background()
	for _, b := range []string{"hist-src", "hist-dst"} {
		v2Bucket(t, c, b)
		_, err := c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr(b),
			VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
		ok(t, err)
	}
	for _, k := range []string{"a/1", "a/2", "b/1", "c/1"} {
		_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("hist-src"), Key: oss2.Ptr(k),
			Body: strings.NewReader("old " + k)})
		ok(t, err)
	}
	put, err := c.PutBucketReplication(ctx, &oss2.PutBucketReplicationRequest{Bucket: oss2.Ptr("hist-src"),
		ReplicationConfiguration: &oss2.ReplicationConfiguration{Rules: []oss2.ReplicationRule{{
			PrefixSet:                   &oss2.ReplicationPrefixSet{Prefixs: []string{"a/", "b/"}},
			Action:                      oss2.Ptr("PUT"),
			Destination:                 &oss2.ReplicationDestination{Bucket: oss2.Ptr("hist-dst"), Location: oss2.Ptr("oss-cn-hangzhou")},
			HistoricalObjectReplication: oss2.HistoricalObjectReplicationEnabled,
			RTC:                         &oss2.ReplicationTimeControl{Status: oss2.Ptr("enabled")},
		}}}})
	ok(t, err)
	id := oss2.ToString(put.ReplicationRuleId)
	require.NotEmpty(t, id)

	got, err := c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("hist-src")})
	ok(t, err)
	require.Len(t, got.ReplicationConfiguration.Rules, 1)
	r := got.ReplicationConfiguration.Rules[0]
	assert.Equal(t, oss2.HistoricalObjectReplicationEnabled, r.HistoricalObjectReplication)
	assert.Equal(t, "starting", oss2.ToString(r.Status), "no pass ran yet")
	require.NotNil(t, r.RTC)
	assert.Equal(t, "enabled", oss2.ToString(r.RTC.Status))
	progress := func() oss2.ReplicationProgressRule {
		prog, err := c.GetBucketReplicationProgress(ctx, &oss2.GetBucketReplicationProgressRequest{Bucket: oss2.Ptr("hist-src"), RuleId: oss2.Ptr(id)})
		ok(t, err)
		require.Len(t, prog.ReplicationProgress.Rules, 1)
		return prog.ReplicationProgress.Rules[0]
	}
	p := progress()
	assert.Equal(t, "starting", oss2.ToString(p.Status))
	assert.Equal(t, "enabled", oss2.ToString(p.HistoricalObjectReplication))
	assert.Nil(t, p.Progress, "OSS returns Progress in the doing state only")

	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	for _, k := range []string{"a/1", "a/2", "b/1"} {
		res, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("hist-dst"), Key: oss2.Ptr(k)})
		ok(t, err)
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		require.NoError(t, res.Body.Close())
		assert.Equal(t, "old "+k, string(body))
		head, err := c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("hist-src"), Key: oss2.Ptr(k)})
		ok(t, err)
		assert.Equal(t, "COMPLETED", head.Headers.Get("X-Oss-Replication-Status"))
	}
	_, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("hist-dst"), Key: oss2.Ptr("c/1")})
	wantOSS(t, err, 404, "NoSuchKey", "")
	p = progress()
	assert.Equal(t, "doing", oss2.ToString(p.Status))
	require.NotNil(t, p.Progress)
	assert.Equal(t, "1.00", oss2.ToString(p.Progress.HistoricalObject))
	assert.NotEmpty(t, oss2.ToString(p.Progress.NewObject))

	// PutBucketRtc turns RTC off for the rule; the finished scan stays
	// finished.
	_, err = c.PutBucketRtc(ctx, &oss2.PutBucketRtcRequest{Bucket: oss2.Ptr("hist-src"),
		RtcConfiguration: &oss2.RtcConfiguration{ID: oss2.Ptr(id), RTC: &oss2.ReplicationTimeControl{Status: oss2.Ptr("disabled")}}})
	ok(t, err)
	got, err = c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("hist-src")})
	ok(t, err)
	assert.Equal(t, "disabled", oss2.ToString(got.ReplicationConfiguration.Rules[0].RTC.Status))
	assert.Equal(t, "1.00", oss2.ToString(progress().Progress.HistoricalObject))
	_, err = c.PutBucketRtc(ctx, &oss2.PutBucketRtcRequest{Bucket: oss2.Ptr("hist-src"),
		RtcConfiguration: &oss2.RtcConfiguration{ID: oss2.Ptr("nope"), RTC: &oss2.ReplicationTimeControl{Status: oss2.Ptr("enabled")}}})
	wantOSS(t, err, 400, "InvalidArgument", "")
}

// Historical progress counts the share done while the scan pages
// through the bucket.
func TestReplicationOSSHistoricalProgress(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1,
		Replication: engine.ReplicationOptions{ScanPage: 2}}))
	c := fakeOSSClient(srv)
	ctx := context.Background()
	for _, b := range []string{"page-src", "page-dst"} {
		v2Bucket(t, c, b)
		_, err := c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr(b),
			VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
		ok(t, err)
	}
	for i := range 5 {
		_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("page-src"), Key: oss2.Ptr(fmt.Sprintf("k%d", i))})
		ok(t, err)
	}
	// HistoricalObjectReplication left out: OSS's default, enabled.
	put, err := c.PutBucketReplication(ctx, &oss2.PutBucketReplicationRequest{Bucket: oss2.Ptr("page-src"),
		ReplicationConfiguration: &oss2.ReplicationConfiguration{Rules: []oss2.ReplicationRule{{
			Destination: &oss2.ReplicationDestination{Bucket: oss2.Ptr("page-dst"), Location: oss2.Ptr("oss-cn-hangzhou")},
		}}}})
	ok(t, err)
	id := oss2.ToString(put.ReplicationRuleId)
	var seen []string
	for range 4 {
		_, err := srv.Engine().RunPending(ctx)
		require.NoError(t, err)
		prog, err := c.GetBucketReplicationProgress(ctx, &oss2.GetBucketReplicationProgressRequest{Bucket: oss2.Ptr("page-src"), RuleId: oss2.Ptr(id)})
		ok(t, err)
		seen = append(seen, oss2.ToString(prog.ReplicationProgress.Rules[0].Progress.HistoricalObject))
	}
	assert.Equal(t, []string{"0.40", "0.80", "1.00", "1.00"}, seen)
}

// TestReplicationOSSSSEKMS: OSS's SourceSelectionCriteria and
// EncryptionConfiguration are taken together and read back (they were
// 501), one without the other is refused.
func TestReplicationOSSSSEKMS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	for _, b := range []string{"kms-src", "kms-dst"} {
		v2Bucket(t, c, b)
		_, err := c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr(b),
			VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
		ok(t, err)
	}
	rule := oss2.ReplicationRule{Action: oss2.Ptr("PUT"),
		Destination:             &oss2.ReplicationDestination{Bucket: oss2.Ptr("kms-dst"), Location: oss2.Ptr("oss-cn-hangzhou")},
		SourceSelectionCriteria: &oss2.ReplicationSourceSelectionCriteria{SseKmsEncryptedObjects: &oss2.SseKmsEncryptedObjects{Status: oss2.StatusEnabled}}}
	put := func() error {
		_, err := c.PutBucketReplication(ctx, &oss2.PutBucketReplicationRequest{Bucket: oss2.Ptr("kms-src"),
			ReplicationConfiguration: &oss2.ReplicationConfiguration{Rules: []oss2.ReplicationRule{rule}}})
		return err
	}
	wantOSS(t, put(), 400, "InvalidArgument", "")
	rule.EncryptionConfiguration = &oss2.ReplicationEncryptionConfiguration{ReplicaKmsKeyID: oss2.Ptr("alias/aws/s3")}
	ok(t, put())
	got, err := c.GetBucketReplication(ctx, &oss2.GetBucketReplicationRequest{Bucket: oss2.Ptr("kms-src")})
	ok(t, err)
	r := got.ReplicationConfiguration.Rules[0]
	require.NotNil(t, r.SourceSelectionCriteria)
	assert.Equal(t, oss2.StatusEnabled, r.SourceSelectionCriteria.SseKmsEncryptedObjects.Status)
	assert.Equal(t, "alias/aws/s3", oss2.ToString(r.EncryptionConfiguration.ReplicaKmsKeyID))
}

// TestReplicationOSSUnversioned: OSS replicates between unversioned
// buckets. Objects from before the rule, new writes and (Action ALL)
// deletes reach the destination; the source cannot start versioning
// while it replicates, and an unversioned bucket cannot replicate to a
// versioned one. (The S3 API still requires versioning:
// TestReplicationLocalSDK.)
func TestReplicationOSSUnversioned(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	c := fakeOSSClient(srv)
	ctx := context.Background()
	for _, b := range []string{"u-src", "u-dst", "v-dst"} {
		v2Bucket(t, c, b)
	}
	_, err := c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr("v-dst"),
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
	ok(t, err)
	putObj := func(b, k, body string) {
		t.Helper()
		_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(b), Key: oss2.Ptr(k), Body: strings.NewReader(body)})
		ok(t, err)
	}
	getObj := func(b, k string) (string, error) {
		r, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(b), Key: oss2.Ptr(k)})
		if err != nil {
			return "", err
		}
		defer r.Body.Close()
		data, err := io.ReadAll(r.Body)
		return string(data), err
	}
	putObj("u-src", "a/old", "before the rule")
	rule := func(dst string) *oss2.PutBucketReplicationRequest {
		return &oss2.PutBucketReplicationRequest{Bucket: oss2.Ptr("u-src"),
			ReplicationConfiguration: &oss2.ReplicationConfiguration{Rules: []oss2.ReplicationRule{{
				PrefixSet:   &oss2.ReplicationPrefixSet{Prefixs: []string{"a/"}},
				Action:      oss2.Ptr("ALL"),
				Destination: &oss2.ReplicationDestination{Bucket: oss2.Ptr(dst), Location: oss2.Ptr("oss-cn-hangzhou")},
			}}}}
	}
	_, err = c.PutBucketReplication(ctx, rule("v-dst"))
	wantOSS(t, err, 400, "InvalidRequest", "")
	_, err = c.PutBucketReplication(ctx, rule("u-dst"))
	ok(t, err)

	putObj("u-src", "a/new", "first")
	putObj("u-src", "a/new", "second")
	putObj("u-src", "b/skip", "not selected")
	head, err := c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("u-src"), Key: oss2.Ptr("a/new")})
	ok(t, err)
	assert.Equal(t, "PENDING", head.Headers.Get("X-Oss-Replication-Status"))
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	got, err := getObj("u-dst", "a/new")
	ok(t, err)
	assert.Equal(t, "second", got)
	got, err = getObj("u-dst", "a/old")
	ok(t, err)
	assert.Equal(t, "before the rule", got)
	_, err = getObj("u-dst", "b/skip")
	wantOSS(t, err, 404, "NoSuchKey", "")
	head, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("u-src"), Key: oss2.Ptr("a/new")})
	ok(t, err)
	assert.Equal(t, "COMPLETED", head.Headers.Get("X-Oss-Replication-Status"))

	_, err = c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: oss2.Ptr("u-src"), Key: oss2.Ptr("a/new")})
	ok(t, err)
	_, err = srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	_, err = getObj("u-dst", "a/new")
	wantOSS(t, err, 404, "NoSuchKey", "")

	_, err = c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr("u-src"),
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
	wantOSS(t, err, 409, "InvalidBucketState", "")

}

// fakeOSSClient is an alibabacloud-oss-go-sdk-v2 client of a fake server.
func fakeOSSClient(srv *fake.Server) *oss2.Client {
	return oss2.NewClient(oss2.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey)).
		WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(srv.HTTPClient()).WithRetryMaxAttempts(1))
}
