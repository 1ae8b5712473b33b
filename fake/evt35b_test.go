package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
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

// TestEvt35bTransitionAndRestoreEventsThroughSDK: a bucket configured
// with aws-sdk-go-v2 (a lifecycle Transition to GLACIER, four queue
// configurations with prefix filters) has its lifecycle pass transition
// an object and find two restored copies expired. The configuration
// asking for s3:LifecycleTransition receives the transition, with
// lifecycleEventData.transitionEventData.destinationStorageClass GLACIER
// in its JSON; the one asking for s3:ObjectRestore:* receives Post,
// Completed and Delete of its key; the one asking for
// s3:ObjectRestore:Delete receives only the Delete of its key; the one
// asking for s3:LifecycleExpiration:* nothing. Before, neither the
// transition nor the expiry of a restored copy made an event.
func TestEvt35bTransitionAndRestoreEventsThroughSDK(t *testing.T) {
	const (
		trARN  = "arn:aws:sqs:us-east-1:123456789012:evt35b-transition"
		rsARN  = "arn:aws:sqs:us-east-1:123456789012:evt35b-restore"
		delARN = "arn:aws:sqs:us-east-1:123456789012:evt35b-restore-delete"
		expARN = "arn:aws:sqs:us-east-1:123456789012:evt35b-expiration"
	)
	var events eventSink
	srv := fake.New(t, fake.WithBuckets("evt35b"), events.target(trARN), events.target(rsARN), events.target(delARN), events.target(expARN))
	client := use33S3(srv)
	ctx := context.Background()
	b := aws.String("evt35b")
	prefix := func(p string) *types.NotificationConfigurationFilter {
		return &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
			{Name: types.FilterRuleNamePrefix, Value: aws.String(p)}}}}
	}
	_, err := client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: b,
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{Id: aws.String("tr"), QueueArn: aws.String(trARN), Events: []types.Event{types.EventS3LifecycleTransition}, Filter: prefix("cold/")},
			{Id: aws.String("exp"), QueueArn: aws.String(expARN), Events: []types.Event{types.EventS3LifecycleExpiration}, Filter: prefix("cold/")},
			{Id: aws.String("rs"), QueueArn: aws.String(rsARN), Events: []types.Event{types.EventS3ObjectRestore}, Filter: prefix("tape/a")},
			{Id: aws.String("del"), QueueArn: aws.String(delARN), Events: []types.Event{types.EventS3ObjectRestoreDelete}, Filter: prefix("tape/b")},
		}}})
	require.NoError(t, err)
	nc, err := client.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b})
	require.NoError(t, err)
	var names []types.Event
	for _, qc := range nc.QueueConfigurations {
		names = append(names, qc.Events...)
	}
	require.Equal(t, []types.Event{"s3:LifecycleTransition", "s3:LifecycleExpiration:*", "s3:ObjectRestore:*", "s3:ObjectRestore:Delete"}, names)
	_, err = client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("cold"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("cold/")},
				Transitions: []types.Transition{{Days: aws.Int32(1), StorageClass: types.TransitionStorageClassGlacier}}},
		}}})
	require.NoError(t, err)

	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("cold/report 1.txt"),
		Body: bytes.NewReader(bytes.Repeat([]byte("r"), 128<<10))})
	require.NoError(t, err)
	for _, key := range []string{"tape/a1", "tape/b1"} {
		_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader("bits"),
			StorageClass: types.StorageClassGlacier})
		require.NoError(t, err)
		_, err = client.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: b, Key: aws.String(key),
			RestoreRequest: &types.RestoreRequest{Days: aws.Int32(1)}})
		require.NoError(t, err)
	}

	srv.Clock().Advance(3 * 24 * time.Hour)
	st, err := srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Transitioned)
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("cold/report 1.txt")})
	require.NoError(t, err)
	require.Equal(t, types.StorageClassGlacier, head.StorageClass)
	head, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("tape/b1")})
	require.NoError(t, err)
	require.Nil(t, head.Restore, "the restored copy expired")

	require.Eventually(t, func() bool {
		return len(events.of(trARN)) == 1 && len(events.of(rsARN)) == 3 && len(events.of(delARN)) == 1
	}, 10*time.Second, 10*time.Millisecond)
	time.Sleep(50 * time.Millisecond) // a delivery to another target would have come by now
	tr := events.of(trARN)[0]
	require.Equal(t, "LifecycleTransition", tr.EventName)
	require.Equal(t, "2.3", tr.EventVersion)
	require.Equal(t, "cold/report 1.txt", tr.ObjectKey())
	body, err := json.Marshal(engine.EventMessage{Records: []engine.Event{tr}})
	require.NoError(t, err)
	require.Contains(t, string(body), `"lifecycleEventData":{"transitionEventData":{"destinationStorageClass":"GLACIER"}}`)
	var rs []string
	for _, ev := range events.of(rsARN) {
		rs = append(rs, ev.EventName+" "+ev.ObjectKey())
	}
	require.Equal(t, []string{"ObjectRestore:Post tape/a1", "ObjectRestore:Completed tape/a1", "ObjectRestore:Delete tape/a1"}, rs)
	del := events.of(delARN)[0]
	require.Equal(t, "ObjectRestore:Delete", del.EventName)
	require.Equal(t, "tape/b1", del.ObjectKey())
	require.Equal(t, "2.3", del.EventVersion)
	require.Nil(t, del.GlacierEventData)
	require.Empty(t, events.of(expARN), "nothing expired")
}
