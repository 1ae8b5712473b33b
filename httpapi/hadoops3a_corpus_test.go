package httpapi_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file send what Hadoop's S3A connector sends (its
// source: hadoop-tools/hadoop-aws/src/main/java/org/apache/hadoop/fs/s3a)
// and hold osslite to the answers S3A's integration tests (ITest*.java,
// run against real S3) assert (docs/sdk-suites.md, "Hadoop S3A's
// integration tests as a corpus (thirty-second session)").

// hsaFixture is a fixture whose multipart uploads take parts of any
// size, as S3A's tests shrink fs.s3a.multipart.size to 100 KiB.
func hsaFixture(t *testing.T, bucket string) (*fixture, *s3.Client) {
	t.Helper()
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithMinPartSize(1)}})
	seedBucket(t, f, bucket)
	return f, f.client()
}

// hsaUpload is S3A's block output stream with fs.s3a.create.multipart:
// CreateMultipartUpload and one UploadPart when the stream opens and
// writes; hsaUpload.complete is its close.
type hsaUpload struct {
	c           *s3.Client
	bucket, key string
	id          *string
	etag        *string
}

func hsaStartUpload(t *testing.T, c *s3.Client, bucket, key string, body []byte) *hsaUpload {
	t.Helper()
	ctx := context.Background()
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: mp.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(body)})
	require.NoError(t, err)
	return &hsaUpload{c: c, bucket: bucket, key: key, id: mp.UploadId, etag: p.ETag}
}

// complete sends CompleteMultipartUpload with S3A's conditional-create
// headers (ifNoneMatch "*" or an If-Match ETag; empty for none).
func (u *hsaUpload) complete(ifNoneMatch, ifMatch string) (*s3.CompleteMultipartUploadOutput, error) {
	in := &s3.CompleteMultipartUploadInput{Bucket: aws.String(u.bucket), Key: aws.String(u.key), UploadId: u.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: u.etag}}}}
	if ifNoneMatch != "" {
		in.IfNoneMatch = aws.String(ifNoneMatch)
	}
	if ifMatch != "" {
		in.IfMatch = aws.String(ifMatch)
	}
	return u.c.CompleteMultipartUpload(context.Background(), in)
}

// hsaPut is S3A's single PutObject, with the conditional-create headers
// it sets when asked (fs.option.create.conditional.overwrite and
// fs.option.create.conditional.overwrite.etag).
func hsaPut(c *s3.Client, bucket, key string, body []byte, ifNoneMatch, ifMatch string) (*s3.PutObjectOutput, error) {
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}
	if ifNoneMatch != "" {
		in.IfNoneMatch = aws.String(ifNoneMatch)
	}
	if ifMatch != "" {
		in.IfMatch = aws.String(ifMatch)
	}
	return c.PutObject(context.Background(), in)
}

// hsaRequireStatus checks an SDK error's HTTP status and code, as S3A's
// tests check the S3Exception's statusCode().
func hsaRequireStatus(t *testing.T, err error, status int, code string) {
	t.Helper()
	got, gotCode := sseErr(t, err)
	require.Equal(t, status, got, "%v", err)
	if code != "" {
		require.Equal(t, code, gotCode, "%v", err)
	}
}

// TestHsaIfNoneMatchPut: ITestS3APutIfMatchAndIfNoneMatch's
// testIfNoneMatchConflictOnOverwrite and the three empty-file cases: a
// PutObject with If-None-Match: * over an existing object is 412, every
// time, whether the old or the new object is empty; after a delete it
// succeeds again.
func TestHsaIfNoneMatchPut(t *testing.T) {
	_, c := hsaFixture(t, "hsa-inm")
	small := pattern(1024)
	for _, tc := range []struct {
		name          string
		first, second []byte
	}{
		{"non-empty over non-empty", small, small},
		{"empty over non-empty", small, nil},
		{"non-empty over empty", nil, small},
		{"empty over empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "test/" + strings.ReplaceAll(tc.name, " ", "-")
			_, err := hsaPut(c, "hsa-inm", key, tc.first, "*", "")
			require.NoError(t, err)
			for range 2 {
				_, err = hsaPut(c, "hsa-inm", key, tc.second, "*", "")
				hsaRequireStatus(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
			}
			_, err = c.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String("hsa-inm"), Key: aws.String(key)})
			require.NoError(t, err)
			_, err = hsaPut(c, "hsa-inm", key, tc.second, "*", "")
			require.NoError(t, err)
		})
	}
}

