package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestS3MetricsConfigurations: request metrics configurations are stored
// one ID at a time, read back with their filter as put, listed in ID
// order 100 to a page, and refused with S3's codes, through
// aws-sdk-go-v2.
func TestS3MetricsConfigurations(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("metrics")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)

	put := func(mc *types.MetricsConfiguration) error {
		_, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: b, Id: mc.Id, MetricsConfiguration: mc})
		return err
	}
	require.NoError(t, put(&types.MetricsConfiguration{Id: aws.String("all")}))
	require.NoError(t, put(&types.MetricsConfiguration{Id: aws.String("docs"), Filter: &types.MetricsFilterMemberPrefix{Value: "docs/"}}))
	require.NoError(t, put(&types.MetricsConfiguration{Id: aws.String("tagged"), Filter: &types.MetricsFilterMemberAnd{Value: types.MetricsAndOperator{
		Prefix: aws.String("docs/"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}}}))
	require.NoError(t, put(&types.MetricsConfiguration{Id: aws.String("one-tag"), Filter: &types.MetricsFilterMemberTag{Value: types.Tag{Key: aws.String("team"), Value: aws.String("a")}}}))

	g, err := c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("docs")})
	require.NoError(t, err)
	require.Equal(t, "docs", aws.ToString(g.MetricsConfiguration.Id))
	require.Equal(t, &types.MetricsFilterMemberPrefix{Value: "docs/"}, g.MetricsConfiguration.Filter)
	g, err = c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("tagged")})
	require.NoError(t, err)
	and, ok := g.MetricsConfiguration.Filter.(*types.MetricsFilterMemberAnd)
	require.True(t, ok, "%T", g.MetricsConfiguration.Filter)
	assert.Equal(t, "docs/", aws.ToString(and.Value.Prefix))
	require.Len(t, and.Value.Tags, 1)
	assert.Equal(t, "a", aws.ToString(and.Value.Tags[0].Value))
	g, err = c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("all")})
	require.NoError(t, err)
	assert.Nil(t, g.MetricsConfiguration.Filter)

	l, err := c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: b})
	require.NoError(t, err)
	var ids []string
	for _, mc := range l.MetricsConfigurationList {
		ids = append(ids, aws.ToString(mc.Id))
	}
	assert.Equal(t, []string{"all", "docs", "one-tag", "tagged"}, ids)
	assert.False(t, aws.ToBool(l.IsTruncated))

	// Refusals change nothing.
	_, err = c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("x"),
		MetricsConfiguration: &types.MetricsConfiguration{Id: aws.String("y")}})
	requireCode(t, err, "InvalidArgument")
	requireCode(t, put(&types.MetricsConfiguration{Id: aws.String("no spaces")}), "InvalidArgument")
	r := f.do(t, raw{method: "PUT", path: "/metrics?metrics&id=two", body: []byte(`<MetricsConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>two</Id><Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter></MetricsConfiguration>`)})
	require.Equal(t, "MalformedXML", r.errCode(), "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/metrics?metrics", body: []byte(`<MetricsConfiguration><Id>a</Id></MetricsConfiguration>`)})
	require.Equal(t, "InvalidArgument", r.errCode(), "%s", r.body)
	_, err = c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("two")})
	requireCode(t, err, "NoSuchConfiguration")
	_, err = c.DeleteBucketMetricsConfiguration(ctx, &s3.DeleteBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("two")})
	requireCode(t, err, "NoSuchConfiguration")
	_, err = c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: aws.String("missing-bucket")})
	requireCode(t, err, "NoSuchBucket")
	_, err = f.s3Client(true, otherAK, otherSK).GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("all")})
	requireCode(t, err, "AccessDenied")

	// Pages of 100, in ID order, through the SDK's paginator.
	pb := aws.String("metrics-pages")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: pb})
	require.NoError(t, err)
	for i := range 101 {
		id := aws.String(fmt.Sprintf("m%03d", i))
		_, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: pb, Id: id, MetricsConfiguration: &types.MetricsConfiguration{Id: id}})
		require.NoError(t, err)
	}
	l, err = c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: pb})
	require.NoError(t, err)
	require.Len(t, l.MetricsConfigurationList, 100)
	require.True(t, aws.ToBool(l.IsTruncated))
	require.Equal(t, "m099", aws.ToString(l.NextContinuationToken))
	l, err = c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: pb, ContinuationToken: l.NextContinuationToken})
	require.NoError(t, err)
	require.Len(t, l.MetricsConfigurationList, 1)
	require.Equal(t, "m100", aws.ToString(l.MetricsConfigurationList[0].Id))
	require.False(t, aws.ToBool(l.IsTruncated))

	// Deleting the last configuration leaves none.
	for _, id := range []string{"all", "docs", "one-tag", "tagged"} {
		_, err = c.DeleteBucketMetricsConfiguration(ctx, &s3.DeleteBucketMetricsConfigurationInput{Bucket: b, Id: aws.String(id)})
		require.NoError(t, err)
	}
	l, err = c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: b})
	require.NoError(t, err)
	require.Empty(t, l.MetricsConfigurationList)
}

