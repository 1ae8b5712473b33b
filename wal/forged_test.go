package wal

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/require"
	"github.com/zeebo/xxh3"
)

// forgeRecord returns a zstd record of segment seg holding stored and
// claiming raw bytes, with a checksum that matches: a record only its
// lengths give away.
func forgeRecord(seg uint64, stored []byte, raw int) []byte {
	rec := make([]byte, headerLen+len(stored))
	copy(rec[headerLen:], stored)
	putHeader(rec, Zstd, len(stored), raw)
	seal(rec, seg, xxh3.Hash(stored))
	return rec
}

// withContentSize returns the zstd frame frame with its header rewritten
// to declare fcs bytes (a single-segment frame, the size in 4 bytes),
// its blocks as they were.
func withContentSize(t testing.TB, frame []byte, fcs uint32) []byte {
	t.Helper()
	var h zstd.Header
	require.NoError(t, h.Decode(frame))
	require.False(t, h.HasCheckSum, "the log writes frames without checksums")
	out := append([]byte("\x28\xb5\x2f\xfd"), 0xa0) // magic; FCS in 4 bytes, single segment
	out = binary.LittleEndian.AppendUint32(out, fcs)
	return append(out, frame[h.HeaderSize:]...)
}

// allocated returns the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestForgedRawLength: a zstd record whose checksum is right but whose
// raw length lies (the record header alone, or its frame's content size
// too) is corrupt to Read and Iterate, which find it out before making a
// buffer of the claimed size: reading it allocates about what its
// payload really holds, not the 200 MiB it claims. Recovery finds it out
// too: it cuts the segment there, or keeps the referenced bytes and
// reports the record damaged.
func TestForgedRawLength(t *testing.T) {
	const claim = 200 << 20
	const size = 1 << 20 // a chunk: eight full zstd blocks
	rng := rand.New(rand.NewPCG(5, 5))
	data := textBytes(rng, size)
	short := data[:size-1000] // its last block not full

	// The real records: the forged one's neighbours, and the frames
	// the forgeries are made of.
	fs := vfs.NewMem()
	opts := testOptions(fs)
	opts.Compression = Zstd
	l, _ := openLog(t, opts)
	var locs []Loc
	for _, p := range [][]byte{[]byte("before before before before before before"), data, short, []byte("after after after after after after after")} {
		loc, err := l.Append(p, 0)
		require.NoError(t, err)
		locs = append(locs, loc)
	}
	require.NoError(t, l.Close())
	seg := readFile(t, fs, fs.PathJoin(opts.Dir, "000001.blob"))
	record := func(loc Loc) []byte { return seg[loc.Offset : loc.Offset+int64(loc.Size)] }
	require.Equal(t, Compression(Zstd), Compression(record(locs[1])[4]), "the chunk must be stored compressed")
	frame, shortFrame := record(locs[1])[headerLen:], record(locs[2])[headerLen:]

	for _, tc := range []struct {
		name   string
		forged []byte
		// bound is the most reading it may allocate.
		bound uint64
		// headers: the frame and block headers give the lie away, so
		// recovery finds it (it does not decode); a lie within the
		// last block only decoding finds.
		headers bool
	}{
		{"raw length in the header", forgeRecord(1, frame, claim), 1 << 20, true},
		{"and the frame's content size", forgeRecord(1, withContentSize(t, frame, claim), claim), 1 << 20, true},
		{"within the last block", forgeRecord(1, withContentSize(t, shortFrame, size), size), 3 << 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := record(locs[0]), record(locs[3])
			file := bytes.Join([][]byte{before, tc.forged, after}, nil)
			bad := Loc{Segment: 1, Offset: int64(len(before)), Size: uint32(len(tc.forged)), RawSize: binary.LittleEndian.Uint32(tc.forged[12:])}
			last := Loc{Segment: 1, Offset: bad.Offset + int64(bad.Size), Size: locs[3].Size, RawSize: locs[3].RawSize}

			open := func(referenced bool) (*Log, RecoveryReport) {
				fs := vfs.NewMem()
				opts := testOptions(fs)
				require.NoError(t, fs.MkdirAll(opts.Dir, 0o755))
				writeFile(t, fs, fs.PathJoin(opts.Dir, "000001.blob"), file)
				if referenced {
					opts.Referenced = func(uint64) (int64, error) { return int64(len(file)), nil }
				}
				return openLog(t, opts)
			}

			// Kept, as data the caller references, and reported.
			l, report := open(true)
			require.Empty(t, report.Truncations)
			if tc.headers {
				require.Len(t, report.Damaged, 1)
				require.Equal(t, bad.Offset, report.Damaged[0].Offset)
				require.Contains(t, report.Damaged[0].Reason, "zstd")
			} else {
				require.Empty(t, report.Damaged)
			}

			var got []byte
			var err error
			n := allocated(func() { got, err = l.Read(bad, nil) })
			require.ErrorIs(t, err, ErrCorrupt)
			require.Nil(t, got)
			require.Less(t, n, tc.bound, "Read allocated %d bytes for a record claiming %d", n, bad.RawSize)
			var seen int
			n = allocated(func() {
				err = l.Iterate(1, func(Loc, []byte) error { seen++; return nil })
			})
			require.ErrorIs(t, err, ErrCorrupt)
			require.Equal(t, 1, seen, "Iterate stops at the forged record")
			require.Less(t, n, tc.bound, "Iterate allocated %d bytes", n)
			for _, loc := range []Loc{locs[0], last} {
				_, err := l.Read(loc, nil)
				require.NoError(t, err, "%v", loc)
			}
			require.NoError(t, l.Close())

			// Cut, when nothing references it.
			if tc.headers {
				l, report = open(false)
				require.Len(t, report.Truncations, 1)
				require.Equal(t, bad.Offset, report.Truncations[0].ValidSize, report.Truncations[0].Reason)
				_, err = l.Read(bad, nil)
				require.ErrorIs(t, err, ErrCorrupt)
			}
		})
	}
}

