package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
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
// parameters ride unsigned. The query is written as the SDK writes it.
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
	// HttpUtils.ConbineQueryString: an empty value is a bare name, a
	// space %20.
	pairs := strings.Split(strings.ReplaceAll(q.Encode(), "+", "%20"), "&")
	for i, p := range pairs {
		pairs[i] = strings.TrimSuffix(p, "=")
	}
	return "/" + bucket + "/" + key + "?" + strings.Join(pairs, "&")
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

	// A bucket's response-header rules may hide it, as any other header.
	rules := []byte(`<ResponseHeaderConfiguration><Rule><Name>r</Name><Filters><Operation>GetObject</Operation></Filters>` +
		`<HideHeaders><Header>x-oss-server-time</Header></HideHeaders></Rule></ResponseHeaderConfiguration>`)
	r = f.do(t, raw{method: "PUT", path: "/ocs-time?responseHeader", sign: "oss-v1", body: rules})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/ocs-time/k", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.NotContains(t, r.Header, "X-Oss-Server-Time")
	r = f.do(t, raw{method: "HEAD", path: "/ocs-time/k", sign: "oss-v1"})
	assert.NotEmpty(t, r.Header.Get("X-Oss-Server-Time"), "HeadObject is not named by the rule")
}

// ocsCallbackApp is the application server of ObjectCallbackTest: it
// answers {"Status":"OK"}, or 502 under /bad.
func ocsCallbackApp(t *testing.T) *httptest.Server {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if strings.HasPrefix(r.URL.Path, "/bad") {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Status":"OK"}`)
	}))
	t.Cleanup(app.Close)
	return app
}

// ocsCallbackHeaders are the x-oss-callback and x-oss-callback-var values
// the SDK's CallbackHeaderBuilder and CallbackVariableHeaderBuilder build
// (base64 JSON) for ObjectCallbackTest's callback body.
func ocsCallbackHeaders(url string) http.Header {
	cb, _ := json.Marshal(map[string]string{"callbackUrl": url,
		"callbackBody": "bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}&my_var1=${x:var1}"})
	cv, _ := json.Marshal(map[string]string{"x:var1": "x:value1", "x:var2": "x:value2"})
	return hdr("x-oss-callback", base64.StdEncoding.EncodeToString(cb), "x-oss-callback-var", base64.StdEncoding.EncodeToString(cv))
}

