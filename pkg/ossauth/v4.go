package ossauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Signature v4 constants, as in github.com/aliyun/alibabacloud-oss-go-sdk-v2
// oss/signer/v4.go.
const (
	// AlgorithmV4 is the v4 scheme name in Authorization and
	// x-oss-signature-version.
	AlgorithmV4 = "OSS4-HMAC-SHA256"
	// UnsignedPayload is the payload hash used when x-oss-content-sha256 is
	// absent (and the value the SDKs send).
	UnsignedPayload = "UNSIGNED-PAYLOAD"
	// DefaultProduct is the product of the credential scope for OSS.
	DefaultProduct = "oss"
	// MaxExpiresV4 is the largest x-oss-expires accepted (7 days, seconds).
	MaxExpiresV4 = 7 * 24 * 60 * 60

	scopeTerminator  = "aliyun_v4_request"
	iso8601Basic     = "20060102T150405Z"
	iso8601BasicDate = "20060102"

	paramV4Version    = "x-oss-signature-version"
	paramV4Credential = "x-oss-credential"
	paramV4Date       = "x-oss-date"
	paramV4Expires    = "x-oss-expires"
	paramV4Signature  = "x-oss-signature"
	paramV4Additional = "x-oss-additional-headers"
	paramV4Token      = "x-oss-security-token"

	headerContentSHA256 = "X-Oss-Content-Sha256"
)

// Scope is the v4 credential scope: Date/Region/Product/aliyun_v4_request.
type Scope struct {
	// Date is the UTC signing day, "20060102" form.
	Date string
	// Region is the region id without the "oss-" prefix, e.g. "cn-hangzhou".
	Region string
	// Product is "oss" for OSS.
	Product string
}

// String renders the scope as it appears in the string to sign.
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Product + "/" + scopeTerminator
}

// isDefaultSignedV4 reports whether a lower-cased header name is always
// signed in v4 (x-oss-*, content-type, content-md5).
func isDefaultSignedV4(name string) bool {
	return strings.HasPrefix(name, "x-oss-") || name == "content-type" || name == "content-md5"
}

// CanonicalURIV4 escapes "/bucket/key" (or "/" without a bucket) with
// RFC 3986 unreserved characters and "/" left as is.
func CanonicalURIV4(res Resource) string {
	if res.Bucket == "" {
		return "/"
	}
	return uriEncode("/"+res.Bucket+"/"+res.Key, false)
}

