package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/checksum"
)

// Multipart limits.
const (
	// MaxPartNumber is the highest part number: parts are numbered
	// 1..MaxPartNumber. UploadPart, UploadPartCopy, CompleteMultipartUpload
	// and ListParts (its marker) reject numbers outside that range with
	// ErrInvalidPartNumber.
	MaxPartNumber = 10000
	// DefaultMaxParts bounds a ListParts page; DefaultMaxUploads a
	// ListMultipartUploads page.
	DefaultMaxParts   = 1000
	DefaultMaxUploads = 1000
	// DefaultMinPartSize is the smallest size of every part but the last
	// that Complete accepts unless CompleteOptions says otherwise.
	DefaultMinPartSize = 5 << 20
)

// MultipartETag says how CompleteMultipartUpload combines the parts' MD5s
// into the object's ETag; either way it ends in "-<number of parts>".
type MultipartETag uint8

const (
	// ETagMD5OfDigests is hex(md5(the parts' binary MD5s concatenated)).
	ETagMD5OfDigests MultipartETag = iota
	// ETagMD5OfHexDigests is hex(md5(the parts' upper-case hex MD5s
	// concatenated)).
	ETagMD5OfHexDigests
)

const uploadIDLen = 32

// UploadInfo describes a multipart upload in progress.
type UploadInfo struct {
	Bucket, Key, UploadID string
	Initiated             time.Time
	Metadata
	StorageClass string
	ACL          ACL
	Tags         []Tag
	Owner        string
	// Initiator is who started the upload: Owner unless another was
	// recorded (PutOptions.Initiator).
	Initiator         string
	ChecksumAlgorithm checksum.Algorithm
	ChecksumType      string // "COMPOSITE" or "FULL_OBJECT" when an algorithm is set
	// Encryption is the upload's encryption; nil: in clear.
	Encryption *EncryptionInfo
}

// PartInfo describes an uploaded part.
type PartInfo struct {
	PartNumber   int
	ETag         string // hex MD5 of the part
	Size         int64
	LastModified time.Time
	CRC64        uint64
	NoCRC64      bool // see ObjectInfo.NoCRC64
	// Checksum is the part's flexible checksum (raw bytes) of the
	// upload's algorithm; from UploadPart, in an upload without one, that
	// of the algorithm the part was sent with (PartOptions.Checksum).
	Checksum []byte
	// Encryption is the part's (the upload's) encryption; nil: in clear.
	Encryption *EncryptionInfo
}

