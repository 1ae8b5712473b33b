package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/require"
)

// metamorphic configurations: every model run must behave the same under
// each of them.
func modelConfigs(t *testing.T) map[string]func() *Options {
	return map[string]func() *Options{
		"memory": testOptions,
		"inline-large": func() *Options {
			o := testOptions()
			o.InlineThreshold = o.ChunkSize
			return o
		},
		"no-inline-s2": func() *Options {
			o := testOptions()
			o.InlineThreshold = -1
			o.Compression = wal.S2
			return o
		},
		"zstd-tiny-segments": func() *Options {
			o := testOptions()
			o.Compression = wal.Zstd
			o.SegmentSize = int64(o.ChunkSize)
			return o
		},
		"disk-sync": func() *Options {
			o := testOptions()
			o.FS = vfs.Default
			o.Sync = SyncAlways
			return o
		},
	}
}

type modelObject struct {
	data       []byte
	etag       string
	appendable bool
}

// TestModel runs random operation sequences against the engine and against
// a map, comparing every Get and every List page.
func TestModel(t *testing.T) {
	ops := 3000
	if testing.Short() {
		ops = 600
	}
	for name, cfg := range modelConfigs(t) {
		t.Run(name, func(t *testing.T) {
			for seed := uint64(1); seed <= 2; seed++ {
				opts := cfg()
				dir, n := "", ops
				if opts.FS == vfs.Default {
					dir, n = t.TempDir(), ops/4 // every write fsyncs
				}
				e, err := Open(dir, opts)
				require.NoError(t, err)
				runModel(t, e, rand.New(rand.NewPCG(seed, 99)), n)
				require.NoError(t, e.Close())
			}
		})
	}
}