// TestHsaIfNoneMatchMultipart: testIfNoneMatchConflictOnMultipartUpload,
// testIfNoneMatchMultipartUploadWithRaceCondition and
// testIfNoneMatchTwoConcurrentMultipartUploads. S3A sends If-None-Match
// on CompleteMultipartUpload only; S3 answers 412 when the object exists
// at Complete, whether it existed at CreateMultipartUpload or was
// written (by a PutObject or another upload) while the upload ran.
func TestHsaIfNoneMatchMultipart(t *testing.T) {
	_, c := hsaFixture(t, "hsa-inm-mp")
	big := pattern(500 << 10)
	const key = "test/file"

	// Over an existing object, twice.
	_, err := hsaStartUpload(t, c, "hsa-inm-mp", key, big).complete("*", "")
	require.NoError(t, err)
	for range 2 {
		_, err = hsaStartUpload(t, c, "hsa-inm-mp", key, big).complete("*", "")
		hsaRequireStatus(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	}

	// Racing a small PutObject with If-None-Match, then another upload.
	for i, rival := range []func(){
		func() { _, err := hsaPut(c, "hsa-inm-mp", "race/0", pattern(10), "*", ""); require.NoError(t, err) },
		func() {
			_, err := hsaStartUpload(t, c, "hsa-inm-mp", "race/1", big).complete("*", "")
			require.NoError(t, err)
		},
	} {
		u := hsaStartUpload(t, c, "hsa-inm-mp", fmt.Sprintf("race/%d", i), big)
		rival()
		_, err = u.complete("*", "")
		hsaRequireStatus(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	}
}

// TestHsaIfMatchPut: testIfMatchOverwriteWithCorrectEtag,
// testIfMatchOverwriteWithOutdatedEtag and
// testIfMatchOverwriteDeletedFileWithEtag: a PutObject with the current
// ETag in If-Match replaces the object; with an outdated ETag it is 412;
// after the object was deleted it is 404 (S3A's FileNotFoundException
// from an S3Exception with status 404).
func TestHsaIfMatchPut(t *testing.T) {
	_, c := hsaFixture(t, "hsa-im")
	ctx := context.Background()
	const key = "test/file"
	first, err := hsaPut(c, "hsa-im", key, pattern(1024), "", "")
	require.NoError(t, err)
	_, err = hsaPut(c, "hsa-im", key, []byte("Updated content"), "", aws.ToString(first.ETag))
	require.NoError(t, err)
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("hsa-im"), Key: aws.String(key)})
	require.NoError(t, err)
	body, _ := io.ReadAll(g.Body)
	g.Body.Close()
	require.Equal(t, "Updated content", string(body))

	// Outdated: the update changed the ETag.
	_, err = hsaPut(c, "hsa-im", key, pattern(1024), "", aws.ToString(first.ETag))
	hsaRequireStatus(t, err, http.StatusPreconditionFailed, "PreconditionFailed")

	// Deleted.
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("hsa-im"), Key: aws.String(key)})
	require.NoError(t, err)
	_, err = hsaPut(c, "hsa-im", key, pattern(1024), "", aws.ToString(first.ETag))
	hsaRequireStatus(t, err, http.StatusNotFound, "NoSuchKey")
}

// TestHsaIfMatchMultipartRace: testIfMatchTwoMultipartUploadsRaceCondition
// OneClosesFirst: two uploads started with the same If-Match ETag; the
// first Complete succeeds and changes the ETag, the second is 412.
func TestHsaIfMatchMultipartRace(t *testing.T) {
	_, c := hsaFixture(t, "hsa-im-mp")
	const key = "test/file"
	put, err := hsaPut(c, "hsa-im-mp", key, pattern(1024), "", "")
	require.NoError(t, err)
	etag := aws.ToString(put.ETag)
	u1 := hsaStartUpload(t, c, "hsa-im-mp", key, pattern(500<<10))
	u2 := hsaStartUpload(t, c, "hsa-im-mp", key, pattern(500<<10))
	_, err = u1.complete("", etag)
	require.NoError(t, err)
	_, err = u2.complete("", etag)
	hsaRequireStatus(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
}

// TestHsaChangeDetectionETag: S3A's default change detection
// (fs.s3a.change.detection.source=etag, mode=server) reopens a stream
// with a ranged GET carrying If-Match: <etag from the open>, and a
// rename copies with x-amz-copy-source-if-match. ITestS3ARemoteFileChanged
// expects S3 to answer 412 once the object was overwritten (S3A raises
// RemoteFileChangedException) and the object's bytes while it was not.
func TestHsaChangeDetectionETag(t *testing.T) {
	f, c := hsaFixture(t, "hsa-change")
	ctx := context.Background()
	put, err := hsaPut(c, "hsa-change", "data/file", []byte("0123456789abcdef"), "", "")
	require.NoError(t, err)
	old := aws.ToString(put.ETag)

	r := f.do(t, raw{method: "GET", path: "/hsa-change/data/file", header: hdr("Range", "bytes=4-7", "If-Match", old)})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	require.Equal(t, "4567", string(r.body))
	require.Equal(t, old, r.Header.Get("ETag"))

	_, err = hsaPut(c, "hsa-change", "data/file", []byte("changed!"), "", "")
	require.NoError(t, err)
	r = f.do(t, raw{method: "GET", path: "/hsa-change/data/file", header: hdr("Range", "bytes=4-7", "If-Match", old)})
	require.Equal(t, http.StatusPreconditionFailed, r.StatusCode, string(r.body))
	require.Equal(t, "PreconditionFailed", r.errCode())
	r = f.do(t, raw{method: "HEAD", path: "/hsa-change/data/file", header: hdr("If-Match", old)})
	require.Equal(t, http.StatusPreconditionFailed, r.StatusCode)
	require.Empty(t, r.body)

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("hsa-change"), Key: aws.String("data/renamed"),
		CopySource: aws.String("hsa-change/data/file"), CopySourceIfMatch: aws.String(old)})
	hsaRequireStatus(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-change"), Key: aws.String("data/file")})
	require.NoError(t, err)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("hsa-change"), Key: aws.String("data/renamed"),
		CopySource: aws.String("hsa-change/data/file"), CopySourceIfMatch: head.ETag})
	require.NoError(t, err)

	// Deleted: the reopen is a FileNotFoundException (404), not a change.
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("hsa-change"), Key: aws.String("data/file")})
	require.NoError(t, err)
	r = f.do(t, raw{method: "GET", path: "/hsa-change/data/file", header: hdr("Range", "bytes=0-7", "If-Match", aws.ToString(head.ETag))})
	require.Equal(t, http.StatusNotFound, r.StatusCode, string(r.body))
	require.Equal(t, "NoSuchKey", r.errCode())
}

