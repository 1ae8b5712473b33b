package wal

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// openCountFS counts the segment read handles open at once (Open of a
// segment file; the active segment's write handles are not counted).
type openCountFS struct {
	vfs.FS
	live, peak atomic.Int64
}

type openCountFile struct {
	vfs.File
	fs     *openCountFS
	closed atomic.Bool
}

func (f *openCountFile) Close() error {
	if !f.closed.Swap(true) {
		f.fs.live.Add(-1)
	}
	return f.File.Close()
}

func (fs *openCountFS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.FS.Open(name, opts...)
	if err != nil || !strings.HasSuffix(name, segmentSuffix) {
		return f, err
	}
	n := fs.live.Add(1)
	for p := fs.peak.Load(); n > p && !fs.peak.CompareAndSwap(p, n); p = fs.peak.Load() {
	}
	return &openCountFile{File: f, fs: fs}, nil
}

// TestMaxOpenReaders: reads over many segments keep at most
// Options.MaxOpenReaders read handles open once they are idle (and at
// most that plus the segments being read while they run), closing the
// least recently read ones and opening them again on their next read;
// every read returns its record. Before, each segment read kept its
// handle until it was removed: a disk store of thousands of segments held
// thousands of files.
func TestMaxOpenReaders(t *testing.T) {
	const limit, readers = 3, 8
	fs := &openCountFS{FS: vfs.NewMem()}
	opts := testOptions(fs)
	opts.SegmentSize = 4096
	opts.MaxOpenReaders = limit
	l, _ := openLog(t, opts)
	rng := rand.New(rand.NewPCG(1, 2))
	var locs []Loc
	var payloads [][]byte
	for range 200 {
		p := randomBytes(rng, 1000)
		loc, err := l.Append(p, 0)
		require.NoError(t, err)
		locs, payloads = append(locs, loc), append(payloads, p)
	}
	require.NoError(t, l.Sync())
	require.Greater(t, len(l.Segments()), 40)

	var wg sync.WaitGroup
	for g := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for range 400 {
				i := r.IntN(len(locs))
				got, err := l.Read(locs[i], nil)
				if err != nil || !bytes.Equal(got, payloads[i]) {
					t.Errorf("read %d: %v", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.LessOrEqual(t, fs.peak.Load(), int64(limit+readers+1), "open while reads ran")
	for i := range locs { // idle reads, one at a time
		got, err := l.Read(locs[i], nil)
		require.NoError(t, err)
		require.Equal(t, payloads[i], got)
		require.LessOrEqual(t, fs.live.Load(), int64(limit))
	}

	// A segment whose handle was closed is removed as any other; its
	// records are then not found.
	first := locs[0].Segment
	require.NoError(t, l.RemoveSegment(first))
	_, err := l.Read(locs[0], nil)
	require.True(t, errors.Is(err, ErrSegmentNotFound), "%v", err)
	require.NoError(t, l.Close())
	require.Zero(t, fs.live.Load(), "handles left open by Close")
}

// TestMaxOpenReadersUnbounded: a negative bound keeps every handle.
func TestMaxOpenReadersUnbounded(t *testing.T) {
	fs := &openCountFS{FS: vfs.NewMem()}
	opts := testOptions(fs)
	opts.SegmentSize = 4096
	opts.MaxOpenReaders = -1
	l, _ := openLog(t, opts)
	rng := rand.New(rand.NewPCG(3, 4))
	var locs []Loc
	for range 40 {
		loc, err := l.Append(randomBytes(rng, 1000), 0)
		require.NoError(t, err)
		locs = append(locs, loc)
	}
	require.NoError(t, l.Sync())
	for _, loc := range locs {
		_, err := l.Read(loc, nil)
		require.NoError(t, err)
	}
	require.Equal(t, int64(locs[len(locs)-1].Segment-locs[0].Segment+1), fs.live.Load())
}
