package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runLifecycleAt runs the engine's due work d after now on the fixture's
// clock, then puts the clock back so signed requests are not skewed.
func runLifecycleAt(t *testing.T, f *fixture, d time.Duration) {
	t.Helper()
	f.clock.Advance(d)
	_, err := f.eng.RunPending(context.Background())
	f.clock.Advance(-d)
	require.NoError(t, err)
}

// TestS3Lifecycle: the configuration round-trips through aws-sdk-go-v2,
// objects report x-amz-expiration, and the rules execute on the engine
// clock.
func TestS3Lifecycle(t *testing.T) {
	// A clock that stands still (near the real time, for the SDK's
	// signatures): the expiry date wanted is figured from the clock after
	// the object is stored, a day later had midnight UTC come between.
	f := newFixture(t, fixtureOptions{clock: &testClock{fixed: time.Now()}})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("life")})
	require.NoError(t, err)

	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("life")})
	requireAPIError(t, err, "NoSuchLifecycleConfiguration")

	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("life"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("logs"), Status: types.ExpirationStatusEnabled,
				Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(2)}},
			{ID: aws.String("cold"), Status: types.ExpirationStatusEnabled,
				Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("data/"),
					Tags: []types.Tag{{Key: aws.String("tier"), Value: aws.String("cold")}}, ObjectSizeGreaterThan: aws.Int64(1)}},
				Transitions: []types.Transition{{Days: aws.Int32(1), StorageClass: types.TransitionStorageClassGlacierIr}}},
			{ID: aws.String("mpu"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}},
		}}})
	require.NoError(t, err)
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("life")})
	require.NoError(t, err)
	require.Len(t, got.Rules, 3)
	assert.Equal(t, "logs/", aws.ToString(got.Rules[0].Filter.Prefix))
	assert.Equal(t, int32(2), aws.ToInt32(got.Rules[0].Expiration.Days))
	require.NotNil(t, got.Rules[1].Filter.And)
	assert.Equal(t, "data/", aws.ToString(got.Rules[1].Filter.And.Prefix))
	assert.Equal(t, types.TransitionStorageClassGlacierIr, got.Rules[1].Transitions[0].StorageClass)
	assert.Equal(t, int32(1), aws.ToInt32(got.Rules[2].AbortIncompleteMultipartUpload.DaysAfterInitiation))

	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("life"), Key: aws.String("logs/a"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.NotNil(t, put.Expiration)
	assert.Contains(t, *put.Expiration, `rule-id="logs"`)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("life"), Key: aws.String("data/d"), Body: strings.NewReader("xyz"),
		Tagging: aws.String("tier=cold")})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("life"), Key: aws.String("logs/a")})
	require.NoError(t, err)
	want := f.clock.Now().UTC().AddDate(0, 0, 3).Truncate(24 * time.Hour) // 2 days, rounded up to midnight
	assert.Equal(t, `expiry-date="`+want.Format(http.TimeFormat)+`", rule-id="logs"`, aws.ToString(head.Expiration))
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("life"), Key: aws.String("u")})
	require.NoError(t, err)

	runLifecycleAt(t, f, time.Hour)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("life"), Key: aws.String("logs/a")})
	require.NoError(t, err, "not due yet")

	// Two days, rounded up to midnight UTC: at most 72 hours from any time
	// of day.
	runLifecycleAt(t, f, 73*time.Hour)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("life"), Key: aws.String("logs/a")})
	requireAPIError(t, err, "NotFound")
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("life"), Key: aws.String("data/d")})
	require.NoError(t, err)
	assert.Equal(t, types.StorageClassGlacierIr, head.StorageClass)
	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("life"), Key: aws.String("u"), UploadId: up.UploadId})
	requireAPIError(t, err, "NoSuchUpload")

	// Refusals change nothing.
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("life"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("bad"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(0)}}}}})
	requireAPIError(t, err, "InvalidArgument")
	got, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("life")})
	require.NoError(t, err)
	assert.Len(t, got.Rules, 3)

	_, err = c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String("life")})
	require.NoError(t, err)
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("life")})
	requireAPIError(t, err, "NoSuchLifecycleConfiguration")
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("life"), Key: aws.String("data/d")})
	require.NoError(t, err)
	assert.Nil(t, head.Expiration)
}

