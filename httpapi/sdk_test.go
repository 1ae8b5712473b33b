package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// apiCode returns the S3 error code of an SDK error.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := apiCode(err); got != code {
		t.Fatalf("error code %q, want %q (err %v)", got, code, err)
	}
}

func TestSDK(t *testing.T) {
	for _, tc := range []struct {
		name      string
		tls       bool
		pathStyle bool
	}{
		{"http-path", false, true},
		{"https-path", true, true},
		{"http-vhost", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			payloads := map[string]bool{}
			f := newFixture(t, fixtureOptions{tls: tc.tls, opts: []httpapi.Option{
				httpapi.WithInterceptor(func(w http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
					if op.Operation == "PutObject" {
						mu.Lock()
						payloads[r.Header.Get("X-Amz-Content-Sha256")] = true
						mu.Unlock()
					}
					return false
				})}})
			exerciseSDK(t, f, f.s3Client(tc.pathStyle, testAK, testSK))
			// The SDK's default: aws-chunked with a CRC32 trailer over TLS,
			// a hex body hash and a checksum header over plain HTTP.
			want := "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9" // "hello world"
			if tc.tls {
				want = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
			}
			if !payloads[want] {
				t.Errorf("no PutObject with x-amz-content-sha256 %s: %v", want, payloads)
			}
		})
	}
}

