package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOSSSignatureV2 drives the server through aliyun-oss-go-sdk signing
// with OSS signature v2 (oss.AuthV2): header-signed requests and signed
// URLs, with and without additional headers.
func TestOSSSignatureV2(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK, oss1.AuthVersion(oss1.AuthV2))
	b := v1Bucket(t, c, "osstwo")
	read := reader(t)

	const key = "dir/a b+c~ü.txt"
	require.NoError(t, b.PutObject(key, strings.NewReader("hello v2"), oss1.ContentType("text/plain"), oss1.Meta("Author", "alice")))
	assert.Equal(t, "hello v2", read(b.GetObject(key)))
	require.NoError(t, b.PutObject("other.txt", strings.NewReader("x")))

	lo, err := b.ListObjectsV2(oss1.Prefix("dir/a b"), oss1.MaxKeys(10))
	require.NoError(t, err)
	require.Len(t, lo.Objects, 1)
	assert.Equal(t, key, lo.Objects[0].Key)
	lb, err := c.ListBuckets(oss1.Prefix("oss"))
	require.NoError(t, err)
	require.Len(t, lb.Buckets, 1)

	// Additional headers are signed too, Host among them (the SDK signs
	// the one it sends; a server finds it outside the header map).
	ca := f.ossV1(t, testAK, testSK, oss1.AuthVersion(oss1.AuthV2), oss1.AdditionalHeaders([]string{"Cache-Control", "Content-Disposition", "host", "user-agent"}))
	ba, err := ca.Bucket("osstwo")
	require.NoError(t, err)
	require.NoError(t, ba.PutObject("extra.txt", strings.NewReader("extra"), oss1.CacheControl("no-cache"), oss1.ContentDisposition("attachment")))
	assert.Equal(t, "extra", read(ba.GetObject("extra.txt")))

	// Signed URLs (x-oss-signature-version=OSS2).
	get := func(u string) (int, string) {
		resp, err := f.httpClient().Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	u, err := b.SignURL(key, oss1.HTTPGet, 600)
	require.NoError(t, err)
	require.Contains(t, u, "x-oss-signature-version=OSS2")
	status, body := get(u)
	assert.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "hello v2", body)

	put, err := b.SignURL("signed-put.txt", oss1.HTTPPut, 600, oss1.ContentType("text/plain"))
	require.NoError(t, err)
	req, err := http.NewRequest("PUT", put, strings.NewReader("via signed url"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := f.httpClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "via signed url", read(b.GetObject("signed-put.txt")))

	// A wrong secret, a tampered URL and an expired URL are refused.
	bad := f.ossV1(t, testAK, "wrong", oss1.AuthVersion(oss1.AuthV2))
	bb, err := bad.Bucket("osstwo")
	require.NoError(t, err)
	_, err = bb.GetObject(key)
	wantOSS(t, err, 403, "SignatureDoesNotMatch", "0002-00000040")
	status, body = get(strings.Replace(u, "dir%2Fa", "dir%2Fb", 1))
	assert.Equal(t, http.StatusForbidden, status, body)
	assert.Contains(t, body, "<Code>SignatureDoesNotMatch</Code>")
	f.clock.Advance(11 * 60e9)
	status, body = get(u)
	assert.Equal(t, http.StatusForbidden, status, body)
	assert.Contains(t, body, "<Code>AccessDenied</Code>")
}

// TestOSSSealSignedV1 sends SealAppendObject signed with OSS signature v1
// by alibabacloud-oss-go-sdk-v2 (which signs the seal sub-resource): it gets
// the documented OperationNotSupported, not SignatureDoesNotMatch.
func TestOSSSealSignedV1(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	cfg := oss2.LoadDefaultConfig().
		WithCredentialsProvider(credentialsFor(testAK, testSK)).
		WithRegion("cn-hangzhou").
		WithEndpoint(f.srv.URL).
		WithHttpClient(f.httpClient()).
		WithRetryMaxAttempts(1).
		WithSignatureVersion(oss2.SignatureVersionV1)
	c := oss2.NewClient(cfg)
	const bk = "v1-seal"
	v2Bucket(t, c, bk)
	_, err := c.AppendObject(bg, &oss2.AppendObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(0)), Body: strings.NewReader("data")})
	require.NoError(t, err)
	_, err = c.SealAppendObject(bg, &oss2.SealAppendObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(4))})
	wantOSS(t, err, 400, "OperationNotSupported", "0016-00000513")
}
