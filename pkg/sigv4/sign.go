package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Protocol constants.
const (
	// Algorithm is the SigV4 algorithm name.
	Algorithm = "AWS4-HMAC-SHA256"
	// AlgorithmECDSA is the SigV4a algorithm name, recognised only to be
	// rejected with ErrUnsupportedAlgorithm.
	AlgorithmECDSA = "AWS4-ECDSA-P256-SHA256"
	// Terminator ends every credential scope.
	Terminator = "aws4_request"
	// TimeFormat is the layout of x-amz-date and X-Amz-Date.
	TimeFormat = "20060102T150405Z"
	// DateFormat is the layout of the credential-scope date.
	DateFormat = "20060102"

	// EmptySHA256 is the hex SHA-256 of the empty string.
	EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// UnsignedPayload is the x-amz-content-sha256 value of an unsigned body
	// and the HashedPayload of every presigned URL.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
	// StreamingPayload: aws-chunked with signed chunks.
	StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	// StreamingPayloadTrailer: aws-chunked with signed chunks and trailer.
	StreamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	// StreamingUnsignedPayloadTrailer: aws-chunked, unsigned, with trailer.
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

	// MaxPresignExpires is the largest X-Amz-Expires S3 accepts (7 days).
	MaxPresignExpires = 7 * 24 * time.Hour
	// DefaultMaxSkew is the allowed distance between request and server time.
	DefaultMaxSkew = 15 * time.Minute
)

// Credentials are a client's key pair, used by SignRequest and Presign.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, if set, is sent as X-Amz-Security-Token.
	SessionToken string
}

// Scope is a credential scope without the access key and terminator.
type Scope struct {
	Date    string // yyyymmdd
	Region  string
	Service string
}

// String returns "date/region/service/aws4_request".
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + Terminator
}

// SigningKey derives the SigV4 signing key (auth.md §1.6). It changes once a
// day per (secret, region, service); servers should cache it (KeyCache).
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, Terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// Signature returns the lower-case hex HMAC-SHA256 of stringToSign under
// signingKey. It also signs SigV4 POST policies (stringToSign = the base64
// policy).
func Signature(signingKey []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(signingKey, stringToSign))
}

// SignatureEqual compares two hex signatures in constant time (relative to
// their content).
func SignatureEqual(a, b string) bool {
	return hmac.Equal([]byte(a), []byte(b))
}

// StringToSign returns the SigV4 string to sign (auth.md §1.5) for a
// canonical request, the request timestamp (TimeFormat) and scope.
func StringToSign(canonicalRequest, timestamp string, scope Scope) string {
	return string(appendStringToSign(nil, sha256.Sum256([]byte(canonicalRequest)), timestamp, scope))
}

// appendStringToSign appends the string to sign of a canonical request
// whose SHA-256 is crHash to b.
func appendStringToSign(b []byte, crHash [sha256.Size]byte, timestamp string, scope Scope) []byte {
	b = append(b, Algorithm...)
	b = append(b, '\n')
	b = append(b, timestamp...)
	b = append(b, '\n')
	b = append(b, scope.Date...)
	b = append(b, '/')
	b = append(b, scope.Region...)
	b = append(b, '/')
	b = append(b, scope.Service...)
	b = append(b, '/')
	b = append(b, Terminator...)
	b = append(b, '\n')
	return hex.AppendEncode(b, crHash[:])
}

// KeyCache caches signing keys by (secret, date, region, service). The zero
// value is ready; it is safe for concurrent use and holds at most a few
// thousand keys (it is emptied when full).
type KeyCache struct {
	mu   sync.Mutex
	keys map[keyCacheKey]*signingKey
}

// signingKey is a derived key and the HMACs keyed with it, kept for reuse:
// hmac.New allocates its state, Reset returns it to the keyed start.
type signingKey struct {
	key  []byte
	macs sync.Pool // of hash.Hash
}

func newSigningKey(key []byte) *signingKey {
	k := &signingKey{key: key}
	k.macs.New = func() any { return hmac.New(sha256.New, key) }
	return k
}

// appendSignature appends the hex HMAC-SHA256 of msg under the key to b.
func (k *signingKey) appendSignature(b, msg []byte) []byte {
	m := k.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(msg)
	var sum [sha256.Size]byte
	b = hex.AppendEncode(b, m.Sum(sum[:0]))
	k.macs.Put(m)
	return b
}

type keyCacheKey struct {
	secret string
	scope  Scope
}

const keyCacheMax = 4096

// Get returns SigningKey(secret, scope.Date, scope.Region, scope.Service),
// from the cache when possible. The returned slice must not be modified.
func (c *KeyCache) Get(secret string, scope Scope) []byte {
	return c.get(secret, scope).key
}

// get is Get with the key's HMACs.
func (c *KeyCache) get(secret string, scope Scope) *signingKey {
	if c == nil {
		return newSigningKey(SigningKey(secret, scope.Date, scope.Region, scope.Service))
	}
	k := keyCacheKey{secret, scope}
	c.mu.Lock()
	key, ok := c.keys[k]
	c.mu.Unlock()
	if ok {
		return key
	}
	key = newSigningKey(SigningKey(secret, scope.Date, scope.Region, scope.Service))
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= keyCacheMax {
		c.keys = make(map[keyCacheKey]*signingKey)
	}
	c.keys[k] = key
	c.mu.Unlock()
	return key
}

