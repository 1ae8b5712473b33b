package engine

import (
	"context"
	"fmt"
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