// TestHsaChangeDetectionVersionID: with fs.s3a.change.detection.source=
// versionid S3A reads with ?versionId=<id from the open> and copies
// from "bucket/key?versionId=<id>"; on a versioned bucket S3 serves the
// version opened even after an overwrite (ITestS3ARemoteFileChanged in
// server mode with versionid expects no exception and the old bytes),
// and the copy answers x-amz-copy-source-version-id.
func TestHsaChangeDetectionVersionID(t *testing.T) {
	f, c := hsaFixture(t, "hsa-versions")
	ctx := context.Background()
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("hsa-versions"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	v1, err := hsaPut(c, "hsa-versions", "data/file", []byte("0123456789"), "", "")
	require.NoError(t, err)
	_, err = hsaPut(c, "hsa-versions", "data/file", []byte("overwritten"), "", "")
	require.NoError(t, err)
	id := aws.ToString(v1.VersionId)
	r := f.do(t, raw{method: "GET", path: "/hsa-versions/data/file?versionId=" + id, header: hdr("Range", "bytes=2-5")})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	require.Equal(t, "2345", string(r.body))
	require.Equal(t, id, r.Header.Get("x-amz-version-id"))
	// testReadFileChanged: with versionid in server mode even a deleted
	// file reads on (expectFileNotFoundException false).
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("hsa-versions"), Key: aws.String("data/file")})
	require.NoError(t, err)
	r = f.do(t, raw{method: "GET", path: "/hsa-versions/data/file?versionId=" + id, header: hdr("Range", "bytes=0-1")})
	require.Equal(t, http.StatusPartialContent, r.StatusCode, string(r.body))
	require.Equal(t, "01", string(r.body))

	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("hsa-versions"), Key: aws.String("data/renamed"),
		CopySource: aws.String("hsa-versions/data/file?versionId=" + id)})
	require.NoError(t, err)
	require.Equal(t, id, aws.ToString(cp.CopySourceVersionId))
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("hsa-versions"), Key: aws.String("data/renamed")})
	require.NoError(t, err)
	body, _ := io.ReadAll(g.Body)
	g.Body.Close()
	require.Equal(t, "0123456789", string(body))
}

// TestHsaDirectoryMarkers: S3A's mkdirs writes "dir/" as a zero-byte
// object of Content-Type application/x-directory (newDirectoryMarker
// Request), and getFileStatus probes a path with HEAD key, then a
// ListObjectsV2 of prefix "key/" with max-keys 2 (ITestS3AEmptyDirectory,
// ITestS3AStorageClass: a marker has no storage class even when
// fs.s3a.create.storage.class is set, as S3A sends none for it).
func TestHsaDirectoryMarkers(t *testing.T) {
	f, c := hsaFixture(t, "hsa-dirs")
	ctx := context.Background()
	r := f.do(t, raw{method: "PUT", path: "/hsa-dirs/a/empty/", header: hdr("Content-Type", "application/x-directory", "Content-Length", "0")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	r = f.do(t, raw{method: "HEAD", path: "/hsa-dirs/a/empty"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Empty(t, r.body)
	r = f.do(t, raw{method: "HEAD", path: "/hsa-dirs/a/empty/"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.Equal(t, "0", r.Header.Get("Content-Length"))
	require.Equal(t, "application/x-directory", r.Header.Get("Content-Type"))
	require.Empty(t, r.Header.Get("x-amz-storage-class"))

	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("hsa-dirs"), Prefix: aws.String("a/empty/"),
		Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	require.NoError(t, err)
	require.Len(t, l.Contents, 1)
	require.Equal(t, "a/empty/", aws.ToString(l.Contents[0].Key))
	require.Equal(t, int64(0), aws.ToInt64(l.Contents[0].Size))
	require.Empty(t, l.CommonPrefixes)

	// The parent is a directory by prefix only.
	l, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("hsa-dirs"), Prefix: aws.String("a/"),
		Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	require.NoError(t, err)
	require.Empty(t, l.Contents)
	require.Len(t, l.CommonPrefixes, 1)
	require.Equal(t, "a/empty/", aws.ToString(l.CommonPrefixes[0].Prefix))
}

// TestHsaStorageClass: ITestS3AStorageClass. An object written with
// x-amz-storage-class REDUCED_REDUNDANCY reports it on HEAD, and a
// rename (CopyObject with the source's class, S3A's
// newCopyObjectRequest) keeps it; a STANDARD object reports none; a
// rename of a GLACIER object fails with 403 InvalidObjectState (the
// test intercepts AccessDeniedException with "InvalidObjectState").
func TestHsaStorageClass(t *testing.T) {
	_, c := hsaFixture(t, "hsa-classes")
	ctx := context.Background()
	put := func(key string, class types.StorageClass) {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("hsa-classes"), Key: aws.String(key),
			Body: strings.NewReader(""), StorageClass: class})
		require.NoError(t, err)
	}
	class := func(key string) types.StorageClass {
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-classes"), Key: aws.String(key)})
		require.NoError(t, err)
		return h.StorageClass
	}
	put("std", "")
	require.Empty(t, class("std"))
	put("rrs", types.StorageClassReducedRedundancy)
	require.Equal(t, types.StorageClassReducedRedundancy, class("rrs"))
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("hsa-classes"), Key: aws.String("rrs2"),
		CopySource: aws.String("hsa-classes/rrs"), StorageClass: types.StorageClassReducedRedundancy,
		MetadataDirective: types.MetadataDirectiveReplace})
	require.NoError(t, err)
	require.Equal(t, types.StorageClassReducedRedundancy, class("rrs2"))

	put("cold", types.StorageClassGlacier)
	require.Equal(t, types.StorageClassGlacier, class("cold"))
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("hsa-classes"), Key: aws.String("cold2"),
		CopySource: aws.String("hsa-classes/cold"), StorageClass: types.StorageClassGlacier,
		MetadataDirective: types.MetadataDirectiveReplace})
	hsaRequireStatus(t, err, http.StatusForbidden, "InvalidObjectState")
}

