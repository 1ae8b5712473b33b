package engine

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBucketGuard: a write guarded by the bucket's ID fails, changing
// nothing, once the bucket was deleted and created again (by someone
// else); an unguarded write, or one guarded by the new ID, succeeds.
func TestBucketGuard(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "gbk", BucketOptions{Owner: "alice", ACL: ACL{Canned: "public-read-write"}}))
	old, err := e.Bucket(ctx, "gbk")
	require.NoError(t, err)
	require.NotZero(t, old.ID)
	guarded := WithBucketGuard(ctx, "gbk", old.ID)
	_, err = e.PutObject(guarded, "gbk", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
	require.NoError(t, err, "same bucket")

	require.NoError(t, e.DeleteObject(ctx, "gbk", "k", DeleteOptions{}))
	require.NoError(t, e.DeleteBucket(ctx, "gbk", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "gbk", BucketOptions{Owner: "bob"}))
	now, err := e.Bucket(ctx, "gbk")
	require.NoError(t, err)
	require.NotEqual(t, old.ID, now.ID)

	_, err = e.PutObject(guarded, "gbk", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
	require.ErrorIs(t, err, ErrBucketChanged)
	require.ErrorIs(t, e.SetBucketACL(guarded, "gbk", ACL{Canned: "public-read"}), ErrBucketChanged)
	res, err := e.DeleteObjects(guarded, "gbk", []string{"x"})
	if err == nil {
		require.ErrorIs(t, res[0].Err, ErrBucketChanged)
	} else {
		require.ErrorIs(t, err, ErrBucketChanged)
	}
	_, err = e.CreateMultipartUpload(guarded, "gbk", "m", PutOptions{})
	require.ErrorIs(t, err, ErrBucketChanged)
	page, err := e.ListObjects(ctx, "gbk", ListOptions{})
	require.NoError(t, err)
	require.Empty(t, page.Objects, "nothing written into bob's bucket")
	b, err := e.Bucket(ctx, "gbk")
	require.NoError(t, err)
	require.Equal(t, ACL{}, b.ACL, "bob's ACL untouched")

	_, err = e.PutObject(WithBucketGuard(ctx, "gbk", now.ID), "gbk", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
	require.NoError(t, err)
}
