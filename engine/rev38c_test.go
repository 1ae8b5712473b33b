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

// TestRev38cUnversionedDeletionKeepsItsThreshold: in an unversioned
// (OSS) bucket whose rule replicates deletions, removing a key queues an
// item for the removal (no version: the key is gone by design). open38's
// threshold drop took a missing source as "version deleted before
// replication" and dropped that item without delivering it, so the
// destination kept an object the source had deleted. The removal is
// still to be replicated: it misses its threshold like any write, and
// the next delivery removes the replica.
func TestRev38cUnversionedDeletionKeepsItsThreshold(t *testing.T) {
	ctx := context.Background()
	e, clk, target := rev37Engine(t)
	var got repl36Events
	got.subscribe(t, e)
	require.NoError(t, e.CreateBucket(ctx, "osrc", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "osrc", repl36Config("remote", true, true)))
	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	putString(t, e, "osrc", "docs/k", "replicated")
	repl36Pass(t, e)
	target.mu.Lock()
	_, there := target.bodies["remote/docs/k"]
	target.down = true
	target.mu.Unlock()
	require.True(t, there, "the write was replicated")
	got.take()

	require.NoError(t, e.DeleteObject(ctx, "osrc", "docs/k", DeleteOptions{}))
	repl36Pass(t, e)              // the target is down: retried in an hour
	clk.Advance(16 * time.Minute) // past the threshold, before the retry
	repl36Pass(t, e)
	assert.Equal(t, []string{"Replication:OperationMissedThreshold docs/k"}, repl36Names(got.take()))
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the removal is still to be replicated")

	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	clk.Advance(time.Hour)
	repl36Pass(t, e)
	target.mu.Lock()
	_, there = target.bodies["remote/docs/k"]
	target.mu.Unlock()
	assert.False(t, there, "the replica of the deleted key is removed")
}