// TestHsaContentEncodingRename: ITestS3AContentEncoding. With
// fs.s3a.object.content.encoding=gzip S3A sends Content-Encoding: gzip
// on every object but directory markers; a rename copies with
// x-amz-metadata-directive REPLACE and the source's headers
// (HeaderProcessing.cloneObjectMetadata), and both objects read back
// Content-Encoding gzip (S3A's XA_CONTENT_ENCODING attribute) with the
// user metadata unchanged.
func TestHsaContentEncodingRename(t *testing.T) {
	_, c := hsaFixture(t, "hsa-encoding")
	ctx := context.Background()
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("hsa-encoding"), Key: aws.String("dir/1"),
		Body: strings.NewReader(""), ContentEncoding: aws.String("gzip"), ContentType: aws.String("application/octet-stream"),
		Metadata: map[string]string{"header.x-hadoop-s3a-magic-data-length": "0"}})
	require.NoError(t, err)
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-encoding"), Key: aws.String("dir/1")})
	require.NoError(t, err)
	require.Equal(t, "gzip", aws.ToString(h.ContentEncoding))
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("hsa-encoding"), Key: aws.String("dir/2"),
		CopySource: aws.String("hsa-encoding/dir/1"), MetadataDirective: types.MetadataDirectiveReplace,
		ContentEncoding: h.ContentEncoding, ContentType: h.ContentType, Metadata: h.Metadata, CopySourceIfMatch: h.ETag})
	require.NoError(t, err)
	h2, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-encoding"), Key: aws.String("dir/2")})
	require.NoError(t, err)
	require.Equal(t, "gzip", aws.ToString(h2.ContentEncoding))
	require.Equal(t, h.Metadata, h2.Metadata)
	require.Equal(t, h.ETag, h2.ETag)
}

// hsaBulkDelete sends S3A's bulk delete: DeleteObjects in quiet mode
// (RequestFactoryImpl.newBulkDeleteRequest), with Content-MD5 as
// fs.s3a.request.md5.header sends it.
func hsaBulkDelete(t *testing.T, f *fixture, bucket, ak, sk string, keys ...string) rawResponse {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for _, k := range keys {
		b.WriteString("<Object><Key>" + k + "</Key></Object>")
	}
	b.WriteString("<Quiet>true</Quiet></Delete>")
	body := []byte(b.String())
	return f.do(t, raw{method: "POST", path: "/" + bucket + "?delete", body: body, ak: ak, sk: sk,
		header: hdr("Content-MD5", md5hdr(body), "Content-Type", "application/xml")})
}

