package engine

import (
	"bytes"
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatedTarget is a remote target whose deliveries each wait, after
// saying so on entered, until release is closed (or its context ends,
// unless ignoreCtx), then read the body and pause a little: a slow
// remote. It records the bodies it took, and the error of a read after
// release, and how many calls ran at once at most.
type gatedTarget struct {
	entered   chan struct{}
	release   chan struct{}
	pause     time.Duration
	ignoreCtx bool
	returned  chan error // each call's result, when not nil

	mu        sync.Mutex
	bodies    []string
	running   int
	maxAtOnce int
	calls     atomic.Int32
}

func newGatedTarget() *gatedTarget {
	return &gatedTarget{entered: make(chan struct{}, 64), release: make(chan struct{})}
}

// releaseIfHeld releases the held deliveries unless the test did: a
// test defers it so that Close does not wait on a held call.
func (g *gatedTarget) releaseIfHeld() {
	select {
	case <-g.release:
	default:
		close(g.release)
	}
}

func (g *gatedTarget) PutObject(ctx context.Context, _ string, _ ObjectInfo, body io.Reader) (err error) {
	g.calls.Add(1)
	g.mu.Lock()
	g.running++
	g.maxAtOnce = max(g.maxAtOnce, g.running)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.running--
		g.mu.Unlock()
		if g.returned != nil {
			g.returned <- err
		}
	}()
	g.entered <- struct{}{}
	if g.ignoreCtx {
		<-g.release
	} else {
		select {
		case <-g.release:
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Second):
		}
	}
	time.Sleep(g.pause)
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	g.mu.Lock()
	g.bodies = append(g.bodies, string(b))
	g.mu.Unlock()
	return nil
}

func (g *gatedTarget) PutDeleteMarker(ctx context.Context, _, _ string) error {
	return g.PutObject(ctx, "", ObjectInfo{}, bytes.NewReader(nil))
}

