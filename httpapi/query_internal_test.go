package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLiteralSemicolons checks the query check against url.ParseQuery:
// once ';' is escaped, a query is accepted exactly when ParseQuery
// decodes every pair.
func TestLiteralSemicolons(t *testing.T) {
	for _, q := range []string{"", "a=b", "a;b=c", "versionId=x;y", "%", "a=%", "a=%2", "a=%2F", "a=%zz", "%zz=1",
		"a=%2f%2F", "a=b&c=%4", "a=%%41", "a=%41%", "response-content-type=text/plain;charset=utf-8", "x=%E4%B8%AD"} {
		r := &http.Request{URL: &url.URL{RawQuery: q}}
		got := literalSemicolons(r)
		_, err := url.ParseQuery(r.URL.RawQuery)
		if got != (err == nil) {
			t.Errorf("%q: literalSemicolons %v, url.ParseQuery error %v", q, got, err)
		}
		if strings.Contains(r.URL.RawQuery, ";") {
			t.Errorf("%q: a raw ';' is left: %q", q, r.URL.RawQuery)
		}
	}
}

// FuzzLiteralSemicolons: the same agreement for any query.
func FuzzLiteralSemicolons(f *testing.F) {
	f.Add("a=%zz;b")
	f.Fuzz(func(t *testing.T, q string) {
		r := &http.Request{URL: &url.URL{RawQuery: q}}
		got := literalSemicolons(r)
		if _, err := url.ParseQuery(r.URL.RawQuery); got != (err == nil) {
			t.Errorf("%q: literalSemicolons %v, url.ParseQuery error %v", q, got, err)
		}
	})
}
