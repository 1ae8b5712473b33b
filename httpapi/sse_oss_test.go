package httpapi_test

import (
	"bytes"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestOSSV2Encryption drives OSS server-side encryption (AES256, KMS,
// the bucket default) through alibabacloud-oss-go-sdk-v2, its uploader
// and its copier included.
func TestOSSV2Encryption(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "v2-sse"
	v2Bucket(t, c, bk)
	body := string(pattern(100 << 10))

	put, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("aes"), Body: strings.NewReader(body), ServerSideEncryption: oss2.Ptr("AES256")})
	require.NoError(t, err)
	require.Equal(t, "AES256", put.Headers.Get("X-Oss-Server-Side-Encryption"))
	got, res := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("aes")})
	require.Equal(t, body, got)
	require.Equal(t, "AES256", oss2.ToString(res.ServerSideEncryption))

	put, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("kms"), Body: strings.NewReader(body),
		ServerSideEncryption: oss2.Ptr("KMS"), ServerSideEncryptionKeyId: oss2.Ptr("alias/app")})
	require.NoError(t, err)
	require.Equal(t, "KMS", put.Headers.Get("X-Oss-Server-Side-Encryption"))
	keyID := put.Headers.Get("X-Oss-Server-Side-Encryption-Key-Id")
	require.Len(t, keyID, 36, "a bare key ID")
	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("kms")})
	require.NoError(t, err)
	require.Equal(t, "KMS", oss2.ToString(head.ServerSideEncryption))
	require.Equal(t, keyID, oss2.ToString(head.ServerSideEncryptionKeyId))
	// The key ID the service reported names the same key.
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("kms2"), Body: strings.NewReader("x"),
		ServerSideEncryption: oss2.Ptr("KMS"), ServerSideEncryptionKeyId: oss2.Ptr(keyID)})
	require.NoError(t, err)

	// SM4: alone, and as KMS's data encryption.
	put, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("sm4"), Body: strings.NewReader(body), ServerSideEncryption: oss2.Ptr("SM4")})
	require.NoError(t, err)
	require.Equal(t, "SM4", put.Headers.Get("X-Oss-Server-Side-Encryption"))
	got, res = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("sm4")})
	require.Equal(t, body, got)
	require.Equal(t, "SM4", oss2.ToString(res.ServerSideEncryption))
	put, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("kms-sm4"), Body: strings.NewReader(body),
		ServerSideEncryption: oss2.Ptr("KMS"), ServerSideDataEncryption: oss2.Ptr("SM4")})
	require.NoError(t, err)
	require.Equal(t, "SM4", put.Headers.Get("X-Oss-Server-Side-Data-Encryption"))
	got, res = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("kms-sm4")})
	require.Equal(t, body, got)
	require.Equal(t, "KMS", oss2.ToString(res.ServerSideEncryption))
	require.Equal(t, "SM4", oss2.ToString(res.ServerSideDataEncryption))
	// SM4 data encryption under AES256 is dropped, as OSS drops it (oss2's
	// tests/test_server_side_encryotion.py; TestOss2DataEncryptionOnlyUnderKMS).
	put, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("aes-data"), Body: strings.NewReader("x"),
		ServerSideEncryption: oss2.Ptr("AES256"), ServerSideDataEncryption: oss2.Ptr("SM4")})
	require.NoError(t, err)
	require.Equal(t, "AES256", put.Headers.Get("X-Oss-Server-Side-Encryption"))
	require.Empty(t, put.Headers.Get("X-Oss-Server-Side-Data-Encryption"))
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("bad-data"), Body: strings.NewReader("x"),
		ServerSideEncryption: oss2.Ptr("KMS"), ServerSideDataEncryption: oss2.Ptr("AES256")})
	wantOSS(t, err, 400, "InvalidEncryptionAlgorithmError", "")
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("bad"), Body: strings.NewReader("x"), ServerSideEncryption: oss2.Ptr("ROT13")})
	wantOSS(t, err, 400, "InvalidEncryptionAlgorithmError", "")

	// Uploader: the upload's encryption applies to every part.
	data := pattern(1<<20 + 17)
	up, err := c.NewUploader(func(o *oss2.UploaderOptions) { o.PartSize = 200 << 10; o.ParallelNum = 3 }).
		UploadFrom(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("uploaded"), ServerSideEncryption: oss2.Ptr("KMS"), ServerSideEncryptionKeyId: oss2.Ptr("alias/app")}, bytes.NewReader(data))
	require.NoError(t, err)
	require.NotNil(t, up.UploadId)
	got, res = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("uploaded")})
	require.True(t, got == string(data))
	require.Equal(t, "KMS", oss2.ToString(res.ServerSideEncryption))

	// Copier (multipart copy): the destination's encryption is the request's.
	_, err = c.NewCopier(func(o *oss2.CopierOptions) { o.PartSize = 200 << 10; o.MultipartCopyThreshold = 500 << 10 }).
		Copy(bg, &oss2.CopyObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copied"), SourceKey: oss2.Ptr("uploaded"), ServerSideEncryption: oss2.Ptr("AES256")})
	require.NoError(t, err)
	got, res = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copied")})
	require.True(t, got == string(data))
	require.Equal(t, "AES256", oss2.ToString(res.ServerSideEncryption))
	_, err = c.CopyObject(bg, &oss2.CopyObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copied-plain"), SourceKey: oss2.Ptr("kms")})
	require.NoError(t, err)
	got, res = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copied-plain")})
	require.Equal(t, body, got)
	require.Nil(t, res.ServerSideEncryption, "a copy without the header is not encrypted (object.md 7)")

	// Bucket default encryption.
	_, err = c.GetBucketEncryption(bg, &oss2.GetBucketEncryptionRequest{Bucket: oss2.Ptr(bk)})
	wantOSS(t, err, 404, "NoSuchServerSideEncryptionRule", "")
	_, err = c.PutBucketEncryption(bg, &oss2.PutBucketEncryptionRequest{Bucket: oss2.Ptr(bk), ServerSideEncryptionRule: &oss2.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &oss2.ApplyServerSideEncryptionByDefault{SSEAlgorithm: oss2.Ptr("KMS"), KMSMasterKeyID: oss2.Ptr(keyID)}}})
	require.NoError(t, err)
	enc, err := c.GetBucketEncryption(bg, &oss2.GetBucketEncryptionRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.Equal(t, "KMS", oss2.ToString(enc.ServerSideEncryptionRule.ApplyServerSideEncryptionByDefault.SSEAlgorithm))
	require.Equal(t, keyID, oss2.ToString(enc.ServerSideEncryptionRule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID))
	put, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("default"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.Equal(t, "KMS", put.Headers.Get("X-Oss-Server-Side-Encryption"))
	_, err = c.PutBucketEncryption(bg, &oss2.PutBucketEncryptionRequest{Bucket: oss2.Ptr(bk), ServerSideEncryptionRule: &oss2.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &oss2.ApplyServerSideEncryptionByDefault{SSEAlgorithm: oss2.Ptr("KMS"), KMSDataEncryption: oss2.Ptr("SM4")}}})
	require.NoError(t, err)
	enc, err = c.GetBucketEncryption(bg, &oss2.GetBucketEncryptionRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.Equal(t, "SM4", oss2.ToString(enc.ServerSideEncryptionRule.ApplyServerSideEncryptionByDefault.KMSDataEncryption))
	put, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("default-sm4"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.Equal(t, "SM4", put.Headers.Get("X-Oss-Server-Side-Data-Encryption"))
	_, err = c.DeleteBucketEncryption(bg, &oss2.DeleteBucketEncryptionRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	put, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("after"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.Empty(t, put.Headers.Get("X-Oss-Server-Side-Encryption"))
}
