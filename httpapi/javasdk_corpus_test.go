package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file send what the AWS SDK for Java v2 sends by
// default (its source: core/http-auth-aws, the Apache HTTP client, the
// S3 multipart client and presigned URL extension) and hold osslite to
// the answers its S3 integration tests (services/s3/src/it) assert
// against real S3 (docs/sdk-suites.md, "aws-sdk-java-v2's S3 integration
// tests as a corpus (thirty-first session)").

// jitSign signs a request for method and path (path and query as the
// signer sees them) as the Java SDK's header signer does and returns the
// headers to send.
func jitSign(t *testing.T, f *fixture, method, pathAndQuery string, h http.Header, payload string) (http.Header, *sigv4.Signed) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+pathAndQuery, nil)
	require.NoError(t, err)
	for k, vs := range h {
		req.Header[k] = vs
	}
	s, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), payload)
	require.NoError(t, err)
	return req.Header, s
}

// jitPresign presigns method and path as S3Presigner does when the
// request carries headers it signs (If-Match, x-amz-request-payer,
// x-amz-checksum-mode, Range): X-Amz-SignedHeaders names them beside
// host, and the caller must send them.
func jitPresign(t *testing.T, f *fixture, method, path string, signed http.Header) string {
	t.Helper()
	return nitPresign(t, f, method, path, nil, signed, 600*time.Second)
}

