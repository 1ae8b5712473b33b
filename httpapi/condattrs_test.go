package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/internal/racetest"
	"github.com/osslite/osslite/pkg/checksum"
)

// exactlyOneWins checks that one writer succeeded and all the others got
// the S3 error code (and HTTP status) given; it returns the winner.
func exactlyOneWins(t *testing.T, errs []error, code string, status int) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
			winner = i
			continue
		}
		require.Equal(t, code, apiCode(err), "writer %d: %v", i, err)
		var re interface{ HTTPStatusCode() int }
		require.True(t, errors.As(err, &re))
		require.Equal(t, status, re.HTTPStatusCode())
	}
	require.NotEqual(t, -1, winner, "nobody won")
	return winner
}

// TestConditionalWritesSDK: concurrent conditional writers through
// aws-sdk-go-v2, on PutObject (If-None-Match, If-Match), CopyObject and
// CompleteMultipartUpload: exactly one wins, the others get 412 (on
// Complete too: the winner's object makes the losers' If-None-Match fail,
// as a PutObject during an upload does at S3).
func TestConditionalWritesSDK(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	bkt := aws.String("cond")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bkt})
	require.NoError(t, err)
	const n = 16
	body := func(i int) []byte { return []byte(strings.Repeat(fmt.Sprint(i), 100+i)) }
	get := func(key string) []byte {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bkt, Key: aws.String(key)})
		require.NoError(t, err)
		defer out.Body.Close()
		var b bytes.Buffer
		_, err = b.ReadFrom(out.Body)
		require.NoError(t, err)
		return b.Bytes()
	}

	errs := racetest.Writers(n, func(i int) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("once"), Body: bytes.NewReader(body(i)), IfNoneMatch: aws.String("*")})
		return err
	})
	w := exactlyOneWins(t, errs, "PreconditionFailed", 412)
	require.Equal(t, body(w), get("once"))

	base, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("cas"), Body: strings.NewReader("base")})
	require.NoError(t, err)
	errs = racetest.Writers(n, func(i int) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("cas"), Body: bytes.NewReader(body(i)), IfMatch: base.ETag})
		return err
	})
	w = exactlyOneWins(t, errs, "PreconditionFailed", 412)
	require.Equal(t, body(w), get("cas"))
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("absent"), Body: strings.NewReader("x"), IfMatch: base.ETag})
	wantCode(t, err, "NoSuchKey")

	errs = racetest.Writers(n, func(i int) error {
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bkt, Key: aws.String("copy"), CopySource: aws.String("cond/cas"), IfNoneMatch: aws.String("*")})
		return err
	})
	exactlyOneWins(t, errs, "PreconditionFailed", 412)

	ids := make([]*string, n)
	etags := make([]*string, n)
	for i := range n {
		cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bkt, Key: aws.String("mp")})
		require.NoError(t, err)
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bkt, Key: aws.String("mp"), UploadId: cr.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(body(i))})
		require.NoError(t, err)
		ids[i], etags[i] = cr.UploadId, up.ETag
	}
	f.clock.Advance(time.Millisecond) // no tie with the uploads' start
	errs = racetest.Writers(n, func(i int) error {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: ids[i], IfNoneMatch: aws.String("*"),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: etags[i]}}}})
		return err
	})
	w = exactlyOneWins(t, errs, "PreconditionFailed", 412)
	require.Equal(t, body(w), get("mp"))

	// A Complete whose condition failed before the upload began: 412.
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bkt, Key: aws.String("mp")})
	require.NoError(t, err)
	up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bkt, Key: aws.String("mp"), UploadId: cr.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("p")})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: cr.UploadId, IfNoneMatch: aws.String("*"),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: up.ETag}}}})
	wantCode(t, err, "PreconditionFailed")
}

// TestDeleteObjectsETag: DeleteObjects' per-object <ETag> deletes a key
// only while it matches.
func TestDeleteObjectsETag(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	bkt := aws.String("dele")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bkt})
	require.NoError(t, err)
	etags := map[string]*string{}
	for _, k := range []string{"a", "b", "c"} {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String(k), Body: strings.NewReader(k)})
		require.NoError(t, err)
		etags[k] = out.ETag
	}
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bkt, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("a"), ETag: etags["a"]},
		{Key: aws.String("b"), ETag: etags["a"]},
		{Key: aws.String("c")},
		{Key: aws.String("gone"), ETag: etags["a"]},
	}}})
	require.NoError(t, err)
	var deleted []string
	for _, d := range out.Deleted {
		deleted = append(deleted, aws.ToString(d.Key))
	}
	assert.ElementsMatch(t, []string{"a", "c"}, deleted)
	errs := map[string]string{}
	for _, e := range out.Errors {
		errs[aws.ToString(e.Key)] = aws.ToString(e.Code)
	}
	assert.Equal(t, map[string]string{"b": "PreconditionFailed", "gone": "NoSuchKey"}, errs)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bkt, Key: aws.String("b")})
	require.NoError(t, err)
}

