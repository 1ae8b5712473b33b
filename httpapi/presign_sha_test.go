package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/require"
)

// TestPresignedContentSHA256Enforced: a presigned URL that signs
// X-Amz-Content-Sha256 only accepts that body (it used to store any).
func TestPresignedContentSHA256Enforced(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.eng.CreateBucket(context.Background(), "psha", engine.BucketOptions{}))
	good := []byte("the signed body")
	sum := sha256.Sum256(good)
	presign := func() *http.Request {
		req, err := http.NewRequest("PUT", f.srv.URL+"/psha/obj?X-Amz-Content-Sha256="+hex.EncodeToString(sum[:]), nil)
		require.NoError(t, err)
		_, err = sigv4.Presign(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
		require.NoError(t, err)
		return req
	}
	for _, tc := range []struct {
		body   []byte
		status int
		code   string
	}{
		{[]byte("a different body"), 400, "XAmzContentSHA256Mismatch"},
		{good, 200, ""},
	} {
		req := presign()
		req.Body, req.ContentLength = httpBody(tc.body), int64(len(tc.body))
		resp, err := f.httpClient().Do(req)
		require.NoError(t, err)
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		require.Equal(t, tc.status, resp.StatusCode, b.String())
		if tc.code != "" {
			require.Contains(t, b.String(), "<Code>"+tc.code+"</Code>")
			_, err := f.eng.HeadObject(context.Background(), "psha", "obj")
			require.ErrorIs(t, err, engine.ErrNoSuchKey, "the mismatching body was stored")
		}
	}
	r := f.do(t, raw{method: "GET", path: "/psha/obj"})
	require.Equal(t, good, r.body)
}

func httpBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// TestPresignedContentSHA256Header: a presigned URL without an
// X-Amz-Content-Sha256 parameter takes the x-amz-content-sha256 header as
// its payload hash, as the header form does. aws-sdk-go v1 presigns a
// caller's body hash so (SignedHeaders=host;x-amz-content-sha256, the hash
// in the canonical request, the header kept out of the query:
// aws/aws-sdk-go#1976); osslite signed UNSIGNED-PAYLOAD in its place and
// refused those URLs with SignatureDoesNotMatch. A header the URL was not
// signed with no longer passes unchecked either (MinIO mint's
// aws-sdk-go-v2 PresignedPut sends "invalid-sha256" and osslite stored the
// object).
func TestPresignedContentSHA256Header(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.eng.CreateBucket(context.Background(), "phdr", engine.BucketOptions{}))
	good := []byte("presigned with its hash")
	sum := sha256.Sum256(good)
	hash := hex.EncodeToString(sum[:])
	// sdkV1Presign builds the URL aws-sdk-go v1's PresignRequest makes for
	// a PutObject whose X-Amz-Content-Sha256 header the caller set.
	sdkV1Presign := func(key string) *http.Request {
		req, err := http.NewRequest("PUT", f.srv.URL+"/phdr/"+key, nil)
		require.NoError(t, err)
		now := f.clock.Now().UTC()
		ts := now.Format(sigv4.TimeFormat)
		scope := sigv4.Scope{Date: ts[:8], Region: "us-east-1", Service: "s3"}
		cred := sigv4.Credential{AccessKeyID: testAK, Scope: scope}
		req.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + sigv4.UriEncode(cred.String(), true) +
			"&X-Amz-Date=" + ts + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host%3Bx-amz-content-sha256"
		req.Header.Set("X-Amz-Content-Sha256", hash)
		cr := sigv4.CanonicalRequest(req, []string{"host", "x-amz-content-sha256"}, hash, true)
		sig := sigv4.Signature(sigv4.SigningKey(testSK, scope.Date, "us-east-1", "s3"), sigv4.StringToSign(cr, ts, scope))
		req.URL.RawQuery += "&X-Amz-Signature=" + sig
		return req
	}
	send := func(req *http.Request, body []byte) (int, string) {
		req.Body, req.ContentLength = httpBody(body), int64(len(body))
		resp, err := f.httpClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	status, body := send(sdkV1Presign("v1"), good)
	require.Equal(t, 200, status, body)
	require.Equal(t, good, f.do(t, raw{method: "GET", path: "/phdr/v1"}).body)
	status, body = send(sdkV1Presign("v1other"), []byte("another body"))
	require.Equal(t, 400, status, body)
	require.Contains(t, body, "<Code>XAmzContentSHA256Mismatch</Code>")

	// A host-only URL (signed UNSIGNED-PAYLOAD) sent with another hash.
	for _, tc := range []struct {
		header, code string
		status       int
	}{
		{"invalid-sha256", "InvalidArgument", 400},
		{hash, "SignatureDoesNotMatch", 403},
		{sigv4.UnsignedPayload, "", 200},
	} {
		req, err := http.NewRequest("PUT", f.srv.URL+"/phdr/plain", nil)
		require.NoError(t, err)
		_, err = sigv4.Presign(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
		require.NoError(t, err)
		req.Header.Set("X-Amz-Content-Sha256", tc.header)
		status, body := send(req, good)
		require.Equal(t, tc.status, status, "%s: %s", tc.header, body)
		if tc.code != "" {
			require.Contains(t, body, "<Code>"+tc.code+"</Code>", tc.header)
			_, err := f.eng.HeadObject(context.Background(), "phdr", "plain")
			require.ErrorIs(t, err, engine.ErrNoSuchKey, "%s: the object was stored", tc.header)
		}
	}
}
