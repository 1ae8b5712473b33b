package httpapi_test

// Regression tests of the twenty-fifth session's security review (copy
// sources' bucket gates, ListParts, access-point versions, signed
// sub-resources, less reviewed features): each failed before its fix.

import (
	"context"
	"net/http"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// SEC6-1: a copy source's bucket was decided by its ACL and policy only,
// not by the gates a direct read of it passes: a requester-pays source
// bucket was copied from without x-amz-request-payer (S3 documents the
// header for a requester-pays copy source), and an OSS bucket's referer
// whitelist did not hold for an anonymous or signed-URL copy into
// another bucket.
func TestReview25CopySourcePassesItsBucketsGates(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, attacker := f.client(), f.s3Client(true, otherAK, otherSK)
	_, err := victim.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("rpsrc")})
	require.NoError(t, err)
	_, err = victim.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rpsrc"), Key: aws.String("k"), Body: strings.NewReader("data"),
		ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	_, err = victim.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: aws.String("rpsrc"),
		RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}})
	require.NoError(t, err)
	_, err = attacker.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("rpdst")})
	require.NoError(t, err)

	_, err = attacker.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("rpsrc"), Key: aws.String("k")})
	require.Equal(t, "AccessDenied", apiCode(err), "a direct read needs x-amz-request-payer")
	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("rpdst"), Key: aws.String("c"), CopySource: aws.String("rpsrc/k")})
	require.Equal(t, "AccessDenied", apiCode(err), "a copy from a requester-pays bucket needs x-amz-request-payer")
	up, err := attacker.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("rpdst"), Key: aws.String("mp")})
	require.NoError(t, err)
	_, err = attacker.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("rpdst"), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String("rpsrc/k")})
	require.Equal(t, "AccessDenied", apiCode(err), "UploadPartCopy from a requester-pays bucket needs x-amz-request-payer")
	_, err = attacker.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("rpdst"), Key: aws.String("c"), CopySource: aws.String("rpsrc/k"),
		RequestPayer: types.RequestPayerRequester})
	require.NoError(t, err, "the requester pays")
	_, err = victim.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("rpsrc"), Key: aws.String("c"), CopySource: aws.String("rpsrc/k")})
	require.NoError(t, err, "the owner pays anyway")

	// OSS: the source bucket's referer whitelist holds for an anonymous
	// copy into a public-read-write bucket.
	c := f.ossV2(testAK, testSK)
	_, err = c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("opol")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("opol"), Key: oss2.Ptr("img/a.png"), Body: strings.NewReader("png"),
		Acl: oss2.ObjectACLPublicRead})
	require.NoError(t, err)
	_, err = c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("opub"), Acl: oss2.BucketACLPublicReadWrite})
	require.NoError(t, err)
	_, err = c.PutBucketReferer(ctx, &oss2.PutBucketRefererRequest{Bucket: oss2.Ptr("opol"), RefererConfiguration: &oss2.RefererConfiguration{
		AllowEmptyReferer: oss2.Ptr(false), RefererList: &oss2.RefererList{Referers: []string{"https://good.example.com"}}}})
	require.NoError(t, err)
	require.Equal(t, 403, ossAnon(t, f, "GET", "img/a.png", hdr("Referer", "https://evil.example.com")).StatusCode)
	copyAnon := func(referer string) rawResponse {
		h := hdr("x-oss-copy-source", "/opol/img/a.png")
		if referer != "" {
			h.Set("Referer", referer)
		}
		return f.do(t, raw{method: "PUT", path: "/stolen", sign: "anon", host: "opub.oss-cn-hangzhou.aliyuncs.com", header: h})
	}
	r := copyAnon("https://evil.example.com")
	require.Equal(t, http.StatusForbidden, r.StatusCode, "an anonymous copy past the source's referer whitelist: %s", r.body)
	require.Contains(t, string(r.body), "referer")
	r = copyAnon("")
	require.Equal(t, http.StatusForbidden, r.StatusCode, "an anonymous copy without a referer: %s", r.body)
	r = copyAnon("https://good.example.com")
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// SEC6-2: ListParts and AbortMultipartUpload needed only a bucket WRITE
// grant: a grantee listed the part ETags (MD5s of the content) and sizes
// of every other user's upload, and aborted them. S3 grants
// s3:ListMultipartUploadParts and s3:AbortMultipartUpload by default to
// the bucket owner and the upload's initiator only (a policy may grant
// others).
func TestReview25ListPartsIsTheInitiators(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, grantee := f.client(), f.s3Client(true, otherAK, otherSK)
	_, err := victim.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared-mp")})
	require.NoError(t, err)
	_, err = victim.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("shared-mp"),
		GrantRead: aws.String("id=" + canonicalID(otherAK)), GrantWrite: aws.String("id=" + canonicalID(otherAK)),
		GrantFullControl: aws.String("id=" + canonicalID(testAK))})
	require.NoError(t, err)

	up, err := victim.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("shared-mp"), Key: aws.String("payroll")})
	require.NoError(t, err)
	_, err = victim.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("shared-mp"), Key: aws.String("payroll"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("salary 1000")})
	require.NoError(t, err)

	_, err = grantee.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("shared-mp"), Key: aws.String("payroll"), UploadId: up.UploadId})
	require.Equal(t, "AccessDenied", apiCode(err), "ListParts of another user's upload")
	_, err = grantee.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("shared-mp"), Key: aws.String("payroll"), UploadId: up.UploadId})
	require.Equal(t, "AccessDenied", apiCode(err), "AbortMultipartUpload of another user's upload")
	_, err = grantee.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("shared-mp"), Key: aws.String("payroll"), UploadId: aws.String("nosuchupload")})
	require.Equal(t, "AccessDenied", apiCode(err), "a grantee learns nothing of uploads it did not start")
	parts, err := victim.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("shared-mp"), Key: aws.String("payroll"), UploadId: up.UploadId})
	require.NoError(t, err)
	require.Len(t, parts.Parts, 1)

	// The grantee's own upload is its to list and abort; the bucket
	// owner lists and aborts it too.
	mine, err := grantee.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("shared-mp"), Key: aws.String("mine")})
	require.NoError(t, err)
	_, err = grantee.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("shared-mp"), Key: aws.String("mine"), UploadId: mine.UploadId})
	require.NoError(t, err)
	_, err = victim.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("shared-mp"), Key: aws.String("mine"), UploadId: mine.UploadId})
	require.NoError(t, err)
	_, err = grantee.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("shared-mp"), Key: aws.String("mine"), UploadId: mine.UploadId})
	require.NoError(t, err)
	_, err = victim.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("shared-mp"), Key: aws.String("payroll"), UploadId: up.UploadId})
	require.NoError(t, err)
}

