package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// checkOwnerIndex compares the owner index (ListBucketsOf, BucketRegions)
// with one pass over every bucket record.
func checkOwnerIndex(t *testing.T, e *Engine, owners []string) {
	t.Helper()
	ctx := context.Background()
	all, err := e.ListBuckets(ctx)
	require.NoError(t, err)
	regions := map[string]bool{}
	for _, b := range all {
		regions[b.Region] = true
	}
	var wantRegions []string
	for r := range regions {
		wantRegions = append(wantRegions, r)
	}
	slices.Sort(wantRegions)
	gotRegions, err := e.BucketRegions(ctx)
	require.NoError(t, err)
	require.Equal(t, wantRegions, gotRegions, "regions")
	for _, o := range owners {
		var want, got []string
		for _, b := range all {
			if b.Owner == o || b.Owner == "" {
				want = append(want, b.Name)
			}
		}
		bs, err := e.ListBucketsOf(ctx, o)
		require.NoError(t, err)
		for _, b := range bs {
			got = append(got, b.Name)
		}
		require.Equal(t, want, got, "owner %q", o)
	}
}

// TestOwnerIndexConcurrent: buckets created and deleted concurrently,
// by several owners in several regions (a name taken again by another
// owner), while listings and region reads run and while the index is
// first built, leave the owner index and the region counts equal to one
// pass over the records; so does reopening the store.
func TestOwnerIndexConcurrent(t *testing.T) {
	ctx := context.Background()
	owners := []string{"", "alice", "bob", "carol"}
	regions := []string{"", "eu-west-1", "us-east-2"}
	opts := testOptions()
	opts.FS = vfs.NewMem()
	e, err := Open("store", opts)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for range 300 {
				name := fmt.Sprintf("b-%02d", rng.IntN(24))
				if rng.IntN(2) == 0 {
					_ = e.CreateBucket(ctx, name, BucketOptions{Owner: owners[rng.IntN(len(owners))], Region: regions[rng.IntN(len(regions))]})
				} else {
					_ = e.DeleteBucket(ctx, name, DeleteBucketOptions{})
				}
			}
		}()
	}
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if _, err := e.ListBucketsOf(ctx, owners[(i+r)%len(owners)]); err != nil {
					t.Error(err)
					return
				}
				if _, err := e.BucketRegions(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	checkOwnerIndex(t, e, owners)
	require.NoError(t, e.Close())
	e, err = Open("store", opts)
	require.NoError(t, err)
	defer e.Close()
	checkOwnerIndex(t, e, owners)
}
