package bucketconfig

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// PublicAccessBlock is a bucket's S3 Public Access Block configuration
// (PutPublicAccessBlock). Each flag is independent.
type PublicAccessBlock struct {
	// BlockPublicAcls refuses requests that set public ACLs (canned
	// public-read, public-read-write, authenticated-read, or grants to
	// the AllUsers or AuthenticatedUsers groups) on the bucket or its
	// objects.
	BlockPublicAcls bool `json:"blockPublicAcls,omitempty"`
	// IgnorePublicAcls makes public grants count for nothing when access
	// is decided; they stay stored.
	IgnorePublicAcls bool `json:"ignorePublicAcls,omitempty"`
	// BlockPublicPolicy refuses bucket policies that grant public access.
	BlockPublicPolicy bool `json:"blockPublicPolicy,omitempty"`
	// RestrictPublicBuckets limits a bucket with a public policy to the
	// bucket owner's principals.
	RestrictPublicBuckets bool `json:"restrictPublicBuckets,omitempty"`
}

// BlockAllPublicAccess is the configuration with every setting on (or
// off): OSS's one BlockPublicAccess switch, and S3's default since 2023.
func BlockAllPublicAccess(on bool) *PublicAccessBlock {
	return &PublicAccessBlock{BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on}
}

// BlocksAll reports whether every setting is on (OSS's BlockPublicAccess).
func (p *PublicAccessBlock) BlocksAll() bool {
	return p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

// Join returns the block of p and q together: a setting on in either is
// on. Either may be nil (no block); neither is modified.
func (p *PublicAccessBlock) Join(q *PublicAccessBlock) *PublicAccessBlock {
	switch {
	case p == nil:
		return q
	case q == nil:
		return p
	}
	return &PublicAccessBlock{BlockPublicAcls: p.BlockPublicAcls || q.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls || q.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy || q.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets || q.RestrictPublicBuckets}
}

// Kind implements Config.
func (*PublicAccessBlock) Kind() Kind { return KindPublicAccessBlock }

// Validate implements Config: every combination is valid.
func (*PublicAccessBlock) Validate() error { return nil }

// Object Ownership settings (S3 PutBucketOwnershipControls).
const (
	// OwnershipBucketOwnerEnforced disables ACLs: the bucket owner owns
	// every object and only policies grant access.
	OwnershipBucketOwnerEnforced = "BucketOwnerEnforced"
	// OwnershipBucketOwnerPreferred gives the bucket owner the objects
	// written with the bucket-owner-full-control canned ACL.
	OwnershipBucketOwnerPreferred = "BucketOwnerPreferred"
	// OwnershipObjectWriter makes the writer of an object its owner (the
	// behaviour of buckets without ownership controls).
	OwnershipObjectWriter = "ObjectWriter"
)

// Ownership is a bucket's S3 Object Ownership setting.
type Ownership struct {
	// Rule is OwnershipBucketOwnerEnforced, OwnershipBucketOwnerPreferred
	// or OwnershipObjectWriter.
	Rule string `json:"rule"`
}

// Kind implements Config.
func (*Ownership) Kind() Kind { return KindOwnership }

// Validate implements Config.
func (o *Ownership) Validate() error {
	if !ValidOwnership(o.Rule) {
		return fmt.Errorf("%w: object ownership %q", ErrInvalid, o.Rule)
	}
	return nil
}

// ValidOwnership reports whether rule is an Object Ownership setting.
func ValidOwnership(rule string) bool {
	switch rule {
	case OwnershipBucketOwnerEnforced, OwnershipBucketOwnerPreferred, OwnershipObjectWriter:
		return true
	}
	return false
}

// ArchiveDirectRead is OSS's real-time access of Archive objects: when
// Enabled, GetObject reads an object of the Archive class without a
// restore (ColdArchive and DeepColdArchive still need one).
type ArchiveDirectRead struct {
	Enabled bool `json:"enabled"`
}

// Kind implements Config.
func (*ArchiveDirectRead) Kind() Kind { return KindArchiveDirectRead }

// Validate implements Config.
func (*ArchiveDirectRead) Validate() error { return nil }

// TLS versions an HTTPS configuration names.
var tlsVersionNames = map[string]bool{"TLSv1.0": true, "TLSv1.1": true, "TLSv1.2": true, "TLSv1.3": true}

// HTTPS limits (OSS PutBucketHttpsConfig).
const (
	// MaxCipherSuites is the most cipher suites a list names.
	MaxCipherSuites = 64
	// MaxCipherSuiteName is the longest cipher suite name.
	MaxCipherSuiteName = 128
)

// HTTPS is OSS's HTTPS configuration of a bucket: the TLS versions and
// cipher suites a request over TLS may use (plain HTTP is not affected).
type HTTPS struct {
	// TLS turns the version check on; TLSVersions then lists the
	// versions allowed ("TLSv1.0" to "TLSv1.3").
	TLS         bool     `json:"tls,omitempty"`
	TLSVersions []string `json:"tlsVersions,omitempty"`
	// Ciphers turns the cipher suite check on: StrongCiphers allows the
	// strong suites only (every TLS 1.3 suite, and ECDHE with AES-GCM or
	// ChaCha20-Poly1305 before it), otherwise CustomCiphers (TLS 1.2 and
	// earlier) and TLS13CustomCiphers (TLS 1.3) list the suites allowed,
	// by their OpenSSL or IANA names.
	Ciphers            bool     `json:"ciphers,omitempty"`
	StrongCiphers      bool     `json:"strongCiphers,omitempty"`
	CustomCiphers      []string `json:"customCiphers,omitempty"`
	TLS13CustomCiphers []string `json:"tls13CustomCiphers,omitempty"`
}

// Kind implements Config.
func (*HTTPS) Kind() Kind { return KindHTTPS }

// Validate implements Config: an enabled version check names at least
// one known version; an enabled custom cipher check names at least one
// suite; lists are bounded.
func (h *HTTPS) Validate() error {
	if h.TLS && len(h.TLSVersions) == 0 {
		return fmt.Errorf("%w: TLS version check without a version", ErrInvalid)
	}
	for _, v := range h.TLSVersions {
		if !tlsVersionNames[v] {
			return fmt.Errorf("%w: TLS version %q", ErrInvalid, v)
		}
	}
	if h.Ciphers && !h.StrongCiphers && len(h.CustomCiphers)+len(h.TLS13CustomCiphers) == 0 {
		return fmt.Errorf("%w: custom cipher suites without a suite", ErrInvalid)
	}
	for _, list := range [][]string{h.CustomCiphers, h.TLS13CustomCiphers} {
		if len(list) > MaxCipherSuites {
			return fmt.Errorf("%w: over %d cipher suites", ErrInvalid, MaxCipherSuites)
		}
		for _, s := range list {
			if s == "" || len(s) > MaxCipherSuiteName {
				return fmt.Errorf("%w: cipher suite name %q", ErrInvalid, s)
			}
		}
	}
	return nil
}

// AccessMonitor is OSS's access tracking of a bucket: while it is on, a
// read records the object's last access time (at most once a day per
// object), which lifecycle transitions by last access count from.
type AccessMonitor struct {
	// Since is when tracking was turned on: the last access time of every
	// object not read since.
	Since time.Time `json:"since"`
}

// Kind implements Config.
func (*AccessMonitor) Kind() Kind { return KindAccessMonitor }

// Validate implements Config.
func (m *AccessMonitor) Validate() error {
	if m.Since.IsZero() {
		return fmt.Errorf("%w: access tracking without its start", ErrInvalid)
	}
	return nil
}

// MetaQuery is OSS's data index of a bucket (OpenMetaQuery): while it
// is open, DoMetaQuery searches the bucket's objects by their metadata.
// osslite answers from the objects as they are, so the index is never
// behind.
type MetaQuery struct {
	// Mode is "basic" (scalar retrieval), the only mode osslite serves.
	Mode string `json:"mode"`
	// Created is when the index was opened.
	Created time.Time `json:"created"`
}

// Kind implements Config.
func (*MetaQuery) Kind() Kind { return KindMetaQuery }

// Validate implements Config.
func (m *MetaQuery) Validate() error {
	switch {
	case m.Mode != "basic":
		return fmt.Errorf("%w: meta query mode %q", ErrInvalid, m.Mode)
	case m.Created.IsZero():
		return fmt.Errorf("%w: meta query without its opening time", ErrInvalid)
	}
	return nil
}

// MaxCnames bounds the custom domains (and pending ownership tokens) of
// one bucket.
const MaxCnames = 100

// Cname is one custom domain of a bucket (OSS CNAME): the ownership
// token issued for it and, once ownership was proved, its binding.
type Cname struct {
	// Domain is the host name, lower case, without a trailing dot.
	Domain string `json:"domain"`
	// Token is the ownership token (CreateCnameToken), valid until
	// TokenExpires; the domain's _dnsauth TXT record must hold it.
	Token        string    `json:"token,omitempty"`
	TokenExpires time.Time `json:"tokenExpires,omitempty"`
	// Bound says requests for Domain are served from the bucket.
	Bound bool `json:"bound,omitempty"`
	// Modified is when the entry last changed.
	Modified time.Time `json:"modified"`
	// Certificate is the TLS certificate served for Domain; nil for
	// none.
	Certificate *CnameCertificate `json:"certificate,omitempty"`
}

// CnameCertificate is a certificate uploaded for a custom domain.
type CnameCertificate struct {
	// ID is its certificate ID (OSS's CertId).
	ID string `json:"id"`
	// Chain is the certificate chain, PEM, leaf first.
	Chain []byte `json:"chain"`
	// SealedKey is the private key (PKCS #8 DER) sealed by the key
	// service, never stored in the clear.
	SealedKey []byte `json:"sealedKey"`
	// Fingerprint is the leaf's SHA-1, as OSS shows it (AA:BB:...).
	Fingerprint string `json:"fingerprint"`
	// NotBefore and NotAfter bound the leaf's validity; Created is when
	// it was bound.
	NotBefore time.Time `json:"notBefore"`
	NotAfter  time.Time `json:"notAfter"`
	Created   time.Time `json:"created"`
}

// Bounds of an uploaded certificate.
const (
	MaxCertificateChain = 64 << 10
	MaxCertificateKey   = 16 << 10
	maxCertificateID    = 128
)

func (c *CnameCertificate) validate() error {
	switch {
	case c.ID == "" || len(c.ID) > maxCertificateID:
		return fmt.Errorf("%w: certificate ID of %d bytes", ErrInvalid, len(c.ID))
	case len(c.Chain) == 0 || len(c.Chain) > MaxCertificateChain:
		return fmt.Errorf("%w: certificate chain of %d bytes", ErrInvalid, len(c.Chain))
	case len(c.SealedKey) == 0 || len(c.SealedKey) > MaxCertificateKey+1024:
		return fmt.Errorf("%w: sealed private key of %d bytes", ErrInvalid, len(c.SealedKey))
	}
	return nil
}

// Cnames is a bucket's custom domains.
type Cnames struct {
	Entries []Cname `json:"entries"`
}

// Kind implements Config.
func (*Cnames) Kind() Kind { return KindCname }

// Validate implements Config: at most MaxCnames entries, each domain a
// lower-case host name given once.
func (c *Cnames) Validate() error {
	if len(c.Entries) > MaxCnames {
		return fmt.Errorf("%w: %d custom domains, at most %d", ErrInvalid, len(c.Entries), MaxCnames)
	}
	seen := map[string]bool{}
	for _, e := range c.Entries {
		if !ValidDomain(e.Domain) {
			return fmt.Errorf("%w: custom domain %q", ErrInvalid, e.Domain)
		}
		if seen[e.Domain] {
			return fmt.Errorf("%w: custom domain %q given twice", ErrInvalid, e.Domain)
		}
		seen[e.Domain] = true
		if e.Certificate != nil {
			if err := e.Certificate.validate(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Find returns the entry of domain, or nil.
func (c *Cnames) Find(domain string) *Cname {
	for i := range c.Entries {
		if c.Entries[i].Domain == domain {
			return &c.Entries[i]
		}
	}
	return nil
}

// ValidDomain reports whether d is a host name a bucket may take as its
// custom domain: lower-case labels of letters, digits and '-' (not at a
// label's ends, at most 63 bytes each), at least two labels, at most 253
// bytes, not an IP address.
func ValidDomain(d string) bool {
	if len(d) == 0 || len(d) > 253 || !strings.Contains(d, ".") || net.ParseIP(d) != nil {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// MaxRedundancyTasks bounds the redundancy type change tasks a bucket
// keeps (the oldest finished ones go first).
const MaxRedundancyTasks = 100

// RedundancyTask is one change of a bucket's data redundancy type (OSS
// CreateBucketDataRedundancyTransition). It is queueing until Started,
// processing until Ended, then finished.
type RedundancyTask struct {
	ID      string    `json:"id"`
	Target  string    `json:"target"` // ZRS
	Created time.Time `json:"created"`
	Started time.Time `json:"started,omitempty"`
	Ended   time.Time `json:"ended,omitempty"`
}

// Status is Queueing, Processing or Finished.
func (t *RedundancyTask) Status() string {
	switch {
	case t.Started.IsZero():
		return "Queueing"
	case t.Ended.IsZero():
		return "Processing"
	}
	return "Finished"
}

// RedundancyTransitions is a bucket's redundancy type change tasks,
// oldest first.
type RedundancyTransitions struct {
	Tasks []RedundancyTask `json:"tasks"`
}

// Kind implements Config.
func (*RedundancyTransitions) Kind() Kind { return KindRedundancyTransition }

// Validate implements Config.
func (r *RedundancyTransitions) Validate() error {
	if len(r.Tasks) > MaxRedundancyTasks {
		return fmt.Errorf("%w: %d redundancy tasks, at most %d", ErrInvalid, len(r.Tasks), MaxRedundancyTasks)
	}
	for _, t := range r.Tasks {
		if t.ID == "" || t.Target != "ZRS" || t.Created.IsZero() {
			return fmt.Errorf("%w: redundancy task %q", ErrInvalid, t.ID)
		}
	}
	return nil
}

// MaxResponseHeaderRules bounds a bucket's response header rules.
const MaxResponseHeaderRules = 100

// protectedHeaders are the response headers a rule may not hide: HTTP
// needs them to frame and route the answer.
var protectedHeaders = map[string]bool{
	"content-length": true, "transfer-encoding": true, "connection": true,
	"content-range": true, "content-encoding": true, "date": true,
}

// ResponseHeaderRule hides response headers of the operations it names
// (OSS PutBucketResponseHeader).
type ResponseHeaderRule struct {
	Name string `json:"name"`
	// Operations are operation names (GetObject, PutObject, ...) or "*"
	// for every operation.
	Operations []string `json:"operations"`
	// Hide are the header names removed from those operations' responses.
	Hide []string `json:"hide"`
}

// Matches reports whether the rule applies to operation op.
func (r *ResponseHeaderRule) Matches(op string) bool {
	for _, o := range r.Operations {
		if o == "*" || o == op {
			return true
		}
	}
	return false
}

// ResponseHeaders is a bucket's response header rules.
type ResponseHeaders struct {
	Rules []ResponseHeaderRule `json:"rules"`
}

// Kind implements Config.
func (*ResponseHeaders) Kind() Kind { return KindResponseHeader }

// Validate implements Config: 1 to MaxResponseHeaderRules rules with
// unique names, each naming operations and headers (HTTP tokens; not the
// headers that frame the answer).
func (c *ResponseHeaders) Validate() error {
	if len(c.Rules) == 0 || len(c.Rules) > MaxResponseHeaderRules {
		return fmt.Errorf("%w: %d response header rules, 1 to %d", ErrInvalid, len(c.Rules), MaxResponseHeaderRules)
	}
	names := map[string]bool{}
	for _, r := range c.Rules {
		switch {
		case r.Name == "" || len(r.Name) > 255:
			return fmt.Errorf("%w: a response header rule needs a name of at most 255 bytes", ErrInvalid)
		case names[r.Name]:
			return fmt.Errorf("%w: response header rule %q given twice", ErrInvalid, r.Name)
		case len(r.Operations) == 0 || len(r.Hide) == 0:
			return fmt.Errorf("%w: response header rule %q needs operations and headers", ErrInvalid, r.Name)
		}
		names[r.Name] = true
		for _, h := range r.Hide {
			if !validToken(h) || protectedHeaders[strings.ToLower(h)] {
				return fmt.Errorf("%w: response header rule %q cannot hide %q", ErrInvalid, r.Name, h)
			}
		}
		for _, o := range r.Operations {
			if o == "" || len(o) > 64 {
				return fmt.Errorf("%w: response header rule %q names operation %q", ErrInvalid, r.Name, o)
			}
		}
	}
	return nil
}

// validToken reports whether s is an HTTP token (a header name).
func validToken(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// Storage quota modes.
const (
	// QuotaStrict refuses writes once the bucket holds the quota.
	QuotaStrict = "Strict"
	// QuotaWarning lets writes go on past the quota.
	QuotaWarning = "Warning"
)

// StorageQuota is a bucket's storage quota: how many bytes it may hold.
type StorageQuota struct {
	Bytes int64  `json:"bytes"`
	Mode  string `json:"mode"`
}

// Kind implements Config.
func (*StorageQuota) Kind() Kind { return KindStorageQuota }

// Validate implements Config: a positive number of bytes, in mode Strict
// or Warning.
func (c *StorageQuota) Validate() error {
	switch {
	case c.Bytes <= 0:
		return fmt.Errorf("%w: a storage quota must be a positive number of bytes, not %d", ErrInvalid, c.Bytes)
	case c.Mode != QuotaStrict && c.Mode != QuotaWarning:
		return fmt.Errorf("%w: storage quota mode %q, not Strict or Warning", ErrInvalid, c.Mode)
	}
	return nil
}

// Refuses reports whether the quota refuses a write to a bucket that holds
// used bytes: in Strict mode, once they reach it.
func (c *StorageQuota) Refuses(used int64) bool {
	return c.Mode == QuotaStrict && used >= c.Bytes
}
