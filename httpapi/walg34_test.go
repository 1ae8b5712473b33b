package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestWalg34WalGRequestShapes replays the requests WAL-G's S3 storage
// (wal-g/wal-g pkg/storages/s3: uploader.go, folder.go) makes, with its
// defaults and with WALG_S3_SSE, WALG_S3_SSE_KMS_ID and
// WALG_S3_STORAGE_CLASS: every upload, single or multipart (s3manager,
// 20 MiB parts by default), names a storage class (STANDARD unless
// configured); aws:kms always comes with a key ID; Exists is a HEAD whose
// 404 must read as NotFound; ReadObject of a missing key must be
// NoSuchKey (wal-fetch tries each compression extension so); ListFolder
// is ListObjectsV2 with the folder as prefix and "/" as delimiter;
// CopyObject (backup-mark, delete's copies) sends x-amz-copy-source as
// path.Join(bucket, folder, key), unescaped; DeleteObjects goes in
// batches of 1000 keys without Quiet. The WAL-G binary could not be built
// here (the module proxy refuses github.com/wal-g/wal-g), so these are
// its requests through aws-sdk-go-v2 with checksums only when required,
// as aws-sdk-go v1 sends them.
func TestWalg34WalGRequestShapes(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("walg"))
	c := s3.New(s3.Options{}, func(o *s3.Options) {
		*o = replicationClient(srv).Options()
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	b := aws.String("walg")
	up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 5 << 20; u.Concurrency = 2 })

	type upload struct {
		key, class string
		sse        types.ServerSideEncryption
		kmsKey     string
		size       int
	}
	uploads := []upload{
		{key: "pg/wal_005/000000010000000000000001.lz4", class: "STANDARD", size: 1 << 10},
		{key: "pg/basebackups_005/base_000000010000000000000002/tar_partitions/part_1.tar.lz4", class: "STANDARD", size: 11 << 20},
		{key: "pg/wal_005/000000010000000000000002.lz4", class: "STANDARD_IA", sse: types.ServerSideEncryptionAes256, size: 1 << 10},
		{key: "pg/basebackups_005/base_000000010000000000000002/tar_partitions/part_2.tar.lz4", class: "STANDARD_IA",
			sse: types.ServerSideEncryptionAwsKms, kmsKey: "alias/aws/s3", size: 11 << 20},
		{key: "pg/basebackups_005/base_000000010000000000000002_backup_stop_sentinel.json", class: "REDUCED_REDUNDANCY", size: 300},
		{key: "pg/basebackups_005/base_000000010000000000000002/metadata.json", class: "INTELLIGENT_TIERING", size: 200},
	}
	bodies := map[string][]byte{}
	for _, u := range uploads {
		body := make([]byte, u.size)
		_, _ = rand.Read(body)
		bodies[u.key] = body
		in := &s3.PutObjectInput{Bucket: b, Key: aws.String(u.key), Body: bytes.NewReader(body),
			StorageClass: types.StorageClass(u.class), ServerSideEncryption: u.sse}
		if u.kmsKey != "" {
			in.SSEKMSKeyId = aws.String(u.kmsKey)
		}
		_, err := up.Upload(ctx, in)
		require.NoError(t, err, u.key)
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String(u.key)})
		require.NoError(t, err, u.key)
		require.Equal(t, int64(u.size), aws.ToInt64(head.ContentLength), u.key)
		require.Equal(t, u.sse, head.ServerSideEncryption, u.key)
		if u.class == "STANDARD" {
			require.Empty(t, head.StorageClass, "S3 names no class for STANDARD on HEAD")
		} else {
			require.Equal(t, types.StorageClass(u.class), head.StorageClass, u.key)
		}
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String(u.key)})
		require.NoError(t, err, u.key)
		data, err := io.ReadAll(got.Body)
		got.Body.Close()
		require.NoError(t, err)
		require.True(t, bytes.Equal(body, data), u.key)
	}

	// Exists and wal-fetch of a segment not archived.
	_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("pg/wal_005/000000010000000000000009.br")})
	var nf *types.NotFound
	require.True(t, errors.As(err, &nf), "HEAD of a missing key: %v", err)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("pg/wal_005/000000010000000000000009.lz4")})
	requireAPIError(t, err, "NoSuchKey")

	// backup-list: the folder and its sub-folders.
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("pg/basebackups_005/"), Delimiter: aws.String("/")})
	require.NoError(t, err)
	require.Len(t, list.CommonPrefixes, 1)
	require.Equal(t, "pg/basebackups_005/base_000000010000000000000002/", aws.ToString(list.CommonPrefixes[0].Prefix))
	require.Len(t, list.Contents, 1)
	require.Equal(t, "pg/basebackups_005/base_000000010000000000000002_backup_stop_sentinel.json", aws.ToString(list.Contents[0].Key))
	require.Equal(t, types.ObjectStorageClassReducedRedundancy, list.Contents[0].StorageClass)

	// CopyObject with WAL-G's unescaped source; the copy is STANDARD, as
	// S3 makes a copy that names no class.
	src := "pg/basebackups_005/base_000000010000000000000002/metadata.json"
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("pg/copied/metadata.json"),
		CopySource: aws.String("walg/" + src)})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("pg/copied/metadata.json")})
	require.NoError(t, err)
	require.Empty(t, head.StorageClass)

	// delete retain: one DeleteObjects batch, not quiet.
	objs := []types.ObjectIdentifier{{Key: aws.String("pg/copied/metadata.json")}, {Key: aws.String("pg/never-there")}}
	for _, u := range uploads {
		objs = append(objs, types.ObjectIdentifier{Key: aws.String(u.key)})
	}
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: objs}})
	require.NoError(t, err)
	require.Len(t, del.Deleted, len(objs), "a missing key is reported deleted, as S3 does")
	require.Empty(t, del.Errors)
	left, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	require.NoError(t, err)
	require.Empty(t, left.Contents)
}

