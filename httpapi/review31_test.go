package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// review31Code is the S3 error code of err, "" for none.
func review31Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestReview31ResourceTagOfCopySource: the source bucket's policy decides
// a copy's read of its object with the source bucket's tags as
// aws:ResourceTag, never the destination's. A caller who owns a
// destination bucket tagged as the source's policy wants (ABAC on) is
// still refused the source object, and a Deny on the source's tag still
// refuses a copy into a bucket without that tag.
func TestReview31ResourceTagOfCopySource(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	owner := f.client()
	other := f.s3Client(true, otherAK, otherSK)
	on := &types.AbacStatus{Status: types.BucketAbacStatusEnabled}

	src := aws.String("r31-src")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: src, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("secret")}}}})
	require.NoError(t, err)
	_, err = owner.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: src, AbacStatus: on})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: src, Key: aws.String("k"), Body: strings.NewReader("private")})
	require.NoError(t, err)
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: src, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
		`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::r31-src/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"open"}}}]}`)})
	require.NoError(t, err)

	dst := aws.String("r31-dst")
	_, err = other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: dst, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("open")}}}})
	require.NoError(t, err)
	_, err = other.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: dst, AbacStatus: on})
	require.NoError(t, err)

	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: src, Key: aws.String("k")})
	require.Equal(t, "AccessDenied", review31Code(err), "the source's own tag does not match: %v", err)
	_, err = other.CopyObject(ctx, &s3.CopyObjectInput{Bucket: dst, Key: aws.String("stolen"), CopySource: aws.String("r31-src/k")})
	assert.Equal(t, "AccessDenied", review31Code(err), "the destination's tag must not open the source: %v", err)
	_, err = other.HeadObject(ctx, &s3.HeadObjectInput{Bucket: dst, Key: aws.String("stolen")})
	assert.Error(t, err, "a refused copy writes nothing")

	// The other way round: the source denies by its own tag.
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: src, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::r31-src/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"secret"}}}]}`)})
	require.NoError(t, err)
	own := aws.String("r31-own")
	_, err = owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: own})
	require.NoError(t, err)
	_, err = owner.GetObject(ctx, &s3.GetObjectInput{Bucket: src, Key: aws.String("k")})
	require.Equal(t, "AccessDenied", review31Code(err), "%v", err)
	_, err = owner.CopyObject(ctx, &s3.CopyObjectInput{Bucket: own, Key: aws.String("c"), CopySource: aws.String("r31-src/k")})
	assert.Equal(t, "AccessDenied", review31Code(err), "the source's Deny holds whatever the destination's tags: %v", err)
}

// TestReview31ABACGateOtherDialects: while a bucket has ABAC on, its tags
// (which S3 policies then read as aws:ResourceTag) are not changed by
// PutBucketTagging or DeleteBucketTagging in another dialect either: an
// OSS-signed request by a principal the bucket's policy grants
// s3:PutBucketTagging is refused as the S3 one is, and changes nothing.
func TestReview31ABACGateOtherDialects(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	owner := f.client()
	b := aws.String("r31-gate")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}})
	require.NoError(t, err)
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
		`"},"Action":"s3:PutBucketTagging","Resource":"arn:aws:s3:::r31-gate"}]}`)})
	require.NoError(t, err)
	_, err = owner.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusEnabled}})
	require.NoError(t, err)

	doc := []byte(`<Tagging><TagSet><Tag><Key>team</Key><Value>red</Value></Tag></TagSet></Tagging>`)
	r := f.do(t, raw{method: "PUT", path: "/r31-gate?tagging", body: doc, ak: otherAK, sk: otherSK})
	require.Equal(t, "AccessDenied", r.errCode(), "S3: %s", r.body)
	for _, sign := range []string{"oss-v1", "oss-v4"} {
		r = f.do(t, raw{method: "PUT", path: "/r31-gate?tagging", sign: sign, body: doc, ak: otherAK, sk: otherSK})
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s PutBucketTagging: %s", sign, r.body)
		r = f.do(t, raw{method: "DELETE", path: "/r31-gate?tagging", sign: sign})
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s DeleteBucketTagging: %s", sign, r.body)
	}
	tags, err := owner.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, tags.TagSet, 1)
	assert.Equal(t, "blue", aws.ToString(tags.TagSet[0].Value), "a refused request changes nothing")

	// A directory bucket's tags (ABAC always on, no PutBucketTagging in
	// S3) are not changed through OSS either.
	const dir = "r31-tagged--usw2-az1--x-s3"
	r = f.do(t, raw{method: "PUT", path: "/" + dir, body: []byte(`<CreateBucketConfiguration><Location><Type>AvailabilityZone</Type><Name>usw2-az1</Name></Location>` +
		`<Bucket><DataRedundancy>SingleAvailabilityZone</DataRedundancy><Type>Directory</Type></Bucket><Tags><Tag><Key>team</Key><Value>blue</Value></Tag></Tags></CreateBucketConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	// (Since a later commit no OSS request reaches a directory bucket:
	// 501 before anything is read, TestDirectoryBucketOtherDialects.)
	r = f.do(t, raw{method: "PUT", path: "/" + dir + "?tagging", sign: "oss-v1", body: doc})
	assert.Equal(t, http.StatusNotImplemented, r.StatusCode, "OSS PutBucketTagging of a directory bucket: %s", r.body)
	r = f.do(t, raw{method: "DELETE", path: "/" + dir + "?tagging", sign: "oss-v1"})
	assert.Equal(t, http.StatusNotImplemented, r.StatusCode, "OSS DeleteBucketTagging of a directory bucket: %s", r.body)
	cfg, err := f.eng.BucketConfigValue(ctx, dir, bucketconfig.KindTagging)
	require.NoError(t, err)
	assert.Equal(t, []bucketconfig.Tag{{Key: "team", Value: "blue"}}, cfg.(*bucketconfig.Tagging).Tags, "a refused request changes nothing")
}

// TestReview31ResourceTagEveryDialect: a bucket policy decides the
// requests of every dialect, so its aws:ResourceTag condition reads the
// bucket's tags whichever protocol the request speaks: a Deny on a tag
// refuses an OSS-signed read as it refuses the S3 one.
func TestReview31ResourceTagEveryDialect(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	owner := f.client()
	b := aws.String("r31-deny")
	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, CreateBucketConfiguration: &types.CreateBucketConfiguration{
		Tags: []types.Tag{{Key: aws.String("classified"), Value: aws.String("true")}}}})
	require.NoError(t, err)
	_, err = owner.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: b, AbacStatus: &types.AbacStatus{Status: types.BucketAbacStatusEnabled}})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::r31-deny/*","Condition":{"StringEquals":{"aws:ResourceTag/classified":"true"}}}]}`)})
	require.NoError(t, err)

	r := f.do(t, raw{method: "GET", path: "/r31-deny/k", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "S3: %s", r.body)
	for _, sign := range []string{"oss-v1", "oss-v4"} {
		r = f.do(t, raw{method: "GET", path: "/r31-deny/k", sign: sign, ak: otherAK, sk: otherSK})
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s: %s", sign, r.body)
	}
}

