package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/url"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/require"
)

// What the Node.js SDK ali-oss (docs/jssdk/alioss.mjs) needs beyond the Go
// SDKs, driven through alibabacloud-oss-go-sdk-v2.

// TestOSSPartCopyAndCompleteETagHeaders: UploadPartCopy and
// CompleteMultipartUpload answer the ETag in the ETag header as well as in
// the document. ali-oss's multipartUploadCopy lists each copied part with
// the ETag header of its UploadPartCopy (without it Complete fails
// InvalidPart, `<ETag>undefined</ETag>`), and its completeMultipartUpload
// returns the header's ETag; oss2 reads both from the header too.
func TestOSSPartCopyAndCompleteETagHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	bk := oss2.Ptr("etag-headers")
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: bk})
	require.NoError(t, err)
	src := bytes.Repeat([]byte("0123456789abcdef"), 20<<10) // 320 KiB
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: bk, Key: oss2.Ptr("src"), Body: bytes.NewReader(src)})
	require.NoError(t, err)

	im, err := c.InitiateMultipartUpload(ctx, &oss2.InitiateMultipartUploadRequest{Bucket: bk, Key: oss2.Ptr("dst")})
	require.NoError(t, err)
	var parts []oss2.UploadPart
	for i, r := range []string{"bytes=0-204799", "bytes=204800-327679"} {
		p, err := c.UploadPartCopy(ctx, &oss2.UploadPartCopyRequest{Bucket: bk, Key: oss2.Ptr("dst"), UploadId: im.UploadId,
			PartNumber: int32(i + 1), SourceKey: oss2.Ptr("src"), Range: oss2.Ptr(r)})
		require.NoError(t, err)
		require.NotEmpty(t, *p.ETag)
		require.Equal(t, *p.ETag, p.Headers.Get("ETag"), "UploadPartCopy's ETag header")
		parts = append(parts, oss2.UploadPart{PartNumber: int32(i + 1), ETag: oss2.Ptr(p.Headers.Get("ETag"))})
	}
	cm, err := c.CompleteMultipartUpload(ctx, &oss2.CompleteMultipartUploadRequest{Bucket: bk, Key: oss2.Ptr("dst"), UploadId: im.UploadId,
		CompleteMultipartUpload: &oss2.CompleteMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	require.NotEmpty(t, *cm.ETag)
	require.Equal(t, *cm.ETag, cm.Headers.Get("ETag"), "CompleteMultipartUpload's ETag header")
	h, err := c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: bk, Key: oss2.Ptr("dst")})
	require.NoError(t, err)
	require.Equal(t, *cm.ETag, *h.ETag)
	g, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: bk, Key: oss2.Ptr("dst")})
	require.NoError(t, err)
	got, err := io.ReadAll(g.Body)
	g.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(src, got))
}

// TestOSSProcessObjectFormEncodedBody: ProcessObject's body is a form
// field; ali-oss's processObjectSave sends it percent-encoded
// (querystring.stringify), which used to answer 501 NotImplemented as if
// the chain were no image processing.
func TestOSSProcessObjectFormEncodedBody(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	bk := oss2.Ptr("form-process")
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: bk})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: bk, Key: oss2.Ptr("cat.jpg"), Body: bytes.NewReader(testImage(t, 200, 100))})
	require.NoError(t, err)

	// What ali-oss sends: x-oss-process=image%2Fresize%2Cw_50%7Csys%2Fsaveas%2Co_...
	process := "image/resize,w_50|sys/saveas,o_" + base64.URLEncoding.EncodeToString([]byte("small cat.jpg"))
	encoded := strings.ReplaceAll(url.QueryEscape(process), "+", "%20")
	require.NotContains(t, encoded, "/")
	res, err := c.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: bk, Key: oss2.Ptr("cat.jpg"), Process: oss2.Ptr(encoded)})
	require.NoError(t, err)
	require.Equal(t, "OK", res.ProcessStatus)
	require.Equal(t, "small cat.jpg", res.Object)
	g, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: bk, Key: oss2.Ptr("small cat.jpg")})
	require.NoError(t, err)
	data, err := io.ReadAll(g.Body)
	g.Body.Close()
	require.NoError(t, err)
	w, h, _ := imageSize(t, data)
	require.Equal(t, [2]int{50, 25}, [2]int{w, h})

	// The raw form the Go SDKs send still works, and an encoded body that
	// is no image processing is still 501.
	res, err = c.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: bk, Key: oss2.Ptr("cat.jpg"),
		Process: oss2.Ptr("image/resize,w_40|sys/saveas,o_" + base64.RawURLEncoding.EncodeToString([]byte("raw.jpg")))})
	require.NoError(t, err)
	require.Equal(t, "raw.jpg", res.Object)
	_, err = c.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: bk, Key: oss2.Ptr("cat.jpg"), Process: oss2.Ptr(url.QueryEscape("video/snapshot,t_1000"))})
	wantOSS(t, err, 501, "NotImplemented", "")
}