// TestJitEmptyQueryParameter: the Java SDK's signer leaves query
// parameters with an empty name out of the canonical query string ("Do
// not sign empty keys", V4CanonicalRequest); S3 accepts such a
// ListBuckets as signed (EmptyQueryStringSignerIntegrationTest sends
// "?", "?=foo" and "?=" and expects no SignatureDoesNotMatch).
func TestJitEmptyQueryParameter(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-empty-query")
	for _, q := range []string{"?", "?=foo", "?=", "?=&="} {
		h, _ := jitSign(t, f, "GET", "/", nil, sigv4.EmptySHA256)
		r := f.do(t, raw{method: "GET", path: "/" + q, header: h, sign: "keep"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", q, r.body)
		assert.Contains(t, string(r.body), "<Name>jit-empty-query</Name>", q)
	}
	// A named parameter is still signed: leaving one out of the
	// signature is a mismatch.
	h, _ := jitSign(t, f, "GET", "/", nil, sigv4.EmptySHA256)
	r := f.do(t, raw{method: "GET", path: "/?x-id=ListBuckets", header: h, sign: "keep"})
	require.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
	require.Equal(t, "SignatureDoesNotMatch", r.errCode())
}

// TestJitDoubleSlashSentEscaped: the Java SDK's Apache client replaces
// every "//" of the path with "/%2F" (ApacheHttpRequestFactory
// sanitizeUri) after signing the path with "//"; S3 reads both as the
// same key (KeysWithLeadingSlashIntegrationTest lists "/key" back;
// S3PresignerIntegrationTest keysWithDoubleBackslashWorks).
func TestJitDoubleSlashSentEscaped(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-slashes")
	for _, key := range []string{"/stupidkeywithillegalleadingslashthatsucks", "key//image.png"} {
		signedPath := "/jit-slashes/" + key
		sent := strings.ReplaceAll(signedPath, "//", "/%2F")
		h, _ := jitSign(t, f, "PUT", signedPath, nil, hexSHA256([]byte("Hello")))
		r := f.do(t, raw{method: "PUT", path: sent, header: h, body: []byte("Hello"), sign: "keep"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", sent, r.body)
		h, _ = jitSign(t, f, "GET", signedPath, nil, sigv4.EmptySHA256)
		r = f.do(t, raw{method: "GET", path: sent, header: h, sign: "keep"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", sent, r.body)
		assert.Equal(t, "Hello", string(r.body))
	}
	out, err := f.client().ListObjects(context.Background(), &s3.ListObjectsInput{Bucket: aws.String("jit-slashes")})
	require.NoError(t, err)
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	assert.Equal(t, []string{"/stupidkeywithillegalleadingslashthatsucks", "key//image.png"}, keys)
}

func hexSHA256(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// jitSignedTrailerBody encodes payload as the Java SDK's
// ChunkedEncodedInputStream does for STREAMING-AWS4-HMAC-SHA256-PAYLOAD-
// TRAILER: chunks of chunkSize with chunk-signature extensions, a final
// empty chunk, then the checksum trailer and x-amz-trailer-signature
// (SigV4TrailerProvider: the hash of the canonical trailer headers).
func jitSignedTrailerBody(s *sigv4.Signed, payload []byte, chunkSize int, trailerName, trailerValue string) []byte {
	var b bytes.Buffer
	prev := s.Authorization.Signature
	scope := s.Authorization.Credential.Scope.String()
	emit := func(data []byte) {
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + s.Timestamp + "\n" + scope + "\n" + prev + "\n" + sigv4.EmptySHA256 + "\n" + hexSHA256(data)
		prev = sigv4.Signature(s.SigningKey, sts)
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(data), prev)
		b.Write(data)
		if len(data) > 0 {
			b.WriteString("\r\n")
		}
	}
	for off := 0; off < len(payload); off += chunkSize {
		emit(payload[off:min(off+chunkSize, len(payload))])
	}
	emit(nil)
	canon := trailerName + ":" + trailerValue + "\n"
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + s.Timestamp + "\n" + scope + "\n" + prev + "\n" + hexSHA256([]byte(canon))
	fmt.Fprintf(&b, "%s:%s\r\nx-amz-trailer-signature:%s\r\n\r\n", trailerName, trailerValue, sigv4.Signature(s.SigningKey, sts))
	return b.Bytes()
}

func jitCRC32(b []byte) string {
	h := checksum.CRC32.New()
	h.Write(b)
	return checksum.Encode(h.Sum(nil))
}

// TestJitSignedTrailerPut: over plain HTTP the Java SDK signs the
// payload: aws-chunked 128 KiB chunks with a signed CRC32 trailer,
// Expect: 100-continue and x-amz-sdk-checksum-algorithm. S3 answers
// x-amz-checksum-crc32 and hands the CRC32 back on a GET with checksum
// mode (HttpChecksumIntegrationTest syncValidSignedTrailerChecksum-
// CalculatedBySdkClient, _Empty_String, syncSignedPayloadForHugeMessage).
func TestJitSignedTrailerPut(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-trailer")
	for _, size := range []int{len("Hello world"), 0, 128 << 10, 300 << 10} {
		payload := pattern(size)
		if size == len("Hello world") {
			payload = []byte("Hello world")
		}
		sum := jitCRC32(payload)
		path := fmt.Sprintf("/jit-trailer/k%d", size)
		h := hdr("Content-Encoding", "aws-chunked", "X-Amz-Decoded-Content-Length", fmt.Sprint(size),
			"X-Amz-Trailer", "x-amz-checksum-crc32", "X-Amz-Sdk-Checksum-Algorithm", "CRC32", "Expect", "100-continue")
		h, s := jitSign(t, f, "PUT", path, h, sigv4.StreamingPayloadTrailer)
		body := jitSignedTrailerBody(s, payload, 128<<10, "x-amz-checksum-crc32", sum)
		r := f.do(t, raw{method: "PUT", path: path, header: h, body: body, sign: "keep"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%d bytes: %s", size, r.body)
		assert.Equal(t, sum, r.Header.Get("x-amz-checksum-crc32"), "%d bytes", size)

		g := f.do(t, raw{method: "GET", path: path, header: hdr("x-amz-checksum-mode", "ENABLED")})
		require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
		assert.Equal(t, sum, g.Header.Get("x-amz-checksum-crc32"), "%d bytes", size)
		assert.Equal(t, "FULL_OBJECT", g.Header.Get("x-amz-checksum-type"), "%d bytes", size)
		assert.True(t, bytes.Equal(payload, g.body), "%d bytes", size)
	}
}

// TestJitPartGetIfMatch: the Java multipart client reads an object part
// by part: GET ?partNumber=1, then the next parts with If-Match naming
// the ETag of the first answer (MultipartDownloaderSubscriber). Each part
// is 206 with x-amz-mp-parts-count and its Content-Range; a changed
// object fails the next part with 412 (S3MultipartClientGetObject-
// IntegrationTest reassembles the object this way).
func TestJitPartGetIfMatch(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx, b := f.client(), context.Background(), aws.String("jit-parts")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	data := pattern(5<<20 + 100)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("k")})
	require.NoError(t, err)
	var parts []types.CompletedPart
	for i, p := range [][]byte{data[:5<<20], data[5<<20:]} {
		n := aws.Int32(int32(i + 1))
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("k"), UploadId: up.UploadId, PartNumber: n, Body: bytes.NewReader(p)})
		require.NoError(t, err)
		parts = append(parts, types.CompletedPart{PartNumber: n, ETag: out.ETag})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("k"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)

	first := f.do(t, raw{method: "GET", path: "/jit-parts/k?partNumber=1"})
	require.Equal(t, http.StatusPartialContent, first.StatusCode, string(first.body))
	assert.Equal(t, "2", first.Header.Get("x-amz-mp-parts-count"))
	assert.Equal(t, fmt.Sprintf("bytes 0-%d/%d", 5<<20-1, len(data)), first.Header.Get("Content-Range"))
	etag := first.Header.Get("ETag")
	second := f.do(t, raw{method: "GET", path: "/jit-parts/k?partNumber=2", header: hdr("If-Match", etag)})
	require.Equal(t, http.StatusPartialContent, second.StatusCode, string(second.body))
	assert.Equal(t, fmt.Sprintf("bytes %d-%d/%d", 5<<20, len(data)-1, len(data)), second.Header.Get("Content-Range"))
	assert.True(t, bytes.Equal(data, append(first.body, second.body...)))

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("replaced")})
	require.NoError(t, err)
	stale := f.do(t, raw{method: "GET", path: "/jit-parts/k?partNumber=2", header: hdr("If-Match", etag)})
	require.Equal(t, http.StatusPreconditionFailed, stale.StatusCode, string(stale.body))
	assert.Equal(t, "PreconditionFailed", stale.errCode())
}

func jitSSEC() (key, keyMD5 string) {
	k := bytes.Repeat([]byte{0x5a}, 32)
	sum := md5.Sum(k)
	return base64.StdEncoding.EncodeToString(k), base64.StdEncoding.EncodeToString(sum[:])
}

// TestJitMultipartSSECAndChecksum: the Java multipart client copies the
// PutObject's fields to every request it derives: SSE-C and the checksum
// algorithm go to CreateMultipartUpload and each UploadPart, and SSE-C
// to CompleteMultipartUpload too (SdkPojoConversionUtils); S3 completes
// the upload and serves it with the key (S3MultipartClientPutObject-
// IntegrationTest putObject_withSSECAndChecksum_objectSentCorrectly).
// Its multipart copy sends SSE-C for both sides on UploadPartCopy and the
// destination's on Complete (CopyObjectHelper; S3ClientMultiPartCopy-
// IntegrationTest copy_ssecServerSideEncryption_shouldSucceed).
func TestJitMultipartSSECAndChecksum(t *testing.T) {
	f := newFixture(t, fixtureOptions{tls: true})
	c, ctx, b := f.client(), context.Background(), aws.String("jit-ssec")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	key, keyMD5 := jitSSEC()
	sse := func() (*string, *string, *string) { return aws.String("AES256"), aws.String(key), aws.String(keyMD5) }
	a, k, m := sse()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("src"),
		SSECustomerAlgorithm: a, SSECustomerKey: k, SSECustomerKeyMD5: m, ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	require.NoError(t, err)
	data := pattern(5<<20 + 7)
	var parts []types.CompletedPart
	for i, p := range [][]byte{data[:5<<20], data[5<<20:]} {
		n := aws.Int32(int32(i + 1))
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("src"), UploadId: up.UploadId, PartNumber: n,
			Body: bytes.NewReader(p), SSECustomerAlgorithm: a, SSECustomerKey: k, SSECustomerKeyMD5: m, ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		require.NoError(t, err)
		parts = append(parts, types.CompletedPart{PartNumber: n, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("src"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}, SSECustomerAlgorithm: a, SSECustomerKey: k, SSECustomerKeyMD5: m})
	require.NoError(t, err)
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("src"), SSECustomerAlgorithm: a, SSECustomerKey: k, SSECustomerKeyMD5: m})
	require.NoError(t, err)
	body, err := io.ReadAll(got.Body)
	got.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, body))

	// The multipart copy to a new key under a new customer key.
	newKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x33}, 32))
	nsum := md5.Sum(bytes.Repeat([]byte{0x33}, 32))
	newMD5 := base64.StdEncoding.EncodeToString(nsum[:])
	dst, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("dst"),
		SSECustomerAlgorithm: a, SSECustomerKey: aws.String(newKey), SSECustomerKeyMD5: aws.String(newMD5)})
	require.NoError(t, err)
	parts = nil
	for i, rng := range []string{fmt.Sprintf("bytes=0-%d", 5<<20-1), fmt.Sprintf("bytes=%d-%d", 5<<20, len(data)-1)} {
		n := aws.Int32(int32(i + 1))
		out, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("dst"), UploadId: dst.UploadId, PartNumber: n,
			CopySource: aws.String("jit-ssec/src"), CopySourceRange: aws.String(rng),
			CopySourceSSECustomerAlgorithm: a, CopySourceSSECustomerKey: k, CopySourceSSECustomerKeyMD5: m,
			SSECustomerAlgorithm: a, SSECustomerKey: aws.String(newKey), SSECustomerKeyMD5: aws.String(newMD5)})
		require.NoError(t, err)
		// CompletedPart takes every field of CopyPartResult, checksums
		// included (SdkPojoConversionUtils.toCompletedPart).
		cp := out.CopyPartResult
		parts = append(parts, types.CompletedPart{PartNumber: n, ETag: cp.ETag, ChecksumCRC32: cp.ChecksumCRC32,
			ChecksumCRC32C: cp.ChecksumCRC32C, ChecksumCRC64NVME: cp.ChecksumCRC64NVME, ChecksumSHA1: cp.ChecksumSHA1, ChecksumSHA256: cp.ChecksumSHA256})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("dst"), UploadId: dst.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}, SSECustomerAlgorithm: a, SSECustomerKey: aws.String(newKey), SSECustomerKeyMD5: aws.String(newMD5)})
	require.NoError(t, err)
	got, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dst"), SSECustomerAlgorithm: a, SSECustomerKey: aws.String(newKey), SSECustomerKeyMD5: aws.String(newMD5)})
	require.NoError(t, err)
	body, err = io.ReadAll(got.Body)
	got.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, body))
}

