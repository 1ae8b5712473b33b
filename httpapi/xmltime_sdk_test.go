package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// TestListingTimesAreWholeSeconds: an object written at 12:00:05.678 lists
// with LastModified 12:00:05.000, as S3 answers (its listings and copy
// results always say .000) and as HEAD's Last-Modified says, so a client
// comparing the two (thanos-io/objstore's IterWithAttributes with
// WithUpdatedAt against Attributes) sees the same time. Before, listings,
// versions, copy results, parts and uploads said .678.
func TestListingTimesAreWholeSeconds(t *testing.T) {
	clock := &testClock{fixed: time.Now().Truncate(time.Second).Add(678 * time.Millisecond)}
	f := newFixture(t, fixtureOptions{clock: clock})
	seedBucket(t, f, "wholesec")
	c, ctx, b := f.client(), context.Background(), aws.String("wholesec")
	whole := func(what string, tm *time.Time) {
		t.Helper()
		require.NotNil(t, tm, what)
		require.Zero(t, tm.Nanosecond(), "%s: %s has a fraction of a second", what, tm.Format(time.RFC3339Nano))
	}

	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("a"), Body: strings.NewReader("data")})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("a")})
	require.NoError(t, err)
	whole("HEAD", head.LastModified)

	l2, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	require.NoError(t, err)
	require.Len(t, l2.Contents, 1)
	require.Equal(t, *head.LastModified, *l2.Contents[0].LastModified, "ListObjectsV2 and HEAD")
	l1, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, l1.Contents, 1)
	require.Equal(t, *head.LastModified, *l1.Contents[0].LastModified, "ListObjects and HEAD")
	lv, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, lv.Versions, 1)
	require.Equal(t, *head.LastModified, *lv.Versions[0].LastModified, "ListObjectVersions and HEAD")

	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String("wholesec/a")})
	require.NoError(t, err)
	whole("CopyObjectResult", cp.CopyObjectResult.LastModified)

	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mpu")})
	require.NoError(t, err)
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("mpu"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	require.NoError(t, err)
	pc, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("mpu"), UploadId: up.UploadId,
		PartNumber: aws.Int32(2), CopySource: aws.String("wholesec/a")})
	require.NoError(t, err)
	whole("CopyPartResult", pc.CopyPartResult.LastModified)
	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: aws.String("mpu"), UploadId: up.UploadId})
	require.NoError(t, err)
	require.Len(t, parts.Parts, 2)
	for _, p := range parts.Parts {
		whole("ListParts", p.LastModified)
	}
	ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, ups.Uploads, 1)
	whole("ListMultipartUploads", ups.Uploads[0].Initiated)
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("mpu"), UploadId: up.UploadId})
	require.NoError(t, err)
	bl, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	for _, bk := range bl.Buckets {
		whole("ListBuckets", bk.CreationDate)
	}

	// The OSS dialect: ListObjects against GetObjectMeta's Last-Modified.
	ob, err := f.ossV1(t, testAK, testSK).Bucket("wholesec")
	require.NoError(t, err)
	require.NoError(t, ob.PutObject("o", strings.NewReader("data")))
	meta, err := ob.GetObjectMeta("o")
	require.NoError(t, err)
	lm, err := time.Parse(time.RFC1123, meta.Get("Last-Modified"))
	require.NoError(t, err)
	ol, err := ob.ListObjects(oss1.Prefix("o"))
	require.NoError(t, err)
	require.Len(t, ol.Objects, 1)
	require.True(t, lm.Equal(ol.Objects[0].LastModified), "OSS ListObjects %s, GetObjectMeta %s", ol.Objects[0].LastModified, lm)
}
