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

// Access tracking on the clock: a read is recorded once a day, an
// object not read since tracking began counts from then (or from its
// creation), a transition by last access waits for the last read,
// leaves small objects unless told, and a read moves an object back to
// Standard when its rule says so; with tracking off nothing is recorded
// and the rules by last access do nothing.
func TestAccessTrackingLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	clk.t = time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "acc", BucketOptions{}))
	for key, size := range map[string]int{"hot/a": 100 << 10, "hot/b": 100 << 10, "hot/small": 1 << 10, "hot/small-ok": 1 << 10} {
		_, err := e.PutObject(ctx, "acc", key, bytes.NewReader(make([]byte, size)), int64(size), PutOptions{})
		require.NoError(t, err)
	}
	head := func(key string) ObjectInfo { return mustHead(t, e, "acc", key) }
	run := func(d time.Duration) LifecycleStats {
		clk.Advance(d)
		st, err := e.RunPending(ctx)
		require.NoError(t, err)
		return st
	}
	yes := true
	lc := &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "hot", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "hot/"},
			Transitions: []bucketconfig.LifecycleTransition{{Days: 2, StorageClass: "IA", AccessTime: &yes, ReturnToStd: &yes}}},
		{ID: "small", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "hot/small-ok"},
			Transitions: []bucketconfig.LifecycleTransition{{Days: 2, StorageClass: "Archive", AccessTime: &yes, AllowSmallFile: &yes}}},
	}}
	require.NoError(t, e.SetBucketConfig(ctx, "acc", lc))

	// Tracking off: reads are not recorded, the rules wait.
	require.NoError(t, e.TouchObject(ctx, "acc", "hot/a", ""))
	assert.True(t, head("hot/a").LastAccess.IsZero())
	assert.Equal(t, LifecycleStats{}, run(4*24*time.Hour))
	assert.Equal(t, "", head("hot/b").StorageClass)

	// Tracking on from March 5, 10:30.
	since := clk.Now()
	require.NoError(t, e.SetBucketConfig(ctx, "acc", &bucketconfig.AccessMonitor{Since: since}))
	assert.Equal(t, since, LastAccessTime(head("hot/b"), since), "not read since tracking began")
	run(24 * time.Hour) // March 6, 10:30
	require.NoError(t, e.TouchObject(ctx, "acc", "hot/a", ""))
	read := clk.Now()
	assert.Equal(t, read, head("hot/a").LastAccess)
	clk.Advance(time.Hour)
	require.NoError(t, e.TouchObject(ctx, "acc", "hot/a", ""))
	assert.Equal(t, read, head("hot/a").LastAccess, "one recorded read a day")

	// Two days from March 5, 10:30 are due on March 8 (midnight UTC):
	// hot/b and the small object its rule allows move; hot/a, read on
	// March 6, and the small object left alone do not.
	st := run(38 * time.Hour) // March 8, 00:30
	assert.Equal(t, 2, st.Transitioned)
	assert.Equal(t, "IA", head("hot/b").StorageClass)
	assert.Equal(t, "Archive", head("hot/small-ok").StorageClass)
	assert.Equal(t, "", head("hot/a").StorageClass)
	assert.Equal(t, "", head("hot/small").StorageClass)
	run(24 * time.Hour) // March 9, 00:30
	assert.Equal(t, "IA", head("hot/a").StorageClass)

	// A read moves an IA object its rule transitioned back to Standard.
	require.NoError(t, e.TouchObject(ctx, "acc", "hot/b", ""))
	b := head("hot/b")
	assert.Equal(t, "Standard", b.StorageClass)
	assert.Equal(t, clk.Now(), b.LastAccess)
	assert.Equal(t, LifecycleStats{}, run(time.Hour), "read an hour ago: not due")

	// A new write starts over: no recorded read, the creation counts.
	_, err := e.PutObject(ctx, "acc", "hot/b", bytes.NewReader(make([]byte, 100<<10)), 100<<10, PutOptions{})
	require.NoError(t, err)
	b = head("hot/b")
	assert.True(t, b.LastAccess.IsZero())
	assert.Equal(t, b.LastModified, LastAccessTime(b, since))
	require.NoError(t, e.TouchObject(ctx, "acc", "missing", ""), "a read of a key gone since is left alone")
}
