package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestS3BucketWebsite drives Put/Get/DeleteBucketWebsite through
// aws-sdk-go-v2.
func TestS3BucketWebsite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.client(), context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String("site")})
	requireCode(t, err, "NoSuchWebsiteConfiguration")

	cfg := &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")},
		ErrorDocument: &types.ErrorDocument{Key: aws.String("404.html")},
		RoutingRules: []types.RoutingRule{{
			Condition: &types.Condition{KeyPrefixEquals: aws.String("docs/")},
			Redirect:  &types.Redirect{ReplaceKeyPrefixWith: aws.String("documents/"), HttpRedirectCode: aws.String("302")},
		}, {
			Condition: &types.Condition{HttpErrorCodeReturnedEquals: aws.String("404")},
			Redirect:  &types.Redirect{HostName: aws.String("fallback.test"), Protocol: types.ProtocolHttps},
		}},
	}
	_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("site"), WebsiteConfiguration: cfg})
	require.NoError(t, err)
	got, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	assert.Equal(t, "index.html", aws.ToString(got.IndexDocument.Suffix))
	assert.Equal(t, "404.html", aws.ToString(got.ErrorDocument.Key))
	require.Len(t, got.RoutingRules, 2)
	assert.Equal(t, "docs/", aws.ToString(got.RoutingRules[0].Condition.KeyPrefixEquals))
	assert.Equal(t, "documents/", aws.ToString(got.RoutingRules[0].Redirect.ReplaceKeyPrefixWith))
	assert.Equal(t, "302", aws.ToString(got.RoutingRules[0].Redirect.HttpRedirectCode))
	assert.Equal(t, "404", aws.ToString(got.RoutingRules[1].Condition.HttpErrorCodeReturnedEquals))
	assert.Equal(t, types.ProtocolHttps, got.RoutingRules[1].Redirect.Protocol)

	index := &types.IndexDocument{Suffix: aws.String("i.html")}
	rule := func(r types.RoutingRule) *types.WebsiteConfiguration {
		return &types.WebsiteConfiguration{IndexDocument: index, RoutingRules: []types.RoutingRule{r}}
	}
	for _, tc := range []struct {
		name, code, message string
		bad                 *types.WebsiteConfiguration
	}{
		{"no index", "InvalidArgument", "", &types.WebsiteConfiguration{ErrorDocument: &types.ErrorDocument{Key: aws.String("e.html")}}},
		{"slash in suffix", "InvalidArgument", "The IndexDocument Suffix is not well formed", &types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String("a/index.html")}}},
		{"redirect all+index", "InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.", &types.WebsiteConfiguration{IndexDocument: index, RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("x.test")}}},
		{"redirect all protocol", "InvalidRequest", "Invalid protocol, protocol can be http or https.", &types.WebsiteConfiguration{RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("x.test"), Protocol: "ftp"}}},
		{"both replacements", "InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.", rule(types.RoutingRule{
			Redirect: &types.Redirect{ReplaceKeyWith: aws.String("a"), ReplaceKeyPrefixWith: aws.String("b")}})},
		{"redirect code 300", "InvalidRequest", "The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300.", rule(types.RoutingRule{
			Redirect: &types.Redirect{HttpRedirectCode: aws.String("300")}})},
		{"error code 399", "InvalidRequest", "The provided HTTP error code (399) is not valid. Valid codes are 4XX or 5XX.", rule(types.RoutingRule{
			Condition: &types.Condition{HttpErrorCodeReturnedEquals: aws.String("399")}, Redirect: &types.Redirect{HostName: aws.String("x.test")}})},
		{"DEL in redirect-all host", "InvalidArgument", "HostName", &types.WebsiteConfiguration{RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("x\x7f.test")}}},
		{"DEL in rule host", "InvalidArgument", "HostName", rule(types.RoutingRule{Redirect: &types.Redirect{HostName: aws.String("x\x7f.test")}})},
		{"51 rules", "InvalidRequest", "51 routing rules provided, the number of routing rules in a website configuration is limited to 50.", &types.WebsiteConfiguration{
			IndexDocument: index, RoutingRules: slices.Repeat([]types.RoutingRule{{Redirect: &types.Redirect{HostName: aws.String("x.test")}}}, 51)}},
	} {
		_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("site"), WebsiteConfiguration: tc.bad})
		requireCode(t, err, tc.code, tc.name)
		require.ErrorContains(t, err, tc.message, tc.name)
	}

	_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("site"), WebsiteConfiguration: &types.WebsiteConfiguration{
		RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("www.example.com"), Protocol: types.ProtocolHttps}}})
	require.NoError(t, err)
	got, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	assert.Equal(t, "www.example.com", aws.ToString(got.RedirectAllRequestsTo.HostName))
	assert.Nil(t, got.IndexDocument)

	_, err = c.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String("site")})
	requireCode(t, err, "NoSuchWebsiteConfiguration")
}

