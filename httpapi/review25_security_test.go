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
