package httpapi_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"hash/crc64"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/stretchr/testify/require"
)

// The tests in this file send what the Alibaba Cloud OSS SDK for Java
// sends by default (its source: src/main/java/com/aliyun/oss/internal,
// SignParameters, SignUtils, OSSErrorResponseHandler) and hold osslite to
// the answers its integration tests (src/test/java/com/aliyun/oss/
// integrationtests) assert against real OSS (docs/sdk-suites.md,
// "aliyun-oss-java-sdk integration tests as a corpus (thirty-first
// session)").

// ojvSignedParams is SignParameters.SIGNED_PARAMTERS of the Java SDK
// (commit 07be3c8): the query parameters its v1 signer puts in the
// CanonicalizedResource; every other parameter goes out unsigned.
var ojvSignedParams = strings.Fields(`acl uploads location cors logging website
	referer lifecycle delete append tagging objectMeta uploadId partNumber
	security-token position response-cache-control response-content-disposition
	response-content-encoding response-content-language response-content-type
	response-expires img style styleName replication replicationProgress
	replicationLocation cname bucketInfo comp qos live status vod startTime
	endTime x-oss-process processConfiguration symlink stat udf udfName udfImage
	udfImageDesc udfApplication udfApplicationLog restore versions versioning
	versionId encryption policy requestPayment x-oss-traffic-limit qosInfo
	asyncFetch sequential x-oss-request-payer vpcip vip inventory inventoryId
	continuation-token worm wormId wormExtend callback callback-var`)

