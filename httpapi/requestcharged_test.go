package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestS3RequestCharged: another account's request to a Requester Pays
// bucket that says it pays is answered with x-amz-request-charged:
// requester (S3's API reference; the SDKs report it as RequestCharged);
// the owner's requests are not charged and carry none.
func TestS3RequestCharged(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	other := f.s3Client(true, otherAK, otherSK)
	b := aws.String("charged")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("data")})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` +
		canonicalID(otherAK) + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::charged/*"}]}`)})
	require.NoError(t, err)
	_, err = c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: b,
		RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}})
	require.NoError(t, err)

	o, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), RequestPayer: types.RequestPayerRequester})
	require.NoError(t, err)
	o.Body.Close()
	assert.Equal(t, types.RequestChargedRequester, o.RequestCharged)
	h, err := other.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("k"), RequestPayer: types.RequestPayerRequester})
	require.NoError(t, err)
	assert.Equal(t, types.RequestChargedRequester, h.RequestCharged)

	o, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), RequestPayer: types.RequestPayerRequester})
	require.NoError(t, err)
	o.Body.Close()
	assert.Empty(t, o.RequestCharged, "the owner pays its own requests")
}
