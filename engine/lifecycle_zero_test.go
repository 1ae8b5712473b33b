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
