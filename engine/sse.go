package engine

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/emmansun/gmsm/sm4"
	"github.com/osslite/osslite/pkg/kms"
)

// Server-side encryption at rest.
//
// Every encrypted body (a Put, a part, an append, or a copy that had to be
// re-encrypted) gets its own random 256-bit data key. Each blob-log chunk
// of the body is sealed with AES-256-GCM under that key, with the nonce
// (blob ID, chunk index): a data key seals one blob, and a blob writes
// each chunk index once, so no nonce is ever reused under a key. An
// inline body is sealed whole with blob ID 0. The data key itself is
// stored only sealed, in the object record next to the blob it opens
// (fDataKey): by the key service (EncryptManaged, EncryptKMS) or by the
// customer's key (EncryptCustomer), which is never stored. Reading opens
// the data keys once per Object and checks each chunk's GCM tag: a
// tampered chunk is ErrCorrupt, never wrong bytes.

// EncryptionMode says who seals an object's data keys.
type EncryptionMode uint8

const (
	// EncryptNone stores the body in clear.
	EncryptNone EncryptionMode = iota
	// EncryptManaged seals data keys under Options.ManagedKeyID of
	// Options.Keys (S3's SSE-S3, OSS's AES256).
	EncryptManaged
	// EncryptKMS seals data keys under a key of Options.Keys the caller
	// names (S3's SSE-KMS, OSS's KMS).
	EncryptKMS
	// EncryptCustomer seals data keys under a key the caller supplies on
	// every request and the engine never stores (S3's SSE-C).
	EncryptCustomer
)

func (m EncryptionMode) String() string {
	switch m {
	case EncryptManaged:
		return "managed"
	case EncryptKMS:
		return "kms"
	case EncryptCustomer:
		return "customer"
	}
	return "none"
}

// DataCipher is the block cipher that seals an object's chunks (in GCM
// mode).
type DataCipher uint8

const (
	// CipherAES256 is AES-256-GCM (the default).
	CipherAES256 DataCipher = iota
	// CipherSM4 is SM4-GCM (OSS's SM4), with the first 128 bits of the
	// data key (github.com/emmansun/gmsm).
	CipherSM4
	// CipherAES256Dual is two layers of AES-256-GCM under two independent
	// data keys, each made and sealed by the key service (S3's dual-layer
	// SSE, aws:kms:dsse). EncryptKMS only, without bucket keys.
	CipherAES256Dual
)

// Encryption asks a write (PutOptions, CopyOptions, multipart creation,
// the first append) to encrypt the body. The zero value stores it in
// clear.
type Encryption struct {
	Mode EncryptionMode
	// KeyID names the master key for EncryptKMS, in any form the key
	// service accepts ("" is its default key).
	KeyID string
	// Context is the KMS encryption context, bound to every sealed data key.
	Context map[string]string
	// CustomerKey is the 32-byte key of EncryptCustomer.
	CustomerKey []byte
	// BucketKey (EncryptKMS only) seals data keys under a bucket key: a
	// key the key service makes (and seals) once per KMS key and
	// context and the engine reuses for many objects, so writes and reads
	// call the key service rarely (S3 bucket keys).
	BucketKey bool
	// OpaqueETag gives the object a random ETag instead of the body's MD5
	// (S3 does so for SSE-C and SSE-KMS objects, so that the ETag says
	// nothing about the plaintext). Multipart ETags are unchanged.
	OpaqueETag bool
	// Cipher seals the chunks. Default CipherAES256.
	Cipher DataCipher
}

// EncryptionInfo is how a stored object is encrypted (ObjectInfo.Encryption,
// nil for a clear object).
type EncryptionInfo struct {
	Mode EncryptionMode
	// KeyID is the ARN (or the key service's ID) of the KMS master key.
	KeyID     string
	Context   map[string]string
	BucketKey bool
	Cipher    DataCipher

	// keys holds the sealed data keys by blob ID (0: the inline body, or
	// an upload's key check).
	keys map[uint64][]byte
}

