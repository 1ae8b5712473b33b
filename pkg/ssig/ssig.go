package ssig

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxSkew is how far in the past the Date of a header-signed request may
// lie. SCS treats Date as an expiry time (clients send far-future dates),
// so any future date is accepted. [Unsure] The vendor's verifier rejects
// any past Date; 15 minutes tolerates clients that send the current time
// (the Go SDK does) over a slow link.
const MaxSkew = 15 * time.Minute

// utcDate is the HTTP date with its zone written "UTC": the form of every
// date in SCS's own JSON documents ("Fri, 21 Mar 2014 01:13:42 UTC") and
// the Date the SCS Go SDK (github.com/Arvintian/scs-go-sdk, JuiceFS's scs
// storage) signs, Go's time.RFC1123 of a UTC time.
const utcDate = "Mon, 02 Jan 2006 15:04:05 UTC"

// ParseDate reads a date as SCS clients send it (the Date header, and
// the x-sina-expire header): an HTTP date (http.ParseTime: the GMT form,
// RFC 850 or asctime) or the same instant in the UTC form of utcDate,
// which the official SCS Go SDK (SinaCloudStorage-SDK-Go) writes for
// both. Other zones are refused, not converted.
func ParseDate(v string) (time.Time, error) {
	if t, err := http.ParseTime(v); err == nil {
		return t, nil
	}
	return time.Parse(utcDate, v)
}

// Scheme is how a request is authenticated.
type Scheme int

const (
	// SchemeAnonymous: no signature.
	SchemeAnonymous Scheme = iota
	// SchemeHeader: "Authorization: SINA <key>:<ssig>" with Date.
	SchemeHeader
	// SchemeQuery: KID, Expires and ssig query parameters.
	SchemeQuery
)

