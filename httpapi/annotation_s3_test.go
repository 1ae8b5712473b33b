package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestS3ObjectAnnotations: PutObjectAnnotation, GetObjectAnnotation,
// ListObjectAnnotations and DeleteObjectAnnotation through aws-sdk-go-v2:
// payloads read back with their checksums (CRC-64/NVME unless the client
// sent another), S3's name and payload checks, pages in name order, the
// object condition, and annotations that belong to one object version
// (gone with an overwrite, kept under a delete marker).
func TestS3ObjectAnnotations(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("annotated")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	put := func(key, body string) *s3.PutObjectOutput {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader(body)})
		require.NoError(t, err)
		return out
	}
	obj := put("doc", "the object")
	var mu sync.Mutex
	var events []string
	defer f.eng.Subscribe("annotated", func(ev engine.Event) {
		if strings.HasPrefix(ev.EventName, "ObjectAnnotation:") {
			mu.Lock()
			events = append(events, ev.EventName+" "+ev.ObjectKey())
			mu.Unlock()
		}
	})()
	annotate := func(key, name, payload string, mod ...func(*s3.PutObjectAnnotationInput)) (*s3.PutObjectAnnotationOutput, error) {
		in := &s3.PutObjectAnnotationInput{Bucket: b, Key: aws.String(key), AnnotationName: aws.String(name), AnnotationPayload: strings.NewReader(payload)}
		for _, m := range mod {
			m(in)
		}
		return c.PutObjectAnnotation(ctx, in)
	}
	read := func(key, name string, vid *string) (string, *s3.GetObjectAnnotationOutput, error) {
		out, err := c.GetObjectAnnotation(ctx, &s3.GetObjectAnnotationInput{Bucket: b, Key: aws.String(key), AnnotationName: aws.String(name), VersionId: vid})
		if err != nil {
			return "", nil, err
		}
		defer out.AnnotationPayload.Close()
		data, err := io.ReadAll(out.AnnotationPayload)
		return string(data), out, err
	}

	p, err := annotate("doc", "ml.labels", "cat,dog")
	require.NoError(t, err)
	sum := md5.Sum([]byte("cat,dog"))
	require.Equal(t, `"`+hex.EncodeToString(sum[:])+`"`, aws.ToString(p.ETag))
	require.Equal(t, "ml.labels", aws.ToString(p.AnnotationName))
	require.Equal(t, "doc", aws.ToString(p.Key))
	require.NotEmpty(t, aws.ToString(p.ChecksumCRC32), "the SDK's default checksum is kept")
	payload, got, err := read("doc", "ml.labels", nil)
	require.NoError(t, err)
	require.Equal(t, "cat,dog", payload)
	require.Equal(t, int64(7), aws.ToInt64(got.ContentLength))
	require.Equal(t, p.ETag, got.ETag)
	require.Equal(t, p.ChecksumCRC32, got.ChecksumCRC32)
	require.NotNil(t, got.LastModified)
	require.Equal(t, types.ServerSideEncryptionAes256, got.ServerSideEncryption, "sealed with the managed key, as S3 seals annotations of clear objects")

	_, err = annotate("doc", "review-ü", "ok", func(in *s3.PutObjectAnnotationInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256 })
	require.NoError(t, err)
	_, got, err = read("doc", "review-ü", nil)
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(got.ChecksumSHA256), "the client's algorithm is kept")
	_, err = annotate("doc", "ml.score", "0.9")
	require.NoError(t, err)
	_, err = annotate("doc", "ml.labels", "cat,dog,bird") // replaced
	require.NoError(t, err)
	payload, _, err = read("doc", "ml.labels", nil)
	require.NoError(t, err)
	require.Equal(t, "cat,dog,bird", payload)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("doc")})
	require.NoError(t, err)
	require.Equal(t, obj.ETag, head.ETag, "annotations do not change the object")

	list, err := c.ListObjectAnnotations(ctx, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("doc")})
	require.NoError(t, err)
	var names []string
	for _, a := range list.Annotations {
		names = append(names, aws.ToString(a.AnnotationName))
	}
	require.Equal(t, []string{"ml.labels", "ml.score", "review-ü"}, names)
	require.Equal(t, int32(3), aws.ToInt32(list.AnnotationCount))
	require.Equal(t, int64(12), aws.ToInt64(list.Annotations[0].Size))
	require.Equal(t, []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32}, list.Annotations[0].ChecksumAlgorithm)
	list, err = c.ListObjectAnnotations(ctx, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("doc"), AnnotationPrefix: aws.String("ml.")})
	require.NoError(t, err)
	require.Len(t, list.Annotations, 2)
	pages := s3.NewListObjectAnnotationsPaginator(c, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("doc"), MaxAnnotationResults: aws.Int32(1)})
	names = nil
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Annotations), 1)
		for _, a := range page.Annotations {
			names = append(names, aws.ToString(a.AnnotationName))
		}
	}
	require.Equal(t, []string{"ml.labels", "ml.score", "review-ü"}, names)

	// What S3 refuses.
	for name, code := range map[string]string{
		"aws.labels": "InvalidAnnotationName", "S3x": "InvalidAnnotationName", "a/b": "InvalidAnnotationName", "a b": "InvalidAnnotationName",
		strings.Repeat("n", 513): "AnnotationNameTooLong",
	} {
		_, err = annotate("doc", name, "x")
		requireCode(t, err, code, name)
	}
	_, err = annotate("doc", "bin", "\xff\xfe")
	requireCode(t, err, "UnsupportedMediaType")
	_, err = annotate("doc", "big", strings.Repeat("x", 1<<20+1))
	requireCode(t, err, "EntityTooLarge")
	_, err = annotate("missing", "a", "x")
	requireCode(t, err, "NoSuchKey")
	_, err = annotate("doc", "a", "x", func(in *s3.PutObjectAnnotationInput) { in.ObjectIfMatch = aws.String(`"0123"`) })
	requireCode(t, err, "PreconditionFailed")
	_, err = annotate("doc", "a", "x", func(in *s3.PutObjectAnnotationInput) { in.ObjectIfMatch = obj.ETag })
	require.NoError(t, err)
	_, _, err = read("doc", "nothing", nil)
	requireCode(t, err, "NoSuchAnnotation")
	r := f.do(t, raw{method: http.MethodGet, path: "/annotated/doc?annotation&annotationName="})
	require.Equal(t, "UserAnnotationNameMustBeSpecified", r.errCode())
	r = f.do(t, raw{method: http.MethodGet, path: "/annotated/doc?annotation&max-annotation-results=1001"})
	require.Equal(t, "InvalidArgument", r.errCode())
	r = f.do(t, raw{method: http.MethodPut, path: "/annotated/doc?annotation&annotationName=e", body: []byte{}})
	require.Equal(t, "EntityTooSmall", r.errCode())
	r = f.do(t, raw{method: http.MethodPut, path: "/annotated/doc?annotation&annotationName=plain", body: []byte("p")})
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.NotEmpty(t, r.Header.Get("X-Amz-Checksum-Crc64nvme"), "S3 computes CRC-64/NVME when the client sends no checksum")
	require.Contains(t, string(r.body), "<PutObjectAnnotationOutput")
	_, err = c.DeleteObjectAnnotation(ctx, &s3.DeleteObjectAnnotationInput{Bucket: b, Key: aws.String("doc"), AnnotationName: aws.String("plain")})
	require.NoError(t, err)
	r = f.do(t, raw{method: http.MethodGet, path: "/annotated/doc?annotation"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.True(t, bytes.HasPrefix(r.body[bytes.IndexByte(r.body, '\n')+1:], []byte(`<ListObjectAnnotationsOutput xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Annotations><AnnotationEntry>`)), "%s", r.body)
	_, err = f.s3Client(true, otherAK, otherSK).GetObjectAnnotation(ctx, &s3.GetObjectAnnotationInput{Bucket: b, Key: aws.String("doc"), AnnotationName: aws.String("ml.labels")})
	requireCode(t, err, "AccessDenied")

	// A copy takes them (COPY is the default), unless EXCLUDE.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String("annotated/doc")})
	require.NoError(t, err)
	payload, _, err = read("copy", "ml.labels", nil)
	require.NoError(t, err)
	require.Equal(t, "cat,dog,bird", payload)
	list, err = c.ListObjectAnnotations(ctx, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("copy")})
	require.NoError(t, err)
	require.Len(t, list.Annotations, 4)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("bare"), CopySource: aws.String("annotated/doc"),
		AnnotationDirective: types.AnnotationDirectiveExclude})
	require.NoError(t, err)
	list, err = c.ListObjectAnnotations(ctx, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("bare")})
	require.NoError(t, err)
	require.Empty(t, list.Annotations)
	r = f.do(t, raw{method: http.MethodPut, path: "/annotated/x", header: http.Header{"X-Amz-Copy-Source": {"annotated/doc"}, "X-Amz-Object-Annotation-Directive": {"SOME"}}})
	require.Equal(t, "InvalidArgument", r.errCode())

	// Deleting one: 204, and again (idempotent).
	for range 2 {
		_, err = c.DeleteObjectAnnotation(ctx, &s3.DeleteObjectAnnotationInput{Bucket: b, Key: aws.String("doc"), AnnotationName: aws.String("ml.score")})
		require.NoError(t, err)
	}
	_, _, err = read("doc", "ml.score", nil)
	requireCode(t, err, "NoSuchAnnotation")
	mu.Lock()
	require.Contains(t, events, "ObjectAnnotation:Put doc")
	require.Contains(t, events, "ObjectAnnotation:Delete doc")
	mu.Unlock()

	// An overwrite is a new object: it has none.
	put("doc", "another body")
	_, _, err = read("doc", "ml.labels", nil)
	requireCode(t, err, "NoSuchAnnotation")
	list, err = c.ListObjectAnnotations(ctx, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("doc")})
	require.NoError(t, err)
	require.Empty(t, list.Annotations)

	// Versions keep their own; a delete marker leaves them.
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	v1 := put("v", "one")
	_, err = annotate("v", "note", "first")
	require.NoError(t, err)
	v2 := put("v", "two")
	_, _, err = read("v", "note", nil)
	requireCode(t, err, "NoSuchAnnotation", "the new version has none")
	payload, got, err = read("v", "note", v1.VersionId)
	require.NoError(t, err)
	require.Equal(t, "first", payload)
	require.Equal(t, aws.ToString(v1.VersionId), aws.ToString(got.ObjectVersionId))
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("v")})
	require.NoError(t, err)
	_, _, err = read("v", "note", nil)
	requireCode(t, err, "NoSuchKey")
	payload, _, err = read("v", "note", v1.VersionId)
	require.NoError(t, err)
	require.Equal(t, "first", payload)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("v"), VersionId: v1.VersionId})
	require.NoError(t, err)
	_, _, err = read("v", "note", v1.VersionId)
	requireCode(t, err, "NoSuchVersion")
	_ = v2
}

