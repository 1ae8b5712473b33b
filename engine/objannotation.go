package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/pebble/v2"

	"github.com/osslite/osslite/pkg/checksum"
)

// S3 object annotations (PutObjectAnnotation and its kin): named UTF-8
// payloads of 1 byte to 1 MiB attached to one object version, at most
// MaxObjectAnnotations a version. Unlike the engine's own annotations
// (annotation.go) they are the client's data, addressed by S3's names.
//
// An annotation belongs to the version it was put on: its record carries
// that version's identity (ETag, size, modification time, as
// annotationIdentity), so an overwrite (a new version, or a new null
// version replacing the old) leaves the old annotations unreachable, and
// deleting a version does too; the periodic sweep removes them, as it
// removes stale engine annotations. A delete marker over a version leaves
// the version's annotations in place. Changing an annotation changes
// neither the object's ETag nor its version.
//
// A payload is sealed as the object's body is (S3: "annotations inherit
// the encryption of their parent object"): under the object's KMS key, or
// the managed key for SSE-S3 objects and, when the engine has a key
// service, for objects stored in clear (S3 encrypts those annotations with
// SSE-S3). Objects encrypted with a customer key cannot have annotations
// (ErrCustomerKeyAnnotation).
//
//	T/<bucket>\x00<uvarint len(key)><key><version ID or "null">\x00<name>
//	    identity, annotationMeta (JSON)
//	W/<the same>
//	    payload (sealed or clear), written and deleted with its T/ record
//
// Payloads live apart from the records so that listing and counting a
// version's annotations (up to 1,000 of up to 1 MiB) reads names and
// metadata only.

const (
	prefixObjAnnotation = "T/"
	prefixObjPayload    = "W/"
)

// payloadKey is the key of the payload of the annotation record at k.
func payloadKey(k []byte) []byte {
	return append([]byte(prefixObjPayload), k[len(prefixObjAnnotation):]...)
}

// Limits of S3 object annotations.
const (
	// MaxObjectAnnotations is the most annotations one object version has.
	MaxObjectAnnotations = 1000
	// MaxObjectAnnotationSize bounds a payload (S3: 1 MiB).
	MaxObjectAnnotationSize = 1 << 20
	// MaxObjectAnnotationName bounds a name, in bytes (S3: 512).
	MaxObjectAnnotationName = 512
)

var (
	// ErrTooManyAnnotations is an annotation beyond MaxObjectAnnotations
	// on one version.
	ErrTooManyAnnotations = errors.New("engine: too many annotations on the object")
	// ErrCustomerKeyAnnotation is an annotation put on an object encrypted
	// with a customer key.
	ErrCustomerKeyAnnotation = errors.New("engine: objects encrypted with a customer-provided key cannot have annotations")
)

// ObjectAnnotation describes one annotation.
type ObjectAnnotation struct {
	Name string
	// Size is the payload's length; ETag the hex MD5 of the payload.
	Size int64
	ETag string
	// LastModified is when it was last put.
	LastModified time.Time
	// ChecksumAlgorithm and Checksum are the payload's checksum: the one
	// the client sent, else CRC-64/NVME (S3's default).
	ChecksumAlgorithm checksum.Algorithm
	Checksum          []byte
	// Encryption is how the payload is sealed (nil: in clear).
	Encryption *EncryptionInfo
	// VersionID is the object version it belongs to ("" in a bucket that
	// never had versioning, or the null version).
	VersionID string
}

// AnnotationOptions name the object version an annotation operation
// acts on and its conditions.
type AnnotationOptions struct {
	// VersionID names the version ("": the current one; a current delete
	// marker is ErrNoSuchKey wrapped in a *DeleteMarkerError).
	VersionID string
	// ObjectIfMatch ("*" or ETags) must match the object's ETag, else
	// ErrPreconditionFailed.
	ObjectIfMatch string
	// Pin, when not nil, names the object version the caller authorized
	// the operation against: on another (the key overwritten since) it
	// fails with ErrObjectChanged (ObjectUpdate.Pin).
	Pin *SourcePin
	// ChecksumAlgorithm and Checksum (Put) are a checksum the caller has
	// verified against the payload; without them CRC-64/NVME is computed.
	ChecksumAlgorithm checksum.Algorithm
	Checksum          []byte
}

