package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An unversioned key's historical-scan item queued again at the same R/
// key while a background worker still delivers the first one: the source
// bucket is emptied, deleted and created again, the key written again
// and the rule put again, and the new rule's scan queues the key. The
// old worker's settle leaves the new item queued: the new object reaches
// the remote, and is COMPLETED only after that. Before, scan items had
// no seq, so settleItem took the new item for the one it delivered: it
// dropped it and marked the new object COMPLETED with only "old" at the
// remote.
func TestRev40eRequeuedScanItemSurvivesOldWorker(t *testing.T) {
	ctx := context.Background()
	target := newGatedTarget()
	defer target.releaseIfHeld()
	opts := testOptions()
	opts.CompactInterval = time.Hour
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		Interval: 5 * time.Millisecond, StallTimeout: time.Minute}
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	putString(t, e, "src", "docs/k", "old")
	require.NoError(t, e.SetBucketConfig(ctx, "src", historicalConfig("remote")))
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery to the remote began")
	}

	require.NoError(t, e.DeleteObject(ctx, "src", "docs/k", DeleteOptions{}))
	require.NoError(t, e.DeleteBucket(ctx, "src", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	putString(t, e, "src", "docs/k", "new")
	require.NoError(t, e.SetBucketConfig(ctx, "src", historicalConfig("remote")))
	// A later background pass's scan queues the key again at the R/ key
	// of the worker's item.
	deadline := time.After(10 * time.Second)
	for {
		p, err := e.BucketReplicationProgress(ctx, "src")
		require.NoError(t, err)
		if p.Historical["r"].Queued == 1 {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("the new rule's scan did not queue the key: %+v", p.Historical["r"])
		case <-time.After(5 * time.Millisecond):
		}
	}
	_, ok, err := get(e.db, replKey("src", "docs/k", "", "arn:aws:s3:::remote"))
	require.NoError(t, err)
	require.True(t, ok, "the scan's item is not at the worker's item's key")

	close(target.release)
	for {
		target.mu.Lock()
		bodies := append([]string(nil), target.bodies...)
		target.mu.Unlock()
		if len(bodies) > 0 && bodies[len(bodies)-1] == "new" {
			break
		}
		info, err := e.HeadObject(ctx, "src", "docs/k")
		require.NoError(t, err)
		require.NotEqual(t, ReplicationCompleted, info.ReplicationStatus, "the new object is COMPLETED and the remote has %q", bodies)
		select {
		case <-deadline:
			t.Fatalf("the new object was not delivered: the remote has %q, status %s", bodies, info.ReplicationStatus)
		case <-time.After(5 * time.Millisecond):
		}
	}
	deadline = time.After(10 * time.Second)
	for {
		info, err := e.HeadObject(ctx, "src", "docs/k")
		require.NoError(t, err)
		if info.ReplicationStatus == ReplicationCompleted {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("status %s after the delivery", info.ReplicationStatus)
		case <-time.After(5 * time.Millisecond):
		}
	}
	target.mu.Lock()
	defer target.mu.Unlock()
	assert.Equal(t, []string{"old", "new"}, target.bodies)
}