// exerciseSDK drives every operation through aws-sdk-go-v2 with default
// settings.
func exerciseSDK(t *testing.T, f *fixture, c *s3.Client) {
	ctx := context.Background()
	bucket := "sdk-bucket"

	// Buckets.
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	must(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sdk-eu"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	must(t, err)
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("sdk-eu")})
	must(t, err)
	if loc.LocationConstraint != types.BucketLocationConstraintEuWest1 {
		t.Fatalf("location %q", loc.LocationConstraint)
	}
	// us-east-1 is never named as a constraint (S3: 400).
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sdk-use1"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	wantCode(t, err, "InvalidLocationConstraint")
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("sdk-use1")})
	wantCode(t, err, "NotFound")
	loc, err = c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	must(t, err)
	if loc.LocationConstraint != "" {
		t.Fatalf("us-east-1 location %q", loc.LocationConstraint)
	}
	hb, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("sdk-eu")})
	must(t, err)
	if aws.ToString(hb.BucketRegion) != "eu-west-1" {
		t.Fatalf("HeadBucket region %q", aws.ToString(hb.BucketRegion))
	}
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	must(t, err)
	if lb.Owner == nil {
		t.Fatalf("ListBuckets without Owner: %+v", lb)
	}

	// PutObject / GetObject / HeadObject with metadata, checksums, tags.
	body := []byte("hello world")
	put, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("dir/hello.txt"), Body: bytes.NewReader(body),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"color": "blue"},
		Tagging: aws.String("a=1&b=two"), CacheControl: aws.String("max-age=60"),
	})
	must(t, err)
	if aws.ToString(put.ChecksumCRC32) != "DUoRhQ==" {
		t.Fatalf("PutObject CRC32 %q", aws.ToString(put.ChecksumCRC32))
	}
	// The stored object is exactly the body: no aws-chunked framing.
	obj, err := f.eng.GetObject(ctx, bucket, "dir/hello.txt", engine.GetOptions{})
	must(t, err)
	stored, _ := io.ReadAll(obj)
	obj.Close()
	if !bytes.Equal(stored, body) || obj.Info.ContentEncoding != "" {
		t.Fatalf("stored %q encoding %q", stored, obj.Info.ContentEncoding)
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/hello.txt"), ChecksumMode: types.ChecksumModeEnabled})
	must(t, err)
	got, err := io.ReadAll(get.Body)
	get.Body.Close()
	must(t, err)
	if !bytes.Equal(got, body) || aws.ToInt32(get.TagCount) != 2 || aws.ToString(get.ChecksumCRC32) != "DUoRhQ==" {
		t.Fatalf("GetObject %q tags %d crc %q", got, aws.ToInt32(get.TagCount), aws.ToString(get.ChecksumCRC32))
	}
	ho, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/hello.txt"), ChecksumMode: types.ChecksumModeEnabled})
	must(t, err)
	if aws.ToString(ho.ChecksumCRC32) != "DUoRhQ==" {
		t.Fatalf("HeadObject %+v", ho)
	}

	// Explicit checksum algorithms.
	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmCrc64nvme} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("ck/" + string(alg)),
			Body: bytes.NewReader(body), ChecksumAlgorithm: alg})
		must(t, err)
		g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("ck/" + string(alg)), ChecksumMode: types.ChecksumModeEnabled})
		must(t, err)
		_, err = io.ReadAll(g.Body)
		g.Body.Close()
		must(t, err)
	}

	// Bucket tagging itself is the suite's (BucketTags); an untagged bucket
	// answers NoSuchTagSet.
	_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	wantCode(t, err, "NoSuchTagSet")

	// ACLs (canned ACLs are the suite's): an XML AccessControlPolicy and
	// x-amz-grant-read.
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	must(t, err)
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(bucket), AccessControlPolicy: &types.AccessControlPolicy{
		Owner: acl.Owner, Grants: []types.Grant{{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: acl.Owner.ID}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: types.PermissionRead}}}})
	must(t, err)
	acl, err = c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	must(t, err)
	if len(acl.Grants) != 2 || acl.Grants[1].Grantee.Type != types.TypeGroup || acl.Grants[1].Permission != types.PermissionRead {
		t.Fatalf("bucket ACL after XML put %+v", acl.Grants)
	}
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("dir/hello.txt"),
		GrantRead: aws.String(`uri="http://acs.amazonaws.com/groups/global/AllUsers"`)})
	must(t, err)
	oacl, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("dir/hello.txt")})
	must(t, err)
	if len(oacl.Grants) != 1 || aws.ToString(oacl.Grants[0].Grantee.URI) != "http://acs.amazonaws.com/groups/global/AllUsers" {
		t.Fatalf("object ACL %+v", oacl.Grants)
	}

	// Listing details the suite does not see (ListV1, ListV2, ListPaging and
	// ListModel cover the rest).
	for _, k := range []string{"a/1", "a/2", "b/1", "c", "d+e"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("l/" + k), Body: strings.NewReader(k)})
		must(t, err)
	}
	v2, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("l/"), Delimiter: aws.String("/"), FetchOwner: aws.Bool(true)})
	must(t, err)
	if aws.ToInt32(v2.KeyCount) != 4 || len(v2.Contents) == 0 || v2.Contents[0].Owner == nil {
		t.Fatalf("v2 delimiter: %+v %+v", v2.CommonPrefixes, v2.Contents)
	}
	v2, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("l/"), StartAfter: aws.String("l/b/1"), EncodingType: types.EncodingTypeUrl})
	must(t, err)
	// aws-sdk-go-v2 does not decode encoding-type=url answers.
	if len(v2.Contents) != 2 || aws.ToString(v2.Contents[1].Key) != "l/d%2Be" {
		t.Fatalf("v2 start-after/encoding: %d %q", len(v2.Contents), aws.ToString(v2.Contents[len(v2.Contents)-1].Key))
	}
	v2, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(0)})
	must(t, err)
	if len(v2.Contents) != 0 {
		t.Fatalf("max-keys 0: %d", len(v2.Contents))
	}
	// An empty continuation token is refused (LocalStack's AWS-recorded
	// test_list_objects_v2_continuation_start_after; ceph's s3-tests
	// expect the first page).
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("l/"), ContinuationToken: aws.String("")})
	if code, status, msg := apiError(t, err); code != "InvalidArgument" || status != http.StatusBadRequest || msg != "The continuation token provided is incorrect" {
		t.Fatalf("empty continuation token: %s %d %s", code, status, msg)
	}
	vers, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String("l/")})
	must(t, err)
	if len(vers.Versions) != 5 || aws.ToString(vers.Versions[0].VersionId) != "null" {
		t.Fatalf("versions %+v", vers.Versions)
	}

	// A quiet DeleteObjects (the SDK sends a CRC32 checksum, not Content-MD5).
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Quiet: aws.Bool(true), Objects: []types.ObjectIdentifier{{Key: aws.String("l/b/1")}}}})
	must(t, err)
	if len(del.Deleted) != 0 {
		t.Fatalf("quiet DeleteObjects reported %+v", del.Deleted)
	}

	// Multipart checksums (the suite's Multipart cases cover the rest).
	exerciseMultipart(t, c, bucket)

	// Multipart through the upload manager (parts of 5 MiB, CRC32 parts).
	big := pattern(12<<20 + 123)
	up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 5 << 20 })
	res, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("big"), Body: bytes.NewReader(big)})
	must(t, err)
	if !strings.HasSuffix(aws.ToString(res.ETag), `-3"`) {
		t.Fatalf("manager ETag %s", aws.ToString(res.ETag))
	}
	bg, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big"), ChecksumMode: types.ChecksumModeEnabled})
	must(t, err)
	got, err = io.ReadAll(bg.Body)
	bg.Body.Close()
	must(t, err)
	if !bytes.Equal(got, big) {
		t.Fatal("big object differs")
	}
	pg2, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("big"), PartNumber: aws.Int32(2)})
	must(t, err)
	got, _ = io.ReadAll(pg2.Body)
	pg2.Body.Close()
	if !bytes.Equal(got, big[5<<20:10<<20]) || aws.ToInt32(pg2.PartsCount) != 3 {
		t.Fatalf("part 2: %d bytes, parts count %d", len(got), aws.ToInt32(pg2.PartsCount))
	}
}

