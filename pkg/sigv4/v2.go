package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SubResourcesV2 lists the query parameters that SigV2 includes in the
// CanonicalizedResource (auth.md §6.1), sorted.
var SubResourcesV2 = []string{
	"acl", "cors", "delete", "encryption", "legal-hold", "lifecycle", "location",
	"logging", "notification", "object-lock", "partNumber", "policy", "replication",
	"requestPayment", "response-cache-control", "response-content-disposition",
	"response-content-encoding", "response-content-language", "response-content-type",
	"response-expires", "restore", "retention", "select", "select-type", "tagging",
	"torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
}

var subResourceV2 = func() map[string]bool {
	m := make(map[string]bool, len(SubResourcesV2))
	for _, s := range SubResourcesV2 {
		m[s] = true
	}
	return m
}()

// IsSubResourceV2 reports whether SigV2 signs the query parameter name
// (it is in SubResourcesV2, in that case).
func IsSubResourceV2(name string) bool { return subResourceV2[name] }

// SignatureV2 returns Base64(HMAC-SHA1(secret, stringToSign)). It also signs
// SigV2 POST policies (stringToSign = the base64 policy).
func SignatureV2(secret, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ParseAuthorizationV2 parses "AWS <AccessKeyId>:<Signature>". Errors are
// *Error wrapping ErrMalformedAuthorizationV2, in S3's words (S3 answers
// "AWS HAHAHA" 400 InvalidArgument: ceph/s3-tests
// test_object_create_bad_authorization_invalid_aws2).
func ParseAuthorizationV2(header string) (accessKeyID, signature string, err error) {
	rest, ok := strings.CutPrefix(header, "AWS ")
	if !ok {
		return "", "", malformedV2(header)
	}
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 || i == len(rest)-1 {
		return "", "", malformedV2(header)
	}
	return strings.TrimSpace(rest[:i]), strings.TrimSpace(rest[i+1:]), nil
}

// malformedV2 is S3's refusal of a SigV2 Authorization header without
// its "<AccessKeyId>:<Signature>" (two spaces after the period are S3's).
func malformedV2(header string) *Error {
	return &Error{Kind: ErrMalformedAuthorizationV2, Message: "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature", ArgumentValue: header}
}

// StringToSignV2 returns the SigV2 string to sign of r (auth.md §6.1).
// date is written on the Date line verbatim: the Date header value, the
// Expires value of a query-signed request, or "" when x-amz-date is used.
// If omitXAmzDate is set, x-amz-date is left out of the canonical amz
// headers (the form of the published DELETE example, where the date line
// holds the x-amz-date value). bucket is the virtual-hosted bucket, "" for
// path style; the path is taken as sent on the wire, still escaped.
func StringToSignV2(r *http.Request, bucket, date string, omitXAmzDate bool) string {
	return stringToSignV2(r, resourcePathsV2(r, bucket)[0], date, omitXAmzDate, nil)
}

// StringToSignV2Query returns the string to sign of r as a query-signed
// (presigned) SigV2 request expiring at expires (Unix seconds): its
// x-amz-* query parameters are canonical amz headers, in place of headers
// of the same name, as S3 reads them. Clients that presign with SigV2
// (botocore, boto, the JavaScript SDK v2) sign a request's x-amz-*
// headers and move them into the query, so that whoever uses the URL
// need not send them; x-amz-security-token travels the same way.
func StringToSignV2Query(r *http.Request, bucket, expires string) string {
	return stringToSignV2(r, resourcePathsV2(r, bucket)[0], expires, false, QueryAmzHeaders(r))
}

// QueryAmzHeaders returns the x-amz-* parameters of r's query, names
// lower-cased, values decoded, trimmed and unfolded as the string to sign
// has them, in query order: for a SigV2 presigned request, the amz headers
// its signature covers (StringToSignV2Query), exactly as it covers them.
// A parameter whose name is not an HTTP header name is none of them: its
// name could hold a ':' and a newline, and so stand for two signed
// "name:value" lines sent as one parameter.
func QueryAmzHeaders(r *http.Request) map[string][]string {
	var m map[string][]string
	for _, qp := range parseQuery(r.URL.RawQuery, true) {
		l := strings.ToLower(qp.name)
		if !strings.HasPrefix(l, "x-amz-") || !headerName(l) {
			continue
		}
		if m == nil {
			m = make(map[string][]string)
		}
		m[l] = append(m[l], unfold(qp.value))
	}
	return m
}

// headerName reports whether s is an HTTP header field name (RFC 9110
// token).
func headerName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

// resourcePathsV2 returns the path part of the CanonicalizedResource of r:
// "/" + bucket (virtual-hosted) and the path as sent, still escaped. A
// request addressing a bucket alone is signed by clients as /bucket or
// /bucket/ whatever it sends (botocore signs /bucket/ and sends /bucket;
// a virtual-hosted request sends /), so for those the other spelling comes
// second.
func resourcePathsV2(r *http.Request, bucket string) []string {
	p := rawPath(r)
	if p == "" {
		p = "/"
	}
	if bucket != "" {
		p = "/" + bucket + p
	}
	name, rest, _ := strings.Cut(p[1:], "/")
	if name == "" || rest != "" {
		return []string{p}
	}
	if strings.HasSuffix(p, "/") {
		return []string{p, strings.TrimSuffix(p, "/")}
	}
	return []string{p, p + "/"}
}

// stringToSignV2 is StringToSignV2 with the resource path given;
// fromQuery, for a presigned request, is its QueryAmzHeaders.
func stringToSignV2(r *http.Request, resourcePath, date string, omitXAmzDate bool, fromQuery map[string][]string) string {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-Md5"))
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte('\n')

	var amz []string
	for name := range r.Header {
		l := strings.ToLower(name)
		if _, q := fromQuery[l]; !q && strings.HasPrefix(l, "x-amz-") && !(omitXAmzDate && l == "x-amz-date") {
			amz = append(amz, l)
		}
	}
	for l := range fromQuery {
		amz = append(amz, l)
	}
	sort.Strings(amz)
	for _, l := range amz {
		b.WriteString(l)
		b.WriteByte(':')
		values, q := fromQuery[l]
		if !q {
			values = r.Header.Values(l)
		}
		for i, v := range values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(unfold(v))
		}
		b.WriteByte('\n')
	}

	b.WriteString(resourcePath)
	var subs []queryParam
	for _, qp := range parseQuery(r.URL.RawQuery, true) {
		if subResourceV2[qp.name] {
			subs = append(subs, qp)
		}
	}
	sort.SliceStable(subs, func(i, j int) bool { return subs[i].name < subs[j].name })
	for i, s := range subs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(s.name)
		if s.value != "" {
			b.WriteByte('=')
			b.WriteString(s.value)
		}
	}
	return b.String()
}

