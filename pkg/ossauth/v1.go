package ossauth

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Query parameter and header names of signature v1.
const (
	paramAccessKeyID   = "OSSAccessKeyId"
	paramExpires       = "Expires"
	paramSignature     = "Signature"
	paramSecurityToken = "security-token"

	headerSecurityToken = "X-Oss-Security-Token"
	headerOSSDate       = "X-Oss-Date"
)

// CanonicalizedOSSHeaders renders the x-oss-* headers of h as auth.md 2.3
// describes: names lower-cased, sorted, "name:value\n" each, no spaces
// around the colon; "" when there are none. Values are trimmed of
// surrounding white space and repeated headers are joined with ",", as the
// v2 SDK does (the spec leaves both open).
func CanonicalizedOSSHeaders(h http.Header) string {
	return canonicalHeaders(h, func(name string) bool { return strings.HasPrefix(name, "x-oss-") })
}

// canonicalHeaders renders the headers of h whose lower-cased name satisfies
// keep, merging keys that differ only in case.
func canonicalHeaders(h http.Header, keep func(lowerName string) bool) string {
	merged := make(map[string][]string)
	for _, k := range sortedKeys(h) {
		lk := strings.ToLower(k)
		if keep(lk) {
			merged[lk] = append(merged[lk], h[k]...)
		}
	}
	return renderHeaders(merged)
}

// sortedKeys returns the keys of h sorted, so that keys differing only in
// case merge in a deterministic order.
func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func renderHeaders(merged map[string][]string) string {
	names := make([]string, 0, len(merged))
	for k := range merged {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k)
		b.WriteByte(':')
		for i, v := range merged[k] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.TrimSpace(v))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// CanonicalizedResource renders the v1 CanonicalizedResource (auth.md 2.4):
// "/" for the service, "/bucket/" for a bucket, "/bucket/key" for an object
// (raw, unescaped key), followed by "?" and the sub-resources of query
// (IsSubResource) sorted byte-wise and joined with "&". A sub-resource with
// an empty value is written as its bare name ("?acl"); otherwise
// "name=value" with the raw, unescaped value. Only the first value of a
// repeated parameter is used. Other query parameters are ignored.
func CanonicalizedResource(res Resource, query url.Values) string {
	return canonicalizedResource(res, query, true)
}