// customer reports whether info is sealed by a customer key.
func (i *EncryptionInfo) customer() bool { return i != nil && i.Mode == EncryptCustomer }

// CheckCustomerKey verifies that key opens the data keys of an
// EncryptCustomer object without reading its body (a HEAD needs the key
// too). It fails with ErrCustomerKeyRequired for a nil key,
// ErrCustomerKeyMismatch for another key and ErrEncryptionNotApplicable
// when the object is not sealed by a customer key but a key is given.
func (i *EncryptionInfo) CheckCustomerKey(key []byte) error {
	switch {
	case !i.customer() && key != nil:
		return ErrEncryptionNotApplicable
	case !i.customer():
		return nil
	case key == nil:
		return ErrCustomerKeyRequired
	}
	for _, sealed := range i.keys {
		_, err := openWithCustomerKey(key, sealed)
		return err
	}
	return nil
}

// clone returns a copy without the sealed keys.
func (i *EncryptionInfo) clone() *EncryptionInfo {
	if i == nil {
		return nil
	}
	return &EncryptionInfo{Mode: i.Mode, KeyID: i.KeyID, Context: maps.Clone(i.Context), BucketKey: i.BucketKey, Cipher: i.Cipher}
}

const dataKeySize = 32

// gcmOverhead is the tag every sealed chunk carries.
const gcmOverhead = 16

// chunkNonce is the nonce of chunk idx of blob id: unique under the
// blob's data key.
func chunkNonce(id uint64, idx uint32) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint64(n, id)
	binary.BigEndian.PutUint32(n[8:], idx)
	return n
}

func newGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidArgument, err)
	}
	return cipher.NewGCM(b)
}

// dataAEAD is the AEAD that seals chunks under a data key.
func dataAEAD(c DataCipher, key []byte) (cipher.AEAD, error) {
	if c == CipherAES256Dual {
		if len(key) != 2*dataKeySize {
			return nil, fmt.Errorf("%w: a dual-layer data key of %d bytes", ErrCorrupt, len(key))
		}
		inner, err := newGCM(key[:dataKeySize])
		if err != nil {
			return nil, err
		}
		outer, err := newGCM(key[dataKeySize:])
		if err != nil {
			return nil, err
		}
		return dualAEAD{inner, outer}, nil
	}
	if c == CipherSM4 {
		b, err := sm4.NewCipher(key[:16])
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(b)
	}
	return newGCM(key)
}

// customerAAD binds a data key sealed by a customer key to its purpose.
var customerAAD = []byte("osslite sse-c data key")

func sealWithCustomerKey(key, plain []byte) ([]byte, error) {
	g, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	return g.Seal(nonce, nonce, plain, customerAAD), nil
}

func openWithCustomerKey(key, sealed []byte) ([]byte, error) {
	g, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < g.NonceSize()+g.Overhead() {
		return nil, fmt.Errorf("%w: sealed data key too short", ErrCorrupt)
	}
	p, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], customerAAD)
	if err != nil {
		return nil, ErrCustomerKeyMismatch
	}
	return p, nil
}

// bodyKey is the data key of one body being written.
type bodyKey struct {
	aead   cipher.AEAD
	sealed []byte
}

// checkEncryption validates enc before any body is read.
func (e *Engine) checkEncryption(enc Encryption) error {
	switch enc.Mode {
	case EncryptNone:
	case EncryptCustomer:
		if len(enc.CustomerKey) != dataKeySize {
			return fmt.Errorf("%w: a customer key has %d bytes, not %d", ErrInvalidArgument, len(enc.CustomerKey), dataKeySize)
		}
	case EncryptManaged, EncryptKMS:
		if e.opts.Keys == nil {
			return ErrNoKeyService
		}
	default:
		return fmt.Errorf("%w: encryption mode %d", ErrInvalidArgument, enc.Mode)
	}
	if enc.Cipher > CipherAES256Dual {
		return fmt.Errorf("%w: data cipher %d", ErrInvalidArgument, enc.Cipher)
	}
	if enc.Cipher == CipherAES256Dual && (enc.Mode != EncryptKMS || enc.BucketKey) {
		return fmt.Errorf("%w: dual-layer encryption takes a KMS key and no bucket key", ErrInvalidArgument)
	}
	return nil
}