// AnnotationListOptions page ListObjectAnnotations.
type AnnotationListOptions struct {
	VersionID string
	// Pin is AnnotationOptions.Pin.
	Pin *SourcePin
	// Prefix selects the names that start with it.
	Prefix string
	// After lists the names after it (a continuation).
	After string
	// Max bounds the page (0: 1000).
	Max int
}

// AnnotationPage is one page of a version's annotations, in name order.
type AnnotationPage struct {
	Annotations []ObjectAnnotation
	// Next, when set, is the name to continue after.
	Next string
	// VersionID is the object version listed.
	VersionID string
}

// annotationMeta is what an annotation's record says of it.
type annotationMeta struct {
	Modified int64           `json:"t"`
	ETag     string          `json:"e"`
	Size     int64           `json:"n"`
	Alg      string          `json:"a,omitempty"`
	Sum      []byte          `json:"s,omitempty"`
	Seal     *annotationSeal `json:"k,omitempty"`
}

// annotationSeal is how a payload is sealed: the data key (sealed as an
// object's) and the nonce.
type annotationSeal struct {
	Mode      EncryptionMode    `json:"m"`
	KeyID     string            `json:"id,omitempty"`
	Context   map[string]string `json:"c,omitempty"`
	BucketKey bool              `json:"b,omitempty"`
	Cipher    DataCipher        `json:"x,omitempty"`
	Key       []byte            `json:"k"`
	Nonce     []byte            `json:"n"`
}

func (s *annotationSeal) info() *EncryptionInfo {
	return &EncryptionInfo{Mode: s.Mode, KeyID: s.KeyID, Context: s.Context, BucketKey: s.BucketKey, Cipher: s.Cipher}
}

// objAnnotationBucketPrefix is where a bucket's annotations start.
func objAnnotationBucketPrefix(bucket string) []byte {
	return append(append([]byte(prefixObjAnnotation), bucket...), 0)
}

// objPayloadBucketPrefix is where a bucket's annotation payloads start.
func objPayloadBucketPrefix(bucket string) []byte {
	return append(append([]byte(prefixObjPayload), bucket...), 0)
}

// objAnnotationPrefix is where the annotations of one version start.
func objAnnotationPrefix(bucket, key, versionID string) []byte {
	b := binary.AppendUvarint(objAnnotationBucketPrefix(bucket), uint64(len(key)))
	b = append(b, key...)
	if versionID == "" {
		versionID = NullVersionID
	}
	return append(append(b, versionID...), 0)
}

// parseObjAnnotationKey splits an annotation's key (without the "T/").
func parseObjAnnotationKey(k []byte) (bucket, key, versionID, name string, ok bool) {
	b := bytes.IndexByte(k, 0)
	if b < 0 {
		return
	}
	bucket, k = string(k[:b]), k[b+1:]
	n, w := binary.Uvarint(k)
	if w <= 0 || n > uint64(len(k)-w) {
		return
	}
	key, k = string(k[w:w+int(n)]), k[w+int(n):]
	v := bytes.IndexByte(k, 0)
	if v < 0 {
		return
	}
	return bucket, key, string(k[:v]), string(k[v+1:]), true
}

// encodeObjAnnotation is a record's value.
func encodeObjAnnotation(id []byte, meta *annotationMeta) ([]byte, error) {
	m, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	v := binary.AppendUvarint(make([]byte, 0, 20+len(id)+len(m)), uint64(len(id)))
	v = append(v, id...)
	v = binary.AppendUvarint(v, uint64(len(m)))
	return append(v, m...), nil
}

// decodeObjAnnotation splits a record's value.
func decodeObjAnnotation(v []byte) (id []byte, meta annotationMeta, err error) {
	id, rest, ok := splitAnnotation(v)
	if !ok {
		return nil, meta, fmt.Errorf("%w: annotation record", ErrCorrupt)
	}
	n, w := binary.Uvarint(rest)
	if w <= 0 || n != uint64(len(rest)-w) {
		return nil, meta, fmt.Errorf("%w: annotation record", ErrCorrupt)
	}
	if err := json.Unmarshal(rest[w:], &meta); err != nil {
		return nil, meta, fmt.Errorf("%w: annotation record: %w", ErrCorrupt, err)
	}
	return id, meta, nil
}

// setAnnotation writes an annotation's record and payload in m.
func setAnnotation(m *mutation, k, rec, stored []byte) error {
	if err := m.b.Set(k, rec, nil); err != nil {
		return err
	}
	return m.b.Set(payloadKey(k), stored, nil)
}

