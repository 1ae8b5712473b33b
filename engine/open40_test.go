package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// TestOpen40SuspendedDeleteKeepsNewerVersionSchedule: a suspended
// bucket's DELETE without a version ID replaces the null version with a
// null delete marker. It drops the key's x-sina-expire schedule when the
// schedule names the null version (the current one, or an older one under
// a newer version), not when it names the newer current version: that
// version becomes noncurrent under the marker and current again when the
// marker is removed, and its schedule is then carried out (rev39a's open
// row: the delete dropped every schedule of the key).
func TestOpen40SuspendedDeleteKeepsNewerVersionSchedule(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	const bkt = "bkt"
	put := func(key, body string) ObjectInfo {
		info, err := e.PutObject(ctx, bkt, key, strings.NewReader(body), int64(len(body)), PutOptions{Owner: "alice", Dialect: DialectSina})
		require.NoError(t, err)
		return info
	}
	at := clk.Now().Add(time.Hour)
	require.NoError(t, e.CreateBucket(ctx, bkt, BucketOptions{Owner: "alice"}))
	// null-current: the scheduled null version is current when deleted.
	require.NoError(t, e.ScheduleDeletion(ctx, bkt, "null-current", put("null-current", "same bytes"), at))
	// null-older: the scheduled null version is under a newer one.
	require.NoError(t, e.ScheduleDeletion(ctx, bkt, "null-older", put("null-older", "same bytes"), at))
	// newer: the scheduled version is a newer, non-null one, over a null
	// version (with-null) or none (no-null).
	put("with-null", "null")
	setVersioning(t, e, bkt, "Enabled")
	put("null-older", "v2")
	require.NoError(t, e.ScheduleDeletion(ctx, bkt, "with-null", put("with-null", "v2"), at))
	require.NoError(t, e.ScheduleDeletion(ctx, bkt, "no-null", put("no-null", "v2"), at))
	setVersioning(t, e, bkt, "Suspended")
	for _, key := range []string{"null-current", "null-older", "with-null", "no-null"} {
		res, err := e.DeleteObjectVersion(ctx, bkt, key, DeleteOptions{})
		require.NoError(t, err)
		require.Equal(t, NullVersionID, res.DeleteMarkerVersionID)
	}
	// The markers removed: with-null and no-null are current again, their
	// schedules due.
	for _, key := range []string{"with-null", "no-null"} {
		_, err := e.DeleteObjectVersion(ctx, bkt, key, DeleteOptions{VersionID: NullVersionID})
		require.NoError(t, err)
	}
	// The null versions the other two schedules named are gone: written
	// again (the same bytes, owner and dialect, the clock not moved) they
	// are other objects.
	put("null-current", "same bytes")
	put("null-older", "same bytes")
	clk.Advance(2 * time.Hour)
	n, err := e.runScheduledDeletions(ctx, clk.Now())
	require.NoError(t, err)
	require.Equal(t, 2, n, "the schedules of the newer versions are carried out")
	for _, key := range []string{"with-null", "no-null"} {
		_, err := e.HeadObject(ctx, bkt, key)
		require.Error(t, err, "%s: deleted as scheduled", key)
	}
	for _, key := range []string{"null-current", "null-older"} {
		o, err := e.HeadObject(ctx, bkt, key)
		require.NoError(t, err, "%s: written after the delete, not scheduled", key)
		require.Equal(t, "", o.VersionID)
	}
}

// TestOpen40DeleteTombstoneOnlyWithSchedules: a delete drops the key's
// x-sina-expire pointer (F/) blindly; in a store that holds no pointer
// it writes no tombstone for it (open39's row: one more tombstone on
// every delete of every dialect). The store's pointers are looked for at
// Open, so a pointer written before a restart is still dropped by a
// delete after it, and a lifecycle pass that carried out the last
// schedule makes deletes cheap again. The tombstone is seen in the bytes
// the delete adds to pebble's log.
func TestOpen40DeleteTombstoneOnlyWithSchedules(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval, opts.FS = clk, -1, vfs.NewMem()
	e, err := Open("store", opts)
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	put := func(key string) ObjectInfo {
		info, err := e.PutObject(ctx, "bkt", key, strings.NewReader("same bytes"), 10, PutOptions{Owner: "alice", Dialect: DialectSina})
		require.NoError(t, err)
		return info
	}
	deleteCost := func(key string) uint64 {
		// The second of two: the first may write more (the bucket's
		// first usage change, a log's first record).
		put(key)
		require.NoError(t, e.DeleteObject(ctx, "bkt", key, DeleteOptions{}))
		put(key)
		before := e.db.Metrics().WAL.BytesWritten
		require.NoError(t, e.DeleteObject(ctx, "bkt", key, DeleteOptions{}))
		return e.db.Metrics().WAL.BytesWritten - before
	}
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{Owner: "alice"}))
	s, d := put("s"), put("d") // the bucket's usage as below
	without := deleteCost("k")
	at := clk.Now().Add(time.Hour)
	require.NoError(t, e.ScheduleDeletion(ctx, "bkt", "s", s, at))
	require.NoError(t, e.ScheduleDeletion(ctx, "bkt", "d", d, at))
	with := deleteCost("k")
	require.Less(t, without, with, "no schedule in the store: no F/ tombstone")

	// Reopened, the store's pointers are known: a delete still drops the
	// pointer of the key it deletes, and the same object written again
	// (the clock not moved) is not deleted by the old schedule.
	require.NoError(t, e.Close())
	e, err = Open("store", opts)
	require.NoError(t, err)
	with = deleteCost("k")
	require.NoError(t, e.DeleteObject(ctx, "bkt", "d", DeleteOptions{}))
	put("d")
	clk.Advance(2 * time.Hour)
	n, err := e.runScheduledDeletions(ctx, clk.Now())
	require.NoError(t, err)
	require.Equal(t, 1, n, "s is deleted as scheduled")
	_, err = e.HeadObject(ctx, "bkt", "d")
	require.NoError(t, err, "d: written after its delete, not scheduled")
	_, err = e.HeadObject(ctx, "bkt", "s")
	require.Error(t, err)
	// Every schedule carried out or dropped: no tombstone again.
	require.Less(t, deleteCost("k"), with, "no schedule left: no F/ tombstone")
}
