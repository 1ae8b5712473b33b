package fake_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/sigv4"
)

var (
	alice = httpapi.User{AccessKey: "AKALICE", SecretKey: "alice-secret", DisplayName: "Alice", Email: "alice@example.com"}
	bob   = httpapi.User{AccessKey: "AKBOB", SecretKey: "bob-secret", Email: "Bob@Example.com"}
)

// userClient is an aws-sdk-go-v2 client signing with ak/sk (and a
// session token); ak "" is anonymous.
func userClient(srv *fake.Server, ak, sk, token string) *s3.Client {
	var creds aws.CredentialsProvider = aws.AnonymousCredentials{}
	if ak != "" {
		creds = credentials.NewStaticCredentialsProvider(ak, sk, token)
	}
	return s3.New(s3.Options{Region: srv.Region, Credentials: creds, BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true, HTTPClient: srv.HTTPClient(), RetryMaxAttempts: 1})
}

func getBody(ctx context.Context, c *s3.Client, bucket, key string) (string, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

// A bucket shared from Alice to Bob by ACL grants (by canonical ID and by
// e-mail address), and made public to anonymous readers by a canned ACL.
func TestUsersShareByACL(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(alice, bob))
	a := userClient(srv, alice.AccessKey, alice.SecretKey, "")
	b := userClient(srv, bob.AccessKey, bob.SecretKey, "")
	anon := userClient(srv, "", "", "")
	aliceID, bobID := srv.UserID(alice.AccessKey), srv.UserID(bob.AccessKey)
	require.NotEmpty(t, bobID)

	_, err := a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")})
	require.NoError(t, err)
	_, err = a.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("doc"), Body: strings.NewReader("hello")})
	require.NoError(t, err)

	// Without a grant Bob can neither list, read nor write.
	_, err = b.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")})
	requireAPIError(t, err, "AccessDenied")
	_, err = getBody(ctx, b, "shared", "doc")
	requireAPIError(t, err, "AccessDenied")
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("bob"), Body: strings.NewReader("x")})
	requireAPIError(t, err, "AccessDenied")

	// READ on the bucket lets Bob list, not read the object.
	_, err = a.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("shared"), GrantRead: aws.String(`id="` + bobID + `"`),
		GrantFullControl: aws.String(`id="` + aliceID + `"`)})
	require.NoError(t, err)
	list, err := b.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")})
	require.NoError(t, err)
	require.Len(t, list.Contents, 1)
	_, err = getBody(ctx, b, "shared", "doc")
	requireAPIError(t, err, "AccessDenied")
	_, err = getBody(ctx, b, "shared", "missing")
	requireAPIError(t, err, "NoSuchKey") // who may list learns that a key is missing
	_, err = b.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("shared")})
	requireAPIError(t, err, "AccessDenied") // READ is not READ_ACP

	// READ on the object, granted by e-mail address (any case).
	_, err = a.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("doc"),
		GrantRead: aws.String(`emailAddress="bob@example.com"`), GrantFullControl: aws.String(`id="` + aliceID + `"`)})
	require.NoError(t, err)
	body, err := getBody(ctx, b, "shared", "doc")
	require.NoError(t, err)
	require.Equal(t, "hello", body)
	acl, err := a.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("doc")})
	require.NoError(t, err)
	var bobGrant *types.Grant
	for i, g := range acl.Grants {
		if g.Grantee.ID != nil && *g.Grantee.ID == bobID {
			bobGrant = &acl.Grants[i]
		}
	}
	require.NotNil(t, bobGrant, "the e-mail grant is stored as a grant to Bob's canonical ID")
	require.Equal(t, types.TypeCanonicalUser, bobGrant.Grantee.Type)
	require.Equal(t, types.PermissionRead, bobGrant.Permission)
	require.Equal(t, "Alice", *acl.Owner.DisplayName)
	// Bob may read the object, not its ACL.
	_, err = b.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("doc")})
	requireAPIError(t, err, "AccessDenied")

	// An address no user has.
	_, err = a.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("doc"),
		GrantRead: aws.String(`emailAddress="nobody@example.com"`)})
	requireAPIError(t, err, "UnresolvableGrantByEmailAddress")

	// WRITE on the bucket: Bob writes, and owns what he writes (ObjectWriter).
	_, err = a.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("shared"),
		GrantRead: aws.String(`id="` + bobID + `"`), GrantWrite: aws.String(`emailAddress="bob@example.com"`),
		GrantFullControl: aws.String(`id="` + aliceID + `"`)})
	require.NoError(t, err)
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("bob"), Body: strings.NewReader("by bob")})
	require.NoError(t, err)
	list, err = a.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared"), Prefix: aws.String("bob"), FetchOwner: aws.Bool(true)})
	require.NoError(t, err)
	require.Equal(t, bobID, *list.Contents[0].Owner.ID)
	_, err = b.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("shared"), Key: aws.String("doc")})
	require.NoError(t, err, "WRITE lets Bob delete in the bucket")
	_, err = b.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("shared")})
	requireAPIError(t, err, "AccessDenied")

	// Anonymous: refused, allowed by public-read, refused under IgnorePublicAcls.
	_, err = getBody(ctx, anon, "shared", "bob")
	requireAPIError(t, err, "AccessDenied")
	_, err = b.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("bob"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err, "Bob owns the object, so he sets its ACL")
	body, err = getBody(ctx, anon, "shared", "bob")
	require.NoError(t, err)
	require.Equal(t, "by bob", body)

	_, err = a.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("shared")})
	requireAPIError(t, err, "NoSuchPublicAccessBlockConfiguration")
	_, err = b.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("shared"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}})
	requireAPIError(t, err, "AccessDenied") // the bucket owner's alone
	_, err = a.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("shared"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	pab, err := a.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("shared")})
	require.NoError(t, err)
	require.True(t, *pab.PublicAccessBlockConfiguration.IgnorePublicAcls)
	require.False(t, *pab.PublicAccessBlockConfiguration.BlockPublicAcls)
	_, err = getBody(ctx, anon, "shared", "bob")
	requireAPIError(t, err, "AccessDenied")
	_, err = getBody(ctx, b, "shared", "bob")
	require.NoError(t, err, "the owner of the object still reads it")

	// BlockPublicAcls refuses public ACLs; private ones pass.
	_, err = a.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("shared"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	body, err = getBody(ctx, anon, "shared", "bob")
	require.NoError(t, err, "public grants count again without IgnorePublicAcls")
	require.Equal(t, "by bob", body)
	_, err = b.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("bob"), ACL: types.ObjectCannedACLPublicRead})
	requireAPIError(t, err, "AccessDenied")
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("pub"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLPublicRead})
	requireAPIError(t, err, "AccessDenied")
	_, err = a.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("shared"), GrantRead: aws.String(`uri="http://acs.amazonaws.com/groups/global/AllUsers"`)})
	requireAPIError(t, err, "AccessDenied")
	_, err = b.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("shared"), Key: aws.String("bob"), ACL: types.ObjectCannedACLPrivate})
	require.NoError(t, err)
	_, err = a.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("shared")})
	require.NoError(t, err)
	_, err = a.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("shared")})
	requireAPIError(t, err, "NoSuchPublicAccessBlockConfiguration")
}

