package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPresignedPutUnsignedHeaders checks that the holder of a presigned PUT
// URL cannot turn it into a copy of another object made public by adding
// unsigned x-amz-* headers: the request is refused and nothing is written.
func TestPresignedPutUnsignedHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "guarded")
	must(t, f.do(t, raw{method: "PUT", path: "/guarded/secret", body: []byte("top secret")}).errOrNil())

	ps := s3.NewPresignClient(f.client())
	put, err := ps.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("guarded"), Key: aws.String("upload")})
	require.NoError(t, err)

	send := func(extra http.Header) (int, string) {
		req, err := http.NewRequest("PUT", put.URL, strings.NewReader(""))
		require.NoError(t, err)
		for k, v := range put.SignedHeader {
			req.Header[k] = v
		}
		for k, v := range extra {
			req.Header[k] = v
		}
		resp, err := f.httpClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}

	status, body := send(hdr("X-Amz-Copy-Source", "/guarded/secret", "X-Amz-Acl", "public-read"))
	assert.Equal(t, http.StatusForbidden, status, body)
	assert.Contains(t, body, "<Code>AccessDenied</Code>")
	assert.Contains(t, body, "<Message>There were headers present in the request which were not signed</Message>")
	assert.Contains(t, body, "<HeadersNotSigned>x-amz-acl, x-amz-copy-source</HeadersNotSigned>")

	head := f.do(t, raw{method: "HEAD", path: "/guarded/upload"})
	assert.Equal(t, http.StatusNotFound, head.StatusCode, "the refused request wrote the object")

	// The same URL used as signed still works.
	status, body = send(nil)
	assert.Equal(t, http.StatusOK, status, body)
}

// TestSDKSignsEveryAmzHeader checks that aws-sdk-go-v2's uploads, including
// aws-chunked bodies with trailing checksums over TLS, sign every x-amz-*
// header they send, so the HeadersNotSigned rule refuses none of them.
func TestSDKSignsEveryAmzHeader(t *testing.T) {
	f := newFixture(t, fixtureOptions{tls: true})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tls")})
	require.NoError(t, err)
	// A non-seekable body makes the SDK stream it aws-chunked with a
	// trailing checksum (x-amz-trailer, x-amz-decoded-content-length).
	body := io.MultiReader(strings.NewReader("streamed "), strings.NewReader("body"))
	_, err = c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("tls"), Key: aws.String("k"), Body: body, ContentLength: aws.Int64(13),
		ACL: "private", Tagging: aws.String("a=b"), Metadata: map[string]string{"m": "v"},
	})
	require.NoError(t, err)
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tls"), Key: aws.String("k")})
	require.NoError(t, err)
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, "streamed body", string(got))
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("tls"), Key: aws.String("k2"), CopySource: aws.String("tls/k"), ACL: "public-read"})
	require.NoError(t, err)
}
