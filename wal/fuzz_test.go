package wal

import (
	"errors"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// validSegment returns the bytes of a segment holding a few records of each
// compression kind.
func validSegment(t testing.TB) []byte {
	fs := vfs.NewMem()
	opts := testOptions(fs)
	l, _, err := Open(opts)
	require.NoError(t, err)
	for i, c := range []Compression{NoCompression, S2, Zstd} {
		l.opts.Compression = c
		_, err := l.Append([]byte("hello hello hello hello hello hello hello hello"), 0)
		require.NoError(t, err)
		_, err = l.Append(make([]byte, 100*i), 0)
		require.NoError(t, err)
	}
	_, err = l.Append(nil, 0)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	f, err := fs.Open(fs.PathJoin(opts.Dir, "000001.blob"))
	require.NoError(t, err)
	defer f.Close()
	fi, err := f.Stat()
	require.NoError(t, err)
	b := make([]byte, fi.Size())
	_, err = f.ReadAt(b, 0)
	require.NoError(t, err)
	return b
}

// FuzzRecover writes arbitrary bytes as a segment file and checks that Open
// recovers it to a log whose segments all iterate cleanly, and that reading
// arbitrary locations never panics.
func FuzzRecover(f *testing.F) {
	valid := validSegment(f)
	f.Add([]byte{}, []byte{})
	f.Add(valid, Loc{Segment: 1, Size: 79, RawSize: 47}.AppendTo(nil))
	f.Add(valid[:len(valid)-3], []byte{1})
	f.Add(append(append([]byte{}, valid...), make([]byte, 100)...), []byte{})
	f.Add(append(append([]byte{}, valid[:40]...), valid...), []byte{})
	f.Add(make([]byte, 4096), Loc{Segment: 1, Size: 32}.AppendTo(nil))
	f.Fuzz(func(t *testing.T, data, locBytes []byte) {
		fs := vfs.NewMem()
		opts := testOptions(fs)
		require.NoError(t, fs.MkdirAll(opts.Dir, 0o755))
		w, err := fs.Create(fs.PathJoin(opts.Dir, "000001.blob"), vfs.WriteCategoryUnspecified)
		require.NoError(t, err)
		_, err = w.Write(append([]byte(nil), data...))
		require.NoError(t, err)
		require.NoError(t, w.Close())

		l, report, err := Open(opts)
		require.NoError(t, err)
		defer l.Close()
		var kept int64
		for _, s := range l.Segments() {
			err := l.Iterate(s.ID, func(loc Loc, payload []byte) error {
				if len(payload) != int(loc.RawSize) {
					t.Fatalf("payload of %d bytes for %v", len(payload), loc)
				}
				return nil
			})
			require.NoError(t, err, "segment %d after recovery", s.ID)
			kept += s.Size
		}
		var dropped int64
		for _, tr := range report.Truncations {
			dropped += tr.DroppedBytes
		}
		require.Equal(t, int64(len(data)), kept+dropped)

		if loc, err := DecodeLoc(locBytes); err == nil {
			if _, err := l.Read(loc, nil); err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrSegmentNotFound) {
				t.Fatalf("Read(%v): unexpected error %v", loc, err)
			}
		}
	})
}
