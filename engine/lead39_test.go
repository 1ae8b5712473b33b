package engine

import (
	"bytes"
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A lifecycle pass that takes long (inventory reports over a large bucket)
// does not hold back replication: each runs on a loop of its own. Before,
// one loop ran both, and a version written during a long lifecycle pass
// waited for the pass to end.
func TestReplicationRunsDuringLongLifecyclePass(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = 20 * time.Millisecond
	opts.Replication.Interval = 10 * time.Millisecond
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))

	// The next lifecycle pass blocks until the test ends: it is "long".
	e.lcMu.Lock()
	defer e.lcMu.Unlock()
	time.Sleep(200 * time.Millisecond) // the lifecycle tick (every 20ms) is now waiting

	v, err := e.PutObject(ctx, "src", "docs/a", bytes.NewReader([]byte("body")), 4, PutOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		o, err := e.HeadObjectVersion(ctx, "dst", "docs/a", v.VersionID)
		return err == nil && o.ReplicationStatus == ReplicationReplica
	}, 5*time.Second, 10*time.Millisecond, "replicated while a lifecycle pass runs")
}

// hungTarget accepts a delivery and never answers: PutObject reads
// nothing and returns only when its context ends.
type hungTarget struct{ calls atomic.Int32 }

func (h *hungTarget) PutObject(ctx context.Context, _ string, _ ObjectInfo, _ io.Reader) error {
	h.calls.Add(1)
	<-ctx.Done()
	return ctx.Err()
}

func (h *hungTarget) PutDeleteMarker(ctx context.Context, _, _ string) error {
	return h.PutObject(ctx, "", ObjectInfo{}, nil)
}

// A remote that accepts a delivery and never answers holds a pass for
// one StallTimeout: the delivery is cut, the destination's other items
// fail without being tried, and a local destination's items are
// delivered in the same pass. Before, the pass waited for ever, and with
// it every destination's replication.
func TestReplicationStalledRemote(t *testing.T) {
	ctx := context.Background()
	hung := &hungTarget{}
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": hung},
		StallTimeout: 100 * time.Millisecond}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	cfg := replicationConfig("remote", false)
	local := replicationConfig("dst", false).Rules[0]
	local.ID, local.Priority = "local", 2
	cfg.Rules = append(cfg.Rules, local)
	require.NoError(t, e.SetBucketConfig(ctx, "src", cfg))
	var versions []string
	for _, k := range []string{"docs/a", "docs/b", "docs/c"} {
		v, err := e.PutObject(ctx, "src", k, bytes.NewReader([]byte(k)), int64(len(k)), PutOptions{})
		require.NoError(t, err)
		versions = append(versions, v.VersionID)
	}

	done := make(chan ReplicationStats, 1)
	start := time.Now()
	go func() {
		st, err := e.RunPending(ctx)
		assert.NoError(t, err)
		done <- st.Replication
	}()
	select {
	case st := <-done:
		assert.Equal(t, ReplicationStats{Replicated: 3, Failed: 3}, st)
		assert.Less(t, time.Since(start), 5*time.Second)
	case <-time.After(20 * time.Second):
		t.Fatal("a replication pass waited on a remote that never answers")
	}
	assert.Equal(t, int32(1), hung.calls.Load(), "one delivery tried; the destination's other items failed untried")
	for i, k := range []string{"docs/a", "docs/b", "docs/c"} {
		_, err := e.HeadObjectVersion(ctx, "dst", k, versions[i])
		require.NoError(t, err, "the local destination is delivered in the same pass")
		o, err := e.HeadObject(ctx, "src", k)
		require.NoError(t, err)
		assert.Equal(t, ReplicationPending, o.ReplicationStatus, "the remote's item is retried")
	}
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}
