package httpapi_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// The thirtieth session's resource-exhaustion review: requests whose
// cost on the server grew out of proportion to the request. Each test
// fails with its fix removed alone.

// within runs f and fails the test when it took longer than d (a bound
// far above what the request costs, far below what it cost before).
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	start := time.Now()
	f()
	require.Less(t, time.Since(start), d, what)
}

// TestReview30RefererWildcardIsLinear: OSS referer entries (up to 1 KiB,
// 100 a list) were matched by backtracking to the last star, in
// len(entry)*len(Referer) steps; an anonymous GET with a 1 MiB Referer
// header against ten entries "*aaa...ab" cost ten billion steps (several
// seconds of CPU for one request). Matching is now linear in the header.
func TestReview30RefererWildcardIsLinear(t *testing.T) {
	f, c, _ := ossPolicyFixture(t)
	entries := make([]string, 10)
	for i := range entries {
		entries[i] = "*" + strings.Repeat("a", 1020) + "b" + string(rune('0'+i))
	}
	_, err := c.PutBucketReferer(context.Background(), &oss2.PutBucketRefererRequest{Bucket: oss2.Ptr("opol"),
		RefererConfiguration: &oss2.RefererConfiguration{AllowEmptyReferer: oss2.Ptr(false),
			AllowTruncateQueryString: oss2.Ptr(false), RefererList: &oss2.RefererList{Referers: entries}}})
	require.NoError(t, err)
	referer := "http://" + strings.Repeat("a", 1<<20-4096)
	within(t, 2*time.Second, "a 1 MiB Referer against ten 1 KiB entries", func() {
		r := ossAnon(t, f, "GET", "img/a.png", hdr("Referer", referer))
		require.Contains(t, string(r.body), "You are denied by bucket referer policy.")
	})
	// A matching referer passes the list (and meets the private ACL).
	r := ossAnon(t, f, "GET", "img/a.png", hdr("Referer", "http://"+strings.Repeat("a", 2000)+"b3"))
	require.Equal(t, 403, r.StatusCode, "%s", r.body)
	require.NotContains(t, string(r.body), "referer")
}

// TestReview30PolicyWildcardIsLinear: a bucket policy's StringLike
// pattern (up to the policy's 16/20 KiB) was matched against a request
// value, here an OSS User-Agent header of up to a MiB, by backtracking:
// "*aaa...ab" of 15,000 bytes against 256 KiB of "a"s was four billion
// steps for one anonymous request.
func TestReview30PolicyWildcardIsLinear(t *testing.T) {
	f, c, _ := ossPolicyFixture(t)
	pat := "*" + strings.Repeat("a", 15000) + "b"
	_, err := c.PutBucketPolicy(context.Background(), &oss2.PutBucketPolicyRequest{Bucket: oss2.Ptr("opol"), Body: strings.NewReader(
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:opol/*"],` +
			`"Condition":{"StringLike":{"acs:UserAgent":["` + pat + `"]}}}]}`)})
	require.NoError(t, err)
	within(t, 2*time.Second, "a 256 KiB User-Agent against a 15 KB pattern", func() {
		r := ossAnon(t, f, "GET", "img/a.png", hdr("User-Agent", strings.Repeat("a", 256<<10)))
		require.Equal(t, 403, r.StatusCode, "%s", r.body)
	})
	r := ossAnon(t, f, "GET", "img/a.png", hdr("User-Agent", strings.Repeat("a", 20000)+"b"))
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
}

// TestReview30CORSRequestedHeadersAreBounded: an OSS preflight may carry
// a MiB of Access-Control-Request-Headers; 170,000 distinct names, each
// allowed only by the last of a 60 KB rule's 1,700 wildcard patterns,
// cost three hundred million pattern checks (seconds) for one anonymous
// OPTIONS. Lists longer than S3's 8 KiB header section are allowed by no
// rule.
func TestReview30CORSRequestedHeadersAreBounded(t *testing.T) {
	f, c, _ := ossPolicyFixture(t)
	var allowed []string
	for i := range 1700 {
		allowed = append(allowed, fmt.Sprintf("h%04d*", i))
	}
	allowed = append(allowed, "a*")
	_, err := c.PutBucketCors(context.Background(), &oss2.PutBucketCorsRequest{Bucket: oss2.Ptr("opol"), CORSConfiguration: &oss2.CORSConfiguration{
		CORSRules: []oss2.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: allowed}}}})
	require.NoError(t, err)
	preflight := func(requested string) rawResponse {
		return ossAnon(t, f, "OPTIONS", "img/a.png", hdr("Origin", "https://example.com", "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", requested))
	}
	var many strings.Builder
	for i := 0; many.Len() < 1<<20-8192; i++ {
		fmt.Fprintf(&many, "a%05d,", i)
	}
	within(t, time.Second, "a 1 MiB Access-Control-Request-Headers", func() {
		r := preflight(many.String())
		require.Equal(t, 403, r.StatusCode, "%s", r.body)
	})
	r := preflight("a1, h0042-x")
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	require.Equal(t, "a1, h0042-x", r.Header.Get("Access-Control-Allow-Headers"))
}

// TestReview30ListBucketsCostsTheCallersBuckets: ListBuckets decoded every
// bucket record of the store and then kept the caller's: with 20,000
// buckets of another owner one listing allocated about 15 MiB (and 1.2 s
// and 740 MiB for a million buckets). It reads the caller's buckets from
// the engine's owner index.
func TestReview30ListBucketsCostsTheCallersBuckets(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	for i := range 20000 {
		require.NoError(t, f.eng.CreateBucket(ctx, fmt.Sprintf("else-%05d", i), engine.BucketOptions{Owner: "someone-else"}))
	}
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mine")})
	require.NoError(t, err)
	list := func() []string {
		out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.NoError(t, err)
		var names []string
		for _, b := range out.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
		return names
	}
	require.Equal(t, []string{"mine"}, list())
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	require.Equal(t, []string{"mine"}, list())
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(2<<20), "bytes allocated by one listing")
}

// TestReview30DescribeRegionsCostsTheRegions: OSS DescribeRegions read
// every bucket record of the store (15 MiB with 20,000 buckets) and
// compared each bucket's region with every region found so far. It reads
// the engine's region counts.
func TestReview30DescribeRegionsCostsTheRegions(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	for i := range 20000 {
		require.NoError(t, f.eng.CreateBucket(ctx, fmt.Sprintf("else-%05d", i), engine.BucketOptions{Owner: "someone-else"}))
	}
	require.NoError(t, f.eng.CreateBucket(ctx, "far", engine.BucketOptions{Owner: "someone-else", Region: "cn-hangzhou"}))
	c := f.ossV2(testAK, testSK)
	regions := func() []string {
		res, err := c.DescribeRegions(ctx, &oss2.DescribeRegionsRequest{})
		require.NoError(t, err)
		var out []string
		for _, r := range res.RegionInfoList.RegionInfos {
			out = append(out, oss2.ToString(r.Region))
		}
		return out
	}
	require.Equal(t, []string{"oss-us-east-1", "oss-cn-hangzhou"}, regions())
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	regions()
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(2<<20), "bytes allocated by one DescribeRegions")
}
