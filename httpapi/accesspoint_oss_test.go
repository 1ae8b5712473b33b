package httpapi_test

import (
	"context"
	"io"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// apUsers is a fixture with a second account, bob (OSS UID
// 1122334455667788), and a v2 client for the owner and for bob.
func apUsers(t *testing.T) (*fixture, *oss2.Client, *oss2.Client) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithUsers(
		httpapi.User{AccessKey: "apbob", SecretKey: "apbob-secret", OSSUID: "1122334455667788"})}})
	return f, f.ossV2(testAK, testSK), f.ossV2("apbob", "apbob-secret")
}

// TestOSSAccessPoints: access points through alibabacloud-oss-go-sdk-v2:
// made, read, listed and deleted with OSS's checks; their alias used as a
// bucket name reaches the bucket, decided by the bucket (owner, bucket
// policy delegating with oss:DataAccessPointArn) and by the access
// point's policy together; a VPC access point refuses everything; the
// alias dies with its access point and with its bucket.
func TestOSSAccessPoints(t *testing.T) {
	_, owner, bob := apUsers(t)
	ctx := context.Background()
	const bk = "apdata"
	b := oss2.Ptr(bk)
	v2Bucket(t, owner, bk)
	_, err := owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("docs/a.txt"), Body: strings.NewReader("alpha")})
	require.NoError(t, err)

	create := func(c *oss2.Client, bucket, name, origin, vpc string) (*oss2.CreateAccessPointResult, error) {
		cfg := &oss2.CreateAccessPointConfiguration{AccessPointName: oss2.Ptr(name), NetworkOrigin: oss2.Ptr(origin)}
		if vpc != "" {
			cfg.VpcConfiguration = &oss2.AccessPointVpcConfiguration{VpcId: oss2.Ptr(vpc)}
		}
		return c.CreateAccessPoint(ctx, &oss2.CreateAccessPointRequest{Bucket: oss2.Ptr(bucket), CreateAccessPointConfiguration: cfg})
	}
	for _, bad := range []string{"ab", "-ap", "ap-", "Ap-01", "ap_01", "a-very-long-name-of-20"} {
		_, err = create(owner, bk, bad, "internet", "")
		wantOSS(t, err, 400, "InvalidArgument", "")
	}
	_, err = create(owner, bk, "ap-x", "cloud", "")
	wantOSS(t, err, 400, "InvalidArgument", "")
	_, err = create(owner, bk, "ap-x", "vpc", "")
	wantOSS(t, err, 400, "InvalidArgument", "")
	_, err = create(owner, "no-such-bucket", "ap-x", "internet", "")
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
	_, err = create(bob, bk, "ap-x", "internet", "")
	wantOSS(t, err, 403, "AccessDenied", "")

	made, err := create(owner, bk, "ap-01", "internet", "")
	require.NoError(t, err)
	alias := *made.Alias
	require.True(t, strings.HasPrefix(alias, "ap-01-") && strings.HasSuffix(alias, "-ossalias"), alias)
	require.Regexp(t, `^acs:oss:[^:]+:[^:]+:accesspoint/ap-01$`, *made.AccessPointArn)
	_, err = create(owner, bk, "ap-01", "internet", "")
	wantOSS(t, err, 409, "AccessPointAlreadyExists", "")

	got, err := owner.GetAccessPoint(ctx, &oss2.GetAccessPointRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01")})
	require.NoError(t, err)
	require.Equal(t, alias, *got.Alias)
	require.Equal(t, bk, *got.Bucket)
	require.Equal(t, "internet", *got.NetworkOrigin)
	require.Equal(t, "enable", *got.AccessPointStatus)
	require.Equal(t, *made.AccessPointArn, *got.AccessPointArn)
	_, err = owner.GetAccessPoint(ctx, &oss2.GetAccessPointRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-none")})
	wantOSS(t, err, 404, "NoSuchAccessPoint", "")

	vpc, err := create(owner, bk, "ap-vpc", "vpc", "vpc-t4nlw426y44rd3iq4xxxx")
	require.NoError(t, err)
	list, err := owner.ListAccessPoints(ctx, &oss2.ListAccessPointsRequest{})
	require.NoError(t, err)
	require.Len(t, list.AccessPoints, 2)
	require.Equal(t, "ap-01", *list.AccessPoints[0].AccessPointName)
	require.Equal(t, "vpc-t4nlw426y44rd3iq4xxxx", *list.AccessPoints[1].VpcConfiguration.VpcId)
	page, err := owner.ListAccessPoints(ctx, &oss2.ListAccessPointsRequest{Bucket: b, MaxKeys: 1})
	require.NoError(t, err)
	require.True(t, *page.IsTruncated)
	require.Len(t, page.AccessPoints, 1)
	page, err = owner.ListAccessPoints(ctx, &oss2.ListAccessPointsRequest{Bucket: b, MaxKeys: 1, ContinuationToken: page.NextContinuationToken})
	require.NoError(t, err)
	require.False(t, *page.IsTruncated)
	require.Equal(t, "ap-vpc", *page.AccessPoints[0].AccessPointName)
	other, err := bob.ListAccessPoints(ctx, &oss2.ListAccessPointsRequest{})
	require.NoError(t, err)
	require.Empty(t, other.AccessPoints, "access points are their account's")

	read := func(c *oss2.Client, bucket, key string) (string, error) {
		res, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bucket), Key: oss2.Ptr(key)})
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		return string(data), err
	}
	// The owner reaches the bucket through the alias; writes land in it.
	body, err := read(owner, alias, "docs/a.txt")
	require.NoError(t, err)
	require.Equal(t, "alpha", body)
	_, err = owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("docs/b.txt"), Body: strings.NewReader("beta")})
	require.NoError(t, err)
	body, err = read(owner, bk, "docs/b.txt")
	require.NoError(t, err)
	require.Equal(t, "beta", body)
	listed, err := owner.ListObjectsV2(ctx, &oss2.ListObjectsV2Request{Bucket: oss2.Ptr(alias)})
	require.NoError(t, err)
	require.Len(t, listed.Contents, 2)
	_, err = owner.CopyObject(ctx, &oss2.CopyObjectRequest{Bucket: b, Key: oss2.Ptr("copied.txt"), SourceBucket: oss2.Ptr(alias), SourceKey: oss2.Ptr("docs/a.txt")})
	require.NoError(t, err, "a copy source named by alias")
	body, err = read(owner, bk, "copied.txt")
	require.NoError(t, err)
	require.Equal(t, "alpha", body)
	_, err = owner.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("copied.txt")})
	require.NoError(t, err)
	_, err = owner.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr(alias), Acl: oss2.BucketACLPublicRead})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = read(owner, *vpc.Alias, "docs/a.txt")
	wantOSS(t, err, 403, "AccessDenied", "")

	// Bob: nothing until the bucket delegates to the access point and the
	// access point's policy lets him read.
	_, err = read(bob, alias, "docs/a.txt")
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = owner.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(`{"Version":"1","Statement":[{"Effect":"Allow",` +
		`"Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:apdata","acs:oss:*:*:apdata/*"],` +
		`"Condition":{"StringEquals":{"oss:DataAccessPointArn":["` + *made.AccessPointArn + `"]}}}]}`)})
	require.NoError(t, err)
	_, err = read(bob, alias, "docs/a.txt")
	wantOSS(t, err, 403, "AccessDenied", "") // the access point has no policy for him
	apPolicy := `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["1122334455667788"],"Action":["oss:GetObject"],` +
		`"Resource":["acs:oss:*:*:accesspoint/ap-01/object/docs/*"]},` +
		`{"Effect":"Deny","Principal":["*"],"Action":["oss:DeleteObject"],"Resource":["acs:oss:*:*:accesspoint/ap-01/object/*"]}]}`
	_, err = owner.PutAccessPointPolicy(ctx, &oss2.PutAccessPointPolicyRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01"), Body: strings.NewReader(apPolicy)})
	require.NoError(t, err)
	pol, err := owner.GetAccessPointPolicy(ctx, &oss2.GetAccessPointPolicyRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01")})
	require.NoError(t, err)
	require.Equal(t, apPolicy, pol.Body)
	body, err = read(bob, alias, "docs/a.txt")
	require.NoError(t, err, "the bucket delegates, the access point allows")
	require.Equal(t, "alpha", body)
	_, err = read(bob, bk, "docs/a.txt")
	wantOSS(t, err, 403, "AccessDenied", "") // the delegation holds through the access point only
	_, err = bob.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("docs/c.txt"), Body: strings.NewReader("x")})
	wantOSS(t, err, 403, "AccessDenied", "") // the access point allows reads only
	_, err = owner.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("docs/a.txt")})
	wantOSS(t, err, 403, "AccessDenied", "") // the access point's Deny binds the owner too
	_, err = owner.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("docs/b.txt")})
	require.NoError(t, err, "not through the access point")

	for _, bad := range []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:apdata/*"]}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:accesspoint/ap-other/object/*"]}]}`,
		`{"Statement":[]}`,
	} {
		_, err = owner.PutAccessPointPolicy(ctx, &oss2.PutAccessPointPolicyRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01"), Body: strings.NewReader(bad)})
		wantOSS(t, err, 400, "InvalidPolicyDocument", "")
	}
	_, err = owner.DeleteAccessPointPolicy(ctx, &oss2.DeleteAccessPointPolicyRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01")})
	require.NoError(t, err)
	_, err = owner.GetAccessPointPolicy(ctx, &oss2.GetAccessPointPolicyRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01")})
	wantOSS(t, err, 404, "NoSuchAccessPointPolicy", "")
	_, err = read(bob, alias, "docs/a.txt")
	wantOSS(t, err, 403, "AccessDenied", "")

	// Deleting the access point kills its alias.
	del, err := owner.DeleteAccessPoint(ctx, &oss2.DeleteAccessPointRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01")})
	require.NoError(t, err)
	require.Equal(t, 204, del.StatusCode)
	_, err = read(owner, alias, "docs/a.txt")
	wantOSS(t, err, 404, "NoSuchBucket", "")
	_, err = owner.DeleteAccessPoint(ctx, &oss2.DeleteAccessPointRequest{Bucket: b, AccessPointName: oss2.Ptr("ap-01")})
	wantOSS(t, err, 404, "NoSuchAccessPoint", "")

	// A bucket deleted and made again is not reached through the old alias.
	again, err := create(owner, bk, "ap-02", "internet", "")
	require.NoError(t, err)
	_, err = owner.DeleteBucketPolicy(ctx, &oss2.DeleteBucketPolicyRequest{Bucket: b})
	require.NoError(t, err)
	_, err = owner.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("docs/a.txt")})
	require.NoError(t, err)
	_, err = owner.DeleteBucket(ctx, &oss2.DeleteBucketRequest{Bucket: b})
	require.NoError(t, err)
	v2Bucket(t, owner, bk)
	_, err = read(owner, *again.Alias, "docs/a.txt")
	wantOSS(t, err, 404, "NoSuchBucket", "")
	list, err = owner.ListAccessPoints(ctx, &oss2.ListAccessPointsRequest{})
	require.NoError(t, err)
	require.Empty(t, list.AccessPoints)
}

// TestOSSAccessPointPublicAccessBlock: an access point's own Block Public
// Access (?publicAccessBlock with x-oss-access-point-name) is stored
// apart from the bucket's, refuses a public access point policy, and
// makes one already there grant no one outside the owner.
func TestOSSAccessPointPublicAccessBlock(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.ossV2(testAK, testSK)
	const bk = "apblock"
	b := oss2.Ptr(bk)
	v2Bucket(t, c, bk)
	_, err := c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	made, err := c.CreateAccessPoint(ctx, &oss2.CreateAccessPointRequest{Bucket: b, CreateAccessPointConfiguration: &oss2.CreateAccessPointConfiguration{
		AccessPointName: oss2.Ptr("ap-pub"), NetworkOrigin: oss2.Ptr("internet")}})
	require.NoError(t, err)
	name := oss2.Ptr("ap-pub")
	block := func(v bool) {
		t.Helper()
		_, err := c.PutAccessPointPublicAccessBlock(ctx, &oss2.PutAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: name,
			PublicAccessBlockConfiguration: &oss2.PublicAccessBlockConfiguration{BlockPublicAccess: oss2.Ptr(v)}})
		require.NoError(t, err)
	}
	blocked := func() bool {
		t.Helper()
		got, err := c.GetAccessPointPublicAccessBlock(ctx, &oss2.GetAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: name})
		require.NoError(t, err)
		return *got.PublicAccessBlockConfiguration.BlockPublicAccess
	}
	require.False(t, blocked())
	block(true)
	require.True(t, blocked())
	ap, err := c.GetAccessPoint(ctx, &oss2.GetAccessPointRequest{Bucket: b, AccessPointName: name})
	require.NoError(t, err)
	require.True(t, *ap.PublicAccessBlockConfiguration.BlockPublicAccess)
	bucketBlock, err := c.GetBucketPublicAccessBlock(ctx, &oss2.GetBucketPublicAccessBlockRequest{Bucket: b})
	require.NoError(t, err)
	require.False(t, *bucketBlock.PublicAccessBlockConfiguration.BlockPublicAccess, "the bucket's own is apart")

	public := `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:accesspoint/ap-pub/object/*"]}]}`
	putPolicy := func() error {
		_, err := c.PutAccessPointPolicy(ctx, &oss2.PutAccessPointPolicyRequest{Bucket: b, AccessPointName: name, Body: strings.NewReader(public)})
		return err
	}
	wantOSS(t, putPolicy(), 403, "AccessDenied", "")
	del, err := c.DeleteAccessPointPublicAccessBlock(ctx, &oss2.DeleteAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: name})
	require.NoError(t, err)
	require.Equal(t, 204, del.StatusCode)
	require.False(t, blocked())
	require.NoError(t, putPolicy())

	anon := func() int {
		return f.do(t, raw{method: "GET", path: "/k", sign: "anon", host: *made.Alias + ".oss-cn-hangzhou.aliyuncs.com"}).StatusCode
	}
	require.Equal(t, 200, anon(), "the public bucket and the public access point policy")
	block(true)
	require.Equal(t, 403, anon(), "the block: the public policy grants no one")
	res, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: made.Alias, Key: oss2.Ptr("k")})
	require.NoError(t, err, "the owner still")
	res.Body.Close()
	_, err = c.PutAccessPointPublicAccessBlock(ctx, &oss2.PutAccessPointPublicAccessBlockRequest{Bucket: oss2.Ptr("no-such-bucket"), AccessPointName: name,
		PublicAccessBlockConfiguration: &oss2.PublicAccessBlockConfiguration{BlockPublicAccess: oss2.Ptr(true)}})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
}
