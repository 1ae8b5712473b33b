package httpapi_test

// Regression tests of the twenty-fourth session's security review
// (recent features, bucket configuration authorization, cross-user
// leaks, resource bounds): each failed before its fix.

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// SEC5-1: a copy source naming a version (x-amz-copy-source
// ...?versionId=) was authorized against the key's latest version (or,
// under a delete marker, the bucket's READ grant), not the version it
// copies: a user granted READ on the latest version copied any older,
// private version of the key into a bucket of their own (CopyObject and
// UploadPartCopy).
func TestReview24CopySourceVersionIsAuthorized(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, attacker := f.client(), f.s3Client(true, otherAK, otherSK)
	enableVersioning(t, victim, "vsrc")
	_, err := attacker.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("adst")})
	require.NoError(t, err)

	old, err := victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vsrc"), Key: aws.String("k"), Body: strings.NewReader("secret")})
	require.NoError(t, err)
	cur, err := victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vsrc"), Key: aws.String("k"), Body: strings.NewReader("shared"),
		GrantRead: aws.String("id=" + canonicalID(otherAK))})
	require.NoError(t, err)

	// The grant is the latest version's: the attacker reads and copies it.
	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("adst"), Key: aws.String("ok"),
		CopySource: aws.String("vsrc/k?versionId=" + aws.ToString(cur.VersionId))})
	require.NoError(t, err)
	_, err = attacker.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vsrc"), Key: aws.String("k"), VersionId: old.VersionId})
	require.Equal(t, "AccessDenied", apiCode(err), "the old version is not the attacker's to read")

	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("adst"), Key: aws.String("stolen"),
		CopySource: aws.String("vsrc/k?versionId=" + aws.ToString(old.VersionId))})
	require.Equal(t, "AccessDenied", apiCode(err), "CopyObject of a version the caller may not read")
	if err == nil {
		out, err := attacker.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("adst"), Key: aws.String("stolen")})
		require.NoError(t, err)
		b, _ := io.ReadAll(out.Body)
		t.Logf("copied: %q", b)
	}

	up, err := attacker.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("adst"), Key: aws.String("mp")})
	require.NoError(t, err)
	_, err = attacker.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("adst"), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String("vsrc/k?versionId=" + aws.ToString(old.VersionId))})
	require.Equal(t, "AccessDenied", apiCode(err), "UploadPartCopy of a version the caller may not read")

	// Under a delete marker the bucket's READ grant decided: a reader of
	// the listing copied the deleted object's versions.
	_, err = victim.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vsrc"), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = victim.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vsrc"), GrantRead: aws.String("id=" + canonicalID(otherAK)),
		GrantFullControl: aws.String("id=" + canonicalID(testAK))})
	require.NoError(t, err)
	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("adst"), Key: aws.String("stolen2"),
		CopySource: aws.String("vsrc/k?versionId=" + aws.ToString(old.VersionId))})
	require.Equal(t, "AccessDenied", apiCode(err), "CopyObject of a version under a delete marker, by a bucket reader")
}