// TestJitMultipartCopyPartChecksums: the Java multipart copy completes
// with every checksum field UploadPartCopy answered in CopyPartResult
// (SdkPojoConversionUtils.toCompletedPart), into an upload that the
// CopyObject request gave no checksum algorithm (S3ClientMultiPartCopy-
// IntegrationTest copy_copiedObject_hasSameContent: the source was put
// with the SDK's default CRC32).
func TestJitMultipartCopyPartChecksums(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx, b := f.client(), context.Background(), aws.String("jit-mpcopy")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	data := pattern(6 << 20)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("src"), Body: bytes.NewReader(data), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	require.NoError(t, err)
	dst, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("dst")})
	require.NoError(t, err)
	var parts []types.CompletedPart
	for i, rng := range []string{fmt.Sprintf("bytes=0-%d", 5<<20-1), fmt.Sprintf("bytes=%d-%d", 5<<20, len(data)-1)} {
		n := aws.Int32(int32(i + 1))
		out, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("dst"), UploadId: dst.UploadId, PartNumber: n,
			CopySource: aws.String("jit-mpcopy/src"), CopySourceRange: aws.String(rng)})
		require.NoError(t, err)
		cp := out.CopyPartResult
		parts = append(parts, types.CompletedPart{PartNumber: n, ETag: cp.ETag, ChecksumCRC32: cp.ChecksumCRC32,
			ChecksumCRC32C: cp.ChecksumCRC32C, ChecksumCRC64NVME: cp.ChecksumCRC64NVME, ChecksumSHA1: cp.ChecksumSHA1, ChecksumSHA256: cp.ChecksumSHA256})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("dst"), UploadId: dst.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	got := f.do(t, raw{method: "GET", path: "/jit-mpcopy/dst"})
	require.Equal(t, http.StatusOK, got.StatusCode)
	require.True(t, bytes.Equal(data, got.body))
}