// TestHsaBulkDelete: ITestS3AFailureHandling. A quiet DeleteObjects of
// a file, a missing key and a directory marker succeeds with no entry
// (testMultiObjectDeleteSomeFiles: the missing key is no failure); a
// caller whose policy lets it delete only part of the keys gets 200 and
// one AccessDenied Error per refused key, which S3A turns into
// MultiObjectDeleteException and then AccessDeniedException
// (testMultiObjectDeleteNoPermissions, ITestPartialRenamesDeletes with a
// read-only role); the refused objects stay.
func TestHsaBulkDelete(t *testing.T) {
	f, c := hsaFixture(t, "hsa-bulk")
	ctx := context.Background()
	for _, k := range []string{"dir/", "dir/file", "ro/file", "ro/dir/"} {
		_, err := hsaPut(c, "hsa-bulk", k, nil, "", "")
		require.NoError(t, err)
	}
	r := hsaBulkDelete(t, f, "hsa-bulk", "", "", "dir/file", "dir/missing", "dir/")
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NotContains(t, string(r.body), "<Error>")
	require.NotContains(t, string(r.body), "<Deleted>")

	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("hsa-bulk"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
			`"},"Action":["s3:GetObject","s3:ListBucket","s3:DeleteObject"],"Resource":["arn:aws:s3:::hsa-bulk","arn:aws:s3:::hsa-bulk/*"]},` +
			`{"Effect":"Deny","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
			`"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::hsa-bulk/ro/*"}]}`)})
	require.NoError(t, err)
	_, err = hsaPut(c, "hsa-bulk", "rw/file", nil, "", "")
	require.NoError(t, err)
	r = hsaBulkDelete(t, f, "hsa-bulk", otherAK, otherSK, "ro/file", "ro/dir/", "rw/file")
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var res struct {
		Errors []struct{ Key, Code, Message string } `xml:"Error"`
	}
	require.NoError(t, xml.Unmarshal(r.body, &res))
	require.Len(t, res.Errors, 2, string(r.body))
	for i, k := range []string{"ro/file", "ro/dir/"} {
		assert.Equal(t, k, res.Errors[i].Key)
		assert.Equal(t, "AccessDenied", res.Errors[i].Code)
		assert.Equal(t, "Access Denied", res.Errors[i].Message)
	}
	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("hsa-bulk")})
	require.NoError(t, err)
	var keys []string
	for _, o := range l.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	require.Equal(t, []string{"ro/dir/", "ro/file"}, keys)
}

// TestHsaPendingUploads: the magic committer and `hadoop s3guard
// uploads`. A task's file under __magic_job-N/ becomes an upload to the
// final key left uncompleted, plus a zero-byte marker at the magic path
// whose x-amz-meta-x-hadoop-s3a-magic-data-length names the length;
// job commit finds the uploads with ListMultipartUploads under the
// destination prefix (max-uploads = fs.s3a.paging.maximum, paged with
// key-marker/upload-id-marker: ITestS3AMultipartUtils pages by 2) and
// completes them; the uploads tool aborts the rest.
func TestHsaPendingUploads(t *testing.T) {
	f, c := hsaFixture(t, "hsa-magic")
	ctx := context.Background()
	part := pattern(200 << 10)
	var ups []*hsaUpload
	for _, k := range []string{"out/part-0000", "out/part-0001", "out/part-0001", "out/sub/part-0002", "other/part-0000"} {
		ups = append(ups, hsaStartUpload(t, c, "hsa-magic", k, part))
	}
	r := f.do(t, raw{method: "PUT", path: "/hsa-magic/out/__magic_job-1/task/part-0000",
		header: hdr("x-amz-meta-x-hadoop-s3a-magic-data-length", fmt.Sprint(len(part)), "Content-Length", "0")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-magic"), Key: aws.String("out/__magic_job-1/task/part-0000")})
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(len(part)), h.Metadata["x-hadoop-s3a-magic-data-length"])
	require.Equal(t, int64(0), aws.ToInt64(h.ContentLength))

	// ListMultipartUploads two at a time, under out/ and with no prefix
	// (ITestS3AMultipartUtils sets fs.s3a.paging.maximum to 2).
	listAll := func(prefix *string) []string {
		var listed []string
		in := &s3.ListMultipartUploadsInput{Bucket: aws.String("hsa-magic"), Prefix: prefix, MaxUploads: aws.Int32(2)}
		for page := 0; ; page++ {
			require.Less(t, page, 5)
			out, err := c.ListMultipartUploads(ctx, in)
			require.NoError(t, err)
			for _, u := range out.Uploads {
				// `hadoop s3guard uploads -seconds N` ages uploads by
				// Initiated against the client's clock (ITestS3GuardTool
				// testUploadListByAge).
				require.WithinDuration(t, f.clock.Now(), aws.ToTime(u.Initiated), 2*time.Second)
				listed = append(listed, aws.ToString(u.Key)+"#"+aws.ToString(u.UploadId))
			}
			if !aws.ToBool(out.IsTruncated) {
				return listed
			}
			in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
		}
	}
	listed := listAll(aws.String("out/"))
	require.Len(t, listed, 4)
	for _, u := range ups[:4] {
		require.Contains(t, listed, u.key+"#"+aws.ToString(u.id))
	}
	listed = listAll(nil)
	require.Len(t, listed, 5)
	for _, u := range ups {
		require.Contains(t, listed, u.key+"#"+aws.ToString(u.id))
	}

	// Job commit completes one, abort (s3guard uploads -abort) the rest.
	_, err = ups[0].complete("", "")
	require.NoError(t, err)
	for _, u := range ups[1:4] {
		_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("hsa-magic"), Key: aws.String(u.key), UploadId: u.id})
		require.NoError(t, err)
	}
	out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("hsa-magic"), Prefix: aws.String("out/")})
	require.NoError(t, err)
	require.Empty(t, out.Uploads)
	g, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-magic"), Key: aws.String("out/part-0000")})
	require.NoError(t, err)
	require.Equal(t, int64(len(part)), aws.ToInt64(g.ContentLength))
}

