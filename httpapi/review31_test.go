package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// review31Code is the S3 error code of err, "" for none.
func review31Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestReview31ResourceTagOfCopySource: the source bucket's policy decides
// a copy's read of its object with the source bucket's tags as
// aws:ResourceTag, never the destination's. A caller who owns a
// destination bucket tagged as the source's policy wants (ABAC on) is
// still refused the source object, and a Deny on the source's tag still
// refuses a copy into a bucket without that tag.
func TestReview31ResourceTagOfCopySource(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	owner := f.client()
	other := f.s3Client(true, otherAK, otherSK)
	on := &types.AbacStatus{Status: types.BucketAbacStatusEnabled}

	src := aws.String("r31-src")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: src, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("secret")}}}})
	require.NoError(t, err)
	_, err = owner.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: src, AbacStatus: on})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: src, Key: aws.String("k"), Body: strings.NewReader("private")})
	require.NoError(t, err)
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: src, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
		`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::r31-src/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"open"}}}]}`)})
	require.NoError(t, err)

	dst := aws.String("r31-dst")
	_, err = other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: dst, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("open")}}}})
	require.NoError(t, err)
	_, err = other.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: dst, AbacStatus: on})
	require.NoError(t, err)

	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: src, Key: aws.String("k")})
	require.Equal(t, "AccessDenied", review31Code(err), "the source's own tag does not match: %v", err)
	_, err = other.CopyObject(ctx, &s3.CopyObjectInput{Bucket: dst, Key: aws.String("stolen"), CopySource: aws.String("r31-src/k")})
	assert.Equal(t, "AccessDenied", review31Code(err), "the destination's tag must not open the source: %v", err)
	_, err = other.HeadObject(ctx, &s3.HeadObjectInput{Bucket: dst, Key: aws.String("stolen")})
	assert.Error(t, err, "a refused copy writes nothing")

	// The other way round: the source denies by its own tag.
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: src, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::r31-src/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"secret"}}}]}`)})
	require.NoError(t, err)
	own := aws.String("r31-own")
	_, err = owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: own})
	require.NoError(t, err)
	_, err = owner.GetObject(ctx, &s3.GetObjectInput{Bucket: src, Key: aws.String("k")})
	require.Equal(t, "AccessDenied", review31Code(err), "%v", err)
	_, err = owner.CopyObject(ctx, &s3.CopyObjectInput{Bucket: own, Key: aws.String("c"), CopySource: aws.String("r31-src/k")})
	assert.Equal(t, "AccessDenied", review31Code(err), "the source's Deny holds whatever the destination's tags: %v", err)
	_ = http.StatusOK
}
