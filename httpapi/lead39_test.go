package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// A request built in the same process may carry header names that are not
// in Go's canonical form (r.Header["x-amz-meta-color"] set directly):
// the signature covers them, so the handler must act on them too, as it
// does on the same request read from the wire (net/http canonicalizes).
// Before, headers read by name were unseen: the storage class was
// STANDARD, a GET with "if-match" of another ETag answered 200.
func TestInProcessNonCanonicalHeaderNames(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/lowhdr"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	req := httptest.NewRequest("PUT", "/lowhdr/k", strings.NewReader("body"))
	req.Host = strings.TrimPrefix(f.srv.URL, "http://")
	req.Header.Set("X-Amz-Meta-Color", "blue")
	req.Header.Set("X-Amz-Storage-Class", "STANDARD_IA")
	// sigv4.SignRequest canonicalizes names; the embedder's spelling is
	// made after it (the signature reads names lower-cased either way).
	_, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), sigv4.UnsignedPayload)
	require.NoError(t, err)
	lowerNames(req.Header, "X-Amz-Meta-Color", "X-Amz-Storage-Class")
	rec := httptest.NewRecorder()
	f.srv.Config.Handler.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	require.Equal(t, "blue", req.Header.Get("X-Amz-Meta-Color"), "the request the handler saw reads by canonical name")

	o, err := f.eng.HeadObject(context.Background(), "lowhdr", "k")
	require.NoError(t, err)
	require.Equal(t, "blue", o.Metadata.User["color"], "%v", o.Metadata.User)
	require.Equal(t, "STANDARD_IA", o.StorageClass)

	for _, c := range []struct {
		name, value string
		want        int
	}{{"if-match", `"0123456789abcdef0123456789abcdef"`, http.StatusPreconditionFailed}, {"if-none-match", o.ETag, http.StatusNotModified}, {"range", "bytes=1-2", http.StatusPartialContent}} {
		req = httptest.NewRequest("GET", "/lowhdr/k", http.NoBody)
		req.Host = strings.TrimPrefix(f.srv.URL, "http://")
		req.Header.Set(c.name, c.value)
		_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), sigv4.UnsignedPayload)
		require.NoError(t, err)
		lowerNames(req.Header, http.CanonicalHeaderKey(c.name), "X-Amz-Date", "X-Amz-Content-Sha256")
		rec = httptest.NewRecorder()
		f.srv.Config.Handler.ServeHTTP(rec, req)
		require.Equal(t, c.want, rec.Code, "%s: %s", c.name, rec.Body)
	}
}

// lowerNames respells names of h in lower case.
func lowerNames(h http.Header, names ...string) {
	for _, n := range names {
		h[strings.ToLower(n)] = h[n]
		delete(h, n)
	}
}
