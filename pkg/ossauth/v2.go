package ossauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Signature v2 names, as in github.com/aliyun/aliyun-oss-go-sdk v3.0.2
// (oss/auth.go, oss/conn.go, oss/const.go), the SDK that signs with it
// (oss.AuthVersion(oss.AuthV2)).
const (
	// AlgorithmV2 is the v2 scheme name in Authorization and
	// x-oss-signature-version.
	AlgorithmV2 = "OSS2"

	paramV2AccessKeyID = "x-oss-access-key-id"
)

// parseV2Header parses "AccessKeyId:ak[,AdditionalHeaders:h1;h2],Signature:sig"
// (the part after "OSS2 "). Fields may come in any order.
func parseV2Header(s string) (*Auth, error) {
	var ak, add, sig string
	seen := map[string]bool{}
	for _, field := range strings.Split(s, ",") {
		field = strings.TrimSpace(field)
		name, value, ok := strings.Cut(field, ":")
		if !ok {
			return nil, wrap(ErrMalformedAuthorization, fmt.Sprintf("v2: field %q has no ':'", truncate(field)))
		}
		if seen[name] {
			return nil, wrap(ErrMalformedAuthorization, "v2: repeated field "+truncate(name))
		}
		seen[name] = true
		switch name {
		case "AccessKeyId":
			ak = value
		case "AdditionalHeaders":
			add = value
		case "Signature":
			sig = value
		default:
			return nil, wrap(ErrMalformedAuthorization, fmt.Sprintf("v2: unknown field %q", truncate(name)))
		}
	}
	switch {
	case !validToken(ak, ":,"):
		return nil, wrap(ErrMalformedAuthorization, "v2: bad or missing AccessKeyId")
	case !validToken(sig, ":,"):
		return nil, wrap(ErrMalformedAuthorization, "v2: bad or missing Signature")
	}
	a := &Auth{Scheme: SchemeV2Header, AccessKeyID: ak, Signature: sig}
	if err := a.setAdditionalHeaders(add); err != nil {
		return nil, err
	}
	return a, nil
}

// parseV2Query reads the v2 URL parameters (x-oss-signature-version=OSS2).
func parseV2Query(r *http.Request, q url.Values) (*Auth, error) {
	for _, p := range []string{paramV2AccessKeyID, paramV4Expires, paramV4Signature} {
		if q.Get(p) == "" {
			return nil, wrap(ErrMissingQueryParameter, p)
		}
	}
	a := &Auth{
		Scheme:      SchemeV2Query,
		AccessKeyID: q.Get(paramV2AccessKeyID),
		// Spaces cannot occur in base64; a '+' sent unescaped decodes to one.
		Signature:     strings.ReplaceAll(q.Get(paramV4Signature), " ", "+"),
		SecurityToken: q.Get(paramSecurityToken),
	}
	if a.SecurityToken == "" {
		a.SecurityToken = r.Header.Get(headerSecurityToken)
	}
	if err := a.setAdditionalHeaders(q.Get(paramV4Additional)); err != nil {
		return nil, err
	}
	return a, nil
}

