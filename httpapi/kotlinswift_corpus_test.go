package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// The tests in this file send what the AWS SDKs for Kotlin
// (awslabs/aws-sdk-kotlin with smithy-lang/smithy-kotlin's runtime) and
// Swift (awslabs/aws-sdk-swift, aws/aws-sdk-swift-s3-transfer-manager)
// send with default settings and hold osslite to the answers their S3
// end-to-end tests assert against real S3 (docs/sdk-suites.md, "The AWS
// SDKs for Kotlin and Swift: S3 end-to-end tests as a corpus
// (thirty-second session)").

// kswPrintable is the Kotlin tests' PRINTABLE_CHARS: ASCII 32 to 126.
func kswPrintable() string {
	var b strings.Builder
	for c := byte(32); c < 127; c++ {
		b.WriteByte(c)
	}
	return b.String()
}

// kswEscape percent-encodes s as smithy-kotlin's SigV4 encoding does:
// every byte but the unreserved ones; slash too unless keepSlash.
func kswEscape(s string, keepSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// kswSign signs method and path as smithy-kotlin's DefaultCanonicalizer
// does: every header of h but connection, expect, user-agent and
// x-amzn-trace-id, so transfer-encoding and content-encoding too. It
// returns the headers to send and what a chunk signer needs.
func kswSign(t *testing.T, f *fixture, method, path string, h http.Header, payload string) (http.Header, *sigv4.Signed) {
	t.Helper()
	ts := f.clock.Now().UTC().Format(sigv4.TimeFormat)
	h.Set("X-Amz-Content-Sha256", payload)
	h.Set("X-Amz-Date", ts)
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header = h.Clone()
	names := []string{"host"}
	for k := range h {
		if l := strings.ToLower(k); l != "expect" && l != "user-agent" && l != "connection" {
			names = append(names, l)
		}
	}
	sort.Strings(names)
	scope := sigv4.Scope{Date: ts[:8], Region: "us-east-1", Service: "s3"}
	key := sigv4.SigningKey(testSK, scope.Date, "us-east-1", "s3")
	sig := sigv4.Signature(key, sigv4.StringToSign(sigv4.CanonicalRequest(req, names, payload, false), ts, scope))
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAK+"/"+scope.String()+", SignedHeaders="+strings.Join(names, ";")+", Signature="+sig)
	return h, &sigv4.Signed{
		Authorization: sigv4.Authorization{Credential: sigv4.Credential{AccessKeyID: testAK, Scope: scope}, SignedHeaders: names, Signature: sig},
		Timestamp:     ts, SigningKey: key,
	}
}

// kswSignedChunks encodes payload as smithy-kotlin's AwsChunkedReader
// does for STREAMING-AWS4-HMAC-SHA256-PAYLOAD (no trailer): 64 KiB
// chunks with chunk-signature extensions and a final empty chunk.
func kswSignedChunks(s *sigv4.Signed, payload []byte) []byte {
	var b bytes.Buffer
	prev := s.Authorization.Signature
	scope := s.Authorization.Credential.Scope.String()
	emit := func(data []byte) {
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + s.Timestamp + "\n" + scope + "\n" + prev + "\n" + sigv4.EmptySHA256 + "\n" + hexSHA256(data)
		prev = sigv4.Signature(s.SigningKey, sts)
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(data), prev)
		b.Write(data)
		b.WriteString("\r\n")
	}
	for off := 0; off < len(payload); off += 64 << 10 {
		emit(payload[off:min(off+64<<10, len(payload))])
	}
	emit(nil)
	return b.Bytes()
}

// kswKotlinStreamingHeaders are the headers smithy-kotlin sets on a body
// it sends aws-chunked (setAwsChunkedHeaders: each only when missing, so
// a caller's Content-Encoding stays alone) with the default CRC32 in a
// trailer, and the Expect: 100-continue its ContinueInterceptor adds.
func kswKotlinStreamingHeaders(size int, contentEncoding string) http.Header {
	if contentEncoding == "" {
		contentEncoding = "aws-chunked"
	}
	return hdr("Content-Encoding", contentEncoding, "Transfer-Encoding", "chunked",
		"X-Amz-Decoded-Content-Length", fmt.Sprint(size), "X-Amz-Trailer", "x-amz-checksum-crc32", "Expect", "100-continue")
}

