package httpapi_test

import (
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/osslite/osslite/httpapi"
)

// ossErrorDoc is the OSS error document.
type ossErrorDoc struct {
	XMLName           xml.Name `xml:"Error"`
	Code              string   `xml:"Code"`
	Message           string   `xml:"Message"`
	RequestID         string   `xml:"RequestId"`
	HostID            string   `xml:"HostId"`
	EC                string   `xml:"EC"`
	BucketName        string   `xml:"BucketName"`
	OSSAccessKeyID    string   `xml:"OSSAccessKeyId"`
	StringToSign      string   `xml:"StringToSign"`
	StringToSignBytes string   `xml:"StringToSignBytes"`
	SignatureProvided string   `xml:"SignatureProvided"`
	Resource          *string  `xml:"Resource"`
}

func fetch(t *testing.T, c *http.Client, method, url string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	ok(t, err)
	resp, err := c.Do(req)
	ok(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ok(t, err)
	return resp, string(b)
}

// TestOSSSignedURLs checks v1 (SignURL) and v4 (Presign) signed URLs,
// their expiry against the engine clock, and clock skew of header
// signatures.
func TestOSSSignedURLs(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c1 := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c1, "signed")
	ok(t, b.PutObject("obj", strings.NewReader("signed body")))
	hc := f.httpClient()

	// v1 URL: GET and PUT.
	u, err := b.SignURL("obj", oss1.HTTPGet, 60)
	ok(t, err)
	resp, body := fetch(t, hc, "GET", u, nil)
	if resp.StatusCode != 200 || body != "signed body" || resp.Header.Get("x-oss-request-id") == "" {
		t.Fatalf("v1 signed GET: %d %s", resp.StatusCode, body)
	}
	u, err = b.SignURL("put-by-url", oss1.HTTPPut, 60)
	ok(t, err)
	ok(t, b.PutObjectWithURL(u, strings.NewReader("via url")))
	// Tampered signature, expired URL, missing parameter.
	u, err = b.SignURL("obj", oss1.HTTPGet, 60)
	ok(t, err)
	resp, body = fetch(t, hc, "GET", strings.Replace(u, "Signature=", "Signature=AAAA", 1), nil)
	var doc ossErrorDoc
	ok(t, xml.Unmarshal([]byte(body), &doc))
	if resp.StatusCode != 403 || doc.Code != "SignatureDoesNotMatch" || doc.OSSAccessKeyID != testAK || doc.StringToSign == "" ||
		doc.SignatureProvided == "" || doc.StringToSignBytes == "" || doc.EC == "" {
		t.Fatalf("tampered v1 URL: %d %s", resp.StatusCode, body)
	}
	f.clock.Advance(2 * time.Minute)
	resp, body = fetch(t, hc, "GET", u, nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") || !strings.Contains(body, "expired") {
		t.Fatalf("expired v1 URL: %d %s", resp.StatusCode, body)
	}
	f.clock.Advance(-2 * time.Minute)
	resp, body = fetch(t, hc, "GET", f.srv.URL+"/signed/obj?OSSAccessKeyId="+testAK+"&Expires=9999999999", nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Fatalf("v1 URL without Signature: %d %s", resp.StatusCode, body)
	}

	// v4 URL from the v2 SDK.
	c2 := f.ossV2(testAK, testSK)
	pr, err := c2.Presign(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr("signed"), Key: oss2.Ptr("obj")}, oss2.PresignExpires(time.Minute))
	ok(t, err)
	if !strings.Contains(pr.URL, "x-oss-signature-version=OSS4-HMAC-SHA256") {
		t.Fatalf("not a v4 URL: %s", pr.URL)
	}
	resp, body = fetch(t, hc, "GET", pr.URL, nil)
	if resp.StatusCode != 200 || body != "signed body" {
		t.Fatalf("v4 signed GET: %d %s", resp.StatusCode, body)
	}
	pp, err := c2.Presign(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("signed"), Key: oss2.Ptr("put-v4")}, oss2.PresignExpires(time.Minute))
	ok(t, err)
	resp, body = fetch(t, hc, "PUT", pp.URL, strings.NewReader("v4 put"))
	if resp.StatusCode != 200 {
		t.Fatalf("v4 signed PUT: %d %s", resp.StatusCode, body)
	}
	f.clock.Advance(2 * time.Minute)
	resp, body = fetch(t, hc, "GET", pr.URL, nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Fatalf("expired v4 URL: %d %s", resp.StatusCode, body)
	}

	// Header signatures more than 15 minutes from the engine clock.
	f.clock.Advance(20 * time.Minute)
	_, err = c1.ListBuckets()
	wantOSS(t, err, 403, "RequestTimeTooSkewed", "")
	_, err = c2.ListBuckets(bg, &oss2.ListBucketsRequest{})
	wantOSS(t, err, 403, "RequestTimeTooSkewed", "")
	f.clock.Advance(-22 * time.Minute)
	_, err = c1.ListBuckets()
	ok(t, err)

	// Malformed Authorization, signature in both header and URL.
	r := f.do(t, raw{method: "GET", path: "/", sign: "keep", header: hdr("Authorization", "OSS nocolon", "Date", time.Now().UTC().Format(http.TimeFormat))})
	if r.StatusCode != 400 || r.errCode() != "InvalidArgument" {
		t.Fatalf("malformed Authorization: %d %s", r.StatusCode, r.body)
	}
	r = f.do(t, raw{method: "GET", path: "/signed/obj?OSSAccessKeyId=x&Expires=1&Signature=y", sign: "oss-v1"})
	if r.StatusCode != 400 || r.errCode() != "InvalidArgument" {
		t.Fatalf("two signatures: %d %s", r.StatusCode, r.body)
	}
	r = f.do(t, raw{method: "GET", path: "/", sign: "keep", header: hdr("Authorization", "OSS "+testAK+":c2lnbmF0dXJl")})
	if r.StatusCode != 403 || r.errCode() != "AccessDenied" {
		t.Fatalf("no Date: %d %s", r.StatusCode, r.body)
	}
}

