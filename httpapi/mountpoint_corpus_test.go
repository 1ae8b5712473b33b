package httpapi_test

// Mountpoint for Amazon S3 (awslabs/mountpoint-s3) as a corpus: its
// client, mountpoint-s3-client, builds each request itself over the AWS
// CRT (src/s3_crt_client/*.rs), and its integration tests
// (mountpoint-s3-client/tests/*.rs) run against S3 general purpose and
// S3 Express One Zone buckets, so each assertion there about S3's answer
// is evidence. The tests here send what Mountpoint sends, header for
// header, through the httpapi fixture (docs/sdk-suites.md, "Mountpoint
// for Amazon S3's client tests as a corpus (thirty-second session)").

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/kms"
)

// mntPut puts body at key of bucket as Mountpoint's put_object_single
// does (one PUT, Content-Length, an optional header of its own) and
// returns the answer's ETag.
func mntPut(t *testing.T, f *fixture, bucket, key, body string, h http.Header) string {
	t.Helper()
	r := f.do(t, raw{method: "PUT", path: "/" + bucket + "/" + key, body: []byte(body), header: h})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NotEmpty(t, r.Header.Get("ETag"))
	return r.Header.Get("ETag")
}

// mntHeadETag is HeadObject's ETag, as Mountpoint's head_object reads it.
func mntHeadETag(t *testing.T, f *fixture, bucket, key string) string {
	t.Helper()
	r := f.do(t, raw{method: "HEAD", path: "/" + bucket + "/" + key})
	require.Equal(t, http.StatusOK, r.StatusCode)
	return r.Header.Get("ETag")
}

// mntRename sends RenameObject as mountpoint-s3-client's rename_object
// builds it: PUT /<dst>?renameObject, x-amz-rename-source the source key
// alone (neither the bucket nor URL-encoding), x-amz-client-token a new
// UUID unless the caller gives one, and its conditional headers.
func mntRename(t *testing.T, f *fixture, bucket, src, dst string, h http.Header) rawResponse {
	t.Helper()
	hdr := http.Header{"X-Amz-Rename-Source": {src}}
	for k, v := range h {
		hdr[k] = v
	}
	if hdr.Get("X-Amz-Client-Token") == "" {
		hdr.Set("X-Amz-Client-Token", rand.Text())
	}
	return f.do(t, raw{method: "PUT", path: "/" + bucket + "/" + dst + "?renameObject", header: hdr})
}

// TestMntRename: the cases of mountpoint-s3-client's rename_object.rs,
// run by Mountpoint against S3 Express One Zone: the source named by its
// key alone is renamed (simple_rename); each failed condition is 412
// with the <Condition> Mountpoint reads, If-Match for a source ETag
// that does not match (rename_source_does_not_match) and for a
// destination If-Match that fails beside If-None-Match
// (rename_double_error), If-None-Match for an existing destination
// (rename_overwrite_error); before, the bare key was refused as
// InvalidArgument and the 412 had no Condition.
func TestMntRename(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket

	// simple_rename: x-amz-rename-source-if-match with HeadObject's ETag.
	mntPut(t, f, b, "mnt/a.txt", "data", nil)
	etag := mntHeadETag(t, f, b, "mnt/a.txt")
	r := mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{"X-Amz-Rename-Source-If-Match": {etag}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, etag, mntHeadETag(t, f, b, "mnt/b.txt"))
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/" + b + "/mnt/a.txt"}).StatusCode)

	// The bucket-qualified form, with or without the leading slash, as
	// the SDKs' examples send it, still names this bucket's object.
	r = mntRename(t, f, b, b+"/mnt/b.txt", "mnt/c.txt", nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = mntRename(t, f, b, "/"+b+"/mnt/c.txt", "mnt/a.txt", nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	mntPut(t, f, b, "mnt/b.txt", "other", nil)
	src, dst := mntHeadETag(t, f, b, "mnt/a.txt"), mntHeadETag(t, f, b, "mnt/b.txt")
	require.NotEqual(t, src, dst)
	refused := func(r rawResponse, cond string) {
		t.Helper()
		require.Equal(t, http.StatusPreconditionFailed, r.StatusCode, string(r.body))
		fields := errFields(t, r.body)
		require.Equal(t, "PreconditionFailed", fields["Code"])
		require.Equal(t, cond, fields["Condition"], string(r.body))
	}
	// rename_destination_does_not_match
	refused(mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{
		"X-Amz-Rename-Source-If-Match": {src}, "If-Match": {src}}), "If-Match")
	// rename_overwrite_error: Mountpoint's rename without --allow-overwrite.
	refused(mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{"If-None-Match": {"*"}}), "If-None-Match")
	// rename_double_error
	refused(mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{"If-None-Match": {"*"}, "If-Match": {src}}), "If-Match")
	// rename_source_does_not_match
	refused(mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{"X-Amz-Rename-Source-If-Match": {dst}}), "If-Match")
	// If-Match on a destination that does not exist.
	refused(mntRename(t, f, b, "mnt/a.txt", "mnt/none.txt", http.Header{"If-Match": {src}}), "If-Match")
	require.Equal(t, src, mntHeadETag(t, f, b, "mnt/a.txt"), "no refusal renamed")
	require.Equal(t, dst, mntHeadETag(t, f, b, "mnt/b.txt"))

	// Mountpoint's rename with --allow-overwrite: no condition; the
	// destination is replaced. A source that is gone is 404 (KeyNotFound).
	r = mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", nil)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, src, mntHeadETag(t, f, b, "mnt/b.txt"))
	r = mntRename(t, f, b, "mnt/a.txt", "mnt/d.txt", nil)
	require.Equal(t, http.StatusNotFound, r.StatusCode, string(r.body))
	require.Equal(t, "NoSuchKey", r.errCode())

	// A general purpose bucket does not rename: 501, which Mountpoint
	// reads as RenameObjectError::NotImplementedError.
	_, err := f.client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("mnt-general")})
	require.NoError(t, err)
	mntPut(t, f, "mnt-general", "a.txt", "data", nil)
	r = mntRename(t, f, "mnt-general", "a.txt", "b.txt", nil)
	require.Equal(t, http.StatusNotImplemented, r.StatusCode, string(r.body))
	require.Equal(t, "data", string(f.do(t, raw{method: "GET", path: "/mnt-general/a.txt"}).body))
}

