package engine

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hungRemoteEngine opens an engine whose background loop replicates
// every 5ms, bucket src1 to a remote that holds each call until released
// (StallTimeout 1m: the test never waits for it) and src2 to the local
// bucket dst, with one version of src1 already in the remote's hands.
// Batch is 2: a pass reading the hung destination's items would read
// nothing else.
func hungRemoteEngine(t *testing.T) (*Engine, *gatedTarget) {
	ctx := context.Background()
	target := newGatedTarget()
	t.Cleanup(target.releaseIfHeld)
	opts := testOptions()
	opts.CompactInterval = time.Hour
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		Interval: 5 * time.Millisecond, StallTimeout: time.Minute, Batch: 2}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src1", "src2", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src1", replicationConfig("remote", false)))
	require.NoError(t, e.SetBucketConfig(ctx, "src2", replicationConfig("dst", false)))
	_, err := e.PutObject(ctx, "src1", "docs/a", bytes.NewReader([]byte("a")), 1, PutOptions{})
	require.NoError(t, err)
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery to the remote began")
	}
	return e, target
}

// A remote that accepts a delivery and never answers holds its own items
// only: a later background pass delivers another destination's new item
// while the remote's call still hangs (its items, sorted first, not
// counted against Batch), and does not read the remote's items again (no
// second call) until that call has returned. Before, a
// pass waited for all its destinations and passes did not overlap, so the
// local replica waited the whole StallTimeout (race40's reproduction).
func TestRepl40bHungRemoteDoesNotHoldLaterPasses(t *testing.T) {
	ctx := context.Background()
	e, target := hungRemoteEngine(t)
	_, err := e.PutObject(ctx, "src1", "docs/a2", bytes.NewReader([]byte("a2")), 2, PutOptions{})
	require.NoError(t, err)
	a3, err := e.PutObject(ctx, "src1", "docs/a3", bytes.NewReader([]byte("a3")), 2, PutOptions{})
	require.NoError(t, err)
	b, err := e.PutObject(ctx, "src2", "docs/b", bytes.NewReader([]byte("b")), 1, PutOptions{})
	require.NoError(t, err)
	deadline := time.After(10 * time.Second)
	for {
		if _, err := e.HeadObjectVersion(ctx, "dst", "docs/b", b.VersionID); err == nil {
			break
		}
		select {
		case <-deadline:
			t.Fatal("the local replica waited for the hung remote")
		case <-time.After(5 * time.Millisecond):
		}
	}
	require.Equal(t, int32(1), target.calls.Load(), "the hung destination's items were read again")
	close(target.release)
	// The remote's versions arrive, in order, each once.
	for {
		info, err := e.HeadObjectVersion(ctx, "src1", "docs/a3", a3.VersionID)
		require.NoError(t, err)
		if info.ReplicationStatus == ReplicationCompleted {
			break
		}
		select {
		case <-deadline:
			t.Fatal("the remote's last version was not delivered after the release")
		case <-time.After(5 * time.Millisecond):
		}
	}
	target.mu.Lock()
	defer target.mu.Unlock()
	assert.Equal(t, []string{"a", "a2", "a3"}, target.bodies)
	assert.Equal(t, int32(3), target.calls.Load())
}

// RunPending keeps its contract while a background pass's worker still
// delivers: it waits for that worker, so the item it was delivering has
// been tried when RunPending returns.
func TestRepl40bRunPendingWaitsForBackgroundWorker(t *testing.T) {
	ctx := context.Background()
	e, target := hungRemoteEngine(t)
	done := make(chan error, 1)
	go func() {
		_, err := e.RunPending(ctx)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("RunPending returned (%v) while a due item was being delivered", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(target.release)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("RunPending did not return after the delivery ended")
	}
	target.mu.Lock()
	assert.Equal(t, []string{"a"}, target.bodies)
	target.mu.Unlock()
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
}

// Close with a background worker hung on a remote call (a pass that has
// returned): the call's context ends, the worker ends, and Close returns
// within ReturnGrace with the stores closed cleanly.
func TestRepl40bCloseEndsBackgroundWorker(t *testing.T) {
	ctx := context.Background()
	target := newGatedTarget()
	target.ignoreCtx = true // held until the test ends: Close gives it up
	defer close(target.release)
	opts := testOptions()
	opts.CompactInterval = time.Hour
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		Interval: 5 * time.Millisecond, ReturnGrace: 100 * time.Millisecond}
	e, err := Open("", opts)
	require.NoError(t, err)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	body := bytes.Repeat([]byte("r"), 8<<10) // in the blob log: read on a snapshot
	_, err = e.PutObject(ctx, "src", "docs/f", bytes.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery began")
	}
	time.Sleep(20 * time.Millisecond) // later passes run (and return) meanwhile
	start := time.Now()
	require.NoError(t, e.Close())
	assert.Less(t, time.Since(start), 5*time.Second)
}

// An S3 RTC threshold that a later background pass marks missed while a
// worker still delivers the version (the pass does not wait for it):
// OperationMissedThreshold is made then, and the delivery, settled
// afterwards, makes OperationReplicatedAfterThreshold. The worker read
// the item before it was marked missed; it decided on that copy and made
// no event.
func TestRepl40bThresholdMissedDuringDelivery(t *testing.T) {
	ctx := context.Background()
	target := newGatedTarget()
	defer target.releaseIfHeld()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, time.Hour
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		Interval: 5 * time.Millisecond, StallTimeout: time.Minute}
	e := openTest(t, opts)
	var got repl36Events
	got.subscribe(t, e)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("remote", false, true)))
	putString(t, e, "src", "docs/late", "late")
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery to the remote began")
	}
	var seen []string
	await := func(want []string, what string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for len(seen) < len(want) {
			seen = append(seen, repl36Names(got.take())...)
			select {
			case <-deadline:
				t.Fatalf("%s: events %v", what, seen)
			case <-time.After(5 * time.Millisecond):
			}
		}
		require.Equal(t, want, seen, what)
	}
	clk.Advance(16 * time.Minute)
	await([]string{"Replication:OperationMissedThreshold docs/late"}, "threshold passed during the delivery")
	close(target.release)
	await([]string{"Replication:OperationMissedThreshold docs/late", "Replication:OperationReplicatedAfterThreshold docs/late"},
		"the delivery settled after the threshold")
}
