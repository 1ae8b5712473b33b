package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What aliyun-oss-csharp-sdk (aliyun/aliyun-oss-csharp-sdk) sends and what
// its tests (test/TestCase/**, run against OSS) assert about OSS's answers
// beyond the suites before it (docs/sdk-suites.md, "aliyun-oss-csharp-sdk's
// tests as a corpus"). Its v1 signer (sdk/Util/SignUtils.cs) signs a
// sub-resource list that is a subset of osslite's, so the fixture's
// "oss-v1" signing sends what it sends.

// ocsPresignV1 builds a v1 presigned URL as the .NET SDK's
// OssRequestSignerV1.PreSign does: the Date line is the expiry, the
// Content-Type, Content-MD5 and x-oss-* headers the URL will be used with
// are signed, and the canonical resource is /bucket/key followed by the
// signed sub-resources (sub, sorted, "name" or "name=value"); extra
// parameters ride unsigned.
func ocsPresignV1(method, bucket, key string, signed http.Header, sub, extra url.Values, expires time.Time) string {
	exp := strconv.FormatInt(expires.Unix(), 10)
	var b strings.Builder
	b.WriteString(method + "\n" + signed.Get("Content-MD5") + "\n" + signed.Get("Content-Type") + "\n" + exp + "\n")
	var hs []string
	for k := range signed {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-oss-") {
			hs = append(hs, lk)
		}
	}
	sort.Strings(hs)
	for _, k := range hs {
		b.WriteString(k + ":" + signed.Get(k) + "\n")
	}
	b.WriteString("/" + bucket + "/" + key)
	var names []string
	for k := range sub {
		names = append(names, k)
	}
	sort.Strings(names)
	for i, k := range names {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		b.WriteString(sep + k)
		if v := sub.Get(k); v != "" {
			b.WriteString("=" + v)
		}
	}
	m := hmac.New(sha1.New, []byte(testSK))
	m.Write([]byte(b.String()))
	q := url.Values{}
	for k, v := range sub {
		q[k] = v
	}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("Expires", exp)
	q.Set("OSSAccessKeyId", testAK)
	q.Set("Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return "/" + bucket + "/" + key + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// ocsWantHeaders checks the headers ObjectCallbackTest asserts on every
// answer: a 24-character request id, x-oss-server-time, a Date of RFC 1123
// length.
func ocsWantHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	assert.Len(t, h.Get("X-Oss-Request-Id"), 24, name)
	assert.NotEmpty(t, h.Get("X-Oss-Server-Time"), name+": x-oss-server-time")
	assert.Len(t, h.Get("Date"), len("Wed, 29 Mar 2017 01:15:58 GMT"), name)
}

// TestOcsServerTime: every OSS answer carries x-oss-server-time, the
// milliseconds the service spent on the request; ObjectCallbackTest
// (PutObjectWithoutCallbackTest, MultipartUploadWithoutCallbackTest)
// asserts it on PutObject, GetObject, InitiateMultipartUpload, UploadPart
// and CompleteMultipartUpload beside the other headers checked here, and
// Aliyun's API reference shows it on every example answer. osslite sent
// none. The same tests' other assertions already matched: PutObject and
// UploadPart answer without Content-Type, with an empty body, ETag and a
// 24-character Content-MD5; InitiateMultipartUpload answers
// application/xml without ETag, Content-MD5 or a CRC; Complete answers
// application/xml with ETag and the CRC but no Content-MD5.
func TestOcsServerTime(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/ocs-time", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	ocsWantHeaders(t, "PutBucket", r.Header)

	body := pattern(3000)
	r = f.do(t, raw{method: "PUT", path: "/ocs-time/k", sign: "oss-v1", body: body, header: hdr("Content-Type", "text/rtf",
		"Cache-Control", "public", "x-oss-server-side-encryption", "AES256", "x-oss-meta-Author", "Mingdi", "x-oss-meta-Category", "C#")})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	ocsWantHeaders(t, "PutObject", r.Header)
	assert.Empty(t, r.body)
	assert.Equal(t, "0", r.Header.Get("Content-Length"))
	assert.NotContains(t, r.Header, "Content-Type")
	assert.NotEmpty(t, r.Header.Get("ETag"))
	assert.Len(t, r.Header.Get("Content-MD5"), 24)
	assert.NotEmpty(t, r.Header.Get("x-oss-hash-crc64ecma"))

	r = f.do(t, raw{method: "GET", path: "/ocs-time/k", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	ocsWantHeaders(t, "GetObject", r.Header)
	assert.Equal(t, "text/rtf", r.Header.Get("Content-Type"))
	assert.Equal(t, "public", r.Header.Get("Cache-Control"))
	assert.Equal(t, "AES256", r.Header.Get("x-oss-server-side-encryption"))
	assert.Equal(t, "Mingdi", r.Header.Get("x-oss-meta-author"))
	assert.Equal(t, "C#", r.Header.Get("x-oss-meta-category"))
	assert.Len(t, r.Header.Get("Content-MD5"), 24)

	r = f.do(t, raw{method: "HEAD", path: "/ocs-time/k?objectMeta", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode)
	ocsWantHeaders(t, "GetObjectMeta", r.Header)
	r = f.do(t, raw{method: "GET", path: "/ocs-time/missing", sign: "oss-v1"})
	require.Equal(t, 404, r.StatusCode)
	ocsWantHeaders(t, "NoSuchKey", r.Header)

	r = f.do(t, raw{method: "POST", path: "/ocs-time/m?uploads", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	ocsWantHeaders(t, "InitiateMultipartUpload", r.Header)
	assert.Equal(t, "application/xml", r.Header.Get("Content-Type"))
	for _, h := range []string{"ETag", "Content-MD5", "x-oss-hash-crc64ecma"} {
		assert.Empty(t, r.Header.Get(h), "InitiateMultipartUpload %s", h)
	}
	var init struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(r.body, &init))

	r = f.do(t, raw{method: "PUT", path: "/ocs-time/m?partNumber=1&uploadId=" + init.UploadId, sign: "oss-v1", body: body})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	ocsWantHeaders(t, "UploadPart", r.Header)
	assert.Empty(t, r.body)
	assert.NotContains(t, r.Header, "Content-Type")
	assert.Len(t, r.Header.Get("Content-MD5"), 24)
	etag := r.Header.Get("ETag")

	doc := "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag + "</ETag></Part></CompleteMultipartUpload>"
	r = f.do(t, raw{method: "POST", path: "/ocs-time/m?uploadId=" + init.UploadId, sign: "oss-v1", body: []byte(doc)})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	ocsWantHeaders(t, "CompleteMultipartUpload", r.Header)
	assert.Equal(t, "application/xml", r.Header.Get("Content-Type"))
	assert.NotEmpty(t, r.Header.Get("ETag"))
	assert.Empty(t, r.Header.Get("Content-MD5"))
	assert.NotEmpty(t, r.Header.Get("x-oss-hash-crc64ecma"))

	// S3 answers carry no such header.
	r = f.do(t, raw{method: "GET", path: "/ocs-time/k"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.NotContains(t, r.Header, "X-Oss-Server-Time")
}