// TestMntRenameClientToken: rename_idempotency_test, run against S3
// Express: the same x-amz-client-token sent again is answered 200
// ("Second rename should be replayed") without renaming anything; a new
// token fails (the source is gone). As AWS documents the token, the same
// token with other parameters is IdempotencyParameterMismatch. Before,
// the retry was 404.
func TestMntRenameClientToken(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket
	mntPut(t, f, b, "mnt/a.txt", "data", nil)
	tok := http.Header{"X-Amz-Client-Token": {"5d3b0c5e-9a4f-4d52-8f43-0e8c7a1b2c3d"}}
	r := mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, "the retry is replayed: %s", r.body)
	r = mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{"X-Amz-Client-Token": {"7f0c1b2a-0d3e-4c5f-8a9b-1c2d3e4f5a6b"}})
	require.Equal(t, http.StatusNotFound, r.StatusCode, "a new token renames again: %s", r.body)

	r = mntRename(t, f, b, "mnt/a.txt", "mnt/c.txt", tok)
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Equal(t, "IdempotencyParameterMismatch", r.errCode())
	r = mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{"X-Amz-Client-Token": tok["X-Amz-Client-Token"], "If-None-Match": {"*"}})
	require.Equal(t, "IdempotencyParameterMismatch", r.errCode(), "the conditions are parameters too")
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/" + b + "/mnt/c.txt"}).StatusCode)

	// A token is the bucket's: the same one elsewhere is a new request.
	c := f.client()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("other--usw2-az1--x-s3")})
	require.NoError(t, err)
	r = mntRename(t, f, "other--usw2-az1--x-s3", "mnt/a.txt", "mnt/b.txt", tok)
	require.Equal(t, http.StatusNotFound, r.StatusCode, string(r.body))
}

