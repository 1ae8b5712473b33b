package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
)

// ErrEncryptionNotUpdatable is an UpdateObjectEncryption of a version whose
// encryption cannot change in place: one stored in clear, or sealed by a
// customer key or with dual-layer encryption (S3 takes only SSE-S3 and
// SSE-KMS sources).
var ErrEncryptionNotUpdatable = errors.New("engine: the object's encryption cannot be updated in place")

// UpdateObjectEncryption seals version versionID ("": the current one) of
// bucket/key under the KMS key enc names (enc.Mode EncryptKMS; its
// BucketKey is honoured), without reading or writing its body: each data
// key of the version is opened and sealed again (S3's
// UpdateObjectEncryption). The ETag, checksums, modification time, storage
// class and archive state stay. The version must be sealed by the key
// service (SSE-S3 or SSE-KMS, else ErrEncryptionNotUpdatable) and not
// under an Object Lock retention or legal hold (ErrObjectLocked).
func (e *Engine) UpdateObjectEncryption(ctx context.Context, bucket, key, versionID string, enc Encryption) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	if enc.Mode != EncryptKMS || enc.Cipher == CipherAES256Dual || enc.KeyID == "" {
		return ObjectInfo{}, fmt.Errorf("%w: the new encryption is SSE-KMS under a named key", ErrInvalidArgument)
	}
	if err := e.checkEncryption(enc); err != nil {
		return ObjectInfo{}, err
	}
	for attempt := 0; ; attempt++ {
		info, err := e.updateObjectEncryption(ctx, bucket, key, versionID, enc)
		if errors.Is(err, errSourceChanged) && attempt < 3 {
			continue
		}
		return info, err
	}
}

func (e *Engine) updateObjectEncryption(ctx context.Context, bucket, key, versionID string, enc Encryption) (ObjectInfo, error) {
	rec, err := e.objectVersion(e.db, bucket, key, versionID, false)
	if err != nil {
		return ObjectInfo{}, err
	}
	rec.info.Bucket, rec.info.Key = bucket, key
	src := rec.info.Encryption
	if src == nil || src.Mode == EncryptCustomer || src.Cipher == CipherAES256Dual {
		return ObjectInfo{}, fmt.Errorf("%w: %s/%s is %s", ErrEncryptionNotUpdatable, bucket, key, encryptionName(src))
	}
	if err := e.checkUpdateLock(rec.info); err != nil {
		return ObjectInfo{}, err
	}
	// The data keys are opened and sealed before the metadata lock (the
	// key service is not called under it).
	want := &EncryptionInfo{Mode: EncryptKMS, KeyID: enc.KeyID, Context: maps.Clone(enc.Context), BucketKey: enc.BucketKey, Cipher: src.Cipher}
	next, err := e.reseal(ctx, src, nil, want, nil)
	if err != nil {
		return ObjectInfo{}, err
	}
	var out ObjectInfo
	err = e.rewriteVersion(ctx, bucket, rec.info, func(_ *mutation, cur *objectRecord) error {
		if !sameEncryption(cur.info.Encryption, src) || cur.info.ETag != rec.info.ETag || !cur.info.LastModified.Equal(rec.info.LastModified) {
			return errSourceChanged
		}
		if err := e.checkUpdateLock(cur.info); err != nil {
			return err
		}
		cur.info.Encryption = next
		out = cur.info
		out.Bucket, out.Key = bucket, key
		return nil
	})
	return out, err
}

// checkUpdateLock refuses a change to a version under an Object Lock
// retention or legal hold.
func (e *Engine) checkUpdateLock(info ObjectInfo) error {
	if info.LegalHold || info.Retention.active(e.now()) {
		return fmt.Errorf("%w: the encryption of %s/%s cannot change under Object Lock", ErrObjectLocked, info.Bucket, info.Key)
	}
	return nil
}

// sameEncryption reports whether a and b seal the same data keys the same
// way.
func sameEncryption(a, b *EncryptionInfo) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameSealing(a, nil, b, nil) && a.KeyID == b.KeyID && maps.EqualFunc(a.keys, b.keys, func(x, y []byte) bool { return string(x) == string(y) })
}

// encryptionName names an encryption in errors.
func encryptionName(i *EncryptionInfo) string {
	switch {
	case i == nil:
		return "not encrypted"
	case i.Mode == EncryptCustomer:
		return "encrypted with a customer-provided key (SSE-C)"
	case i.Cipher == CipherAES256Dual:
		return "encrypted with dual-layer encryption (DSSE-KMS)"
	}
	return i.Mode.String()
}
