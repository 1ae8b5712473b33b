package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestReview33StopRefusesWaitingWriter: a write admitted before the
// engine stopped (pebble's fatal error) and waiting for the metadata
// lock when it stopped is refused, not committed to a memtable whose
// log has failed.
func TestReview33StopRefusesWaitingWriter(t *testing.T) {
	ctx := context.Background()
	for _, op := range []string{"CreateBucket", "DeleteObject"} {
		t.Run(op, func(t *testing.T) {
			e := openTest(t, nil)
			require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
			putString(t, e, "bkt", "k", "body")
			e.mu.Lock()
			done := make(chan error, 1)
			go func() {
				var err error
				switch op {
				case "CreateBucket":
					err = e.CreateBucket(ctx, "late", BucketOptions{})
				case "DeleteObject":
					err = e.DeleteObject(ctx, "bkt", "k", DeleteOptions{})
				}
				done <- err
			}()
			time.Sleep(100 * time.Millisecond) // it waits for e.mu in applyCtx
			stop := fmt.Errorf("%w: review33 stop", ErrClosed)
			e.stopped.Store(&stop)
			e.mu.Unlock()
			require.ErrorIs(t, <-done, ErrClosed, "the waiting write is refused")
			e.stopped.Store(nil)
			_, err := e.Bucket(ctx, "late")
			require.ErrorIs(t, err, ErrNoSuchBucket, "nothing was committed")
			_, err = e.HeadObject(ctx, "bkt", "k")
			require.NoError(t, err, "nothing was committed")
		})
	}
}

// TestStopKeepsSegments: once the engine stopped (pebble's fatal error),
// no blob-log segment is deleted, whatever the collector or a reader's
// unpin decided: the metadata changes that emptied the segment may
// never have reached pebble's log, so the reopened store may still point
// into it.
func TestStopKeepsSegments(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	putString(t, e, "bkt", "k", strings.Repeat("x", 1<<20)) // past the inline threshold: a blob-log body
	require.NoError(t, e.log.Rotate())
	segs := e.log.Segments()
	require.GreaterOrEqual(t, len(segs), 2)
	sealed := segs[0].ID
	stop := fmt.Errorf("%w: stop for the test", ErrClosed)
	e.stopped.Store(&stop)
	require.ErrorIs(t, e.removeSegment(sealed), ErrClosed)
	_, ok := e.log.Segment(sealed)
	require.True(t, ok, "the segment is kept after the stop")
	e.stopped.Store(nil)
	require.NoError(t, e.removeSegment(sealed))
	_, ok = e.log.Segment(sealed)
	require.False(t, ok, "without the stop the same call removes it")
}
