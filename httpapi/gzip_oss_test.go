package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestOSSGzipAnswer: OSS compresses a GetObject answer for a client that
// asks for gzip when the object is at least 1 KB of a web text type
// (Alibaba Cloud's "How do I compress objects that I download from OSS in
// the GZIP format?"): Content-Encoding: gzip, Vary: Accept-Encoding, and
// no ETag, Content-Length or Accept-Ranges. Smaller objects, other types,
// ranges, a refused gzip (q=0), an object stored content-encoded and S3
// requests are answered as stored.
func TestOSSGzipAnswer(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/gz-oss", sign: "oss-v1"}).errOrNil())
	text := []byte(strings.Repeat("osslite compresses text for browsers. ", 100))
	put := func(key, ctype string, body []byte, extra ...string) {
		h := http.Header{"Content-Type": {ctype}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		must(t, f.do(t, raw{method: "PUT", path: "/gz-oss/" + key, sign: "oss-v1", header: h, body: body}).errOrNil())
	}
	put("page.html", "text/html; charset=utf-8", text)
	put("small.txt", "text/plain", text[:1023])
	put("blob.bin", "application/octet-stream", text)
	put("stored.json", "application/json", text, "Content-Encoding", "identity")

	get := func(method, key, sign string, hdr ...string) rawResponse {
		h := http.Header{}
		for i := 0; i+1 < len(hdr); i += 2 {
			h.Set(hdr[i], hdr[i+1])
		}
		if h.Get("Accept-Encoding") == "" {
			h.Set("Accept-Encoding", "gzip")
		}
		path := "/gz-oss/" + key
		if sign == "v4" {
			path = "/gz-s3/" + key
		}
		r := f.do(t, raw{method: method, path: path, sign: sign, header: h})
		require.Less(t, r.StatusCode, 300, "%s %s: %s", method, key, r.body)
		return r
	}

	r := get("GET", "page.html", "oss-v1")
	assert.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
	assert.Equal(t, "Accept-Encoding", r.Header.Get("Vary"))
	assert.Empty(t, r.Header.Get("ETag"))
	assert.Empty(t, r.Header.Get("Content-Length"))
	assert.Empty(t, r.Header.Get("Accept-Ranges"))
	assert.NotEmpty(t, r.Header.Get("x-oss-hash-crc64ecma"), "the stored object's CRC, which a client checks after decompressing")
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, text, plain)
	assert.Less(t, len(r.body), len(text))

	plainAnswer := func(r rawResponse, n int, why string) {
		t.Helper()
		assert.Empty(t, r.Header.Get("Content-Encoding"), why)
		assert.NotEmpty(t, r.Header.Get("ETag"), why)
		if r.Request.Method == "GET" {
			assert.Len(t, r.body, n, why)
		}
	}
	plainAnswer(get("GET", "small.txt", "oss-v1"), 1023, "under 1 KB")
	plainAnswer(get("GET", "blob.bin", "oss-v1"), len(text), "not a text type")
	plainAnswer(get("GET", "page.html", "oss-v1", "Range", "bytes=0-2047"), 2048, "a range")
	plainAnswer(get("GET", "page.html", "oss-v1", "Accept-Encoding", "gzip;q=0, identity"), len(text), "gzip refused")
	plainAnswer(get("GET", "page.html", "oss-v1", "Accept-Encoding", "identity"), len(text), "gzip not asked for")

	// HEAD answers as GET would (aliyun-oss-php-sdk's testGetObjectMeta):
	// Vary either way; with gzip accepted, Content-Encoding and no length.
	r = get("HEAD", "page.html", "oss-v1")
	assert.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
	assert.Equal(t, "Accept-Encoding", r.Header.Get("Vary"))
	assert.Empty(t, r.Header.Get("Content-Length"))
	r = get("HEAD", "page.html", "oss-v1", "Accept-Encoding", "identity")
	assert.Empty(t, r.Header.Get("Content-Encoding"))
	assert.Equal(t, "Accept-Encoding", r.Header.Get("Vary"))
	assert.Equal(t, strconv.Itoa(len(text)), r.Header.Get("Content-Length"))
	assert.Empty(t, get("HEAD", "blob.bin", "oss-v1").Header.Get("Vary"), "not a type OSS compresses")
	assert.Empty(t, get("HEAD", "small.txt", "oss-v1").Header.Get("Vary"), "too small to compress")
	assert.Equal(t, "identity", get("GET", "stored.json", "oss-v1").Header.Get("Content-Encoding"), "stored content-encoding is sent as stored")
	r = get("GET", "page.html", "oss-v1", "Accept-Encoding", "deflate, GZIP;q=0.5")
	assert.Equal(t, "gzip", r.Header.Get("Content-Encoding"), "codings and q-values are read")

	must(t, f.do(t, raw{method: "PUT", path: "/gz-s3"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/gz-s3/page.html", header: http.Header{"Content-Type": {"text/html"}}, body: text}).errOrNil())
	plainAnswer(get("GET", "page.html", "v4"), len(text), "S3 never compresses")
}

// TestOSSGzipGoSDK: Go's network transport asks for gzip by itself and
// decompresses, so alibabacloud-oss-go-sdk-v2 reads a compressed answer
// as the object stored, its CRC-64 check included.
func TestOSSGzipGoSDK(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("gz-sdk"))
	// Over the fake's listener with Go's own transport (the fake's
	// in-memory client asks for no compression).
	rec := &gzipRecorder{next: http.DefaultTransport.(*http.Transport).Clone()}
	cfg := oss2.LoadDefaultConfig().WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey)).
		WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(&http.Client{Transport: rec}).WithRetryMaxAttempts(1)
	c := oss2.NewClient(cfg)
	text := strings.Repeat(`{"k":"osslite"},`, 500)
	_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("gz-sdk"), Key: oss2.Ptr("data.json"), Body: strings.NewReader(text)})
	require.NoError(t, err)
	res, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("gz-sdk"), Key: oss2.Ptr("data.json")})
	require.NoError(t, err)
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, text, string(got))
	assert.True(t, rec.uncompressed, "the answer was compressed on the wire and decompressed by Go's transport")
}

// gzipRecorder notes whether Go's transport decompressed an answer.
type gzipRecorder struct {
	next         http.RoundTripper
	uncompressed bool
}

func (g *gzipRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(r)
	if err == nil && r.Method == http.MethodGet {
		g.uncompressed = g.uncompressed || resp.Uncompressed
	}
	return resp, err
}