// SEC5-2: Sina's Relax (PUT ?relax) made an object from content found
// by SHA-1 and length anywhere in the store: any user who knew (or
// guessed: the answer says whether it exists) a private object's SHA-1
// and size of another user got a copy in their own bucket. The content
// index is kept per owner and Relax finds only the requester's.
func TestReview24RelaxFindsOnlyOwnContent(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "vsina", engine.BucketOptions{Owner: canonicalID(testAK)}))
	must(t, f.eng.CreateBucket(ctx, "vsina2", engine.BucketOptions{Owner: canonicalID(testAK)}))
	must(t, f.eng.CreateBucket(ctx, "asina", engine.BucketOptions{Owner: canonicalID(otherAK), ACL: engine.ACL{Canned: "public-read-write"}}))
	for _, size := range []int{100, 64 << 10} { // held in the record, and in the blob log
		secret := []byte(strings.Repeat("payroll ", size/8))
		r := f.do(t, raw{method: "PUT", path: "/vsina/secret" + strconv.Itoa(size), sign: "sina", body: secret})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		sum := sha1.Sum(secret)
		relax := func(path, ak, sk, sign string) rawResponse {
			return f.do(t, raw{method: "PUT", path: path + "?relax", sign: sign, ak: ak, sk: sk, header: http.Header{
				"S-Sina-Sha1": {hex.EncodeToString(sum[:])}, "S-Sina-Length": {strconv.Itoa(len(secret))}, "X-Sina-Tmp": {"1"}}})
		}
		r = relax("/asina/stolen", otherAK, otherSK, "sina")
		require.Equal(t, http.StatusNotFound, r.StatusCode, "size %d: another user's content by its SHA-1: %s", size, r.body)
		r = relax("/asina/anon", "", "", "anon")
		require.Equal(t, http.StatusNotFound, r.StatusCode, "size %d: anonymous: %s", size, r.body)
		got := f.do(t, raw{method: "GET", path: "/asina/stolen", sign: "sina", ak: otherAK, sk: otherSK})
		require.NotEqual(t, string(secret), string(got.body))

		// The owner still relaxes their own content into another bucket.
		r = relax("/vsina2/copy", testAK, testSK, "sina")
		require.Equal(t, http.StatusOK, r.StatusCode, "size %d: %s", size, r.body)
		got = f.do(t, raw{method: "GET", path: "/vsina2/copy", sign: "sina"})
		require.Equal(t, string(secret), string(got.body))
	}
}

// SEC5-3: nothing bounded the buckets a user could create (TooManyBuckets
// was in the error table but never answered): any authenticated user
// could create buckets without end, each a record every user's
// ListBuckets (and ListDirectoryBuckets, OSS ListUserDataRedundancyTransition)
// reads. Config.MaxBucketsPerOwner (default 10,000, S3's quota) caps them
// per owner, in every dialect.
func TestReview24BucketsPerOwnerAreCapped(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithMaxBucketsPerOwner(3)}})
	for i, sign := range []string{"v4", "oss-v4", "sina"} {
		r := f.do(t, raw{method: "PUT", path: "/other-b" + strconv.Itoa(i), sign: sign, ak: otherAK, sk: otherSK})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", sign, r.body)
	}
	for _, sign := range []string{"v4", "oss-v4", "sina"} {
		r := f.do(t, raw{method: "PUT", path: "/other-more", sign: sign, ak: otherAK, sk: otherSK})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s: %s", sign, r.body)
		require.Contains(t, string(r.body), "TooManyBuckets", sign)
	}
	// Creating one's own bucket again answers as before; others' counts are their own.
	r := f.do(t, raw{method: "PUT", path: "/other-b0", ak: otherAK, sk: otherSK})
	require.NotContains(t, string(r.body), "TooManyBuckets")
	r = f.do(t, raw{method: "PUT", path: "/mine"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	// Deleting one frees its place.
	r = f.do(t, raw{method: "DELETE", path: "/other-b1", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/other-more", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// SEC5-4: s3:ExistingObjectTag conditions were judged on the tags of the
// latest version of the request's bucket and the key, whatever object
// was decided: a read of an older version (?versionId=) took the latest
// version's tags, and a copy source took the tags of the object of the
// same key in the destination bucket (the copier's own). A policy
// granting reads of objects tagged public=yes let anyone copy every
// object of the bucket by tagging an object of their own, and read old
// versions of a key whose latest version is tagged.
func TestReview24ExistingObjectTagIsTheDecidedObjects(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, attacker := f.client(), f.s3Client(true, otherAK, otherSK)
	enableVersioning(t, victim, "tagpol")
	_, err := victim.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("tagpol"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
			`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::tagpol/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/public":"yes"}}}]}`)})
	require.NoError(t, err)
	_, err = victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tagpol"), Key: aws.String("secret"), Body: strings.NewReader("private")})
	require.NoError(t, err)
	old, err := victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tagpol"), Key: aws.String("doc"), Body: strings.NewReader("draft")})
	require.NoError(t, err)
	_, err = victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tagpol"), Key: aws.String("doc"), Body: strings.NewReader("published"),
		Tagging: aws.String("public=yes")})
	require.NoError(t, err)

	// The grant works as meant.
	_, err = attacker.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tagpol"), Key: aws.String("doc")})
	require.NoError(t, err)
	_, err = attacker.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tagpol"), Key: aws.String("secret")})
	require.Equal(t, "AccessDenied", apiCode(err))

	// An older version is judged by its own tags.
	_, err = attacker.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tagpol"), Key: aws.String("doc"), VersionId: old.VersionId})
	require.Equal(t, "AccessDenied", apiCode(err), "an untagged old version read through the latest version's tag")

	// A copy source is judged by its own tags, not by the copier's object of the same key.
	_, err = attacker.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("atk")})
	require.NoError(t, err)
	_, err = attacker.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("atk"), Key: aws.String("secret"), Body: strings.NewReader("bait"),
		Tagging: aws.String("public=yes")})
	require.NoError(t, err)
	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("atk"), Key: aws.String("secret"), CopySource: aws.String("tagpol/secret")})
	require.Equal(t, "AccessDenied", apiCode(err), "a copy source judged by the destination's tags")
	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("atk"), Key: aws.String("doc2"),
		CopySource: aws.String("tagpol/doc?versionId=" + aws.ToString(old.VersionId))})
	require.Equal(t, "AccessDenied", apiCode(err), "an old version copied through the latest version's tag")
	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("atk"), Key: aws.String("doc3"), CopySource: aws.String("tagpol/doc")})
	require.NoError(t, err, "the tagged version copies")
}

