package sigv4

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParsePresigned feeds arbitrary query strings to the presigned-URL
// parser: it must not panic, every failure wraps ErrMalformedPresigned or
// ErrUnsupportedAlgorithm, and an accepted URL survives render -> parse.
func FuzzParsePresigned(f *testing.F) {
	good := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=" + strings.Repeat("a", 64)
	for _, s := range []string{
		good,
		good + "&X-Amz-Security-Token=tok%2Fen&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD",
		strings.Replace(good, "86400", "604801", 1),
		strings.Replace(good, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1),
		"X-Amz-Algorithm=AWS4-HMAC-SHA256",
		"", "%zz", "a=b&a=c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := ParsePresigned(q)
		if err != nil {
			if !errors.Is(err, ErrMalformedPresigned) && !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		again := url.Values{
			"X-Amz-Algorithm":     {Algorithm},
			"X-Amz-Credential":    {p.Credential.String()},
			"X-Amz-Date":          {p.Timestamp},
			"X-Amz-Expires":       {q.Get("X-Amz-Expires")},
			"X-Amz-SignedHeaders": {strings.Join(p.SignedHeaders, ";")},
			"X-Amz-Signature":     {p.Signature},
		}
		if p.SecurityToken != "" {
			again.Set("X-Amz-Security-Token", p.SecurityToken)
		}
		if p.PayloadHash != UnsignedPayload {
			again.Set("X-Amz-Content-Sha256", p.PayloadHash)
		}
		p2, err := ParsePresigned(again)
		if err != nil {
			t.Fatalf("re-parse of %v: %v", again, err)
		}
		if p2.Credential != p.Credential || p2.Signature != p.Signature || p2.Expires != p.Expires || !p2.Time.Equal(p.Time) ||
			strings.Join(p2.SignedHeaders, ";") != strings.Join(p.SignedHeaders, ";") || p2.PayloadHash != p.PayloadHash {
			t.Fatalf("round trip changed %+v into %+v", p, p2)
		}
		// Detect must agree that such a URL is presigned, and not panic.
		r := httptest.NewRequest("GET", "http://b.example/k?"+again.Encode(), nil)
		if _, err := Detect(r); err != nil && !errors.Is(err, ErrMalformedPresigned) && !errors.Is(err, ErrMalformedAuthorization) {
			t.Logf("Detect: %v", err)
		}
	})
}

// FuzzParseAuthorizationV2 checks the SigV2 header parser: no panic, errors
// wrap ErrMalformedAuthorizationV2, and parse -> render -> parse is stable.
func FuzzParseAuthorizationV2(f *testing.F) {
	for _, s := range []string{"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", "AWS :", "AWS a:", "AWS a:b:c", "AWS4 x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		ak, sig, err := ParseAuthorizationV2(h)
		if err != nil {
			if !errors.Is(err, ErrMalformedAuthorizationV2) {
				t.Fatalf("error %v does not wrap ErrMalformedAuthorizationV2", err)
			}
			return
		}
		if strings.Contains(sig, ":") {
			t.Fatalf("signature %q holds the separator", sig)
		}
		if ak == "" || sig == "" {
			return // blank parts after trimming: nothing to render
		}
		ak2, sig2, err := ParseAuthorizationV2("AWS " + ak + ":" + sig)
		if err != nil || ak2 != ak || sig2 != sig {
			t.Fatalf("round trip of %q: %q %q %v", h, ak2, sig2, err)
		}
	})
}

// FuzzPresignV2AmzQuery: a SigV2 presigned URL carrying arbitrary x-amz-*
// parameters (signed as amz headers) verifies as made, and fails once any
// of their values is changed.
func FuzzPresignV2AmzQuery(f *testing.F) {
	f.Add("meta-color", "blue", "acl", "public-read", "red")
	f.Add("security-token", "t+o/k=en", "meta-Ü", "", "x")
	f.Add("meta-a", "a,b", "META-A", " spaced\nvalue ", "a,b")
	f.Add("acl:private\nx-amz-storage-class", "STANDARD_IA", "meta-b", "1", "GLACIER")
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, other string) {
		q := url.Values{}
		q.Add("x-amz-"+n1, v1)
		q.Add("x-amz-"+n2, v2)
		creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}
		exp := time.Unix(1175139620, 0)
		r := httptest.NewRequest("PUT", "http://b.s3.amazonaws.com/k", nil)
		r.URL.RawQuery = q.Encode()
		PresignV2(r, creds, "b", exp)
		at := exp.Add(-time.Minute)
		v := httptest.NewRequest("PUT", "http://b.s3.amazonaws.com"+r.URL.RequestURI(), nil)
		if _, err := Verify(v, exampleSecrets, at, VerifyOptions{VirtualHostBucket: "b"}); err != nil {
			t.Fatalf("%s: %v", r.URL.RawQuery, err)
		}
		if unfold(other) == unfold(v1) || !headerName("x-amz-"+n1) {
			return // the same line, or no amz header (unsigned, never read)
		}
		changed := url.Values{}
		for name, vs := range v.URL.Query() {
			changed[name] = vs
		}
		changed["x-amz-"+n1] = []string{other}
		if strings.EqualFold(n1, n2) {
			return // both names read as one header: the change may vanish in it
		}
		v = httptest.NewRequest("PUT", "http://b.s3.amazonaws.com/k?"+changed.Encode(), nil)
		if _, err := Verify(v, exampleSecrets, at, VerifyOptions{VirtualHostBucket: "b"}); err == nil {
			t.Fatalf("x-amz-%s changed from %q to %q still verifies", n1, v1, other)
		}
	})
}
