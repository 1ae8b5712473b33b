package httpapi_test

import (
	"context"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestOSSDefaults2025: with WithOSSDefaults2025 a new OSS bucket blocks
// public access, as OSS's buckets made since October 2025 do (its
// BucketInfo says so, a public ACL is refused at creation and after);
// without it nothing is blocked.
func TestOSSDefaults2025(t *testing.T) {
	ctx := context.Background()
	blocked := func(c *oss2.Client, b string) bool {
		t.Helper()
		got, err := c.GetBucketPublicAccessBlock(ctx, &oss2.GetBucketPublicAccessBlockRequest{Bucket: oss2.Ptr(b)})
		require.NoError(t, err)
		info, err := c.GetBucketInfo(ctx, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr(b)})
		require.NoError(t, err)
		require.Equal(t, *got.PublicAccessBlockConfiguration.BlockPublicAccess, *info.BucketInfo.BlockPublicAccess)
		return *got.PublicAccessBlockConfiguration.BlockPublicAccess
	}

	c := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithOSSDefaults2025()}}).ossV2(testAK, testSK)
	v2Bucket(t, c, "new2025")
	require.True(t, blocked(c, "new2025"))
	_, err := c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("new2025"), Acl: oss2.BucketACLPublicRead})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("public2025"), Acl: oss2.BucketACLPublicRead})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = c.GetBucketInfo(ctx, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("public2025")})
	wantOSS(t, err, 404, "NoSuchBucket", "")
	_, err = c.DeleteBucketPublicAccessBlock(ctx, &oss2.DeleteBucketPublicAccessBlockRequest{Bucket: oss2.Ptr("new2025")})
	require.NoError(t, err)
	_, err = c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("new2025"), Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err, "once the owner turns the block off")

	plain := newFixture(t, fixtureOptions{}).ossV2(testAK, testSK)
	v2Bucket(t, plain, "old")
	require.False(t, blocked(plain, "old"))
}