// CreateMultipartUpload starts an upload of bucket/key. Metadata, ACL, tags,
// storage class and checksum algorithm come from opts (ContentMD5 is
// ignored; set opts.Checksum.Algorithm to choose the algorithm and
// opts.ChecksumType for COMPOSITE or FULL_OBJECT). IfNoneMatch and IfMatch
// are checked against the current object now, as PutObject checks them
// (ErrPreconditionFailed); Complete checks its own conditions again.
func (e *Engine) CreateMultipartUpload(ctx context.Context, bucket, key string, opts PutOptions) (string, error) {
	if err := e.enter(ctx); err != nil {
		return "", err
	}
	defer e.leave()
	if err := validateKey(key, e.opts.MaxKeyLength); err != nil {
		return "", err
	}
	if err := ValidateTags(opts.Tags); err != nil {
		return "", err
	}
	rec := objectRecord{info: ObjectInfo{Metadata: opts.Metadata, StorageClass: opts.StorageClass, ACL: opts.ACL, Tags: slices.Clone(opts.Tags), Owner: opts.Owner, Dialect: opts.Dialect,
		Retention: opts.Retention, LegalHold: opts.LegalHold, LegalHoldSet: opts.LegalHold || opts.LegalHoldSet}}
	rec.info.User = maps.Clone(opts.User)
	rec.info.Headers = maps.Clone(opts.Headers)
	rec.wholeMD5 = opts.WholeMD5
	if opts.Initiator != opts.Owner {
		rec.initiator = opts.Initiator
	}
	rec.info.fillContentType()
	if opts.Checksum != nil {
		alg, err := checksum.ParseAlgorithm(string(opts.Checksum.Algorithm))
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrInvalidArgument, err)
		}
		rec.checksumAlg = alg
		rec.info.ChecksumType = opts.ChecksumType
		switch {
		case rec.info.ChecksumType == "" && alg == checksum.CRC64NVME:
			rec.info.ChecksumType = "FULL_OBJECT"
		case rec.info.ChecksumType == "":
			rec.info.ChecksumType = "COMPOSITE"
		case rec.info.ChecksumType == "FULL_OBJECT" && !alg.IsCRC(),
			rec.info.ChecksumType == "COMPOSITE" && alg == checksum.CRC64NVME,
			rec.info.ChecksumType != "FULL_OBJECT" && rec.info.ChecksumType != "COMPOSITE":
			return "", fmt.Errorf("%w: checksum type %q with %s", ErrInvalidArgument, opts.ChecksumType, alg)
		}
	}
	// The upload records its encryption and one sealed data key (a check
	// that each part comes with the same customer key).
	encInfo, bk, err := e.startEncryption(ctx, opts.Encryption)
	if err != nil {
		return "", err
	}
	if encInfo != nil {
		rec.info.Encryption = encInfo.withKey(0, bk.sealed)
	}
	id := e.newUploadID()
	err = e.applyCtx(ctx, func(m *mutation) error {
		if err := e.checkWrite(bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil {
			return err
		}
		var err error
		if rec.uploadBase, err = e.keyState(bucket, key); err != nil {
			return err
		}
		rec.info.LastModified = e.now()
		return m.b.Set(uploadKey(bucket, key, id), rec.encode(), nil)
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// newUploadID returns a URL-safe ID that sorts by creation time and carries
// 64 random bits.
func (e *Engine) newUploadID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(e.opts.Clock.Now().UnixNano()))
	_, _ = rand.Read(b[8:])
	return hex.EncodeToString(b[:])
}

// upload reads the upload record of bucket/key/uploadID.
func (e *Engine) upload(r pebble.Reader, bucket, key, uploadID string) (objectRecord, error) {
	if len(uploadID) == uploadIDLen {
		v, ok, err := get(r, uploadKey(bucket, key, uploadID))
		if err != nil {
			return objectRecord{}, err
		}
		if ok {
			rec, err := decodeObject(v, false)
			rec.info.Bucket, rec.info.Key = bucket, key
			return rec, err
		}
	}
	if _, err := e.bucketRecord(r, bucket); err != nil {
		return objectRecord{}, err
	}
	return objectRecord{}, fmt.Errorf("%w: %s for %s/%s", ErrNoSuchUpload, uploadID, bucket, key)
}

func uploadInfo(rec objectRecord, id string) UploadInfo {
	i := rec.info
	initiator := rec.initiator
	if initiator == "" {
		initiator = i.Owner
	}
	return UploadInfo{Bucket: i.Bucket, Key: i.Key, UploadID: id, Initiated: i.LastModified, Metadata: i.Metadata, StorageClass: i.StorageClass,
		ACL: i.ACL, Tags: i.Tags, Owner: i.Owner, Initiator: initiator, ChecksumAlgorithm: rec.checksumAlg, ChecksumType: i.ChecksumType, Encryption: i.Encryption}
}

// Upload returns the description of an upload in progress.
func (e *Engine) Upload(ctx context.Context, bucket, key, uploadID string) (UploadInfo, error) {
	if err := e.enter(ctx); err != nil {
		return UploadInfo{}, err
	}
	defer e.leave()
	rec, err := e.upload(e.db, bucket, key, uploadID)
	if err != nil {
		return UploadInfo{}, err
	}
	return uploadInfo(rec, uploadID), nil
}

func checkPartNumber(n int) error {
	if n < 1 || n > MaxPartNumber {
		return fmt.Errorf("%w: part number %d is not in 1..%d", ErrInvalidPartNumber, n, MaxPartNumber)
	}
	return nil
}

// PartOptions are the inputs of UploadPart.
type PartOptions struct {
	ContentMD5 []byte
	// Checksum is the part's flexible checksum. When the upload has an
	// algorithm the part's checksum is computed anyway; a different
	// algorithm here is a *PartChecksumError.
	Checksum *ChecksumInput
	// CompositeNeedsChecksum makes a part of a COMPOSITE-checksum upload
	// without Checksum a *PartChecksumError (S3: the parts' checksums are
	// what Complete combines, so each must be sent). Default false: the
	// part's checksum is computed.
	CompositeNeedsChecksum bool
	// DefaultChecksum, when the upload has no algorithm, is computed and
	// stored with the part (besides Checksum's, when the part is sent with
	// another algorithm), so that Complete (with
	// CompleteOptions.DefaultChecksum) can give the object a full-object
	// checksum, as S3 gives every upload created without an algorithm a
	// CRC64NVME whatever its parts were sent with. Default "": none.
	DefaultChecksum checksum.Algorithm
	// CustomerKey is the key of an upload created with EncryptCustomer
	// (required; ErrCustomerKeyMismatch when it is not the upload's).
	CustomerKey []byte
	// NoCRC64 skips the part's CRC-64/ECMA (PutOptions.NoCRC64); the
	// object completed from such a part has none either.
	NoCRC64 bool
}

// UploadPart stores part partNumber of an upload, replacing an earlier part
// with that number. The body is streamed like PutObject's.
func (e *Engine) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, r io.Reader, size int64, opts PartOptions) (PartInfo, error) {
	gp, err := e.enterPass(ctx)
	if err != nil {
		return PartInfo{}, err
	}
	defer gp.leave()
	if err := checkPartNumber(partNumber); err != nil {
		return PartInfo{}, err
	}
	up, err := e.upload(e.db, bucket, key, uploadID)
	if err != nil {
		return PartInfo{}, err
	}
	ck := opts.Checksum
	switch {
	case ck != nil && up.checksumAlg != "" && ck.Algorithm != up.checksumAlg:
		return PartInfo{}, &PartChecksumError{Upload: up.checksumAlg, Part: ck.Algorithm}
	case ck == nil && up.checksumAlg != "" && opts.CompositeNeedsChecksum && up.info.ChecksumType == "COMPOSITE":
		return PartInfo{}, &PartChecksumError{Upload: up.checksumAlg}
	case ck == nil && up.checksumAlg != "":
		ck = &ChecksumInput{Algorithm: up.checksumAlg}
	case ck == nil && opts.DefaultChecksum != "":
		ck = &ChecksumInput{Algorithm: opts.DefaultChecksum}
	case up.checksumAlg == "" && opts.DefaultChecksum != "" && ck.Algorithm != opts.DefaultChecksum:
		c := *ck
		c.also = opts.DefaultChecksum
		ck = &c
	}
	bk, err := e.partKey(ctx, up.info.Encryption, opts.CustomerKey)
	if err != nil {
		return PartInfo{}, err
	}
	var flags ingestFlags
	if opts.NoCRC64 {
		flags |= ingestNoCRC64
	}
	gp.leave() // the commit enters again
	b, err := e.ingest(ctx, r, size, opts.ContentMD5, ck, up.info.ContentType, flags, bk)
	if err != nil {
		return PartInfo{}, err
	}
	defer b.done()
	part := objectRecord{info: ObjectInfo{Size: b.size, ETag: hex.EncodeToString(b.md5[:]), CRC64: b.crc64, NoCRC64: b.noCRC64}, extents: b.extents()}
	if bk != nil && b.blob != nil {
		part.info.Encryption = up.info.Encryption.clone().withKey(b.blob.id, bk.sealed)
	}
	if b.sum != nil {
		part.info.Checksums = map[checksum.Algorithm][]byte{ck.Algorithm: b.sum}
		if b.alsoSum != nil {
			part.info.Checksums[ck.also] = b.alsoSum
		}
	}
	err = e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.upload(e.db, bucket, key, uploadID); err != nil {
			return err
		}
		m.addBlob(b.blob)
		part.info.LastModified = e.now()
		return e.putPart(m, bucket, uploadID, partNumber, &part)
	})
	if err != nil {
		return PartInfo{}, err
	}
	info := partInfo(partNumber, part, up.checksumAlg)
	if opts.Checksum != nil {
		info.Checksum = b.sum
	}
	return info, nil
}