// CanonicalQueryV4 renders a raw query string in v4 canonical form: every
// parameter, its name and value percent-decoded then re-encoded with
// RFC 3986 escaping (space as %20), sorted by encoded name (then value),
// "name=value" or the bare name when the value is empty, joined with "&".
// exclude names (encoded form) parameters to leave out, e.g.
// x-oss-signature. A component that is not valid percent-encoding is used
// as sent. The SDKs sign the strictly encoded query they send, so decoding
// and re-encoding gives the same bytes while tolerating clients that encode
// less.
func CanonicalQueryV4(rawQuery string, exclude ...string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for rawQuery != "" {
		var kv string
		kv, rawQuery, _ = strings.Cut(rawQuery, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, v = reencode(k), reencode(v)
		skip := false
		for _, x := range exclude {
			if k == x {
				skip = true
				break
			}
		}
		if !skip {
			pairs = append(pairs, pair{k, v})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		if p.v != "" {
			b.WriteByte('=')
			b.WriteString(p.v)
		}
	}
	return b.String()
}

func reencode(s string) string {
	d, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return uriEncode(d, true)
}

// CanonicalHeadersV4 renders the signed headers of r: x-oss-*, content-type,
// content-md5 and the additional headers (lower-case names), sorted,
// "name:value\n" each, values trimmed and repeated headers joined with ",".
// An additional "host" header is taken from r.Host when r.Header has none,
// because net/http moves Host out of the header map on the server.
func CanonicalHeadersV4(r *http.Request, additionalHeaders []string) string {
	add := make(map[string]bool, len(additionalHeaders))
	for _, h := range additionalHeaders {
		add[strings.ToLower(h)] = true
	}
	merged := make(map[string][]string)
	for _, k := range sortedKeys(r.Header) {
		lk := strings.ToLower(k)
		if isDefaultSignedV4(lk) || add[lk] {
			merged[lk] = append(merged[lk], r.Header[k]...)
		}
	}
	if add["host"] && merged["host"] == nil && r.Host != "" {
		merged["host"] = []string{r.Host}
	}
	return renderHeaders(merged)
}

// PayloadHashV4 returns the x-oss-content-sha256 header, or UnsignedPayload
// when absent.
func PayloadHashV4(h http.Header) string {
	if v := h.Get(headerContentSHA256); v != "" {
		return v
	}
	return UnsignedPayload
}

// CanonicalRequestV4 builds the v4 canonical request of r for res:
//
//	VERB \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//	AdditionalHeaders \n PayloadHash
//
// where CanonicalHeaders already ends in "\n" and AdditionalHeaders is the
// lower-cased list joined with ";". For a presigned request the caller
// passes the query without x-oss-signature (CanonicalQueryV4's exclude).
func CanonicalRequestV4(r *http.Request, res Resource, canonicalQuery string, additionalHeaders []string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURIV4(res))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery)
	b.WriteByte('\n')
	b.WriteString(CanonicalHeadersV4(r, additionalHeaders))
	b.WriteByte('\n')
	b.WriteString(strings.Join(additionalHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(PayloadHashV4(r.Header))
	return b.String()
}

// StringToSignV4 is "OSS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n"
// + hex(sha256(canonicalRequest)). timestamp is the request date exactly as
// sent (x-oss-date, or the Date header for the v1 SDK's v4 mode).
func StringToSignV4(timestamp string, scope Scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return AlgorithmV4 + "\n" + timestamp + "\n" + scope.String() + "\n" + hex.EncodeToString(sum[:])
}

// SigningKeyV4 derives the v4 key: HMAC-SHA256 chained over
// "aliyun_v4"+secret, date, region, product, "aliyun_v4_request".
func SigningKeyV4(secret string, scope Scope) []byte {
	key := []byte("aliyun_v4" + secret)
	for _, s := range []string{scope.Date, scope.Region, scope.Product, scopeTerminator} {
		key = hmacSHA256(key, s)
	}
	return key
}

// SignV4 returns hex(HMAC-SHA256(SigningKeyV4(secret, scope), stringToSign)).
func SignV4(secret string, scope Scope, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(SigningKeyV4(secret, scope), stringToSign))
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// V4Options are the per-call inputs of the v4 client signers. The zero value
// is not usable: Region is required.
type V4Options struct {
	// Region goes into the credential scope, e.g. "cn-hangzhou". Required.
	Region string
	// Product goes into the credential scope. Default DefaultProduct.
	Product string
	// AdditionalHeaders names extra headers to sign. Names are lower-cased;
	// default-signed names (x-oss-*, content-type, content-md5) and names
	// absent from the request are dropped, as the v2 SDK does.
	AdditionalHeaders []string
}

func (o V4Options) scope(t time.Time) Scope {
	p := o.Product
	if p == "" {
		p = DefaultProduct
	}
	return Scope{Date: t.UTC().Format(iso8601BasicDate), Region: o.Region, Product: p}
}

// additional returns the effective additional header list for r: lower-case,
// sorted, deduplicated, default-signed and absent headers removed.
func (o V4Options) additional(r *http.Request) []string {
	seen := make(map[string]bool)
	var out []string
	for _, h := range o.AdditionalHeaders {
		lh := strings.ToLower(h)
		if isDefaultSignedV4(lh) || seen[lh] || r.Header.Get(lh) == "" {
			continue
		}
		seen[lh] = true
		out = append(out, lh)
	}
	sort.Strings(out)
	return out
}

// SignRequestV4 signs r in the v4 header form exactly like the v2 SDK: it
// sets x-oss-date (ISO 8601 basic), Date (RFC 1123), x-oss-security-token
// (when cred has a token), x-oss-content-sha256: UNSIGNED-PAYLOAD and
// Authorization. It is meant for tests and tools.
func SignRequestV4(r *http.Request, res Resource, cred Credentials, t time.Time, opts V4Options) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	t = t.UTC()
	ts := t.Format(iso8601Basic)
	r.Header.Set(headerOSSDate, ts)
	r.Header.Set("Date", t.Format(http.TimeFormat))
	if cred.SecurityToken != "" {
		r.Header.Set(headerSecurityToken, cred.SecurityToken)
	}
	r.Header.Set(headerContentSHA256, UnsignedPayload)
	scope := opts.scope(t)
	add := opts.additional(r)
	cr := CanonicalRequestV4(r, res, CanonicalQueryV4(r.URL.RawQuery), add)
	sig := SignV4(cred.AccessKeySecret, scope, StringToSignV4(ts, scope, cr))
	a := &Auth{Scheme: SchemeV4Header, AccessKeyID: cred.AccessKeyID, Scope: scope, AdditionalHeaders: add, Signature: sig}
	r.Header.Set("Authorization", a.AuthorizationHeader())
}

// PresignV4 turns r into a v4 signed URL made at t and valid for expires
// (rounded down to seconds), like the v2 SDK's Presign: it adds
// x-oss-security-token, x-oss-signature-version, x-oss-date,
// x-oss-expires, x-oss-credential, x-oss-additional-headers (when any) and
// x-oss-signature to the query. Signed headers present on r must
// accompany the URL.
func PresignV4(r *http.Request, res Resource, cred Credentials, t time.Time, expires time.Duration, opts V4Options) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	t = t.UTC()
	ts := t.Format(iso8601Basic)
	scope := opts.scope(t)
	add := opts.additional(r)
	q := r.URL.Query()
	if cred.SecurityToken != "" {
		q.Set(paramV4Token, cred.SecurityToken)
	}
	q.Set(paramV4Version, AlgorithmV4)
	q.Set(paramV4Date, ts)
	q.Set(paramV4Expires, strconv.FormatInt(int64(expires/time.Second), 10))
	q.Set(paramV4Credential, cred.AccessKeyID+"/"+scope.String())
	if len(add) > 0 {
		q.Set(paramV4Additional, strings.Join(add, ";"))
	}
	r.URL.RawQuery = encodeQuery(q)
	cr := CanonicalRequestV4(r, res, CanonicalQueryV4(r.URL.RawQuery), add)
	q.Set(paramV4Signature, SignV4(cred.AccessKeySecret, scope, StringToSignV4(ts, scope, cr)))
	r.URL.RawQuery = encodeQuery(q)
}

