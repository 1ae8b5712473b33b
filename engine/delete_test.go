package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDeleteObjectIfMatch(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	info := put(t, e, "bkt", "k", []byte("v1"))

	err := e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: `"0123"`})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err, "a failed condition deletes nothing")

	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: `"0123", "` + info.ETag + `"`}))
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// S3: If-Match on a missing key is 404 NoSuchKey, "*" included.
	require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: "*"}), ErrNoSuchKey)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}), "unconditional: a missing key is fine")
	require.ErrorIs(t, e.DeleteObject(ctx, "nope", "k", DeleteOptions{IfMatch: "*"}), ErrNoSuchBucket)

	put(t, e, "bkt", "k", []byte("v2"))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: "*"}))
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrNoSuchKey)
}