// startEncryption returns the EncryptionInfo of a new object written
// with enc and the key of its first body (nil, nil for a clear object). A
// KMS key that does not exist fails here, before the body is read.
func (e *Engine) startEncryption(ctx context.Context, enc Encryption) (*EncryptionInfo, *bodyKey, error) {
	if err := e.checkEncryption(enc); err != nil || enc.Mode == EncryptNone {
		return nil, nil, err
	}
	info := &EncryptionInfo{Mode: enc.Mode, KeyID: enc.KeyID, Context: maps.Clone(enc.Context), BucketKey: enc.BucketKey, Cipher: enc.Cipher}
	if enc.Mode != EncryptKMS {
		info.KeyID, info.Context = "", nil
	}
	bk, err := e.newBodyKey(ctx, info, enc.CustomerKey)
	if err != nil {
		return nil, nil, err
	}
	return info, bk, nil
}

// newBodyKey makes a fresh data key sealed as info says (for a KMS key,
// info.KeyID becomes the key's canonical ID).
func (e *Engine) newBodyKey(ctx context.Context, info *EncryptionInfo, customer []byte) (*bodyKey, error) {
	var plain, sealed []byte
	switch info.Mode {
	case EncryptCustomer:
		plain = make([]byte, dataKeySize)
		rand.Read(plain)
		var err error
		if sealed, err = sealWithCustomerKey(customer, plain); err != nil {
			return nil, err
		}
	case EncryptKMS, EncryptManaged:
		if e.opts.Keys == nil {
			return nil, ErrNoKeyService
		}
		if info.Mode == EncryptKMS && info.BucketKey {
			plain = make([]byte, dataKeySize)
			rand.Read(plain)
			var err error
			if sealed, err = e.sealUnderBucketKey(ctx, info, plain); err != nil {
				return nil, err
			}
			break
		}
		id := e.opts.ManagedKeyID
		if info.Mode == EncryptKMS {
			id = info.KeyID
		}
		layers := 1
		if info.Cipher == CipherAES256Dual {
			layers = 2 // two independent data keys, one per layer
		}
		var seals [][]byte
		for range layers {
			dk, err := e.opts.Keys.GenerateDataKey(ctx, id, info.Context)
			if err != nil {
				return nil, fmt.Errorf("engine: generating a data key: %w", err)
			}
			if len(dk.Plaintext) != dataKeySize {
				return nil, fmt.Errorf("engine: key service gave a %d-byte data key", len(dk.Plaintext))
			}
			if info.Mode == EncryptKMS && dk.KeyID != "" {
				info.KeyID = dk.KeyID
			}
			plain = append(plain, dk.Plaintext...)
			seals = append(seals, dk.Sealed)
		}
		sealed = joinSealed(seals)
	default:
		return nil, fmt.Errorf("%w: encryption mode %d", ErrInvalidArgument, info.Mode)
	}
	g, err := dataAEAD(info.Cipher, plain)
	if err != nil {
		return nil, err
	}
	return &bodyKey{aead: g, sealed: sealed}, nil
}

// openDataKey opens one sealed data key of info.
func (e *Engine) openDataKey(ctx context.Context, info *EncryptionInfo, customer, sealed []byte) ([]byte, error) {
	switch info.Mode {
	case EncryptCustomer:
		return openWithCustomerKey(customer, sealed)
	case EncryptManaged, EncryptKMS:
		if e.opts.Keys == nil {
			return nil, ErrNoKeyService
		}
		if info.Mode == EncryptKMS && info.BucketKey {
			return e.openUnderBucketKey(ctx, info, sealed)
		}
		id := e.opts.ManagedKeyID
		if info.Mode == EncryptKMS {
			id = info.KeyID
		}
		parts, err := splitSealed(sealed, info.Cipher)
		if err != nil {
			return nil, err
		}
		var plain []byte
		for _, part := range parts {
			p, err := e.opts.Keys.Decrypt(ctx, id, part, info.Context)
			if errors.Is(err, kms.ErrInvalidCiphertext) {
				return nil, fmt.Errorf("%w: a data key does not open: %w", ErrCorrupt, err)
			}
			if err != nil {
				return nil, fmt.Errorf("engine: opening a data key: %w", err)
			}
			plain = append(plain, p...)
		}
		return plain, nil
	}
	return nil, fmt.Errorf("%w: encryption mode %d", ErrCorrupt, info.Mode)
}