// TestDeleteObjectsETagVersion: an entry with <VersionId> and <ETag>
// deletes that version only while its ETag matches; a mismatch is
// reported as the ETag-only case reports it and deletes nothing.
func TestDeleteObjectsETagVersion(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	bkt := aws.String("delv")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bkt})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bkt,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	var puts []*s3.PutObjectOutput
	for _, body := range []string{"one", "two"} {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("k"), Body: strings.NewReader(body)})
		require.NoError(t, err)
		puts = append(puts, out)
	}
	v1, v2 := puts[0], puts[1]
	other, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("other"), Body: strings.NewReader("o")})
	require.NoError(t, err)
	versions := func() []string {
		t.Helper()
		lv, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bkt, Prefix: aws.String("k")})
		require.NoError(t, err)
		require.Empty(t, lv.DeleteMarkers)
		var ids []string
		for _, v := range lv.Versions {
			ids = append(ids, aws.ToString(v.VersionId))
		}
		return ids
	}

	// v1 named with the latest's ETag, next to an ETag-only mismatch.
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bkt, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: v1.VersionId, ETag: v2.ETag},
		{Key: aws.String("other"), ETag: v2.ETag},
	}}})
	require.NoError(t, err)
	assert.Empty(t, out.Deleted)
	require.Len(t, out.Errors, 2)
	byKey := map[string]types.Error{}
	for _, e := range out.Errors {
		byKey[aws.ToString(e.Key)] = e
	}
	ve, ke := byKey["k"], byKey["other"]
	assert.Equal(t, "PreconditionFailed", aws.ToString(ve.Code))
	assert.Equal(t, aws.ToString(ke.Code), aws.ToString(ve.Code))
	assert.Equal(t, aws.ToString(ke.Message), aws.ToString(ve.Message))
	assert.Equal(t, aws.ToString(v1.VersionId), aws.ToString(ve.VersionId))
	assert.Equal(t, []string{aws.ToString(v2.VersionId), aws.ToString(v1.VersionId)}, versions(), "nothing deleted")

	// The matching ETag deletes exactly v1; the latest stays.
	out, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bkt, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: v1.VersionId, ETag: v1.ETag},
		{Key: aws.String("other"), ETag: other.ETag},
	}}})
	require.NoError(t, err)
	assert.Empty(t, out.Errors)
	require.Len(t, out.Deleted, 2)
	for _, d := range out.Deleted {
		if aws.ToString(d.Key) == "k" {
			assert.Equal(t, aws.ToString(v1.VersionId), aws.ToString(d.VersionId))
			assert.False(t, aws.ToBool(d.DeleteMarker))
		}
	}
	assert.Equal(t, []string{aws.ToString(v2.VersionId)}, versions())
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bkt, Key: aws.String("k")})
	require.NoError(t, err)
	g.Body.Close()
	assert.Equal(t, aws.ToString(v2.VersionId), aws.ToString(g.VersionId))
}