// SEC5-5: Sina's PUT Object - Meta (?meta) replaced the object's ACL
// from x-amz-acl / x-amz-grant-* with only the bucket's WRITE permission
// (its route's): a writer of a public-read-write bucket, anonymous or a
// grantee, made another user's private object public-read and read it.
// Changing an object's ACL takes WRITE_ACP on it, as PutObjectAcl does.
func TestReview24SinaMetaNeedsWriteACPForTheACL(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "sinameta", engine.BucketOptions{Owner: canonicalID(testAK), ACL: engine.ACL{Canned: "public-read-write"}}))
	r := f.do(t, raw{method: "PUT", path: "/sinameta/private", sign: "sina", body: []byte("owner's secret"), header: http.Header{"X-Amz-Acl": {"private"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	for _, who := range []raw{{sign: "sina", ak: otherAK, sk: otherSK}, {sign: "anon"}} {
		r = f.do(t, raw{method: "GET", path: "/sinameta/private?formatter=json", sign: who.sign, ak: who.ak, sk: who.sk})
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: the object is private: %s", who.sign, r.body)
		r = f.do(t, raw{method: "PUT", path: "/sinameta/private?meta&formatter=json", sign: who.sign, ak: who.ak, sk: who.sk,
			header: http.Header{"X-Amz-Acl": {"public-read"}}})
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: PUT ?meta set another user's object's ACL: %s", who.sign, r.body)
		r = f.do(t, raw{method: "GET", path: "/sinameta/private?formatter=json", sign: who.sign, ak: who.ak, sk: who.sk})
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: read after the ACL change: %s", who.sign, r.body)
	}
	// Metadata alone takes the bucket's write and, since the thirty-sixth
	// session, the object's read (TestSec36SinaMetaNeedsObjectRead): the
	// writer of the bucket, who may not read the private object, may not
	// rewrite its metadata either; its own object's it may. The owner
	// sets the ACL.
	r = f.do(t, raw{method: "PUT", path: "/sinameta/private?meta", sign: "sina", ak: otherAK, sk: otherSK, header: http.Header{"Content-Type": {"text/plain"}}})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sinameta/others", sign: "sina", ak: otherAK, sk: otherSK, body: []byte("other's")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sinameta/others?meta", sign: "sina", ak: otherAK, sk: otherSK, header: http.Header{"Content-Type": {"text/plain"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sinameta/private?meta", sign: "sina", header: http.Header{"X-Amz-Acl": {"public-read"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/sinameta/private?formatter=json", sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// SEC5-6: OSS AppendObject applies x-oss-object-acl on every append, so
// a writer of the bucket (public-read-write, or a grant) appended one
// byte to another user's private appendable object with
// x-oss-object-acl: public-read and read it all. An append that changes
// an existing object's ACL takes WRITE_ACP on it, as PutObjectACL does.
func TestReview24AppendNeedsWriteACPForTheACL(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "ossappend", engine.BucketOptions{Owner: canonicalID(testAK), ACL: engine.ACL{Canned: "public-read-write"}}))
	secret := []byte("owner's appended log")
	r := f.do(t, raw{method: "POST", path: "/ossappend/log?append&position=0", sign: "oss-v4", body: secret, header: http.Header{"X-Oss-Object-Acl": {"private"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	pos := strconv.Itoa(len(secret))
	for _, who := range []raw{{sign: "oss-v4", ak: otherAK, sk: otherSK}, {sign: "anon"}} {
		get := raw{method: "GET", path: "/ossappend/log", sign: who.sign, ak: who.ak, sk: who.sk, header: http.Header{"X-Oss-Date-Tmp": {"1"}}}
		r = f.do(t, get)
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: the object is private: %s", who.sign, r.body)
		r = f.do(t, raw{method: "POST", path: "/ossappend/log?append&position=" + pos, sign: who.sign, ak: who.ak, sk: who.sk, body: []byte("x"),
			header: http.Header{"X-Oss-Object-Acl": {"public-read"}}})
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: an append set another user's object's ACL: %s", who.sign, r.body)
		r = f.do(t, get)
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: read after the append: %s", who.sign, r.body)
	}
	// Appending without an ACL stays a write; the owner's append sets it.
	r = f.do(t, raw{method: "POST", path: "/ossappend/log?append&position=" + pos, sign: "oss-v4", ak: otherAK, sk: otherSK, body: []byte("+")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "POST", path: "/ossappend/log?append&position=" + strconv.Itoa(len(secret)+1), sign: "oss-v4", body: []byte("!"),
		header: http.Header{"X-Oss-Object-Acl": {"public-read"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// SEC5-7: a bucket WRITE grant let its grantee delete object versions for
// good (DeleteObject and DeleteObjects naming a VersionId), so the
// versioning an owner keeps against writers' mistakes and malice did not
// hold against them. S3: WRITE grants s3:PutObject and s3:DeleteObject;
// only the bucket owner's WRITE grants s3:DeleteObjectVersion. A grantee
// deletes the current object (a delete marker), not a version.
func TestReview24WriteGrantDeletesNoVersion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, writer := f.client(), f.s3Client(true, otherAK, otherSK)
	enableVersioning(t, victim, "vgrant")
	_, err := victim.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vgrant"), GrantWrite: aws.String("id=" + canonicalID(otherAK)),
		GrantFullControl: aws.String("id=" + canonicalID(testAK))})
	require.NoError(t, err)
	v1, err := victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vgrant"), Key: aws.String("ledger"), Body: strings.NewReader("v1")})
	require.NoError(t, err)
	v2, err := victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vgrant"), Key: aws.String("ledger"), Body: strings.NewReader("v2")})
	require.NoError(t, err)

	_, err = writer.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vgrant"), Key: aws.String("ledger"), VersionId: v1.VersionId})
	require.Equal(t, "AccessDenied", apiCode(err), "a WRITE grantee deleted a version for good")
	out, err := writer.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("vgrant"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("ledger"), VersionId: v2.VersionId}}}})
	require.NoError(t, err)
	require.Empty(t, out.Deleted, "DeleteObjects by a WRITE grantee deleted a version")
	require.Len(t, out.Errors, 1)
	require.Equal(t, "AccessDenied", aws.ToString(out.Errors[0].Code))
	vs, err := victim.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("vgrant")})
	require.NoError(t, err)
	require.Len(t, vs.Versions, 2, "both versions stay")

	// The grantee's delete makes a delete marker; the owner deletes versions.
	del, err := writer.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vgrant"), Key: aws.String("ledger")})
	require.NoError(t, err)
	require.True(t, aws.ToBool(del.DeleteMarker))
	_, err = victim.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vgrant"), Key: aws.String("ledger"), VersionId: v1.VersionId})
	require.NoError(t, err)
}

// SEC5-8: bucket policies were evaluated with the same action whether a
// request named a version or not: a policy granting s3:GetObject and
// s3:DeleteObject (read and delete the current objects) also let its
// grantee read every old version by ID and delete versions for good,
// which S3 grants only by s3:GetObjectVersion and s3:DeleteObjectVersion
// (likewise the Acl, Tagging and Attributes actions; OSS's oss:*Version*).
// A request naming a version is decided by the version action; a Deny of
// the plain action still refuses it.
func TestReview24PolicyVersionActions(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, partner := f.client(), f.s3Client(true, otherAK, otherSK)
	enableVersioning(t, victim, "vpol")
	grant := func(actions string) {
		_, err := victim.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("vpol"), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
				`"},"Action":[` + actions + `],"Resource":"arn:aws:s3:::vpol/*"}]}`)})
		require.NoError(t, err)
	}
	grant(`"s3:GetObject","s3:DeleteObject"`)
	old, err := victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vpol"), Key: aws.String("k"), Body: strings.NewReader("withdrawn")})
	require.NoError(t, err)
	_, err = victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vpol"), Key: aws.String("k"), Body: strings.NewReader("current")})
	require.NoError(t, err)

	_, err = partner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vpol"), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = partner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vpol"), Key: aws.String("k"), VersionId: old.VersionId})
	require.Equal(t, "AccessDenied", apiCode(err), "s3:GetObject read an old version")
	_, err = partner.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vpol"), Key: aws.String("k"), VersionId: old.VersionId})
	require.Equal(t, "AccessDenied", apiCode(err), "s3:DeleteObject deleted a version for good")
	out, err := partner.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("vpol"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: old.VersionId}}}})
	require.NoError(t, err)
	require.Empty(t, out.Deleted, "DeleteObjects under s3:DeleteObject deleted a version for good")

	// The version actions grant them.
	grant(`"s3:GetObject","s3:GetObjectVersion","s3:DeleteObjectVersion"`)
	_, err = partner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vpol"), Key: aws.String("k"), VersionId: old.VersionId})
	require.NoError(t, err)
	_, err = partner.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vpol"), Key: aws.String("k"), VersionId: old.VersionId})
	require.NoError(t, err)
}

