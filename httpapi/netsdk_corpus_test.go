package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
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
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file send what the AWS SDK for .NET sends by default
// (its source: sdk/src/Core ChunkedUploadWrapperStream and
// TrailingHeadersWrapperStream, the S3 marshallers under
// sdk/src/Services/S3/Custom, GetPreSignedURL) and hold osslite to the
// answers its S3 integration tests (sdk/test/Services/S3/IntegrationTests)
// assert against real S3 (docs/sdk-suites.md, "aws-sdk-net's S3
// integration tests as a corpus (thirty-first session)").

// TestNitMetadataAndHeaders: what PutObjectTests, MetadataTests and
// GetObjectTests store through PutObject and read back. The SDK sends
// Content-Type text/plain when the caller sets none
// (PutObjectRequestMarshaller); a metadata value of null goes out empty
// and comes back as "" (MetadataTests ValidateMetadataAndHeaders); " A  B
// C  " comes back trimmed with its inner spaces
// (TestSingleUploadWithSpacesInMetadata); with
// EnableUnicodeEncodingForObjectMetadata the SDK escapes only non-ASCII
// characters and S3 keeps "%C2%A3 %" as sent
// (TestSingleUploadWithUnicodeMetadata); an Expires that is no date is
// stored and answered verbatim (TestPutAndGetWithInvalidExpires);
// Content-Encoding identity and gzip come back, none when none was sent
// (PutObjectWithContentEncodingTests, GzipTest); Content-Language comes
// back and response-content-language overrides it
// (TestContentLanguageResponseHeaderOverride).
func TestNitMetadataAndHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-meta")
	h := hdr("Content-Type", "text/plain",
		"Content-Disposition", `attachment; filename="fname.ext"`,
		"Expires", "InvalidHeaderValue",
		"Content-Encoding", "identity",
		"Content-Language", "fr-FR",
		"x-amz-meta-null-value", "",
		"x-amz-meta-document", " A  B  C  ",
		"x-amz-meta-a-a-a", "adada",
		"x-amz-meta-a|a|a", "apapa",
		"x-amz-meta-a^a^a", "acaca",
		"x-amz-meta-a_a_a", "apapa",
		"x-amz-meta-a~a~a", "apapa",
		"x-amz-meta-test2", "%C2%A3",
		"x-amz-meta-test4", "1 non ascii character %C2%A3 %")
	r := f.do(t, raw{method: "PUT", path: "/nit-meta/k", header: h, body: []byte("This is the content body!")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	for _, method := range []string{"GET", "HEAD"} {
		g := f.do(t, raw{method: method, path: "/nit-meta/k"})
		require.Equal(t, http.StatusOK, g.StatusCode, method)
		want := map[string]string{
			"Content-Type":        "text/plain",
			"Content-Disposition": `attachment; filename="fname.ext"`,
			"Expires":             "InvalidHeaderValue",
			"Content-Encoding":    "identity",
			"Content-Language":    "fr-FR",
			"x-amz-meta-document": "A  B  C",
			"x-amz-meta-a-a-a":    "adada",
			"x-amz-meta-a|a|a":    "apapa",
			"x-amz-meta-a^a^a":    "acaca",
			"x-amz-meta-a_a_a":    "apapa",
			"x-amz-meta-a~a~a":    "apapa",
			"x-amz-meta-test2":    "%C2%A3",
			"x-amz-meta-test4":    "1 non ascii character %C2%A3 %",
		}
		for k, v := range want {
			assert.Equal(t, v, g.Header.Get(k), "%s %s", method, k)
		}
		vs, ok := g.Header[http.CanonicalHeaderKey("x-amz-meta-null-value")]
		assert.True(t, ok, "%s: the empty metadata value is answered", method)
		assert.Equal(t, []string{""}, vs, method)
	}
	g := f.do(t, raw{method: "GET", path: "/nit-meta/k?response-content-language=es-ES"})
	require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
	assert.Equal(t, "es-ES", g.Header.Get("Content-Language"))
	g = f.do(t, raw{method: "GET", path: "/nit-meta/k"})
	assert.Equal(t, "fr-FR", g.Header.Get("Content-Language"), "the override is not stored")

	r = f.do(t, raw{method: "PUT", path: "/nit-meta/gz", header: hdr("Content-Encoding", "gzip", "Content-Disposition", "disposition"), body: []byte("x")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g = f.do(t, raw{method: "HEAD", path: "/nit-meta/gz"})
	assert.Equal(t, "gzip", g.Header.Get("Content-Encoding"))
	r = f.do(t, raw{method: "PUT", path: "/nit-meta/plain", header: hdr("Content-Disposition", "disposition"), body: []byte("x")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g = f.do(t, raw{method: "HEAD", path: "/nit-meta/plain"})
	assert.Empty(t, g.Header.Values("Content-Encoding"))
	assert.Equal(t, "disposition", g.Header.Get("Content-Disposition"))
}

// TestNitAwkwardKeys: the keys of KeyNameTests, PutObjectTests
// (TestPutAndGetWithBidiCharacters, PutObjectWithBacklashInKey,
// PutObjectKeyWithUrlEncodedCharacters, PutObjectWeirdKeys) and
// CopyObjectTests TestCopyObjectWithLeadingSlash (destination keys
// "/destinationTestKey2.txt" and "/"), as the SDK puts them in the path
// (RFC 3986 escaping, "/" kept), are written, read and copied as
// themselves.
func TestNitAwkwardKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-keys")
	keys := []string{
		`ObjectWith!and?\+forgood:measureThis=And&InKeynÄme`,
		`ObjectWith\InKeyname`, `ObjectWith/InKeynÄme`, `ObjectWith$InKeynÄme`,
		`ObjectWith%2FInKeyname.Ext`, `!@#$%^&*()_+_+!(@#*$)_@[]\/.txt`,
		"TestPutAndGetWithBidi\u200eCharacters", `My\Key`, "X$abc,xyz",
		"b204a53f-781a-4cdd-a29c-3626818eb199:115740.pdf", "/sourceTestKey.txt",
	}
	for _, k := range keys {
		p := "/nit-keys/" + jitEncodePath(k)
		r := f.do(t, raw{method: "PUT", path: p, body: []byte("This is the content body!")})
		require.Equal(t, http.StatusOK, r.StatusCode, "%q: %s", k, r.body)
		g := f.do(t, raw{method: "GET", path: p})
		require.Equal(t, http.StatusOK, g.StatusCode, "%q: %s", k, g.body)
		assert.Equal(t, "This is the content body!", string(g.body), "%q", k)
	}
	out, err := f.client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("nit-keys")})
	require.NoError(t, err)
	var listed []string
	for _, o := range out.Contents {
		listed = append(listed, aws.ToString(o.Key))
	}
	assert.ElementsMatch(t, keys, listed)

	for _, dst := range []string{"destinationTestKey1.txt", "/destinationTestKey2.txt", "/"} {
		p := "/nit-keys/" + jitEncodePath(dst)
		r := f.do(t, raw{method: "PUT", path: p, header: hdr("x-amz-copy-source", "nit-keys/"+jitEncodePath("/sourceTestKey.txt"))})
		require.Equal(t, http.StatusOK, r.StatusCode, "%q: %s", dst, r.body)
		g := f.do(t, raw{method: "GET", path: p})
		require.Equal(t, http.StatusOK, g.StatusCode, "%q: %s", dst, g.body)
		assert.Equal(t, "This is the content body!", string(g.body), "%q", dst)
	}
}

// TestNitListV2ControlCharacters: ListObjectsTests TestListV2 lists keys
// with "\r", "\n" and "&" without encoding-type (the .NET marshaller sends
// none unless asked) and finds them in the keys an XmlReader reads: the
// carriage return must be a character reference, or XML end-of-line
// handling turns it into "\n". Owner only with fetch-owner; max-keys 1
// pages with NextContinuationToken and echoes ContinuationToken.
func TestNitListV2ControlCharacters(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-list")
	keys := []string{"a/b/c", "a/b/d", "a/e", "a/f", "a/g\rh", "a/g\ni", "a/g&j"}
	for _, k := range keys {
		r := f.do(t, raw{method: "PUT", path: "/nit-list/" + jitEncodePath(k), body: []byte("Test content")})
		require.Equal(t, http.StatusOK, r.StatusCode, "%q: %s", k, r.body)
	}
	type page struct {
		KeyCount              int
		MaxKeys               int
		IsTruncated           bool
		ContinuationToken     *string
		NextContinuationToken string
		Contents              []struct {
			Key   string
			Owner *struct{ ID string }
		}
	}
	var body []byte
	list := func(q string) page {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/nit-list?list-type=2&" + q})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		body = r.body
		var p page
		require.NoError(t, xml.Unmarshal(r.body, &p))
		return p
	}
	p := list("start-after=a%2Fb%2Fc&fetch-owner=true")
	assert.Contains(t, string(body), "<Key>a/g&#xD;h</Key>", "the carriage return is a character reference")
	assert.False(t, p.IsTruncated)
	assert.Equal(t, len(keys)-1, p.KeyCount)
	require.Len(t, p.Contents, len(keys)-1)
	assert.Nil(t, p.ContinuationToken)
	var got []string
	for _, c := range p.Contents {
		got = append(got, c.Key)
		assert.NotNil(t, c.Owner, c.Key)
	}
	assert.Contains(t, got, "a/g\rh")
	assert.Contains(t, got, "a/g\ni")
	assert.Contains(t, got, "a/g&j")

	p = list("max-keys=1&start-after=a%2Fb%2Fc&fetch-owner=true")
	assert.True(t, p.IsTruncated)
	assert.Equal(t, 1, p.KeyCount)
	assert.Equal(t, 1, p.MaxKeys)
	require.NotEmpty(t, p.NextContinuationToken)
	p = list("max-keys=1&fetch-owner=true&continuation-token=" + url.QueryEscape(p.NextContinuationToken))
	assert.True(t, p.IsTruncated)
	assert.NotNil(t, p.ContinuationToken)
	require.Len(t, p.Contents, 1)
	assert.NotNil(t, p.Contents[0].Owner)
	p = list("max-keys=1")
	require.Len(t, p.Contents, 1)
	assert.Nil(t, p.Contents[0].Owner, "no Owner without fetch-owner")
}

// nitSignedChunks encodes payload as the .NET SDK's
// ChunkedUploadWrapperStream does: 81920-byte chunks whose sizes are
// upper-case hex ("14000", "2A"), each signed; with a trailer the final
// empty chunk is followed directly by the trailer and
// x-amz-trailer-signature, without it by a blank line.
func nitSignedChunks(s *sigv4.Signed, payload []byte, trailerName, trailerValue string) []byte {
	const chunk = 81920
	var b bytes.Buffer
	prev := s.Authorization.Signature
	scope := s.Authorization.Credential.Scope.String()
	emit := func(data []byte) {
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + s.Timestamp + "\n" + scope + "\n" + prev + "\n" + sigv4.EmptySHA256 + "\n" + hexSHA256(data)
		prev = sigv4.Signature(s.SigningKey, sts)
		fmt.Fprintf(&b, "%X;chunk-signature=%s\r\n", len(data), prev)
		b.Write(data)
		if len(data) > 0 || trailerName == "" {
			b.WriteString("\r\n")
		}
	}
	for off := 0; off < len(payload); off += chunk {
		emit(payload[off:min(off+chunk, len(payload))])
	}
	emit(nil)
	if trailerName != "" {
		canon := trailerName + ":" + trailerValue + "\n"
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + s.Timestamp + "\n" + scope + "\n" + prev + "\n" + hexSHA256([]byte(canon))
		fmt.Fprintf(&b, "%s:%s\r\nx-amz-trailer-signature:%s\r\n\r\n", trailerName, trailerValue, sigv4.Signature(s.SigningKey, sts))
	}
	return b.Bytes()
}

// nitUnsignedTrailer encodes payload as TrailingHeadersWrapperStream does
// for DisablePayloadSigning: the whole payload as one chunk with an
// upper-case hex size, then "0", the trailer and a blank line; an empty
// payload is "0" and the trailer alone.
func nitUnsignedTrailer(payload []byte, trailerName, trailerValue string) []byte {
	var b bytes.Buffer
	if len(payload) > 0 {
		fmt.Fprintf(&b, "%X\r\n", len(payload))
		b.Write(payload)
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "0\r\n%s:%s\r\n\r\n", trailerName, trailerValue)
	return b.Bytes()
}

// TestNitChunkedUploads: PutObjectTests PutObjectWithEmptyInputStream
// (payload signing on and off, default checksum on and off), TestStreamRetry
// (sizes around ChunkedUploadWrapperStream.DefaultChunkSize) and
// ChecksumPutTests send these bodies; S3 stores the payload and, with the
// CRC32 trailer, answers x-amz-checksum-crc32.
func TestNitChunkedUploads(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-chunked")
	for _, size := range []int{0, 26, 81920, 81920 + 0x2a, 2*81920 + 128} {
		payload := pattern(size)
		sum := jitCRC32(payload)
		check := func(path string, r rawResponse, withSum bool) {
			t.Helper()
			require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", path, r.body)
			if withSum {
				assert.Equal(t, sum, r.Header.Get("x-amz-checksum-crc32"), path)
			}
			g := f.do(t, raw{method: "GET", path: path})
			require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
			assert.True(t, bytes.Equal(payload, g.body), "%s: body", path)
		}
		trailer := hdr("Content-Encoding", "aws-chunked", "X-Amz-Decoded-Content-Length", fmt.Sprint(size),
			"X-Amz-Trailer", "x-amz-checksum-crc32", "X-Amz-Sdk-Checksum-Algorithm", "CRC32", "Content-Type", "text/plain")

		path := fmt.Sprintf("/nit-chunked/signed-trailer-%d", size)
		h, s := jitSign(t, f, "PUT", path, trailer.Clone(), sigv4.StreamingPayloadTrailer)
		check(path, f.do(t, raw{method: "PUT", path: path, header: h, body: nitSignedChunks(s, payload, "x-amz-checksum-crc32", sum), sign: "keep"}), true)

		path = fmt.Sprintf("/nit-chunked/signed-%d", size)
		h, s = jitSign(t, f, "PUT", path, hdr("Content-Encoding", "aws-chunked", "X-Amz-Decoded-Content-Length", fmt.Sprint(size)), sigv4.StreamingPayload)
		check(path, f.do(t, raw{method: "PUT", path: path, header: h, body: nitSignedChunks(s, payload, "", ""), sign: "keep"}), false)

		path = fmt.Sprintf("/nit-chunked/unsigned-%d", size)
		h, _ = jitSign(t, f, "PUT", path, trailer.Clone(), sigv4.StreamingUnsignedPayloadTrailer)
		check(path, f.do(t, raw{method: "PUT", path: path, header: h, body: nitUnsignedTrailer(payload, "x-amz-checksum-crc32", sum), sign: "keep"}), true)
	}
	// A payload hash the caller put in x-amz-content-sha256 itself
	// (TestStreamRetry) is a plain signed PUT.
	payload := pattern(81920*2 + 128)
	h, _ := jitSign(t, f, "PUT", "/nit-chunked/foo1", nil, hexSHA256(payload))
	r := f.do(t, raw{method: "PUT", path: "/nit-chunked/foo1", header: h, body: payload, sign: "keep"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// nitPresign presigns method and path with SigV4 as GetPreSignedURL does:
// X-Amz-Expires in seconds, extra query parameters (the request's
// Parameters, partNumber, uploadId) signed with the rest, and the
// headers in signed (metadata, Content-Type) named in
// X-Amz-SignedHeaders.
func nitPresign(t *testing.T, f *fixture, method, path string, extra url.Values, signed http.Header, expires time.Duration) string {
	t.Helper()
	ts := f.clock.Now().UTC().Format(sigv4.TimeFormat)
	scope := sigv4.Scope{Date: ts[:8], Region: "us-east-1", Service: "s3"}
	names := []string{"host"}
	for k := range signed {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", sigv4.Credential{AccessKeyID: testAK, Scope: scope}.String())
	q.Set("X-Amz-Date", ts)
	q.Set("X-Amz-Expires", fmt.Sprint(int(expires.Seconds())))
	q.Set("X-Amz-SignedHeaders", strings.Join(names, ";"))
	qs := strings.ReplaceAll(q.Encode(), "+", "%20")
	req, err := http.NewRequest(method, f.srv.URL+path+"?"+qs, nil)
	require.NoError(t, err)
	for k, vs := range signed {
		req.Header[k] = vs
	}
	cr := sigv4.CanonicalRequest(req, names, sigv4.UnsignedPayload, true)
	key := sigv4.SigningKey(testSK, scope.Date, "us-east-1", "s3")
	return path + "?" + qs + "&X-Amz-Signature=" + sigv4.Signature(key, sigv4.StringToSign(cr, ts, scope))
}

// TestNitPresignedURLs: GeneratePreSignedUrlTests. USEastOver7Days: for
// an expiry beyond SigV4's week the SDK falls back to SigV2 in us-east-1
// (AWSAccessKeyId, Expires, Signature) and S3 serves it;
// USEastUnder7Days: SigV4 just under a week; USEastSignedParameters: a
// custom query parameter is signed, and renaming it or changing its value
// is 403; EUNorth1PutWithMetadata: a presigned PUT signs
// x-amz-meta-mymetadata and HttpWebRequest sends it as
// X-Amz-Meta-MyMetadata, read back under the lower-case name;
// MultipartUploadPresignedUrl: UploadPart with partNumber, uploadId and a
// signed Content-Type answers the part's ETag.
func TestNitPresignedURLs(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-presign")
	const content = "This is the content body!"
	require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/nit-presign/key", body: []byte(content)}).StatusCode)

	req, err := http.NewRequest("GET", f.srv.URL+"/nit-presign/key", nil)
	require.NoError(t, err)
	sigv4.PresignV2(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "", f.clock.Now().Add(7*24*time.Hour+2*time.Hour))
	r := f.do(t, raw{method: "GET", path: req.URL.RequestURI(), sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, content, string(r.body))

	u := nitPresign(t, f, "GET", "/nit-presign/key", nil, nil, 7*24*time.Hour-2*time.Hour)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	u = nitPresign(t, f, "GET", "/nit-presign/key", url.Values{"x-test-param": {"TestParamValue"}}, nil, 24*time.Hour)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, content, string(r.body))
	for _, bad := range []string{strings.Replace(u, "x-test-param", "x-test-param2", 1), strings.Replace(u, "TestParamValue", "TestParamValue2", 1)} {
		r = f.do(t, raw{method: "GET", path: bad, sign: "anon"})
		assert.Equal(t, http.StatusForbidden, r.StatusCode, bad)
		assert.Equal(t, "SignatureDoesNotMatch", r.errCode(), bad)
	}

	u = nitPresign(t, f, "PUT", "/nit-presign/meta", nil, hdr("x-amz-meta-mymetadata", "Metadata-Value"), 7*24*time.Hour-2*time.Hour)
	assert.Contains(t, u, "X-Amz-SignedHeaders=host%3Bx-amz-meta-mymetadata")
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", header: hdr("X-Amz-Meta-MyMetadata", "Metadata-Value"), body: []byte(content)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	h, err := f.client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("nit-presign"), Key: aws.String("meta")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"mymetadata": "Metadata-Value"}, h.Metadata)

	c := f.do(t, raw{method: "POST", path: "/nit-presign/multipart?uploads", header: hdr("Content-Type", "text/plain")})
	require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
	var up struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(c.body, &up))
	part := pattern(5 << 20)
	u = nitPresign(t, f, "PUT", "/nit-presign/multipart", url.Values{"partNumber": {"1"}, "uploadId": {up.UploadId}}, hdr("Content-Type", "text/plain"), 24*time.Hour)
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", header: hdr("Content-Type", "text/plain"), body: part})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, `"`+nitMD5Hex(part)+`"`, r.Header.Get("ETag"))
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", header: hdr("Content-Type", "application/octet-stream"), body: part})
	assert.Equal(t, http.StatusForbidden, r.StatusCode, "the Content-Type is signed")
}

// TestNitMultipartChecksums: ChecksumMultipartTests with CRC32, SHA1 and
// SHA256 (the algorithms the tests run). ListParts answers each part's
// checksum as UploadPart did (AssertPartsAreEqual); the completed object's
// checksum on a GET with checksum mode carries the "-3" suffix, which the
// SDK does not validate (ChecksumAlgorithm NONE, NOT_VALIDATED);
// UploadPartCopy into an upload created with the algorithm answers the
// part's checksum in CopyPartResult (TestSignedCopyObjectUsingMultipartUpload
// passes them back through AddPartETagsAndChecksums).
func TestNitMultipartChecksums(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-mpu")
	c := f.client()
	ctx := context.Background()
	data := pattern(11 << 20)
	pick := func(alg types.ChecksumAlgorithm, crc, sha1, sha256 *string) string {
		switch alg {
		case types.ChecksumAlgorithmCrc32:
			return aws.ToString(crc)
		case types.ChecksumAlgorithmSha1:
			return aws.ToString(sha1)
		}
		return aws.ToString(sha256)
	}
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256} {
		key := "mp-" + string(alg)
		cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("nit-mpu"), Key: aws.String(key), ChecksumAlgorithm: alg})
		require.NoError(t, err)
		var parts []types.CompletedPart
		for i, off := 1, 0; off < len(data); i, off = i+1, off+5<<20 {
			up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("nit-mpu"), Key: aws.String(key), UploadId: cr.UploadId,
				PartNumber: aws.Int32(int32(i)), Body: bytes.NewReader(data[off:min(off+5<<20, len(data))]), ChecksumAlgorithm: alg})
			require.NoError(t, err)
			require.NotEmpty(t, pick(alg, up.ChecksumCRC32, up.ChecksumSHA1, up.ChecksumSHA256), "%s part %d", alg, i)
			parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i)), ETag: up.ETag,
				ChecksumCRC32: up.ChecksumCRC32, ChecksumSHA1: up.ChecksumSHA1, ChecksumSHA256: up.ChecksumSHA256})
		}
		lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("nit-mpu"), Key: aws.String(key), UploadId: cr.UploadId})
		require.NoError(t, err)
		require.Len(t, lp.Parts, 3)
		for i, p := range lp.Parts {
			assert.Equal(t, aws.ToString(parts[i].ETag), aws.ToString(p.ETag))
			assert.Equal(t, aws.ToString(parts[i].ChecksumCRC32), aws.ToString(p.ChecksumCRC32), "%s part %d", alg, i+1)
			assert.Equal(t, aws.ToString(parts[i].ChecksumSHA1), aws.ToString(p.ChecksumSHA1), "%s part %d", alg, i+1)
			assert.Equal(t, aws.ToString(parts[i].ChecksumSHA256), aws.ToString(p.ChecksumSHA256), "%s part %d", alg, i+1)
		}
		co, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("nit-mpu"), Key: aws.String(key),
			UploadId: cr.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		require.NoError(t, err)
		assert.NotEmpty(t, aws.ToString(co.ETag))
		assert.Equal(t, key, aws.ToString(co.Key))
		assert.NotEmpty(t, aws.ToString(co.Location))
		g := f.do(t, raw{method: "GET", path: "/nit-mpu/" + key, header: hdr("x-amz-checksum-mode", "ENABLED")})
		require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
		assert.True(t, bytes.Equal(data, g.body))
		assert.True(t, strings.HasSuffix(g.Header.Get("x-amz-checksum-"+strings.ToLower(string(alg))), "-3"), "%s: %v", alg, g.Header)

		ck := key + "-copy"
		cr2, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("nit-mpu"), Key: aws.String(ck), ChecksumAlgorithm: alg})
		require.NoError(t, err)
		cp, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("nit-mpu"), Key: aws.String(ck), UploadId: cr2.UploadId,
			PartNumber: aws.Int32(1), CopySource: aws.String("nit-mpu/" + key), CopySourceRange: aws.String(fmt.Sprintf("bytes=0-%d", 5<<20-1))})
		require.NoError(t, err)
		r := cp.CopyPartResult
		assert.Equal(t, pick(alg, parts[0].ChecksumCRC32, parts[0].ChecksumSHA1, parts[0].ChecksumSHA256), pick(alg, r.ChecksumCRC32, r.ChecksumSHA1, r.ChecksumSHA256), "%s copy part", alg)
	}
}

