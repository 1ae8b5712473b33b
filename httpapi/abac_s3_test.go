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

// TestS3BucketABAC: Put/GetBucketAbac (S3's attribute-based access
// control of a general purpose bucket). A bucket starts with it off; the
// status reads back as put; an unknown status is MalformedXML and changes
// nothing; while it is on PutBucketTagging and DeleteBucketTagging are
// refused (S3 takes tag changes through TagResource then) and
// GetBucketTagging still reads the tags; OSS has no ?abac.
func TestS3BucketABAC(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	b := aws.String("abac-status")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}})
	require.NoError(t, err)

	got, err := c.GetBucketAbac(ctx, &s3.GetBucketAbacInput{Bucket: b})
	require.NoError(t, err)
	require.NotNil(t, got.AbacStatus)
	assert.Equal(t, types.BucketAbacStatusDisabled, got.AbacStatus.Status)

	_, err = c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusEnabled}})
	require.NoError(t, err)
	got, err = c.GetBucketAbac(ctx, &s3.GetBucketAbacInput{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, types.BucketAbacStatusEnabled, got.AbacStatus.Status)

	r := f.do(t, raw{method: "PUT", path: "/abac-status?abac", body: []byte(`<AbacStatus><Status>On</Status></AbacStatus>`)})
	assert.Equal(t, "MalformedXML", r.errCode())
	got, err = c.GetBucketAbac(ctx, &s3.GetBucketAbacInput{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, types.BucketAbacStatusEnabled, got.AbacStatus.Status, "a refused document changes nothing")

	var ae smithy.APIError
	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}})
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
	_, err = c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: b})
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
	tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, tags.TagSet, 1)
	assert.Equal(t, "blue", aws.ToString(tags.TagSet[0].Value))

	_, err = c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusDisabled}})
	require.NoError(t, err)
	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}})
	require.NoError(t, err, "with ABAC off again the tags change")

	_, err = c.GetBucketAbac(ctx, &s3.GetBucketAbacInput{Bucket: aws.String("abac-missing")})
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, "NoSuchBucket", ae.ErrorCode())

	must(t, f.do(t, raw{method: "PUT", path: "/abac-oss", sign: "oss-v1"}).errOrNil())
	r = f.do(t, raw{method: "GET", path: "/abac-oss?abac", sign: "oss-v1"})
	assert.NotEqual(t, http.StatusOK, r.StatusCode, "OSS has no ?abac")
}

// TestS3BucketABACResourceTag: a bucket policy's aws:ResourceTag/<key> is
// the bucket's tag of that key (the key compared without regard to case)
// only while the bucket has ABAC on: S3 "evaluates this condition key only
// after you enable ABAC on your bucket". Object and bucket actions alike.
func TestS3BucketABACResourceTag(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	other := f.s3Client(true, otherAK, otherSK)
	b := aws.String("abac-policy")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("Project"), Value: aws.String("apollo")}}}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: http.NoBody})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
		`"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::abac-policy","arn:aws:s3:::abac-policy/*"],` +
		`"Condition":{"StringEquals":{"aws:ResourceTag/project":"apollo"}}}]}`)})
	require.NoError(t, err)

	denied := func(err error) bool {
		var ae smithy.APIError
		return errors.As(err, &ae) && ae.ErrorCode() == "AccessDenied"
	}
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	assert.True(t, denied(err), "ABAC off: no resource tag to match: %v", err)

	_, err = c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusEnabled}})
	require.NoError(t, err)
	o, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	require.NoError(t, err, "ABAC on: the bucket's tag matches")
	o.Body.Close()
	_, err = other.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	require.NoError(t, err)

	// A tag of another value no longer matches (tags changed with ABAC
	// off, then on again).
	_, err = c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusDisabled}})
	require.NoError(t, err)
	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("Project"), Value: aws.String("gemini")}}}})
	require.NoError(t, err)
	_, err = c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusEnabled}})
	require.NoError(t, err)
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	assert.True(t, denied(err), "%v", err)
}

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
