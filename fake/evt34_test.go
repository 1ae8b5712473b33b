package fake_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// TestEvt34EventsThroughSDK: the operations that queue their event in the
// write's own batch (thirty-fourth session) deliver, through a
// notification target, exactly the events the HTTP layer published after
// the write before: PutObject, CopyObject, CompleteMultipartUpload,
// DeleteObject and DeleteObjects, in an unversioned and a versioned
// bucket; names, keys, sizes, ETags, version IDs, the response's request
// ID, and sequencers increasing in order. (This test passes unchanged on
// the code before the session.)
func TestEvt34EventsThroughSDK(t *testing.T) {
	const arn = "arn:aws:sqs:us-east-1:123456789012:evt34"
	var mu sync.Mutex
	var got []engine.Event
	target := engine.NotificationTargetFunc(func(_ context.Context, ev engine.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev)
		return nil
	})
	srv := fake.New(t, fake.WithBuckets("evt34-u", "evt34-v"), fake.WithNotificationTarget(arn, target))
	client := use33S3(srv)
	ctx := context.Background()
	for _, b := range []string{"evt34-u", "evt34-v"} {
		_, err := client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
			Bucket: aws.String(b),
			NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{
				Id: aws.String("all"), QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"},
			}}},
		})
		require.NoError(t, err)
	}
	_, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("evt34-v"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)

	// want is the event of one change, as the target must receive it.
	type want struct {
		name, bucket, key string
		size              int64 // -1: none
		etag, vid, reqID  string
	}
	var wants []want
	unq := func(s *string) string { return strings.Trim(aws.ToString(s), `"`) }

	put := func(b, k, body string) *s3.PutObjectOutput {
		out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(k), Body: strings.NewReader(body)})
		require.NoError(t, err)
		id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		wants = append(wants, want{"ObjectCreated:Put", b, k, int64(len(body)), unq(out.ETag), aws.ToString(out.VersionId), id})
		return out
	}
	put("evt34-u", "a b.txt", "hello")
	put("evt34-u", "b.txt", "world!")

	up, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("evt34-u"), Key: aws.String("m.bin")})
	require.NoError(t, err)
	part, err := client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("evt34-u"), Key: aws.String("m.bin"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part one")})
	require.NoError(t, err)
	done, err := client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("evt34-u"), Key: aws.String("m.bin"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	require.NoError(t, err)
	id, _ := awsmiddleware.GetRequestIDMetadata(done.ResultMetadata)
	wants = append(wants, want{"ObjectCreated:CompleteMultipartUpload", "evt34-u", "m.bin", 8, unq(done.ETag), "", id})

	cp, err := client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("evt34-u"), Key: aws.String("c.txt"), CopySource: aws.String("evt34-u/b.txt")})
	require.NoError(t, err)
	id, _ = awsmiddleware.GetRequestIDMetadata(cp.ResultMetadata)
	wants = append(wants, want{"ObjectCreated:Copy", "evt34-u", "c.txt", 6, unq(cp.CopyObjectResult.ETag), "", id})

	del, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("evt34-u"), Key: aws.String("a b.txt")})
	require.NoError(t, err)
	id, _ = awsmiddleware.GetRequestIDMetadata(del.ResultMetadata)
	wants = append(wants, want{"ObjectRemoved:Delete", "evt34-u", "a b.txt", -1, "", "", id})

	dels, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("evt34-u"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("b.txt")}, {Key: aws.String("c.txt")}, {Key: aws.String("never")}}}})
	require.NoError(t, err)
	require.Len(t, dels.Deleted, 3)
	id, _ = awsmiddleware.GetRequestIDMetadata(dels.ResultMetadata)
	for _, k := range []string{"b.txt", "c.txt", "never"} {
		wants = append(wants, want{"ObjectRemoved:Delete", "evt34-u", k, -1, "", "", id})
	}

	// The versioned bucket: versions, delete markers, a version removed.
	v1 := put("evt34-v", "k", "one")
	del, err = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("evt34-v"), Key: aws.String("k")})
	require.NoError(t, err)
	require.True(t, aws.ToBool(del.DeleteMarker))
	id, _ = awsmiddleware.GetRequestIDMetadata(del.ResultMetadata)
	wants = append(wants, want{"ObjectRemoved:DeleteMarkerCreated", "evt34-v", "k", -1, "", aws.ToString(del.VersionId), id})
	del, err = client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("evt34-v"), Key: aws.String("k"), VersionId: del.VersionId})
	require.NoError(t, err)
	id, _ = awsmiddleware.GetRequestIDMetadata(del.ResultMetadata)
	wants = append(wants, want{"ObjectRemoved:Delete", "evt34-v", "k", -1, "", aws.ToString(del.VersionId), id})
	dels, err = client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("evt34-v"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: v1.VersionId}}}})
	require.NoError(t, err)
	id, _ = awsmiddleware.GetRequestIDMetadata(dels.ResultMetadata)
	wants = append(wants, want{"ObjectRemoved:Delete", "evt34-v", "k", -1, "", aws.ToString(v1.VersionId), id})
	put("evt34-v", "k2", "two")
	dels, err = client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("evt34-v"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k2")}}}})
	require.NoError(t, err)
	require.Len(t, dels.Deleted, 1)
	id, _ = awsmiddleware.GetRequestIDMetadata(dels.ResultMetadata)
	wants = append(wants, want{"ObjectRemoved:DeleteMarkerCreated", "evt34-v", "k2", -1, "", aws.ToString(dels.Deleted[0].DeleteMarkerVersionId), id})

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= len(wants)
	}, 10*time.Second, 5*time.Millisecond, "every event is delivered")
	time.Sleep(50 * time.Millisecond) // and no more
	n, err := srv.Engine().PendingNotifications()
	require.NoError(t, err)
	require.Zero(t, n)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, len(wants))
	for i, w := range wants {
		ev := got[i]
		where := fmt.Sprintf("event %d (%s %s/%s)", i, w.name, w.bucket, w.key)
		require.Equal(t, w.name, ev.EventName, where)
		require.Equal(t, w.bucket, ev.S3.Bucket.Name, where)
		require.Equal(t, w.key, ev.ObjectKey(), where)
		require.Equal(t, "all", ev.S3.ConfigurationID, where)
		if w.size < 0 {
			require.Nil(t, ev.S3.Object.Size, where)
		} else {
			require.NotNil(t, ev.S3.Object.Size, where)
			require.Equal(t, w.size, *ev.S3.Object.Size, where)
		}
		require.Equal(t, w.etag, ev.S3.Object.ETag, where)
		require.Equal(t, w.vid, ev.S3.Object.VersionID, where)
		require.NotEmpty(t, w.reqID, where)
		require.Equal(t, w.reqID, ev.ResponseElements.RequestID, where)
		require.Equal(t, srv.Region, ev.AWSRegion, where)
		require.NotEmpty(t, ev.UserIdentity.PrincipalID, where)
		require.NotEmpty(t, ev.RequestParameters.SourceIPAddress, where)
		require.Len(t, ev.S3.Object.Sequencer, 16, where)
		if i > 0 {
			require.Greater(t, ev.S3.Object.Sequencer, got[i-1].S3.Object.Sequencer, "%s: sequencers increase", where)
		}
	}
}
