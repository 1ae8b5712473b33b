package engine

import (
	"bytes"
	"context"
	cmd5 "crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/osslite/osslite/pkg/checksum"
)

// DefaultContentType is stored when a write names no content type: the
// generic type of RFC 2046 4.5.1. Wire protocols that default otherwise
// fill Metadata.ContentType themselves.
const DefaultContentType = "application/octet-stream"

// fillContentType gives a write's metadata DefaultContentType when it
// names none and does not ask to keep it empty.
func (m *Metadata) fillContentType() {
	if m.ContentType == "" && !m.KeepEmptyContentType {
		m.ContentType = DefaultContentType
	}
	m.KeepEmptyContentType = false
}

// PutOptions are the inputs of PutObject. The zero value stores a private
// STANDARD object with DefaultContentType and no verification beyond MD5.
type PutOptions struct {
	Metadata
	// WholeMD5 (CreateMultipartUpload) has Complete read the parts once,
	// in order, for the whole object's MD5 (ObjectInfo.ContentMD5), as
	// OSS's sequential uploads have it.
	WholeMD5 bool
	// Initiator (CreateMultipartUpload) is who starts the upload when it
	// is not Owner, the object's owner-to-be (S3 Object Ownership gives
	// the object to the bucket owner while the initiator keeps the
	// upload's ListParts and Abort); "" is Owner.
	Initiator    string
	StorageClass string
	ACL          ACL
	// ACLPin (AppendObject), when not nil, names the object the caller
	// authorized a change of ACL against: an append that would apply ACL
	// to an existing object fails with ErrObjectChanged, changing
	// nothing, unless the key still holds that object (ObjectUpdate.Pin);
	// a pin without Found (the key was missing) holds for no object.
	ACLPin *SourcePin
	Tags   []Tag
	Owner  string
	// Dialect is the wire protocol of the write (ObjectInfo.Dialect);
	// DialectUnknown records none.
	Dialect Dialect
	// ContentMD5 is the expected MD5 of the body (16 raw bytes); a mismatch
	// fails with ErrBadDigest and stores nothing.
	ContentMD5 []byte
	// Checksum asks for a flexible checksum to be computed, verified when an
	// expected value is given, and stored.
	Checksum *ChecksumInput
	// DefaultChecksum, when Checksum is nil, names a full-object checksum
	// PutObject computes while streaming and stores (S3 stores CRC64NVME
	// for every object written without one). Default "": none. Multipart
	// uploads and appends ignore it.
	DefaultChecksum checksum.Algorithm
	// ContentSHA1 is the expected SHA-1 of the body (20 raw bytes); a
	// mismatch fails with ErrBadDigest and stores nothing.
	ContentSHA1 []byte
	// NoContentIndex skips the body's SHA-1 and its content-index entry
	// (ObjectInfo.SHA1 stays empty; FindByContent finds the body only after
	// IndexContent). For protocols that never look content up by SHA-1:
	// it saves hashing every byte once more. Ignored when ContentSHA1 is
	// set.
	NoContentIndex bool
	// ContentOwner is whose content PutObjectByContent may use: only
	// bodies held in buckets of this owner (the requester, who may read
	// them) are found. "" finds only content of buckets without an owner.
	ContentOwner string
	// NoCRC64 skips the body's CRC-64/ECMA (ObjectInfo.NoCRC64), for
	// protocols that do not report it: it saves hashing every byte once
	// more. Ignored when the content is indexed (see NoContentIndex).
	NoCRC64 bool
	// ChecksumType is "COMPOSITE" or "FULL_OBJECT" for a multipart upload;
	// "" picks the algorithm's default. Put ignores it.
	ChecksumType string
	// IfNoneMatch "*" makes the write fail with ErrPreconditionFailed when
	// the key exists; IfMatch makes it fail unless the current ETag matches.
	IfNoneMatch string
	IfMatch     string
	// Encryption encrypts the body at rest (multipart: every part; append:
	// when the first append creates the object, and CustomerKey is needed
	// by every append to an object sealed by one). Default: in clear.
	Encryption Encryption
	// Retention and LegalHold are the Object Lock settings of the new
	// version (multipart: applied at completion). Without a Retention the
	// bucket's default retention applies. A bucket without Object Lock
	// refuses them with ErrObjectLockNotEnabled.
	Retention Retention
	LegalHold bool
	// LegalHoldSet says the write gives the new version a legal hold
	// status even when LegalHold is off (S3's x-amz-object-lock-legal-hold:
	// OFF): GET and HEAD then report OFF, as for a version whose hold was
	// lifted (ObjectInfo.LegalHoldSet). Default: a status only when
	// LegalHold is on. Ignored in a bucket without Object Lock.
	LegalHoldSet bool
	// LastModified is the object's Last-Modified when it is before the
	// commit time (OSS mirror-back's MirrorUserLastModified keeps the
	// origin's). Default (zero), or a time not before the commit: the
	// commit time. Put only; the other writes ignore it.
	LastModified time.Time
}

// Tag limits (S3 and OSS agree).
const (
	MaxTags        = 10
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
)