// TestNitACLsAndErrors: PutObjectTests. PutObjectWithACL: two
// x-amz-grant-read grantees as HeaderACLRequestMarshaller writes them
// (`uri="..."`, comma-separated) give two grants, and a PutObjectAcl with
// one grant leaves one; PutBucketWithCannedACL: log-delivery-write on a
// bucket created with ObjectWriter ownership is three grants (owner
// FULL_CONTROL, LogDelivery WRITE and READ_ACP);
// TestHttpErrorResponseUnmarshalling and DeleteNonExistentBucket: 404
// NoSuchBucket "The specified bucket does not exist";
// GetObjectWithNonMatchingEtag: If-None-Match with the object's ETag is
// 304 with request ids.
func TestNitACLsAndErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-acl")
	type grant struct {
		URI, ID    string
		Permission string
	}
	grants := func(path string) []grant {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: path + "?acl"})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		var acl struct {
			Grants []struct {
				Grantee    struct{ URI, ID string }
				Permission string
			} `xml:"AccessControlList>Grant"`
		}
		require.NoError(t, xml.Unmarshal(r.body, &acl))
		var out []grant
		for _, g := range acl.Grants {
			out = append(out, grant{URI: g.Grantee.URI, ID: g.Grantee.ID, Permission: g.Permission})
		}
		return out
	}
	const allUsers, authUsers, logDelivery = "http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "http://acs.amazonaws.com/groups/s3/LogDelivery"
	r := f.do(t, raw{method: "PUT", path: "/nit-acl/putobjectwithacl", body: []byte("Some Random Nonsense"),
		header: hdr("x-amz-grant-read", `uri="`+allUsers+`", uri="`+authUsers+`"`)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.ElementsMatch(t, []grant{{URI: allUsers, Permission: "READ"}, {URI: authUsers, Permission: "READ"}}, grants("/nit-acl/putobjectwithacl"))
	r = f.do(t, raw{method: "PUT", path: "/nit-acl/putobjectwithacl?acl", header: hdr("x-amz-grant-read", `uri="`+authUsers+`"`)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, []grant{{URI: authUsers, Permission: "READ"}}, grants("/nit-acl/putobjectwithacl"))

	r = f.do(t, raw{method: "PUT", path: "/nit-cannedacl", header: hdr("x-amz-acl", "log-delivery-write", "x-amz-object-ownership", "ObjectWriter")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	got := grants("/nit-cannedacl")
	require.Len(t, got, 3, "%v", got)
	var perms []string
	for _, g := range got {
		if g.URI == "" {
			assert.NotEmpty(t, g.ID)
			assert.Equal(t, "FULL_CONTROL", g.Permission)
			continue
		}
		assert.Equal(t, logDelivery, g.URI)
		perms = append(perms, g.Permission)
	}
	assert.ElementsMatch(t, []string{"WRITE", "READ_ACP"}, perms)

	for _, q := range []raw{
		{method: "PUT", path: "/nit-nonexistentbucket/1", body: []byte("TestContent")},
		{method: "DELETE", path: "/nonexistentbucket1234567890"},
	} {
		r = f.do(t, q)
		assert.Equal(t, http.StatusNotFound, r.StatusCode, q.path)
		assert.Equal(t, "NoSuchBucket", r.errCode(), q.path)
		assert.Contains(t, string(r.body), "The specified bucket does not exist", q.path)
		assert.NotEmpty(t, r.Header.Get("x-amz-request-id"), q.path)
		assert.NotEmpty(t, r.Header.Get("x-amz-id-2"), q.path)
	}

	r = f.do(t, raw{method: "PUT", path: "/nit-acl/etag", body: []byte("This is the content body!")})
	require.Equal(t, http.StatusOK, r.StatusCode)
	r = f.do(t, raw{method: "GET", path: "/nit-acl/etag", header: hdr("If-None-Match", r.Header.Get("ETag"))})
	assert.Equal(t, http.StatusNotModified, r.StatusCode)
	assert.NotEmpty(t, r.Header.Get("x-amz-request-id"))
	assert.NotEmpty(t, r.Header.Get("x-amz-id-2"))
}

func nitMD5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// nitCRC32 adds to q what the .NET SDK adds to a request whose operation
// requires a checksum (PutObjectLockConfiguration, PutObjectRetention) or
// supports one: x-amz-checksum-crc32 of the body and
// x-amz-sdk-checksum-algorithm.
func nitCRC32(q raw) raw {
	h := hdr()
	for k, v := range q.header {
		h[k] = v
	}
	h.Set("x-amz-checksum-crc32", jitCRC32(q.body))
	h.Set("x-amz-sdk-checksum-algorithm", "CRC32")
	q.header = h
	return q
}

// TestNitObjectLock: ObjectLockConfigurationTests on a bucket created
// with Object Lock and a default GOVERNANCE retention of one day, the
// configuration sent with x-amz-request-payer. TestUploadFileWithTransfer
// Utility: a TransferUtility upload (multipart past
// MinSizeBeforePartUpload) with ObjectLockLegalHoldStatus Off, mode
// GOVERNANCE and a retain-until date reads back with the legal hold
// status Off: S3 answers x-amz-object-lock-legal-hold: OFF for a version
// given the status OFF when written (the SDK's GetObjectResponse has a
// status only when the header is there). A version never given a status
// still has none (the SeaweedFS row above: "This header is not returned
// if the specified version of this object has never had a legal hold
// applied"). TestObjectLockRetainUntilDate and
// TestObjectRetention_SetCompliance: the date sent with milliseconds
// (ISO8601DateFormat) reads back to the second; TestObjectLegalHold_SetUnset;
// DeleteObject with bypass is 204.
func TestNitObjectLock(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/nit-lock", header: hdr("x-amz-bucket-object-lock-enabled", "true")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-lock?object-lock", header: hdr("x-amz-request-payer", "requester"),
		body: []byte(`<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Days>1</Days><Mode>GOVERNANCE</Mode></DefaultRetention></Rule></ObjectLockConfiguration>`)}))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	until := f.clock.Now().UTC().Add(5 * 24 * time.Hour).Truncate(24 * time.Hour)
	lock := func(legalHold string) http.Header {
		h := hdr("x-amz-object-lock-mode", "GOVERNANCE", "x-amz-object-lock-retain-until-date", until.Format("2006-01-02T15:04:05.000Z"))
		if legalHold != "" {
			h.Set("x-amz-object-lock-legal-hold", legalHold)
		}
		return h
	}
	status := func(path string) (string, bool) {
		t.Helper()
		g := f.do(t, raw{method: "HEAD", path: path})
		require.Equal(t, http.StatusOK, g.StatusCode, path)
		assert.Equal(t, "GOVERNANCE", g.Header.Get("x-amz-object-lock-mode"), path)
		d, err := time.Parse(time.RFC3339, g.Header.Get("x-amz-object-lock-retain-until-date"))
		require.NoError(t, err, path)
		assert.True(t, d.Equal(until), "%s: %s", path, d)
		v, ok := g.Header[http.CanonicalHeaderKey("x-amz-object-lock-legal-hold")]
		if !ok {
			return "", false
		}
		return v[0], true
	}

	// The TransferUtility's multipart upload.
	h := lock("OFF")
	h.Set("x-amz-checksum-algorithm", "CRC32")
	c := f.do(t, raw{method: "POST", path: "/nit-lock/tu?uploads", header: h})
	require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
	var up struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(c.body, &up))
	content := bytes.Repeat([]byte("a"), 7000000)
	var complete strings.Builder
	complete.WriteString("<CompleteMultipartUpload>")
	for i, off := 1, 0; off < len(content); i, off = i+1, off+5<<20 {
		p := fmt.Sprintf("/nit-lock/tu?partNumber=%d&uploadId=%s", i, up.UploadId)
		r := f.do(t, nitCRC32(raw{method: "PUT", path: p, body: content[off:min(off+5<<20, len(content))]}))
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		fmt.Fprintf(&complete, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag><ChecksumCRC32>%s</ChecksumCRC32></Part>", i, r.Header.Get("ETag"), r.Header.Get("x-amz-checksum-crc32"))
	}
	complete.WriteString("</CompleteMultipartUpload>")
	r = f.do(t, raw{method: "POST", path: "/nit-lock/tu?uploadId=" + up.UploadId, body: []byte(complete.String())})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g := f.do(t, raw{method: "GET", path: "/nit-lock/tu"})
	require.Equal(t, http.StatusOK, g.StatusCode)
	assert.True(t, bytes.Equal(content, g.body))
	hold, ok := status("/nit-lock/tu")
	assert.True(t, ok, "a status given at CreateMultipartUpload is reported")
	assert.Equal(t, "OFF", hold)

	// PutObject and CopyObject with the status, and without.
	r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-lock/put-off", header: lock("OFF"), body: []byte("This is the content body!")}))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	hold, ok = status("/nit-lock/put-off")
	assert.True(t, ok)
	assert.Equal(t, "OFF", hold)
	h = lock("OFF")
	h.Set("x-amz-copy-source", "nit-lock/put-off")
	r = f.do(t, raw{method: "PUT", path: "/nit-lock/copy-off", header: h})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	hold, ok = status("/nit-lock/copy-off")
	assert.True(t, ok)
	assert.Equal(t, "OFF", hold)
	r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-lock/put-none", header: lock(""), body: []byte("x")}))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	_, ok = status("/nit-lock/put-none")
	assert.False(t, ok, "no status for a version never given one")
	r = f.do(t, raw{method: "GET", path: "/nit-lock/put-none?legal-hold"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	r = f.do(t, raw{method: "GET", path: "/nit-lock/put-off?legal-hold"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Contains(t, string(r.body), "<Status>OFF</Status>")

	// TestObjectLegalHold_SetUnset.
	for _, s := range []string{"ON", "OFF"} {
		r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-lock/put-none?legal-hold", header: hdr("x-amz-request-payer", "requester"),
			body: []byte(`<LegalHold xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>` + s + `</Status></LegalHold>`)}))
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		r = f.do(t, raw{method: "GET", path: "/nit-lock/put-none?legal-hold", header: hdr("x-amz-request-payer", "requester")})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		assert.Contains(t, string(r.body), "<Status>"+s+"</Status>")
	}

	// TestObjectRetention_SetCompliance: a date with milliseconds.
	soon := f.clock.Now().UTC().Add(15 * time.Minute).Truncate(time.Millisecond)
	r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-lock/put-none?retention", header: hdr("x-amz-bypass-governance-retention", "true", "x-amz-request-payer", "requester"),
		body: []byte(`<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>GOVERNANCE</Mode><RetainUntilDate>` + soon.Format("2006-01-02T15:04:05.000Z") + `</RetainUntilDate></Retention>`)}))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/nit-lock/put-none?retention"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var ret struct {
		Mode            string
		RetainUntilDate time.Time
	}
	require.NoError(t, xml.Unmarshal(r.body, &ret))
	assert.Equal(t, "GOVERNANCE", ret.Mode)
	assert.True(t, ret.RetainUntilDate.Truncate(time.Second).Equal(soon.Truncate(time.Second)), "%s", r.body)

	r = f.do(t, raw{method: "DELETE", path: "/nit-lock/put-off", header: hdr("x-amz-bypass-governance-retention", "true", "x-amz-request-payer", "requester")})
	assert.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
}

