package engine

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A lifecycle pass cut by Close (the server's SIGINT under load) looked up
// its expiration's event after Close began: the lookup failed with
// ErrClosed and was logged at ERROR as "lifecycle event lost", though the
// delete that follows it is refused with ErrClosed too (the object stays
// for the next pass, which makes its event): nothing was lost.
func TestRace39LifecycleEventAtCloseNotLost(t *testing.T) {
	ctx := context.Background()
	logs := &logBuffer{}
	opts := testOptions()
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e, err := Open("", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{Owner: "o"}))
	_, err = e.PutObject(ctx, "bkt", "k", strings.NewReader("x"), 1, PutOptions{Owner: "o"})
	require.NoError(t, err)
	cancel := e.Subscribe("bkt", func(Event) {}) // the bucket's events are wanted
	defer cancel()
	require.NoError(t, e.Close())

	require.Nil(t, e.expirationEvent(ctx, "bkt", "k", time.Now()))
	require.NotContains(t, logs.String(), "lifecycle event lost")
	// The expiration the event was for is refused as well.
	require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}), ErrClosed)
}

// blockingTarget is a remote replication target that holds every delivery
// until its context ends (a remote that does not answer).
type blockingTarget struct{ entered chan struct{} }

func (b *blockingTarget) PutObject(ctx context.Context, _ string, _ ObjectInfo, _ io.Reader) error {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

func (b *blockingTarget) PutDeleteMarker(ctx context.Context, _, _ string) error {
	<-ctx.Done()
	return ctx.Err()
}

// Close while the background replication pass delivers to a remote
// target: the delivery ends with the pass's context and closes the source
// Object it streams, after Close began but before the stores close (Close
// waits for the background loops). Object.Close refused that release
// (admit fails once Close began), so pebble's Close reported "leaked
// snapshots: 1 open snapshots" (the race-built server's SIGINT under
// load, thirty-ninth session) and the version's blob-log pin stayed.
func TestRace39CloseDuringRemoteDeliveryReleasesSnapshot(t *testing.T) {
	ctx := context.Background()
	target := &blockingTarget{entered: make(chan struct{}, 1)}
	opts := testOptions()
	opts.CompactInterval = time.Hour
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}, Interval: 5 * time.Millisecond}
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
	require.NoError(t, e.Close())
}