// TestOSSLifecycle: OSS's shape (Prefix and Tag in the rule,
// CreatedBeforeDate, AbortMultipartUpload) through the v2 SDK.
func TestOSSLifecycle(t *testing.T) {
	// A clock that stands still (near the real time, for the SDK's
	// signatures): the objects must be created before the midnight UTC
	// that follows the clock's time at the start, which on a running clock
	// they are not when the test spans that midnight.
	f := newFixture(t, fixtureOptions{clock: &testClock{fixed: time.Now()}})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("osslife")})
	require.NoError(t, err)
	_, err = c.GetBucketLifecycle(ctx, &oss2.GetBucketLifecycleRequest{Bucket: oss2.Ptr("osslife")})
	e, isOSS := ossError(err)
	require.True(t, isOSS, "%v", err)
	assert.Equal(t, "NoSuchLifecycle", e.code)

	tomorrow := f.clock.Now().UTC().AddDate(0, 0, 1).Truncate(24 * time.Hour).Format("2006-01-02T15:04:05.000Z")
	_, err = c.PutBucketLifecycle(ctx, &oss2.PutBucketLifecycleRequest{Bucket: oss2.Ptr("osslife"),
		LifecycleConfiguration: &oss2.LifecycleConfiguration{Rules: []oss2.LifecycleRule{
			{ID: oss2.Ptr("old"), Prefix: oss2.Ptr("old/"), Status: oss2.Ptr("Enabled"),
				Expiration: &oss2.LifecycleRuleExpiration{CreatedBeforeDate: oss2.Ptr(tomorrow)}},
			{ID: oss2.Ptr("ia"), Prefix: oss2.Ptr("ia/"), Status: oss2.Ptr("Enabled"),
				Filter:      &oss2.LifecycleRuleFilter{Nots: []oss2.LifecycleRuleNot{{Prefix: oss2.Ptr("ia/keep")}}},
				Transitions: []oss2.LifecycleRuleTransition{{Days: oss2.Ptr(int32(1)), StorageClass: oss2.StorageClassIA}}},
		}}})
	require.NoError(t, err)
	got, err := c.GetBucketLifecycle(ctx, &oss2.GetBucketLifecycleRequest{Bucket: oss2.Ptr("osslife")})
	require.NoError(t, err)
	require.Len(t, got.LifecycleConfiguration.Rules, 2)
	assert.Equal(t, "old/", oss2.ToString(got.LifecycleConfiguration.Rules[0].Prefix))
	assert.Equal(t, tomorrow, oss2.ToString(got.LifecycleConfiguration.Rules[0].Expiration.CreatedBeforeDate))
	assert.Equal(t, oss2.StorageClassIA, got.LifecycleConfiguration.Rules[1].Transitions[0].StorageClass)

	require.Len(t, got.LifecycleConfiguration.Rules[1].Filter.Nots, 1)
	assert.Equal(t, "ia/keep", oss2.ToString(got.LifecycleConfiguration.Rules[1].Filter.Nots[0].Prefix))
	for _, k := range []string{"old/a", "ia/b", "ia/keep/c"} {
		_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("osslife"), Key: oss2.Ptr(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	runLifecycleAt(t, f, 0)
	_, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("osslife"), Key: oss2.Ptr("old/a")})
	require.Error(t, err, "created before the date: due at once")
	runLifecycleAt(t, f, 48*time.Hour)
	h, err := c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("osslife"), Key: oss2.Ptr("ia/b")})
	require.NoError(t, err)
	assert.Equal(t, "IA", oss2.ToString(h.StorageClass))
	h, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("osslife"), Key: oss2.Ptr("ia/keep/c")})
	require.NoError(t, err)
	assert.Equal(t, "Standard", oss2.ToString(h.StorageClass), "excluded by the Not filter")

	_, err = c.DeleteBucketLifecycle(ctx, &oss2.DeleteBucketLifecycleRequest{Bucket: oss2.Ptr("osslife")})
	require.NoError(t, err)
}