// TestNitLifecycle: LifecycleTests. LifecycleTest puts three rules
// without IDs (S3 names each), NoncurrentVersion actions with
// NewerNoncurrentVersions and, on the enabled rule for "rule1-", an
// AbortIncompleteMultipartUpload of 7 days; a CreateMultipartUpload of
// "rule1-123" then answers the rule's ID as AbortRuleId and an AbortDate
// past today plus 7 days, and ListParts the same two (x-amz-abort-rule-id,
// x-amz-abort-date). TestLifecycleFilterAndTwoPrefixes: an And with two
// Prefix elements is refused, "An And operator may only contain one
// 'Prefix'."; an And of a prefix and a tag, of two tags, and an empty
// Filter (LifecycleEmptyFilterTest) are taken.
func TestNitLifecycle(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-lc")
	put := func(rules string) rawResponse {
		return f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-lc?lifecycle",
			body: []byte(`<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + rules + `</LifecycleConfiguration>`)}))
	}
	const glacier1 = `<Status>Enabled</Status><Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>`
	r := put(`<Rule><Filter><And><Prefix>thePrefix1</Prefix><Prefix>thePrefix2</Prefix></And></Filter>` + glacier1)
	assert.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Equal(t, "InvalidRequest", r.errCode())
	assert.Contains(t, string(r.body), "<Message>An And operator may only contain one 'Prefix'.</Message>")
	for _, filter := range []string{
		`<And><Prefix>thePrefix1</Prefix><Tag><Key>theKey1</Key><Value>theValue1</Value></Tag></And>`,
		`<And><Tag><Key>theKey1</Key><Value>theValue1</Value></Tag><Tag><Key>theKey2</Key><Value>theValue2</Value></Tag></And>`,
		`<Prefix>thePrefix1</Prefix>`,
		`<Tag><Key>theKey1</Key><Value>theValue1</Value></Tag>`,
	} {
		r = put(`<Rule><Filter>` + filter + `</Filter>` + glacier1)
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", filter, r.body)
		g := f.do(t, raw{method: "GET", path: "/nit-lc?lifecycle"})
		require.Equal(t, http.StatusOK, g.StatusCode)
		assert.Contains(t, string(g.body), "<Filter>"+filter+"</Filter>")
	}
	r = put(`<Rule><ID>Empty-filter-test</ID><Filter></Filter><Status>Disabled</Status><Expiration><Days>30</Days></Expiration></Rule>`)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	r = put(`<Rule><Filter><Prefix>rule1-</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration>` +
		`<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition>` +
		`<NoncurrentVersionTransition><NoncurrentDays>14</NoncurrentDays><StorageClass>GLACIER</StorageClass><NewerNoncurrentVersions>10</NewerNoncurrentVersions></NoncurrentVersionTransition>` +
		`<NoncurrentVersionExpiration><NoncurrentDays>15</NoncurrentDays><NewerNoncurrentVersions>10</NewerNoncurrentVersions></NoncurrentVersionExpiration>` +
		`<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>` +
		`<Rule><Filter><Prefix>rule2-</Prefix></Filter><Status>Disabled</Status><Expiration><Days>120</Days></Expiration>` +
		`<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>` +
		`<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass><NewerNoncurrentVersions>20</NewerNoncurrentVersions></NoncurrentVersionTransition>` +
		`<NoncurrentVersionTransition><NoncurrentDays>90</NoncurrentDays><StorageClass>GLACIER</StorageClass><NewerNoncurrentVersions>50</NewerNoncurrentVersions></NoncurrentVersionTransition>` +
		`<NoncurrentVersionExpiration><NoncurrentDays>91</NoncurrentDays><NewerNoncurrentVersions>10</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>` +
		`<Rule><Filter><Prefix>rule3-</Prefix></Filter><Status>Disabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>` +
		`<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>`)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g := f.do(t, raw{method: "GET", path: "/nit-lc?lifecycle"})
	require.Equal(t, http.StatusOK, g.StatusCode)
	var lc struct {
		Rules []struct {
			ID                   string
			NoncurrentExpiration struct{ NewerNoncurrentVersions int } `xml:"NoncurrentVersionExpiration"`
			Abort                *struct{ DaysAfterInitiation int }    `xml:"AbortIncompleteMultipartUpload"`
		} `xml:"Rule"`
	}
	require.NoError(t, xml.Unmarshal(g.body, &lc))
	require.Len(t, lc.Rules, 3)
	var abortRule string
	for _, rule := range lc.Rules {
		assert.NotEmpty(t, rule.ID)
		if rule.Abort != nil {
			abortRule = rule.ID
			assert.Equal(t, 7, rule.Abort.DaysAfterInitiation)
		}
	}
	require.NotEmpty(t, abortRule)
	assert.Equal(t, 10, lc.Rules[0].NoncurrentExpiration.NewerNoncurrentVersions)

	c := f.do(t, raw{method: "POST", path: "/nit-lc/rule1-123?uploads", header: hdr("x-amz-acl", "public-read")})
	require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
	assert.Equal(t, abortRule, c.Header.Get("x-amz-abort-rule-id"))
	date, err := http.ParseTime(c.Header.Get("x-amz-abort-date"))
	require.NoError(t, err, "x-amz-abort-date %q", c.Header.Get("x-amz-abort-date"))
	today := f.clock.Now().UTC().Truncate(24 * time.Hour)
	assert.True(t, date.After(today.AddDate(0, 0, 7)), "%s", date)
	assert.True(t, date.Equal(date.Truncate(24*time.Hour)), "midnight UTC: %s", date)
	var up struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(c.body, &up))
	l := f.do(t, raw{method: "GET", path: "/nit-lc/rule1-123?uploadId=" + up.UploadId})
	require.Equal(t, http.StatusOK, l.StatusCode, string(l.body))
	assert.Equal(t, abortRule, l.Header.Get("x-amz-abort-rule-id"))
	assert.Equal(t, c.Header.Get("x-amz-abort-date"), l.Header.Get("x-amz-abort-date"))

	// No rule aborts uploads of other keys.
	c = f.do(t, raw{method: "POST", path: "/nit-lc/rule2-123?uploads"})
	require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
	assert.Empty(t, c.Header.Values("x-amz-abort-date"))
	assert.Empty(t, c.Header.Values("x-amz-abort-rule-id"))
}

// TestNitSelectPrettyLines: SelectObjectContentTests uploads
// pretty-printed JSON objects separated by "} {" and queries them with
// JsonType LINES, "select * from S3Object s where s.LOCATIONID = 'VALE'",
// JSON output; S3 answers the matching objects, one per line, in one
// Records event followed by Stats and End (TestCallEnumerable compares
// the event types; TestCallEvents reads only the first Records event).
func TestNitSelectPrettyLines(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-select")
	var doc, want strings.Builder
	for i, loc := range []string{"VALE", "VALE", "ATLAS", "MINSTRAL", "VACUO", "VALE"} {
		if i > 0 {
			doc.WriteString(" ")
		}
		fmt.Fprintf(&doc, "{\n    \"ID\": \"%04d\",\n    \"PLATE\": \"P%d\",\n    \"LOCATIONID\": \"%s\",\n    \"TIME\": \"2018-02-08T00:59:%02d.434Z\"\n}", i, i, loc, 35+i)
		if loc == "VALE" {
			fmt.Fprintf(&want, "{\"ID\":\"%04d\",\"PLATE\":\"P%d\",\"LOCATIONID\":\"VALE\",\"TIME\":\"2018-02-08T00:59:%02d.434Z\"}\n", i, i, 35+i)
		}
	}
	doc.WriteString("\n")
	r := f.do(t, raw{method: "PUT", path: "/nit-select/SelectObjectContentTests", header: hdr("Content-Type", "text/plain"), body: []byte(doc.String())})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	out, err := f.client().SelectObjectContent(context.Background(), &s3.SelectObjectContentInput{
		Bucket: aws.String("nit-select"), Key: aws.String("SelectObjectContentTests"),
		ExpressionType: types.ExpressionTypeSql, Expression: aws.String("select * from S3Object s where s.LOCATIONID = 'VALE'"),
		InputSerialization:  &types.InputSerialization{JSON: &types.JSONInput{Type: types.JSONTypeLines}},
		OutputSerialization: &types.OutputSerialization{JSON: &types.JSONOutput{}},
	})
	require.NoError(t, err)
	var events []string
	var records string
	for ev := range out.GetStream().Events() {
		switch e := ev.(type) {
		case *types.SelectObjectContentEventStreamMemberRecords:
			events = append(events, "Records")
			records += string(e.Value.Payload)
		case *types.SelectObjectContentEventStreamMemberStats:
			events = append(events, "Stats")
		case *types.SelectObjectContentEventStreamMemberEnd:
			events = append(events, "End")
		default:
			events = append(events, fmt.Sprintf("%T", ev))
		}
	}
	require.NoError(t, out.GetStream().Err())
	assert.Equal(t, []string{"Records", "Stats", "End"}, events)
	assert.Equal(t, want.String(), records)
}

// TestNitRestore: RestoreObjectTests TestRestoreObject and
// TestRestoreObjectWithTier restore a GLACIER object for a day, with and
// without GlacierJobParameters, and S3 answers 202 Accepted.
// (TestRestoreObjectWithOutputLocation, a SELECT restore, is left:
// docs/sdk-suites.md.)
func TestNitRestore(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-restore")
	for key, params := range map[string]string{"plain": "", "tier": "<GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters>"} {
		r := f.do(t, raw{method: "PUT", path: "/nit-restore/" + key, header: hdr("x-amz-storage-class", "GLACIER"), body: []byte("Test content for restore")})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		r = f.do(t, nitCRC32(raw{method: "POST", path: "/nit-restore/" + key + "?restore",
			body: []byte(`<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Days>1</Days>` + params + `</RestoreRequest>`)}))
		assert.Equal(t, http.StatusAccepted, r.StatusCode, "%s: %s", key, r.body)
	}
}

// TestNitPolicyStatusAndEventBridge: BucketPolicyTests (the policy
// document as the test formats it, indentation and trailing spaces
// included: Allow to "*" is public, Deny is not; no policy is 404 "The
// bucket policy does not exist"), NotificationTests
// PutAndGetEventBridgeConfigurationTest (an empty
// EventBridgeConfiguration with x-amz-skip-destination-validation reads
// back) and S3ExtensionsTests EnsureBucketExists (HEAD bucket).
func TestNitPolicyStatusAndEventBridge(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-policy")
	r := f.do(t, raw{method: "GET", path: "/nit-policy?policyStatus"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	assert.Equal(t, "NoSuchBucketPolicy", r.errCode())
	assert.Contains(t, string(r.body), "<Message>The bucket policy does not exist</Message>")
	for effect, public := range map[string]string{"Allow": "true", "Deny": "false"} {
		pol := "{\n  \"Version\":\"2012-10-17\",                                 \n  \"Statement\":[\n    {\n      \"Sid\":\"AddPerm\",\n      \"Effect\":\"" + effect +
			"\",\n      \"Principal\": \"*\",\n      \"Action\":[\"s3:GetObject\"],\n      \"Resource\":[\"arn:aws:s3:::nit-policy/*\"]\n    }\n  ]\n}"
		r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-policy?policy", body: []byte(pol)}))
		require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
		r = f.do(t, raw{method: "GET", path: "/nit-policy?policyStatus"})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		assert.Contains(t, string(r.body), "<IsPublic>"+public+"</IsPublic>", effect)
	}
	r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-policy?notification", header: hdr("x-amz-skip-destination-validation", "true"),
		body: []byte(`<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>`)}))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/nit-policy?notification"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Contains(t, string(r.body), "<EventBridgeConfiguration>")
	assert.Equal(t, http.StatusOK, f.do(t, raw{method: "HEAD", path: "/nit-policy"}).StatusCode)
}

// TestNitPresignedSSEC: ServerSideBYOK ServerSideEncryptionBYOKPutAndGet
// puts an SSE-C object under "Encrypted|Object.png", presigns a GET with
// ServerSideEncryptionCustomerMethod (the URL signs
// x-amz-server-side-encryption-customer-algorithm) and sends it from
// HttpWebRequest with the algorithm, the key and the key's MD5: S3 serves
// it, the key headers unsigned (as the S3 User Guide's "Using SSE-C with
// presigned URLs" describes). Without the key, or with another, the
// request is refused; another unsigned x-amz-* header still is.
func TestNitPresignedSSEC(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-ssec")
	key, keyMD5 := jitSSEC()
	ssec := hdr("x-amz-server-side-encryption-customer-algorithm", "AES256", "x-amz-server-side-encryption-customer-key", key, "x-amz-server-side-encryption-customer-key-MD5", keyMD5)
	const path = "/nit-ssec/Encrypted%7CObject.png"
	r := f.do(t, raw{method: "PUT", path: path, header: ssec, body: []byte("The Data To Encrypt in S3")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	u := nitPresign(t, f, "GET", path, nil, hdr("x-amz-server-side-encryption-customer-algorithm", "AES256"), 5*time.Minute)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: ssec})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "The Data To Encrypt in S3", string(r.body))
	assert.Equal(t, "AES256", r.Header.Get("x-amz-server-side-encryption-customer-algorithm"))

	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: hdr("x-amz-server-side-encryption-customer-algorithm", "AES256")})
	assert.Equal(t, http.StatusBadRequest, r.StatusCode, "no key: %s", r.body)
	other := make([]byte, 32)
	for i := range other {
		other[i] = byte(i)
	}
	otherKey := base64.StdEncoding.EncodeToString(other)
	sum := md5.Sum(other)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: hdr("x-amz-server-side-encryption-customer-algorithm", "AES256",
		"x-amz-server-side-encryption-customer-key", otherKey, "x-amz-server-side-encryption-customer-key-MD5", base64.StdEncoding.EncodeToString(sum[:]))})
	assert.Equal(t, http.StatusForbidden, r.StatusCode, "another key: %s", r.body)

	h := ssec.Clone()
	h.Set("x-amz-request-payer", "requester")
	r = f.do(t, raw{method: "GET", path: u, sign: "anon", header: h})
	assert.Equal(t, http.StatusForbidden, r.StatusCode)
	assert.Contains(t, string(r.body), "<HeadersNotSigned>x-amz-request-payer</HeadersNotSigned>")
}

// TestNitLoggingAndOwnership: PutBucketLoggingTests on a bucket with ACLs
// enabled (S3PublicAclBucketFixture: ObjectWriter ownership, public access
// block removed) logs to itself with a LogDelivery READ target grant and
// the empty <TargetPrefix /> the .NET marshaller writes when none is set
// (PutBucketLoggingRequestMarshaller.TargetPrefixCustomMarshall);
// BucketOwnershipControlsTests puts ObjectWriter and BucketOwnerPreferred,
// and GET after DELETE is an error.
func TestNitLoggingAndOwnership(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/nit-logging", header: hdr("x-amz-object-ownership", "ObjectWriter")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/nit-logging?publicAccessBlock"}).StatusCode)
	r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-logging?logging", body: []byte(`<?xml version="1.0" encoding="utf-8"?><BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled>` +
		`<TargetBucket>nit-logging</TargetBucket><TargetGrants><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/s3/LogDelivery</URI></Grantee><Permission>READ</Permission></Grant></TargetGrants>` +
		`<TargetPrefix /></LoggingEnabled></BucketLoggingStatus>`)}))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/nit-logging?logging"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Contains(t, string(r.body), "<TargetBucket>nit-logging</TargetBucket><TargetPrefix></TargetPrefix>")
	assert.Contains(t, string(r.body), "<URI>http://acs.amazonaws.com/groups/s3/LogDelivery</URI></Grantee><Permission>READ</Permission>")

	for _, o := range []string{"ObjectWriter", "BucketOwnerPreferred"} {
		r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-logging?ownershipControls",
			body: []byte(`<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>` + o + `</ObjectOwnership></Rule></OwnershipControls>`)}))
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		r = f.do(t, raw{method: "GET", path: "/nit-logging?ownershipControls"})
		require.Equal(t, http.StatusOK, r.StatusCode)
		assert.Contains(t, string(r.body), "<Rule><ObjectOwnership>"+o+"</ObjectOwnership></Rule>")
	}
	assert.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/nit-logging?ownershipControls"}).StatusCode)
	r = f.do(t, raw{method: "GET", path: "/nit-logging?ownershipControls"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	assert.Equal(t, "OwnershipControlsNotFoundError", r.errCode())
}

// TestNitTransferUtilityParts: TransferUtilityMultipartUploadTests
// MultipartValidatePartSize8MbTest and MultipartGetNumberTest: the
// TransferUtility uploads 17 MiB in 8 MiB parts (3), with the
// Content-Type and Content-Encoding given on the request kept
// (TestMultipartUploadWithSetContentTypeNotOverwritten); HEAD with
// partNumber=1 answers 8 MiB and a parts count of 3, and each part's GET
// the same count.
func TestNitTransferUtilityParts(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-tu")
	c := f.client()
	ctx := context.Background()
	const mib = 1 << 20
	data := pattern(17 * mib)
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("nit-tu"), Key: aws.String("test-content-type"),
		ContentType: aws.String("text/plain"), ContentEncoding: aws.String("gzip"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	require.NoError(t, err)
	var parts []types.CompletedPart
	for i, off := int32(1), 0; off < len(data); i, off = i+1, off+8*mib {
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("nit-tu"), Key: aws.String("test-content-type"), UploadId: cr.UploadId,
			PartNumber: aws.Int32(i), Body: bytes.NewReader(data[off:min(off+8*mib, len(data))]), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		require.NoError(t, err)
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(i), ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("nit-tu"), Key: aws.String("test-content-type"),
		UploadId: cr.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)

	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("nit-tu"), Key: aws.String("test-content-type"), PartNumber: aws.Int32(1)})
	require.NoError(t, err)
	assert.Equal(t, int32(3), aws.ToInt32(h.PartsCount))
	assert.Equal(t, int64(8*mib), aws.ToInt64(h.ContentLength))
	h, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("nit-tu"), Key: aws.String("test-content-type")})
	require.NoError(t, err)
	assert.Equal(t, "text/plain", aws.ToString(h.ContentType))
	assert.Equal(t, "gzip", aws.ToString(h.ContentEncoding))
	for i := int32(1); i <= 3; i++ {
		g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nit-tu"), Key: aws.String("test-content-type"), PartNumber: aws.Int32(i)})
		require.NoError(t, err)
		body, err := io.ReadAll(g.Body)
		require.NoError(t, err)
		g.Body.Close()
		assert.Equal(t, int32(3), aws.ToInt32(g.PartsCount), "part %d", i)
		off := int(i-1) * 8 * mib
		assert.True(t, bytes.Equal(data[off:min(off+8*mib, len(data))], body), "part %d", i)
	}
}

// TestNitBucketAndObjectBits: PublicAccessBlockTests (each flag put alone
// reads back; DELETE is 204 and GET then an error), GetObjectTests
// TestObjectAttributesLastModified (GetObjectAttributes' LastModified is
// HEAD's), ObjectTaggingTests TagWithUnicodeKey/Value ("ï" in x-amz-tagging
// as AmazonS3Util.TagSetToQueryString encodes it), CopyPartTests and
// CopyObjectPartTests (UploadPartCopy between "/"-led keys, then
// Complete).
func TestNitBucketAndObjectBits(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-bits")
	for _, flag := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		doc := `<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`
		for _, g := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
			doc += fmt.Sprintf("<%s>%t</%s>", g, g == flag, g)
		}
		doc += `</PublicAccessBlockConfiguration>`
		r := f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-bits?publicAccessBlock", body: []byte(doc)}))
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		out, err := f.client().GetPublicAccessBlock(context.Background(), &s3.GetPublicAccessBlockInput{Bucket: aws.String("nit-bits")})
		require.NoError(t, err)
		got := out.PublicAccessBlockConfiguration
		assert.Equal(t, []bool{flag == "BlockPublicAcls", flag == "BlockPublicPolicy", flag == "IgnorePublicAcls", flag == "RestrictPublicBuckets"},
			[]bool{aws.ToBool(got.BlockPublicAcls), aws.ToBool(got.BlockPublicPolicy), aws.ToBool(got.IgnorePublicAcls), aws.ToBool(got.RestrictPublicBuckets)}, flag)
	}
	assert.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/nit-bits?publicAccessBlock"}).StatusCode)
	r := f.do(t, raw{method: "GET", path: "/nit-bits?publicAccessBlock"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)

	r = f.do(t, raw{method: "PUT", path: "/nit-bits/TestObject", body: []byte("0123456789"),
		header: hdr("x-amz-tagging", "key"+url.QueryEscape("\u00ef")+"=value&k2=value"+url.QueryEscape("\u00ef"))})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	ctx := context.Background()
	tags, err := f.client().GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("nit-bits"), Key: aws.String("TestObject")})
	require.NoError(t, err)
	got := map[string]string{}
	for _, tg := range tags.TagSet {
		got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	assert.Equal(t, map[string]string{"key\u00ef": "value", "k2": "value\u00ef"}, got)
	attrs, err := f.client().GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("nit-bits"), Key: aws.String("TestObject"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}})
	require.NoError(t, err)
	head, err := f.client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("nit-bits"), Key: aws.String("TestObject")})
	require.NoError(t, err)
	require.NotNil(t, attrs.LastModified)
	assert.True(t, attrs.LastModified.Equal(aws.ToTime(head.LastModified)), "%s / %s", attrs.LastModified, head.LastModified)

	const content = "This is the content body!"
	r = f.do(t, raw{method: "PUT", path: "/nit-bits//testsourcekey", body: []byte(content)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	cr, err := f.client().CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("nit-bits"), Key: aws.String("/testdestkey")})
	require.NoError(t, err)
	cp, err := f.client().UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("nit-bits"), Key: aws.String("/testdestkey"), UploadId: cr.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String("nit-bits//testsourcekey")})
	require.NoError(t, err)
	_, err = f.client().CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("nit-bits"), Key: aws.String("/testdestkey"), UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: cp.CopyPartResult.ETag}}}})
	require.NoError(t, err)
	body, _ := getBody(t, f.client(), "nit-bits", "/testdestkey")
	assert.Equal(t, content, body)
}

// TestNitConfigSets: IntelligentTieringTests and StorageInsightsMetricsTests
// put configurations with a tag, a prefix and an And of both (and two
// Tierings, ARCHIVE_ACCESS after 90 days and DEEP_ARCHIVE_ACCESS after
// 180), read each back, list them, and delete them (the list then holds
// none).
func TestNitConfigSets(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "nit-sets")
	for _, filter := range []string{`<Tag><Key>tagK</Key><Value>tagV</Value></Tag>`, `<Prefix>string</Prefix>`,
		`<And><Prefix>string</Prefix><Tag><Key>tagK</Key><Value>tagV</Value></Tag></And>`} {
		tiers := `<Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering><Tiering><Days>180</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering>`
		r := f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-sets?intelligent-tiering&id=configId",
			body: []byte(`<IntelligentTieringConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>configId</Id><Filter>` + filter + `</Filter><Status>Enabled</Status>` + tiers + `</IntelligentTieringConfiguration>`)}))
		require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
		r = f.do(t, raw{method: "GET", path: "/nit-sets?intelligent-tiering&id=configId"})
		require.Equal(t, http.StatusOK, r.StatusCode)
		assert.Contains(t, string(r.body), "<Id>configId</Id><Filter>"+filter+"</Filter><Status>Enabled</Status>")
		assert.Contains(t, string(r.body), "<Tiering><AccessTier>ARCHIVE_ACCESS</AccessTier><Days>90</Days></Tiering><Tiering><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier><Days>180</Days></Tiering>")

		r = f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-sets?metrics&id=configId",
			body: []byte(`<MetricsConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>configId</Id><Filter>` + filter + `</Filter></MetricsConfiguration>`)}))
		require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
		r = f.do(t, raw{method: "GET", path: "/nit-sets?metrics&id=configId"})
		require.Equal(t, http.StatusOK, r.StatusCode)
		assert.Contains(t, string(r.body), "<Id>configId</Id><Filter>"+filter+"</Filter>")
		r = f.do(t, raw{method: "GET", path: "/nit-sets?metrics"})
		require.Equal(t, http.StatusOK, r.StatusCode)
		assert.Equal(t, 1, strings.Count(string(r.body), "<MetricsConfiguration>"))
		assert.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/nit-sets?metrics&id=configId"}).StatusCode)
	}
	r := f.do(t, nitCRC32(raw{method: "PUT", path: "/nit-sets?intelligent-tiering&id=config-2",
		body: []byte(`<IntelligentTieringConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>config-2</Id><Filter><Prefix>string</Prefix></Filter><Status>Enabled</Status><Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>`)}))
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/nit-sets?intelligent-tiering"})
	assert.Equal(t, 2, strings.Count(string(r.body), "<IntelligentTieringConfiguration>"))
	for _, id := range []string{"configId", "config-2"} {
		assert.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/nit-sets?intelligent-tiering&id=" + id}).StatusCode)
	}
	r = f.do(t, raw{method: "GET", path: "/nit-sets?intelligent-tiering"})
	assert.Equal(t, 0, strings.Count(string(r.body), "<IntelligentTieringConfiguration>"))
}
