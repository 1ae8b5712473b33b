package engine

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Every rule kind, executed on a fake clock: nothing happens before it is
// due, everything due happens once, and objects that do not match stay.
func TestLifecycleOnTheClock(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	clk.t = time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1 // RunPending alone drives the test
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "life", BucketOptions{}))
	put := func(key string, size int, tags ...Tag) ObjectInfo {
		info, err := e.PutObject(ctx, "life", key, bytes.NewReader(make([]byte, size)), int64(size), PutOptions{Tags: tags})
		require.NoError(t, err)
		return info
	}
	put("logs/a", 10)
	put("logs/big", 5000)
	put("tmp/x", 10, Tag{"keep", "no"})
	put("tmp/y", 10, Tag{"keep", "yes"})
	put("data/z", 10)
	up, err := e.CreateMultipartUpload(ctx, "life", "uploads/u", PutOptions{})
	require.NoError(t, err)

	lc := &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "logs", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "logs/", SizeLessThan: 1000},
			Expiration: &bucketconfig.LifecycleExpiration{Days: 3}},
		{ID: "tmp", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "tmp/", Tags: []bucketconfig.Tag{{Key: "keep", Value: "no"}}},
			Expiration: &bucketconfig.LifecycleExpiration{Days: 1}},
		{ID: "cold", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "data/"},
			Transitions: []bucketconfig.LifecycleTransition{{Days: 2, StorageClass: "IA"}, {Days: 5, StorageClass: "Archive"}}},
		{ID: "mpu", Enabled: true, AbortUploads: &bucketconfig.LifecycleAbort{Days: 1}},
		{ID: "off", Enabled: false, Expiration: &bucketconfig.LifecycleExpiration{Days: 1}},
	}}
	require.NoError(t, e.SetBucketConfig(ctx, "life", lc))

	exists := func(key string) bool {
		_, err := e.HeadObject(ctx, "life", key)
		if err != nil {
			require.ErrorIs(t, err, ErrNoSuchKey)
		}
		return err == nil
	}
	class := func(key string) string {
		info, err := e.HeadObject(ctx, "life", key)
		require.NoError(t, err)
		return info.StorageClass
	}
	run := func(d time.Duration) LifecycleStats {
		clk.Advance(d)
		st, err := e.RunPending(ctx)
		require.NoError(t, err)
		return st
	}

	// S3 rounds to the next midnight UTC: 1 day after 10:30 on March 1 is
	// March 3, 00:00.
	at, rule, ok := e.ObjectExpiry(ctx, mustHead(t, e, "life", "tmp/x"))
	require.True(t, ok)
	assert.Equal(t, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), at)
	assert.Equal(t, "tmp", rule)
	_, _, ok = e.ObjectExpiry(ctx, mustHead(t, e, "life", "tmp/y"))
	assert.False(t, ok)

	assert.Equal(t, LifecycleStats{}, run(time.Hour))
	st := run(38 * time.Hour) // March 3, 01:30
	assert.Equal(t, LifecycleStats{Expired: 1, UploadsAborted: 1}, st)
	assert.False(t, exists("tmp/x"))
	assert.True(t, exists("tmp/y"))
	_, err = e.ListParts(ctx, "life", "uploads/u", up, ListPartsOptions{})
	require.ErrorIs(t, err, ErrNoSuchUpload)

	st = run(24 * time.Hour) // March 4, 01:30: data/z is 2 days old (due March 4, 00:00)
	assert.Equal(t, LifecycleStats{Transitioned: 1}, st)
	assert.Equal(t, "IA", class("data/z"))
	assert.Equal(t, LifecycleStats{}, run(time.Minute), "nothing twice")

	st = run(24 * time.Hour) // March 5: logs/a expires, logs/big is too big
	assert.Equal(t, LifecycleStats{Expired: 1}, st)
	assert.False(t, exists("logs/a"))
	assert.True(t, exists("logs/big"))

	st = run(48 * time.Hour) // March 7: the 5-day transition wins
	assert.Equal(t, LifecycleStats{Transitioned: 1}, st)
	assert.Equal(t, "Archive", class("data/z"))

	// A new object is counted from its own creation.
	put("logs/new", 1)
	assert.Equal(t, LifecycleStats{}, run(24*time.Hour))
	assert.Equal(t, LifecycleStats{Expired: 1}, run(72*time.Hour))
}

// A debug lifecycle day is counted exactly, and the background loop runs
// passes by itself.
func TestLifecycleDebugDayInTheBackground(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.Clock = SystemClock
	opts.LifecycleDay = 50 * time.Millisecond
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "life", BucketOptions{}))
	_, err := e.PutObject(ctx, "life", "k", bytes.NewReader([]byte("x")), 1, PutOptions{})
	require.NoError(t, err)
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "r", Enabled: true, Expiration: &bucketconfig.LifecycleExpiration{Days: 2}}}}))
	require.Eventually(t, func() bool {
		_, err := e.HeadObject(ctx, "life", "k")
		return err != nil
	}, 5*time.Second, 10*time.Millisecond)
}

