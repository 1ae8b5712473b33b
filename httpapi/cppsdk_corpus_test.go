package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
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

// The tests in this file send what the AWS SDK for C++ sends by default
// (its source: the smithy ChunkingInterceptor and AwsChunkedStream, the
// AWSAuthV4Signer, URI::URLEncodePathRFC3986 on the wire and URLEncodePath
// in the canonical request, the bundled tinyxml2's entity table, the S3
// model marshallers and S3Client's presigning) and hold osslite to the
// answers its S3 integration tests
// (tests/aws-cpp-sdk-s3-integration-tests/BucketAndObjectOperationTest.cpp)
// assert against real S3 (docs/sdk-suites.md, "aws-sdk-cpp's S3
// integration tests as a corpus (thirty-first session)").

// citSum is the base64 checksum of b under alg, as the SDK's trailer
// carries it.
func citSum(alg checksum.Algorithm, b []byte) string {
	h := alg.New()
	h.Write(b)
	return checksum.Encode(h.Sum(nil))
}

// citChunked encodes payload as the C++ SDK's AwsChunkedStreamBuf does:
// 64 KiB unsigned chunks whose sizes are lower-case hex
// (StringUtils::ToHexString), then "0", the checksum trailer and a blank
// line; an empty payload is "0" and the trailer alone.
func citChunked(payload []byte, trailerName, trailerValue string) []byte {
	const chunk = 65536
	var b bytes.Buffer
	for off := 0; off < len(payload); off += chunk {
		data := payload[off:min(off+chunk, len(payload))]
		fmt.Fprintf(&b, "%x\r\n", len(data))
		b.Write(data)
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "0\r\n%s:%s\r\n\r\n", trailerName, trailerValue)
	return b.Bytes()
}

// citSign signs a request as AWSAuthV4Signer::SignRequestWithCreds does:
// every header the request carries except User-Agent is signed, so
// Transfer-Encoding: chunked, which the ChunkingInterceptor sets before
// signing, is in SignedHeaders. h gets x-amz-content-sha256, x-amz-date
// and Authorization.
func citSign(t *testing.T, f *fixture, method, path string, h http.Header, payload string) http.Header {
	t.Helper()
	ts := f.clock.Now().UTC().Format(sigv4.TimeFormat)
	h.Set("x-amz-content-sha256", payload)
	h.Set("x-amz-date", ts)
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header = h.Clone()
	names := []string{"host"}
	for k := range h {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	scope := sigv4.Scope{Date: ts[:8], Region: "us-east-1", Service: "s3"}
	key := sigv4.SigningKey(testSK, scope.Date, "us-east-1", "s3")
	sig := sigv4.Signature(key, sigv4.StringToSign(sigv4.CanonicalRequest(req, names, payload, false), ts, scope))
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAK+"/"+scope.String()+", SignedHeaders="+strings.Join(names, ";")+", Signature="+sig)
	return h
}

// citDoStreamed sends body with a header already signed, as libcurl sends
// the C++ SDK's chunked requests: no Content-Length, Transfer-Encoding:
// chunked (net/http writes it from req.TransferEncoding, never from the
// header map, and the server moves it out of r.Header the same way).
func citDoStreamed(t *testing.T, f *fixture, method, path string, h http.Header, body []byte) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, io.NopCloser(bytes.NewReader(body)))
	require.NoError(t, err)
	req.ContentLength = -1
	req.TransferEncoding = []string{"chunked"}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := f.httpClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{resp, b}
}

