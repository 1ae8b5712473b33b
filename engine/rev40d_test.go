package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A background worker settles its item after its pass has returned, on a
// clock that may have moved on meanwhile: OperationReplicatedAfterThreshold
// carries the time the delivery was settled, not its pass's start. Before,
// a threshold marked missed by a later pass during the delivery made an
// OperationReplicatedAfterThreshold dated 15 minutes before the
// OperationMissedThreshold it follows.
func TestRev40dReplicatedAfterThresholdIsDatedAtSettlement(t *testing.T) {
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
	var seen []Event
	await := func(n int, what string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for len(seen) < n {
			seen = append(seen, got.take()...)
			select {
			case <-deadline:
				t.Fatalf("%s: events %v", what, repl36Names(seen))
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	clk.Advance(16 * time.Minute)
	await(1, "threshold passed during the delivery")
	settled := clk.Now()
	close(target.release)
	await(2, "the delivery settled after the threshold")
	require.Equal(t, []string{"Replication:OperationMissedThreshold docs/late", "Replication:OperationReplicatedAfterThreshold docs/late"},
		repl36Names(seen))
	missed, err := time.Parse(eventTimeFormat, seen[0].EventTime)
	require.NoError(t, err)
	replicated, err := time.Parse(eventTimeFormat, seen[1].EventTime)
	require.NoError(t, err)
	require.False(t, replicated.Before(missed), "replicated at %v, before the threshold missed at %v", replicated, missed)
	require.Equal(t, settled.UTC().Format(eventTimeFormat), seen[1].EventTime)
}

// A failed delivery's retry waits Backoff on the clock from the failure:
// a worker whose remote stalled while the clock moved on past its pass's
// Backoff is not retried at once. Before, the retry was scheduled from
// the pass's start, so a delivery that took longer than Backoff was
// retried by the next pass.
func TestRev40dRetryBackoffCountsFromTheFailure(t *testing.T) {
	ctx := context.Background()
	target := newGatedTarget()
	target.returned = make(chan error, 8)
	defer target.releaseIfHeld()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, time.Hour
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		Interval: 5 * time.Millisecond, StallTimeout: 200 * time.Millisecond, Backoff: time.Minute}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	putString(t, e, "src", "docs/slow", "slow")
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery to the remote began")
	}
	clk.Advance(10 * time.Minute) // the delivery takes longer than Backoff
	select {
	case err := <-target.returned:
		require.Error(t, err, "the delivery stalled")
	case <-time.After(10 * time.Second):
		t.Fatal("the stalled delivery did not end")
	}
	time.Sleep(300 * time.Millisecond) // many background passes
	require.Equal(t, int32(1), target.calls.Load(), "retried before Backoff had passed since the failure")
	clk.Advance(2 * time.Minute)
	select {
	case <-target.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("not retried once Backoff had passed")
	}
}
