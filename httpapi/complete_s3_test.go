package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// TestCompleteObjectSizeAndLocation: x-amz-mp-object-size is checked
// before the upload completes (a wrong size completes nothing), and
// Location is the object's absolute URL, as S3 answers it.
func TestCompleteObjectSizeAndLocation(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "mpsize")
	c, ctx := f.client(), context.Background()
	key := "dir/a b+c"
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpsize"), Key: aws.String(key)})
	require.NoError(t, err)
	up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpsize"), Key: aws.String(key), UploadId: cr.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("twelve bytes")})
	require.NoError(t, err)
	complete := func(size *int64) (*s3.CompleteMultipartUploadOutput, error) {
		return c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpsize"), Key: aws.String(key),
			UploadId: cr.UploadId, MpuObjectSize: size,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: up.ETag}}}})
	}
	_, err = complete(aws.Int64(13))
	wantCode(t, err, "InvalidRequest")
	require.ErrorContains(t, err, "The provided 'x-amz-mp-object-size' header value 13 does not match what was computed: 12")
	_, err = complete(aws.Int64(-1))
	wantCode(t, err, "InvalidRequest")
	// Nothing was completed: the upload still lists its part.
	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpsize"), Key: aws.String(key), UploadId: cr.UploadId})
	require.NoError(t, err)
	require.Len(t, parts.Parts, 1)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("mpsize"), Key: aws.String(key)})
	wantCode(t, err, "NotFound")

	out, err := complete(aws.Int64(12))
	require.NoError(t, err)
	require.Equal(t, f.srv.URL+"/mpsize/dir/a%20b+c", aws.ToString(out.Location))
}