// canonicalizedResource is CanonicalizedResource; without bucketSlash a
// bucket-level resource is "/bucket" rather than "/bucket/" (see
// bucketWithoutSlashV1).
func canonicalizedResource(res Resource, query url.Values, bucketSlash bool) string {
	var b strings.Builder
	b.WriteByte('/')
	if res.Bucket != "" {
		b.WriteString(res.Bucket)
		if bucketSlash || res.Key != "" {
			b.WriteByte('/')
		}
		b.WriteString(res.Key)
	}
	var names []string
	for k := range query {
		if IsSubResource(k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for i, k := range names {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if v := query.Get(k); v != "" {
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	return b.String()
}

// StringToSignV1 builds the v1 string to sign of r for res (auth.md 2.2):
// VERB, Content-MD5, Content-Type and date, each followed by "\n", then
// CanonicalizedOSSHeaders and CanonicalizedResource. date is the Date line:
// the request date for header signing (see DateV1), the decimal Expires
// value for URL signing.
func StringToSignV1(r *http.Request, res Resource, date string) string {
	return stringToSignV1(r, res, date, true)
}

func stringToSignV1(r *http.Request, res Resource, date string, bucketSlash bool) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-MD5"))
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte('\n')
	b.WriteString(CanonicalizedOSSHeaders(r.Header))
	b.WriteString(canonicalizedResource(res, r.URL.Query(), bucketSlash))
	return b.String()
}

// DateV1 returns the date line of a header-signed v1 request: the
// x-oss-date header when present (browser clients, which cannot set Date,
// sign it; the ali-oss JavaScript SDK uses it in preference to Date), else
// the Date header. "" when neither is present.
func DateV1(h http.Header) string {
	if d := h.Get(headerOSSDate); d != "" {
		return d
	}
	return h.Get("Date")
}

// SignV1 returns base64(HMAC-SHA1(secret, stringToSign)).
func SignV1(secret, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// parseHTTPDate parses the only date form the spec allows (RFC 1123 with
// GMT and a two-digit day, auth.md 2.5).
func parseHTTPDate(s string) (time.Time, bool) {
	t, err := time.Parse(http.TimeFormat, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// SignRequestV1 signs r in the v1 header form, as the Go SDKs do: it sets
// Date to t (RFC 1123 GMT), x-oss-security-token when cred has a token, and
// Authorization. Content-MD5, Content-Type and x-oss-* headers must already
// be set. It is meant for tests and tools; the server only verifies.
func SignRequestV1(r *http.Request, res Resource, cred Credentials, t time.Time) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	date := t.UTC().Format(http.TimeFormat)
	r.Header.Set("Date", date)
	if cred.SecurityToken != "" {
		r.Header.Set(headerSecurityToken, cred.SecurityToken)
	}
	sig := SignV1(cred.AccessKeySecret, StringToSignV1(r, res, DateV1(r.Header)))
	r.Header.Set("Authorization", (&Auth{Scheme: SchemeV1Header, AccessKeyID: cred.AccessKeyID, Signature: sig}).AuthorizationHeader())
}

// PresignV1 turns r into a v1 signed URL valid until expires (auth.md 4):
// it adds security-token (when cred has a token), Expires, OSSAccessKeyId and
// Signature to r.URL's query, re-encoding the whole query strictly (space as
// %20). Content-MD5, Content-Type and x-oss-* headers present on r are
// signed and must accompany the URL.
func PresignV1(r *http.Request, res Resource, cred Credentials, expires time.Time) {
	q := r.URL.Query()
	if cred.SecurityToken != "" {
		q.Set(paramSecurityToken, cred.SecurityToken)
	}
	r.URL.RawQuery = encodeQuery(q)
	exp := strconv.FormatInt(expires.Unix(), 10)
	sig := SignV1(cred.AccessKeySecret, StringToSignV1(r, res, exp))
	q.Set(paramExpires, exp)
	q.Set(paramAccessKeyID, cred.AccessKeyID)
	q.Set(paramSignature, sig)
	r.URL.RawQuery = encodeQuery(q)
}

// encodeQuery is url.Values.Encode with RFC 3986 escaping (space as %20),
// the form both SDKs put on the wire.
func encodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(uriEncode(k, true))
			b.WriteByte('=')
			b.WriteString(uriEncode(v, true))
		}
	}
	return b.String()
}

// verifyV1 checks a v1 request whose Auth came from Parse.
func verifyV1(a *Auth, r *http.Request, res Resource, secret string, now time.Time) error {
	var date string
	switch a.Scheme {
	case SchemeV1Header:
		date = DateV1(r.Header)
		if err := checkHeaderDate(date, "no Date or x-oss-date header", now, a.maxSkew()); err != nil {
			return err
		}
	case SchemeV1Query:
		date = r.URL.Query().Get(paramExpires)
		if err := checkExpires("Expires", date, now); err != nil {
			return err
		}
	}
	sts := StringToSignV1(r, res, date)
	want := SignV1(secret, sts)
	if !hmac.Equal([]byte(want), []byte(a.Signature)) && !bucketWithoutSlashV1(a, r, res, secret, date) {
		return &SignatureError{
			Scheme:            a.Scheme,
			AccessKeyID:       a.AccessKeyID,
			SignatureProvided: a.Signature,
			StringToSign:      sts,
		}
	}
	return nil
}

// bucketWithoutSlashV1 reports whether a bucket-level request is signed
// with the CanonicalizedResource "/bucket" (no slash after the bucket)
// instead of "/bucket/". aliyun-oss-php-sdk before its SignerV1 (2.0 to
// 2.6, OssClient::generateSignableResource) signs so when its endpoint is
// an IP address, path-style, which is how osslite is usually reached: the
// SDK's comment says OSS under an IP host takes the resource without the
// slash. The slash-less form names the same bucket, so accepting it
// widens nothing.
func bucketWithoutSlashV1(a *Auth, r *http.Request, res Resource, secret, date string) bool {
	if res.Bucket == "" || res.Key != "" {
		return false
	}
	want := SignV1(secret, stringToSignV1(r, res, date, false))
	return hmac.Equal([]byte(want), []byte(a.Signature))
}

// checkHeaderDate checks the date of a header-signed request (v1, v2):
// present ("missing" says which headers it may come from), an HTTP date,
// and within max of now.
func checkHeaderDate(date, missing string, now time.Time, max time.Duration) error {
	t, ok := parseHTTPDate(date)
	if !ok {
		if date == "" {
			return wrap(ErrMissingDate, missing)
		}
		return wrap(ErrMissingDate, "cannot parse date "+strconv.Quote(date))
	}
	return checkSkew(t, now, max)
}

// checkExpires checks the Unix-seconds expiry of a signed URL (v1, v2),
// named name in errors.
func checkExpires(name, raw string, now time.Time) error {
	exp, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return wrap(ErrMalformedExpires, name+" "+strconv.Quote(raw))
	}
	if now.Unix() > exp {
		return wrap(ErrExpired, name+" "+raw)
	}
	return nil
}

// checkSkew enforces the symmetric MaxSkew window (auth.md 2.5); exactly
// MaxSkew apart is still accepted.
func checkSkew(t, now time.Time, max time.Duration) error {
	d := now.Sub(t)
	if d > max || d < -max {
		return &SkewError{RequestTime: t, ServerTime: now, MaxSkew: max}
	}
	return nil
}
