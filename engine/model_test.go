package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
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
		"crashable-sync": func() *Options {
			o := testOptions()
			o.FS = vfs.NewCrashableMem()
			o.Sync = SyncAlways
			return o
		},
		"sse-crashable-sync": func() *Options {
			o := testOptions()
			o.FS = vfs.NewCrashableMem()
			o.Sync = SyncAlways
			o.Keys = testKMS(t)
			return o
		},
		"sse-zstd": func() *Options {
			o := testOptions()
			o.Compression = wal.Zstd
			o.Keys = testKMS(t)
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
	data        []byte
	etag        string
	appendable  bool
	contentType string
	tags        []Tag
	acl         string
}

// modelUpload is an upload in progress: its parts by number.
type modelUpload struct {
	bucket, key, contentType string
	parts                    map[int]modelPart
}

type modelPart struct {
	data []byte
	etag string
}

// TestModel runs random operation sequences against the engine and against
// a map, comparing every Get and every List page.
func TestModel(t *testing.T) {
	ops, seeds := 3000, uint64(2)
	if testing.Short() {
		ops, seeds = 500, 1
	}
	// Appends coalesce from two extents on, so that the model's few
	// appends to a key exercise it (see coalesce.go).
	lowCoalesce(t, 2)
	for name, cfg := range modelConfigs(t) {
		t.Run(name, func(t *testing.T) {
			for seed := uint64(1); seed <= seeds; seed++ {
				opts := cfg()
				dir, n := "/db", ops
				switch {
				case opts.FS == vfs.Default:
					dir, n = t.TempDir(), ops/4 // every write fsyncs
				case opts.FS == nil:
					opts.FS = vfs.NewCrashableMem() // kept across reopens
				}
				e, err := Open(dir, opts)
				require.NoError(t, err)
				// reopen closes the store and opens it again; with crash,
				// on a synced crashable filesystem, it crashes it instead,
				// keeping only what was synced.
				reopen := func(e *Engine, crash bool) *Engine {
					o := opts
					if mem, ok := o.FS.(*vfs.MemFS); ok && o.Sync == SyncAlways && crash {
						o.FS = mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
					}
					require.NoError(t, e.Close())
					opts = o
					e, err := Open(dir, o)
					require.NoError(t, err)
					return e
				}
				e = runModel(t, e, rand.New(rand.NewPCG(seed, 99)), n, reopen)
				require.NoError(t, e.Close())
			}
		})
	}
}

