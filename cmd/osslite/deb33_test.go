package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// TestDeb33BucketFlagS3Defaults2023: `-s3-defaults-2023 -bucket gdal33`
// (how docs/sdk-suites.md's GDAL run starts the server) gives gdal33 S3's
// 2023 defaults, as a bucket made by CreateBucket gets them: GDAL's
// public-read PUT is refused as on S3. A -bucket that exists already is
// left as it was.
func TestDeb33BucketFlagS3Defaults2023(t *testing.T) {
	ctx := context.Background()
	url, _, stop := start(t, "-s3-defaults-2023", "-bucket", "gdal33", "-seed", "seeded="+t.TempDir())
	defer stop()
	c := client(url, defaultAccessKey, defaultSecretKey)
	for _, bucket := range []string{"gdal33", "seeded"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("pub/open.txt"),
			ACL: types.ObjectCannedACLPublicRead, Body: strings.NewReader("open")})
		var ae smithy.APIError
		require.True(t, errors.As(err, &ae), "%s: %v", bucket, err)
		require.Equal(t, "AccessControlListNotSupported", ae.ErrorCode(), bucket)
		own, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
		require.NoError(t, err, bucket)
		require.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, own.OwnershipControls.Rules[0].ObjectOwnership)
		put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("v")})
		require.NoError(t, err, bucket)
		require.Equal(t, types.ServerSideEncryptionAes256, put.ServerSideEncryption, "in memory a key service is always there")
	}
}

// TestDeb33BucketFlagKeepsExistingBucket: on disk, a -bucket that exists
// already is left as it was when the server restarts with
// -s3-defaults-2023: the defaults are a new bucket's.
func TestDeb33BucketFlagKeepsExistingBucket(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, _, stop := start(t, "-data", dir, "-bucket", "old33")
	require.NoError(t, stop())
	url, _, stop := start(t, "-data", dir, "-s3-defaults-2023", "-bucket", "old33")
	defer stop()
	c := client(url, defaultAccessKey, defaultSecretKey)
	_, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("old33")})
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Equal(t, "OwnershipControlsNotFoundError", ae.ErrorCode())
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("old33"), Key: aws.String("k"),
		ACL: types.ObjectCannedACLPublicRead, Body: strings.NewReader("v")})
	require.NoError(t, err)
}
