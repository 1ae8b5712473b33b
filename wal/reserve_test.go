package wal

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// reserveFS lends writable memory the way the engine's in-memory file
// system does, on top of vfs.NewMem: Reserve hands out pieces of a pending
// buffer (cut at odd sizes, so a record header spans pieces) and Extend
// writes the filled bytes to the file.
type reserveFS struct{ vfs.FS }

type reserveFile struct {
	vfs.File
	off     int64
	pending []byte
	end     int64 // the file's size: what was written or extended
}

func (fs reserveFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, c)
	if err != nil {
		return nil, err
	}
	return &reserveFile{File: f}, nil
}

func (f *reserveFile) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	f.end += int64(n)
	return n, err
}

func (f *reserveFile) Reserve(off int64, n int, dst [][]byte) ([][]byte, error) {
	if off != f.end {
		return dst, fmt.Errorf("reserve at %d, end %d", off, f.end)
	}
	f.off, f.pending = off, make([]byte, n)
	for p, cut := f.pending, 17; len(p) > 0; cut = cut*3 + 1 {
		k := min(cut, len(p))
		dst = append(dst, p[:k:k])
		p = p[k:]
	}
	return dst, nil
}

func (f *reserveFile) Extend(end int64) error {
	if end < f.off || end > f.off+int64(len(f.pending)) {
		return fmt.Errorf("extend to %d outside the reservation", end)
	}
	_, err := f.Write(f.pending[:end-f.off])
	f.pending = nil
	return err
}

// fill writes data into the views in order.
func fill(views [][]byte, data []byte) {
	for _, v := range views {
		data = data[copy(v, data):]
	}
}

func TestStreamReserve(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	opts := testOptions(reserveFS{vfs.NewMem()})
	opts.SegmentSize = 40 << 10
	l, _ := openLog(t, opts)
	s := l.NewStream()

	var recs []written
	for i := range 12 {
		data := randomBytes(rng, rng.IntN(9000))
		if i%3 == 2 { // appends and reservations mix
			loc, err := s.Append(data, NoCompress)
			require.NoError(t, err)
			recs = append(recs, written{loc, data})
			continue
		}
		r, err := s.Reserve(9000)
		require.NoError(t, err)
		require.NotNil(t, r, "the file system lends memory")
		_, err = s.Append([]byte("x"), 0)
		require.Error(t, err, "no append while a reservation is open")
		fill(r.Payload(), data)
		loc, err := r.Commit(len(data))
		require.NoError(t, err)
		require.Equal(t, uint32(len(data)), loc.RawSize)
		_, err = r.Commit(len(data))
		require.Error(t, err, "a reservation commits once")
		recs = append(recs, written{loc, data})
	}
	require.GreaterOrEqual(t, len(s.Segments()), 2, "reservations start new segments when full")

	// A cancelled reservation leaves nothing: the next record takes its place.
	r, err := s.Reserve(100)
	require.NoError(t, err)
	fill(r.Payload(), bytes.Repeat([]byte("garbage"), 20))
	r.Cancel()
	r.Cancel()
	_, err = r.Commit(10)
	require.Error(t, err, "a cancelled reservation does not commit")
	loc, err := s.Append([]byte("after the cancel"), 0)
	require.NoError(t, err)
	recs = append(recs, written{loc, []byte("after the cancel")})
	prev := recs[len(recs)-2].loc
	if prev.Segment == loc.Segment {
		require.Equal(t, prev.Offset+int64(prev.Size), loc.Offset)
	}

	// A reservation larger than what is used, and an empty record.
	r, err = s.Reserve(5000)
	require.NoError(t, err)
	fill(r.Payload(), []byte("short"))
	_, err = r.Commit(5001)
	require.Error(t, err, "more than reserved")
	r, err = s.Reserve(0)
	require.NoError(t, err)
	loc, err = r.Commit(0)
	require.NoError(t, err)
	recs = append(recs, written{loc, []byte{}})

	for _, w := range recs {
		got, err := l.Read(w.loc, nil)
		require.NoError(t, err)
		require.True(t, bytes.Equal(w.data, got), "record at %+v", w.loc)
	}
	// The segments scan record by record: every header is whole.
	n := 0
	for _, id := range s.Segments() {
		require.NoError(t, l.Iterate(id, func(Loc, []byte) error { n++; return nil }))
	}
	require.Equal(t, len(recs), n)
	require.NoError(t, s.Sync())
	require.NoError(t, s.Close())
	_, err = s.Reserve(10)
	require.ErrorIs(t, err, ErrClosed)
}

func TestStreamReserveUnsupported(t *testing.T) {
	l, _ := openLog(t, testOptions(vfs.NewMem()))
	s := l.NewStream()
	defer s.Close()
	r, err := s.Reserve(10)
	require.NoError(t, err)
	require.Nil(t, r, "pebble's memory file system lends no memory")
	loc, err := s.Append([]byte("still appends"), 0)
	require.NoError(t, err)
	got, err := l.Read(loc, nil)
	require.NoError(t, err)
	require.Equal(t, "still appends", string(got))
	_, err = s.Reserve(MaxPayloadSize + 1)
	require.ErrorIs(t, err, ErrTooLarge)
}

// TestStreamReserveCancelEmpty: a cancelled reservation that started a
// segment removes it again, so no empty file is left to reclaim.
func TestStreamReserveCancelEmpty(t *testing.T) {
	fs := reserveFS{vfs.NewMem()}
	opts := testOptions(fs)
	l, _ := openLog(t, opts)
	before, err := fs.List(opts.Dir)
	require.NoError(t, err)
	s := l.NewStream()
	r, err := s.Reserve(100)
	require.NoError(t, err)
	require.Len(t, s.Segments(), 1)
	r.Cancel()
	require.Empty(t, s.Segments())
	after, err := fs.List(opts.Dir)
	require.NoError(t, err)
	require.ElementsMatch(t, before, after)
	// The stream goes on in a new segment.
	loc, err := s.Append([]byte("next"), 0)
	require.NoError(t, err)
	got, err := l.Read(loc, nil)
	require.NoError(t, err)
	require.Equal(t, "next", string(got))
	require.NoError(t, s.Close())
}
