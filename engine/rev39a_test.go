package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRev39aNullVersionDeleteKeepsCurrentSchedule: a delete of the null
// version drops the key's x-sina-expire schedule when the schedule names
// that version (824be8b: a null version written later must not match the
// old pin), not when it names another one. Deleting an older null version,
// or one that does not exist, of a key whose current object is a newer
// version, had that version's schedule never carried out; and removing
// the current version by its ID keeps the schedule of the null version it
// makes current again (its pin matches, as after removing a delete marker).
func TestRev39aNullVersionDeleteKeepsCurrentSchedule(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	put := func(bucket, key, body string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, key, strings.NewReader(body), int64(len(body)), PutOptions{Owner: "alice", Dialect: DialectSina})
		require.NoError(t, err)
		return info
	}
	at := clk.Now().Add(time.Hour)
	deleted := [][2]string{}
	for _, st := range []string{"Enabled", "Suspended"} {
		bkt := strings.ToLower(st)
		require.NoError(t, e.CreateBucket(ctx, bkt, BucketOptions{Owner: "alice"}))
		put(bkt, "older-null", "null") // the null version, older than the current one
		restored := put(bkt, "restored", "null")
		require.NoError(t, e.ScheduleDeletion(ctx, bkt, "restored", restored, at))
		stale := put(bkt, "stale", "same bytes")
		require.NoError(t, e.ScheduleDeletion(ctx, bkt, "stale", stale, at))
		setVersioning(t, e, bkt, "Enabled")
		require.NoError(t, e.ScheduleDeletion(ctx, bkt, "older-null", put(bkt, "older-null", "v2"), at))
		require.NoError(t, e.ScheduleDeletion(ctx, bkt, "no-null", put(bkt, "no-null", "v2"), at))
		over := put(bkt, "restored", "v2") // written over the null version, its schedule kept
		put(bkt, "stale", "v2")
		setVersioning(t, e, bkt, st)
		for _, key := range []string{"older-null", "no-null", "stale"} {
			_, err := e.DeleteObjectVersion(ctx, bkt, key, DeleteOptions{VersionID: NullVersionID})
			require.NoError(t, err)
		}
		_, err := e.DeleteObjectVersion(ctx, bkt, "restored", DeleteOptions{VersionID: over.VersionID})
		require.NoError(t, err)
		deleted = append(deleted, [2]string{bkt, "older-null"}, [2]string{bkt, "no-null"}, [2]string{bkt, "restored"})
	}
	// The null version the stale schedule named is gone: written again
	// (the same bytes, owner and dialect, the clock not moved) it is
	// another object.
	setVersioning(t, e, "suspended", "Suspended")
	put("suspended", "stale", "same bytes")
	clk.Advance(2 * time.Hour)
	n, err := e.runScheduledDeletions(ctx, clk.Now())
	require.NoError(t, err)
	require.Equal(t, len(deleted), n, "the schedules of the current versions are carried out")
	for _, bk := range deleted {
		_, err := e.HeadObject(ctx, bk[0], bk[1])
		require.Error(t, err, "%s/%s: deleted as scheduled", bk[0], bk[1])
	}
	o, err := e.HeadObject(ctx, "suspended", "stale")
	require.NoError(t, err)
	require.Equal(t, "", o.VersionID)
}