// ValidateTags checks a tag set: at most MaxTags, unique keys of 1 to
// MaxTagKeyLen characters, values of at most MaxTagValueLen characters.
func ValidateTags(tags []Tag) error {
	if len(tags) > MaxTags {
		return fmt.Errorf("%w: %d tags, at most %d allowed", ErrInvalidTag, len(tags), MaxTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > MaxTagKeyLen:
			return fmt.Errorf("%w: key %q must be 1 to %d characters", ErrInvalidTag, t.Key, MaxTagKeyLen)
		case utf8.RuneCountInString(t.Value) > MaxTagValueLen:
			return fmt.Errorf("%w: value of %q longer than %d characters", ErrInvalidTag, t.Key, MaxTagValueLen)
		case !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value):
			return fmt.Errorf("%w: tag %q is not valid UTF-8", ErrInvalidTag, t.Key)
		case seen[t.Key]:
			return fmt.Errorf("%w: duplicate key %q", ErrInvalidTag, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// PutObject stores the body read from r under bucket/key, replacing any
// object there. size is the body length, or -1 when unknown. The body is
// streamed: at most one chunk is in memory. Nothing is visible until the
// whole body is stored and verified; on any error nothing changes.
func (e *Engine) PutObject(ctx context.Context, bucket, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error) {
	gp, err := e.enterPass(ctx)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer gp.leave()
	if err := checkPut(key, opts.Tags, e.opts.MaxKeyLength); err != nil {
		return ObjectInfo{}, err
	}
	if opts.ContentMD5 != nil && len(opts.ContentMD5) != 16 {
		return ObjectInfo{}, fmt.Errorf("%w: Content-MD5 must be 16 bytes", ErrInvalidArgument)
	}
	// Fail fast, before reading the body, on a missing bucket or a write
	// condition that already fails; both are checked again at commit.
	if err := e.checkWrite(bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil {
		return ObjectInfo{}, err
	}
	ck := opts.Checksum
	if ck == nil && opts.DefaultChecksum != "" {
		ck = &ChecksumInput{Algorithm: opts.DefaultChecksum}
	}
	encInfo, bk, err := e.startEncryption(ctx, opts.Encryption)
	if err != nil {
		return ObjectInfo{}, err
	}
	flags := ingestInline | ingestLendInline // rec is encoded (copied) before b.done
	if !opts.NoContentIndex || opts.ContentSHA1 != nil {
		flags |= ingestSHA1 // the content index keeps the CRC64 too
	} else if opts.NoCRC64 {
		flags |= ingestNoCRC64
	}
	gp.leave() // the commit enters again
	b, err := e.ingest(ctx, r, size, opts.ContentMD5, ck, opts.ContentType, flags, bk)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer b.done()
	if opts.ContentSHA1 != nil && !bytes.Equal(opts.ContentSHA1, b.sha1[:]) {
		return ObjectInfo{}, &DigestError{Algorithm: "SHA1"}
	}
	info := b.newInfo(bucket, key, &opts, ck, encInfo, bk)
	rec := objectRecord{info: info, inline: b.inline, extents: b.extents()}
	err = e.applyCtx(ctx, func(m *mutation) error {
		if err := e.checkWrite(bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil {
			return err
		}
		m.addBlob(b.blob)
		rec.info.LastModified = e.now()
		if t := opts.LastModified; !t.IsZero() && t.Before(rec.info.LastModified) {
			rec.info.LastModified = t.UTC()
		}
		if err := e.replaceObject(m, &rec); err != nil {
			return err
		}
		if err := m.eventCreated(&rec.info); err != nil {
			return err
		}
		if encInfo != nil || !b.hasSHA1 {
			return nil
		}
		holder, err := e.cachedBucket(bucket)
		if err != nil {
			return err
		}
		ref := contentObjectRef(bucket, key)
		if b.blob != nil {
			alg, sum := fullObjectChecksum(rec.info)
			ref = contentBlobRef(b.blob.id, alg, sum)
		}
		m.setContent(b.sha1[:], b.size, holder.owner, b.md5, b.crc64, ref) // the bucket owner's content
		return nil
	})
	return rec.info, err
}

// newInfo is the ObjectInfo of a new object whose body is b, written with
// opts: ck is the checksum computed (nil: none), encInfo and bk its
// sealing (nil: in clear). LastModified is left to the commit.
func (b *body) newInfo(bucket, key string, opts *PutOptions, ck *ChecksumInput, encInfo *EncryptionInfo, bk *bodyKey) ObjectInfo {
	info := ObjectInfo{
		Bucket:       bucket,
		Key:          key,
		Size:         b.size,
		ETag:         hex.EncodeToString(b.md5[:]),
		Metadata:     opts.Metadata,
		StorageClass: opts.StorageClass,
		ACL:          opts.ACL,
		Tags:         slices.Clone(opts.Tags),
		CRC64:        b.crc64,
		NoCRC64:      b.noCRC64,
		SHA1:         b.sha1Hex(),
		Owner:        opts.Owner,
		Dialect:      opts.Dialect,
		Retention:    opts.Retention,
		LegalHold:    opts.LegalHold,
		LegalHoldSet: opts.LegalHold || opts.LegalHoldSet,
	}
	info.User = maps.Clone(opts.User)
	info.Headers = maps.Clone(opts.Headers)
	info.fillContentType()
	if b.sum != nil {
		info.Checksums = map[checksum.Algorithm][]byte{ck.Algorithm: b.sum}
		info.ChecksumType = "FULL_OBJECT"
	}
	if encInfo != nil {
		info.Encryption = encInfo.withKey(b.keyID(), bk.sealed)
		info.SHA1 = "" // never found by content
		if opts.Encryption.OpaqueETag {
			info.ETag = randomETag()
		}
	}
	return info
}

// checkPut checks what every write of a new body checks first: the key
// (at most maxKey bytes) and the tags are valid.
func checkPut(key string, tags []Tag, maxKey int) error {
	if err := validateKey(key, maxKey); err != nil {
		return err
	}
	return ValidateTags(tags)
}

// checkWrite verifies that the bucket exists and that the write conditions
// hold for the current object.
func (e *Engine) checkWrite(bucket, key, ifNoneMatch, ifMatch string) error {
	if ifNoneMatch == "" && ifMatch == "" {
		_, err := e.cachedBucket(bucket)
		return err
	}
	cur, err := e.objectRecord(e.db, bucket, key, false)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNoSuchKey) {
		return err
	}
	return writeConditions(&cur.info, exists, bucket, key, ifNoneMatch, ifMatch)
}

// writeConditions judges a write's If-None-Match and If-Match against
// the current object cur (exists false: there is none).
func writeConditions(cur *ObjectInfo, exists bool, bucket, key, ifNoneMatch, ifMatch string) error {
	if ifNoneMatch != "" && exists && etagListMatches(ifNoneMatch, cur.ETag) {
		return fmt.Errorf("%w: %s/%s exists", ErrPreconditionFailed, bucket, key)
	}
	if ifMatch != "" {
		if !exists {
			return fmt.Errorf("%w: %s/%s", ErrNoSuchKey, bucket, key)
		}
		if !etagListMatches(ifMatch, cur.ETag) {
			return fmt.Errorf("%w: ETag of %s/%s does not match", ErrPreconditionFailed, bucket, key)
		}
	}
	return nil
}

// replaceObject writes rec in m, dropping the references of the object it
// replaces. The caller holds e.mu.
func (e *Engine) replaceObject(m *mutation, rec *objectRecord) error {
	st, err := e.versioningLocked(rec.info.Bucket)
	if err != nil {
		return err
	}
	if err := e.applyLock(rec); err != nil {
		return err
	}
	if st != VersioningOff {
		// A new version replaces nothing: the retention of the versions
		// below it is not touched.
		return e.writeVersion(m, rec, st)
	}
	if err := e.checkOverwrite(rec.info.Bucket, rec.info.Key); err != nil {
		return err
	}
	rec.info.VersionID, rec.nullStamp = "", stamp{}
	if err := e.queueReplication(m, rec); err != nil {
		return err
	}
	return e.replaceRecord(m, objectKey(rec.info.Bucket, rec.info.Key), rec)
}

// replaceRecord writes rec (an object or a part) at k, moving blob
// references from the record it replaces to rec. The caller holds e.mu.
func (e *Engine) replaceRecord(m *mutation, k []byte, rec *objectRecord) error {
	// The replaced body's references and content-index entry go; nothing
	// else of it is needed.
	if prev, ok, err := getObjectFields(e.db, k, true, false, &briefDecode{skips: &replacedSkips}); err != nil {
		return err
	} else if m.notePrior(k, &prev, ok); ok {
		m.ref(prev.extents, -1)
		prev.info.Bucket, prev.info.Key = rec.info.Bucket, rec.info.Key
		if err := m.dropObjectContent(&prev, rec); err != nil {
			return err
		}
	}
	m.ref(rec.extents, +1)
	return m.setRecord(k, rec)
}

// recordBufs holds buffers for setRecord's encodings.
var recordBufs = sync.Pool{New: func() any { return new([]byte) }}

// setRecord sets k to rec's encoding, encoded into a pooled buffer: the
// batch keeps a copy, so an object write allocates no record buffer of
// its own (a small body's bytes are in the record).
func (m *mutation) setRecord(k []byte, rec *objectRecord) error {
	bp := recordBufs.Get().(*[]byte)
	*bp = rec.appendEncoded((*bp)[:0])
	err := m.b.Set(k, *bp, nil)
	if cap(*bp) <= 1<<20 { // a record with a large inline body or many parts is not kept
		recordBufs.Put(bp)
	}
	return err
}

// HeadObject returns an object's info, or ErrNoSuchBucket / ErrNoSuchKey.
// It follows a symlink once, like GetObject, and reports the restore state
// of archived objects.
func (e *Engine) HeadObject(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	return e.HeadObjectVersion(ctx, bucket, key, "")
}

// DeleteOptions are the inputs of DeleteObject. The zero value deletes
// unconditionally.
type DeleteOptions struct {
	// IfMatch, when set ("*" or a list of ETags), deletes only when the
	// current object's ETag matches: a mismatch fails with
	// ErrPreconditionFailed and a missing key with ErrNoSuchKey (S3's
	// conditional delete). With VersionID it is checked against that
	// version instead: a mismatch, or a delete marker (which has no
	// ETag, "*" included), fails with ErrPreconditionFailed and a missing
	// version with ErrNoSuchVersion. The check and the delete are one
	// atomic step.
	IfMatch string
	// IfLastModified (zero: none) and IfSize (nil: none), S3 Express One
	// Zone's x-amz-if-match-last-modified-time and x-amz-if-match-size,
	// delete only while the object's (or the version's, with VersionID)
	// modification time, to the second, and size match:
	// ErrPreconditionFailed otherwise. Unlike IfMatch, a missing object
	// passes them. Checked in the same atomic step as the delete.
	IfLastModified time.Time
	IfSize         *int64
	// VersionID, when set, removes exactly that version (NullVersionID:
	// the null version); removing the latest makes the next one current,
	// and removing a missing version succeeds. Without it, a versioned
	// bucket gets a delete marker (a null one while suspended).
	VersionID string
	// Owner is the principal deleting: the owner of a delete marker.
	Owner string
	// BypassGovernance lets the delete of a version override its
	// GOVERNANCE-mode Object Lock retention (never a COMPLIANCE one or a
	// legal hold). The caller checks the permission to bypass.
	BypassGovernance bool
}

// DeleteObject removes bucket/key. Deleting a missing key succeeds unless
// opts.IfMatch is set; a missing bucket is ErrNoSuchBucket. See
// DeleteObjectVersion for what happened in a versioned bucket.
func (e *Engine) DeleteObject(ctx context.Context, bucket, key string, opts DeleteOptions) error {
	_, err := e.DeleteObjectVersion(ctx, bucket, key, opts)
	return err
}

// deleteObject deletes bucket/key in m, after checking ifMatch when it is
// set, and queues the removal for the replication rules that replicate
// deletes. The caller holds e.mu.
func (e *Engine) deleteObject(m *mutation, bucket, key string, c deleteCond) error {
	return e.removeObject(m, bucket, key, c, true)
}

// removeObject is deleteObject; replicate false removes a replica, whose
// removal goes nowhere else.
func (e *Engine) removeObject(m *mutation, bucket, key string, c deleteCond, replicate bool) error {
	rec, err := e.objectRecord(e.db, bucket, key, true)
	if errors.Is(err, ErrNoSuchKey) && c.ifMatch == "" {
		return nil
	}
	if err != nil {
		return err
	}
	if err := c.check(&rec.info); err != nil {
		return err
	}
	if err := e.checkRetention(bucket, key, rec.info.LastModified); err != nil {
		return err
	}
	k := objectKey(bucket, key)
	m.notePrior(k, &rec, true)
	m.ref(rec.extents, -1)
	if err := m.dropObjectContent(&rec, nil); err != nil {
		return err
	}
	if err := m.forgetSchedule(bucket, key); err != nil {
		return err
	}
	if replicate {
		// A rule replicating deletes removes the key at its destination
		// too (not for a replica's removal: queueReplication skips those).
		removal := objectRecord{info: ObjectInfo{Bucket: bucket, Key: key, Tags: rec.info.Tags, DeleteMarker: true,
			ReplicationStatus: rec.info.ReplicationStatus}}
		if err := e.queueReplication(m, &removal); err != nil {
			return err
		}
	}
	return m.b.Delete(k, nil)
}

// DeleteResult is the outcome for one key of DeleteObjects.
type DeleteResult struct {
	Key string
	Err error // nil on success (including a key that did not exist)
	// VersionID is the version removed ("" when none was named).
	VersionID string
	// DeleteMarker says a delete marker was removed (VersionID set) or
	// made (DeleteMarkerVersionID set, NullVersionID for a null one).
	DeleteMarker          bool
	DeleteMarkerVersionID string
}

// DeleteObjects removes several keys of one bucket in one atomic batch and
// reports per key. A missing bucket fails the whole call.
func (e *Engine) DeleteObjects(ctx context.Context, bucket string, keys []string) ([]DeleteResult, error) {
	return e.deleteObjects(ctx, bucket, keys, "")
}

func (e *Engine) deleteObjects(ctx context.Context, bucket string, keys []string, owner string) ([]DeleteResult, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	out := make([]DeleteResult, len(keys))
	err := e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		done := map[string]bool{}
		for i, k := range keys {
			out[i].Key = k
			if err := validateKey(k, e.opts.MaxKeyLength); err != nil {
				out[i].Err = err
				continue
			}
			if done[k] {
				continue
			}
			done[k] = true
			res, err := e.deleteOne(m, bucket, k, DeleteOptions{Owner: owner})
			if isKeyError(err) {
				out[i].Err = err
				continue
			} else if err != nil {
				return err
			}
			out[i] = res
		}
		m.eventsRemoved(bucket, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MetadataDirective says where a copy's metadata comes from.
type MetadataDirective uint8

const (
	// MetadataCopy keeps the source's metadata (S3's default).
	MetadataCopy MetadataDirective = iota
	// MetadataReplace takes the metadata from CopyOptions.
	MetadataReplace
)

// CopyOptions are the inputs of CopyObject.
type CopyOptions struct {
	// SourcePin, when set, copies the source only while it is still the
	// object the caller authorized the copy against (checked in the
	// copy's own step); otherwise ErrCopySourceChanged, nothing changed.
	SourcePin         *SourcePin
	MetadataDirective MetadataDirective
	// CopyAnnotations copies the source version's S3 object annotations
	// to the copy once it is written (objannotation.go).
	CopyAnnotations bool
	// Metadata replaces the source's when MetadataDirective is MetadataReplace.
	Metadata Metadata
	// WebsiteRedirect is the copy's website redirect under MetadataCopy:
	// the source's is never copied, as S3 keeps it unique to each object
	// (under MetadataReplace it is Metadata's).
	WebsiteRedirect string
	// StorageClass of the copy; "" keeps the source's, or is
	// DefaultStorageClass when that is set.
	StorageClass string
	// DefaultStorageClass is the copy's class when StorageClass is ""
	// (S3: STANDARD, whatever the source's). A copy onto the source
	// itself still needs StorageClass, or another change, to be legal.
	DefaultStorageClass string
	// ACL of the copy; nil gives the default (private).
	ACL *ACL
	// Tags of the copy; nil copies the source's tags.
	Tags  *[]Tag
	Owner string
	// Dialect is the wire protocol of the copy (ObjectInfo.Dialect): the
	// copy's, not the source's, as its Owner is the copier.
	Dialect Dialect
	// Source conditions (x-amz-copy-source-if-*). A failure is
	// ErrPreconditionFailed.
	Source Conditions
	// Destination write conditions, as in PutOptions.
	IfNoneMatch, IfMatch string
	// DefaultChecksum, when the source has no flexible checksum, names a
	// full-object checksum computed by reading the source once and stored
	// with the copy (S3). Default "": the copy has the source's checksums.
	DefaultChecksum checksum.Algorithm
	// ChecksumAlgorithm (S3's x-amz-checksum-algorithm) gives the copy a
	// full-object checksum of this algorithm instead of the source's,
	// computed by reading the source once. Without it a source whose
	// checksum is COMPOSITE (a multipart upload's) is read to give the copy,
	// which is not multipart, the full-object checksum of the same
	// algorithm, as S3 does.
	ChecksumAlgorithm checksum.Algorithm
	// Encryption of the copy (default: in clear). The copy shares the
	// source's blobs, re-sealing their data keys, when both are sealed by
	// the key service or by the same customer key; otherwise the body is
	// re-encrypted by streaming it.
	Encryption Encryption
	// EncryptionAsked says the request named Encryption itself (S3's
	// x-amz-server-side-encryption headers, not a bucket default): a copy
	// onto itself is then allowed though the encryption stays the same,
	// its data keys sealed again (key rotation, as S3 allows).
	EncryptionAsked bool
	// SourceCustomerKey opens a source sealed by a customer key.
	SourceCustomerKey []byte
	// SourceVersionID copies that version of the source ("": the latest;
	// NullVersionID: the null version).
	SourceVersionID string
	// OnePart makes the copy of a source of several parts (multipart,
	// or grown by ExtendObject) an object of one part: its body is read
	// and written again, with an MD5 ETag and a full-object checksum of
	// the source's algorithm (S3 Express One Zone: a copy resets the
	// count of parts an append adds to). Other sources share their blobs
	// as ever.
	OnePart bool
	// MD5ETag gives the copy of a multipart source (one of several
	// parts) the MD5 of its body as its ETag and makes it an object of one
	// part (no PartSizes), the blobs still shared: the source is read once
	// to compute the MD5 unless its upload recorded it (ContentMD5). S3:
	// an object made by CopyObject has an MD5 ETag, whatever its source.
	// So does the copy of an SSE-KMS or SSE-C source (whose ETag may be
	// random, Encryption.OpaqueETag) that is not itself given an opaque
	// ETag: the source is read once for the MD5.
	MD5ETag bool
	// Retention and LegalHold are the Object Lock settings of the copy,
	// as in PutOptions; the source's are never copied.
	Retention    Retention
	LegalHold    bool
	LegalHoldSet bool
}

// sourceSum is a checksum computed over a copy source, valid while the
// source keeps its ETag and modification time.
type sourceSum struct {
	alg          checksum.Algorithm
	sum          []byte
	md5          []byte // the whole body's MD5 (sourceSum's md5 argument), else nil
	etag         string
	lastModified time.Time
}

// multipartSource reports whether info is a multipart object whose whole
// MD5 is unknown (its ETag is not an MD5).
func multipartSource(info ObjectInfo) bool {
	return len(info.PartSizes) > 0 && info.ContentMD5 == ""
}

// opaqueSource reports whether info is an object of one part whose ETag
// may be random rather than its MD5 (Encryption.OpaqueETag is given to
// SSE-KMS and SSE-C objects).
func opaqueSource(info ObjectInfo) bool {
	e := info.Encryption
	return e != nil && (e.Mode == EncryptKMS || e.Mode == EncryptCustomer) && len(info.PartSizes) == 0
}

// copyNeedsMD5 reports whether a copy of src under opts must read the
// source for the MD5 that becomes its ETag (CopyOptions.MD5ETag).
func copyNeedsMD5(src ObjectInfo, opts CopyOptions) bool {
	if !opts.MD5ETag || opts.OnePart {
		return false
	}
	return multipartSource(src) || opaqueSource(src) && !opts.Encryption.OpaqueETag
}

// checksumSource computes the checksum a copy of bucket/key gets when it
// cannot carry the source's own, by reading the source: alg when given;
// else the full-object form of a COMPOSITE checksum; else def when the
// source has no checksum. It returns nil when the copy keeps the source's
// checksums, and when the source cannot be read (the copy itself reports
// why).
// With md5 (copyNeedsMD5) it also reads a source whose ETag is not its
// MD5, for the copy's ETag.
func (e *Engine) checksumSource(ctx context.Context, bucket, key, versionID string, alg, def checksum.Algorithm, customer []byte, md5 func(ObjectInfo) bool) (*sourceSum, error) {
	// Decide on the record alone (one read, no snapshot): most copies
	// keep the source's checksums and read no body.
	info, err := e.HeadObjectVersion(ctx, bucket, key, versionID)
	if err != nil || info.Type == ObjectSymlink || copyChecksum(info, alg, def) == "" && !md5(info) {
		return nil, nil // a symlink is copied as the link: no body to sum
	}
	src, err := e.openEncrypted(ctx, bucket, key, GetOptions{VersionID: versionID}, true, customer)
	if err != nil {
		return nil, nil
	}
	defer src.Close()
	a := copyChecksum(src.Info, alg, def) // the object opened may be newer
	wantMD5 := md5(src.Info)
	if a == "" && !wantMD5 {
		return nil, nil
	}
	var ws []io.Writer
	var h, m hash.Hash
	if a != "" {
		h = a.New()
		ws = append(ws, h)
	}
	if wantMD5 {
		m = cmd5.New()
		ws = append(ws, m)
	}
	if _, err := src.WriteTo(io.MultiWriter(ws...)); err != nil {
		return nil, err
	}
	sum := &sourceSum{alg: a, etag: src.Info.ETag, lastModified: src.Info.LastModified}
	if h != nil {
		sum.sum = h.Sum(nil)
	}
	if m != nil {
		sum.md5 = m.Sum(nil)
	}
	return sum, nil
}

// copyChecksum is the algorithm a copy of src must compute ("" when it
// keeps src's checksums): alg when the request names one; else that of a
// COMPOSITE checksum, which a copy (not multipart) carries as a
// full-object one; else def when src has none.
func copyChecksum(src ObjectInfo, alg, def checksum.Algorithm) checksum.Algorithm {
	switch {
	case alg != "":
		return alg
	case len(src.Checksums) == 0:
		return def
	case src.ChecksumType == "COMPOSITE":
		for _, a := range checksum.Algorithms {
			if _, ok := src.Checksums[a]; ok {
				return a
			}
		}
	}
	return ""
}

// CopyObject copies src to dst without moving data: the copy references the
// source's blobs. A copy onto itself must change something (metadata with
// MetadataReplace, tags, website redirect or encryption) or name a storage
// class (any, the one it has included), else ErrInvalidCopyRequest; an ACL
// alone is no change.
// With opts.DefaultChecksum the source is read once to compute it when it
// has no checksum. An archived source without a readable restored copy is
// an *ArchivedError (ErrInvalidObjectState).
func (e *Engine) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts CopyOptions) (ObjectInfo, error) {
	for attempt := 0; ; attempt++ {
		info, err := e.copyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, opts)
		if errors.Is(err, errSourceChanged) && attempt < 3 {
			continue
		}
		return info, err
	}
}

func (e *Engine) copyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts CopyOptions) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	for _, k := range []string{srcKey, dstKey} {
		if err := validateKey(k, e.opts.MaxKeyLength); err != nil {
			return ObjectInfo{}, err
		}
	}
	if opts.Tags != nil {
		if err := ValidateTags(*opts.Tags); err != nil {
			return ObjectInfo{}, err
		}
	}
	self := srcBucket == dstBucket && srcKey == dstKey && opts.SourceVersionID == ""
	for _, a := range []checksum.Algorithm{opts.DefaultChecksum, opts.ChecksumAlgorithm} {
		if a != "" && !a.Valid() {
			return ObjectInfo{}, fmt.Errorf("%w: %w: %q", ErrInvalidArgument, checksum.ErrUnknownAlgorithm, string(a))
		}
	}
	computed, err := e.checksumSource(ctx, srcBucket, srcKey, opts.SourceVersionID, opts.ChecksumAlgorithm, opts.DefaultChecksum, opts.SourceCustomerKey,
		func(src ObjectInfo) bool { return copyNeedsMD5(src, opts) })
	if err != nil {
		return ObjectInfo{}, err
	}
	cp, perr := e.prepareCopy(ctx, srcBucket, srcKey, opts)
	if perr != nil {
		return ObjectInfo{}, perr
	}
	if cp.body != nil {
		defer cp.body.done()
	}
	var out, copied ObjectInfo
	err = e.applyCtx(ctx, func(m *mutation) error {
		src, err := e.objectVersion(e.db, srcBucket, srcKey, opts.SourceVersionID, true)
		if err != nil {
			return err
		}
		if err := opts.SourcePin.check(&src.info); err != nil {
			return err
		}
		copied = src.info
		copied.Bucket, copied.Key = srcBucket, srcKey
		if computed != nil && (src.info.ETag != computed.etag || !src.info.LastModified.Equal(computed.lastModified)) {
			return errSourceChanged
		}
		// An archived source is copied only from its restored copy (S3
		// and OSS alike: InvalidObjectState), even onto itself.
		e.restoreStatus(&src)
		if !readable(src) {
			return &ArchivedError{StorageClass: src.info.StorageClass, AccessTier: src.info.AccessTier, Bucket: srcBucket, Key: srcKey, Info: copied}
		}
		if cp.changed(&src) {
			return errSourceChanged
		}
		if err := opts.Source.evaluate(src.info, true); err != nil {
			return fmt.Errorf("%w: copy source %s/%s", err, srcBucket, srcKey)
		}
		if _, err := e.bucketRecord(e.db, dstBucket); err != nil {
			return err
		}
		if err := e.checkWrite(dstBucket, dstKey, opts.IfNoneMatch, opts.IfMatch); err != nil {
			return err
		}
		// Naming a storage class makes the copy legal even when it is the
		// class the object has: S3 does not compare it. An ACL does not:
		// S3 refuses a copy onto itself that only sets one.
		if self && opts.MetadataDirective != MetadataReplace && opts.StorageClass == "" &&
			opts.Tags == nil && opts.WebsiteRedirect == "" && !cp.changesEncryption() && !opts.EncryptionAsked {
			return fmt.Errorf("%w: %s/%s", ErrInvalidCopyRequest, srcBucket, srcKey)
		}
		dst := src
		dst.info.Bucket, dst.info.Key = dstBucket, dstKey
		dst.info.Owner, dst.info.Dialect = opts.Owner, opts.Dialect
		if opts.MetadataDirective == MetadataReplace {
			dst.info.Metadata = opts.Metadata
			dst.info.User = maps.Clone(opts.Metadata.User)
			dst.info.Headers = maps.Clone(opts.Metadata.Headers)
			dst.info.fillContentType()
		} else {
			dst.info.WebsiteRedirect = opts.WebsiteRedirect
		}
		switch {
		case opts.StorageClass != "":
			dst.info.StorageClass = opts.StorageClass
		case opts.DefaultStorageClass != "":
			dst.info.StorageClass = opts.DefaultStorageClass
		}
		dst.info.ACL = ACL{}
		if opts.ACL != nil {
			dst.info.ACL = *opts.ACL
		}
		if opts.Tags != nil {
			dst.info.Tags = slices.Clone(*opts.Tags)
		}
		dst.info.LastModified = e.now()
		if dst.info.Type == ObjectAppendable {
			dst.info.Type = ObjectNormal
		}
		dst.extents = slices.Clone(src.extents)
		dst.info.VersionID, dst.nullStamp = "", stamp{}
		// A new object: no restored copy, archive tier or recorded read
		// of the source's comes with it.
		dst.restoreReady, dst.restoreExpiry = time.Time{}, time.Time{}
		dst.info.Restore, dst.info.AccessTier, dst.info.LastAccess, dst.info.TransitionTime = nil, "", time.Time{}, time.Time{}
		dst.info.Retention, dst.info.LegalHold, dst.info.LegalHoldSet = opts.Retention, opts.LegalHold, opts.LegalHold || opts.LegalHoldSet
		if computed != nil && computed.alg != "" {
			dst.info.Checksums = map[checksum.Algorithm][]byte{computed.alg: computed.sum}
			dst.info.ChecksumType = "FULL_OBJECT"
			dst.info.PartChecksums = nil // the source's parts' checksums of another algorithm, or of the composite
		}
		if opts.MD5ETag && !opts.OnePart && len(dst.info.PartSizes) > 0 {
			// One part now: the ETag is the body's MD5 (read above, or
			// recorded by the upload).
			switch {
			case computed != nil && computed.md5 != nil:
				dst.info.ETag = hex.EncodeToString(computed.md5)
			case src.info.ContentMD5 != "":
				dst.info.ETag = src.info.ContentMD5
			default:
				return errSourceChanged // became multipart since it was read
			}
			dst.info.ContentMD5, dst.info.PartSizes, dst.info.PartChecksums = "", nil, nil
			if dst.info.ChecksumType == "COMPOSITE" {
				return errSourceChanged // copyChecksum recomputes a composite one
			}
		}
		cp.apply(m, &dst)
		if copyNeedsMD5(src.info, opts) && len(dst.info.PartSizes) == 0 && computed != nil && computed.md5 != nil {
			// The source's ETag may be random; the copy's is its MD5.
			dst.info.ETag = hex.EncodeToString(computed.md5)
		}
		if err := e.replaceObject(m, &dst); err != nil {
			return err
		}
		if err := m.eventCreated(&dst.info); err != nil {
			return err
		}
		out = dst.info
		out.CopiedVersionID = copied.VersionID
		return nil
	})
	if err == nil && opts.CopyAnnotations {
		err = e.copyAnnotations(ctx, copied, out, "")
	}
	return out, err
}

// ObjectUpdate changes an object's metadata in place. Nil fields are left
// alone.
type ObjectUpdate struct {
	Metadata     *Metadata
	StorageClass *string
	ACL          *ACL
	Tags         *[]Tag
	// VersionID updates that version ("": the latest object).
	VersionID string
	// Before, when not nil, receives the version as it was before the
	// update, read inside the same write (what changed, without a race
	// against another update).
	Before *ObjectInfo
	// Pin, when not nil, names the object (version) the caller
	// authorized the update against (its permission hangs on the
	// object's owner and ACL): the update goes ahead only while the key
	// (or VersionID) still holds that object, and fails with
	// ErrObjectChanged otherwise, changing nothing.
	Pin *SourcePin
}

// UpdateObject applies u to bucket/key without touching its body or ETag.
// Changing Metadata or StorageClass updates LastModified (as a copy onto
// itself does); ACL and tags do not.
func (e *Engine) UpdateObject(ctx context.Context, bucket, key string, u ObjectUpdate) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	if u.Tags != nil {
		if err := ValidateTags(*u.Tags); err != nil {
			return ObjectInfo{}, err
		}
	}
	var out ObjectInfo
	err := e.applyCtx(ctx, func(m *mutation) error {
		at := objectKey(bucket, key)
		var rec objectRecord
		if u.VersionID != "" {
			if _, err := e.objectVersion(e.db, bucket, key, u.VersionID, false); err != nil {
				return err
			}
			loc, _, err := e.findVersion(e.db, bucket, key, u.VersionID, true)
			if err != nil {
				return err
			}
			rec, at = loc.rec, loc.key
			if !loc.current {
				rec.nullStamp = stamp{} // the V/ key holds it
			}
		} else {
			v, ok, err := get(e.db, at)
			if err != nil {
				return err
			}
			if !ok {
				_, err := e.objectRecord(e.db, bucket, key, false)
				return err
			}
			if rec, err = decodeObject(v, true); err != nil {
				return err
			}
		}
		rec.info.Bucket, rec.info.Key = bucket, key
		if err := u.Pin.holds(&rec.info, bucket, key); err != nil {
			return err
		}
		if u.Before != nil {
			// Each change below replaces a field, never writes into
			// what the copy shares.
			*u.Before = rec.info
		}
		var before ObjectInfo // for the ACL's event
		if u.ACL != nil && m.events != nil {
			before = rec.info
		}
		if u.Metadata != nil {
			rec.info.Metadata = *u.Metadata
			rec.info.User = maps.Clone(u.Metadata.User)
			rec.info.Headers = maps.Clone(u.Metadata.Headers)
			rec.info.fillContentType()
			rec.info.LastModified = e.now()
		}
		if u.StorageClass != nil {
			rec.info.StorageClass = *u.StorageClass
			rec.info.LastModified = e.now()
		}
		if u.ACL != nil {
			rec.info.ACL = *u.ACL
		}
		if u.Tags != nil {
			rec.info.Tags = slices.Clone(*u.Tags)
		}
		if err := e.queueMetaReplication(m, &rec); err != nil {
			return err
		}
		out = rec.info
		if u.Tags != nil {
			if err := m.eventTagged(&rec.info); err != nil {
				return err
			}
		}
		if u.ACL != nil {
			if err := m.eventACL(&before, &rec.info); err != nil {
				return err
			}
		}
		return m.b.Set(at, rec.encode(), nil)
	})
	return out, err
}

// sameStorageClass reports whether two storage class names name one
// class: "" (none set) is the standard class, and S3's STANDARD is OSS's
// Standard.
func sameStorageClass(a, b string) bool {
	norm := func(c string) string {
		if c == "" {
			return "STANDARD"
		}
		return strings.ToUpper(c)
	}
	return norm(a) == norm(b)
}

// SourcePin names the copy source a caller authorized a copy against
// (its permission may hang on the object: its ACL, its tags): the copy
// goes ahead only while the source is still that object. The zero value
// means the caller found no source (a source that appeared since is a
// change). ObjectUpdate.Pin names an updated object alike. The version
// ID alone does not name an object (every object of a bucket without
// versioning is "null"), nor do its bytes and modification time (another
// account may write the same bytes at the same instant, on a clock that
// did not move): its owner and the dialect that wrote it, on which
// decisions hang, are compared too.
type SourcePin struct {
	Found        bool
	VersionID    string
	ETag         string
	LastModified time.Time
	Owner        string
	Dialect      Dialect
}

// check fails with ErrCopySourceChanged unless info, the source the copy
// reads, is the pinned object. A nil pin pins nothing.
func (p *SourcePin) check(info *ObjectInfo) error {
	if p == nil {
		return nil
	}
	if !p.matches(info) {
		return fmt.Errorf("%w: %s/%s", ErrCopySourceChanged, info.Bucket, info.Key)
	}
	return nil
}

// holds refuses, with ErrObjectChanged, an update of info (bucket/key)
// that p (ObjectUpdate.Pin, AnnotationOptions.Pin) pins to another
// object; nil p pins nothing.
func (p *SourcePin) holds(info *ObjectInfo, bucket, key string) error {
	if p != nil && !p.matches(info) {
		return fmt.Errorf("%w: %s/%s", ErrObjectChanged, bucket, key)
	}
	return nil
}

// matches reports whether info is the object p pins.
func (p *SourcePin) matches(info *ObjectInfo) bool {
	return p.Found && p.VersionID == info.VersionID && p.ETag == info.ETag && p.LastModified.Equal(info.LastModified) &&
		p.Owner == info.Owner && p.Dialect == info.Dialect
}
