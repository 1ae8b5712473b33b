package httpapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestS3LegacyEULocationConstraint: a bucket created with the legacy
// LocationConstraint "EU" lives in eu-west-1 (HeadBucket's
// x-amz-bucket-region, ListBuckets' BucketRegion and its bucket-region
// filter say so) but GetBucketLocation answers the constraint it was
// created with, "EU": S3's GetBucketLocation documentation ("Buckets with
// a LocationConstraint of EU reside in eu-west-1") and the AWS SDK for
// Ruby's S3 integration feature "Access bucket following 307 redirects",
// which expects "EU" from AWS. osslite answered "eu-west-1".
func TestS3LegacyEULocationConstraint(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy-eu"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEu}})
	require.NoError(t, err)
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("legacy-eu")})
	require.NoError(t, err)
	assert.Equal(t, types.BucketLocationConstraintEu, loc.LocationConstraint)

	head, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("legacy-eu")})
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", aws.ToString(head.BucketRegion))
	list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{BucketRegion: aws.String("eu-west-1")})
	require.NoError(t, err)
	require.Len(t, list.Buckets, 1)
	assert.Equal(t, "legacy-eu", aws.ToString(list.Buckets[0].Name))
	assert.Equal(t, "eu-west-1", aws.ToString(list.Buckets[0].BucketRegion))

	// eu-west-1 named as such stays eu-west-1.
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("named-eu"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	require.NoError(t, err)
	loc, err = c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("named-eu")})
	require.NoError(t, err)
	assert.Equal(t, types.BucketLocationConstraintEuWest1, loc.LocationConstraint)
}
