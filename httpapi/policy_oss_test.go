package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// ossPolicyFixture has OSS bucket "opol" owned by testAK with object
// "img/a.png", and the v2 SDK clients of the owner and of otherAK.
func ossPolicyFixture(t *testing.T) (*fixture, *oss2.Client, *oss2.Client) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("opol")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("opol"), Key: oss2.Ptr("img/a.png"), Body: strings.NewReader("png")})
	require.NoError(t, err)
	return f, c, f.ossV2(otherAK, otherSK)
}

// ossAnon sends an unsigned OSS request (virtual host on aliyuncs.com).
func ossAnon(t *testing.T, f *fixture, method, key string, h http.Header) rawResponse {
	t.Helper()
	return f.do(t, raw{method: method, path: "/" + key, sign: "anon", host: "opol.oss-cn-hangzhou.aliyuncs.com", header: h})
}

func TestOSSBucketPolicy(t *testing.T) {
	f, c, other := ossPolicyFixture(t)
	ctx := context.Background()
	b := oss2.Ptr("opol")

	_, err := c.GetBucketPolicy(ctx, &oss2.GetBucketPolicyRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchBucketPolicy", "0030-00000006")
	st, err := c.GetBucketPolicyStatus(ctx, &oss2.GetBucketPolicyStatusRequest{Bucket: b})
	require.NoError(t, err)
	require.False(t, *st.PolicyStatus.IsPublic)

	r := ossAnon(t, f, "GET", "img/a.png", nil)
	require.Equal(t, 403, r.StatusCode)

	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:opol/img/*"]}]}`
	_, err = c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(doc)})
	require.NoError(t, err)
	got, err := c.GetBucketPolicy(ctx, &oss2.GetBucketPolicyRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, doc, got.Body)
	st, err = c.GetBucketPolicyStatus(ctx, &oss2.GetBucketPolicyStatusRequest{Bucket: b})
	require.NoError(t, err)
	require.True(t, *st.PolicyStatus.IsPublic)

	r = ossAnon(t, f, "GET", "img/a.png", nil)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	require.Equal(t, "png", string(r.body))
	r = ossAnon(t, f, "PUT", "img/b.png", nil)
	require.Equal(t, 403, r.StatusCode)

	// Deny a UID: the other user, even with a public-read bucket.
	_, err = c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	require.NoError(t, err)
	deny := `{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:*"],"Principal":["` + canonicalID(otherAK) + `"],"Resource":["acs:oss:*:*:opol/*","acs:oss:*:*:opol"]}]}`
	_, err = c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(deny)})
	require.NoError(t, err)
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = other.ListObjectsV2(ctx, &oss2.ListObjectsV2Request{Bucket: b})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	require.NoError(t, err, "the owner is not named")

	// Conditions: acs:SourceIp.
	ipDeny := `{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:opol/*"],"Condition":{"NotIpAddress":{"acs:SourceIp":["192.0.2.0/24"]}}}]}`
	_, err = c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(ipDeny)})
	require.NoError(t, err)
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	wantOSS(t, err, 403, "AccessDenied", "0003-00000001")

	// Malformed documents.
	for _, bad := range []string{
		`{"Version":"2","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:opol/*"]}]}`,
		`{"Version":1,"Statement":[]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:other/*"]}]}`,
	} {
		_, err = c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(bad)})
		wantOSS(t, err, 400, "InvalidPolicyDocument", "0030-00000005")
	}
	_, err = c.DeleteBucketPolicy(ctx, &oss2.DeleteBucketPolicyRequest{Bucket: b})
	require.NoError(t, err)
	_, err = c.GetBucketPolicy(ctx, &oss2.GetBucketPolicyRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchBucketPolicy", "")
}

func TestOSSBucketReferer(t *testing.T) {
	f, c, _ := ossPolicyFixture(t)
	ctx := context.Background()
	b := oss2.Ptr("opol")
	_, err := c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)

	got, err := c.GetBucketReferer(ctx, &oss2.GetBucketRefererRequest{Bucket: b})
	require.NoError(t, err)
	require.True(t, *got.RefererConfiguration.AllowEmptyReferer)

	// An empty <Referer/>, which the SDK sends for an empty list, lists
	// nothing.
	_, err = c.PutBucketReferer(ctx, &oss2.PutBucketRefererRequest{Bucket: b, RefererConfiguration: &oss2.RefererConfiguration{
		AllowEmptyReferer: oss2.Ptr(true), RefererList: &oss2.RefererList{Referers: []string{""}}}})
	require.NoError(t, err)
	got, err = c.GetBucketReferer(ctx, &oss2.GetBucketRefererRequest{Bucket: b})
	require.NoError(t, err)
	require.Empty(t, got.RefererConfiguration.RefererList.Referers)

	_, err = c.PutBucketReferer(ctx, &oss2.PutBucketRefererRequest{Bucket: b, RefererConfiguration: &oss2.RefererConfiguration{
		AllowEmptyReferer:        oss2.Ptr(false),
		AllowTruncateQueryString: oss2.Ptr(true),
		RefererList:              &oss2.RefererList{Referers: []string{"http://www.aliyun.com", "https://*.example.com", "www.?.org"}},
		RefererBlacklist:         &oss2.RefererBlacklist{Referers: []string{"https://bad.example.com"}},
	}})
	require.NoError(t, err)
	got, err = c.GetBucketReferer(ctx, &oss2.GetBucketRefererRequest{Bucket: b})
	require.NoError(t, err)
	require.False(t, *got.RefererConfiguration.AllowEmptyReferer)
	require.True(t, *got.RefererConfiguration.AllowTruncateQueryString)
	require.Equal(t, []string{"http://www.aliyun.com", "https://*.example.com", "www.?.org"}, got.RefererConfiguration.RefererList.Referers)
	require.Equal(t, []string{"https://bad.example.com"}, got.RefererConfiguration.RefererBlacklist.Referers)

	for _, tc := range []struct {
		referer string
		status  int
	}{
		{"", 403},
		{"http://www.aliyun.com", 200},
		{"http://www.aliyun.com?from=x", 200},
		{"http://www.aliyun.com/page", 403},
		{"https://cdn.example.com", 200},
		{"https://bad.example.com", 403},
		{"http://www.a.org", 200},
		{"https://www.b.org", 200},
		{"http://www.ab.org", 403},
		{"http://evil.com", 403},
	} {
		h := http.Header{}
		if tc.referer != "" {
			h.Set("Referer", tc.referer)
		}
		r := ossAnon(t, f, "GET", "img/a.png", h)
		require.Equal(t, tc.status, r.StatusCode, "referer %q: %s", tc.referer, r.body)
		if tc.status == 403 {
			require.Contains(t, string(r.body), "<Code>AccessDenied</Code>")
			require.Contains(t, string(r.body), "You are denied by bucket referer policy.")
		}
	}
	// Header-signed requests are not subject to the whitelist; signed URLs are.
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	require.NoError(t, err)
	pr, err := c.Presign(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")}, oss2.PresignExpires(time.Minute))
	require.NoError(t, err)
	for _, tc := range []struct {
		referer string
		status  int
	}{{"", 403}, {"http://evil.com/", 403}, {"https://cdn.example.com", 200}} {
		req, err := http.NewRequest("GET", pr.URL, nil)
		require.NoError(t, err)
		if tc.referer != "" {
			req.Header.Set("Referer", tc.referer)
		}
		resp, err := f.httpClient().Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, tc.status, resp.StatusCode, "signed URL, referer %q: %s", tc.referer, body)
	}
	// Malformed configuration.
	r := f.do(t, raw{method: "PUT", path: "/opol?referer", sign: "oss-v4", body: []byte(`<RefererConfiguration><RefererList/></RefererConfiguration>`)})
	require.Equal(t, 400, r.StatusCode)
	require.Equal(t, "MalformedXML", r.errCode())
}

func TestOSSRequestPayment(t *testing.T) {
	f, c, other := ossPolicyFixture(t)
	ctx := context.Background()
	b := oss2.Ptr("opol")
	_, err := c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)

	got, err := c.GetBucketRequestPayment(ctx, &oss2.GetBucketRequestPaymentRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, "BucketOwner", *got.Payer)
	_, err = c.PutBucketRequestPayment(ctx, &oss2.PutBucketRequestPaymentRequest{Bucket: b,
		PaymentConfiguration: &oss2.RequestPaymentConfiguration{Payer: oss2.Requester}})
	require.NoError(t, err)
	got, err = c.GetBucketRequestPayment(ctx, &oss2.GetBucketRequestPaymentRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, "Requester", *got.Payer)

	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	e := wantOSS(t, err, 403, "AccessDenied", "")
	require.Contains(t, e.message, "requester pay")
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png"), RequestPayer: oss2.Ptr("requester")})
	require.NoError(t, err)
	require.Equal(t, 403, ossAnon(t, f, "GET", "img/a.png", nil).StatusCode)
	require.Equal(t, 403, ossAnon(t, f, "GET", "img/a.png", hdr("x-oss-request-payer", "requester")).StatusCode)
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	require.NoError(t, err, "the owner pays anyway")

	r := f.do(t, raw{method: "PUT", path: "/opol?requestPayment", sign: "oss-v4", body: []byte(`<RequestPaymentConfiguration><Payer>Nobody</Payer></RequestPaymentConfiguration>`)})
	require.Equal(t, 400, r.StatusCode)
	require.Equal(t, "MalformedXML", r.errCode())
}

// TestOSSPolicyNamesUsersByUID: an OSS policy's Principal is a user's
// OSS UID (as OSS documents show it), so a policy naming another user's
// UID lets that user in, through the v2 SDK.
func TestOSSPolicyNamesUsersByUID(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithUsers(
		httpapi.User{AccessKey: "ossbob", SecretKey: "ossbob-secret", OSSUID: "1122334455667788"})}})
	ctx := context.Background()
	owner, bob := f.ossV2(testAK, testSK), f.ossV2("ossbob", "ossbob-secret")
	_, err := owner.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("uidpol")})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("uidpol"), Key: oss2.Ptr("a"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("uidpol"), Key: oss2.Ptr("a")})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = owner.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: oss2.Ptr("uidpol"), Body: strings.NewReader(`{"Version":"1","Statement":[{"Effect":"Allow",` +
		`"Principal":["1122334455667788"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:uidpol/*"]}]}`)})
	require.NoError(t, err)
	res, err := bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("uidpol"), Key: oss2.Ptr("a")})
	require.NoError(t, err)
	res.Body.Close()
}

// TestOSSPolicyWithoutPrincipal: OSS takes a statement without a
// Principal (alibabacloud-oss-go-sdk-v2's suite puts one). osslite reads
// it narrowly: its Allow grants no one, its Deny applies to everyone.
func TestOSSPolicyWithoutPrincipal(t *testing.T) {
	f, c, other := ossPolicyFixture(t)
	ctx := context.Background()
	b := oss2.Ptr("opol")
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["acs:oss:*:*:opol/*"]},` +
		`{"Effect":"Deny","Action":["oss:DeleteObject"],"Resource":["acs:oss:*:*:opol/*"]}]}`
	_, err := c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(doc)})
	require.NoError(t, err)
	got, err := c.GetBucketPolicy(ctx, &oss2.GetBucketPolicyRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, doc, got.Body)
	st, err := c.GetBucketPolicyStatus(ctx, &oss2.GetBucketPolicyStatusRequest{Bucket: b})
	require.NoError(t, err)
	// OSS reports it public (alibabacloud-oss-python-sdk-v2's
	// test_bucket_policy; TestOpvPolicyStatusWithoutPrincipal), although
	// osslite's reading grants it to no one.
	require.True(t, *st.PolicyStatus.IsPublic)

	require.Equal(t, 403, ossAnon(t, f, "GET", "img/a.png", nil).StatusCode, "the Allow grants no one")
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = other.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	wantOSS(t, err, 403, "AccessDenied", "")
	res, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("img/a.png")})
	require.NoError(t, err, "the owner reads as before")
	res.Body.Close()
	_, err = c.DeleteBucketPolicy(ctx, &oss2.DeleteBucketPolicyRequest{Bucket: b})
	require.NoError(t, err, "the owner can still remove the policy")
}
