package httpapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// TestRecreateOwnBucket: S3 answers CreateBucket of a bucket its owner
// already has in us-east-1 with 200 and resets the bucket's ACL to the one
// asked for, for legacy compatibility; in every other region it is 409
// BucketAlreadyOwnedByYou, and for anyone else 409 BucketAlreadyExists
// (ceph s3-tests' test_bucket_recreate_not_overriding and
// test_bucket_list_return_data_versioning create buckets again).
func TestRecreateOwnBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	grants := func(b string) []types.Grant {
		t.Helper()
		acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		return acl.Grants
	}
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy"), ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("legacy"), Key: aws.String("kept"), Body: nil})
	require.NoError(t, err)
	require.Len(t, grants("legacy"), 2)

	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy")})
	require.NoError(t, err)
	g := grants("legacy")
	require.Len(t, g, 1, "the ACL is reset to private")
	require.Equal(t, types.PermissionFullControl, g[0].Permission)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("legacy"), Key: aws.String("kept")})
	require.NoError(t, err, "objects stay")

	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy"), ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err)
	require.Len(t, grants("legacy"), 2)

	other := f.s3Client(true, otherAK, otherSK)
	_, err = other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy")})
	wantCode(t, err, "BucketAlreadyExists")

	eu := &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("elsewhere"), CreateBucketConfiguration: eu})
	require.NoError(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("elsewhere"), CreateBucketConfiguration: eu})
	wantCode(t, err, "BucketAlreadyOwnedByYou")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("elsewhere")})
	wantCode(t, err, "BucketAlreadyOwnedByYou")
}

// TestACLGrantUnknownID: a grant to a canonical ID no account has is 400
// InvalidArgument "Invalid id" naming it, as S3 answers (ceph s3-tests'
// test_bucket_acl_grant_nonexist_user); the ACL stays as it was.
func TestACLGrantUnknownID(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("grants")})
	require.NoError(t, err)
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("grants")})
	require.NoError(t, err)
	bad := append(acl.Grants, types.Grant{Permission: types.PermissionFullControl,
		Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String("_foo")}})
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("grants"),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: bad}})
	wantCode(t, err, "InvalidArgument")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("grants"), GrantRead: aws.String(`id="_foo"`)})
	wantCode(t, err, "InvalidArgument")
	after, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("grants")})
	require.NoError(t, err)
	require.Len(t, after.Grants, len(acl.Grants))
	// A known user's ID is fine.
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("grants"), GrantRead: aws.String(`id="` + aws.ToString(acl.Owner.ID) + `"`)})
	require.NoError(t, err)
}

// TestACLWithoutGrants: an AccessControlPolicy with an empty grant list
// revokes every grant, the owner's too, and reads back empty (ceph
// s3-tests' test_bucket_acl_revoke_all); the owner keeps its implicit
// rights to the ACL and, here, to its objects.
func TestACLWithoutGrants(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("revoked")})
	require.NoError(t, err)
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("revoked")})
	require.NoError(t, err)
	require.Len(t, acl.Grants, 1)
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("revoked"),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: []types.Grant{}}})
	require.NoError(t, err)
	empty, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("revoked")})
	require.NoError(t, err)
	require.Empty(t, empty.Grants)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("revoked"), Key: aws.String("k"), Body: nil})
	require.NoError(t, err)
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("revoked"), Key: aws.String("k"),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: []types.Grant{}}})
	require.NoError(t, err)
	oacl, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("revoked"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Empty(t, oacl.Grants)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("revoked"), Key: aws.String("k")})
	require.NoError(t, err)
	// Others get nothing.
	other := f.s3Client(true, otherAK, otherSK)
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("revoked"), Key: aws.String("k")})
	wantCode(t, err, "AccessDenied")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("revoked"), AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: acl.Grants}})
	require.NoError(t, err)
	back, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("revoked")})
	require.NoError(t, err)
	require.Len(t, back.Grants, 1)
}

// TestObjectLockPeriodArgument: a default retention period that is not
// positive is InvalidArgument naming the element, as S3 answers
// (versity/versitygw#1738 quotes it).
func TestObjectLockPeriodArgument(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/locked", header: hdr("X-Amz-Bucket-Object-Lock-Enabled", "true")}).errOrNil())
	for unit, body := range map[string]string{
		"Days":  "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>",
		"Years": "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>-1</Years></DefaultRetention></Rule></ObjectLockConfiguration>",
	} {
		r := f.do(t, raw{method: "PUT", path: "/locked?object-lock", body: []byte(body), header: md5Header([]byte(body))})
		require.Equal(t, 400, r.StatusCode, "%s", r.body)
		require.Equal(t, "InvalidArgument", r.errCode())
		require.Contains(t, string(r.body), "<ArgumentName>"+unit+"</ArgumentName>")
	}
}