// sealDataKey seals plain as info says.
func (e *Engine) sealDataKey(ctx context.Context, info *EncryptionInfo, customer, plain []byte) ([]byte, error) {
	switch info.Mode {
	case EncryptCustomer:
		return sealWithCustomerKey(customer, plain)
	case EncryptManaged, EncryptKMS:
		if e.opts.Keys == nil {
			return nil, ErrNoKeyService
		}
		if info.Mode == EncryptKMS && info.BucketKey {
			return e.sealUnderBucketKey(ctx, info, plain)
		}
		id := e.opts.ManagedKeyID
		if info.Mode == EncryptKMS {
			id = info.KeyID
		}
		keys := [][]byte{plain}
		if info.Cipher == CipherAES256Dual {
			if len(plain) != 2*dataKeySize {
				return nil, fmt.Errorf("%w: a dual-layer data key of %d bytes", ErrCorrupt, len(plain))
			}
			keys = [][]byte{plain[:dataKeySize], plain[dataKeySize:]}
		}
		var seals [][]byte
		for _, k := range keys {
			dk, err := e.opts.Keys.Encrypt(ctx, id, k, info.Context)
			if err != nil {
				return nil, fmt.Errorf("engine: sealing a data key: %w", err)
			}
			if info.Mode == EncryptKMS && dk.KeyID != "" {
				info.KeyID = dk.KeyID
			}
			seals = append(seals, dk.Sealed)
		}
		return joinSealed(seals), nil
	}
	return nil, fmt.Errorf("%w: encryption mode %d", ErrInvalidArgument, info.Mode)
}

// withKey records a body's sealed data key under blob id in info (a
// copy: records share EncryptionInfo values).
func (i *EncryptionInfo) withKey(id uint64, sealed []byte) *EncryptionInfo {
	out := i.clone()
	out.keys = maps.Clone(i.keys)
	if out.keys == nil {
		out.keys = map[uint64][]byte{}
	}
	out.keys[id] = sealed
	return out
}

// bodyKeyID is the ID under which body b's data key is recorded.
func (b *body) keyID() uint64 {
	if b.blob != nil {
		return b.blob.id
	}
	return 0
}

// checkRead checks the customer key given for reading an object with
// info (see CheckCustomerKey).
func checkReadKey(info *EncryptionInfo, customer []byte) error {
	switch {
	case info.customer() && customer == nil:
		return ErrCustomerKeyRequired
	case !info.customer() && customer != nil:
		return ErrEncryptionNotApplicable
	}
	return nil
}

// unseal opens the data keys of o (whose record is encrypted) and
// decrypts an inline body. customer is the key of an EncryptCustomer
// object.
func (e *Engine) unseal(ctx context.Context, o *Object, customer []byte) error {
	info := o.Info.Encryption
	if err := checkReadKey(info, customer); err != nil {
		return err
	}
	if info == nil {
		return nil
	}
	o.aeads = make(map[uint64]cipher.AEAD, len(info.keys))
	for id, sealed := range info.keys {
		plain, err := e.openDataKey(ctx, info, customer, sealed)
		if err != nil {
			return err
		}
		g, err := dataAEAD(info.Cipher, plain)
		if err != nil {
			return err
		}
		o.aeads[id] = g
	}
	if o.inline != nil {
		g := o.aeads[0]
		if g == nil {
			return fmt.Errorf("%w: %s/%s has no key for its inline body", ErrCorrupt, o.Info.Bucket, o.Info.Key)
		}
		pt, err := g.Open(nil, chunkNonce(0, 0), o.inline, nil)
		if err != nil || int64(len(pt)) != o.Info.Size {
			return fmt.Errorf("%w: %s/%s: inline body fails authentication", ErrCorrupt, o.Info.Bucket, o.Info.Key)
		}
		o.inline = pt
		o.cur = pt[o.Offset : o.Offset+o.Length]
	}
	return nil
}

