package ossauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanonicalizedResource(t *testing.T) {
	tests := []struct {
		name  string
		res   Resource
		query string
		want  string
	}{
		{"service", Resource{}, "", "/"},
		{"service with sub-resource", Resource{}, "regionList", "/?regionList"},
		{"bucket", Resource{Bucket: "b"}, "", "/b/"},
		{"object", Resource{Bucket: "b", Key: "k"}, "", "/b/k"},
		{"raw key, not escaped", Resource{Bucket: "b", Key: "dir/a b+c?ü"}, "", "/b/dir/a b+c?ü"},
		{"empty value without =", Resource{Bucket: "b"}, "acl", "/b/?acl"},
		{"empty value with = still bare", Resource{Bucket: "b"}, "acl=", "/b/?acl"},
		{"sorted byte-wise", Resource{Bucket: "b", Key: "k"}, "uploadId=U&acl&partNumber=1", "/b/k?acl&partNumber=1&uploadId=U"},
		{"upper case sorts first", Resource{Bucket: "b", Key: "k"}, "uploads&objectMeta&bucketInfo", "/b/k?bucketInfo&objectMeta&uploads"},
		{"unlisted params excluded", Resource{Bucket: "b"}, "prefix=p&marker=m&max-keys=5&delimiter=/&encoding-type=url&list-type=2&acl", "/b/?acl"},
		{"multipart listing params excluded", Resource{Bucket: "b"}, "uploads&max-uploads=1&key-marker=k&upload-id-marker=u", "/b/?uploads"},
		{"parts listing params excluded", Resource{Bucket: "b", Key: "k"}, "uploadId=u&max-parts=2&part-number-marker=1", "/b/k?uploadId=u"},
		{"only unlisted: no '?'", Resource{Bucket: "b"}, "prefix=p", "/b/"},
		{"names are case-sensitive", Resource{Bucket: "b"}, "ACL&Acl", "/b/"},
		{"value decoded, raw", Resource{Bucket: "b", Key: "k"}, "response-content-type=text%2Fhtml&x-oss-process=image%2Fresize%2Cw_100", "/b/k?response-content-type=text/html&x-oss-process=image/resize,w_100"},
		{"all response-* overrides", Resource{Bucket: "b", Key: "k"},
			"response-expires=e&response-cache-control=c&response-content-disposition=d&response-content-encoding=g&response-content-language=l&response-content-type=t",
			"/b/k?response-cache-control=c&response-content-disposition=d&response-content-encoding=g&response-content-language=l&response-content-type=t&response-expires=e"},
		{"append and position", Resource{Bucket: "b", Key: "k"}, "position=0&append", "/b/k?append&position=0"},
		{"security-token signed", Resource{Bucket: "b", Key: "k"}, "security-token=T&OSSAccessKeyId=a&Expires=1&Signature=s", "/b/k?security-token=T"},
		{"callback params", Resource{Bucket: "b", Key: "k"}, "callback=Y2I=&callback-var=dg==", "/b/k?callback=Y2I=&callback-var=dg=="},
		{"restore (gap in spec list)", Resource{Bucket: "b", Key: "k"}, "restore", "/b/k?restore"},
		{"versionId (SDK list)", Resource{Bucket: "b", Key: "k"}, "versionId=v1", "/b/k?versionId=v1"},
		{"any x-oss-* param (v2 SDK rule)", Resource{Bucket: "b"}, "x-oss-foo=bar", "/b/?x-oss-foo=bar"},
		{"first value of repeated param", Resource{Bucket: "b", Key: "k"}, "versionId=a&versionId=b", "/b/k?versionId=a"},
		{"regions deliberately unsigned", Resource{}, "regions", "/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			require.NoError(t, err)
			assert.Equal(t, tc.want, CanonicalizedResource(tc.res, q))
		})
	}
}

// Every name of the spec's list (auth.md 2.4) plus the ones it names
// elsewhere must be a sub-resource.
func TestIsSubResourceSpecList(t *testing.T) {
	spec := []string{"acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle", "delete",
		"append", "tagging", "objectMeta", "uploadId", "partNumber", "security-token", "position",
		"img", "style", "styleName", "replication", "replicationProgress", "replicationLocation",
		"cname", "bucketInfo", "comp", "qos", "live", "status", "vod", "startTime", "endTime", "symlink",
		"x-oss-process", "response-content-type", "response-content-language",
		"response-expires", "response-cache-control", "response-content-disposition",
		"response-content-encoding", "callback", "callback-var", "restore"}
	for _, name := range spec {
		assert.True(t, IsSubResource(name), name)
	}
	sdk := []string{"x-oss-traffic-limit", "udf", "udfName", "udfImage", "udfId", "udfImageDesc", "udfApplication",
		"udfApplicationLog", "qosInfo", "policy", "stat", "encryption", "versions", "versioning", "versionId",
		"requestPayment", "x-oss-request-payer", "sequential", "inventory", "inventoryId", "continuation-token",
		"asyncFetch", "worm", "wormId", "wormExtend", "withHashContext", "x-oss-enable-md5", "x-oss-enable-sha1",
		"x-oss-enable-sha256", "x-oss-hash-ctx", "x-oss-md5-ctx", "transferAcceleration", "regionList",
		"cloudboxes", "x-oss-ac-source-ip", "x-oss-ac-subnet-mask", "x-oss-ac-vpc-id", "x-oss-ac-forward-allow",
		"metaQuery", "resourceGroup", "rtc", "x-oss-async-process", "responseHeader"}
	for _, name := range sdk {
		assert.True(t, IsSubResource(name), name)
	}
	for _, name := range []string{"prefix", "marker", "max-keys", "delimiter", "encoding-type", "max-uploads",
		"key-marker", "upload-id-marker", "max-parts", "part-number-marker", "list-type", "start-after",
		"fetch-owner", "OSSAccessKeyId", "Expires", "Signature", "regions", "ACL", ""} {
		assert.False(t, IsSubResource(name), name)
	}
}

