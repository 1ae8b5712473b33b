package engine

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// putMultipart stores data as a multipart object cut at the given sizes,
// so the object has one extent per part.
func putMultipart(t *testing.T, e *Engine, bucket, key string, data []byte, sizes ...int) {
	t.Helper()
	ctx := context.Background()
	id, err := e.CreateMultipartUpload(ctx, bucket, key, PutOptions{})
	require.NoError(t, err)
	var parts []CompletePart
	off := 0
	for i, n := range sizes {
		info, err := e.UploadPart(ctx, bucket, key, id, i+1, bytes.NewReader(data[off:off+n]), int64(n), PartOptions{})
		require.NoError(t, err)
		parts = append(parts, CompletePart{PartNumber: i + 1, ETag: info.ETag})
		off += n
	}
	require.Equal(t, len(data), off)
	_, err = e.CompleteMultipartUpload(ctx, bucket, key, id, parts, CompleteOptions{MinPartSize: -1})
	require.NoError(t, err)
}

// seekFixture stores three objects over 4 KiB chunks: "big" (several
// chunks, one extent), "multi" (several extents) and "small" (inline).
func seekFixture(t *testing.T) (*Engine, map[string][]byte) {
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(context.Background(), "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(1, 2))
	objs := map[string][]byte{
		"big":   randBytes(rng, 4<<10*3+1234),
		"multi": randBytes(rng, 3000+4<<10+5000+17),
		"small": randBytes(rng, 700),
	}
	put(t, e, "bkt", "big", objs["big"])
	putMultipart(t, e, "bkt", "multi", objs["multi"], 3000, 4<<10, 5000, 17)
	put(t, e, "bkt", "small", objs["small"])
	return e, objs
}

func TestObjectSeek(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	for key, data := range objs {
		t.Run(key, func(t *testing.T) {
			o, err := e.GetObject(ctx, "bkt", key, GetOptions{})
			require.NoError(t, err)
			defer o.Close()
			size, err := o.Seek(0, io.SeekEnd)
			require.NoError(t, err)
			require.Equal(t, int64(len(data)), size)
			rng := rand.New(rand.NewPCG(3, 4))
			offsets := []int64{0, 1, 4095, 4096, 4097, 2999, 3000, 8191, 8192, int64(len(data)) - 1}
			for range 40 {
				offsets = append(offsets, rng.Int64N(int64(len(data))))
			}
			for _, off := range offsets {
				if off >= int64(len(data)) {
					continue
				}
				pos, err := o.Seek(off, io.SeekStart)
				require.NoError(t, err)
				require.Equal(t, off, pos)
				n := min(int64(len(data))-off, 1+rng.Int64N(6000))
				got := make([]byte, n)
				_, err = io.ReadFull(o, got)
				require.NoError(t, err)
				require.Equal(t, data[off:off+n], got, "read at %d", off)
				cur, err := o.Seek(0, io.SeekCurrent)
				require.NoError(t, err)
				require.Equal(t, off+n, cur)
				// Forward within the chunk just read, then relative back.
				_, err = o.Seek(-n, io.SeekCurrent)
				require.NoError(t, err)
				var b [1]byte
				_, err = io.ReadFull(o, b[:])
				require.NoError(t, err)
				require.Equal(t, data[off], b[0])
			}
			// The rest after a seek streams through WriteTo too.
			_, err = o.Seek(-10, io.SeekEnd)
			require.NoError(t, err)
			var w bytes.Buffer
			_, err = io.Copy(&w, o)
			require.NoError(t, err)
			require.Equal(t, data[len(data)-10:], w.Bytes())

			_, err = o.Seek(int64(len(data))+5, io.SeekStart)
			require.NoError(t, err, "past the end is allowed")
			n, err := o.Read(make([]byte, 4))
			require.Equal(t, 0, n)
			require.ErrorIs(t, err, io.EOF)
			_, err = o.Seek(-1, io.SeekStart)
			require.ErrorIs(t, err, ErrInvalidArgument)
			_, err = o.Seek(0, 7)
			require.ErrorIs(t, err, ErrInvalidArgument)
			require.NoError(t, o.Close())
			_, err = o.Seek(0, io.SeekStart)
			require.ErrorIs(t, err, ErrClosed)
			_, err = o.ReadAt(make([]byte, 1), 0)
			require.ErrorIs(t, err, ErrClosed)
		})
	}
}

// TestObjectSeekRanged checks that Seek and ReadAt address the returned
// range, not the whole object.
func TestObjectSeekRanged(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	for key, data := range objs {
		t.Run(key, func(t *testing.T) {
			o, err := e.GetObject(ctx, "bkt", key, GetOptions{Range: &ByteRange{Start: 100, End: 650}})
			require.NoError(t, err)
			defer o.Close()
			want := data[100:651]
			end, err := o.Seek(0, io.SeekEnd)
			require.NoError(t, err)
			require.Equal(t, int64(len(want)), end)
			_, err = o.Seek(50, io.SeekStart)
			require.NoError(t, err)
			got, err := io.ReadAll(o)
			require.NoError(t, err)
			require.Equal(t, want[50:], got)

			p := make([]byte, 100)
			n, err := o.ReadAt(p, 500)
			require.ErrorIs(t, err, io.EOF)
			require.Equal(t, 51, n)
			require.Equal(t, want[500:], p[:n])
			n, err = o.ReadAt(p[:10], 0)
			require.NoError(t, err)
			require.Equal(t, want[:10], p[:n])
			_, err = o.ReadAt(p, int64(len(want)))
			require.ErrorIs(t, err, io.EOF)
		})
	}
}

func TestObjectReadAt(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	for key, data := range objs {
		t.Run(key, func(t *testing.T) {
			o, err := e.GetObject(ctx, "bkt", key, GetOptions{})
			require.NoError(t, err)
			defer o.Close()
			// Read a little first: ReadAt must not disturb the position.
			head := make([]byte, 10)
			_, err = io.ReadFull(o, head)
			require.NoError(t, err)

			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(g), 9))
					for range 50 {
						off := rng.Int64N(int64(len(data)))
						p := make([]byte, 1+rng.IntN(9000))
						n, err := o.ReadAt(p, off)
						want := data[off:min(int64(len(data)), off+int64(len(p)))]
						if len(want) < len(p) {
							if !assert.ErrorIs(t, err, io.EOF) {
								return
							}
						} else if !assert.NoError(t, err) {
							return
						}
						if !assert.Equal(t, want, p[:n], "ReadAt(%d, %d)", len(p), off) {
							return
						}
					}
				})
			}
			// Read and Seek run meanwhile, on their own position.
			rest, err := io.ReadAll(o)
			require.NoError(t, err)
			_, err = o.Seek(5, io.SeekStart)
			require.NoError(t, err)
			again, err := io.ReadAll(o)
			require.NoError(t, err)
			wg.Wait()
			require.Equal(t, data[10:], rest)
			require.Equal(t, data[5:], again)
			_, err = o.ReadAt(head, -1)
			require.ErrorIs(t, err, ErrInvalidArgument)
		})
	}
}