func runModel(t *testing.T, e *Engine, rng *rand.Rand, ops int, reopen func(e *Engine, crash bool) *Engine) *Engine {
	ctx := context.Background()
	buckets := []string{"b-one", "b-two"}
	model := map[string]map[string]modelObject{}
	uploads := map[string]*modelUpload{}
	for _, b := range buckets {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		model[b] = map[string]modelObject{}
	}
	keyPool := []string{"a", "a/b", "a/c/d", "a/c/e", "b", "b/", "b//", "c/x/y/z", "d", "é/ü", "k-1", "k-2", "k/1", "k/2", "z"}
	chunk := e.opts.ChunkSize
	sizes := []int{0, 1, 100, chunk - 1, chunk, chunk + 1, 2*chunk + 3, 5 * chunk}
	randKey := func() string { return keyPool[rng.IntN(len(keyPool))] }
	randBucket := func() string { return buckets[rng.IntN(len(buckets))] }
	randData := func() []byte { return randBytes(rng, sizes[rng.IntN(len(sizes))]) }
	keysOf := func(b string) []string {
		var ks []string
		for k := range model[b] {
			ks = append(ks, k)
		}
		return ks
	}
	randUpload := func() (string, *modelUpload) {
		if len(uploads) == 0 {
			return "", nil
		}
		ids := slices.Sorted(maps.Keys(uploads))
		id := ids[rng.IntN(len(ids))]
		return id, uploads[id]
	}
	// checkObject compares bucket/key with the model: body (ranged
	// sometimes), ETag, content type, tags and ACL.
	checkObject := func(b, k string, ranged bool) {
		m, ok := model[b][k]
		var r *ByteRange
		if ok && ranged && len(m.data) > 0 && rng.IntN(2) == 0 {
			s := rng.Int64N(int64(len(m.data)))
			r = &ByteRange{Start: s, End: s + rng.Int64N(int64(len(m.data))+1)}
		}
		o, err := e.GetObject(ctx, b, k, GetOptions{Range: r})
		if !ok {
			require.ErrorIs(t, err, ErrNoSuchKey, "get %s/%s", b, k)
			return
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
		require.Equal(t, m.contentType, o.Info.ContentType, "content type of %s/%s", b, k)
		require.Equal(t, m.tags, o.Info.Tags, "tags of %s/%s", b, k)
		require.Equal(t, m.acl, o.Info.ACL.Canned, "ACL of %s/%s", b, k)
	}
	// checkUploads compares the uploads of bucket b and their parts.
	checkUploads := func(b string) {
		want := map[string]bool{}
		for id, u := range uploads {
			if u.bucket == b {
				want[id] = true
			}
		}
		got := map[string]bool{}
		opts := ListUploadsOptions{MaxUploads: 1 + rng.IntN(3)}
		for {
			page, err := e.ListMultipartUploads(ctx, b, opts)
			require.NoError(t, err)
			for _, u := range page.Uploads {
				got[u.UploadID] = true
				require.Equal(t, uploads[u.UploadID].key, u.Key)
			}
			if !page.IsTruncated {
				break
			}
			opts.KeyMarker, opts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
		}
		require.Equal(t, want, got, "uploads of %s", b)
	}
	checkParts := func(id string, u *modelUpload) {
		var got []int
		opts := ListPartsOptions{MaxParts: 1 + rng.IntN(3)}
		for {
			lp, err := e.ListParts(ctx, u.bucket, u.key, id, opts)
			require.NoError(t, err)
			for _, p := range lp.Parts {
				got = append(got, p.PartNumber)
				require.Equal(t, u.parts[p.PartNumber].etag, p.ETag, "part %d", p.PartNumber)
				require.Equal(t, int64(len(u.parts[p.PartNumber].data)), p.Size, "part %d", p.PartNumber)
			}
			if !lp.IsTruncated {
				break
			}
			opts.PartNumberMarker = lp.NextPartNumberMarker
		}
		require.Equal(t, slices.Sorted(maps.Keys(u.parts)), got)
	}
	checkAll := func() {
		for _, b := range buckets {
			for _, k := range keyPool {
				checkObject(b, k, false)
			}
			checkUploads(b)
		}
		for id, u := range uploads {
			checkParts(id, u)
		}
		e.audit(t)
	}
	for i := 0; i < ops; i++ {
		b, k := randBucket(), randKey()
		switch op := rng.IntN(100); {
		case op < 20: // Put, sometimes conditional
			data := randData()
			size := int64(len(data))
			if rng.IntN(2) == 0 {
				size = -1
			}
			m, exists := model[b][k]
			po := PutOptions{Metadata: Metadata{ContentType: "text/x-" + k}, Tags: []Tag{{"put", fmt.Sprint(i)}}, Encryption: modelEncryption(e, rng)}
			var wantErr error
			switch rng.IntN(6) {
			case 0:
				po.IfNoneMatch = "*"
				if exists {
					wantErr = ErrPreconditionFailed
				}
			case 1:
				po.IfMatch = m.etag
				if !exists || rng.IntN(3) == 0 {
					po.IfMatch = "0123456789abcdef0123456789abcdef"
				}
				switch {
				case !exists:
					wantErr = ErrNoSuchKey
				case po.IfMatch != m.etag:
					wantErr = ErrPreconditionFailed
				}
			}
			info, err := e.PutObject(ctx, b, k, bytes.NewReader(data), size, po)
			if wantErr != nil {
				require.ErrorIs(t, err, wantErr, "put %s/%s %+v", b, k, po)
				continue
			}
			require.NoError(t, err)
			sum := md5.Sum(data)
			require.Equal(t, hex.EncodeToString(sum[:]), info.ETag)
			model[b][k] = modelObject{data: data, etag: info.ETag, contentType: po.ContentType, tags: po.Tags}
		case op < 27: // Copy
			sb, sk := randBucket(), randKey()
			_, err := e.CopyObject(ctx, sb, sk, b, k, CopyOptions{MetadataDirective: MetadataReplace, Metadata: Metadata{ContentType: "text/x-copy"}, Encryption: modelEncryption(e, rng)})
			src, ok := model[sb][sk]
			if !ok {
				require.ErrorIs(t, err, ErrNoSuchKey)
				continue
			}
			require.NoError(t, err)
			src.appendable = false
			src.contentType = "text/x-copy"
			src.acl = ""
			model[b][k] = src
		case op < 33: // Update tags, ACL or metadata in place
			u := ObjectUpdate{}
			m, ok := model[b][k]
			switch rng.IntN(3) {
			case 0:
				tags := []Tag{{"n", fmt.Sprint(i)}}
				u.Tags, m.tags = &tags, tags
			case 1:
				m.acl = []string{"private", "public-read", "authenticated-read"}[rng.IntN(3)]
				u.ACL = &ACL{Canned: m.acl}
			default:
				m.contentType = fmt.Sprintf("text/x-%d", i)
				u.Metadata = &Metadata{ContentType: m.contentType}
			}
			_, err := e.UpdateObject(ctx, b, k, u)
			if !ok {
				require.ErrorIs(t, err, ErrNoSuchKey)
				continue
			}
			require.NoError(t, err)
			model[b][k] = m
		case op < 38: // Delete
			require.NoError(t, e.DeleteObject(ctx, b, k, DeleteOptions{}))
			delete(model[b], k)
		case op < 40: // Rename within the bucket, sometimes conditional
			src := randKey()
			m, ok := model[b][src]
			_, exists := model[b][k]
			ro := RenameOptions{}
			if rng.IntN(3) == 0 {
				ro.Destination.IfNoneMatch = "*"
			}
			_, err := e.RenameObject(ctx, b, src, k, ro)
			switch {
			case strings.HasSuffix(src, "/") || strings.HasSuffix(k, "/"):
				require.ErrorIs(t, err, ErrInvalidArgument, "rename %s/%s to %s", b, src, k)
			case !ok:
				require.ErrorIs(t, err, ErrNoSuchKey, "rename %s/%s to %s", b, src, k)
			case exists && ro.Destination.IfNoneMatch == "*":
				require.ErrorIs(t, err, ErrPreconditionFailed, "rename %s/%s onto %s", b, src, k)
			default:
				require.NoError(t, err, "rename %s/%s to %s", b, src, k)
				delete(model[b], src)
				model[b][k] = m // the whole object: body, metadata, tags, ACL
			}
		case op < 43: // DeleteMany
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
		case op < 46: // Create an upload
			id, err := e.CreateMultipartUpload(ctx, b, k, PutOptions{Metadata: Metadata{ContentType: "text/x-mp"}, Encryption: modelEncryption(e, rng)})
			require.NoError(t, err)
			uploads[id] = &modelUpload{bucket: b, key: k, contentType: "text/x-mp", parts: map[int]modelPart{}}
		case op < 52: // Upload or re-upload a part
			id, u := randUpload()
			if u == nil {
				continue
			}
			n := 1 + rng.IntN(4)
			p := randData()
			info, err := e.UploadPart(ctx, u.bucket, u.key, id, n, bytes.NewReader(p), -1, PartOptions{})
			require.NoError(t, err)
			u.parts[n] = modelPart{data: p, etag: info.ETag}
		case op < 55: // Upload a part by copying a range of an object
			id, u := randUpload()
			if u == nil {
				continue
			}
			n := 1 + rng.IntN(4)
			sb, sk := randBucket(), randKey()
			src, ok := model[sb][sk]
			var r *ByteRange
			if ok && len(src.data) > 0 && rng.IntN(2) == 0 {
				s := rng.Int64N(int64(len(src.data)))
				r = &ByteRange{Start: s, End: s + rng.Int64N(int64(len(src.data))-s)}
			}
			info, err := e.UploadPartCopy(ctx, u.bucket, u.key, id, n, sb, sk, PartCopyOptions{Range: r})
			if !ok {
				require.ErrorIs(t, err, ErrNoSuchKey)
				continue
			}
			require.NoError(t, err)
			p := src.data
			if r != nil {
				p = p[r.Start : r.End+1]
			}
			require.Equal(t, hexMD5(p), info.ETag)
			u.parts[n] = modelPart{data: p, etag: info.ETag}
		case op < 60: // Complete (some of the parts) or abort
			id, u := randUpload()
			if u == nil {
				continue
			}
			checkParts(id, u)
			if rng.IntN(4) == 0 || len(u.parts) == 0 {
				require.NoError(t, e.AbortMultipartUpload(ctx, u.bucket, u.key, id))
				delete(uploads, id)
				continue
			}
			var parts []CompletePart
			var whole []byte
			for _, n := range slices.Sorted(maps.Keys(u.parts)) {
				if len(parts) > 0 && rng.IntN(4) == 0 {
					continue // unlisted parts are discarded
				}
				parts = append(parts, CompletePart{PartNumber: n, ETag: u.parts[n].etag})
				whole = append(whole, u.parts[n].data...)
			}
			info, err := e.CompleteMultipartUpload(ctx, u.bucket, u.key, id, parts, CompleteOptions{MinPartSize: -1})
			require.NoError(t, err)
			delete(uploads, id)
			model[u.bucket][u.key] = modelObject{data: whole, etag: info.ETag, contentType: u.contentType}
		case op < 62: // Extend (S3 Express append): any object grows at its size
			m, ok := model[b][k]
			piece := randData()
			off := int64(len(m.data))
			if rng.IntN(8) == 0 {
				off++ // a wrong offset
			}
			po := PutOptions{Metadata: Metadata{ContentType: "text/x-extend"}}
			if !ok {
				po.Encryption = modelEncryption(e, rng)
			}
			size := int64(len(piece)) // an empty body of unknown size is found empty only once read
			if size > 0 && rng.IntN(2) == 0 {
				size = -1
			}
			info, err := e.ExtendObject(ctx, b, k, off, bytes.NewReader(piece), size, po)
			var pos *PositionError
			switch {
			case len(piece) == 0:
				require.ErrorIs(t, err, ErrEmptyAppend, "extend %s/%s", b, k)
				continue
			case !ok && off != 0:
				require.ErrorIs(t, err, ErrNoSuchKey, "extend %s/%s at %d", b, k, off)
				continue
			case ok && off != int64(len(m.data)):
				require.ErrorAs(t, err, &pos, "extend %s/%s at %d", b, k, off)
				require.Equal(t, int64(len(m.data)), pos.Length)
				continue
			}
			require.NoError(t, err, "extend %s/%s", b, k)
			if !ok {
				m.contentType = "text/x-extend"
			}
			m.data, m.etag = append(bytes.Clone(m.data), piece...), info.ETag
			model[b][k] = m
		case op < 64: // Append
			m, ok := model[b][k]
			piece := randData()
			res, err := e.AppendObject(ctx, b, k, int64(len(m.data)), bytes.NewReader(piece), -1, PutOptions{Metadata: Metadata{ContentType: "text/x-append"}, Encryption: modelEncryption(e, rng)})
			if ok && !m.appendable {
				require.ErrorIs(t, err, ErrObjectNotAppendable)
				continue
			}
			require.NoError(t, err)
			if !ok {
				m.contentType = "text/x-append"
			}
			m.data, m.etag, m.appendable = append(bytes.Clone(m.data), piece...), res.Info.ETag, true
			model[b][k] = m
		case op < 66: // Compact, sometimes after sealing the active segment
			if rng.IntN(2) == 0 {
				require.NoError(t, e.log.Rotate())
			}
			_, err := e.Compact(ctx, CompactOptions{MinLiveRatio: []float64{0.3, 0.7, 0.99}[rng.IntN(3)]})
			require.NoError(t, err)
			e.audit(t)
		case op < 68: // Error paths: a missing bucket, upload or key
			missing := "0000000000000000" + hex.EncodeToString([]byte("nosuchup"))
			_, err := e.PutObject(ctx, "b-none", k, bytes.NewReader(nil), 0, PutOptions{})
			require.ErrorIs(t, err, ErrNoSuchBucket)
			_, err = e.GetObject(ctx, "b-none", k, GetOptions{})
			require.ErrorIs(t, err, ErrNoSuchBucket)
			_, err = e.CreateMultipartUpload(ctx, "b-none", k, PutOptions{})
			require.ErrorIs(t, err, ErrNoSuchBucket)
			_, err = e.UploadPart(ctx, b, k, missing, 1, bytes.NewReader(nil), 0, PartOptions{})
			require.ErrorIs(t, err, ErrNoSuchUpload)
			_, err = e.ListParts(ctx, b, k, missing, ListPartsOptions{})
			require.ErrorIs(t, err, ErrNoSuchUpload)
			_, err = e.CompleteMultipartUpload(ctx, b, k, missing, []CompletePart{{PartNumber: 1, ETag: "x"}}, CompleteOptions{})
			require.ErrorIs(t, err, ErrNoSuchUpload)
			require.ErrorIs(t, e.AbortMultipartUpload(ctx, b, k, missing), ErrNoSuchUpload)
			_, err = e.ListMultipartUploads(ctx, "b-none", ListUploadsOptions{})
			require.ErrorIs(t, err, ErrNoSuchBucket)
			if _, ok := model[b][k]; !ok {
				_, err = e.HeadObject(ctx, b, k)
				require.ErrorIs(t, err, ErrNoSuchKey)
				_, err = e.CopyObject(ctx, b, k, b, "copy", CopyOptions{})
				require.ErrorIs(t, err, ErrNoSuchKey)
			}
		case op < 70: // Reopen (or crash), then compare everything
			e = reopen(e, rng.IntN(2) == 0)
			checkAll()
		case op < 82: // Get, sometimes ranged
			checkObject(b, k, true)
		case op < 85:
			checkUploads(b)
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
			opts.MarkerInclusive = rng.IntN(3) == 0
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
				if opts.MarkerInclusive {
					opts.Marker = got.NextStart
				}
			}
		}
	}
	checkAll()
	// Drain: every blob and segment counter must be released.
	for id, u := range uploads {
		require.NoError(t, e.AbortMultipartUpload(ctx, u.bucket, u.key, id))
	}
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
	return e
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