// TestOcsCallbackAnswers holds what ObjectCallbackTest asserts of callback
// answers, which osslite already matched: PutObject relays the
// application's JSON (Content-Type application/json, Content-Length of
// the body) with ETag, Content-MD5 and the CRC; CompleteMultipartUpload
// does without Content-MD5; an application answering 502 gives 203
// CallbackFailed "Error status : 502." for both; a presigned PUT URL
// signing the callback headers (GeneratePresignedUriCallbackTest) works.
func TestOcsCallbackAnswers(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	app := ocsCallbackApp(t)
	r := f.do(t, raw{method: "PUT", path: "/ocs-cb", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	body := pattern(3000)

	r = f.do(t, raw{method: "PUT", path: "/ocs-cb/k", sign: "oss-v1", body: body, header: ocsCallbackHeaders(app.URL + "/cb")})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Equal(t, `{"Status":"OK"}`, string(r.body))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, strconv.Itoa(len(`{"Status":"OK"}`)), r.Header.Get("Content-Length"))
	assert.NotEmpty(t, r.Header.Get("ETag"))
	assert.Len(t, r.Header.Get("Content-MD5"), 24)
	assert.NotEmpty(t, r.Header.Get("x-oss-hash-crc64ecma"))
	ocsWantHeaders(t, "PutObject with callback", r.Header)

	r = f.do(t, raw{method: "PUT", path: "/ocs-cb/bad", sign: "oss-v1", body: body, header: ocsCallbackHeaders(app.URL + "/bad")})
	require.Equal(t, 203, r.StatusCode, "%s", r.body)
	assert.Equal(t, "CallbackFailed", r.errCode())
	assert.Contains(t, string(r.body), "<Message>Error status : 502.</Message>")

	complete := func(key string, h http.Header) rawResponse {
		t.Helper()
		r := f.do(t, raw{method: "POST", path: "/ocs-cb/" + key + "?uploads", sign: "oss-v1"})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
		var init struct{ UploadId string }
		require.NoError(t, xml.Unmarshal(r.body, &init))
		r = f.do(t, raw{method: "PUT", path: "/ocs-cb/" + key + "?partNumber=1&uploadId=" + init.UploadId, sign: "oss-v1", body: body})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
		doc := "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + r.Header.Get("ETag") + "</ETag></Part></CompleteMultipartUpload>"
		return f.do(t, raw{method: "POST", path: "/ocs-cb/" + key + "?uploadId=" + init.UploadId, sign: "oss-v1", body: []byte(doc), header: h})
	}
	r = complete("big.js", ocsCallbackHeaders(app.URL+"/cb"))
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Equal(t, `{"Status":"OK"}`, string(r.body))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.NotEmpty(t, r.Header.Get("ETag"))
	assert.Empty(t, r.Header.Get("Content-MD5"))
	assert.NotEmpty(t, r.Header.Get("x-oss-hash-crc64ecma"))
	r = complete("bad.js", ocsCallbackHeaders(app.URL+"/bad"))
	require.Equal(t, 203, r.StatusCode, "%s", r.body)
	assert.Equal(t, "CallbackFailed", r.errCode())
	assert.Contains(t, string(r.body), "<Message>Error status : 502.</Message>")

	h := ocsCallbackHeaders(app.URL + "/cb")
	h.Set("Content-Type", "text/rtf")
	h.Set("x-oss-meta-Author", "Mingdi")
	u := ocsPresignV1("PUT", "ocs-cb", "signed", h, nil,
		url.Values{"x-param-null": {""}, "x-param-space0": {" "}, "x-param-value": {"value"}, "x-param-space1": {" "}}, f.clock.Now().Add(time.Hour))
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", body: body, header: h})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Equal(t, `{"Status":"OK"}`, string(r.body))
	assert.Len(t, r.Header.Get("Content-MD5"), 24)
}

// TestOcsModifyObjectMeta: ObjectBasicOperationTest's ModifyObjectMeta*
// cases rewrite an object's metadata with an in-place CopyObject
// (CopyBigObject of a small object; x-oss-metadata-directive REPLACE and
// only the new headers): headers not sent are dropped, a copy without
// Content-Type answers application/octet-stream afterwards, an empty
// Cache-Control leaves none. osslite already matched.
func TestOcsModifyObjectMeta(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/ocs-meta", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/ocs-meta/k", sign: "oss-v1", body: pattern(2000), header: hdr("Content-Type", "text/rtf", "Cache-Control", "public")})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	modify := func(kv ...string) http.Header {
		t.Helper()
		h := hdr(append([]string{"x-oss-copy-source", "/ocs-meta/k", "x-oss-metadata-directive", "REPLACE"}, kv...)...)
		r := f.do(t, raw{method: "PUT", path: "/ocs-meta/k", sign: "oss-v1", header: h})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
		r = f.do(t, raw{method: "HEAD", path: "/ocs-meta/k", sign: "oss-v1"})
		require.Equal(t, 200, r.StatusCode)
		return r.Header
	}
	h := modify("Content-Type", "application/vnd.wap.wmlc") // ModifyObjectMetaWithAB2C
	assert.Equal(t, "application/vnd.wap.wmlc", h.Get("Content-Type"))
	assert.Empty(t, h.Get("Cache-Control"))
	h = modify("Content-Type", "application/vnd.wap.wmlc", "Cache-Control", "max-stale") // ModifyObjectMetaWithA2CB
	assert.Equal(t, "max-stale", h.Get("Cache-Control"))
	h = modify() // ModifyObjectMetaWithToEmpty
	assert.Equal(t, "application/octet-stream", h.Get("Content-Type"))
	assert.Empty(t, h.Get("Cache-Control"))
	h = modify("Cache-Control", "public") // ModifyObjectMetaWithAddMeta
	assert.Equal(t, "application/octet-stream", h.Get("Content-Type"))
	assert.Equal(t, "public", h.Get("Cache-Control"))
	h = modify("Cache-Control", "", "Content-Type", "application/octet-stream") // ModifyObjectMetaWithSetEmptyValue
	assert.Empty(t, h.Get("Cache-Control"))
	assert.Equal(t, "2000", h.Get("Content-Length"))
}

