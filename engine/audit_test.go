package engine

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/require"
)

// audit scans every metadata key and checks the invariants the engine keeps
// between them: objects and uploads belong to existing buckets, parts to
// existing uploads; every extent lies inside an existing blob; each blob's
// reference count equals the extents naming it; each blob's chunks are all
// there, and its per-segment usage equals the bytes its chunk locators
// occupy; each segment's live counter equals the sum of that usage; every
// locator points into a segment the blob log still has and inside its size.
// No other write may run; the background loop's compactions are held off
// while the audit reads.
func (e *Engine) audit(t testing.TB) {
	t.Helper()
	require.NoError(t, e.auditErr())
}

func (e *Engine) auditErr() error {
	e.gc.run.Lock()
	defer e.gc.run.Unlock()
	it, err := e.db.NewIter(nil)
	if err != nil {
		return err
	}
	defer it.Close()
	buckets := map[string]bool{}
	uploads := map[string]bool{}
	refs := map[uint64]int64{}
	type extentUse struct {
		where string
		x     extent
	}
	var uses []extentUse
	blobs := map[uint64]blobRecord{}
	chunks := map[uint64][]wal.Loc{}
	counters := map[uint64]int64{}
	var partOwners []string // upload IDs named by part records
	current := map[string]stamp{}
	lastVersion := map[string]stamp{}
	checkBody := func(where string, rec objectRecord) error {
		if rec.inline != nil {
			if len(rec.extents) > 0 {
				return fmt.Errorf("%s: inline body and extents", where)
			}
			sealed := int64(0)
			if rec.info.Encryption != nil {
				sealed = gcmOverhead
			}
			if int64(len(rec.inline)) != rec.info.Size+sealed {
				return fmt.Errorf("%s: inline body %d bytes, size %d", where, len(rec.inline), rec.info.Size)
			}
			return nil
		}
		var n int64
		for _, x := range rec.extents {
			refs[x.blob]++
			n += x.n
			uses = append(uses, extentUse{where, x})
		}
		if n != rec.info.Size && rec.info.Type != ObjectSymlink {
			return fmt.Errorf("%s: extents hold %d bytes, size %d", where, n, rec.info.Size)
		}
		return nil
	}
	for ok := it.First(); ok; ok = it.Next() {
		k := bytes.Clone(it.Key())
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		v = bytes.Clone(v)
		switch {
		case bytes.HasPrefix(k, []byte(prefixBucket)):
			buckets[string(k[len(prefixBucket):])] = true
		case bytes.HasPrefix(k, []byte(prefixObject)):
			name := k[len(prefixObject):]
			i := bytes.IndexByte(name, 0)
			if i < 0 {
				return fmt.Errorf("object key %q without separator", k)
			}
			if !buckets[string(name[:i])] {
				return fmt.Errorf("object %q in a missing bucket", k)
			}
			rec, err := decodeObject(v, true)
			if err != nil {
				return fmt.Errorf("object %q: %w", k, err)
			}
			if err := checkBody(fmt.Sprintf("object %q", name), rec); err != nil {
				return err
			}
			if rec.info.DeleteMarker {
				return fmt.Errorf("object %q is a delete marker", k)
			}
			current[string(name)] = rec.versionStamp()
		case bytes.HasPrefix(k, []byte(prefixVersion)):
			// Versions: bucket exists, newest first, older than the current
			// object; without one, the newest is a delete marker.
			name := k[len(prefixVersion):]
			i := bytes.IndexByte(name, 0)
			if i < 0 || !buckets[string(name[:i])] {
				return fmt.Errorf("version %q malformed or in a missing bucket", k)
			}
			key, st, ok := splitVersionKey(versionPrefix(string(name[:i])), k)
			if !ok {
				return fmt.Errorf("version key %q malformed", k)
			}
			rec, err := decodeObject(v, true)
			if err != nil {
				return fmt.Errorf("version %q: %w", k, err)
			}
			if rec.info.VersionID != "" && rec.info.VersionID != st.id() {
				return fmt.Errorf("version %q holds ID %s", k, rec.info.VersionID)
			}
			if err := checkBody(fmt.Sprintf("version %q", name), rec); err != nil {
				return err
			}
			full := string(name[:i]) + "\x00" + key
			if cur, ok := current[full]; ok && !st.less(cur) {
				return fmt.Errorf("version %q is not older than the current object", k)
			}
			if prev, ok := lastVersion[full]; ok {
				if !st.less(prev) {
					return fmt.Errorf("version %q out of order", k)
				}
			} else if _, ok := current[full]; !ok && !rec.info.DeleteMarker {
				return fmt.Errorf("version %q is the latest but neither current nor a delete marker", k)
			}
			lastVersion[full] = st
		case bytes.HasPrefix(k, []byte(prefixUpload)):
			name := k[len(prefixUpload):]
			i := bytes.IndexByte(name, 0)
			if i < 0 || len(name) < uploadIDLen+1 {
				return fmt.Errorf("upload key %q malformed", k)
			}
			if !buckets[string(name[:i])] {
				return fmt.Errorf("upload %q in a missing bucket", k)
			}
			uploads[string(name[len(name)-uploadIDLen:])] = true
			if _, err := decodeObject(v, false); err != nil {
				return fmt.Errorf("upload %q: %w", k, err)
			}
		case bytes.HasPrefix(k, []byte(prefixPart)):
			name := k[len(prefixPart):]
			if len(name) != uploadIDLen+1+4 {
				return fmt.Errorf("part key %q malformed", k)
			}
			partOwners = append(partOwners, string(name[:uploadIDLen]))
			rec, err := decodeObject(v, true)
			if err != nil {
				return fmt.Errorf("part %q: %w", k, err)
			}
			if err := checkBody(fmt.Sprintf("part %q", name), rec); err != nil {
				return err
			}
		case bytes.HasPrefix(k, []byte(prefixBlob)):
			if len(k) != len(prefixBlob)+8 {
				return fmt.Errorf("blob key %x malformed", k)
			}
			rec, err := decodeBlob(v)
			if err != nil {
				return fmt.Errorf("blob %x: %w", k, err)
			}
			blobs[binary.BigEndian.Uint64(k[len(prefixBlob):])] = rec
		case bytes.HasPrefix(k, []byte(prefixChunk)):
			if len(k) != len(prefixChunk)+12 {
				return fmt.Errorf("chunk key %x malformed", k)
			}
			id := binary.BigEndian.Uint64(k[len(prefixChunk):])
			idx := binary.BigEndian.Uint32(k[len(prefixChunk)+8:])
			if int(idx) != len(chunks[id]) {
				return fmt.Errorf("blob %d: chunk %d follows %d chunks", id, idx, len(chunks[id]))
			}
			loc, err := decodeLoc(v)
			if err != nil {
				return err
			}
			chunks[id] = append(chunks[id], loc)
		case bytes.HasPrefix(k, []byte(prefixSegment)):
			if len(k) != len(prefixSegment)+8 {
				return fmt.Errorf("segment key %x malformed", k)
			}
			n, _ := binary.Varint(v)
			if n <= 0 {
				return fmt.Errorf("segment %x: live counter %d kept", k, n)
			}
			counters[binary.BigEndian.Uint64(k[len(prefixSegment):])] = n
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	for _, id := range partOwners {
		if !uploads[id] {
			return fmt.Errorf("part of upload %s, which does not exist", id)
		}
	}
	for _, u := range uses {
		b, ok := blobs[u.x.blob]
		if !ok {
			return fmt.Errorf("%s references missing blob %d", u.where, u.x.blob)
		}
		if u.x.off < 0 || u.x.n < 0 || u.x.off+u.x.n > b.size {
			return fmt.Errorf("%s: extent %+v outside blob %d of %d bytes", u.where, u.x, u.x.blob, b.size)
		}
	}
	segSize := map[uint64]int64{}
	for _, s := range e.log.Segments() {
		segSize[s.ID] = s.Size
	}
	want := map[uint64]int64{}
	for id, b := range blobs {
		if b.refs != refs[id] {
			return fmt.Errorf("blob %d: refcount %d, %d extents reference it", id, b.refs, refs[id])
		}
		locs := chunks[id]
		if n := (b.size + b.chunkSize - 1) / b.chunkSize; int64(len(locs)) != n && !(b.size == 0 && len(locs) <= 1) {
			return fmt.Errorf("blob %d of %d bytes: %d chunks, want %d", id, b.size, len(locs), n)
		}
		use := map[uint64]int64{}
		var raw int64
		for _, l := range locs {
			use[l.Segment] += int64(l.Size)
			raw += int64(l.RawSize)
			size, ok := segSize[l.Segment]
			if !ok {
				return fmt.Errorf("blob %d: chunk in segment %d, which is gone", id, l.Segment)
			}
			if l.Offset+int64(l.Size) > size {
				return fmt.Errorf("blob %d: chunk %v beyond segment size %d", id, l, size)
			}
		}
		// A sealed chunk carries a GCM tag.
		if raw != b.size && raw != b.size+gcmOverhead*int64(len(locs)) {
			return fmt.Errorf("blob %d: chunks hold %d bytes, size %d", id, raw, b.size)
		}
		recorded := map[uint64]int64{}
		for _, s := range b.segs {
			if s.bytes != 0 {
				recorded[s.seg] += s.bytes
			}
			want[s.seg] += s.bytes
		}
		for s, n := range use {
			if recorded[s] != n {
				return fmt.Errorf("blob %d: records %d bytes in segment %d, chunks occupy %d (%v)", id, recorded[s], s, n, b.segs)
			}
		}
		for s, n := range recorded {
			if use[s] != n {
				return fmt.Errorf("blob %d: records %d bytes in segment %d, chunks occupy %d (%v)", id, n, s, use[s], b.segs)
			}
		}
	}
	for id := range refs {
		if _, ok := blobs[id]; !ok {
			return fmt.Errorf("blob %d referenced but missing", id)
		}
	}
	for id := range chunks {
		if _, ok := blobs[id]; !ok {
			return fmt.Errorf("chunks of blob %d, which does not exist", id)
		}
	}
	for s, n := range want {
		if n != 0 && counters[s] != n {
			return fmt.Errorf("segment %d: live counter %d, blobs occupy %d", s, counters[s], n)
		}
	}
	for s, n := range counters {
		if want[s] != n {
			return fmt.Errorf("segment %d: live counter %d, blobs occupy %d", s, n, want[s])
		}
	}
	return e.auditUsage(buckets)
}

// auditUsage checks every bucket's usage record against a count of its
// records, and that no usage record outlives its bucket.
func (e *Engine) auditUsage(buckets map[string]bool) error {
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, ok, err := get(snap, usageReadyKey); err != nil || !ok {
		return fmt.Errorf("the store is not marked as counted (%v)", err)
	}
	for b := range buckets {
		want, err := countBucket(snap, b)
		if err != nil {
			return err
		}
		got, err := readUsage(snap, b)
		if err != nil {
			return err
		}
		if !bytes.Equal(want.encode(), got.encode()) {
			return fmt.Errorf("bucket %s: usage record %+v, its records count %+v", b, got, want)
		}
		if err := auditNullIndex(snap, b); err != nil {
			return err
		}
	}
	if err := auditNullIndexBuckets(snap, buckets); err != nil {
		return err
	}
	p := []byte(prefixUsage)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if b := string(it.Key()[len(p):]); b != "" && !buckets[b] {
			return fmt.Errorf("usage record of bucket %s, which does not exist", b)
		}
	}
	return it.Error()
}

// auditNullIndex checks bucket's null version index (Z/) against its V/
// records: one entry for each null version there, naming its stamp.
func auditNullIndex(r pebble.Reader, bucket string) error {
	want := map[string]stamp{}
	err := eachNullVersion(r, bucket, func(key string, s stamp) error {
		if _, dup := want[key]; dup {
			return fmt.Errorf("bucket %s: key %q has two null versions", bucket, key)
		}
		want[key] = s
		return nil
	})
	if err != nil {
		return err
	}
	p := nullVersionPrefix(bucket)
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return err
	}
	defer it.Close()
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		key := string(it.Key()[len(p):])
		s, ok := want[key]
		if !ok || !bytes.Equal(it.Value(), s[:]) {
			return fmt.Errorf("bucket %s: null version index of %q is %x; its versions say %x (found %v)", bucket, key, it.Value(), s, ok)
		}
		n++
	}
	if n != len(want) {
		return fmt.Errorf("bucket %s: %d null versions in V/, %d indexed", bucket, len(want), n)
	}
	return it.Error()
}