// TestObjectReadAtPinned checks that an open Object keeps its bytes
// readable by ReadAt after the object is deleted and the store compacted.
func TestObjectReadAtPinned(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	o, err := e.GetObject(ctx, "bkt", "big", GetOptions{})
	require.NoError(t, err)
	defer o.Close()
	for k := range objs {
		require.NoError(t, e.DeleteObject(ctx, "bkt", k, DeleteOptions{}))
	}
	// Enough new data to seal segments, then compact everything.
	filler := bytes.Repeat([]byte("f"), 40<<10)
	for i := range 4 {
		put(t, e, "bkt", fmt.Sprint("filler", i), filler)
	}
	_, err = e.Compact(ctx, CompactOptions{MinLiveRatio: 1})
	require.NoError(t, err)
	p := make([]byte, 5000)
	_, err = o.ReadAt(p, 4000)
	require.NoError(t, err)
	require.Equal(t, objs["big"][4000:9000], p)
}

func TestObjectServeContent(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	data := objs["multi"]
	serve := func(rangeHeader string) *http.Response {
		o, err := e.GetObject(ctx, "bkt", "multi", GetOptions{})
		require.NoError(t, err)
		defer o.Close()
		req := httptest.NewRequest("GET", "/multi", nil)
		if rangeHeader != "" {
			req.Header.Set("Range", rangeHeader)
		}
		rec := httptest.NewRecorder()
		http.ServeContent(rec, req, "multi.bin", o.Info.LastModified, o)
		return rec.Result()
	}

	res := serve("")
	require.Equal(t, http.StatusOK, res.StatusCode)
	body, _ := io.ReadAll(res.Body)
	require.Equal(t, data, body)

	for _, tc := range []struct {
		header   string
		from, to int
	}{
		{"bytes=4000-9000", 4000, 9000}, // across extents and chunks
		{"bytes=-100", len(data) - 100, len(data) - 1},
		{"bytes=7095-", 7095, len(data) - 1},
	} {
		res := serve(tc.header)
		require.Equal(t, http.StatusPartialContent, res.StatusCode, tc.header)
		body, _ := io.ReadAll(res.Body)
		require.Equal(t, data[tc.from:tc.to+1], body, tc.header)
		require.Equal(t, fmt.Sprintf("bytes %d-%d/%d", tc.from, tc.to, len(data)), res.Header.Get("Content-Range"))
	}

	res = serve("bytes=0-9,4090-4100,12000-")
	require.Equal(t, http.StatusPartialContent, res.StatusCode)
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	require.NoError(t, err)
	mr := multipart.NewReader(res.Body, params["boundary"])
	for _, r := range [][2]int{{0, 9}, {4090, 4100}, {12000, len(data) - 1}} {
		p, err := mr.NextPart()
		require.NoError(t, err)
		got, _ := io.ReadAll(p)
		require.Equal(t, data[r[0]:r[1]+1], got)
	}
	_, err = mr.NextPart()
	require.ErrorIs(t, err, io.EOF)

	res = serve(fmt.Sprintf("bytes=%d-", len(data)))
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.StatusCode)
}

