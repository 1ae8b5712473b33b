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

// TestOpen37ReplicationFromObjectLockBucketThroughSDK: aws-sdk-go-v2
// creates a bucket with Object Lock, replicates it (Metrics enabled) into
// a versioned bucket without Object Lock and writes a version with a
// GOVERNANCE retention and a legal hold. S3 fails such a replication
// (DstBucketObjectLockConfigMissing: the destination of a bucket with
// Object Lock must have it too); osslite replicated it, the replica
// keeping a retention its bucket does not have. Now the version goes
// FAILED, the subscriber gets OperationFailedReplication with that
// reason, and the destination has no replica; once the destination has
// Object Lock (PutObjectLockConfiguration) the retried delivery
// completes, the replica with the source's retention and legal hold.
func TestOpen37ReplicationFromObjectLockBucketThroughSDK(t *testing.T) {
	const arn = "arn:aws:sqs:us-east-1:123456789012:open37"
	var events eventSink
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}), events.target(arn))
	client := use33S3(srv)
	ctx := context.Background()
	src, dst := aws.String("open37-locked"), aws.String("open37-dst")
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: src, ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	_, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: dst})
	require.NoError(t, err)
	_, err = client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: dst,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	_, err = client.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: src,
		ReplicationConfiguration: &types.ReplicationConfiguration{
			Role: aws.String("arn:aws:iam::123456789012:role/replication"),
			Rules: []types.ReplicationRule{{
				ID: aws.String("lock"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled,
				Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
				Destination: &types.Destination{Bucket: aws.String("arn:aws:s3:::open37-dst"),
					Metrics: &types.Metrics{Status: types.MetricsStatusEnabled}},
			}},
		}})
	require.NoError(t, err)
	_, err = client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: src,
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{Id: aws.String("repl"), QueueArn: aws.String(arn), Events: []types.Event{"s3:Replication:*"}},
		}}})
	require.NoError(t, err)
	until := srv.Clock().Now().Add(72 * time.Hour).Truncate(time.Second).UTC()
	key := aws.String("ledger.csv")
	put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: src, Key: key, Body: strings.NewReader("a,b\n"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &until,
		ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	require.NoError(t, err)

	pass := func(advance time.Duration) {
		srv.Clock().Advance(advance)
		_, err := srv.Engine().RunPending(ctx)
		require.NoError(t, err)
	}
	for range 5 { // the default five attempts
		pass(10 * time.Second)
	}
	require.Eventually(t, func() bool { return len(events.of(arn)) == 1 }, 10*time.Second, 10*time.Millisecond)
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: src, Key: key})
	require.NoError(t, err)
	require.Equal(t, types.ReplicationStatusFailed, head.ReplicationStatus)
	_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: dst, Key: key, VersionId: put.VersionId})
	require.Error(t, err, "no replica in a bucket without Object Lock")
	ev := events.of(arn)[0]
	require.Equal(t, "Replication:OperationFailedReplication", ev.EventName)
	require.Equal(t, aws.ToString(put.VersionId), ev.S3.Object.VersionID)
	require.NotNil(t, ev.ReplicationEventData)
	require.Equal(t, "DstBucketObjectLockConfigMissing", ev.ReplicationEventData.FailureReason)

	_, err = client.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: dst,
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
	require.NoError(t, err)
	pass(2 * time.Hour)
	require.Eventually(t, func() bool {
		h, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: src, Key: key})
		return err == nil && h.ReplicationStatus == types.ReplicationStatusCompleted
	}, 10*time.Second, 10*time.Millisecond)
	ret, err := client.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: dst, Key: key, VersionId: put.VersionId})
	require.NoError(t, err)
	require.Equal(t, types.ObjectLockRetentionModeGovernance, ret.Retention.Mode)
	require.True(t, until.Equal(aws.ToTime(ret.Retention.RetainUntilDate)))
	hold, err := client.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: dst, Key: key, VersionId: put.VersionId})
	require.NoError(t, err)
	require.Equal(t, types.ObjectLockLegalHoldStatusOn, hold.LegalHold.Status)
}
