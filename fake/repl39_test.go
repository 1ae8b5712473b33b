package fake_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// TestRepl39TwoDestinationsThroughSDK: aws-sdk-go-v2 puts a replication
// configuration of two rules whose filters overlap, to two destination
// buckets, and a version that both select. S3 replicates it "according
// to all replication rules" (ReplicationRule Priority); osslite sent it
// to the higher-priority rule's destination only. Now, on the engine
// clock, both destinations get a REPLICA with the source's version ID,
// and the source reads PENDING until both have it (the second
// destination's versioning suspended for a while), then COMPLETED.
func TestRepl39TwoDestinationsThroughSDK(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}))
	client := use33S3(srv)
	ctx := context.Background()
	versioning := func(bucket string, status types.BucketVersioningStatus) {
		_, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
			VersioningConfiguration: &types.VersioningConfiguration{Status: status}})
		require.NoError(t, err)
	}
	for _, b := range []string{"repl39-src", "repl39-a", "repl39-b"} {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		versioning(b, types.BucketVersioningStatusEnabled)
	}
	rule := func(id string, priority int32, prefix, dest string) types.ReplicationRule {
		return types.ReplicationRule{ID: aws.String(id), Priority: aws.Int32(priority), Status: types.ReplicationRuleStatusEnabled,
			Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String(prefix)},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::" + dest)}}
	}
	_, err := client.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("repl39-src"),
		ReplicationConfiguration: &types.ReplicationConfiguration{
			Role:  aws.String("arn:aws:iam::123456789012:role/replication"),
			Rules: []types.ReplicationRule{rule("to-a", 2, "docs/", "repl39-a"), rule("to-b", 1, "", "repl39-b")},
		}})
	require.NoError(t, err)
	put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("repl39-src"), Key: aws.String("docs/report.txt"),
		Body: strings.NewReader("quarterly")})
	require.NoError(t, err)

	status := func() types.ReplicationStatus {
		h, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("repl39-src"), Key: aws.String("docs/report.txt")})
		require.NoError(t, err)
		return h.ReplicationStatus
	}
	pass := func(advance time.Duration) {
		srv.Clock().Advance(advance)
		_, err := srv.Engine().RunPending(ctx)
		require.NoError(t, err)
	}
	require.Equal(t, types.ReplicationStatusPending, status())
	versioning("repl39-b", types.BucketVersioningStatusSuspended)
	pass(time.Second)
	require.Equal(t, types.ReplicationStatusPending, status(), "repl39-b does not have it yet")
	versioning("repl39-b", types.BucketVersioningStatusEnabled)
	pass(time.Minute)
	require.Equal(t, types.ReplicationStatusCompleted, status())
	for _, b := range []string{"repl39-a", "repl39-b"} {
		get, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("docs/report.txt"), VersionId: put.VersionId})
		require.NoError(t, err, b)
		require.NoError(t, get.Body.Close())
		require.Equal(t, types.ReplicationStatusReplica, get.ReplicationStatus, b)
		require.Equal(t, aws.ToString(put.ETag), aws.ToString(get.ETag), b)
	}
}