// auditNullIndexBuckets checks that no null version index entry outlives
// its bucket.
func auditNullIndexBuckets(r pebble.Reader, buckets map[string]bool) error {
	p := []byte(prefixNullVersion)
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		rest := it.Key()[len(p):]
		if i := bytes.IndexByte(rest, 0); i < 0 || !buckets[string(rest[:i])] {
			return fmt.Errorf("null version index entry %q of no bucket", it.Key())
		}
	}
	return it.Error()
}

// storeState is everything a client can observe of a store, as seen through
// the public API: buckets, objects (listing, HEAD, body hash) and uploads
// with their parts.
type storeState struct {
	Buckets []string
	Objects map[string]objectState // "bucket/key"
	// Uploads in progress, ordered by bucket, key and parts (not by ID:
	// IDs are random, and states of two runs must compare equal).
	Uploads []uploadState
}

type objectState struct {
	Size        int64
	ETag        string
	Body        [32]byte // SHA-256 of the body
	ContentType string
	User        map[string]string
	Tags        []Tag
	ACL         string
	Type        ObjectType
}

type uploadState struct {
	Bucket, Key string
	Parts       map[int]string // number -> "etag/size"
}

// observe reads the whole store through the public API. Listing, HEAD and
// GET must agree with each other.
func observe(t testing.TB, e *Engine) storeState { return observePrefix(t, e, "") }

