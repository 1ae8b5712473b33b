package httpapi_test

import (
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestRev39cWebsiteOnCustomDomain: an anonymous GET on a custom domain
// bound to a bucket (OSS's PutCname) is an OSS request, as one on the
// bucket's aliyuncs.com endpoint is: the bucket's website answers it and
// ${key} in ReplaceKeyWith stands for the key (dos39's keyVariable
// follows the request's dialect, and the domain's host said S3).
func TestRev39cWebsiteOnCustomDomain(t *testing.T) {
	dns := &fakeDNS{txt: map[string][]string{}}
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithLookupTXT(dns.lookup)}})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site", header: hdr("x-amz-acl", "public-read")}).StatusCode)
	h := hdr("x-amz-acl", "public-read", "Content-Type", "text/html")
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site/index.html", body: []byte("<h1>home</h1>"), header: h}).StatusCode)
	resp := f.do(t, raw{method: "PUT", path: "/site?website", body: []byte(`<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<IndexDocument><Suffix>index.html</Suffix></IndexDocument>
<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>p/</KeyPrefixEquals></Condition>
<Redirect><HostName>img.test</HostName><ReplaceKeyWith>pics/${key}</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules>
</WebsiteConfiguration>`)})
	require.Equal(t, 200, resp.StatusCode, string(resp.body))

	const domain = "www.example.com"
	c := f.ossV2(testAK, testSK)
	tok, err := c.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("site"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain)}})
	require.NoError(t, err)
	dns.set("_dnsauth."+domain, oss2.ToString(tok.CnameToken.Token))
	_, err = c.PutCname(bg, &oss2.PutCnameRequest{Bucket: oss2.Ptr("site"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain)}})
	require.NoError(t, err)

	get := f.getter(t)
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	for _, base := range []string{"http://site.oss-cn-hangzhou.aliyuncs.com" + port, "http://" + domain + port} {
		r := get("GET", base+"/")
		require.Equal(t, 200, r.StatusCode, "%s: %s", base, r.body)
		assert.Equal(t, "<h1>home</h1>", string(r.body), base)
		r = get("GET", base+"/p/a.jpg")
		require.Equal(t, 301, r.StatusCode, "%s: %s", base, r.body)
		assert.Equal(t, "http://img.test/pics/p/a.jpg", r.Header.Get("Location"), base)
	}
}
