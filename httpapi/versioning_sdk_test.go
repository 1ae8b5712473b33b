package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVersioningSDK drives object versioning through aws-sdk-go-v2:
// PutBucketVersioning, versioned writes, reads, copies, tagging, delete
// markers, the ListObjectVersions paginator, DeleteObjects by version and
// the purge that empties the bucket.
func TestVersioningSDK(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "aws-versions"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	gv, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Empty(t, gv.Status)

	put := func(key, body string) *s3.PutObjectOutput {
		t.Helper()
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String(key), Body: strings.NewReader(body)})
		require.NoError(t, err)
		return out
	}
	get := func(key, vid string) (string, *s3.GetObjectOutput) {
		t.Helper()
		in := &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String(key)}
		if vid != "" {
			in.VersionId = aws.String(vid)
		}
		out, err := c.GetObject(ctx, in)
		require.NoError(t, err)
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return string(b), out
	}

	// Unversioned: no version header.
	assert.Nil(t, put("k", "v0").VersionId)

	// Bad documents.
	for doc, code := range map[string]string{
		`<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>`: "MalformedXML",
		`<VersioningConfiguration></VersioningConfiguration>`:                       "IllegalVersioningConfigurationException",
		`<Versioning>`: "MalformedXML",
	} {
		r := f.do(t, raw{method: "PUT", path: "/" + bk + "?versioning", body: []byte(doc)})
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, doc)
		assert.Equal(t, code, r.errCode(), doc)
	}

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteDisabled}})
	require.NoError(t, err)
	gv, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Equal(t, types.BucketVersioningStatusEnabled, gv.Status)
	assert.Equal(t, types.MFADeleteStatusDisabled, gv.MFADelete)

	v1 := aws.ToString(put("k", "v1").VersionId)
	v2 := aws.ToString(put("k", "v2").VersionId)
	require.NotEmpty(t, v1)
	require.NotEqual(t, v1, v2)
	body, out := get("k", "")
	assert.Equal(t, "v2", body)
	assert.Equal(t, v2, aws.ToString(out.VersionId))
	body, out = get("k", v1)
	assert.Equal(t, "v1", body)
	assert.Equal(t, v1, aws.ToString(out.VersionId))
	body, _ = get("k", "null")
	assert.Equal(t, "v0", body)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String("null")})
	require.NoError(t, err)
	assert.Equal(t, "null", aws.ToString(head.VersionId))

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String("not-a-version")})
	wantCode(t, err, "InvalidArgument")
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String("-----0123456789a")})
	wantCode(t, err, "NoSuchVersion")

	// Tagging by version.
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(v1),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("t"), Value: aws.String("one")}}}})
	require.NoError(t, err)
	tg, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(v1)})
	require.NoError(t, err)
	require.Len(t, tg.TagSet, 1)
	assert.Equal(t, v1, aws.ToString(tg.VersionId))
	tg, err = c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bk), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Empty(t, tg.TagSet, "the latest version keeps its own tags")

	// Copy an older version.
	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bk), Key: aws.String("copy"),
		CopySource: aws.String(bk + "/k?versionId=" + v1)})
	require.NoError(t, err)
	assert.Equal(t, v1, aws.ToString(cp.CopySourceVersionId))
	assert.NotEmpty(t, aws.ToString(cp.VersionId))
	body, _ = get("copy", "")
	assert.Equal(t, "v1", body)

	// A delete makes a marker.
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k")})
	require.NoError(t, err)
	require.True(t, aws.ToBool(del.DeleteMarker))
	marker := aws.ToString(del.VersionId)
	require.NotEmpty(t, marker)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("k")})
	wantCode(t, err, "NoSuchKey")
	r := f.do(t, raw{method: "GET", path: "/" + bk + "/k"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	assert.Equal(t, "true", r.Header.Get("x-amz-delete-marker"))
	assert.Equal(t, marker, r.Header.Get("x-amz-version-id"))
	r = f.do(t, raw{method: "GET", path: "/" + bk + "/k?versionId=" + marker})
	assert.Equal(t, http.StatusMethodNotAllowed, r.StatusCode)
	assert.Equal(t, "MethodNotAllowed", r.errCode())
	assert.Equal(t, "true", r.Header.Get("x-amz-delete-marker"))
	assert.NotEmpty(t, r.Header.Get("Last-Modified"))

	// The paginator sees every version and marker, newest first per key.
	type entry struct {
		key, id string
		marker  bool
		latest  bool
	}
	var all []entry
	pg := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String(bk), MaxKeys: aws.Int32(2)})
	pages := 0
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		require.NoError(t, err)
		pages++
		// Versions and markers of one page, back in key/newest order.
		for _, m := range page.DeleteMarkers {
			all = append(all, entry{aws.ToString(m.Key), aws.ToString(m.VersionId), true, aws.ToBool(m.IsLatest)})
		}
		for _, v := range page.Versions {
			all = append(all, entry{aws.ToString(v.Key), aws.ToString(v.VersionId), false, aws.ToBool(v.IsLatest)})
		}
	}
	assert.Equal(t, 3, pages)
	assert.ElementsMatch(t, []entry{
		{"copy", cp2(cp), false, true},
		{"k", marker, true, true},
		{"k", v2, false, false},
		{"k", v1, false, false},
		{"k", "null", false, false},
	}, all)

	// The bucket is not empty while versions remain.
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bk)})
	wantCode(t, err, "BucketNotEmpty")

	// Deleting the marker undeletes.
	del, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), VersionId: aws.String(marker)})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(del.DeleteMarker))
	assert.Equal(t, marker, aws.ToString(del.VersionId))
	body, _ = get("k", "")
	assert.Equal(t, "v2", body)

	// Suspended: writes are the null version.
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	require.NoError(t, err)
	// S3 names no version in a write's answer there (PutObject's
	// "versioning suspended" example; ceph s3-tests'
	// test_versioning_bucket_atomic_upload_return_version_id), only in
	// reads.
	assert.Nil(t, put("k", "s").VersionId)
	body, _ = get("k", "null")
	assert.Equal(t, "s", body)
	hd, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, "null", aws.ToString(hd.VersionId))
	// CopyObject does name it: "null" (LocalStack's AWS recording of
	// test_s3_copy_object_in_place_suspended_only).
	cres, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bk), Key: aws.String("k2"), CopySource: aws.String(bk + "/k")})
	require.NoError(t, err)
	assert.Equal(t, "null", aws.ToString(cres.VersionId))
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("k3")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bk), Key: aws.String("k3"), UploadId: mp.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("p")})
	require.NoError(t, err)
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("k3"), UploadId: mp.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	require.NoError(t, err)
	assert.Nil(t, done.VersionId)

	// Purge, as rclone does: list every version and delete them by ID.
	lv, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	var ids []types.ObjectIdentifier
	for _, v := range lv.Versions {
		ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
	}
	for _, m := range lv.DeleteMarkers {
		ids = append(ids, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
	}
	dres, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bk), Delete: &types.Delete{Objects: ids}})
	require.NoError(t, err)
	assert.Empty(t, dres.Errors)
	assert.Len(t, dres.Deleted, len(ids))
	for _, d := range dres.Deleted {
		assert.NotEmpty(t, aws.ToString(d.VersionId))
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
}