// TestCheckLengthsAcceptsEncoded: every zstd record the log's own encoder
// writes passes checkLengths, whatever its size (across the 128 KiB block
// size and past a chunk) and compressibility: the check must never take a
// true record for a forged one, which recovery would cut.
func TestCheckLengthsAcceptsEncoded(t *testing.T) {
	var c codecs
	defer c.close()
	rng := rand.New(rand.NewPCG(7, 28))
	text := bytes.Repeat([]byte("osslite keeps every byte it is given. "), 1<<16)
	sizes := []int{1, 2, 100, 1 << 10, 128<<10 - 1, 128 << 10, 128<<10 + 1, 256 << 10, 1<<20 - 3, 1 << 20, 1<<20 + 7, 3 << 20}
	for range 20 {
		sizes = append(sizes, 1+rng.IntN(2<<20))
	}
	kept := 0
	for _, n := range sizes {
		for shape := range 4 {
			p := make([]byte, n)
			switch shape {
			case 0: // incompressible
				for i := range p {
					p[i] = byte(rng.Uint32())
				}
			case 1: // zeros
			case 2: // text
				copy(p, text)
			case 3: // half text, half noise
				copy(p, text[:n/2])
				for i := n / 2; i < n; i++ {
					p[i] = byte(rng.Uint32())
				}
			}
			bufp, _, _, err := c.encode(p, Zstd, 0, false)
			require.NoError(t, err)
			b := *bufp
			if Compression(b[4]) == Zstd {
				kept++
				hd := header{kind: Zstd, raw: uint32(n)}
				require.NoError(t, checkLengths(hd, b[headerLen:], 1, 0), "size %d shape %d", n, shape)
			}
			putBuf(bufp)
		}
	}
	require.Greater(t, kept, len(sizes), "most shapes compress")
}