// putPart writes a part record of bucket's upload, dropping the part it
// replaces.
func (e *Engine) putPart(m *mutation, bucket, uploadID string, n int, part *objectRecord) error {
	m.noteUpload(uploadID, bucket)
	return e.replaceRecord(m, partKey(uploadID, n), part)
}

// partInfo describes part n of an upload whose checksum algorithm is alg.
func partInfo(n int, r objectRecord, alg checksum.Algorithm) PartInfo {
	p := PartInfo{PartNumber: n, ETag: r.info.ETag, Size: r.info.Size, LastModified: r.info.LastModified, CRC64: r.info.CRC64, NoCRC64: r.info.NoCRC64, Encryption: r.info.Encryption}
	if alg != "" {
		p.Checksum = r.info.Checksums[alg]
	}
	return p
}

// PartCopyOptions are the inputs of UploadPartCopy.
type PartCopyOptions struct {
	// SourcePin is CopyOptions.SourcePin.
	SourcePin *SourcePin
	// Range selects bytes of the source; nil copies it all.
	Range *ByteRange
	// Source conditions (x-amz-copy-source-if-*): a failure is
	// ErrPreconditionFailed.
	Source Conditions
	// SourceCustomerKey opens a source sealed by a customer key;
	// CustomerKey is the upload's (as in PartOptions).
	SourceCustomerKey, CustomerKey []byte
	// SourceVersionID copies from that version of the source ("": the
	// latest).
	SourceVersionID string
	// DefaultChecksum is PartOptions.DefaultChecksum: computed and stored
	// with the part when the upload has no algorithm.
	DefaultChecksum checksum.Algorithm
}

// errSourceChanged makes UploadPartCopy retry when its source was replaced
// between hashing and commit.
var errSourceChanged = errors.New("engine: copy source changed")

// UploadPartCopy makes part partNumber from a range of an existing object.
// The part references the source's blobs (any byte range of them), so no
// body bytes are written; they are read once to compute the part's MD5 and
// checksums. An inline source is small and is written out as a new blob.
func (e *Engine) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, partNumber int, srcBucket, srcKey string, opts PartCopyOptions) (PartInfo, error) {
	if err := e.enter(ctx); err != nil {
		return PartInfo{}, err
	}
	defer e.leave()
	if err := checkPartNumber(partNumber); err != nil {
		return PartInfo{}, err
	}
	for attempt := 0; ; attempt++ {
		info, err := e.uploadPartCopy(ctx, bucket, key, uploadID, partNumber, srcBucket, srcKey, opts)
		if errors.Is(err, errSourceChanged) && attempt < 3 {
			continue
		}
		return info, err
	}
}

