package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// TestOSSResponseHeader: the bucket's rules (aliyun-oss-go-sdk
// Put/Get/DeleteBucketResponseHeader) hide the headers they name from
// the operations they name, errors included; headers that frame the
// answer cannot be hidden; deleting the rules brings the headers back.
func TestOSSResponseHeader(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	const bk = "resp-hdr"
	require.NoError(t, c.CreateBucket(bk))
	b, err := c.Bucket(bk)
	require.NoError(t, err)
	require.NoError(t, b.PutObject("k", strings.NewReader("body")))

	_, err = c.GetBucketResponseHeader(bk)
	wantOSS(t, err, 404, "NoSuchResponseHeaderConfiguration", "")
	rules := oss1.PutBucketResponseHeader{Rule: []oss1.ResponseHeaderRule{
		{Name: "get", Filters: oss1.ResponseHeaderRuleFilters{Operation: []string{"GetObject"}},
			HideHeaders: oss1.ResponseHeaderRuleHeaders{Header: []string{"Last-Modified", "x-oss-object-type"}}},
		{Name: "all", Filters: oss1.ResponseHeaderRuleFilters{Operation: []string{"*"}},
			HideHeaders: oss1.ResponseHeaderRuleHeaders{Header: []string{"Server"}}},
	}}
	require.NoError(t, c.PutBucketResponseHeader(bk, rules))
	got, err := c.GetBucketResponseHeader(bk)
	require.NoError(t, err)
	require.Len(t, got.Rule, 2)
	require.Equal(t, "get", got.Rule[0].Name)
	require.Equal(t, []string{"GetObject"}, got.Rule[0].Filters.Operation)
	require.Equal(t, []string{"Last-Modified", "x-oss-object-type"}, got.Rule[0].HideHeaders.Header)

	get := f.do(t, raw{method: "GET", path: "/" + bk + "/k", sign: "oss-v1"})
	require.Equal(t, http.StatusOK, get.StatusCode)
	require.Equal(t, "body", string(get.body))
	require.Empty(t, get.Header.Get("Last-Modified"))
	require.Empty(t, get.Header.Get("X-Oss-Object-Type"))
	require.Empty(t, get.Header.Get("Server"))
	require.NotEmpty(t, get.Header.Get("ETag"))
	head := f.do(t, raw{method: "HEAD", path: "/" + bk + "/k", sign: "oss-v1"})
	require.NotEmpty(t, head.Header.Get("Last-Modified"), "HeadObject is not GetObject")
	require.Equal(t, "Normal", head.Header.Get("X-Oss-Object-Type"))
	require.Empty(t, head.Header.Get("Server"), "the * rule")
	missing := f.do(t, raw{method: "GET", path: "/" + bk + "/nope", sign: "oss-v1"})
	require.Equal(t, http.StatusNotFound, missing.StatusCode)
	require.Empty(t, missing.Header.Get("Server"), "errors too")

	bad := oss1.PutBucketResponseHeader{Rule: []oss1.ResponseHeaderRule{{Name: "x",
		Filters: oss1.ResponseHeaderRuleFilters{Operation: []string{"*"}}, HideHeaders: oss1.ResponseHeaderRuleHeaders{Header: []string{"Content-Length"}}}}}
	wantOSS(t, c.PutBucketResponseHeader(bk, bad), 400, "InvalidArgument", "")
	require.NoError(t, c.DeleteBucketResponseHeader(bk))
	get = f.do(t, raw{method: "GET", path: "/" + bk + "/k", sign: "oss-v1"})
	require.NotEmpty(t, get.Header.Get("Last-Modified"))
	require.Equal(t, "AliyunOSS", get.Header.Get("Server"))
	require.NoError(t, b.GetObjectToFile("k", t.TempDir()+"/k"), "the SDK reads the object as before")
}