// SEC5-9: a bucket WRITE grant let its grantee set retention and legal
// holds on the owner's object versions: a COMPLIANCE retention of a
// hundred years on every version made the owner's data undeletable for
// good (it can only be extended), and a legal hold blocked the owner's
// deletes. S3 grants s3:PutObjectRetention and s3:PutObjectLegalHold to
// no ACL: the owner, or a policy.
func TestReview24WriteGrantSetsNoRetention(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, writer := f.client(), f.s3Client(true, otherAK, otherSK)
	_, err := victim.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vlock"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	_, err = victim.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vlock"), GrantWrite: aws.String("id=" + canonicalID(otherAK)),
		GrantFullControl: aws.String("id=" + canonicalID(testAK))})
	require.NoError(t, err)
	put, err := victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vlock"), Key: aws.String("data"), Body: strings.NewReader("x")})
	require.NoError(t, err)

	_, err = writer.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String("vlock"), Key: aws.String("data"), VersionId: put.VersionId,
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(f.clock.Now().AddDate(100, 0, 0))}})
	require.Equal(t, "AccessDenied", apiCode(err), "a WRITE grantee locked the owner's version for a hundred years")
	_, err = writer.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String("vlock"), Key: aws.String("data"), VersionId: put.VersionId,
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOn}})
	require.Equal(t, "AccessDenied", apiCode(err), "a WRITE grantee put a legal hold on the owner's version")
	_, err = victim.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vlock"), Key: aws.String("data"), VersionId: put.VersionId})
	require.NoError(t, err, "the owner deletes their version")
}

