package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestReview31bAbortDateAsAborted: the abort date an upload is answered
// (UploadAbortDate, S3's x-amz-abort-date, 68343f3) is the lifecycle
// pass's: a rule whose filter also names an object size aborts uploads
// under its prefix (an upload has no size), so its date is reported,
// and the upload is gone once that date has passed.
func TestReview31bAbortDateAsAborted(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	clk.t = time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "abort-size", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "abort-size", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "big", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "big/", SizeGreaterThan: 1000},
			AbortUploads: &bucketconfig.LifecycleAbort{Days: 1}},
	}}))
	id, err := e.CreateMultipartUpload(ctx, "abort-size", "big/u", PutOptions{})
	require.NoError(t, err)
	up, err := e.Upload(ctx, "abort-size", "big/u", id)
	require.NoError(t, err)

	at, rule, ok := e.UploadAbortDate(ctx, up)
	require.True(t, ok, "the pass aborts this upload: its date is answered")
	assert.Equal(t, "big", rule)
	assert.Equal(t, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), at)

	clk.Advance(at.Sub(clk.Now()) + time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.UploadsAborted, "aborted as answered")
}
