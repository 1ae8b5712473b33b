package wal

import (
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/stretchr/testify/require"
)

// TestReview33RotateOpenFailureLeavesNoSegment: when the successor's
// file is created but its sync handle cannot be opened (EMFILE), the
// failed rotation removes the file. Left behind, an empty successor is
// the last segment a restart sees: the active segment, which the log
// went on appending to, is then a sealed segment whose tail recovery
// never scans (only the last segment can have a torn tail).
func TestReview33RotateOpenFailureLeavesNoSegment(t *testing.T) {
	mem := vfs.NewCrashableMem()
	var fail atomic.Bool
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind == errorfs.OpOpen && strings.HasSuffix(op.Path, "000002"+segmentSuffix) && fail.CompareAndSwap(true, false) {
			return fmt.Errorf("review33 injected: %w", syscall.EMFILE)
		}
		return nil
	})
	opts := testOptions(errorfs.Wrap(mem, inj))
	opts.Sync = true
	opts.SegmentSize = 64 << 10
	l, _ := openLog(t, opts)
	fail.Store(true)
	payload := make([]byte, 16<<10)
	failed := 0
	for range 8 {
		if _, err := l.Append(payload, 0); err != nil {
			failed++
		}
		require.NoError(t, l.Sync())
		if !fail.Load() && l.active.id == 1 {
			_, err := mem.Stat(l.segPath(2))
			require.True(t, err != nil, "no successor file left after the failed rotation")
		}
	}
	require.False(t, fail.Load(), "the rotation's open failed once")
	require.LessOrEqual(t, failed, 1)
	require.Greater(t, l.active.id, uint64(1), "a later rotation succeeded")
}