// TestCitChunkedTrailer: TestFlexibleChecksums,
// PutObjectChecksumWithGuarunteedChunkedObject (1 MiB bodies) and
// TestEmptyBody put objects with the default PayloadSigningPolicy::Never
// over HTTPS, so the ChunkingInterceptor sends the body aws-chunked with
// the checksum in a trailer: STREAMING-UNSIGNED-PAYLOAD-TRAILER,
// x-amz-trailer, x-amz-decoded-content-length taken from the
// Content-Length it removes, Transfer-Encoding: chunked, and
// "aws-chunked" put before a caller's Content-Encoding
// ("aws-chunked,gzip"). S3 stores each body and
// ContentEncodingShouldPersistOnChunkedRequest reads "gzip" back from
// HEAD.
func TestCitChunkedTrailer(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-chunked")
	algs := map[string]checksum.Algorithm{"crc32": checksum.CRC32, "crc32c": checksum.CRC32C, "sha1": checksum.SHA1, "sha256": checksum.SHA256}
	for name, alg := range algs {
		for _, size := range []int{0, 11, 65536 + 3, 1 << 20} {
			payload := bytes.Repeat([]byte{'e'}, size)
			path := fmt.Sprintf("/cit-chunked/Metaphor-%s-%d", name, size)
			trailer := "x-amz-checksum-" + name
			h := citSign(t, f, "PUT", path, hdr(
				"Transfer-Encoding", "chunked",
				"Content-Type", "binary/octet-stream",
				"Content-Encoding", "aws-chunked",
				"x-amz-decoded-content-length", fmt.Sprint(size),
				"x-amz-trailer", trailer,
				"x-amz-sdk-checksum-algorithm", strings.ToUpper(name)), sigv4.StreamingUnsignedPayloadTrailer)
			r := citDoStreamed(t, f, "PUT", path, h, citChunked(payload, trailer, citSum(alg, payload)))
			require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", path, r.body)
			assert.Equal(t, citSum(alg, payload), r.Header.Get(trailer), path)
			g := f.do(t, raw{method: "GET", path: path})
			require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
			assert.True(t, bytes.Equal(payload, g.body), "%s: body", path)
		}
	}

	const body = "another day passes, and the age of a new king draws near"
	h := citSign(t, f, "PUT", "/cit-chunked/euchronia", hdr(
		"Transfer-Encoding", "chunked",
		"Content-Type", "binary/octet-stream",
		"Content-Encoding", "aws-chunked,gzip",
		"x-amz-decoded-content-length", fmt.Sprint(len(body)),
		"x-amz-trailer", "x-amz-checksum-crc32",
		"x-amz-sdk-checksum-algorithm", "CRC32"), sigv4.StreamingUnsignedPayloadTrailer)
	r := citDoStreamed(t, f, "PUT", "/cit-chunked/euchronia", h, citChunked([]byte(body), "x-amz-checksum-crc32", jitCRC32([]byte(body))))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	head := f.do(t, raw{method: "HEAD", path: "/cit-chunked/euchronia"})
	require.Equal(t, http.StatusOK, head.StatusCode)
	assert.Equal(t, "gzip", head.Header.Get("Content-Encoding"))

	// The S3 CRT client (aws-c-s3's s3_chunk_stream.c, older releases)
	// writes each size with an empty extension, "<hex>;", and ends with
	// "0;", with a Content-Length.
	payload := pattern(70000)
	var crt bytes.Buffer
	fmt.Fprintf(&crt, "%x;\r\n", len(payload))
	crt.Write(payload)
	fmt.Fprintf(&crt, "\r\n0;\r\nx-amz-checksum-crc32:%s\r\n\r\n", jitCRC32(payload))
	h, _ = jitSign(t, f, "PUT", "/cit-chunked/crt", hdr(
		"Content-Encoding", "aws-chunked",
		"x-amz-decoded-content-length", fmt.Sprint(len(payload)),
		"x-amz-trailer", "x-amz-checksum-crc32"), sigv4.StreamingUnsignedPayloadTrailer)
	r = f.do(t, raw{method: "PUT", path: "/cit-chunked/crt", header: h, body: crt.Bytes(), sign: "keep"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, jitCRC32(payload), r.Header.Get("x-amz-checksum-crc32"))
	g := f.do(t, raw{method: "GET", path: "/cit-chunked/crt"})
	assert.True(t, bytes.Equal(payload, g.body))
}

// TestCitChecksumHeaders: PutObjectChecksum. A checksum the caller
// computed goes out in its header on a plain PUT; values that are no
// checksum of the body (a lyric in place of base64) are 400, as a
// Content-MD5 that is no digest is; right values are 200. TestFlexible
// Checksums' client with PayloadSigningPolicy::Always signs the body's
// SHA-256 and sends the checksum header the same way; a body without a
// request checksum goes out plain with every header signed.
func TestCitChecksumHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-sums")
	cases := []struct {
		header, value, body string
		want                int
	}{
		{"x-amz-checksum-crc32", "Just runnin' scared each place we go", "Just runnin' scared each place we go", 400},
		{"x-amz-checksum-sha1", "So afraid that he might show", "So afraid that he might show", 400},
		{"x-amz-checksum-sha256", "Yeah, runnin' scared, what would I do", "Yeah, runnin' scared, what would I do", 400},
		{"x-amz-checksum-crc32c", "If he came back and wanted you?", "If he came back and wanted you?", 400},
		{"Content-MD5", "Just runnin' scared, feelin' low", "Just runnin' scared, feelin' low", 400},
		{"x-amz-checksum-crc32", citSum(checksum.CRC32, []byte("Runnin' scared, you love him so")), "Runnin' scared, you love him so", 200},
		{"x-amz-checksum-sha1", citSum(checksum.SHA1, []byte("Just runnin' scared, afraid to lose")), "Just runnin' scared, afraid to lose", 200},
		{"x-amz-checksum-sha256", citSum(checksum.SHA256, []byte("If he came back, which one would you choose?")), "If he came back, which one would you choose?", 200},
		{"x-amz-checksum-crc32c", citSum(checksum.CRC32C, []byte("Then all at once he was standing there")), "Then all at once he was standing there", 200},
	}
	for _, c := range cases {
		h := hdr(c.header, c.value)
		if strings.HasPrefix(c.header, "x-amz-checksum-") {
			h.Set("x-amz-sdk-checksum-algorithm", strings.ToUpper(strings.TrimPrefix(c.header, "x-amz-checksum-")))
		}
		r := f.do(t, raw{method: "PUT", path: "/cit-sums/RunningScared", header: h, body: []byte(c.body)})
		assert.Equal(t, c.want, r.StatusCode, "%s %q: %s", c.header, c.value, r.body)
	}
	m := md5.Sum([]byte("So sure of himself, his head in the air"))
	r := f.do(t, raw{method: "PUT", path: "/cit-sums/RunningScared", header: hdr("Content-MD5", base64.StdEncoding.EncodeToString(m[:])), body: []byte("So sure of himself, his head in the air")})
	assert.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	// Without a request checksum the body is sent plain, and the signer
	// signs every header it carries: Content-Length, Content-MD5,
	// Content-Type and the SDK's amz-sdk-* headers among them
	// (TestObjectOperations puts "Test Object" with its Content-MD5 and S3
	// answers the MD5 as the ETag).
	body := []byte("Test Object")
	m = md5.Sum(body)
	h := citSign(t, f, "PUT", "/cit-sums/TestObjectKey", hdr(
		"Content-Length", fmt.Sprint(len(body)),
		"Content-MD5", base64.StdEncoding.EncodeToString(m[:]),
		"Content-Type", "text/plain",
		"amz-sdk-invocation-id", "6D3C4B1A-0000-4000-8000-000000000000",
		"amz-sdk-request", "attempt=1; max=4"), hexSHA256(body))
	r = f.do(t, raw{method: "PUT", path: "/cit-sums/TestObjectKey", header: h, body: body, sign: "keep"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, `"`+nitMD5Hex(body)+`"`, r.Header.Get("ETag"))
}

// TestCitKeys: TestPutWithSpecialCharactersInKeyName,
// TestKeysWithNewlineCharacterSets, TestKeysWithCrazyCharacterSets and
// TestCopyingFromKeysWithUnicodeCharacters. The SDK sends the key with
// URLEncodePathRFC3986 (its legacy mode leaves "$&,:=@" as they are and
// escapes the rest, ";" and "+" too)
// and signs it fully escaped (URLEncodePath); DeleteObjects' XML comes
// from tinyxml2, whose entity table writes "\n" and "\r" as "&#xA;" and
// "&#xD;"; the copy source is URLEncodePath of "bucket/key" (no leading
// slash). S3 stores, reads, copies and deletes each key; after the
// DeleteObjects of the four newline keys, which answers four Deleted,
// ListObjects is empty.
func TestCitKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-keys")
	// wire is how URLEncodePathRFC3986 writes each key.
	keys := map[string]string{
		"foo;jsessionid=40+2":                 "foo%3Bjsessionid=40%2B2",
		"Esc a=pe+Me$":                        "Esc%20a=pe%2BMe$",
		"TestUnicode中国Key":                    "TestUnicode%E4%B8%AD%E5%9B%BDKey",
		"TestNewlineKey-\n-LF":                "TestNewlineKey-%0A-LF",
		"TestNewlineKey-\r-CR":                "TestNewlineKey-%0D-CR",
		"TestNewlineKey-\u0085-NEXTLINE":      "TestNewlineKey-%C2%85-NEXTLINE",
		"TestNewlineKey-\u2028-LINESEPARATOR": "TestNewlineKey-%E2%80%A8-LINESEPARATOR",
		"テスト 测试.txt":                          "%E3%83%86%E3%82%B9%E3%83%88%20%E6%B5%8B%E8%AF%95.txt",
	}
	for key, wire := range keys {
		r := f.do(t, raw{method: "PUT", path: "/cit-keys/" + wire, header: hdr("Content-Type", "text/plain"), body: []byte("Object Key: " + key)})
		require.Equal(t, http.StatusOK, r.StatusCode, "%q: %s", key, r.body)
		g := f.do(t, raw{method: "GET", path: "/cit-keys/" + wire})
		require.Equal(t, http.StatusOK, g.StatusCode, "%q: %s", key, g.body)
		assert.Equal(t, "Object Key: "+key, string(g.body), "%q", key)
	}

	r := f.do(t, raw{method: "PUT", path: "/cit-keys/destination/" + keys["テスト 测试.txt"], header: hdr("x-amz-copy-source", "cit-keys/"+keys["テスト 测试.txt"])})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g := f.do(t, raw{method: "GET", path: "/cit-keys/destination/" + keys["テスト 测试.txt"]})
	require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))

	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\n", "&#xA;", "\r", "&#xD;")
	newline := []string{"TestNewlineKey-\n-LF", "TestNewlineKey-\r-CR", "TestNewlineKey-\u0085-NEXTLINE", "TestNewlineKey-\u2028-LINESEPARATOR"}
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0"?>` + "\n" + `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for _, k := range newline {
		doc.WriteString("<Object><Key>" + esc.Replace(k) + "</Key></Object>")
	}
	doc.WriteString("</Delete>")
	body := []byte(doc.String())
	m := md5.Sum(body)
	r = f.do(t, raw{method: "POST", path: "/cit-keys?delete", header: hdr("Content-Type", "application/xml", "Content-MD5", base64.StdEncoding.EncodeToString(m[:])), body: body})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var res struct {
		Deleted []struct{ Key string }
		Error   []struct{ Key, Code string }
	}
	require.NoError(t, xml.Unmarshal(r.body, &res))
	assert.Empty(t, res.Error)
	var deleted []string
	for _, d := range res.Deleted {
		deleted = append(deleted, d.Key)
	}
	assert.ElementsMatch(t, newline, deleted)
	for _, k := range newline {
		h := f.do(t, raw{method: "HEAD", path: "/cit-keys/" + keys[k]})
		assert.Equal(t, http.StatusNotFound, h.StatusCode, "%q is gone", k)
	}
}