// ojvSignV1 signs req for bucket and key as the Java SDK's v1 signer
// (SignUtils.buildCanonicalString) does at date: x-oss-* headers
// lowercased and sorted, then /bucket/key and the query parameters of
// ojvSignedParams, sorted, "name" or "name=value" with the value as is.
func ojvSignV1(req *http.Request, bucket, key, ak, sk string, date time.Time) {
	req.Header.Set("Date", date.UTC().Format(http.TimeFormat))
	var b strings.Builder
	b.WriteString(req.Method + "\n" + req.Header.Get("Content-MD5") + "\n" + req.Header.Get("Content-Type") + "\n" + req.Header.Get("Date") + "\n")
	var hs []string
	for k := range req.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-oss-") {
			hs = append(hs, lk)
		}
	}
	sort.Strings(hs)
	for _, k := range hs {
		b.WriteString(k + ":" + strings.TrimSpace(req.Header.Get(k)) + "\n")
	}
	b.WriteString("/" + bucket + "/")
	if bucket != "" {
		b.WriteString(key)
	}
	q, _ := url.ParseQuery(req.URL.RawQuery)
	var ps []string
	for _, name := range ojvSignedParams {
		if vs, ok := q[name]; ok {
			if vs[0] == "" {
				ps = append(ps, name)
			} else {
				ps = append(ps, name+"="+vs[0])
			}
		}
	}
	sort.Strings(ps)
	if len(ps) > 0 {
		b.WriteString("?" + strings.Join(ps, "&"))
	}
	m := hmac.New(sha1.New, []byte(sk))
	m.Write([]byte(b.String()))
	req.Header.Set("Authorization", "OSS "+ak+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

// ojvDo sends a request signed by ojvSignV1 (path-style, as the Java SDK
// addresses an IP endpoint).
func ojvDo(t *testing.T, f *fixture, method, bucket, key, rawQuery string, h http.Header, body []byte) rawResponse {
	t.Helper()
	p := "/" + bucket + "/" + (&url.URL{Path: key}).EscapedPath()
	if rawQuery != "" {
		p += "?" + rawQuery
	}
	if h == nil {
		h = http.Header{}
	}
	req, err := http.NewRequest(method, f.srv.URL+p, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = h
	ojvSignV1(req, bucket, key, testAK, testSK, f.clock.Now())
	return f.do(t, raw{method: method, path: p, header: req.Header, body: body, sign: "keep"})
}

// TestOjvV1SignedSubresources: the Java SDK's v1 signer puts
// processConfiguration (SetBucketProcess/GetBucketProcess, BucketProcesTest),
// vpcip and vip in the CanonicalizedResource, which the Go SDKs never send;
// OSS verifies them so (the Java tests pass against it). A request the
// Java SDK signs that way must not be refused as SignatureDoesNotMatch.
func TestOjvV1SignedSubresources(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-sub"))
	b, err := c.Bucket("ojv-sub")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("k", strings.NewReader("hello")))
	require.NoError(t, b.PutObject("l", strings.NewReader("hello")))
	page, err := b.ListObjectsV2(oss1.MaxKeys(1))
	require.NoError(t, err)
	require.NotEmpty(t, page.NextContinuationToken)

	// What every Java test signs and osslite serves.
	for _, tc := range []struct{ method, key, query string }{
		{"GET", "", "acl"},
		{"HEAD", "k", "objectMeta"},
		{"GET", "", "list-type=2&continuation-token=" + url.QueryEscape(page.NextContinuationToken) + "&max-keys=1"},
		{"GET", "k", "response-content-type=text%2Fplain&response-expires=Thu%2C%2001%20Dec%201994%2016%3A00%3A00%20GMT"},
	} {
		r := ojvDo(t, f, tc.method, "ojv-sub", tc.key, tc.query, nil, nil)
		require.Equal(t, 200, r.StatusCode, "%s ?%s: %s", tc.method, tc.query, r.body)
	}
	// processConfiguration, signed by the Java SDK: never
	// SignatureDoesNotMatch.
	for _, q := range []string{"processConfiguration", "vpcip=10.0.0.1&vip=10.0.0.2"} {
		r := ojvDo(t, f, "GET", "ojv-sub", "", q, nil, nil)
		require.NotEqual(t, "SignatureDoesNotMatch", r.errCode(), "?%s: %s", q, r.body)
		require.NotEqual(t, 403, r.StatusCode, "?%s: %s", q, r.body)
	}
	// Image processing settings are not served: refused, never read as
	// ListObjects or CreateBucket.
	for _, m := range []string{"GET", "PUT"} {
		var body []byte
		if m == "PUT" {
			body = []byte("<BucketProcessConfiguration><CompliedHost>Both</CompliedHost></BucketProcessConfiguration>")
		}
		r := ojvDo(t, f, m, "ojv-sub", "", "processConfiguration", nil, body)
		require.Equal(t, 501, r.StatusCode, "%s ?processConfiguration: %s", m, r.body)
		require.Equal(t, "NotImplemented", r.errCode())
	}
}

// TestOjvRequestTimeTooSkewed: ErrorTest.testRequestTimeTooSkewedErrWithV1:
// a request an hour ahead is 403 RequestTimeTooSkewed, EC 0002-00000504 in
// the body and the x-oss-ec header, the message as OSS words it, and
// RequestTime and ServerTime in the document.
func TestOjvRequestTimeTooSkewed(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-skew"))

	p := "/ojv-skew/?acl"
	req, err := http.NewRequest("GET", f.srv.URL+p, nil)
	require.NoError(t, err)
	ojvSignV1(req, "ojv-skew", "", testAK, testSK, f.clock.Now().Add(time.Hour))
	r := f.do(t, raw{method: "GET", path: p, header: req.Header, sign: "keep"})
	require.Equal(t, 403, r.StatusCode, string(r.body))
	fields := errFields(t, r.body)
	require.Equal(t, "RequestTimeTooSkewed", fields["Code"])
	require.Equal(t, "The difference between the request time and the current time is too large.", fields["Message"])
	require.Equal(t, "0002-00000504", fields["EC"])
	require.Equal(t, "0002-00000504", r.Header.Get("x-oss-ec"))
	require.NotEmpty(t, fields["RequestTime"], string(r.body))
	require.NotEmpty(t, fields["ServerTime"])
	require.NotEmpty(t, r.Header.Get("Date"))
	require.NotEmpty(t, r.Header.Get("Content-Type"))
	require.NotEmpty(t, r.Header.Get("x-oss-request-id"))
}

// TestOjvGetObjectByRange: GetObjectTest.testGetObjectByRange, the ranges
// the Java SDK's setRange sends: "bytes=-0" is InvalidRange; a start after
// the end and a range past the object's end give the whole object.
func TestOjvGetObjectByRange(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK, oss1.EnableCRC(false))
	require.NoError(t, c.CreateBucket("ojv-range"))
	const n = 128 << 10
	body := pattern(n)
	r := ojvDo(t, f, "PUT", "ojv-range", "k", "", nil, body)
	require.Equal(t, 200, r.StatusCode, string(r.body))

	for _, tc := range []struct {
		rng    string
		status int
		length int
	}{
		{"bytes=0-65535", 206, n / 2},
		{"bytes=65536-", 206, n / 2},
		{"bytes=-32768", 206, n / 4},
		{"bytes=65536-32768", 200, n},
		{"bytes=0-262143", 206, n},
	} {
		r := ojvDo(t, f, "GET", "ojv-range", "k", "", hdr("Range", tc.rng), nil)
		require.Equal(t, tc.status, r.StatusCode, "%s: %s", tc.rng, r.body)
		require.Len(t, r.body, tc.length, tc.rng)
	}
	r = ojvDo(t, f, "GET", "ojv-range", "k", "", hdr("Range", "bytes=-0"), nil)
	require.Equal(t, 416, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidRange", r.errCode())
}

// TestOjvIllegalExpiresKeptRaw: GetObjectTest.testGetObjectMetadataWithIllegalExpires:
// an Expires header that is no HTTP date ("2015-10-01 00:00:00") is stored
// and answered as sent, by GET and HEAD.
func TestOjvIllegalExpiresKeptRaw(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-expires"))
	r := ojvDo(t, f, "PUT", "ojv-expires", "k", "", hdr("Expires", "2015-10-01 00:00:00"), []byte("x"))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	for _, m := range []string{"GET", "HEAD"} {
		r = ojvDo(t, f, m, "ojv-expires", "k", "", nil, nil)
		require.Equal(t, 200, r.StatusCode)
		require.Equal(t, "2015-10-01 00:00:00", r.Header.Get("Expires"), m)
	}
}

// TestOjvConditionalGets: GetObjectTest.testUnormalGetObject and
// HeadObjectTest: If-Match, If-None-Match, If-Unmodified-Since and
// If-Modified-Since as the Java SDK sends them (RFC 1123 dates). The
// Java SDK reads a bodiless 304 as NotModified with the message "Not
// Modified" unless x-oss-err holds an error document, whose Message it
// then reports: the test wants a message starting "Not Modified".
func TestOjvConditionalGets(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-cond"))
	before := f.clock.Now().Add(-time.Hour)
	r := ojvDo(t, f, "PUT", "ojv-cond", "k", "", nil, pattern(1024))
	require.Equal(t, 200, r.StatusCode)
	etag := r.Header.Get("ETag")
	later := f.clock.Now().Add(time.Hour)
	date := func(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

	for _, tc := range []struct {
		h      http.Header
		status int
		code   string
	}{
		{hdr("If-Match", etag), 200, ""},
		{hdr("If-Match", `"nonmatching-etag"`), 412, "PreconditionFailed"},
		{hdr("If-None-Match", `"nonmatching-etag"`), 200, ""},
		{hdr("If-None-Match", etag), 304, ""},
		{hdr("If-Unmodified-Since", date(later)), 200, ""},
		{hdr("If-Unmodified-Since", date(before)), 412, "PreconditionFailed"},
		{hdr("If-Modified-Since", date(before)), 200, ""},
		{hdr("If-Modified-Since", date(later)), 304, ""},
	} {
		for _, m := range []string{"GET", "HEAD"} {
			r := ojvDo(t, f, m, "ojv-cond", "k", "", tc.h, nil)
			require.Equal(t, tc.status, r.StatusCode, "%s %v: %s", m, tc.h, r.body)
			if m == "GET" && tc.code != "" {
				require.Equal(t, tc.code, r.errCode())
			}
			if tc.status == 304 {
				if doc := r.Header.Get("x-oss-err"); doc != "" {
					raw, err := base64.StdEncoding.DecodeString(doc)
					require.NoError(t, err)
					require.True(t, strings.HasPrefix(errFields(t, raw)["Message"], "Not Modified"), "%s 304's x-oss-err: %s", m, raw)
				}
			}
		}
	}
}

// TestOjvAppendErrors: AppendObjectTest: an append to a normal object is
// ObjectNotAppendable, one at the wrong position PositionNotEqualToLength,
// one without position MissingArgument, with the messages the Java tests
// check the beginning of; the answers carry x-oss-next-append-position.
func TestOjvAppendErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-append"))
	const n = 128 << 10
	r := ojvDo(t, f, "POST", "ojv-append", "a", "append&position=0", nil, pattern(n))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.Equal(t, "131072", r.Header.Get("x-oss-next-append-position"))
	r = ojvDo(t, f, "HEAD", "ojv-append", "a", "", nil, nil)
	require.Equal(t, "Appendable", r.Header.Get("x-oss-object-type"))

	r = ojvDo(t, f, "POST", "ojv-append", "a", "append&position=131071", nil, pattern(n))
	require.Equal(t, 409, r.StatusCode, string(r.body))
	require.Equal(t, "PositionNotEqualToLength", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "Position is not equal to file length"), string(r.body))

	r = ojvDo(t, f, "PUT", "ojv-append", "n", "", nil, pattern(n))
	require.Equal(t, 200, r.StatusCode)
	r = ojvDo(t, f, "POST", "ojv-append", "n", "append&position=131072", nil, pattern(n))
	require.Equal(t, 409, r.StatusCode, string(r.body))
	require.Equal(t, "ObjectNotAppendable", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "The object is not appendable"), string(r.body))

	r = ojvDo(t, f, "POST", "ojv-append", "m", "append", nil, pattern(n))
	require.Equal(t, 400, r.StatusCode, string(r.body))
	require.Equal(t, "MissingArgument", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "Missing Some Required Arguments."), string(r.body))
}

// TestOjvSimplifiedMetaErrors: GetSimplifiedObjectMetaTest: HEAD
// ?objectMeta answers NoSuchBucket, NoSuchKey (messages from x-oss-err)
// and, with a wrong secret, SignatureDoesNotMatch; on success Content-Length,
// ETag and Last-Modified.
func TestOjvSimplifiedMetaErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-meta"))
	r := ojvDo(t, f, "PUT", "ojv-meta", "k", "", nil, pattern(1024))
	require.Equal(t, 200, r.StatusCode)
	etag := r.Header.Get("ETag")
	require.Len(t, r.Header.Get("x-oss-request-id"), 24, "REQUEST_ID_LEN")

	r = ojvDo(t, f, "HEAD", "ojv-meta", "k", "objectMeta", nil, nil)
	require.Equal(t, 200, r.StatusCode)
	require.Equal(t, "1024", r.Header.Get("Content-Length"))
	require.Equal(t, etag, r.Header.Get("ETag"))
	require.NotEmpty(t, r.Header.Get("Last-Modified"))

	xerr := func(r rawResponse) map[string]string {
		raw, err := base64.StdEncoding.DecodeString(r.Header.Get("x-oss-err"))
		require.NoError(t, err)
		return errFields(t, raw)
	}
	r = ojvDo(t, f, "HEAD", "nonexistent-bukcet", "k", "objectMeta", nil, nil)
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchBucket", xerr(r)["Code"])
	require.True(t, strings.HasPrefix(xerr(r)["Message"], "The specified bucket does not exist."))
	r = ojvDo(t, f, "HEAD", "ojv-meta", "nonexistent-object", "objectMeta", nil, nil)
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchKey", xerr(r)["Code"])
	require.True(t, strings.HasPrefix(xerr(r)["Message"], "The specified key does not exist."))

	p := "/ojv-meta/nonexistent-object?objectMeta"
	req, err := http.NewRequest("HEAD", f.srv.URL+p, nil)
	require.NoError(t, err)
	ojvSignV1(req, "ojv-meta", "nonexistent-object", testAK, testSK+" ", f.clock.Now())
	r = f.do(t, raw{method: "HEAD", path: p, header: req.Header, sign: "keep"})
	require.Equal(t, 403, r.StatusCode)
	require.Equal(t, "SignatureDoesNotMatch", xerr(r)["Code"])
}

