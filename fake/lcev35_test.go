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

	"github.com/osslite/osslite/fake"
)

// TestLcev35LifecycleRemovalEventsThroughSDK: a bucket configured with
// aws-sdk-go-v2 (versioning, NoncurrentVersionExpiration,
// ExpiredObjectDeleteMarker, two queue configurations) has its lifecycle
// pass remove a noncurrent version and an expired object delete marker
// for good. The configuration asking for s3:LifecycleExpiration:Delete
// receives one event per version removed, with its version ID and
// eventVersion 2.3; the one asking only for
// s3:LifecycleExpiration:DeleteMarkerCreated receives nothing, as no
// marker was created. Before, neither received anything.
func TestLcev35LifecycleRemovalEventsThroughSDK(t *testing.T) {
	const delARN = "arn:aws:sqs:us-east-1:123456789012:lcev35-delete"
	const markerARN = "arn:aws:sqs:us-east-1:123456789012:lcev35-marker"
	var events eventSink
	srv := fake.New(t, fake.WithBuckets("lcev35"), events.target(delARN), events.target(markerARN))
	client := use33S3(srv)
	ctx := context.Background()
	b := aws.String("lcev35")
	_, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	_, err = client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: b,
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{Id: aws.String("del"), QueueArn: aws.String(delARN), Events: []types.Event{"s3:LifecycleExpiration:Delete"}},
			{Id: aws.String("marker"), QueueArn: aws.String(markerARN), Events: []types.Event{"s3:LifecycleExpiration:DeleteMarkerCreated"}},
		}}})
	require.NoError(t, err)
	_, err = client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("nc"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("nc/")},
				NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}},
			{ID: aws.String("dm"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("dm/")},
				Expiration: &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}},
		}}})
	require.NoError(t, err)

	put := func(key, body string) string {
		out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader(body)})
		require.NoError(t, err)
		return aws.ToString(out.VersionId)
	}
	old := put("nc/report 1.txt", "old")
	put("nc/report 1.txt", "new")
	gone := put("dm/x", "x")
	del, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("dm/x")})
	require.NoError(t, err)
	require.True(t, aws.ToBool(del.DeleteMarker))
	_, err = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("dm/x"), VersionId: aws.String(gone)})
	require.NoError(t, err)

	srv.Clock().Advance(3 * 24 * time.Hour)
	st, err := srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.NoncurrentExpired)
	require.Equal(t, 1, st.MarkersRemoved)
	vs, err := client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, vs.Versions, 1, "the current version of nc/report 1.txt")
	require.Empty(t, vs.DeleteMarkers, "the expired object delete marker is gone")

	require.Eventually(t, func() bool { return len(events.of(delARN)) == 2 }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(50 * time.Millisecond) // a delivery to the other target would have come by now
	want := map[string]string{"nc/report 1.txt": old, "dm/x": aws.ToString(del.VersionId)}
	for _, ev := range events.of(delARN) {
		require.Equal(t, "LifecycleExpiration:Delete", ev.EventName)
		require.Equal(t, "2.3", ev.EventVersion)
		require.Equal(t, "del", ev.S3.ConfigurationID)
		require.Equal(t, "s3.amazonaws.com", ev.UserIdentity.PrincipalID)
		require.Equal(t, want[ev.ObjectKey()], ev.S3.Object.VersionID, ev.ObjectKey())
		delete(want, ev.ObjectKey())
	}
	require.Empty(t, want, "one event per version removed")
	require.Empty(t, events.of(markerARN), "no delete marker was created")
}