// deleteAnnotation deletes an annotation's record and payload in m.
func deleteAnnotation(m *mutation, k []byte) error {
	if err := m.b.Delete(k, nil); err != nil {
		return err
	}
	return m.b.Delete(payloadKey(k), nil)
}

func (m *annotationMeta) describe(name, versionID string) ObjectAnnotation {
	a := ObjectAnnotation{Name: name, Size: m.Size, ETag: m.ETag, LastModified: time.Unix(0, m.Modified).UTC(),
		ChecksumAlgorithm: checksum.Algorithm(m.Alg), Checksum: m.Sum, VersionID: versionID}
	if m.Seal != nil {
		a.Encryption = m.Seal.info()
	}
	return a
}

// annotationTarget reads the object version an annotation operation
// names.
func (e *Engine) annotationTarget(r pebble.Reader, bucket, key string, opts *AnnotationOptions) (objectRecord, error) {
	rec, err := e.objectVersion(r, bucket, key, opts.VersionID, false)
	if err != nil {
		return rec, err
	}
	if err := opts.Pin.holds(&rec.info, bucket, key); err != nil {
		return rec, err
	}
	if opts.ObjectIfMatch != "" {
		if err := (Conditions{IfMatch: opts.ObjectIfMatch}).evaluate(rec.info, false); err != nil {
			return rec, fmt.Errorf("%w: object %s/%s", err, bucket, key)
		}
	}
	return rec, nil
}

// checkAnnotationName checks a name's length (S3's character rules are
// the HTTP layer's).
func checkAnnotationName(name string) error {
	if name == "" || len(name) > MaxObjectAnnotationName || !utf8.ValidString(name) {
		return fmt.Errorf("%w: an annotation name is 1 to %d bytes of UTF-8", ErrInvalidArgument, MaxObjectAnnotationName)
	}
	return nil
}

// PutObjectAnnotation stores payload under name on the object version
// opts names, replacing an annotation of that name. The payload is 1 to
// MaxObjectAnnotationSize bytes of UTF-8 (else ErrInvalidArgument); a
// version has at most MaxObjectAnnotations (ErrTooManyAnnotations).
func (e *Engine) PutObjectAnnotation(ctx context.Context, bucket, key, name string, payload []byte, opts AnnotationOptions) (ObjectAnnotation, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectAnnotation{}, err
	}
	defer e.leave()
	if err := checkAnnotationName(name); err != nil {
		return ObjectAnnotation{}, err
	}
	if len(payload) == 0 || len(payload) > MaxObjectAnnotationSize || !utf8.Valid(payload) {
		return ObjectAnnotation{}, fmt.Errorf("%w: an annotation payload is 1 byte to 1 MiB of UTF-8", ErrInvalidArgument)
	}
	if opts.ChecksumAlgorithm != "" && !opts.ChecksumAlgorithm.Valid() {
		return ObjectAnnotation{}, fmt.Errorf("%w: %w: %q", ErrInvalidArgument, checksum.ErrUnknownAlgorithm, string(opts.ChecksumAlgorithm))
	}
	for attempt := 0; ; attempt++ {
		a, err := e.putObjectAnnotation(ctx, bucket, key, name, payload, opts)
		if errors.Is(err, errSourceChanged) && attempt < 3 {
			continue // the version's encryption changed while the payload was sealed
		}
		return a, err
	}
}

