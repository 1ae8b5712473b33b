package fake_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestUsersBucketPolicyReachesOnlyBucketOwnersObjects: through
// aws-sdk-go-v2, a public-read bucket policy serves the bucket owner's
// objects to anyone, not an object another account wrote privately into
// the bucket (Object Ownership ObjectWriter): S3 applies a bucket policy
// to the objects the bucket owner owns only ("Bucket policies for Amazon
// S3"). The writer's own ACL opens it, to everyone (public-read) or to
// the bucket owner (bucket-owner-read); BucketOwnerEnforced gives the
// bucket owner the object and the policy reaches it again.
func TestUsersBucketPolicyReachesOnlyBucketOwnersObjects(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(alice, bob))
	a := userClient(srv, alice.AccessKey, alice.SecretKey, "")
	b := userClient(srv, bob.AccessKey, bob.SecretKey, "")
	anon := userClient(srv, "", "", "")
	_, err := a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pol35"), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	require.NoError(t, err)
	_, err = a.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("pol35"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"CanonicalUser":"` + srv.UserID(bob.AccessKey) + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::pol35/*"},` +
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol35/*"}]}`)})
	require.NoError(t, err)
	put := func(c *s3.Client, key string, acl types.ObjectCannedACL) {
		t.Helper()
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pol35"), Key: aws.String(key), Body: strings.NewReader(key), ACL: acl})
		require.NoError(t, err)
	}
	get := func(c *s3.Client, key string) error {
		t.Helper()
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pol35"), Key: aws.String(key)})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		body, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		require.Equal(t, key, string(body))
		return nil
	}
	put(a, "alices", "")
	put(b, "bobs", types.ObjectCannedACLPrivate)

	require.NoError(t, get(anon, "alices"), "the policy reaches the bucket owner's object")
	requireAPIError(t, get(anon, "bobs"), "AccessDenied")
	requireAPIError(t, get(a, "bobs"), "AccessDenied")
	require.NoError(t, get(b, "bobs"), "its writer reads it")

	_, err = b.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("pol35"), Key: aws.String("bobs"), ACL: types.ObjectCannedACLBucketOwnerRead})
	require.NoError(t, err)
	require.NoError(t, get(a, "bobs"), "bucket-owner-read")
	requireAPIError(t, get(anon, "bobs"), "AccessDenied")
	_, err = b.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("pol35"), Key: aws.String("bobs"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	require.NoError(t, get(anon, "bobs"), "public-read")
	_, err = b.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("pol35"), Key: aws.String("bobs"), ACL: types.ObjectCannedACLPrivate})
	require.NoError(t, err)

	_, err = a.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("pol35"),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
	require.NoError(t, err)
	require.NoError(t, get(anon, "bobs"), "BucketOwnerEnforced: the bucket owner's, the policy reaches it")
}