// websiteFixture is a public-read bucket "site" with a website
// configuration and a few pages, and a client that does not follow
// redirects.
func websiteFixture(t *testing.T, websiteDoc string) (*fixture, func(method, url string, kv ...string) rawResponse) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithWebsiteDomains("s3-website.test")}})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site", header: hdr("x-amz-acl", "public-read")}).StatusCode)
	put := func(key, body string, kv ...string) {
		h := hdr(append([]string{"x-amz-acl", "public-read", "Content-Type", "text/html"}, kv...)...)
		require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site/" + key, body: []byte(body), header: h}).StatusCode)
	}
	put("index.html", "<h1>home</h1>")
	put("docs/index.html", "docs home")
	put("404.html", "custom not found")
	put("moved.html", "", "x-amz-website-redirect-location", "/index.html")
	put("away.html", "", "x-amz-website-redirect-location", "https://elsewhere.test/page")
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site/private.html", body: []byte("secret")}).StatusCode)
	resp := f.do(t, raw{method: "PUT", path: "/site?website", body: []byte(websiteDoc)})
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
	return f, f.getter(t)
}

// getter returns a function making anonymous requests that does not
// follow redirects.
func (f *fixture) getter(t *testing.T) func(method, url string, kv ...string) rawResponse {
	client := f.httpClient()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return func(method, url string, kv ...string) rawResponse {
		req, err := http.NewRequest(method, url, nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(kv); i += 2 {
			req.Header.Set(kv[i], kv[i+1])
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return rawResponse{resp, b}
	}
}

const testWebsiteDoc = `<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>404.html</Key></ErrorDocument>
<RoutingRules>
<RoutingRule><Condition><KeyPrefixEquals>old/</KeyPrefixEquals></Condition><Redirect><ReplaceKeyPrefixWith>docs/</ReplaceKeyPrefixWith></Redirect></RoutingRule>
<RoutingRule><Condition><KeyPrefixEquals>gone/</KeyPrefixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><Protocol>https</Protocol><HostName>archive.test</HostName><HttpRedirectCode>307</HttpRedirectCode></Redirect></RoutingRule>
</RoutingRules></WebsiteConfiguration>`

// TestWebsiteEndpoint serves a website on a website domain and on the
// path form.
func TestWebsiteEndpoint(t *testing.T) {
	f, get := websiteFixture(t, testWebsiteDoc)
	host := "http://site.s3-website.test" + f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	path := f.srv.URL + "/_website/site"

	for _, base := range []string{host, path} {
		resp := get("GET", base+"/")
		require.Equal(t, 200, resp.StatusCode, base)
		assert.Equal(t, "<h1>home</h1>", string(resp.body))
		assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
		resp = get("GET", base)
		require.Equal(t, 200, resp.StatusCode, base)
		resp = get("GET", base+"/docs/")
		assert.Equal(t, "docs home", string(resp.body))
		resp = get("HEAD", base+"/docs/")
		require.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "9", resp.Header.Get("Content-Length"))

		prefix := "/"
		if base == path {
			prefix = "/_website/site/"
		}
		resp = get("GET", base+"/docs")
		require.Equal(t, 302, resp.StatusCode)
		assert.Equal(t, prefix+"docs/", resp.Header.Get("Location"))

		resp = get("GET", base+"/nothing.html")
		require.Equal(t, 404, resp.StatusCode)
		assert.Equal(t, "custom not found", string(resp.body))

		resp = get("GET", base+"/private.html")
		require.Equal(t, 403, resp.StatusCode)
		assert.Equal(t, "custom not found", string(resp.body), "S3 serves the error document for every 4xx")

		resp = get("GET", base+"/moved.html")
		require.Equal(t, 301, resp.StatusCode)
		assert.Equal(t, prefix+"index.html", resp.Header.Get("Location"))
		resp = get("GET", base+"/away.html")
		require.Equal(t, 301, resp.StatusCode)
		assert.Equal(t, "https://elsewhere.test/page", resp.Header.Get("Location"))

		resp = get("GET", base+"/old/a b.html")
		require.Equal(t, 301, resp.StatusCode)
		assert.Equal(t, base+"/docs/a%20b.html", resp.Header.Get("Location"), "S3 names the endpoint's host")
		resp = get("GET", base+"/gone/x.html")
		require.Equal(t, 307, resp.StatusCode)
		assert.Equal(t, "https://archive.test/gone/x.html", resp.Header.Get("Location"))

		resp = get("PUT", base+"/index.html")
		require.Equal(t, 405, resp.StatusCode)
		assert.Contains(t, string(resp.body), "<li>Code: MethodNotAllowed</li>")
	}

	// CORS applies to the website endpoint too.
	putCORS(t, f, "site", `<CORSConfiguration><CORSRule><AllowedOrigin>http://app.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
	resp := get("OPTIONS", host+"/index.html", "Origin", "http://app.test", "Access-Control-Request-Method", "GET")
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "http://app.test", resp.Header.Get("Access-Control-Allow-Origin"))
	resp = get("OPTIONS", host+"/index.html", "Origin", "http://other.test", "Access-Control-Request-Method", "GET")
	require.Equal(t, 403, resp.StatusCode)
	assert.Contains(t, string(resp.body), "<li>Code: AccessForbidden</li>")
	resp = get("GET", path+"/index.html", "Origin", "http://app.test")
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "http://app.test", resp.Header.Get("Access-Control-Allow-Origin"))

	// Without an error document: S3's HTML page.
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site?website",
		body: []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)}).StatusCode)
	resp = get("GET", path+"/nothing.html")
	require.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	body := string(resp.body)
	assert.True(t, strings.HasPrefix(body, "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<h1>404 Not Found</h1>\n<ul>\n<li>Code: NoSuchKey</li>\n"), body)
	assert.Contains(t, body, "<li>Key: nothing.html</li>")

	// No website configuration, no bucket.
	require.Equal(t, 204, f.do(t, raw{method: "DELETE", path: "/site?website"}).StatusCode)
	resp = get("GET", path+"/index.html")
	require.Equal(t, 404, resp.StatusCode)
	assert.Contains(t, string(resp.body), "<li>Code: NoSuchWebsiteConfiguration</li>")
	resp = get("GET", f.srv.URL+"/_website/nobucket/")
	require.Equal(t, 404, resp.StatusCode)
	assert.Contains(t, string(resp.body), "<li>Code: NoSuchBucket</li>")

	// RedirectAllRequestsTo.
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site?website",
		body: []byte(`<WebsiteConfiguration><RedirectAllRequestsTo><HostName>www.example.com</HostName></RedirectAllRequestsTo></WebsiteConfiguration>`)}).StatusCode)
	resp = get("GET", host+"/a/b.html")
	require.Equal(t, 301, resp.StatusCode)
	assert.Equal(t, "http://www.example.com/a/b.html", resp.Header.Get("Location"))
}

// TestWebsitePrivateBucket: the website serves what anonymous REST
// requests may read, nothing more.
func TestWebsitePrivateBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/priv"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/priv/index.html", body: []byte("hi")}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/priv?website",
		body: []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)}).StatusCode)
	resp := f.do(t, raw{method: "GET", path: "/_website/priv/", sign: "anon"})
	require.Equal(t, 403, resp.StatusCode)
	assert.Contains(t, string(resp.body), "<li>Code: AccessDenied</li>")
	resp = f.do(t, raw{method: "GET", path: "/_website/priv/missing", sign: "anon"})
	require.Equal(t, 403, resp.StatusCode, "a caller who may not list learns nothing about missing keys")
}

// TestOSSBucketWebsite drives the OSS SDK v2 and the OSS website on the
// bucket's own endpoint.
func TestOSSBucketWebsite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.ossV2(testAK, testSK), context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("osssite"), Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	_, err = c.GetBucketWebsite(ctx, &oss2.GetBucketWebsiteRequest{Bucket: oss2.Ptr("osssite")})
	wantOSS(t, err, 404, "NoSuchWebsiteConfiguration", "")

	for _, kv := range [][2]string{{"index.html", "root index"}, {"sub/index.html", "sub index"}, {"err.html", "oss not found"}} {
		_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("osssite"), Key: oss2.Ptr(kv[0]), Body: strings.NewReader(kv[1])})
		require.NoError(t, err)
	}
	_, err = c.PutBucketWebsite(ctx, &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("osssite"), WebsiteConfiguration: &oss2.WebsiteConfiguration{
		IndexDocument: &oss2.IndexDocument{Suffix: oss2.Ptr("index.html"), SupportSubDir: oss2.Ptr(true), Type: oss2.Ptr(int64(0))},
		ErrorDocument: &oss2.ErrorDocument{Key: oss2.Ptr("err.html"), HttpStatus: oss2.Ptr(int64(404))},
		RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{{
			RuleNumber: oss2.Ptr(int64(2)),
			Condition:  &oss2.RoutingRuleCondition{KeyPrefixEquals: oss2.Ptr("mirror/"), HttpErrorCodeReturnedEquals: oss2.Ptr(int64(404))},
			Redirect:   &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("Mirror"), MirrorURL: oss2.Ptr("http://origin.test/")},
		}, {
			RuleNumber: oss2.Ptr(int64(1)),
			Condition:  &oss2.RoutingRuleCondition{KeySuffixEquals: oss2.Ptr(".jpg")},
			Redirect: &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("External"), HostName: oss2.Ptr("img.test"), Protocol: oss2.Ptr("https"),
				ReplaceKeyWith: oss2.Ptr("pics/${key}"), HttpRedirectCode: oss2.Ptr(int64(302)), PassQueryString: oss2.Ptr(true)},
		}}},
	}})
	require.NoError(t, err)
	got, err := c.GetBucketWebsite(ctx, &oss2.GetBucketWebsiteRequest{Bucket: oss2.Ptr("osssite")})
	require.NoError(t, err)
	w := got.WebsiteConfiguration
	assert.Equal(t, "index.html", oss2.ToString(w.IndexDocument.Suffix))
	assert.True(t, oss2.ToBool(w.IndexDocument.SupportSubDir))
	assert.Equal(t, int64(404), oss2.ToInt64(w.ErrorDocument.HttpStatus))
	require.Len(t, w.RoutingRules.RoutingRules, 2)
	assert.Equal(t, int64(1), oss2.ToInt64(w.RoutingRules.RoutingRules[0].RuleNumber), "rules come back in RuleNumber order")
	assert.Equal(t, "pics/${key}", oss2.ToString(w.RoutingRules.RoutingRules[0].Redirect.ReplaceKeyWith))
	assert.Equal(t, "http://origin.test/", oss2.ToString(w.RoutingRules.RoutingRules[1].Redirect.MirrorURL))
	assert.Nil(t, w.RoutingRules.RoutingRules[0].Redirect.EnableReplacePrefix, "not put, not answered")

	// Anonymous requests on the REST endpoint (OSS dialect by its host).
	anon := f.getter(t)
	get := func(path string) rawResponse {
		return anon("GET", strings.Replace(f.srv.URL, "127.0.0.1", "osssite.oss-cn-hangzhou.aliyuncs.com", 1)+path)
	}
	resp := get("/")
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
	assert.Equal(t, "root index", string(resp.body))
	resp = get("/sub/")
	assert.Equal(t, "sub index", string(resp.body))
	resp = get("/none.html")
	require.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "oss not found", string(resp.body))
	resp = get("/sub")
	require.Equal(t, 302, resp.StatusCode, "Type 0: sub/index.html exists")
	assert.Equal(t, "/sub/", resp.Header.Get("Location"))
	resp = anon("GET", strings.Replace(f.srv.URL, "127.0.0.1", "oss-cn-hangzhou.aliyuncs.com", 1)+"/osssite/sub")
	require.Equal(t, 302, resp.StatusCode, "path style")
	assert.Equal(t, "/osssite/sub/", resp.Header.Get("Location"))
	resp = get("/a.jpg?x=1")
	require.Equal(t, 302, resp.StatusCode)
	assert.Equal(t, "https://img.test/pics/a.jpg?x=1", resp.Header.Get("Location"))
	resp = get("/mirror/m.txt")
	require.Equal(t, 501, resp.StatusCode)
	assert.Equal(t, "NotImplemented", resp.errCode())
	// Signed requests are not website requests.
	resp = f.do(t, raw{method: "GET", path: "/osssite/none.html", sign: "oss-v1"})
	require.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "NoSuchKey", resp.errCode())
	lst, err := c.ListObjects(ctx, &oss2.ListObjectsRequest{Bucket: oss2.Ptr("osssite")})
	require.NoError(t, err)
	assert.Len(t, lst.Contents, 3)

	// EnableReplacePrefix true: the matched prefix is replaced, and the
	// element is read back; beside ReplaceKeyWith it is refused (OSS:
	// "cannot be set to true" then) and nothing changes.
	prefixRule := func(replaceKey bool) *oss2.PutBucketWebsiteRequest {
		rd := &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("External"), HostName: oss2.Ptr("new.test"),
			EnableReplacePrefix: oss2.Ptr(true), ReplaceKeyPrefixWith: oss2.Ptr("new/"), HttpRedirectCode: oss2.Ptr(int64(301))}
		if replaceKey {
			rd.ReplaceKeyPrefixWith, rd.ReplaceKeyWith = nil, oss2.Ptr("fixed.html")
		}
		return &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("osssite"), WebsiteConfiguration: &oss2.WebsiteConfiguration{
			IndexDocument: &oss2.IndexDocument{Suffix: oss2.Ptr("index.html")},
			RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{{RuleNumber: oss2.Ptr(int64(1)),
				Condition: &oss2.RoutingRuleCondition{KeyPrefixEquals: oss2.Ptr("old/")}, Redirect: rd}}}}}
	}
	_, err = c.PutBucketWebsite(ctx, prefixRule(false))
	require.NoError(t, err)
	got, err = c.GetBucketWebsite(ctx, &oss2.GetBucketWebsiteRequest{Bucket: oss2.Ptr("osssite")})
	require.NoError(t, err)
	assert.True(t, oss2.ToBool(got.WebsiteConfiguration.RoutingRules.RoutingRules[0].Redirect.EnableReplacePrefix))
	resp = get("/old/a/b.html")
	require.Equal(t, 301, resp.StatusCode, string(resp.body))
	assert.Equal(t, "http://new.test/new/a/b.html", resp.Header.Get("Location"))
	_, err = c.PutBucketWebsite(ctx, prefixRule(true))
	wantOSS(t, err, 400, "InvalidArgument", "")
	got, err = c.GetBucketWebsite(ctx, &oss2.GetBucketWebsiteRequest{Bucket: oss2.Ptr("osssite")})
	require.NoError(t, err)
	assert.Equal(t, "new/", oss2.ToString(got.WebsiteConfiguration.RoutingRules.RoutingRules[0].Redirect.ReplaceKeyPrefixWith), "the refused PUT changed nothing")

	_, err = c.DeleteBucketWebsite(ctx, &oss2.DeleteBucketWebsiteRequest{Bucket: oss2.Ptr("osssite")})
	require.NoError(t, err)
	resp = get("/none.html")
	assert.Equal(t, "NoSuchKey", resp.errCode())
}
