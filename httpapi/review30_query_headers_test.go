package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// presignWithQueryHeaders signs method uri (without X-Amz-Signature) as a
// SigV4 presigned URL whose SignedHeaders are host and the headers of
// signed, as the signer sends them, and returns the URL with its
// signature. extra is appended to the query (signed too).
func presignWithQueryHeaders(t *testing.T, f *fixture, method, path string, signed http.Header, extra string) string {
	t.Helper()
	now := f.clock.Now().UTC()
	ts, date := now.Format(sigv4.TimeFormat), now.Format("20060102")
	names := []string{"host"}
	sh := "host"
	for _, k := range sortedLower(signed) {
		names = append(names, k)
		sh += ";" + k
	}
	uri := path + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + testAK + "%2F" + date + "%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=" + ts + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=" + url.QueryEscape(sh) + extra
	signer, err := http.NewRequest(method, f.srv.URL+uri, nil)
	require.NoError(t, err)
	for k, vs := range signed {
		signer.Header[k] = vs
	}
	cr := sigv4.CanonicalRequest(signer, names, sigv4.UnsignedPayload, true)
	sig := sigv4.Signature(sigv4.SigningKey(testSK, date, "us-east-1", "s3"), sigv4.StringToSign(cr, ts, sigv4.Scope{Date: date, Region: "us-east-1", Service: "s3"}))
	return uri + "&X-Amz-Signature=" + sig
}

// sortedLower returns the names of h in lower case, sorted.
func sortedLower(h http.Header) []string {
	var out []string
	for k := range h {
		out = append(out, strings.ToLower(k))
	}
	slices.Sort(out)
	return out
}

// TestReview30PresignedCopySourceFromQuery: a presigned URL that signs
// x-amz-copy-source and carries it in its query is a CopyObject when the
// header is read from the query (sigv4.Result.QueryHeaders), not a
// PutObject of whatever body its holder sends: the request was routed
// before the signature was verified, without the header, so the holder of
// a URL signed to copy src onto dst could write any bytes to dst.
func TestReview30PresignedCopySourceFromQuery(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "qcopy")
	must(t, f.do(t, raw{method: "PUT", path: "/qcopy/src", body: []byte("original")}).errOrNil())
	uri := presignWithQueryHeaders(t, f, "PUT", "/qcopy/dst", http.Header{"X-Amz-Copy-Source": {"qcopy/src"}}, "&x-amz-copy-source=qcopy%2Fsrc")
	r := f.do(t, raw{method: "PUT", path: uri, body: []byte("forged by the holder"), sign: "anon"})
	got := f.do(t, raw{method: "GET", path: "/qcopy/dst"})
	if r.StatusCode == 200 {
		require.Equal(t, 200, got.StatusCode, string(got.body))
		assert.Equal(t, "original", string(got.body), "the URL signed a copy: its holder's body is not what is stored")
		assert.Contains(t, string(r.body), "CopyObjectResult")
	} else {
		assert.Equal(t, 404, got.StatusCode, "a refused URL writes nothing: %s", got.body)
	}
}

// TestReview30PresignedCopySourceFromQueryOnGet: a copy source read from a
// presigned GET's query is refused as S3 refuses the header on an
// operation that does not copy (route.go), not ignored.
func TestReview30PresignedCopySourceFromQueryOnGet(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "qcopyget")
	must(t, f.do(t, raw{method: "PUT", path: "/qcopyget/k", body: []byte("x")}).errOrNil())
	uri := presignWithQueryHeaders(t, f, "GET", "/qcopyget/k", http.Header{"X-Amz-Copy-Source": {"qcopyget/k"}}, "&x-amz-copy-source=qcopyget%2Fk")
	r := f.do(t, raw{method: "GET", path: uri, sign: "anon"})
	require.Equal(t, 400, r.StatusCode, string(r.body))
	assert.Equal(t, "InvalidArgument", r.errCode())
}
