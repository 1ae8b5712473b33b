package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

func blobDiskUsage(t testing.TB, fs vfs.FS, dir string) int64 {
	names, err := fs.List(dir)
	require.NoError(t, err)
	var total int64
	for _, n := range names {
		st, err := fs.Stat(fs.PathJoin(dir, n))
		require.NoError(t, err)
		total += st.Size()
	}
	return total
}

func TestCompactReclaimsEverything(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	opts := testOptions()
	opts.FS = fs
	opts.CompactInterval = -1 // the test compacts by hand and counts
	e, err := Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(1, 1))
	var keys []string
	for i := 0; i < 60; i++ {
		k := fmt.Sprintf("k%03d", i)
		put(t, e, "bkt", k, randBytes(rng, 1+rng.IntN(5*e.opts.ChunkSize)))
		keys = append(keys, k)
	}
	// A failed upload leaves orphan chunks behind.
	_, err = e.PutObject(ctx, "bkt", "bad", bytes.NewReader(randBytes(rng, 3*e.opts.ChunkSize)), -1, PutOptions{ContentMD5: make([]byte, 16)})
	require.ErrorIs(t, err, ErrBadDigest)
	before := blobDiskUsage(t, fs, "/db/blobs")
	require.Greater(t, before, int64(60*e.opts.ChunkSize))

	// One reader stays open across the compaction.
	o, err := e.GetObject(ctx, "bkt", "k000", GetOptions{})
	require.NoError(t, err)
	want, _ := readAll(t, e, "bkt", "k000", GetOptions{})

	_, err = e.DeleteObjects(ctx, "bkt", keys)
	require.NoError(t, err)
	require.NoError(t, e.log.Rotate())
	st, err := e.Compact(ctx, CompactOptions{})
	require.NoError(t, err)
	require.Positive(t, st.SegmentsPending, "the open reader holds segments")
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, want, got, "a reader opened before compaction still reads its bytes")
	require.NoError(t, o.Close())

	st, err = e.Compact(ctx, CompactOptions{})
	require.NoError(t, err)
	require.Zero(t, st.SegmentsPending)
	after := blobDiskUsage(t, fs, "/db/blobs")
	require.Less(t, after, int64(1<<20), "after deleting everything, %d bytes of blob log remain (from %d)", after, before)
	require.Zero(t, e.countPrefix(t, prefixSegment))
}

func TestCompactRewrites(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	opts := testOptions()
	opts.FS = fs
	opts.CompactInterval = -1 // the test compacts by hand and counts
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(2, 2))
	data := map[string][]byte{}
	for i := 0; i < 40; i++ {
		k := fmt.Sprintf("k%03d", i)
		// At most one chunk: such bodies share segments (larger ones get
		// segments of their own, which die whole).
		data[k] = randBytes(rng, e.opts.ChunkSize/2+rng.IntN(e.opts.ChunkSize/2))
		put(t, e, "bkt", k, data[k])
	}
	// A multipart object and a copy share blobs with what is deleted.
	id, parts, whole := uploadParts(t, e, "bkt", "mp", 3, 3*e.opts.ChunkSize)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "mp", id, parts, CompleteOptions{MinPartSize: 1})
	require.NoError(t, err)
	data["mp"] = whole
	_, err = e.CopyObject(ctx, "bkt", "k001", "bkt", "copy", CopyOptions{})
	require.NoError(t, err)
	data["copy"] = data["k001"]
	for i := 0; i < 40; i += 2 {
		k := fmt.Sprintf("k%03d", i)
		require.NoError(t, e.DeleteObject(ctx, "bkt", k, DeleteOptions{}))
		delete(data, k)
	}
	require.NoError(t, e.log.Rotate())
	before := blobDiskUsage(t, fs, "/db/blobs")
	st, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.9})
	require.NoError(t, err)
	require.Positive(t, st.SegmentsRewritten)
	require.Positive(t, st.BytesMoved)
	after := blobDiskUsage(t, fs, "/db/blobs")
	require.Less(t, after, before*3/4, "compaction shrank %d to %d", before, after)
	check := func(e *Engine) {
		for k, want := range data {
			got, _ := readAll(t, e, "bkt", k, GetOptions{})
			require.True(t, bytes.Equal(want, got), k)
		}
	}
	check(e)
	// And after a reopen.
	require.NoError(t, e.Close())
	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	check(e)
}

func BenchmarkCompact(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		fs := vfs.NewMem()
		e, err := Open("/db", &Options{FS: fs, SegmentSize: 8 << 20, CompactInterval: -1})
		require.NoError(b, err)
		require.NoError(b, e.CreateBucket(ctx, "bkt", BucketOptions{}))
		data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
		for i := 0; i < 64; i++ {
			_, err := e.PutObject(ctx, "bkt", fmt.Sprint(i), bytes.NewReader(data), int64(len(data)), PutOptions{})
			require.NoError(b, err)
		}
		for i := 0; i < 64; i += 4 {
			require.NoError(b, e.DeleteObject(ctx, "bkt", fmt.Sprint(i), DeleteOptions{}))
		}
		require.NoError(b, e.log.Rotate())
		b.StartTimer()
		st, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
		require.NoError(b, err)
		b.SetBytes(st.BytesMoved)
		b.StopTimer()
		require.NoError(b, e.Close())
		b.StartTimer()
	}
}

func TestCompactInBackground(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	opts := testOptions()
	opts.FS = fs
	opts.CompactInterval = time.Millisecond
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	for i := 0; i < 20; i++ {
		put(t, e, "bkt", "k", bytes.Repeat([]byte{byte(i)}, 3*e.opts.ChunkSize))
	}
	require.NoError(t, e.log.Rotate())
	require.Eventually(t, func() bool { return len(e.log.Segments()) <= 2 }, 5*time.Second, time.Millisecond)
	got, _ := readAll(t, e, "bkt", "k", GetOptions{})
	require.Equal(t, bytes.Repeat([]byte{19}, 3*e.opts.ChunkSize), got)
	require.NoError(t, e.Close())
}
