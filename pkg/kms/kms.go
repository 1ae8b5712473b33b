// Package kms is a small key management service: named master keys that
// seal and open the data keys of encrypted objects, in the shape of AWS
// KMS's GenerateDataKey, Encrypt and Decrypt.
//
// The built-in service (New) derives every master key from one root key
// with HKDF-SHA256 and the key's name, so no master key is ever stored:
// whoever holds the root key can open every data key, and nobody else
// can. The root key must be kept apart from the data (an environment
// variable or a file of its own); lose it and every object encrypted
// under one of its keys is lost too.
//
// Key IDs are accepted in the forms AWS accepts: the key ID (a UUID),
// the key ARN (arn:aws:kms:region:account:key/ID), an alias (alias/name)
// and an alias ARN (arn:aws:kms:region:account:alias/name). An
// application can plug in a real KMS by implementing Service.
//
// # Errors
//
// ErrNotFound: the key ID names no key; the built-in service returns it
// as a *NotFoundError naming the ID. ErrInvalidCiphertext: a sealed
// data key does not open (tampered, another key, another encryption
// context). ErrDisabled and ErrPendingDeletion: the key is not enabled
// (SetKeyState); the built-in service returns them as a *KeyStateError
// naming the key's ARN.
package kms

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Sentinel errors, checked with errors.Is.
var (
	ErrNotFound          = errors.New("kms: key not found")
	ErrInvalidCiphertext = errors.New("kms: sealed data key does not open")
	ErrInvalidKeyName    = errors.New("kms: invalid key name")
	ErrRootKey           = errors.New("kms: root key must be 32 bytes")
	ErrDisabled          = errors.New("kms: key is disabled")
	ErrPendingDeletion   = errors.New("kms: key is pending deletion")
)

// KeyState is the state of a key of the built-in service (AWS KMS's
// KeyState): only an enabled key seals and opens data keys.
type KeyState int

// Key states.
const (
	KeyEnabled KeyState = iota
	KeyDisabled
	KeyPendingDeletion
)

// KeyStateError is the error of a key that is not enabled: errors.Is(err,
// ErrDisabled) or errors.Is(err, ErrPendingDeletion) holds for it, by
// State. ARN is the key's.
type KeyStateError struct {
	ARN   string
	State KeyState
}

func (e *KeyStateError) Error() string { return fmt.Sprintf("%v: %s", e.Unwrap(), e.ARN) }

// Unwrap returns ErrDisabled or ErrPendingDeletion.
func (e *KeyStateError) Unwrap() error {
	if e.State == KeyPendingDeletion {
		return ErrPendingDeletion
	}
	return ErrDisabled
}

