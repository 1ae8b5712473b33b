package engine

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/osslite/osslite/pkg/checksum"
)

// This file holds ExtendObject, the appends of S3 Express One Zone
// (PutObject with x-amz-write-offset-bytes): any object grows, where
// OSS's AppendObject (special.go) grows appendable objects only.

// MaxObjectParts is the most parts an object may have: the parts of the
// multipart upload that made it (or its first write) and its appends.
const MaxObjectParts = 10000

// ExtendObject appends the body read from r (size bytes, or -1 when
// unknown) to bucket/key at offset, which must be the object's size;
// offset 0 on a key that holds no object creates it from opts, as
// PutObject would. Any object grows, normal, multipart or appendable, and
// keeps its type, metadata and encryption. Each append is one more part
// (ObjectInfo.PartSizes, whose first part is what the object held), at
// most MaxObjectParts. The object's full-object CRC checksum is combined
// with the append's without reading the object again; an object with a
// SHA checksum, or a COMPOSITE one, gets the COMPOSITE checksum of its
// parts' checksums (PartChecksums). An append without a checksum computes
// the object's algorithm. The ETag is opaque: a hash chained over the
// appends, with the part count after a dash. A body that was held in the
// object's record (a small one) moves into the blob log with the first
// append. Concurrent appends at one offset: one wins, the others get a
// *PositionError.
//
// Errors: an empty body is ErrEmptyAppend; offset > 0 on a missing key
// ErrNoSuchKey; an offset other than the size a *PositionError; a
// checksum of another algorithm than the object's a *PartChecksumError;
// user metadata for an existing object ErrAppendMetadata; an encryption
// mode other than the object's ErrEncryptionTypeMismatch; a part past
// MaxObjectParts ErrTooManyParts; a symlink ErrObjectNotAppendable.
// opts.IfMatch and opts.IfNoneMatch are checked as PutObject checks them.
func (e *Engine) ExtendObject(ctx context.Context, bucket, key string, offset int64, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error) {
	gp, err := e.enterPass(ctx)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer gp.leave()
	if err := checkPut(key, opts.Tags, e.opts.MaxKeyLength); err != nil {
		return ObjectInfo{}, err
	}
	switch {
	case size == 0:
		return ObjectInfo{}, ErrEmptyAppend
	case offset < 0:
		return ObjectInfo{}, fmt.Errorf("%w: write offset %d is negative", ErrInvalidArgument, offset)
	case opts.ContentMD5 != nil && len(opts.ContentMD5) != 16:
		return ObjectInfo{}, fmt.Errorf("%w: Content-MD5 must be 16 bytes", ErrInvalidArgument)
	case size > 0 && offset > MaxObjectSize-size:
		return ObjectInfo{}, fmt.Errorf("%w: %d bytes at %d exceed %d", ErrEntityTooLarge, size, offset, int64(MaxObjectSize))
	}
	var asked checksum.Algorithm
	if opts.Checksum != nil {
		asked = opts.Checksum.Algorithm
	}
	// check reads the object the append grows (exists false: offset 0 on
	// a free key) and refuses what cannot grow; before the body is read,
	// and again under the lock.
	check := func() (objectRecord, bool, error) {
		cur, err := e.objectRecord(e.db, bucket, key, true) // a missing bucket is ErrNoSuchBucket
		exists := err == nil
		if err != nil && !errors.Is(err, ErrNoSuchKey) {
			return cur, false, err
		}
		if err := writeConditions(&cur.info, exists, bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil {
			return cur, false, err
		}
		if !exists && offset != 0 {
			return cur, false, err
		}
		if !exists {
			return cur, false, nil
		}
		return cur, true, extendable(&cur.info, offset, asked, &opts)
	}
	first, exists, err := check()
	if err != nil {
		return ObjectInfo{}, err
	}
	enc, bk, err := e.appendKey(ctx, first.info.Encryption, exists, opts.Encryption)
	if err != nil {
		return ObjectInfo{}, err
	}
	ck := opts.Checksum
	if ck == nil {
		alg := opts.DefaultChecksum
		if exists {
			alg = objectAlgorithm(&first.info)
		}
		if alg != "" {
			ck = &ChecksumInput{Algorithm: alg}
		}
	}
	flags := ingestFlags(0) // an append goes to the blob log
	if !exists {
		flags = ingestInline
	}
	if opts.NoCRC64 || exists && first.info.NoCRC64 {
		flags |= ingestNoCRC64
	}
	gp.leave()
	b, err := e.ingest(ctx, r, size, opts.ContentMD5, ck, opts.ContentType, flags, bk)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer b.done()
	if err := gp.readmit(); err != nil {
		return ObjectInfo{}, err
	}
	if b.size == 0 {
		return ObjectInfo{}, ErrEmptyAppend
	}
	// A body held in the record moves into the blob log, under a data key
	// of its own, so that the append's extents can follow it.
	var moved *body
	var movedKey *bodyKey
	if exists && first.info.Size > 0 && len(first.extents) == 0 {
		if moved, movedKey, err = e.moveInline(ctx, bucket, key, &first, enc, opts.Encryption.CustomerKey); err != nil {
			return ObjectInfo{}, err
		}
		defer moved.done()
	}
	var out ObjectInfo
	extents := 0 // the record's, after the append
	err = e.applyCtx(ctx, func(m *mutation) error {
		cur, ex, err := check()
		if err != nil {
			return err
		}
		if ex != exists || ex && (cur.info.ETag != first.info.ETag || !cur.info.LastModified.Equal(first.info.LastModified)) {
			return fmt.Errorf("%w: %s/%s was replaced during the append", ErrConditionalRequestConflict, bucket, key)
		}
		var rec objectRecord
		if !ex {
			rec = objectRecord{info: b.newInfo(bucket, key, &opts, ck, enc, bk), inline: b.inline, extents: b.extents()}
		} else {
			if rec, err = extended(cur, b, moved, ck); err != nil {
				return err
			}
			if cur.info.Encryption != nil {
				info := cur.info.Encryption
				if moved != nil {
					info = info.withKey(moved.keyID(), movedKey.sealed)
					delete(info.keys, 0) // the record's body had key 0
				}
				rec.info.Encryption = info.withKey(b.keyID(), bk.sealed)
			}
			if moved != nil {
				m.addBlob(moved.blob)
			}
		}
		m.addBlob(b.blob)
		rec.info.LastModified = e.now()
		if err := e.replaceObject(m, &rec); err != nil {
			return err
		}
		if err := m.eventCreated(&rec.info); err != nil {
			return err
		}
		out = rec.info
		extents = len(rec.extents)
		return nil
	})
	if err == nil {
		e.coalesceAfterAppend(ctx, bucket, key, extents, opts.Encryption.CustomerKey)
	}
	return out, err
}

// extendable refuses an append at offset to the object info describes
// (see ExtendObject), before its body is read.
func extendable(info *ObjectInfo, offset int64, asked checksum.Algorithm, opts *PutOptions) error {
	switch {
	case info.Type == ObjectSymlink:
		return fmt.Errorf("%w: %s/%s is a symlink", ErrObjectNotAppendable, info.Bucket, info.Key)
	case offset != info.Size:
		return &PositionError{Length: info.Size}
	case len(opts.User) > 0:
		return ErrAppendMetadata
	case opts.Encryption.Mode != EncryptNone && (info.Encryption == nil || info.Encryption.Mode != opts.Encryption.Mode):
		return ErrEncryptionTypeMismatch
	case partCount(info) >= MaxObjectParts:
		return fmt.Errorf("%w: %s/%s has %d parts", ErrTooManyParts, info.Bucket, info.Key, partCount(info))
	}
	if alg := objectAlgorithm(info); alg != "" && asked != "" && asked != alg {
		return &PartChecksumError{Upload: alg, Part: asked}
	}
	return nil
}

// partCount is the number of parts of an object: its multipart upload's
// and appends', or 1.
func partCount(info *ObjectInfo) int {
	return max(len(info.PartSizes), 1)
}

// objectAlgorithm is the algorithm of the object's flexible checksum, ""
// when it has none.
func objectAlgorithm(info *ObjectInfo) checksum.Algorithm {
	for a := range info.Checksums {
		if len(info.Checksums) == 1 {
			return a
		}
	}
	return ""
}

// moveInline writes the body held in cur's record into the blob log,
// sealed as enc says under a new data key (returned with it).
func (e *Engine) moveInline(ctx context.Context, bucket, key string, cur *objectRecord, enc *EncryptionInfo, customer []byte) (*body, *bodyKey, error) {
	o, err := e.openEncrypted(ctx, bucket, key, GetOptions{}, true, customer)
	if err != nil {
		return nil, nil, err
	}
	defer o.Close()
	if o.Info.ETag != cur.info.ETag || !o.Info.LastModified.Equal(cur.info.LastModified) {
		return nil, nil, fmt.Errorf("%w: %s/%s was replaced during the append", ErrConditionalRequestConflict, bucket, key)
	}
	var bk *bodyKey
	if enc != nil {
		if bk, err = e.newBodyKey(ctx, enc, customer); err != nil {
			return nil, nil, err
		}
	}
	b, err := e.ingest(ctx, o, o.Length, nil, nil, cur.info.ContentType, ingestNoCRC64, bk)
	if err != nil {
		return nil, nil, err
	}
	return b, bk, nil
}

// extended is cur grown by the appended body b (moved: cur's record-held
// body, now in the blob log; ck: the append's checksum). Encryption is the
// caller's.
func extended(cur objectRecord, b, moved *body, ck *ChecksumInput) (objectRecord, error) {
	rec := cur
	i := &rec.info
	if moved != nil {
		rec.extents = moved.extents()
	}
	rec.inline = nil
	rec.extents = append(slices.Clip(rec.extents), b.extents()...)
	// An empty object of one part is replaced by the append's body, its
	// only part; any other gets one part more.
	whole := cur.info.Size == 0 && len(cur.info.PartSizes) == 0
	if whole {
		i.PartSizes = nil
	} else {
		sizes := cur.info.PartSizes
		if len(sizes) == 0 {
			sizes = []int64{cur.info.Size}
		}
		i.PartSizes = append(slices.Clip(sizes), b.size)
	}
	if err := extendChecksums(i, &cur.info, b, ck, whole); err != nil {
		return rec, err
	}
	chain := md5.New()
	chain.Write([]byte(cur.info.ETag))
	chain.Write(b.md5[:])
	i.ETag = hex.EncodeToString(chain.Sum(nil)) + "-" + strconv.Itoa(partCount(i))
	i.ContentMD5, i.SHA1 = "", ""
	switch {
	case cur.info.NoCRC64 || b.noCRC64:
		i.CRC64, i.NoCRC64 = 0, true
	case cur.info.Size == 0:
		i.CRC64 = b.crc64
	default:
		i.CRC64 = checksum.CombineCRC64ECMA(cur.info.CRC64, b.crc64, b.size)
	}
	i.Size += b.size
	if i.Size > MaxObjectSize {
		return rec, fmt.Errorf("%w: %d bytes exceed %d", ErrEntityTooLarge, i.Size, int64(MaxObjectSize))
	}
	return rec, nil
}

// extendChecksums sets i's checksums for cur grown by b (whole: b is the
// whole object now): a full-object CRC is combined; otherwise the parts'
// checksums, when all are known, make a COMPOSITE one; else the object
// has none.
func extendChecksums(i, cur *ObjectInfo, b *body, ck *ChecksumInput, whole bool) error {
	alg := objectAlgorithm(cur)
	i.Checksums, i.ChecksumType, i.PartChecksums = nil, "", nil
	if whole && alg == "" && ck != nil {
		alg = ck.Algorithm
	}
	if alg == "" || b.sum == nil {
		return nil
	}
	if whole {
		i.Checksums, i.ChecksumType = map[checksum.Algorithm][]byte{alg: b.sum}, "FULL_OBJECT"
		return nil
	}
	old := cur.Checksums[alg]
	var parts [][]byte // each part's checksum, when every one is known
	switch {
	case len(cur.PartSizes) == 0:
		parts = [][]byte{old}
	case len(cur.PartChecksums) == len(cur.PartSizes):
		parts = slices.Clone(cur.PartChecksums)
	}
	if parts != nil {
		parts = append(parts, b.sum)
	}
	switch {
	case alg.IsCRC() && cur.ChecksumType != "COMPOSITE":
		full, err := checksum.CombineCRC(alg, old, b.sum, b.size)
		if err != nil {
			return err
		}
		i.Checksums, i.ChecksumType = map[checksum.Algorithm][]byte{alg: full}, "FULL_OBJECT"
	case parts != nil:
		h := alg.New()
		for _, p := range parts {
			h.Write(p)
		}
		i.Checksums, i.ChecksumType = map[checksum.Algorithm][]byte{alg: h.Sum(nil)}, "COMPOSITE"
	default:
		return nil
	}
	i.PartChecksums = parts
	return nil
}