// TestHsaRequesterPays: ITestS3ARequesterPays. With
// fs.s3a.requester.pays.enabled S3A sends x-amz-request-payer:
// requester on every request; another account reading a requester-pays
// bucket so probes the bucket (HeadBucket, fs.s3a.bucket.probe=2),
// HEADs, reads the last byte then the first, and lists. Without the
// header its open (HEAD) is 403.
func TestHsaRequesterPays(t *testing.T) {
	f, c := hsaFixture(t, "hsa-payer")
	ctx := context.Background()
	_, err := hsaPut(c, "hsa-payer", "data/file.csv", []byte("a,b,c\n1,2,3\n"), "", "")
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("hsa-payer"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
			`"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::hsa-payer","arn:aws:s3:::hsa-payer/*"]}]}`)})
	require.NoError(t, err)
	_, err = c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: aws.String("hsa-payer"),
		RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}})
	require.NoError(t, err)

	pays := hdr("x-amz-request-payer", "requester")
	for _, q := range []struct {
		method, path string
		header       http.Header
		status       int
		body         string
	}{
		{"HEAD", "/hsa-payer", pays, http.StatusOK, ""},
		{"HEAD", "/hsa-payer/data/file.csv", pays, http.StatusOK, ""},
		{"GET", "/hsa-payer/data/file.csv", hdr("x-amz-request-payer", "requester", "Range", "bytes=11-11"), http.StatusPartialContent, "\n"},
		{"GET", "/hsa-payer/data/file.csv", hdr("x-amz-request-payer", "requester", "Range", "bytes=0-0"), http.StatusPartialContent, "a"},
		{"GET", "/hsa-payer?list-type=2&prefix=data%2F&delimiter=%2F", pays, http.StatusOK, "<Key>data/file.csv</Key>"},
		{"HEAD", "/hsa-payer/data/file.csv", nil, http.StatusForbidden, ""},
	} {
		r := f.do(t, raw{method: q.method, path: q.path, header: q.header, ak: otherAK, sk: otherSK})
		require.Equal(t, q.status, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
		if q.body != "" {
			require.Contains(t, string(r.body), q.body)
		}
	}
}

// TestHsaChecksumAlgorithm: ITestS3AChecksum with
// fs.s3a.create.checksum.algorithm=SHA256 (its default there): files of
// 1 to 257 bytes written by PutObject, and a multipart file, carry a
// SHA256 checksum that HeadObject with x-amz-checksum-mode ENABLED
// returns (the test asserts checksumSHA256() is not null).
func TestHsaChecksumAlgorithm(t *testing.T) {
	_, c := hsaFixture(t, "hsa-checksums")
	ctx := context.Background()
	for _, n := range []int{1, 2, 3, 4, 5, 254, 255, 256, 257, 2 ^ 12 - 1} {
		key := fmt.Sprintf("testChecksum-%04x", n)
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("hsa-checksums"), Key: aws.String(key),
			Body: bytes.NewReader(pattern(n)), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		require.NoError(t, err)
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-checksums"), Key: aws.String(key),
			ChecksumMode: types.ChecksumModeEnabled})
		require.NoError(t, err)
		require.NotEmpty(t, aws.ToString(h.ChecksumSHA256), key)
	}
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("hsa-checksums"), Key: aws.String("big"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	require.NoError(t, err)
	var parts []types.CompletedPart
	for i := int32(1); i <= 2; i++ {
		p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("hsa-checksums"), Key: aws.String("big"), UploadId: mp.UploadId,
			PartNumber: aws.Int32(i), Body: bytes.NewReader(pattern(100 << 10)), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		require.NoError(t, err)
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(i), ETag: p.ETag, ChecksumSHA256: p.ChecksumSHA256})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("hsa-checksums"), Key: aws.String("big"),
		UploadId: mp.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-checksums"), Key: aws.String("big"), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(aws.ToString(h.ChecksumSHA256), "-2"), aws.ToString(h.ChecksumSHA256))
	require.Equal(t, types.ChecksumTypeComposite, h.ChecksumType)
}

// TestHsaKMSKeyRoundTrip: EncryptionTestUtils.assertEncrypted, as the
// SSE-KMS, DSSE-KMS and KMS-default-key ITests call it: an object
// written with x-amz-server-side-encryption aws:kms (or aws:kms:dsse)
// and the key's full ARN in fs.s3a.encryption.key reports that
// algorithm and exactly that ARN on HEAD; without a key it reports a
// KMS ARN (the default key). A rename (CopyObject naming the source's
// KMS key, RequestFactoryImpl.copyEncryptionParameters) keeps both;
// the encryption context S3A sends
// (ITestS3AEncryptionSSEKMSWithEncryptionContext) is accepted.
func TestHsaKMSKeyRoundTrip(t *testing.T) {
	_, c := hsaFixture(t, "hsa-kms")
	ctx := context.Background()
	// The ARN osslite names the key by: what a user copies into
	// fs.s3a.encryption.key.
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("hsa-kms"), Key: aws.String("probe"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/app")})
	require.NoError(t, err)
	arn := aws.ToString(out.SSEKMSKeyId)
	require.True(t, strings.HasPrefix(arn, "arn:aws:kms:"), arn)

	for _, alg := range []types.ServerSideEncryption{types.ServerSideEncryptionAwsKms, types.ServerSideEncryptionAwsKmsDsse} {
		for _, key := range []string{arn, ""} {
			name := fmt.Sprintf("%s/%t", alg, key != "")
			in := &s3.PutObjectInput{Bucket: aws.String("hsa-kms"), Key: aws.String(name), Body: strings.NewReader("data"),
				ServerSideEncryption: alg}
			if key != "" {
				in.SSEKMSKeyId = aws.String(key)
				in.SSEKMSEncryptionContext = aws.String("eyJwcm9qZWN0IjoiaGFkb29wIn0=") // {"project":"hadoop"}
			}
			_, err := c.PutObject(ctx, in)
			require.NoError(t, err, name)
			h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-kms"), Key: aws.String(name)})
			require.NoError(t, err, name)
			require.Equal(t, alg, h.ServerSideEncryption, name)
			if key != "" {
				require.Equal(t, arn, aws.ToString(h.SSEKMSKeyId), name)
			} else {
				require.True(t, strings.HasPrefix(aws.ToString(h.SSEKMSKeyId), "arn:aws:kms:"), name)
			}
			_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("hsa-kms"), Key: aws.String(name + "-renamed"),
				CopySource: aws.String("hsa-kms/" + name), MetadataDirective: types.MetadataDirectiveReplace,
				ServerSideEncryption: alg, SSEKMSKeyId: h.SSEKMSKeyId, CopySourceIfMatch: h.ETag})
			require.NoError(t, err, name)
			h2, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("hsa-kms"), Key: aws.String(name + "-renamed")})
			require.NoError(t, err, name)
			require.Equal(t, alg, h2.ServerSideEncryption, name)
			require.Equal(t, aws.ToString(h.SSEKMSKeyId), aws.ToString(h2.SSEKMSKeyId), name)
		}
	}
}

