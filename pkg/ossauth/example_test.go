package ossauth_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/osslite/osslite/pkg/ossauth"
)

// The signatures in the signer examples were cross-checked with the v2 SDK's
// signer.SignerV1 / signer.SignerV4 for the same inputs (see
// testdata/sdk/README.md).
var (
	cred = ossauth.Credentials{AccessKeyID: "ak", AccessKeySecret: "sk"}
	at   = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	res  = ossauth.Resource{Bucket: "bucket", Key: "dir/a b.txt"}
)

func lookup(id string) (string, bool) {
	if id == cred.AccessKeyID {
		return cred.AccessKeySecret, true
	}
	return "", false
}

func ExampleAuthenticate() {
	r := httptest.NewRequest("GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/dir/a%20b.txt", nil)
	ossauth.SignRequestV4(r, res, cred, at, ossauth.V4Options{Region: "cn-hangzhou"})

	a, err := ossauth.Authenticate(r, res, at.Add(time.Minute), lookup)
	fmt.Println(a.Scheme, a.AccessKeyID, err)

	_, err = ossauth.Authenticate(r, res, at.Add(time.Hour), lookup)
	fmt.Println(errors.Is(err, ossauth.ErrRequestTimeTooSkewed))

	var se *ossauth.SignatureError
	_, err = ossauth.Authenticate(r, ossauth.Resource{Bucket: "bucket", Key: "other"}, at, lookup)
	fmt.Println(errors.As(err, &se), se.CanonicalRequest != "")
	// Output:
	// v4-header ak <nil>
	// true
	// true true
}

func ExampleParse() {
	r := httptest.NewRequest("GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/", nil)
	a, _ := ossauth.Parse(r)
	fmt.Println(a.Scheme)

	r.Header.Set("Authorization", "OSS ak:sig")
	r.URL.RawQuery = "Signature=x"
	_, err := ossauth.Parse(r)
	fmt.Println(err)
	// Output:
	// anonymous
	// ossauth: signature in both URL and header: Authorization header and signed URL parameters
}

func ExampleAuth_Verify() {
	r := httptest.NewRequest("PUT", "http://bucket.oss-cn-hangzhou.aliyuncs.com/dir/a%20b.txt", nil)
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Oss-Meta-Author", "alice")
	ossauth.SignRequestV1(r, res, cred, at)

	a, _ := ossauth.Parse(r)
	err := a.Verify(r, res, "wrong-secret", at)
	var se *ossauth.SignatureError
	if errors.As(err, &se) {
		fmt.Printf("%q\n", se.StringToSign)
	}
	// Output:
	// "PUT\n\ntext/plain\nWed, 01 Jan 2025 00:00:00 GMT\nx-oss-meta-author:alice\n/bucket/dir/a b.txt"
}

func ExampleSignRequestV1() {
	r := httptest.NewRequest("GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/dir/a%20b.txt?acl", nil)
	ossauth.SignRequestV1(r, res, cred, at)
	fmt.Println(r.Header.Get("Date"))
	fmt.Println(r.Header.Get("Authorization"))
	// Output:
	// Wed, 01 Jan 2025 00:00:00 GMT
	// OSS ak:PwpK0oFEVT1MrMghd0vxZ7wXZbE=
}

func ExamplePresignV1() {
	r := httptest.NewRequest("GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/dir/a%20b.txt", nil)
	ossauth.PresignV1(r, res, cred, at.Add(time.Hour))
	fmt.Println(r.URL.RawQuery)
	// Output:
	// Expires=1735693200&OSSAccessKeyId=ak&Signature=8uYBmmcd%2Br9SBDH%2FLpLsa1D3hlo%3D
}

func ExampleSignRequestV4() {
	r := httptest.NewRequest("GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/dir/a%20b.txt", nil)
	ossauth.SignRequestV4(r, res, cred, at, ossauth.V4Options{Region: "cn-hangzhou"})
	fmt.Println(r.Header.Get("X-Oss-Date"))
	fmt.Println(r.Header.Get("Authorization"))
	// Output:
	// 20250101T000000Z
	// OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=ff1dfade8aa7e7c177e81a6e84faf071055a98da6bc997bcfec368ddb201a6ca
}

func ExamplePresignV4() {
	r := httptest.NewRequest("GET", "http://bucket.oss-cn-hangzhou.aliyuncs.com/dir/a%20b.txt", nil)
	ossauth.PresignV4(r, res, cred, at, 10*time.Minute, ossauth.V4Options{Region: "cn-hangzhou"})
	q, _ := url.ParseQuery(r.URL.RawQuery)
	fmt.Println(q.Get("x-oss-credential"), q.Get("x-oss-date"), q.Get("x-oss-expires"))
	// Output:
	// ak/20250101/cn-hangzhou/oss/aliyun_v4_request 20250101T000000Z 600
}

func ExampleParseAuthorization() {
	a, err := ossauth.ParseAuthorization("OSS4-HMAC-SHA256 Credential=ak/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe")
	fmt.Println(a.AccessKeyID, a.Scope, a.AdditionalHeaders, err)
	_, err = ossauth.ParseAuthorization("OSS ak")
	fmt.Println(err)
	// Output:
	// ak 20250101/cn-hangzhou/oss/aliyun_v4_request [host] <nil>
	// ossauth: malformed authorization: v1: missing ':'
}

func ExampleCanonicalizedResource() {
	q, _ := url.ParseQuery("uploadId=0004B9&prefix=ignored&partNumber=1&acl")
	fmt.Println(ossauth.CanonicalizedResource(ossauth.Resource{Bucket: "b", Key: "k"}, q))
	// Output:
	// /b/k?acl&partNumber=1&uploadId=0004B9
}