// Signed describes a request signed by SignRequest or Presign. Its fields
// are what an aws-chunked encoder needs to sign chunks.
type Signed struct {
	Authorization    Authorization
	Timestamp        string // TimeFormat
	SigningKey       []byte
	CanonicalRequest string
	StringToSign     string
}

// unsignedHeaders are never signed by SignRequest (as the AWS SDKs).
var unsignedHeaders = map[string]bool{
	"authorization": true, "user-agent": true, "expect": true, "x-amzn-trace-id": true,
	"connection": true, "transfer-encoding": true, "accept-encoding": true,
	"content-length": true, "keep-alive": true, "te": true, "trailer": true, "upgrade": true,
}

// SignRequest signs r in place with a SigV4 Authorization header, as an SDK
// would: it sets X-Amz-Date (from now), X-Amz-Content-Sha256 (payloadHash,
// or UNSIGNED-PAYLOAD if empty) and X-Amz-Security-Token, and signs host
// and every header of r.Header except hop-by-hop and SDK-unsigned ones
// (User-Agent, Expect, ...). Set a Content-Length header explicitly to have
// it signed. The body is not read.
func SignRequest(r *http.Request, creds Credentials, region, service string, now time.Time, payloadHash string) (*Signed, error) {
	if creds.AccessKeyID == "" || strings.Contains(creds.AccessKeyID, "/") {
		return nil, fmt.Errorf("%w: invalid access key id %q", ErrMalformedAuthorization, creds.AccessKeyID)
	}
	if payloadHash == "" {
		payloadHash = UnsignedPayload
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	// A header set by map index under a non-canonical name would be
	// signed but looked up empty (and listed twice beside its canonical
	// twin): move it under its canonical name, as a server reads it.
	for name, vs := range r.Header {
		if c := http.CanonicalHeaderKey(name); c != name {
			delete(r.Header, name)
			r.Header[c] = append(r.Header[c], vs...)
		}
	}
	ts := now.UTC().Format(TimeFormat)
	r.Header.Set("X-Amz-Date", ts)
	r.Header.Set("X-Amz-Content-Sha256", payloadHash)
	if creds.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
	r.Header.Del("Authorization")
	signed := []string{"host"}
	for name := range r.Header {
		l := strings.ToLower(name)
		if !unsignedHeaders[l] && l != "host" {
			signed = append(signed, l)
		}
	}
	if len(r.Header.Values("Content-Length")) > 0 {
		signed = append(signed, "content-length")
	}
	sort.Strings(signed)
	scope := Scope{Date: ts[:8], Region: region, Service: service}
	key := SigningKey(creds.SecretAccessKey, scope.Date, region, service)
	cr := CanonicalRequest(r, signed, payloadHash, false)
	sts := StringToSign(cr, ts, scope)
	a := Authorization{
		Credential:    Credential{AccessKeyID: creds.AccessKeyID, Scope: scope},
		SignedHeaders: signed,
		Signature:     Signature(key, sts),
	}
	r.Header.Set("Authorization", a.String())
	return &Signed{Authorization: a, Timestamp: ts, SigningKey: key, CanonicalRequest: cr, StringToSign: sts}, nil
}

// Presign adds SigV4 query authentication to r.URL (auth.md §4.1), valid for
// expires (1s..7 days) from now, signing only the host header and
// UNSIGNED-PAYLOAD, or the X-Amz-Content-Sha256 query parameter when r
// already has one (the URL then accepts only that body). Existing query
// parameters are kept and signed.
func Presign(r *http.Request, creds Credentials, region, service string, now time.Time, expires time.Duration) (*Signed, error) {
	if expires < time.Second || expires > MaxPresignExpires {
		return nil, fmt.Errorf("%w: expiry %v outside 1s..%v", ErrMalformedPresigned, expires, MaxPresignExpires)
	}
	if creds.AccessKeyID == "" || strings.Contains(creds.AccessKeyID, "/") {
		return nil, fmt.Errorf("%w: invalid access key id %q", ErrMalformedPresigned, creds.AccessKeyID)
	}
	ts := now.UTC().Format(TimeFormat)
	scope := Scope{Date: ts[:8], Region: region, Service: service}
	cred := Credential{AccessKeyID: creds.AccessKeyID, Scope: scope}
	add := "X-Amz-Algorithm=" + Algorithm +
		"&X-Amz-Credential=" + UriEncode(cred.String(), true) +
		"&X-Amz-Date=" + ts +
		"&X-Amz-Expires=" + strconv.FormatInt(int64(expires/time.Second), 10) +
		"&X-Amz-SignedHeaders=host"
	if creds.SessionToken != "" {
		add += "&X-Amz-Security-Token=" + UriEncode(creds.SessionToken, true)
	}
	if r.URL.RawQuery != "" {
		r.URL.RawQuery += "&" + add
	} else {
		r.URL.RawQuery = add
	}
	key := SigningKey(creds.SecretAccessKey, scope.Date, region, service)
	signed := []string{"host"}
	payload := UnsignedPayload
	if v := r.URL.Query().Get("X-Amz-Content-Sha256"); v != "" {
		payload = v
	}
	cr := CanonicalRequest(r, signed, payload, true)
	sts := StringToSign(cr, ts, scope)
	sig := Signature(key, sts)
	r.URL.RawQuery += "&X-Amz-Signature=" + sig
	return &Signed{
		Authorization: Authorization{Credential: cred, SignedHeaders: signed, Signature: sig},
		Timestamp:     ts, SigningKey: key, CanonicalRequest: cr, StringToSign: sts,
	}, nil
}