// TestS3LifecycleNoncurrent: NoncurrentVersionExpiration and
// ExpiredObjectDeleteMarker through aws-sdk-go-v2 on a versioned bucket.
func TestS3LifecycleNoncurrent(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vlife")})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vlife"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("vlife"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("nc"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}},
			{ID: aws.String("dm"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				Expiration: &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}},
			{ID: aws.String("nt"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("cold/")},
				NoncurrentVersionTransitions: []types.NoncurrentVersionTransition{{NoncurrentDays: aws.Int32(1), StorageClass: types.TransitionStorageClassGlacierIr}}},
		}}})
	require.NoError(t, err)
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("vlife")})
	require.NoError(t, err)
	require.Len(t, got.Rules, 3)
	assert.Equal(t, int32(1), aws.ToInt32(got.Rules[0].NoncurrentVersionExpiration.NoncurrentDays))
	require.Len(t, got.Rules[2].NoncurrentVersionTransitions, 1)
	assert.Equal(t, types.TransitionStorageClassGlacierIr, got.Rules[2].NoncurrentVersionTransitions[0].StorageClass)
	assert.True(t, aws.ToBool(got.Rules[1].Expiration.ExpiredObjectDeleteMarker))

	for _, b := range []string{"1", "2"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vlife"), Key: aws.String("k"), Body: strings.NewReader(b)})
		require.NoError(t, err)
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vlife"), Key: aws.String("k")}) // a marker
	require.NoError(t, err)
	runLifecycleAt(t, f, 72*time.Hour) // both versions noncurrent for days: removed
	l, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("vlife")})
	require.NoError(t, err)
	assert.Empty(t, l.Versions)
	require.Len(t, l.DeleteMarkers, 1, "the marker still hid versions when the pass began")
	runLifecycleAt(t, f, 72*time.Hour)
	l, err = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("vlife")})
	require.NoError(t, err)
	assert.Empty(t, l.DeleteMarkers, "an expired object delete marker is removed")
}

// TestOSSLifecycleOverlaps: OSS refuses rules whose prefixes overlap and
// that take the same action (unless x-oss-allow-same-action-overlap), two
// rules with one prefix, and actions out of order across overlapping
// rules; S3 takes overlapping rules. Through aliyun-oss-go-sdk, whose
// suite checks the first two.
func TestOSSLifecycleOverlaps(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("overlaps"))
	days := func(id, prefix string, n int) oss1.LifecycleRule {
		return oss1.LifecycleRule{ID: id, Prefix: prefix, Status: "Enabled", Expiration: &oss1.LifecycleExpiration{Days: n}}
	}
	overlap := []oss1.LifecycleRule{days("a", "logs", 30), days("b", "logs/app", 3)}
	wantOSS(t, c.SetBucketLifecycle("overlaps", overlap), 400, "InvalidArgument", "")
	_, err := c.GetBucketLifecycle("overlaps")
	wantOSS(t, err, 404, "NoSuchLifecycle", "")
	ok(t, c.SetBucketLifecycle("overlaps", overlap, oss1.AllowSameActionOverLap(true)))
	got, err := c.GetBucketLifecycle("overlaps")
	ok(t, err)
	require.Len(t, got.Rules, 2)
	ok(t, c.SetBucketLifecycle("overlaps", []oss1.LifecycleRule{days("a", "logs", 30), days("b", "other", 3)}))

	same := []oss1.LifecycleRule{days("a", "logs", 30),
		{ID: "b", Prefix: "logs", Status: "Enabled", Transitions: []oss1.LifecycleTransition{{Days: 10, StorageClass: oss1.StorageIA}}}}
	wantOSS(t, c.SetBucketLifecycle("overlaps", same, oss1.AllowSameActionOverLap(true)), 400, "InvalidArgument", "")
	// Overlapping rules out of order: Archive (40 days) before IA (45),
	// refused even when the same action may overlap (the SDK suite's
	// document).
	const outOfOrder = `<LifecycleConfiguration>
  <Rule><ID>r1</ID><Prefix>p</Prefix><Status>Enabled</Status><Expiration><Days>65</Days></Expiration>
    <Transition><Days>45</Days><StorageClass>IA</StorageClass></Transition></Rule>
  <Rule><ID>r2</ID><Prefix>p/sub</Prefix><Status>Enabled</Status><Expiration><Days>60</Days></Expiration>
    <Transition><Days>40</Days><StorageClass>Archive</StorageClass></Transition></Rule>
</LifecycleConfiguration>`
	wantOSS(t, c.SetBucketLifecycleXml("overlaps", outOfOrder, oss1.AllowSameActionOverLap(true)), 400, "InvalidArgument", "")
	ok(t, c.SetBucketLifecycleXml("overlaps", strings.Replace(outOfOrder, "<Days>40</Days>", "<Days>50</Days>", 1), oss1.AllowSameActionOverLap(true)))
	// Two transitions of one rule to the same class.
	twice := oss1.LifecycleRule{ID: "t", Status: "Enabled", Transitions: []oss1.LifecycleTransition{
		{Days: 10, StorageClass: oss1.StorageIA}, {Days: 20, StorageClass: oss1.StorageIA}}}
	wantOSS(t, c.SetBucketLifecycle("overlaps", []oss1.LifecycleRule{twice}), 400, "InvalidArgument", "")
	got, err = c.GetBucketLifecycle("overlaps")
	ok(t, err)
	require.Len(t, got.Rules, 2)
	assert.Equal(t, 50, got.Rules[1].Transitions[0].Days, "the refused documents changed nothing")

	// S3 takes overlapping rules.
	s3c := f.client()
	_, err = s3c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("s3overlaps")})
	require.NoError(t, err)
	rule := func(id, prefix string, n int32) types.LifecycleRule {
		return types.LifecycleRule{ID: aws.String(id), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String(prefix)}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(n)}}
	}
	_, err = s3c.PutBucketLifecycleConfiguration(context.Background(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("s3overlaps"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{rule("a", "logs", 30), rule("b", "logs/app", 3)}}})
	require.NoError(t, err)
}

