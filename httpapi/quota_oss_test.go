package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// TestOSSStorageQuota: Put/Get/DeleteBucketStorageQuota through the v2
// SDK, and a Strict quota refusing the writes that add data once the
// bucket holds it (in the S3 dialect too), until a delete makes room.
func TestOSSStorageQuota(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	b := oss2.Ptr("quota")
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: b})
	require.NoError(t, err)

	_, err = c.GetBucketStorageQuota(ctx, &oss2.GetBucketStorageQuotaRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchQuotaConfiguration", "")
	for _, bad := range []*oss2.QuotaConfiguration{
		{StorageQuota: oss2.Ptr(int64(0)), Mode: oss2.StorageQuotaModeStrict},
		{StorageQuota: oss2.Ptr(int64(-5)), Mode: oss2.StorageQuotaModeStrict},
		{StorageQuota: oss2.Ptr(int64(10)), Mode: "Lenient"},
		{StorageQuota: oss2.Ptr(int64(10))},
	} {
		_, err = c.PutBucketStorageQuota(ctx, &oss2.PutBucketStorageQuotaRequest{Bucket: b, QuotaConfiguration: bad})
		wantOSS(t, err, 400, "InvalidArgument", "")
	}
	_, err = c.GetBucketStorageQuota(ctx, &oss2.GetBucketStorageQuotaRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchQuotaConfiguration", "")

	put := func(key string, n int) error {
		_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr(key), Body: strings.NewReader(strings.Repeat("x", n))})
		return err
	}
	require.NoError(t, put("before", 4))
	_, err = c.PutBucketStorageQuota(ctx, &oss2.PutBucketStorageQuotaRequest{Bucket: b,
		QuotaConfiguration: &oss2.QuotaConfiguration{StorageQuota: oss2.Ptr(int64(10)), Mode: oss2.StorageQuotaModeStrict}})
	require.NoError(t, err)
	got, err := c.GetBucketStorageQuota(ctx, &oss2.GetBucketStorageQuotaRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, int64(10), *got.QuotaConfiguration.StorageQuota)
	require.Equal(t, oss2.StorageQuotaModeStrict, got.QuotaConfiguration.Mode)
	require.Equal(t, int64(4), *got.QuotaConfiguration.CurrentUsage)

	// 4 bytes held: under the quota, a write goes in, even one that
	// takes the bucket past it; then writes are refused.
	require.NoError(t, put("big", 8))
	got, err = c.GetBucketStorageQuota(ctx, &oss2.GetBucketStorageQuotaRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, int64(12), *got.QuotaConfiguration.CurrentUsage)
	wantOSS(t, put("more", 1), 403, "StorageQuotaExceeded", "")
	_, err = c.AppendObject(ctx, &oss2.AppendObjectRequest{Bucket: b, Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(0)), Body: strings.NewReader("x")})
	wantOSS(t, err, 403, "StorageQuotaExceeded", "")
	_, err = c.CopyObject(ctx, &oss2.CopyObjectRequest{Bucket: b, Key: oss2.Ptr("copy"), SourceKey: oss2.Ptr("before")})
	wantOSS(t, err, 403, "StorageQuotaExceeded", "")
	up, err := c.InitiateMultipartUpload(ctx, &oss2.InitiateMultipartUploadRequest{Bucket: b, Key: oss2.Ptr("mp")})
	require.NoError(t, err, "an upload adds no data until its parts")
	_, err = c.UploadPart(ctx, &oss2.UploadPartRequest{Bucket: b, Key: oss2.Ptr("mp"), UploadId: up.UploadId, PartNumber: 1, Body: strings.NewReader("p")})
	wantOSS(t, err, 403, "StorageQuotaExceeded", "")
	_, err = f.ossV2(otherAK, otherSK).PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("other"), Body: strings.NewReader("x")})
	wantOSS(t, err, 403, "AccessDenied", "") // not told about the quota
	s3c := f.client()
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("quota"), Key: aws.String("s3"), Body: bytes.NewReader([]byte("x"))})
	requireAPIError(t, err, "StorageQuotaExceeded")
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("big")})
	require.NoError(t, err, "reads go on")

	// A delete makes room.
	_, err = c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("big")})
	require.NoError(t, err)
	require.NoError(t, put("more", 1))

	// Warning refuses nothing.
	_, err = c.PutBucketStorageQuota(ctx, &oss2.PutBucketStorageQuotaRequest{Bucket: b,
		QuotaConfiguration: &oss2.QuotaConfiguration{StorageQuota: oss2.Ptr(int64(1)), Mode: oss2.StorageQuotaModeWarning}})
	require.NoError(t, err)
	require.NoError(t, put("warned", 5))

	del, err := c.DeleteBucketStorageQuota(ctx, &oss2.DeleteBucketStorageQuotaRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, 204, del.StatusCode)
	_, err = c.GetBucketStorageQuota(ctx, &oss2.GetBucketStorageQuotaRequest{Bucket: b})
	wantOSS(t, err, 404, "NoSuchQuotaConfiguration", "")

	missing := oss2.Ptr("no-such-bucket")
	_, err = c.GetBucketStorageQuota(ctx, &oss2.GetBucketStorageQuotaRequest{Bucket: missing})
	wantOSS(t, err, 404, "NoSuchBucket", "")
	_, err = c.PutBucketStorageQuota(ctx, &oss2.PutBucketStorageQuotaRequest{Bucket: missing,
		QuotaConfiguration: &oss2.QuotaConfiguration{StorageQuota: oss2.Ptr(int64(10)), Mode: oss2.StorageQuotaModeStrict}})
	wantOSS(t, err, 404, "NoSuchBucket", "")
	_, err = c.DeleteBucketStorageQuota(ctx, &oss2.DeleteBucketStorageQuotaRequest{Bucket: missing})
	wantOSS(t, err, 404, "NoSuchBucket", "")
}