func TestObjectZip(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(5, 6))
	files := map[string][]byte{
		"a.txt":       []byte(strings.Repeat("hello zip ", 2000)),
		"dir/b.bin":   randBytes(rng, 14000),
		"dir/c.empty": nil,
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"a.txt", "dir/b.bin", "dir/c.empty"} {
		method := zip.Deflate
		if name == "dir/b.bin" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: time.Unix(1e9, 0)})
		require.NoError(t, err)
		_, err = w.Write(files[name])
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.Greater(t, buf.Len(), 3*4<<10, "the archive spans several chunks")
	put(t, e, "bkt", "archive.zip", buf.Bytes())

	o, err := e.GetObject(ctx, "bkt", "archive.zip", GetOptions{})
	require.NoError(t, err)
	defer o.Close()
	size, err := o.Seek(0, io.SeekEnd)
	require.NoError(t, err)
	zr, err := zip.NewReader(o, size)
	require.NoError(t, err)
	require.Len(t, zr.File, 3)
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		require.Equal(t, len(files[f.Name]), len(got), f.Name)
		require.True(t, bytes.Equal(files[f.Name], got), f.Name)
	}
}

// TestObjectReadAtCorrupt checks that ReadAt verifies what it reads: a
// flipped byte in the second chunk fails reads that touch it with
// ErrCorrupt, while reads of the first chunk still succeed.
func TestObjectReadAtCorrupt(t *testing.T) {
	ctx := context.Background()
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
	b := make([]byte, 1)
	_, err = f.ReadAt(b, off)
	require.NoError(t, err)
	b[0] ^= 0x40
	_, err = f.WriteAt(b, off)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
	require.NoError(t, err)
	defer o.Close()
	p := make([]byte, 100)
	_, err = o.ReadAt(p, 10)
	require.NoError(t, err, "the first chunk is intact")
	require.Equal(t, data[10:110], p)
	p = make([]byte, 200)
	n, err := o.ReadAt(p, int64(e.opts.ChunkSize)-100)
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorIs(t, err, wal.ErrCorrupt)
	require.Equal(t, data[e.opts.ChunkSize-100:e.opts.ChunkSize-100+n], p[:n], "bytes before the error are correct")
	_, err = o.ReadAt(p, int64(e.opts.ChunkSize)*2)
	require.NoError(t, err, "the third chunk is intact")
	_, err = o.Seek(int64(e.opts.ChunkSize)+50, io.SeekStart)
	require.NoError(t, err)
	_, err = o.Read(p)
	require.ErrorIs(t, err, ErrCorrupt)
}