// TestJitPresignedSignedHeaders: S3Presigner signs the headers a GET
// carries (x-amz-request-payer, If-Match, x-amz-checksum-mode); S3
// refuses the URL without them (403) and serves it with them
// (S3PresignerIntegrationTest browserIncompatiblePresignedUrl...). The
// presigned URL extension's multipart download adds an unsigned Range to
// a URL with a signed If-Match (206; a wrong ETag is an S3 error), and a
// signed checksum mode answers x-amz-checksum-type
// (AsyncPresignedUrlExtensionSignedHeadersIntegrationTest,
// AsyncPresignedUrlExtensionTestSuite).
func TestJitPresignedSignedHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.client(), context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("jit-presign")})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("jit-presign"), Key: aws.String("k"), Body: strings.NewReader("Howdy! presigned")})
	require.NoError(t, err)

	u := jitPresign(t, f, "GET", "/jit-presign/k", hdr("X-Amz-Request-Payer", "requester"))
	r := f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: hdr("X-Amz-Request-Payer", "requester")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "Howdy! presigned", string(r.body))

	etag := aws.ToString(put.ETag)
	u = jitPresign(t, f, "GET", "/jit-presign/k", hdr("If-Match", etag))
	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: hdr("If-Match", etag, "Range", "bytes=0-4")})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	assert.Equal(t, "Howdy", string(r.body))
	assert.Equal(t, "bytes 0-4/16", r.Header.Get("Content-Range"))
	fake := `"d41d8cd98f00b204e9800998ecf8427e"`
	u = jitPresign(t, f, "GET", "/jit-presign/k", hdr("If-Match", fake))
	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: hdr("If-Match", fake, "Range", "bytes=0-4")})
	require.Equal(t, http.StatusPreconditionFailed, r.StatusCode, string(r.body))

	u = jitPresign(t, f, "GET", "/jit-presign/k", hdr("X-Amz-Checksum-Mode", "ENABLED"))
	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: hdr("X-Amz-Checksum-Mode", "ENABLED")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.NotEmpty(t, r.Header.Get("x-amz-checksum-type"))
	u = jitPresign(t, f, "GET", "/jit-presign/k", nil)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Empty(t, r.Header.Get("x-amz-checksum-type"))

	// Presigned HEAD bucket names the bucket's region; presigned
	// DELETE with a signed request payer is 204 without a body.
	u = jitPresign(t, f, "HEAD", "/jit-presign", nil)
	r = f.do(t, raw{method: "HEAD", path: u, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.NotEmpty(t, r.Header.Get("x-amz-bucket-region"))
	u = jitPresign(t, f, "DELETE", "/jit-presign/k", hdr("X-Amz-Request-Payer", "requester"))
	r = f.do(t, raw{method: "DELETE", path: u, sign: "anon", header: hdr("X-Amz-Request-Payer", "requester")})
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	assert.Empty(t, r.body)
}

// TestJitListingsDecodeAsJava: the Java SDK decodes encoding-type=url
// listings with URLDecoder (a '+' is a space), so a '+' in a key must
// come back as %2B; keys, prefixes, markers and delimiters are all
// decoded (UrlEncodingIntegrationTest with "filename_@_=_&_?_+_)_.temp",
// ListObjectsIntegrationTest listObjectsWithAllElements with prefix
// "special-chars-@$%").
func TestJitListingsDecodeAsJava(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-enc")
	const key = "filename_@_=_&_?_+_)_.temp"
	const special = "special-chars-@$%"
	esc := func(k string) string { return strings.ReplaceAll(url.PathEscape(k), "+", "%2B") } // a raw '+' of a path is a space
	for _, k := range []string{key, special} {
		must(t, f.do(t, raw{method: "PUT", path: "/jit-enc/" + esc(k), body: []byte("x")}).errOrNil())
	}
	must(t, f.do(t, raw{method: "POST", path: "/jit-enc/" + esc(key) + "?uploads"}).errOrNil())
	decode := func(s string) string {
		v, err := url.QueryUnescape(s)
		require.NoError(t, err, s)
		return v
	}
	for _, q := range []string{"?encoding-type=url", "?list-type=2&encoding-type=url", "?versions&encoding-type=url", "?uploads&encoding-type=url"} {
		r := f.do(t, raw{method: "GET", path: "/jit-enc" + q})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		var doc struct {
			Keys []string `xml:"Contents>Key"`
			Vers []string `xml:"Version>Key"`
			Ups  []string `xml:"Upload>Key"`
		}
		require.NoError(t, xml.Unmarshal(r.body, &doc))
		all := append(append(doc.Keys, doc.Vers...), doc.Ups...)
		require.NotEmpty(t, all, q)
		for _, k := range all {
			d := decode(k)
			assert.True(t, d == key || d == special, "%s: %q decodes to %q", q, k, d)
		}
	}
	r := f.do(t, raw{method: "GET", path: "/jit-enc?encoding-type=url&delimiter=%2F&marker=aaa&prefix=" + url.QueryEscape(special)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var v1 struct{ Prefix, Marker, Delimiter string }
	require.NoError(t, xml.Unmarshal(r.body, &v1))
	assert.Equal(t, special, decode(v1.Prefix))
	assert.Equal(t, "aaa", decode(v1.Marker))
	assert.Equal(t, "/", decode(v1.Delimiter))
}

// TestJitListV2Elements: a ListObjectsV2 without parameters has an empty
// Prefix and no Delimiter, EncodingType, StartAfter or
// ContinuationToken; with start-after it is echoed; every page, an empty
// one too, has a KeyCount
// (S3ListObjectsV2IntegrationTest testListNoParameters,
// testListWithPrefixAndStartAfter).
func TestJitListV2Elements(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.client(), context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("jit-v2")})
	require.NoError(t, err)
	for _, k := range []string{"key-01", "key-02", "aaaaa"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("jit-v2"), Key: aws.String(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("jit-v2")})
	require.NoError(t, err)
	require.NotNil(t, out.Prefix)
	assert.Equal(t, "", *out.Prefix)
	assert.Nil(t, out.Delimiter)
	assert.Empty(t, out.EncodingType)
	assert.Nil(t, out.StartAfter)
	assert.Nil(t, out.ContinuationToken)
	assert.Equal(t, int32(3), aws.ToInt32(out.KeyCount))
	out, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("jit-v2"), Prefix: aws.String("key"), StartAfter: aws.String("key-01")})
	require.NoError(t, err)
	assert.Equal(t, "key-01", aws.ToString(out.StartAfter))
	require.Len(t, out.Contents, 1)
	assert.Equal(t, "STANDARD", string(out.Contents[0].StorageClass))

	// Every page names KeyCount, 0 for an empty bucket: the paginators
	// add it up as an int (ListObjectsV2PaginatorsIntegrationTest).
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("jit-v2-empty")})
	require.NoError(t, err)
	r := f.do(t, raw{method: "GET", path: "/jit-v2-empty?list-type=2&max-keys=3"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Contains(t, string(r.body), "<KeyCount>0</KeyCount>")
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("jit-v2"), MaxKeys: aws.Int32(2)})
	total := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		require.NotNil(t, page.KeyCount)
		total += int(*page.KeyCount)
	}
	assert.Equal(t, 3, total)
}

