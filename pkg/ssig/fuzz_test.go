package ssig

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary Authorization headers and query strings to
// Parse (which may refuse them but must not panic), and checks that
// requests signed by this package for arbitrary keys and resources parse
// back and verify (sign -> parse -> verify round trip), in both forms.
func FuzzParse(f *testing.F) {
	f.Add("SINA abc:0123456789", "KID=sina,abc&Expires=1&ssig=x", "bucket", "a/b c", "acl")
	f.Add("SINA :", "ssig=", "b", "", "")
	f.Add("AWS x:y", "KID=sae,k&Expires=99999999999&ssig=0123456789", "bkt", "%", "relax")
	f.Fuzz(func(t *testing.T, authz, rawQuery, bucket, key, sub string) {
		r, err := http.NewRequest("GET", "http://h/", nil)
		if err != nil {
			return
		}
		r.Header.Set("Authorization", authz)
		r.URL.RawQuery = rawQuery
		_, _ = Parse(r)

		if strings.ContainsAny(bucket+key+sub, "\x00\r\n") || sub == "" || strings.ContainsAny(sub, "=&") {
			return
		}
		const ak, secret = "AKfuzz", "secret"
		now := time.Unix(1_800_000_000, 0)
		res := Resource{Bucket: bucket, EscapedKey: url.PathEscape(key)}
		u := &url.URL{Scheme: "http", Host: "h", Path: "/" + bucket + "/" + key, RawQuery: sub}
		req := &http.Request{Method: "PUT", URL: u, Header: http.Header{}}
		SignRequest(req, res, ak, secret, now.Add(time.Hour))
		a, err := Parse(req)
		if err != nil {
			t.Fatalf("parse of a signed request: %v", err)
		}
		if a.Scheme != SchemeHeader || a.AccessKey != ak {
			t.Fatalf("parsed %+v", a)
		}
		if err := a.Verify(req, res, secret, now); err != nil {
			t.Fatalf("verify of a signed request (%q): %v", sub, err)
		}
		q := PresignQuery("GET", res, u.Query(), nil, ak, secret, now.Add(time.Hour))
		pu := *u
		pu.RawQuery = sub + "&" + q.Encode()
		preq := &http.Request{Method: "GET", URL: &pu, Header: http.Header{}}
		pa, err := Parse(preq)
		if err != nil {
			t.Fatalf("parse of a presigned URL: %v", err)
		}
		if err := pa.Verify(preq, res, secret, now); err != nil {
			t.Fatalf("verify of a presigned URL (%q): %v", pu.RawQuery, err)
		}
	})
}
