package httpapi_test

// Regression tests of the twenty-second session's security review
// (outbound requests, presigned URLs, authorization decisions, Select):
// each failed before its fix.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// SEC3-1: a replication rule wrote into any other user's bucket: the
// destination was checked to exist and be versioned, never to be the
// source owner's, so a user could put objects and delete markers (OSS,
// unversioned: overwrite and delete objects) in a bucket they may not
// write. A rule to another owner's bucket is refused; a delivery to a
// destination that became another owner's (deleted and made again)
// writes nothing.
func TestReview22ReplicationStaysWithTheOwner(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	victim, attacker := f.client(), f.s3Client(true, otherAK, otherSK)
	enableVersioning(t, victim, "victim-dst")
	enableVersioning(t, attacker, "attacker-src", "attacker-dst")

	_, err := attacker.PutBucketReplication(ctx, replicationInput("attacker-src", "victim-dst"))
	require.Equal(t, "AccessDenied", apiCode(err), "a rule into another owner's bucket: %v", err)

	// A rule to the attacker's own bucket, whose name then passes to the victim.
	_, err = attacker.PutBucketReplication(ctx, replicationInput("attacker-src", "attacker-dst"))
	require.NoError(t, err)
	_, err = attacker.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("attacker-dst")})
	require.NoError(t, err)
	enableVersioning(t, victim, "attacker-dst")
	_, err = attacker.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("attacker-src"), Key: aws.String("docs/planted"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = f.eng.RunPending(ctx)
	require.NoError(t, err)
	for _, b := range []string{"victim-dst", "attacker-dst"} {
		out, err := victim.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		require.Empty(t, out.Versions, "%s got a replica from another owner's bucket", b)
	}
}

// SEC3-2: SigV2 signs only its own list of sub-resources, so one
// outside it could be appended to a captured SigV2 request or presigned
// URL and change the operation: a presigned ListObjects URL read the
// bucket's owner-only configurations, a presigned DeleteBucket URL
// deleted its Public Access Block. Such a request is refused, as OSS v1
// and v2 signatures are (Sina signs them).
func TestReview22SigV2SubresourcesAreSigned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("v2sub")})
	require.NoError(t, err)
	_, err = c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("v2sub"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true)}})
	require.NoError(t, err)

	presign := func(method, path, extra string) rawResponse {
		req, err := http.NewRequest(method, f.srv.URL+path, nil)
		require.NoError(t, err)
		sigv4.PresignV2(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "", f.clock.Now().Add(time.Minute))
		return f.do(t, raw{method: method, path: req.URL.RequestURI() + extra, sign: "anon"})
	}
	r := presign(http.MethodGet, "/v2sub", "")
	require.Equal(t, http.StatusOK, r.StatusCode, "the URL as signed: %s", r.body)
	r = presign(http.MethodGet, "/v2sub", "&publicAccessBlock")
	require.Equal(t, "AccessDenied", r.errCode(), "a listing URL read the Public Access Block: %s", r.body)
	r = presign(http.MethodDelete, "/v2sub", "&publicAccessBlock")
	require.Equal(t, "AccessDenied", r.errCode(), "a DeleteBucket URL deleted the Public Access Block: %d %s", r.StatusCode, r.body)
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("v2sub")})
	require.NoError(t, err)

	// A sub-resource SigV2 signs still works, header-signed too.
	r = presign(http.MethodGet, "/v2sub?versioning", "")
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: http.MethodGet, path: "/v2sub?acl", sign: "v2"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: http.MethodGet, path: "/v2sub?ownershipControls", sign: "v2"})
	require.Equal(t, "AccessDenied", r.errCode(), "%s", r.body)
}
