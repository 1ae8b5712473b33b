package memfs

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

func TestBlockAt(t *testing.T) {
	// Blocks double from minBlock, then stay at maxBlock: the first
	// full-size block is block number doublings.
	const doublings = 5
	require.Equal(t, maxBlock, minBlock<<doublings)
	const fixed = (1<<doublings - 1) * minBlock // where full-size blocks start
	for _, tc := range []struct {
		off   int64
		block int
		rel   int64
	}{
		{0, 0, 0},
		{minBlock - 1, 0, minBlock - 1},
		{minBlock, 1, 0},
		{3*minBlock - 1, 1, 2*minBlock - 1},
		{3 * minBlock, 2, 0},
		{fixed - 1, doublings - 1, minBlock<<(doublings-1) - 1},
		{fixed, doublings, 0},
		{fixed + maxBlock, doublings + 1, 0},
		{fixed + 3*maxBlock + 5, doublings + 3, 5},
	} {
		i, rel := blockAt(tc.off)
		require.Equal(t, tc.block, i, "offset %d", tc.off)
		require.Equal(t, tc.rel, rel, "offset %d", tc.off)
		require.Less(t, rel, int64(blockSize(i)))
	}
}

// TestMatchesMemFS writes the same random pieces to this FS and to pebble's
// vfs.NewMem and compares what reads return.
func TestMatchesMemFS(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := rand.NewChaCha8([32]byte{1})
	ours, ref := New(), vfs.NewMem()
	var files [2]vfs.File
	for i, fs := range []vfs.FS{ours, ref} {
		require.NoError(t, fs.MkdirAll("/a/b", 0o755))
		f, err := fs.Create("/a/b/f", vfs.WriteCategoryUnspecified)
		require.NoError(t, err)
		files[i] = f
	}
	var total int
	for total < 24<<20 { // past the growing blocks and into three full ones
		p := make([]byte, rng.IntN(3<<20))
		_, _ = fill.Read(p)
		for _, f := range files {
			n, err := f.Write(bytes.Clone(p))
			require.NoError(t, err)
			require.Equal(t, len(p), n)
		}
		total += len(p)
	}
	for range 50 {
		off := rng.Int64N(int64(total) + 10)
		a := make([]byte, rng.IntN(10<<20))
		b := make([]byte, len(a))
		na, erra := files[0].ReadAt(a, off)
		nb, errb := files[1].ReadAt(b, off)
		require.Equal(t, nb, na, "ReadAt(%d, %d)", len(a), off)
		require.Equal(t, errb == io.EOF, erra == io.EOF, "ReadAt(%d, %d): %v vs %v", len(a), off, erra, errb)
		require.True(t, bytes.Equal(a[:na], b[:nb]))
	}
	st, err := ours.Stat("/a/b/f")
	require.NoError(t, err)
	require.Equal(t, int64(total), st.Size())
	for _, f := range files {
		require.NoError(t, f.Close())
	}
}

