package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRev39aNullVersionDeleteKeepsCurrentSchedule: a delete of the null
// version drops the key's schedule only when the null version was the
// key's current object. Deleting an older null version (or one that does
// not exist) of a key whose current object is a newer version left that
// version's x-sina-expire schedule without its pointer, so it was never
// carried out; its pin names its own version ID, which no later write
// can take.
func TestRev39aNullVersionDeleteKeepsCurrentSchedule(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	put := func(bucket, key string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, key, strings.NewReader("same bytes"), 10, PutOptions{Owner: "alice", Dialect: DialectSina})
		require.NoError(t, err)
		return info
	}
	at := clk.Now().Add(time.Hour)
	for _, st := range []string{"Enabled", "Suspended"} {
		bkt := strings.ToLower(st)
		require.NoError(t, e.CreateBucket(ctx, bkt, BucketOptions{Owner: "alice"}))
		put(bkt, "older-null") // the null version, older than the current one
		setVersioning(t, e, bkt, "Enabled")
		require.NoError(t, e.ScheduleDeletion(ctx, bkt, "older-null", put(bkt, "older-null"), at))
		require.NoError(t, e.ScheduleDeletion(ctx, bkt, "no-null", put(bkt, "no-null"), at))
		setVersioning(t, e, bkt, st)
		for _, key := range []string{"older-null", "no-null"} {
			_, err := e.DeleteObjectVersion(ctx, bkt, key, DeleteOptions{VersionID: NullVersionID})
			require.NoError(t, err)
		}
	}
	clk.Advance(2 * time.Hour)
	n, err := e.runScheduledDeletions(ctx, clk.Now())
	require.NoError(t, err)
	require.Equal(t, 4, n, "the current versions' schedules are carried out")
	for _, bk := range [][2]string{{"enabled", "older-null"}, {"enabled", "no-null"}, {"suspended", "older-null"}, {"suspended", "no-null"}} {
		_, err := e.HeadObject(ctx, bk[0], bk[1])
		require.Error(t, err, "%s/%s: deleted as scheduled", bk[0], bk[1])
	}
}
