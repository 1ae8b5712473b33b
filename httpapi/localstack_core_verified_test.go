package httpapi_test

import (
	"context"
	"encoding/xml"
	"io"
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

// The tests in this file hold osslite to answers LocalStack's S3 tests
// recorded from AWS (tests/aws/services/s3/test_s3.py with its
// test_s3.snapshot.json; docs/sdk-suites.md, twenty-ninth session).

// TestS3CopyOntoItselfNamingItsClass: a copy onto itself that names a
// storage class is legal even when the object already has that class;
// S3 does not compare it (test_s3_copy_object_in_place_storage_class,
// test_s3_copy_object_in_place_metadata_directive: "we need to add
// storage class to make the copy request legal"). Without any change it
// is still InvalidRequest.
func TestS3CopyOntoItselfNamingItsClass(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("inplace")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("std"), Body: strings.NewReader("test"),
		StorageClass: types.StorageClassStandard, Metadata: map[string]string{"key": "value"}})
	require.NoError(t, err)

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("std"), CopySource: aws.String("inplace/std")})
	requireCode(t, err, "InvalidRequest", "no change")

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("std"), CopySource: aws.String("inplace/std"),
		StorageClass: types.StorageClassStandard})
	require.NoError(t, err, "naming the class it has")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("std"), CopySource: aws.String("inplace/std"),
		MetadataDirective: types.MetadataDirectiveCopy, Metadata: map[string]string{"key3": "value3"}, StorageClass: types.StorageClassStandard})
	require.NoError(t, err, "COPY with the class named")
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("std")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"key": "value"}, h.Metadata, "COPY keeps the source's metadata")
	assert.Empty(t, h.StorageClass, "STANDARD")
}

// TestS3FutureIfModifiedSinceIgnored: S3 ignores an If-Modified-Since
// date later than its clock (RFC 2616 14.25 calls such a date invalid):
// GetObject and HeadObject answer 200, and CopyObject with such an
// x-amz-copy-source-if-modified-since copies
// (test_s3_get_object_preconditions "obj-ignore-future-modified-since",
// test_s3_copy_object_preconditions "copy-ignore-future-modified-since").
// A date at or after the object's modification that is not in the
// future still stops them (304, 412).
func TestS3FutureIfModifiedSinceIgnored(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("ims")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("data")})
	require.NoError(t, err)
	now := time.Now().Add(time.Second)
	future := now.Add(24 * time.Hour)

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("k"), IfModifiedSince: aws.Time(future)})
	require.NoError(t, err, "GET, a date in the future")
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("k"), IfModifiedSince: aws.Time(future)})
	require.NoError(t, err, "HEAD, a date in the future")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("ims/k"),
		CopySourceIfModifiedSince: aws.Time(future)})
	require.NoError(t, err, "copy, a date in the future")

	time.Sleep(time.Until(now) + 10*time.Millisecond)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("k"), IfModifiedSince: aws.Time(now)})
	_, status, _ := apiError(t, err)
	assert.Equal(t, http.StatusNotModified, status, "HEAD, a date after the object's, not in the future")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("ims/k"),
		CopySourceIfModifiedSince: aws.Time(now)})
	requireCode(t, err, "PreconditionFailed", "copy, a date after the object's, not in the future")
}

// TestS3CopyOntoItselfWithACLOnly: an ACL header does not make a copy
// onto itself legal; S3 answers InvalidRequest whatever the ACL, even
// on a bucket that takes ACLs (test_s3_copy_object_in_place,
// "copy-object-in-place-with-acl").
func TestS3CopyOntoItselfWithACLOnly(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("inplaceacl")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("k"), CopySource: aws.String("inplaceacl/k"),
		ACL: types.ObjectCannedACLPublicRead})
	requireCode(t, err, "InvalidRequest", "an ACL is no change")
	acl, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: b, Key: aws.String("k")})
	require.NoError(t, err)
	assert.Len(t, acl.Grants, 1, "still private")
}

