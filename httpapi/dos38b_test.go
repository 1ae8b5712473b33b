package httpapi_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDos38bPostTypeConditionsAreLinear: each starts-with condition on
// Content-Type split the form's whole list of types again, so a policy
// of 20 KiB (400 such conditions, the most a policy field holds) over a
// form of a MiB of types ("a,a,a,...", 48 fields of 20 KiB, joined) took
// 3 s and 400 slices of half a million strings per anonymous POST. The
// prefix the types share is now found once and each condition reads it:
// 20 ms. The form is refused later for its stored headers, as before.
func TestDos38bPostTypeConditionsAreLinear(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", ""})
	for range 400 {
		conds = append(conds, []any{"starts-with", "$Content-Type", "a"})
	}
	policy := policyDoc(t, now.Add(time.Hour), conds...)
	require.Less(t, len(policy), 20<<10, "within the policy field's bound")
	fields := append([]field{{"key", "k"}}, v4Form(now, policy)...)
	types := strings.TrimSuffix(strings.Repeat("a,", 10<<10), ",")
	for range 48 {
		fields = append(fields, field{"Content-Type", types})
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, x := range fields {
		require.NoError(t, mw.WriteField(x.name, x.value))
	}
	require.NoError(t, mw.WriteField("file", "x"))
	require.NoError(t, mw.Close())
	require.Less(t, b.Len(), 1<<20+64<<10)

	start := time.Now()
	r := f.do(t, raw{method: http.MethodPost, path: "/forms", body: b.Bytes(), sign: "anon", header: hdr("Content-Type", mw.FormDataContentType())})
	elapsed := time.Since(start)
	require.Equal(t, 400, r.StatusCode, string(r.body))
	assert.Equal(t, "MetadataTooLarge", r.errCode(), "the policy held; the headers are too large to keep")
	assert.Less(t, elapsed, time.Second)
}

// TestDos38bRoutingKeyIsBounded: each "${key}" of an OSS routing rule's
// ReplaceKeyWith stands for the visitor's key, so 20,000 of them (a
// 120 KB template in a website document) over a key of 300 "%" built a
// 6 MB key and an 18 MB Location header: 130 MB allocated per anonymous
// GET (the client gave up at its 10 MB header limit), and 256 of them at
// once hold more memory than the machine has. The key may now make the
// result at most the dialect's longest key (or the template's length):
// 400 InvalidObjectName (S3's KeyTooLongError), before anything is built.
// Templates whose result fits, two "${key}" included, still redirect.
func TestDos38bRoutingKeyIsBounded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, ctx := f.ossV2(testAK, testSK), context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("osssite"), Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	rule := func(n int64, suffix, tmpl string) oss2.RoutingRule {
		return oss2.RoutingRule{RuleNumber: oss2.Ptr(n), Condition: &oss2.RoutingRuleCondition{KeySuffixEquals: oss2.Ptr(suffix)},
			Redirect: &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("External"), HostName: oss2.Ptr("img.test"), Protocol: oss2.Ptr("https"),
				ReplaceKeyWith: oss2.Ptr(tmpl), HttpRedirectCode: oss2.Ptr(int64(302))}}
	}
	_, err = c.PutBucketWebsite(ctx, &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("osssite"), WebsiteConfiguration: &oss2.WebsiteConfiguration{
		IndexDocument: &oss2.IndexDocument{Suffix: oss2.Ptr("index.html")},
		RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{
			rule(1, ".jpg", strings.Repeat("${key}", 20_000)), rule(2, ".png", "a/${key}/b/${key}")}},
	}})
	require.NoError(t, err)
	base := strings.Replace(f.srv.URL, "127.0.0.1", "osssite.oss-cn-hangzhou.aliyuncs.com", 1)
	client := f.httpClient()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	resp, err := client.Get(base + "/" + strings.Repeat("%25", 300) + ".jpg")
	runtime.ReadMemStats(&m1)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Location"))
	assert.Less(t, m1.TotalAlloc-m0.TotalAlloc, uint64(8<<20), "bytes allocated for one GET")

	r := f.getter(t)("GET", base+"/x.png")
	require.Equal(t, 302, r.StatusCode, string(r.body))
	assert.Equal(t, "https://img.test/a/x.png/b/x.png", r.Header.Get("Location"))
}
