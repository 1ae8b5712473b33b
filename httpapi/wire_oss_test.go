package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// TestOSSPresignedPutDefaultContentType: a presigned PUT that sends no
// Content-Type stores OSS's default, application/octet-stream.
func TestOSSPresignedPutDefaultContentType(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("ctype")})
	require.NoError(t, err)
	ps, err := c.Presign(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("ctype"), Key: oss2.Ptr("k")}, oss2.PresignExpires(time.Hour))
	require.NoError(t, err)
	req, err := http.NewRequest(ps.Method, ps.URL, bytes.NewReader([]byte("body")))
	require.NoError(t, err)
	for k, v := range ps.SignedHeaders {
		req.Header.Set(k, v)
	}
	require.Empty(t, req.Header.Get("Content-Type"))
	resp, err := f.httpClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("ctype"), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	require.Equal(t, "application/octet-stream", oss2.ToString(head.ContentType))
}

// TestOSSLaterAppendACL: x-oss-object-acl on an append at position > 0 is
// applied (object.md AppendObject: the ACL header may come with any append).
func TestOSSLaterAppendACL(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("appendacl"))
	b, err := c.Bucket("appendacl")
	require.NoError(t, err)
	next, err := b.AppendObject("log", strings.NewReader("first "), 0)
	require.NoError(t, err)
	acl, err := b.GetObjectACL("log")
	require.NoError(t, err)
	require.Equal(t, "default", acl.ACL)
	_, err = b.AppendObject("log", strings.NewReader("second"), next, oss1.ObjectACL(oss1.ACLPublicRead))
	require.NoError(t, err)
	acl, err = b.GetObjectACL("log")
	require.NoError(t, err)
	require.Equal(t, "public-read", acl.ACL)
}
