package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStatsTracksLiveAndDeadBytes(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1 // the test compacts by hand and counts
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))

	st, err := e.Stats()
	require.NoError(t, err)
	require.Zero(t, st.LiveBytes)
	require.Zero(t, st.CompactionsTotal)

	put(t, e, "bkt", "a", make([]byte, 40<<10))
	put(t, e, "bkt", "b", make([]byte, 40<<10))
	st, err = e.Stats()
	require.NoError(t, err)
	require.GreaterOrEqual(t, st.LiveBytes, int64(80<<10), "both bodies are live")
	require.Equal(t, st.BlobLogBytes-st.LiveBytes, st.DeadBytes)
	require.Positive(t, st.Segments)
	require.Positive(t, st.Meta.MemTableBytes)

	require.NoError(t, e.DeleteObject(ctx, "bkt", "a", DeleteOptions{}))
	st2, err := e.Stats()
	require.NoError(t, err)
	require.Less(t, st2.LiveBytes, st.LiveBytes)
	require.GreaterOrEqual(t, st2.DeadBytes, int64(40<<10), "the deleted body is dead until compaction")

	require.NoError(t, e.log.Rotate())
	cst, err := e.Compact(ctx, CompactOptions{})
	require.NoError(t, err)
	st3, err := e.Stats()
	require.NoError(t, err)
	require.EqualValues(t, 1, st3.CompactionsTotal)
	require.Equal(t, cst.BytesReclaimed, st3.ReclaimedBytesTotal)
	require.Less(t, st3.DeadBytes, st2.DeadBytes, "compaction reclaimed dead bytes")

	require.NoError(t, e.Close())
	_, err = e.Stats()
	require.ErrorIs(t, err, ErrClosed)
}

func TestOpenLockedDirectory(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(dir, nil)
	require.NoError(t, err)
	_, err = Open(dir, nil)
	require.ErrorIs(t, err, ErrLocked)
	require.ErrorContains(t, err, dir)

	require.NoError(t, e.Close())
	e, err = Open(dir, nil)
	require.NoError(t, err, "Close releases the lock")
	require.NoError(t, e.Close())
}
