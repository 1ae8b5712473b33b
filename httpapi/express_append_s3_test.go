package httpapi_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/checksum"
)

// TestExpressAppend: aws-sdk-go-v2 with default settings appends to
// objects of a directory bucket (PutObject with WriteOffsetBytes, as S3
// Express One Zone serves it): every append is a part, the full-object
// CRC32 the SDK sends by default is combined, the answer names the new
// size; the refusals are S3's (the cases of mountpoint-s3's integration
// tests against S3 Express) and change nothing.
func TestExpressAppend(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	createExpressBucket(t, c)
	bkt := aws.String(expressBucket)
	put := func(key string, body []byte, mod func(*s3.PutObjectInput)) (*s3.PutObjectOutput, error) {
		in := &s3.PutObjectInput{Bucket: bkt, Key: aws.String(key), Body: bytes.NewReader(body)}
		if mod != nil {
			mod(in)
		}
		return c.PutObject(ctx, in)
	}
	at := func(off int64) func(*s3.PutObjectInput) {
		return func(in *s3.PutObjectInput) { in.WriteOffsetBytes = aws.Int64(off) }
	}
	read := func(key string, part int32) string {
		t.Helper()
		in := &s3.GetObjectInput{Bucket: bkt, Key: aws.String(key)}
		if part > 0 {
			in.PartNumber = aws.Int32(part)
		}
		out, err := c.GetObject(ctx, in)
		require.NoError(t, err)
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return string(b)
	}

	_, err := put("log", []byte("first"), nil)
	require.NoError(t, err)
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB: more than one chunk, past the record
	whole := []byte("first")
	for _, p := range [][]byte{[]byte("second"), big, []byte("!")} {
		out, err := put("log", p, at(int64(len(whole))))
		require.NoError(t, err)
		whole = append(whole, p...)
		require.Equal(t, int64(len(whole)), aws.ToInt64(out.Size), "x-amz-object-size")
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bkt, Key: aws.String("log"), ChecksumMode: types.ChecksumModeEnabled})
		require.NoError(t, err)
		require.Equal(t, aws.ToString(out.ETag), aws.ToString(head.ETag), "the answer's ETag is the object's")
		require.Equal(t, checksum.Encode(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(whole))), aws.ToString(head.ChecksumCRC32), "the SDK's default CRC32, combined")
		require.Equal(t, types.ChecksumTypeFullObject, head.ChecksumType)
	}
	require.Equal(t, string(whole), read("log", 0))
	require.Equal(t, "second", read("log", 2), "each append is a part")
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("log"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts, types.ObjectAttributesObjectSize}})
	require.NoError(t, err)
	require.Equal(t, int32(4), aws.ToInt32(attrs.ObjectParts.TotalPartsCount))
	require.Equal(t, int64(len(whole)), aws.ToInt64(attrs.ObjectSize))

	// A copy is an object of one part, with the whole object's checksum.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bkt, Key: aws.String("copy"), CopySource: aws.String(expressBucket + "/log")})
	require.NoError(t, err)
	attrs, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bkt, Key: aws.String("copy"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts, types.ObjectAttributesChecksum}})
	require.NoError(t, err)
	require.Nil(t, attrs.ObjectParts, "one part")
	require.Equal(t, checksum.Encode(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(whole))), aws.ToString(attrs.Checksum.ChecksumCRC32))
	require.Equal(t, string(whole), read("copy", 0))

	// If-Match with the current ETag appends; a stale one does not.
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bkt, Key: aws.String("log")})
	require.NoError(t, err)
	_, err = put("log", []byte("?"), func(in *s3.PutObjectInput) {
		at(int64(len(whole)))(in)
		in.IfMatch = head.ETag
	})
	require.NoError(t, err)
	whole = append(whole, '?')
	_, err = put("log", []byte("?"), func(in *s3.PutObjectInput) {
		at(int64(len(whole)))(in)
		in.IfMatch = head.ETag
	})
	wantCode(t, err, "PreconditionFailed")

	// Offset 0 on a free key creates the object.
	_, err = put("new", []byte("made by an append"), at(0))
	require.NoError(t, err)
	require.Equal(t, "made by an append", read("new", 0))

	status := func(err error) int {
		var re interface{ HTTPStatusCode() int }
		require.ErrorAs(t, err, &re)
		return re.HTTPStatusCode()
	}
	message := func(err error) string {
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		return ae.ErrorMessage()
	}
	_, err = put("log", []byte("x"), at(int64(len(whole))+1))
	wantCode(t, err, "InvalidWriteOffset")
	require.Equal(t, http.StatusBadRequest, status(err))
	_, err = put("log", []byte("x"), at(3))
	wantCode(t, err, "InvalidWriteOffset")
	_, err = put("absent", []byte("x"), at(1024))
	wantCode(t, err, "NoSuchKey")
	require.Equal(t, http.StatusNotFound, status(err))
	_, err = put("log", nil, at(int64(len(whole))))
	wantCode(t, err, "InvalidArgument")
	require.Equal(t, "Request body cannot be empty when 'write offset' is specified.", message(err))
	_, err = put("log", []byte("x"), func(in *s3.PutObjectInput) {
		at(int64(len(whole)))(in)
		in.Metadata = map[string]string{"k": "v"}
	})
	wantCode(t, err, "InvalidRequest")
	require.Equal(t, "Cannot specify both a write offset value and user-defined object metadata for existing objects.", message(err))
	_, err = put("log", []byte("x"), func(in *s3.PutObjectInput) {
		at(int64(len(whole)))(in)
		in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256
	})
	wantCode(t, err, "InvalidRequest")
	require.Equal(t, "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256", message(err))
	_, err = put("log", []byte("x"), func(in *s3.PutObjectInput) {
		at(int64(len(whole)))(in)
		in.ChecksumCRC32 = aws.String(checksum.Encode(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE([]byte("y")))))
	})
	wantCode(t, err, "BadDigest")
	require.Equal(t, string(whole), read("log", 0), "no refusal changed the object")

	// A malformed offset is refused before anything is read.
	r := f.do(t, raw{method: "PUT", path: "/" + expressBucket + "/log", body: []byte("x"),
		header: http.Header{"X-Amz-Write-Offset-Bytes": {"-1"}}})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidArgument", r.errCode())
}

