package engine

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/stretchr/testify/require"
)

// TestCompactWaitsForDurableMetadata is the regression test of a crash
// that lost an acknowledged object. A delete had committed its batch (so
// the segment's live counter read zero) but not yet synced it when Compact
// deleted the segment file; a crash then dropped the unacknowledged delete,
// and the object it would have deleted pointed into a file that was gone.
// Compact must make the metadata it decided on durable before it removes
// anything.
func TestCompactWaitsForDurableMetadata(t *testing.T) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	var block atomic.Bool
	blocked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		// Hold the first sync of pebble's log once blocking is on: the
		// delete's batch is committed but not durable meanwhile.
		if block.Load() && isSyncOp(op.Kind) && strings.HasSuffix(op.Path, ".log") {
			first := false
			once.Do(func() { first = true })
			if first {
				close(blocked)
				<-release
			}
		}
		return nil
	})
	opts := testOptions()
	opts.FS = errorfs.Wrap(mem, inj)
	opts.Sync = SyncAlways
	opts.CompactInterval = -1 // the test runs Compact itself
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := bytes.Repeat([]byte("durable!"), 3*e.opts.ChunkSize/8)
	put(t, e, "bkt", "k", data)
	require.NoError(t, e.log.Rotate()) // seal the segment holding the body

	block.Store(true)
	deleted := make(chan error, 1)
	go func() { deleted <- e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}) }()
	<-blocked
	compacted := make(chan error, 1)
	go func() {
		_, err := e.Compact(ctx, CompactOptions{})
		compacted <- err
	}()
	select {
	case err := <-compacted:
		compacted <- err
	case <-time.After(200 * time.Millisecond): // waiting for the sync: right
	}
	// Crash now: the delete was never acknowledged.
	img := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
	close(release)
	require.NoError(t, <-deleted)
	require.NoError(t, <-compacted)
	require.NoError(t, e.Close())

	o := testOptions()
	o.FS = img
	re, err := Open("/db", o)
	require.NoError(t, err)
	defer re.Close()
	got, err := readObject(re, "bkt", "k")
	require.NoError(t, err, "the object whose delete was not acknowledged must be readable")
	require.Equal(t, data, got)
	require.NoError(t, re.auditErr())
}

func readObject(e *Engine, bucket, key string) ([]byte, error) {
	var buf bytes.Buffer
	o, err := e.GetObject(context.Background(), bucket, key, GetOptions{})
	if err != nil {
		return nil, err
	}
	defer o.Close()
	_, err = buf.ReadFrom(o)
	return buf.Bytes(), err
}