// TestKswKotlinChunkedUploads: smithy-kotlin sends a streaming body of
// known length (a file over 1 MiB, or any one-shot stream)
// aws-chunked: Transfer-Encoding: chunked with no Content-Length, the
// transfer-encoding header signed with the rest, 64 KiB signed chunks
// and the CRC32 in a signed trailer. S3 stores them (S3IntegrationTest
// testMultipartUpload: two parts of 5 MiB and 3 MiB from a file, read
// back with the same SHA-256; S3ChecksumTest testPutObjectAwsChunkedEncoded:
// "Hello World" from an InputStream; testMultiPartUpload).
func TestKswKotlinChunkedUploads(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-chunked")
	ctx := context.Background()

	hello := []byte("Hello World")
	h, s := kswSign(t, f, "PUT", "/ksw-chunked/hello", kswKotlinStreamingHeaders(len(hello), ""), sigv4.StreamingPayloadTrailer)
	r := citDoStreamed(t, f, "PUT", "/ksw-chunked/hello", h, jitSignedTrailerBody(s, hello, 64<<10, "x-amz-checksum-crc32", jitCRC32(hello)))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "ShexVg==", r.Header.Get("x-amz-checksum-crc32"))
	g := f.do(t, raw{method: "GET", path: "/ksw-chunked/hello"})
	require.Equal(t, http.StatusOK, g.StatusCode)
	assert.Equal(t, "Hello World", string(g.body))
	assert.Empty(t, g.Header.Get("Content-Encoding"), "aws-chunked alone is not stored")

	up, err := f.client().CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("ksw-chunked"), Key: aws.String("mpu")})
	require.NoError(t, err)
	whole := pattern(8 << 20)
	var parts []types.CompletedPart
	for i, chunk := range [][]byte{whole[:5<<20], whole[5<<20:]} {
		path := fmt.Sprintf("/ksw-chunked/mpu?partNumber=%d&uploadId=%s", i+1, url.QueryEscape(aws.ToString(up.UploadId)))
		h, s := kswSign(t, f, "PUT", path, kswKotlinStreamingHeaders(len(chunk), ""), sigv4.StreamingPayloadTrailer)
		r := citDoStreamed(t, f, "PUT", path, h, jitSignedTrailerBody(s, chunk, 64<<10, "x-amz-checksum-crc32", jitCRC32(chunk)))
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		assert.Equal(t, jitCRC32(chunk), r.Header.Get("x-amz-checksum-crc32"))
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: aws.String(r.Header.Get("ETag"))})
	}
	_, err = f.client().CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("ksw-chunked"), Key: aws.String("mpu"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	g = f.do(t, raw{method: "GET", path: "/ksw-chunked/mpu"})
	require.Equal(t, http.StatusOK, g.StatusCode)
	assert.Equal(t, sha256.Sum256(whole), sha256.Sum256(g.body))

	// With checksums only when required, a one-shot stream goes out
	// signed chunks without a trailer.
	body := pattern(200 << 10)
	h = hdr("Content-Encoding", "aws-chunked", "Transfer-Encoding", "chunked", "X-Amz-Decoded-Content-Length", fmt.Sprint(len(body)))
	h, s = kswSign(t, f, "PUT", "/ksw-chunked/plain", h, sigv4.StreamingPayload)
	r = citDoStreamed(t, f, "PUT", "/ksw-chunked/plain", h, kswSignedChunks(s, body))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g = f.do(t, raw{method: "GET", path: "/ksw-chunked/plain"})
	assert.True(t, bytes.Equal(body, g.body))
}

// TestKswKotlinCallerContentEncoding: smithy-kotlin sets
// Content-Encoding: aws-chunked only when the request has none, so a
// PutObject with contentEncoding = "gzip" and a streaming body goes out
// aws-chunked under Content-Encoding: gzip alone; the payload hash
// (STREAMING-...) and X-Amz-Decoded-Content-Length say how the body is
// framed.
func TestKswKotlinCallerContentEncoding(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-gzip")
	body := pattern(1<<20 + 17)
	h, s := kswSign(t, f, "PUT", "/ksw-gzip/k", kswKotlinStreamingHeaders(len(body), "gzip"), sigv4.StreamingPayloadTrailer)
	r := citDoStreamed(t, f, "PUT", "/ksw-gzip/k", h, jitSignedTrailerBody(s, body, 64<<10, "x-amz-checksum-crc32", jitCRC32(body)))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, jitCRC32(body), r.Header.Get("x-amz-checksum-crc32"))
	g := f.do(t, raw{method: "GET", path: "/ksw-gzip/k", header: hdr("Accept-Encoding", "identity")})
	require.Equal(t, http.StatusOK, g.StatusCode)
	assert.Equal(t, "gzip", g.Header.Get("Content-Encoding"))
	assert.Equal(t, fmt.Sprint(len(body)), g.Header.Get("Content-Length"))
	assert.True(t, bytes.Equal(body, g.body), "the body is stored decoded")
}

