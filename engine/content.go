package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"maps"
	"slices"

	"github.com/cockroachdb/pebble/v2"

	"github.com/osslite/osslite/pkg/checksum"
)

// The content index maps (SHA-1, size) of a body stored by PutObject to
// where that body lives, so an object can be created from content the
// store already holds without sending it again (Sina's "Relax" upload).
// Entries are kept per owner (the owner of the bucket holding the body):
// a lookup finds only its owner's content, so knowing a body's SHA-1 and
// size gets no one a copy of another owner's object, nor tells them that
// it is stored.
//
//	H/<SHA-1, 20 bytes><size, 8 bytes BE><owner> -> MD5 (16) | CRC64 (8, BE) | ref
//
// ref is 'b' + blob ID (8 bytes BE) for bodies in the blob log, 'k' + blob
// ID (8 bytes BE) + algorithm name length (1) + name + checksum for bodies
// in the blob log stored with a full-object flexible checksum (kept so an
// object made from the content reports it too), or 'o' + bucket + 0x00 +
// key for inline bodies (which live in their object's record, checksums
// included). Every PutObject points the entry at its body (the newest
// wins). An entry goes when its blob's last reference goes, or when the
// inline object it names is replaced or deleted; lookups validate it
// anyway (blob alive with that SHA-1 and size, object still holding that
// content), so a stale entry is never served. Multipart and appendable
// objects are indexed only by IndexContent, which reads them once (their
// SHA-1 is not computed while they are written).

const prefixContent = "H/"

const sha1Size = sha1.Size

func contentKey(sum []byte, size int64, owner string) []byte {
	return append(contentPrefix(sum, size), owner...)
}

// contentPrefix is the start of every owner's entry of (sum, size).
func contentPrefix(sum []byte, size int64) []byte {
	k := make([]byte, 0, len(prefixContent)+len(sum)+8+64)
	k = append(append(k, prefixContent...), sum...)
	return binary.BigEndian.AppendUint64(k, uint64(size))
}

// contentBlobRef names blob id; alg and sum, when set, are the body's
// full-object flexible checksum.
func contentBlobRef(id uint64, alg checksum.Algorithm, sum []byte) []byte {
	if alg == "" || len(alg) > 255 || len(sum) == 0 {
		return binary.BigEndian.AppendUint64(append(make([]byte, 0, 9), 'b'), id)
	}
	r := binary.BigEndian.AppendUint64(append(make([]byte, 0, 10+len(alg)+len(sum)), 'k'), id)
	r = append(append(r, byte(len(alg))), alg...)
	return append(r, sum...)
}

// sameBlobRef reports whether refs a and b name the same blob.
func sameBlobRef(a, b []byte) bool {
	return len(a) >= 9 && len(b) >= 9 && (a[0] == 'b' || a[0] == 'k') && (b[0] == 'b' || b[0] == 'k') &&
		bytes.Equal(a[1:9], b[1:9])
}

func contentObjectRef(bucket, key string) []byte {
	r := make([]byte, 0, 2+len(bucket)+len(key))
	r = append(append(append(r, 'o'), bucket...), 0)
	return append(r, key...)
}

// contentEntry is a pending content-index write (val nil: a delete).
type contentEntry struct{ key, val []byte }

// pendingContent returns the index of k in m.content, or -1.
func (m *mutation) pendingContent(k []byte) int {
	for i := range m.content {
		if bytes.Equal(m.content[i].key, k) {
			return i
		}
	}
	return -1
}

// putContent records a pending write of k.
func (m *mutation) putContent(k, v []byte) {
	if i := m.pendingContent(k); i >= 0 {
		m.content[i].val = v
		return
	}
	m.content = append(m.content, contentEntry{k, v})
}

// contentValueHead is the MD5 and CRC64 before the ref.
const contentValueHead = 16 + 8

