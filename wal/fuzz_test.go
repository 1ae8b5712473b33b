package wal

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/klauspost/compress/zstd"
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
	// A checksum mismatch in the middle record, a header whose length
	// runs past the end, a header of another segment, a reserved byte set.
	mid := append([]byte(nil), valid...)
	mid[len(mid)/2] ^= 0x10
	f.Add(mid, Loc{Segment: 1, Offset: 79, Size: 32, RawSize: 0}.AppendTo(nil))
	var h [headerLen]byte
	putHeader(h[:], NoCompression, 1<<20, 1<<20)
	seal(h[:], 1, 0)
	f.Add(append(append([]byte(nil), valid...), h[:]...), Loc{Segment: 1, Offset: int64(len(valid)), Size: 1<<20 + headerLen, RawSize: 1 << 20}.AppendTo(nil))
	seal(h[:], 2, 0)
	f.Add(append(append([]byte(nil), valid...), h[:]...), []byte{})
	res := append([]byte(nil), valid...)
	res[6] = 1
	f.Add(res, Loc{Segment: 1, Size: 79, RawSize: 47}.AppendTo(nil))
	// A zstd record whose checksum is right but whose raw length lies,
	// in its header alone and in its frame too: recovery cuts it, Read
	// refuses it without making a buffer of the claimed 200 MiB.
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderCRC(false))
	require.NoError(f, err)
	frame := enc.EncodeAll(bytes.Repeat([]byte("forged "), 40000), nil)
	require.NoError(f, enc.Close())
	for _, forged := range [][]byte{forgeRecord(1, frame, 200<<20), forgeRecord(1, withContentSize(f, frame, 200<<20), 200<<20)} {
		loc := Loc{Segment: 1, Offset: int64(len(valid)), Size: uint32(len(forged)), RawSize: 200 << 20}
		f.Add(append(append([]byte(nil), valid...), forged...), loc.AppendTo(nil))
	}
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

// writtenLog is what FuzzRecoverWritten wrote: every record's Loc and
// payload, in order.
type writtenLog struct {
	recs []written
	last uint64 // the segment file Open will scan
}

// writeSpec appends the records spec describes through a real Log and
// closes it. spec is split at zero bytes into up to 12 records; a
// record's first byte picks its compression (low two bits: none, S2,
// zstd, or zstd with NoCompress), a rotation before it (bit 2), and how
// many times the rest repeats (high four bits), so that some records
// compress and some do not.
func writeSpec(t *testing.T, fs vfs.FS, opts Options, spec []byte) writtenLog {
	l, _, err := Open(opts)
	require.NoError(t, err)
	var w writtenLog
	for i, p := range bytes.SplitN(spec, []byte{0}, 12) {
		var ctl byte
		if len(p) > 0 {
			ctl, p = p[0], p[1:]
		}
		var flags AppendFlags
		switch ctl & 3 {
		case 0:
			l.opts.Compression = NoCompression
		case 1:
			l.opts.Compression = S2
		case 2:
			l.opts.Compression = Zstd
		case 3:
			l.opts.Compression, flags = Zstd, NoCompress
		}
		if ctl&4 != 0 && i > 0 {
			require.NoError(t, l.Rotate())
		}
		payload := bytes.Repeat(p, 1+int(ctl>>4))
		loc, err := l.Append(payload, flags)
		require.NoError(t, err)
		w.recs = append(w.recs, written{loc, payload})
	}
	w.last = l.ActiveSegment()
	require.NoError(t, l.Close())
	return w
}