// A slow remote destination does not hold a local one's items: each
// destination's items go on a goroutine of their own. The remote
// (arn:aws:s3:::a-remote, whose items come first in key order) holds
// its first delivery until the test has seen every local replica.
// Before, a pass delivered its items one after another, and the local
// replicas waited for the remote.
func TestRepl40SlowDestinationDoesNotHoldOthers(t *testing.T) {
	ctx := context.Background()
	slow := newGatedTarget()
	slow.pause = 20 * time.Millisecond
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::a-remote": slow}}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	cfg := replicationConfig("a-remote", false)
	local := replicationConfig("dst", false).Rules[0]
	local.ID, local.Priority = "local", 2
	cfg.Rules = append(cfg.Rules, local)
	require.NoError(t, e.SetBucketConfig(ctx, "src", cfg))
	keys := []string{"docs/a", "docs/b", "docs/c"}
	var versions []string
	for _, k := range keys {
		v, err := e.PutObject(ctx, "src", k, bytes.NewReader([]byte(k)), int64(len(k)), PutOptions{})
		require.NoError(t, err)
		versions = append(versions, v.VersionID)
	}
	done := make(chan ReplicationStats, 1)
	go func() {
		st, err := e.RunPending(ctx)
		assert.NoError(t, err)
		done <- st.Replication
	}()
	<-slow.entered
	deadline := time.After(10 * time.Second)
	for i, k := range keys {
		for {
			if _, err := e.HeadObjectVersion(ctx, "dst", k, versions[i]); err == nil {
				break
			}
			select {
			case <-deadline:
				close(slow.release)
				t.Fatalf("the local replica of %s waited for the remote's delivery", k)
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	select {
	case <-slow.release:
		t.Fatal("released early")
	default:
	}
	assert.Equal(t, int32(1), slow.calls.Load(), "the remote is still on its first item")
	close(slow.release)
	assert.Equal(t, ReplicationStats{Replicated: 6}, <-done)
	assert.Equal(t, keys, slow.bodies, "the remote's items in order")
	for _, k := range keys {
		o, err := e.HeadObject(ctx, "src", k)
		require.NoError(t, err)
		assert.Equal(t, ReplicationCompleted, o.ReplicationStatus)
	}
}

// At most ReplicationOptions.Parallel destinations are delivered to at
// once; the others wait for a free slot and are delivered in the same
// pass.
func TestRepl40ParallelBound(t *testing.T) {
	ctx := context.Background()
	slow := newGatedTarget()
	close(slow.release)
	slow.pause = 30 * time.Millisecond
	targets := map[string]ReplicationTarget{}
	cfg := replicationConfig("r0", false)
	cfg.Rules = nil
	for i, name := range []string{"r0", "r1", "r2", "r3", "r4"} {
		targets["arn:aws:s3:::"+name] = slow
		r := replicationConfig(name, false).Rules[0]
		r.ID, r.Priority = name, i+1
		cfg.Rules = append(cfg.Rules, r)
	}
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: targets, Parallel: 2}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", cfg))
	for _, k := range []string{"docs/a", "docs/b"} {
		_, err := e.PutObject(ctx, "src", k, bytes.NewReader([]byte(k)), int64(len(k)), PutOptions{})
		require.NoError(t, err)
	}
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, ReplicationStats{Replicated: 10}, st.Replication)
	require.Equal(t, 2, slow.maxAtOnce)
}

// A target that ignores its context no longer holds Close: Close cuts
// the delivery, waits ReturnGrace for the call and gives it up. The call,
// released after Close returned, reads the version's body: the read
// fails without reaching the closed engine (no panic), and its result is
// dropped (nothing is written). Before, Close waited for the call.
func TestRepl40CloseDoesNotWaitForTargetIgnoringContext(t *testing.T) {
	ctx := context.Background()
	target := newGatedTarget()
	target.ignoreCtx = true
	target.returned = make(chan error, 1)
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		StallTimeout: 20 * time.Second, ReturnGrace: 100 * time.Millisecond}
	e, err := Open("", opts)
	require.NoError(t, err)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	body := bytes.Repeat([]byte("r"), 8<<10) // in the blob log: read on a snapshot
	_, err = e.PutObject(ctx, "src", "docs/f", bytes.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	pass := make(chan error, 1)
	go func() {
		_, err := e.RunPending(ctx)
		pass <- err
	}()
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery began")
	}
	closed := make(chan error, 1)
	go func() { closed <- e.Close() }()
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		close(target.release)
		t.Fatal("Close waited for a target that ignores its context")
	}
	require.ErrorIs(t, <-pass, ErrClosed)
	close(target.release)
	select {
	case err := <-target.returned:
		require.ErrorIs(t, err, errCallGivenUp, "the body read after Close reaches nothing")
	case <-time.After(10 * time.Second):
		t.Fatal("the target did not return")
	}
	require.Empty(t, target.bodies)
}

// A stalled call that ignores its context is given up after ReturnGrace:
// the pass ends (the item failed), and the destination's items fail
// untried while the call still runs, so a hung target holds one
// goroutine, not one a pass; once it returns, the next pass delivers.
func TestRepl40StalledTargetIgnoringContext(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	target := newGatedTarget()
	target.ignoreCtx = true
	target.returned = make(chan error, 4)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		StallTimeout: 50 * time.Millisecond, ReturnGrace: 50 * time.Millisecond}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	_, err := e.PutObject(ctx, "src", "docs/a", bytes.NewReader([]byte("a")), 1, PutOptions{})
	require.NoError(t, err)
	for pass := range 2 {
		st, err := e.RunPending(ctx)
		require.NoError(t, err)
		require.Equal(t, ReplicationStats{Failed: 1}, st.Replication, "pass %d", pass)
		clk.Advance(time.Hour)
	}
	require.Equal(t, int32(1), target.calls.Load(), "the second pass did not call the busy target")
	close(target.release)
	require.ErrorIs(t, <-target.returned, errCallGivenUp)
	require.Eventually(t, func() bool { return !e.repl.isBusy("arn:aws:s3:::remote") }, 5*time.Second, 5*time.Millisecond)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, ReplicationStats{Replicated: 1}, st.Replication)
	require.Equal(t, []string{"a"}, target.bodies)
	o, err := e.HeadObject(ctx, "src", "docs/a")
	require.NoError(t, err)
	require.Equal(t, ReplicationCompleted, o.ReplicationStatus)
}