func TestCanonicalQueryV4(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		exclude []string
		want    string
	}{
		{"empty", "", nil, ""},
		{"sorted, empty values bare", "b=2&a&c=", nil, "a&b=2&c"},
		{"plus is space", "prefix=a+b", nil, "prefix=a%20b"},
		{"re-encoded strictly", "prefix=a/b*c%7e", nil, "prefix=a%2Fb%2Ac~"},
		{"lower-case escapes normalised", "p=%c3%bc", nil, "p=%C3%BC"},
		{"encoded names sort by encoded form", "p=1&%7Cp=4&%2Bp=3", nil, "%2Bp=3&%7Cp=4&p=1"},
		{"empty pairs skipped", "a=1&&b=2&", nil, "a=1&b=2"},
		{"repeated names sorted by value", "k=b&k=a", nil, "k=a&k=b"},
		{"invalid escape kept as sent", "k=%zz&a=1", nil, "a=1&k=%zz"},
		{"signature excluded", "x-oss-signature=abc&x-oss-date=d", []string{"x-oss-signature"}, "x-oss-date=d"},
		{"all non-signature params kept", "list-type=2&prefix=p&acl", nil, "acl&list-type=2&prefix=p"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, CanonicalQueryV4(tc.raw, tc.exclude...))
		})
	}
}

func TestCanonicalURIV4(t *testing.T) {
	tests := []struct {
		res  Resource
		want string
	}{
		{Resource{}, "/"},
		{Resource{Bucket: "b"}, "/b/"},
		{Resource{Bucket: "b", Key: "k"}, "/b/k"},
		{Resource{Bucket: "b", Key: "1234+-/123/1.txt"}, "/b/1234%2B-/123/1.txt"},
		{Resource{Bucket: "b", Key: "a b~_.-ü?#%"}, "/b/a%20b~_.-%C3%BC%3F%23%25"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, CanonicalURIV4(tc.res), tc.res)
	}
}

func TestCanonicalHeadersV4(t *testing.T) {
	r := httptest.NewRequest("PUT", "http://h.example:8080/b/k", nil)
	r.Header = http.Header{
		"Content-Type":         {"text/plain"},
		"Content-Md5":          {"m"},
		"Content-Length":       {"5"},
		"Cache-Control":        {"no-cache"},
		"X-Oss-Meta-A":         {" a "},
		"X-Oss-Content-Sha256": {"UNSIGNED-PAYLOAD"},
		"User-Agent":           {"ua"},
	}
	assert.Equal(t, "content-md5:m\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-meta-a:a\n", CanonicalHeadersV4(r, nil))
	assert.Equal(t, "cache-control:no-cache\ncontent-md5:m\ncontent-type:text/plain\nhost:h.example:8080\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-meta-a:a\n",
		CanonicalHeadersV4(r, []string{"host", "cache-control", "x-absent"}))
	r.Header.Set("Host", "from-header")
	assert.Contains(t, CanonicalHeadersV4(r, []string{"host"}), "host:from-header\n")
	assert.Equal(t, "UNSIGNED-PAYLOAD", PayloadHashV4(http.Header{}))
	assert.Equal(t, "abc", PayloadHashV4(http.Header{"X-Oss-Content-Sha256": {"abc"}}))
}

func TestSigningKeyV4(t *testing.T) {
	// Derivation "aliyun_v4"+secret -> date -> region -> product ->
	// "aliyun_v4_request", checked step by step against hmacSHA256.
	s := Scope{Date: "20250101", Region: "cn-hangzhou", Product: "oss"}
	k := hmacSHA256([]byte("aliyun_v4sk"), "20250101")
	k = hmacSHA256(k, "cn-hangzhou")
	k = hmacSHA256(k, "oss")
	k = hmacSHA256(k, "aliyun_v4_request")
	assert.Equal(t, k, SigningKeyV4("sk", s))
	assert.NotEqual(t, k, SigningKeyV4("sk", Scope{Date: "20250101", Region: "cn-beijing", Product: "oss"}))
	assert.Equal(t, "20250101/cn-hangzhou/oss/aliyun_v4_request", s.String())
}
