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

			// Reopening keeps the bad record and everything after it: the
			// caller references data up to the last record.
			require.NoError(t, l.Close())
			last := recs[len(recs)-1].loc
			ropts := opts
			ropts.Referenced = func(seg uint64) (int64, error) {
				require.Equal(t, victim.Segment, seg)
				return last.Offset + int64(last.Size), nil
			}
			l2, report := openLog(t, ropts)
			require.Empty(t, report.Truncations)
			require.Len(t, report.Damaged, 1)
			require.Equal(t, Damage{Segment: victim.Segment, Offset: victim.Offset, Reason: report.Damaged[0].Reason}, report.Damaged[0])
			require.NotEmpty(t, report.Damaged[0].Reason)
			_, err = l2.Read(victim, nil)
			require.ErrorIs(t, err, ErrCorrupt)
			for i, r := range recs {
				if i == 2 {
					continue
				}
				got, err := l2.Read(r.loc, nil)
				require.NoError(t, err, "record %d", i)
				require.True(t, bytes.Equal(r.data, got), "record %d", i)
			}
			names, err := fs.List(opts.Dir)
			require.NoError(t, err)
			require.ElementsMatch(t, []string{"000001.blob", "000002.blob"}, names)
		})
	}
}

// TestRecoverTornTailAfterReferenced checks that recovery still cuts off
// what the caller does not reference: bytes past the referenced end that fail
// verification are a torn tail, and so is everything when Referenced is
// unset.
func TestRecoverTornTailAfterReferenced(t *testing.T) {
	for _, tc := range []struct {
		name       string
		referenced func(recs []written) int64 // -1: Referenced unset
		keep       func(recs []written) int64
	}{
		{"unset", func([]written) int64 { return -1 }, func(recs []written) int64 { return recs[2].loc.Offset }},
		{"nothing referenced", func([]written) int64 { return 0 }, func(recs []written) int64 { return recs[2].loc.Offset }},
		{"before the bad record", func(recs []written) int64 { return recs[2].loc.Offset }, func(recs []written) int64 { return recs[2].loc.Offset }},
		{"into the bad record", func(recs []written) int64 { return recs[3].loc.Offset }, func(recs []written) int64 { return recs[3].loc.Offset }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewMem()
			opts := testOptions(fs)
			l, _ := openLog(t, opts)
			rng := rand.New(rand.NewPCG(9, 9))
			var recs []written
			for range 5 {
				data := randomBytes(rng, 3000)
				loc, err := l.Append(data, 0)
				require.NoError(t, err)
				recs = append(recs, written{loc, data})
			}
			require.NoError(t, l.Close())
			flipByte(t, fs, fs.PathJoin(opts.Dir, "000001.blob"), recs[2].loc.Offset+headerLen+7)

			if ref := tc.referenced(recs); ref >= 0 {
				opts.Referenced = func(uint64) (int64, error) { return ref, nil }
			}
			l2, report := openLog(t, opts)
			keep := tc.keep(recs)
			last := recs[len(recs)-1].loc
			require.Len(t, report.Truncations, 1)
			require.Equal(t, keep, report.Truncations[0].ValidSize)
			require.Equal(t, last.Offset+int64(last.Size)-keep, report.Truncations[0].DroppedBytes)
			require.Equal(t, keep > recs[2].loc.Offset, len(report.Damaged) == 1)
			for i := range 2 {
				got, err := l2.Read(recs[i].loc, nil)
				require.NoError(t, err)
				require.Equal(t, recs[i].data, got)
			}
			_, err := l2.Read(recs[2].loc, nil)
			require.ErrorIs(t, err, ErrCorrupt)
			_, err = l2.Read(recs[3].loc, nil)
			require.ErrorIs(t, err, ErrCorrupt, "cut off")
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