// ojvPresignV1 is the Java SDK's generatePresignedUrl with signature v1:
// the string to sign has the expiry in place of the date, the signed
// headers (Content-Type, Content-MD5, x-oss-*) and the resource with the
// parameters of ojvSignedParams; extra holds parameters sent unsigned.
func ojvPresignV1(method, bucket, key string, signed http.Header, extra url.Values, expires time.Time) string {
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
		b.WriteString(k + ":" + strings.TrimSpace(signed.Get(k)) + "\n")
	}
	b.WriteString("/" + bucket + "/" + key)
	m := hmac.New(sha1.New, []byte(testSK))
	m.Write([]byte(b.String()))
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("Expires", exp)
	q.Set("OSSAccessKeyId", testAK)
	q.Set("Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return "/" + bucket + "/" + key + "?" + q.Encode()
}

// TestOjvPresignedV1: PutObjectTest.testPutObjectByUrlSignature,
// ObjectWithPrefixSlashTest.testPutObjectWithSignedUrl and
// GetObjectTest.testGetObjectByUrlsignature: a v1 URL signing Content-Type
// and x-oss-* headers, used with a chunked body (the SDK's
// useChunkEncoding) or a Content-Length, an unsigned header ("abc") and an
// unsigned query parameter ("param1") beside the signed ones; a GET URL
// signing Content-Type used with a Range.
func TestOjvPresignedV1(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-presign"))
	exp := f.clock.Now().Add(time.Hour)
	const n = 128 << 10
	body := pattern(n)

	signed := hdr("Content-Type", "application/octet-stream", "x-oss-meta-author", "aliy")
	u := ojvPresignV1("PUT", "ojv-presign", "put-object-by-urlsignature", signed, nil, exp)
	for _, chunked := range []bool{true, false} {
		req, err := http.NewRequest("PUT", f.srv.URL+u, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header = signed.Clone()
		if chunked {
			req.ContentLength = -1
			req.Body = io.NopCloser(bytes.NewReader(body)) // no length: chunked
		}
		resp, err := f.httpClient().Do(req)
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, "chunked %v: %s", chunked, got)
		r := ojvDo(t, f, "HEAD", "ojv-presign", "put-object-by-urlsignature", "", nil, nil)
		require.Equal(t, "131072", r.Header.Get("Content-Length"))
		require.Equal(t, "application/octet-stream", r.Header.Get("Content-Type"))
		require.Equal(t, "aliy", r.Header.Get("x-oss-meta-author"))
	}

	signed = hdr("Content-Type", "application/octet-stream", "x-oss-head1", "value")
	u = ojvPresignV1("PUT", "ojv-presign", "abc/put-object-prefix-slash-by-urlSignature", signed, url.Values{"param1": {"value1"}}, exp)
	h := signed.Clone()
	h.Set("abc", "value")
	r := f.do(t, raw{method: "PUT", path: u, header: h, body: pattern(1024), sign: "keep"})
	require.Equal(t, 200, r.StatusCode, string(r.body))

	signed = hdr("Content-Type", "application/octet-stream")
	u = ojvPresignV1("GET", "ojv-presign", "put-object-by-urlsignature", signed, nil, exp)
	h = signed.Clone()
	h.Set("Range", "bytes=65536-131071")
	r = f.do(t, raw{method: "GET", path: u, header: h, sign: "keep"})
	require.Equal(t, 206, r.StatusCode, string(r.body))
	require.Equal(t, body[n/2:], r.body)
}

// TestOjvCRC64Headers: CRCChecksumTest: x-oss-hash-crc64ecma on PutObject
// (also chunked), on each append (the whole object's, which the SDK
// checks against its running CRC), on UploadPart and
// CompleteMultipartUpload, on a ranged GET (the whole object's, equal to
// the full GET's), and 0 for an empty object.
func TestOjvCRC64Headers(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-crc"))
	tab := crc64.MakeTable(crc64.ECMA)
	crc := func(b []byte) string { return strconv.FormatUint(crc64.Checksum(b, tab), 10) }

	body := pattern(100 << 10)
	r := ojvDo(t, f, "PUT", "ojv-crc", "get-object-crc", "", nil, body)
	require.Equal(t, crc(body), r.Header.Get("x-oss-hash-crc64ecma"))
	full := ojvDo(t, f, "GET", "ojv-crc", "get-object-crc", "", nil, nil)
	require.Equal(t, crc(body), full.Header.Get("x-oss-hash-crc64ecma"))
	part := ojvDo(t, f, "GET", "ojv-crc", "get-object-crc", "", hdr("Range", "bytes=100-10000"), nil)
	require.Equal(t, 206, part.StatusCode)
	require.Equal(t, crc(body), part.Header.Get("x-oss-hash-crc64ecma"), "a ranged GET answers the whole object's CRC")

	r = ojvDo(t, f, "PUT", "ojv-crc", "empty", "", nil, []byte{})
	require.Equal(t, "0", r.Header.Get("x-oss-hash-crc64ecma"))
	r = ojvDo(t, f, "GET", "ojv-crc", "empty", "", nil, nil)
	require.Equal(t, "0", r.Header.Get("x-oss-hash-crc64ecma"))

	content := []byte("Hello OSS, Hi OSS.")
	var all []byte
	for i := 0; i < 3; i++ {
		r = ojvDo(t, f, "POST", "ojv-crc", "append-object-crc", "append&position="+strconv.Itoa(len(all)), nil, content)
		require.Equal(t, 200, r.StatusCode, string(r.body))
		all = append(all, content...)
		require.Equal(t, crc(all), r.Header.Get("x-oss-hash-crc64ecma"), "append %d", i+1)
	}

	b, err := c.Bucket("ojv-crc")
	require.NoError(t, err)
	im, err := b.InitiateMultipartUpload("mutil-upload-object-crc")
	require.NoError(t, err)
	var parts []oss1.UploadPart
	all = nil
	for i := 0; i < 5; i++ {
		p := pattern(100 << 10 * (i + 1))
		r = ojvDo(t, f, "PUT", "ojv-crc", "mutil-upload-object-crc", "partNumber="+strconv.Itoa(i+1)+"&uploadId="+im.UploadID, nil, p)
		require.Equal(t, 200, r.StatusCode, string(r.body))
		require.Equal(t, crc(p), r.Header.Get("x-oss-hash-crc64ecma"), "part %d", i+1)
		parts = append(parts, oss1.UploadPart{PartNumber: i + 1, ETag: r.Header.Get("ETag")})
		all = append(all, p...)
	}
	var ch http.Header
	_, err = b.CompleteMultipartUpload(im, parts, oss1.GetResponseHeader(&ch))
	require.NoError(t, err)
	require.Equal(t, crc(all), ch.Get("x-oss-hash-crc64ecma"), "CompleteMultipartUpload")
	r = ojvDo(t, f, "HEAD", "ojv-crc", "mutil-upload-object-crc", "", nil, nil)
	require.Equal(t, crc(all), r.Header.Get("x-oss-hash-crc64ecma"))
}