// SEC5-10: the same through a write: a WRITE grantee's PutObject,
// CopyObject or CreateMultipartUpload carrying x-amz-object-lock-* headers
// stored objects the bucket owner could not delete for a hundred years.
// The lock headers take what PutObjectRetention and PutObjectLegalHold
// take (S3 asks for s3:PutObjectRetention and s3:PutObjectLegalHold).
func TestReview24WriteGrantWritesNoLockedObject(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, writer := f.client(), f.s3Client(true, otherAK, otherSK)
	_, err := victim.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vlock2"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	_, err = victim.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vlock2"), GrantWrite: aws.String("id=" + canonicalID(otherAK)),
		GrantFullControl: aws.String("id=" + canonicalID(testAK))})
	require.NoError(t, err)
	until := aws.Time(f.clock.Now().AddDate(100, 0, 0))
	_, err = writer.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vlock2"), Key: aws.String("junk"), Body: strings.NewReader("x"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: until})
	require.Equal(t, "AccessDenied", apiCode(err), "PutObject with a hundred years' COMPLIANCE retention by a WRITE grantee")
	_, err = writer.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("vlock2"), Key: aws.String("junk"),
		ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	require.Equal(t, "AccessDenied", apiCode(err), "CreateMultipartUpload with a legal hold by a WRITE grantee")
	_, err = writer.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vlock2"), Key: aws.String("plain"), Body: strings.NewReader("x")})
	require.NoError(t, err, "a plain write stays the grantee's")
	_, err = writer.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("vlock2"), Key: aws.String("junk"), CopySource: aws.String("vlock2/plain"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: until})
	require.Equal(t, "AccessDenied", apiCode(err), "CopyObject with a retention by a WRITE grantee")
	_, err = victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vlock2"), Key: aws.String("mine"), Body: strings.NewReader("x"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(f.clock.Now().Add(time.Hour))})
	require.NoError(t, err, "the owner locks their objects")
}

