package ossauth

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzParseAuthorization checks that parsing never panics, that every
// failure wraps ErrMalformedAuthorization, and that a parsed value survives
// parse -> render -> parse unchanged. Verify must not panic on whatever
// parses.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"",
		"OSS ak:sig",
		"OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=",
		"OSS :",
		"OSS a:b:c",
		"OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=" + hex64,
		"OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=Host;x-a,Signature=" + hex64,
		"OSS4-HMAC-SHA256 Signature=" + hex64 + ", Credential=ak/20250101/r/p/aliyun_v4_request",
		"OSS4-HMAC-SHA256 ,,,",
		"OSS4-HMAC-SHA256 Credential=////,Signature=",
		"OSS2 AccessKeyId:ak,Signature:sig",
		"OSS4-HMAC-SHA256 Credential=ak/99999999/r/p/aliyun_v4_request,Signature=" + hex64,
	} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAuthorization(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedAuthorization) {
				t.Fatalf("error %v does not wrap ErrMalformedAuthorization", err)
			}
			if a != nil {
				t.Fatalf("non-nil Auth with error")
			}
			return
		}
		rendered := a.AuthorizationHeader()
		b, err := ParseAuthorization(rendered)
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", rendered, s, err)
		}
		if b.AuthorizationHeader() != rendered || b.AccessKeyID != a.AccessKeyID || b.Signature != a.Signature || b.Scope != a.Scope || len(b.AdditionalHeaders) != len(a.AdditionalHeaders) {
			t.Fatalf("round trip changed %+v into %+v", a, b)
		}
		r := httptest.NewRequest("GET", "http://b.example/k?acl", nil)
		r.Header.Set("Date", now.Format("Mon, 02 Jan 2006 15:04:05 GMT"))
		r.Header.Set("X-Oss-Date", now.Format(iso8601Basic))
		r.Header["Authorization"] = []string{s}
		p, err := Parse(r)
		if err != nil {
			t.Fatalf("Parse rejected what ParseAuthorization accepted: %v", err)
		}
		_ = p.Verify(r, Resource{Bucket: "b", Key: "k"}, "secret", now)
	})
}