// TestWalg34CopyShapes: WAL-G's newer S3 storage (aws-sdk-go-v2,
// pkg/storages/s3/copy.go) copies between folders of one service with
// CopySource = url.PathEscape(bucket + "/" + key), so the separator
// arrives as %2F; CopySourceIfMatch from a HEAD; MetadataDirective and
// TaggingDirective REPLACE; its storage class; and, with WALG_S3_SSE_C,
// the customer key as copy source and destination. Above its part size it
// copies by UploadPartCopy with ranges and the same conditions, and sends
// the customer key on CompleteMultipartUpload too.
func TestWalg34CopyShapes(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("walg", "walg-copy"))
	c := replicationClient(srv)
	b := aws.String("walg")
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keyB64 := base64.StdEncoding.EncodeToString(key)
	sum := md5.Sum(key)
	keyMD5 := base64.StdEncoding.EncodeToString(sum[:])

	body := make([]byte, 11<<20)
	_, _ = rand.Read(body)
	src := "pg/basebackups_005/base_000000010000000000000003/tar_partitions/part_1.tar.br"
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(src), Body: bytes.NewReader(body),
		StorageClass: types.StorageClassStandard, SSECustomerAlgorithm: aws.String("AES256"),
		SSECustomerKey: aws.String(keyB64), SSECustomerKeyMD5: aws.String(keyMD5)})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String(src),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(keyB64), SSECustomerKeyMD5: aws.String(keyMD5)})
	require.NoError(t, err)
	copySource := url.PathEscape("walg/" + src)
	require.Contains(t, copySource, "%2F")

	// Single copy.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("walg-copy"), Key: aws.String("copy/" + src),
		CopySource: aws.String(copySource), CopySourceIfMatch: head.ETag,
		MetadataDirective: types.MetadataDirectiveReplace, TaggingDirective: types.TaggingDirectiveReplace,
		StorageClass:                   types.StorageClassStandardIa,
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(keyB64), CopySourceSSECustomerKeyMD5: aws.String(keyMD5),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(keyB64), SSECustomerKeyMD5: aws.String(keyMD5)})
	require.NoError(t, err)
	walg34RequireBody(t, c, "walg-copy", "copy/"+src, keyB64, keyMD5, body)

	// Multipart copy in 5 MiB ranges.
	dst := aws.String("mp/" + src)
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("walg-copy"), Key: dst,
		StorageClass:         types.StorageClassStandard,
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(keyB64), SSECustomerKeyMD5: aws.String(keyMD5)})
	require.NoError(t, err)
	var parts []types.CompletedPart
	for i, start := 0, 0; start < len(body); i, start = i+1, start+5<<20 {
		end := min(start+5<<20, len(body)) - 1
		out, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("walg-copy"), Key: dst, UploadId: cr.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), CopySource: aws.String(copySource),
			CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", start, end)), CopySourceIfMatch: head.ETag,
			CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(keyB64), CopySourceSSECustomerKeyMD5: aws.String(keyMD5),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(keyB64), SSECustomerKeyMD5: aws.String(keyMD5)})
		require.NoError(t, err, "part %d", i+1)
		parts = append(parts, types.CompletedPart{ETag: out.CopyPartResult.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("walg-copy"), Key: dst, UploadId: cr.UploadId,
		MultipartUpload:      &types.CompletedMultipartUpload{Parts: parts},
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(keyB64), SSECustomerKeyMD5: aws.String(keyMD5)})
	require.NoError(t, err)
	walg34RequireBody(t, c, "walg-copy", *dst, keyB64, keyMD5, body)
}