// TestCitQueryTagsAndErrors: TestMultiPartObjectOperations adds
// customized access-log tags to a GetObject, query parameters starting
// "x-" (?x-key1=value1&x-key2=value2&x-key3=value3, signed with the
// rest) that S3 lets through for its access logs, and the GET succeeds.
// TestThatErrorsParse: ListObjects of a bucket that does not exist is
// NoSuchBucket and GetObject of a missing key NoSuchKey, each with a
// request id; CreateBucket answers a Location; TestNotModifiedIsSuccess: If-None-Match with the PUT's ETag
// is 304.
func TestCitQueryTagsAndErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	// Every CreateBucket of the file asserts a Location in the answer.
	c := f.do(t, raw{method: "PUT", path: "/cit-query"})
	require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
	assert.NotEmpty(t, c.Header.Get("Location"))
	r := f.do(t, raw{method: "PUT", path: "/cit-query/MultiPartKey", header: hdr("Content-Type", "text/plain"), body: []byte("Test never modified!")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	etag := r.Header.Get("ETag")

	g := f.do(t, raw{method: "GET", path: "/cit-query/MultiPartKey?x-key1=value1&x-key2=value2&x-key3=value3"})
	require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
	assert.Equal(t, "Test never modified!", string(g.body))

	l := f.do(t, raw{method: "GET", path: "/abcdedoikengi"})
	assert.Equal(t, http.StatusNotFound, l.StatusCode)
	assert.Equal(t, "NoSuchBucket", l.errCode())
	assert.NotEmpty(t, l.Header.Get("x-amz-request-id"))
	n := f.do(t, raw{method: "GET", path: "/cit-query/non-Existent"})
	assert.Equal(t, http.StatusNotFound, n.StatusCode)
	assert.Equal(t, "NoSuchKey", n.errCode())
	assert.NotEmpty(t, n.Header.Get("x-amz-request-id"))

	nm := f.do(t, raw{method: "GET", path: "/cit-query/MultiPartKey", header: hdr("If-None-Match", etag)})
	assert.Equal(t, http.StatusNotModified, nm.StatusCode)
}

// TestCitPresignedURLs: the presigned tests. GeneratePresignedUrl signs
// host and the customized headers (TestKey1 and TestKey2 go into
// X-Amz-SignedHeaders lower-cased, and the caller sends them);
// GeneratePresignedUrlWithSSES3 signs x-amz-server-side-encryption:
// AES256, WithSSEKMS aws:kms, WithSSEC the three customer-key headers.
// The PUT is 200, the GET serves "Test Object" (and a GET of an SSE-C
// object without the key fails, with it serves it), a presigned DELETE is
// 204.
func TestCitPresignedURLs(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-presign")
	const body = "Test Object"
	key := bytes.Repeat([]byte{'a'}, 32)
	keyMD5 := md5.Sum(key)
	ssec := hdr("x-amz-server-side-encryption-customer-algorithm", "AES256",
		"x-amz-server-side-encryption-customer-key", base64.StdEncoding.EncodeToString(key),
		"x-amz-server-side-encryption-customer-key-MD5", base64.StdEncoding.EncodeToString(keyMD5[:]))
	custom := hdr("TestKey1", "TestVal1", "TestKey2", "TestVal2")
	merge := func(hs ...http.Header) http.Header {
		out := http.Header{}
		for _, h := range hs {
			for k, v := range h {
				out[k] = v
			}
		}
		return out
	}
	for _, c := range []struct {
		name   string
		signed http.Header
		get    http.Header
	}{
		{"plain", nil, nil},
		{"custom", custom, nil},
		{"sse-s3", hdr("x-amz-server-side-encryption", "AES256"), nil},
		{"sse-s3-custom", merge(hdr("x-amz-server-side-encryption", "AES256"), custom), nil},
		{"sse-kms", hdr("x-amz-server-side-encryption", "aws:kms"), nil},
		{"sse-c", ssec, ssec},
		{"sse-c-custom", merge(ssec, custom), ssec},
	} {
		path := "/cit-presign/TestObjectKey-" + c.name
		u := nitPresign(t, f, "PUT", path, nil, c.signed, 15*time.Minute)
		if c.signed.Get("TestKey1") != "" {
			assert.Contains(t, u, "testkey1", c.name)
			assert.Contains(t, u, "testkey2", c.name)
		}
		r := f.do(t, raw{method: "PUT", path: u, sign: "anon", header: merge(c.signed, hdr("Content-Type", "text/plain")), body: []byte(body)})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", c.name, r.body)
		u = nitPresign(t, f, "GET", path, nil, c.get, 15*time.Minute)
		g := f.do(t, raw{method: "GET", path: u, sign: "anon", header: c.get})
		require.Equal(t, http.StatusOK, g.StatusCode, "%s: %s", c.name, g.body)
		assert.Equal(t, body, string(g.body), c.name)
		if c.get != nil {
			assert.NotEqual(t, http.StatusOK, f.do(t, raw{method: "GET", path: path}).StatusCode, "%s: without the key", c.name)
			g = f.do(t, raw{method: "GET", path: path, header: c.get})
			require.Equal(t, http.StatusOK, g.StatusCode, "%s: %s", c.name, g.body)
			assert.Equal(t, "AES256", g.Header.Get("x-amz-server-side-encryption-customer-algorithm"))
		} else if sse := c.signed.Get("x-amz-server-side-encryption"); sse != "" {
			assert.Equal(t, sse, g.Header.Get("x-amz-server-side-encryption"), c.name)
		}
		u = nitPresign(t, f, "DELETE", path, nil, nil, 15*time.Minute)
		d := f.do(t, raw{method: "DELETE", path: u, sign: "anon"})
		assert.Equal(t, http.StatusNoContent, d.StatusCode, "%s: %s", c.name, d.body)
	}
}

// TestCitSelect: TestObjectOperationWithEventStream (select s._1 with no
// header row: records "Name\nAlice\nBob\n"; Stats BytesScanned and
// BytesProcessed the object's size, BytesReturned the records' size),
// TestEventStreamWithLargeFile (a million "foo,0" rows under a header,
// cast(number as int) < 1: 6000000 bytes of records, Stats 6000012,
// 6000012 and 6000000), TestErrorsInEventStream (a "bar,NAN" row after
// them: an error event CastFailed), TestErrorsInXml (NoSuchBucket) and
// TestSelectObjectOperationWithEventStreamFailWithRetry (a missing key
// fails).
func TestCitSelect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-select")
	c := f.client()
	ctx := context.Background()
	put := func(key, body string) {
		r := f.do(t, raw{method: "PUT", path: "/cit-select/" + key, header: hdr("Content-Type", "text/csv"), body: []byte(body)})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
	type result struct {
		records                      string
		scanned, processed, returned int64
		errCode                      string
	}
	sel := func(bucket, key, expr string, header types.FileHeaderInfo) (result, error) {
		out, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{
			Bucket: aws.String(bucket), Key: aws.String(key),
			ExpressionType: types.ExpressionTypeSql, Expression: aws.String(expr),
			InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{FileHeaderInfo: header}},
			OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
		})
		if err != nil {
			return result{}, err
		}
		var res result
		var recs strings.Builder
		for ev := range out.GetStream().Events() {
			switch e := ev.(type) {
			case *types.SelectObjectContentEventStreamMemberRecords:
				recs.Write(e.Value.Payload)
			case *types.SelectObjectContentEventStreamMemberStats:
				res.scanned = aws.ToInt64(e.Value.Details.BytesScanned)
				res.processed = aws.ToInt64(e.Value.Details.BytesProcessed)
				res.returned = aws.ToInt64(e.Value.Details.BytesReturned)
			}
		}
		res.records = recs.String()
		if err := out.GetStream().Err(); err != nil {
			res.errCode = err.Error()
		}
		return res, nil
	}

	const small = "Name,Number\nAlice,1\nBob,2"
	put("TestEventStream.csv", small)
	res, err := sel("cit-select", "TestEventStream.csv", "select s._1 from S3Object s", types.FileHeaderInfoNone)
	require.NoError(t, err)
	assert.Equal(t, "Name\nAlice\nBob\n", res.records)
	assert.Equal(t, result{records: res.records, scanned: int64(len(small)), processed: int64(len(small)), returned: int64(len("Name\nAlice\nBob\n"))}, res)

	_, err = sel("cit-select", "ANonExistenceKey", "select s._1 from S3Object s", types.FileHeaderInfoNone)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchKey")
	_, err = sel("adskflaklfakl", "TestEventStream.csv", "select s._1 from S3Object s", types.FileHeaderInfoUse)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchBucket")

	large := "Name,Number\n" + strings.Repeat("foo,0\n", 1000000)
	put("large.csv", large)
	res, err = sel("cit-select", "large.csv", "select * from S3Object where cast(number as int) < 1", types.FileHeaderInfoUse)
	require.NoError(t, err)
	assert.Empty(t, res.errCode)
	assert.Equal(t, 6000000, len(res.records))
	assert.Equal(t, [3]int64{6000012, 6000012, 6000000}, [3]int64{res.scanned, res.processed, res.returned})

	// The error event read raw: aws-sdk-go-v2 closes the stream on it
	// and reports the closed connection instead of the event's code.
	put("nan.csv", large+"bar,NAN")
	req := `<SelectObjectContentRequest><Expression>select * from S3Object where cast(number as int) &lt; 1</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV></InputSerialization>` +
		`<OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`
	r := f.do(t, raw{method: "POST", path: "/cit-select/nan.csv?select&select-type=2", body: []byte(req)})
	require.Equal(t, http.StatusOK, r.StatusCode)
	tail := string(r.body[max(0, len(r.body)-300):])
	assert.Contains(t, tail, ":error-code")
	assert.Contains(t, tail, "CastFailed")
	assert.NotContains(t, tail[strings.Index(tail, "CastFailed"):], "End", "the error event ends the stream")
}

