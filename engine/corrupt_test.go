package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/require"
)

// TestCorruption flips one byte of a blob-log segment and checks that Get
// fails with a corruption error instead of returning wrong bytes.
func TestCorruption(t *testing.T) {
	ctx := context.Background()
	for _, where := range []string{"payload", "header"} {
		t.Run(where, func(t *testing.T) {
			fs := vfs.NewMem()
			opts := testOptions()
			opts.FS = fs
			e, err := Open("/db", opts)
			require.NoError(t, err)
			defer e.Close()
			require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
			data := bytes.Repeat([]byte("0123456789abcdef"), e.opts.ChunkSize/16*3)
			put(t, e, "bkt", "k", data)

			f, err := fs.OpenReadWrite(largestBlobFile(t, fs, "/db/blobs"), vfs.WriteCategoryUnspecified)
			require.NoError(t, err)
			off := int64(e.opts.ChunkSize + 100) // inside the second record's payload
			if where == "header" {
				off = 2 // inside the first record's header
			}
			b := make([]byte, 1)
			_, err = f.ReadAt(b, off)
			require.NoError(t, err)
			b[0] ^= 0x40
			_, err = f.WriteAt(b, off)
			require.NoError(t, err)
			require.NoError(t, f.Close())

			o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
			require.NoError(t, err, "metadata is intact")
			got, err := io.ReadAll(o)
			require.ErrorIs(t, err, ErrCorrupt)
			require.ErrorIs(t, err, wal.ErrCorrupt)
			require.NoError(t, o.Close())
			// Whatever was returned before the error is a correct prefix.
			require.Equal(t, data[:len(got)], got)
		})
	}
}

// TestCorruptRecord checks that undecodable metadata records are reported as
// corruption, never a panic.
func TestCorruptRecord(t *testing.T) {
	rec := objectRecord{info: ObjectInfo{Size: 5, ETag: "x", LastModified: time.Unix(1e9, 5).UTC(), Tags: []Tag{{Key: "a", Value: "b"}}, Metadata: Metadata{User: map[string]string{"k": "v"}}}, inline: []byte("hello"), extents: []extent{{blob: 1, n: 3}}}
	enc := rec.encode()
	back, err := decodeObject(enc, true)
	require.NoError(t, err)
	require.Equal(t, rec, back)
	for i := range enc {
		_, err := decodeObject(enc[:i], true)
		if i == 0 {
			require.ErrorIs(t, err, ErrCorrupt)
		}
		flipped := bytes.Clone(enc)
		flipped[i] ^= 0xFF
		_, _ = decodeObject(flipped, true) // must not panic
	}
	_, err = decodeBlob([]byte{1, 2})
	require.ErrorIs(t, err, ErrCorrupt)
	_, err = decodeBucket([]byte{9})
	require.ErrorIs(t, err, ErrCorrupt)
}

// FuzzDecodeObject checks that no byte string makes the record decoder
// panic, and that valid records round-trip.
func FuzzDecodeObject(f *testing.F) {
	rec := objectRecord{info: ObjectInfo{Size: 5, ETag: "x", ACL: ACL{Canned: "private", Grants: []Grant{{ID: "a", Permission: "READ"}}}}, inline: []byte("hello")}
	f.Add(rec.encode())
	rec.info.Owner, rec.info.Dialect = "w", DialectS3
	f.Add(rec.encode())
	f.Add([]byte{1, 200, 1, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeObject(b, true)
		if err != nil {
			return
		}
		again, err := decodeObject(r.encode(), true)
		require.NoError(t, err)
		require.Equal(t, r.info.ETag, again.info.ETag)
		require.Equal(t, r.info.Size, again.info.Size)
		require.Equal(t, r.info.Owner, again.info.Owner)
		require.Equal(t, r.info.Dialect, again.info.Dialect)
	})
}

// TestRecoveryKeepsDataAfterCorruption flips one byte in the first of three
// objects in the newest blob segment and reopens: recovery must not take
// the flipped byte for a torn tail and cut off the objects after it.
func TestRecoveryKeepsDataAfterCorruption(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	opts := &Options{FS: fs, Clock: newFakeClock()}
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	size := e.opts.ChunkSize // one chunk each: they share the shared log's segment
	var objs [][]byte
	for i := range 3 {
		data := bytes.Repeat([]byte{byte('a' + i)}, size)
		put(t, e, "bkt", fmt.Sprint(i), data)
		objs = append(objs, data)
	}
	require.NoError(t, e.Close())

	names, err := fs.List("/db/blobs")
	require.NoError(t, err)
	require.Len(t, names, 1, "one segment holds all three objects")
	seg := fs.PathJoin("/db/blobs", names[0])
	f, err := fs.OpenReadWrite(seg, vfs.WriteCategoryUnspecified)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte{'!'}, 1000) // inside the first record's payload
	require.NoError(t, err)
	require.NoError(t, f.Close())
	before, err := fs.Stat(seg)
	require.NoError(t, err)

	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	require.Empty(t, e.Recovery().Truncations)
	require.Len(t, e.Recovery().Damaged, 1)
	after, err := fs.Stat(seg)
	require.NoError(t, err)
	require.Equal(t, before.Size(), after.Size(), "no byte of the segment was dropped")

	o, err := e.GetObject(ctx, "bkt", "0", GetOptions{})
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, o)
	require.ErrorIs(t, err, ErrCorrupt)
	require.NoError(t, o.Close())
	for i := 1; i < 3; i++ {
		got, _ := readAll(t, e, "bkt", fmt.Sprint(i), GetOptions{})
		require.True(t, bytes.Equal(objs[i], got), "object %d intact", i)
	}
}

// largestBlobFile returns the path of the biggest segment file in dir: the
// one holding the body of a multi-chunk object a test wrote (such a body has
// segments of its own).
func largestBlobFile(t *testing.T, fs vfs.FS, dir string) string {
	t.Helper()
	names, err := fs.List(dir)
	require.NoError(t, err)
	var best string
	var size int64 = -1
	for _, n := range names {
		fi, err := fs.Stat(fs.PathJoin(dir, n))
		require.NoError(t, err)
		if fi.Size() > size {
			best, size = fs.PathJoin(dir, n), fi.Size()
		}
	}
	require.Positive(t, size, "no segment holds data")
	return best
}