func (e *Engine) putObjectAnnotation(ctx context.Context, bucket, key, name string, payload []byte, opts AnnotationOptions) (ObjectAnnotation, error) {
	rec, err := e.annotationTarget(e.db, bucket, key, &opts)
	if err != nil {
		return ObjectAnnotation{}, err
	}
	id := annotationIdentity(rec.info)
	sum := md5.Sum(payload)
	meta := annotationMeta{Modified: e.now().UnixNano(), ETag: hex.EncodeToString(sum[:]), Size: int64(len(payload)),
		Alg: string(opts.ChecksumAlgorithm), Sum: opts.Checksum}
	if meta.Alg == "" || meta.Sum == nil {
		h := checksum.CRC64NVME.New()
		h.Write(payload)
		meta.Alg, meta.Sum = string(checksum.CRC64NVME), h.Sum(nil)
	}
	// Sealed before the metadata lock: the key service is not called
	// under it.
	stored := payload
	if seal, out, err := e.sealAnnotation(ctx, rec.info.Encryption, objAnnotationPrefix(bucket, key, rec.info.VersionID), name, payload); err != nil {
		return ObjectAnnotation{}, err
	} else if seal != nil {
		meta.Seal, stored = seal, out
	}
	v, err := encodeObjAnnotation(id, &meta)
	if err != nil {
		return ObjectAnnotation{}, err
	}
	err = e.applyCtx(ctx, func(m *mutation) error {
		cur, err := e.annotationTarget(e.db, bucket, key, &opts)
		if err != nil {
			return err
		}
		if !bytes.Equal(annotationIdentity(cur.info), id) || cur.info.VersionID != rec.info.VersionID {
			return errSourceChanged
		}
		p := objAnnotationPrefix(bucket, key, rec.info.VersionID)
		n, exists, err := e.countAnnotations(m, p, id, name)
		if err != nil {
			return err
		}
		if !exists && n >= MaxObjectAnnotations {
			return fmt.Errorf("%w: %s/%s has %d annotations", ErrTooManyAnnotations, bucket, key, n)
		}
		if err := m.eventAnnotated(bucket, key, rec.info.VersionID); err != nil {
			return err
		}
		return setAnnotation(m, append(p, name...), v, stored)
	})
	if err != nil {
		return ObjectAnnotation{}, err
	}
	of := rec.info
	of.Bucket, of.Key = bucket, key
	if err := e.replicateAnnotation(ctx, of, name); err != nil {
		// The annotation is stored; its replica copy is best effort.
		e.opts.Logger.Warn("annotation not replicated", "bucket", bucket, "key", key, "version", of.VersionID, "name", name, "err", err)
	}
	return meta.describe(name, rec.info.VersionID), nil
}

// countAnnotations counts the annotations under p that belong to the
// version of identity id (deleting, in m, those of a version gone) and
// says whether name is one of them.
func (e *Engine) countAnnotations(m *mutation, p, id []byte, name string) (n int, exists bool, err error) {
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return 0, false, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return 0, false, err
		}
		if vid, _, good := splitAnnotation(v); !good || !bytes.Equal(vid, id) {
			if err := deleteAnnotation(m, bytes.Clone(it.Key())); err != nil {
				return 0, false, err
			}
			continue
		}
		n++
		if string(it.Key()[len(p):]) == name {
			exists = true
		}
	}
	return n, exists, it.Error()
}

// sealAnnotation seals payload as an object encrypted with enc is sealed
// (nil seal: stored in clear), bound to its record key.
func (e *Engine) sealAnnotation(ctx context.Context, enc *EncryptionInfo, prefix []byte, name string, payload []byte) (*annotationSeal, []byte, error) {
	var info *EncryptionInfo
	switch {
	case enc.customer():
		return nil, nil, ErrCustomerKeyAnnotation
	case enc != nil:
		info = &EncryptionInfo{Mode: enc.Mode, KeyID: enc.KeyID, Context: enc.Context, BucketKey: enc.BucketKey, Cipher: enc.Cipher}
	case e.opts.Keys != nil:
		info = &EncryptionInfo{Mode: EncryptManaged}
	default:
		return nil, nil, nil
	}
	bk, err := e.newBodyKey(ctx, info, nil)
	if err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, bk.aead.NonceSize())
	rand.Read(nonce)
	seal := &annotationSeal{Mode: info.Mode, KeyID: info.KeyID, Context: info.Context, BucketKey: info.BucketKey, Cipher: info.Cipher, Key: bk.sealed, Nonce: nonce}
	return seal, bk.aead.Seal(nil, nonce, payload, append(prefix, name...)), nil
}

// openAnnotation returns the payload of a record read under prefix+name.
func (e *Engine) openAnnotation(ctx context.Context, meta *annotationMeta, prefix []byte, name string, stored []byte) ([]byte, error) {
	s := meta.Seal
	if s == nil {
		return stored, nil
	}
	plain, err := e.openDataKey(ctx, s.info(), nil, s.Key)
	if err != nil {
		return nil, err
	}
	g, err := dataAEAD(s.Cipher, plain)
	if err != nil {
		return nil, err
	}
	out, err := g.Open(nil, s.Nonce, stored, append(prefix, name...))
	if err != nil {
		return nil, fmt.Errorf("%w: annotation %s does not open", ErrCorrupt, name)
	}
	return out, nil
}