func walg34RequireBody(t *testing.T, c *s3.Client, bucket, key, keyB64, keyMD5 string, want []byte) {
	t.Helper()
	got, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(keyB64), SSECustomerKeyMD5: aws.String(keyMD5)})
	require.NoError(t, err, key)
	defer got.Body.Close()
	data, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, data), key)
}

// TestWalg34RetentionShapes: with WALG_S3_RETENTION_PERIOD WAL-G puts
// every object (and every copy and multipart upload) with
// x-amz-object-lock-mode (GOVERNANCE unless WALG_S3_RETENTION_MODE) and a
// retain-until date. S3 refuses that in a bucket without Object Lock
// (400 InvalidRequest) and keeps the version from deletion in one with
// it; WAL-G's delete of versions then fails until the date passes.
func TestWalg34RetentionShapes(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("walg"))
	// WAL-G's client comes from s3.NewFromConfig: CRC32 checksums when
	// supported, which also meets S3's rule that an upload with Object
	// Lock parameters carry Content-MD5 or a checksum.
	c := s3.New(replicationClient(srv).Options(), func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
	})
	until := srv.Clock().Now().Add(24 * time.Hour)
	put := func(bucket string) (*s3.PutObjectOutput, error) {
		return c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("pg/wal_005/000000010000000000000001.br"),
			Body: bytes.NewReader([]byte("segment")), StorageClass: types.StorageClassStandard,
			ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(until)})
	}
	_, err := put("walg")
	requireAPIError(t, err, "InvalidRequest")
	require.ErrorContains(t, err, "Bucket is missing")

	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("walg-locked"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	out, err := put("walg-locked")
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("walg-locked"), Key: aws.String("pg/wal_005/000000010000000000000001.br")})
	require.NoError(t, err)
	require.Equal(t, types.ObjectLockModeGovernance, head.ObjectLockMode)
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("walg-locked"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("pg/wal_005/000000010000000000000001.br"), VersionId: out.VersionId}}}})
	require.NoError(t, err)
	require.Len(t, del.Errors, 1)
	require.Equal(t, "AccessDenied", aws.ToString(del.Errors[0].Code))
}