func (e *Engine) uploadPartCopy(ctx context.Context, bucket, key, uploadID string, partNumber int, srcBucket, srcKey string, opts PartCopyOptions) (PartInfo, error) {
	up, err := e.upload(e.db, bucket, key, uploadID)
	if err != nil {
		return PartInfo{}, err
	}
	upEnc := up.info.Encryption
	if err := upEnc.CheckCustomerKey(opts.CustomerKey); err != nil {
		return PartInfo{}, err
	}
	// A link is refused before the pin, and before its target's state,
	// the conditions or the range are judged: a caller decides a link on
	// its own record (ETag and time the link's), which the object read
	// through it is not. The pin is checked before the source's state,
	// conditions and range are judged, and before a byte is read: another
	// object there is decided again by the caller, not judged under a
	// decision (and a range) made for the one pinned. The commit checks
	// src is current.
	src, err := e.openEncrypted(ctx, srcBucket, srcKey, GetOptions{Range: opts.Range, Conditions: opts.Source, VersionID: opts.SourceVersionID,
		refuseLink: true, pin: opts.SourcePin}, true, opts.SourceCustomerKey)
	if err != nil {
		return PartInfo{}, err
	}
	defer src.Close()
	srcETag := src.Info.ETag
	part := objectRecord{info: ObjectInfo{Size: src.Length}}
	// partAlg is the checksum the part keeps: the upload's, or the default.
	partAlg := up.checksumAlg
	if partAlg == "" {
		partAlg = opts.DefaultChecksum
	}
	var nb *newBlob
	if src.inline != nil || !resealable(src.Info.Encryption, opts.SourceCustomerKey, upEnc, opts.CustomerKey) {
		// A small source, or one the upload's keys may not share: the part
		// is a new body, encrypted as the upload says.
		var bk *bodyKey
		if upEnc != nil {
			if bk, err = e.newBodyKey(ctx, upEnc.clone(), opts.CustomerKey); err != nil {
				return PartInfo{}, err
			}
		}
		var ck *ChecksumInput
		if partAlg != "" {
			ck = &ChecksumInput{Algorithm: partAlg}
		}
		b, err := e.ingest(ctx, src, src.Length, nil, ck, "", 0, bk)
		if err != nil {
			return PartInfo{}, err
		}
		defer b.done()
		nb = b.blob
		part.extents = b.extents()
		part.info.ETag = hex.EncodeToString(b.md5[:])
		part.info.CRC64 = b.crc64
		if b.sum != nil {
			part.info.Checksums = map[checksum.Algorithm][]byte{partAlg: b.sum}
		}
		if bk != nil && b.blob != nil {
			part.info.Encryption = upEnc.clone().withKey(b.blob.id, bk.sealed)
		}
	} else {
		part.extents = sliceExtents(src.extents, src.Offset, src.Length)
		if src.Info.Encryption != nil {
			enc, err := e.reseal(ctx, partEncryption(src.Info.Encryption, part.extents), opts.SourceCustomerKey, upEnc, opts.CustomerKey)
			if err != nil {
				return PartInfo{}, err
			}
			part.info.Encryption = enc
		}
		md := md5.New()
		crc := crc64.New(crc64Table)
		var ckHash hash.Hash
		ws := []io.Writer{md, crc}
		if partAlg != "" {
			ckHash = partAlg.New()
			ws = append(ws, ckHash)
		}
		if _, err := src.WriteTo(io.MultiWriter(ws...)); err != nil {
			return PartInfo{}, err
		}
		part.info.ETag = hex.EncodeToString(md.Sum(nil))
		part.info.CRC64 = crc.Sum64()
		if ckHash != nil {
			part.info.Checksums = map[checksum.Algorithm][]byte{partAlg: ckHash.Sum(nil)}
		}
	}
	err = e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.upload(e.db, bucket, key, uploadID); err != nil {
			return err
		}
		// The extents are only valid while the source still holds them.
		cur, err := e.objectVersion(e.db, srcBucket, srcKey, opts.SourceVersionID, true)
		if err != nil || cur.info.ETag != srcETag || !slices.Equal(cur.extents, src.extents) {
			return errSourceChanged
		}
		m.addBlob(nb)
		part.info.LastModified = e.now()
		return e.putPart(m, bucket, uploadID, partNumber, &part)
	})
	if err != nil {
		return PartInfo{}, err
	}
	return partInfo(partNumber, part, up.checksumAlg), nil
}

// sliceExtents returns the extents covering bytes [off, off+n) of xs.
func sliceExtents(xs []extent, off, n int64) []extent {
	var out []extent
	for _, x := range xs {
		if n == 0 {
			break
		}
		if off >= x.n {
			off -= x.n
			continue
		}
		take := min(x.n-off, n)
		out = append(out, extent{blob: x.blob, off: x.off + off, n: take})
		n -= take
		off = 0
	}
	return out
}

// CompletePart names one part in a CompleteMultipartUpload request.
type CompletePart struct {
	PartNumber int
	ETag       string // quoted or not, any case
	// Checksum, when set, must equal the part's stored checksum of
	// ChecksumAlgorithm: of the upload's algorithm a mismatch is
	// ErrInvalidPart; of another algorithm (a checksum the part may not
	// have) a *DigestError naming the part.
	Checksum []byte
	// ChecksumAlgorithm is Checksum's algorithm; "" means the upload's.
	ChecksumAlgorithm checksum.Algorithm
}

// CompleteOptions are the inputs of CompleteMultipartUpload.
type CompleteOptions struct {
	// MinPartSize is the smallest size of every part but the last.
	// Default DefaultMinPartSize; negative means no minimum.
	MinPartSize int64
	// ETag chooses the ETag formula. Default ETagMD5OfDigests.
	ETag MultipartETag
	// AllowNoParts lets an empty parts list complete the upload as an
	// empty object. Default false: no parts is ErrInvalidPart.
	AllowNoParts bool
	// Checksum, when set, is the expected checksum of the whole object (a
	// FULL_OBJECT type) or of the composite; a mismatch is ErrBadDigest.
	Checksum []byte
	// Destination write conditions, as in PutOptions. One that holds
	// while the key was written or deleted after the upload began is
	// ErrConditionalRequestConflict (S3), unless NoConflict.
	IfNoneMatch, IfMatch string
	// NoConflict judges the conditions against the object as it is
	// now only: a write during the upload is no conflict (OSS's
	// x-oss-forbid-overwrite, which refuses an existing object and
	// nothing else). Default false.
	NoConflict bool
	// DefaultChecksum, for an upload without an algorithm whose listed
	// parts all carry this CRC (PartOptions.DefaultChecksum), gives the
	// object their combination as a FULL_OBJECT checksum. Default "".
	DefaultChecksum checksum.Algorithm
	// ObjectSize, when set, is the size the client says the object will
	// have (S3's x-amz-mp-object-size); another total of the listed
	// parts is a *SizeMismatchError and completes nothing.
	ObjectSize *int64
}