// TestJitBucketLocationFromClientRegion: a Java client for us-west-2
// creates a bucket with LocationConstraint us-west-2 (its
// CreateBucketInterceptor) and reads it back; one for us-east-1 sends no
// configuration and reads an empty LocationConstraint
// (CreateBucketIntegrationTest).
func TestJitBucketLocationFromClientRegion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.client(), context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("jit-west"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintUsWest2}})
	require.NoError(t, err)
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("jit-west")})
	require.NoError(t, err)
	assert.Equal(t, types.BucketLocationConstraintUsWest2, loc.LocationConstraint)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("jit-east")})
	require.NoError(t, err)
	loc, err = c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("jit-east")})
	require.NoError(t, err)
	assert.Equal(t, types.BucketLocationConstraint(""), loc.LocationConstraint)
	// Re-creating one's own bucket outside us-east-1 is 409
	// BucketAlreadyOwnedByYou (ExceptionUnmarshallingIntegrationTest
	// createBucketAlreadyOwnedByYou, run in us-west-2).
	r := f.do(t, raw{method: "PUT", path: "/jit-west",
		body: []byte(`<CreateBucketConfiguration><LocationConstraint>us-west-2</LocationConstraint></CreateBucketConfiguration>`)})
	require.Equal(t, http.StatusConflict, r.StatusCode, string(r.body))
	assert.Equal(t, "BucketAlreadyOwnedByYou", r.errCode())
}

// TestJitCrtRangedDiscovery: the CRT client (S3CrtAsyncClient) finds an
// object's size with a first GET of bytes=0-(8 MiB-1): a small object
// answers 206 with Content-Range and an ETag, which the next requests
// send as If-Match; an empty one answers 416 whose Content-Type is
// exactly application/xml and whose Error names ActualObjectSize 0,
// which aws-c-s3 (s_check_empty_file_download_error) reads as "empty"
// and fetches the object without a Range (S3CrtGetObjectIntegrationTest,
// AsyncPresignedUrlExtensionTestSuite getObject_emptyObject_*). Every
// answer, errors too, names x-amz-request-id and x-amz-id-2
// (S3ResponseMetadataIntegrationTest, ExceptionUnmarshalling-
// IntegrationTest's assertMetadata).
func TestJitCrtRangedDiscovery(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-crt")
	data := pattern(10_000)
	must(t, f.do(t, raw{method: "PUT", path: "/jit-crt/key", body: data}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/jit-crt/empty", body: []byte{}}).errOrNil())
	const first = "bytes=0-8388607"

	r := f.do(t, raw{method: "GET", path: "/jit-crt/key", header: hdr("Range", first)})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	assert.Equal(t, "bytes 0-9999/10000", r.Header.Get("Content-Range"))
	require.NotEmpty(t, r.Header.Get("ETag"))
	assert.True(t, bytes.Equal(data, r.body))
	again := f.do(t, raw{method: "GET", path: "/jit-crt/key", header: hdr("Range", first, "If-Match", r.Header.Get("ETag"))})
	assert.Equal(t, http.StatusPartialContent, again.StatusCode)
	// The Java SDK's GetObject asks for an appended MD5 (x-amz-te:
	// append-md5) and checks one only when the answer says
	// x-amz-transfer-encoding: append-md5; the body is the object's.
	md := f.do(t, raw{method: "GET", path: "/jit-crt/key", header: hdr("x-amz-te", "append-md5")})
	require.Equal(t, http.StatusOK, md.StatusCode)
	assert.Empty(t, md.Header.Get("x-amz-transfer-encoding"))
	assert.True(t, bytes.Equal(data, md.body))

	e := f.do(t, raw{method: "GET", path: "/jit-crt/empty", header: hdr("Range", first)})
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, e.StatusCode, string(e.body))
	assert.Equal(t, "application/xml", e.Header.Get("Content-Type"))
	fields := errFields(t, e.body)
	assert.Equal(t, "InvalidRange", fields["Code"])
	assert.Equal(t, "0", fields["ActualObjectSize"])
	whole := f.do(t, raw{method: "GET", path: "/jit-crt/empty"})
	require.Equal(t, http.StatusOK, whole.StatusCode)
	assert.Equal(t, "0", whole.Header.Get("Content-Length"))

	for _, q := range []raw{
		{method: "GET", path: "/jit-crt/key?acl"},
		{method: "GET", path: "/jit-crt/key"},
		{method: "GET", path: "/jit-crt/missing"},
		{method: "HEAD", path: "/jit-crt/missing"},
		{method: "HEAD", path: "/jit-crt-missing"},
	} {
		r := f.do(t, q)
		assert.NotEmpty(t, r.Header.Get("x-amz-request-id"), q.path)
		assert.NotEmpty(t, r.Header.Get("x-amz-id-2"), q.path)
		if q.method == "GET" && r.StatusCode == 404 {
			assert.Equal(t, "NoSuchKey", r.errCode())
			assert.NotEmpty(t, errFields(t, r.body)["Message"])
		}
		if q.method == "HEAD" {
			assert.Equal(t, http.StatusNotFound, r.StatusCode, q.path)
		}
	}
}

// TestJitContentEncodingAppended: the Java SDK appends aws-chunked to a
// Content-Encoding the caller set (AwsChunkedV4PayloadSigner:
// request.appendHeader), so the Apache and Netty clients send two
// Content-Encoding lines, "gzip" then "aws-chunked", signed as
// "gzip,aws-chunked" (or one line of that, as AsyncHttpChecksum-
// IntegrationTest records it); S3 keeps "gzip" (HeadObjectIntegrationTest
// syncClientSupportsGzippedObjects, asyncClientSupportsGzippedObjects,
// AsyncHttpChecksumIntegrationTest ..._withHugeRequestBody).
func TestJitContentEncodingAppended(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-gzip")
	payload := []byte("\x1f\x8b pretend gzip")
	for i, mode := range []string{sigv4.StreamingPayloadTrailer, sigv4.StreamingUnsignedPayloadTrailer, sigv4.StreamingUnsignedPayloadTrailer} {
		h := http.Header{"Content-Encoding": {"gzip", "aws-chunked"}}
		if i == 2 {
			h = http.Header{"Content-Encoding": {"gzip,aws-chunked"}} // one line
		}
		h.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(len(payload)))
		h.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		path := fmt.Sprintf("/jit-gzip/%s-%d", mode, i)
		h, s := jitSign(t, f, "PUT", path, h, mode)
		body := jitSignedTrailerBody(s, payload, 128<<10, "x-amz-checksum-crc32", jitCRC32(payload))
		if mode == sigv4.StreamingUnsignedPayloadTrailer {
			body = []byte(fmt.Sprintf("%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", len(payload), payload, jitCRC32(payload)))
		}
		r := f.do(t, raw{method: "PUT", path: path, header: h, body: body, sign: "keep"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", mode, r.body)
		r = f.do(t, raw{method: "HEAD", path: path})
		require.Equal(t, http.StatusOK, r.StatusCode)
		assert.Equal(t, "gzip", r.Header.Get("Content-Encoding"), mode)
		assert.Equal(t, fmt.Sprint(len(payload)), r.Header.Get("Content-Length"), mode)
	}
}

// jitCopySource is the Java SDK's x-amz-copy-source for sourceBucket,
// sourceKey and sourceVersionId (CopySourceInterceptor: SdkHttpUtils
// urlEncodeIgnoreSlashes, so a space is %20 and '*' is %2A).
func jitCopySource(bucket, key, versionID string) string {
	enc := strings.NewReplacer("+", "%20", "%2F", "/", "%7E", "~").Replace(url.QueryEscape(bucket + "/" + key))
	if versionID != "" {
		enc += "?versionId=" + versionID
	}
	return enc
}

// TestJitCopySourceKeys: the keys CopySourceIntegrationTest copies, with
// and without a source version, as the Java SDK encodes them.
func TestJitCopySourceKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.client(), context.Background()
	for _, b := range []string{"jit-copy-src", "jit-copy-dst"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("jit-copy-src"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	for _, key := range []string{"simpleKey", "key/with/slashes", "\U0001FAA3", "specialChars/ +!#$&'()*,:;=?@\"", "%20"} {
		var versions []string
		for i := range 2 {
			out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("jit-copy-src"), Key: aws.String(key), Body: strings.NewReader(fmt.Sprint(key, i))})
			require.NoError(t, err)
			versions = append(versions, aws.ToString(out.VersionId))
		}
		for i, v := range append(versions, "") {
			want := fmt.Sprint(key, min(i, 1))
			_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("jit-copy-dst"), Key: aws.String(key),
				CopySource: aws.String(jitCopySource("jit-copy-src", key, v))})
			require.NoError(t, err, "%q version %q", key, v)
			got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("jit-copy-dst"), Key: aws.String(key)})
			require.NoError(t, err)
			body, _ := io.ReadAll(got.Body)
			got.Body.Close()
			assert.Equal(t, want, string(body), "%q version %q", key, v)
		}
	}
}

