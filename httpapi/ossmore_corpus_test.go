package httpapi_test

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold what Aliyun's C++ and PHP OSS SDKs
// (aliyun/aliyun-oss-cpp-sdk, aliyun/aliyun-oss-php-sdk) send by default
// and what their tests, run against OSS, assert about its answers
// (docs/sdk-suites.md, "Aliyun's C++ and PHP OSS SDK tests as a corpus").

// omrPHPSign signs a path-style request as aliyun-oss-php-sdk 2.x
// (OssClient::auth before SignerV1) does for an IP endpoint: VERB,
// Content-MD5, Content-Type and Date lines, the x-oss-* headers
// lowercased and sorted, then its generateSignableResource, which for a
// bucket-level request on an IP host is "/bucket" with no slash, followed
// by the sub-resource ("?acl"). resource is that signable resource.
func omrPHPSign(h http.Header, method, resource, date string) {
	h.Set("Date", date)
	var b strings.Builder
	b.WriteString(method + "\n" + h.Get("Content-Md5") + "\n" + h.Get("Content-Type") + "\n" + date + "\n")
	var names []string
	for k := range h {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-oss-") {
			names = append(names, lk)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString(k + ":" + h.Get(k) + "\n")
	}
	b.WriteString(resource)
	m := hmac.New(sha1.New, []byte(testSK))
	m.Write([]byte(b.String()))
	h.Set("Authorization", "OSS "+testAK+":"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

// TestOmrPHPBucketResourceWithoutSlash: aliyun-oss-php-sdk 2.0 to 2.6
// addresses an IP endpoint path-style and signs a bucket-level request's
// resource as "/bucket" ("ip的域名下，不需要加'/'", its
// generateSignableResource); osslite, reached at an IP, answered every
// such request SignatureDoesNotMatch (createBucket, getBucketAcl,
// listObjects, deleteObjects of OssClientBucketTest and
// OssClientObjectTest). Object-level requests and a wrong secret are
// still refused.
func TestOmrPHPBucketResourceWithoutSlash(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	date := f.clock.Now().UTC().Format(http.TimeFormat)
	do := func(method, path, resource string, h http.Header, body []byte) rawResponse {
		t.Helper()
		if h == nil {
			h = http.Header{}
		}
		if body != nil {
			sum := md5.Sum(body)
			h.Set("Content-Md5", base64.StdEncoding.EncodeToString(sum[:]))
		}
		omrPHPSign(h, method, resource, date)
		return f.do(t, raw{method: method, path: path, header: h, body: body, sign: "keep"})
	}

	r := do("PUT", "/omrphp", "/omrphp", hdr("x-oss-acl", "public-read", "Content-Type", "application/octet-stream"), nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = do("GET", "/omrphp?acl", "/omrphp?acl", nil, nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), "<Grant>public-read</Grant>")

	r = do("PUT", "/omrphp/a.txt", "/omrphp/a.txt", hdr("Content-Type", "text/plain"), []byte("hi oss"))
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	r = do("GET", "/omrphp?prefix=a&max-keys=10", "/omrphp", nil, nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), "<Key>a.txt</Key>")

	del := []byte(`<?xml version="1.0" encoding="utf-8"?><Delete><Quiet>false</Quiet><Object><Key>a.txt</Key></Object></Delete>`)
	r = do("POST", "/omrphp?delete", "/omrphp?delete", hdr("Content-Type", "application/xml"), del)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), "<Deleted><Key>a.txt</Key></Deleted>")

	// The slash-less form is a bucket's only: an object's resource is
	// "/bucket/key", and "/omrphp" does not sign a request for a key.
	r = do("GET", "/omrphp/a.txt", "/omrphp", nil, nil)
	assert.Equal(t, 403, r.StatusCode)
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())
	// Nor does it sign another bucket, or hold with a wrong secret.
	r = do("GET", "/omrphp?acl", "/omrphq?acl", nil, nil)
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())
	h := hdr("Date", date, "Authorization", "OSS "+testAK+":AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	r = f.do(t, raw{method: "GET", path: "/omrphp?acl", header: h, sign: "keep"})
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())
	r = do("DELETE", "/omrphp", "/omrphp", nil, nil)
	assert.Equal(t, 204, r.StatusCode, "%s", r.body)
}

