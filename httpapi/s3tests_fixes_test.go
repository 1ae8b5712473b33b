package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a re-run of ceph's s3-tests found (docs/sdk-suites.md), each as
// S3 documents it.

// TestExpectedBucketOwner: x-amz-expected-bucket-owner naming another
// account than the bucket owner's is 403 AccessDenied, for the owner and
// for anonymous callers a public ACL admits; the owner's account ID or
// canonical ID passes.
func TestExpectedBucketOwner(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("ebo")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ACL: types.BucketCannedACLPublicReadWrite})
	require.NoError(t, err)
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	canonical := aws.ToString(lb.Owner.ID)
	_, err = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: b, ExpectedBucketOwner: aws.String(canonical)})
	require.NoError(t, err, "the canonical ID")
	_, err = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: b, ExpectedBucketOwner: aws.String("123456789012")})
	requireCode(t, err, "AccessDenied")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("v"), ExpectedBucketOwner: aws.String(canonical + "foo")})
	requireCode(t, err, "AccessDenied")
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("k")})
	requireCode(t, err, "NotFound") // nothing was stored

	// A copy's source bucket is checked against
	// x-amz-source-expected-bucket-owner.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("src"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("ebo/src"),
		ExpectedSourceBucketOwner: aws.String("123456789012")})
	requireCode(t, err, "AccessDenied")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("ebo/src"),
		ExpectedSourceBucketOwner: aws.String(canonical)})
	require.NoError(t, err)

	// Anonymous callers the ACL admits are refused the same way.
	for _, q := range []raw{
		{method: "GET", path: "/ebo?encoding-type=url", sign: "anon"},
		{method: "PUT", path: "/ebo/anon", sign: "anon", body: []byte("x")},
	} {
		r := f.do(t, q)
		require.Equal(t, 200, r.StatusCode, "%s without the header: %s", q.method, r.body)
		q.header = http.Header{"X-Amz-Expected-Bucket-Owner": {canonical + "foo"}}
		r = f.do(t, q)
		assert.Equal(t, 403, r.StatusCode, q.method)
		assert.Equal(t, "AccessDenied", r.errCode(), q.method)
	}
}

// TestContentEncodingKept: Content-Encoding is stored as sent; only the
// aws-chunked token (a transfer detail) is left out.
func TestContentEncodingKept(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("enc")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	for sent, want := range map[string]string{
		"gzip": "gzip", "deflate, gzip": "deflate, gzip", "deflate,gzip": "deflate,gzip",
		"gzip, aws-chunked": "gzip", "aws-chunked, gzip": "gzip", "aws-chunked": "", "aws-chunked, aws-chunked": "",
	} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("v"), ContentEncoding: aws.String(sent)})
		require.NoError(t, err)
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("k")})
		require.NoError(t, err)
		assert.Equal(t, want, aws.ToString(h.ContentEncoding), "sent %q", sent)
	}
}

// TestObjectAttributesSSEC: GetObjectAttributes of an SSE-C object needs
// its key, as its reads do.
func TestObjectAttributesSSEC(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("attrssec")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	k := newSSEKey(3)
	alg, kb, km := aws.String("AES256"), aws.String(k.b64), aws.String(k.md5)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("secret"), Body: strings.NewReader("data"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	attrs := []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesObjectSize}
	_, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: b, Key: aws.String("secret"), ObjectAttributes: attrs})
	requireCode(t, err, "InvalidRequest")
	out, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: b, Key: aws.String("secret"), ObjectAttributes: attrs,
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	assert.Equal(t, int64(4), aws.ToInt64(out.ObjectSize))
}