// Object Ownership: BucketOwnerEnforced disables ACLs, BucketOwnerPreferred
// gives the bucket owner objects written with bucket-owner-full-control.
func TestUsersObjectOwnership(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(alice, bob))
	a := userClient(srv, alice.AccessKey, alice.SecretKey, "")
	b := userClient(srv, bob.AccessKey, bob.SecretKey, "")
	aliceID, bobID := srv.UserID(alice.AccessKey), srv.UserID(bob.AccessKey)
	owner := func(key string) string {
		t.Helper()
		l, err := a.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("own"), Prefix: aws.String(key), FetchOwner: aws.Bool(true)})
		require.NoError(t, err)
		require.Len(t, l.Contents, 1)
		return *l.Contents[0].Owner.ID
	}
	setOwnership := func(o types.ObjectOwnership) {
		t.Helper()
		_, err := a.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("own"),
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: o}}}})
		require.NoError(t, err)
	}

	_, err := a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("own"), GrantWrite: aws.String(`id="` + bobID + `"`),
		GrantFullControl: aws.String(`id="` + aliceID + `"`)})
	require.NoError(t, err)
	_, err = a.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("own")})
	requireAPIError(t, err, "OwnershipControlsNotFoundError")

	setOwnership(types.ObjectOwnershipBucketOwnerPreferred)
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("own"), Key: aws.String("plain"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.Equal(t, bobID, owner("plain"))
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("own"), Key: aws.String("handed"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLBucketOwnerFullControl})
	require.NoError(t, err)
	require.Equal(t, aliceID, owner("handed"))

	setOwnership(types.ObjectOwnershipBucketOwnerEnforced)
	got, err := a.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("own")})
	require.NoError(t, err)
	require.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, got.OwnershipControls.Rules[0].ObjectOwnership)
	// ACLs are disabled: Bob's WRITE grant counts for nothing, ACL writes
	// other than private / bucket-owner-full-control fail.
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("own"), Key: aws.String("b2"), Body: strings.NewReader("x")})
	requireAPIError(t, err, "AccessDenied")
	_, err = a.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("own"), Key: aws.String("pub"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLPublicRead})
	requireAPIError(t, err, "AccessControlListNotSupported")
	_, err = a.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("own"), ACL: types.BucketCannedACLPublicRead})
	requireAPIError(t, err, "AccessControlListNotSupported")
	_, err = a.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("own"), Key: aws.String("ok"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLBucketOwnerFullControl})
	require.NoError(t, err)
	// Get*Acl shows the bucket owner's full control, whatever is stored.
	oacl, err := a.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String("own"), Key: aws.String("plain")})
	require.NoError(t, err)
	require.Equal(t, aliceID, *oacl.Owner.ID, "Bob's object is the bucket owner's")
	require.Len(t, oacl.Grants, 1)
	require.Equal(t, aliceID, *oacl.Grants[0].Grantee.ID)
	require.Equal(t, types.PermissionFullControl, oacl.Grants[0].Permission)
	bacl, err := a.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("own")})
	require.NoError(t, err)
	require.Len(t, bacl.Grants, 1, "Bob's WRITE grant is not shown")

	_, err = a.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String("own")})
	require.NoError(t, err)
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("own"), Key: aws.String("b3"), Body: strings.NewReader("x")})
	require.NoError(t, err, "grants count again")

	// x-amz-object-ownership on CreateBucket.
	_, err = a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("enforced"), ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced})
	require.NoError(t, err)
	got, err = a.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("enforced")})
	require.NoError(t, err)
	require.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, got.OwnershipControls.Rules[0].ObjectOwnership)
	_, err = a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("enforced-public"), ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced,
		ACL: types.BucketCannedACLPublicRead})
	requireAPIError(t, err, "InvalidBucketAclWithObjectOwnership")
}