// FuzzRecoverWritten writes records through the log, damages the last
// segment file the way a crash or a bad disk would (a cut, a flipped
// byte, garbage, a torn header whose length runs past the end, a torn
// record) and checks that recovery keeps exactly the records before the
// first damaged byte: Open's report accounts for every byte, Iterate
// yields exactly a prefix of what was written, Read returns each intact
// record's payload and ErrCorrupt for the others, and the log takes
// appends again. With Options.Referenced naming a record past the damage,
// the referenced bytes are kept and the damage reported instead.
func FuzzRecoverWritten(f *testing.F) {
	f.Add([]byte("\x01hello hello\x00\x12abc\x00\x00\x02zz"), uint8(0), uint32(0), byte(0), uint8(0), uint16(1000))
	f.Add([]byte("\x01hello hello\x00\x12abc\x00\x00\x02zz"), uint8(1), uint32(70), byte(0), uint8(0), uint16(1000))
	f.Add([]byte("\xf1hello hello\x00\x12abc\x00\x04x\x00\xf2zz"), uint8(2), uint32(100), byte(0x40), uint8(0), uint16(1000))
	f.Add([]byte("\xf1hello hello\x00\x12abc\x00\x04x\x00\xf2zz"), uint8(2), uint32(40), byte(1), uint8(5), uint16(1000))
	f.Add([]byte("\x00abc\x00\x03defdef"), uint8(3), uint32(17), byte(0x42), uint8(0), uint16(64))
	f.Add([]byte("\x00abc\x00\x03defdef"), uint8(4), uint32(1<<20), byte(0), uint8(0), uint16(0))
	f.Add([]byte("\x20abcdefgh\x00\xf3defdef\x00\x21q"), uint8(5), uint32(45), byte(0), uint8(3), uint16(100))
	f.Add([]byte("\x05a\x00\x04b"), uint8(4), uint32(9), byte(0), uint8(1), uint16(1000))
	// Damage in the second of four records, the third referenced: the
	// fourth is cut, the second reported.
	f.Add([]byte("\x10aaaa\x00\x10bbbb\x00\x10cccc\x00\x10dddd"), uint8(2), uint32(50), byte(1), uint8(5), uint16(1000))
	f.Fuzz(func(t *testing.T, spec []byte, mode uint8, at uint32, val byte, ref uint8, segSize uint16) {
		fs := vfs.NewMem()
		opts := testOptions(fs)
		opts.SegmentSize = 64 + int64(segSize)
		w := writeSpec(t, fs, opts, spec)

		path := fs.PathJoin(opts.Dir, fmt.Sprintf("%06d.blob", w.last))
		orig := readFile(t, fs, path)
		var last []written // the records of the scanned segment
		for _, r := range w.recs {
			if r.loc.Segment == w.last {
				last = append(last, r)
			}
		}
		data := append([]byte(nil), orig...)
		switch mode % 6 {
		case 1: // a cut
			data = data[:int(at%uint32(len(data)+1))]
		case 2: // a flipped byte
			if len(data) > 0 {
				data[at%uint32(len(data))] ^= val | 1
			}
		case 3: // garbage that never starts a record
			data = append(data, bytes.Repeat([]byte{val &^ 0x40}, int(at%100))...)
		case 4: // a torn header whose length runs past the end
			var h [headerLen]byte
			putHeader(h[:], NoCompression, int(at%MaxPayloadSize)|1, int(at%MaxPayloadSize)|1)
			seal(h[:], w.last, 0)
			data = append(data, h[:]...)
		case 5: // a torn record: a prefix of the last record written
			if r := w.recs[len(w.recs)-1]; true {
				rec := readFile(t, fs, fs.PathJoin(opts.Dir, fmt.Sprintf("%06d.blob", r.loc.Segment)))[r.loc.Offset : r.loc.Offset+int64(r.loc.Size)]
				data = append(data, rec[:int(at%r.loc.Size)]...)
			}
		}
		writeFile(t, fs, path, data)

		// The expected outcome: the first record not wholly intact is
		// where verification fails.
		size := int64(len(data))
		intact := func(r written) bool {
			end := r.loc.Offset + int64(r.loc.Size)
			return end <= size && bytes.Equal(data[r.loc.Offset:end], orig[r.loc.Offset:end])
		}
		bad := int64(len(orig))
		for _, r := range last {
			if !intact(r) {
				bad = r.loc.Offset
				break
			}
		}
		bad = min(bad, size)
		var refEnd int64
		if ref&1 != 0 && len(last) > 0 {
			r := last[int(ref>>1)%len(last)]
			refEnd = r.loc.Offset + int64(r.loc.Size)
			opts.Referenced = func(seg uint64) (int64, error) {
				if seg != w.last {
					t.Fatalf("Referenced(%d), want %d", seg, w.last)
				}
				return refEnd, nil
			}
		}
		keep := size
		damaged := false
		if bad < size {
			keep = bad
			if refEnd > bad {
				keep, damaged = min(refEnd, size), true
			}
		}

		l, report, err := Open(opts)
		require.NoError(t, err)
		defer l.Close()
		if damaged {
			require.Equal(t, []Damage{{Segment: w.last, Offset: bad, Reason: report.Damaged[0].Reason}}, report.Damaged)
		} else {
			require.Empty(t, report.Damaged)
		}
		if keep < size {
			require.Len(t, report.Truncations, 1)
			tr := report.Truncations[0]
			require.Equal(t, Truncation{Segment: w.last, ValidSize: keep, DroppedBytes: size - keep, Reason: tr.Reason}, tr)
		} else {
			require.Empty(t, report.Truncations)
		}

		// Every segment iterates to exactly a prefix of what was written
		// to it: all of it, but for the scanned one, whose records stop
		// at the damage.
		bySeg := map[uint64][]written{}
		for _, r := range w.recs {
			bySeg[r.loc.Segment] = append(bySeg[r.loc.Segment], r)
		}
		for _, s := range l.Segments() {
			if s.Active {
				require.Zero(t, s.Size)
				continue
			}
			want := bySeg[s.ID]
			n := 0
			err := l.Iterate(s.ID, func(loc Loc, payload []byte) error {
				require.Less(t, n, len(want), "segment %d: more records than written", s.ID)
				require.Equal(t, want[n].loc, loc)
				require.True(t, bytes.Equal(want[n].data, payload), "segment %d record %d", s.ID, n)
				n++
				return nil
			})
			if s.ID == w.last && bad < keep {
				require.ErrorIs(t, err, ErrCorrupt, "segment %d", s.ID)
			} else {
				require.NoError(t, err, "segment %d", s.ID)
			}
			if s.ID == w.last {
				require.Equal(t, keep, s.Size)
				for i, r := range want {
					if !intact(r) || r.loc.Offset >= keep {
						break
					}
					require.Greater(t, n, i, "intact record %v not iterated", r.loc)
				}
			} else {
				require.Equal(t, len(want), n, "segment %d", s.ID)
			}
		}
		for _, r := range w.recs {
			got, err := l.Read(r.loc, nil)
			if r.loc.Segment != w.last || intact(r) && r.loc.Offset+int64(r.loc.Size) <= keep {
				require.NoError(t, err, "%v", r.loc)
				require.True(t, bytes.Equal(r.data, got), "%v", r.loc)
			} else if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrSegmentNotFound) {
				t.Fatalf("Read(%v) of a dropped or damaged record: %v", r.loc, err)
			}
		}

		// The log takes appends again, in a segment of its own.
		loc, err := l.Append([]byte("after"), 0)
		require.NoError(t, err)
		require.GreaterOrEqual(t, loc.Segment, w.last)
		if loc.Segment == w.last {
			require.Zero(t, keep, "appended into a recovered segment")
		}
		got, err := l.Read(loc, nil)
		require.NoError(t, err)
		require.Equal(t, "after", string(got))
	})
}

func readFile(t *testing.T, fs vfs.FS, path string) []byte {
	f, err := fs.Open(path)
	require.NoError(t, err)
	defer f.Close()
	fi, err := f.Stat()
	require.NoError(t, err)
	b := make([]byte, fi.Size())
	_, err = f.ReadAt(b, 0)
	if len(b) > 0 {
		require.NoError(t, err)
	}
	return b
}

// writeFile replaces the file at path with data. It writes a copy: with
// pebble's invariants on (race builds), MemFS scrambles what it is given.
func writeFile(t *testing.T, fs vfs.FS, path string, data []byte) {
	w, err := fs.Create(path, vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	_, err = w.Write(append([]byte(nil), data...))
	require.NoError(t, err)
	require.NoError(t, w.Close())
}
