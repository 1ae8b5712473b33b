package engine

import (
	"context"
	"strings"
	"testing"
	"time"

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
