package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBucketACLObjectsPrivateKept: a bucket ACL's ObjectsPrivate is kept
// in the bucket's record, across a restart, and replaced with the ACL.
func TestBucketACLObjectsPrivateKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := Open(dir, nil)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bk-op", BucketOptions{ACL: ACL{Canned: "public-read", ObjectsPrivate: true}}))
	require.NoError(t, e.CreateBucket(ctx, "bk-oss", BucketOptions{ACL: ACL{Canned: "public-read"}}))
	require.NoError(t, e.Close())

	e, err = Open(dir, nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	b, err := e.Bucket(ctx, "bk-op")
	require.NoError(t, err)
	require.Equal(t, ACL{Canned: "public-read", ObjectsPrivate: true}, b.ACL)
	b, err = e.Bucket(ctx, "bk-oss")
	require.NoError(t, err)
	require.False(t, b.ACL.ObjectsPrivate)

	require.NoError(t, e.SetBucketACL(ctx, "bk-op", ACL{Canned: "public-read"}))
	b, err = e.Bucket(ctx, "bk-op")
	require.NoError(t, err)
	require.False(t, b.ACL.ObjectsPrivate, "replaced with the ACL")
	require.NoError(t, e.SetBucketACL(ctx, "bk-oss", ACL{ObjectsPrivate: true}))
	b, err = e.Bucket(ctx, "bk-oss")
	require.NoError(t, err)
	require.Equal(t, ACL{ObjectsPrivate: true}, b.ACL)
}