// TestReadWithoutSnapshot covers the reads openPinned serves from one
// record without a snapshot: the current version of an inline or empty
// object, and MetadataOnly opens of any object. Each must see the object
// as it was when opened, like a snapshot read.
func TestReadWithoutSnapshot(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	put(t, e, "bkt", "empty", nil)
	small, err := e.GetObject(ctx, "bkt", "small", GetOptions{})
	require.NoError(t, err)
	defer small.Close()
	require.Nil(t, small.snap, "an inline object is read without a snapshot")
	empty, err := e.GetObject(ctx, "bkt", "empty", GetOptions{})
	require.NoError(t, err)
	defer empty.Close()
	require.Nil(t, empty.snap)
	big, err := e.GetObject(ctx, "bkt", "big", GetOptions{})
	require.NoError(t, err)
	defer big.Close()
	require.NotNil(t, big.snap, "a body in the blob log is read on a snapshot")

	// Overwrite and delete everything, then read what was opened.
	put(t, e, "bkt", "small", []byte("new small"))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "big", DeleteOptions{}))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "empty", DeleteOptions{}))
	got, err := io.ReadAll(small)
	require.NoError(t, err)
	require.Equal(t, objs["small"], got)
	got, err = io.ReadAll(empty)
	require.NoError(t, err)
	require.Empty(t, got)
	got, err = io.ReadAll(big)
	require.NoError(t, err)
	require.Equal(t, objs["big"], got)
	require.NoError(t, small.Close())
	require.NoError(t, small.Close(), "Close twice")
}

func TestMetadataOnly(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	for _, k := range []string{"small", "big", "multi"} {
		full, err := e.HeadObject(ctx, "bkt", k)
		require.NoError(t, err)
		o, err := e.GetObject(ctx, "bkt", k, GetOptions{MetadataOnly: true, Range: &ByteRange{Start: 10, End: 99}})
		require.NoError(t, err, k)
		require.Nil(t, o.snap, k)
		require.Equal(t, full.ETag, o.Info.ETag, k)
		require.Equal(t, int64(len(objs[k])), o.Info.Size, k)
		require.Equal(t, int64(10), o.Offset, k)
		require.Equal(t, int64(90), o.Length, k)
		require.True(t, o.Ranged, k)
		_, err = o.Read(make([]byte, 10))
		require.ErrorIs(t, err, errNoBody, k)
		_, err = o.ReadAt(make([]byte, 10), 0)
		require.ErrorIs(t, err, errNoBody, k)
		_, err = o.WriteTo(io.Discard)
		require.ErrorIs(t, err, errNoBody, k)
		require.NoError(t, o.Close(), k)

		// Conditions are evaluated as for a read.
		_, err = e.GetObject(ctx, "bkt", k, GetOptions{MetadataOnly: true, Conditions: Conditions{IfNoneMatch: full.ETag}})
		require.ErrorIs(t, err, ErrNotModified, k)
	}
	_, err := e.GetObject(ctx, "bkt", "missing", GetOptions{MetadataOnly: true})
	require.ErrorIs(t, err, ErrNoSuchKey)
	_, err = e.GetObject(ctx, "nobucket", "small", GetOptions{MetadataOnly: true})
	require.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = e.GetObject(ctx, "bkt", "big", GetOptions{MetadataOnly: true, PartNumber: 2})
	require.Error(t, err, "a plain object has one part")
}

