package wal

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// flipByte inverts one byte of a file, writing through the FS.
func flipByte(t *testing.T, fs vfs.FS, path string, off int64) {
	t.Helper()
	f, err := fs.OpenReadWrite(path, vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }()
	var b [1]byte
	_, err = f.ReadAt(b[:], off)
	require.NoError(t, err)
	b[0] ^= 0xff
	_, err = f.WriteAt(b[:], off)
	require.NoError(t, err)
}

func TestCorruption(t *testing.T) {
	for _, tc := range []struct {
		name string
		comp Compression
		at   func(loc Loc) int64 // offset in the segment to flip
	}{
		{"payload", NoCompression, func(loc Loc) int64 { return loc.Offset + headerLen + int64(loc.Size-headerLen)/2 }},
		{"payload last byte", NoCompression, func(loc Loc) int64 { return loc.Offset + int64(loc.Size) - 1 }},
		{"compressed payload", S2, func(loc Loc) int64 { return loc.Offset + headerLen + 5 }},
		{"zstd payload", Zstd, func(loc Loc) int64 { return loc.Offset + headerLen + 10 }},
		{"magic", NoCompression, func(loc Loc) int64 { return loc.Offset }},
		{"compression kind", S2, func(loc Loc) int64 { return loc.Offset + 4 }},
		{"stored length", NoCompression, func(loc Loc) int64 { return loc.Offset + 8 }},
		{"raw length", S2, func(loc Loc) int64 { return loc.Offset + 13 }},
		{"segment id", NoCompression, func(loc Loc) int64 { return loc.Offset + 16 }},
		{"checksum", Zstd, func(loc Loc) int64 { return loc.Offset + 30 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewMem()
			opts := testOptions(fs)
			opts.Compression = tc.comp
			l, _ := openLog(t, opts)
			rng := rand.New(rand.NewPCG(7, 7))
			var recs []written
			for range 5 {
				data := textBytes(rng, 5000)
				loc, err := l.Append(data, 0)
				require.NoError(t, err)
				recs = append(recs, written{loc, data})
			}
			victim := recs[2].loc
			if tc.comp != NoCompression {
				require.Less(t, victim.Size-headerLen, victim.RawSize, "test needs a compressed record")
			}
			path := fs.PathJoin(opts.Dir, "000001.blob")
			flipByte(t, fs, path, tc.at(victim))

			got, err := l.Read(victim, nil)
			require.ErrorIs(t, err, ErrCorrupt)
			require.Nil(t, got)
			// The neighbours are intact.
			for _, i := range []int{1, 3} {
				got, err := l.Read(recs[i].loc, nil)
				require.NoError(t, err)
				require.True(t, bytes.Equal(recs[i].data, got))
			}
			n := 0
			err = l.Iterate(victim.Segment, func(loc Loc, payload []byte) error {
				require.True(t, bytes.Equal(recs[n].data, payload))
				n++
				return nil
			})
			require.ErrorIs(t, err, ErrCorrupt)
			require.Equal(t, 2, n, "Iterate must stop at the bad record")

			// Reopening cuts the last segment at the bad record.
			require.NoError(t, l.Close())
			l2, report := openLog(t, opts)
			require.Len(t, report.Truncations, 1)
			tr := report.Truncations[0]
			require.Equal(t, victim.Segment, tr.Segment)
			require.Equal(t, victim.Offset, tr.ValidSize)
			last := recs[len(recs)-1].loc
			require.Equal(t, last.Offset+int64(last.Size)-victim.Offset, tr.DroppedBytes)
			got, err = l2.Read(recs[1].loc, nil)
			require.NoError(t, err)
			require.Equal(t, recs[1].data, got)
			_, err = l2.Read(victim, nil)
			require.ErrorIs(t, err, ErrCorrupt)
			names, err := fs.List(opts.Dir)
			require.NoError(t, err)
			require.ElementsMatch(t, []string{"000001.blob", "000002.blob"}, names)
		})
	}
}

func TestReadBadLoc(t *testing.T) {
	opts := testOptions(vfs.NewMem())
	opts.Compression = S2
	l, _ := openLog(t, opts)
	rng := rand.New(rand.NewPCG(8, 8))
	a, err := l.Append(textBytes(rng, 10_000), 0)
	require.NoError(t, err)
	b, err := l.Append(randomBytes(rng, 10_000), 0)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		loc  Loc
	}{
		{"zero", Loc{Segment: a.Segment}},
		{"negative offset", Loc{Segment: a.Segment, Offset: -1, Size: a.Size, RawSize: a.RawSize}},
		{"huge size", Loc{Segment: a.Segment, Size: ^uint32(0), RawSize: a.RawSize}},
		{"huge raw size", Loc{Segment: a.Segment, Size: a.Size, RawSize: ^uint32(0)}},
		{"past end", Loc{Segment: b.Segment, Offset: b.Offset + 1, Size: b.Size, RawSize: b.RawSize}},
		{"wrong offset", Loc{Segment: a.Segment, Offset: a.Offset + 1, Size: a.Size, RawSize: a.RawSize}},
		{"wrong size", Loc{Segment: a.Segment, Offset: a.Offset, Size: a.Size - 1, RawSize: a.RawSize}},
		{"wrong raw size", Loc{Segment: a.Segment, Offset: a.Offset, Size: a.Size, RawSize: a.RawSize + 1}},
		{"other record's size", Loc{Segment: a.Segment, Offset: a.Offset, Size: b.Size, RawSize: b.RawSize}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.Read(tc.loc, nil)
			require.ErrorIs(t, err, ErrCorrupt)
			require.Nil(t, got)
		})
	}
	_, err = l.Read(Loc{Segment: 99, Size: headerLen}, nil)
	require.ErrorIs(t, err, ErrSegmentNotFound)
}