// TestOSSBucketInfoEndpointOnVirtualHost: GetBucketInfo sent to the
// bucket's virtual host (ali-oss's default addressing) names the endpoint
// as ListBuckets does, without the bucket label: OSS answers the region's
// endpoint (oss-cn-hangzhou.aliyuncs.com), not <bucket>.<endpoint>.
func TestOSSBucketInfoEndpointOnVirtualHost(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2At("http://oss-cn-hangzhou.aliyuncs.com", testAK, testSK)
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("info-vhost")})
	require.NoError(t, err)
	bi, err := c.GetBucketInfo(ctx, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("info-vhost")})
	require.NoError(t, err)
	require.Equal(t, "oss-cn-hangzhou.aliyuncs.com", *bi.BucketInfo.ExtranetEndpoint)
	require.Equal(t, "oss-cn-hangzhou.aliyuncs.com", *bi.BucketInfo.IntranetEndpoint)
	lb, err := c.ListBuckets(ctx, &oss2.ListBucketsRequest{})
	require.NoError(t, err)
	require.Equal(t, *lb.Buckets[0].ExtranetEndpoint, *bi.BucketInfo.ExtranetEndpoint)
}

// TestOSSDomainUnderLocalhost: a -domain under localhost (ali-oss needs a
// name, not an IP, to address buckets and sign URLs) is the endpoint
// itself, and <bucket>.<domain> is the bucket, not "<bucket>.<first label>"
// under the built-in localhost domain (the service at the domain's host
// was bucket "oss-cn-hangzhou", every signature failed).
func TestOSSDomainUnderLocalhost(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithDomains("oss-cn-hangzhou.localhost")}})
	c := f.ossV2At("http://oss-cn-hangzhou.localhost", testAK, testSK)
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("nested")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("nested"), Key: oss2.Ptr("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	bi, err := c.GetBucketInfo(ctx, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("nested")})
	require.NoError(t, err)
	require.Equal(t, "nested", *bi.BucketInfo.Name)
	require.Equal(t, "oss-cn-hangzhou.localhost", *bi.BucketInfo.ExtranetEndpoint)
	lb, err := c.ListBuckets(ctx, &oss2.ListBucketsRequest{})
	require.NoError(t, err)
	require.Len(t, lb.Buckets, 1)
	require.Equal(t, "nested", *lb.Buckets[0].Name)

	// The v1 SDK (signature v1) over the same virtual hosts, and
	// nested.localhost, under the built-in domain, is still the bucket.
	c1, err := oss1.New("http://oss-cn-hangzhou.localhost", testAK, testSK, oss1.HTTPClient(f.httpClient()))
	require.NoError(t, err)
	b1, err := c1.Bucket("nested")
	require.NoError(t, err)
	rd, err := b1.GetObject("k")
	require.NoError(t, err)
	data, err := io.ReadAll(rd)
	rd.Close()
	require.NoError(t, err)
	require.Equal(t, "v", string(data))
	c2, err := oss1.New("http://localhost", testAK, testSK, oss1.HTTPClient(f.httpClient()))
	require.NoError(t, err)
	b2, err := c2.Bucket("nested")
	require.NoError(t, err)
	ok, err := b2.IsObjectExist("k")
	require.NoError(t, err)
	require.True(t, ok)
}