// TestOmrRefererAsPHPSends: OssClientBucketRefererTest puts the documents
// RefererConfig::serializeToXml writes and compares what it reads back:
// AllowTruncateQueryString true when the put named none, a blacklist
// only when one was put, and a bucket with an empty list reading as a
// bucket never configured.
func TestOmrRefererAsPHPSends(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/omrref", sign: "oss-v1"}).errOrNil())
	get := func() string {
		r := f.do(t, raw{method: "GET", path: "/omrref?referer", sign: "oss-v1"})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
		return string(r.body)
	}
	put := func(doc string) {
		r := f.do(t, raw{method: "PUT", path: "/omrref?referer", sign: "oss-v1", body: []byte(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + doc)})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
	}
	initial := get()
	assert.Contains(t, initial, "<AllowEmptyReferer>true</AllowEmptyReferer><AllowTruncateQueryString>true</AllowTruncateQueryString>")

	put(`<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer><RefererList><Referer>http://www.aliyun.com</Referer></RefererList></RefererConfiguration>`)
	got := get()
	assert.Contains(t, got, "<AllowTruncateQueryString>true</AllowTruncateQueryString>")
	assert.Contains(t, got, "<RefererList><Referer>http://www.aliyun.com</Referer></RefererList>")
	assert.NotContains(t, got, "<RefererBlacklist><Referer>")

	put(`<RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer><AllowTruncateQueryString>false</AllowTruncateQueryString><RefererList><Referer>http://www.aliyun.com</Referer></RefererList><RefererBlacklist><Referer>http://www.refuse.com</Referer><Referer>https://www.refuse.com</Referer></RefererBlacklist></RefererConfiguration>`)
	got = get()
	assert.Contains(t, got, "<AllowEmptyReferer>false</AllowEmptyReferer><AllowTruncateQueryString>false</AllowTruncateQueryString>")
	assert.Contains(t, got, "<RefererBlacklist><Referer>http://www.refuse.com</Referer><Referer>https://www.refuse.com</Referer></RefererBlacklist>")

	put(`<RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer><RefererList/></RefererConfiguration>`)
	assert.Equal(t, initial, get())
}

