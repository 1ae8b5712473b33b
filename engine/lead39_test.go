package engine

import (
	"bytes"
	"context"
	"testing"
	"time"

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