// TestOjvPutObjectErrors: PutObjectTest.testUnormalPutObject: NoSuchBucket
// with OSS's message, an unknown x-oss-server-side-encryption is
// InvalidEncryptionAlgorithmError whose message starts "The Encryption
// request you specified is not valid. Supported value: AES25", a
// Content-MD5 that is no digest is InvalidDigest, "The Content-MD5 you
// specified was invalid."; CopyObjectTest.testCopyExistingObject: a copy
// answers the source's ETag, also in place with new metadata.
func TestOjvPutObjectErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-put"))

	r := ojvDo(t, f, "PUT", "nonexistent-bucket", "k", "", nil, pattern(128))
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchBucket", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "The specified bucket does not exist."), string(r.body))

	r = ojvDo(t, f, "PUT", "ojv-put", "k", "", hdr("x-oss-server-side-encryption", "Invalid-Server-Side-Encryption"), pattern(128))
	require.Equal(t, 400, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidEncryptionAlgorithmError", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "The Encryption request you specified is not valid. Supported value: AES25"), string(r.body))

	r = ojvDo(t, f, "PUT", "ojv-put", "k", "", hdr("Content-MD5", "Invalid-Content-MD5"), pattern(128))
	require.Equal(t, 400, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidDigest", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "The Content-MD5 you specified was invalid."), string(r.body))

	r = ojvDo(t, f, "PUT", "ojv-put", "src", "", hdr("Content-Type", "application/octet-stream", "x-oss-meta-user", "aliy"), []byte("Aliyun"))
	require.Equal(t, 200, r.StatusCode)
	etag := r.Header.Get("ETag")
	r = ojvDo(t, f, "PUT", "ojv-put", "dst", "", hdr("x-oss-copy-source", "/ojv-put/src"), nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.Equal(t, etag, errFields(t, r.body)["ETag"], "CopyObjectResult's ETag")
	r = ojvDo(t, f, "PUT", "ojv-put", "src", "", hdr("x-oss-copy-source", "/ojv-put/src", "x-oss-metadata-directive", "REPLACE",
		"Content-Type", "application/txt", "x-oss-meta-tag", "copy-object"), nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.Equal(t, etag, errFields(t, r.body)["ETag"], "CopyObjectResult's ETag")
	r = ojvDo(t, f, "HEAD", "ojv-put", "src", "", nil, nil)
	require.Equal(t, "application/txt", r.Header.Get("Content-Type"))
	require.Equal(t, "copy-object", r.Header.Get("x-oss-meta-tag"))
	require.Empty(t, r.Header.Get("x-oss-meta-user"))
}

// TestOjvCreateBucketAgain: CreateBucketTest.testPutWithDefaultLocation
// and testPutWithCannedACL: the owner's PutBucket of its bucket succeeds
// again; with x-oss-acl it sets the bucket's ACL (it is PutBucketAcl),
// without one it leaves it.
func TestOjvCreateBucketAgain(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithRegion("cn-hangzhou")}})
	aclOf := func() string {
		r := ojvDo(t, f, "GET", "ojv-again", "", "acl", nil, nil)
		require.Equal(t, 200, r.StatusCode, string(r.body))
		return string(r.body)
	}
	for i, tc := range []struct{ acl, want string }{
		{"", "private"}, {"", "private"},
		{"public-read", "public-read"}, {"", "public-read"},
		{"public-read-write", "public-read-write"}, {"", "public-read-write"},
	} {
		h := http.Header{}
		if tc.acl != "" {
			h.Set("x-oss-acl", tc.acl)
		}
		r := ojvDo(t, f, "PUT", "ojv-again", "", "", h, nil)
		require.Equal(t, 200, r.StatusCode, "PutBucket %d (%q): %s", i, tc.acl, r.body)
		require.Contains(t, aclOf(), "<Grant>"+tc.want+"</Grant>", "after PutBucket %d (%q)", i, tc.acl)
	}
	r := ojvDo(t, f, "GET", "ojv-again", "", "location", nil, nil)
	require.Contains(t, string(r.body), "oss-cn-hangzhou")
}

// TestOjvCreateBucketLocation: CreateBucketTest's location tests: a
// LocationConstraint OSS does not know, or another region's, is
// InvalidLocationConstraint, also for the owner's existing bucket; the
// endpoint's own region is taken.
func TestOjvCreateBucketLocation(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithRegion("cn-hangzhou")}})
	r := ojvDo(t, f, "PUT", "ojv-again", "", "", nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	conf := func(loc string) []byte {
		return []byte("<CreateBucketConfiguration><LocationConstraint>" + loc + "</LocationConstraint></CreateBucketConfiguration>")
	}
	for _, tc := range []struct{ bucket, loc string }{
		{"ojv-unsupported", "oss-cn-zhengzhou"},
		{"ojv-inconsistent", "oss-ap-southeast-1"},
		{"ojv-again", "oss-ap-southeast-1"},
	} {
		r := ojvDo(t, f, "PUT", tc.bucket, "", "", nil, conf(tc.loc))
		require.Equal(t, 400, r.StatusCode, "%s in %s: %s", tc.bucket, tc.loc, r.body)
		require.Equal(t, "InvalidLocationConstraint", r.errCode())
		require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "The specified location-constraint is not valid"), string(r.body))
	}
	r = ojvDo(t, f, "PUT", "ojv-located", "", "", nil, conf("oss-cn-hangzhou"))
	require.Equal(t, 200, r.StatusCode, string(r.body))
}

// TestOjvRefererAndBucketErrors: BucketRefererTest: the Java SDK's
// referer documents (no XML declaration, "<RefererList/>" when empty)
// are taken and read back, wildcards kept; a bucket without a referer
// configuration answers AllowEmptyReferer true and no referers;
// PutBucketReferer and GetBucketReferer of a missing bucket are
// NoSuchBucket. DeleteBucketTest: NoSuchBucket and BucketNotEmpty.
// OptionObjectTest: a preflight to a bucket without CORS rules is 403.
func TestOjvRefererAndBucketErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-referer"))

	r := ojvDo(t, f, "GET", "ojv-referer", "", "referer", nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.Contains(t, string(r.body), "<AllowEmptyReferer>true</AllowEmptyReferer>")
	require.NotContains(t, string(r.body), "<Referer>")

	set := func(bucket, doc string) rawResponse {
		return ojvDo(t, f, "PUT", bucket, "", "referer", nil, []byte(doc))
	}
	r = set("ojv-referer", "<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer><RefererList><Referer>http://www.aliyun.com</Referer><Referer>https://www.aliyun.com</Referer><Referer>http://www.*.com</Referer><Referer>https://www.?.aliyuncs.com</Referer></RefererList></RefererConfiguration>")
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-referer", "", "referer", nil, nil)
	for _, ref := range []string{"http://www.aliyun.com", "https://www.aliyun.com", "http://www.*.com", "https://www.?.aliyuncs.com"} {
		require.Contains(t, string(r.body), "<Referer>"+ref+"</Referer>")
	}
	r = set("ojv-referer", "<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer><RefererList/></RefererConfiguration>")
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-referer", "", "referer", nil, nil)
	require.NotContains(t, string(r.body), "<Referer>")
	r = set("ojv-referer", "<RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer><RefererList/></RefererConfiguration>")
	require.Equal(t, 200, r.StatusCode, "no referers and no empty referer: taken (the test's \"Why not failed ?\"): %s", r.body)
	r = ojvDo(t, f, "GET", "ojv-referer", "", "referer", nil, nil)
	require.Contains(t, string(r.body), "<AllowEmptyReferer>false</AllowEmptyReferer>")

	for _, m := range []string{"PUT", "GET"} {
		var body []byte
		if m == "PUT" {
			body = []byte("<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer><RefererList/></RefererConfiguration>")
		}
		r = ojvDo(t, f, m, "nonexistent-bucket", "", "referer", nil, body)
		require.Equal(t, 404, r.StatusCode, "%s: %s", m, r.body)
		require.Equal(t, "NoSuchBucket", r.errCode())
	}

	r = ojvDo(t, f, "DELETE", "delete-nonexistent-bucket", "", "", nil, nil)
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchBucket", r.errCode())
	r = ojvDo(t, f, "PUT", "ojv-referer", "k", "", nil, []byte("x"))
	require.Equal(t, 200, r.StatusCode)
	r = ojvDo(t, f, "DELETE", "ojv-referer", "", "", nil, nil)
	require.Equal(t, 409, r.StatusCode)
	require.Equal(t, "BucketNotEmpty", r.errCode())

	r = f.do(t, raw{method: "OPTIONS", path: "/ojv-referer/k", sign: "anon",
		header: hdr("Origin", "http://www.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-oss-test")})
	require.Equal(t, 403, r.StatusCode, string(r.body))
}

