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

// TestS3UnstoredConfigurations: analytics configurations cannot be stored
// (501, nothing kept), so every bucket has none: List answers an empty
// page, Get and Delete NoSuchConfiguration, through aws-sdk-go-v2.
// (Request metrics and Intelligent-Tiering are stored and executed:
// TestS3MetricsConfigurations, TestS3IntelligentTiering.)
func TestS3UnstoredConfigurations(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("unstored")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	id := aws.String("cfg")

	_, err = c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: b, Id: id,
		AnalyticsConfiguration: &types.AnalyticsConfiguration{Id: id, StorageClassAnalysis: &types.StorageClassAnalysis{}}})
	requireCode(t, err, "NotImplemented")

	a, err := c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: b})
	require.NoError(t, err)
	assert.Empty(t, a.AnalyticsConfigurationList)

	_, err = c.GetBucketAnalyticsConfiguration(ctx, &s3.GetBucketAnalyticsConfigurationInput{Bucket: b, Id: id})
	requireCode(t, err, "NoSuchConfiguration")
	_, err = c.DeleteBucketAnalyticsConfiguration(ctx, &s3.DeleteBucketAnalyticsConfigurationInput{Bucket: b, Id: id})
	requireCode(t, err, "NoSuchConfiguration")

	_, err = c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: aws.String("missing-bucket")})
	requireCode(t, err, "NoSuchBucket")
	_, err = f.s3Client(true, otherAK, otherSK).ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: b})
	requireCode(t, err, "AccessDenied")
}
