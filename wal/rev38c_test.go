package wal

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// usedAfterClose fails a read through a segment handle already closed:
// a handle the bound closed while a read still used it.
type usedAfterClose struct{ openCountFile }

func (f *usedAfterClose) ReadAt(p []byte, off int64) (int, error) {
	if f.closed.Load() {
		panic("wal: read through a closed segment handle")
	}
	return f.File.ReadAt(p, off)
}

type rev38cFS struct{ openCountFS }

func (fs *rev38cFS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.openCountFS.Open(name, opts...)
	if c, ok := f.(*openCountFile); ok && err == nil {
		return &usedAfterClose{openCountFile{File: c.File, fs: c.fs}}, nil
	}
	return f, err
}

// TestRev38cMaxOpenReadersWithRemoveAndClose: with a bound of one handle,
// reads of many segments from several goroutines run while the segments
// are removed one by one and the log is then closed under them. No read
// uses a handle after it was closed, every read answers its record,
// ErrSegmentNotFound or ErrClosed, nothing deadlocks (RemoveSegment and
// Close take a segment's lock, the bound tries it while holding the
// Log's open list), and Close leaves no handle open.
func TestRev38cMaxOpenReadersWithRemoveAndClose(t *testing.T) {
	fs := &rev38cFS{openCountFS{FS: vfs.NewMem()}}
	opts := testOptions(fs)
	opts.SegmentSize = 4096
	opts.MaxOpenReaders = 1
	l, _ := openLog(t, opts)
	rng := rand.New(rand.NewPCG(38, 38))
	var locs []Loc
	var payloads [][]byte
	for range 300 {
		p := randomBytes(rng, 1000)
		loc, err := l.Append(p, 0)
		require.NoError(t, err)
		locs, payloads = append(locs, loc), append(payloads, p)
	}
	require.NoError(t, l.Sync())

	done := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for {
				select {
				case <-done:
					return
				default:
				}
				i := r.IntN(len(locs))
				got, err := l.Read(locs[i], nil)
				switch {
				case errors.Is(err, ErrSegmentNotFound), errors.Is(err, ErrClosed):
				case err != nil:
					t.Errorf("read %d: %v", i, err)
					return
				case !bytes.Equal(got, payloads[i]):
					t.Errorf("read %d: another record", i)
					return
				}
			}
		}()
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		segs := l.Segments()
		for _, seg := range segs[:len(segs)/2] {
			if err := l.RemoveSegment(seg.ID); err != nil {
				t.Errorf("remove %d: %v", seg.ID, err)
			}
			time.Sleep(100 * time.Microsecond)
		}
		if err := l.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}()
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("RemoveSegment or Close did not return")
	}
	close(done)
	wg.Wait()
	require.Zero(t, fs.live.Load(), "handles left open by Close")
}