func TestRemoveFrees(t *testing.T) {
	fs := New()
	require.NoError(t, fs.MkdirAll("/d", 0o755))
	f, err := fs.Create("/d/x", vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	data := bytes.Repeat([]byte("memfs!"), 3<<20)
	_, err = f.Write(data)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.GreaterOrEqual(t, fs.Allocated(), int64(len(data)))

	// An open handle keeps a removed file's bytes, as on Unix.
	r, err := fs.Open("/d/x")
	require.NoError(t, err)
	require.NoError(t, fs.Remove("/d/x"))
	_, err = fs.Stat("/d/x")
	require.ErrorIs(t, err, os.ErrNotExist)
	got := make([]byte, len(data))
	n, err := r.ReadAt(got, 0)
	require.NoError(t, err)
	require.Equal(t, len(data), n)
	require.Equal(t, data, got)
	require.Positive(t, fs.Allocated())
	require.NoError(t, r.Close())
	require.Zero(t, fs.Allocated())
	_, err = r.ReadAt(got, 0)
	require.Error(t, err)
}

func TestNamespace(t *testing.T) {
	fs := New()
	require.NoError(t, fs.MkdirAll("/s/blobs", 0o755))
	for _, name := range []string{"000002.blob", "000001.blob"} {
		f, err := fs.Create(fs.PathJoin("/s/blobs", name), vfs.WriteCategoryUnspecified)
		require.NoError(t, err)
		_, err = f.Write([]byte(name))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	names, err := fs.List("/s/blobs")
	require.NoError(t, err)
	require.Equal(t, []string{"000001.blob", "000002.blob"}, names)
	names, err = fs.List("/s")
	require.NoError(t, err)
	require.Equal(t, []string{"blobs"}, names)

	require.NoError(t, fs.Rename("/s/blobs/000002.blob", "/s/blobs/000001.blob"))
	f, err := fs.Open("/s/blobs/000001.blob")
	require.NoError(t, err)
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	require.Equal(t, "000002.blob", string(b))
	require.NoError(t, f.Close())

	_, err = fs.Create("/nodir/x", vfs.WriteCategoryUnspecified)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.Error(t, fs.Remove("/s/blobs"), "not empty")
	require.NoError(t, fs.RemoveAll("/s"))
	_, err = fs.List("/s")
	require.ErrorIs(t, err, os.ErrNotExist)
	require.Zero(t, fs.Allocated())

	l, err := fs.Lock("/LOCK")
	require.NoError(t, err)
	_, err = fs.Lock("/LOCK")
	require.Error(t, err)
	require.NoError(t, l.Close())
}

// TestSpareAndRelease: a removed file's blocks are kept (up to maxSpare
// bytes) and reused, with gaps reading as zeros; Release returns every block, files read
// as empty, and blocks freed afterwards are not kept.
func TestSpareAndRelease(t *testing.T) {
	fs := New()
	f, err := fs.Create("/a", vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	big := bytes.Repeat([]byte{0xAB}, 3*maxBlock)
	_, err = f.Write(big)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, fs.Remove("/a"))
	require.Positive(t, fs.Spare(), "full-size blocks are kept")
	require.LessOrEqual(t, fs.Spare(), int64(maxSpare))

	// A file written with a gap reads zeros there, though its blocks
	// were used before.
	g, err := fs.Create("/b", vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	_, err = g.WriteAt([]byte("end"), 2*maxBlock+100)
	require.NoError(t, err)
	got := make([]byte, 2*maxBlock+100)
	_, err = g.ReadAt(got, 0)
	require.NoError(t, err)
	require.Equal(t, make([]byte, len(got)), got, "a gap in reused blocks reads as zeros")
	// So does a gap that starts inside a block already written to.
	_, err = g.WriteAt([]byte("more"), 2*maxBlock+300)
	require.NoError(t, err)
	tail := make([]byte, 200)
	_, err = g.ReadAt(tail, 2*maxBlock+100)
	require.NoError(t, err)
	require.Equal(t, append([]byte("end"), make([]byte, 197)...), tail)

	fs.Release()
	require.Zero(t, fs.Spare())
	require.Zero(t, fs.Allocated())
	n, err := g.ReadAt(got[:10], 0)
	require.Zero(t, n)
	require.ErrorIs(t, err, io.EOF, "released files read as empty")
	require.NoError(t, g.Close())
	require.NoError(t, fs.Remove("/b"))
	require.Zero(t, fs.Spare(), "nothing is kept after Release")
}

// TestSpareBurst: while other files hold bytes, a burst of frees beyond
// maxSpare is kept (up to the bytes in files) for the writers that follow,
// and TrimSpare gives back everything beyond maxSpare.
func TestSpareBurst(t *testing.T) {
	fs := New()
	defer fs.Release()
	write := func(name string, n int) {
		f, err := fs.Create(name, vfs.WriteCategoryUnspecified)
		require.NoError(t, err)
		_, err = f.Write(make([]byte, n))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	const each = 16 << 20
	for i := range 16 {
		write(fmt.Sprint("/live", i), each)
	}
	for i := range 8 {
		write(fmt.Sprint("/burst", i), each)
	}
	held := fs.Allocated()
	for i := range 8 {
		require.NoError(t, fs.Remove(fmt.Sprint("/burst", i)))
	}
	require.Greater(t, fs.Spare(), int64(maxSpare), "a burst of frees is kept while files hold more")
	require.Equal(t, held, fs.Allocated()+fs.Spare(), "every freed block is kept")
	for i := range 8 { // the next writers take the spares
		write(fmt.Sprint("/again", i), each)
	}
	require.Less(t, fs.Spare(), int64(maxSpare))
	for i := range 8 {
		require.NoError(t, fs.Remove(fmt.Sprint("/again", i)))
	}
	fs.TrimSpare()
	require.LessOrEqual(t, fs.Spare(), int64(maxSpare))
}

// TestViews: a file's views are its bytes, cut at block boundaries,
// without copies, for any range inside the file, and nothing outside it.
func TestViews(t *testing.T) {
	fs := New()
	defer fs.Release()
	rng := rand.New(rand.NewPCG(9, 9))
	data := make([]byte, 3*maxBlock+12345)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	w, err := fs.Create("/f", vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	f, err := fs.Open("/f")
	require.NoError(t, err)
	defer f.Close()
	v := f.(interface {
		Views(off int64, n int, dst [][]byte) ([][]byte, bool)
	})
	for range 200 {
		off := rng.IntN(len(data))
		n := rng.IntN(len(data) - off + 1)
		views, ok := v.Views(int64(off), n, nil)
		require.True(t, ok)
		require.Equal(t, data[off:off+n], bytes.Join(views, nil))
		for _, p := range views {
			require.Equal(t, len(p), cap(p), "a view cannot be appended into its block")
			i, rel := blockAt(int64(off))
			require.Same(t, &f.(*file).n.blocks[i][rel], &p[0], "the file's memory, not a copy")
			off += len(p)
		}
	}
	_, ok := v.Views(int64(len(data)-10), 11, nil)
	require.False(t, ok, "past the end")
	_, ok = v.Views(-1, 1, nil)
	require.False(t, ok)
}

// TestReserveExtend fills a file in place, across block boundaries, and
// checks that readers see the bytes only once Extend publishes them.
func TestReserveExtend(t *testing.T) {
	fs := New()
	defer fs.Release()
	f, err := fs.Create("/f", vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	defer f.Close()
	rf := f.(*file)
	_, err = f.Write([]byte("head"))
	require.NoError(t, err)

	_, err = rf.Reserve(2, 10, nil)
	require.Error(t, err, "below the end")
	want := []byte("head")
	fill := rand.NewChaCha8([32]byte{2})
	for _, n := range []int{minBlock - 10, 3 * minBlock, 5 << 20, 0, 7} {
		off := int64(len(want))
		views, err := rf.Reserve(off, n, nil)
		require.NoError(t, err)
		got := 0
		for _, v := range views {
			got += len(v)
			_, _ = fill.Read(v)
			want = append(want, v...)
		}
		require.Equal(t, n, got)
		st, err := f.Stat()
		require.NoError(t, err)
		require.Equal(t, off, st.Size(), "reserved bytes are not visible yet")
		require.NoError(t, rf.Extend(off+int64(n)))
	}
	require.Error(t, rf.Extend(int64(len(want))-1), "below the end")
	require.Error(t, rf.Extend(int64(len(want))+64<<20), "past the reserved memory")
	// Write continues after the extended end.
	_, err = f.Write([]byte("tail"))
	require.NoError(t, err)
	want = append(want, "tail"...)
	got := make([]byte, len(want))
	_, err = f.ReadAt(got, 0)
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got))

	// A reservation past the end leaves a gap that reads as zeros.
	end := int64(len(want))
	views, err := rf.Reserve(end+5, 3, nil)
	require.NoError(t, err)
	copy(views[0], "abc")
	require.NoError(t, rf.Extend(end+8))
	tail := make([]byte, 8)
	_, err = f.ReadAt(tail, end)
	require.NoError(t, err)
	require.Equal(t, "\x00\x00\x00\x00\x00abc", string(tail))

	ro, err := fs.Open("/f")
	require.NoError(t, err)
	defer ro.Close()
	_, err = ro.(*file).Reserve(end+8, 1, nil)
	require.ErrorIs(t, err, os.ErrPermission)
}