// TestOjvListObjectsDefaults: ListObjectsTest: without max-keys OSS lists
// 100 keys and says MaxKeys 100, with NextMarker and IsTruncated; keys
// holding control characters ("\x01\x07") are stored and listed with
// encoding-type=url, EncodingType echoed; a marker naming no key lists
// from after it.
func TestOjvListObjectsDefaults(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-list"))
	b, err := c.Bucket("ojv-list")
	require.NoError(t, err)
	for i := 0; i <= 120; i++ {
		if i == 13 {
			continue
		}
		require.NoError(t, b.PutObject("unormal-list-objects-"+strconv.Itoa(1000+i), strings.NewReader("x")))
	}
	type listing struct {
		MaxKeys      int
		IsTruncated  bool
		NextMarker   string
		Marker       string
		EncodingType string
		Contents     []struct{ Key string }
	}
	list := func(q string) listing {
		r := ojvDo(t, f, "GET", "ojv-list", "", q, nil, nil)
		require.Equal(t, 200, r.StatusCode, string(r.body))
		var l listing
		require.NoError(t, xml.Unmarshal(r.body, &l), string(r.body))
		return l
	}
	l := list("")
	require.Equal(t, 100, l.MaxKeys)
	require.Len(t, l.Contents, 100)
	require.True(t, l.IsTruncated)
	require.NotEmpty(t, l.NextMarker)
	l = list("marker=unormal-list-objects-1013&max-keys=1000")
	require.Equal(t, "unormal-list-objects-1013", l.Marker)
	require.Len(t, l.Contents, 107)
	require.Equal(t, "unormal-list-objects-1014", l.Contents[0].Key)
	require.False(t, l.IsTruncated)
	require.Empty(t, l.NextMarker)

	keys := []string{"object-with-special-characters-\x01\x07", "object-with-special-characters-\x02\x07"}
	for _, k := range keys {
		r := ojvDo(t, f, "PUT", "ojv-list", k, "", nil, []byte("x"))
		require.Equal(t, 200, r.StatusCode, "%q: %s", k, r.body)
	}
	l = list("prefix=object-with-special-characters-&encoding-type=url")
	require.Equal(t, "url", l.EncodingType)
	require.Len(t, l.Contents, 2)
	for i, o := range l.Contents {
		k, err := url.QueryUnescape(o.Key)
		require.NoError(t, err)
		require.Equal(t, keys[i], k)
	}
}

// TestOjvV4SigningProduct: ErrorTest.testErr: a v4 request signed for
// the product "oss-cloudbox" (the SDK with a cloudBoxId) at an OSS
// endpoint is 400 InvalidArgument, "Invalid signing product in
// Authorization header.", EC 0002-00000227; "oss" is served.
func TestOjvV4SigningProduct(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-product"))
	for _, tc := range []struct {
		region, product string
		status          int
	}{
		{"cn-hangzhou", "oss", 404},
		{"1", "oss-cloudbox", 400},
	} {
		req, err := http.NewRequest("HEAD", f.srv.URL+"/ojv-product/normal-get-simplified-object-meta", nil)
		require.NoError(t, err)
		ossauth.SignRequestV4(req, ossauth.Resource{Bucket: "ojv-product", Key: "normal-get-simplified-object-meta"},
			ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, f.clock.Now(),
			ossauth.V4Options{Region: tc.region, Product: tc.product})
		r := f.do(t, raw{method: "HEAD", path: "/ojv-product/normal-get-simplified-object-meta", header: req.Header, sign: "keep"})
		require.Equal(t, tc.status, r.StatusCode, tc.product)
		raw, err := base64.StdEncoding.DecodeString(r.Header.Get("x-oss-err"))
		require.NoError(t, err)
		e := errFields(t, raw)
		if tc.status == 400 {
			require.Equal(t, "InvalidArgument", e["Code"])
			require.Equal(t, "Invalid signing product in Authorization header.", e["Message"])
			require.Equal(t, "0002-00000227", e["EC"])
			require.Equal(t, "0002-00000227", r.Header.Get("x-oss-ec"))
		} else {
			require.Equal(t, "NoSuchKey", e["Code"])
			require.Equal(t, "0026-00000001", e["EC"])
		}
	}
}

// TestOjvArchiveBucket: ArchiveTest: in a bucket created with
// StorageClass Archive an object is Archive, its GET is InvalidObjectState
// until restored, and RestoreObject without a body (the SDK's
// restoreObject(bucket, key)) is accepted (202), again while in progress
// (409 RestoreAlreadyInProgress).
func TestOjvArchiveBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := ojvDo(t, f, "PUT", "ojv-archive", "", "", nil, []byte("<CreateBucketConfiguration><StorageClass>Archive</StorageClass></CreateBucketConfiguration>"))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "PUT", "ojv-archive", "normal-create-archive.txt", "", nil, pattern(1024))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "HEAD", "ojv-archive", "normal-create-archive.txt", "", nil, nil)
	require.Equal(t, "Archive", r.Header.Get("x-oss-storage-class"))
	r = ojvDo(t, f, "GET", "ojv-archive", "normal-create-archive.txt", "", nil, nil)
	require.Equal(t, 403, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidObjectState", r.errCode())
	r = ojvDo(t, f, "POST", "ojv-archive", "normal-create-archive.txt", "restore", nil, nil)
	require.Equal(t, 202, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "HEAD", "ojv-archive", "normal-create-archive.txt", "", nil, nil)
	require.Equal(t, `ongoing-request="true"`, r.Header.Get("x-oss-restore"))
	r = ojvDo(t, f, "POST", "ojv-archive", "normal-create-archive.txt", "restore", nil, nil)
	require.Equal(t, 409, r.StatusCode, string(r.body))
	require.Equal(t, "RestoreAlreadyInProgress", r.errCode())
	r = ojvDo(t, f, "DELETE", "ojv-archive", "normal-create-archive.txt", "", nil, nil)
	require.Equal(t, 204, r.StatusCode, string(r.body))
}