// TestS3MetricsCounting: each configuration counts the requests its
// filter selects (prefix, the object's tags), by kind, with bytes and
// error classes; ReadRequestMetrics reports them, and a deleted and put
// again configuration starts from zero.
func TestS3MetricsCounting(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	h := f.srv.Config.Handler
	b := aws.String("counted")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	for _, mc := range []*types.MetricsConfiguration{
		{Id: aws.String("all")},
		{Id: aws.String("docs"), Filter: &types.MetricsFilterMemberPrefix{Value: "docs/"}},
		{Id: aws.String("tagged"), Filter: &types.MetricsFilterMemberAnd{Value: types.MetricsAndOperator{
			Prefix: aws.String("docs/"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}}},
		{Id: aws.String("ap"), Filter: &types.MetricsFilterMemberAccessPointArn{Value: "arn:aws:s3:us-east-1:123456789012:accesspoint/ap"}},
	} {
		_, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: b, Id: mc.Id, MetricsConfiguration: mc})
		require.NoError(t, err)
	}
	read := func() map[string]httpapi.RequestMetrics {
		ms, err := httpapi.ReadRequestMetrics(ctx, h)
		require.NoError(t, err)
		out := map[string]httpapi.RequestMetrics{}
		for _, m := range ms {
			require.Equal(t, "counted", m.Bucket)
			out[m.ID] = m
		}
		return out
	}
	// Counts land once each response is complete: wait for the last
	// request's record.
	settle := func(n int) {
		require.Eventually(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.records) >= n }, 5*time.Second, time.Millisecond)
	}
	f.mu.Lock()
	start := len(f.records)
	f.mu.Unlock()
	settle(start)
	before := read()
	require.Len(t, before, 4)

	body := bytes.Repeat([]byte("d"), 1000)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("docs/a"), Body: bytes.NewReader(body), Tagging: aws.String("team=a")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("other/b"), Body: bytes.NewReader(body[:10])})
	require.NoError(t, err)
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("docs/a")})
	require.NoError(t, err)
	buf := new(bytes.Buffer)
	_, err = buf.ReadFrom(out.Body)
	require.NoError(t, err)
	out.Body.Close()
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("docs/a")})
	require.NoError(t, err)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("docs/none")})
	requireCode(t, err, "NoSuchKey")
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("other/b")})
	require.NoError(t, err)
	settle(start + 7)
	after := read()

	delta := func(id string) httpapi.RequestMetrics {
		a, z := after[id], before[id]
		return httpapi.RequestMetrics{Bucket: a.Bucket, ID: id,
			AllRequests: a.AllRequests - z.AllRequests, GetRequests: a.GetRequests - z.GetRequests,
			PutRequests: a.PutRequests - z.PutRequests, DeleteRequests: a.DeleteRequests - z.DeleteRequests,
			HeadRequests: a.HeadRequests - z.HeadRequests, PostRequests: a.PostRequests - z.PostRequests,
			ListRequests: a.ListRequests - z.ListRequests, BytesDownloaded: a.BytesDownloaded - z.BytesDownloaded,
			BytesUploaded: a.BytesUploaded - z.BytesUploaded, Errors4xx: a.Errors4xx - z.Errors4xx, Errors5xx: a.Errors5xx - z.Errors5xx}
	}
	all := delta("all")
	assert.Equal(t, int64(7), all.AllRequests)
	assert.Equal(t, int64(2), all.PutRequests)
	assert.Equal(t, int64(2), all.GetRequests)
	assert.Equal(t, int64(1), all.HeadRequests)
	assert.Equal(t, int64(1), all.ListRequests)
	assert.Equal(t, int64(1), all.DeleteRequests)
	assert.Equal(t, int64(1), all.Errors4xx)
	assert.GreaterOrEqual(t, all.BytesUploaded, int64(1010)) // aws-chunked framing adds to the bodies
	assert.GreaterOrEqual(t, all.BytesDownloaded, int64(1000))

	docs := delta("docs")
	assert.Equal(t, int64(4), docs.AllRequests) // PUT, GET, HEAD docs/a; GET docs/none
	assert.Equal(t, int64(1), docs.PutRequests)
	assert.Equal(t, int64(2), docs.GetRequests)
	assert.Equal(t, int64(1), docs.HeadRequests)
	assert.Equal(t, int64(1), docs.Errors4xx)
	assert.Zero(t, docs.ListRequests)
	assert.Zero(t, docs.DeleteRequests)
	assert.GreaterOrEqual(t, docs.BytesDownloaded, int64(1000))

	tagged := delta("tagged")
	assert.Equal(t, int64(3), tagged.AllRequests) // docs/none has no tags
	assert.Zero(t, tagged.Errors4xx)
	assert.Zero(t, delta("ap").AllRequests) // no request comes through an access point

	// Deleted: gone from the report; put again: counted from zero.
	_, err = c.DeleteBucketMetricsConfiguration(ctx, &s3.DeleteBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("docs")})
	require.NoError(t, err)
	_, ok := read()["docs"]
	require.False(t, ok)
	_, err = c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("docs"),
		MetricsConfiguration: &types.MetricsConfiguration{Id: aws.String("docs"), Filter: &types.MetricsFilterMemberPrefix{Value: "docs/"}}})
	require.NoError(t, err)
	require.Zero(t, read()["docs"].AllRequests)
}

