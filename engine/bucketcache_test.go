package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestBucketCacheFollowsWrites: Bucket (served from the bucket cache)
// shows every committed change of the record (ACL, versioning, delete and
// re-create), a failed change leaves it as it was, and a caller modifying
// what it got does not change what the next caller gets.
func TestBucketCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "cache-b", BucketOptions{Owner: "alice"}))
	first, err := e.Bucket(ctx, "cache-b") // cached from here
	require.NoError(t, err)

	grants := []Grant{{GranteeType: "CanonicalUser", ID: "bob", Permission: "READ"}}
	require.NoError(t, e.SetBucketACL(ctx, "cache-b", ACL{Grants: grants}))
	b, err := e.Bucket(ctx, "cache-b")
	require.NoError(t, err)
	require.Equal(t, grants, b.ACL.Grants)
	b.ACL.Grants[0].ID = "mallory"
	b, err = e.Bucket(ctx, "cache-b")
	require.NoError(t, err)
	require.Equal(t, "bob", b.ACL.Grants[0].ID, "the cache is not the caller's")

	require.NoError(t, e.SetBucketConfig(ctx, "cache-b", &bucketconfig.Versioning{Status: "Enabled"}))
	b, err = e.Bucket(ctx, "cache-b")
	require.NoError(t, err)
	require.Equal(t, VersioningEnabled, b.Versioning)

	// A refused change (the bucket is not empty) changes nothing.
	_, err = e.PutObject(ctx, "cache-b", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
	require.NoError(t, err)
	require.ErrorIs(t, e.DeleteBucket(ctx, "cache-b", DeleteBucketOptions{}), ErrBucketNotEmpty)
	b, err = e.Bucket(ctx, "cache-b")
	require.NoError(t, err)
	require.Equal(t, first.ID, b.ID)

	e2 := openTest(t, nil)
	require.NoError(t, e2.CreateBucket(ctx, "cache-c", BucketOptions{}))
	c, err := e2.Bucket(ctx, "cache-c")
	require.NoError(t, err)
	require.NoError(t, e2.DeleteBucket(ctx, "cache-c", DeleteBucketOptions{}))
	_, err = e2.Bucket(ctx, "cache-c")
	require.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = e2.PutObject(ctx, "cache-c", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
	require.ErrorIs(t, err, ErrNoSuchBucket, "a deleted bucket takes no writes")
	require.NoError(t, e2.CreateBucket(ctx, "cache-c", BucketOptions{}))
	c2, err := e2.Bucket(ctx, "cache-c")
	require.NoError(t, err)
	require.NotEqual(t, c.ID, c2.ID)
}

// TestBucketCacheConcurrent: readers racing with ACL changes always end
// up seeing the last committed ACL (a read that raced with a change never
// leaves the old record cached).
func TestBucketCacheConcurrent(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "cache-r", BucketOptions{}))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := e.Bucket(ctx, "cache-r"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 200 {
		want := fmt.Sprintf("acl-%d", i)
		require.NoError(t, e.SetBucketACL(ctx, "cache-r", ACL{Canned: want}))
		b, err := e.Bucket(ctx, "cache-r")
		require.NoError(t, err)
		require.Equal(t, want, b.ACL.Canned)
	}
	close(stop)
	wg.Wait()
	b, err := e.Bucket(ctx, "cache-r")
	require.NoError(t, err)
	require.Equal(t, "acl-199", b.ACL.Canned)
}

