package httpapi_test

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// The tests in this file hold osslite's presigned URLs to the answers
// LocalStack's TestS3PresignedUrl recorded from AWS (tests/aws/services/
// s3/test_s3.py with test_s3.snapshot.json; docs/sdk-suites.md,
// thirtieth session).

// errorFieldMap decodes an error document's elements by name.
func errorFieldMap(t *testing.T, body []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	d := xml.NewDecoder(bytes.NewReader(body))
	var name string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch x := tok.(type) {
		case xml.StartElement:
			name = x.Name.Local
		case xml.CharData:
			if name != "" {
				out[name] = string(x)
			}
		case xml.EndElement:
			name = ""
		}
	}
	return out
}

// TestS3PresignedExpiredNamesTimes: an expired presigned URL is
// AccessDenied "Request has expired" naming when it expired and the
// server's time, and for SigV4 the X-Amz-Expires it carried
// (test_s3_presigned_url_expired, test_presigned_url_signature_authentication_expired).
func TestS3PresignedExpiredNamesTimes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "expiry")
	must(t, f.do(t, raw{method: "PUT", path: "/expiry/k", body: []byte("something")}).errOrNil())
	creds := sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}
	signed := f.clock.Now().UTC().Truncate(time.Second)

	v4, _ := http.NewRequest("GET", f.srv.URL+"/expiry/k", nil)
	_, err := sigv4.Presign(v4, creds, "us-east-1", "s3", signed, 2*time.Second)
	must(t, err)
	v2, _ := http.NewRequest("GET", f.srv.URL+"/expiry/k", nil)
	sigv4.PresignV2(v2, creds, "", signed.Add(2*time.Second))
	for _, uri := range []string{v4.URL.RequestURI(), v2.URL.RequestURI()} {
		require.Equal(t, 200, f.do(t, raw{method: "GET", path: uri, sign: "anon"}).StatusCode)
	}

	f.clock.Advance(3 * time.Second)
	server := f.clock.Now().UTC().Format(time.RFC3339)
	r := f.do(t, raw{method: "GET", path: v4.URL.RequestURI(), sign: "anon"})
	require.Equal(t, 403, r.StatusCode, string(r.body))
	e := errorFieldMap(t, r.body)
	assert.Equal(t, "AccessDenied", e["Code"])
	assert.Equal(t, "Request has expired", e["Message"])
	assert.Equal(t, "2", e["X-Amz-Expires"])
	assert.Equal(t, signed.Add(2*time.Second).Format(time.RFC3339), e["Expires"])
	assert.Equal(t, server, e["ServerTime"])
	assert.Contains(t, string(r.body), "<X-Amz-Expires>2</X-Amz-Expires><Expires>", "S3's order")

	r = f.do(t, raw{method: "GET", path: v2.URL.RequestURI(), sign: "anon"})
	require.Equal(t, 403, r.StatusCode, string(r.body))
	e = errorFieldMap(t, r.body)
	assert.Equal(t, "Request has expired", e["Message"])
	assert.Equal(t, signed.Add(2*time.Second).Format(time.RFC3339), e["Expires"])
	assert.Equal(t, server, e["ServerTime"])
	assert.NotContains(t, e, "X-Amz-Expires", "SigV2 has no X-Amz-Expires")
}

// TestS3PresignedV2IncompleteQuery: a SigV2 presigned URL missing one of
// its three parameters is 403 AccessDenied "Query-string authentication
// requires the Signature, Expires and AWSAccessKeyId parameters"
// (test_s3_put_presigned_url_missing_sig_param[s3]); SigV4's is still
// 400 AuthorizationQueryParametersError.
func TestS3PresignedV2IncompleteQuery(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "v2missing")
	must(t, f.do(t, raw{method: "PUT", path: "/v2missing/k", body: []byte("x")}).errOrNil())
	creds := sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}
	for _, drop := range []string{"Expires", "Signature"} {
		req, _ := http.NewRequest("GET", f.srv.URL+"/v2missing/k", nil)
		sigv4.PresignV2(req, creds, "", f.clock.Now().Add(time.Minute))
		q := req.URL.Query()
		q.Del(drop)
		r := f.do(t, raw{method: "GET", path: "/v2missing/k?" + q.Encode(), sign: "anon"})
		require.Equal(t, 403, r.StatusCode, "without %s: %s", drop, r.body)
		e := errorFieldMap(t, r.body)
		assert.Equal(t, "AccessDenied", e["Code"], drop)
		assert.Equal(t, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters", e["Message"], drop)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/v2missing/k", nil)
	_, err := sigv4.Presign(req, creds, "us-east-1", "s3", f.clock.Now(), time.Minute)
	must(t, err)
	q := req.URL.Query()
	q.Del("X-Amz-Date")
	r := f.do(t, raw{method: "GET", path: "/v2missing/k?" + q.Encode(), sign: "anon"})
	require.Equal(t, 400, r.StatusCode, string(r.body))
	assert.Equal(t, "AuthorizationQueryParametersError", r.errCode())
}

// TestS3PresignedDecodedLengthMustBeSigned: a presigned PUT that sends
// x-amz-decoded-content-length without signing it is refused, the header
// named in HeadersNotSigned beside x-amz-date
// (test_put_object_with_md5_and_chunk_signature_bad_headers[s3v4-True]).
func TestS3PresignedDecodedLengthMustBeSigned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "decoded")
	req, _ := http.NewRequest("PUT", f.srv.URL+"/decoded/k", nil)
	_, err := sigv4.Presign(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Minute)
	must(t, err)
	put := func(h http.Header) rawResponse {
		return f.do(t, raw{method: "PUT", path: req.URL.RequestURI(), body: []byte("test"), sign: "anon", header: h})
	}
	r := put(hdr("X-Amz-Decoded-Content-Length", "4"))
	require.Equal(t, 403, r.StatusCode, string(r.body))
	assert.Equal(t, "x-amz-decoded-content-length", errorFieldMap(t, r.body)["HeadersNotSigned"])
	r = put(hdr("X-Amz-Date", "20211122T191045Z", "X-Amz-Decoded-Content-Length", "test"))
	require.Equal(t, 403, r.StatusCode, string(r.body))
	assert.Equal(t, "x-amz-date, x-amz-decoded-content-length", errorFieldMap(t, r.body)["HeadersNotSigned"])
	require.Equal(t, 200, put(nil).StatusCode, "the URL itself is good")
}