// TestOpenCurrentSeesCommits: the snapshot-free open of a body in the blob
// log gives way to a snapshot read while a commit is applying, and
// readers racing overwrites always get one whole version.
func TestOpenCurrentSeesCommits(t *testing.T) {
	e, objs := seekFixture(t)
	ctx := context.Background()
	e.commits.Add(1) // as if a commit were applying
	o, ok, err := e.openCurrent("bkt", "big", GetOptions{}, false)
	require.NoError(t, err)
	require.False(t, ok, "a blob body waits for the commit")
	require.Nil(t, o)
	o, ok, err = e.openCurrent("bkt", "small", GetOptions{}, false)
	require.NoError(t, err)
	require.True(t, ok, "an inline body is one record either way")
	require.NoError(t, o.Close())
	e.commits.Add(1)
	o, ok, err = e.openCurrent("bkt", "big", GetOptions{}, false)
	require.NoError(t, err)
	require.True(t, ok)
	require.NotNil(t, o.snap)
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, objs["big"], got)
	require.NoError(t, o.Close())

	// Writers overwrite a blob-sized object with uniform bodies; readers
	// must see one version whole, its ETag its MD5.
	const size = 3*4<<10 + 100
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := e.PutObject(ctx, "bkt", "race", bytes.NewReader(bytes.Repeat([]byte{byte(w*100 + i%100)}, size)), size, PutOptions{})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	put(t, e, "bkt", "race", bytes.Repeat([]byte{7}, size))
	for range 300 {
		o, err := e.GetObject(ctx, "bkt", "race", GetOptions{})
		require.NoError(t, err)
		body, err := io.ReadAll(o)
		require.NoError(t, err)
		require.NoError(t, o.Close())
		require.Len(t, body, size)
		require.Equal(t, bytes.Repeat(body[:1], size), body, "a read mixed versions")
		sum := md5.Sum(body)
		require.Equal(t, hex.EncodeToString(sum[:]), o.Info.ETag)
	}
	close(stop)
	wg.Wait()
}

func TestHasExtents(t *testing.T) {
	e, _ := seekFixture(t)
	for k, want := range map[string]bool{"big": true, "multi": true, "small": false} {
		v, closer, err := e.db.Get(objectKey("bkt", k))
		require.NoError(t, err)
		require.Equal(t, want, hasExtents(v), k)
		closer.Close()
	}
	require.True(t, hasExtents([]byte{recordVersion, 0x05}), "a broken record is left to the decoder")
	require.True(t, hasExtents(nil))
}

// replaceRecord decodes only what it needs of the record it replaces:
// exactly what a full decode gives for those fields.
func TestReplacedDecode(t *testing.T) {
	e, _ := seekFixture(t)
	put(t, e, "bkt", "empty", nil)
	for _, k := range []string{"big", "multi", "small", "empty"} {
		full, ok, err := getObjectParts(e.db, objectKey("bkt", k), true, false)
		require.NoError(t, err)
		require.True(t, ok)
		lean, ok, err := getObjectFields(e.db, objectKey("bkt", k), true, false, &briefDecode{skips: &replacedSkips})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, full.extents, lean.extents, k)
		require.Equal(t, full.inline == nil, lean.inline == nil, k)
		require.Equal(t, full.info.Size, lean.info.Size, k)
		require.Equal(t, full.info.SHA1, lean.info.SHA1, k)
		require.Empty(t, lean.info.ETag, "%s: the rest is left out", k)
	}
}

// TestInlineReadOutlivesFlush: an open small object keeps reading the
// body it was opened with through overwrites, memtable flushes and
// compactions (it holds its own copy: pinning pebble's value would pin
// its memtable for as long as a client stalls); ReadAt on a closed object
// is an error.
func TestInlineReadOutlivesFlush(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "inl", BucketOptions{}))
	old := bytes.Repeat([]byte("o"), 900) // under testOptions' InlineThreshold
	_, err := e.PutObject(ctx, "inl", "k", bytes.NewReader(old), int64(len(old)), PutOptions{})
	require.NoError(t, err)
	o, err := e.GetObject(ctx, "inl", "k", GetOptions{})
	require.NoError(t, err)
	for i := range 50 {
		b := bytes.Repeat([]byte{byte('a' + i%26)}, 900)
		_, err := e.PutObject(ctx, "inl", "k", bytes.NewReader(b), int64(len(b)), PutOptions{})
		require.NoError(t, err)
	}
	require.NoError(t, e.db.Flush())
	require.NoError(t, e.db.Compact(ctx, []byte{0}, []byte{0xff}, true))
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, old, got)
	require.NoError(t, o.Close())
	_, err = o.ReadAt(make([]byte, 10), 0)
	require.Error(t, err)
}