func exerciseMultipart(t *testing.T, c *s3.Client, bucket string) {
	ctx := context.Background()
	key := "mp/object"
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c, ContentType: aws.String("application/x-mp")})
	must(t, err)
	id := cr.UploadId
	p1 := pattern(5 << 20)
	p2 := []byte("tail")
	u1, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: id,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(p1), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c})
	must(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("mp/src"), Body: bytes.NewReader(p2)})
	must(t, err)
	u2, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: id,
		PartNumber: aws.Int32(2), CopySource: aws.String(bucket + "/mp/src"), CopySourceRange: aws.String("bytes=0-3")})
	must(t, err)
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
			{PartNumber: aws.Int32(1), ETag: u1.ETag, ChecksumCRC32C: u1.ChecksumCRC32C}, {PartNumber: aws.Int32(2), ETag: u2.CopyPartResult.ETag, ChecksumCRC32C: u2.CopyPartResult.ChecksumCRC32C}}}})
	must(t, err)
	if !strings.HasSuffix(aws.ToString(done.ChecksumCRC32C), "-2") {
		t.Fatalf("complete: composite CRC32C %q", aws.ToString(done.ChecksumCRC32C))
	}

	// Full-object CRC32 type, then abort another upload.
	cr, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("mp/full"),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32, ChecksumType: types.ChecksumTypeFullObject})
	must(t, err)
	fu, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("mp/full"), UploadId: cr.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("hello world"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	must(t, err)
	fd, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("mp/full"), UploadId: cr.UploadId,
		ChecksumType: types.ChecksumTypeFullObject, ChecksumCRC32: aws.String("DUoRhQ=="),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: fu.ETag, ChecksumCRC32: fu.ChecksumCRC32}}}})
	must(t, err)
	if aws.ToString(fd.ChecksumCRC32) != "DUoRhQ==" || fd.ChecksumType != types.ChecksumTypeFullObject {
		t.Fatalf("full-object checksum %q %q", aws.ToString(fd.ChecksumCRC32), fd.ChecksumType)
	}
}
