package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// TestOSSMetaQuery drives OSS data indexing with both Aliyun SDKs: the
// index opens and closes, DoMetaQuery finds objects by size, name, tags,
// user metadata and storage class, pages through a sorted result, and
// aggregates; bad queries are 400 and the rest of the API refuses what
// osslite does not do.
func TestOSSMetaQuery(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "mq-test"
	b := oss2.Ptr(bk)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: b})
	require.NoError(t, err)

	query := func(q *oss2.MetaQuery) (*oss2.DoMetaQueryResult, error) {
		return c.DoMetaQuery(bg, &oss2.DoMetaQueryRequest{Bucket: b, MetaQuery: q})
	}
	_, err = query(&oss2.MetaQuery{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"gt"}`)})
	wantOSS(t, err, 404, "MetaQueryNotExist", "")
	_, err = c.GetMetaQueryStatus(bg, &oss2.GetMetaQueryStatusRequest{Bucket: b})
	wantOSS(t, err, 404, "MetaQueryNotExist", "")

	_, err = c.OpenMetaQuery(bg, &oss2.OpenMetaQueryRequest{Bucket: b, Mode: oss2.Ptr("semantic")})
	wantOSS(t, err, 501, "NotImplemented", "")
	_, err = c.OpenMetaQuery(bg, &oss2.OpenMetaQueryRequest{Bucket: b})
	require.NoError(t, err)
	opened := f.clock.Now()
	_, err = c.OpenMetaQuery(bg, &oss2.OpenMetaQueryRequest{Bucket: b})
	wantOSS(t, err, 409, "MetaQueryAlreadyExist", "")
	st, err := c.GetMetaQueryStatus(bg, &oss2.GetMetaQueryStatusRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, "Running", oss2.ToString(st.MetaQueryStatus.State))
	created, err := time.Parse(time.RFC3339Nano, oss2.ToString(st.MetaQueryStatus.CreateTime))
	require.NoError(t, err)
	require.WithinDuration(t, opened, created, time.Second)

	// 30 objects: data/NN.txt of 100+NN bytes; every third is tagged,
	// every fifth has user metadata, the last two are IA.
	for i := 0; i < 30; i++ {
		req := &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr(fmt.Sprintf("data/%02d.txt", i)), Body: strings.NewReader(strings.Repeat("x", 100+i))}
		if i%3 == 0 {
			req.Tagging = oss2.Ptr(fmt.Sprintf("team=t%d&kind=doc", i%2))
		}
		if i%5 == 0 {
			req.Metadata = map[string]string{"Location": "hangzhou"}
		}
		if i >= 28 {
			req.StorageClass = oss2.StorageClassIA
		}
		_, err := c.PutObject(bg, req)
		require.NoError(t, err)
	}
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("other/big.bin"), Body: strings.NewReader(strings.Repeat("y", 5000))})
	require.NoError(t, err)

	names := func(r *oss2.DoMetaQueryResult) []string {
		var out []string
		for _, f := range r.Files {
			out = append(out, oss2.ToString(f.Filename))
		}
		return out
	}
	keys := func(ids ...int) []string {
		var out []string
		for _, i := range ids {
			out = append(out, fmt.Sprintf("data/%02d.txt", i))
		}
		return out
	}

	// Size > 125, ascending by size, 2 per page: 26..29 then other/big.bin.
	var got []string
	q := &oss2.MetaQuery{Query: oss2.Ptr(`{"Field":"Size","Value":"125","Operation":"gt"}`), Sort: oss2.Ptr("Size"), Order: oss2.Ptr(oss2.MetaQueryOrderAsc), MaxResults: oss2.Ptr(int64(2))}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4)
		r, err := query(q)
		require.NoError(t, err)
		require.NotNil(t, r.NextToken, "NextToken is always sent")
		got = append(got, names(r)...)
		if oss2.ToString(r.NextToken) == "" {
			break
		}
		q.NextToken = r.NextToken
	}
	require.Equal(t, append(keys(26, 27, 28, 29), "other/big.bin"), got)

	// By name ascending (the listing's order, which stops early), 7 a
	// page: every data/ key once, in order.
	got = nil
	q = &oss2.MetaQuery{Query: oss2.Ptr(`{"Field":"Size","Value":"99","Operation":"gt"}`), Sort: oss2.Ptr("Filename"), Order: oss2.Ptr(oss2.MetaQueryOrderAsc), MaxResults: oss2.Ptr(int64(7))}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 6)
		r, err := query(q)
		require.NoError(t, err)
		got = append(got, names(r)...)
		if oss2.ToString(r.NextToken) == "" {
			break
		}
		q.NextToken = r.NextToken
	}
	var all []int
	for i := range 30 {
		all = append(all, i)
	}
	require.Equal(t, append(keys(all...), "other/big.bin"), got)

	r, err := query(&oss2.MetaQuery{Query: oss2.Ptr(`{"Field":"Filename","Value":"data/2","Operation":"prefix"}`), Sort: oss2.Ptr("Filename"), Order: oss2.Ptr(oss2.MetaQueryOrderDesc)})
	require.NoError(t, err)
	require.Equal(t, keys(29, 28, 27, 26, 25, 24, 23, 22, 21, 20), names(r))
	f0 := r.Files[len(r.Files)-1] // data/20.txt: user metadata
	require.Equal(t, int64(120), *f0.Size)
	require.Equal(t, "Normal", oss2.ToString(f0.OSSObjectType))
	require.Equal(t, "Standard", oss2.ToString(f0.OSSStorageClass))
	require.Equal(t, "default", oss2.ToString(f0.ObjectACL))
	require.Equal(t, int64(0), *f0.OSSTaggingCount)
	require.Equal(t, int64(2), *r.Files[5].OSSTaggingCount, "data/24.txt is tagged")
	require.Len(t, r.Files[5].OSSTagging, 2)
	require.Len(t, f0.OSSUserMeta, 1)
	require.Equal(t, "x-oss-meta-location", oss2.ToString(f0.OSSUserMeta[0].Key))
	require.Equal(t, "hangzhou", oss2.ToString(f0.OSSUserMeta[0].Value))
	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: b, Key: oss2.Ptr("data/20.txt")})
	require.NoError(t, err)
	require.Equal(t, oss2.ToString(head.ETag), oss2.ToString(f0.ETag))
	require.Equal(t, oss2.ToString(head.HashCRC64), oss2.ToString(f0.OSSCRC64))
	mod, err := time.Parse(time.RFC3339Nano, oss2.ToString(f0.FileModifiedTime))
	require.NoError(t, err)
	require.True(t, mod.Truncate(time.Second).Equal(*head.LastModified), "%v %v", mod, head.LastModified)

	// Tags, user metadata, storage class, and/or/not.
	find := func(query string) []string {
		t.Helper()
		r, err := query2(c, b, query)
		require.NoError(t, err, query)
		return names(r)
	}
	require.Equal(t, keys(24, 18, 12, 6, 0), find(`{"Field":"OSSTagging.team","Value":"t0","Operation":"eq"}`))
	require.Equal(t, keys(25, 20, 15, 10, 5, 0), find(`{"Field":"OSSUserMeta.x-oss-meta-location","Value":"hang","Operation":"prefix"}`))
	require.Equal(t, keys(29, 28), find(`{"Field":"OSSStorageClass","Value":"IA","Operation":"eq"}`))
	require.Equal(t, keys(20, 10, 0), find(`{"Operation":"and","SubQueries":[
		{"Field":"OSSUserMeta.x-oss-meta-location","Value":"hangzhou","Operation":"eq"},
		{"Operation":"not","SubQueries":[{"Field":"Filename","Value":"5","Operation":"match"}]}]}`))
	require.Equal(t, append([]string{"other/big.bin"}, keys(29, 0)...), find(`{"Operation":"or","SubQueries":[
		{"Field":"Size","Value":"100","Operation":"lte"},{"Field":"Size","Value":"129","Operation":"gte"}]}`))
	require.Empty(t, find(`{"Field":"ETag","Value":"\"00000000000000000000000000000000\"","Operation":"eq"}`))

	// Aggregations come without files.
	r, err = query(&oss2.MetaQuery{Query: oss2.Ptr(`{"Field":"Filename","Value":"data/","Operation":"prefix"}`),
		Aggregations: &oss2.MetaQueryAggregations{Aggregations: []oss2.MetaQueryAggregation{
			{Field: oss2.Ptr("Size"), Operation: oss2.Ptr("sum")},
			{Field: oss2.Ptr("Size"), Operation: oss2.Ptr("max")},
			{Field: oss2.Ptr("Size"), Operation: oss2.Ptr("average")},
			{Field: oss2.Ptr("OSSStorageClass"), Operation: oss2.Ptr("group")},
			{Field: oss2.Ptr("OSSTaggingCount"), Operation: oss2.Ptr("distinct")},
		}}})
	require.NoError(t, err)
	require.Empty(t, r.Files)
	require.Equal(t, "", oss2.ToString(r.NextToken))
	require.Len(t, r.Aggregations, 5)
	require.Equal(t, float64(30*100+29*30/2), *r.Aggregations[0].Value)
	require.Equal(t, float64(129), *r.Aggregations[1].Value)
	require.Equal(t, 114.5, *r.Aggregations[2].Value)
	require.Len(t, r.Aggregations[3].Groups.Groups, 2)
	require.Equal(t, "Standard", oss2.ToString(r.Aggregations[3].Groups.Groups[0].Value))
	require.Equal(t, int64(28), *r.Aggregations[3].Groups.Groups[0].Count)
	require.Equal(t, "IA", oss2.ToString(r.Aggregations[3].Groups.Groups[1].Value))
	require.Equal(t, float64(2), *r.Aggregations[4].Value)

	// Bad queries.
	for _, bad := range []*oss2.MetaQuery{
		{Query: oss2.Ptr(`{"Field":"Size","Value":"big","Operation":"gt"}`)},
		{Query: oss2.Ptr(`{"Field":"Nope","Value":"1","Operation":"eq"}`)},
		{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"match"}`)},
		{Query: oss2.Ptr(`not json`)},
		{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"gt"}`), MaxResults: oss2.Ptr(int64(101))},
		{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"gt"}`), NextToken: oss2.Ptr("forged")},
		{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"gt"}`), Order: oss2.Ptr(oss2.MetaQueryOrderType("up"))},
		{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"gt"}`), Aggregations: &oss2.MetaQueryAggregations{Aggregations: []oss2.MetaQueryAggregation{{Field: oss2.Ptr("Filename"), Operation: oss2.Ptr("sum")}}}},
	} {
		_, err := query(bad)
		wantOSS(t, err, 400, "InvalidArgument", "")
	}

	// The other user may not query; dataset actions are not supported;
	// a missing bucket is NoSuchBucket.
	_, err = f.ossV2(otherAK, otherSK).DoMetaQuery(bg, &oss2.DoMetaQueryRequest{Bucket: b, MetaQuery: &oss2.MetaQuery{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"gt"}`)}})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = c.DoMetaQueryAction(bg, &oss2.DoMetaQueryActionRequest{Bucket: b, Action: oss2.Ptr("listDatasets")})
	e := wantOSS(t, err, 400, "OperationNotSupported", "0037-00000001")
	require.Equal(t, "The operation is not supported for this resource", e.message)
	_, err = c.OpenMetaQuery(bg, &oss2.OpenMetaQueryRequest{Bucket: oss2.Ptr("mq-missing")})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")

	// The v1 SDK (signature v1 covers metaQuery and comp) sees the same
	// index, then closes it; closing twice is fine.
	c1 := f.ossV1(t, testAK, testSK)
	st1, err := c1.GetMetaQueryStatus(bk)
	require.NoError(t, err)
	require.Equal(t, "Running", st1.State)
	r1, err := c1.DoMetaQuery(bk, oss1.MetaQuery{MaxResults: 20, Query: `{"Field": "Size","Value": "128","Operation": "gt"}`, Sort: "Size", Order: "asc"})
	require.NoError(t, err)
	require.Len(t, r1.Files, 2)
	require.Equal(t, "data/29.txt", r1.Files[0].Filename)
	require.Equal(t, "IA", r1.Files[0].OssStorageClass)
	require.NoError(t, c1.CloseMetaQuery(bk))
	require.NoError(t, c1.CloseMetaQuery(bk))
	_, err = query(&oss2.MetaQuery{Query: oss2.Ptr(`{"Field":"Size","Value":"1","Operation":"gt"}`)})
	wantOSS(t, err, 404, "MetaQueryNotExist", "")
	require.NoError(t, c1.OpenMetaQuery(bk))
}

func query2(c *oss2.Client, b *string, q string) (*oss2.DoMetaQueryResult, error) {
	return c.DoMetaQuery(bg, &oss2.DoMetaQueryRequest{Bucket: b, MetaQuery: &oss2.MetaQuery{Query: oss2.Ptr(q)}})
}