// TestS3LifecycleLegacyPrefix: a rule put with S3's deprecated top-level
// Prefix comes back with it and without a Filter, and a rule put with a
// Filter comes back with the Filter, as S3 answers (ceph s3-tests
// test_lifecycle_get and test_lifecycle_get_no_id compare the GET result
// with what they put). An empty legacy Prefix, which selects every
// object, comes back as an empty Prefix.
func TestS3LifecycleLegacyPrefix(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy")})
	require.NoError(t, err)
	put := func(rules ...types.LifecycleRule) []types.LifecycleRule {
		t.Helper()
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("legacy"),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}})
		require.NoError(t, err)
		got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("legacy")})
		require.NoError(t, err)
		require.Len(t, got.Rules, len(rules))
		return got.Rules
	}

	legacy := types.LifecycleRule{ID: aws.String("test1/"), Prefix: aws.String("test1/"), Status: types.ExpirationStatusEnabled,
		Expiration: &types.LifecycleExpiration{Days: aws.Int32(31)}}
	got := put(legacy,
		types.LifecycleRule{Prefix: aws.String("test2/"), Status: types.ExpirationStatusEnabled,
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(120)}},
		types.LifecycleRule{ID: aws.String("all"), Prefix: aws.String(""), Status: types.ExpirationStatusDisabled,
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(365)}})
	assert.Equal(t, legacy, got[0])
	assert.NotEmpty(t, aws.ToString(got[1].ID), "an ID is generated")
	assert.Equal(t, aws.String("test2/"), got[1].Prefix)
	assert.Nil(t, got[1].Filter)
	assert.Equal(t, aws.String(""), got[2].Prefix, "an empty legacy Prefix comes back empty")
	assert.Nil(t, got[2].Filter)
	o, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("legacy"), Key: aws.String("test1/a"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(o.Expiration), `rule-id="test1/"`, "the legacy Prefix selects")

	filtered := types.LifecycleRule{ID: aws.String("f"), Filter: &types.LifecycleRuleFilter{Prefix: aws.String("test1/")},
		Status: types.ExpirationStatusEnabled, Expiration: &types.LifecycleExpiration{Days: aws.Int32(31)}}
	got = put(filtered,
		types.LifecycleRule{ID: aws.String("e"), Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
			Status: types.ExpirationStatusEnabled, Expiration: &types.LifecycleExpiration{Days: aws.Int32(365)}})
	assert.Equal(t, filtered, got[0])
	assert.Nil(t, got[1].Prefix)
	require.NotNil(t, got[1].Filter)
	assert.Equal(t, aws.String(""), got[1].Filter.Prefix)
}

