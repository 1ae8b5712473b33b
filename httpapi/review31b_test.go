package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
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

// TestReview31bCreateUploadAllocs: S3's CreateMultipartUpload answers
// x-amz-abort-date only under a lifecycle rule, so a bucket without
// lifecycle configuration pays no upload lookup for it (68343f3 read the
// upload back on every CreateMultipartUpload): there it allocates less
// than in a bucket whose lifecycle rule covers other keys, where the
// upload is read and no header comes of it.
func TestReview31bCreateUploadAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts differ under -race")
	}
	hb := newHandlerBench(t)
	lc := []byte(`<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>other/</Prefix></Filter><Status>Enabled</Status>` +
		`<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>`)
	review31bServe(t, hb, "PUT", "/bench-lc", nil, nil)
	sum := md5.Sum(lc)
	review31bServe(t, hb, "PUT", "/bench-lc?lifecycle", lc, http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}})

	allocs := func(bucket string) float64 {
		req := hb.signed(t, "POST", "/"+bucket+"/up?uploads", nil)
		return testing.AllocsPerRun(50, func() {
			rec := hb.serve(t, req)
			if rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			if rec.Header().Get("X-Amz-Abort-Date") != "" {
				t.Fatalf("abort date for a key no rule covers: %v", rec.Header())
			}
		})
	}
	plain, ruled := allocs("bench"), allocs("bench-lc")
	t.Logf("CreateMultipartUpload: %.0f allocations without lifecycle, %.0f with a rule for other keys", plain, ruled)
	require.Less(t, plain, ruled, "without lifecycle rules the upload is not read back for x-amz-abort-date")
}

// review31bServe sends one signed request through hb's handler and
// wants 200.
func review31bServe(t *testing.T, hb *handlerBench, method, path string, body []byte, h http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1:9000"+path, bytes.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	sha := sha256.Sum256(body)
	_, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", hb.now, hex.EncodeToString(sha[:]))
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	hb.h.ServeHTTP(rec, req)
	require.Equal(t, 200, rec.Code, "%s %s: %s", method, path, rec.Body)
}

// TestReview31bRecreateBucketACLPolicyDeny: S3's CreateBucket of one's
// own us-east-1 bucket sets its ACL (recreateOwnBucket); S3 requires
// s3:PutBucketAcl as well as s3:CreateBucket for a CreateBucket that
// specifies an ACL (S3 User Guide, "Required permissions for Amazon S3
// API operations"), so a
// bucket policy denying s3:PutBucketAcl refuses it and the ACL stays.
func TestReview31bRecreateBucketACLPolicyDeny(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("r31b-recreate")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:PutBucketAcl","Resource":"arn:aws:s3:::r31b-recreate","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`)})
	require.NoError(t, err)

	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
	require.Equal(t, "AccessDenied", apiCode(err), "%v", err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
	require.Equal(t, "AccessDenied", apiCode(err), "%v", err)

	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, acl.Grants, 1, "a refused CreateBucket changes nothing")
}