// SEC5-11: OSS CompleteMultipartUpload applies x-oss-object-acl to the
// object it completes, which belongs to the upload's initiator: a writer
// of a public-read-write bucket (or a WRITE grantee), who may list its
// uploads, completed another user's upload with x-oss-object-acl:
// public-read and read the object. Only the initiator (or the bucket
// owner) sets the ACL at Complete.
func TestReview24CompleteACLIsTheInitiators(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "osscomplete", engine.BucketOptions{Owner: canonicalID(testAK), ACL: engine.ACL{Canned: "public-read-write"}}))
	up, err := f.eng.CreateMultipartUpload(ctx, "osscomplete", "big", engine.PutOptions{Owner: canonicalID(testAK), ACL: engine.ACL{Canned: "private"}})
	require.NoError(t, err)
	_, err = f.eng.UploadPart(ctx, "osscomplete", "big", up, 1, strings.NewReader("initiator's secret"), -1, engine.PartOptions{})
	require.NoError(t, err)
	for _, who := range []raw{{sign: "oss-v4", ak: otherAK, sk: otherSK}, {sign: "anon"}} {
		r := f.do(t, raw{method: "POST", path: "/osscomplete/big?uploadId=" + up, sign: who.sign, ak: who.ak, sk: who.sk,
			header: http.Header{"X-Oss-Complete-All": {"yes"}, "X-Oss-Object-Acl": {"public-read"}}})
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: Complete set the ACL of another user's object: %s", who.sign, r.body)
	}
	r := f.do(t, raw{method: "GET", path: "/osscomplete/big", sign: "anon", header: http.Header{"X-Oss-Tmp": {"1"}}})
	require.NotEqual(t, http.StatusOK, r.StatusCode, "read: %s", r.body)
	// The initiator's Complete sets it.
	r = f.do(t, raw{method: "POST", path: "/osscomplete/big?uploadId=" + up, sign: "oss-v4",
		header: http.Header{"X-Oss-Complete-All": {"yes"}, "X-Oss-Object-Acl": {"public-read"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// SEC5-12: a bucket WRITE grant let its grantee tag (and untag) every
// object of the bucket, the owner's included; tags are what
// s3:ExistingObjectTag conditions and lifecycle filters decide by, so
// under a policy granting reads of objects tagged shared=yes a writer
// tagged the owner's private objects and read them. S3 grants
// s3:PutObjectTagging to no ACL; a writer now tags the objects it may
// change the ACL of (its own, or by a WRITE_ACP grant), the owner and a
// policy's grantee any.
func TestReview24WriteGrantTagsOnlyItsObjects(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, writer := f.client(), f.s3Client(true, otherAK, otherSK)
	_, err := victim.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vtags")})
	require.NoError(t, err)
	_, err = victim.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vtags"), GrantWrite: aws.String("id=" + canonicalID(otherAK)),
		GrantFullControl: aws.String("id=" + canonicalID(testAK))})
	require.NoError(t, err)
	_, err = victim.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("vtags"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
			`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::vtags/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/shared":"yes"}}}]}`)})
	require.NoError(t, err)
	_, err = victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vtags"), Key: aws.String("private"), Body: strings.NewReader("secret")})
	require.NoError(t, err)

	tag := func(key string) error {
		_, err := writer.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("vtags"), Key: aws.String(key),
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("shared"), Value: aws.String("yes")}}}})
		return err
	}
	require.Equal(t, "AccessDenied", apiCode(tag("private")), "a WRITE grantee tagged the owner's object")
	_, err = writer.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vtags"), Key: aws.String("private")})
	require.Equal(t, "AccessDenied", apiCode(err))
	_, err = writer.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String("vtags"), Key: aws.String("private")})
	require.Equal(t, "AccessDenied", apiCode(err), "a WRITE grantee untagged the owner's object")

	// Its own objects it tags; the owner tags any.
	_, err = writer.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vtags"), Key: aws.String("mine"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.NoError(t, tag("mine"))
	_, err = victim.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("vtags"), Key: aws.String("private"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("shared"), Value: aws.String("no")}}}})
	require.NoError(t, err)
}