func cp2(c *s3.CopyObjectOutput) string { return aws.ToString(c.VersionId) }

// TestVersioningDeleteObjectsMarkers checks DeleteObjects without version
// IDs in a versioned bucket: each key gets a delete marker, reported as
// DeleteMarker and DeleteMarkerVersionId.
func TestVersioningDeleteObjectsMarkers(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "aws-markers"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("a"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	res, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bk), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("missing")}}}})
	require.NoError(t, err)
	require.Len(t, res.Deleted, 2)
	for _, d := range res.Deleted {
		assert.True(t, aws.ToBool(d.DeleteMarker))
		assert.NotEmpty(t, aws.ToString(d.DeleteMarkerVersionId))
	}
	lv, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Len(t, lv.DeleteMarkers, 2)
	assert.Len(t, lv.Versions, 1)
}

// TestVersioningMinio drives versioning through minio-go.
func TestVersioningMinio(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	u, _ := url.Parse(f.srv.URL)
	c, err := minio.New(u.Host, &minio.Options{Creds: miniocreds.NewStaticV4(testAK, testSK, ""), Transport: f.httpClient().Transport})
	require.NoError(t, err)
	ctx := context.Background()
	const bk = "minio-versions"
	require.NoError(t, c.MakeBucket(ctx, bk, minio.MakeBucketOptions{}))
	require.NoError(t, c.EnableVersioning(ctx, bk))
	cfg, err := c.GetBucketVersioning(ctx, bk)
	require.NoError(t, err)
	assert.True(t, cfg.Enabled())
	var ids []string
	for _, body := range []string{"one", "two"} {
		info, err := c.PutObject(ctx, bk, "k", strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
		require.NoError(t, err)
		require.NotEmpty(t, info.VersionID)
		ids = append(ids, info.VersionID)
	}
	o, err := c.GetObject(ctx, bk, "k", minio.GetObjectOptions{VersionID: ids[0]})
	require.NoError(t, err)
	b, err := io.ReadAll(o)
	require.NoError(t, err)
	assert.Equal(t, "one", string(b))
	require.NoError(t, c.RemoveObject(ctx, bk, "k", minio.RemoveObjectOptions{}))
	var listed []minio.ObjectInfo
	for obj := range c.ListObjects(ctx, bk, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		require.NoError(t, obj.Err)
		listed = append(listed, obj)
	}
	require.Len(t, listed, 3)
	assert.True(t, listed[0].IsDeleteMarker)
	assert.True(t, listed[0].IsLatest)
	assert.Equal(t, ids[1], listed[1].VersionID)
	assert.Equal(t, ids[0], listed[2].VersionID)
	// Remove every version; then the bucket goes.
	for _, obj := range listed {
		require.NoError(t, c.RemoveObject(ctx, bk, obj.Key, minio.RemoveObjectOptions{VersionID: obj.VersionID}))
	}
	require.NoError(t, c.RemoveBucket(ctx, bk))
}

// TestVersioningOSSV1 drives versioning through aliyun-oss-go-sdk.
func TestVersioningOSSV1(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	const bk = "v1-versions"
	b := v1Bucket(t, c, bk)
	require.NoError(t, c.SetBucketVersioning(bk, oss1.VersioningConfig{Status: "Enabled"}))
	gv, err := c.GetBucketVersioning(bk)
	require.NoError(t, err)
	assert.Equal(t, "Enabled", gv.Status)
	var ids []string
	for _, body := range []string{"one", "two"} {
		var h http.Header
		require.NoError(t, b.PutObject("k", strings.NewReader(body), oss1.GetResponseHeader(&h)))
		require.NotEmpty(t, h.Get("x-oss-version-id"))
		ids = append(ids, h.Get("x-oss-version-id"))
	}
	readAll := reader(t)
	assert.Equal(t, "one", readAll(b.GetObject("k", oss1.VersionId(ids[0]))))
	info, err := c.GetBucketInfo(bk)
	require.NoError(t, err)
	assert.Equal(t, "Enabled", info.BucketInfo.Versioning, "GetBucketInfo says the versioning state")
	// GetObjectMeta (IsObjectExist) of one version: gone once deleted.
	meta, err := b.GetObjectMeta("k", oss1.VersionId(ids[0]))
	require.NoError(t, err)
	assert.Equal(t, ids[0], meta.Get("x-oss-version-id"))
	assert.Equal(t, "3", meta.Get("Content-Length"))
	var first, last http.Header
	require.NoError(t, b.PutObject("m", strings.NewReader("three"), oss1.GetResponseHeader(&first)))
	require.NoError(t, b.PutObject("m", strings.NewReader("four"), oss1.GetResponseHeader(&last)))
	require.NoError(t, b.DeleteObject("m", oss1.VersionId(last.Get("x-oss-version-id"))))
	exist, err := b.IsObjectExist("m", oss1.VersionId(last.Get("x-oss-version-id")))
	require.NoError(t, err)
	assert.False(t, exist, "a deleted version does not exist")
	exist, err = b.IsObjectExist("m", oss1.VersionId(first.Get("x-oss-version-id")))
	require.NoError(t, err)
	assert.True(t, exist)
	require.NoError(t, b.DeleteObject("m", oss1.VersionId(first.Get("x-oss-version-id"))))
	var h http.Header
	require.NoError(t, b.DeleteObject("k", oss1.GetResponseHeader(&h)))
	assert.Equal(t, "true", h.Get("x-oss-delete-marker"))
	marker := h.Get("x-oss-version-id")
	require.NotEmpty(t, marker)
	res, err := b.ListObjectVersions(oss1.MaxKeys(10))
	require.NoError(t, err)
	require.Len(t, res.ObjectDeleteMarkers, 1)
	assert.Equal(t, marker, res.ObjectDeleteMarkers[0].VersionId)
	assert.True(t, res.ObjectDeleteMarkers[0].IsLatest)
	require.Len(t, res.ObjectVersions, 2)
	assert.Equal(t, ids[1], res.ObjectVersions[0].VersionId)
	assert.Equal(t, "Normal", res.ObjectVersions[0].Type)
	// Copy an older version, then delete every version in one request.
	_, err = b.CopyObject("k", "copy", oss1.VersionId(ids[0]))
	require.NoError(t, err)
	assert.Equal(t, "one", readAll(b.GetObject("copy")))
	del, err := b.DeleteObjectVersions([]oss1.DeleteObject{{Key: "k", VersionId: ids[0]}, {Key: "k", VersionId: ids[1]}, {Key: "k", VersionId: marker}})
	require.NoError(t, err)
	require.Len(t, del.DeletedObjectsDetail, 3)
	_, err = b.GetObject("k")
	wantOSS(t, err, 404, "NoSuchKey", "")
}

// TestVersioningOSSV2 drives versioning through alibabacloud-oss-go-sdk-v2.
func TestVersioningOSSV2(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "v2-versions"
	v2Bucket(t, c, bk)
	_, err := c.PutBucketVersioning(bg, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr(bk),
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
	require.NoError(t, err)
	gv, err := c.GetBucketVersioning(bg, &oss2.GetBucketVersioningRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	assert.Equal(t, "Enabled", oss2.ToString(gv.VersionStatus))
	var ids []string
	for _, key := range []string{"a", "a", "b/c"} {
		res, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Body: strings.NewReader("body of " + key)})
		require.NoError(t, err)
		require.NotEmpty(t, oss2.ToString(res.VersionId))
		ids = append(ids, oss2.ToString(res.VersionId))
	}
	body, gres := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("a"), VersionId: oss2.Ptr(ids[0])})
	assert.Equal(t, "body of a", body)
	assert.Equal(t, ids[0], oss2.ToString(gres.VersionId))
	dres, err := c.DeleteObject(bg, &oss2.DeleteObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("a")})
	require.NoError(t, err)
	assert.True(t, dres.DeleteMarker)
	// The paginator, one entry a page, with a delimiter.
	var keys []string
	p := c.NewListObjectVersionsPaginator(&oss2.ListObjectVersionsRequest{Bucket: oss2.Ptr(bk), MaxKeys: 1, Delimiter: oss2.Ptr("/")})
	for p.HasNext() {
		page, err := p.NextPage(bg)
		require.NoError(t, err)
		for _, m := range page.ObjectDeleteMarkers {
			keys = append(keys, "marker:"+oss2.ToString(m.Key))
		}
		for _, v := range page.ObjectVersions {
			keys = append(keys, oss2.ToString(v.Key)+"@"+oss2.ToString(v.VersionId))
		}
		for _, cp := range page.CommonPrefixes {
			keys = append(keys, "prefix:"+oss2.ToString(cp.Prefix))
		}
	}
	assert.Equal(t, []string{"marker:a", "a@" + ids[1], "a@" + ids[0], "prefix:b/"}, keys)
	// Delete by version in one request.
	mres, err := c.DeleteMultipleObjects(bg, &oss2.DeleteMultipleObjectsRequest{Bucket: oss2.Ptr(bk),
		Objects: []oss2.DeleteObject{{Key: oss2.Ptr("a"), VersionId: oss2.Ptr(ids[0])}, {Key: oss2.Ptr("b/c"), VersionId: oss2.Ptr(ids[2])}}})
	require.NoError(t, err)
	require.Len(t, mres.DeletedObjects, 2)
	_, err = c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("b/c")})
	wantOSS(t, err, 404, "NoSuchKey", "")
}

