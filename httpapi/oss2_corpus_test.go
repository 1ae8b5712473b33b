package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/stretchr/testify/require"
)

// What Aliyun's Python SDK (oss2, aliyun/aliyun-oss-python-sdk) records
// of OSS in its tests/ (integration tests run against the service, and
// test_mock_*.py with recorded answers) beyond the Go SDKs' suites
// (docs/sdk-suites.md, "aliyun-oss-python-sdk (oss2) tests as a corpus").

// oss2Send sends an OSS v1-signed request and returns the response with
// its body unread (the caller closes it): GET ?objectMeta declares a body
// it never sends.
func oss2Send(t *testing.T, f *fixture, method, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, http.NoBody)
	require.NoError(t, err)
	b, k, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	ossauth.SignRequestV1(req, ossauth.Resource{Bucket: b, Key: k}, ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, f.clock.Now())
	resp, err := f.httpClient().Do(req)
	require.NoError(t, err)
	return resp
}

// TestOss2GetObjectMetaByGET: oss2's get_object_meta and object_exists
// send GetObjectMeta as GET /key?objectMeta (oss2/api.py), so that a 404
// carries the document telling NoSuchKey from NoSuchBucket; osslite
// served only HEAD and answered 405 MethodNotAllowed, so object_exists
// raised for every key. OSS answers 200 with the object's ETag,
// Last-Modified and size in Content-Length (tests/test_mock_object.py
// test_get_object_meta and test_object_exists_true record it;
// tests/test_object.py test_get_object_meta asserts content_length and
// the ETag of "hello"; test_object_exists the NoSuchBucket).
func TestOss2GetObjectMetaByGET(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2meta", sign: "oss-v1"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2meta/hello", sign: "oss-v1", body: []byte("hello")}).StatusCode)

	resp := oss2Send(t, f, "GET", "/oss2meta/hello?objectMeta")
	resp.Body.Close() // oss2 never reads it
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, int64(5), resp.ContentLength)
	require.Equal(t, `"5D41402ABC4B2A76B9719D911017C592"`, resp.Header.Get("ETag"))
	require.NotEmpty(t, resp.Header.Get("Last-Modified"))
	require.NotEmpty(t, resp.Header.Get("x-oss-request-id"))
	// The same headers as HEAD ?objectMeta.
	head := f.do(t, raw{method: "HEAD", path: "/oss2meta/hello?objectMeta", sign: "oss-v1"})
	for _, h := range []string{"ETag", "Last-Modified", "Content-Length", "x-oss-hash-crc64ecma"} {
		require.Equal(t, head.Header.Get(h), resp.Header.Get(h), h)
	}

	// object_exists: NoSuchKey (False) and NoSuchBucket (raised) are told
	// apart by the document's Code.
	r := f.do(t, raw{method: "GET", path: "/oss2meta/missing?objectMeta", sign: "oss-v1"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, "NoSuchKey", r.errCode())
	require.Equal(t, "0026-00000001", r.Header.Get("x-oss-ec"))
	r = f.do(t, raw{method: "GET", path: "/oss2meta-missing/hello?objectMeta", sign: "oss-v1"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, "NoSuchBucket", r.errCode())

	// The server still answers after the connection it closed.
	require.Equal(t, 200, f.do(t, raw{method: "HEAD", path: "/oss2meta/hello", sign: "oss-v1"}).StatusCode)
}

// TestOss2CopyObjectETagHeader: CopyObject answers the new ETag in the
// ETag header as well as in the document (tests/test_mock_object.py
// test_copy_object records it); oss2's copy_object and
// update_object_meta return a PutObjectResult, whose etag is the
// header's, and had none from osslite. S3's CopyObject has no such
// header.
func TestOss2CopyObjectETagHeader(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2copy", sign: "oss-v1"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2copy/src.js", sign: "oss-v1", body: []byte("hello")}).StatusCode)

	for _, h := range []http.Header{
		hdr("x-oss-copy-source", "/oss2copy/src.js"), // copy_object
		hdr("x-oss-copy-source", "/oss2copy/src.js", "x-oss-metadata-directive", "REPLACE", // update_object_meta
			"Content-Type", "text/plain", "x-oss-meta-category", "novel"),
	} {
		dst := "/oss2copy/dst.js"
		if h.Get("x-oss-metadata-directive") != "" {
			dst = "/oss2copy/src.js"
		}
		r := f.do(t, raw{method: "PUT", path: dst, sign: "oss-v1", header: h})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		require.Equal(t, `"5D41402ABC4B2A76B9719D911017C592"`, r.Header.Get("ETag"))
		require.Contains(t, string(r.body), "<ETag>&quot;5D41402ABC4B2A76B9719D911017C592&quot;</ETag>")
	}

	r := f.do(t, raw{method: "PUT", path: "/oss2copy/s3dst", header: hdr("x-amz-copy-source", "/oss2copy/src.js")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Empty(t, r.Header.Get("ETag"))
}

// TestOss2LaterAppendIgnoresTagging: x-oss-tagging counts on the append
// that creates the object only. tests/test_object.py
// test_append_object_with_tagging_wrong_num: fifteen tags on the first
// append fail, on a later append they (and nine valid ones after them)
// are accepted and set nothing; osslite checked them on every append
// (400 InvalidTag).
func TestOss2LaterAppendIgnoresTagging(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2append", sign: "oss-v1"}).StatusCode)
	tags := func(n int) string {
		var kv []string
		for i := 0; i < n; i++ {
			kv = append(kv, "key"+string(rune('a'+i))+"=value")
		}
		return strings.Join(kv, "&")
	}
	tagCount := func(key string) int {
		r := f.do(t, raw{method: "GET", path: "/oss2append/" + key + "?tagging", sign: "oss-v1"})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		return strings.Count(string(r.body), "<Tag>")
	}

	r := f.do(t, raw{method: "POST", path: "/oss2append/k?append&position=0", sign: "oss-v1", header: hdr("x-oss-tagging", tags(15)), body: []byte("first")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode)
	require.Equal(t, "InvalidTag", r.errCode())

	r = f.do(t, raw{method: "POST", path: "/oss2append/k?append&position=0", sign: "oss-v1", body: []byte("first")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "POST", path: "/oss2append/k?append&position=5", sign: "oss-v1", header: hdr("x-oss-tagging", tags(15)), body: []byte("later")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, "10", r.Header.Get("x-oss-next-append-position"))
	require.Equal(t, 0, tagCount("k"))
	r = f.do(t, raw{method: "POST", path: "/oss2append/k?append&position=10", sign: "oss-v1", header: hdr("x-oss-tagging", tags(9)), body: []byte("again")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, 0, tagCount("k"))

	// The first append's tags stay (test_append_object_with_tagging).
	r = f.do(t, raw{method: "POST", path: "/oss2append/t?append&position=0", sign: "oss-v1", header: hdr("x-oss-tagging", "key1=value1&%2B-/=%3A%2B%3A"), body: []byte("first")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "POST", path: "/oss2append/t?append&position=5", sign: "oss-v1", header: hdr("x-oss-tagging", "other=tag"), body: []byte("later")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/oss2append/t?tagging", sign: "oss-v1"})
	require.Contains(t, string(r.body), "<Tag><Key>+-/</Key><Value>:+:</Value></Tag><Tag><Key>key1</Key><Value>value1</Value></Tag></TagSet>")
}

// TestOss2LeadingSlashObjectName: a new object's name may not start with
// '/' or '\': 400 InvalidObjectName, EC 0016-00000005 (Aliyun's page for
// that EC, whose example is PUT //test.txt; tests/test_object.py
// test_invalid_object_name puts '/invalid-object-name'). osslite stored
// it. Reading or deleting such a name (which the S3 dialect may write)
// is not refused.
func TestOss2LeadingSlashObjectName(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2names", sign: "oss-v1"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2names/src", sign: "oss-v1", body: []byte("x")}).StatusCode)
	for _, q := range []raw{
		{method: "PUT", path: "/oss2names//invalid-object-name", body: []byte("x")},
		{method: "PUT", path: "/oss2names/%5Cback", body: []byte("x")},
		{method: "POST", path: "/oss2names//appended?append&position=0", body: []byte("x")},
		{method: "POST", path: "/oss2names//multi?uploads"},
		{method: "PUT", path: "/oss2names//copied", header: hdr("x-oss-copy-source", "/oss2names/src")},
		{method: "PUT", path: "/oss2names//link?symlink", header: hdr("x-oss-symlink-target", "src")},
	} {
		q.sign = "oss-v1"
		r := f.do(t, q)
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
		require.Equal(t, "InvalidObjectName", r.errCode(), q.path)
		require.Equal(t, "0016-00000005", r.Header.Get("x-oss-ec"), q.path)
	}
	// A virtual-host request names the key the same way.
	r := f.do(t, raw{method: "PUT", path: "//test.txt", host: "oss2names.oss-cn-hangzhou.aliyuncs.com", sign: "keep",
		header: signedVHost(t, f, "PUT", "oss2names", "/test.txt")})
	require.Equal(t, "InvalidObjectName", r.errCode(), string(r.body))

	// The S3 dialect takes such keys (as S3 does); OSS reads and
	// deletes them.
	r = f.do(t, raw{method: "PUT", path: "/oss2names//s3-key", body: []byte("s3")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/oss2names//s3-key", sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, "s3", string(r.body))
	r = f.do(t, raw{method: "DELETE", path: "/oss2names//s3-key", sign: "oss-v1"})
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
}

// signedVHost returns the headers of an OSS v1 signature over
// /bucket/key, for a request sent to the bucket's virtual host.
func signedVHost(t *testing.T, f *fixture, method, bucket, key string) http.Header {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+bucket+".oss-cn-hangzhou.aliyuncs.com/"+key, http.NoBody)
	require.NoError(t, err)
	ossauth.SignRequestV1(req, ossauth.Resource{Bucket: bucket, Key: key}, ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, f.clock.Now())
	return req.Header
}

// TestOss2EmptyVersionID: versionId given empty names no version, and OSS
// refuses it: tests/test_object_versioning.py expects an error from
// get_object_meta, head_object, put_object_acl and get_object_acl with
// an empty versionId param and from copy_object whose x-oss-copy-source
// ends in ?versionId= (test_get_object_meta_with_version,
// test_head_object_with_version, test_object_acl_with_version,
// test_copy_object_with_version); osslite read the latest version. S3's
// answer is unchanged here.
func TestOss2EmptyVersionID(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2ver", sign: "oss-v1"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2ver?versioning", sign: "oss-v1",
		body: []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")}).StatusCode)
	put := f.do(t, raw{method: "PUT", path: "/oss2ver/test", sign: "oss-v1", body: []byte("test1")})
	require.Equal(t, 200, put.StatusCode)
	v1 := put.Header.Get("x-oss-version-id")
	require.NotEmpty(t, v1)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2ver/test", sign: "oss-v1", body: []byte("test2")}).StatusCode)

	for _, q := range []raw{
		{method: "GET", path: "/oss2ver/test?objectMeta&versionId="},
		{method: "HEAD", path: "/oss2ver/test?objectMeta&versionId="},
		{method: "HEAD", path: "/oss2ver/test?versionId="},
		{method: "GET", path: "/oss2ver/test?versionId="},
		{method: "PUT", path: "/oss2ver/test?acl&versionId=", header: hdr("x-oss-object-acl", "default")},
		{method: "GET", path: "/oss2ver/test?acl&versionId="},
		{method: "PUT", path: "/oss2ver/test_copy_wrong", header: hdr("x-oss-copy-source", "/oss2ver/test?versionId=")},
	} {
		q.sign = "oss-v1"
		r := f.do(t, q)
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
		if q.method != "HEAD" {
			require.Equal(t, "InvalidArgument", r.errCode(), q.path)
		}
		require.Equal(t, "0042-00000216", r.Header.Get("x-oss-ec"), q.path)
	}
	// Nothing was copied; a version by its ID still reads.
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/oss2ver/test_copy_wrong", sign: "oss-v1"}).StatusCode)
	r := f.do(t, raw{method: "GET", path: "/oss2ver/test?versionId=" + v1, sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.Equal(t, "test1", string(r.body))
	r = f.do(t, raw{method: "PUT", path: "/oss2ver/test_copy", sign: "oss-v1", header: hdr("x-oss-copy-source", "/oss2ver/test?versionId="+v1)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, v1, r.Header.Get("x-oss-copy-source-version-id"))

	r = f.do(t, raw{method: "GET", path: "/oss2ver/test?versionId="})
	require.Equal(t, http.StatusOK, r.StatusCode, "S3 dialect: %s", r.body)
}

// TestOss2ListVersionsLongArguments: ListObjectVersions refuses a prefix,
// key-marker, version-id-marker or delimiter of 1025 bytes and max-keys
// 1001 with InvalidArgument (tests/test_bucket_versioning.py
// test_list_object_versions_wrong); osslite listed a key-marker that long.
func TestOss2ListVersionsLongArguments(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2versions", sign: "oss-v1"}).StatusCode)
	long := strings.Repeat("a", 1025)
	for _, q := range []string{"prefix=" + long, "key-marker=" + long, "version-id-marker=" + long,
		"key-marker=a&version-id-marker=" + long, "delimiter=" + long, "max-keys=1001"} {
		r := f.do(t, raw{method: "GET", path: "/oss2versions?versions&" + q, sign: "oss-v1"})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%.40s: %s", q, r.body)
		require.Equal(t, "InvalidArgument", r.errCode(), "%.40s", q)
	}
	r := f.do(t, raw{method: "GET", path: "/oss2versions?versions&key-marker=" + long[:1023], sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// TestOss2MirrorRulePassQueryString: a Mirror routing rule reads back
// with PassQueryString equal to its MirrorPassQueryString
// (tests/test_website.py test_normal_set_website_with_mirror, which
// sends no PassQueryString with MirrorPassQueryString true and expects
// true); osslite read back false.
func TestOss2MirrorRulePassQueryString(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2web", sign: "oss-v1"}).StatusCode)
	rule := func(n, pass, mirrorPass string) string {
		if pass != "" {
			pass = "<PassQueryString>" + pass + "</PassQueryString>"
		}
		return "<RoutingRule><RuleNumber>" + n + "</RuleNumber><Condition><KeyPrefixEquals>" + n + "/</KeyPrefixEquals>" +
			"<HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><RedirectType>Mirror</RedirectType>" + pass +
			"<MirrorURL>http://www.test.com/</MirrorURL><MirrorPassQueryString>" + mirrorPass + "</MirrorPassQueryString></Redirect></RoutingRule>"
	}
	doc := "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules>" +
		rule("1", "", "true") + rule("2", "false", "false") + rule("3", "true", "false") + "</RoutingRules></WebsiteConfiguration>"
	r := f.do(t, raw{method: "PUT", path: "/oss2web?website", sign: "oss-v1", body: []byte(doc)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/oss2web?website", sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	got := string(r.body)
	for n, want := range map[string]string{"1": "true", "2": "false", "3": "false"} {
		i := strings.Index(got, "<RuleNumber>"+n+"</RuleNumber>")
		require.GreaterOrEqual(t, i, 0, got)
		redirect := got[i:]
		redirect = redirect[:strings.Index(redirect, "</Redirect>")]
		require.Contains(t, redirect, "<PassQueryString>"+want+"</PassQueryString>", "rule %s: %s", n, redirect)
		require.Contains(t, redirect, "<MirrorPassQueryString>"+want+"</MirrorPassQueryString>", "rule %s", n)
	}
}

// TestOss2DataEncryptionOnlyUnderKMS: SM4 data encryption goes with KMS
// only, and OSS takes it with AES256 or SM4 and drops it
// (tests/test_server_side_encryotion.py): PutObject with AES256 or SM4
// and x-oss-server-side-data-encryption SM4 is 200 answering no data
// encryption (test_put_object_with_encryption), and PutBucketEncryption
// with KMSDataEncryption SM4 under AES256 or SM4 reads back without it
// (test_put_bucket_encryption). osslite refused both
// (InvalidEncryptionAlgorithmError, InvalidArgument).
func TestOss2DataEncryptionOnlyUnderKMS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2sse", sign: "oss-v1"}).StatusCode)
	for _, alg := range []string{"AES256", "SM4"} {
		r := f.do(t, raw{method: "PUT", path: "/oss2sse/" + alg, sign: "oss-v1", body: []byte("a"),
			header: hdr("x-oss-server-side-encryption", alg, "x-oss-server-side-data-encryption", "SM4")})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		require.Equal(t, alg, r.Header.Get("x-oss-server-side-encryption"))
		require.Empty(t, r.Header.Get("x-oss-server-side-data-encryption"))
		require.Empty(t, r.Header.Get("x-oss-server-side-encryption-key-id"))
		h := f.do(t, raw{method: "HEAD", path: "/oss2sse/" + alg, sign: "oss-v1"})
		require.Equal(t, alg, h.Header.Get("x-oss-server-side-encryption"))
		require.Empty(t, h.Header.Get("x-oss-server-side-data-encryption"))

		doc := "<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>" + alg +
			"</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>"
		r = f.do(t, raw{method: "PUT", path: "/oss2sse?encryption", sign: "oss-v1", body: []byte(doc)})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		r = f.do(t, raw{method: "GET", path: "/oss2sse?encryption", sign: "oss-v1"})
		require.Contains(t, string(r.body), "<SSEAlgorithm>"+alg+"</SSEAlgorithm>")
		require.NotContains(t, string(r.body), "KMSDataEncryption")
	}
	// Under KMS it is kept, and anything but SM4 is still refused.
	r := f.do(t, raw{method: "PUT", path: "/oss2sse/kms", sign: "oss-v1", body: []byte("a"),
		header: hdr("x-oss-server-side-encryption", "KMS", "x-oss-server-side-data-encryption", "SM4")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, "SM4", r.Header.Get("x-oss-server-side-data-encryption"))
	require.NotEmpty(t, r.Header.Get("x-oss-server-side-encryption-key-id"))
	r = f.do(t, raw{method: "PUT", path: "/oss2sse/kms-bad", sign: "oss-v1", body: []byte("a"),
		header: hdr("x-oss-server-side-encryption", "KMS", "x-oss-server-side-data-encryption", "AES256")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
}

// TestOss2CompleteRefusesEncryptionHeaders: an upload's encryption is
// chosen when it is initiated; CompleteMultipartUpload naming one is
// InvalidArgument, as UploadPart naming one is
// (tests/test_server_side_encryotion.py test_multipart_upload); osslite
// completed it. Without them the answer names the upload's encryption.
func TestOss2CompleteRefusesEncryptionHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2mpsse", sign: "oss-v1"}).StatusCode)
	sse := hdr("x-oss-server-side-encryption", "KMS", "x-oss-server-side-data-encryption", "SM4")
	r := f.do(t, raw{method: "POST", path: "/oss2mpsse/k?uploads", sign: "oss-v1", header: sse})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	key := r.Header.Get("x-oss-server-side-encryption-key-id")
	require.NotEmpty(t, key)
	id := string(r.body)[strings.Index(string(r.body), "<UploadId>")+len("<UploadId>"):]
	id = id[:strings.Index(id, "<")]

	r = f.do(t, raw{method: "PUT", path: "/oss2mpsse/k?partNumber=1&uploadId=" + id, sign: "oss-v1", header: sse, body: []byte("part")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidArgument", r.errCode())
	part := f.do(t, raw{method: "PUT", path: "/oss2mpsse/k?partNumber=1&uploadId=" + id, sign: "oss-v1", body: []byte("part")})
	require.Equal(t, http.StatusOK, part.StatusCode, string(part.body))
	complete := []byte("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + part.Header.Get("ETag") + "</ETag></Part></CompleteMultipartUpload>")

	for _, h := range []http.Header{sse, hdr("x-oss-server-side-encryption", "KMS"), hdr("x-oss-server-side-data-encryption", "SM4")} {
		r = f.do(t, raw{method: "POST", path: "/oss2mpsse/k?uploadId=" + id, sign: "oss-v1", header: h, body: complete})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
		require.Equal(t, "InvalidArgument", r.errCode())
	}
	r = f.do(t, raw{method: "POST", path: "/oss2mpsse/k?uploadId=" + id, sign: "oss-v1", body: complete})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, "KMS", r.Header.Get("x-oss-server-side-encryption"))
	require.Equal(t, "SM4", r.Header.Get("x-oss-server-side-data-encryption"))
	require.Equal(t, key, r.Header.Get("x-oss-server-side-encryption-key-id"))
}

// TestOss2LifecycleMixedTimeKinds: a rule expiring objects by
// CreatedBeforeDate while transitioning them after Days (or the other way
// round) is 400 InvalidRequest (tests/test_bucket.py
// test_lifecycle_storage_transitions_mixed); osslite stored it. Same
// kinds in both, and an AbortMultipartUpload by Days beside an Expiration
// by date (test_lifecycle_abort_multipart_upload_days), are taken.
func TestOss2LifecycleMixedTimeKinds(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/oss2lc", sign: "oss-v1"}).StatusCode)
	put := func(actions string) rawResponse {
		return f.do(t, raw{method: "PUT", path: "/oss2lc?lifecycle", sign: "oss-v1",
			body: []byte("<LifecycleConfiguration><Rule><ID>r</ID><Prefix>a/</Prefix><Status>Enabled</Status>" + actions + "</Rule></LifecycleConfiguration>")})
	}
	byDate := "<Expiration><CreatedBeforeDate>2016-12-25T00:00:00.000Z</CreatedBeforeDate></Expiration>"
	for _, actions := range []string{
		byDate + "<Transition><Days>356</Days><StorageClass>IA</StorageClass></Transition>",
		byDate + "<Transition><CreatedBeforeDate>2016-12-20T00:00:00.000Z</CreatedBeforeDate><StorageClass>IA</StorageClass></Transition>" +
			"<Transition><Days>400</Days><StorageClass>Archive</StorageClass></Transition>",
	} {
		r := put(actions)
		require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
		require.Equal(t, "InvalidRequest", r.errCode())
	}
	for _, actions := range []string{
		byDate + "<Transition><CreatedBeforeDate>2016-12-20T00:00:00.000Z</CreatedBeforeDate><StorageClass>IA</StorageClass></Transition>",
		"<Expiration><Days>357</Days></Expiration><Transition><Days>356</Days><StorageClass>IA</StorageClass></Transition>",
		byDate + "<AbortMultipartUpload><Days>356</Days></AbortMultipartUpload>",
	} {
		r := put(actions)
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
}
