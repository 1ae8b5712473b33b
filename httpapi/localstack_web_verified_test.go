package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold osslite to the answers LocalStack's
// tests/aws/services/s3/test_s3_cors.py and test_s3.py's
// TestS3StaticWebsiteHosting recorded from AWS (test_s3_cors.snapshot.json,
// test_s3.snapshot.json, and the tests' own assertions, validated against
// AWS; docs/sdk-suites.md, "LocalStack's AWS snapshots: CORS and static
// websites", thirtieth session).

// TestLocalStackCORSEmptyOrigin: S3 stores an empty AllowedOrigin and
// reads it back (test_put_cors_empty_origin); it matches no Origin.
func TestLocalStackCORSEmptyOrigin(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("cors")})
	require.NoError(t, err)
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("cors"), CORSConfiguration: &types.CORSConfiguration{
		CORSRules: []types.CORSRule{{AllowedOrigins: []string{""}, AllowedMethods: []string{"GET", "PUT", "HEAD"}}}}})
	require.NoError(t, err)
	got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("cors")})
	require.NoError(t, err)
	require.Len(t, got.CORSRules, 1)
	assert.Equal(t, []string{""}, got.CORSRules[0].AllowedOrigins)
	assert.Equal(t, []string{"GET", "PUT", "HEAD"}, got.CORSRules[0].AllowedMethods)

	resp := f.do(t, raw{method: "OPTIONS", path: "/cors/k", sign: "anon", header: hdr("Origin", "http://a.test", "Access-Control-Request-Method", "GET")})
	require.Equal(t, 403, resp.StatusCode, "an empty AllowedOrigin allows no origin")
}

// TestLocalStackCORSRequestHeadersOnGet: a GET that names, in
// Access-Control-Request-Headers but without
// Access-Control-Request-Method, a header no rule allows gets no CORS
// headers, as the preflight would be refused; the same GET without the
// header gets them (test_cors_match_headers, get-non-allowed-with-acl
// and get-non-allowed).
func TestLocalStackCORSRequestHeadersOnGet(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/cors", header: hdr("x-amz-acl", "public-read")}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/cors/k", body: []byte("test-cors"), header: hdr("x-amz-acl", "public-read")}).StatusCode)
	const origin = "https://localhost:4200"
	putCORS(t, f, "cors", `<CORSConfiguration><CORSRule><AllowedOrigin>`+origin+`</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`+
		`<AllowedHeader>x-amz-expected-bucket-owner</AllowedHeader><AllowedHeader>x-AMZ-server-SIDE-encryption</AllowedHeader>`+
		`<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`)
	get := func(kv ...string) rawResponse {
		resp := f.do(t, raw{method: "GET", path: "/cors/k", sign: "anon", header: hdr(append([]string{"Origin", origin}, kv...)...)})
		require.Equal(t, 200, resp.StatusCode, string(resp.body))
		require.Equal(t, "test-cors", string(resp.body))
		return resp
	}
	resp := get("Access-Control-Request-Headers", "x-amz-request-payer")
	for k := range resp.Header {
		assert.NotContains(t, strings.ToLower(k), "access-control", "a header no rule allows was named")
	}
	resp = get("x-amz-request-payer", "requester")
	assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "GET", resp.Header.Get("Access-Control-Allow-Methods"))
	assert.Equal(t, "3000", resp.Header.Get("Access-Control-Max-Age"))
	assert.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Credentials"))
	resp = get("Access-Control-Request-Headers", "X-Amz-Expected-Bucket-Owner")
	assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"), "an allowed header matches")
}