// TestAppendGeneralPurposeBucket: S3 appends to objects of directory
// buckets only; a general purpose bucket refuses the header (501), never
// taking the request for a PutObject that replaces the object.
func TestAppendGeneralPurposeBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("general")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("general"), Key: aws.String("log"), Body: strings.NewReader("first")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("general"), Key: aws.String("log"),
		Body: strings.NewReader("second"), WriteOffsetBytes: aws.Int64(5)})
	wantCode(t, err, "NotImplemented")
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("general"), Key: aws.String("log")})
	require.NoError(t, err)
	body, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.Equal(t, "first", string(body))
}

// TestExpressConditionalDeletes: S3 Express's conditional deletes through
// aws-sdk-go-v2: DeleteObject's IfMatchLastModifiedTime and IfMatchSize
// (412 unless they match; a missing object is 204), DeleteObjects'
// per-object LastModifiedTime and Size, and AbortMultipartUpload's
// IfMatchInitiatedTime. Before, they were ignored and the delete or abort
// happened whatever they said.
func TestExpressConditionalDeletes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	createExpressBucket(t, c)
	bkt := aws.String(expressBucket)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("k"), Body: strings.NewReader("four")})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bkt, Key: aws.String("k")})
	require.NoError(t, err)
	mod := aws.ToTime(head.LastModified)

	for _, in := range []*s3.DeleteObjectInput{
		{Bucket: bkt, Key: aws.String("k"), IfMatchSize: aws.Int64(5)},
		{Bucket: bkt, Key: aws.String("k"), IfMatchLastModifiedTime: aws.Time(mod.Add(-time.Hour))},
		{Bucket: bkt, Key: aws.String("k"), IfMatchSize: aws.Int64(4), IfMatchLastModifiedTime: aws.Time(mod.Add(time.Hour))},
	} {
		_, err := c.DeleteObject(ctx, in)
		wantCode(t, err, "PreconditionFailed")
	}
	res, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bkt, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), Size: aws.Int64(3)}, {Key: aws.String("k"), LastModifiedTime: aws.Time(mod.Add(time.Hour))}}}})
	require.NoError(t, err)
	require.Len(t, res.Errors, 2)
	require.Equal(t, "PreconditionFailed", aws.ToString(res.Errors[0].Code))
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bkt, Key: aws.String("k")})
	require.NoError(t, err, "no failed condition deleted it")
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bkt, Key: aws.String("k"), IfMatchSize: aws.Int64(4), IfMatchLastModifiedTime: aws.Time(mod)})
	require.NoError(t, err)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bkt, Key: aws.String("k")})
	wantCode(t, err, "NotFound")
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bkt, Key: aws.String("k"), IfMatchSize: aws.Int64(4)})
	require.NoError(t, err, "a missing object passes the conditions")

	// DeleteObjects with matching conditions deletes.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bkt, Key: aws.String("k2"), Body: strings.NewReader("xy")})
	require.NoError(t, err)
	res, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bkt, Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k2"), Size: aws.Int64(2)}}}})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	require.Len(t, res.Deleted, 1)

	// AbortMultipartUpload with IfMatchInitiatedTime.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bkt, Key: aws.String("mp")})
	require.NoError(t, err)
	list, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: bkt})
	require.NoError(t, err)
	require.Len(t, list.Uploads, 1)
	initiated := aws.ToTime(list.Uploads[0].Initiated)
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: up.UploadId, IfMatchInitiatedTime: aws.Time(initiated.Add(-time.Hour))})
	wantCode(t, err, "PreconditionFailed")
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: up.UploadId, IfMatchInitiatedTime: aws.Time(initiated)})
	require.NoError(t, err)
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: up.UploadId, IfMatchInitiatedTime: aws.Time(initiated)})
	require.NoError(t, err, "an upload that no longer exists is 204 with the condition")
	// Without it, an upload aborted a short while ago is 204 too (S3
	// repeats an abort: TestHsaMultipartUploaderContract); one that
	// never existed is NoSuchUpload.
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: up.UploadId})
	require.NoError(t, err)
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bkt, Key: aws.String("mp"), UploadId: aws.String("never-was")})
	wantCode(t, err, "NoSuchUpload")
}