// SizeMismatchError is a Complete refused because the listed parts do
// not add up to CompleteOptions.ObjectSize. It wraps ErrObjectSizeMismatch.
type SizeMismatchError struct {
	Expected, Actual int64
}

func (e *SizeMismatchError) Error() string {
	return fmt.Sprintf("%v: expected %d bytes, the parts hold %d", ErrObjectSizeMismatch, e.Expected, e.Actual)
}

// Unwrap returns ErrObjectSizeMismatch.
func (e *SizeMismatchError) Unwrap() error { return ErrObjectSizeMismatch }

// PartChecksumError is a part refused for its checksum: of another
// algorithm than its upload's, or missing (Part "") where the upload needs
// one (PartOptions.CompositeNeedsChecksum). It wraps ErrPartChecksum.
type PartChecksumError struct {
	Upload, Part checksum.Algorithm
}

func (e *PartChecksumError) Error() string {
	return fmt.Sprintf("%v: upload uses %s, part has %q", ErrPartChecksum, e.Upload, e.Part)
}

// Unwrap returns ErrPartChecksum.
func (e *PartChecksumError) Unwrap() error { return ErrPartChecksum }

// PartError says which part made Complete fail. It wraps ErrInvalidPart or
// ErrEntityTooSmall.
type PartError struct {
	Err        error
	PartNumber int
	ETag       string
	Size       int64 // for ErrEntityTooSmall
	MinSize    int64
}

func (e *PartError) Error() string { return fmt.Sprintf("%v: part %d", e.Err, e.PartNumber) }

// Unwrap lets errors.Is see the sentinel.
func (e *PartError) Unwrap() error { return e.Err }