// TestCopyAnnotationsNeedsTheirActions: a CopyObject that copies
// annotations (the default) takes s3:GetObjectAnnotation on the source
// and s3:PutObjectAnnotation on the copy; a principal granted only
// s3:GetObject and s3:PutObject copies with EXCLUDE.
func TestCopyAnnotationsNeedsTheirActions(t *testing.T) {
	f, c := policyFixture(t)
	ctx := context.Background()
	_, err := c.PutObjectAnnotation(ctx, &s3.PutObjectAnnotationInput{Bucket: aws.String("pol"), Key: aws.String("photos/cat.jpg"),
		AnnotationName: aws.String("label"), AnnotationPayload: strings.NewReader("cat")})
	require.NoError(t, err)
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"`+canonicalID(otherAK)+
		`"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::pol/*"}]}`)
	other := f.s3Client(true, otherAK, otherSK)
	copyTo := func(key string, d types.AnnotationDirective) error {
		_, err := other.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("pol"), Key: aws.String(key),
			CopySource: aws.String("pol/photos/cat.jpg"), AnnotationDirective: d})
		return err
	}
	requireCode(t, copyTo("copies/a", ""), "AccessDenied")
	require.NoError(t, copyTo("copies/b", types.AnnotationDirectiveExclude))
	// A source without annotations is a plain copy: s3:GetObject and
	// s3:PutObject suffice (ceph's test_bucket_policy_put_obj_copy_source).
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pol"), Key: aws.String("photos/dog.jpg"), Body: strings.NewReader("dog")})
	require.NoError(t, err)
	_, err = other.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("pol"), Key: aws.String("copies/dog"),
		CopySource: aws.String("pol/photos/dog.jpg")})
	require.NoError(t, err)
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"`+canonicalID(otherAK)+
		`"},"Action":["s3:GetObject","s3:PutObject","s3:GetObjectAnnotation","s3:PutObjectAnnotation"],"Resource":"arn:aws:s3:::pol/*"}]}`)
	require.NoError(t, copyTo("copies/c", ""))
	// The copy is its writer's (no Object Ownership setting): the bucket
	// owner may not read it without a grant, the writer reads it.
	_, err = c.GetObjectAnnotation(ctx, &s3.GetObjectAnnotationInput{Bucket: aws.String("pol"), Key: aws.String("copies/c"), AnnotationName: aws.String("label")})
	requireCode(t, err, "AccessDenied")
	got, err := other.GetObjectAnnotation(ctx, &s3.GetObjectAnnotationInput{Bucket: aws.String("pol"), Key: aws.String("copies/c"), AnnotationName: aws.String("label")})
	require.NoError(t, err)
	got.AnnotationPayload.Close()
}
