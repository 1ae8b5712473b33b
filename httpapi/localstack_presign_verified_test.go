package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// The tests in this file hold osslite's presigned URLs to the answers
// LocalStack's TestS3PresignedUrl recorded from AWS (tests/aws/services/
// s3/test_s3.py with test_s3.snapshot.json; docs/sdk-suites.md,
// thirtieth session).

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
	e := errFields(t, r.body)
	assert.Equal(t, "AccessDenied", e["Code"])
	assert.Equal(t, "Request has expired", e["Message"])
	assert.Equal(t, "2", e["X-Amz-Expires"])
	assert.Equal(t, signed.Add(2*time.Second).Format(time.RFC3339), e["Expires"])
	assert.Equal(t, server, e["ServerTime"])
	assert.Contains(t, string(r.body), "<X-Amz-Expires>2</X-Amz-Expires><Expires>", "S3's order")

	r = f.do(t, raw{method: "GET", path: v2.URL.RequestURI(), sign: "anon"})
	require.Equal(t, 403, r.StatusCode, string(r.body))
	e = errFields(t, r.body)
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
		e := errFields(t, r.body)
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
	assert.Equal(t, "x-amz-decoded-content-length", errFields(t, r.body)["HeadersNotSigned"])
	r = put(hdr("X-Amz-Date", "20211122T191045Z", "X-Amz-Decoded-Content-Length", "test"))
	require.Equal(t, 403, r.StatusCode, string(r.body))
	assert.Equal(t, "x-amz-date, x-amz-decoded-content-length", errFields(t, r.body)["HeadersNotSigned"])
	require.Equal(t, 200, put(nil).StatusCode, "the URL itself is good")
}

// TestS3PresignedSignedHeaderFromQuery: a presigned URL whose
// SignedHeaders name an x-amz-* header that it also carries as a query
// parameter (as the JavaScript SDK v2 presigns
// x-amz-server-side-encryption) is good without the header: S3 reads the
// signed header from the query. A signed Content-MD5 must still be sent
// (test_presigned_url_v4_signed_headers_in_qs).
func TestS3PresignedSignedHeaderFromQuery(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "sseqs")
	now := f.clock.Now().UTC()
	ts, date := now.Format(sigv4.TimeFormat), now.Format("20060102")
	const md5 = "4QrcOUm6Wau+VuBX8g+IPg==" // of "123456"
	uri := "/sseqs/k?Content-MD5=4QrcOUm6Wau%2BVuBX8g%2BIPg%3D%3D&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=" + testAK + "%2F" + date + "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" + ts +
		"&X-Amz-Expires=3600&X-Amz-SignedHeaders=content-md5%3Bhost%3Bx-amz-server-side-encryption&x-amz-server-side-encryption=AES256"
	signer, _ := http.NewRequest("PUT", f.srv.URL+uri, nil)
	signer.Header.Set("Content-MD5", md5)
	signer.Header.Set("X-Amz-Server-Side-Encryption", "AES256")
	cr := sigv4.CanonicalRequest(signer, []string{"content-md5", "host", "x-amz-server-side-encryption"}, sigv4.UnsignedPayload, true)
	sig := sigv4.Signature(sigv4.SigningKey(testSK, date, "us-east-1", "s3"), sigv4.StringToSign(cr, ts, sigv4.Scope{Date: date, Region: "us-east-1", Service: "s3"}))
	uri += "&X-Amz-Signature=" + sig
	put := func(h http.Header) rawResponse {
		return f.do(t, raw{method: "PUT", path: uri, body: []byte("123456"), sign: "anon", header: h})
	}
	r := put(hdr("Content-MD5", md5))
	require.Equal(t, 200, r.StatusCode, "the signed header read from the query: %s", r.body)
	h, err := f.client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("sseqs"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, types.ServerSideEncryptionAes256, h.ServerSideEncryption, "the query's x-amz-server-side-encryption applies")
	r = put(hdr("Content-MD5", md5, "X-Amz-Server-Side-Encryption", "AES256"))
	require.Equal(t, 200, r.StatusCode, "the header sent as well: %s", r.body)
	r = put(nil)
	require.Equal(t, 403, r.StatusCode, "Content-MD5 is not read from the query")
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())
	r = put(hdr("Content-MD5", md5, "X-Amz-Server-Side-Encryption", "aws:kms"))
	require.Equal(t, 403, r.StatusCode, "a header sent is what is signed")
}
