package engine

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAnnotationsFollowTheBody(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	put := func(body string) ObjectInfo {
		info, err := e.PutObject(ctx, "bkt", "k/x", bytes.NewReader([]byte(body)), int64(len(body)), PutOptions{})
		require.NoError(t, err)
		return info
	}
	v1 := put("one")
	_, err := e.Annotation(ctx, "bkt", "k/x", "meta", v1)
	require.ErrorIs(t, err, ErrNoSuchAnnotation)
	require.NoError(t, e.PutAnnotation(ctx, "bkt", "k/x", "meta", v1, []byte("m1")))
	got, err := e.Annotation(ctx, "bkt", "k/x", "meta", v1)
	require.NoError(t, err)
	require.Equal(t, []byte("m1"), got)

	// A new body (even the same bytes, later) makes the annotation stale.
	clk.Advance(time.Second)
	v2 := put("one")
	_, err = e.Annotation(ctx, "bkt", "k/x", "meta", v2)
	require.ErrorIs(t, err, ErrNoSuchAnnotation)
	// Computed from v1, it cannot be stored for v2.
	require.ErrorIs(t, e.PutAnnotation(ctx, "bkt", "k/x", "meta", v1, []byte("old")), ErrPreconditionFailed)
	require.ErrorIs(t, e.PutAnnotation(ctx, "bkt", "nope", "meta", v1, nil), ErrNoSuchKey)
	require.ErrorIs(t, e.PutAnnotation(ctx, "bkt", "k/x", "meta", v2, make([]byte, MaxAnnotationSize+1)), ErrEntityTooLarge)

	// The sweep drops the stale one and keeps a current one.
	require.NoError(t, e.PutAnnotation(ctx, "bkt", "k/x", "other", v2, []byte("m2")))
	n, err := e.sweepAnnotations(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err = e.Annotation(ctx, "bkt", "k/x", "other", v2)
	require.NoError(t, err)
	require.Equal(t, []byte("m2"), got)

	// Deleting the object leaves it to the sweep; deleting the bucket
	// takes the rest.
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k/x", DeleteOptions{}))
	n, err = e.sweepAnnotations(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	v3 := put("three")
	require.NoError(t, e.PutAnnotation(ctx, "bkt", "k/x", "meta", v3, []byte("m3")))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k/x", DeleteOptions{}))
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
	empty, err := e.emptyRange([]byte(prefixAnnotation))
	require.NoError(t, err)
	require.True(t, empty)
}