// TestCitMultipart: TestMultiPartObjectOperations uploads three parts of
// a little over 5 MiB each with Content-MD5 and S3 answers each part's
// ETag as the quoted hex MD5; the completed object reads back as the
// three parts. TestMultipartFlexibleChecksums sends the parts without
// Content-MD5, each with the default CRC32 in an aws-chunked trailer,
// into an upload created without a checksum algorithm, completes them
// without part checksums and reads the object with checksum mode.
func TestCitMultipart(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-mpu")
	part := func(tag string) []byte {
		line := "Multi-Part upload Test Part " + tag + ":\n"
		return []byte(strings.Repeat(line, (5<<20)/len(line)+1))
	}
	create := func(key string) string {
		c := f.do(t, raw{method: "POST", path: "/cit-mpu/" + key + "?uploads", header: hdr("Content-Type", "text/plain")})
		require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
		var up struct{ UploadId string }
		require.NoError(t, xml.Unmarshal(c.body, &up))
		return up.UploadId
	}
	complete := func(key, id string, etags []string) {
		var doc strings.Builder
		doc.WriteString(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
		for i, e := range etags {
			fmt.Fprintf(&doc, "<Part><ETag>%s</ETag><PartNumber>%d</PartNumber></Part>", e, i+1)
		}
		doc.WriteString("</CompleteMultipartUpload>")
		r := f.do(t, raw{method: "POST", path: "/cit-mpu/" + key + "?uploadId=" + url.QueryEscape(id), header: hdr("Content-Type", "application/xml"), body: []byte(doc.String())})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
	parts := [][]byte{part("1"), part("2"), part("3")}
	whole := bytes.Join(parts, nil)

	id := create("MultiPartKey")
	var etags []string
	for i, p := range parts {
		m := md5.Sum(p)
		r := f.do(t, raw{method: "PUT", path: fmt.Sprintf("/cit-mpu/MultiPartKey?partNumber=%d&uploadId=%s", i+1, url.QueryEscape(id)),
			header: hdr("Content-MD5", base64.StdEncoding.EncodeToString(m[:])), body: p})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		assert.Equal(t, `"`+nitMD5Hex(p)+`"`, r.Header.Get("ETag"))
		etags = append(etags, r.Header.Get("ETag"))
	}
	complete("MultiPartKey", id, etags)
	g := f.do(t, raw{method: "GET", path: "/cit-mpu/MultiPartKey"})
	require.Equal(t, http.StatusOK, g.StatusCode)
	assert.True(t, bytes.Equal(whole, g.body))

	id = create("Flexible")
	etags = nil
	for i, p := range parts {
		path := fmt.Sprintf("/cit-mpu/Flexible?partNumber=%d&uploadId=%s", i+1, url.QueryEscape(id))
		h := citSign(t, f, "PUT", path, hdr(
			"Transfer-Encoding", "chunked",
			"Content-Type", "text/plain",
			"Content-Encoding", "aws-chunked",
			"x-amz-decoded-content-length", fmt.Sprint(len(p)),
			"x-amz-trailer", "x-amz-checksum-crc32",
			"x-amz-sdk-checksum-algorithm", "CRC32"), sigv4.StreamingUnsignedPayloadTrailer)
		r := citDoStreamed(t, f, "PUT", path, h, citChunked(p, "x-amz-checksum-crc32", jitCRC32(p)))
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		assert.Equal(t, jitCRC32(p), r.Header.Get("x-amz-checksum-crc32"))
		etags = append(etags, r.Header.Get("ETag"))
	}
	complete("Flexible", id, etags)
	g = f.do(t, raw{method: "GET", path: "/cit-mpu/Flexible", header: hdr("x-amz-checksum-mode", "ENABLED")})
	require.Equal(t, http.StatusOK, g.StatusCode)
	assert.True(t, bytes.Equal(whole, g.body))
}

// TestCitTransferManager: what the TransferManager sends
// (src/aws-cpp-sdk-transfer TransferManager.cpp) for the TransferTests
// uploads and downloads. Uploads past bufferSize (5 MiB) are multipart
// with one part per buffer, each UploadPart carrying the upload's
// Content-Type; a download HEADs the object (with a Range when the caller
// asked for part of it, taking Content-Length as the size to fetch), then
// GETs bytes=start-end per buffer, or the whole as one range. For an empty
// object that range is "bytes=0-18446744073709551615" (0 + 0 - 1 in
// uint64), and TransferManager_EmptyFileTest's download completes, so S3
// serves it.
func TestCitTransferManager(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-tm")
	const buffer = 5 << 20
	data := pattern(12 << 20)

	c := f.do(t, raw{method: "POST", path: "/cit-tm/big?uploads", header: hdr("Content-Type", "text/plain")})
	require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
	var up struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(c.body, &up))
	var doc strings.Builder
	doc.WriteString(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for i, off := 1, 0; off < len(data); i, off = i+1, off+buffer {
		p := data[off:min(off+buffer, len(data))]
		r := f.do(t, raw{method: "PUT", path: fmt.Sprintf("/cit-tm/big?partNumber=%d&uploadId=%s", i, url.QueryEscape(up.UploadId)), header: hdr("Content-Type", "text/plain"), body: p})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		fmt.Fprintf(&doc, "<Part><ETag>%s</ETag><PartNumber>%d</PartNumber></Part>", r.Header.Get("ETag"), i)
	}
	doc.WriteString("</CompleteMultipartUpload>")
	r := f.do(t, raw{method: "POST", path: "/cit-tm/big?uploadId=" + url.QueryEscape(up.UploadId), header: hdr("Content-Type", "application/xml"), body: []byte(doc.String())})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	h := f.do(t, raw{method: "HEAD", path: "/cit-tm/big"})
	require.Equal(t, http.StatusOK, h.StatusCode)
	assert.Equal(t, fmt.Sprint(len(data)), h.Header.Get("Content-Length"))
	assert.Equal(t, "text/plain", h.Header.Get("Content-Type"))
	var got []byte
	for off := 0; off < len(data); off += buffer {
		end := min(off+buffer, len(data)) - 1
		g := f.do(t, raw{method: "GET", path: "/cit-tm/big", header: hdr("Range", fmt.Sprintf("bytes=%d-%d", off, end))})
		require.Equal(t, http.StatusPartialContent, g.StatusCode)
		assert.Equal(t, fmt.Sprintf("bytes %d-%d/%d", off, end, len(data)), g.Header.Get("Content-Range"))
		got = append(got, g.body...)
	}
	assert.True(t, bytes.Equal(data, got))

	// DownloadFile with an offset and a length: HEAD with the Range.
	h = f.do(t, raw{method: "HEAD", path: "/cit-tm/big", header: hdr("Range", "bytes=100-199")})
	assert.Equal(t, http.StatusPartialContent, h.StatusCode)
	assert.Equal(t, "100", h.Header.Get("Content-Length"))
	assert.Equal(t, fmt.Sprintf("bytes 100-199/%d", len(data)), h.Header.Get("Content-Range"))

	r = f.do(t, raw{method: "PUT", path: "/cit-tm/empty", header: hdr("Content-Type", "text/plain")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	h = f.do(t, raw{method: "HEAD", path: "/cit-tm/empty"})
	require.Equal(t, http.StatusOK, h.StatusCode)
	assert.Equal(t, "0", h.Header.Get("Content-Length"))
	g := f.do(t, raw{method: "GET", path: "/cit-tm/empty", header: hdr("Range", "bytes=0-18446744073709551615")})
	assert.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
	assert.Empty(t, g.body)
}

// TestCitMetadata: PutObjectRequest's marshaller writes each metadata
// pair as "x-amz-meta-<key>: <value>" with no escaping, so libcurl sends a
// non-ASCII value as raw UTF-8; S3 answers such a value RFC 2047-encoded
// (the S3 User Guide, "Working with object metadata": "decoded as per RFC
// 2047 before storing and encoded as per RFC 2047 to make them mail-safe
// before returning"), and an ASCII value as sent.
func TestCitMetadata(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "cit-meta")
	r := f.do(t, raw{method: "PUT", path: "/cit-meta/k", header: hdr("x-amz-meta-ascii", "plain value", "x-amz-meta-utf8", "中国 ünïcode"), body: []byte("x")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g := f.do(t, raw{method: "GET", path: "/cit-meta/k"})
	require.Equal(t, http.StatusOK, g.StatusCode)
	assert.Equal(t, "plain value", g.Header.Get("x-amz-meta-ascii"))
	v := g.Header.Get("x-amz-meta-utf8")
	assert.True(t, strings.HasPrefix(v, "=?UTF-8?"), v)
	dec, err := new(mime.WordDecoder).DecodeHeader(v)
	require.NoError(t, err)
	assert.Equal(t, "中国 ünïcode", dec)
}