// setContent points owner's entry of (sum, size) at ref.
func (m *mutation) setContent(sum []byte, size int64, owner string, md5 [16]byte, crc uint64, ref []byte) {
	v := make([]byte, 0, contentValueHead+len(ref))
	v = append(v, md5[:]...)
	v = binary.BigEndian.AppendUint64(v, crc)
	m.putContent(contentKey(sum, size, owner), append(v, ref...))
}

// dropContent deletes the entries of (sum, size), whoever's, that point
// at ref (a few: one an owner).
func (m *mutation) dropContent(sum []byte, size int64, ref []byte) error {
	if len(sum) != sha1Size {
		return nil
	}
	prefix := contentPrefix(sum, size)
	matches := func(v []byte) bool {
		return len(v) > contentValueHead && (bytes.Equal(v[contentValueHead:], ref) || sameBlobRef(v[contentValueHead:], ref))
	}
	var drop [][]byte
	for _, c := range m.content {
		if bytes.HasPrefix(c.key, prefix) && matches(c.val) {
			drop = append(drop, c.key)
		}
	}
	it, err := m.e.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	// Each owner's entry is one key that every PutObject of the content
	// rewrites, so the memtable may hold thousands of its versions: the
	// loop seeks past a key (a skiplist search) instead of stepping
	// through its versions with Next.
	var past []byte
	for ok := it.First(); ok; ok = it.SeekGE(past) {
		past = append(append(past[:0], it.Key()...), 0)
		if m.pendingContent(it.Key()) >= 0 {
			continue // the pending value decides (above)
		}
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return err
		}
		if matches(v) {
			drop = append(drop, slices.Clone(it.Key()))
		}
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return err
	}
	for _, k := range drop {
		m.putContent(k, nil)
	}
	return nil
}

// dropObjectContent drops the entry naming an inline object rec replaced
// (by next, nil for a delete) or deleted. A replacement with the same
// content re-points the entry anyway, so it costs no lookup.
func (m *mutation) dropObjectContent(rec, next *objectRecord) error {
	if rec.info.SHA1 == "" || rec.inline == nil || next != nil && next.info.SHA1 == rec.info.SHA1 {
		return nil
	}
	sum, err := hex.DecodeString(rec.info.SHA1)
	if err != nil {
		return nil
	}
	return m.dropContent(sum, rec.info.Size, contentObjectRef(rec.info.Bucket, rec.info.Key))
}