// TestOSSTransitionTime: an object a lifecycle rule moves to ColdArchive
// shows when (TransitionTime) in ListObjectsV2, ListObjectVersions, and
// HeadObject's x-oss-transition-time, as OSS does for the cold archive
// classes (the S3 dialect shows none); the OSS inventory takes
// TransitionTime as an optional field, S3's does not.
func TestOSSTransitionTime(t *testing.T) {
	clock := &testClock{fixed: time.Now()}
	f := newFixture(t, fixtureOptions{clock: clock})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	v2Bucket(t, c, "cold")
	_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("cold"), Key: oss2.Ptr("logs/a"), Body: strings.NewReader("a")})
	require.NoError(t, err)
	_, err = c.PutBucketLifecycle(ctx, &oss2.PutBucketLifecycleRequest{Bucket: oss2.Ptr("cold"),
		LifecycleConfiguration: &oss2.LifecycleConfiguration{Rules: []oss2.LifecycleRule{{ID: oss2.Ptr("freeze"), Prefix: oss2.Ptr("logs/"),
			Status: oss2.Ptr("Enabled"), Transitions: []oss2.LifecycleRuleTransition{{Days: oss2.Ptr(int32(1)), StorageClass: oss2.StorageClassColdArchive}}}}}})
	require.NoError(t, err)
	list, err := c.ListObjectsV2(ctx, &oss2.ListObjectsV2Request{Bucket: oss2.Ptr("cold")})
	require.NoError(t, err)
	require.Nil(t, list.Contents[0].TransitionTime, "not moved yet")

	clock.Advance(49 * time.Hour)
	st, err := f.eng.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Transitioned)
	moved := clock.Now()
	clock.Advance(-49 * time.Hour) // back to the SDK's time, for its signatures
	list, err = c.ListObjectsV2(ctx, &oss2.ListObjectsV2Request{Bucket: oss2.Ptr("cold")})
	require.NoError(t, err)
	require.Equal(t, "ColdArchive", oss2.ToString(list.Contents[0].StorageClass))
	require.NotNil(t, list.Contents[0].TransitionTime)
	require.WithinDuration(t, moved, *list.Contents[0].TransitionTime, 2*time.Second)
	vers, err := c.ListObjectVersions(ctx, &oss2.ListObjectVersionsRequest{Bucket: oss2.Ptr("cold")})
	require.NoError(t, err)
	require.NotNil(t, vers.ObjectVersions[0].TransitionTime)
	r := f.do(t, raw{method: "HEAD", path: "/cold/logs/a", sign: "oss-v4"})
	require.Equal(t, 200, r.StatusCode)
	got, err := http.ParseTime(r.Header.Get("X-Oss-Transition-Time"))
	require.NoError(t, err)
	require.WithinDuration(t, moved, got, 2*time.Second)
	// The S3 dialect shows none.
	r = f.do(t, raw{method: "HEAD", path: "/cold/logs/a"})
	require.Empty(t, r.Header.Get("X-Amz-Transition-Time"))
	require.Empty(t, r.Header.Get("X-Oss-Transition-Time"))

	v2Bucket(t, c, "oss-reports")
	inv := ossInventoryConfig("tt")
	inv.OptionalFields = &oss2.OptionalFields{Fields: []oss2.InventoryOptionalFieldType{oss2.InventoryOptionalFieldTransitionTime}}
	_, err = c.PutBucketInventory(ctx, &oss2.PutBucketInventoryRequest{Bucket: oss2.Ptr("cold"), InventoryId: oss2.Ptr("tt"), InventoryConfiguration: inv})
	require.NoError(t, err)
	s3doc := []byte(`<InventoryConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>s3</Id><IsEnabled>true</IsEnabled>` +
		`<Destination><S3BucketDestination><Format>CSV</Format><Bucket>arn:aws:s3:::oss-reports</Bucket></S3BucketDestination></Destination>` +
		`<Schedule><Frequency>Daily</Frequency></Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>` +
		`<OptionalFields><Field>TransitionTime</Field></OptionalFields></InventoryConfiguration>`)
	r = f.do(t, raw{method: "PUT", path: "/cold?inventory&id=s3", body: s3doc})
	require.Equal(t, 400, r.StatusCode, string(r.body))
}

