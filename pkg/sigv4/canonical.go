package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const upperhex = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// UriEncode percent-encodes every byte of s except the unreserved
// characters A-Z a-z 0-9 - _ . ~, with upper-case hex (space is %20). If
// encodeSlash is false, '/' is kept, as for the object-key part of the
// canonical URI (auth.md §1.4).
func UriEncode(s string, encodeSlash bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; !unreserved(c) && (encodeSlash || c != '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (!encodeSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperhex[c>>4])
		b.WriteByte(upperhex[c&15])
	}
	return b.String()
}

// CanonicalURI returns the S3 canonical URI of u: the decoded path encoded
// once with UriEncode, keeping '/', and "/" for an empty path. S3 does not
// normalise the path or encode it twice.
func CanonicalURI(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	return UriEncode(u.Path, false)
}

// queryParam is one decoded query parameter.
type queryParam struct{ name, value string }

// parseQuery decodes a raw query without url.ParseQuery's rejection of ';'
// and, if plusIsSpace is false, keeping '+' literal. Undecodable escapes are
// kept verbatim, so the result is defined for any input.
func parseQuery(raw string, plusIsSpace bool) []queryParam {
	var out []queryParam
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, queryParam{unescape(name, plusIsSpace), unescape(value, plusIsSpace)})
	}
	return out
}

func unescape(s string, plusIsSpace bool) string {
	var (
		v   string
		err error
	)
	if plusIsSpace {
		v, err = url.QueryUnescape(s)
	} else {
		v, err = url.PathUnescape(s)
	}
	if err != nil {
		return s
	}
	return v
}

// CanonicalQueryString returns the canonical query string of a decoded
// parameter set: names and values UriEncoded ('/' as %2F), sorted by name
// then value, joined as name=value with '&'. With presigned, X-Amz-Signature
// is left out.
func CanonicalQueryString(q url.Values, presigned bool) string {
	var ps []queryParam
	for k, vs := range q {
		for _, v := range vs {
			ps = append(ps, queryParam{k, v})
		}
	}
	return canonicalQuery(ps, presigned)
}

func canonicalQuery(ps []queryParam, presigned bool) string {
	enc := make([]queryParam, 0, len(ps))
	for _, p := range ps {
		if presigned && p.name == "X-Amz-Signature" {
			continue
		}
		enc = append(enc, queryParam{UriEncode(p.name, true), UriEncode(p.value, true)})
	}
	slices.SortFunc(enc, func(a, b queryParam) int { // sort.Slice allocates, even for an empty query
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// headerValues returns the values of header name (lower case) of r,
// including the ones net/http keeps outside r.Header (Host, Content-Length
// on client requests, and Transfer-Encoding, which the server moves to
// r.TransferEncoding: the AWS SDK for C++ signs "transfer-encoding:
// chunked" on its aws-chunked uploads, and S3 accepts them).
//
// A value of Host is appended to one, which the caller may keep on its
// stack (a signed request's host is one value: no slice of its own).
func headerValues(r *http.Request, name string, one []string) []string {
	switch name {
	case "transfer-encoding":
		if v := r.Header.Values("Transfer-Encoding"); len(v) > 0 {
			return v
		}
		return r.TransferEncoding
	case "host":
		if r.Host != "" {
			return append(one[:0], r.Host)
		}
		if r.URL != nil && r.URL.Host != "" {
			return append(one[:0], r.URL.Host)
		}
	case "content-length":
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if r.ContentLength > 0 || r.ContentLength == 0 && r.Body != nil && r.Body != http.NoBody {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		return nil
	}
	return lookupLower(r.Header, name)
}

// CanonicalHeaders returns the canonical headers block for signedHeaders
// (lower-case names, sorted): "name:value\n" per header, values trimmed and
// repeated headers joined with ','. Host comes from r.Host (or r.URL.Host).
func CanonicalHeaders(r *http.Request, signedHeaders []string) string {
	return string(appendCanonicalHeaders(nil, r, signedHeaders))
}

// appendCanonicalHeaders appends CanonicalHeaders(r, signedHeaders) to b.
func appendCanonicalHeaders(b []byte, r *http.Request, signedHeaders []string) []byte {
	var one [1]string
	for _, name := range signedHeaders {
		b = append(b, name...)
		b = append(b, ':')
		for i, v := range headerValues(r, name, one[:0]) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTrimmed(b, v)
		}
		b = append(b, '\n')
	}
	return b
}

// lookupLower returns h's values of the header named name in lower case,
// as h.Values(name) does, without allocating its canonical form: a map
// index by string(bytes) does not copy the bytes.
func lookupLower(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) == 0 || len(name) > len(buf) {
		return h.Values(name)
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				c -= 'a' - 'A'
			}
		case '0' <= c && c <= '9' || c == '-':
		default:
			return h.Values(name) // canonicalization has its own rules here
		}
		buf[i] = c
		upper = c == '-'
	}
	return h[string(buf[:len(name)])]
}

// appendTrimmed appends v to b with leading and trailing whitespace
// trimmed and runs of spaces collapsed to one.
func appendTrimmed(b []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b = append(b, v[i])
	}
	return b
}

// CanonicalRequest returns the SigV4 canonical request of r (auth.md §1.3)
// using CanonicalURI(r.URL), the query decoded with '+' as space, the
// headers named in signedHeaders (lower case; sorted here if needed) and
// payloadHash as HashedPayload. With presigned, X-Amz-Signature is left out
// of the query.
func CanonicalRequest(r *http.Request, signedHeaders []string, payloadHash string, presigned bool) string {
	return buildCanonicalRequest(r, CanonicalURI(r.URL), canonicalQuery(parseQuery(r.URL.RawQuery, true), presigned), normalizeSignedHeaders(signedHeaders), payloadHash)
}

func normalizeSignedHeaders(hs []string) []string {
	sorted := true
	for i, h := range hs {
		if h != strings.ToLower(h) || i > 0 && hs[i-1] >= h {
			sorted = false
			break
		}
	}
	if sorted {
		return hs
	}
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = strings.ToLower(h)
	}
	sort.Strings(out)
	return out
}

func buildCanonicalRequest(r *http.Request, uri, query string, signedHeaders []string, payloadHash string) string {
	return string(appendCanonicalRequest(nil, r, uri, query, signedHeaders, payloadHash))
}

// appendCanonicalRequest appends buildCanonicalRequest's result to b.
func appendCanonicalRequest(b []byte, r *http.Request, uri, query string, signedHeaders []string, payloadHash string) []byte {
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, uri...)
	b = append(b, '\n')
	b = append(b, query...)
	b = append(b, '\n')
	b = appendCanonicalHeaders(b, r, signedHeaders)
	b = append(b, '\n')
	for i, h := range signedHeaders {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, h...)
	}
	b = append(b, '\n')
	return append(b, payloadHash...)
}