// TestOSSWire checks the raw OSS error document and headers.
func TestOSSWire(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "GET", path: "/nobucket/key", sign: "oss-v1"})
	var doc ossErrorDoc
	ok(t, xml.Unmarshal(r.body, &doc))
	host := f.srv.Listener.Addr().String()
	if r.StatusCode != 404 || doc.Code != "NoSuchBucket" || doc.Message != "The specified bucket does not exist." || doc.EC != "0015-00000101" ||
		doc.RequestID != r.Header.Get("x-oss-request-id") || len(doc.RequestID) != 24 || doc.HostID != host || doc.BucketName != "nobucket" ||
		doc.Resource != nil || r.Header.Get("x-oss-ec") != "0015-00000101" || r.Header.Get("Server") != "AliyunOSS" ||
		r.Header.Get("x-amz-request-id") != "" || !strings.HasSuffix(strings.TrimSpace(string(r.body)), "<EC>0015-00000101</EC></Error>") {
		t.Fatalf("error document: %d %v %s", r.StatusCode, r.Header, r.body)
	}
	// HEAD: no body, the document in x-oss-err.
	r = f.do(t, raw{method: "HEAD", path: "/nobucket/key", sign: "oss-v4"})
	errDoc, err := base64.StdEncoding.DecodeString(r.Header.Get("x-oss-err"))
	ok(t, err)
	doc = ossErrorDoc{}
	ok(t, xml.Unmarshal(errDoc, &doc))
	if r.StatusCode != 404 || len(r.body) != 0 || doc.Code != "NoSuchBucket" || doc.EC != "0015-00000101" || r.Header.Get("x-oss-ec") != "0015-00000101" {
		t.Fatalf("HEAD error: %d %v %s", r.StatusCode, r.Header, errDoc)
	}
	// Successful responses carry x-oss-request-id and no S3 headers;
	// ETags are upper case.
	r = f.do(t, raw{method: "PUT", path: "/wire", sign: "oss-v4"})
	if r.StatusCode != 200 || r.Header.Get("x-oss-request-id") == "" || r.Header.Get("x-amz-id-2") != "" || r.Header.Get("Location") != "/wire" {
		t.Fatalf("PutBucket: %d %v", r.StatusCode, r.Header)
	}
	r = f.do(t, raw{method: "PUT", path: "/wire/k", body: []byte("abc"), sign: "oss-v1"})
	if r.Header.Get("ETag") != `"900150983CD24FB0D6963F7D28E17F72"` || r.Header.Get("x-oss-hash-crc64ecma") != "3231342946509354535" {
		t.Fatalf("PutObject headers %v", r.Header)
	}
	// Exact statuses (clients.md).
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"DELETE", "/wire/k?tagging", 204},
		{"DELETE", "/wire/k", 204},
		{"DELETE", "/wire/missing", 204},
		{"GET", "/wire?cors", 404}, // NoSuchCORSConfiguration
		{"DELETE", "/wire", 204},
	} {
		r = f.do(t, raw{method: c.method, path: c.path, sign: "oss-v1"})
		if r.StatusCode != c.status {
			t.Fatalf("%s %s: %d %s, want %d", c.method, c.path, r.StatusCode, r.body, c.status)
		}
	}
	// The interceptor sees the OSS dialect and can inject OSS errors.
	g := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithInterceptor(func(w http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
		if op.Dialect == "oss" && op.Operation == "GetObject" {
			op.WriteError(w, r, "ServiceUnavailable", 503, "")
			return true
		}
		return false
	})}})
	r = g.do(t, raw{method: "GET", path: "/b/k", sign: "oss-v1"})
	doc = ossErrorDoc{}
	ok(t, xml.Unmarshal(r.body, &doc))
	if r.StatusCode != 503 || doc.Code != "ServiceUnavailable" || doc.EC == "" || r.Header.Get("x-oss-request-id") == "" {
		t.Fatalf("injected: %d %s", r.StatusCode, r.body)
	}
}

