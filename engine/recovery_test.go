package engine

import (
	"context"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// TestRecoveryReport checks that a torn blob-log tail is reported by
// Recovery, and that the report is a copy.
func TestRecoveryReport(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	opts := testOptions()
	opts.FS = fs
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.Empty(t, e.Recovery().Truncations)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	put(t, e, "bkt", "k", make([]byte, 3*opts.ChunkSize))
	require.NoError(t, e.Close())

	names, err := fs.List("/db/blobs")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	slices.Sort(names) // the last segment is the one recovery scans
	f, err := fs.OpenReadWrite(fs.PathJoin("/db/blobs", names[len(names)-1]), vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	st, err := f.Stat()
	require.NoError(t, err)
	_, err = f.WriteAt([]byte("a torn record"), st.Size())
	require.NoError(t, err)
	require.NoError(t, f.Close())

	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	r := e.Recovery()
	require.Len(t, r.Truncations, 1)
	require.Equal(t, int64(len("a torn record")), r.Truncations[0].DroppedBytes)
	r.Truncations[0].DroppedBytes = 0
	require.Equal(t, int64(len("a torn record")), e.Recovery().Truncations[0].DroppedBytes, "Recovery returns a copy")
}
