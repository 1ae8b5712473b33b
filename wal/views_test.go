package wal

import (
	"bytes"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// viewFS is a vfs.MemFS whose read handles expose their bytes as views
// (copies here, cut in pieces of piece bytes), as the engine's memfs does.
type viewFS struct {
	vfs.FS
	piece int
}

type viewFile struct {
	vfs.File
	piece int
}

func (fs viewFS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := fs.FS.Open(name, opts...)
	if err != nil {
		return nil, err
	}
	return viewFile{f, fs.piece}, nil
}

func (f viewFile) Views(off int64, n int, dst [][]byte) ([][]byte, bool) {
	for n > 0 {
		p := make([]byte, min(n, f.piece))
		if k, _ := f.ReadAt(p, off); k != len(p) {
			return dst, false
		}
		dst = append(dst, p)
		off += int64(len(p))
		n -= len(p)
	}
	return dst, true
}

// TestReadViews: ReadViews returns what Read returns for uncompressed
// records, refuses compressed ones and file systems without views
// (ErrNoView), and checks framing and checksums as Read does.
func TestReadViews(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	mem := vfs.NewMem()
	opts := testOptions(viewFS{FS: mem, piece: 1000})
	opts.Compression = S2
	l, _ := openLog(t, opts)
	var locs []Loc
	var datas [][]byte
	for _, n := range []int{0, 1, 999, 1000, 1001, 65536, 300_001} {
		data := randomBytes(rng, n)
		loc, err := l.Append(data, NoCompress)
		require.NoError(t, err)
		locs, datas = append(locs, loc), append(datas, data)
	}
	for i, loc := range locs {
		views, err := l.ReadViews(loc, nil)
		require.NoError(t, err)
		require.Equal(t, datas[i], bytes.Join(views, nil), "record %d", i)
		require.Len(t, views, (len(datas[i])+999)/1000)
	}

	// Appended to dst.
	views, err := l.ReadViews(locs[2], [][]byte{[]byte("x")})
	require.NoError(t, err)
	require.Equal(t, append([]byte("x"), datas[2]...), bytes.Join(views, nil))

	// A compressed record is Read's job.
	text := textBytes(rng, 100_000)
	cloc, err := l.Append(text, 0)
	require.NoError(t, err)
	require.Less(t, int(cloc.Size), len(text))
	_, err = l.ReadViews(cloc, nil)
	require.ErrorIs(t, err, ErrNoView)

	// A location that does not match the record, and a flipped byte.
	bad := locs[5]
	bad.RawSize++
	_, err = l.ReadViews(bad, nil)
	require.ErrorIs(t, err, ErrCorrupt)
	require.NoError(t, l.Rotate())
	f, err := mem.OpenReadWrite(l.segPath(locs[5].Segment), vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	var b [1]byte
	_, err = f.ReadAt(b[:], locs[5].Offset+headerLen+100)
	require.NoError(t, err)
	b[0] ^= 1
	_, err = f.WriteAt(b[:], locs[5].Offset+headerLen+100)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	_, err = l.ReadViews(locs[5], nil)
	require.ErrorIs(t, err, ErrCorrupt)
	_, err = l.Read(locs[5], nil)
	require.ErrorIs(t, err, ErrCorrupt, "Read agrees")

	// No views on a plain MemFS.
	plain, _ := openLog(t, testOptions(vfs.NewMem()))
	loc, err := plain.Append([]byte("abc"), NoCompress)
	require.NoError(t, err)
	_, err = plain.ReadViews(loc, nil)
	require.ErrorIs(t, err, ErrNoView)
}

// TestPayloadWrites: with Options.PayloadWrites an uncompressed payload
// is written from the caller's buffer after its header; the records are
// the same as with the copy (read back, after reopening too, and compared
// byte for byte with a log written without it), rotation counts their
// full size, and the caller's buffer is left as it was.
func TestPayloadWrites(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	sizes := []int{0, 1, 1000, 65536, 300_001, 200_000}
	var payloads [][]byte
	for i, n := range sizes {
		if i%2 == 0 {
			payloads = append(payloads, randomBytes(rng, n))
		} else {
			payloads = append(payloads, textBytes(rng, n))
		}
	}
	files := map[bool][]byte{}
	for _, direct := range []bool{false, true} {
		dir := t.TempDir()
		opts := Options{FS: vfs.Default, Dir: dir, Logger: discardLogger, Compression: S2, PayloadWrites: direct, SegmentSize: 512 << 10}
		l, _, err := Open(opts)
		require.NoError(t, err)
		var locs []Loc
		for i, p := range payloads {
			keep := bytes.Clone(p)
			flags := AppendFlags(0)
			if i%3 == 0 {
				flags = NoCompress
			}
			loc, err := l.Append(p, flags)
			require.NoError(t, err)
			require.Equal(t, keep, p, "payload modified")
			locs = append(locs, loc)
		}
		for _, s := range l.Segments() {
			require.LessOrEqual(t, s.Size, opts.SegmentSize, "segment %d: rotation must count the payload", s.ID)
		}
		require.NoError(t, l.Sync())
		require.NoError(t, l.Close())
		l, report, err := Open(opts)
		require.NoError(t, err)
		require.Empty(t, report.Truncations)
		require.Empty(t, report.Damaged)
		for i, loc := range locs {
			got, err := l.Read(loc, nil)
			require.NoError(t, err)
			require.True(t, bytes.Equal(payloads[i], got), "record %d (direct %v)", i, direct)
		}
		var all []byte
		for _, s := range l.Segments() {
			b, err := os.ReadFile(l.segPath(s.ID))
			require.NoError(t, err)
			all = append(all, b...)
		}
		files[direct] = all
		require.NoError(t, l.Close())
	}
	require.Equal(t, files[false], files[true], "the same bytes on disk either way")
}

// writeSpyFS records the first byte's address of every Write to its
// files.
type writeSpyFS struct {
	vfs.FS
	mu     sync.Mutex
	starts map[*byte]bool
}

type writeSpyFile struct {
	vfs.File
	fs *writeSpyFS
}

func (f writeSpyFile) Write(p []byte) (int, error) {
	if len(p) > 0 {
		f.fs.mu.Lock()
		f.fs.starts[&p[0]] = true
		f.fs.mu.Unlock()
	}
	return f.File.Write(p)
}

func (fs *writeSpyFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := fs.FS.Create(name, c)
	if err != nil {
		return nil, err
	}
	return writeSpyFile{f, fs}, nil
}

// TestPayloadWritesSkipTheCopy: the payload handed to the file is the
// caller's buffer with PayloadWrites, a copy without.
func TestPayloadWritesSkipTheCopy(t *testing.T) {
	for _, direct := range []bool{false, true} {
		fs := &writeSpyFS{FS: vfs.Default, starts: map[*byte]bool{}}
		l, _ := openLog(t, Options{FS: fs, Dir: t.TempDir(), Logger: discardLogger, PayloadWrites: direct})
		p := bytes.Repeat([]byte("p"), 100_000)
		_, err := l.Append(p, 0)
		require.NoError(t, err)
		require.Equal(t, direct, fs.starts[&p[0]], "direct %v", direct)
	}
}
