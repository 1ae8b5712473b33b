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