func (s Scheme) String() string {
	switch s {
	case SchemeAnonymous:
		return "anonymous"
	case SchemeHeader:
		return "header"
	case SchemeQuery:
		return "query"
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// Resource is what a request addresses, in path-style form whatever the
// addressing: Bucket "" is the service, EscapedKey "" the bucket itself.
// EscapedKey is the key as the request path carries it (still
// URL-escaped): the SDKs sign exactly the path they send.
type Resource struct {
	Bucket     string
	EscapedKey string
	// Extra lists sub-resources outside the SCS list that the server
	// serves and therefore signs (osslite extension: S3 operations such
	// as ?tagging and ?delete, and versionId). Present ones are signed
	// after the bare SCS sub-resources, sorted by name: bare when their
	// value is empty, else as name=value (the raw value). The vendor SDKs
	// never send any.
	Extra []string
}

// Path returns the resource part of CanonicalizedResource: "/",
// "/<bucket>/" or "/<bucket>/<escaped key>".
func (r Resource) Path() string {
	switch {
	case r.Bucket == "":
		return "/"
	case r.EscapedKey == "":
		return "/" + r.Bucket + "/"
	}
	return "/" + r.Bucket + "/" + r.EscapedKey
}

// Bare sub-resources are signed without a value, in this order of
// preference; valued ones as name=value.
var (
	bareSubresources   = []string{"acl", "location", "torrent", "website", "logging", "relax", "meta", "uploads", "part", "copy", "multipart"}
	valuedSubresources = []string{"ip", "partNumber", "uploadId"} // sorted
)

// IsSubresource reports whether a query parameter is signed.
func IsSubresource(name string) bool {
	return slices.Contains(bareSubresources, name) || slices.Contains(valuedSubresources, name)
}

// CanonicalResource returns the CanonicalizedResource of a request with
// query q in the vendor SDKs' primary form: the path, then "?" and the
// signed sub-resources: the bare ones first (in the SDKs' list order),
// then name=value ones sorted by name (Python and PHP SDKs).
func CanonicalResource(res Resource, q url.Values) string {
	return canonicalVariants(res, q)[0]
}

// canonicalVariants lists every CanonicalizedResource the verifier
// accepts for one request. [Unsure] The SDKs disagree when bare and
// valued sub-resources meet (Python/PHP: bare first; Go: all sorted
// together) and on escaping values (PHP rawurlencode, the others raw);
// every combination is the same resource, so each is accepted.
func canonicalVariants(res Resource, q url.Values) []string {
	path := res.Path()
	var bare, valued, valuedEsc []string
	for _, n := range bareSubresources {
		if q.Has(n) {
			bare = append(bare, n)
		}
	}
	extra := slices.Clone(res.Extra)
	slices.Sort(extra)
	for _, n := range slices.Compact(extra) {
		if q.Has(n) && !IsSubresource(n) {
			if v := q.Get(n); v != "" {
				n += "=" + v // a value changes the operation too (versionId)
			}
			bare = append(bare, n)
		}
	}
	for _, n := range valuedSubresources {
		if q.Has(n) {
			v := q.Get(n)
			valued = append(valued, n+"="+v)
			valuedEsc = append(valuedEsc, n+"="+rawURLEncode(v))
		}
	}
	if len(bare) == 0 && len(valued) == 0 {
		return []string{path}
	}
	out := []string{path + "?" + strings.Join(append(slices.Clone(bare), valued...), "&")}
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sorted := append(slices.Clone(bare), valued...)
	slices.Sort(sorted)
	add(path + "?" + strings.Join(sorted, "&"))
	add(path + "?" + strings.Join(append(slices.Clone(bare), valuedEsc...), "&"))
	sortedEsc := append(slices.Clone(bare), valuedEsc...)
	slices.Sort(sortedEsc)
	add(path + "?" + strings.Join(sortedEsc, "&"))
	return out
}

// rawURLEncode escapes like PHP's rawurlencode (RFC 3986 unreserved kept).
func rawURLEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// ContentHash returns the value of the content-hash line: the first
// present of s-sina-sha1, s-sina-md5 and Content-MD5, else "". [Unsure]
// This is the order of a vendor server-side verifier; the SDKs send at
// most one of them.
func ContentHash(h http.Header) string {
	for _, n := range []string{"S-Sina-Sha1", "S-Sina-Md5", "Content-Md5"} {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// CanonicalHeaders returns CanonicalizedAmzHeaders: every x-amz- and
// x-sina- header as "name:value\n", names lower-cased and sorted,
// repeated headers joined with ",", values trimmed.
func CanonicalHeaders(h http.Header) string {
	var names []string
	vals := map[string][]string{}
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-amz-") && !strings.HasPrefix(lk, "x-sina-") {
			continue
		}
		if _, seen := vals[lk]; !seen {
			names = append(names, lk)
		}
		for _, v := range vs {
			vals[lk] = append(vals[lk], strings.TrimSpace(v))
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.Join(vals[n], ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// StringToSign builds the string to sign of a request: date is the Date
// header (header form) or the Expires value (URL form), resource the
// CanonicalizedResource.
func StringToSign(method string, h http.Header, date, resource string) string {
	return method + "\n" + ContentHash(h) + "\n" + h.Get("Content-Type") + "\n" + date + "\n" + CanonicalHeaders(h) + resource
}

// Signature returns the full Base64 HMAC-SHA1 of stringToSign.
func Signature(secret, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Sign returns the ssig of stringToSign: characters 5 to 14 of Signature.
func Sign(secret, stringToSign string) string {
	return Signature(secret, stringToSign)[5:15]
}

// FormSignature is the browser-form (POST Object) signature: the full
// Base64 HMAC-SHA1 of the Base64 policy (spec 2.6).
func FormSignature(secret, policyBase64 string) string {
	return Signature(secret, policyBase64)
}

// SignRequest adds "Authorization: SINA <accessKey>:<ssig>" to r for res,
// setting Date to date when r has none (SCS reads Date as an expiry time:
// a date in the future keeps the request valid until then).
func SignRequest(r *http.Request, res Resource, accessKey, secret string, date time.Time) {
	if r.Header.Get("Date") == "" {
		r.Header.Set("Date", date.UTC().Format(http.TimeFormat))
	}
	sts := StringToSign(r.Method, r.Header, r.Header.Get("Date"), CanonicalResource(res, r.URL.Query()))
	r.Header.Set("Authorization", "SINA "+accessKey+":"+Sign(secret, sts))
}

// PresignQuery returns the query parameters (KID, Expires, ssig) that
// sign a URL for method on res until expires; h holds the headers the
// request will send (nil: none), q the sub-resources it will carry.
func PresignQuery(method string, res Resource, q url.Values, h http.Header, accessKey, secret string, expires time.Time) url.Values {
	if h == nil {
		h = http.Header{}
	}
	exp := strconv.FormatInt(expires.Unix(), 10)
	sts := StringToSign(method, h, exp, CanonicalResource(res, q))
	return url.Values{"KID": {"sina," + accessKey}, "Expires": {exp}, "ssig": {Sign(secret, sts)}}
}

// Auth is what a request claims.
type Auth struct {
	Scheme    Scheme
	AccessKey string // "" for SchemeAnonymous
	// Signature is the ssig sent.
	Signature string
	// Date is the Date header (header form) or Expires value (URL form).
	Date string
}

// authRE matches the header form. [Unsure] The vendor's verifier takes
// 1-20 word characters as the access key; osslite accepts any key
// without colons or spaces (its keys may contain "-").
var authRE = regexp.MustCompile(`^SINA ([^:\s]{1,128}):([^:\s]{10})$`)

// Parse finds the authentication material of r without verifying it.
// An Authorization header of another scheme is not Sina's: Parse reports
// SchemeAnonymous for it and leaves it to other verifiers.
func Parse(r *http.Request) (*Auth, error) {
	q := r.URL.Query()
	hasQuery := q.Has("KID") || q.Has("ssig")
	authz := r.Header.Get("Authorization")
	if strings.HasPrefix(authz, "SINA ") {
		if hasQuery {
			return nil, fmt.Errorf("%w: signed both in the header and in the URL", ErrMalformedAuthorization)
		}
		m := authRE.FindStringSubmatch(authz)
		if m == nil {
			return nil, fmt.Errorf("%w: want \"SINA <access key>:<ssig>\"", ErrMalformedAuthorization)
		}
		return &Auth{Scheme: SchemeHeader, AccessKey: m[1], Signature: m[2], Date: r.Header.Get("Date")}, nil
	}
	if !hasQuery {
		return &Auth{Scheme: SchemeAnonymous}, nil
	}
	for _, n := range []string{"KID", "Expires", "ssig"} {
		if q.Get(n) == "" {
			return nil, fmt.Errorf("%w: %s", ErrMissingQueryParameter, n)
		}
	}
	// [Unsure] "sae," (SAE platform accounts) is accepted like "sina,".
	kid := q.Get("KID")
	ak, ok := strings.CutPrefix(kid, "sina,")
	if !ok {
		ak, ok = strings.CutPrefix(kid, "sae,")
	}
	if !ok || ak == "" || len(ak) > 128 {
		return nil, fmt.Errorf("%w: KID must be sina,<access key>", ErrMalformedAuthorization)
	}
	return &Auth{Scheme: SchemeQuery, AccessKey: ak, Signature: q.Get("ssig"), Date: q.Get("Expires")}, nil
}

// Verify checks a's signature of r for res with secret at time now: the
// date (header form: Date, or X-Amz-Date when no Date is sent, in GMT or
// UTC (ParseDate), at most MaxSkew in the past; URL form: Expires not passed), the ssig (constant-time, against every accepted string to
// sign) and the signed ip parameter.
func (a *Auth) Verify(r *http.Request, res Resource, secret string, now time.Time) error {
	switch a.Scheme {
	case SchemeHeader:
		name, when := "Date", a.Date
		if when == "" && r.Header.Get("X-Amz-Date") != "" {
			// Sina's JS SDK (scs-sdk-js, lib/signers/s3.js) sends no
			// Date: the time is in X-Amz-Date, signed among the x-amz-
			// headers, and the Date line of the string to sign is
			// empty, as in S3's signature version 2.
			name, when = "X-Amz-Date", r.Header.Get("X-Amz-Date")
		}
		t, err := ParseDate(when)
		if err != nil {
			return fmt.Errorf("%w: %s %q", ErrMalformedDate, name, when)
		}
		if t.Before(now.Add(-MaxSkew)) {
			return fmt.Errorf("%w: %s %s is in the past", ErrExpired, name, when)
		}
	case SchemeQuery:
		exp, err := strconv.ParseInt(a.Date, 10, 64)
		if err != nil {
			return fmt.Errorf("%w: Expires %q", ErrMalformedDate, a.Date)
		}
		if now.Unix() > exp {
			return fmt.Errorf("%w: Expires %d has passed", ErrExpired, exp)
		}
	default:
		return nil
	}
	q := r.URL.Query()
	variants := canonicalVariants(res, q)
	first := ""
	match := 0
	for _, c := range variants {
		sts := StringToSign(r.Method, r.Header, a.Date, c)
		if first == "" {
			first = sts
		}
		match |= subtle.ConstantTimeCompare([]byte(Sign(secret, sts)), []byte(a.Signature))
	}
	if match != 1 {
		return &SignatureError{AccessKey: a.AccessKey, Provided: a.Signature, StringToSign: first}
	}
	if ip := q.Get("ip"); ip != "" && !ipAllowed(ip, r.RemoteAddr) {
		return fmt.Errorf("%w: %s", ErrIPMismatch, ip)
	}
	return nil
}

// ipAllowed reports whether the client address matches the signed ip
// parameter. [Unsure] The seed shows "ip=time,ipaddress"; the address is
// taken after the last comma and compared as a prefix of the client's, as
// a vendor verifier does.
func ipAllowed(param, remoteAddr string) bool {
	if i := strings.LastIndexByte(param, ','); i >= 0 {
		param = param[i+1:]
	}
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	return param != "" && strings.HasPrefix(host, param)
}

// SecretLookup returns the secret key of an access key.
type SecretLookup func(accessKey string) (secret string, ok bool)

// Authenticate parses and verifies r: anonymous requests (no Sina
// signature) succeed with SchemeAnonymous. On failure the returned Auth,
// when not nil, names the access key the request claimed.
func Authenticate(r *http.Request, res Resource, now time.Time, lookup SecretLookup) (*Auth, error) {
	a, err := Parse(r)
	if err != nil || a.Scheme == SchemeAnonymous {
		return a, err
	}
	secret, ok := lookup(a.AccessKey)
	if !ok {
		return a, fmt.Errorf("%w: %s", ErrInvalidAccessKeyID, a.AccessKey)
	}
	return a, a.Verify(r, res, secret, now)
}