// NotFoundError is the ErrNotFound of one key ID: errors.Is(err,
// ErrNotFound) holds for it. ARN is the key or alias ARN the ID names
// when it has one of the forms AWS accepts (a key ID, key ARN, alias or
// alias ARN), and empty for an ID of no such form, which AWS KMS answers
// as an invalid key ID rather than a missing key. Region is the region
// of such an ARN when it is not the service's, which AWS KMS answers as
// an invalid ARN; empty otherwise.
type NotFoundError struct {
	KeyID  string
	ARN    string
	Region string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%v: %q", ErrNotFound, e.KeyID) }

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// DataKey is a data key in clear and sealed under a master key.
type DataKey struct {
	// KeyID is the ARN of the master key that sealed it.
	KeyID string
	// Plaintext is the data key (32 bytes); never store it.
	Plaintext []byte
	// Sealed is the data key sealed under KeyID; store it with the data.
	Sealed []byte
}

// Service seals and opens data keys. An encryption context, when given,
// is bound to the sealed key: Decrypt needs the same one. Implementations
// must be safe for concurrent use.
type Service interface {
	// GenerateDataKey returns a fresh 32-byte data key sealed under keyID
	// ("" names the service's default key).
	GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (DataKey, error)
	// Encrypt seals plaintext (a data key) under keyID; re-sealing a data
	// key under another master key moves no object bytes.
	Encrypt(ctx context.Context, keyID string, plaintext []byte, encCtx map[string]string) (DataKey, error)
	// Decrypt opens a sealed data key that keyID sealed.
	Decrypt(ctx context.Context, keyID string, sealed []byte, encCtx map[string]string) ([]byte, error)
}

// Names every service built by New has.
const (
	// DefaultKey is the alias of the key used when a request names none
	// (S3's AWS managed key aws/s3).
	DefaultKey = "aws/s3"
	// ManagedKey is the key that seals the data keys of SSE-S3 / OSS
	// AES256 objects. It is not listed by Keys.
	ManagedKey = "osslite/sse-s3"
)

// Options configures New.
type Options struct {
	// RootKey derives every master key. Required: 32 bytes.
	RootKey []byte
	// Keys are key names (aliases without "alias/") created at start, in
	// addition to DefaultKey.
	Keys []string
	// Region and Account make the ARNs. Defaults "us-east-1" and
	// "000000000000".
	Region, Account string
}

// KeyInfo describes a master key.
type KeyInfo struct {
	Name string // the alias without "alias/"
	ID   string // a UUID derived from the root key and the name
	ARN  string
}

// KMS is the built-in Service. Safe for concurrent use.
type KMS struct {
	root            []byte
	region, account string

	mu     sync.RWMutex
	byName map[string]*key
	byID   map[string]*key
}

type key struct {
	info  KeyInfo
	aead  cipher.AEAD
	state KeyState // guarded by KMS.mu
}

// New returns the built-in service with DefaultKey, ManagedKey and
// opts.Keys.
func New(opts Options) (*KMS, error) {
	if len(opts.RootKey) != 32 {
		return nil, fmt.Errorf("%w (got %d)", ErrRootKey, len(opts.RootKey))
	}
	k := &KMS{root: slices.Clone(opts.RootKey), region: opts.Region, account: opts.Account,
		byName: map[string]*key{}, byID: map[string]*key{}}
	if k.region == "" {
		k.region = "us-east-1"
	}
	if k.account == "" {
		k.account = "000000000000"
	}
	for _, n := range append([]string{DefaultKey, ManagedKey}, opts.Keys...) {
		if _, err := k.CreateKey(n); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// CreateKey creates the key name (idempotent: the same root key and name
// always give the same key) and returns its info.
func (k *KMS) CreateKey(name string) (KeyInfo, error) {
	if name == "" || len(name) > 256 || strings.HasPrefix(name, "alias/") || strings.ContainsAny(name, " :\x00") {
		return KeyInfo{}, fmt.Errorf("%w: %q", ErrInvalidKeyName, name)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if x, ok := k.byName[name]; ok {
		return x.info, nil
	}
	x, err := k.derive(name)
	if err != nil {
		return KeyInfo{}, err
	}
	k.byName[name] = x
	k.byID[x.info.ID] = x
	return x.info, nil
}

// derive makes the key of name from the root key.
func (k *KMS) derive(name string) (*key, error) {
	master, err := hkdf.Key(sha256.New, k.root, nil, "osslite kms master key\x00"+name, 32)
	if err != nil {
		return nil, err
	}
	blk, err := aes.NewCipher(master)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, k.root)
	m.Write([]byte("osslite kms key id\x00" + name))
	u := m.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x40 // a version-4-shaped UUID
	u[8] = u[8]&0x3f | 0x80
	id := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	return &key{aead: aead, info: KeyInfo{Name: name, ID: id,
		ARN: fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", k.region, k.account, id)}}, nil
}

// SetKeyState puts the key id names in state: AWS KMS's DisableKey
// (KeyDisabled), ScheduleKeyDeletion (KeyPendingDeletion; the key is
// never deleted) and EnableKey or CancelKeyDeletion (KeyEnabled). A key
// that is not enabled seals and opens nothing (*KeyStateError). States
// live in memory only: every key starts enabled.
func (k *KMS) SetKeyState(id string, state KeyState) error {
	if state < KeyEnabled || state > KeyPendingDeletion {
		return fmt.Errorf("kms: key state %d", state)
	}
	x, err := k.lookup(id)
	if err != nil {
		return err
	}
	k.mu.Lock()
	x.state = state
	k.mu.Unlock()
	return nil
}

// usable returns the *KeyStateError of x when it is not enabled.
func (k *KMS) usable(x *key) error {
	k.mu.RLock()
	st := x.state
	k.mu.RUnlock()
	if st != KeyEnabled {
		return &KeyStateError{ARN: x.info.ARN, State: st}
	}
	return nil
}

// Keys lists the keys, ManagedKey excepted, by name.
func (k *KMS) Keys() []KeyInfo {
	k.mu.RLock()
	defer k.mu.RUnlock()
	var out []KeyInfo
	for n, x := range k.byName {
		if n != ManagedKey {
			out = append(out, x.info)
		}
	}
	slices.SortFunc(out, func(a, b KeyInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Resolve finds a key by ID, ARN, alias or alias ARN ("" is DefaultKey).
func (k *KMS) Resolve(id string) (KeyInfo, error) {
	x, err := k.lookup(id)
	if err != nil {
		return KeyInfo{}, err
	}
	return x.info, nil
}

func (k *KMS) lookup(id string) (*key, error) {
	s := id
	if s == "" {
		s = "alias/" + DefaultKey
	}
	if rest, ok := strings.CutPrefix(s, "arn:"); ok {
		// arn:PARTITION:kms:REGION:ACCOUNT:RESOURCE
		parts := strings.SplitN(rest, ":", 5)
		if len(parts) != 5 || parts[1] != "kms" || parts[2] != k.region || parts[3] != k.account {
			return nil, k.notFound(id)
		}
		s = parts[4]
		if !strings.HasPrefix(s, "key/") && !strings.HasPrefix(s, "alias/") {
			return nil, k.notFound(id)
		}
		s = strings.TrimPrefix(s, "key/")
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if name, ok := strings.CutPrefix(s, "alias/"); ok {
		if x, ok := k.byName[name]; ok {
			return x, nil
		}
	} else if x, ok := k.byID[s]; ok {
		return x, nil
	} else if s == ManagedKey {
		return k.byName[ManagedKey], nil
	}
	return nil, k.notFound(id)
}

// notFound is the *NotFoundError of id, with the ARN id names when it
// has one of AWS's key ID forms.
func (k *KMS) notFound(id string) error {
	e := &NotFoundError{KeyID: id}
	switch {
	case strings.HasPrefix(id, "arn:"):
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 && parts[2] == "kms" && parts[3] != "" && parts[4] != "" &&
			(strings.HasPrefix(parts[5], "key/") || strings.HasPrefix(parts[5], "alias/")) {
			e.ARN = id
			if parts[3] != k.region {
				e.Region = parts[3]
			}
		}
	case strings.HasPrefix(id, "alias/"):
		e.ARN = fmt.Sprintf("arn:aws:kms:%s:%s:%s", k.region, k.account, id)
	case isKeyID(id):
		e.ARN = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", k.region, k.account, id)
	}
	return e
}

// isKeyID reports whether s has the shape of a KMS key ID: a UUID
// (8-4-4-4-12 hex digits), or one with the "mrk-" prefix and 32 hex
// digits of a multi-Region key.
func isKeyID(s string) bool {
	hex := func(s string) bool {
		for _, c := range s {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		return s != ""
	}
	if rest, ok := strings.CutPrefix(s, "mrk-"); ok {
		return len(rest) == 32 && hex(rest)
	}
	g := strings.Split(s, "-")
	if len(g) != 5 {
		return false
	}
	for i, n := range []int{8, 4, 4, 4, 12} {
		if len(g[i]) != n || !hex(g[i]) {
			return false
		}
	}
	return true
}

// GenerateDataKey implements Service.
func (k *KMS) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (DataKey, error) {
	dk := make([]byte, 32)
	rand.Read(dk)
	return k.Encrypt(ctx, keyID, dk, encCtx)
}

// sealedVersion starts every sealed data key: version, name length, name,
// nonce, ciphertext and tag. The name lets a key created at run time (and
// not declared at the next start) still open what it sealed.
const sealedVersion = 1

// Encrypt implements Service.
func (k *KMS) Encrypt(ctx context.Context, keyID string, plaintext []byte, encCtx map[string]string) (DataKey, error) {
	if err := ctx.Err(); err != nil {
		return DataKey{}, err
	}
	x, err := k.lookup(keyID)
	if err != nil {
		return DataKey{}, err
	}
	if err := k.usable(x); err != nil {
		return DataKey{}, err
	}
	name := x.info.Name
	out := []byte{sealedVersion}
	out = binary.AppendUvarint(out, uint64(len(name)))
	out = append(out, name...)
	nonce := make([]byte, x.aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	out = x.aead.Seal(out, nonce, plaintext, aad(x.info.ID, encCtx))
	return DataKey{KeyID: x.info.ARN, Plaintext: slices.Clone(plaintext), Sealed: out}, nil
}

// Decrypt implements Service. keyID may be "" (the sealed key names its
// master key); otherwise it must name the key that sealed it.
func (k *KMS) Decrypt(ctx context.Context, keyID string, sealed []byte, encCtx map[string]string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(sealed) < 2 || sealed[0] != sealedVersion {
		return nil, ErrInvalidCiphertext
	}
	n, w := binary.Uvarint(sealed[1:])
	if w <= 0 || n > 256 || uint64(len(sealed)-1-w) < n {
		return nil, ErrInvalidCiphertext
	}
	name := string(sealed[1+w : 1+w+int(n)])
	rest := sealed[1+w+int(n):]
	k.mu.RLock()
	x := k.byName[name]
	k.mu.RUnlock()
	if x == nil {
		var err error
		if x, err = k.derive(name); err != nil {
			return nil, err
		}
	}
	if keyID != "" {
		want, err := k.lookup(keyID)
		if err == nil && want.info.ID != x.info.ID {
			return nil, fmt.Errorf("%w: sealed by another key", ErrInvalidCiphertext)
		}
	}
	if err := k.usable(x); err != nil {
		return nil, err
	}
	ns := x.aead.NonceSize()
	if len(rest) < ns+x.aead.Overhead() {
		return nil, ErrInvalidCiphertext
	}
	pt, err := x.aead.Open(nil, rest[:ns], rest[ns:], aad(x.info.ID, encCtx))
	if err != nil {
		return nil, ErrInvalidCiphertext
	}
	return pt, nil
}

// aad binds a sealed key to its master key and encryption context.
func aad(id string, encCtx map[string]string) []byte {
	b := []byte(id)
	names := make([]string, 0, len(encCtx))
	for n := range encCtx {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
		b = binary.AppendUvarint(b, uint64(len(encCtx[n])))
		b = append(b, encCtx[n]...)
	}
	return b
}
