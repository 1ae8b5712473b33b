package engine

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// patternReader yields n pseudo-random bytes without holding them.
type patternReader struct {
	n, off int64
	state  uint64
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n-r.off)]
	var w [8]byte
	for i := 0; i < len(p); i += 8 {
		r.state = r.state*6364136223846793005 + 1442695040888963407
		binary.LittleEndian.PutUint64(w[:], r.state)
		copy(p[i:], w[:])
	}
	r.off += int64(len(p))
	return len(p), nil
}

// heapWatcher samples the Go heap until stopped and reports the peak.
func heapWatcher() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// TestMemoryBounded puts and gets a 1 GiB streamed object on disk and checks
// that the Go heap grows by less than 64 MiB throughout.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("1 GiB round trip: skipped in -short and -race runs")
	}
	const size = 1 << 30
	ctx := context.Background()
	e, err := Open(t.TempDir(), nil)
	require.NoError(t, err)
	defer e.Close()
	require.NoError(t, e.CreateBucket(ctx, "big", BucketOptions{}))
	// Two collections empty the sync.Pool caches (and their victim caches)
	// that earlier tests in this process filled; what is left is the
	// baseline, and the heap this test's round trip adds is measured above it.
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	stop := heapWatcher()

	h := md5.New()
	src := &patternReader{n: size, state: 42}
	info, err := e.PutObject(ctx, "big", "obj", io.TeeReader(src, h), -1, PutOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(size), info.Size)
	require.Equal(t, hex.EncodeToString(h.Sum(nil)), info.ETag)

	o, err := e.GetObject(ctx, "big", "obj", GetOptions{})
	require.NoError(t, err)
	h.Reset()
	n, err := io.Copy(h, o)
	require.NoError(t, err)
	require.NoError(t, o.Close())
	require.Equal(t, int64(size), n)
	require.Equal(t, info.ETag, hex.EncodeToString(h.Sum(nil)))

	peak := stop()
	t.Logf("peak heap %.1f MiB (%.1f MiB before the round trip)", float64(peak)/(1<<20), float64(base)/(1<<20))
	require.Less(t, peak-min(peak, base), uint64(64<<20), "heap peaked at %d bytes over a baseline of %d", peak, base)
}