// Under BucketOwnerEnforced a private canned ACL is the bucket owner's
// full control only when the bucket owner sends it: from a writer of
// another account (granted s3:PutObject by the bucket policy) S3 refuses
// it with 400 AccessControlListNotSupported, on PutObject,
// CreateMultipartUpload and CopyObject alike, while no ACL and
// bucket-owner-full-control are taken. The Docker registry's S3 driver
// sends x-amz-acl: private by default.
func TestUsersBucketOwnerEnforcedPrivateFromAnotherAccount(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(alice, bob))
	a := userClient(srv, alice.AccessKey, alice.SecretKey, "")
	b := userClient(srv, bob.AccessKey, bob.SecretKey, "")
	bobID := srv.UserID(bob.AccessKey)
	_, err := a.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("enf"), ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced})
	require.NoError(t, err)
	_, err = a.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("enf"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"CanonicalUser":"` + bobID + `"},"Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::enf/*"}]}`)})
	require.NoError(t, err)

	_, err = a.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enf"), Key: aws.String("by-owner"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLPrivate})
	require.NoError(t, err, "the bucket owner's private is its own full control")
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enf"), Key: aws.String("plain"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enf"), Key: aws.String("handed"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLBucketOwnerFullControl})
	require.NoError(t, err)

	_, err = b.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enf"), Key: aws.String("private"), Body: strings.NewReader("x"),
		ACL: types.ObjectCannedACLPrivate})
	requireAPIError(t, err, "AccessControlListNotSupported")
	_, err = b.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("enf"), Key: aws.String("private"),
		ACL: types.ObjectCannedACLPrivate})
	requireAPIError(t, err, "AccessControlListNotSupported")
	_, err = b.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("enf"), Key: aws.String("private"), CopySource: aws.String("enf/plain"),
		ACL: types.ObjectCannedACLPrivate})
	requireAPIError(t, err, "AccessControlListNotSupported")
	// Nothing was written: the bucket owner finds no object (bob, who may
	// not list the bucket, is told 403 for a missing key, as S3 tells it).
	_, err = a.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("enf"), Key: aws.String("private")})
	requireAPIError(t, err, "NotFound")
	_, err = b.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("enf"), Key: aws.String("private")})
	requireAPIError(t, err, "Forbidden")
}

// With httpapi.WithS3Defaults2023, new buckets get S3's defaults since
// 2023: SSE-S3 default encryption, and BucketOwnerEnforced with Block
// Public Access unless CreateBucket names an ownership.
func TestS3Defaults2023(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithHTTPOptions(httpapi.WithS3Defaults2023()))
	c := userClient(srv, srv.AccessKey, srv.SecretKey, "")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("new")})
	require.NoError(t, err)
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("new")})
	require.NoError(t, err)
	p := pab.PublicAccessBlockConfiguration
	require.True(t, *p.BlockPublicAcls && *p.IgnorePublicAcls && *p.BlockPublicPolicy && *p.RestrictPublicBuckets)
	own, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("new")})
	require.NoError(t, err)
	require.Equal(t, types.ObjectOwnershipBucketOwnerEnforced, own.OwnershipControls.Rules[0].ObjectOwnership)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public"), ACL: types.BucketCannedACLPublicRead})
	requireAPIError(t, err, "InvalidBucketAclWithObjectOwnership")

	// Default encryption SSE-S3 (since January 2023): the configuration,
	// every new object, and DeleteBucketEncryption resets to it.
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("new")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAes256, enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("new"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAes256, put.ServerSideEncryption)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("new"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAes256, head.ServerSideEncryption)
	_, err = c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String("new")})
	require.NoError(t, err)
	enc, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("new")})
	require.NoError(t, err, "S3 buckets are never left unencrypted")
	require.Equal(t, types.ServerSideEncryptionAes256, enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm)

	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("old"), ObjectOwnership: types.ObjectOwnershipObjectWriter,
		ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err)
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("old")})
	requireAPIError(t, err, "NoSuchPublicAccessBlockConfiguration")

	// Without the option nothing is set.
	plain := fake.New(t)
	pc := userClient(plain, plain.AccessKey, plain.SecretKey, "")
	_, err = pc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("new")})
	require.NoError(t, err)
	_, err = pc.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String("new")})
	requireAPIError(t, err, "OwnershipControlsNotFoundError")
	_, err = pc.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("new")})
	requireAPIError(t, err, "ServerSideEncryptionConfigurationNotFoundError")
}

// S3 session tokens: verified, never ignored, expiring on the fake's clock.
func TestSessionTokenS3(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(alice), fake.WithBuckets("bkt"))
	sess, err := srv.NewSession(alice.AccessKey, time.Hour)
	require.NoError(t, err)
	c := userClient(srv, sess.AccessKey, sess.SecretKey, sess.Token)

	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alices")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("alices"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("alices"), FetchOwner: aws.Bool(true)})
	require.NoError(t, err)
	require.Equal(t, srv.UserID(alice.AccessKey), *l.Contents[0].Owner.ID, "the session acts as Alice")
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	requireAPIError(t, err, "AccessDenied") // Alice's rights, not the server owner's

	_, err = userClient(srv, sess.AccessKey, sess.SecretKey, "wrong-token").ListBuckets(ctx, &s3.ListBucketsInput{})
	requireAPIError(t, err, "InvalidToken")
	_, err = userClient(srv, sess.AccessKey, sess.SecretKey, "").ListBuckets(ctx, &s3.ListBucketsInput{})
	requireAPIError(t, err, "InvalidAccessKeyId")
	_, err = userClient(srv, alice.AccessKey, alice.SecretKey, sess.Token).ListBuckets(ctx, &s3.ListBucketsInput{})
	requireAPIError(t, err, "InvalidToken") // a long-term key with a token

	// Presigned: the token travels in the signed query.
	req, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("alices"), Key: aws.String("k")},
		s3.WithPresignExpires(3*time.Hour))
	require.NoError(t, err)
	require.Contains(t, req.URL, "X-Amz-Security-Token=")
	get := func(u string) (int, string) {
		resp, err := srv.HTTPClient().Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get(req.URL)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "v", body)
	tampered, err := url.Parse(req.URL)
	require.NoError(t, err)
	q := tampered.Query()
	q.Set("X-Amz-Security-Token", "other")
	tampered.RawQuery = q.Encode()
	status, body = get(tampered.String())
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "InvalidToken", "a token not the key's is refused before the signature")

	// SigV2 presigned, as botocore makes it with temporary credentials:
	// x-amz-security-token in the query, signed as an amz header.
	v2, err := http.NewRequest(http.MethodGet, srv.URL+"/alices/k", nil)
	require.NoError(t, err)
	sigv4.PresignV2(v2, sigv4.Credentials{AccessKeyID: sess.AccessKey, SecretAccessKey: sess.SecretKey, SessionToken: sess.Token}, "", srv.Clock().Now().Add(time.Hour))
	require.Contains(t, v2.URL.RawQuery, "x-amz-security-token=")
	status, body = get(v2.URL.String())
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "v", body)
	// The parameter's name in another case is the same signed amz header.
	v2c, err := http.NewRequest(http.MethodGet, srv.URL+"/alices/k?X-Amz-Security-Token="+url.QueryEscape(sess.Token), nil)
	require.NoError(t, err)
	sigv4.PresignV2(v2c, sigv4.Credentials{AccessKeyID: sess.AccessKey, SecretAccessKey: sess.SecretKey}, "", srv.Clock().Now().Add(time.Hour))
	status, body = get(v2c.URL.String())
	require.Equal(t, http.StatusOK, status, body)
	v2q := v2.URL.Query()
	v2q.Set("x-amz-security-token", "other")
	status, body = get(srv.URL + "/alices/k?" + v2q.Encode())
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "InvalidToken")

	// Expiry on the engine clock.
	srv.Clock().Advance(time.Hour + time.Second)
	_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{})
	requireAPIError(t, err, "ExpiredToken")
	status, body = get(req.URL)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "ExpiredToken")

	// Revoked: unknown.
	fresh, err := srv.NewSession("", time.Hour)
	require.NoError(t, err)
	fc := userClient(srv, fresh.AccessKey, fresh.SecretKey, fresh.Token)
	_, err = fc.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	require.NoError(t, err, "a session of the server's own user")
	srv.Users().RemoveTemporary(fresh.AccessKey)
	_, err = fc.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	requireAPIError(t, err, "InvalidAccessKeyId")
}

// OSS STS tokens through the v2 SDK (signature v4, x-oss-security-token).
func TestSecurityTokenOSS(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(alice), fake.WithBuckets("bkt"))
	sess, err := srv.NewSession("", 30*time.Minute)
	require.NoError(t, err)
	client := func(token string) *oss2.Client {
		cfg := oss2.LoadDefaultConfig().
			WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(sess.AccessKey, sess.SecretKey, token)).
			WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(srv.HTTPClient()).WithRetryMaxAttempts(1)
		return oss2.NewClient(cfg)
	}
	wantOSSCode := func(err error, status int, code string) {
		t.Helper()
		var se *oss2.ServiceError
		require.True(t, errors.As(err, &se), "%v", err)
		require.Equal(t, status, se.HttpStatusCode())
		require.Equal(t, code, se.ErrorCode())
	}
	c := client(sess.Token)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("bkt"), Key: oss2.Ptr("k"), Body: strings.NewReader("sts")})
	require.NoError(t, err)
	out, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("bkt"), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	require.Equal(t, "sts", string(b))

	_, err = client("forged").GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("bkt"), Key: oss2.Ptr("k")})
	wantOSSCode(err, http.StatusForbidden, "InvalidSecurityToken")
	_, err = client("").GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("bkt"), Key: oss2.Ptr("k")})
	wantOSSCode(err, http.StatusForbidden, "InvalidAccessKeyId")

	srv.Clock().Advance(31 * time.Minute)
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("bkt"), Key: oss2.Ptr("k")})
	wantOSSCode(err, http.StatusForbidden, "SecurityTokenExpired")
}

// The v1 SDK (signature v1, x-oss-security-token header and the
// security-token parameter of signed URLs), and OSS UIDs in owners.
func TestSecurityTokenOSSV1AndUID(t *testing.T) {
	ctx := context.Background()
	carol := httpapi.User{AccessKey: "AKCAROL", SecretKey: "carol-secret", OSSUID: "1234567890", DisplayName: "carol"}
	srv := fake.New(t, fake.WithUsers(carol))
	sess, err := srv.NewSession(carol.AccessKey, time.Hour)
	require.NoError(t, err)
	v1 := func(token string) *oss1.Bucket {
		c, err := oss1.New(srv.URL, sess.AccessKey, sess.SecretKey, oss1.SecurityToken(token), oss1.HTTPClient(srv.HTTPClient()))
		require.NoError(t, err)
		c.Config.RetryTimes = 0
		b, err := c.Bucket("carols")
		require.NoError(t, err)
		return b
	}
	c, err := oss1.New(srv.URL, sess.AccessKey, sess.SecretKey, oss1.SecurityToken(sess.Token), oss1.HTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	require.NoError(t, c.CreateBucket("carols"))
	acl, err := c.GetBucketACL("carols")
	require.NoError(t, err)
	require.Equal(t, "1234567890", acl.Owner.ID, "OSS shows the owner's OSS UID")
	require.Equal(t, "carol", acl.Owner.DisplayName)

	b := v1(sess.Token)
	require.NoError(t, b.PutObject("k", strings.NewReader("v1")))
	signed, err := b.SignURL("k", oss1.HTTPGet, 600)
	require.NoError(t, err)
	require.Contains(t, signed, "security-token=")
	resp, err := srv.HTTPClient().Get(signed)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, "v1", string(body))

	// (A GET: the v1 SDK reads its upload's CRC state after an early error
	// answer while the transport may still be sending the body.)
	_, err = v1("forged").GetObject("k")
	var se oss1.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "InvalidSecurityToken", se.Code)
	require.Equal(t, http.StatusForbidden, se.StatusCode)

	v2 := oss2.NewClient(oss2.LoadDefaultConfig().
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(carol.AccessKey, carol.SecretKey)).
		WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(srv.HTTPClient()))
	lb, err := v2.ListBuckets(ctx, &oss2.ListBucketsRequest{})
	require.NoError(t, err)
	require.Equal(t, "1234567890", *lb.Owner.ID)
}

// The session token is part of what the signature covers: changing it
// after signing, or adding one to a request signed without it, fails.
func TestSessionTokenSigned(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("bkt"))
	sess, err := srv.NewSession("", time.Hour)
	require.NoError(t, err)
	send := func(creds sigv4.Credentials, tamper func(*http.Request)) (int, string) {
		t.Helper()
		r, err := http.NewRequest(http.MethodGet, srv.URL+"/bkt?list-type=2", nil)
		require.NoError(t, err)
		_, err = sigv4.SignRequest(r, creds, srv.Region, "s3", srv.Clock().Now(), "")
		require.NoError(t, err)
		tamper(r)
		resp, err := srv.HTTPClient().Do(r)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	creds := sigv4.Credentials{AccessKeyID: sess.AccessKey, SecretAccessKey: sess.SecretKey, SessionToken: sess.Token}
	status, body := send(creds, func(*http.Request) {})
	require.Equal(t, http.StatusOK, status, body)
	// A token that is not the key's is judged before the signature it
	// breaks, as S3 judges tokens: 400 InvalidToken.
	status, body = send(creds, func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "swapped") })
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "InvalidToken")

	long := sigv4.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}
	status, body = send(long, func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", sess.Token) })
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, body, "x-amz-security-token", "an unsigned token header is refused")
	status, body = send(long, func(*http.Request) {})
	require.Equal(t, http.StatusOK, status, body)
}

// OSS ACLs between users: x-oss-acl on PutBucket, x-oss-object-acl on
// PutObject and CopyObject, the object's "default" following the bucket.
func TestUsersOSSACL(t *testing.T) {
	ctx := context.Background()
	// An OSS domain: anonymous requests, which carry nothing else that
	// says OSS, are served in the OSS dialect.
	srv := fake.New(t, fake.WithUsers(alice, bob), fake.WithHTTPOptions(httpapi.WithOSSDomains("127.0.0.1")))
	client := func(ak, sk string) *oss2.Client {
		var creds osscreds.CredentialsProvider = osscreds.NewAnonymousCredentialsProvider()
		if ak != "" {
			creds = osscreds.NewStaticCredentialsProvider(ak, sk)
		}
		return oss2.NewClient(oss2.LoadDefaultConfig().WithCredentialsProvider(creds).
			WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(srv.HTTPClient()).WithRetryMaxAttempts(1))
	}
	a, b, anon := client(alice.AccessKey, alice.SecretKey), client(bob.AccessKey, bob.SecretKey), client("", "")
	get := func(c *oss2.Client, key string) error {
		out, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("ossb"), Key: oss2.Ptr(key)})
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	denied := func(err error) {
		t.Helper()
		var se *oss2.ServiceError
		require.True(t, errors.As(err, &se), "%v", err)
		require.Equal(t, "AccessDenied", se.ErrorCode())
	}

	_, err := a.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("ossb"), Acl: oss2.BucketACLPrivate})
	require.NoError(t, err)
	_, err = a.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("ossb"), Key: oss2.Ptr("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	denied(get(b, "k"))
	_, err = b.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("ossb"), Key: oss2.Ptr("bob"), Body: strings.NewReader("v")})
	denied(err)

	// public-read on the bucket: objects with the "default" ACL follow it.
	_, err = a.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("ossb"), Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	require.NoError(t, get(b, "k"))
	require.NoError(t, get(anon, "k"))
	_, err = b.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("ossb"), Key: oss2.Ptr("bob"), Body: strings.NewReader("v")})
	denied(err)

	// x-oss-object-acl: private on put, public-read on copy.
	_, err = a.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("ossb"), Key: oss2.Ptr("private"), Body: strings.NewReader("p"),
		Acl: oss2.ObjectACLPrivate})
	require.NoError(t, err)
	denied(get(b, "private"))
	_, err = a.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("ossb"), Acl: oss2.BucketACLPrivate})
	require.NoError(t, err)
	_, err = a.CopyObject(ctx, &oss2.CopyObjectRequest{Bucket: oss2.Ptr("ossb"), Key: oss2.Ptr("copy"), SourceKey: oss2.Ptr("private"),
		Acl: oss2.ObjectACLPublicRead})
	require.NoError(t, err)
	require.NoError(t, get(anon, "copy"))
	denied(get(anon, "k"))

	// public-read-write lets Bob write; the bucket owner reads what he wrote.
	_, err = a.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("ossb"), Acl: oss2.BucketACLPublicReadWrite})
	require.NoError(t, err)
	_, err = b.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("ossb"), Key: oss2.Ptr("bob"), Body: strings.NewReader("v"),
		Acl: oss2.ObjectACLPrivate})
	require.NoError(t, err)
	require.NoError(t, get(a, "bob"))
	denied(get(anon, "bob"))
}
