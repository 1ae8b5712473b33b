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

// TestRepl36ReplicationEventsThroughSDK: aws-sdk-go-v2 configures a
// replication rule with S3 RTC (ReplicationTime 15 minutes, Metrics with
// an EventThreshold of 15 minutes) and a queue configuration for
// s3:Replication:*. The destination bucket is then deleted, so every
// delivery fails. On the fake's clock the subscriber receives, in order,
// OperationFailedReplication (failureReason DstBucketNotFound) when the
// version is marked FAILED, OperationMissedThreshold once 15 minutes have
// passed, and OperationReplicatedAfterThreshold when the destination is
// back and the version replicates; each once, as eventVersion 2.2 with
// replicationEventData. No event says that a replication completed.
// Before, the subscriber received OperationFailedReplication without
// replicationEventData and MinIO's OperationCompletedReplication.
func TestRepl36ReplicationEventsThroughSDK(t *testing.T) {
	const arn = "arn:aws:sqs:us-east-1:123456789012:repl36"
	var events eventSink
	srv := fake.New(t, fake.WithBuckets("repl36-src", "repl36-dst"),
		fake.WithEngineOptions(engine.Options{CompactInterval: -1}), events.target(arn))
	client := use33S3(srv)
	ctx := context.Background()
	src, dst := aws.String("repl36-src"), aws.String("repl36-dst")
	versioning := func(b *string) {
		_, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
		require.NoError(t, err)
	}
	versioning(src)
	versioning(dst)
	_, err := client.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: src,
		ReplicationConfiguration: &types.ReplicationConfiguration{
			Role: aws.String("arn:aws:iam::123456789012:role/replication"),
			Rules: []types.ReplicationRule{{
				ID: aws.String("rtc"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled,
				Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
				Destination: &types.Destination{Bucket: aws.String("arn:aws:s3:::repl36-dst"),
					ReplicationTime: &types.ReplicationTime{Status: types.ReplicationTimeStatusEnabled,
						Time: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}},
					Metrics: &types.Metrics{Status: types.MetricsStatusEnabled,
						EventThreshold: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}}},
			}},
		}})
	require.NoError(t, err)
	_, err = client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: src,
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{Id: aws.String("repl"), QueueArn: aws.String(arn), Events: []types.Event{"s3:Replication:*"}},
		}}})
	require.NoError(t, err)
	_, err = client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: dst})
	require.NoError(t, err)

	put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: src, Key: aws.String("report 1.txt"), Body: strings.NewReader("quarterly")})
	require.NoError(t, err)
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: src, Key: aws.String("report 1.txt")})
	require.NoError(t, err)
	written := aws.ToTime(head.LastModified)

	names := func() []string {
		var out []string
		for _, ev := range events.of(arn) {
			out = append(out, ev.EventName)
		}
		return out
	}
	pass := func(advance time.Duration) {
		srv.Clock().Advance(advance)
		_, err := srv.Engine().RunPending(ctx)
		require.NoError(t, err)
	}
	for range 5 { // the default five attempts, backing off 1s, 2s, 4s, 8s
		pass(10 * time.Second)
	}
	require.Eventually(t, func() bool { return len(names()) == 1 }, 10*time.Second, 10*time.Millisecond)
	head, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: src, Key: aws.String("report 1.txt")})
	require.NoError(t, err)
	require.Equal(t, types.ReplicationStatusFailed, head.ReplicationStatus)

	pass(15 * time.Minute)
	require.Eventually(t, func() bool { return len(names()) == 2 }, 10*time.Second, 10*time.Millisecond)
	pass(time.Hour)

	_, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: dst})
	require.NoError(t, err)
	versioning(dst)
	pass(2 * time.Hour)
	require.Eventually(t, func() bool { return len(names()) == 3 }, 10*time.Second, 10*time.Millisecond)
	head, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: src, Key: aws.String("report 1.txt")})
	require.NoError(t, err)
	require.Equal(t, types.ReplicationStatusCompleted, head.ReplicationStatus)
	pass(2 * time.Hour)
	time.Sleep(50 * time.Millisecond) // a further delivery would have come by now

	require.Equal(t, []string{"Replication:OperationFailedReplication", "Replication:OperationMissedThreshold",
		"Replication:OperationReplicatedAfterThreshold"}, names())
	for i, ev := range events.of(arn) {
		require.Equal(t, "2.2", ev.EventVersion)
		require.Equal(t, "repl", ev.S3.ConfigurationID)
		require.Equal(t, "repl36-src", ev.S3.Bucket.Name)
		require.Equal(t, "report 1.txt", ev.ObjectKey())
		require.Equal(t, aws.ToString(put.VersionId), ev.S3.Object.VersionID)
		require.Equal(t, "s3.amazonaws.com", ev.UserIdentity.PrincipalID)
		reason := ""
		if i == 0 {
			reason = "DstBucketNotFound"
		}
		require.Equal(t, engine.EventReplication{ReplicationRuleID: "rtc", DestinationBucket: "arn:aws:s3:::repl36-dst",
			S3Operation: "OBJECT_PUT", RequestTime: written.UTC().Format("2006-01-02T15:04:05.000Z"), FailureReason: reason},
			*ev.ReplicationEventData, ev.EventName)
	}
}
