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

// TestS3RegionalEndpointCreateBucket: a CreateBucket signed for a
// regional endpoint other than us-east-1 creates the bucket in that
// region only; another constraint, or none, is 400
// IllegalLocationConstraintException in S3's words (moto's AWS-verified
// test_create_bucket_with_wrong_location_constraint and
// test_bucket_create_empty_location_constraint_non_standard_region_should_return_error).
// Signed for us-east-1 (the global endpoint) any constraint creates the
// bucket there; a scope that is no AWS region's name is read so too.
// osslite created every such bucket.
func TestS3RegionalEndpointCreateBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	in := func(region string) *s3.Client {
		return s3.New(f.client().Options(), func(o *s3.Options) { o.Region = region })
	}
	west := in("us-west-2")
	for _, constraint := range []string{"us-east-1", "us-east-2", "eu-central-1", "us-gov-east-2", ""} {
		var cfg *types.CreateBucketConfiguration
		if constraint != "" {
			cfg = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(constraint)}
		}
		_, err := west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("regional"), CreateBucketConfiguration: cfg})
		named := constraint
		if named == "" {
			named = "unspecified"
		}
		wantCode(t, err, "IllegalLocationConstraintException")
		assert.ErrorContains(t, err, "The "+named+" location constraint is incompatible for the region specific endpoint this request was sent to.")
		_, err = f.client().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("regional")})
		wantCode(t, err, "NotFound")
	}
	_, err := west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("regional"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintUsWest2}})
	require.NoError(t, err)
	loc, err := west.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("regional")})
	require.NoError(t, err)
	assert.Equal(t, types.BucketLocationConstraintUsWest2, loc.LocationConstraint)

	_, err = f.client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("from-global"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuCentral1}})
	require.NoError(t, err, "the us-east-1 endpoint creates buckets in any region")
	_, err = in("auto").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("from-auto")})
	require.NoError(t, err, "a scope that is no AWS region's name is the global endpoint's")
}