// TestS3CopySourceConditionNamedInOrder: a CopyObject whose source fails one of
// its x-amz-copy-source-if-* conditions is 412 PreconditionFailed naming
// that condition in <Condition>, as S3 spells it
// (x-amz-copy-source-If-Match, ...), judged in S3's order: If-Match, else
// If-Unmodified-Since, then If-None-Match, else If-Modified-Since
// (test_s3_copy_object_preconditions sends all four at once and drops
// them one by one). UploadPartCopy takes the same headers and answers
// the same way.
func TestS3CopySourceConditionNamedInOrder(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "copyconds"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("src"), Body: strings.NewReader("data")})
	require.NoError(t, err)
	etag := aws.ToString(put.ETag)
	now := time.Now().Add(2 * time.Second)
	time.Sleep(time.Until(now) + 10*time.Millisecond)
	past, nowS := now.Add(-24*time.Hour).UTC().Format(http.TimeFormat), now.UTC().Format(http.TimeFormat)

	condition := func(r rawResponse) string {
		t.Helper()
		var e struct{ Code, Message, Condition string }
		require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
		assert.Equal(t, http.StatusPreconditionFailed, r.StatusCode)
		assert.Equal(t, "PreconditionFailed", e.Code)
		return e.Condition
	}
	for _, tc := range []struct {
		h    []string
		want string
	}{
		{[]string{"X-Amz-Copy-Source-If-Modified-Since", nowS, "X-Amz-Copy-Source-If-Unmodified-Since", past,
			"X-Amz-Copy-Source-If-Match", "etag123", "X-Amz-Copy-Source-If-None-Match", etag}, "x-amz-copy-source-If-Match"},
		{[]string{"X-Amz-Copy-Source-If-Modified-Since", nowS, "X-Amz-Copy-Source-If-Unmodified-Since", past,
			"X-Amz-Copy-Source-If-None-Match", etag}, "x-amz-copy-source-If-Unmodified-Since"},
		{[]string{"X-Amz-Copy-Source-If-Modified-Since", nowS, "X-Amz-Copy-Source-If-None-Match", etag}, "x-amz-copy-source-If-None-Match"},
		{[]string{"X-Amz-Copy-Source-If-Modified-Since", nowS}, "x-amz-copy-source-If-Modified-Since"},
		{[]string{"X-Amz-Copy-Source-If-None-Match", strings.Trim(etag, `"`)}, "x-amz-copy-source-If-None-Match"},
	} {
		h := hdr(append([]string{"X-Amz-Copy-Source", "/" + bk + "/src"}, tc.h...)...)
		r := f.do(t, raw{method: "PUT", path: "/" + bk + "/dst", header: h})
		assert.Equal(t, tc.want, condition(r), "CopyObject %v", tc.h)
	}

	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("mp")})
	require.NoError(t, err)
	r := f.do(t, raw{method: "PUT", path: "/" + bk + "/mp?partNumber=1&uploadId=" + aws.ToString(up.UploadId),
		header: hdr("X-Amz-Copy-Source", "/"+bk+"/src", "X-Amz-Copy-Source-If-Match", "etag123")})
	assert.Equal(t, "x-amz-copy-source-If-Match", condition(r), "UploadPartCopy")
}

// TestS3NoSuchUploadMessage: S3's NoSuchUpload reads "The specified
// upload does not exist. ..." on UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload and ListParts alike, with the UploadId
// (test_multipart_no_such_upload, test_multipart_and_list_parts).
func TestS3NoSuchUploadMessage(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "nosuchupload"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	const want = "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
	for _, q := range []raw{
		{method: "PUT", path: "/" + bk + "/k?partNumber=1&uploadId=fakeid", body: []byte("data")},
		{method: "POST", path: "/" + bk + "/k?uploadId=fakeid", body: []byte("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>")},
		{method: "DELETE", path: "/" + bk + "/k?uploadId=fakeid"},
		{method: "GET", path: "/" + bk + "/k?uploadId=fakeid"},
	} {
		r := f.do(t, q)
		var e struct{ Code, Message, UploadId string }
		require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
		assert.Equal(t, http.StatusNotFound, r.StatusCode, q.method)
		assert.Equal(t, "NoSuchUpload", e.Code, q.method)
		assert.Equal(t, want, e.Message, q.method)
		assert.Equal(t, "fakeid", e.UploadId, q.method)
	}
}

