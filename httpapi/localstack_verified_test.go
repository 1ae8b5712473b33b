package httpapi_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold osslite to answers LocalStack recorded from
// AWS in its snapshot files (tests/aws/services/s3/*.snapshot.json;
// docs/sdk-suites.md, twenty-ninth session).

// TestS3ListEmptyParameters: S3 refuses an empty encoding-type on every
// listing and an empty ListObjectsV2 continuation-token, each 400
// InvalidArgument naming the parameter (test_list_ops_encoding_type_validation,
// test_list_objects_v2_continuation_start_after).
func TestS3ListEmptyParameters(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	f.do(t, raw{method: "PUT", path: "/lists"})
	type argErr struct{ Code, Message, ArgumentName, ArgumentValue string }
	refused := func(path string) argErr {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: path})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s: %s", path, r.body)
		var e argErr
		require.NoError(t, xml.Unmarshal(r.body, &e))
		assert.Equal(t, "InvalidArgument", e.Code, path)
		return e
	}
	for _, q := range []string{"", "list-type=2&", "versions&", "uploads&"} {
		e := refused("/lists?" + q + "encoding-type=")
		assert.Equal(t, "Invalid Encoding Method specified in Request", e.Message, q)
		assert.Equal(t, "encoding-type", e.ArgumentName, q)
		assert.Equal(t, "", e.ArgumentValue, q)
	}
	e := refused("/lists?list-type=2&continuation-token=")
	assert.Equal(t, "The continuation token provided is incorrect", e.Message)
	assert.Equal(t, "continuation-token", e.ArgumentName)
	// An empty marker is no marker (test_s3_list_objects_empty_marker).
	r := f.do(t, raw{method: "GET", path: "/lists?marker="})
	assert.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// TestS3ListVersionsAfterDeletedMarker: a version-id-marker whose version
// was deleted since the page was listed resumes after its place; when the
// newer versions were deleted too, the version now current follows it
// (test_list_objects_versions_with_prefix_only_and_pagination).
func TestS3ListVersionsAfterDeletedMarker(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "versions"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	var ids []string // newest first
	for range 5 {
		p, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("prefixed_key"), Body: strings.NewReader("")})
		require.NoError(t, err)
		ids = append([]string{aws.ToString(p.VersionId)}, ids...)
	}
	page1, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bk), Prefix: aws.String("prefix"), MaxKeys: aws.Int32(3)})
	require.NoError(t, err)
	require.Equal(t, ids[2], aws.ToString(page1.NextVersionIdMarker))
	var del []types.ObjectIdentifier
	for _, v := range page1.Versions {
		del = append(del, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
	}
	_, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bk), Delete: &types.Delete{Objects: del}})
	require.NoError(t, err)

	page2, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bk), Prefix: aws.String("prefix"), MaxKeys: aws.Int32(5),
		KeyMarker: page1.NextKeyMarker, VersionIdMarker: page1.NextVersionIdMarker})
	require.NoError(t, err)
	require.Len(t, page2.Versions, 2)
	assert.Equal(t, ids[3], aws.ToString(page2.Versions[0].VersionId))
	assert.True(t, aws.ToBool(page2.Versions[0].IsLatest))
	assert.Equal(t, ids[4], aws.ToString(page2.Versions[1].VersionId))
	assert.False(t, aws.ToBool(page2.Versions[1].IsLatest))
}

// TestS3ListUploadsMarkers: ListMultipartUploads names the last upload
// listed in NextKeyMarker and NextUploadIdMarker on a last page too, and
// writes them empty when none was listed; Prefix only when one was sent;
// an upload-id-marker that names no upload of the key-marker is 400
// InvalidArgument (test_list_multiparts_next_marker,
// test_list_multiparts_with_prefix_and_delimiter).
func TestS3ListUploadsMarkers(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "uploads"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	type listing struct {
		Prefix, NextKeyMarker, NextUploadIdMarker *string
		Upload                                    []struct{ Key, UploadId string }
	}
	list := func(q string) listing {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/" + bk + "?uploads" + q})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		var l listing
		require.NoError(t, xml.Unmarshal(r.body, &l))
		return l
	}
	empty := list("")
	assert.Nil(t, empty.Prefix)
	require.NotNil(t, empty.NextKeyMarker)
	require.NotNil(t, empty.NextUploadIdMarker)
	assert.Equal(t, "", *empty.NextKeyMarker)
	assert.Equal(t, "", *empty.NextUploadIdMarker)

	ids := map[string]string{}
	for _, k := range []string{"test_c", "test_b"} {
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String(k)})
		require.NoError(t, err)
		ids[k] = aws.ToString(up.UploadId)
	}
	all := list("&prefix=test")
	require.NotNil(t, all.Prefix)
	assert.Equal(t, "test", *all.Prefix)
	require.Len(t, all.Upload, 2)
	require.NotNil(t, all.NextKeyMarker)
	assert.Equal(t, "test_c", *all.NextKeyMarker)
	assert.Equal(t, ids["test_c"], aws.ToString(all.NextUploadIdMarker))

	_, err = c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bk), KeyMarker: aws.String("test_c"), UploadIdMarker: aws.String(ids["test_b"])})
	code, status, msg := apiError(t, err)
	assert.Equal(t, "InvalidArgument", code)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Invalid uploadId marker", msg)
	page, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bk), KeyMarker: aws.String("test_b"), UploadIdMarker: aws.String(ids["test_b"])})
	require.NoError(t, err)
	require.Len(t, page.Uploads, 1)
	assert.Equal(t, "test_c", aws.ToString(page.Uploads[0].Key))
}