// v2Escape is the SDK's escaping of resource parts: url.QueryEscape with
// space as %20.
func v2Escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// CanonicalizedResourceV2 renders the v2 CanonicalizedResource: the escaped
// "/bucket/" (or "/" for the service) followed by the escaped key, both
// with url.QueryEscape and space as %20 ("/" becomes %2F), then "?" and
// every query parameter except those named in exclude, names and values
// escaped the same way, sorted by escaped name, "name=value" or the bare
// name when the value is empty. Only the first value of a repeated
// parameter is used.
func CanonicalizedResourceV2(res Resource, query url.Values, exclude ...string) string {
	var b strings.Builder
	if res.Bucket == "" {
		b.WriteString(url.QueryEscape("/"))
	} else {
		b.WriteString(url.QueryEscape("/" + res.Bucket + "/"))
		b.WriteString(v2Escape(res.Key))
	}
	type param struct{ name, value string }
	var ps []param
	for k, vs := range query {
		skip := false
		for _, x := range exclude {
			skip = skip || k == x
		}
		if skip {
			continue
		}
		p := param{name: url.QueryEscape(k)}
		if len(vs) > 0 && vs[0] != "" {
			p.value = v2Escape(vs[0])
		}
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].name < ps[j].name })
	for i, p := range ps {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		if p.value != "" {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}

// StringToSignV2 builds the v2 string to sign of r for res: VERB,
// Content-MD5, Content-Type and date, each followed by "\n"; the x-oss-*
// headers and the additional headers present in r (lower-cased, sorted,
// "name:value\n" with their values joined by ","); the additional header names joined
// with ";" and "\n"; and CanonicalizedResourceV2, which for a signed URL
// (presigned) leaves out x-oss-signature. date is the Date header for
// header signing, the x-oss-expires value for URL signing.
func StringToSignV2(r *http.Request, res Resource, date string, additionalHeaders []string, presigned bool) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-MD5"))
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte('\n')
	// The additional names as a set: an OSS request may carry a MiB of
	// headers and name as many, and a scan per header costs their product.
	additional := make(map[string]bool, len(additionalHeaders))
	for _, h := range additionalHeaders {
		additional[h] = true
	}
	signed := make(map[string]string)
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if len(vs) == 0 {
			continue
		}
		if strings.HasPrefix(lk, "x-oss-") || additional[lk] {
			// Every value, joined with "," (the SDK sends one, and signs
			// it): a value added to a signed header is not signed, and
			// the server reads them all (user metadata joins them).
			signed[lk] = strings.Join(vs, ",")
		}
	}
	// A server's request keeps Host out of its header map; the SDK signs
	// the one it sends.
	if _, ok := signed["host"]; !ok && r.Host != "" && additional["host"] {
		signed["host"] = r.Host
	}
	names := make([]string, 0, len(signed))
	for k := range signed {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(signed[k])
		b.WriteByte('\n')
	}
	b.WriteString(strings.Join(additionalHeaders, ";"))
	b.WriteByte('\n')
	var exclude []string
	if presigned {
		exclude = []string{paramV4Signature}
	}
	b.WriteString(CanonicalizedResourceV2(res, r.URL.Query(), exclude...))
	return b.String()
}

// SignV2 returns base64(HMAC-SHA256(secret, stringToSign)).
func SignV2(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// verifyV2 checks a v2 request whose Auth came from Parse.
func verifyV2(a *Auth, r *http.Request, res Resource, secret string, now time.Time) error {
	var date string
	switch a.Scheme {
	case SchemeV2Header:
		date = r.Header.Get("Date")
		if err := checkHeaderDate(date, "no Date header", now, a.maxSkew()); err != nil {
			return err
		}
	case SchemeV2Query:
		date = r.URL.Query().Get(paramV4Expires)
		if err := checkExpires(paramV4Expires, date, now); err != nil {
			return err
		}
	}
	if err := checkAdditional(r, a.AdditionalHeaders); err != nil {
		return err
	}
	sts := StringToSignV2(r, res, date, a.AdditionalHeaders, a.Scheme == SchemeV2Query)
	want := SignV2(secret, sts)
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return &SignatureError{
			Scheme:            a.Scheme,
			AccessKeyID:       a.AccessKeyID,
			SignatureProvided: a.Signature,
			StringToSign:      sts,
		}
	}
	return nil
}

// checkAdditional verifies that every additional signed header is present
// in r (host is r.Host).
func checkAdditional(r *http.Request, names []string) error {
	for _, h := range names {
		if h == "host" {
			if r.Host == "" && r.Header.Get("Host") == "" {
				return wrap(ErrMissingAdditionalHeader, h)
			}
			continue
		}
		if _, ok := r.Header[http.CanonicalHeaderKey(h)]; !ok {
			return wrap(ErrMissingAdditionalHeader, h)
		}
	}
	return nil
}