// TestBucketsPerOwnerCapped: BucketOptions.MaxPerOwner is decided in the
// creation's own step (of concurrent creations by one owner exactly the
// cap's worth succeed), the counts follow deletions, and a reopened store
// counts again.
func TestBucketsPerOwnerCapped(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.FS = vfs.NewMem()
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "before-the-cap", BucketOptions{Owner: "a"})) // counted when the counts are built
	var wg sync.WaitGroup
	var made atomic.Int32
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.CreateBucket(ctx, fmt.Sprintf("a-%02d", i), BucketOptions{Owner: "a", MaxPerOwner: 5})
			if err == nil {
				made.Add(1)
			} else if !errors.Is(err, ErrTooManyBuckets) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 4, made.Load(), "five buckets in all for owner a")
	require.NoError(t, e.CreateBucket(ctx, "b-00", BucketOptions{Owner: "b", MaxPerOwner: 5}), "another owner's count is its own")
	require.ErrorIs(t, e.CreateBucket(ctx, "before-the-cap", BucketOptions{Owner: "a", MaxPerOwner: 5}), ErrBucketAlreadyOwnedByYou)

	require.NoError(t, e.DeleteBucket(ctx, "before-the-cap", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "a-again", BucketOptions{Owner: "a", MaxPerOwner: 5}), "a deletion frees a place")
	require.ErrorIs(t, e.CreateBucket(ctx, "a-more", BucketOptions{Owner: "a", MaxPerOwner: 5}), ErrTooManyBuckets)
	e.mu.Lock()
	counts := map[string]int{}
	for owner, names := range e.owners {
		counts[owner] = len(names)
	}
	require.Equal(t, map[string]int{"a": 5, "b": 1}, counts)
	e.mu.Unlock()
	require.NoError(t, e.Close())

	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	require.ErrorIs(t, e.CreateBucket(ctx, "a-more", BucketOptions{Owner: "a", MaxPerOwner: 5}), ErrTooManyBuckets)
	require.NoError(t, e.CreateBucket(ctx, "a-more", BucketOptions{Owner: "a", MaxPerOwner: 6}))
}

// TestListBucketsOf: an owner's listing holds its buckets and those
// without an owner, in name order, follows creations and deletions, and
// reads no other owner's bucket once the index is built (thirtieth
// session's review: ListBuckets decoded every bucket of the store for
// every caller, 37 MiB per call with 50,000 buckets).
func TestListBucketsOf(t *testing.T) {
	ctx := context.Background()
	e, err := Open("", testOptions())
	require.NoError(t, err)
	defer e.Close()
	for i := range 5000 {
		require.NoError(t, e.CreateBucket(ctx, fmt.Sprintf("other-%05d", i), BucketOptions{Owner: "other"}))
	}
	require.NoError(t, e.CreateBucket(ctx, "mine-b", BucketOptions{Owner: "me"}))
	require.NoError(t, e.CreateBucket(ctx, "common", BucketOptions{}))
	names := func() []string {
		bs, err := e.ListBucketsOf(ctx, "me")
		require.NoError(t, err)
		var out []string
		for _, b := range bs {
			out = append(out, b.Name)
		}
		return out
	}
	require.Equal(t, []string{"common", "mine-b"}, names())
	require.NoError(t, e.CreateBucket(ctx, "mine-a", BucketOptions{Owner: "me"}))
	require.NoError(t, e.DeleteBucket(ctx, "common", DeleteBucketOptions{}))
	require.Equal(t, []string{"mine-a", "mine-b"}, names())
	require.NoError(t, e.DeleteBucket(ctx, "mine-a", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "mine-a", BucketOptions{Owner: "other"}))
	require.Equal(t, []string{"mine-b"}, names(), "a name made again by another owner moves with it")
	allocs := testing.AllocsPerRun(10, func() { names() })
	require.Less(t, allocs, 50.0, "an owner's listing costs its own buckets, not the store's")
}

// TestBucketRegions: the distinct regions of the store's buckets, sorted,
// follow creations and deletions.
func TestBucketRegions(t *testing.T) {
	ctx := context.Background()
	e, err := Open("", testOptions())
	require.NoError(t, err)
	defer e.Close()
	regions := func() []string {
		rs, err := e.BucketRegions(ctx)
		require.NoError(t, err)
		return rs
	}
	require.Empty(t, regions())
	require.NoError(t, e.CreateBucket(ctx, "zzz", BucketOptions{Region: "eu-west-1"}))
	require.NoError(t, e.CreateBucket(ctx, "yyy", BucketOptions{}))
	require.Equal(t, []string{"", "eu-west-1"}, regions(), "built from one pass")
	require.NoError(t, e.CreateBucket(ctx, "xxx", BucketOptions{Region: "ap-south-2"}))
	require.NoError(t, e.CreateBucket(ctx, "www", BucketOptions{Region: "eu-west-1"}))
	require.NoError(t, e.DeleteBucket(ctx, "zzz", DeleteBucketOptions{}))
	require.Equal(t, []string{"", "ap-south-2", "eu-west-1"}, regions())
	require.NoError(t, e.DeleteBucket(ctx, "www", DeleteBucketOptions{}))
	require.NoError(t, e.SetBucketACL(ctx, "xxx", ACL{Canned: "private"}))
	require.Equal(t, []string{"", "ap-south-2"}, regions(), "a record rewritten keeps its region once")
}