// flushContent writes the pending entries into the batch.
func (m *mutation) flushContent() error {
	for _, c := range m.content {
		var err error
		if c.val == nil {
			err = m.b.Delete(c.key, nil)
		} else {
			err = m.b.Set(c.key, c.val, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Content describes a stored body found by its SHA-1 and size.
type Content struct {
	SHA1  string // lower-case hex
	Size  int64
	ETag  string // lower-case hex MD5
	CRC64 uint64 // CRC-64/ECMA
	// Checksum is the full-object flexible checksum the body was stored
	// with (ChecksumAlgorithm empty when none is known).
	ChecksumAlgorithm checksum.Algorithm
	Checksum          []byte
}

// storedContent is a validated index entry and the body it names.
type storedContent struct {
	Content
	inline  []byte
	extents []extent
	// byObject: the entry names an object holding the content (an inline
	// or multipart body), not a blob.
	byObject bool
}

// lookupContent finds and validates owner's entry of (sum, size).
func (e *Engine) lookupContent(r pebble.Reader, owner string, sum []byte, size int64) (storedContent, error) {
	notFound := fmt.Errorf("%w: sha1 %x, %d bytes", ErrNoSuchContent, sum, size)
	if len(sum) != sha1Size || size < 0 {
		return storedContent{}, notFound
	}
	v, ok, err := get(r, contentKey(sum, size, owner))
	if err != nil {
		return storedContent{}, err
	}
	if !ok || len(v) < contentValueHead+1 {
		return storedContent{}, notFound
	}
	c := storedContent{Content: Content{SHA1: hex.EncodeToString(sum), Size: size,
		ETag: hex.EncodeToString(v[:16]), CRC64: binary.BigEndian.Uint64(v[16:24])}}
	ref := v[contentValueHead:]
	switch ref[0] {
	case 'b', 'k':
		if len(ref) < 9 || ref[0] == 'b' && len(ref) != 9 {
			return storedContent{}, notFound
		}
		id := binary.BigEndian.Uint64(ref[1:9])
		if ref[0] == 'k' {
			if len(ref) < 10 || len(ref) < 10+int(ref[9]) {
				return storedContent{}, notFound
			}
			alg := checksum.Algorithm(ref[10 : 10+int(ref[9])])
			if sum := ref[10+int(ref[9]):]; alg.Valid() && len(sum) == alg.Size() {
				c.ChecksumAlgorithm, c.Checksum = alg, slices.Clone(sum)
			}
		}
		bv, ok, err := get(r, blobKey(id))
		if err != nil {
			return storedContent{}, err
		}
		if !ok {
			return storedContent{}, notFound
		}
		br, err := decodeBlob(bv)
		if err != nil {
			return storedContent{}, err
		}
		if br.refs <= 0 || br.size != size || !bytes.Equal(br.sha1, sum) {
			return storedContent{}, notFound
		}
		c.extents = []extent{{blob: id, n: size}}
	case 'o':
		bucket, key, ok := bytes.Cut(ref[1:], []byte{0})
		if !ok {
			return storedContent{}, notFound
		}
		rec, err := e.objectRecord(r, string(bucket), string(key), true)
		// The object must still hold this content (its SHA-1 and size; a
		// multipart object's ETag is not the MD5 the entry keeps).
		if err != nil || rec.info.SHA1 != c.SHA1 || rec.info.Size != size || rec.info.Encryption != nil {
			return storedContent{}, notFound
		}
		c.inline, c.extents, c.byObject = rec.inline, rec.extents, true
		c.ChecksumAlgorithm, c.Checksum = fullObjectChecksum(rec.info)
	default:
		return storedContent{}, notFound
	}
	return c, nil
}

// fullObjectChecksum returns the one full-object flexible checksum of
// info, if it has one.
func fullObjectChecksum(info ObjectInfo) (checksum.Algorithm, []byte) {
	if info.ChecksumType != "FULL_OBJECT" || len(info.Checksums) != 1 {
		return "", nil
	}
	for alg, sum := range info.Checksums {
		return alg, slices.Clone(sum)
	}
	return "", nil
}

// FindByContent returns the stored body whose SHA-1 is sum (20 raw bytes)
// and whose size is size, held in a bucket of owner (BucketInfo.Owner),
// or ErrNoSuchContent: another owner's content is never found.
func (e *Engine) FindByContent(ctx context.Context, owner string, sum []byte, size int64) (Content, error) {
	if err := e.enter(ctx); err != nil {
		return Content{}, err
	}
	defer e.leave()
	c, err := e.lookupContent(e.db, owner, sum, size)
	return c.Content, err
}

// PutObjectByContent stores bucket/key with the body already stored under
// SHA-1 sum and size in a bucket of opts.ContentOwner (see FindByContent:
// the requester's own, never another owner's), reading and writing no bytes:
// the object references the existing body, as a copy does. opts applies
// as in PutObject, except ContentMD5 and Checksum, which must be unset
// (there is no body to verify). Without such content it fails with
// ErrNoSuchContent and changes nothing.
func (e *Engine) PutObjectByContent(ctx context.Context, bucket, key string, sum []byte, size int64, opts PutOptions) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	if err := checkPut(key, opts.Tags, e.opts.MaxKeyLength); err != nil {
		return ObjectInfo{}, err
	}
	if opts.ContentMD5 != nil || opts.Checksum != nil {
		return ObjectInfo{}, fmt.Errorf("%w: a put by content has no body to verify", ErrInvalidArgument)
	}
	var out ObjectInfo
	err := e.applyCtx(ctx, func(m *mutation) error {
		if err := e.checkWrite(bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil {
			return err
		}
		c, err := e.lookupContent(e.db, opts.ContentOwner, sum, size)
		if err != nil {
			return err
		}
		dst, err := e.cachedBucket(bucket)
		if err != nil {
			return err
		}
		info := ObjectInfo{
			Bucket: bucket, Key: key, Size: size, ETag: c.ETag, CRC64: c.CRC64, SHA1: c.SHA1,
			Metadata: opts.Metadata, StorageClass: opts.StorageClass, ACL: opts.ACL,
			Tags: slices.Clone(opts.Tags), Owner: opts.Owner, Dialect: opts.Dialect, LastModified: e.now(),
		}
		info.User = maps.Clone(opts.User)
		info.Headers = maps.Clone(opts.Headers)
		info.fillContentType()
		if c.ChecksumAlgorithm != "" {
			info.Checksums = map[checksum.Algorithm][]byte{c.ChecksumAlgorithm: c.Checksum}
			info.ChecksumType = "FULL_OBJECT"
		}
		rec := objectRecord{info: info, inline: c.inline, extents: slices.Clone(c.extents)}
		if err := e.replaceObject(m, &rec); err != nil {
			return err
		}
		if c.byObject {
			// The newest holder is named, so the content stays findable
			// after the object it was found through is deleted.
			var md [16]byte
			if b, err := hex.DecodeString(c.ETag); err == nil && len(b) == 16 {
				copy(md[:], b)
				m.setContent(sum, size, dst.owner, md, c.CRC64, contentObjectRef(bucket, key))
			}
		}
		out = rec.info
		return nil
	})
	return out, err
}

// IndexContent reads the current body of bucket/key once, computing its
// SHA-1 and MD5, and records it in the content index, so that
// PutObjectByContent finds bodies that were not stored whole (a multipart
// upload's). The object's SHA1 is set. Encrypted bodies are never
// indexed (nil error, nothing done); an object changed while it was read
// is left alone (ErrPreconditionFailed).
func (e *Engine) IndexContent(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	o, err := e.GetObject(ctx, bucket, key, GetOptions{})
	if err != nil {
		return ObjectInfo{}, err
	}
	defer o.Close()
	if o.Info.Encryption != nil || o.Info.SHA1 != "" {
		return o.Info, nil
	}
	sh, md, crc := sha1.New(), md5.New(), crc64.New(crc64Table)
	if _, err := io.Copy(io.MultiWriter(sh, md, crc), o); err != nil {
		return ObjectInfo{}, err
	}
	sum := sh.Sum(nil)
	var md5sum [16]byte
	copy(md5sum[:], md.Sum(nil))
	var out ObjectInfo
	err = e.applyCtx(ctx, func(m *mutation) error {
		rec, err := e.objectRecord(e.db, bucket, key, true)
		if err != nil {
			return err
		}
		if rec.info.ETag != o.Info.ETag || !rec.info.LastModified.Equal(o.Info.LastModified) || rec.info.VersionID != o.Info.VersionID {
			return fmt.Errorf("%w: %s/%s changed while it was indexed", ErrPreconditionFailed, bucket, key)
		}
		b, err := e.cachedBucket(bucket)
		if err != nil {
			return err
		}
		rec.info.SHA1 = hex.EncodeToString(sum)
		if rec.info.NoCRC64 { // the index entry carries one
			rec.info.CRC64, rec.info.NoCRC64 = crc.Sum64(), false
		}
		m.setContent(sum, rec.info.Size, b.owner, md5sum, rec.info.CRC64, contentObjectRef(bucket, key))
		rec.info.Bucket, rec.info.Key = bucket, key
		out = rec.info
		return m.b.Set(objectKey(bucket, key), rec.encode(), nil)
	})
	return out, err
}