// TestVersioningOSSSymlinksAndTags checks symlinks and tagging by version
// through aliyun-oss-go-sdk: each PutSymlink makes a version, GetSymlink
// and the tagging calls address one.
func TestVersioningOSSSymlinksAndTags(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	const bk = "v1-symlinks"
	b := v1Bucket(t, c, bk)
	require.NoError(t, c.SetBucketVersioning(bk, oss1.VersioningConfig{Status: "Enabled"}))
	require.NoError(t, b.PutObject("t1", strings.NewReader("one")))
	require.NoError(t, b.PutObject("t2", strings.NewReader("two")))
	var h1, h2 http.Header
	require.NoError(t, b.PutSymlink("link", "t1", oss1.GetResponseHeader(&h1)))
	require.NoError(t, b.PutSymlink("link", "t2", oss1.GetResponseHeader(&h2)))
	l1, l2 := h1.Get("x-oss-version-id"), h2.Get("x-oss-version-id")
	require.NotEmpty(t, l1)
	require.NotEqual(t, l1, l2)
	sh, err := b.GetSymlink("link", oss1.VersionId(l1))
	require.NoError(t, err)
	assert.Equal(t, "t1", sh.Get("x-oss-symlink-target"))
	assert.Equal(t, l1, sh.Get("x-oss-version-id"))
	sh, err = b.GetSymlink("link")
	require.NoError(t, err)
	assert.Equal(t, "t2", sh.Get("x-oss-symlink-target"))

	// Tags of an older version of t1.
	var th http.Header
	require.NoError(t, b.PutObject("t1", strings.NewReader("one again")))
	res, err := b.ListObjectVersions(oss1.Prefix("t1"))
	require.NoError(t, err)
	require.Len(t, res.ObjectVersions, 2)
	old := res.ObjectVersions[1].VersionId
	require.NoError(t, b.PutObjectTagging("t1", oss1.Tagging{Tags: []oss1.Tag{{Key: "v", Value: "old"}}}, oss1.VersionId(old), oss1.GetResponseHeader(&th)))
	assert.Equal(t, old, th.Get("x-oss-version-id"))
	tg, err := b.GetObjectTagging("t1", oss1.VersionId(old))
	require.NoError(t, err)
	require.Len(t, tg.Tags, 1)
	tg, err = b.GetObjectTagging("t1")
	require.NoError(t, err)
	assert.Empty(t, tg.Tags)
	_, err = b.GetObjectTagging("t1", oss1.VersionId("-----0123456789a"))
	wantOSS(t, err, 404, "NoSuchVersion", "")
}