// TestS3ACLGranteeValidation: S3 refuses grantees it does not know, in
// its own words, on buckets and objects (test_s3_bucket_acl_exceptions):
// a group other than AllUsers, AuthenticatedUsers and LogDelivery is
// InvalidArgument "Invalid group uri" (argument "uri" in a grant header,
// "Group/URI" in an AccessControlPolicy); an Owner ID no account has is
// "Invalid id" (CanonicalUser/ID), as a grantee ID is ("id" in a header);
// a header item it cannot read is "Argument format not recognized",
// naming the header and its whole value. These were stored or worded
// otherwise.
func TestS3ACLGranteeValidation(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "aclcheck"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("o"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	owner := aws.ToString(acl.Owner.ID)

	type argErr struct{ Code, Message, ArgumentName, ArgumentValue string }
	check := func(r rawResponse, want argErr, what string) {
		t.Helper()
		var e argErr
		require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, what)
		assert.Equal(t, want, e, what)
	}
	const fake = "http://acs.amazonaws.com/groups/s3/FakeGroup"
	policy := func(ownerID, grantee string) []byte {
		return []byte(`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>` + ownerID +
			`</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` + grantee +
			`</Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	}
	group := func(uri string) string { return `xsi:type="Group"><URI>` + uri + `</URI>` }
	for _, path := range []string{"/" + bk + "?acl", "/" + bk + "/o?acl"} {
		check(f.do(t, raw{method: "PUT", path: path, header: hdr("X-Amz-Grant-Read", `uri="`+fake+`"`)}),
			argErr{"InvalidArgument", "Invalid group uri", "uri", fake}, path+" header group")
		check(f.do(t, raw{method: "PUT", path: path, header: hdr("X-Amz-Grant-Read", `fakekey="1234"`)}),
			argErr{"InvalidArgument", "Argument format not recognized", "x-amz-grant-read", `fakekey="1234"`}, path+" header key")
		check(f.do(t, raw{method: "PUT", path: path, header: hdr("X-Amz-Grant-Read", `id="wrong-id"`)}),
			argErr{"InvalidArgument", "Invalid id", "id", "wrong-id"}, path+" header id")
		check(f.do(t, raw{method: "PUT", path: path, body: policy(owner, group(fake))}),
			argErr{"InvalidArgument", "Invalid group uri", "Group/URI", fake}, path+" policy group")
		check(f.do(t, raw{method: "PUT", path: path, body: policy("wrong-id", group("http://acs.amazonaws.com/groups/s3/LogDelivery"))}),
			argErr{"InvalidArgument", "Invalid id", "CanonicalUser/ID", "wrong-id"}, path+" policy owner")
	}
	got, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Len(t, got.Grants, 1, "nothing stored")
}

// TestS3CompleteWithoutBody: CompleteMultipartUpload without a body is
// 400 InvalidRequest "You must specify at least one part"
// (test_multipart_complete_multipart_too_small, "complete-exc-no-parts",
// which boto3 sends with no MultipartUpload); a document that lists no
// parts stays MalformedXML (ceph s3-tests' test_multipart_upload_empty).
func TestS3CompleteWithoutBody(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "completebody"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bk), Key: aws.String("k"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("data")})
	require.NoError(t, err)
	path := "/" + bk + "/k?uploadId=" + aws.ToString(up.UploadId)

	r := f.do(t, raw{method: "POST", path: path})
	var e struct{ Code, Message string }
	require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Equal(t, "InvalidRequest", e.Code)
	assert.Equal(t, "You must specify at least one part", e.Message)

	r = f.do(t, raw{method: "POST", path: path, body: []byte(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`)})
	assert.Equal(t, "MalformedXML", r.errCode(), "a document without parts")
}

// TestS3InvalidDigestMessage: a Content-MD5 that is not a base64 MD5 is
// 400 InvalidDigest "The Content-MD5 you specified was invalid."
// (test_s3_invalid_content_md5, four malformed values).
func TestS3InvalidDigestMessage(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/digest"}).errOrNil())
	for _, v := range []string{"__invalid__", "000", "not base64 encoded checksum", "MTIz"} {
		r := f.do(t, raw{method: "PUT", path: "/digest/k", body: []byte("something"), header: hdr("Content-MD5", v)})
		var e struct{ Code, Message string }
		require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, v)
		assert.Equal(t, "InvalidDigest", e.Code, v)
		assert.Equal(t, "The Content-MD5 you specified was invalid.", e.Message, v)
	}
}

// TestS3InvalidPartNumberCounts: a GET by a part number the object does
// not have is 416 InvalidPartNumber naming the part asked for and how
// many there are (test_get_object_part: part 10 of a 2-part object, part
// 2 of a plain object, which is one part).
func TestS3InvalidPartNumberCounts(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/partnum"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/partnum/plain", body: []byte("test-123")}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/partnum/plain?partNumber=2"})
	var e struct{ Code, Message, ActualPartCount, PartNumberRequested string }
	require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, r.StatusCode)
	assert.Equal(t, "InvalidPartNumber", e.Code)
	assert.Equal(t, "The requested partnumber is not satisfiable", e.Message)
	assert.Equal(t, "1", e.ActualPartCount)
	assert.Equal(t, "2", e.PartNumberRequested)
}