// CompleteMultipartUpload assembles the listed parts into bucket/key. It
// moves no data: the object references the parts' blobs. Parts not listed
// are discarded, and the upload is gone afterwards. For
// Options.CompletedUploadTTL a retry with the same upload ID and the same
// parts returns the same result; other parts get ErrNoSuchUpload.
//
// The ETag follows opts.ETag (by default hex(md5(binary part MD5s))-N); the CRC64 is combined from the
// parts' CRCs; a flexible checksum is COMPOSITE (the checksum of the part
// checksums) or FULL_OBJECT (CRCs combined), as chosen at initiation.
func (e *Engine) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletePart, opts CompleteOptions) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	if opts.MinPartSize == 0 {
		opts.MinPartSize = DefaultMinPartSize
	}
	// An upload that wants the whole object's MD5 has its parts read now,
	// outside the mutation; the mutation then finds the same parts (it
	// checks each listed ETag, the part's MD5, again).
	var whole string
	if up, err := e.upload(e.db, bucket, key, uploadID); err == nil && up.wholeMD5 {
		if whole, err = e.partsMD5(ctx, uploadID, parts); err != nil {
			return ObjectInfo{}, err
		}
	}
	var out ObjectInfo
	var retryErr error
	err := e.applyCtx(ctx, func(m *mutation) error {
		up, err := e.upload(e.db, bucket, key, uploadID)
		if errors.Is(err, ErrNoSuchUpload) {
			// Commit (nil) so that an expired record's deletion sticks.
			out, retryErr = e.retryCompletion(m, bucket, key, uploadID, parts)
			if retryErr == nil {
				return m.eventCreated(&out) // a retry answered as done makes its event again
			}
			return nil
		}
		if err != nil {
			return err
		}
		if len(parts) == 0 && !opts.AllowNoParts {
			return fmt.Errorf("%w: no parts listed", ErrInvalidPart)
		}
		// Part keys hold 32-bit numbers: an unchecked number could name
		// another part's record (1 and 1+2^32) and list one part twice.
		for _, p := range parts {
			if err := checkPartNumber(p.PartNumber); err != nil {
				return err
			}
		}
		for i := 1; i < len(parts); i++ {
			if parts[i].PartNumber <= parts[i-1].PartNumber {
				return fmt.Errorf("%w: part %d after part %d", ErrInvalidPartOrder, parts[i].PartNumber, parts[i-1].PartNumber)
			}
		}
		if err := e.checkCompleteWrite(bucket, key, up, opts); err != nil {
			return err
		}
		rec := objectRecord{info: up.info}
		rec.info.Bucket, rec.info.Key = bucket, key
		if up.info.Encryption != nil {
			// The object's data keys are its parts' (the upload's key
			// check is not one of them).
			rec.info.Encryption = up.info.Encryption.clone()
			rec.info.Encryption.keys = map[uint64][]byte{}
		}
		rec.info.Type = ObjectMultipart
		rec.info.ChecksumType = ""
		md := md5.New()
		var composite hash.Hash
		var full []byte
		alg := up.checksumAlg
		if alg != "" && up.info.ChecksumType == "COMPOSITE" {
			composite = alg.New()
		}
		// def combines the parts' default checksums (nil once a part
		// lacks one).
		var def []byte
		useDef := alg == "" && opts.DefaultChecksum.IsCRC()
		// partSums and defSums are the parts' checksums of alg and of
		// opts.DefaultChecksum (ObjectInfo.PartChecksums).
		var partSums, defSums [][]byte
		for i, p := range parts {
			v, ok, err := get(e.db, partKey(uploadID, p.PartNumber))
			if err != nil {
				return err
			}
			if !ok {
				return &PartError{Err: ErrInvalidPart, PartNumber: p.PartNumber, ETag: p.ETag}
			}
			part, err := decodeObject(v, true)
			if err != nil {
				return err
			}
			if !strings.EqualFold(strings.Trim(p.ETag, `"`), part.info.ETag) {
				return &PartError{Err: ErrInvalidPart, PartNumber: p.PartNumber, ETag: p.ETag}
			}
			sum := part.info.Checksums[alg]
			switch other := p.ChecksumAlgorithm; {
			case other != "" && other != alg:
				if !bytes.Equal(p.Checksum, part.info.Checksums[other]) {
					return &DigestError{Algorithm: string(other), PartNumber: p.PartNumber}
				}
			case p.Checksum != nil && !bytes.Equal(p.Checksum, sum):
				return &PartError{Err: ErrInvalidPart, PartNumber: p.PartNumber, ETag: p.ETag}
			}
			if i < len(parts)-1 && part.info.Size < opts.MinPartSize {
				return &PartError{Err: ErrEntityTooSmall, PartNumber: p.PartNumber, ETag: p.ETag, Size: part.info.Size, MinSize: opts.MinPartSize}
			}
			raw, err := hex.DecodeString(part.info.ETag)
			if err != nil {
				return fmt.Errorf("%w: part ETag %q", ErrCorrupt, part.info.ETag)
			}
			if opts.ETag == ETagMD5OfHexDigests {
				md.Write([]byte(strings.ToUpper(part.info.ETag)))
			} else {
				md.Write(raw)
			}
			switch {
			case i == 0:
				rec.info.CRC64, rec.info.NoCRC64 = part.info.CRC64, part.info.NoCRC64
			case rec.info.NoCRC64 || part.info.NoCRC64: // one part without: the object has none
				rec.info.CRC64, rec.info.NoCRC64 = 0, true
			default:
				rec.info.CRC64 = checksum.CombineCRC64ECMA(rec.info.CRC64, part.info.CRC64, part.info.Size)
			}
			switch {
			case composite != nil:
				composite.Write(sum)
			case alg != "" && i == 0:
				full = sum
			case alg != "":
				if full, err = checksum.CombineCRC(alg, full, sum, part.info.Size); err != nil {
					return fmt.Errorf("%w: %w", ErrCorrupt, err)
				}
			}
			if ds, ok := part.info.Checksums[opts.DefaultChecksum]; useDef && ok && (i == 0 || def != nil) {
				if i == 0 {
					def = ds
				} else if def, err = checksum.CombineCRC(opts.DefaultChecksum, def, ds, part.info.Size); err != nil {
					return fmt.Errorf("%w: %w", ErrCorrupt, err)
				}
			} else {
				def = nil
			}
			partSums = append(partSums, sum)
			defSums = append(defSums, part.info.Checksums[opts.DefaultChecksum])
			rec.info.Size += part.info.Size
			rec.info.PartSizes = append(rec.info.PartSizes, part.info.Size)
			rec.extents = append(rec.extents, part.extents...)
			if rec.info.Encryption != nil && part.info.Encryption != nil {
				maps.Copy(rec.info.Encryption.keys, part.info.Encryption.keys)
			}
		}
		if opts.ObjectSize != nil && *opts.ObjectSize != rec.info.Size {
			return &SizeMismatchError{Expected: *opts.ObjectSize, Actual: rec.info.Size}
		}
		if rec.info.Size > 5<<40 {
			return fmt.Errorf("%w: %d bytes", ErrEntityTooLarge, rec.info.Size)
		}
		rec.info.ETag = fmt.Sprintf("%s-%d", hex.EncodeToString(md.Sum(nil)), len(parts))
		rec.info.ContentMD5 = whole
		if alg != "" {
			if composite != nil {
				full = composite.Sum(nil)
			}
			if opts.Checksum != nil && !bytes.Equal(opts.Checksum, full) {
				return &DigestError{Algorithm: string(alg)}
			}
			rec.info.Checksums = map[checksum.Algorithm][]byte{alg: full}
			rec.info.ChecksumType = up.info.ChecksumType
			rec.info.PartChecksums = partSums
		}
		if useDef && def != nil {
			rec.info.Checksums = map[checksum.Algorithm][]byte{opts.DefaultChecksum: def}
			rec.info.ChecksumType = "FULL_OBJECT"
			rec.info.PartChecksums = defSums
		}
		rec.info.LastModified = e.now()
		// The object takes a reference on every listed part's extents; the
		// upload's parts then drop theirs, so unlisted parts are freed.
		if err := e.replaceObject(m, &rec); err != nil {
			return err
		}
		if err := e.dropUpload(m, bucket, key, uploadID); err != nil {
			return err
		}
		if err := e.recordCompletion(m, bucket, key, uploadID, parts, up, rec.info); err != nil {
			return err
		}
		if err := m.eventCreated(&rec.info); err != nil {
			return err
		}
		out = rec.info
		return nil
	})
	if err == nil {
		err = retryErr
	}
	return out, err
}

