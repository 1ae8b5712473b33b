package engine

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUpdateObjectBefore: ObjectUpdate.Before receives the version as the
// update found it, inside the same write: concurrent ACL updates each see
// the ACL the other left, never both the one before either (what a read
// outside the write could see), so exactly the changes made are reported.
func TestUpdateObjectBefore(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bk-ub", BucketOptions{}))
	_, err := e.PutObject(ctx, "bk-ub", "k", bytes.NewReader([]byte("x")), 1, PutOptions{ACL: ACL{Canned: "private"}, Tags: []Tag{{Key: "a", Value: "1"}}})
	require.NoError(t, err)

	var before ObjectInfo
	tags := []Tag{{Key: "b", Value: "2"}}
	up, err := e.UpdateObject(ctx, "bk-ub", "k", ObjectUpdate{ACL: &ACL{Canned: "public-read"}, Tags: &tags, Before: &before})
	require.NoError(t, err)
	require.Equal(t, "private", before.ACL.Canned)
	require.Equal(t, []Tag{{Key: "a", Value: "1"}}, before.Tags, "the copy is not written into by the update")
	require.Equal(t, "public-read", up.ACL.Canned)

	// Two updates racing: each one's Before is what the other wrote or
	// the original, and the chain of before/after pairs is consistent.
	for range 20 {
		var wg sync.WaitGroup
		var b1, b2 ObjectInfo
		var errs [2]error
		for i, c := range []string{"private", "authenticated-read"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dst := &b1
				if i == 1 {
					dst = &b2
				}
				_, errs[i] = e.UpdateObject(ctx, "bk-ub", "k", ObjectUpdate{ACL: &ACL{Canned: c}, Before: dst})
			}()
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		last, err := e.HeadObject(ctx, "bk-ub", "k")
		require.NoError(t, err)
		// One of them ran first and saw public-read; the other saw the
		// first one's ACL.
		switch {
		case b1.ACL.Canned == "public-read":
			require.Equal(t, "private", b2.ACL.Canned)
			require.Equal(t, "authenticated-read", last.ACL.Canned)
		case b2.ACL.Canned == "public-read":
			require.Equal(t, "authenticated-read", b1.ACL.Canned)
			require.Equal(t, "private", last.ACL.Canned)
		default:
			t.Fatalf("neither update saw the ACL before both: %q, %q", b1.ACL.Canned, b2.ACL.Canned)
		}
		_, err = e.UpdateObject(ctx, "bk-ub", "k", ObjectUpdate{ACL: &ACL{Canned: "public-read"}})
		require.NoError(t, err)
	}
}
