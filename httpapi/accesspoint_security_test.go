package httpapi_test

import (
	"context"
	"io"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestAccessPointDelegationStaysInItsBucket: the oss:DataAccessPoint*
// keys describe the request's access point to its own bucket's policy
// only: a principal an access point of bucket drop lets write there
// cannot copy from bucket secret, whose policy delegates to the owner's
// access points, by naming it as a copy source (found by a security
// review).
func TestAccessPointDelegationStaysInItsBucket(t *testing.T) {
	_, owner, bob := apUsers(t)
	ctx := context.Background()
	v2Bucket(t, owner, "drop")
	v2Bucket(t, owner, "secret")
	_, err := owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("secret"), Key: oss2.Ptr("payroll.txt"), Body: strings.NewReader("TOP SECRET")})
	require.NoError(t, err)
	made, err := owner.CreateAccessPoint(ctx, &oss2.CreateAccessPointRequest{Bucket: oss2.Ptr("drop"), CreateAccessPointConfiguration: &oss2.CreateAccessPointConfiguration{
		AccessPointName: oss2.Ptr("ap-drop"), NetworkOrigin: oss2.Ptr("internet")}})
	require.NoError(t, err)
	got, err := owner.GetAccessPoint(ctx, &oss2.GetAccessPointRequest{Bucket: oss2.Ptr("drop"), AccessPointName: oss2.Ptr("ap-drop")})
	require.NoError(t, err)
	uid := *got.AccountId
	// The documented delegation pattern on both buckets: anything through
	// one of my access points, the access point's policy decides.
	deleg := func(bk string) string {
		return `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:` + bk + `","acs:oss:*:*:` + bk + `/*"],` +
			`"Condition":{"StringEquals":{"oss:DataAccessPointAccount":["` + uid + `"]}}}]}`
	}
	for _, bk := range []string{"drop", "secret"} {
		_, err = owner.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: oss2.Ptr(bk), Body: strings.NewReader(deleg(bk))})
		require.NoError(t, err)
	}
	// ap-drop lets bob read and write under inbox/ of bucket drop only.
	_, err = owner.PutAccessPointPolicy(ctx, &oss2.PutAccessPointPolicyRequest{Bucket: oss2.Ptr("drop"), AccessPointName: oss2.Ptr("ap-drop"), Body: strings.NewReader(
		`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["1122334455667788"],"Action":["oss:PutObject","oss:GetObject"],"Resource":["acs:oss:*:*:accesspoint/ap-drop/object/inbox/*"]}]}`)})
	require.NoError(t, err)

	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("secret"), Key: oss2.Ptr("payroll.txt")})
	require.Error(t, err, "bob may not read secret directly")

	_, err = bob.CopyObject(ctx, &oss2.CopyObjectRequest{Bucket: made.Alias, Key: oss2.Ptr("inbox/stolen"),
		SourceBucket: oss2.Ptr("secret"), SourceKey: oss2.Ptr("payroll.txt")})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: made.Alias, Key: oss2.Ptr("inbox/stolen")})
	wantOSS(t, err, 404, "NoSuchKey", "")
}

// apInboxFixture: bucket shared delegates to its access point ap-inbox,
// which lets bob read and write under inbox/ only.
func apInboxFixture(t *testing.T) (*fixture, *oss2.Client, *oss2.Client, string) {
	f, owner, bob := apUsers(t)
	ctx := context.Background()
	v2Bucket(t, owner, "shared")
	_, err := owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("shared"), Key: oss2.Ptr("secret/payroll.txt"), Body: strings.NewReader("TOP SECRET")})
	require.NoError(t, err)
	made, err := owner.CreateAccessPoint(ctx, &oss2.CreateAccessPointRequest{Bucket: oss2.Ptr("shared"), CreateAccessPointConfiguration: &oss2.CreateAccessPointConfiguration{
		AccessPointName: oss2.Ptr("ap-inbox"), NetworkOrigin: oss2.Ptr("internet")}})
	require.NoError(t, err)
	_, err = owner.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: oss2.Ptr("shared"), Body: strings.NewReader(`{"Version":"1","Statement":[{"Effect":"Allow",` +
		`"Principal":["*"],"Action":["oss:*"],"Resource":["acs:oss:*:*:shared","acs:oss:*:*:shared/*"],` +
		`"Condition":{"StringEquals":{"oss:DataAccessPointArn":["` + *made.AccessPointArn + `"]}}}]}`)})
	require.NoError(t, err)
	_, err = owner.PutAccessPointPolicy(ctx, &oss2.PutAccessPointPolicyRequest{Bucket: oss2.Ptr("shared"), AccessPointName: oss2.Ptr("ap-inbox"), Body: strings.NewReader(
		`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["1122334455667788"],"Action":["oss:PutObject","oss:GetObject"],"Resource":["acs:oss:*:*:accesspoint/ap-inbox/object/inbox/*"]}]}`)})
	require.NoError(t, err)
	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: made.Alias, Key: oss2.Ptr("secret/payroll.txt")})
	require.Error(t, err, "outside inbox/ through the access point")
	return f, owner, bob, *made.Alias
}

// TestAccessPointSymlinkStaysInPrefix: a symlink made under the prefix an
// access point allows does not read a key outside it (the target is
// authorized as a read of its own).
func TestAccessPointSymlinkStaysInPrefix(t *testing.T) {
	_, _, bob, alias := apInboxFixture(t)
	ctx := context.Background()
	_, err := bob.PutSymlink(ctx, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("inbox/link"), Target: oss2.Ptr("secret/payroll.txt")})
	require.NoError(t, err)
	res, err := bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("inbox/link")})
	if err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Fatalf("read secret/payroll.txt through a symlink in inbox/: %q", b)
	}
	wantOSS(t, err, 403, "AccessDenied", "")
}

// TestAliasCannotNameABucket: no bucket may take a name ending like an
// access point alias, so a retired alias cannot be squatted.
func TestAliasCannotNameABucket(t *testing.T) {
	_, owner, bob, alias := apInboxFixture(t)
	ctx := context.Background()
	_, err := owner.DeleteAccessPoint(ctx, &oss2.DeleteAccessPointRequest{Bucket: oss2.Ptr("shared"), AccessPointName: oss2.Ptr("ap-inbox")})
	require.NoError(t, err)
	_, err = bob.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr(alias), Acl: oss2.BucketACLPublicReadWrite})
	if err != nil {
		wantOSS(t, err, 400, "InvalidBucketName", "")
		return
	}
	_, err = bob.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("config.json"), Body: strings.NewReader(`{"evil":true}`)})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("upload.bin"), Body: strings.NewReader("owner data")})
	require.NoError(t, err)
	res, err := bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("upload.bin")})
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	t.Fatalf("bob squatted alias %s; the owner's upload landed in bob's bucket: %q", alias, b)
}
