package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/checksum"
)

// A completed upload leaves a record (D/<bucket>\x00<key>\x00<uploadID>)
// holding the result of its Complete, so that a client retrying that
// Complete (same upload ID, same parts) gets the same answer instead of
// ErrNoSuchUpload, as S3 answers for a while. The record expires after
// Options.CompletedUploadTTL on the engine clock; expired records are
// dropped when looked up and by Compact.

// completedRecord is what a completed-upload record holds.
type completedRecord struct {
	expiry      time.Time
	partsDigest [sha256.Size]byte
	checksumAlg checksum.Algorithm
	checksumTyp string
	result      objectRecord // info only: no body
}

func (r *completedRecord) encode() []byte {
	b := []byte{recordVersion}
	b = binary.AppendVarint(b, r.expiry.UnixNano())
	b = append(b, r.partsDigest[:]...)
	b = binary.AppendUvarint(b, uint64(len(r.checksumAlg)))
	b = append(b, r.checksumAlg...)
	b = binary.AppendUvarint(b, uint64(len(r.checksumTyp)))
	b = append(b, r.checksumTyp...)
	res := r.result
	res.extents, res.inline = nil, nil
	return append(b, res.encode()...)
}

func decodeCompleted(b []byte) (completedRecord, error) {
	var r completedRecord
	bad := fmt.Errorf("%w: completed-upload record", ErrCorrupt)
	if len(b) < 1 || b[0] != recordVersion {
		return r, bad
	}
	b = b[1:]
	ns, n := binary.Varint(b)
	if n <= 0 || len(b[n:]) < sha256.Size {
		return r, bad
	}
	r.expiry = time.Unix(0, ns).UTC()
	b = b[n:]
	copy(r.partsDigest[:], b)
	b = b[sha256.Size:]
	str := func() (string, bool) {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b[n:])) < l {
			return "", false
		}
		s := string(b[n : n+int(l)])
		b = b[n+int(l):]
		return s, true
	}
	alg, ok1 := str()
	typ, ok2 := str()
	if !ok1 || !ok2 {
		return r, bad
	}
	r.checksumAlg, r.checksumTyp = checksum.Algorithm(alg), typ
	res, err := decodeObject(b, false)
	if err != nil {
		return r, err
	}
	r.result = res
	return r, nil
}