// TestJitDeleteObjectsXMLKeys: keys that look like XML or its escapes
// come back in DeleteObjects' Deleted exactly as sent
// (DeleteObjectsIntegrationTest), and x-amz-tagging as the Java SDK
// encodes it (a space as %20, '/' and '@' escaped) is stored as the tags
// it names (ObjectTaggingIntegrationTest putObjectTagging_Succeeds_-
// WithUrlEncodedTags).
func TestJitDeleteObjectsXMLKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx, b := f.client(), context.Background(), aws.String("jit-xmlkeys")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	for _, key := range []string{"<Key>objectId</Key>", "&lt;Key&gt;objectId&lt;/Key&gt;", "&lt;<"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader("contents")})
		require.NoError(t, err)
		out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String(key)}}}})
		require.NoError(t, err)
		require.Len(t, out.Deleted, 1)
		assert.Equal(t, key, aws.ToString(out.Deleted[0].Key))
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String(key)})
		require.Error(t, err)
	}

	r := f.do(t, raw{method: "PUT", path: "/jit-xmlkeys/tagged", body: []byte{},
		header: hdr("x-amz-tagging", "foo=bar%20%40baz&foo%20bar=baz&foo%2Fbar=baz")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("tagged")})
	require.NoError(t, err)
	got := map[string]string{}
	for _, tg := range tags.TagSet {
		got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	assert.Equal(t, map[string]string{"foo": "bar @baz", "foo bar": "baz", "foo/bar": "baz"}, got)
}

// TestJitCrtPartChecksums: the CRT client uploads a 10 MiB file as 8 MiB
// parts, each with the request's checksum algorithm (CRC32 by default,
// SHA1 when asked), and reads it back by part number with checksum
// mode; S3 answers part 1's own checksum (crt/ChecksumIntegrationTest
// noChecksumCustomization_crc32ShouldBeUsed,
// putObject_checksumProvidedInRequest_shouldTakePrecendence). A
// PutObjectTagging with a SHA1 checksum header is taken
// (nonStreamingOperation_specifyChecksum_shouldWork).
func TestJitCrtPartChecksums(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx, b := f.client(), context.Background(), aws.String("jit-crtsum")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	data := pattern(10 << 20)
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmSha1} {
		key := aws.String("10mib_" + string(alg))
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: key, ChecksumAlgorithm: alg})
		require.NoError(t, err)
		var parts []types.CompletedPart
		var first string
		for i, p := range [][]byte{data[:8<<20], data[8<<20:]} {
			n := aws.Int32(int32(i + 1))
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: key, UploadId: up.UploadId, PartNumber: n, Body: bytes.NewReader(p), ChecksumAlgorithm: alg})
			require.NoError(t, err)
			cp := types.CompletedPart{PartNumber: n, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32, ChecksumSHA1: out.ChecksumSHA1}
			if i == 0 {
				first = aws.ToString(out.ChecksumCRC32) + aws.ToString(out.ChecksumSHA1)
			}
			parts = append(parts, cp)
		}
		require.NotEmpty(t, first)
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: key, UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		require.NoError(t, err)
		g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: key, PartNumber: aws.Int32(1), ChecksumMode: types.ChecksumModeEnabled})
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, g.Body)
		g.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, first, aws.ToString(g.ChecksumCRC32)+aws.ToString(g.ChecksumSHA1), alg)
		assert.Equal(t, int64(8<<20), aws.ToInt64(g.ContentLength))
	}
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: aws.String("10mib_CRC32"), ChecksumAlgorithm: types.ChecksumAlgorithmSha1,
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("test"), Value: aws.String("value")}}}})
	require.NoError(t, err)
}

