package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestProcessObjectSecurity: what sys/saveas writes is its writer's
// (another account cannot read it or change its ACL), under the target
// bucket's default encryption and Strict quota; processing is refused
// where a policy denies reading the source.
func TestProcessObjectSecurity(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, other := f.ossV2(testAK, testSK), f.ossV2(otherAK, otherSK)
	ctx := context.Background()
	b := oss2.Ptr("images")
	v2Bucket(t, c, "images")
	_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("cat.jpg"), Body: bytes.NewReader(testImage(t, 200, 100))})
	require.NoError(t, err)
	enc := func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }
	save := func(key string) error {
		_, err := c.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: b, Key: oss2.Ptr("cat.jpg"),
			Process: oss2.Ptr("image/resize,w_100|sys/saveas,o_" + enc(key))})
		return err
	}

	_, err = c.PutBucketEncryption(ctx, &oss2.PutBucketEncryptionRequest{Bucket: b, ServerSideEncryptionRule: &oss2.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &oss2.ApplyServerSideEncryptionByDefault{SSEAlgorithm: oss2.Ptr("AES256")}}})
	require.NoError(t, err)
	require.NoError(t, save("small.jpg"))
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("small.jpg")})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = other.PutObjectAcl(ctx, &oss2.PutObjectAclRequest{Bucket: b, Key: oss2.Ptr("small.jpg"), Acl: oss2.ObjectACLPublicRead})
	wantOSS(t, err, 403, "AccessDenied", "")
	h, err := c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: b, Key: oss2.Ptr("small.jpg")})
	require.NoError(t, err)
	require.Equal(t, "AES256", *h.ServerSideEncryption, "the bucket's default encryption")

	_, err = c.PutBucketStorageQuota(ctx, &oss2.PutBucketStorageQuotaRequest{Bucket: b,
		QuotaConfiguration: &oss2.QuotaConfiguration{StorageQuota: oss2.Ptr(int64(10)), Mode: oss2.StorageQuotaModeStrict}})
	require.NoError(t, err)
	wantOSS(t, save("more.jpg"), 403, "StorageQuotaExceeded", "")
	_, err = c.DeleteBucketStorageQuota(ctx, &oss2.DeleteBucketStorageQuotaRequest{Bucket: b})
	require.NoError(t, err)

	// Public-read, but a policy denies reading secret/: processing it is
	// reading it.
	_, err = c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("secret/cat.jpg"), Body: bytes.NewReader(testImage(t, 200, 100))})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(
		`{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:images/secret/*"]}]}`)})
	require.NoError(t, err)
	r := f.do(t, raw{method: "POST", path: "/images/secret/cat.jpg?x-oss-process", sign: "anon", body: []byte("x-oss-process=image/format,png")})
	require.Equal(t, 403, r.StatusCode)
	r = f.do(t, raw{method: "POST", path: "/images/cat.jpg?x-oss-process", sign: "anon", body: []byte("x-oss-process=image/format,png")})
	require.Equal(t, 200, r.StatusCode, "what the policy does not deny is processed")
}