// TestVersioningListDetails checks ListObjectVersions' documented
// details: url encoding, the version-id marker rules, markers resuming
// inside a key, and Version/DeleteMarker interleaved in the document.
func TestVersioningListDetails(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "aws-list-versions"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	for _, body := range []string{"1", "2", "3"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("a b"), Body: strings.NewReader(body)})
		require.NoError(t, err)
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("a b")})
	require.NoError(t, err)

	r := f.do(t, raw{method: "GET", path: "/" + bk + "?versions&version-id-marker=x"})
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Equal(t, "InvalidArgument", r.errCode())
	r = f.do(t, raw{method: "GET", path: "/" + bk + "?versions&key-marker=a&version-id-marker=bad%21"})
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)

	r = f.do(t, raw{method: "GET", path: "/" + bk + "?versions&encoding-type=url&max-keys=2"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	body := string(r.body)
	// The marker (newest) comes before the versions, keys URL-encoded.
	assert.Less(t, strings.Index(body, "<DeleteMarker>"), strings.Index(body, "<Version>"), body)
	assert.Contains(t, body, "<Key>a+b</Key>")
	assert.NotContains(t, body, `xmlns=""`, "entries are in the document's namespace")
	assert.Contains(t, body, "<IsTruncated>true</IsTruncated>")
	assert.Contains(t, body, "<NextKeyMarker>a+b</NextKeyMarker>")

	// Resume inside the key with the SDK: the rest of its versions.
	first, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bk), MaxKeys: aws.Int32(2)})
	require.NoError(t, err)
	require.True(t, aws.ToBool(first.IsTruncated))
	rest, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bk),
		KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker})
	require.NoError(t, err)
	assert.Len(t, rest.Versions, 2)
	assert.Empty(t, rest.DeleteMarkers)
	assert.False(t, aws.ToBool(rest.Versions[0].IsLatest))

	// UploadPartCopy from an older version.
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("mp")})
	require.NoError(t, err)
	oldest := aws.ToString(rest.Versions[1].VersionId)
	pc, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(bk), Key: aws.String("mp"), UploadId: mp.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String(bk + "/a%20b?versionId=" + oldest)})
	require.NoError(t, err)
	assert.Equal(t, oldest, aws.ToString(pc.CopySourceVersionId))
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("mp"), UploadId: mp.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: pc.CopyPartResult.ETag}}}})
	require.NoError(t, err)
	assert.NotEmpty(t, aws.ToString(done.VersionId))
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("mp")})
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	out.Body.Close()
	assert.Equal(t, "1", string(b))
	assert.Equal(t, aws.ToString(done.VersionId), aws.ToString(out.VersionId))
}
