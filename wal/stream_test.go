package wal

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

func activeSegments(l *Log) []uint64 {
	var ids []uint64
	for _, s := range l.Segments() {
		if s.Active {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// TestStream checks that a stream's records land in segments of its own,
// rotate at SegmentSize, read back through the Log, and that its segments
// count as active (not removable) until Close.
func TestStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	opts := testOptions(vfs.NewMem())
	opts.SegmentSize = 40 << 10
	l, _ := openLog(t, opts)

	shared, err := l.Append([]byte("shared"), 0)
	require.NoError(t, err)
	s := l.NewStream()
	require.Empty(t, s.Segments(), "no segment before the first append")
	var recs []written
	for range 10 {
		data := randomBytes(rng, 9000)
		loc, err := s.Append(data, 0)
		require.NoError(t, err)
		recs = append(recs, written{loc, data})
	}
	// Interleaved shared appends go elsewhere.
	shared2, err := l.Append([]byte("shared again"), 0)
	require.NoError(t, err)
	require.Equal(t, shared.Segment, shared2.Segment)

	segs := s.Segments()
	require.Len(t, segs, 3, "90,000 bytes in 40 KiB segments")
	for _, r := range recs {
		require.Contains(t, segs, r.loc.Segment)
		require.NotEqual(t, shared.Segment, r.loc.Segment)
		got, err := l.Read(r.loc, nil)
		require.NoError(t, err)
		require.True(t, bytes.Equal(r.data, got))
	}
	// The open segment is active; the sealed ones are not.
	require.ElementsMatch(t, []uint64{shared.Segment, segs[2]}, activeSegments(l))
	require.ErrorIs(t, l.RemoveSegment(segs[2]), ErrActiveSegment)
	require.NoError(t, s.Sync())
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")
	require.Equal(t, []uint64{shared.Segment}, activeSegments(l))
	_, err = s.Append([]byte("late"), 0)
	require.ErrorIs(t, err, ErrClosed)

	// Every stream segment holds only the stream's records.
	for _, id := range segs {
		require.NoError(t, l.Iterate(id, func(loc Loc, _ []byte) error {
			if !slices.ContainsFunc(recs, func(r written) bool { return r.loc == loc }) {
				return errors.New("foreign record")
			}
			return nil
		}))
		require.NoError(t, l.RemoveSegment(id))
	}
	_, err = l.Read(recs[0].loc, nil)
	require.ErrorIs(t, err, ErrSegmentNotFound)
	got, err := l.Read(shared2, nil)
	require.NoError(t, err)
	require.Equal(t, "shared again", string(got))
}

// TestStreamCrash: what a stream synced survives a crash (with the shared
// log's records around it), unsynced appends may vanish, and the reopened
// log never writes into a stream's segment.
func TestStreamCrash(t *testing.T) {
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 7))
		mem := vfs.NewCrashableMem()
		opts := testOptions(mem)
		opts.Sync = true
		opts.SegmentSize = 32 << 10
		l, _ := openLog(t, opts)

		var synced []written
		a, b := l.NewStream(), l.NewStream()
		for range 1 + rng.IntN(8) {
			for _, s := range []*Stream{a, b} {
				data := randomBytes(rng, 1+rng.IntN(10_000))
				loc, err := s.Append(data, 0)
				require.NoError(t, err)
				synced = append(synced, written{loc, data})
			}
			data := textBytes(rng, 1+rng.IntN(3000))
			loc, err := l.Append(data, 0)
			require.NoError(t, err)
			synced = append(synced, written{loc, data})
		}
		require.NoError(t, a.Sync())
		require.NoError(t, b.Sync())
		require.NoError(t, l.Sync())
		require.NoError(t, a.Close())
		// b stays open and appends more without a Sync, as a writer does
		// when it crashes mid-body.
		for range rng.IntN(5) {
			_, err := b.Append(randomBytes(rng, 1+rng.IntN(10_000)), 0)
			require.NoError(t, err)
		}
		before := l.Segments()

		opts.FS = mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 50, RNG: rng})
		l2, _ := openLog(t, opts)
		for i, r := range synced {
			got, err := l2.Read(r.loc, nil)
			require.NoError(t, err, "seed %d record %d (%v)", seed, i, r.loc)
			require.True(t, bytes.Equal(r.data, got), "seed %d record %d", seed, i)
		}
		// New appends go to a segment newer than any the crashed log had
		// (or to the last id, when recovery found that segment empty).
		loc, err := l2.Append([]byte("after"), 0)
		require.NoError(t, err)
		require.GreaterOrEqual(t, loc.Segment, before[len(before)-1].ID)
		for _, r := range synced {
			require.NotEqual(t, r.loc.Segment, loc.Segment, "seed %d: appended into a segment with synced records", seed)
		}
		s := l2.NewStream()
		loc2, err := s.Append([]byte("stream after"), 0)
		require.NoError(t, err)
		require.Greater(t, loc2.Segment, loc.Segment)
		require.NoError(t, s.Close())
	}
}

// TestStreamAfterClose: a stream of a closed log refuses appends and syncs.
func TestStreamAfterClose(t *testing.T) {
	l, _ := openLog(t, testOptions(vfs.NewMem()))
	s := l.NewStream()
	_, err := s.Append([]byte("x"), 0)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = s.Append([]byte("y"), 0)
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, s.Sync(), ErrClosed)
	require.NoError(t, s.Close())
}

// TestStreamSyncDuringClose: a stream's Sync that is under way when the
// log closes (the engine's Close under a body being written) finishes
// before Close releases the directory handle, or fails with ErrClosed.
// Before, Sync read the handle unguarded after its file's fsync and
// dereferenced the nil that Close had left there.
func TestStreamSyncDuringClose(t *testing.T) {
	fs := &heldSyncFS{FS: vfs.NewMem(), entered: make(chan struct{}), release: make(chan struct{})}
	opts := testOptions(fs)
	opts.Sync = true
	l, _ := openLog(t, opts)
	s := l.NewStream()
	_, err := s.Append([]byte("x"), 0) // a new segment: the directory is dirty
	require.NoError(t, err)
	fs.armed.Store(true)
	synced := make(chan error, 1)
	go func() { synced <- s.Sync() }()
	<-fs.entered // the stream's fsync is under way
	closed := make(chan error, 1)
	go func() { closed <- l.Close() }()
	// Close must wait for the sync; give one that does not time to
	// release the handles under it.
	select {
	case err := <-closed:
		closed <- err
	case <-time.After(20 * time.Millisecond):
	}
	close(fs.release)
	if err := <-synced; err != nil {
		require.ErrorIs(t, err, ErrClosed)
	}
	require.NoError(t, <-closed)
	require.NoError(t, s.Close())
}

// heldSyncFS holds the first file fsync after armed is set until release
// is closed.
type heldSyncFS struct {
	vfs.FS
	armed            atomic.Bool
	entered, release chan struct{}
}

type heldSyncFile struct {
	vfs.File
	fs *heldSyncFS
}

func (f heldSyncFile) Sync() error {
	if f.fs.armed.CompareAndSwap(true, false) {
		close(f.fs.entered)
		<-f.fs.release
	}
	return f.File.Sync()
}

func (f heldSyncFile) SyncData() error { return f.Sync() }

func (fs *heldSyncFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, c)
	if err != nil {
		return nil, err
	}
	return heldSyncFile{File: f, fs: fs}, nil
}