// TestLocalStackWebsiteDocumentErrors: PutBucketWebsite refuses what S3
// refused in test_validate_website_configuration, with its codes.
func TestLocalStackWebsiteDocumentErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site"}).StatusCode)
	const index = `<IndexDocument><Suffix>index.html</Suffix></IndexDocument>`
	for _, tc := range []struct {
		name, doc, code string
		fields          map[string]string
	}{
		{"redirect all and index", `<RedirectAllRequestsTo><HostName>test</HostName></RedirectAllRequestsTo><IndexDocument><Suffix>/index.html</Suffix></IndexDocument>`,
			"InvalidArgument", map[string]string{"Message": "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
				"ArgumentName": "RedirectAllRequestsTo", "ArgumentValue": "not null"}},
		{"empty condition", index + `<RoutingRules><RoutingRule><Condition></Condition><Redirect><ReplaceKeyPrefixWith>prefix</ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules>`,
			"InvalidRequest", map[string]string{"Message": "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present."}},
		{"empty routing rules", index + `<RoutingRules></RoutingRules>`, "MalformedXML", nil},
		{"empty routing rules element", index + `<RoutingRules/>`, "MalformedXML", nil},
	} {
		resp := f.do(t, raw{method: "PUT", path: "/site?website", body: []byte(`<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + tc.doc + `</WebsiteConfiguration>`)})
		require.Equal(t, 400, resp.StatusCode, tc.name)
		got := errFields(t, resp.body)
		assert.Equal(t, tc.code, got["Code"], tc.name)
		for k, v := range tc.fields {
			assert.Equal(t, v, got[k], tc.name+": "+k)
		}
	}
}

// TestLocalStackWebsiteRuleLocation: a routing rule naming neither host
// nor protocol redirects to the website endpoint itself, with its host
// in Location (test_routing_rules_conditions and _redirects assert
// Location == website URL + key); the index redirect of "dir" stays a
// path (test_website_hosting_index_lookup).
func TestLocalStackWebsiteRuleLocation(t *testing.T) {
	f, get := websiteFixture(t, testWebsiteDoc)
	host := "http://site.s3-website.test" + f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	for _, base := range []string{host, f.srv.URL + "/_website/site"} {
		resp := get("GET", base+"/old/a b.html")
		require.Equal(t, 301, resp.StatusCode, base)
		assert.Equal(t, base+"/docs/a%20b.html", resp.Header.Get("Location"))
	}
	resp := get("GET", host+"/docs")
	require.Equal(t, 302, resp.StatusCode)
	assert.Equal(t, "/docs/", resp.Header.Get("Location"))
}

// TestLocalStackWebsiteErrorDocumentRedirect: an error document with an
// x-amz-website-redirect-location redirects there, the error's status
// lost (test_object_website_redirect_location).
func TestLocalStackWebsiteErrorDocumentRedirect(t *testing.T) {
	f, get := websiteFixture(t, testWebsiteDoc)
	host := "http://site.s3-website.test" + f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	put := func(key, body string, kv ...string) {
		h := hdr(append([]string{"x-amz-acl", "public-read"}, kv...)...)
		require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site/" + key, body: []byte(body), header: h}).StatusCode)
	}
	put("404.html", "error_redirected", "x-amz-website-redirect-location", "/another/error.html")
	put("another/error.html", "error")
	resp := get("GET", host+"/nothing.html")
	require.Equal(t, 301, resp.StatusCode, string(resp.body))
	assert.Equal(t, "/another/error.html", resp.Header.Get("Location"))
	resp = get("GET", host+"/another/error.html")
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "error", string(resp.body))
}

// TestLocalStackWebsiteNoSuchBucketPage: the website endpoint's page for
// a missing bucket names it (test_website_hosting_no_such_website).
func TestLocalStackWebsiteNoSuchBucketPage(t *testing.T) {
	f, get := websiteFixture(t, testWebsiteDoc)
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	resp := get("GET", "http://nobucket.s3-website.test"+port+"/")
	require.Equal(t, 404, resp.StatusCode)
	assert.Contains(t, string(resp.body), "<li>Code: NoSuchBucket</li>\n<li>Message: The specified bucket does not exist</li>\n<li>BucketName: nobucket</li>\n<li>RequestId: ")
}