// digestParts hashes a Complete's part list: numbers, ETags (without
// quotes, any case) and checksums.
func digestParts(parts []CompletePart) [sha256.Size]byte {
	h := sha256.New()
	for _, p := range parts {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(p.PartNumber))
		h.Write(n[:])
		h.Write([]byte(strings.ToLower(strings.Trim(p.ETag, `"`))))
		h.Write([]byte{0})
		h.Write(p.Checksum)
		h.Write([]byte{0})
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// recordCompletion writes the completed-upload record of a Complete.
func (e *Engine) recordCompletion(m *mutation, bucket, key, uploadID string, parts []CompletePart, up objectRecord, info ObjectInfo) error {
	if e.opts.CompletedUploadTTL <= 0 {
		return nil
	}
	r := completedRecord{expiry: e.now().Add(e.opts.CompletedUploadTTL), partsDigest: digestParts(parts),
		checksumAlg: up.checksumAlg, checksumTyp: up.info.ChecksumType, result: objectRecord{info: info}}
	return m.b.Set(completedKey(bucket, key, uploadID), r.encode(), nil)
}

// completion looks up the live completed-upload record of uploadID
// (ok false when there is none or it has expired).
func (e *Engine) completion(r pebble.Reader, bucket, key, uploadID string) (rec completedRecord, expired, ok bool, err error) {
	v, found, err := get(r, completedKey(bucket, key, uploadID))
	if err != nil || !found {
		return rec, false, false, err
	}
	if rec, err = decodeCompleted(v); err != nil {
		return rec, false, false, err
	}
	if e.now().After(rec.expiry) {
		return rec, true, false, nil
	}
	return rec, false, true, nil
}

// retryCompletion answers a Complete whose upload is gone: the stored
// result when uploadID was completed with the same parts, else
// ErrNoSuchUpload. It drops an expired record.
func (e *Engine) retryCompletion(m *mutation, bucket, key, uploadID string, parts []CompletePart) (ObjectInfo, error) {
	gone := fmt.Errorf("%w: %s", ErrNoSuchUpload, uploadID)
	rec, expired, ok, err := e.completion(e.db, bucket, key, uploadID)
	switch {
	case err != nil:
		return ObjectInfo{}, err
	case expired:
		if err := m.b.Delete(completedKey(bucket, key, uploadID), nil); err != nil {
			return ObjectInfo{}, err
		}
		return ObjectInfo{}, gone
	case !ok || rec.partsDigest != digestParts(parts):
		return ObjectInfo{}, gone
	}
	info := rec.result.info
	info.Bucket, info.Key = bucket, key
	return info, nil
}

// CompletedUpload describes an upload that was completed and whose result
// is still kept for retries (see Options.CompletedUploadTTL): its checksum
// algorithm and type, as Upload gave them before. It fails with
// ErrNoSuchUpload otherwise.
func (e *Engine) CompletedUpload(ctx context.Context, bucket, key, uploadID string) (UploadInfo, error) {
	if err := e.enter(ctx); err != nil {
		return UploadInfo{}, err
	}
	defer e.leave()
	rec, _, ok, err := e.completion(e.db, bucket, key, uploadID)
	if err != nil {
		return UploadInfo{}, err
	}
	if !ok {
		return UploadInfo{}, fmt.Errorf("%w: %s", ErrNoSuchUpload, uploadID)
	}
	return UploadInfo{Bucket: bucket, Key: key, UploadID: uploadID, ChecksumAlgorithm: rec.checksumAlg, ChecksumType: rec.checksumTyp}, nil
}

// recordAbort writes the aborted-upload record of uploadID: a
// completedRecord with only its expiry, under abortedKey, which shares
// the bucket's completed-upload prefix (dropped with the bucket, expired
// by dropExpiredCompletions) but is never read as a completion.
func (e *Engine) recordAbort(m *mutation, bucket, key, uploadID string) error {
	if e.opts.CompletedUploadTTL <= 0 {
		return nil
	}
	r := completedRecord{expiry: e.now().Add(e.opts.CompletedUploadTTL)}
	return m.b.Set(abortedKey(bucket, key, uploadID), r.encode(), nil)
}

// AbortedUpload reports whether uploadID was aborted by
// AbortMultipartUpload less than Options.CompletedUploadTTL ago: nil if
// so, ErrNoSuchUpload otherwise. An upload aborted by a lifecycle rule
// or with its bucket leaves no record.
func (e *Engine) AbortedUpload(ctx context.Context, bucket, key, uploadID string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	v, found, err := get(e.db, abortedKey(bucket, key, uploadID))
	if err != nil {
		return err
	}
	if found {
		rec, err := decodeCompleted(v)
		if err != nil {
			return err
		}
		if !e.now().After(rec.expiry) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrNoSuchUpload, uploadID)
}

// dropExpiredCompletions deletes the expired completed-upload and
// aborted-upload records (undecodable ones are left alone).
func (e *Engine) dropExpiredCompletions() error {
	prefix := []byte(prefixCompleted)
	return e.apply(func(m *mutation) error {
		it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
		if err != nil {
			return err
		}
		now := e.now()
		for ok := it.First(); ok; ok = it.Next() {
			v, err := it.ValueAndErr()
			if err != nil {
				it.Close()
				return err
			}
			rec, err := decodeCompleted(v)
			if errors.Is(err, ErrCorrupt) {
				continue // not ours to delete: Verify reports it
			}
			if err != nil {
				it.Close()
				return err
			}
			if now.After(rec.expiry) {
				if err := m.b.Delete(bytes.Clone(it.Key()), nil); err != nil {
					it.Close()
					return err
				}
			}
		}
		return it.Close()
	})
}
