package engine

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestAccessPoints: an account's access points are found by alias; the
// list is validated as a whole; an access point whose bucket is deleted
// (or made again) reaches nothing, and the next update drops it and its
// alias record; accounts do not see each other's.
func TestAccessPoints(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "data", BucketOptions{Owner: "alice"}))
	b, err := e.Bucket(ctx, "data")
	require.NoError(t, err)
	ap := bucketconfig.AccessPoint{Name: "ap-1", Bucket: "data", BucketID: b.ID, Alias: "ap-1-x-ossalias", NetworkOrigin: "internet"}
	add := func(account string, p bucketconfig.AccessPoint) error {
		return e.UpdateAccessPoints(ctx, account, func(cur []bucketconfig.AccessPoint) ([]bucketconfig.AccessPoint, error) {
			return append(slices.Clone(cur), p), nil
		})
	}
	require.NoError(t, add("alice", ap))
	acct, got, err := e.AccessPointByAlias(ctx, ap.Alias)
	require.NoError(t, err)
	require.Equal(t, "alice", acct)
	require.Equal(t, ap, got)

	dup := ap
	dup.Alias = "ap-1-y-ossalias"
	require.ErrorIs(t, add("alice", dup), ErrInvalidArgument, "a name twice")
	stale := ap
	stale.Name, stale.Alias, stale.BucketID = "ap-2", "ap-2-x-ossalias", b.ID+1
	require.ErrorIs(t, add("alice", stale), ErrBucketChanged)
	gone := ap
	gone.Name, gone.Alias, gone.Bucket = "ap-3", "ap-3-x-ossalias", "nobucket"
	require.ErrorIs(t, add("alice", gone), ErrNoSuchBucket)
	_, _, err = e.AccessPointByAlias(ctx, "ap-2-x-ossalias")
	require.ErrorIs(t, err, ErrNoSuchAccessPoint, "nothing of a refused update stays")

	other, err := e.AccessPoints(ctx, "bob")
	require.NoError(t, err)
	require.Empty(t, other)

	require.NoError(t, e.DeleteBucket(ctx, "data", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "data", BucketOptions{Owner: "mallory"}))
	_, _, err = e.AccessPointByAlias(ctx, ap.Alias)
	require.ErrorIs(t, err, ErrNoSuchAccessPoint, "the bucket made again is not reached")
	points, err := e.AccessPoints(ctx, "alice")
	require.NoError(t, err)
	require.Empty(t, points)
	require.NoError(t, e.UpdateAccessPoints(ctx, "alice", func(cur []bucketconfig.AccessPoint) ([]bucketconfig.AccessPoint, error) {
		require.Empty(t, cur, "the update sees no dead access point")
		return cur, nil
	}))
	_, found, err := get(e.db, accessPointAliasKey(ap.Alias))
	require.NoError(t, err)
	require.False(t, found, "the dead alias record is gone")
}