// A date rule (S3) expires every matching object from that day on; a
// created-before rule (OSS) only older ones.
func TestLifecycleDates(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	clk.t = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "life", BucketOptions{}))
	for _, k := range []string{"s3/old", "oss/old"} {
		_, err := e.PutObject(ctx, "life", k, bytes.NewReader([]byte("x")), 1, PutOptions{})
		require.NoError(t, err)
	}
	d := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "s3", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "s3/"}, Expiration: &bucketconfig.LifecycleExpiration{Date: &d}},
		{ID: "oss", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "oss/"}, Expiration: &bucketconfig.LifecycleExpiration{CreatedBefore: &d}},
	}}))
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, LifecycleStats{Expired: 1}, st, "oss/old was created before the date")
	clk.Advance(5 * 24 * time.Hour)
	for _, k := range []string{"s3/new", "oss/new"} {
		_, err := e.PutObject(ctx, "life", k, bytes.NewReader([]byte("x")), 1, PutOptions{})
		require.NoError(t, err)
	}
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, LifecycleStats{Expired: 2}, st, "s3/old and s3/new: the date has passed; oss/new is newer")
	_, err = e.HeadObject(ctx, "life", "oss/new")
	require.NoError(t, err)
}

func mustHead(t *testing.T, e *Engine, bucket, key string) ObjectInfo {
	t.Helper()
	info, err := e.HeadObject(context.Background(), bucket, key)
	require.NoError(t, err)
	return info
}

// Noncurrent version expiration counts from when a version became
// noncurrent and keeps the newest noncurrent ones; an expired object
// delete marker (a key's only version) is removed.
func TestLifecycleVersionRules(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "life", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Versioning{Status: "Enabled"}))
	put := func(key, body string) ObjectInfo {
		info, err := e.PutObject(ctx, "life", key, bytes.NewReader([]byte(body)), int64(len(body)), PutOptions{})
		require.NoError(t, err)
		return info
	}
	v1 := put("k", "1")
	clk.Advance(10 * 24 * time.Hour)
	v2 := put("k", "2") // v1 noncurrent from now
	clk.Advance(24 * time.Hour)
	v3 := put("k", "3") // v2 noncurrent from now
	m := put("gone", "x")
	_, err := e.DeleteObjectVersion(ctx, "life", "gone", DeleteOptions{})
	require.NoError(t, err)
	_, err = e.DeleteObjectVersion(ctx, "life", "gone", DeleteOptions{VersionID: m.VersionID})
	require.NoError(t, err)

	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "old", Enabled: true, NoncurrentExpiration: &bucketconfig.NoncurrentExpiration{Days: 2}},
		{ID: "markers", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "gone"},
			Expiration: &bucketconfig.LifecycleExpiration{ExpiredObjectDeleteMarker: true}},
	}}))
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, LifecycleStats{MarkersRemoved: 1}, st, "v1 became noncurrent a day ago: not yet")
	// v1 became noncurrent on January 12 (03:04): 2 days later, rounded
	// up to midnight, is January 15; v2's is January 16.
	clk.Advance(57 * time.Hour) // January 15, 12:04
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, LifecycleStats{NoncurrentExpired: 1}, st)
	_, err = e.HeadObjectVersion(ctx, "life", "k", v1.VersionID)
	require.ErrorIs(t, err, ErrNoSuchVersion)
	_, err = e.HeadObjectVersion(ctx, "life", "k", v2.VersionID)
	require.NoError(t, err, "not due before January 16")
	clk.Advance(24 * time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, LifecycleStats{NoncurrentExpired: 1}, st)
	got, err := e.HeadObject(ctx, "life", "k")
	require.NoError(t, err)
	assert.Equal(t, v3.VersionID, got.VersionID, "the current version stays")
	l, err := e.ListObjectVersions(ctx, "life", VersionListOptions{})
	require.NoError(t, err)
	assert.Len(t, l.Versions, 1, "only k's current version is left; gone's marker was removed")

	// NewerNoncurrent keeps the newest noncurrent versions.
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "keep2", Enabled: true, NoncurrentExpiration: &bucketconfig.NoncurrentExpiration{Days: 1, NewerNoncurrent: 2}}}}))
	for _, b := range []string{"4", "5", "6", "7"} {
		put("k", b)
	}
	clk.Advance(72 * time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.NoncurrentExpired, "versions 3 and 4 go; 5 and 6 are kept")
	l, err = e.ListObjectVersions(ctx, "life", VersionListOptions{})
	require.NoError(t, err)
	assert.Len(t, l.Versions, 3)
}

