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

// TestOpen38ClientEventsNameTheVersion: aws-sdk-go-v2 writes, tags and
// changes the ACL of an object (no versionId on the tagging and ACL
// requests) in a bucket without versioning, one with versioning
// suspended, one with versioning enabled and one whose object was written
// before versioning was enabled (its null version tagged after), and sets
// a retention in a bucket with Object Lock. S3 User Guide, "Event message
// structure": versionId is the "object version if bucket is
// versioning-enabled, otherwise null"; every event names the version it
// is about as S3's own events do (engine's eventVersionID): none without
// versioning, "null" for a null version in a bucket with versioning, the
// version's ID otherwise. Before, ObjectCreated:* in the suspended bucket
// named no version, and tagging, ACL and retention events named the
// version the caller gave (none for the latest).
func TestOpen38ClientEventsNameTheVersion(t *testing.T) {
	const arn = "arn:aws:sqs:us-east-1:123456789012:open38"
	var events eventSink
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1}), events.target(arn))
	client := use33S3(srv)
	ctx := context.Background()
	versioning := func(b string, st types.BucketVersioningStatus) {
		_, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &types.VersioningConfiguration{Status: st}})
		require.NoError(t, err)
	}
	notify := func(b string) {
		_, err := client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(b),
			NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
				{Id: aws.String("all"), QueueArn: aws.String(arn), Events: []types.Event{
					"s3:ObjectCreated:*", "s3:ObjectTagging:*", "s3:ObjectAcl:Put", "s3:ObjectRetention:Put"}},
			}}})
		require.NoError(t, err)
	}
	put := func(b string) string {
		out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("v")})
		require.NoError(t, err)
		return aws.ToString(out.VersionId)
	}
	tagAndACL := func(b string) {
		_, err := client.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("t"), Value: aws.String("1")}}}})
		require.NoError(t, err)
		_, err = client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"),
			ACL: types.ObjectCannedACLPublicRead})
		require.NoError(t, err)
	}
	for _, b := range []string{"open38-off", "open38-suspended", "open38-enabled", "open38-before"} {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		notify(b)
	}
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("open38-lock"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	notify("open38-lock")

	want := map[string][]string{} // bucket: "event version" in order
	note := func(b string, vid string, names ...string) {
		for _, n := range names {
			want[b] = append(want[b], n+" "+vid)
		}
	}

	require.Empty(t, put("open38-off"))
	tagAndACL("open38-off")
	note("open38-off", "", "ObjectCreated:Put", "ObjectTagging:Put", "ObjectAcl:Put")

	versioning("open38-suspended", types.BucketVersioningStatusEnabled)
	versioning("open38-suspended", types.BucketVersioningStatusSuspended)
	require.Empty(t, put("open38-suspended"), "S3 answers a suspended bucket's PutObject without a version")
	tagAndACL("open38-suspended")
	note("open38-suspended", "null", "ObjectCreated:Put", "ObjectTagging:Put", "ObjectAcl:Put")

	versioning("open38-enabled", types.BucketVersioningStatusEnabled)
	vid := put("open38-enabled")
	require.NotEmpty(t, vid)
	tagAndACL("open38-enabled")
	note("open38-enabled", vid, "ObjectCreated:Put", "ObjectTagging:Put", "ObjectAcl:Put")

	put("open38-before")
	note("open38-before", "", "ObjectCreated:Put")
	versioning("open38-before", types.BucketVersioningStatusEnabled)
	tagAndACL("open38-before")
	note("open38-before", "null", "ObjectTagging:Put", "ObjectAcl:Put")

	vid = put("open38-lock")
	until := srv.Clock().Now().Add(24 * time.Hour).Truncate(time.Second).UTC()
	_, err = client.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String("open38-lock"), Key: aws.String("k"),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: &until}})
	require.NoError(t, err)
	note("open38-lock", vid, "ObjectCreated:Put", "ObjectRetention:Put")

	n := 0
	for _, w := range want {
		n += len(w)
	}
	require.Eventually(t, func() bool { return len(events.of(arn)) >= n }, 10*time.Second, 10*time.Millisecond)
	got := map[string][]string{}
	for _, ev := range events.of(arn) {
		got[ev.S3.Bucket.Name] = append(got[ev.S3.Bucket.Name], ev.EventName+" "+ev.S3.Object.VersionID)
	}
	require.Equal(t, want, got)
}
