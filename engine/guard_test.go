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

// TestBucketGuardContext: WithBucketGuard's context is its parent's
// (values of other keys, cancellation) with the guard, the innermost
// one when guards nest, made in one allocation (context.WithValue made
// two: its context and the boxed guard).
func TestBucketGuardContext(t *testing.T) {
	type otherKey struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "v"))
	ctx := WithBucketGuard(parent, "gbk", 7)
	require.Equal(t, "v", ctx.Value(otherKey{}))
	require.Equal(t, &bucketGuard{bucket: "gbk", id: 7}, ctx.Value(bucketGuardKey{}))
	require.Nil(t, parent.Value(bucketGuardKey{}))
	inner := WithBucketGuard(ctx, "other", 9)
	require.Equal(t, &bucketGuard{bucket: "other", id: 9}, inner.Value(bucketGuardKey{}))
	cancel()
	<-inner.Done()
	require.ErrorIs(t, inner.Err(), context.Canceled)
	bg := context.Background()
	require.Equal(t, 1.0, testing.AllocsPerRun(100, func() { ctx = WithBucketGuard(bg, "gbk", 7) }))
	require.Equal(t, 0.0, testing.AllocsPerRun(100, func() { _, _ = ctx.Value(bucketGuardKey{}).(*bucketGuard) }))
}