// verifyV4 checks a v4 request whose Auth came from Parse.
func verifyV4(a *Auth, r *http.Request, res Resource, secret string, now time.Time) error {
	if a.Scope.Product != DefaultProduct {
		return wrap(ErrInvalidSigningProduct, strconv.Quote(a.Scope.Product))
	}
	var ts string
	var t time.Time
	var canonicalQuery string
	switch a.Scheme {
	case SchemeV4Header:
		// The v2 SDK sends x-oss-date; the v1 SDK in v4 mode signs the Date
		// header instead.
		if ts = r.Header.Get(headerOSSDate); ts != "" {
			var err error
			if t, err = time.Parse(iso8601Basic, ts); err != nil {
				return wrap(ErrMissingDate, "cannot parse x-oss-date "+strconv.Quote(ts))
			}
		} else if ts = r.Header.Get("Date"); ts != "" {
			var ok bool
			if t, ok = parseHTTPDate(ts); !ok {
				return wrap(ErrMissingDate, "cannot parse date "+strconv.Quote(ts))
			}
		} else {
			return wrap(ErrMissingDate, "no x-oss-date or Date header")
		}
		if err := checkSkew(t, now, a.maxSkew()); err != nil {
			return err
		}
		canonicalQuery = CanonicalQueryV4(r.URL.RawQuery)
	case SchemeV4Query:
		q := r.URL.Query()
		ts = q.Get(paramV4Date)
		var err error
		if t, err = time.Parse(iso8601Basic, ts); err != nil {
			return wrap(ErrMalformedAuthorization, "cannot parse x-oss-date "+strconv.Quote(ts))
		}
		raw := q.Get(paramV4Expires)
		exp, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || exp <= 0 || exp > MaxExpiresV4 {
			return wrap(ErrMalformedExpires, "x-oss-expires "+strconv.Quote(raw))
		}
		if t.Sub(now) > a.maxSkew() {
			return wrap(ErrRequestTimeTooSkewed, "x-oss-date "+ts+" is in the future")
		}
		if now.Unix() > t.Unix()+exp {
			return wrap(ErrExpired, "x-oss-date "+ts+" + "+raw+"s")
		}
		canonicalQuery = CanonicalQueryV4(r.URL.RawQuery, paramV4Signature)
	}
	if d := t.UTC().Format(iso8601BasicDate); d != a.Scope.Date {
		return wrap(ErrMalformedAuthorization, "credential date "+a.Scope.Date+" does not match request date "+d)
	}
	if err := checkAdditional(r, a.AdditionalHeaders); err != nil {
		return err
	}
	cr := CanonicalRequestV4(r, res, canonicalQuery, a.AdditionalHeaders)
	sts := StringToSignV4(ts, a.Scope, cr)
	want := hmacSHA256(SigningKeyV4(secret, a.Scope), sts)
	got, err := hex.DecodeString(a.Signature)
	if err != nil || !hmac.Equal(want, got) {
		return &SignatureError{
			Scheme:            a.Scheme,
			AccessKeyID:       a.AccessKeyID,
			SignatureProvided: a.Signature,
			StringToSign:      sts,
			CanonicalRequest:  cr,
		}
	}
	return nil
}

// uriEncode percent-encodes every byte except RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~) with upper-case hex; "/" is kept when encodeSlash is
// false. This is the escaping of both SDKs (escapePath, url.QueryEscape with
// "+" turned into "%20").
func uriEncode(s string, encodeSlash bool) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