// TestHsaMultipartUploaderContract: ITestS3AContractMultipartUploader
// (AbstractContractMultipartUploaderTest with S3A's overrides) against
// S3. A single empty part completes to an empty file
// (testMultipartUploadEmptyPart, testUploadEmptyBlock); parts numbered
// 2, 4, 6 uploaded in reverse complete in order
// (testMultipartUploadReverseOrderNonContiguousPartNumbers); two uploads
// to one path both complete, the last winning, the second with part 2
// only (testConcurrentUploads). After an abort, UploadPart and Complete
// fail with NoSuchUpload but a second abort succeeds, as S3A declares
// finalizeConsumesUploadIdImmediately() false for S3
// (testMultipartUploadAbort); an unknown upload ID is 404 NoSuchUpload
// (testAbortUnknownUpload: FileNotFoundException).
func TestHsaMultipartUploaderContract(t *testing.T) {
	f, c := hsaFixture(t, "hsa-mpu")
	ctx := context.Background()
	bucket := aws.String("hsa-mpu")
	start := func(key string) *string {
		mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String(key)})
		require.NoError(t, err)
		return mp.UploadId
	}
	put := func(key string, id *string, n int32, body []byte) types.CompletedPart {
		p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String(key), UploadId: id, PartNumber: aws.Int32(n), Body: bytes.NewReader(body)})
		require.NoError(t, err)
		return types.CompletedPart{PartNumber: aws.Int32(n), ETag: p.ETag}
	}
	complete := func(key string, id *string, parts ...types.CompletedPart) error {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String(key), UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		return err
	}
	size := func(key string) int64 {
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String(key)})
		require.NoError(t, err)
		return aws.ToInt64(h.ContentLength)
	}

	id := start("empty")
	require.NoError(t, complete("empty", id, put("empty", id, 1, nil)))
	require.Equal(t, int64(0), size("empty"))

	id = start("sparse")
	p6, p4, p2 := put("sparse", id, 6, pattern(300)), put("sparse", id, 4, pattern(200)), put("sparse", id, 2, pattern(100))
	require.NoError(t, complete("sparse", id, p2, p4, p6))
	require.Equal(t, int64(600), size("sparse"))

	u1, u2 := start("concurrent"), start("concurrent")
	require.NotEqual(t, aws.ToString(u1), aws.ToString(u2))
	q1 := put("concurrent", u1, 1, pattern(1000))
	q2 := put("concurrent", u2, 2, pattern(2000))
	require.NoError(t, complete("concurrent", u1, q1))
	require.Equal(t, int64(1000), size("concurrent"))
	require.NoError(t, complete("concurrent", u2, q2))
	require.Equal(t, int64(2000), size("concurrent"))

	id = start("aborted")
	parts := []types.CompletedPart{put("aborted", id, 12, pattern(10)), put("aborted", id, 11, pattern(10))}
	abort := func(id *string) error {
		_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bucket, Key: aws.String("aborted"), UploadId: id})
		return err
	}
	require.NoError(t, abort(id))
	_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("aborted"), UploadId: id, PartNumber: aws.Int32(49),
		Body: strings.NewReader("ThisIsPart49\n")})
	hsaRequireStatus(t, err, http.StatusNotFound, "NoSuchUpload")
	hsaRequireStatus(t, complete("aborted", id, parts[1], parts[0]), http.StatusNotFound, "NoSuchUpload")
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("aborted")})
	hsaRequireStatus(t, err, http.StatusNotFound, "")
	require.NoError(t, abort(id), "a second abort")
	hsaRequireStatus(t, abort(aws.String("invalid-handle")), http.StatusNotFound, "NoSuchUpload")

	// The aborted upload is forgotten with the completed-upload window
	// (an hour): then its abort is NoSuchUpload too.
	f.clock.Advance(61 * time.Minute)
	r := f.do(t, raw{method: "DELETE", path: "/hsa-mpu/aborted?uploadId=" + aws.ToString(id)})
	require.Equal(t, http.StatusNotFound, r.StatusCode, string(r.body))
	require.Equal(t, "NoSuchUpload", r.errCode())
}