// TestS3CopySourceConditionNamed: a copy whose source condition fails is
// 412 PreconditionFailed naming the first that failed, in the order
// If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, as
// x-amz-copy-source-<header>; a copy-source-if-modified-since after the
// server's clock is ignored (test_s3_copy_object_preconditions).
func TestS3CopySourceConditionNamed(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "copies"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("src"), Body: strings.NewReader("data")})
	require.NoError(t, err)
	f.clock.Advance(3 * time.Second)
	now := f.clock.Now()
	dayAgo := now.Add(-24 * time.Hour)

	condition := func(in *s3.CopyObjectInput) string {
		t.Helper()
		in.Bucket, in.Key, in.CopySource = aws.String(bk), aws.String("dst"), aws.String(bk+"/src")
		_, err := c.CopyObject(ctx, in)
		code, status, _ := apiError(t, err)
		require.Equal(t, "PreconditionFailed", code)
		require.Equal(t, http.StatusPreconditionFailed, status)
		r := f.do(t, raw{method: "PUT", path: "/" + bk + "/dst", header: copyConditionHeaders(in)})
		var e struct{ Condition string }
		require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
		return e.Condition
	}
	assert.Equal(t, "x-amz-copy-source-If-Match", condition(&s3.CopyObjectInput{CopySourceIfModifiedSince: &now,
		CopySourceIfUnmodifiedSince: &dayAgo, CopySourceIfMatch: aws.String("etag123"), CopySourceIfNoneMatch: put.ETag}))
	assert.Equal(t, "x-amz-copy-source-If-Unmodified-Since", condition(&s3.CopyObjectInput{CopySourceIfModifiedSince: &now,
		CopySourceIfUnmodifiedSince: &dayAgo, CopySourceIfNoneMatch: put.ETag}))
	assert.Equal(t, "x-amz-copy-source-If-None-Match", condition(&s3.CopyObjectInput{CopySourceIfModifiedSince: &now, CopySourceIfNoneMatch: put.ETag}))
	assert.Equal(t, "x-amz-copy-source-If-Modified-Since", condition(&s3.CopyObjectInput{CopySourceIfModifiedSince: &now}))

	tomorrow := now.Add(24 * time.Hour)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bk), Key: aws.String("dst"), CopySource: aws.String(bk + "/src"),
		CopySourceIfModifiedSince: &tomorrow})
	require.NoError(t, err, "a date after the clock is ignored")
}

// copyConditionHeaders are the x-amz-copy-source headers of in.
func copyConditionHeaders(in *s3.CopyObjectInput) http.Header {
	h := hdr("x-amz-copy-source", aws.ToString(in.CopySource))
	if in.CopySourceIfMatch != nil {
		h.Set("x-amz-copy-source-if-match", *in.CopySourceIfMatch)
	}
	if in.CopySourceIfNoneMatch != nil {
		h.Set("x-amz-copy-source-if-none-match", *in.CopySourceIfNoneMatch)
	}
	if in.CopySourceIfModifiedSince != nil {
		h.Set("x-amz-copy-source-if-modified-since", in.CopySourceIfModifiedSince.UTC().Format(http.TimeFormat))
	}
	if in.CopySourceIfUnmodifiedSince != nil {
		h.Set("x-amz-copy-source-if-unmodified-since", in.CopySourceIfUnmodifiedSince.UTC().Format(http.TimeFormat))
	}
	return h
}
