package httpapi_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold osslite to answers moto's tests assert and
// moto's authors ran against AWS (@s3_aws_verified; docs/sdk-suites.md,
// twenty-ninth session).

// TestS3ReservedTagKeys: S3 refuses tag keys starting with aws:, the
// prefix of the tags AWS writes itself, on objects (PutObject's
// x-amz-tagging, PutObjectTagging) and buckets, each with its own
// message; aws: inside a key is fine (test_s3_tagging).
func TestS3ReservedTagKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "tags"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("x"), Tagging: aws.String("aws:foo=bar")})
	code, status, msg := apiError(t, err)
	assert.Equal(t, "InvalidTag", code)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Your TagKey cannot be prefixed with aws:", msg)

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("x"), Tagging: aws.String("foo=bar")})
	require.NoError(t, err)
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(bk), Key: aws.String("k"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("aws:item1"), Value: aws.String("foo")}}}})
	code, _, _ = apiError(t, err)
	assert.Equal(t, "InvalidTag", code)

	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bk),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("aws:sometag"), Value: aws.String("nope")}}}})
	code, _, msg = apiError(t, err)
	assert.Equal(t, "InvalidTag", code)
	assert.Equal(t, "System tags cannot be added/updated by requester", msg)

	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bk),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("something:aws:stuff"), Value: aws.String("this is fine")}}}})
	require.NoError(t, err)
}

// TestS3BucketTaggingEmptySet: PutBucketTagging with an empty TagSet
// removes the tags (204), so GetBucketTagging is NoSuchTagSet again
// (test_get_bucket_tagging).
func TestS3BucketTaggingEmptySet(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "tagset"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bk),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("TagOne"), Value: aws.String("ValueOne")}}}})
	require.NoError(t, err)

	r := f.do(t, raw{method: "PUT", path: "/" + bk + "?tagging", body: []byte(`<Tagging><TagSet></TagSet></Tagging>`)})
	assert.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bk)})
	code, status, msg := apiError(t, err)
	assert.Equal(t, "NoSuchTagSet", code)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "The TagSet does not exist", msg)
}

// TestS3WriteConditionNamed: a conditional PutObject or
// CompleteMultipartUpload that fails is 412 PreconditionFailed naming the
// header that did not hold in <Condition> (test_s3_conditionals).
func TestS3WriteConditionNamed(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "conds"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)

	condition := func(r rawResponse) string {
		t.Helper()
		var e struct{ Code, Message, Condition string }
		require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
		assert.Equal(t, http.StatusPreconditionFailed, r.StatusCode)
		assert.Equal(t, "PreconditionFailed", e.Code)
		assert.Equal(t, "At least one of the pre-conditions you specified did not hold", e.Message)
		return e.Condition
	}
	r := f.do(t, raw{method: "PUT", path: "/" + bk + "/k", body: []byte("y"), header: hdr("If-None-Match", "*")})
	assert.Equal(t, "If-None-Match", condition(r))
	r = f.do(t, raw{method: "PUT", path: "/" + bk + "/k", body: []byte("y"), header: hdr("If-Match", `"0123456789abcdef0123456789abcdef"`)})
	assert.Equal(t, "If-Match", condition(r))

	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("k")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bk), Key: aws.String("k"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	require.NoError(t, err)
	doc := `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>` + aws.ToString(part.ETag) + `</ETag></Part></CompleteMultipartUpload>`
	r = f.do(t, raw{method: "POST", path: "/" + bk + "/k?uploadId=" + aws.ToString(up.UploadId), body: []byte(doc), header: hdr("If-None-Match", "*")})
	assert.Equal(t, "If-None-Match", condition(r))
}

// TestS3HeadDeleteMarkerVersion: a HEAD of a delete marker by its
// version ID is 405 with x-amz-delete-marker: true and Allow: DELETE, the
// one method a delete marker takes
// (test_delete_versioned_bucket_returns_metadata).
func TestS3HeadDeleteMarkerVersion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "markers"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k")})
	require.NoError(t, err)

	r := f.do(t, raw{method: "HEAD", path: "/" + bk + "/k?versionId=" + aws.ToString(del.VersionId)})
	assert.Equal(t, http.StatusMethodNotAllowed, r.StatusCode)
	assert.Equal(t, "true", r.Header.Get("x-amz-delete-marker"))
	assert.Equal(t, "DELETE", r.Header.Get("Allow"))
}

// TestS3HeadBucketContentType: HeadBucket answers Content-Type:
// application/xml, as S3 does (test_header_content_type).
func TestS3HeadBucketContentType(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("head")})
	require.NoError(t, err)
	r := f.do(t, raw{method: "HEAD", path: "/head"})
	assert.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "application/xml", r.Header.Get("Content-Type"))
}

// TestS3MissingRequestBodyMessage: a configuration PUT without a body is
// MissingRequestBodyError "Request Body is empty", S3's words without a
// final stop (test_put_object_lock_misconfiguration).
func TestS3MissingRequestBodyMessage(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "lockcfg"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	r := f.do(t, raw{method: "PUT", path: "/" + bk + "?object-lock", header: hdr("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")})
	var e struct{ Code, Message string }
	require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Equal(t, "MissingRequestBodyError", e.Code)
	assert.Equal(t, "Request Body is empty", e.Message)
}
