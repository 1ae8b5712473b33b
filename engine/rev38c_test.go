package engine

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRev38cLegacyScheduleStillActs: a store written by 12c7a0a holds
// x-sina-expire schedules in the earlier encoding (E/ value: mtime and
// ETag; F/ value: the due time). After open38 such an entry still deletes
// its object when due, still leaves a rewritten object alone, and is
// dropped either way.
func TestRev38cLegacyScheduleStillActs(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "legacy", BucketOptions{Owner: "alice"}))
	put := func(key, body string) ObjectInfo {
		info, err := e.PutObject(ctx, "legacy", key, strings.NewReader(body), int64(len(body)), PutOptions{Owner: "alice", Dialect: DialectSina})
		require.NoError(t, err)
		return info
	}
	at := clk.Now().Add(time.Hour)
	// What 12c7a0a's ScheduleDeletion wrote, byte for byte.
	oldSchedule := func(info ObjectInfo) {
		v := binary.BigEndian.AppendUint64(nil, uint64(info.LastModified.UnixNano()))
		require.NoError(t, e.db.Set(expiryKey(at, "legacy", info.Key), append(v, info.ETag...), pebble.NoSync))
		require.NoError(t, e.db.Set(expiryOfKey("legacy", info.Key), binary.BigEndian.AppendUint64(nil, uint64(max(at.UnixNano(), 0))), pebble.NoSync))
	}
	oldSchedule(put("due", "to be deleted"))
	oldSchedule(put("rewritten", "first"))
	clk.Advance(time.Second)
	put("rewritten", "second, another ETag")

	clk.Advance(2 * time.Hour)
	n, err := e.runScheduledDeletions(ctx, clk.Now())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = e.HeadObject(ctx, "legacy", "due")
	assert.ErrorIs(t, err, ErrNoSuchKey, "a legacy schedule deletes its object")
	_, err = e.HeadObject(ctx, "legacy", "rewritten")
	assert.NoError(t, err, "a legacy schedule leaves a rewritten object alone")
	for _, p := range []string{prefixExpiry, prefixExpiryOf} {
		empty, err := e.emptyRange([]byte(p))
		require.NoError(t, err)
		assert.True(t, empty, "%s entries left", p)
	}
}
