package ossauth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzParseQuery feeds arbitrary query strings (signed-URL forms v1, v2
// and v4) to Parse: no panic, every failure wraps a sentinel, a v1 or v4
// URL that parses carries an access key and a signature, and Verify does
// not panic on whatever parses.
func FuzzParseQuery(f *testing.F) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cred := Credentials{AccessKeyID: "ak", AccessKeySecret: "sk", SecurityToken: "tok"}
	res := Resource{Bucket: "b", Key: "k/é"}
	for _, sign := range []func(r *http.Request){
		func(r *http.Request) { PresignV1(r, res, cred, now.Add(time.Hour)) },
		func(r *http.Request) {
			PresignV4(r, res, cred, now, time.Hour, V4Options{Region: "cn-hangzhou", AdditionalHeaders: []string{"host"}})
		},
	} {
		r := httptest.NewRequest("GET", "http://b.example/k/%C3%A9?acl", nil)
		sign(r)
		f.Add(r.URL.RawQuery)
	}
	for _, s := range []string{"", "OSSAccessKeyId=ak", "OSSAccessKeyId=ak&Expires=1&Signature=a+b",
		"x-oss-signature-version=OSS2&x-oss-access-key-id=ak&x-oss-expires=1&x-oss-signature=s",
		"x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=////&x-oss-date=x&x-oss-expires=1&x-oss-signature=s", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "http://b.example/k", nil)
		r.URL.RawQuery = raw
		a, err := Parse(r)
		if err != nil {
			if !errors.Is(err, ErrMalformedAuthorization) && !errors.Is(err, ErrMissingQueryParameter) && !errors.Is(err, ErrAmbiguousSignature) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		switch a.Scheme {
		case SchemeV1Query, SchemeV4Query:
			if a.AccessKeyID == "" || a.Signature == "" {
				t.Fatalf("%q parsed to %+v without key or signature", raw, a)
			}
		}
		_ = a.Verify(r, Resource{Bucket: "b", Key: "k"}, "sk", now)
	})
}