// TestOjvVersionIDs: ObjectVersionTest: in a versioned bucket PutObject,
// CompleteMultipartUpload, CopyObject (of a source version), a symlink to
// itself and UploadPartCopy of a version answer version IDs, which GET
// returns; deleting a version makes it NoSuchVersion; keys with a tab and
// punctuation list and delete by version. (OSS's IDs are 64 characters,
// which the Java test checks; osslite's are 16: docs/sdk-suites.md, the
// section of this corpus, lists it.)
func TestOjvVersionIDs(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-versions"))
	r := ojvDo(t, f, "PUT", "ojv-versions", "", "versioning", nil, []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"))
	require.Equal(t, 200, r.StatusCode, string(r.body))

	r = ojvDo(t, f, "PUT", "ojv-versions", "version-test-put-object", "", nil, pattern(1024))
	vid := r.Header.Get("x-oss-version-id")
	require.NotEmpty(t, vid, "PutObject's version id")
	r = ojvDo(t, f, "GET", "ojv-versions", "version-test-put-object", "versionId="+url.QueryEscape(vid), nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.Equal(t, vid, r.Header.Get("x-oss-version-id"))

	r = ojvDo(t, f, "PUT", "ojv-versions", "version-test-dest", "", hdr("x-oss-copy-source", "/ojv-versions/version-test-put-object?versionId="+vid), nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.NotEmpty(t, r.Header.Get("x-oss-version-id"), "CopyObject")

	r = ojvDo(t, f, "PUT", "ojv-versions", "version-test-symlink", "", nil, pattern(1024))
	require.Equal(t, 200, r.StatusCode)
	r = ojvDo(t, f, "PUT", "ojv-versions", "version-test-symlink", "symlink", hdr("x-oss-symlink-target", "version-test-symlink"), nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-versions", "version-test-symlink", "symlink", nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.NotEmpty(t, r.Header.Get("x-oss-version-id"), "GetSymlink")

	r = ojvDo(t, f, "POST", "ojv-versions", "version-test-upload-part-copy-dest", "uploads", nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	uploadID := errFields(t, r.body)["UploadId"]
	r = ojvDo(t, f, "PUT", "ojv-versions", "version-test-upload-part-copy-dest", "partNumber=1&uploadId="+uploadID,
		hdr("x-oss-copy-source", "/ojv-versions/version-test-put-object?versionId="+vid), nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	etag := errFields(t, r.body)["ETag"]
	r = ojvDo(t, f, "POST", "ojv-versions", "version-test-upload-part-copy-dest", "uploadId="+uploadID, nil,
		[]byte("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"+etag+"</ETag></Part></CompleteMultipartUpload>"))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	cvid := r.Header.Get("x-oss-version-id")
	require.NotEmpty(t, cvid, "CompleteMultipartUpload")
	r = ojvDo(t, f, "HEAD", "ojv-versions", "version-test-upload-part-copy-dest", "", nil, nil)
	require.Equal(t, cvid, r.Header.Get("x-oss-version-id"))

	r = ojvDo(t, f, "DELETE", "ojv-versions", "version-test-put-object", "versionId="+url.QueryEscape(vid), nil, nil)
	require.Equal(t, 204, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-versions", "version-test-put-object", "versionId="+url.QueryEscape(vid), nil, nil)
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchVersion", r.errCode())

	prefix := "\t 123_.*  中文-!@#$%^&*()_+-=;'\"~`><?/':[]|\\"
	for _, k := range []string{prefix + "-1", prefix + "-1", prefix + "-2"} {
		r = ojvDo(t, f, "PUT", "ojv-versions", k, "", nil, pattern(1024))
		require.Equal(t, 200, r.StatusCode, "%q: %s", k, r.body)
	}
	r = ojvDo(t, f, "DELETE", "ojv-versions", prefix+"-2", "", nil, nil)
	require.Equal(t, 204, r.StatusCode)
	r = ojvDo(t, f, "GET", "ojv-versions", "", "versions&encoding-type=url&prefix="+url.QueryEscape(prefix), nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	var vl struct {
		Version      []struct{ Key, VersionId string }
		DeleteMarker []struct{ Key, VersionId string }
	}
	require.NoError(t, xml.Unmarshal(r.body, &vl))
	require.Len(t, vl.Version, 3)
	require.Len(t, vl.DeleteMarker, 1)
	var del strings.Builder
	del.WriteString("<Delete><Quiet>false</Quiet>")
	for _, v := range append(vl.Version, vl.DeleteMarker...) {
		k, err := url.QueryUnescape(v.Key)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(k, prefix), "%q", k)
		var esc bytes.Buffer
		require.NoError(t, xml.EscapeText(&esc, []byte(k)))
		del.WriteString("<Object><Key>" + esc.String() + "</Key><VersionId>" + v.VersionId + "</VersionId></Object>")
	}
	del.WriteString("</Delete>")
	body := []byte(del.String())
	sum := md5.Sum(body)
	r = ojvDo(t, f, "POST", "ojv-versions", "", "delete", hdr("Content-MD5", base64.StdEncoding.EncodeToString(sum[:])), body)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.Equal(t, 4, strings.Count(string(r.body), "<Deleted>"), string(r.body))
	r = ojvDo(t, f, "GET", "ojv-versions", "", "versions&prefix="+url.QueryEscape(prefix), nil, nil)
	require.NotContains(t, string(r.body), "<Version>")
}

// TestOjvVersionHeaders: ObjectVersionTest.testGetObjectMetadata,
// testObjectAcl, testRestoreObject and testObjectTagging: the answers to
// HEAD, HEAD ?objectMeta, GET ?acl and POST ?restore of a version name it
// in x-oss-version-id (the SDK reads the version from there), the ACL and
// tags of one version are its own.
func TestOjvVersionHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-vhdr"))
	r := ojvDo(t, f, "PUT", "ojv-vhdr", "", "versioning", nil, []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	v1 := ojvDo(t, f, "PUT", "ojv-vhdr", "k", "", hdr("x-oss-storage-class", "Archive"), pattern(512)).Header.Get("x-oss-version-id")
	v2 := ojvDo(t, f, "PUT", "ojv-vhdr", "k", "", nil, pattern(1024)).Header.Get("x-oss-version-id")
	require.NotEqual(t, v1, v2)
	q1 := "versionId=" + url.QueryEscape(v1)

	for _, tc := range []struct{ method, query string }{
		{"HEAD", q1}, {"HEAD", "objectMeta&" + q1}, {"GET", "acl&" + q1},
	} {
		r := ojvDo(t, f, tc.method, "ojv-vhdr", "k", tc.query, nil, nil)
		require.Equal(t, 200, r.StatusCode, "%s ?%s: %s", tc.method, tc.query, r.body)
		require.Equal(t, v1, r.Header.Get("x-oss-version-id"), "%s ?%s", tc.method, tc.query)
		if tc.method == "HEAD" {
			require.Equal(t, "512", r.Header.Get("Content-Length"), "%s ?%s", tc.method, tc.query)
		}
	}
	r = ojvDo(t, f, "PUT", "ojv-vhdr", "k", "acl&"+q1, hdr("x-oss-object-acl", "public-read"), nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-vhdr", "k", "acl&"+q1, nil, nil)
	require.Contains(t, string(r.body), "<Grant>public-read</Grant>")
	r = ojvDo(t, f, "GET", "ojv-vhdr", "k", "acl", nil, nil)
	require.Contains(t, string(r.body), "<Grant>default</Grant>")

	r = ojvDo(t, f, "PUT", "ojv-vhdr", "k", "tagging&"+q1, nil, []byte("<Tagging><TagSet><Tag><Key>tag1</Key><Value>balabala</Value></Tag><Tag><Key>tag2</Key><Value>haha</Value></Tag></TagSet></Tagging>"))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-vhdr", "k", "tagging&"+q1, nil, nil)
	require.Equal(t, 2, strings.Count(string(r.body), "<Tag>"))
	r = ojvDo(t, f, "DELETE", "ojv-vhdr", "k", "tagging&"+q1, nil, nil)
	require.Equal(t, 204, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-vhdr", "k", "tagging&"+q1, nil, nil)
	require.Equal(t, 0, strings.Count(string(r.body), "<Tag>"))

	r = ojvDo(t, f, "POST", "ojv-vhdr", "k", "restore&"+q1, nil, nil)
	require.Equal(t, 202, r.StatusCode, string(r.body))
	require.Equal(t, v1, r.Header.Get("x-oss-version-id"))
}

// TestOjvLifecycleAsJavaSends: BucketLifecycleTest: the SDK's lifecycle
// documents (rule IDs with spaces and parentheses, an expiration Date in
// the past, CreatedBeforeDate for expiration, parts and transitions, two
// transitions, no ID and an empty Prefix element) are taken and read back
// in order; GetBucketLifecycle of a bucket without one is NoSuchLifecycle,
// "No Row found in Lifecycle Table.", DeleteBucketLifecycle of it is 204;
// BucketCORSTest: NoSuchCORSConfiguration, "The CORS Configuration does
// not exist.".
func TestOjvLifecycleAsJavaSends(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-lifecycle"))

	r := ojvDo(t, f, "GET", "ojv-lifecycle", "", "lifecycle", nil, nil)
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchLifecycle", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "No Row found in Lifecycle Table."), string(r.body))
	r = ojvDo(t, f, "DELETE", "ojv-lifecycle", "", "lifecycle", nil, nil)
	require.Equal(t, 204, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-lifecycle", "", "cors", nil, nil)
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchCORSConfiguration", r.errCode())
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "The CORS Configuration does not exist."), string(r.body))

	const date = "2022-10-12T00:00:00.000Z"
	doc := "<LifecycleConfiguration>" +
		"<Rule><ID>delete obsoleted files</ID><Prefix>obsoleted0/</Prefix><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>" +
		"<Rule><ID>delete temporary files</ID><Prefix>temporary0/</Prefix><Status>Enabled</Status><Expiration><Date>" + date + "</Date></Expiration></Rule>" +
		"<Rule><ID>delete obsoleted multipart files</ID><Prefix>obsoleted1/</Prefix><Status>Enabled</Status><Expiration><Days>3</Days></Expiration><AbortMultipartUpload><Days>3</Days></AbortMultipartUpload></Rule>" +
		"<Rule><ID>delete temporary multipart files</ID><Prefix>temporary1/</Prefix><Status>Enabled</Status><Expiration><Days>30</Days></Expiration><AbortMultipartUpload><CreatedBeforeDate>" + date + "</CreatedBeforeDate></AbortMultipartUpload>" +
		"<Transition><Days>10</Days><StorageClass>IA</StorageClass></Transition><Transition><Days>20</Days><StorageClass>Archive</StorageClass></Transition></Rule>" +
		"<Rule><ID>delete temporary files(2)</ID><Prefix>temporary2/</Prefix><Status>Enabled</Status><Expiration><CreatedBeforeDate>" + date + "</CreatedBeforeDate></Expiration></Rule>" +
		"<Rule><ID>delete temporary files(3)</ID><Prefix>temporary3/</Prefix><Status>Enabled</Status><Transition><CreatedBeforeDate>" + date + "</CreatedBeforeDate><StorageClass>Archive</StorageClass></Transition></Rule>" +
		"</LifecycleConfiguration>"
	r = ojvDo(t, f, "PUT", "ojv-lifecycle", "", "lifecycle", nil, []byte(doc))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-lifecycle", "", "lifecycle", nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	var lc struct {
		Rule []struct {
			ID, Prefix, Status string
			Expiration         struct{ Days, Date, CreatedBeforeDate string }
			Abort              struct{ Days, CreatedBeforeDate string } `xml:"AbortMultipartUpload"`
			Transition         []struct{ Days, CreatedBeforeDate, StorageClass string }
		}
	}
	require.NoError(t, xml.Unmarshal(r.body, &lc))
	require.Len(t, lc.Rule, 6, string(r.body))
	require.Equal(t, "delete temporary files(2)", lc.Rule[4].ID)
	require.Equal(t, date, lc.Rule[1].Expiration.Date)
	require.Equal(t, "3", lc.Rule[2].Abort.Days)
	require.Equal(t, date, lc.Rule[3].Abort.CreatedBeforeDate)
	require.Len(t, lc.Rule[3].Transition, 2)
	require.Equal(t, "Archive", lc.Rule[3].Transition[1].StorageClass)
	require.Equal(t, date, lc.Rule[4].Expiration.CreatedBeforeDate)
	require.Equal(t, date, lc.Rule[5].Transition[0].CreatedBeforeDate)
	require.Empty(t, lc.Rule[5].Expiration.Days+lc.Rule[5].Expiration.Date+lc.Rule[5].Expiration.CreatedBeforeDate)

	for _, doc := range []string{
		"<LifecycleConfiguration><Rule><Prefix>obsoleted0/</Prefix><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule></LifecycleConfiguration>",
		"<LifecycleConfiguration><Rule><Prefix></Prefix><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>",
	} {
		r = ojvDo(t, f, "PUT", "ojv-lifecycle", "", "lifecycle", nil, []byte(doc))
		require.Equal(t, 200, r.StatusCode, "%s: %s", doc, r.body)
		r = ojvDo(t, f, "GET", "ojv-lifecycle", "", "lifecycle", nil, nil)
		require.Equal(t, 1, strings.Count(string(r.body), "<Rule>"), string(r.body))
		require.Contains(t, string(r.body), "<ID>", "a rule without ID gets one")
	}
}

// ojvEscapeKey is RequestMarshallers.escapeKey of the Java SDK: tab, CR
// and LF as zero-padded character references, the XML specials as
// entities, everything else as is.
func ojvEscapeKey(k string) string {
	return strings.NewReplacer("\t", "&#x0009;", "\n", "&#x000A;", "\r", "&#x000D;", `"`, "&quot;", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(k)
}

// TestOjvDeleteObjectsAsJavaSends: DeleteObjectsTest and
// ObjectVersionTest.testDeleteVersions: DeleteMultipleObjects with the
// SDK's key escaping (zero-padded references for tab, CR and LF) and its
// Content-MD5 deletes every key, keys that do not exist too, and answers
// no Deleted elements when quiet.
func TestOjvDeleteObjectsAsJavaSends(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-delete"))
	keys := []string{"\t 123_.*  中文-!@#$%^&*()_+-=;'\"~`><?/':[]|\\-1", "a\r\nb", "plain"}
	for _, k := range keys {
		r := ojvDo(t, f, "PUT", "ojv-delete", k, "", nil, []byte("x"))
		require.Equal(t, 200, r.StatusCode, "%q: %s", k, r.body)
	}
	del := func(quiet bool, keys ...string) rawResponse {
		var b strings.Builder
		b.WriteString("<Delete><Quiet>" + strconv.FormatBool(quiet) + "</Quiet>")
		for _, k := range keys {
			b.WriteString("<Object><Key>" + ojvEscapeKey(k) + "</Key></Object>")
		}
		b.WriteString("</Delete>")
		body := []byte(b.String())
		sum := md5.Sum(body)
		return ojvDo(t, f, "POST", "ojv-delete", "", "delete", hdr("Content-MD5", base64.StdEncoding.EncodeToString(sum[:])), body)
	}
	r := del(false, append(keys, "delete-nonexistent-objects0")...)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	var res struct {
		Deleted []struct{ Key string }
	}
	require.NoError(t, xml.Unmarshal(r.body, &res))
	require.Len(t, res.Deleted, 4)
	for i, k := range keys {
		require.Equal(t, k, res.Deleted[i].Key)
		r := ojvDo(t, f, "HEAD", "ojv-delete", k, "", nil, nil)
		require.Equal(t, 404, r.StatusCode, "%q", k)
	}
	r = ojvDo(t, f, "PUT", "ojv-delete", "plain", "", nil, []byte("x"))
	require.Equal(t, 200, r.StatusCode)
	r = del(true, "plain")
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.NotContains(t, string(r.body), "<Deleted>")
}

// TestOjvHeadObjectHeaders: GetObjectMetadataTest.testGetObjectMetaDataNormal:
// HEAD of an object put with a user metadata answers Content-Length,
// Content-MD5, ETag, x-oss-storage-class, Last-Modified, a request id and
// the metadata; DoesObjectExistTest: with a wrong secret it is
// SignatureDoesNotMatch (in x-oss-err).
func TestOjvHeadObjectHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-head"))
	r := ojvDo(t, f, "PUT", "ojv-head", "test-obj", "", hdr("x-oss-meta-my-key", "my-value"), []byte("123"))
	require.Equal(t, 200, r.StatusCode)
	r = ojvDo(t, f, "HEAD", "ojv-head", "test-obj", "", nil, nil)
	require.Equal(t, 200, r.StatusCode)
	sum := md5.Sum([]byte("123"))
	for name, want := range map[string]string{
		"Content-Length":      "3",
		"Content-MD5":         base64.StdEncoding.EncodeToString(sum[:]),
		"x-oss-storage-class": "Standard",
		"x-oss-meta-my-key":   "my-value",
	} {
		require.Equal(t, want, r.Header.Get(name), name)
	}
	for _, name := range []string{"ETag", "Last-Modified", "x-oss-request-id"} {
		require.NotEmpty(t, r.Header.Get(name), name)
	}

	p := "/ojv-head/existing-bucket-and-nonexistent-key"
	req, err := http.NewRequest("HEAD", f.srv.URL+p, nil)
	require.NoError(t, err)
	ojvSignV1(req, "ojv-head", "existing-bucket-and-nonexistent-key", testAK, testSK+" ", f.clock.Now())
	r = f.do(t, raw{method: "HEAD", path: p, header: req.Header, sign: "keep"})
	require.Equal(t, 403, r.StatusCode)
	doc, err := base64.StdEncoding.DecodeString(r.Header.Get("x-oss-err"))
	require.NoError(t, err)
	require.Equal(t, "SignatureDoesNotMatch", errFields(t, doc)["Code"])
}

// TestOjvBucketLogging: BucketLoggingTest: logging into another bucket or
// the source itself, without a prefix (read back empty), switched off by
// a BucketLoggingStatus without LoggingEnabled (the SDK's document for a
// null target), a bucket without logging read back empty, deleting none;
// a target that does not exist is InvalidTargetBucketForLogging with the
// message "put bucket log requester is not target bucket owner.".
func TestOjvBucketLogging(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-log-src"))
	require.NoError(t, c.CreateBucket("ojv-log-dst"))
	set := func(doc string) rawResponse {
		return ojvDo(t, f, "PUT", "ojv-log-src", "", "logging", nil, []byte(doc))
	}
	get := func() string {
		r := ojvDo(t, f, "GET", "ojv-log-src", "", "logging", nil, nil)
		require.Equal(t, 200, r.StatusCode, string(r.body))
		return string(r.body)
	}
	require.NotContains(t, get(), "<TargetBucket>")
	r := ojvDo(t, f, "DELETE", "ojv-log-src", "", "logging", nil, nil)
	require.Equal(t, 204, r.StatusCode, string(r.body))

	for _, dst := range []string{"ojv-log-dst", "ojv-log-src"} {
		r = set("<BucketLoggingStatus><LoggingEnabled><TargetBucket>" + dst + "</TargetBucket><TargetPrefix>normal-set-bucket-logging-prefix</TargetPrefix></LoggingEnabled></BucketLoggingStatus>")
		require.Equal(t, 200, r.StatusCode, string(r.body))
		require.Contains(t, get(), "<TargetBucket>"+dst+"</TargetBucket>")
	}
	r = set("<BucketLoggingStatus><LoggingEnabled><TargetBucket>ojv-log-dst</TargetBucket></LoggingEnabled></BucketLoggingStatus>")
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.NotContains(t, get(), "normal-set-bucket-logging-prefix")
	r = set("<BucketLoggingStatus></BucketLoggingStatus>")
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.NotContains(t, get(), "<TargetBucket>")

	r = set("<BucketLoggingStatus><LoggingEnabled><TargetBucket>nonexistent-target-bucket</TargetBucket><TargetPrefix>p</TargetPrefix></LoggingEnabled></BucketLoggingStatus>")
	require.Equal(t, "InvalidTargetBucketForLogging", r.errCode(), string(r.body))
	require.True(t, strings.HasPrefix(errFields(t, r.body)["Message"], "put bucket log requester is not target bucket owner."), string(r.body))
	r = ojvDo(t, f, "PUT", "nonexistent-source-bucket", "", "logging", nil, []byte("<BucketLoggingStatus><LoggingEnabled><TargetBucket>ojv-log-dst</TargetBucket></LoggingEnabled></BucketLoggingStatus>"))
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "NoSuchBucket", r.errCode())
}

// TestOjvTaggingEmptyAfterDelete: BucketTaggingTest and ObjectTaggingTest:
// after DeleteBucketTagging (DeleteObjectTagging) the tags read back as an
// empty TagSet, 200, not an error.
func TestOjvTaggingEmptyAfterDelete(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-tags"))
	r := ojvDo(t, f, "PUT", "ojv-tags", "test-object-tagging-key", "", nil, pattern(1024))
	require.Equal(t, 200, r.StatusCode)
	for _, key := range []string{"", "test-object-tagging-key"} {
		r = ojvDo(t, f, "PUT", "ojv-tags", key, "tagging", nil, []byte("<Tagging><TagSet><Tag><Key>tk1</Key><Value>tv1</Value></Tag><Tag><Key>tk2</Key><Value>tv2</Value></Tag></TagSet></Tagging>"))
		require.Equal(t, 200, r.StatusCode, "%q: %s", key, r.body)
		r = ojvDo(t, f, "GET", "ojv-tags", key, "tagging", nil, nil)
		require.Equal(t, 2, strings.Count(string(r.body), "<Tag>"), "%q: %s", key, r.body)
		r = ojvDo(t, f, "DELETE", "ojv-tags", key, "tagging", nil, nil)
		require.Equal(t, 204, r.StatusCode, "%q: %s", key, r.body)
		r = ojvDo(t, f, "GET", "ojv-tags", key, "tagging", nil, nil)
		require.Equal(t, 200, r.StatusCode, "%q: %s", key, r.body)
		require.Contains(t, string(r.body), "<TagSet", "%q", key)
		require.NotContains(t, string(r.body), "<Tag>", "%q", key)
	}
}

// TestOjvSpecialKey: GetObjectTest.testGetObjectWithSpecialChars: a key
// of Chinese, full-width and ASCII punctuation is stored and read back
// with its Content-Type and an ASCII user metadata value. (The test's
// Chinese metadata value carries the SDK's own "TODO: With chinese
// characters will be failed.", so it is no evidence; osslite answers
// such a value RFC 2047-encoded.)
func TestOjvSpecialKey(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ojv-special"))
	key := "测\\r试-中.~,+\"'*&￥#@%！（文）+字符|？/.zip"
	r := ojvDo(t, f, "PUT", "ojv-special", key, "", hdr("Content-Type", "application/octet-stream", "x-oss-meta-tag", "value0"), pattern(128<<10))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	r = ojvDo(t, f, "GET", "ojv-special", key, "", nil, nil)
	require.Equal(t, 200, r.StatusCode, string(r.body))
	require.Equal(t, "value0", r.Header.Get("x-oss-meta-tag"))
	require.Equal(t, "application/octet-stream", r.Header.Get("Content-Type"))
	require.Len(t, r.body, 128<<10)
}
