package httpapi_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestS3BucketCORS drives Put/Get/DeleteBucketCors through aws-sdk-go-v2.
func TestS3BucketCORS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.client(), context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("web")})
	require.NoError(t, err)

	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("web")})
	requireCode(t, err, "NoSuchCORSConfiguration")

	rules := []types.CORSRule{{
		ID: aws.String("uploads"), AllowedOrigins: []string{"http://*.example.com"}, AllowedMethods: []string{"PUT", "POST"},
		AllowedHeaders: []string{"content-*", "x-amz-*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(600),
	}, {AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}}}
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("web"), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}})
	require.NoError(t, err)
	got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("web")})
	require.NoError(t, err)
	require.Len(t, got.CORSRules, 2)
	assert.Equal(t, "uploads", aws.ToString(got.CORSRules[0].ID))
	assert.Equal(t, rules[0].AllowedOrigins, got.CORSRules[0].AllowedOrigins)
	assert.Equal(t, rules[0].AllowedMethods, got.CORSRules[0].AllowedMethods)
	assert.Equal(t, rules[0].AllowedHeaders, got.CORSRules[0].AllowedHeaders)
	assert.Equal(t, rules[0].ExposeHeaders, got.CORSRules[0].ExposeHeaders)
	assert.Equal(t, int32(600), aws.ToInt32(got.CORSRules[0].MaxAgeSeconds))
	assert.Nil(t, got.CORSRules[1].MaxAgeSeconds)

	for name, tc := range map[string]struct {
		rule types.CORSRule
		code string
	}{
		"unsupported method": {types.CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}, "InvalidRequest"},
		"two wildcards":      {types.CORSRule{AllowedOrigins: []string{"http://*.*.com"}, AllowedMethods: []string{"GET"}}, "InvalidRequest"},
	} {
		_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("web"),
			CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{tc.rule}}})
		requireCode(t, err, tc.code, name)
	}
	resp := f.do(t, raw{method: "PUT", path: "/web?cors", body: []byte(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`)})
	require.Equal(t, "MalformedXML", resp.errCode(), "a rule without AllowedMethod")
	resp = f.do(t, raw{method: "PUT", path: "/web?cors", body: []byte(`<CORSConfiguration></CORSConfiguration>`)})
	require.Equal(t, "MalformedXML", resp.errCode(), "no rule")
	many := make([]types.CORSRule, 101)
	for i := range many {
		many[i] = types.CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}
	}
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("web"), CORSConfiguration: &types.CORSConfiguration{CORSRules: many}})
	requireCode(t, err, "MalformedXML")

	// Someone else may not read or change it.
	other := f.s3Client(true, otherAK, otherSK)
	_, err = other.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("web")})
	requireCode(t, err, "AccessDenied")

	_, err = c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String("web")})
	require.NoError(t, err)
	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("web")})
	requireCode(t, err, "NoSuchCORSConfiguration")
}

func requireCode(t *testing.T, err error, code string, msg ...any) {
	t.Helper()
	require.Error(t, err, msg...)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae, msg...)
	require.Equal(t, code, ae.ErrorCode(), msg...)
}

// putCORS stores a CORS document through a signed request.
func putCORS(t *testing.T, f *fixture, bucket, doc string) {
	t.Helper()
	resp := f.do(t, raw{method: "PUT", path: "/" + bucket + "?cors", body: []byte(doc)})
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
}

const testCORSDoc = `<CORSConfiguration>
<CORSRule><ID>app</ID><AllowedOrigin>https://*.app.test</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>
<AllowedHeader>Content-Type</AllowedHeader><AllowedHeader>x-amz-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>
<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>
</CORSConfiguration>`

// TestCORSPreflight sends OPTIONS requests as browsers do: no
// credentials, Origin and Access-Control-Request-* headers.
func TestCORSPreflight(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/web"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/plain"}).StatusCode)
	putCORS(t, f, "web", testCORSDoc)

	pre := func(path string, kv ...string) rawResponse {
		return f.do(t, raw{method: "OPTIONS", path: path, sign: "anon", header: hdr(kv...)})
	}
	resp := pre("/web/dir/photo.jpg?uploads", "Origin", "https://www.app.test", "Access-Control-Request-Method", "PUT",
		"Access-Control-Request-Headers", "content-type, X-Amz-Date,x-amz-content-sha256")
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
	h := resp.Header
	assert.Equal(t, "https://www.app.test", h.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "PUT, GET", h.Get("Access-Control-Allow-Methods"))
	assert.Equal(t, "content-type, x-amz-date, x-amz-content-sha256", h.Get("Access-Control-Allow-Headers"), "in lower case, as S3 answers")
	assert.Equal(t, "ETag, x-amz-request-id", h.Get("Access-Control-Expose-Headers"))
	assert.Equal(t, "3000", h.Get("Access-Control-Max-Age"))
	assert.Equal(t, "true", h.Get("Access-Control-Allow-Credentials"))
	assert.Equal(t, "Origin, Access-Control-Request-Headers, Access-Control-Request-Method", h.Get("Vary"))
	assert.Empty(t, resp.body)

	// The bare "*" rule answers "*" and no credentials.
	resp = pre("/web", "Origin", "http://elsewhere.test", "Access-Control-Request-Method", "GET")
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Credentials"))

	for name, tc := range map[string]struct {
		path    string
		kv      []string
		status  int
		code    string
		message string
	}{
		"header not allowed": {"/web/k", []string{"Origin", "https://www.app.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"},
			403, "AccessForbidden", "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."},
		"method not allowed": {"/web/k", []string{"Origin", "http://elsewhere.test", "Access-Control-Request-Method", "DELETE"}, 403, "AccessForbidden", ""},
		"no cors":            {"/plain/k", []string{"Origin", "http://elsewhere.test", "Access-Control-Request-Method", "GET"}, 403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket."},
		"no origin":          {"/web/k", []string{"Access-Control-Request-Method", "GET"}, 400, "BadRequest", "Insufficient information. Origin request header needed."},
		"no method":          {"/web/k", []string{"Origin", "http://elsewhere.test"}, 400, "BadRequest", ""},
		// localstack's AWS-validated snapshots (test_s3_cors): a missing
		// bucket, and a bucket without CORS even when no method is named.
		"no bucket":            {"/nobucket/k", []string{"Origin", "http://elsewhere.test", "Access-Control-Request-Method", "GET"}, 403, "AccessForbidden", "CORSResponse: Bucket not found"},
		"no bucket, no method": {"/nobucket/k", []string{"Origin", "whatever"}, 403, "AccessForbidden", "CORSResponse: Bucket not found"},
		"no cors, no method":   {"/plain/k", []string{"Origin", "whatever"}, 403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket."},
	} {
		resp := pre(tc.path, tc.kv...)
		require.Equal(t, tc.status, resp.StatusCode, name)
		require.Equal(t, tc.code, resp.errCode(), name)
		if tc.message != "" {
			var e struct{ Message string }
			require.NoError(t, xml.Unmarshal(resp.body, &e))
			require.Equal(t, tc.message, e.Message, name)
		}
		require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), name)
	}
}

// TestCORSActualRequests checks the headers on requests that carry an
// Origin: signed, presigned, anonymous, and errors.
func TestCORSActualRequests(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/web"}).StatusCode)
	putCORS(t, f, "web", testCORSDoc)
	origin := "https://www.app.test"

	resp := f.do(t, raw{method: "PUT", path: "/web/k", body: []byte("hello"), header: hdr("Origin", origin)})
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "ETag, x-amz-request-id", resp.Header.Get("Access-Control-Expose-Headers"))
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Headers"))

	// An error answer carries them too (the browser lets the script read it).
	resp = f.do(t, raw{method: "GET", path: "/web/missing", header: hdr("Origin", origin)})
	require.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	resp = f.do(t, raw{method: "GET", path: "/web/k", sign: "anon", header: hdr("Origin", "http://any.test")})
	require.Equal(t, 403, resp.StatusCode)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))

	// No rule for DELETE from this origin: no headers, the request is still served.
	resp = f.do(t, raw{method: "DELETE", path: "/web/k", header: hdr("Origin", origin)})
	require.Equal(t, 204, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	// A request carrying a preflight's headers is matched by the method
	// and headers they name, and answered as that preflight (S3): a GET
	// from any origin asking for PUT gets the PUT rule's headers, not the
	// GET-from-anywhere rule's.
	resp = f.do(t, raw{method: "GET", path: "/web/missing", header: hdr("Origin", origin,
		"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "X-Amz-Meta-A")})
	assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "x-amz-meta-a", resp.Header.Get("Access-Control-Allow-Headers"))
	assert.Equal(t, "ETag, x-amz-request-id", resp.Header.Get("Access-Control-Expose-Headers"))
	resp = f.do(t, raw{method: "GET", path: "/web/missing", header: hdr("Origin", "http://any.test", "Access-Control-Request-Method", "PUT")})
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "no rule allows PUT from there")
	// Without Origin, nothing.
	resp = f.do(t, raw{method: "GET", path: "/web/k"})
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Empty(t, resp.Header.Get("Vary"))

	// A presigned PUT from the browser's origin.
	ps := s3.NewPresignClient(f.client())
	req, err := ps.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("web"), Key: aws.String("up.txt")})
	require.NoError(t, err)
	hr, err := http.NewRequest("PUT", req.URL, strings.NewReader("from the browser"))
	require.NoError(t, err)
	hr.Header.Set("Origin", origin)
	presp, err := f.httpClient().Do(hr)
	require.NoError(t, err)
	presp.Body.Close()
	require.Equal(t, 200, presp.StatusCode)
	assert.Equal(t, origin, presp.Header.Get("Access-Control-Allow-Origin"))
}

// TestCORSDefaultOrigins: Config.CORSAllowOrigins answers for buckets
// without their own configuration, and a bucket's own wins.
func TestCORSDefaultOrigins(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithCORSAllowOrigins("http://localhost:*")}})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/dev"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/own"}).StatusCode)
	putCORS(t, f, "own", `<CORSConfiguration><CORSRule><AllowedOrigin>https://prod.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)

	resp := f.do(t, raw{method: "OPTIONS", path: "/dev/k", sign: "anon",
		header: hdr("Origin", "http://localhost:5173", "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "x-anything")})
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "http://localhost:5173", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "x-anything", resp.Header.Get("Access-Control-Allow-Headers"))
	resp = f.do(t, raw{method: "GET", path: "/", header: hdr("Origin", "http://localhost:5173")})
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "http://localhost:5173", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "ETag")

	resp = f.do(t, raw{method: "OPTIONS", path: "/own/k", sign: "anon", header: hdr("Origin", "http://localhost:5173", "Access-Control-Request-Method", "GET")})
	require.Equal(t, 403, resp.StatusCode)
	resp = f.do(t, raw{method: "OPTIONS", path: "/dev/k", sign: "anon", header: hdr("Origin", "http://evil.test", "Access-Control-Request-Method", "GET")})
	require.Equal(t, 403, resp.StatusCode)
}

// TestOSSBucketCORS drives the OSS SDK v2: PutBucketCors with
// ResponseVary, GetBucketCors, OptionObject, DeleteBucketCors.
func TestOSSBucketCORS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.ossV2(testAK, testSK), context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("ossweb")})
	require.NoError(t, err)
	_, err = c.GetBucketCors(ctx, &oss2.GetBucketCorsRequest{Bucket: oss2.Ptr("ossweb")})
	wantOSS(t, err, 404, "NoSuchCORSConfiguration", "")

	_, err = c.PutBucketCors(ctx, &oss2.PutBucketCorsRequest{Bucket: oss2.Ptr("ossweb"), CORSConfiguration: &oss2.CORSConfiguration{
		ResponseVary: oss2.Ptr(true),
		CORSRules: []oss2.CORSRule{{AllowedOrigins: []string{"http://www.a.com"}, AllowedMethods: []string{"PUT", "GET"},
			AllowedHeaders: []string{"x-oss-*"}, ExposeHeaders: []string{"x-oss-test"}, MaxAgeSeconds: oss2.Ptr(int64(100))}},
	}})
	require.NoError(t, err)
	got, err := c.GetBucketCors(ctx, &oss2.GetBucketCorsRequest{Bucket: oss2.Ptr("ossweb")})
	require.NoError(t, err)
	require.True(t, oss2.ToBool(got.CORSConfiguration.ResponseVary))
	require.Len(t, got.CORSConfiguration.CORSRules, 1)
	assert.Equal(t, []string{"http://www.a.com"}, got.CORSConfiguration.CORSRules[0].AllowedOrigins)
	assert.Equal(t, int64(100), oss2.ToInt64(got.CORSConfiguration.CORSRules[0].MaxAgeSeconds))

	res, err := c.OptionObject(ctx, &oss2.OptionObjectRequest{Bucket: oss2.Ptr("ossweb"), Key: oss2.Ptr("obj"),
		Origin: oss2.Ptr("http://www.a.com"), AccessControlRequestMethod: oss2.Ptr("PUT"), AccessControlRequestHeaders: oss2.Ptr("x-oss-meta-a")})
	require.NoError(t, err)
	assert.Equal(t, "http://www.a.com", oss2.ToString(res.AccessControlAllowOrigin))
	assert.Equal(t, "x-oss-meta-a", oss2.ToString(res.AccessControlAllowHeaders))
	assert.Equal(t, "x-oss-test", oss2.ToString(res.AccessControlExposeHeaders))
	_, err = c.OptionObject(ctx, &oss2.OptionObjectRequest{Bucket: oss2.Ptr("ossweb"), Key: oss2.Ptr("obj"),
		Origin: oss2.Ptr("http://www.b.com"), AccessControlRequestMethod: oss2.Ptr("PUT")})
	wantOSS(t, err, 403, "AccessForbidden", "")

	// ResponseVary: Vary: Origin even when no rule matches.
	resp := f.do(t, raw{method: "GET", path: "/ossweb/obj", sign: "oss-v1", header: hdr("Origin", "http://www.b.com")})
	assert.Equal(t, "Origin", resp.Header.Get("Vary"))
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))

	_, err = c.PutBucketCors(ctx, &oss2.PutBucketCorsRequest{Bucket: oss2.Ptr("ossweb"), CORSConfiguration: &oss2.CORSConfiguration{
		CORSRules: []oss2.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"x-oss-*"}}}}})
	wantOSS(t, err, 400, "InvalidArgument", "")

	_, err = c.DeleteBucketCors(ctx, &oss2.DeleteBucketCorsRequest{Bucket: oss2.Ptr("ossweb")})
	require.NoError(t, err)
	_, err = c.GetBucketCors(ctx, &oss2.GetBucketCorsRequest{Bucket: oss2.Ptr("ossweb")})
	wantOSS(t, err, 404, "NoSuchCORSConfiguration", "")
}