// TestS3MetricsSelectBytes: a SelectObjectContent request counts the bytes
// it scanned and returned, as its Stats event reports them (S3's
// SelectBytesScanned and SelectBytesReturned).
func TestS3MetricsSelectBytes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("selcount")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("all"),
		MetricsConfiguration: &types.MetricsConfiguration{Id: aws.String("all")}})
	require.NoError(t, err)
	csv := "a,b\n1,2\n3,4\n5,6\n"
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("t.csv"), Body: strings.NewReader(csv)})
	require.NoError(t, err)
	out, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{Bucket: b, Key: aws.String("t.csv"),
		Expression: aws.String("SELECT b FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{FileHeaderInfo: types.FileHeaderInfoUse}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}}})
	require.NoError(t, err)
	var stats *types.Stats
	for ev := range out.GetStream().Events() {
		if s, ok := ev.(*types.SelectObjectContentEventStreamMemberStats); ok {
			stats = s.Value.Details
		}
	}
	require.NoError(t, out.GetStream().Close())
	require.NotNil(t, stats)
	require.EqualValues(t, len(csv), aws.ToInt64(stats.BytesScanned))
	require.Eventually(t, func() bool {
		ms, err := httpapi.ReadRequestMetrics(ctx, f.srv.Config.Handler)
		return err == nil && len(ms) == 1 && ms[0].SelectRequests == 1
	}, 5*time.Second, time.Millisecond)
	ms, err := httpapi.ReadRequestMetrics(ctx, f.srv.Config.Handler)
	require.NoError(t, err)
	require.Equal(t, aws.ToInt64(stats.BytesScanned), ms[0].SelectBytesScanned)
	require.Equal(t, aws.ToInt64(stats.BytesReturned), ms[0].SelectBytesReturned)
	require.Positive(t, ms[0].SelectBytesReturned)
}
