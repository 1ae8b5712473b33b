package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestPolicyConditionKeyStoreErrorFailsClosed: a condition key the store
// cannot answer (here the bucket's stored tags no longer decode) refuses
// the request with InternalError; it is never decided as if the key were
// absent, which would let a Deny conditioned on a tag lapse.
func TestPolicyConditionKeyStoreErrorFailsClosed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	b := aws.String("storeerr-abac")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("stage"), Value: aws.String("frozen")}}}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: http.NoBody})
	require.NoError(t, err)
	_, err = c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusEnabled}})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::storeerr-abac/*","Condition":{"StringEquals":{"aws:ResourceTag/stage":"frozen"}}}]}`)})
	require.NoError(t, err)

	code := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		return ""
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	require.Equal(t, "AccessDenied", code(err), "%v", err)

	require.NoError(t, f.eng.PutBucketConfig(ctx, "storeerr-abac", string(bucketconfig.KindTagging), []byte("{not a tagging document")))
	o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	if err == nil {
		o.Body.Close()
	}
	assert.Equal(t, "InternalError", code(err), "the Deny's key cannot be read: refused, not allowed (%v)", err)
}
