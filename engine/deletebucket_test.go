package engine

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeleteBucketAbortUploads: with AbortUploads, a bucket holding only
// unfinished uploads is deleted with them and their parts are freed;
// objects still keep it.
func TestDeleteBucketAbortUploads(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	body := bytes.Repeat([]byte("p"), 200<<10) // past the inline threshold: a blob
	for _, key := range []string{"a", "b/c"} {
		id, err := e.CreateMultipartUpload(ctx, "bkt", key, PutOptions{})
		require.NoError(t, err)
		_, err = e.UploadPart(ctx, "bkt", key, id, 1, bytes.NewReader(body), int64(len(body)), PartOptions{})
		require.NoError(t, err)
	}
	require.NotZero(t, e.countBlobs(t))
	require.ErrorIs(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}), ErrBucketNotEmpty)

	_, err := e.PutObject(ctx, "bkt", "obj", bytes.NewReader([]byte("x")), 1, PutOptions{})
	require.NoError(t, err)
	require.ErrorIs(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{AbortUploads: true}), ErrBucketNotEmpty, "objects keep a bucket")
	ups, err := e.ListMultipartUploads(ctx, "bkt", ListUploadsOptions{})
	require.NoError(t, err)
	require.Len(t, ups.Uploads, 2, "a refused delete aborts nothing")
	require.NoError(t, e.DeleteObject(ctx, "bkt", "obj", DeleteOptions{}))

	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{AbortUploads: true}))
	require.Zero(t, e.countBlobs(t))
	_, err = e.Bucket(ctx, "bkt")
	require.ErrorIs(t, err, ErrNoSuchBucket)
	// A new bucket of the same name starts without the old uploads.
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	ups, err = e.ListMultipartUploads(ctx, "bkt", ListUploadsOptions{})
	require.NoError(t, err)
	require.Empty(t, ups.Uploads)
}