// observePrefix observes the buckets whose names start with prefix.
func observePrefix(t testing.TB, e *Engine, prefix string) storeState {
	t.Helper()
	ctx := context.Background()
	st := storeState{Objects: map[string]objectState{}}
	bs, err := e.ListBuckets(ctx)
	require.NoError(t, err)
	for _, b := range bs {
		if !strings.HasPrefix(b.Name, prefix) {
			continue
		}
		st.Buckets = append(st.Buckets, b.Name)
		opts := ListOptions{MaxKeys: 3}
		for {
			page, err := e.ListObjects(ctx, b.Name, opts)
			require.NoError(t, err)
			for _, o := range page.Objects {
				head, err := e.HeadObject(ctx, b.Name, o.Key)
				require.NoError(t, err, "HEAD %s/%s", b.Name, o.Key)
				require.Equal(t, o.ETag, head.ETag, "list and HEAD ETag of %s/%s", b.Name, o.Key)
				require.Equal(t, o.Size, head.Size, "list and HEAD size of %s/%s", b.Name, o.Key)
				obj, err := e.GetObject(ctx, b.Name, o.Key, GetOptions{})
				require.NoError(t, err, "GET %s/%s", b.Name, o.Key)
				h := sha256.New()
				n, err := io.Copy(h, obj)
				require.NoError(t, err, "GET %s/%s", b.Name, o.Key)
				require.NoError(t, obj.Close())
				require.Equal(t, head.Size, n, "GET length of %s/%s", b.Name, o.Key)
				require.Equal(t, head.ETag, obj.Info.ETag)
				s := objectState{Size: n, ETag: head.ETag, ContentType: head.ContentType, User: head.User, Tags: head.Tags,
					ACL: head.ACL.Canned, Type: head.Type}
				h.Sum(s.Body[:0])
				st.Objects[b.Name+"/"+o.Key] = s
			}
			if !page.IsTruncated {
				break
			}
			opts.Marker = page.NextMarker
		}
		uopts := ListUploadsOptions{MaxUploads: 2}
		for {
			page, err := e.ListMultipartUploads(ctx, b.Name, uopts)
			require.NoError(t, err)
			for _, u := range page.Uploads {
				us := uploadState{Bucket: b.Name, Key: u.Key, Parts: map[int]string{}}
				popts := ListPartsOptions{MaxParts: 2}
				for {
					lp, err := e.ListParts(ctx, b.Name, u.Key, u.UploadID, popts)
					require.NoError(t, err)
					for _, p := range lp.Parts {
						us.Parts[p.PartNumber] = fmt.Sprintf("%s/%d", p.ETag, p.Size)
					}
					if !lp.IsTruncated {
						break
					}
					popts.PartNumberMarker = lp.NextPartNumberMarker
				}
				st.Uploads = append(st.Uploads, us)
			}
			if !page.IsTruncated {
				break
			}
			uopts.KeyMarker, uopts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
		}
	}
	slices.SortFunc(st.Uploads, func(a, b uploadState) int {
		return cmp.Or(cmp.Compare(a.Bucket, b.Bucket), cmp.Compare(a.Key, b.Key), cmp.Compare(fmt.Sprint(a.Parts), fmt.Sprint(b.Parts)))
	})
	return st
}