// TestOSSV1CORSAndWebsite: the v1 OSS SDK's SetBucketCORS,
// GetBucketCORS, OptionsMethod, SetBucketWebsite and GetBucketWebsite.
func TestOSSV1CORSAndWebsite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("v1web"))
	require.NoError(t, c.SetBucketCORS("v1web", []oss1.CORSRule{{AllowedOrigin: []string{"*"}, AllowedMethod: []string{"GET", "PUT"},
		AllowedHeader: []string{"*"}, ExposeHeader: []string{"x-oss-request-id"}, MaxAgeSeconds: 60}}))
	got, err := c.GetBucketCORS("v1web")
	require.NoError(t, err)
	require.Len(t, got.CORSRules, 1)
	assert.Equal(t, []string{"GET", "PUT"}, got.CORSRules[0].AllowedMethod)
	assert.Equal(t, 60, got.CORSRules[0].MaxAgeSeconds)

	b, err := c.Bucket("v1web")
	require.NoError(t, err)
	h, err := b.OptionsMethod("k", oss1.Origin("http://a.test"), oss1.ACReqMethod("PUT"), oss1.ACReqHeaders("x-oss-meta-a"))
	require.NoError(t, err)
	assert.Equal(t, "*", h.Get("Access-Control-Allow-Origin"))

	require.NoError(t, c.SetBucketWebsite("v1web", "index.html", "error.html"))
	w, err := c.GetBucketWebsite("v1web")
	require.NoError(t, err)
	assert.Equal(t, "index.html", w.IndexDocument.Suffix)
	assert.Equal(t, "error.html", w.ErrorDocument.Key)

	// Routing rules only: the SDK sends empty IndexDocument and
	// ErrorDocument elements, which OSS takes as none.
	var rules oss1.WebsiteXML
	rules.RoutingRules = []oss1.RoutingRule{{RuleNumber: 1,
		Condition: oss1.Condition{KeyPrefixEquals: "old/"},
		Redirect:  oss1.Redirect{RedirectType: "Mirror", MirrorURL: "http://127.0.0.1:1/"}}}
	require.NoError(t, c.SetBucketWebsiteDetail("v1web", rules))
	w, err = c.GetBucketWebsite("v1web")
	require.NoError(t, err)
	assert.Empty(t, w.IndexDocument.Suffix)
	require.Len(t, w.RoutingRules, 1)
}