// TestOmrCppObjectAnswers: assertions of the C++ SDK's ObjectSymlinkTest,
// ObjectAppendTest and ObjectRestoreTest, with the bodies it sends
// (CreateBucketRequest's StorageClass document, RestoreObjectRequest's
// RestoreRequest with a JobParameters Tier).
func TestOmrCppObjectAnswers(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createBucket := func(name, class string) {
		doc := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateBucketConfiguration>\n<StorageClass>" + class + "</StorageClass>\n</CreateBucketConfiguration>"
		r := f.do(t, raw{method: "PUT", path: "/" + name, sign: "oss-v1", body: []byte(doc)})
		require.Equal(t, 200, r.StatusCode, "%s", r.body)
	}
	createBucket("omrcpp", "Standard")
	createBucket("omrcppca", "ColdArchive")
	must(t, f.do(t, raw{method: "PUT", path: "/omrcpp/obj", sign: "oss-v1", body: []byte("hellowworld")}).errOrNil())

	// A link to a link is created and read back, but reading its data fails.
	must(t, f.do(t, raw{method: "PUT", path: "/omrcpp/l1?symlink", sign: "oss-v1", header: hdr("x-oss-symlink-target", "obj")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/omrcpp/l2?symlink", sign: "oss-v1", header: hdr("x-oss-symlink-target", "l1")}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/omrcpp/l2?symlink", sign: "oss-v1"})
	assert.Equal(t, "l1", r.Header.Get("x-oss-symlink-target"))
	assert.GreaterOrEqual(t, f.do(t, raw{method: "GET", path: "/omrcpp/l2", sign: "oss-v1"}).StatusCode, 400)
	// A link's own metadata is what a GET through it answers.
	must(t, f.do(t, raw{method: "PUT", path: "/omrcpp/l3?symlink", sign: "oss-v1", header: hdr("x-oss-symlink-target", "obj", "x-oss-meta-author", "chanju")}).errOrNil())
	r = f.do(t, raw{method: "GET", path: "/omrcpp/l3", sign: "oss-v1"})
	assert.Equal(t, "hellowworld", string(r.body))
	assert.Equal(t, "chanju", r.Header.Get("x-oss-meta-author"))
	// CreateSymlink in a missing bucket.
	assert.Equal(t, "NoSuchBucket", f.do(t, raw{method: "PUT", path: "/omrcppnone/k?symlink", sign: "oss-v1", header: hdr("x-oss-symlink-target", "k2")}).errCode())

	// The first append's headers and metadata stay; a later append's are ignored.
	r = f.do(t, raw{method: "POST", path: "/omrcpp/ap?append&position=0", sign: "oss-v1", body: []byte("hi"),
		header: hdr("x-oss-meta-author1", "chanju1-src", "x-oss-object-acl", "public-read-write", "Cache-Control", "max-age=3", "Content-Disposition", "append-object-disposition", "Content-Encoding", "myzip")})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	must(t, f.do(t, raw{method: "POST", path: "/omrcpp/ap?append&position=2", sign: "oss-v1", body: []byte("hi"), header: hdr("x-oss-meta-author1", "chanju1-diffrent", "x-oss-meta-author2", "chanju2")}).errOrNil())
	r = f.do(t, raw{method: "GET", path: "/omrcpp/ap", sign: "oss-v1"})
	assert.Equal(t, "hihi", string(r.body))
	assert.Equal(t, "chanju1-src", r.Header.Get("x-oss-meta-author1"))
	assert.Empty(t, r.Header.Get("x-oss-meta-author2"))
	assert.Equal(t, "max-age=3", r.Header.Get("Cache-Control"))
	assert.Equal(t, "append-object-disposition", r.Header.Get("Content-Disposition"))
	assert.Equal(t, "myzip", r.Header.Get("Content-Encoding"))
	assert.Contains(t, string(f.do(t, raw{method: "GET", path: "/omrcpp/ap?acl", sign: "oss-v1"}).body), "<Grant>public-read-write</Grant>")
	// Appending to a Normal object fails.
	assert.Equal(t, "ObjectNotAppendable", f.do(t, raw{method: "POST", path: "/omrcpp/obj?append&position=11", sign: "oss-v1", body: []byte("x")}).errCode())

	// Restore: a Standard object is OperationNotSupported; a Cold Archive
	// one is accepted once, then RestoreAlreadyInProgress.
	assert.Equal(t, "OperationNotSupported", f.do(t, raw{method: "POST", path: "/omrcpp/obj?restore", sign: "oss-v1"}).errCode())
	must(t, f.do(t, raw{method: "PUT", path: "/omrcppca/obj", sign: "oss-v1", body: []byte("hellowworld")}).errOrNil())
	rb := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<RestoreRequest>\n<Days>2</Days>\n<JobParameters><Tier>Expedited</Tier></JobParameters>\n</RestoreRequest>\n")
	assert.Equal(t, 202, f.do(t, raw{method: "POST", path: "/omrcppca/obj?restore", sign: "oss-v1", body: rb}).StatusCode)
	assert.Equal(t, "RestoreAlreadyInProgress", f.do(t, raw{method: "POST", path: "/omrcppca/obj?restore", sign: "oss-v1", body: rb}).errCode())
	assert.Equal(t, "NoSuchKey", f.do(t, raw{method: "POST", path: "/omrcppca/aaa?restore", sign: "oss-v1", body: rb}).errCode())
}

// TestOmrNonUTF8Key: aliyun-oss-php-sdk's testObjectKeyWithNonUTF8Name puts
// "中文测试.txt" encoded in GBK (d6d0cec4b2e2cad42e747874, which is not
// UTF-8) and OSS answers 400 InvalidArgument, "The characters encoding
// must be utf-8."; osslite's OSS dialect answered InvalidObjectName with
// the key-length message. The S3 dialect keeps InvalidURI.
func TestOmrNonUTF8Key(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/omrgbk", sign: "oss-v1"}).errOrNil())
	const gbk = "/omrgbk/%D6%D0%CE%C4%B2%E2%CA%D4.txt"
	for _, method := range []string{"PUT", "GET"} {
		r := f.do(t, raw{method: method, path: gbk, sign: "oss-v1", body: []byte("hello world")})
		assert.Equal(t, 400, r.StatusCode, method)
		assert.Equal(t, "InvalidArgument", r.errCode(), method)
		assert.Contains(t, string(r.body), "<Message>The characters encoding must be utf-8.</Message>", method)
	}
	// The same name in UTF-8 is an ordinary key.
	const utf = "/omrgbk/%E4%B8%AD%E6%96%87%E6%B5%8B%E8%AF%95.txt"
	must(t, f.do(t, raw{method: "PUT", path: utf, sign: "oss-v1", body: []byte("hello world")}).errOrNil())
	assert.Equal(t, "hello world", string(f.do(t, raw{method: "GET", path: utf, sign: "oss-v1"}).body))

	must(t, f.do(t, raw{method: "PUT", path: "/omrgbks3"}).errOrNil())
	r := f.do(t, raw{method: "PUT", path: "/omrgbks3/%D6%D0.txt", body: []byte("x")})
	assert.Equal(t, "InvalidURI", r.errCode())
}