// TestS3LifecycleTransitionMinimum: S3's
// x-amz-transition-default-minimum-object-size is taken, answered by the
// PUT and the GET (all_storage_classes_128K when not given, as S3 does:
// Terraform's provider waits for the GET to show what it put; none for a
// configuration put through OSS, which holds nothing back), and
// honoured: an object under 128 KiB moves to no class, or with
// varies_by_storage_class only to GLACIER and DEEP_ARCHIVE, unless its
// rule bounds sizes itself. The header was ignored and never answered.
func TestS3LifecycleTransitionMinimum(t *testing.T) {
	f := newFixture(t, fixtureOptions{clock: &testClock{fixed: time.Now()}})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tmin")})
	require.NoError(t, err)
	rules := []types.LifecycleRule{
		{ID: aws.String("ia"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("ia/")},
			Transitions: []types.Transition{{Days: aws.Int32(30), StorageClass: types.TransitionStorageClassStandardIa}}},
		{ID: aws.String("glacier"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("gl/")},
			Transitions: []types.Transition{{Days: aws.Int32(1), StorageClass: types.TransitionStorageClassGlacier}}},
		{ID: aws.String("sized"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{ObjectSizeGreaterThan: aws.Int64(1)},
			Transitions: []types.Transition{{Days: aws.Int32(30), StorageClass: types.TransitionStorageClassOnezoneIa}}},
	}
	putRules := func(minimum types.TransitionDefaultMinimumObjectSize) types.TransitionDefaultMinimumObjectSize {
		t.Helper()
		out, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("tmin"),
			TransitionDefaultMinimumObjectSize: minimum, LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}})
		require.NoError(t, err)
		got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("tmin")})
		require.NoError(t, err)
		assert.Equal(t, out.TransitionDefaultMinimumObjectSize, got.TransitionDefaultMinimumObjectSize)
		return got.TransitionDefaultMinimumObjectSize
	}
	assert.Equal(t, types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k, putRules(""))

	put := func(key string, size int) {
		t.Helper()
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tmin"), Key: aws.String(key), Body: bytes.NewReader(make([]byte, size))})
		require.NoError(t, err)
	}
	class := func(key string) types.StorageClass {
		t.Helper()
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("tmin"), Key: aws.String(key)})
		require.NoError(t, err)
		return h.StorageClass
	}
	put("ia/small", 100)
	put("ia/big", 128<<10)
	put("gl/small", 100)
	runLifecycleAt(t, f, (30*24+25)*time.Hour) // thirty days, rounded up to midnight UTC
	assert.Equal(t, types.StorageClassOnezoneIa, class("ia/small"), "a rule that bounds sizes itself moves small objects")
	rules = rules[:2]
	assert.Equal(t, types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k, putRules(types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k))
	put("ia/small2", 100)
	put("gl/small2", 100)
	runLifecycleAt(t, f, (30*24+25)*time.Hour)
	assert.Equal(t, types.StorageClass(""), class("ia/small2"), "under 128 KiB: held back")
	assert.Equal(t, types.StorageClass(""), class("gl/small2"), "under 128 KiB: held back, even for GLACIER")
	assert.Equal(t, types.StorageClassStandardIa, class("ia/big"))

	assert.Equal(t, types.TransitionDefaultMinimumObjectSizeVariesByStorageClass, putRules(types.TransitionDefaultMinimumObjectSizeVariesByStorageClass))
	runLifecycleAt(t, f, (30*24+25)*time.Hour)
	assert.Equal(t, types.StorageClass(""), class("ia/small2"), "varies_by_storage_class: STANDARD_IA held back")
	assert.Equal(t, types.StorageClassGlacier, class("gl/small2"), "varies_by_storage_class: GLACIER moves")

	// OSS has no default minimum: its configuration, read through S3,
	// names none (it claimed all_storage_classes_128K) and moves small
	// objects.
	_, err = f.ossV2(testAK, testSK).PutBucketLifecycle(ctx, &oss2.PutBucketLifecycleRequest{Bucket: oss2.Ptr("tmin"),
		LifecycleConfiguration: &oss2.LifecycleConfiguration{Rules: []oss2.LifecycleRule{
			{ID: oss2.Ptr("ia"), Prefix: oss2.Ptr("ia/"), Status: oss2.Ptr("Enabled"),
				Transitions: []oss2.LifecycleRuleTransition{{Days: oss2.Ptr(int32(1)), StorageClass: oss2.StorageClassIA}}}}}})
	require.NoError(t, err)
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("tmin")})
	require.NoError(t, err)
	assert.Equal(t, types.TransitionDefaultMinimumObjectSize(""), got.TransitionDefaultMinimumObjectSize)
	runLifecycleAt(t, f, 49*time.Hour)
	assert.Equal(t, types.StorageClass("IA"), class("ia/small2"), "no default minimum under OSS's configuration (the class keeps OSS's name)")

	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("tmin"),
		TransitionDefaultMinimumObjectSize: "bogus", LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}})
	requireAPIError(t, err, "InvalidRequest")
}