// readAnnotation reads annotation name of the version opts names:
// ErrNoSuchAnnotation when it has none.
func (e *Engine) readAnnotation(bucket, key, name string, opts *AnnotationOptions) (objectRecord, annotationMeta, []byte, []byte, error) {
	// One snapshot: the record and its payload of the same put.
	snap := e.db.NewSnapshot()
	defer snap.Close()
	rec, err := e.annotationTarget(snap, bucket, key, opts)
	if err != nil {
		return rec, annotationMeta{}, nil, nil, err
	}
	p := objAnnotationPrefix(bucket, key, rec.info.VersionID)
	k := append(p, name...)
	v, ok, err := get(snap, k)
	if err != nil {
		return rec, annotationMeta{}, nil, nil, err
	}
	if ok {
		id, meta, err := decodeObjAnnotation(v)
		if err != nil {
			return rec, meta, nil, nil, err
		}
		if bytes.Equal(id, annotationIdentity(rec.info)) {
			stored, found, err := get(snap, payloadKey(k))
			if err == nil && !found {
				err = fmt.Errorf("%w: annotation %s without its payload", ErrCorrupt, name)
			}
			return rec, meta, p, stored, err
		}
	}
	return rec, annotationMeta{}, nil, nil, fmt.Errorf("%w: %s on %s/%s", ErrNoSuchAnnotation, name, bucket, key)
}

// GetObjectAnnotation returns annotation name of the version opts names
// and its payload, or ErrNoSuchAnnotation.
func (e *Engine) GetObjectAnnotation(ctx context.Context, bucket, key, name string, opts AnnotationOptions) (ObjectAnnotation, []byte, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectAnnotation{}, nil, err
	}
	defer e.leave()
	if err := checkAnnotationName(name); err != nil {
		return ObjectAnnotation{}, nil, err
	}
	rec, meta, p, stored, err := e.readAnnotation(bucket, key, name, &opts)
	if err != nil {
		return ObjectAnnotation{}, nil, err
	}
	payload, err := e.openAnnotation(ctx, &meta, p, name, stored)
	if err != nil {
		return ObjectAnnotation{}, nil, err
	}
	return meta.describe(name, rec.info.VersionID), payload, nil
}

// DeleteObjectAnnotation removes annotation name from the version opts
// names and returns that version's ID. Removing one that is not there
// succeeds (S3's delete operations are idempotent).
func (e *Engine) DeleteObjectAnnotation(ctx context.Context, bucket, key, name string, opts AnnotationOptions) (string, error) {
	if err := e.enter(ctx); err != nil {
		return "", err
	}
	defer e.leave()
	if err := checkAnnotationName(name); err != nil {
		return "", err
	}
	var vid string
	err := e.applyCtx(ctx, func(m *mutation) error {
		rec, err := e.annotationTarget(e.db, bucket, key, &opts)
		if err != nil {
			return err
		}
		vid = rec.info.VersionID
		if err := m.eventAnnotated(bucket, key, vid); err != nil {
			return err
		}
		return deleteAnnotation(m, append(objAnnotationPrefix(bucket, key, vid), name...))
	})
	return vid, err
}

// ListObjectAnnotations lists the annotations of the version opts names,
// in name order (UTF-8 byte order).
func (e *Engine) ListObjectAnnotations(ctx context.Context, bucket, key string, opts AnnotationListOptions) (AnnotationPage, error) {
	if err := e.enter(ctx); err != nil {
		return AnnotationPage{}, err
	}
	defer e.leave()
	max := opts.Max
	if max <= 0 || max > MaxObjectAnnotations {
		max = MaxObjectAnnotations
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	rec, err := e.annotationTarget(snap, bucket, key, &AnnotationOptions{VersionID: opts.VersionID, Pin: opts.Pin})
	if err != nil {
		return AnnotationPage{}, err
	}
	page := AnnotationPage{VersionID: rec.info.VersionID}
	id := annotationIdentity(rec.info)
	p := objAnnotationPrefix(bucket, key, rec.info.VersionID)
	lo := append(bytes.Clone(p), opts.Prefix...)
	if opts.After != "" && strings.HasPrefix(opts.After, opts.Prefix) {
		lo = append(append(bytes.Clone(p), opts.After...), 0)
	} else if opts.After > opts.Prefix {
		return page, nil // a continuation past every name with the prefix
	}
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(append(bytes.Clone(p), opts.Prefix...))})
	if err != nil {
		return AnnotationPage{}, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return AnnotationPage{}, err
		}
		vid, meta, err := decodeObjAnnotation(v)
		if err != nil {
			return AnnotationPage{}, err
		}
		if !bytes.Equal(vid, id) {
			continue // of a version gone
		}
		if len(page.Annotations) == max {
			page.Next = page.Annotations[max-1].Name
			break
		}
		page.Annotations = append(page.Annotations, meta.describe(string(it.Key()[len(p):]), rec.info.VersionID))
	}
	return page, it.Error()
}

