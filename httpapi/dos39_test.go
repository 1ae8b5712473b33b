package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestDos39SelectBudgetThroughS3: a query whose evaluation would cost
// more than its budget (sqlselect.RunOptions.MaxWorkPerByte) is 400
// MaxOperatorsExceeded before any record is sent, through aws-sdk-go-v2.
// (8,000 conditions, 16,000 operators: within the operator bound sel40
// set, so the budget is what refuses it.)
func TestDos39SelectBudgetThroughS3(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("dos39")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("dos39"), Key: aws.String("a.csv"),
		Body: strings.NewReader(strings.Repeat("a\n", 20000))})
	require.NoError(t, err)
	start := time.Now()
	_, err = runSelect(t, c, &s3.SelectObjectContentInput{
		Bucket: aws.String("dos39"), Key: aws.String("a.csv"),
		Expression:          aws.String("SELECT count(*) FROM S3Object s WHERE " + strings.Repeat("s._1 = 'x' OR ", 8000) + "FALSE"),
		ExpressionType:      types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
	})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "MaxOperatorsExceeded", ae.ErrorCode())
	assert.Less(t, time.Since(start), 10*time.Second) // 50 s without the budget
}

// TestDos39SelectStopsWhenClientGoes: a client that cancels a long
// SelectObjectContent stops the query on the server at once (net/http
// cancels the request's context when the connection closes; Run looks
// at it between records and, through the budget's meter, within one).
func TestDos39SelectStopsWhenClientGoes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("dos39")})
	require.NoError(t, err)
	line := strings.Repeat("a", 99) + "\n"
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("dos39"), Key: aws.String("big.csv"),
		Body: strings.NewReader(strings.Repeat(line, 160000))})
	require.NoError(t, err)
	in := &s3.SelectObjectContentInput{
		Bucket: aws.String("dos39"), Key: aws.String("big.csv"),
		Expression:          aws.String("SELECT count(*) FROM S3Object s WHERE " + strings.Repeat("UPPER(s._1) = 'a' OR ", 60) + "FALSE"),
		ExpressionType:      types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
	}
	selects := func() []httpapi.Record {
		f.mu.Lock()
		defer f.mu.Unlock()
		var out []httpapi.Record
		for _, r := range f.records {
			if r.Operation == "SelectObjectContent" {
				out = append(out, r)
			}
		}
		return out
	}
	// Uncancelled, the query runs a while (and within its budget).
	res, err := runSelect(t, c, in)
	require.NoError(t, err)
	require.Equal(t, "0\n", res.records)
	full := selects()[0].Duration
	t.Logf("the whole query: %v", full)
	require.Greater(t, full, time.Second)

	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	resp, err := c.SelectObjectContent(cctx, in)
	if err == nil {
		for range resp.GetStream().Events() {
		}
		resp.GetStream().Close()
	}
	var rec httpapi.Record
	require.Eventually(t, func() bool {
		if s := selects(); len(s) == 2 {
			rec = s[1]
			return true
		}
		return false
	}, full, 5*time.Millisecond, "the query ran on after its client went")
	assert.Less(t, rec.Duration, full/2)
	t.Logf("cancelled after 200 ms: %v", rec.Duration)
}

// TestDos39ReplaceKeyWithIsLiteralInS3: "${key}" in ReplaceKeyWith is
// OSS's variable for the requested key; S3's ReplaceKeyWith is "the
// specific object key to use in the redirect request", taken as
// written, and it was substituted in every dialect. The configuration is
// the bucket's whichever dialect put it, so the request's dialect
// decides: the same rule redirects to "pics/${key}" on the S3 website
// endpoint and to "pics/p/a.jpg" on the OSS endpoint.
func TestDos39ReplaceKeyWithIsLiteralInS3(t *testing.T) {
	f, get := websiteFixture(t, `<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<IndexDocument><Suffix>index.html</Suffix></IndexDocument>
<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>p/</KeyPrefixEquals></Condition>
<Redirect><HostName>img.test</HostName><ReplaceKeyWith>pics/${key}</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules>
</WebsiteConfiguration>`)
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	for _, base := range []string{"http://site.s3-website.test" + port, f.srv.URL + "/_website/site"} {
		resp := get("GET", base+"/p/a.jpg")
		require.Equal(t, 301, resp.StatusCode, base)
		loc, err := url.PathUnescape(resp.Header.Get("Location"))
		require.NoError(t, err)
		assert.Equal(t, "http://img.test/pics/${key}", loc, base)
	}
	resp := get("GET", "http://site.oss-cn-hangzhou.aliyuncs.com"+port+"/p/a.jpg")
	require.Equal(t, 301, resp.StatusCode, string(resp.body))
	assert.Equal(t, "http://img.test/pics/p/a.jpg", resp.Header.Get("Location"))
}

// TestDos39SelectBudgetThroughOSS: OSS's own limits (16 KiB of SQL, 20
// conditions, projections without functions, rows of 256 KiB) keep
// queries small, but ten conditions of 150 nested upper() (10 KB) over
// one 200 KB field copy 600 MB for the record; the budget refuses it through aliyun-oss-go-sdk
// with OSS's code for it, SqlExceedsMaxConditionCount.
func TestDos39SelectBudgetThroughOSS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("dos39"))
	b, err := c.Bucket("dos39")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("a.csv", strings.NewReader(strings.Repeat("a", 200<<10)+"\n")))
	start := time.Now()
	_, err = b.SelectObject("a.csv", oss1.SelectRequest{
		Expression: "select _1 from ossobject where " + strings.TrimSuffix(strings.Repeat(
			strings.Repeat("upper(", 150)+"_1"+strings.Repeat(")", 150)+" = 'x' or ", 10), " or ")})
	e, isOSS := ossError(err)
	require.True(t, isOSS, "%v", err)
	assert.Equal(t, 400, e.status)
	assert.Equal(t, "SqlExceedsMaxConditionCount", e.code, "%v", err)
	assert.Less(t, time.Since(start), 10*time.Second)
}