// An unversioned key whose write an earlier build queued (its item's key
// has no destination) and that is written again before delivery has two
// items for the destination; the newer write supersedes the old item,
// which goes without a delivery, whichever comes due first. Before, both
// delivered the key's current object: a remote target got it twice.
func TestRepl40LegacyUnversionedTwin(t *testing.T) {
	ctx := context.Background()
	for _, legacyWaits := range []bool{false, true} {
		clk := newFakeClock()
		remote := newGatedTarget()
		close(remote.release)
		opts := testOptions()
		opts.Clock = clk
		opts.CompactInterval = -1
		opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": remote}}
		e := openTest(t, opts)
		require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", true)))
		_, err := e.PutObject(ctx, "src", "docs/k", bytes.NewReader([]byte("old")), 3, PutOptions{})
		require.NoError(t, err)
		repl39MakeLegacy(t, e, "docs/k", "", "remote")
		legacy := replKey("src", "docs/k", "", "")
		if legacyWaits {
			// The old item is in its backoff: the new one is delivered
			// first.
			v, _, err := get(e.db, legacy)
			require.NoError(t, err)
			it, err := decodeReplItem(legacy, v)
			require.NoError(t, err)
			it.attempts, it.next = 1, clk.Now().Add(time.Minute)
			require.NoError(t, e.applyCtx(ctx, func(m *mutation) error { return m.b.Set(legacy, it.encode(), nil) }))
		}
		_, err = e.PutObject(ctx, "src", "docs/k", bytes.NewReader([]byte("new")), 3, PutOptions{})
		require.NoError(t, err)
		n, err := e.ReplicationBacklog(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n, "the old item and the new one")

		st, err := e.RunPending(ctx)
		require.NoError(t, err)
		require.Equal(t, ReplicationStats{Replicated: 1}, st.Replication)
		clk.Advance(time.Hour)
		st, err = e.RunPending(ctx)
		require.NoError(t, err)
		require.Equal(t, ReplicationStats{}, st.Replication, "legacy waits %v", legacyWaits)
		require.Equal(t, []string{"new"}, remote.bodies, "legacy waits %v", legacyWaits)
		n, err = e.ReplicationBacklog(ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		o, err := e.HeadObject(ctx, "src", "docs/k")
		require.NoError(t, err)
		require.Equal(t, ReplicationCompleted, o.ReplicationStatus)
	}
}

// ReplicationMetrics: per source bucket, destination and rule, the
// pending operations and bytes, the age of the oldest pending write, and
// the items marked FAILED since Open.
func TestRepl40Metrics(t *testing.T) {
	ctx := context.Background()
	e, clk := repl39EngineAttempts(t, 1, repl39Rule("a", "", 2, "dsta", ""), repl39Rule("b", "", 1, "dstb", ""))
	repl39Versioning(t, e, "dstb", "Suspended") // dstb refuses
	_, err := e.PutObject(ctx, "src", "k1", bytes.NewReader(make([]byte, 100)), 100, PutOptions{})
	require.NoError(t, err)
	clk.Advance(30 * time.Second)
	_, err = e.PutObject(ctx, "src", "k2", bytes.NewReader(make([]byte, 50)), 50, PutOptions{})
	require.NoError(t, err)
	clk.Advance(10 * time.Second)
	got, err := e.ReplicationMetrics(ctx)
	require.NoError(t, err)
	key := func(rule, dest string) ReplicationMetricsKey {
		return ReplicationMetricsKey{Bucket: "src", Destination: "arn:aws:s3:::" + dest, RuleID: rule}
	}
	require.Equal(t, []ReplicationMetrics{
		{ReplicationMetricsKey: key("a", "dsta"), OperationsPending: 2, BytesPending: 150, Latency: 40 * time.Second},
		{ReplicationMetricsKey: key("b", "dstb"), OperationsPending: 2, BytesPending: 150, Latency: 40 * time.Second},
	}, got)

	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, ReplicationStats{Replicated: 2, Failed: 2}, st.Replication)
	got, err = e.ReplicationMetrics(ctx)
	require.NoError(t, err)
	require.Equal(t, []ReplicationMetrics{
		{ReplicationMetricsKey: key("b", "dstb"), OperationsPending: 2, BytesPending: 150, Latency: 40 * time.Second, OperationsFailed: 2},
	}, got)
	// A later failure of a FAILED item is not counted again.
	clk.Advance(2 * time.Hour)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	got, err = e.ReplicationMetrics(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.EqualValues(t, 2, got[0].OperationsFailed)
}
