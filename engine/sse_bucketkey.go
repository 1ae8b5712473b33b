package engine

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/osslite/osslite/pkg/kms"
)

// SSE-KMS bucket keys. A data key of a BucketKey object is sealed with
// AES-256-GCM under a bucket key, and the record keeps, for each data
// key, the bucket key sealed by the key service followed by the data key
// sealed under the bucket key. Writers share a bucket key per (KMS key,
// encryption context) for bucketKeyUses data keys, then ask the key
// service for a new one; readers cache opened bucket keys by their
// sealed form.

// bucketKeyUses is how many data keys one bucket key seals.
const bucketKeyUses = 1 << 16

// maxOpenedBucketKeys bounds the readers' cache.
const maxOpenedBucketKeys = 1024

type bucketKeyCache struct {
	mu     sync.Mutex
	write  map[string]*kmsBucketKey // by KMS key ID and context
	opened map[string]cipher.AEAD
}

type kmsBucketKey struct {
	aead   cipher.AEAD
	sealed []byte // by the key service
	keyID  string // canonical, as the key service reported
	uses   int
}

var bucketKeyAAD = []byte("osslite bucket key: data key")

// writeKeyOf names the bucket key of info's KMS key and context.
func writeKeyOf(info *EncryptionInfo) string {
	b := binary.AppendUvarint(nil, uint64(len(info.KeyID)))
	b = append(b, info.KeyID...)
	for _, k := range slices.Sorted(maps.Keys(info.Context)) {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(info.Context[k])))
		b = append(b, info.Context[k]...)
	}
	return string(b)
}

// currentBucketKey returns the bucket key that seals info's next data key.
func (e *Engine) currentBucketKey(ctx context.Context, info *EncryptionInfo) (*kmsBucketKey, error) {
	c := &e.bucketKeys
	name := writeKeyOf(info)
	c.mu.Lock()
	if bk := c.write[name]; bk != nil && bk.uses < bucketKeyUses {
		bk.uses++
		c.mu.Unlock()
		return bk, nil
	}
	c.mu.Unlock()
	dk, err := e.opts.Keys.GenerateDataKey(ctx, info.KeyID, info.Context)
	if err != nil {
		return nil, fmt.Errorf("engine: generating a bucket key: %w", err)
	}
	g, err := newGCM(dk.Plaintext)
	if err != nil {
		return nil, err
	}
	bk := &kmsBucketKey{aead: g, sealed: dk.Sealed, keyID: dk.KeyID, uses: 1}
	c.mu.Lock()
	if c.write == nil {
		c.write = map[string]*kmsBucketKey{}
	}
	c.write[name] = bk
	c.mu.Unlock()
	return bk, nil
}

// sealUnderBucketKey seals a data key under the current bucket key.
func (e *Engine) sealUnderBucketKey(ctx context.Context, info *EncryptionInfo, plain []byte) ([]byte, error) {
	bk, err := e.currentBucketKey(ctx, info)
	if err != nil {
		return nil, err
	}
	if bk.keyID != "" {
		info.KeyID = bk.keyID
	}
	out := binary.AppendUvarint(nil, uint64(len(bk.sealed)))
	out = append(out, bk.sealed...)
	nonce := make([]byte, bk.aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return bk.aead.Seal(out, nonce, plain, bucketKeyAAD), nil
}

// openUnderBucketKey opens a data key sealed by sealUnderBucketKey.
func (e *Engine) openUnderBucketKey(ctx context.Context, info *EncryptionInfo, sealed []byte) ([]byte, error) {
	n, w := binary.Uvarint(sealed)
	if w <= 0 || uint64(len(sealed)-w) < n {
		return nil, fmt.Errorf("%w: sealed data key", ErrCorrupt)
	}
	sealedBK, rest := sealed[w:w+int(n)], sealed[w+int(n):]
	c := &e.bucketKeys
	c.mu.Lock()
	g := c.opened[string(sealedBK)]
	c.mu.Unlock()
	if g == nil {
		plain, err := e.opts.Keys.Decrypt(ctx, info.KeyID, sealedBK, info.Context)
		if errors.Is(err, kms.ErrInvalidCiphertext) {
			return nil, fmt.Errorf("%w: a bucket key does not open: %w", ErrCorrupt, err)
		}
		if err != nil {
			return nil, fmt.Errorf("engine: opening a bucket key: %w", err)
		}
		if g, err = newGCM(plain); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.opened == nil || len(c.opened) >= maxOpenedBucketKeys {
			c.opened = map[string]cipher.AEAD{}
		}
		c.opened[string(sealedBK)] = g
		c.mu.Unlock()
	}
	ns := g.NonceSize()
	if len(rest) < ns+g.Overhead() {
		return nil, fmt.Errorf("%w: sealed data key too short", ErrCorrupt)
	}
	p, err := g.Open(nil, rest[:ns], rest[ns:], bucketKeyAAD)
	if err != nil {
		return nil, fmt.Errorf("%w: a data key does not open under its bucket key", ErrCorrupt)
	}
	return p, nil
}