// openChunk decrypts, in place, a chunk read from the blob log.
func (o *Object) openChunk(blob uint64, idx int64, data []byte) ([]byte, error) {
	g := o.aeads[blob]
	if g == nil {
		return nil, fmt.Errorf("%w: %s/%s has no key for blob %d", ErrCorrupt, o.Info.Bucket, o.Info.Key, blob)
	}
	pt, err := g.Open(data[:0], chunkNonce(blob, uint32(idx)), data, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %s/%s: chunk %d of blob %d fails authentication", ErrCorrupt, o.Info.Bucket, o.Info.Key, idx, blob)
	}
	return pt, nil
}

// openEncrypted opens an object for reading with a customer key (nil for
// objects not sealed by one).
func (e *Engine) openEncrypted(ctx context.Context, bucket, key string, opts GetOptions, copySource bool, customer []byte) (*Object, error) {
	o, err := e.openPinned(bucket, key, opts, copySource)
	if err != nil {
		return nil, err
	}
	if err := e.unseal(ctx, o, customer); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

var sealPools sync.Map // chunk size -> *sync.Pool of *[]byte with room for a tag

// sealBuf returns a buffer for one sealed chunk.
func (e *Engine) sealBuf() *[]byte {
	p, _ := sealPools.LoadOrStore(e.opts.ChunkSize, &sync.Pool{New: func() any {
		b := make([]byte, 0, e.opts.ChunkSize+gcmOverhead)
		return &b
	}})
	return p.(*sync.Pool).Get().(*[]byte)
}

func (e *Engine) putSealBuf(b *[]byte) {
	if p, ok := sealPools.Load(cap(*b) - gcmOverhead); ok {
		p.(*sync.Pool).Put(b)
	}
}

// sameSealing reports whether data keys sealed as a (with customer key ka)
// are sealed as b would seal them (customer key kb), so they can be
// copied as they are.
func sameSealing(a *EncryptionInfo, ka []byte, b *EncryptionInfo, kb []byte) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if a.Mode != b.Mode {
		return false
	}
	switch a.Mode {
	case EncryptCustomer:
		return bytes.Equal(ka, kb)
	case EncryptKMS:
		return a.KeyID == b.KeyID && maps.Equal(a.Context, b.Context) && a.BucketKey == b.BucketKey && a.Cipher == b.Cipher
	}
	return true
}

// resealable reports whether a copy from src to dst may share the source's
// blobs, re-sealing their data keys: both are sealed by the key service
// (SSE-S3 and SSE-KMS, either way), or both by the same customer key, or
// neither is encrypted. Anything else (to or from clear, to or from a
// customer key, a customer key rotation) re-encrypts by streaming, so
// that a key the destination no longer trusts opens none of its bytes.
func resealable(src *EncryptionInfo, srcKey []byte, dst *EncryptionInfo, dstKey []byte) bool {
	switch {
	case src == nil || dst == nil:
		return src == nil && dst == nil
	case src.Cipher != dst.Cipher:
		return false // the blobs are sealed with another cipher
	case src.Mode == EncryptCustomer || dst.Mode == EncryptCustomer:
		return src.Mode == dst.Mode && bytes.Equal(srcKey, dstKey)
	}
	return true
}