// TestOSSDetection checks which dialect answers.
func TestOSSDetection(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithPermissive(), httpapi.WithDomains("oss-test.example"),
		httpapi.WithOSSDomains("my.oss.test")}})
	for _, c := range []struct {
		name   string
		q      raw
		oss    bool
		bucket string
	}{
		{"s3 signature", raw{method: "GET", path: "/nob"}, false, ""},
		{"anonymous", raw{method: "GET", path: "/nob", sign: "anon"}, false, ""},
		{"oss v1", raw{method: "GET", path: "/nob", sign: "oss-v1"}, true, ""},
		{"oss v4", raw{method: "GET", path: "/nob", sign: "oss-v4"}, true, ""},
		{"x-oss header", raw{method: "GET", path: "/nob", sign: "anon", header: hdr("x-oss-date", "x")}, true, ""},
		{"v1 URL", raw{method: "GET", path: "/nob?OSSAccessKeyId=a&Expires=1&Signature=s", sign: "anon"}, true, ""},
		{"v4 URL", raw{method: "GET", path: "/nob?x-oss-signature-version=OSS4-HMAC-SHA256", sign: "anon"}, true, ""},
		{"aliyun host", raw{method: "GET", path: "/", sign: "anon", host: "nob.oss-cn-hangzhou.aliyuncs.com"}, true, "nob"},
		{"oss domain", raw{method: "GET", path: "/", sign: "anon", host: "nob.oss-test.example:9000"}, true, "nob"},
		{"configured oss domain", raw{method: "GET", path: "/", sign: "anon", host: "nob.my.oss.test"}, true, "nob"},
		{"other host", raw{method: "GET", path: "/nob", sign: "anon", host: "example.com"}, false, ""},
	} {
		r := f.do(t, c.q)
		ossAnswer := r.Header.Get("x-oss-request-id") != ""
		if ossAnswer != c.oss || r.StatusCode != 404 {
			t.Errorf("%s: oss=%v status %d %s", c.name, ossAnswer, r.StatusCode, r.body)
		}
		if c.bucket != "" && !strings.Contains(string(r.body), "<BucketName>"+c.bucket+"</BucketName>") {
			t.Errorf("%s: bucket not addressed by host: %s", c.name, r.body)
		}
	}
}

