package httpapi_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/minio/minio-go/v7"
	mcreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/require"
)

// TestUnconfiguredVersioningAndEncryption: GetBucketVersioning and
// GetBucketEncryption answer as S3 and OSS do for a bucket with neither
// configured (rclone's purge and minio-go's helpers ask), a missing bucket
// is NoSuchBucket, and setting either is refused until the engine serves
// it (never a fake success).
func TestUnconfiguredVersioningAndEncryption(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plain")})
	require.NoError(t, err)

	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("plain")})
	require.NoError(t, err)
	require.Empty(t, v.Status)
	_, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("plain")})
	requireAPIError(t, err, "ServerSideEncryptionConfigurationNotFoundError")
	_, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("nope")})
	requireAPIError(t, err, "NoSuchBucket")
	_, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("nope")})
	requireAPIError(t, err, "NoSuchBucket")
	_, err = c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String("plain")})
	require.NoError(t, err)

	// minio-go's helpers.
	u, _ := url.Parse(f.srv.URL)
	mc, err := minio.New(u.Host, &minio.Options{Creds: mcreds.NewStaticV4(testAK, testSK, ""), Transport: f.httpClient().Transport})
	require.NoError(t, err)
	vc, err := mc.GetBucketVersioning(ctx, "plain")
	require.NoError(t, err)
	require.False(t, vc.Enabled())
	_, err = mc.GetBucketEncryption(ctx, "plain")
	require.Error(t, err)
	require.Equal(t, "ServerSideEncryptionConfigurationNotFoundError", minio.ToErrorResponse(err).Code)

	// The OSS dialect through the v2 SDK.
	oc := f.ossV2(testAK, testSK)
	ov, err := oc.GetBucketVersioning(ctx, &oss2.GetBucketVersioningRequest{Bucket: oss2.Ptr("plain")})
	require.NoError(t, err)
	require.Nil(t, ov.VersionStatus)
	_, err = oc.GetBucketEncryption(ctx, &oss2.GetBucketEncryptionRequest{Bucket: oss2.Ptr("plain")})
	wantOSS(t, err, 404, "NoSuchServerSideEncryptionRule", "")
}

func requireAPIError(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Equal(t, code, ae.ErrorCode(), "%v", err)
}