// TestJitBucketPolicyAndSingleStrings: the policies the Java SDK's
// Policy.toJson writes (an auto Sid, Principal {"AWS":["*"]}, arrays of
// one Action and Resource) are taken and read back as JSON naming the
// bucket's ARN; GetBucketRequestPayment is BucketOwner
// (OperationsWithNonStandardResponsesIntegrationTest,
// SingleStringResponseOperationsIntegrationTest).
func TestJitBucketPolicyAndSingleStrings(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.client(), context.Background()
	for i, doc := range []string{
		`{"Version":"2012-10-17","Statement":[{"Sid":"1","Effect":"Deny","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`,
		`{"Version":"2012-10-17","Statement":[{"Sid":"1","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["*"],"Resource":["arn:aws:s3:::%s"]}]}`,
	} {
		b := fmt.Sprintf("jit-policy-%d", i)
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(fmt.Sprintf(doc, b))})
		require.NoError(t, err, doc)
		got, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		assert.Contains(t, aws.ToString(got.Policy), "arn:aws:s3:::"+b)
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(aws.ToString(got.Policy)), &v))
		pay, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		assert.Equal(t, types.PayerBucketOwner, pay.Payer)
	}
}

// jitEncodePath encodes a key as the Java SDK's greedy path label does
// (SdkHttpUtils.urlEncodeIgnoreSlashes: RFC 3986 unreserved characters
// kept, a space as %20, '*' as %2A, '/' kept).
func jitEncodePath(key string) string {
	return strings.NewReplacer("+", "%20", "%2F", "/", "%7E", "~").Replace(url.QueryEscape(key))
}

// TestJitPresignedScaryKeys: a presigned GET, as S3Presigner makes it and
// a browser or HttpURLConnection sends it, serves keys with every
// character class the Java SDK's tests use, a newline and "//" included
// (S3PresignerIntegrationTest keysWithScaryCharactersWorks,
// keysWithDoubleBackslashWorks).
func TestJitPresignedScaryKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-scary")
	for _, key := range []string{"a0A!-_.*'()&@:,$=+?; \n\\^`<>{}[]#%\"~|山/s3-presigner-it", "key//image.png-it"} {
		path := "/jit-scary/" + jitEncodePath(key)
		r := f.do(t, raw{method: "PUT", path: path, body: []byte("Howdy!")})
		require.Equal(t, http.StatusOK, r.StatusCode, "%q: %s", key, r.body)
		req, err := http.NewRequest("GET", f.srv.URL+path, nil)
		require.NoError(t, err)
		_, err = sigv4.Presign(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), 5*time.Minute)
		require.NoError(t, err)
		r = f.do(t, raw{method: "GET", path: req.URL.RequestURI(), sign: "anon"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%q: %s", key, r.body)
		assert.Equal(t, "Howdy!", string(r.body))
	}
	out, err := f.client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("jit-scary")})
	require.NoError(t, err)
	require.Len(t, out.Contents, 2)
}

// TestJitErrorCodes: the codes ExceptionUnmarshallingIntegrationTest
// maps to the SDK's modeled exceptions, each with a message and a
// request id.
func TestJitErrorCodes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-errors")
	for _, tc := range []struct {
		q      raw
		status int
		code   string
	}{
		{raw{method: "GET", path: "/jit-errors/some-key"}, 404, "NoSuchKey"},
		{raw{method: "GET", path: "/jit-errorssome-key/some-key"}, 404, "NoSuchBucket"},
		{raw{method: "GET", path: "/jit-errorssome-key?policy"}, 404, "NoSuchBucket"},
		{raw{method: "GET", path: "/jit-errors/some-key?acl"}, 404, "NoSuchKey"},
		{raw{method: "GET", path: "/jit-errorssome-key/some-key?acl"}, 404, "NoSuchBucket"},
		{raw{method: "DELETE", path: "/jit-errors/some-key?uploadId=23232"}, 404, "NoSuchUpload"},
	} {
		r := f.do(t, tc.q)
		require.Equal(t, tc.status, r.StatusCode, "%s %s: %s", tc.q.method, tc.q.path, r.body)
		fields := errFields(t, r.body)
		assert.Equal(t, tc.code, fields["Code"], tc.q.path)
		assert.NotEmpty(t, fields["Message"], tc.q.path)
		assert.NotEmpty(t, fields["RequestId"], tc.q.path)
		assert.Equal(t, fields["RequestId"], r.Header.Get("x-amz-request-id"), tc.q.path)
	}
}