// unfold replaces line breaks and surrounding whitespace with one space and
// trims the value.
func unfold(v string) string {
	if strings.ContainsAny(v, "\r\n") {
		v = strings.Join(strings.Fields(v), " ")
	}
	return strings.TrimSpace(v)
}

// parseV2Time parses a Date / x-amz-date value of a SigV2 request: an HTTP
// date (RFC 1123 with GMT, RFC 850, asctime), RFC 1123 with a numeric zone
// or the zone name UTC, ISO 8601 basic (TimeFormat) or RFC 3339.
func parseV2Time(v string) (time.Time, error) {
	t, err := parseAnyTime(v)
	if err == nil && t.Year() < 1970 {
		// S3 takes no date before the epoch as a request time:
		// AccessDenied, not RequestTimeTooSkewed.
		return time.Time{}, fmt.Errorf("%w: invalid date %q", ErrMissingDate, v)
	}
	return t, err
}

func parseAnyTime(v string) (time.Time, error) {
	if t, err := http.ParseTime(v); err == nil {
		return t, nil
	}
	for _, layout := range []string{time.RFC1123Z, TimeFormat, time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	if rest, ok := strings.CutSuffix(v, " UTC"); ok {
		if t, err := time.Parse(http.TimeFormat, rest+" GMT"); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: invalid date %q", ErrMissingDate, v)
}

func verifyV2Header(r *http.Request, secret SecretFunc, now time.Time, opts VerifyOptions) (*Result, error) {
	akid, sig, err := ParseAuthorizationV2(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	// x-amz-date, when present at all, is the request's time: an empty
	// one is no date (S3: AccessDenied), not a reason to fall back to Date.
	dateHdr, amzDate := r.Header.Get("Date"), r.Header.Get("X-Amz-Date")
	tv := amzDate
	if _, ok := r.Header["X-Amz-Date"]; !ok {
		tv = dateHdr
	}
	if tv == "" {
		return nil, fmt.Errorf("%w: AWS authentication requires a valid Date or x-amz-date header", ErrMissingDate)
	}
	t, err := parseV2Time(tv)
	if err != nil {
		return nil, err
	}
	if d := now.Sub(t); d > opts.MaxSkew || d < -opts.MaxSkew {
		return nil, &SkewError{RequestTime: tv, ServerTime: now, MaxSkew: opts.MaxSkew}
	}
	sec, ok := secret(akid)
	if !ok {
		return nil, &Error{Kind: ErrInvalidAccessKeyID, AccessKeyID: akid}
	}
	var stss []string
	for _, p := range resourcePathsV2(r, opts.VirtualHostBucket) {
		if amzDate != "" {
			stss = append(stss, stringToSignV2(r, p, "", false, nil), stringToSignV2(r, p, amzDate, true, nil))
		} else {
			stss = append(stss, stringToSignV2(r, p, dateHdr, false, nil))
		}
	}
	if err := matchV2(sec, akid, sig, stss); err != nil {
		return nil, err
	}
	return &Result{Method: MethodV2Header, AccessKeyID: akid, Time: t.UTC()}, nil
}

func verifyV2Query(r *http.Request, secret SecretFunc, now time.Time, opts VerifyOptions) (*Result, error) {
	q := r.URL.Query()
	akid, sig, exp := q.Get("AWSAccessKeyId"), q.Get("Signature"), q.Get("Expires")
	if akid == "" || sig == "" || exp == "" {
		return nil, ErrIncompleteQueryV2
	}
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%w: invalid Expires %q", ErrMalformedPresigned, exp)
	}
	t := time.Unix(n, 0).UTC()
	if now.After(t) {
		return nil, &ExpiredError{Expires: t, ServerTime: now}
	}
	sec, ok := secret(akid)
	if !ok {
		return nil, &Error{Kind: ErrInvalidAccessKeyID, AccessKeyID: akid}
	}
	var stss []string
	fromQuery := QueryAmzHeaders(r)
	for _, p := range resourcePathsV2(r, opts.VirtualHostBucket) {
		stss = append(stss, stringToSignV2(r, p, exp, false, fromQuery))
	}
	if err := matchV2(sec, akid, sig, stss); err != nil {
		return nil, err
	}
	return &Result{Method: MethodV2Query, AccessKeyID: akid, Time: t}, nil
}

func matchV2(secret, akid, provided string, stss []string) error {
	for _, sts := range stss {
		if SignatureEqual(SignatureV2(secret, sts), provided) {
			return nil
		}
	}
	return &MismatchError{AccessKeyID: akid, SignatureProvided: provided, StringToSign: stss[0]}
}

// SignRequestV2 signs r in place with a SigV2 Authorization header: it sets
// Date (from now) unless Date or X-Amz-Date is present. bucket is the
// virtual-hosted bucket, "" for path style.
func SignRequestV2(r *http.Request, creds Credentials, bucket string, now time.Time) {
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	if r.Header.Get("Date") == "" && r.Header.Get("X-Amz-Date") == "" {
		r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	}
	date := r.Header.Get("Date")
	if r.Header.Get("X-Amz-Date") != "" {
		date = ""
	}
	r.Header.Set("Authorization", "AWS "+creds.AccessKeyID+":"+SignatureV2(creds.SecretAccessKey, StringToSignV2(r, bucket, date, false)))
}

// PresignV2 adds SigV2 query authentication to r.URL, expiring at expires.
// A session token travels as the x-amz-security-token parameter, which the
// signature covers (as botocore presigns with temporary credentials).
func PresignV2(r *http.Request, creds Credentials, bucket string, expires time.Time) {
	if creds.SessionToken != "" {
		tok := "x-amz-security-token=" + url.QueryEscape(creds.SessionToken)
		if r.URL.RawQuery != "" {
			tok = "&" + tok
		}
		r.URL.RawQuery += tok
	}
	exp := strconv.FormatInt(expires.Unix(), 10)
	sig := SignatureV2(creds.SecretAccessKey, StringToSignV2Query(r, bucket, exp))
	add := "AWSAccessKeyId=" + url.QueryEscape(creds.AccessKeyID) + "&Expires=" + exp + "&Signature=" + url.QueryEscape(sig)
	if r.URL.RawQuery != "" {
		r.URL.RawQuery += "&" + add
	} else {
		r.URL.RawQuery = add
	}
}