func runModel(t *testing.T, e *Engine, rng *rand.Rand, ops int) {
	ctx := context.Background()
	buckets := []string{"b-one", "b-two"}
	model := map[string]map[string]modelObject{}
	for _, b := range buckets {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		model[b] = map[string]modelObject{}
	}
	keyPool := []string{"a", "a/b", "a/c/d", "a/c/e", "b", "b/", "b//", "c/x/y/z", "d", "é/ü", "k-1", "k-2", "k/1", "k/2", "z"}
	chunk := e.opts.ChunkSize
	sizes := []int{0, 1, 100, chunk - 1, chunk, chunk + 1, 2*chunk + 3, 5 * chunk}
	randKey := func() string { return keyPool[rng.IntN(len(keyPool))] }
	randBucket := func() string { return buckets[rng.IntN(len(buckets))] }
	keysOf := func(b string) []string {
		var ks []string
		for k := range model[b] {
			ks = append(ks, k)
		}
		return ks
	}
	for i := 0; i < ops; i++ {
		b, k := randBucket(), randKey()
		switch op := rng.IntN(100); {
		case op < 30: // Put
			data := randBytes(rng, sizes[rng.IntN(len(sizes))])
			size := int64(len(data))
			if rng.IntN(2) == 0 {
				size = -1
			}
			info, err := e.PutObject(ctx, b, k, bytes.NewReader(data), size, PutOptions{})
			require.NoError(t, err)
			sum := md5.Sum(data)
			require.Equal(t, hex.EncodeToString(sum[:]), info.ETag)
			model[b][k] = modelObject{data: data, etag: info.ETag}
		case op < 40: // Copy
			sb, sk := randBucket(), randKey()
			_, err := e.CopyObject(ctx, sb, sk, b, k, CopyOptions{MetadataDirective: MetadataReplace})
			src, ok := model[sb][sk]
			if !ok {
				require.ErrorIs(t, err, ErrNoSuchKey)
				continue
			}
			require.NoError(t, err)
			src.appendable = false
			model[b][k] = src
		case op < 50: // Delete
			require.NoError(t, e.DeleteObject(ctx, b, k))
			delete(model[b], k)
		case op < 55: // DeleteMany
			var ks []string
			for j := rng.IntN(5); j >= 0; j-- {
				ks = append(ks, randKey())
			}
			res, err := e.DeleteObjects(ctx, b, ks)
			require.NoError(t, err)
			require.Len(t, res, len(ks))
			for _, k := range ks {
				delete(model[b], k)
			}
		case op < 62: // Multipart: upload 1-3 parts, then complete or abort
			id, err := e.CreateMultipartUpload(ctx, b, k, PutOptions{})
			require.NoError(t, err)
			var parts []CompletePart
			var whole []byte
			for n := 1; n <= 1+rng.IntN(3); n++ {
				p := randBytes(rng, sizes[rng.IntN(len(sizes))])
				info, err := e.UploadPart(ctx, b, k, id, n, bytes.NewReader(p), -1, PartOptions{})
				require.NoError(t, err)
				parts = append(parts, CompletePart{PartNumber: n, ETag: info.ETag})
				whole = append(whole, p...)
			}
			if rng.IntN(4) == 0 {
				require.NoError(t, e.AbortMultipartUpload(ctx, b, k, id))
				continue
			}
			info, err := e.CompleteMultipartUpload(ctx, b, k, id, parts, CompleteOptions{MinPartSize: -1})
			require.NoError(t, err)
			model[b][k] = modelObject{data: whole, etag: info.ETag}
		case op < 66: // Append
			m, ok := model[b][k]
			piece := randBytes(rng, sizes[rng.IntN(len(sizes))])
			res, err := e.AppendObject(ctx, b, k, int64(len(m.data)), bytes.NewReader(piece), -1, PutOptions{})
			if ok && !m.appendable {
				require.ErrorIs(t, err, ErrObjectNotAppendable)
				continue
			}
			require.NoError(t, err)
			model[b][k] = modelObject{data: append(bytes.Clone(m.data), piece...), etag: res.Info.ETag, appendable: true}
		case op < 68: // Compact, sometimes after sealing the active segment
			if rng.IntN(2) == 0 {
				require.NoError(t, e.log.Rotate())
			}
			_, err := e.Compact(ctx, CompactOptions{MinLiveRatio: []float64{0.3, 0.7, 0.99}[rng.IntN(3)]})
			require.NoError(t, err)
		case op < 80: // Get, sometimes ranged
			m, ok := model[b][k]
			var r *ByteRange
			if ok && len(m.data) > 0 && rng.IntN(2) == 0 {
				s := rng.Int64N(int64(len(m.data)))
				r = &ByteRange{Start: s, End: s + rng.Int64N(int64(len(m.data))+1)}
			}
			o, err := e.GetObject(ctx, b, k, GetOptions{Range: r})
			if !ok {
				require.ErrorIs(t, err, ErrNoSuchKey)
				continue
			}
			require.NoError(t, err)
			got, err := io.ReadAll(o)
			require.NoError(t, err)
			require.NoError(t, o.Close())
			want := m.data
			if r != nil {
				want = want[r.Start:min(r.End+1, int64(len(want)))]
			}
			require.True(t, bytes.Equal(want, got), "get %s/%s", b, k)
			require.Equal(t, m.etag, o.Info.ETag)
		default: // List, paged to the end
			opts := ListOptions{MaxKeys: 1 + rng.IntN(4)}
			if rng.IntN(2) == 0 {
				opts.Delimiter = []string{"/", "//", "-", "c/"}[rng.IntN(4)]
			}
			if rng.IntN(3) == 0 {
				opts.Prefix = []string{"a", "a/", "b/", "k", "é"}[rng.IntN(5)]
			}
			if rng.IntN(4) == 0 {
				opts.Marker = randKey()
			}
			keys := keysOf(b)
			for page := 0; ; page++ {
				got, err := e.ListObjects(ctx, b, opts)
				require.NoError(t, err)
				require.Equal(t, modelList(keys, opts), listKeys(got), "list %s %+v", b, opts)
				for _, o := range got.Objects {
					require.Equal(t, model[b][o.Key].etag, o.ETag)
					require.Equal(t, int64(len(model[b][o.Key].data)), o.Size)
				}
				if !got.IsTruncated {
					break
				}
				require.Less(t, page, 100)
				opts.Marker = got.NextMarker
			}
		}
	}
	// Drain: every blob and segment counter must be released.
	for _, b := range buckets {
		ks := keysOf(b)
		slices.Sort(ks)
		_, err := e.DeleteObjects(ctx, b, ks)
		require.NoError(t, err)
		require.NoError(t, e.DeleteBucket(ctx, b, DeleteBucketOptions{}))
	}
	require.Zero(t, e.countBlobs(t), "leaked blob references")
	require.Zero(t, e.countPrefix(t, prefixSegment), "segment live counters not back to zero")
	require.NoError(t, e.log.Rotate())
	st, err := e.Compact(ctx, CompactOptions{})
	require.NoError(t, err)
	require.Zero(t, st.SegmentsPending)
	require.Len(t, e.log.Segments(), 1, "only the active segment is left")
}

func (e *Engine) countPrefix(t testing.TB, prefix string) int {
	it, err := e.db.NewIter(nil)
	require.NoError(t, err)
	defer it.Close()
	n := 0
	for ok := it.SeekGE([]byte(prefix)); ok && bytes.HasPrefix(it.Key(), []byte(prefix)); ok = it.Next() {
		n++
	}
	return n
}
