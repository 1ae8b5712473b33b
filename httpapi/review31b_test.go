package httpapi_test

import (
	"context"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestReview31bPutBucketACLPolicyDeny: an OSS PutBucket with x-oss-acl on
// the owner's existing bucket is PutBucketAcl (c2f2448), so a bucket
// policy that denies oss:PutBucketAcl refuses it as it refuses
// PutBucketAcl, and the ACL stays as it was.
func TestReview31bPutBucketACLPolicyDeny(t *testing.T) {
	_, c, _ := ossPolicyFixture(t)
	ctx := context.Background()
	b := oss2.Ptr("opol")
	deny := `{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:PutBucketAcl"],"Principal":["*"],"Resource":["acs:oss:*:*:opol"],` +
		`"Condition":{"NotIpAddress":{"acs:SourceIp":["192.0.2.0/24"]}}}]}`
	_, err := c.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(deny)})
	require.NoError(t, err)

	_, err = c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	wantOSS(t, err, 403, "AccessDenied", "")

	got, err := c.GetBucketAcl(ctx, &oss2.GetBucketAclRequest{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, "private", *got.ACL, "a refused PutBucket changes nothing")

	// Without x-oss-acl it stays a PutBucket of one's own bucket: 200.
	_, err = c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: b})
	require.NoError(t, err)
}