// TestReview31DataEncryptionValues: OSS drops an SM4 data encryption
// named under AES256 or SM4 (oss2's recordings); a data encryption that
// is no algorithm OSS has is still refused under every algorithm, object
// writes and bucket defaults alike, and writes nothing.
func TestReview31DataEncryptionValues(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/r31-sm4", sign: "oss-v1"}).errOrNil())
	for _, alg := range []string{"AES256", "SM4"} {
		r := f.do(t, raw{method: "PUT", path: "/r31-sm4/bad-" + alg, sign: "oss-v1", body: []byte("x"),
			header: hdr("x-oss-server-side-encryption", alg, "x-oss-server-side-data-encryption", "ROT13")})
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, "%s with ROT13: %s", alg, r.body)
		r = f.do(t, raw{method: "HEAD", path: "/r31-sm4/bad-" + alg, sign: "oss-v1"})
		assert.Equal(t, http.StatusNotFound, r.StatusCode, "a refused write writes nothing")
		r = f.do(t, raw{method: "PUT", path: "/r31-sm4/ok-" + alg, sign: "oss-v1", body: []byte("x"),
			header: hdr("x-oss-server-side-encryption", alg, "x-oss-server-side-data-encryption", "SM4")})
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s with SM4 (dropped): %s", alg, r.body)

		r = f.do(t, raw{method: "PUT", path: "/r31-sm4?encryption", sign: "oss-v1", body: []byte(`<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>` +
			alg + `</SSEAlgorithm><KMSDataEncryption>ROT13</KMSDataEncryption></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>`)})
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, "default %s with ROT13: %s", alg, r.body)
	}
	r := f.do(t, raw{method: "GET", path: "/r31-sm4?encryption", sign: "oss-v1"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode, "no default was set: %s", r.body)
}

// TestReview31PresignedEmptyNames: a presigned URL's holder who adds
// parameters with an empty name gets what was signed and nothing more:
// the URL of a GET still reads the object (S3 leaves such parameters out
// of the signature), and a value that looks like another signature
// scheme's does not lend the holder another identity.
func TestReview31PresignedEmptyNames(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("r31-presign")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("r31-presign"), Key: aws.String("k"), Body: strings.NewReader("secret")})
	require.NoError(t, err)
	ps, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("r31-presign"), Key: aws.String("k")})
	require.NoError(t, err)
	hc := f.httpClient()
	get := func(url string) (int, string) {
		resp, err := hc.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		return resp.StatusCode, b.String()
	}
	code, body := get(ps.URL + "&=x&=")
	assert.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "secret", body)
	for _, extra := range []string{"&=OSSAccessKeyId=" + testAK, "&=x-oss-signature-version=OSS4-HMAC-SHA256", "&=acl", "&=tagging"} {
		code, body = get(ps.URL + extra)
		assert.Equal(t, http.StatusOK, code, "%s: %s", extra, body)
		assert.Equal(t, "secret", body, "%s: the signed GetObject, nothing else", extra)
	}
	// A PUT URL's holder cannot turn it into another operation either.
	pp, err := s3.NewPresignClient(c).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("r31-presign"), Key: aws.String("k2")})
	require.NoError(t, err)
	req, err := http.NewRequest("PUT", pp.URL+"&=acl", strings.NewReader(`<AccessControlPolicy/>`))
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("r31-presign"), Key: aws.String("k2")})
	require.NoError(t, err, "stored as the PutObject signed")
	o.Body.Close()
}
