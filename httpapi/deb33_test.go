package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

// TestDeb33SeededBucketS3Defaults2023: a bucket the server makes before it
// serves (the fake's WithBuckets, cmd/osslite's -bucket and -seed, all
// through httpapi.CreateBucket) is a new bucket like one made by
// CreateBucket: with WithS3Defaults2023 it has S3's 2023 defaults. GDAL
// 3.6's /vsis3/ writing with x-amz-acl: public-read to `osslite
// -s3-defaults-2023 -bucket gdal33` was answered 200 and its anonymous
// read 206, where a new S3 bucket refuses the ACL (400
// AccessControlListNotSupported) and the read (403).
func TestDeb33SeededBucketS3Defaults2023(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("gdal33"), fake.WithHTTPOptions(httpapi.WithS3Defaults2023()))
	c := replicationClient(srv)
	b := aws.String("gdal33")

	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("pub/open.txt"), ACL: types.ObjectCannedACLPublicRead,
		Body: strings.NewReader("open")})
	requireAPIError(t, err, "AccessControlListNotSupported")

	own, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, own.OwnershipControls.Rules[0].ObjectOwnership)
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	require.NoError(t, err)
	p := pab.PublicAccessBlockConfiguration
	require.True(t, *p.BlockPublicAcls && *p.IgnorePublicAcls && *p.BlockPublicPolicy && *p.RestrictPublicBuckets)
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	require.NoError(t, err, "the fake has a key service: SSE-S3 by default")
	require.Equal(t, types.ServerSideEncryptionAes256, enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm)

	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("pub/open.txt"), Body: strings.NewReader("open")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAes256, put.ServerSideEncryption)
	// GDAL's anonymous read (AWS_NO_SIGN_REQUEST=YES): no Authorization.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/gdal33/pub/open.txt", nil)
	require.NoError(t, err)
	req.Header.Set("Range", "bytes=0-16383")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// TestDeb33SeededBucketOSSDefaults2025AndNone: with WithOSSDefaults2025 a
// seeded bucket blocks public access, as OSS's new buckets do; without
// either option a seeded bucket starts with no configuration, as before
// (public-read is taken).
func TestDeb33SeededBucketOSSDefaults2025AndNone(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("oss25"), fake.WithHTTPOptions(httpapi.WithOSSDefaults2025()))
	c := replicationClient(srv)
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("oss25")})
	require.NoError(t, err)
	p := pab.PublicAccessBlockConfiguration
	require.True(t, *p.BlockPublicAcls && *p.IgnorePublicAcls && *p.BlockPublicPolicy && *p.RestrictPublicBuckets)
	_, err = c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("oss25")})
	requireAPIError(t, err, "OwnershipControlsNotFoundError")

	plain := fake.New(t, fake.WithBuckets("plain"))
	pc := replicationClient(plain)
	_, err = pc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("plain"), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead,
		Body: strings.NewReader("v")})
	require.NoError(t, err)
	_, err = pc.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("plain")})
	requireAPIError(t, err, "NoSuchPublicAccessBlockConfiguration")
	_, err = pc.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("plain")})
	requireAPIError(t, err, "ServerSideEncryptionConfigurationNotFoundError")
}
