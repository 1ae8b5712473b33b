package engine

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// noIterReader is a pebble.Reader that refuses iteration: a lookup that
// succeeds through it read keys, never walked a range.
type noIterReader struct{ pebble.Reader }

func (noIterReader) NewIter(*pebble.IterOptions) (*pebble.Iterator, error) {
	return nil, errors.New("iterated")
}

// TestNullVersionFoundWithoutWalk: the null version of a key with many
// versions is found by its index, not by a walk over the versions
// (every write into a suspended bucket looks for it to replace it).
func TestNullVersionFoundWithoutWalk(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	setVersioning(t, e, "bkt", "Suspended")
	putString(t, e, "bkt", "k", "null")
	setVersioning(t, e, "bkt", "Enabled")
	for i := range 50 {
		putString(t, e, "bkt", "k", strconv.Itoa(i))
	}
	loc, ok, err := e.findVersion(noIterReader{e.db}, "bkt", "k", NullVersionID, true)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, loc.current)
	require.Equal(t, int64(4), loc.rec.info.Size)

	// A suspended write replaces it; a suspended delete makes a null
	// marker, which replaces that; deleting the marker by "null" leaves
	// no null version.
	setVersioning(t, e, "bkt", "Suspended")
	putString(t, e, "bkt", "k", "again")
	loc, ok, err = e.findVersion(noIterReader{e.db}, "bkt", "k", NullVersionID, true)
	require.NoError(t, err)
	require.True(t, ok && loc.current, "the current null version is at O/")
	_, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{})
	require.NoError(t, err)
	loc, ok, err = e.findVersion(noIterReader{e.db}, "bkt", "k", NullVersionID, true)
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, loc.rec.info.DeleteMarker)
	_, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: NullVersionID})
	require.NoError(t, err)
	_, ok, err = e.findVersion(noIterReader{e.db}, "bkt", "k", NullVersionID, true)
	require.NoError(t, err)
	require.False(t, ok)
	e.audit(t)
}

// TestNullVersionIndexBuiltOnOpen: a store written before the null
// version index (its usage marker of version 2, no Z/ keys) gets the
// index when it is opened, and a stale entry goes.
func TestNullVersionIndexBuiltOnOpen(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.FS = vfs.NewMem()
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	setVersioning(t, e, "bkt", "Suspended")
	putString(t, e, "bkt", "k", "null")
	putString(t, e, "bkt", "gone", "x")
	_, err = e.DeleteObjectVersion(ctx, "bkt", "gone", DeleteOptions{}) // a null delete marker
	require.NoError(t, err)
	setVersioning(t, e, "bkt", "Enabled")
	putString(t, e, "bkt", "k", "v1")
	e.audit(t)

	// As an older store: no index, a usage marker of version 2, and one
	// stray entry.
	z := []byte(prefixNullVersion)
	require.NoError(t, e.db.DeleteRange(z, prefixEnd(z), pebble.Sync))
	require.NoError(t, e.db.Set(nullVersionKey("bkt", "stray"), make([]byte, stampLen), pebble.Sync))
	require.NoError(t, e.db.Set(usageReadyKey, []byte{2}, pebble.Sync))
	require.NoError(t, e.Close())

	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	e.audit(t)
	got, err := readVersion(t, e, "bkt", "k", NullVersionID)
	require.NoError(t, err)
	require.Equal(t, "null", got)
	info, err := e.HeadObjectVersion(ctx, "bkt", "gone", NullVersionID)
	var dm *DeleteMarkerError
	require.ErrorAs(t, err, &dm, "%+v", info)
	setVersioning(t, e, "bkt", "Suspended")
	putString(t, e, "bkt", "k", "replaced") // drops the old null version
	e.audit(t)
}

// BenchmarkNullVersionHead: HEAD ?versionId=null of a key whose null
// version is older than its other versions finds it by its index,
// whatever their number (it walked them before: O(versions), for every
// read, delete or replacement of that version).
func BenchmarkNullVersionHead(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(strconv.Itoa(n)+"versions", func(b *testing.B) {
			e := openTest(b, nil)
			ctx := context.Background()
			require.NoError(b, e.CreateBucket(ctx, "bkt", BucketOptions{}))
			setVersioning(b, e, "bkt", "Suspended")
			putString(b, e, "bkt", "k", "null")
			setVersioning(b, e, "bkt", "Enabled")
			for i := range n {
				putString(b, e, "bkt", "k", strconv.Itoa(i))
			}
			b.ResetTimer()
			for range b.N {
				if _, err := e.HeadObjectVersion(ctx, "bkt", "k", NullVersionID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