// TestS3LifecycleTransitionZeroDays: S3 takes a Transition with Days 0
// to GLACIER, GLACIER_IR, DEEP_ARCHIVE and INTELLIGENT_TIERING
// (API_Transition: "valid values are 0 or positive integers"; aws-sdk-js-v3's
// s3-bucket-features e2e test puts one and reads Days 0 back), reads it
// back with Days 0, and moves an object at the first midnight UTC after
// its creation. It was refused with InvalidArgument ('Days' must be a
// positive integer). STANDARD_IA and an Expiration keep needing a
// positive Days.
func TestS3LifecycleTransitionZeroDays(t *testing.T) {
	f := newFixture(t, fixtureOptions{clock: &testClock{fixed: time.Now()}})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("zero")})
	require.NoError(t, err)
	put := func(class types.TransitionStorageClass) error {
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("zero"),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
				{Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("cold/")},
					Transitions: []types.Transition{{Days: aws.Int32(0), StorageClass: class}}}}}})
		return err
	}
	requireAPIError(t, put(types.TransitionStorageClassStandardIa), "InvalidArgument")
	require.NoError(t, put(types.TransitionStorageClassGlacier))
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("zero")})
	require.NoError(t, err)
	require.Len(t, got.Rules, 1)
	require.Len(t, got.Rules[0].Transitions, 1)
	require.NotNil(t, got.Rules[0].Transitions[0].Days, "Days 0 is read back, not dropped")
	assert.Equal(t, int32(0), *got.Rules[0].Transitions[0].Days)
	assert.Equal(t, types.TransitionStorageClassGlacier, got.Rules[0].Transitions[0].StorageClass)

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("zero"), Key: aws.String("cold/a"), Body: bytes.NewReader(make([]byte, 128<<10))})
	require.NoError(t, err)
	runLifecycleAt(t, f, 25*time.Hour) // past the next midnight UTC from any time of day
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("zero"), Key: aws.String("cold/a")})
	require.NoError(t, err)
	assert.Equal(t, types.StorageClassGlacier, h.StorageClass)

	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("zero"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(0)}}}}})
	requireAPIError(t, err, "InvalidArgument")
}

// TestS3LifecycleInfrequentAccessDays: S3 moves objects to STANDARD_IA
// and ONEZONE_IA no sooner than 30 days after creation and refuses a
// Transition that asks for less (InvalidArgument, "'Days' in Transition
// action must be greater than or equal to 30 for storageClass
// 'STANDARD_IA'"; API_Transition); osslite took Days 1 to 29. OSS's IA
// keeps taking any positive Days (TestS3LifecycleTransitionMinimum).
func TestS3LifecycleInfrequentAccessDays(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ia30")
	put := func(class string, days int) rawResponse {
		return f.do(t, raw{method: "PUT", path: "/ia30?lifecycle", body: []byte(`<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter><Prefix></Prefix></Filter><Transition><Days>` +
			strconv.Itoa(days) + `</Days><StorageClass>` + class + `</StorageClass></Transition></Rule></LifecycleConfiguration>`)})
	}
	for _, class := range []string{"STANDARD_IA", "ONEZONE_IA"} {
		for _, days := range []int{1, 29} {
			r := put(class, days)
			assert.Equal(t, 400, r.StatusCode, "%s Days %d", class, days)
			assert.Equal(t, "InvalidArgument", r.errCode(), "%s Days %d", class, days)
			assert.Contains(t, string(r.body), "greater than or equal to 30 for storageClass '"+class+"'")
		}
		assert.Equal(t, 200, put(class, 30).StatusCode, class)
	}
	assert.Equal(t, 200, put("GLACIER", 1).StatusCode)
}