// SEC6-3: an OSS access point's policy decided a request naming a
// version by the plain action (oss:GetObject), while bucket policies ask
// for oss:GetObjectVersion: an access point granting oss:GetObject on
// inbox/* let its grantee read every older, overwritten version under
// it, directly or as a copy source named by the alias.
func TestReview25AccessPointPolicyDecidesVersions(t *testing.T) {
	_, owner, bob, alias := apInboxFixture(t)
	ctx := context.Background()
	_, err := owner.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr("shared"),
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
	require.NoError(t, err)
	old, err := owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("shared"), Key: oss2.Ptr("inbox/doc"), Body: strings.NewReader("draft with secrets")})
	require.NoError(t, err)
	cur, err := owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("shared"), Key: oss2.Ptr("inbox/doc"), Body: strings.NewReader("redacted")})
	require.NoError(t, err)

	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("inbox/doc")})
	require.NoError(t, err, "the latest version, by oss:GetObject")
	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("inbox/doc"), VersionId: old.VersionId})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("inbox/doc"), VersionId: cur.VersionId})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = bob.CopyObject(ctx, &oss2.CopyObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("inbox/copy"),
		SourceBucket: oss2.Ptr(alias), SourceKey: oss2.Ptr("inbox/doc"), SourceVersionId: old.VersionId})
	wantOSS(t, err, 403, "AccessDenied", "")

	// oss:GetObjectVersion in the access point's policy grants it.
	_, err = owner.PutAccessPointPolicy(ctx, &oss2.PutAccessPointPolicyRequest{Bucket: oss2.Ptr("shared"), AccessPointName: oss2.Ptr("ap-inbox"), Body: strings.NewReader(
		`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["1122334455667788"],"Action":["oss:PutObject","oss:GetObject","oss:GetObjectVersion"],"Resource":["acs:oss:*:*:accesspoint/ap-inbox/object/inbox/*"]}]}`)})
	require.NoError(t, err)
	_, err = bob.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(alias), Key: oss2.Ptr("inbox/doc"), VersionId: old.VersionId})
	require.NoError(t, err)
}