// SEC5-13: the website endpoint serves ?versionId= too, decided as
// WebsiteGetObject by s3:GetObject: under the usual public website
// policy (s3:GetObject for "*") anyone read old versions of the site's
// objects (overwritten drafts, removed secrets) by version ID, which S3
// grants only by s3:GetObjectVersion.
func TestReview24WebsiteVersionNeedsGetObjectVersion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	enableVersioning(t, c, "vsite")
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("vsite"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::vsite/*"}]}`)})
	require.NoError(t, err)
	old, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vsite"), Key: aws.String("index.html"), Body: strings.NewReader("draft with the api key")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vsite"), Key: aws.String("index.html"), Body: strings.NewReader("published")})
	require.NoError(t, err)
	r := f.do(t, raw{method: "PUT", path: "/vsite?website", body: []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	r = f.do(t, raw{method: "GET", path: "/_website/vsite/index.html", sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	require.Equal(t, "published", string(r.body))
	for _, path := range []string{"/_website/vsite/index.html?versionId=" + aws.ToString(old.VersionId), "/vsite/index.html?versionId=" + aws.ToString(old.VersionId)} {
		r = f.do(t, raw{method: "GET", path: path, sign: "anon"})
		require.NotEqual(t, "draft with the api key", string(r.body), "%s: an old version read under s3:GetObject", path)
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: %s", path, r.body)
	}
}

// SEC5-14: OSS reads of a version through image processing
// (GetObjectWithProcess, ?x-oss-process&versionId=) were decided by
// oss:GetObject, as ordinary reads of versions were before f6b2104: a
// policy granting the current objects let its grantee render any old
// version. They take oss:GetObjectVersion (likewise GetObjectMeta and
// GetSymlink of a version).
func TestReview24ProcessedVersionNeedsGetObjectVersion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "vimg", engine.BucketOptions{Owner: canonicalID(testAK)}))
	r := f.do(t, raw{method: "PUT", path: "/vimg?versioning", sign: "oss-v4", body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/vimg?policy", sign: "oss-v4", body: []byte(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],` +
		`"Principal":["` + canonicalID(otherAK) + `"],"Resource":["acs:oss:*:*:vimg/*"]}]}`)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/vimg/photo.jpg", sign: "oss-v4", body: testImage(t, 64, 48)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	old := r.Header.Get("X-Oss-Version-Id")
	require.NotEmpty(t, old)
	r = f.do(t, raw{method: "PUT", path: "/vimg/photo.jpg", sign: "oss-v4", body: testImage(t, 8, 8)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	r = f.do(t, raw{method: "GET", path: "/vimg/photo.jpg?x-oss-process=image/info", sign: "oss-v4", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusOK, r.StatusCode, "the grant works: %s", r.body)
	r = f.do(t, raw{method: "GET", path: "/vimg/photo.jpg?x-oss-process=image/info&versionId=" + old, sign: "oss-v4", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "an old version rendered under oss:GetObject: %s", r.body)
	r = f.do(t, raw{method: "HEAD", path: "/vimg/photo.jpg?objectMeta&versionId=" + old, sign: "oss-v4", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "an old version's meta under oss:GetObject")
}

// SEC5-15: ProcessObject (POST ?x-oss-process, the chain in the body)
// and OSS SelectObject of a version were decided by oss:GetObject (with
// oss:PostProcessTask): a policy granting the current objects let its
// grantee process any old version. The read they make takes
// oss:GetObjectVersion.
func TestReview24ProcessObjectVersionNeedsGetObjectVersion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "vproc", engine.BucketOptions{Owner: canonicalID(testAK)}))
	r := f.do(t, raw{method: "PUT", path: "/vproc?versioning", sign: "oss-v4", body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/vproc?policy", sign: "oss-v4", body: []byte(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject","oss:PostProcessTask"],` +
		`"Principal":["` + canonicalID(otherAK) + `"],"Resource":["acs:oss:*:*:vproc/*"]}]}`)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/vproc/photo.jpg", sign: "oss-v4", body: testImage(t, 64, 48)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	old := r.Header.Get("X-Oss-Version-Id")
	r = f.do(t, raw{method: "PUT", path: "/vproc/photo.jpg", sign: "oss-v4", body: testImage(t, 8, 8)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	process := []byte("x-oss-process=image/info")
	r = f.do(t, raw{method: "POST", path: "/vproc/photo.jpg?x-oss-process", sign: "oss-v4", ak: otherAK, sk: otherSK, body: process})
	require.Equal(t, http.StatusOK, r.StatusCode, "the grant works: %s", r.body)
	r = f.do(t, raw{method: "POST", path: "/vproc/photo.jpg?x-oss-process&versionId=" + old, sign: "oss-v4", ak: otherAK, sk: otherSK, body: process})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "an old version processed under oss:GetObject: %s", r.body)
}

// TestReview24WriteGrantRestoresNothing: RestoreObject and
// UpdateObjectEncryption are the bucket owner's (or a policy grantee's):
// S3 grants s3:RestoreObject and s3:UpdateObjectEncryption to no ACL, yet
// a WRITE grantee (anyone, under public-read-write) could start restores
// of the owner's archived objects (billed retrievals on S3) and reseal
// the owner's objects under keys of its choosing.
func TestReview24WriteGrantRestoresNothing(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	owner, writer := f.client(), f.s3Client(true, otherAK, otherSK)
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vrestore")})
	require.NoError(t, err)
	_, err = owner.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vrestore"), GrantWrite: aws.String("id=" + canonicalID(otherAK)),
		GrantFullControl: aws.String("id=" + canonicalID(testAK))})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vrestore"), Key: aws.String("cold"), Body: strings.NewReader("x"),
		StorageClass: types.StorageClassGlacier})
	require.NoError(t, err)

	restore := &s3.RestoreObjectInput{Bucket: aws.String("vrestore"), Key: aws.String("cold"), RestoreRequest: &types.RestoreRequest{Days: aws.Int32(1)}}
	_, err = writer.RestoreObject(ctx, restore)
	require.Equal(t, "AccessDenied", apiCode(err), "a WRITE grantee restored the owner's archived object")
	head, err := owner.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vrestore"), Key: aws.String("cold")})
	require.NoError(t, err)
	require.Nil(t, head.Restore, "no restore started")
	_, err = owner.RestoreObject(ctx, restore)
	require.NoError(t, err, "the owner restores")
}