// TestGetObjectAttributes through aws-sdk-go-v2: a single-part object and
// a COMPOSITE multipart one paged through its parts.
func TestGetObjectAttributes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	bkt := aws.String("attrs")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bkt})
	require.NoError(t, err)
	all := []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts,
		types.ObjectAttributesStorageClass, types.ObjectAttributesObjectSize}

	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("one"), Body: strings.NewReader("hello"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	require.NoError(t, err)
	a, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("one"), ObjectAttributes: all})
	require.NoError(t, err)
	assert.Equal(t, strings.Trim(aws.ToString(put.ETag), `"`), aws.ToString(a.ETag))
	assert.Equal(t, int64(5), aws.ToInt64(a.ObjectSize))
	assert.Equal(t, types.StorageClassStandard, a.StorageClass)
	require.NotNil(t, a.Checksum)
	assert.Equal(t, aws.ToString(put.ChecksumSHA256), aws.ToString(a.Checksum.ChecksumSHA256))
	assert.Equal(t, types.ChecksumTypeFullObject, a.Checksum.ChecksumType)
	assert.Nil(t, a.ObjectParts, "not a multipart object")
	assert.NotNil(t, a.LastModified)

	a, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("one"), VersionId: aws.String("null"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}})
	require.NoError(t, err)
	assert.Nil(t, a.ETag, "only what was asked for")
	assert.Equal(t, int64(5), aws.ToInt64(a.ObjectSize))
	_, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("one"), VersionId: aws.String("v1"), ObjectAttributes: all})
	wantCode(t, err, "InvalidArgument") // not a version ID, as for GetObject

	// A versioned bucket: each version's attributes by its ID, with the
	// version's ID in the answer; a deleted version is NoSuchVersion.
	vb := aws.String("attrs-versioned")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: vb})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: vb,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	v1, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: vb, Key: aws.String("k"), Body: strings.NewReader("first")})
	require.NoError(t, err)
	v2, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: vb, Key: aws.String("k"), Body: strings.NewReader("second!")})
	require.NoError(t, err)
	for _, v := range []struct {
		id   *string
		etag string
		size int64
	}{{v1.VersionId, aws.ToString(v1.ETag), 5}, {v2.VersionId, aws.ToString(v2.ETag), 7}, {nil, aws.ToString(v2.ETag), 7}} {
		a, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: vb, Key: aws.String("k"), VersionId: v.id, ObjectAttributes: all})
		require.NoError(t, err)
		assert.Equal(t, v.size, aws.ToInt64(a.ObjectSize))
		assert.Equal(t, strings.Trim(v.etag, `"`), aws.ToString(a.ETag))
		want := v.id
		if want == nil {
			want = v2.VersionId
		}
		assert.Equal(t, aws.ToString(want), aws.ToString(a.VersionId))
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: vb, Key: aws.String("k"), VersionId: v1.VersionId})
	require.NoError(t, err)
	_, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: vb, Key: aws.String("k"), VersionId: v1.VersionId, ObjectAttributes: all})
	wantCode(t, err, "NoSuchVersion")
	_, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("none"), ObjectAttributes: all})
	wantCode(t, err, "NoSuchKey")
	r := f.do(t, raw{method: "GET", path: "/attrs/one?attributes", header: hdr("X-Amz-Object-Attributes", "Color")})
	require.Equal(t, 400, r.StatusCode, "%s", r.body)
	require.Equal(t, "InvalidArgument", r.errCode())
	r = f.do(t, raw{method: "GET", path: "/attrs/one?attributes"})
	require.Equal(t, 400, r.StatusCode, "%s", r.body)

	// Three parts with CRC32: COMPOSITE checksum, one checksum per part.
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	require.NoError(t, err)
	sizes := []int{5 << 20, 5 << 20, 7}
	var parts []types.CompletedPart
	var sums []string
	for i, n := range sizes {
		data := bytes.Repeat([]byte{byte('a' + i)}, n)
		h := checksum.CRC32.New()
		h.Write(data)
		sums = append(sums, checksum.Encode(h.Sum(nil)))
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bkt, Key: aws.String("mp"), UploadId: cr.UploadId, PartNumber: aws.Int32(int32(i + 1)),
			Body: bytes.NewReader(data), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		require.NoError(t, err)
		require.Equal(t, sums[i], aws.ToString(up.ChecksumCRC32))
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32})
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	a, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("mp"), ObjectAttributes: all, MaxParts: aws.Int32(2)})
	require.NoError(t, err)
	assert.Equal(t, types.ChecksumTypeComposite, a.Checksum.ChecksumType)
	composite, _, _ := strings.Cut(aws.ToString(done.ChecksumCRC32), "-")
	assert.Equal(t, composite, aws.ToString(a.Checksum.ChecksumCRC32))
	require.NotNil(t, a.ObjectParts)
	assert.Equal(t, int32(3), aws.ToInt32(a.ObjectParts.TotalPartsCount))
	assert.Equal(t, int32(2), aws.ToInt32(a.ObjectParts.MaxParts))
	assert.True(t, aws.ToBool(a.ObjectParts.IsTruncated))
	require.Len(t, a.ObjectParts.Parts, 2)
	for i, p := range a.ObjectParts.Parts {
		assert.Equal(t, int32(i+1), aws.ToInt32(p.PartNumber))
		assert.Equal(t, int64(sizes[i]), aws.ToInt64(p.Size))
		assert.Equal(t, sums[i], aws.ToString(p.ChecksumCRC32))
	}
	a, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("mp"), ObjectAttributes: all,
		PartNumberMarker: a.ObjectParts.NextPartNumberMarker})
	require.NoError(t, err)
	assert.False(t, aws.ToBool(a.ObjectParts.IsTruncated))
	require.Len(t, a.ObjectParts.Parts, 1)
	assert.Equal(t, int32(3), aws.ToInt32(a.ObjectParts.Parts[0].PartNumber))
	assert.Equal(t, sums[2], aws.ToString(a.ObjectParts.Parts[0].ChecksumCRC32))

	// GET ?partNumber=2 with checksum mode: the part's own checksum and
	// the parts count.
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bkt, Key: aws.String("mp"), PartNumber: aws.Int32(2), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	g.Body.Close()
	assert.Equal(t, int32(3), aws.ToInt32(g.PartsCount))
	assert.Equal(t, sums[1], aws.ToString(g.ChecksumCRC32))
	assert.Equal(t, int64(5<<20), aws.ToInt64(g.ContentLength))
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bkt, Key: aws.String("mp"), PartNumber: aws.Int32(3), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	assert.Equal(t, sums[2], aws.ToString(h.ChecksumCRC32))
	assert.Equal(t, int32(3), aws.ToInt32(h.PartsCount))
}