// reseal returns dst with src's data keys re-sealed for dst (shared
// unchanged where the sealing is the same).
func (e *Engine) reseal(ctx context.Context, src *EncryptionInfo, srcKey []byte, dst *EncryptionInfo, dstKey []byte) (*EncryptionInfo, error) {
	if src == nil {
		return nil, nil
	}
	out := dst.clone()
	out.keys = make(map[uint64][]byte, len(src.keys))
	if sameSealing(src, srcKey, dst, dstKey) {
		maps.Copy(out.keys, src.keys)
		return out, nil
	}
	for _, id := range slices.Sorted(maps.Keys(src.keys)) {
		plain, err := e.openDataKey(ctx, src, srcKey, src.keys[id])
		if err != nil {
			return nil, err
		}
		if out.keys[id], err = e.sealDataKey(ctx, out, dstKey, plain); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// randomETag is an ETag that says nothing about the body (OpaqueETag).
func randomETag() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// partKey checks the customer key given for a part of an upload with
// encryption up and returns the part's data key (nil for a clear upload).
func (e *Engine) partKey(ctx context.Context, up *EncryptionInfo, customer []byte) (*bodyKey, error) {
	if err := up.CheckCustomerKey(customer); err != nil || up == nil {
		return nil, err
	}
	return e.newBodyKey(ctx, up.clone(), customer)
}

// partEncryption returns enc with only the keys of the blobs xs reference.
func partEncryption(enc *EncryptionInfo, xs []extent) *EncryptionInfo {
	out := enc.clone()
	out.keys = map[uint64][]byte{}
	for _, x := range xs {
		if k, ok := enc.keys[x.blob]; ok {
			out.keys[x.blob] = k
		}
	}
	return out
}

// appendKey returns the encryption of an appendable object (cur when it
// exists, else as enc asks) and the data key of the next append.
func (e *Engine) appendKey(ctx context.Context, cur *EncryptionInfo, exists bool, enc Encryption) (*EncryptionInfo, *bodyKey, error) {
	if !exists {
		return e.startEncryption(ctx, enc)
	}
	if err := cur.CheckCustomerKey(enc.CustomerKey); err != nil {
		return nil, nil, err
	}
	if cur == nil {
		return nil, nil, nil
	}
	info := cur.clone()
	bk, err := e.newBodyKey(ctx, info, enc.CustomerKey)
	return info, bk, err
}

// dualAEAD seals with inner, then seals that with outer: two layers of
// AES-256-GCM under independent keys (aws:kms:dsse). Both layers use the
// chunk's nonce; the keys differ, so no key sees a nonce twice.
type dualAEAD struct{ inner, outer cipher.AEAD }

func (d dualAEAD) NonceSize() int { return d.inner.NonceSize() }
func (d dualAEAD) Overhead() int  { return d.inner.Overhead() + d.outer.Overhead() }

func (d dualAEAD) Seal(dst, nonce, plaintext, ad []byte) []byte {
	return d.outer.Seal(dst, nonce, d.inner.Seal(nil, nonce, plaintext, ad), ad)
}

func (d dualAEAD) Open(dst, nonce, ciphertext, ad []byte) ([]byte, error) {
	mid, err := d.outer.Open(nil, nonce, ciphertext, ad)
	if err != nil {
		return nil, err
	}
	return d.inner.Open(dst, nonce, mid, ad)
}

// joinSealed stores the sealed data keys of a body: one, or two for a
// dual-layer body (the first prefixed with its length).
func joinSealed(seals [][]byte) []byte {
	if len(seals) == 1 {
		return seals[0]
	}
	out := binary.AppendUvarint(nil, uint64(len(seals[0])))
	return append(append(out, seals[0]...), seals[1]...)
}

// splitSealed is the inverse of joinSealed for a body of cipher c.
func splitSealed(sealed []byte, c DataCipher) ([][]byte, error) {
	if c != CipherAES256Dual {
		return [][]byte{sealed}, nil
	}
	n, w := binary.Uvarint(sealed)
	if w <= 0 || n > uint64(len(sealed)-w) {
		return nil, fmt.Errorf("%w: a dual-layer sealed key", ErrCorrupt)
	}
	return [][]byte{sealed[w : w+int(n)], sealed[w+int(n):]}, nil
}