// TestOcsPresignedAsDotNetSends: ObjectSignedUriTest. The SDK's v1 URL
// signs the sub-resources it names (GetObjectWithPreSignedAndAclParameter:
// "acl", so the URL reads the object's ACL) and carries other parameters
// unsigned, an empty one as a bare name and a space as %20
// (PutObjectWithPreSignedUriWithParameter); a header value other than the
// signed one is 403 SignatureDoesNotMatch (...NegativeTest), an expired
// URL 403 (PutPreSignedUriDefaultNegativeTest). osslite already matched.
func TestOcsPresignedAsDotNetSends(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/ocs-uri", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/ocs-uri/k", sign: "oss-v1", body: []byte("abc"), header: hdr("x-oss-object-acl", "public-read")})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	exp := f.clock.Now().Add(time.Hour)

	u := ocsPresignV1("GET", "ocs-uri", "k", http.Header{}, url.Values{"acl": {""}}, nil, exp)
	r = f.do(t, raw{method: "GET", path: u, sign: "anon"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), "<Grant>public-read</Grant>")

	signed := hdr("Content-Type", "text/rtf", "x-oss-meta-author", "oss", "x-oss-meta-test", "test")
	u = ocsPresignV1("PUT", "ocs-uri", "p", signed, nil,
		url.Values{"x-param-null": {""}, "x-param-space0": {" "}, "x-param-value": {"value"}, "x-param-space1": {" "}}, exp)
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", body: []byte("abc"), header: signed})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	sent := hdr("Content-Type", "text/rtf", "x-oss-meta-author", "oss", "x-oss-meta-test", "test1")
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", body: []byte("abc"), header: sent})
	require.Equal(t, 403, r.StatusCode, "%s", r.body)
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())

	u = ocsPresignV1("PUT", "ocs-uri", "late", http.Header{}, nil, nil, f.clock.Now().Add(-5*time.Second))
	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", body: []byte("abc")})
	require.Equal(t, 403, r.StatusCode, "%s", r.body)
}

// TestOcsHiddenCharacterKeys: ObjectEncodingTypeTest puts keys holding
// U+001C and U+001A and deletes them one by one and with
// DeleteMultipleObjects, whose body .NET's XmlSerializer writes with
// character references (&#x1C;) that XML 1.0 does not allow; OSS deletes
// them. Parameters without a value go out as bare names (HttpUtils.
// ConbineQueryString: "?delete&encoding-type", "?prefix&marker").
// osslite already matched.
func TestOcsHiddenCharacterKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/ocs-keys", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	for _, k := range []string{"k%1C%1A.1.cd", "k%1C%1A.2.cd", "k.3.cd", "k%1C%1A.4.cd"} {
		r = f.do(t, raw{method: "PUT", path: "/ocs-keys/" + k, sign: "oss-v1", body: []byte("x")})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
	}
	r = f.do(t, raw{method: "DELETE", path: "/ocs-keys/k%1C%1A.4.cd", sign: "oss-v1"})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	doc := `<?xml version="1.0" encoding="utf-8"?><Delete xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><Quiet>true</Quiet>` +
		`<Object><Key>k&#x1C;&#x1A;.1.cd</Key></Object><Object><Key>k&#x1C;&#x1A;.2.cd</Key></Object><Object><Key>k.3.cd</Key></Object></Delete>`
	r = f.do(t, raw{method: "POST", path: "/ocs-keys?delete&encoding-type=url", sign: "oss-v1", body: []byte(doc), header: hdr("Content-MD5", md5b64([]byte(doc)))})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/ocs-keys?prefix&marker&delimiter=%2F", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.NotContains(t, string(r.body), "<Contents>")
}