// TestS3LifecycleAbortWithTagsOrSize: S3 refuses an
// AbortIncompleteMultipartUpload rule whose filter names tags or an
// object size (an upload has neither), InvalidRequest in S3's words
// (terraform-aws-modules/terraform-aws-s3-bucket#109 quotes the Tags
// answer, cfn-lint#3554 the Object Size one), and stores nothing.
func TestS3LifecycleAbortWithTagsOrSize(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/abortfilter"}).errOrNil())
	for filter, msg := range map[string]string{
		`<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>`:                                     "AbortIncompleteMultipartUpload cannot be specified with Tags.",
		`<Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>b</Value></Tag></And></Filter>`:       "AbortIncompleteMultipartUpload cannot be specified with Tags.",
		`<Filter><ObjectSizeGreaterThan>1000</ObjectSizeGreaterThan></Filter>`:                         "AbortIncompleteMultipartUpload cannot be specified with Object Size.",
		`<Filter><And><Prefix>p/</Prefix><ObjectSizeLessThan>9000</ObjectSizeLessThan></And></Filter>`: "AbortIncompleteMultipartUpload cannot be specified with Object Size.",
	} {
		doc := `<LifecycleConfiguration><Rule><ID>r</ID>` + filter + `<Status>Enabled</Status>` +
			`<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>`
		r := f.do(t, raw{method: "PUT", path: "/abortfilter?lifecycle", body: []byte(doc)})
		assert.Equal(t, "InvalidRequest", r.errCode(), filter)
		assert.Equal(t, msg, errFields(t, r.body)["Message"], filter)
	}
	r := f.do(t, raw{method: "GET", path: "/abortfilter?lifecycle"})
	assert.Equal(t, "NoSuchLifecycleConfiguration", r.errCode(), "nothing stored")
	doc := `<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status>` +
		`<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>`
	must(t, f.do(t, raw{method: "PUT", path: "/abortfilter?lifecycle", body: []byte(doc)}).errOrNil())
}

// TestDos40OSSLifecycleOneNot: OSS takes one Not in a rule's Filter (EC
// 0014-00000089); two are refused as OSS refuses them and nothing is
// stored, so a rule's Nots no longer grow with the document (14 in each
// of 1,000 rules made dos39's 2.8 ms an object a pass).
func TestDos40OSSLifecycleOneNot(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("onenot")})
	require.NoError(t, err)
	rule := func(nots ...string) oss2.LifecycleRule {
		r := oss2.LifecycleRule{ID: oss2.Ptr("r"), Prefix: oss2.Ptr("logs/"), Status: oss2.Ptr("Enabled"),
			Expiration: &oss2.LifecycleRuleExpiration{Days: oss2.Ptr(int32(10))}, Filter: &oss2.LifecycleRuleFilter{}}
		for _, n := range nots {
			r.Filter.Nots = append(r.Filter.Nots, oss2.LifecycleRuleNot{Prefix: oss2.Ptr(n)})
		}
		return r
	}
	_, err = c.PutBucketLifecycle(ctx, &oss2.PutBucketLifecycleRequest{Bucket: oss2.Ptr("onenot"),
		LifecycleConfiguration: &oss2.LifecycleConfiguration{Rules: []oss2.LifecycleRule{rule("logs/a/", "logs/b/")}}})
	wantOSS(t, err, 400, "MalformedXML", "0014-00000089")
	_, err = c.GetBucketLifecycle(ctx, &oss2.GetBucketLifecycleRequest{Bucket: oss2.Ptr("onenot")})
	wantOSS(t, err, 404, "NoSuchLifecycle", "")

	_, err = c.PutBucketLifecycle(ctx, &oss2.PutBucketLifecycleRequest{Bucket: oss2.Ptr("onenot"),
		LifecycleConfiguration: &oss2.LifecycleConfiguration{Rules: []oss2.LifecycleRule{rule("logs/a/")}}})
	require.NoError(t, err)
	got, err := c.GetBucketLifecycle(ctx, &oss2.GetBucketLifecycleRequest{Bucket: oss2.Ptr("onenot")})
	require.NoError(t, err)
	require.Len(t, got.LifecycleConfiguration.Rules[0].Filter.Nots, 1)
}