// TestMntDirectoryBucketEncryption: test_put_object_sse of
// put_object_single.rs as Mountpoint runs it against S3 Express One Zone
// (s3express_tests): into a directory bucket whose default is SSE-S3,
// AES256 or no header succeeds and aws:kms (with or without a key)
// fails; into one whose default is SSE-KMS, aws:kms with its key or none
// succeeds and AES256 fails. AWS documents why: a Zonal request's
// encryption headers must be the session's, the bucket default's (400
// otherwise), and directory buckets have no DSSE-KMS nor SSE-C. The same
// holds for CreateMultipartUpload (Mountpoint's put_object); CopyObject
// is excepted. Before, every header was taken.
func TestMntDirectoryBucketEncryption(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	createExpressBucket(t, c)
	const kmsBucket = "sealed--usw2-az1--x-s3"
	app, err := f.eng.Options().Keys.(*kms.KMS).Resolve("alias/app")
	require.NoError(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(kmsBucket)})
	require.NoError(t, err)
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(kmsBucket),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(app.ID)},
			BucketKeyEnabled:                   aws.Bool(true)}}}})
	require.NoError(t, err)
	put := func(bucket, key string, h http.Header) rawResponse {
		t.Helper()
		return f.do(t, raw{method: "PUT", path: "/" + bucket + "/" + key, body: []byte("0123456789abcdef0123456789abcdef"), header: h})
	}
	cases := []struct {
		bucket, sse, key string
		ok               bool
	}{
		{kmsBucket, "aws:kms", app.ID, true},
		{kmsBucket, "aws:kms", app.ARN, true},
		{kmsBucket, "aws:kms", "", true},
		{expressBucket, "aws:kms", app.ID, false},
		{expressBucket, "aws:kms", "", false},
		{expressBucket, "AES256", "", true},
		{kmsBucket, "AES256", "", false},
		{expressBucket, "", "", true},
		{kmsBucket, "", "", true},
		// Not served on directory buckets at all.
		{expressBucket, "aws:kms:dsse", "", false},
		{kmsBucket, "aws:kms:dsse", app.ID, false},
		{kmsBucket, "aws:kms", "other", false},
	}
	for i, tc := range cases {
		h := http.Header{}
		if tc.sse != "" {
			h.Set("X-Amz-Server-Side-Encryption", tc.sse)
		}
		if tc.key != "" {
			h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", tc.key)
		}
		key := "sse/" + strconv.Itoa(i)
		r := put(tc.bucket, key, h)
		up := f.do(t, raw{method: "POST", path: "/" + tc.bucket + "/" + key + "-mpu?uploads", header: h})
		if !tc.ok {
			require.Equal(t, http.StatusBadRequest, r.StatusCode, "%+v: %s", tc, r.body)
			require.Equal(t, "InvalidArgument", r.errCode(), "%+v", tc)
			require.Equal(t, http.StatusBadRequest, up.StatusCode, "%+v: %s", tc, up.body)
			require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/" + tc.bucket + "/" + key}).StatusCode)
			continue
		}
		require.Equal(t, http.StatusOK, r.StatusCode, "%+v: %s", tc, r.body)
		require.Equal(t, http.StatusOK, up.StatusCode, "%+v: %s", tc, up.body)
		want := "AES256"
		if tc.bucket == kmsBucket {
			want = "aws:kms"
		}
		require.Equal(t, want, r.Header.Get("X-Amz-Server-Side-Encryption"), "PutObjectResult.sse_type")
		head := f.do(t, raw{method: "HEAD", path: "/" + tc.bucket + "/" + key})
		require.Equal(t, want, head.Header.Get("X-Amz-Server-Side-Encryption"), "%+v", tc)
		if want == "aws:kms" {
			require.NotEmpty(t, head.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"))
			require.Equal(t, r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"), head.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"))
		}
	}

	// SSE-C is not served on directory buckets either.
	ckey := bytes.Repeat([]byte{7}, 32)
	sum := md5.Sum(ckey)
	r := put(expressBucket, "sse/customer", http.Header{
		"X-Amz-Server-Side-Encryption-Customer-Algorithm": {"AES256"},
		"X-Amz-Server-Side-Encryption-Customer-Key":       {base64.StdEncoding.EncodeToString(ckey)},
		"X-Amz-Server-Side-Encryption-Customer-Key-Md5":   {base64.StdEncoding.EncodeToString(sum[:])}})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Equal(t, "x-amz-server-side-encryption-customer-algorithm", errFields(t, r.body)["ArgumentName"])

	// CopyObject may name another encryption (S3's exception).
	r = f.do(t, raw{method: "PUT", path: "/" + kmsBucket + "/sse/copy", header: http.Header{
		"X-Amz-Copy-Source": {"/" + kmsBucket + "/sse/0"}, "X-Amz-Server-Side-Encryption": {"AES256"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// TestMntIncrementalUpload: Mountpoint's incremental upload to a directory
// bucket (mountpoint-s3-fs upload/incremental.rs): the first buffer is a
// PutObject with the upload checksum in its header (x-amz-checksum-crc32c,
// `--upload-checksums` crc32c), each later buffer a PutObject with
// x-amz-write-offset-bytes, If-Match the ETag the previous PUT answered,
// and its own CRC32C; S3 Express answers each with the object's new ETag,
// HeadObject with x-amz-checksum-mode reads the whole object's CRC32C,
// and a stale ETag is 412 (PutObjectError::PreconditionFailed). Then
// put_append_rename_append_test (rename_object.rs): an object from a
// multipart upload without checksums takes an append with CRC64NVME, and
// RenameObject's x-amz-rename-source-if-match with the append's ETag holds.
func TestMntIncrementalUpload(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket
	sum := func(alg checksum.Algorithm, p []byte) string {
		h := alg.New()
		h.Write(p)
		return checksum.Encode(h.Sum(nil))
	}
	whole := []byte("first buffer;")
	etag := mntPut(t, f, b, "log", string(whole), http.Header{"X-Amz-Checksum-Crc32c": {sum(checksum.CRC32C, whole)}})
	first := etag
	for _, p := range []string{"second;", strings.Repeat("third;", 20000)} {
		r := f.do(t, raw{method: "PUT", path: "/" + b + "/log", body: []byte(p), header: http.Header{
			"X-Amz-Write-Offset-Bytes": {strconv.Itoa(len(whole))}, "If-Match": {etag},
			"X-Amz-Checksum-Crc32c": {sum(checksum.CRC32C, []byte(p))}}})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		whole = append(whole, p...)
		etag = r.Header.Get("ETag")
		require.Equal(t, etag, mntHeadETag(t, f, b, "log"), "the answer's ETag is the object's")
		require.Equal(t, strconv.Itoa(len(whole)), r.Header.Get("X-Amz-Object-Size"))
	}
	head := f.do(t, raw{method: "HEAD", path: "/" + b + "/log", header: http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}}})
	require.Equal(t, sum(checksum.CRC32C, whole), head.Header.Get("X-Amz-Checksum-Crc32c"))
	require.Equal(t, "FULL_OBJECT", head.Header.Get("X-Amz-Checksum-Type"))
	r := f.do(t, raw{method: "PUT", path: "/" + b + "/log", body: []byte("late"), header: http.Header{
		"X-Amz-Write-Offset-Bytes": {strconv.Itoa(len(whole))}, "If-Match": {first},
		"X-Amz-Checksum-Crc32c": {sum(checksum.CRC32C, []byte("late"))}}})
	require.Equal(t, http.StatusPreconditionFailed, r.StatusCode, string(r.body))
	get := f.do(t, raw{method: "GET", path: "/" + b + "/log", header: http.Header{"If-Match": {etag}}})
	require.Equal(t, http.StatusOK, get.StatusCode)
	require.Equal(t, string(whole), string(get.body))

	// put_append_rename_append_test
	up := f.do(t, raw{method: "POST", path: "/" + b + "/mnt/a.txt?uploads"})
	require.Equal(t, http.StatusOK, up.StatusCode, string(up.body))
	id := errFields(t, up.body)["UploadId"] // any document's children by name
	part := f.do(t, raw{method: "PUT", path: "/" + b + "/mnt/a.txt?partNumber=1&uploadId=" + id, body: []byte("data")})
	require.Equal(t, http.StatusOK, part.StatusCode, string(part.body))
	done := f.do(t, raw{method: "POST", path: "/" + b + "/mnt/a.txt?uploadId=" + id, body: []byte(
		"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + part.Header.Get("ETag") + "</ETag></Part></CompleteMultipartUpload>")})
	require.Equal(t, http.StatusOK, done.StatusCode, string(done.body))
	zeros := make([]byte, 32)
	r = f.do(t, raw{method: "PUT", path: "/" + b + "/mnt/a.txt", body: zeros, header: http.Header{
		"X-Amz-Write-Offset-Bytes": {"4"}, "X-Amz-Checksum-Crc64nvme": {sum(checksum.CRC64NVME, zeros)}}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = mntRename(t, f, b, "mnt/a.txt", "mnt/b.txt", http.Header{"X-Amz-Rename-Source-If-Match": {r.Header.Get("ETag")}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// TestMntReads: what Mountpoint's reads rely on. The CRT's auto-ranged
// GET asks for 8 MiB parts, each with Range and the If-Match of the
// ETag the file system holds (get_object.rs adds accept: */*); a part
// answers 206 with its Content-Range, and once the object is replaced
// every part is 412 (object-changed detection, test_get_object_412_if_match).
// A missing key is 404 NoSuchKey and a missing bucket 404 NoSuchBucket,
// the codes get_object.rs and list_objects.rs parse (their recorded
// bodies carry <Key> and <BucketName>); HeadObject and HeadBucket
// answer 404 (HeadObjectError::NotFound, HeadBucketError::NoSuchBucket).
// --expected-bucket-owner naming another account is 403 (head_bucket.rs
// PermissionDenied); --requester-pays' header is taken.
func TestMntReads(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("mnt-reads")})
	require.NoError(t, err)
	const part = 8 << 20
	body := pattern(2*part + 123)
	etag := mntPut(t, f, "mnt-reads", "big", string(body), nil)
	for off := 0; off < len(body); off += part {
		end := min(off+part, len(body)) - 1
		r := f.do(t, raw{method: "GET", path: "/mnt-reads/big", header: http.Header{
			"Accept": {"*/*"}, "Range": {"bytes=" + strconv.Itoa(off) + "-" + strconv.Itoa(end)}, "If-Match": {etag}}})
		require.Equal(t, http.StatusPartialContent, r.StatusCode)
		require.Equal(t, "bytes "+strconv.Itoa(off)+"-"+strconv.Itoa(end)+"/"+strconv.Itoa(len(body)), r.Header.Get("Content-Range"))
		require.Equal(t, body[off:end+1], r.body)
	}
	mntPut(t, f, "mnt-reads", "big", "replaced", nil)
	r := f.do(t, raw{method: "GET", path: "/mnt-reads/big", header: http.Header{"Range": {"bytes=8388608-16777215"}, "If-Match": {etag}}})
	require.Equal(t, http.StatusPreconditionFailed, r.StatusCode)
	require.Equal(t, "PreconditionFailed", r.errCode())

	r = f.do(t, raw{method: "GET", path: "/mnt-reads/missing"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, map[string]string{"Code": "NoSuchKey", "Key": "missing"}, mntPick(errFields(t, r.body), "Code", "Key"))
	r = f.do(t, raw{method: "GET", path: "/mnt-no-bucket/missing"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, map[string]string{"Code": "NoSuchBucket", "BucketName": "mnt-no-bucket"}, mntPick(errFields(t, r.body), "Code", "BucketName"))
	r = f.do(t, raw{method: "GET", path: "/mnt-no-bucket/?list-type=2&delimiter=%2F&max-keys=1000&prefix="})
	require.Equal(t, "NoSuchBucket", r.errCode())
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/mnt-reads/missing"}).StatusCode)
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/mnt-no-bucket"}).StatusCode)

	r = f.do(t, raw{method: "HEAD", path: "/mnt-reads", header: http.Header{"X-Amz-Expected-Bucket-Owner": {"111122223333"}}})
	require.Equal(t, http.StatusForbidden, r.StatusCode)
	r = f.do(t, raw{method: "GET", path: "/mnt-reads/big", header: http.Header{"X-Amz-Request-Payer": {"requester"}}})
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.Equal(t, "replaced", string(r.body))
}

// mntPick returns the entries of m named by keys.
func mntPick(m map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// TestMntListing: ListObjectsV2 as list_objects.rs sends it, on a general
// purpose and a directory bucket: list-type=2, delimiter (empty for a
// recursive listing), max-keys, prefix (empty too), continuation-token,
// and x-amz-optional-object-attributes: RestoreStatus on every request.
// Its parser needs Name, IsTruncated true exactly when a
// NextContinuationToken is there, and each Contents' Key, Size,
// LastModified (RFC 3339), ETag, StorageClass and ChecksumAlgorithm; a
// directory marker ("dir/") is an object of the listing and "sub/" a
// CommonPrefix. A restore in progress is RestoreStatus/IsRestoreInProgress.
func TestMntListing(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	createExpressBucket(t, c)
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("mnt-list")})
	require.NoError(t, err)
	type contents struct {
		Key, LastModified, ETag, StorageClass, ChecksumAlgorithm string
		Size                                                     *int64
		RestoreStatus                                            *struct{ IsRestoreInProgress string }
	}
	type result struct {
		Name, IsTruncated, NextContinuationToken string
		Contents                                 []contents
		CommonPrefixes                           []struct{ Prefix string }
	}
	list := func(bucket, q string) result {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/" + bucket + "/?" + q, header: http.Header{"X-Amz-Optional-Object-Attributes": {"RestoreStatus"}}})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		var res result
		require.NoError(t, xml.Unmarshal(r.body, &res))
		require.Equal(t, bucket, res.Name)
		require.Equal(t, res.IsTruncated == "true", res.NextContinuationToken != "", "IsTruncated doesn't match NextContinuationToken")
		for _, o := range res.Contents {
			_, err := time.Parse(time.RFC3339, o.LastModified)
			require.NoError(t, err)
			require.NotNil(t, o.Size)
			require.NotEmpty(t, o.ETag)
			require.NotEmpty(t, o.StorageClass)
			require.NotEmpty(t, o.ChecksumAlgorithm)
		}
		return res
	}
	for _, b := range []string{"mnt-list", expressBucket} {
		for _, k := range []string{"dir/", "dir/a", "dir/b", "dir/sub/c"} {
			mntPut(t, f, b, k, k, nil)
		}
		res := list(b, "list-type=2&delimiter=%2F&max-keys=1000&prefix=dir%2F")
		var keys []string
		for _, o := range res.Contents {
			keys = append(keys, o.Key)
		}
		require.Equal(t, []string{"dir/", "dir/a", "dir/b"}, keys, b)
		require.Len(t, res.CommonPrefixes, 1)
		require.Equal(t, "dir/sub/", res.CommonPrefixes[0].Prefix)

		keys = nil
		q := "list-type=2&delimiter=&max-keys=3&prefix="
		for pages := 0; ; pages++ {
			require.Less(t, pages, 3)
			res := list(b, q)
			for _, o := range res.Contents {
				keys = append(keys, o.Key)
			}
			if res.IsTruncated != "true" {
				break
			}
			q = "list-type=2&delimiter=&max-keys=3&prefix=&continuation-token=" + url.QueryEscape(res.NextContinuationToken)
		}
		require.Equal(t, []string{"dir/", "dir/a", "dir/b", "dir/sub/c"}, keys, b)
	}

	mntPut(t, f, "mnt-list", "cold", "cold", http.Header{"X-Amz-Storage-Class": {"GLACIER"}})
	r := f.do(t, raw{method: "POST", path: "/mnt-list/cold?restore", body: []byte(`<RestoreRequest><Days>1</Days></RestoreRequest>`)})
	require.Equal(t, http.StatusAccepted, r.StatusCode, string(r.body))
	res := list("mnt-list", "list-type=2&delimiter=%2F&max-keys=1000&prefix=cold")
	require.Len(t, res.Contents, 1)
	require.Equal(t, "GLACIER", res.Contents[0].StorageClass)
	require.NotNil(t, res.Contents[0].RestoreStatus)
	require.Equal(t, "true", res.Contents[0].RestoreStatus.IsRestoreInProgress)
}

// TestMntObjectAttributes: get_object_attributes.rs, run against S3:
// GET ?attributes with x-amz-object-attributes (and x-amz-max-parts,
// x-amz-part-number-marker). A single PUT with a checksum answers ETag
// (the PUT's, unquoted), its Checksum, StorageClass STANDARD, ObjectSize
// and no ObjectParts; ObjectParts alone of it is an empty answer
// (test_get_attributes_all_none). A multipart object with CRC32C part
// checksums answers the composite CRC32C without the -2 the Complete
// answer has, and its parts with their checksums and sizes
// (test_get_attributes_mpu_with_checksum); pages of one part carry
// IsTruncated, MaxParts and the markers (test_get_attributes_mpu_pagination).
// A missing key or bucket is 404 NoSuchKey / NoSuchBucket.
func TestMntObjectAttributes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mnt-attrs")})
	require.NoError(t, err)
	attrs := func(key string, h http.Header) map[string]string {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/mnt-attrs/" + key + "?attributes", header: h})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		return errFields(t, r.body)
	}
	all := http.Header{"X-Amz-Object-Attributes": {"ETag,Checksum,ObjectParts,StorageClass,ObjectSize"}}

	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mnt-attrs"), Key: aws.String("hello"),
		Body: strings.NewReader("hello world!"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c})
	require.NoError(t, err)
	got := attrs("hello", all)
	require.Equal(t, strings.Trim(aws.ToString(put.ETag), `"`), got["ETag"])
	require.Equal(t, "STANDARD", got["StorageClass"])
	require.Equal(t, "12", got["ObjectSize"])
	require.NotContains(t, got, "ObjectParts")
	r := f.do(t, raw{method: "GET", path: "/mnt-attrs/hello?attributes", header: all})
	require.Contains(t, string(r.body), "<ChecksumCRC32C>"+aws.ToString(put.ChecksumCRC32C)+"</ChecksumCRC32C>")
	require.Empty(t, attrs("hello", http.Header{"X-Amz-Object-Attributes": {"ObjectParts"}}))

	for _, alg := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmSha256} {
		key := "mpu-" + string(alg)
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mnt-attrs"), Key: aws.String(key), ChecksumAlgorithm: alg})
		require.NoError(t, err)
		var parts []types.CompletedPart
		var sums []string
		for i, size := range []int{5 << 20, 1024} {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mnt-attrs"), Key: aws.String(key), UploadId: up.UploadId,
				PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(make([]byte, size)), ChecksumAlgorithm: alg})
			require.NoError(t, err)
			parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag,
				ChecksumCRC32C: out.ChecksumCRC32C, ChecksumSHA256: out.ChecksumSHA256})
			sums = append(sums, aws.ToString(out.ChecksumCRC32C)+aws.ToString(out.ChecksumSHA256))
		}
		done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mnt-attrs"), Key: aws.String(key),
			UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		require.NoError(t, err)
		r := f.do(t, raw{method: "GET", path: "/mnt-attrs/" + key + "?attributes", header: all})
		require.Equal(t, http.StatusOK, r.StatusCode)
		if alg == types.ChecksumAlgorithmCrc32c {
			whole := aws.ToString(done.ChecksumCRC32C)
			require.True(t, strings.HasSuffix(whole, "-2"), whole)
			require.Contains(t, string(r.body), "<Checksum><ChecksumCRC32C>"+strings.TrimSuffix(whole, "-2")+"</ChecksumCRC32C>")
			require.Contains(t, string(r.body), "<IsTruncated>false</IsTruncated>")
			require.Contains(t, string(r.body), "<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1000</MaxParts>")
			require.Contains(t, string(r.body), "<Part><PartNumber>1</PartNumber><Size>5242880</Size><ChecksumCRC32C>"+sums[0]+"</ChecksumCRC32C></Part>")
			require.Contains(t, string(r.body), "<Part><PartNumber>2</PartNumber><Size>1024</Size><ChecksumCRC32C>"+sums[1]+"</ChecksumCRC32C></Part>")
			continue
		}
		only := http.Header{"X-Amz-Object-Attributes": {"ObjectParts"}, "X-Amz-Max-Parts": {"1"}}
		r = f.do(t, raw{method: "GET", path: "/mnt-attrs/" + key + "?attributes", header: only})
		require.Contains(t, string(r.body), "<PartsCount>2</PartsCount><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>1</NextPartNumberMarker><MaxParts>1</MaxParts><IsTruncated>true</IsTruncated>")
		require.Contains(t, string(r.body), "<Part><PartNumber>1</PartNumber><Size>5242880</Size><ChecksumSHA256>"+sums[0]+"</ChecksumSHA256></Part></ObjectParts>")
		only = http.Header{"X-Amz-Object-Attributes": {"ObjectParts"}, "X-Amz-Part-Number-Marker": {"1"}}
		r = f.do(t, raw{method: "GET", path: "/mnt-attrs/" + key + "?attributes", header: only})
		require.Contains(t, string(r.body), "<PartsCount>2</PartsCount><PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>")
		require.Contains(t, string(r.body), "<Part><PartNumber>2</PartNumber><Size>1024</Size><ChecksumSHA256>"+sums[1]+"</ChecksumSHA256></Part></ObjectParts>")
	}

	// test_put_object_initiate_failure: a CreateMultipartUpload naming a
	// storage class S3 does not know fails.
	_, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mnt-attrs"), Key: aws.String("x"),
		StorageClass: "INVALID_STORAGE_CLASS"})
	wantCode(t, err, "InvalidStorageClass")

	etagOnly := http.Header{"X-Amz-Object-Attributes": {"ETag"}}
	r = f.do(t, raw{method: "GET", path: "/mnt-attrs/missing?attributes", header: etagOnly})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	require.Equal(t, "NoSuchKey", r.errCode())
	r = f.do(t, raw{method: "GET", path: "/mnt-no-attrs/missing?attributes", header: etagOnly})
	require.Equal(t, "NoSuchBucket", r.errCode())
}