// Noncurrent version transitions move a noncurrent version's storage
// class in place, counted from when it became noncurrent, keeping the
// newest noncurrent ones where asked.
func TestLifecycleNoncurrentTransitions(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "life", BucketOptions{}))
	put := func(body string) ObjectInfo {
		info, err := e.PutObject(ctx, "life", "k", bytes.NewReader([]byte(body)), int64(len(body)), PutOptions{})
		require.NoError(t, err)
		return info
	}
	null := put("0") // the null version, written before versioning
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Versioning{Status: "Enabled"}))
	v1 := put("1")
	v2 := put("2")
	v3 := put("3")
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "nt", Enabled: true, NoncurrentTransitions: []bucketconfig.LifecycleTransition{{Days: 1, StorageClass: "IA", NewerNoncurrent: 1}}}}}))
	clk.Advance(72 * time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.NoncurrentTransitioned, "v1 and the null version; v2 is the newest noncurrent, kept")
	class := func(vid string) string {
		info, err := e.HeadObjectVersion(ctx, "life", "k", vid)
		require.NoError(t, err)
		return info.StorageClass
	}
	assert.Equal(t, "IA", class(v1.VersionID))
	assert.Equal(t, "IA", class(NullVersionID))
	assert.Equal(t, "", class(v2.VersionID))
	assert.Equal(t, "", class(v3.VersionID))
	got, _ := readAll(t, e, "life", "k", GetOptions{VersionID: v1.VersionID})
	assert.Equal(t, "1", string(got), "the body stays")
	info, err := e.HeadObjectVersion(ctx, "life", "k", v1.VersionID)
	require.NoError(t, err)
	assert.True(t, info.LastModified.Equal(v1.LastModified), "the modification time stays")
	_ = null
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, st.NoncurrentTransitioned, "nothing twice")
}

// TestTransitionTime: a lifecycle transition records when it moved the
// object (ObjectInfo.TransitionTime, in its record); a copy is a new
// object without one.
func TestTransitionTime(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	clk.t = time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "tt-bucket", BucketOptions{}))
	_, err := e.PutObject(ctx, "tt-bucket", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
	require.NoError(t, err)
	require.NoError(t, e.SetBucketConfig(ctx, "tt-bucket", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "ia", Enabled: true, Transitions: []bucketconfig.LifecycleTransition{{Days: 1, StorageClass: "IA"}}}}}))
	info, err := e.HeadObject(ctx, "tt-bucket", "k")
	require.NoError(t, err)
	require.True(t, info.TransitionTime.IsZero())
	clk.t = clk.t.Add(49 * time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Transitioned)
	info, err = e.HeadObject(ctx, "tt-bucket", "k")
	require.NoError(t, err)
	require.Equal(t, "IA", info.StorageClass)
	require.True(t, info.TransitionTime.Equal(clk.t), "%v, want %v", info.TransitionTime, clk.t)
	_, err = e.CopyObject(ctx, "tt-bucket", "k", "tt-bucket", "copy", CopyOptions{})
	require.NoError(t, err)
	cp, err := e.HeadObject(ctx, "tt-bucket", "copy")
	require.NoError(t, err)
	require.True(t, cp.TransitionTime.IsZero(), "a copy is a new object")
}

// TestNoncurrentTransitionZeroDays: a noncurrent transition put with
// NoncurrentDays 0 (ZeroDays) moves a version at the first midnight UTC
// after it became noncurrent, not before.
func TestNoncurrentTransitionZeroDays(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	clk.t = time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "zero", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "zero", &bucketconfig.Versioning{Status: "Enabled"}))
	put := func(body string) ObjectInfo {
		info, err := e.PutObject(ctx, "zero", "k", bytes.NewReader([]byte(body)), int64(len(body)), PutOptions{})
		require.NoError(t, err)
		return info
	}
	v1 := put("1")
	put("2")
	require.NoError(t, e.SetBucketConfig(ctx, "zero", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "nt0", Enabled: true, NoncurrentTransitions: []bucketconfig.LifecycleTransition{{ZeroDays: true, StorageClass: "INTELLIGENT_TIERING"}}}}}))
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, st.NoncurrentTransitioned, "not before midnight")
	clk.Advance(14 * time.Hour) // past midnight UTC
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.NoncurrentTransitioned)
	info, err := e.HeadObjectVersion(ctx, "zero", "k", v1.VersionID)
	require.NoError(t, err)
	assert.Equal(t, "INTELLIGENT_TIERING", info.StorageClass)
}