// TestOSSVirtualHost runs the v2 SDK against an aliyuncs.com endpoint
// (virtual-host addressing), dialled to the fixture.
func TestOSSVirtualHost(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2At("http://oss-cn-hangzhou.aliyuncs.com", testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("vhost")})
	ok(t, err)
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("vhost"), Key: oss2.Ptr("a/b c"), Body: strings.NewReader("hi")})
	ok(t, err)
	got, _ := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr("vhost"), Key: oss2.Ptr("a/b c")})
	if got != "hi" {
		t.Fatalf("vhost body %q", got)
	}
	lb, err := c.ListBuckets(bg, &oss2.ListBucketsRequest{})
	ok(t, err)
	if len(lb.Buckets) != 1 || *lb.Buckets[0].ExtranetEndpoint != "oss-cn-hangzhou.aliyuncs.com" {
		t.Fatalf("vhost ListBuckets %+v", lb.Buckets)
	}
	// The v1 SDK too (v1 signatures over virtual hosts).
	c1, err := oss1.New("http://oss-cn-hangzhou.aliyuncs.com", testAK, testSK, oss1.HTTPClient(f.httpClient()))
	ok(t, err)
	b, err := c1.Bucket("vhost")
	ok(t, err)
	rd, err := b.GetObject("a/b c")
	ok(t, err)
	data, err := io.ReadAll(rd)
	ok(t, err)
	rd.Close()
	if string(data) != "hi" {
		t.Fatalf("v1 vhost body %q", data)
	}
}

// TestOSSPermissive runs the SDKs against a permissive server with keys
// it does not know.
func TestOSSPermissive(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithPermissive()}})
	c1 := f.ossV1(t, "anykey", "anysecret")
	b := v1Bucket(t, c1, "perm")
	ok(t, b.PutObject("k", strings.NewReader("v")))
	c2 := f.ossV2("otherkey", "othersecret")
	got, _ := v2Get(t, c2, &oss2.GetObjectRequest{Bucket: oss2.Ptr("perm"), Key: oss2.Ptr("k")})
	if got != "v" {
		t.Fatalf("permissive body %q", got)
	}
	r := f.do(t, raw{method: "GET", path: "/perm/k", sign: "anon", header: hdr("x-oss-anything", "1")})
	if r.StatusCode != 200 || string(r.body) != "v" {
		t.Fatalf("anonymous permissive GET: %d", r.StatusCode)
	}
}

// TestOSSRawErrors covers documented errors the SDKs cannot produce.
func TestOSSRawErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/raw", sign: "oss-v1"})
	if r.StatusCode != 200 {
		t.Fatalf("PutBucket %d %s", r.StatusCode, r.body)
	}
	del := []byte(`<Delete><Quiet>false</Quiet><Object><Key>a</Key></Object></Delete>`)
	for _, c := range []struct {
		name   string
		q      raw
		status int
		code   string
		ec     string
	}{
		{"delete bad md5", raw{method: "POST", path: "/raw?delete", body: del, sign: "oss-v1", header: hdr("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==")}, 400, "InvalidDigest", ""},
		{"delete bad xml", raw{method: "POST", path: "/raw?delete", body: []byte("<Delete>"), sign: "oss-v4"}, 400, "MalformedXML", "0016-00000608"},
		{"delete too many", raw{method: "POST", path: "/raw?delete", body: []byte("<Delete>" + strings.Repeat("<Object><Key>k</Key></Object>", 1001) + "</Delete>"), sign: "oss-v4"}, 400, "MalformedXML", ""},
		{"list long prefix", raw{method: "GET", path: "/raw?prefix=" + strings.Repeat("p", 1024), sign: "oss-v1"}, 400, "InvalidArgument", "0042-00000216"},
		{"list max-keys", raw{method: "GET", path: "/raw?max-keys=1001", sign: "oss-v1"}, 400, "InvalidArgument", ""},
		{"bad acl header", raw{method: "PUT", path: "/raw?acl", sign: "oss-v1", header: hdr("x-oss-acl", "error-acl")}, 400, "InvalidArgument", ""},
		{"put bucket bad xml", raw{method: "PUT", path: "/raw2", body: []byte("<CreateBucketConfiguration>"), sign: "oss-v1"}, 400, "MalformedXML", "0015-00000231"},
		{"sse on part", raw{method: "PUT", path: "/raw/k?partNumber=1&uploadId=x", body: []byte("x"), sign: "oss-v1", header: hdr("x-oss-server-side-encryption", "AES256")}, 400, "InvalidArgument", ""},
		{"symlink without target", raw{method: "PUT", path: "/raw/k?symlink", sign: "oss-v1"}, 400, "InvalidArgument", ""},
		{"restore bad xml", raw{method: "POST", path: "/raw/k?restore", body: []byte("<Restore"), sign: "oss-v1"}, 400, "MalformedXML", ""},
		{"post object not a form", raw{method: "POST", path: "/raw", sign: "oss-v1"}, 412, "PreconditionFailed", ""},
		{"unknown method", raw{method: "PATCH", path: "/raw/k", sign: "oss-v1"}, 405, "MethodNotAllowed", ""},
	} {
		r := f.do(t, c.q)
		var doc ossErrorDoc
		_ = xml.Unmarshal(r.body, &doc)
		if r.StatusCode != c.status || doc.Code != c.code || doc.EC == "" || c.ec != "" && doc.EC != c.ec {
			t.Errorf("%s: %d %s", c.name, r.StatusCode, r.body)
		}
	}
	r = f.do(t, raw{method: "PUT", path: "/raw?acl", sign: "oss-v1", header: hdr("x-oss-acl", "error-acl")})
	if !strings.Contains(string(r.body), "<Message>no such bucket access control exists</Message>") ||
		!strings.Contains(string(r.body), "<ArgumentName>x-oss-acl</ArgumentName><ArgumentValue>error-acl</ArgumentValue>") {
		t.Fatalf("PutBucketACL error body %s", r.body)
	}
}