// TestS3DeleteMarkerACLAndMultiDelete: with a delete marker as the
// latest version, PutObjectAcl without a version ID is 405
// MethodNotAllowed (Method PUT, ResourceType DeleteMarker) while
// GetObjectAcl stays 404 NoSuchKey (test_put_object_acl_on_delete_marker);
// DeleteObjects removing that marker by its version ID answers
// DeleteMarker true with DeleteMarkerVersionId as well as VersionId
// (test_delete_keys_in_versioned_bucket, "delete-object-delete-marker").
func TestS3DeleteMarkerACLAndMultiDelete(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("dmacl")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("k")})
	require.NoError(t, err)
	marker := aws.ToString(del.VersionId)

	r := f.do(t, raw{method: "PUT", path: "/dmacl/k?acl", header: hdr("X-Amz-Acl", "public-read")})
	var e struct{ Code, Method, ResourceType string }
	require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
	assert.Equal(t, http.StatusMethodNotAllowed, r.StatusCode)
	assert.Equal(t, "MethodNotAllowed", e.Code)
	assert.Equal(t, "PUT", e.Method)
	assert.Equal(t, "DeleteMarker", e.ResourceType)
	assert.Equal(t, "NoSuchKey", f.do(t, raw{method: "GET", path: "/dmacl/k?acl"}).errCode())

	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b,
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k"), VersionId: aws.String(marker)}}}})
	require.NoError(t, err)
	require.Len(t, out.Deleted, 1)
	d := out.Deleted[0]
	assert.True(t, aws.ToBool(d.DeleteMarker))
	assert.Equal(t, marker, aws.ToString(d.VersionId))
	assert.Equal(t, marker, aws.ToString(d.DeleteMarkerVersionId))
}

// TestS3CopyOfMultipartHasMD5ETag: CopyObject of a multipart object makes
// an object of one part whose ETag is the MD5 of its body, as S3
// documents for objects created by Copy ("an MD5 digest of their object
// data") and answers (test_multipart_copy_object_etag: to another key,
// and onto itself with REPLACE); a partNumber read then finds one part.
// The source keeps its multipart ETag.
func TestS3CopyOfMultipartHasMD5ETag(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("mpcopy")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	const content = "test content 123"
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader(content)})
	require.NoError(t, err)
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}})
	require.NoError(t, err)
	const md5 = `"eee506dd7ada7ded524c77e359a0e7c6"` // MD5 of content
	require.NotEqual(t, md5, aws.ToString(done.ETag))

	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String("mpcopy/mp")})
	require.NoError(t, err)
	assert.Equal(t, md5, aws.ToString(cp.CopyObjectResult.ETag))
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("copy"), PartNumber: aws.Int32(1)})
	require.NoError(t, err)
	assert.Equal(t, md5, aws.ToString(h.ETag))
	assert.Nil(t, h.PartsCount, "one part: no parts count")
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("copy")})
	require.NoError(t, err)
	body, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	got.Body.Close()
	assert.Equal(t, content, string(body))

	src, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("mp")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(done.ETag), aws.ToString(src.ETag), "the source is unchanged")

	cp, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("mp"), CopySource: aws.String("mpcopy/mp"),
		MetadataDirective: types.MetadataDirectiveReplace})
	require.NoError(t, err)
	assert.Equal(t, md5, aws.ToString(cp.CopyObjectResult.ETag), "onto itself")
}

// TestS3OutpostsClassRefused: OUTPOSTS is the storage class of S3 on
// Outposts buckets; a regular bucket refuses it on PutObject and
// CreateMultipartUpload with 400 InvalidStorageClass naming it
// (test_put_object_storage_class_outposts), while the classes of
// test_put_object_storage_class are kept.
func TestS3OutpostsClassRefused(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/outposts"}).errOrNil())
	for _, q := range []raw{
		{method: "PUT", path: "/outposts/o", body: []byte("x"), header: hdr("X-Amz-Storage-Class", "OUTPOSTS")},
		{method: "POST", path: "/outposts/o?uploads", header: hdr("X-Amz-Storage-Class", "OUTPOSTS")},
	} {
		r := f.do(t, q)
		var e struct{ Code, Message, StorageClassRequested string }
		require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, q.method)
		assert.Equal(t, "InvalidStorageClass", e.Code, q.method)
		assert.Equal(t, "The storage class you specified is not valid", e.Message, q.method)
		assert.Equal(t, "OUTPOSTS", e.StorageClassRequested, q.method)
	}
	for _, sc := range []string{"STANDARD", "STANDARD_IA", "GLACIER", "GLACIER_IR", "REDUCED_REDUNDANCY", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE"} {
		must(t, f.do(t, raw{method: "PUT", path: "/outposts/" + sc, body: []byte("x"), header: hdr("X-Amz-Storage-Class", sc)}).errOrNil())
	}
}