// dropUpload releases every part of an upload and deletes its records.
func (e *Engine) dropUpload(m *mutation, bucket, key, uploadID string) error {
	prefix := partPrefix(uploadID)
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return err
	}
	var dropped droppedParts
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return err
		}
		part, err := decodeObject(v, true)
		if err != nil {
			it.Close()
			return err
		}
		dropped.parts++
		dropped.bytes += part.info.Size
		m.ref(part.extents, -1)
		// Point deletes: a range tombstone per upload would slow every
		// read while it sits in pebble's memtable (see deleteChunks).
		if err := m.b.Delete(it.Key(), nil); err != nil {
			it.Close()
			return err
		}
	}
	if err := it.Close(); err != nil {
		return err
	}
	m.dropParts(uploadID, bucket, dropped)
	return m.b.Delete(uploadKey(bucket, key, uploadID), nil)
}

// AbortMultipartUpload discards an upload and frees its parts. It leaves
// a record that the upload was aborted, kept as long as a completed
// upload's (Options.CompletedUploadTTL), so that AbortedUpload can tell
// an abort retried within that time from one of an unknown upload.
func (e *Engine) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.upload(e.db, bucket, key, uploadID); err != nil {
			return err
		}
		if err := e.dropUpload(m, bucket, key, uploadID); err != nil {
			return err
		}
		return e.recordAbort(m, bucket, key, uploadID)
	})
}

// ListPartsOptions are the inputs of ListParts.
type ListPartsOptions struct {
	// PartNumberMarker lists parts numbered after it; 0..MaxPartNumber,
	// 0 lists from the first part.
	PartNumberMarker int
	// MaxParts bounds the page; 0 means DefaultMaxParts, larger is capped.
	MaxParts int
}

// ListPartsResult is one page of parts.
type ListPartsResult struct {
	Upload               UploadInfo
	Parts                []PartInfo
	IsTruncated          bool
	NextPartNumberMarker int
}

// ListParts lists the parts of an upload in part-number order.
func (e *Engine) ListParts(ctx context.Context, bucket, key, uploadID string, opts ListPartsOptions) (ListPartsResult, error) {
	if err := e.enter(ctx); err != nil {
		return ListPartsResult{}, err
	}
	defer e.leave()
	if opts.PartNumberMarker < 0 || opts.PartNumberMarker > MaxPartNumber {
		return ListPartsResult{}, fmt.Errorf("%w: part number marker %d is not in 0..%d", ErrInvalidPartNumber, opts.PartNumberMarker, MaxPartNumber)
	}
	max := opts.MaxParts
	if max <= 0 || max > DefaultMaxParts {
		max = DefaultMaxParts
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	up, err := e.upload(snap, bucket, key, uploadID)
	if err != nil {
		return ListPartsResult{}, err
	}
	res := ListPartsResult{Upload: uploadInfo(up, uploadID)}
	prefix := partPrefix(uploadID)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return ListPartsResult{}, err
	}
	defer it.Close()
	start := prefix
	if opts.PartNumberMarker > 0 {
		start = partKey(uploadID, opts.PartNumberMarker+1)
	}
	for ok := it.SeekGE(start); ok; ok = it.Next() {
		if len(res.Parts) == max {
			res.IsTruncated = true
			break
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return ListPartsResult{}, err
		}
		part, err := decodeObject(v, false)
		if err != nil {
			return ListPartsResult{}, err
		}
		n := int(binary.BigEndian.Uint32(it.Key()[len(prefix):]))
		res.Parts = append(res.Parts, partInfo(n, part, up.checksumAlg))
		res.NextPartNumberMarker = n
	}
	return res, it.Error()
}

// ListUploadsOptions are the inputs of ListMultipartUploads.
type ListUploadsOptions struct {
	Prefix, Delimiter string
	// KeyMarker lists uploads of keys after it; with UploadIDMarker, also
	// the uploads of KeyMarker itself whose IDs sort after UploadIDMarker.
	KeyMarker, UploadIDMarker string
	// MaxUploads bounds the page; 0 means DefaultMaxUploads.
	MaxUploads int
}