// sweepObjAnnotations deletes the annotations whose version is gone or was
// replaced.
func (e *Engine) sweepObjAnnotations(ctx context.Context) (int, error) {
	return e.sweepPrefix(ctx, []byte(prefixObjAnnotation), func(k, v []byte) (bool, error) {
		bucket, key, vid, _, good := parseObjAnnotationKey(k)
		id, _, ok := splitAnnotation(v)
		if !good || !ok {
			return true, nil
		}
		loc, found, err := e.findVersion(e.db, bucket, key, vid, false)
		if errors.Is(err, ErrInvalidVersionID) {
			return true, nil
		}
		return err == nil && (!found || !bytes.Equal(annotationIdentity(loc.rec.info), id)), err
	}, deleteAnnotation)
}

// copyAnnotations copies the annotations of version src (only the one
// named only, when set) to version dst (a copy or a replica just
// written), one at a time: each is opened and sealed again as dst's body
// is, so at most one payload is in memory. It stops, without an error,
// when dst is replaced meanwhile. Unlike S3's the copy is not atomic
// with the object's: a crash between leaves the copy without some of
// them (the source keeps all).
func (e *Engine) copyAnnotations(ctx context.Context, src, dst ObjectInfo, only string) error {
	sp := objAnnotationPrefix(src.Bucket, src.Key, src.VersionID)
	sid := annotationIdentity(src)
	dp := objAnnotationPrefix(dst.Bucket, dst.Key, dst.VersionID)
	did := annotationIdentity(dst)
	after := sp
	if only != "" {
		after = append(bytes.Clone(sp), only...)
	}
	for {
		// The next annotation of src after the last copied.
		v, stored, name, ok, err := e.nextAnnotation(after, sp)
		if err != nil || !ok {
			return err
		}
		if only != "" && name != only {
			return nil
		}
		after = append(append(bytes.Clone(sp), name...), 0)
		id, meta, err := decodeObjAnnotation(v)
		if err != nil {
			return err
		}
		if !bytes.Equal(id, sid) {
			continue // of an earlier version of the source's
		}
		payload, err := e.openAnnotation(ctx, &meta, sp, name, stored)
		if err != nil {
			return err
		}
		out := payload
		meta.Seal = nil
		if seal, sealed, err := e.sealAnnotation(ctx, dst.Encryption, dp, name, payload); err != nil {
			return err
		} else if seal != nil {
			meta.Seal, out = seal, sealed
		}
		rec, err := encodeObjAnnotation(did, &meta)
		if err != nil {
			return err
		}
		gone := false
		err = e.applyCtx(ctx, func(m *mutation) error {
			cur, err := e.objectVersion(e.db, dst.Bucket, dst.Key, dst.VersionID, false)
			if err != nil || !bytes.Equal(annotationIdentity(cur.info), did) || cur.info.VersionID != dst.VersionID {
				gone = true // replaced or removed since: nothing to copy to
				return nil
			}
			return setAnnotation(m, append(bytes.Clone(dp), name...), rec, out)
		})
		if err != nil || gone {
			return err
		}
	}
}

// nextAnnotation returns the first annotation record at or after from
// within prefix p, its stored payload and its name.
func (e *Engine) nextAnnotation(from, p []byte) (v, stored []byte, name string, ok bool, err error) {
	snap := e.db.NewSnapshot()
	defer snap.Close()
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: from, UpperBound: prefixEnd(p)})
	if err != nil {
		return nil, nil, "", false, err
	}
	defer it.Close()
	if !it.First() {
		return nil, nil, "", false, it.Error()
	}
	val, err := it.ValueAndErr()
	if err != nil {
		return nil, nil, "", false, err
	}
	stored, found, err := get(snap, payloadKey(it.Key()))
	if err == nil && !found {
		err = fmt.Errorf("%w: annotation %q without its payload", ErrCorrupt, it.Key()[len(p):])
	}
	return bytes.Clone(val), stored, string(it.Key()[len(p):]), err == nil, err
}