// TestOSSACLModel checks OSS ACL semantics: objects with the default ACL
// follow their bucket, object ACLs override it.
func TestOSSACLModel(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("pub", oss1.ACL(oss1.ACLPublicRead)))
	b, err := c.Bucket("pub")
	ok(t, err)
	ok(t, b.PutObject("default", strings.NewReader("d")))
	ok(t, b.PutObject("private", strings.NewReader("p"), oss1.ObjectACL(oss1.ACLPrivate)))
	anon := func(method, path string, body []byte) rawResponse {
		return f.do(t, raw{method: method, path: path, body: body, sign: "anon", header: hdr("X-Oss-Client", "anonymous")})
	}
	if r := anon("GET", "/pub/default", nil); r.StatusCode != 200 || string(r.body) != "d" {
		t.Fatalf("default ACL in public-read bucket: %d %s", r.StatusCode, r.body)
	}
	if r := anon("GET", "/pub/private", nil); r.StatusCode != 403 || r.errCode() != "AccessDenied" {
		t.Fatalf("private object in public-read bucket: %d %s", r.StatusCode, r.body)
	}
	if r := anon("GET", "/pub", nil); r.StatusCode != 200 || !strings.Contains(string(r.body), "<Key>default</Key>") {
		t.Fatalf("anonymous list of public-read bucket: %d %s", r.StatusCode, r.body)
	}
	if r := anon("PUT", "/pub/new", []byte("x")); r.StatusCode != 403 {
		t.Fatalf("anonymous write to public-read bucket: %d", r.StatusCode)
	}
	ok(t, c.SetBucketACL("pub", oss1.ACLPublicReadWrite))
	if r := anon("PUT", "/pub/new", []byte("x")); r.StatusCode != 200 {
		t.Fatalf("anonymous write to public-read-write bucket: %d %s", r.StatusCode, r.body)
	}
	ok(t, c.SetBucketACL("pub", oss1.ACLPrivate))
	if r := anon("GET", "/pub/default", nil); r.StatusCode != 403 {
		t.Fatalf("default ACL in private bucket: %d", r.StatusCode)
	}
	// Another account: the bucket owner's ACL calls are refused.
	other, err := f.ossV1(t, otherAK, otherSK).Bucket("pub")
	ok(t, err)
	_, err = other.GetObjectACL("default")
	wantOSS(t, err, 403, "AccessDenied", "")
	wantOSS(t, other.SetObjectACL("default", oss1.ACLPublicRead), 403, "AccessDenied", "")
}

// TestOSSMetadataLimit checks the 8 KB OSS user-metadata limit.
func TestOSSMetadataLimit(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c, "meta")
	ok(t, b.PutObject("k", strings.NewReader("x"), oss1.Meta("big", strings.Repeat("v", 6<<10))))
	wantOSS(t, b.PutObject("k", strings.NewReader("x"), oss1.Meta("big", strings.Repeat("v", 9<<10))), 400, "InvalidArgument", "")
}
