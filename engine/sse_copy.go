package engine

import (
	"cmp"
	"context"
	"encoding/hex"
	"slices"
	"time"

	"github.com/osslite/osslite/pkg/checksum"
)

// copyPlan is what a copy does with the source's body when either end is
// encrypted, or when a source of several parts must become an object of
// one (CopyOptions.OnePart): share the blobs with re-sealed data keys, or
// stream the body into new blobs (re-encrypting it). It is made before the copy's
// mutation (key service calls and streaming happen outside the lock) and
// checked against the source at commit.
type copyPlan struct {
	planned bool // false: neither end is encrypted (metadata only, as ever)

	srcETag    string
	srcMod     time.Time
	srcExtents []extent

	enc       *EncryptionInfo    // the copy's encryption, keys included
	body      *body              // the re-encrypted body, when streamed
	opaque    bool               // Encryption.OpaqueETag
	different bool               // the encryption changes (a copy onto itself is allowed)
	onePart   bool               // body is the source's of several parts, as one part
	sumAlg    checksum.Algorithm // body.sum's, when onePart
}

// prepareCopy plans a copy of srcBucket/srcKey under opts.
func (e *Engine) prepareCopy(ctx context.Context, srcBucket, srcKey string, opts CopyOptions) (*copyPlan, error) {
	if err := e.checkEncryption(opts.Encryption); err != nil {
		return nil, err
	}
	src, err := e.objectVersion(e.db, srcBucket, srcKey, opts.SourceVersionID, true)
	if err != nil || src.info.Type == ObjectSymlink {
		// The copy reports an error; a symlink is copied as the link,
		// which has no body to seal (as OSS copies one).
		return &copyPlan{}, nil
	}
	srcEnc, srcKeyBytes := src.info.Encryption, opts.SourceCustomerKey
	if err := srcEnc.CheckCustomerKey(srcKeyBytes); err != nil {
		return nil, err
	}
	var dstEnc *EncryptionInfo
	dstKey := opts.Encryption.CustomerKey
	if opts.Encryption.Mode != EncryptNone {
		dstEnc = &EncryptionInfo{Mode: opts.Encryption.Mode, BucketKey: opts.Encryption.BucketKey, Cipher: opts.Encryption.Cipher}
		if dstEnc.Mode == EncryptKMS {
			dstEnc.KeyID, dstEnc.Context = opts.Encryption.KeyID, opts.Encryption.Context
		}
	}
	onePart := opts.OnePart && len(src.info.PartSizes) > 0
	if srcEnc == nil && dstEnc == nil && !onePart {
		return &copyPlan{}, nil
	}
	cp := &copyPlan{planned: true, srcETag: src.info.ETag, srcMod: src.info.LastModified,
		srcExtents: src.extents, opaque: opts.Encryption.OpaqueETag, onePart: onePart}
	if !onePart && resealable(srcEnc, srcKeyBytes, dstEnc, dstKey) {
		cp.different = !sameSealing(srcEnc, srcKeyBytes, dstEnc, dstKey) || srcEnc.BucketKey != dstEnc.BucketKey
		if cp.enc, err = e.reseal(ctx, srcEnc, srcKeyBytes, dstEnc, dstKey); err != nil {
			return nil, err
		}
		if cp.different && cp.enc.KeyID == srcEnc.KeyID && cp.enc.Mode == srcEnc.Mode && srcEnc.BucketKey == dstEnc.BucketKey {
			cp.different = false // an alias of the same KMS key
		}
		return cp, nil
	}
	cp.different = !onePart || !sameSealing(srcEnc, srcKeyBytes, dstEnc, dstKey)
	o, err := e.openEncrypted(ctx, srcBucket, srcKey, GetOptions{VersionID: opts.SourceVersionID}, true, srcKeyBytes)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	if o.Info.ETag != cp.srcETag || !o.Info.LastModified.Equal(cp.srcMod) {
		return nil, errSourceChanged
	}
	var bk *bodyKey
	if dstEnc != nil {
		if bk, err = e.newBodyKey(ctx, dstEnc, dstKey); err != nil {
			return nil, err
		}
	}
	var ck *ChecksumInput
	if onePart { // one part: a full-object checksum of the source's algorithm
		if cp.sumAlg = cmp.Or(opts.ChecksumAlgorithm, objectAlgorithm(&o.Info), opts.DefaultChecksum); cp.sumAlg != "" {
			ck = &ChecksumInput{Algorithm: cp.sumAlg}
		}
	}
	b, err := e.ingest(ctx, o, o.Length, nil, ck, src.info.ContentType, ingestInline|ingestSHA1, bk)
	if err != nil {
		return nil, err
	}
	cp.body = b
	if dstEnc != nil {
		cp.enc = dstEnc.withKey(b.keyID(), bk.sealed)
	}
	return cp, nil
}

// changed reports whether the source is no longer the one planned for.
func (cp *copyPlan) changed(src *objectRecord) bool {
	return cp.planned && (src.info.ETag != cp.srcETag || !src.info.LastModified.Equal(cp.srcMod) || !slices.Equal(src.extents, cp.srcExtents))
}

// changesEncryption reports whether the copy is encrypted otherwise than
// its source.
func (cp *copyPlan) changesEncryption() bool { return cp.planned && cp.different }

// apply gives dst (a copy of the source record) the planned body and
// encryption.
func (cp *copyPlan) apply(m *mutation, dst *objectRecord) {
	if !cp.planned {
		return
	}
	dst.info.Encryption = cp.enc
	if b := cp.body; b != nil {
		m.addBlob(b.blob)
		dst.inline, dst.extents = b.inline, b.extents()
		if cp.onePart {
			dst.info.ETag, dst.info.ContentMD5 = hex.EncodeToString(b.md5[:]), ""
			dst.info.PartSizes, dst.info.PartChecksums = nil, nil
			dst.info.Checksums, dst.info.ChecksumType = nil, ""
			if b.sum != nil {
				dst.info.Checksums, dst.info.ChecksumType = map[checksum.Algorithm][]byte{cp.sumAlg: b.sum}, "FULL_OBJECT"
			}
			if dst.info.Type == ObjectMultipart {
				dst.info.Type = ObjectNormal
			}
		}
		if cp.enc == nil && dst.info.Type == ObjectNormal {
			dst.info.SHA1 = b.sha1Hex()
		}
	}
	if cp.enc != nil {
		dst.info.SHA1 = ""
		if cp.opaque && dst.info.Type != ObjectMultipart {
			dst.info.ETag = randomETag()
		}
	}
}
