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
