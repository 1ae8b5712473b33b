package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestReview29QuerySemicolonIsSigned checks that a raw ';' in the query
// is a character of the value, as S3 and every signature here read it:
// url.ParseQuery dropped the whole pair, so a signed DELETE naming
// versionId=x;y deleted the current object, and a signed
// response-content-type with a parameter was ignored.
func TestReview29QuerySemicolonIsSigned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "semi")
	r := f.do(t, raw{method: "PUT", path: "/semi/k", body: []byte("hello")})
	assert.Equal(t, 200, r.StatusCode, "%s", r.body)

	for _, sign := range []string{"v4", "v2"} {
		r = f.do(t, raw{method: "DELETE", path: "/semi/k?versionId=x;y", sign: sign})
		assert.Equal(t, 400, r.StatusCode, "%s: %s", sign, r.body)
		assert.Equal(t, "InvalidArgument", r.errCode(), sign)
		r = f.do(t, raw{method: "GET", path: "/semi/k"})
		assert.Equal(t, 200, r.StatusCode, "%s: the object must survive a DELETE of another version", sign)

		r = f.do(t, raw{method: "GET", path: "/semi/k?response-content-type=text/plain;charset=utf-8", sign: sign})
		assert.Equal(t, 200, r.StatusCode, "%s: %s", sign, r.body)
		assert.Equal(t, "text/plain;charset=utf-8", r.Header.Get("Content-Type"), sign)
	}
}

// TestReview29QueryBadEscapeRefused checks that a query pair that cannot
// be decoded is refused (400 InvalidURI, as S3 refuses an invalid
// escape) rather than run without it: the signatures keep such a pair
// verbatim, url.ParseQuery dropped it, and a signed DELETE naming
// versionId=%zz deleted the current object.
func TestReview29QueryBadEscapeRefused(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "esc")
	r := f.do(t, raw{method: "PUT", path: "/esc/k", body: []byte("hello")})
	assert.Equal(t, 200, r.StatusCode, "%s", r.body)
	for _, q := range []string{"versionId=%zz", "versionId=a%2", "%zz=1"} {
		r = f.do(t, raw{method: "DELETE", path: "/esc/k?" + q})
		assert.Equal(t, 400, r.StatusCode, "%s: %s", q, r.body)
		assert.Equal(t, "InvalidURI", r.errCode(), q)
		r = f.do(t, raw{method: "GET", path: "/esc/k"})
		assert.Equal(t, 200, r.StatusCode, "%s: the object must survive", q)
	}
}
