package engine

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// slowTarget reads the body a byte at a time, pausing between reads: a
// slow remote that makes progress.
type slowTarget struct {
	pause time.Duration
	got   []byte
}

func (s *slowTarget) PutObject(ctx context.Context, _ string, _ ObjectInfo, body io.Reader) error {
	b := make([]byte, 1)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.pause):
		}
		n, err := body.Read(b)
		s.got = append(s.got, b[:n]...)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (s *slowTarget) PutDeleteMarker(context.Context, string, string) error { return nil }

// A delivery that reads its body slowly, but a byte well within each
// StallTimeout, is not cut though it takes many StallTimeouts in all:
// each read restarts the guard's clock.
func TestRev39dSlowRemoteWithProgressNotCut(t *testing.T) {
	ctx := context.Background()
	slow := &slowTarget{pause: 20 * time.Millisecond}
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": slow},
		StallTimeout: 150 * time.Millisecond}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	body := bytes.Repeat([]byte("x"), 40) // 40 reads: 800 ms, over 5 StallTimeouts
	_, err := e.PutObject(ctx, "src", "docs/a", bytes.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, ReplicationStats{Replicated: 1}, st.Replication)
	require.Equal(t, body, slow.got)
	o, err := e.HeadObject(ctx, "src", "docs/a")
	require.NoError(t, err)
	require.Equal(t, ReplicationCompleted, o.ReplicationStatus)
}

// The items a stalled destination's pass fails untried count an attempt
// each, as the tried one does: after Attempts passes every version is
// FAILED with one OperationFailedReplication event (a rule with
// Metrics), and the items stay queued for a destination that comes back.
func TestRev39dStalledRemoteUntriedItemsFail(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	hung := &hungTarget{}
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": hung},
		Attempts: 2, StallTimeout: 50 * time.Millisecond}
	e := openTest(t, opts)
	var got []string
	cancel := e.Subscribe("", func(ev Event) { got = append(got, ev.EventName+" "+ev.S3.Object.Key) })
	defer cancel()
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("remote", false, false)))
	keys := []string{"docs/a", "docs/b", "docs/c"}
	for _, k := range keys {
		_, err := e.PutObject(ctx, "src", k, bytes.NewReader([]byte(k)), int64(len(k)), PutOptions{})
		require.NoError(t, err)
	}
	for pass := range 2 {
		st, err := e.RunPending(ctx)
		require.NoError(t, err)
		require.Equal(t, ReplicationStats{Failed: 3}, st.Replication, "pass %d", pass)
		clk.Advance(time.Hour)
	}
	require.Equal(t, int32(2), hung.calls.Load(), "one delivery tried a pass")
	require.ElementsMatch(t, []string{"Replication:OperationFailedReplication docs%2Fa",
		"Replication:OperationFailedReplication docs%2Fb", "Replication:OperationFailedReplication docs%2Fc"}, got)
	for _, k := range keys {
		o, err := e.HeadObject(ctx, "src", k)
		require.NoError(t, err)
		require.Equal(t, ReplicationFailed, o.ReplicationStatus, k)
	}
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n)
}

// Close while RunPending delivers to a remote that does not answer: the
// pass is inside the gate, so Close has shut it and waits for the pass;
// the delivery, cut by its StallTimeout (or Close), then closes the source
// Object it streamed, whose release must not be refused by the shut gate
// (pebble's Close reported "leaked snapshots: 1 open snapshots"). Close
// also cuts the delivery at once rather than waiting out StallTimeout.
func TestRev39dCloseDuringRunPendingDelivery(t *testing.T) {
	ctx := context.Background()
	target := &blockingTarget{entered: make(chan struct{}, 1)}
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		StallTimeout: 20 * time.Second}
	e, err := Open("", opts)
	require.NoError(t, err)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	body := bytes.Repeat([]byte("r"), 8<<10) // in the blob log: read on a snapshot
	_, err = e.PutObject(ctx, "src", "docs/f", bytes.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := e.RunPending(ctx)
		done <- err
	}()
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery began")
	}
	start := time.Now()
	require.NoError(t, e.Close())
	require.Less(t, time.Since(start), 5*time.Second, "Close waited out StallTimeout")
	require.ErrorIs(t, <-done, ErrClosed)
}