// ocsSignV2 signs a path-style request with OSS signature v2 as the .NET
// SDK's SignUtils.BuildCanonicalStringV2 does with a HeadersToSign list
// (SignerTest.SignerTestWithHeaderToSign): VERB, Content-MD5,
// Content-Type and Date lines; then every x-oss-* header and every header
// named in headersToSign that is present and not empty (Content-MD5,
// Content-Type and Date too), lower-cased and sorted, as "name:value"; the
// names of the latter (not x-oss-*) joined by ";"; the resource
// "/bucket/key" escaped whole (EncodeUri: "/" is %2F) with every query
// parameter, escaped, sorted, bare when empty.
func ocsSignV2(h http.Header, method, bucket, key string, query url.Values, headersToSign []string, date string) {
	h.Set("Date", date)
	enc := func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
		return b.String()
	}
	signed := map[string]string{}
	var additional []string
	for k := range h {
		lk := strings.ToLower(k)
		switch {
		case strings.HasPrefix(lk, "x-oss-"):
			signed[lk] = h.Get(k)
		case h.Get(k) != "" && slices.ContainsFunc(headersToSign, func(n string) bool { return strings.EqualFold(n, k) }):
			signed[lk] = h.Get(k)
		}
	}
	names := make([]string, 0, len(signed))
	for k := range signed {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(method + "\n" + h.Get("Content-MD5") + "\n" + h.Get("Content-Type") + "\n" + date + "\n")
	for _, k := range names {
		b.WriteString(k + ":" + signed[k] + "\n")
		if !strings.HasPrefix(k, "x-oss-") {
			additional = append(additional, k)
		}
	}
	b.WriteString(strings.Join(additional, ";") + "\n")
	b.WriteString(enc("/" + bucket + "/" + key))
	var qs []string
	for k := range query {
		qs = append(qs, k)
	}
	sort.Strings(qs)
	for i, k := range qs {
		if i == 0 {
			b.WriteString("?")
		} else {
			b.WriteString("&")
		}
		b.WriteString(enc(k))
		if v := query.Get(k); v != "" {
			b.WriteString("=" + enc(v))
		}
	}
	m := hmac.New(sha256.New, []byte(testSK))
	m.Write([]byte(b.String()))
	auth := "OSS2 AccessKeyId:" + testAK
	if len(additional) > 0 {
		auth += ",AdditionalHeaders:" + strings.Join(additional, ";")
	}
	h.Set("Authorization", auth+",Signature:"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

// TestOcsSignatureV2WithHeadersToSign: SignerTest runs PutObject,
// GetObject (whole and by Range), CopyObject, HEAD ?objectMeta and
// ListObjects with the .NET SDK's v2 signer, which names in
// AdditionalHeaders every listed header it sends, Content-Length,
// Content-MD5, Content-Type, Date and Range among them; OSS accepts them.
// A request whose signed Range differs from the one sent is refused.
// osslite already matched.
func TestOcsSignatureV2WithHeadersToSign(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	list := []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Length", "Content-MD5",
		"Content-Type", "Date", "Expires", "Last-Modified", "Range", "x-oss-copy-source"}
	date := f.clock.Now().UTC().Format(http.TimeFormat)
	do := func(method, bucket, key string, query url.Values, h http.Header, body []byte) rawResponse {
		t.Helper()
		if h == nil {
			h = http.Header{}
		}
		if body != nil {
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
		ocsSignV2(h, method, bucket, key, query, list, date)
		path := "/" + bucket + "/" + key
		if len(query) > 0 {
			path += "?" + strings.ReplaceAll(query.Encode(), "=&", "&")
		}
		return f.do(t, raw{method: method, path: path, header: h, body: body, sign: "keep"})
	}
	r := do("PUT", "ocs-v2", "", nil, nil, nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	body := pattern(5000)
	r = do("PUT", "ocs-v2", "dir/a b.txt", nil, hdr("Content-Type", "application/octet-stream", "Content-MD5", md5b64(body)), body)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = do("GET", "ocs-v2", "dir/a b.txt", nil, nil, nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	require.Equal(t, body, r.body)
	r = do("GET", "ocs-v2", "dir/a b.txt", nil, hdr("Range", "bytes=0-2500"), nil)
	require.Equal(t, 206, r.StatusCode, "%s", r.body)
	require.Equal(t, body[:2501], r.body)
	r = do("PUT", "ocs-v2", "dir/a b.txt_copy", nil, hdr("x-oss-copy-source", "/ocs-v2/dir/a%20b.txt",
		"x-oss-metadata-directive", "REPLACE", "x-oss-meta-myKey", "myValue", "Cache-Control", "no-cache"), nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = do("HEAD", "ocs-v2", "dir/a b.txt_copy", url.Values{"objectMeta": {""}}, nil, nil)
	require.Equal(t, 200, r.StatusCode)
	r = do("GET", "ocs-v2", "dir/a b.txt_copy", nil, nil, nil)
	require.Equal(t, "myValue", r.Header.Get("x-oss-meta-mykey"))
	require.Equal(t, "no-cache", r.Header.Get("Cache-Control"))
	r = do("GET", "ocs-v2", "", url.Values{"prefix": {"dir/"}, "max-keys": {"10"}}, nil, nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Equal(t, 2, strings.Count(string(r.body), "<Contents>"))

	h := hdr("Range", "bytes=0-2500")
	ocsSignV2(h, "GET", "ocs-v2", "dir/a b.txt", nil, list, date)
	h.Set("Range", "bytes=0-4999")
	r = f.do(t, raw{method: "GET", path: "/ocs-v2/dir/a%20b.txt", header: h, sign: "keep"})
	require.Equal(t, 403, r.StatusCode, "%s", r.body)
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())
}

// TestOcsVersionedDeletes: ObjectVersioningTest
// (ObjectBasicWithVersioningEnableTest) deletes a key of a versioned
// bucket (a delete marker: x-oss-delete-marker true and its version ID),
// reads both versions by ID, then deletes the marker by its version ID
// (answered with x-oss-delete-marker true and the same ID) and each
// version (x-oss-delete-marker absent, which the SDK reads as false),
// leaving no version and no marker. osslite already matched.
func TestOcsVersionedDeletes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/ocs-ver", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	doc := []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
	r = f.do(t, raw{method: "PUT", path: "/ocs-ver?versioning", sign: "oss-v1", body: doc})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	var ids []string
	for _, b := range []string{"versioning test 1.", "versioning test 2."} {
		r = f.do(t, raw{method: "PUT", path: "/ocs-ver/k", sign: "oss-v1", body: []byte(b)})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
		require.NotEmpty(t, r.Header.Get("x-oss-version-id"))
		ids = append(ids, r.Header.Get("x-oss-version-id"))
	}
	r = f.do(t, raw{method: "DELETE", path: "/ocs-ver/k", sign: "oss-v1"})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	assert.Equal(t, "true", r.Header.Get("x-oss-delete-marker"))
	marker := r.Header.Get("x-oss-version-id")
	require.NotEmpty(t, marker)
	r = f.do(t, raw{method: "GET", path: "/ocs-ver/k", sign: "oss-v1"})
	assert.Equal(t, "NoSuchKey", r.errCode())
	for i, id := range ids {
		r = f.do(t, raw{method: "HEAD", path: "/ocs-ver/k?versionId=" + id, sign: "oss-v1"})
		require.Equal(t, 200, r.StatusCode, "version %d", i)
		assert.Equal(t, id, r.Header.Get("x-oss-version-id"))
	}
	r = f.do(t, raw{method: "DELETE", path: "/ocs-ver/k?versionId=" + marker, sign: "oss-v1"})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	assert.Equal(t, "true", r.Header.Get("x-oss-delete-marker"))
	assert.Equal(t, marker, r.Header.Get("x-oss-version-id"))
	r = f.do(t, raw{method: "HEAD", path: "/ocs-ver/k", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode)
	assert.Equal(t, ids[1], r.Header.Get("x-oss-version-id"))
	for _, id := range ids {
		r = f.do(t, raw{method: "DELETE", path: "/ocs-ver/k?versionId=" + id, sign: "oss-v1"})
		require.Equal(t, 204, r.StatusCode, "%s", r.body)
		assert.Empty(t, r.Header.Get("x-oss-delete-marker"))
		assert.Equal(t, id, r.Header.Get("x-oss-version-id"))
	}
	r = f.do(t, raw{method: "GET", path: "/ocs-ver?versions&prefix=k", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.NotContains(t, string(r.body), "<Version>")
	assert.NotContains(t, string(r.body), "<DeleteMarker>")
}

// TestOcsBucketDocumentsAsDotNetSends: documents as .NET's XmlSerializer
// writes them (an XML declaration, xsi and xsd namespace declarations,
// self-closing empty elements). BucketRefersSettingsTest: a list holding
// one empty or null referer (<Referer />, <Referer xsi:nil="true" />),
// an empty list (<RefererList />) and no list are taken and read back
// without referers; BucketCorsSettingsTest: a rule whose AllowedOrigin is
// "Original <guid>" is taken and read back. osslite already matched.
func TestOcsBucketDocumentsAsDotNetSends(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/ocs-docs", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	const head = `<?xml version="1.0" encoding="utf-8"?><RefererConfiguration xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`
	for _, c := range []struct{ body, allowEmpty string }{
		{head + `<AllowEmptyReferer>true</AllowEmptyReferer><RefererList><Referer /></RefererList></RefererConfiguration>`, "true"},
		{head + `<AllowEmptyReferer>true</AllowEmptyReferer><RefererList><Referer xsi:nil="true" /></RefererList></RefererConfiguration>`, "true"},
		{head + `<AllowEmptyReferer>false</AllowEmptyReferer><RefererList /></RefererConfiguration>`, "false"},
		{head + `<AllowEmptyReferer>true</AllowEmptyReferer></RefererConfiguration>`, "true"},
	} {
		r = f.do(t, raw{method: "PUT", path: "/ocs-docs?referer", sign: "oss-v1", body: []byte(c.body)})
		require.Equal(t, 200, r.StatusCode, "%s\n%s", c.body, r.body)
		r = f.do(t, raw{method: "GET", path: "/ocs-docs?referer", sign: "oss-v1"})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
		assert.NotContains(t, string(r.body), "<Referer>", c.body)
		assert.Contains(t, string(r.body), "<AllowEmptyReferer>"+c.allowEmpty+"</AllowEmptyReferer>", c.body)
	}
	doc := `<?xml version="1.0" encoding="utf-8"?><CORSConfiguration xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
		`<CORSRule><AllowedOrigin>Original 6f1c9e0e-1111-2222-3333-444455556666</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>HTTP</AllowedHeader><ExposeHeader>HTTP</ExposeHeader><MaxAgeSeconds>0</MaxAgeSeconds></CORSRule></CORSConfiguration>`
	r = f.do(t, raw{method: "PUT", path: "/ocs-docs?cors", sign: "oss-v1", body: []byte(doc), header: hdr("Content-MD5", md5b64([]byte(doc)))})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/ocs-docs?cors", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), "<AllowedOrigin>Original 6f1c9e0e-1111-2222-3333-444455556666</AllowedOrigin>")
	r = f.do(t, raw{method: "DELETE", path: "/ocs-docs?cors", sign: "oss-v1"})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/ocs-docs?cors", sign: "oss-v1"})
	assert.Equal(t, "NoSuchCORSConfiguration", r.errCode())
}