// TestHsaBucketProbe: ITestS3ABucketExistence and third_party_stores.md.
// S3A signs for whatever fs.s3a.endpoint.region names (the document
// recommends "external" for third-party stores); HeadBucket of its
// bucket answers x-amz-bucket-region, of a missing bucket 404 without a
// body (UnknownStoreException), and its first listing of a missing
// bucket is 404 NoSuchBucket. S3A lists with max-keys 5000
// (fs.s3a.paging.maximum), which S3 serves as pages of at most 1000.
// An empty object read with a range is 416 (S3A reads nothing then).
func TestHsaBucketProbe(t *testing.T) {
	f, c := hsaFixture(t, "hsa-probe")
	ctx := context.Background()
	external := func(method, path string) http.Header {
		req, err := http.NewRequest(method, f.srv.URL+path, nil)
		require.NoError(t, err)
		_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "external", "s3", f.clock.Now(), sigv4.EmptySHA256)
		require.NoError(t, err)
		return req.Header
	}
	r := f.do(t, raw{method: "HEAD", path: "/hsa-probe", header: external("HEAD", "/hsa-probe"), sign: "keep"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.Equal(t, "us-east-1", r.Header.Get("x-amz-bucket-region"))
	r = f.do(t, raw{method: "HEAD", path: "/hsa-missing", header: external("HEAD", "/hsa-missing"), sign: "keep"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Empty(t, r.body)
	r = f.do(t, raw{method: "GET", path: "/hsa-missing?list-type=2&max-keys=2&prefix=&delimiter=%2F"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, "NoSuchBucket", r.errCode())
	// testNoBucketProbing: isFile's HEAD is a plain 404 (false), while a
	// write, a delete and an upload name the missing bucket
	// (UnknownStoreException).
	r = f.do(t, raw{method: "HEAD", path: "/hsa-missing/testfile"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Empty(t, r.body)
	for _, q := range []raw{
		{method: "PUT", path: "/hsa-missing/testfile", body: pattern(1024)},
		{method: "DELETE", path: "/hsa-missing/testfile"},
		{method: "POST", path: "/hsa-missing/testfile?uploads"},
		{method: "POST", path: "/hsa-missing?delete", body: []byte(`<Delete><Object><Key>testfile</Key></Object><Quiet>true</Quiet></Delete>`),
			header: hdr("Content-MD5", md5hdr([]byte(`<Delete><Object><Key>testfile</Key></Object><Quiet>true</Quiet></Delete>`)))},
	} {
		r = f.do(t, q)
		require.Equal(t, http.StatusNotFound, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
		require.Equal(t, "NoSuchBucket", r.errCode(), "%s %s", q.method, q.path)
	}

	for i := range 1001 {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("hsa-probe"), Key: aws.String(fmt.Sprintf("k/%04d", i))})
		require.NoError(t, err)
	}
	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("hsa-probe"), Prefix: aws.String("k/"), MaxKeys: aws.Int32(5000)})
	require.NoError(t, err)
	require.Len(t, l.Contents, 1000)
	require.True(t, aws.ToBool(l.IsTruncated))
	l, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("hsa-probe"), Prefix: aws.String("k/"), MaxKeys: aws.Int32(5000),
		ContinuationToken: l.NextContinuationToken})
	require.NoError(t, err)
	require.Len(t, l.Contents, 1)
	require.False(t, aws.ToBool(l.IsTruncated))

	r = f.do(t, raw{method: "GET", path: "/hsa-probe/k/0000", header: hdr("Range", "bytes=0-8191")})
	require.Equal(t, http.StatusRequestedRangeNotSatisfiable, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidRange", r.errCode())
}

// TestHsaUploadRecovery: commit/ITestUploadRecovery injects failures
// into S3's responses, so each request S3A retries has already been
// carried out: a PutObject sent again, an UploadPart of the same number
// sent three times, and a CompleteMultipartUpload sent three times
// (testCommitOperations: "commit will fail twice on the complete
// call"); S3 answers the retried Complete as the first and the object
// holds the data once.
func TestHsaUploadRecovery(t *testing.T) {
	_, c := hsaFixture(t, "hsa-retry")
	ctx := context.Background()
	for range 3 {
		_, err := hsaPut(c, "hsa-retry", "put", []byte("utfstring"), "", "")
		require.NoError(t, err)
	}
	data := pattern(2048)
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("hsa-retry"), Key: aws.String("dest")})
	require.NoError(t, err)
	var etag *string
	for range 3 {
		p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("hsa-retry"), Key: aws.String("dest"), UploadId: mp.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader(data)})
		require.NoError(t, err)
		etag = p.ETag
	}
	var first string
	for i := range 3 {
		out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("hsa-retry"), Key: aws.String("dest"),
			UploadId: mp.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: etag}}}})
		require.NoError(t, err, "attempt %d", i)
		if i == 0 {
			first = aws.ToString(out.ETag)
		}
		require.Equal(t, first, aws.ToString(out.ETag))
	}
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("hsa-retry"), Key: aws.String("dest")})
	require.NoError(t, err)
	body, _ := io.ReadAll(g.Body)
	g.Body.Close()
	require.Equal(t, data, body)
}