// TestKswPrintableKeysAndDelimiter: S3IntegrationTest testQueryParameterEncoding
// lists with every printable ASCII character as the delimiter (S3 takes
// it; the test only asks that it be accepted), testPathEncoding puts and
// gets "foo" followed by every printable character, and S3PresignerTest
// presigns a PUT (sent through HttpsURLConnection, which adds an
// unsigned Content-Type: application/x-www-form-urlencoded), a GET (200
// with the body) and a DELETE (204) of that key, path style.
func TestKswPrintableKeysAndDelimiter(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-printable")
	p := kswPrintable()
	key := "foo" + p
	path := "/ksw-printable/" + kswEscape(key, true)
	r := f.do(t, raw{method: "PUT", path: path, body: []byte("hello rfc3986")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: path})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "hello rfc3986", string(r.body))

	r = f.do(t, raw{method: "GET", path: "/ksw-printable?delimiter=" + kswEscape(p, false)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var l struct {
		Delimiter      string
		Contents       []struct{ Key string }
		CommonPrefixes []struct{ Prefix string }
	}
	require.NoError(t, xml.Unmarshal(r.body, &l))
	assert.Equal(t, p, l.Delimiter)
	assert.Empty(t, l.Contents)
	require.Len(t, l.CommonPrefixes, 1, "the key ends with the delimiter: it rolls up whole")
	assert.Equal(t, key, l.CommonPrefixes[0].Prefix)

	u := nitPresign(t, f, "PUT", path, nil, nil, 60*time.Second)
	r = f.do(t, raw{method: "PUT", path: u, body: []byte("presign-test"), sign: "anon",
		header: hdr("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	u = nitPresign(t, f, "GET", path, nil, nil, 60*time.Second)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "presign-test", string(r.body))
	u = nitPresign(t, f, "DELETE", path, nil, nil, 60*time.Second)
	r = f.do(t, raw{method: "DELETE", path: u, sign: "anon"})
	assert.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
}

// TestKswPresignedChecksum: S3ChecksumTest testPresignedUrlNoDefault
// (a presigned PUT carries no checksum, and S3 takes the body) and
// testPresignedUrlChecksumValue: with checksumCrc32 "dBBx+Q==" the
// Kotlin presigner signs x-amz-checksum-crc32 (named in
// X-Amz-SignedHeaders, sent as a header) and S3 takes "presign-test",
// whose CRC32 it is, answering the checksum; another body is refused.
func TestKswPresignedChecksum(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-presign-sum")
	u := nitPresign(t, f, "PUT", "/ksw-presign-sum/a", nil, nil, 60*time.Second)
	assert.NotContains(t, u, "x-amz-checksum-crc32")
	r := f.do(t, raw{method: "PUT", path: u, body: []byte("presign-test"), sign: "anon", header: hdr("Content-Type", "application/x-www-form-urlencoded")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	signed := hdr("x-amz-checksum-crc32", "dBBx+Q==")
	u = nitPresign(t, f, "PUT", "/ksw-presign-sum/b", nil, signed, 60*time.Second)
	assert.Contains(t, u, "x-amz-checksum-crc32")
	r = f.do(t, raw{method: "PUT", path: u, body: []byte("presign-test"), sign: "anon", header: hdr("x-amz-checksum-crc32", "dBBx+Q==")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "dBBx+Q==", r.Header.Get("x-amz-checksum-crc32"))
	r = f.do(t, raw{method: "PUT", path: u, body: []byte("presign-TEST"), sign: "anon", header: hdr("x-amz-checksum-crc32", "dBBx+Q==")})
	assert.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Equal(t, "BadDigest", r.errCode())
}

// TestKswChecksumRoundTrip: S3IntegrationTest testPutObjectWithChecksum
// (SHA-256 asked for, answered on the PUT and on a GET with checksum
// mode), testPutObjectWithIncorrectChecksum (x-amz-checksum-sha256
// "blerg": the message says "Value for x-amz-checksum-sha256 header is
// invalid."), testGetEmptyObject and S3ChecksumTest
// testPutObjectWithEmptyBody (Content-Length 0 read back), and the Swift
// S3FlexibleChecksumsTests: 1 MiB with each of CRC32, CRC32C, SHA1 and
// SHA256 in a header, answered on the PUT and the GET.
func TestKswChecksumRoundTrip(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-sums")
	ctx := context.Background()
	c := f.client()
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ksw-sums"), Key: aws.String("put-obj-with-checksum.txt"),
		Body: strings.NewReader("AAAAAAAAAA"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(put.ChecksumSHA256))
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ksw-sums"), Key: aws.String("put-obj-with-checksum.txt"), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	get.Body.Close()
	assert.Equal(t, aws.ToString(put.ChecksumSHA256), aws.ToString(get.ChecksumSHA256))

	r := f.do(t, raw{method: "PUT", path: "/ksw-sums/bad", body: []byte("AAAAAAAAAA"),
		header: hdr("x-amz-checksum-sha256", "blerg", "x-amz-sdk-checksum-algorithm", "SHA256")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Contains(t, string(r.body), "Value for x-amz-checksum-sha256 header is invalid.")

	r = f.do(t, raw{method: "PUT", path: "/ksw-sums/empty", header: hdr("x-amz-checksum-crc32", "AAAAAA==", "Content-Length", "0")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/ksw-sums/empty"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "0", r.Header.Get("Content-Length"))

	data := pattern(1 << 20)
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		key := "flexible-checksums-s3-test-" + strings.ToLower(string(alg))
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ksw-sums"), Key: aws.String(key), Body: bytes.NewReader(data), ChecksumAlgorithm: alg})
		require.NoError(t, err, alg)
		g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ksw-sums"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
		require.NoError(t, err, alg)
		b, err := io.ReadAll(g.Body)
		g.Body.Close()
		require.NoError(t, err, alg)
		assert.True(t, bytes.Equal(data, b), alg)
		pick := func(crc32, crc32c, sha1, sha256 *string) string {
			return aws.ToString(map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: crc32, types.ChecksumAlgorithmCrc32c: crc32c,
				types.ChecksumAlgorithmSha1: sha1, types.ChecksumAlgorithmSha256: sha256}[alg])
		}
		want := pick(out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumSHA1, out.ChecksumSHA256)
		assert.NotEmpty(t, want, alg)
		assert.Equal(t, want, pick(g.ChecksumCRC32, g.ChecksumCRC32C, g.ChecksumSHA1, g.ChecksumSHA256), alg)
	}
}

// TestKswSelectThreeEvents: S3IntegrationTest testSelectObjectEventStream:
// a CSV of eight lines without a final newline, FileHeaderInfo USE,
// SELECT * FROM s3object s where s."Name" = 'Jane', CSV out: S3 sends
// exactly Records ("Jane,(949) 555-6704,Chicago,Developer\n"), Stats and
// End.
func TestKswSelectThreeEvents(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-select")
	content := "Name,PhoneNumber,City,Occupation\nSam,(949) 555-6701,Irvine,Solutions Architect\n" +
		"Vinod,(949) 555-6702,Los Angeles,Solutions Architect\nJeff,(949) 555-6703,Seattle,AWS Evangelist\n" +
		"Jane,(949) 555-6704,Chicago,Developer\nSean,(949) 555-6705,Indianapolis,Developer\n" +
		"Mary,(949) 555-6706,Detroit,Developer\nKate,(949) 555-6707,Boston,Solutions Architect"
	r := f.do(t, raw{method: "PUT", path: "/ksw-select/developers.csv", body: []byte(content)})
	require.Equal(t, http.StatusOK, r.StatusCode)
	doc := `<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Expression>SELECT * FROM s3object s where s."Name" = 'Jane'</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV><CompressionType>NONE</CompressionType></InputSerialization>` +
		`<OutputSerialization><CSV></CSV></OutputSerialization></SelectObjectContentRequest>`
	r = f.do(t, raw{method: "POST", path: "/ksw-select/developers.csv?select&select-type=2", body: []byte(doc)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	msgs := ritMessages(t, r.body)
	var events []string
	for _, m := range msgs {
		events = append(events, m.headers[":event-type"])
	}
	require.Equal(t, []string{"Records", "Stats", "End"}, events)
	assert.Equal(t, "Jane,(949) 555-6704,Chicago,Developer\n", string(msgs[0].payload))
}

// TestKswListPartsTen: PaginatorTest testListPartsPagination: ten parts
// are listed, in order, by a paginator that stops when IsTruncated is
// false.
func TestKswListPartsTen(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-parts")
	ctx := context.Background()
	c := f.client()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("ksw-parts"), Key: aws.String("list-parts-test")})
	require.NoError(t, err)
	for i := int32(1); i <= 10; i++ {
		_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("ksw-parts"), Key: aws.String("list-parts-test"), UploadId: up.UploadId,
			PartNumber: aws.Int32(i), Body: strings.NewReader(strings.Repeat("!", 1024))})
		require.NoError(t, err)
	}
	var got []int32
	pg := s3.NewListPartsPaginator(c, &s3.ListPartsInput{Bucket: aws.String("ksw-parts"), Key: aws.String("list-parts-test"), UploadId: up.UploadId})
	for pages := 0; pg.HasMorePages(); pages++ {
		require.Less(t, pages, 3)
		out, err := pg.NextPage(ctx)
		require.NoError(t, err)
		for _, p := range out.Parts {
			got = append(got, aws.ToInt32(p.PartNumber))
		}
	}
	assert.Equal(t, []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, got)
}

// TestKswSwiftErrors: the Swift S3ErrorTests and S3EmptyBody404Tests.
// GetObject of a missing key: 404 NoSuchKey, "The specified key does not
// exist.", with a request id and a host id; ListObjectsV2 of a missing
// bucket: 404 NoSuchBucket, "The specified bucket does not exist"; a
// GLACIER object's GET: InvalidObjectState, "The operation is not valid
// for the object's storage class", StorageClass GLACIER and no
// AccessTier; an unknown access key: 403 InvalidAccessKeyId, "The AWS
// Access Key Id you provided does not exist in our records."; HeadObject
// of a missing key: 404 with an empty body.
func TestKswSwiftErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "sdk-int-test-s3-errors")
	r := f.do(t, raw{method: "GET", path: "/sdk-int-test-s3-errors/s3-error-missing"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	e := errFields(t, r.body)
	assert.Equal(t, "NoSuchKey", e["Code"])
	assert.Equal(t, "The specified key does not exist.", e["Message"])
	assert.NotEmpty(t, e["RequestId"])
	assert.NotEmpty(t, e["HostId"])
	assert.NotEmpty(t, r.Header.Get("x-amz-request-id"))
	assert.NotEmpty(t, r.Header.Get("x-amz-id-2"))

	r = f.do(t, raw{method: "GET", path: "/sdk-int-test-s3-errorsx?list-type=2"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	e = errFields(t, r.body)
	assert.Equal(t, "NoSuchBucket", e["Code"])
	assert.Equal(t, "The specified bucket does not exist", e["Message"])

	r = f.do(t, raw{method: "PUT", path: "/sdk-int-test-s3-errors/cold.txt", header: hdr("x-amz-storage-class", "GLACIER")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/sdk-int-test-s3-errors/cold.txt"})
	require.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
	e = errFields(t, r.body)
	assert.Equal(t, "InvalidObjectState", e["Code"])
	assert.Equal(t, "The operation is not valid for the object's storage class", e["Message"])
	assert.Equal(t, "GLACIER", e["StorageClass"])
	assert.NotContains(t, string(r.body), "<AccessTier>")

	r = f.do(t, raw{method: "GET", path: "/sdk-int-test-s3-errors/s3-error-missing", ak: "AKIDEXAMPLE", sk: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"})
	require.Equal(t, http.StatusForbidden, r.StatusCode)
	e = errFields(t, r.body)
	assert.Equal(t, "InvalidAccessKeyId", e["Code"])
	assert.Equal(t, "The AWS Access Key Id you provided does not exist in our records.", e["Message"])

	r = f.do(t, raw{method: "HEAD", path: "/sdk-int-test-s3-errors/s3-missing"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	assert.Empty(t, r.body)
}

// kswSwiftPath encodes a key as the Swift SDK puts it in a path: every
// byte but the unreserved ones and "/" percent-encoded ("+" as %2B,
// space as %20, "%" as %25).
func kswSwiftPath(bucket, key string) string { return "/" + bucket + "/" + kswEscape(key, true) }

// TestKswSwiftKeysWithMetadata: S3URLEncodingTests. Keys "x.txt",
// "x+x.txt", "x%x.txt", "x x.txt", "abc/x.txt", "abc/x+x.txt" and
// "abc//def//x.txt", each with metadata filename = its key, are put by
// PutObject and by a presigned URL whose query carries
// x-amz-meta-filename (the Swift presigner leaves it in the query and
// URLSession sends no headers); S3 lists every key and HeadObject
// answers x-amz-meta-filename as put.
func TestKswSwiftKeysWithMetadata(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	keys := []string{"x.txt", "x+x.txt", "x%x.txt", "x x.txt", "abc/x.txt", "abc/x+x.txt", "abc//def//x.txt"}
	for _, bucket := range []string{"ksw-keys-put", "ksw-keys-presigned"} {
		seedBucket(t, f, bucket)
		for _, key := range keys {
			path := kswSwiftPath(bucket, key)
			var r rawResponse
			if bucket == "ksw-keys-put" {
				r = f.do(t, raw{method: "PUT", path: path, header: hdr("x-amz-meta-filename", key)})
			} else {
				u := nitPresign(t, f, "PUT", path, url.Values{"x-amz-meta-filename": {key}}, nil, 30*time.Second)
				r = f.do(t, raw{method: "PUT", path: u, sign: "anon", header: hdr("Content-Type", "application/x-www-form-urlencoded")})
			}
			require.Equal(t, http.StatusOK, r.StatusCode, "%s %q: %s", bucket, key, r.body)
		}
		out, err := f.client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		var listed []string
		for _, o := range out.Contents {
			listed = append(listed, aws.ToString(o.Key))
		}
		assert.ElementsMatch(t, keys, listed, bucket)
		for _, key := range keys {
			r := f.do(t, raw{method: "HEAD", path: kswSwiftPath(bucket, key)})
			require.Equal(t, http.StatusOK, r.StatusCode, "%s %q", bucket, key)
			assert.Equal(t, key, r.Header.Get("x-amz-meta-filename"), "%s %q", bucket, key)
		}
	}
}

// TestKswSwiftPresigned: S3PresignedURLTests (a presigned GET read by
// URLSession; with ifMatch and ifNoneMatch set the Swift presigner puts
// them in the query as IfMatch and IfNoneMatch, signed, parameters S3
// does not read), S3PresignedRequestTests (a presigned PutObject whose
// request signs x-amz-meta-filename as a header, an empty body, read
// back by GetObject) and S3PresignedMultiPartUploadTests (UploadPart
// presigned with partNumber and uploadId, the part sent by URLSession,
// its ETag header completing the upload).
func TestKswSwiftPresigned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-swift-presign")
	ctx := context.Background()
	r := f.do(t, raw{method: "PUT", path: "/ksw-swift-presign/obj", body: []byte("0F1D1E6B-uuid")})
	require.Equal(t, http.StatusOK, r.StatusCode)
	u := nitPresign(t, f, "GET", "/ksw-swift-presign/obj", nil, nil, 600*time.Second)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "0F1D1E6B-uuid", string(r.body))
	u = nitPresign(t, f, "GET", "/ksw-swift-presign/obj", url.Values{"IfMatch": {"a-uuid"}, "IfNoneMatch": {"b-uuid"}}, nil, 600*time.Second)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "0F1D1E6B-uuid", string(r.body))

	u = nitPresign(t, f, "PUT", "/ksw-swift-presign/test.txt", nil, hdr("x-amz-meta-filename", "test.txt"), 60*time.Second)
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", header: hdr("x-amz-meta-filename", "test.txt")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g, err := f.client().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ksw-swift-presign"), Key: aws.String("test.txt")})
	require.NoError(t, err)
	g.Body.Close()
	assert.Equal(t, "test.txt", g.Metadata["filename"])

	up, err := f.client().CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("ksw-swift-presign"), Key: aws.String("mpu")})
	require.NoError(t, err)
	u = nitPresign(t, f, "PUT", "/ksw-swift-presign/mpu", url.Values{"partNumber": {"1"}, "uploadId": {aws.ToString(up.UploadId)}}, nil, 600*time.Second)
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", body: []byte("part-uuid"), header: hdr("Content-Type", "application/x-www-form-urlencoded")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	etag := r.Header.Get("Etag")
	require.NotEmpty(t, etag)
	_, err = f.client().CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("ksw-swift-presign"), Key: aws.String("mpu"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: aws.String(etag), PartNumber: aws.Int32(1)}}}})
	require.NoError(t, err)
	r = f.do(t, raw{method: "GET", path: "/ksw-swift-presign/mpu"})
	assert.Equal(t, "part-uuid", string(r.body))
}

// kswSession asks for a session as the Kotlin SDK's
// DefaultS3ExpressCredentialsProvider does (CreateSession with the
// bucket alone: no x-amz-create-session-mode) and returns its key id,
// secret and token.
func kswSession(t *testing.T, f *fixture, bucket string) (ak, sk, token string) {
	t.Helper()
	r := sessionRequestH(t, f, "GET", "/"+bucket+"?session", testAK, testSK, "", nil, nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var s struct {
		Credentials struct {
			SessionToken, SecretAccessKey, AccessKeyId, Expiration string
		}
	}
	require.NoError(t, xml.Unmarshal(r.body, &s))
	c := s.Credentials
	require.NotEmpty(t, c.SessionToken)
	return c.AccessKeyId, c.SecretAccessKey, c.SessionToken
}

// TestKswExpress: S3ExpressTest (Kotlin) and S3ExpressIntegrationTests
// (Swift). In a directory bucket the Kotlin SDK signs with session
// credentials, the token in X-Amz-S3session-Token and no
// X-Amz-Security-Token; PutObject carries the default CRC32 header and
// the object reads back; DeleteObjects carries x-amz-checksum-crc32
// instead of Content-MD5 (testChecksums: S3 takes it); UploadPart
// carries no checksum (S3ExpressDisableChecksumInterceptor) and the
// parts complete (testUploadPartContainsCRC32Checksum); Swift's
// operational test deletes the object and then the bucket.
func TestKswExpress(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	ak, sk, token := kswSession(t, f, expressBucket)
	content := []byte("30 minutes, or it's free!")
	r := sessionRequestH(t, f, "PUT", "/"+expressBucket+"/express.txt", ak, sk, token, content, hdr("x-amz-checksum-crc32", jitCRC32(content)))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = sessionRequestH(t, f, "GET", "/"+expressBucket+"/express.txt", ak, sk, token, nil, nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, string(content), string(r.body))

	keys := []string{"checksums.txt", "delete-me.txt", "dont-forget-about-me.txt"}
	var doc strings.Builder
	doc.WriteString(`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for _, k := range keys {
		body := []byte("Check out these sums!")
		r := sessionRequestH(t, f, "PUT", "/"+expressBucket+"/"+k, ak, sk, token, body, hdr("x-amz-checksum-crc32", jitCRC32(body)))
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		doc.WriteString("<Object><Key>" + k + "</Key></Object>")
	}
	doc.WriteString("</Delete>")
	del := []byte(doc.String())
	r = sessionRequestH(t, f, "POST", "/"+expressBucket+"?delete", ak, sk, token, del,
		hdr("x-amz-checksum-crc32", jitCRC32(del), "x-amz-sdk-checksum-algorithm", "CRC32", "Content-Type", "application/xml"))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, 3, strings.Count(string(r.body), "<Deleted>"), string(r.body))

	r = sessionRequestH(t, f, "POST", "/"+expressBucket+"/I-will-be-uploaded-in-parts-!?uploads", ak, sk, token, nil, nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var up struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(r.body, &up))
	var complete strings.Builder
	complete.WriteString("<CompleteMultipartUpload>")
	for i, word := range []string{"Hello", "World"} {
		part := bytes.Repeat([]byte(word), 1<<20)
		r := sessionRequestH(t, f, "PUT", fmt.Sprintf("/%s/I-will-be-uploaded-in-parts-!?partNumber=%d&uploadId=%s", expressBucket, i+1, url.QueryEscape(up.UploadId)),
			ak, sk, token, part, nil)
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		fmt.Fprintf(&complete, "<Part><ETag>%s</ETag><PartNumber>%d</PartNumber></Part>", r.Header.Get("ETag"), i+1)
	}
	complete.WriteString("</CompleteMultipartUpload>")
	r = sessionRequestH(t, f, "POST", "/"+expressBucket+"/I-will-be-uploaded-in-parts-!?uploadId="+url.QueryEscape(up.UploadId), ak, sk, token, []byte(complete.String()), nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	r = sessionRequestH(t, f, "DELETE", "/"+expressBucket+"/express.txt", ak, sk, token, nil, nil)
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	r = sessionRequestH(t, f, "DELETE", "/"+expressBucket+"/I-will-be-uploaded-in-parts-!", ak, sk, token, nil, nil)
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	_, err := f.client().DeleteBucket(context.Background(), &s3.DeleteBucketInput{Bucket: aws.String(expressBucket)})
	require.NoError(t, err)
}

// TestKswSwiftUnsignedPayload: S3ToggleUnsignedPayloadTests. With
// requestUnsignedBody the Swift SDK sends a PutObject without a body as
// UNSIGNED-PAYLOAD and a 1 MiB stream as STREAMING-UNSIGNED-PAYLOAD-TRAILER
// (the CRC32 in the trailer, a Content-Length of the encoded body), both
// with x-amz-meta-filename; GetObject reads the metadata back.
func TestKswSwiftUnsignedPayload(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-unsigned")
	r := f.do(t, raw{method: "PUT", path: "/ksw-unsigned/test.txt", sign: "unsigned-payload", header: hdr("x-amz-meta-filename", "test.txt")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	data := pattern(1 << 20)
	h := hdr("Content-Encoding", "aws-chunked", "X-Amz-Decoded-Content-Length", fmt.Sprint(len(data)), "X-Amz-Trailer", "x-amz-checksum-crc32",
		"x-amz-meta-filename", "test-streaming.txt")
	h = citSign(t, f, "PUT", "/ksw-unsigned/test-streaming.txt", h, sigv4.StreamingUnsignedPayloadTrailer)
	r = f.do(t, raw{method: "PUT", path: "/ksw-unsigned/test-streaming.txt", header: h, sign: "keep", body: citChunked(data, "x-amz-checksum-crc32", jitCRC32(data))})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	for _, k := range []string{"test.txt", "test-streaming.txt"} {
		g := f.do(t, raw{method: "GET", path: "/ksw-unsigned/" + k})
		require.Equal(t, http.StatusOK, g.StatusCode)
		assert.Equal(t, k, g.Header.Get("x-amz-meta-filename"))
	}
	g := f.do(t, raw{method: "GET", path: "/ksw-unsigned/test-streaming.txt"})
	assert.True(t, bytes.Equal(data, g.body))
}

// TestKswTransferManager: aws-sdk-swift-s3-transfer-manager.
// UploadObject: CreateMultipartUpload with x-amz-checksum-algorithm
// CRC32 and x-amz-checksum-type COMPOSITE (no full-object checksum
// given), UploadPart with each part's CRC32 header, then
// CompleteMultipartUpload with x-amz-checksum-type COMPOSITE,
// x-amz-mp-object-size and every part's ChecksumCRC32 and ETag.
// DownloadObject (DownloadObjectIntegTests): by parts, a first GET of
// partNumber=1 whose Content-Range gives the size and whose
// x-amz-mp-parts-count the number of parts, then partNumber=N with
// If-Match (part 3 answers its own bytes); by ranges, a first GET of
// bytes=0-(part size - 1) whose Content-Range gives the size, then
// ranges with If-Match. An object put in one PutObject answers
// partNumber=1 with the whole object and a Content-Range, and refuses
// partNumber=2 ("results in error").
func TestKswTransferManager(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "s3tm-download-object-integ-test-persistent-1")
	const b = "/s3tm-download-object-integ-test-persistent-1"
	whole := pattern(11 << 20)
	sizes := []int{5 << 20, 5 << 20, 1 << 20}

	r := f.do(t, raw{method: "POST", path: b + "/MPU?uploads", header: hdr("x-amz-checksum-algorithm", "CRC32", "x-amz-checksum-type", "COMPOSITE")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var up struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(r.body, &up))
	var doc strings.Builder
	doc.WriteString(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	off := 0
	for i, n := range sizes {
		part := whole[off : off+n]
		off += n
		r := f.do(t, raw{method: "PUT", path: fmt.Sprintf("%s/MPU?partNumber=%d&uploadId=%s", b, i+1, url.QueryEscape(up.UploadId)), body: part,
			header: hdr("x-amz-checksum-crc32", jitCRC32(part), "x-amz-sdk-checksum-algorithm", "CRC32")})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		assert.Equal(t, jitCRC32(part), r.Header.Get("x-amz-checksum-crc32"))
		fmt.Fprintf(&doc, "<Part><ChecksumCRC32>%s</ChecksumCRC32><ETag>%s</ETag><PartNumber>%d</PartNumber></Part>", jitCRC32(part), r.Header.Get("ETag"), i+1)
	}
	doc.WriteString("</CompleteMultipartUpload>")
	r = f.do(t, raw{method: "POST", path: b + "/MPU?uploadId=" + url.QueryEscape(up.UploadId), body: []byte(doc.String()),
		header: hdr("x-amz-checksum-type", "COMPOSITE", "x-amz-mp-object-size", fmt.Sprint(len(whole)))})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Contains(t, string(r.body), "<ChecksumType>COMPOSITE</ChecksumType>")
	assert.Regexp(t, `<ChecksumCRC32>[A-Za-z0-9+/=]+-3</ChecksumCRC32>`, string(r.body))

	r = f.do(t, raw{method: "GET", path: b + "/MPU?partNumber=1"})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	assert.Equal(t, fmt.Sprintf("bytes 0-%d/%d", sizes[0]-1, len(whole)), r.Header.Get("Content-Range"))
	assert.Equal(t, "3", r.Header.Get("x-amz-mp-parts-count"))
	etag := r.Header.Get("ETag")
	r = f.do(t, raw{method: "GET", path: b + "/MPU?partNumber=3", header: hdr("If-Match", etag)})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	assert.Equal(t, fmt.Sprintf("bytes %d-%d/%d", 10<<20, len(whole)-1, len(whole)), r.Header.Get("Content-Range"))
	assert.True(t, bytes.Equal(whole[10<<20:], r.body))

	const target = 8 << 20
	r = f.do(t, raw{method: "GET", path: b + "/MPU", header: hdr("Range", fmt.Sprintf("bytes=0-%d", target-1))})
	require.Equal(t, http.StatusPartialContent, r.StatusCode)
	assert.Equal(t, fmt.Sprintf("bytes 0-%d/%d", target-1, len(whole)), r.Header.Get("Content-Range"))
	r = f.do(t, raw{method: "GET", path: b + "/MPU", header: hdr("Range", fmt.Sprintf("bytes=%d-%d", target, len(whole)-1), "If-Match", etag)})
	require.Equal(t, http.StatusPartialContent, r.StatusCode)
	assert.True(t, bytes.Equal(whole[target:], r.body))

	small := []byte("NonMPU object")
	r = f.do(t, raw{method: "PUT", path: b + "/NonMPU", body: small})
	require.Equal(t, http.StatusOK, r.StatusCode)
	r = f.do(t, raw{method: "GET", path: b + "/NonMPU?partNumber=1"})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	assert.Equal(t, fmt.Sprintf("bytes 0-%d/%d", len(small)-1, len(small)), r.Header.Get("Content-Range"))
	assert.Equal(t, string(small), string(r.body))
	r = f.do(t, raw{method: "GET", path: b + "/NonMPU", header: hdr("Range", fmt.Sprintf("bytes=0-%d", target-1))})
	require.Equal(t, http.StatusPartialContent, r.StatusCode)
	assert.Equal(t, fmt.Sprintf("bytes 0-%d/%d", len(small)-1, len(small)), r.Header.Get("Content-Range"))
	r = f.do(t, raw{method: "GET", path: b + "/NonMPU?partNumber=2"})
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, r.StatusCode, string(r.body))
	assert.Equal(t, "InvalidPartNumber", r.errCode())
}

// TestKswHeadForeignBucket: S3IntegrationTest testHeadObjectForbidden:
// HeadObject in a bucket another account owns is 403 with no body, so
// the Kotlin SDK reports the error code "403: Forbidden" from the
// status line; a HeadObject of the caller's own missing key is 404
// (S3EmptyBody404Tests).
func TestKswHeadForeignBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "bucket")
	r := f.do(t, raw{method: "HEAD", path: "/bucket/any-key.txt", ak: otherAK, sk: otherSK})
	assert.Equal(t, http.StatusForbidden, r.StatusCode)
	assert.Equal(t, "403 Forbidden", r.Status)
	assert.Empty(t, r.body)
	r = f.do(t, raw{method: "HEAD", path: "/bucket/any-key.txt"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	assert.Empty(t, r.body)
}

// TestKswSelectJSONRules: the Swift S3EventStreamTests (disabled
// upstream, so no proof of S3's answer, held for the request form): a
// JSON DOCUMENT object, SELECT id FROM S3Object[*].Rules[*].id WHERE id
// IS NOT MISSING with JSON out gives the records {"id":"1"} and
// {"id":"2"}, each ended by a newline, then Stats and End.
func TestKswSelectJSONRules(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "ksw-select-json")
	body := "{ \"Rules\": [ {\"id\": \"1\"}, {\"expr\": \"y > x\"}, {\"id\": \"2\", \"expr\": \"z = DEBUG\"} ]}\n{ \"created\": \"June 27\", \"modified\": \"July 6\" }"
	r := f.do(t, raw{method: "PUT", path: "/ksw-select-json/integ-test-json-object", body: []byte(body)})
	require.Equal(t, http.StatusOK, r.StatusCode)
	doc := `<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Expression>SELECT id FROM S3Object[*].Rules[*].id WHERE id IS NOT MISSING</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><JSON><Type>DOCUMENT</Type></JSON></InputSerialization><OutputSerialization><JSON></JSON></OutputSerialization></SelectObjectContentRequest>`
	r = f.do(t, raw{method: "POST", path: "/ksw-select-json/integ-test-json-object?select&select-type=2", body: []byte(doc)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var records strings.Builder
	var events []string
	for _, m := range ritMessages(t, r.body) {
		events = append(events, m.headers[":event-type"])
		if m.headers[":event-type"] == "Records" {
			records.Write(m.payload)
		}
	}
	assert.Equal(t, "{\"id\":\"1\"}\n{\"id\":\"2\"}\n", records.String())
	assert.Equal(t, []string{"Stats", "End"}, events[len(events)-2:])
}