// ListUploadsResult is one page of uploads in progress, ordered by key and
// then by initiation.
type ListUploadsResult struct {
	Uploads            []UploadInfo
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// ListMultipartUploads lists the uploads in progress in a bucket.
func (e *Engine) ListMultipartUploads(ctx context.Context, bucket string, opts ListUploadsOptions) (ListUploadsResult, error) {
	if err := e.enter(ctx); err != nil {
		return ListUploadsResult{}, err
	}
	defer e.leave()
	max := opts.MaxUploads
	if max <= 0 || max > DefaultMaxUploads {
		max = DefaultMaxUploads
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, err := e.bucketRecord(snap, bucket); err != nil {
		return ListUploadsResult{}, err
	}
	base := uploadPrefix(bucket)
	lower := append(bytes.Clone(base), opts.Prefix...)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: prefixEnd(lower)})
	if err != nil {
		return ListUploadsResult{}, err
	}
	defer it.Close()
	var seek []byte
	switch {
	case opts.KeyMarker != "" && opts.UploadIDMarker != "":
		seek = append(uploadKey(bucket, opts.KeyMarker, opts.UploadIDMarker), 0)
	case opts.KeyMarker != "":
		seek = append(append(bytes.Clone(base), opts.KeyMarker...), 1)
	}
	valid := it.First()
	if seek != nil {
		valid = it.SeekGE(seek)
	}
	var res ListUploadsResult
	for valid {
		k := it.Key()[len(base):]
		if len(k) < uploadIDLen+1 {
			return ListUploadsResult{}, fmt.Errorf("%w: upload key %q", ErrCorrupt, k)
		}
		key, id := string(k[:len(k)-uploadIDLen-1]), string(k[len(k)-uploadIDLen:])
		if opts.Delimiter != "" {
			if i := strings.Index(key[len(opts.Prefix):], opts.Delimiter); i >= 0 {
				cp := key[:len(opts.Prefix)+i+len(opts.Delimiter)]
				if cp > opts.KeyMarker || opts.KeyMarker == "" {
					if len(res.Uploads)+len(res.CommonPrefixes) == max {
						res.IsTruncated = true
						break
					}
					res.CommonPrefixes = append(res.CommonPrefixes, cp)
					res.NextKeyMarker, res.NextUploadIDMarker = cp, ""
				}
				next := prefixEnd(append(bytes.Clone(base), cp...))
				if next == nil {
					break
				}
				valid = it.SeekGE(next)
				continue
			}
		}
		if len(res.Uploads)+len(res.CommonPrefixes) == max {
			res.IsTruncated = true
			break
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return ListUploadsResult{}, err
		}
		rec, err := decodeObject(v, false)
		if err != nil {
			return ListUploadsResult{}, err
		}
		rec.info.Bucket, rec.info.Key = bucket, key
		res.Uploads = append(res.Uploads, uploadInfo(rec, id))
		res.NextKeyMarker, res.NextUploadIDMarker = key, id
		valid = it.Next()
	}
	if err := it.Error(); err != nil {
		return ListUploadsResult{}, err
	}
	if !res.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = "", ""
	}
	return res, nil
}

// AbortUploadsBefore aborts every upload in bucket initiated before t and
// returns how many it aborted (lifecycle AbortIncompleteMultipartUpload).
func (e *Engine) AbortUploadsBefore(ctx context.Context, bucket string, t time.Time) (int, error) {
	n := 0
	opts := ListUploadsOptions{}
	for {
		page, err := e.ListMultipartUploads(ctx, bucket, opts)
		if err != nil {
			return n, err
		}
		for _, u := range page.Uploads {
			if u.Initiated.Before(t) {
				err := e.AbortMultipartUpload(ctx, bucket, u.Key, u.UploadID)
				if err != nil && !errors.Is(err, ErrNoSuchUpload) {
					return n, err
				}
				if err == nil {
					n++
				}
			}
		}
		if !page.IsTruncated {
			return n, nil
		}
		opts.KeyMarker, opts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
}

// errNoWholeMD5: a part cannot be read for the whole object's MD5, which
// the object then goes without.
var errNoWholeMD5 = errors.New("engine: the whole object's MD5 cannot be computed")

// partsMD5 returns the hex MD5 of the listed parts of an upload, read in
// order, each on its own snapshot with its segments pinned ("" for parts
// sealed with a customer key); a part that is missing or has another ETag
// than listed is the PartError Complete would give.
func (e *Engine) partsMD5(ctx context.Context, uploadID string, parts []CompletePart) (string, error) {
	h := md5.New()
	for _, p := range parts {
		if err := checkPartNumber(p.PartNumber); err != nil {
			return "", err
		}
		if err := e.copyPart(ctx, h, uploadID, p); errors.Is(err, errNoWholeMD5) {
			return "", nil
		} else if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyPart writes the body of one listed part to w.
func (e *Engine) copyPart(ctx context.Context, w io.Writer, uploadID string, p CompletePart) error {
	epoch := e.pin()
	snap := e.db.NewSnapshot()
	release := func() {
		snap.Close()
		e.unpin(epoch)
	}
	v, ok, err := get(snap, partKey(uploadID, p.PartNumber))
	if err == nil && !ok {
		err = &PartError{Err: ErrInvalidPart, PartNumber: p.PartNumber, ETag: p.ETag}
	}
	if err != nil {
		release()
		return err
	}
	rec, err := decodeObject(v, true)
	if err == nil && !strings.EqualFold(strings.Trim(p.ETag, `"`), rec.info.ETag) {
		err = &PartError{Err: ErrInvalidPart, PartNumber: p.PartNumber, ETag: p.ETag}
	}
	if err != nil {
		release()
		return err
	}
	if rec.info.Encryption != nil && rec.info.Encryption.Mode == EncryptCustomer {
		release()
		return errNoWholeMD5 // the customer's key is not at hand
	}
	rec.info.StorageClass = "" // a part of an archive-class upload is read all the same
	o, err := e.openRecord(snap, rec, GetOptions{}, false)
	if err != nil {
		release()
		return err
	}
	o.epoch = epoch // o owns the snapshot and the pin now
	defer o.Close()
	if err := e.unseal(ctx, o, nil); err != nil {
		return err
	}
	_, err = io.Copy(w, o)
	return err
}