// TestJitInventoryOwnBucket: an inventory configuration whose
// destination is the bucket itself, with only the required fields or
// with an AccountId that is not an account number ("test-account"), a
// destination prefix, a filter and two optional fields, is stored and
// read back as sent; once deleted the list is empty
// (BucketInventoryConfigurationIntegrationTest).
func TestJitInventoryOwnBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx, b := f.client(), context.Background(), aws.String("jit-inventory")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	arn := "arn:aws:s3:::jit-inventory"
	for _, full := range []bool{false, true} {
		dst := &types.InventoryS3BucketDestination{Bucket: aws.String(arn), Format: types.InventoryFormatCsv}
		cfg := &types.InventoryConfiguration{Id: aws.String("id"), IsEnabled: aws.Bool(true), IncludedObjectVersions: types.InventoryIncludedObjectVersionsAll,
			Schedule: &types.InventorySchedule{Frequency: types.InventoryFrequencyDaily}, Destination: &types.InventoryDestination{S3BucketDestination: dst}}
		if full {
			dst.AccountId, dst.Prefix = aws.String("test-account"), aws.String("prefix")
			cfg.Filter = &types.InventoryFilter{Prefix: aws.String("prefix")}
			cfg.OptionalFields = []types.InventoryOptionalField{types.InventoryOptionalFieldETag, types.InventoryOptionalFieldSize}
		}
		_, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{Bucket: b, Id: aws.String("id"), InventoryConfiguration: cfg})
		require.NoError(t, err, "full %v", full)
		got, err := c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: b, Id: aws.String("id")})
		require.NoError(t, err)
		g := got.InventoryConfiguration
		assert.Equal(t, "id", aws.ToString(g.Id))
		assert.True(t, aws.ToBool(g.IsEnabled))
		assert.Equal(t, types.InventoryIncludedObjectVersionsAll, g.IncludedObjectVersions)
		assert.Equal(t, types.InventoryFrequencyDaily, g.Schedule.Frequency)
		gd := g.Destination.S3BucketDestination
		assert.Equal(t, arn, aws.ToString(gd.Bucket))
		assert.Equal(t, types.InventoryFormatCsv, gd.Format)
		if full {
			assert.Equal(t, "test-account", aws.ToString(gd.AccountId))
			assert.Equal(t, "prefix", aws.ToString(gd.Prefix))
			assert.Equal(t, "prefix", aws.ToString(g.Filter.Prefix))
			assert.ElementsMatch(t, cfg.OptionalFields, g.OptionalFields)
		} else {
			assert.Nil(t, gd.AccountId)
			assert.Nil(t, gd.Prefix)
		}
		_, err = c.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: b, Id: aws.String("id")})
		require.NoError(t, err)
		list, err := c.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: b})
		require.NoError(t, err)
		assert.Empty(t, list.InventoryConfigurationList)
	}
}

// jitAnalyticsDoc is an AnalyticsConfiguration as the Java SDK marshals
// it, with filter as the Filter element (empty for none).
func jitAnalyticsDoc(id, filter, destination string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><AnalyticsConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>` + id + `</Id>` +
		filter + `<StorageClassAnalysis><DataExport><OutputSchemaVersion>V_1</OutputSchemaVersion><Destination>` + destination +
		`</Destination></DataExport></StorageClassAnalysis></AnalyticsConfiguration>`)
}

// TestJitAnalyticsConfigurations: BucketAnalyticsConfigurationIntegration-
// Test: an empty Filter, a Filter with an empty Prefix and a DataExport
// whose Destination is empty are refused (an S3Exception each: the code
// is not recorded; osslite answers MalformedXML, as for its other
// violations of the Filter's one-of schema); a Filter
// of one Tag is kept; two configurations list in Id order, not
// truncated and without continuation tokens; a deleted one leaves the
// list empty.
func TestJitAnalyticsConfigurations(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "jit-analytics")
	dest := `<S3BucketDestination><Format>CSV</Format><Bucket>arn:aws:s3:::jit-analytics</Bucket></S3BucketDestination>`
	for name, doc := range map[string][]byte{
		"empty filter":        jitAnalyticsDoc("id", `<Filter></Filter>`, dest),
		"empty prefix":        jitAnalyticsDoc("id", `<Filter><Prefix></Prefix></Filter>`, dest),
		"missing destination": jitAnalyticsDoc("id", "", ""),
	} {
		r := f.do(t, raw{method: "PUT", path: "/jit-analytics?analytics&id=id", body: doc})
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, "%s: %s", name, r.body)
		assert.Equal(t, "MalformedXML", r.errCode(), name)
	}
	list0, err := f.client().ListBucketAnalyticsConfigurations(context.Background(), &s3.ListBucketAnalyticsConfigurationsInput{Bucket: aws.String("jit-analytics")})
	require.NoError(t, err)
	require.Empty(t, list0.AnalyticsConfigurationList, "nothing refused was stored")
	must(t, f.do(t, raw{method: "PUT", path: "/jit-analytics?analytics&id=id",
		body: jitAnalyticsDoc("id", `<Filter><Tag><Key>key</Key><Value>value</Value></Tag></Filter>`, dest)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/jit-analytics?analytics&id=id2", body: jitAnalyticsDoc("id2", "", dest)}).errOrNil())
	c, ctx, b := f.client(), context.Background(), aws.String("jit-analytics")
	got, err := c.GetBucketAnalyticsConfiguration(ctx, &s3.GetBucketAnalyticsConfigurationInput{Bucket: b, Id: aws.String("id")})
	require.NoError(t, err)
	tag, ok := got.AnalyticsConfiguration.Filter.(*types.AnalyticsFilterMemberTag)
	require.True(t, ok, "%T", got.AnalyticsConfiguration.Filter)
	assert.Equal(t, "value", aws.ToString(tag.Value.Value))
	de := got.AnalyticsConfiguration.StorageClassAnalysis.DataExport
	assert.Equal(t, types.StorageClassAnalysisSchemaVersionV1, de.OutputSchemaVersion)
	assert.Nil(t, de.Destination.S3BucketDestination.BucketAccountId)
	assert.Nil(t, de.Destination.S3BucketDestination.Prefix)
	list, err := c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, list.AnalyticsConfigurationList, 2)
	assert.Equal(t, "id", aws.ToString(list.AnalyticsConfigurationList[0].Id))
	assert.Equal(t, "id2", aws.ToString(list.AnalyticsConfigurationList[1].Id))
	assert.False(t, aws.ToBool(list.IsTruncated))
	assert.Nil(t, list.ContinuationToken)
	assert.Nil(t, list.NextContinuationToken)
	for _, id := range []string{"id", "id2"} {
		_, err := c.DeleteBucketAnalyticsConfiguration(ctx, &s3.DeleteBucketAnalyticsConfigurationInput{Bucket: b, Id: aws.String(id)})
		require.NoError(t, err)
	}
	list, err = c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: b})
	require.NoError(t, err)
	assert.Empty(t, list.AnalyticsConfigurationList)
}
