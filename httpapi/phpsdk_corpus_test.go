package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file send what the AWS SDK for PHP sends by default
// (its source: src/Signature/SignatureV4.php and S3SignatureV4.php,
// src/S3/PostObjectV4.php, StreamWrapper.php, MultipartUploader.php,
// MultipartCopy.php) and hold osslite to the answers its Behat features
// (features/s3, features/multipart) and integration tests (tests/Integ)
// assert against real S3 (docs/sdk-suites.md, "aws-sdk-php's S3 features
// and integration tests as a corpus (thirty-first session)").

// pitPresign presigns method and path as createPresignedRequest does:
// every x-amz-* header of the command (amz, with the
// X-Amz-Content-Sha256: UNSIGNED-PAYLOAD that S3SignatureV4::presign
// adds) is copied into the query, and the x-amz-* headers other than the
// content hash also stay headers, named in X-Amz-SignedHeaders beside
// host; the payload is UNSIGNED-PAYLOAD. It returns the path and query to
// send and the headers Guzzle sends with it.
func pitPresign(t *testing.T, f *fixture, method, path string, amz http.Header, expires time.Duration) (string, http.Header) {
	t.Helper()
	extra := url.Values{"X-Amz-Content-Sha256": {sigv4.UnsignedPayload}}
	signed := http.Header{}
	for k, vs := range amz {
		extra[strings.ToLower(k)] = vs
		signed[k] = vs
	}
	return nitPresign(t, f, method, path, extra, signed, expires), signed
}

// TestPitPresignedURLs: features/s3/presignedUrls.feature. A GET made
// with createPresignedRequest reads the object ("Get an object with a
// pre-signed request"); a PUT made so stores its body ("Put an object
// with a pre-signed request"); with ContentSHA256 UNSIGNED-PAYLOAD the
// body may be changed after signing and the new body is stored ("Put an
// unsigned object with a pre-signed request"). Every such URL carries
// X-Amz-Content-Sha256=UNSIGNED-PAYLOAD in its query. A PutObject with
// Metadata and ACL has x-amz-meta-* and x-amz-acl both in the query and
// as signed headers: they are applied once (not joined as "v,v").
// SignaturePathEncodingTest testS3RequestSucceedsWithColon: a GetObject
// of "aaa:bbb" (sent as aaa%3Abbb, the path not double-encoded in the
// canonical request) is NoSuchKey, not a signature error.
func TestPitPresignedURLs(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-presign")
	require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/pit-presign/file.ext", body: []byte("abc123")}).StatusCode)

	u, h := pitPresign(t, f, "GET", "/pit-presign/file.ext", nil, time.Hour)
	assert.Contains(t, u, "X-Amz-Content-Sha256=UNSIGNED-PAYLOAD")
	r := f.do(t, raw{method: "GET", path: u, header: h, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "abc123", string(r.body))

	u, h = pitPresign(t, f, "PUT", "/pit-presign/foo.bar", nil, time.Hour)
	r = f.do(t, raw{method: "PUT", path: u, header: h, sign: "anon", body: []byte("xxx_yyy_zzz")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "PUT", path: u, header: h, sign: "anon", body: []byte("zzz_yyy_xxx")})
	require.Equal(t, http.StatusOK, r.StatusCode, "the payload is unsigned: "+string(r.body))
	u, h = pitPresign(t, f, "GET", "/pit-presign/foo.bar", nil, time.Hour)
	r = f.do(t, raw{method: "GET", path: u, header: h, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "zzz_yyy_xxx", string(r.body))

	u, h = pitPresign(t, f, "PUT", "/pit-presign/meta.txt", hdr("x-amz-meta-color", "blue", "x-amz-acl", "public-read"), time.Hour)
	assert.Contains(t, u, "X-Amz-SignedHeaders=host%3Bx-amz-acl%3Bx-amz-meta-color")
	r = f.do(t, raw{method: "PUT", path: u, header: h, sign: "anon", body: []byte("m")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	head, err := f.client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("pit-presign"), Key: aws.String("meta.txt")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"color": "blue"}, head.Metadata)
	acl, err := f.client().GetObjectAcl(context.Background(), &s3.GetObjectAclInput{Bucket: aws.String("pit-presign"), Key: aws.String("meta.txt")})
	require.NoError(t, err)
	assert.Len(t, acl.Grants, 2, "owner FULL_CONTROL and AllUsers READ")

	r = f.do(t, raw{method: "GET", path: "/pit-presign/aaa%3Abbb"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode, string(r.body))
	assert.Equal(t, "NoSuchKey", r.errCode())
}

// TestPitPostObjectV4: features/s3/postObject.feature through
// S3Context (a 128 KiB file posted as "file.ext"). PostObjectV4 posts to
// the virtual-hosted bucket URL; its form puts key=${filename} first,
// then X-Amz-Credential, X-Amz-Algorithm, X-Amz-Date, Policy and
// X-Amz-Signature with their capitalised names; its policy is PHP's
// json_encode (every "/" escaped as "\/") with an expiration of whole
// seconds (TimestampShape iso8601, no fraction) and the conditions
// {"bucket": ...}, ["starts-with", "$key", ""] and one object each for
// X-Amz-Date, X-Amz-Credential and X-Amz-Algorithm. Guzzle's multipart
// body gives each part a Content-Length header. S3 stores the file
// (doesObjectExist, then its body) and answers 204.
func TestPitPostObjectV4(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now().UTC()
	ldt := now.Format(sigv4.TimeFormat)
	cred := testAK + "/" + ldt[:8] + "/us-east-1/s3/aws4_request"
	policyJSON := fmt.Sprintf(`{"expiration":"%s","conditions":[{"bucket":"forms"},["starts-with","$key",""],{"X-Amz-Date":"%s"},{"X-Amz-Credential":"%s"},{"X-Amz-Algorithm":"AWS4-HMAC-SHA256"}]}`,
		now.Add(time.Hour).Format("2006-01-02T15:04:05Z"), ldt, strings.ReplaceAll(cred, "/", `\/`))
	policy := base64.StdEncoding.EncodeToString([]byte(policyJSON))
	sig := sigv4.Signature(sigv4.SigningKey(testSK, ldt[:8], "us-east-1", "s3"), policy)
	fields := [][2]string{{"key", "${filename}"}, {"X-Amz-Credential", cred}, {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Date", ldt}, {"Policy", policy}, {"X-Amz-Signature", sig}}
	content := strings.Repeat("x", 128<<10)

	const boundary = "a8d5c3b1e0f24e6f9b7d"
	var b bytes.Buffer
	for _, fv := range fields {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\nContent-Length: %d\r\n\r\n%s\r\n", boundary, fv[0], len(fv[1]), fv[1])
	}
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file.ext\"\r\nContent-Length: %d\r\nContent-Type: application/octet-stream\r\n\r\n%s\r\n--%s--\r\n", boundary, len(content), content, boundary)
	r := f.do(t, raw{method: "POST", path: "/", host: "forms.localhost", sign: "anon", body: b.Bytes(),
		header: hdr("Content-Type", "multipart/form-data; boundary="+boundary)})
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	got, _ := getBody(t, c, "forms", "file.ext")
	assert.Equal(t, content, got)
}

// TestPitMultipartUploader: features/multipart/s3.feature "Uploading a
// stream" (a 10 MiB + 1024-byte file, seekable or not, concurrency 1 or
// 3). MultipartUploader cuts 5 MiB parts (the last 1024 bytes), sends
// UploadPart with concurrency 3 and CompleteMultipartUpload; the result
// "should contain ObjectURL", which PutObjectUrlMiddleware takes from
// the Location of CompleteMultipartUploadResult.
func TestPitMultipartUploader(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-mpu")
	c := f.client()
	ctx := context.Background()
	body := pattern(10<<20 + 1024)
	key := `GuzzleHttp\Psr7\NoSeekStream3`
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("pit-mpu"), Key: aws.String(key)})
	require.NoError(t, err)
	const part = 5 << 20
	parts := make([]types.CompletedPart, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			end := min((i+1)*part, len(body))
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("pit-mpu"), Key: aws.String(key), UploadId: up.UploadId,
				PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(body[i*part : end])})
			errs[i] = err
			if err == nil {
				parts[i] = types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag}
			}
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("pit-mpu"), Key: aws.String(key), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	require.NotNil(t, done.Location, "ObjectURL is the Location")
	loc, err := url.Parse(aws.ToString(done.Location))
	require.NoError(t, err)
	assert.True(t, loc.IsAbs(), aws.ToString(done.Location))
	got, _ := getBody(t, c, "pit-mpu", key)
	assert.True(t, got == string(body), "the object is the three parts")
}

// pitCopySource is MultipartCopy's x-amz-copy-source: from a string
// source "/bucket/key" each segment of the key goes through PHP's
// urlencode (a space as "+"); from an array source (the way a key with
// "?" is given) the key goes through rawurlencode with "%2F" put back
// as "/"; a source version is appended as ?versionId=.
func pitCopySource(bucket, key, versionID string, array bool) string {
	var enc string
	if array {
		enc = strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
		enc = strings.NewReplacer("+", "%2B", "&", "%26", "=", "%3D", ":", "%3A", "@", "%40", "$", "%24", ",", "%2C", ";", "%3B").Replace(enc)
	} else {
		segs := strings.Split(key, "/")
		for i, s := range segs {
			segs[i] = url.QueryEscape(s)
		}
		enc = strings.Join(segs, "/")
	}
	src := "/" + bucket + "/" + enc
	if versionID != "" {
		src += "?versionId=" + versionID
	}
	return src
}

// TestPitMultipartCopy: features/multipart/s3.feature "Copying a file"
// (the-file and the-?-file, the latter given as source_key and
// source_bucket) and MultipartContext's metadata and versioned
// scenarios. MultipartCopy heads the source, forwards its metadata to
// CreateMultipartUpload (metadata_directive COPY: Metadata,
// CacheControl, ContentDisposition, ContentType), copies each part with
// x-amz-copy-source-range and x-amz-copy-source-if-match of the source's
// ETag, then completes; the copy reads "foo" and HEAD shows the source's
// metadata. In a versioned bucket the original version, named by
// ?versionId= after an overwrite, is the one copied.
func TestPitMultipartCopy(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-copy")
	put := func(key, body string, h http.Header) rawResponse {
		r := f.do(t, raw{method: "PUT", path: "/pit-copy/" + jitEncodePath(key), header: h, body: []byte(body)})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		return r
	}
	copyParts := func(srcKey, dstKey, copySource string, head http.Header) {
		t.Helper()
		h := hdr()
		for _, k := range []string{"Cache-Control", "Content-Disposition", "Content-Type", "x-amz-meta-test-key", "x-amz-meta-another-key"} {
			if v := head.Get(k); v != "" {
				h.Set(k, v)
			}
		}
		c := f.do(t, raw{method: "POST", path: "/pit-copy/" + jitEncodePath(dstKey) + "?uploads", header: h})
		require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
		var up struct{ UploadId string }
		require.NoError(t, xml.Unmarshal(c.body, &up))
		size := head.Get("Content-Length")
		n := 0
		fmt.Sscan(size, &n)
		p := f.do(t, raw{method: "PUT", path: fmt.Sprintf("/pit-copy/%s?partNumber=1&uploadId=%s", jitEncodePath(dstKey), up.UploadId),
			header: hdr("x-amz-copy-source", copySource, "x-amz-copy-source-range", fmt.Sprintf("bytes=0-%d", n-1), "x-amz-copy-source-if-match", head.Get("ETag"))})
		require.Equal(t, http.StatusOK, p.StatusCode, "%s: %s", copySource, p.body)
		var cp struct{ ETag string }
		require.NoError(t, xml.Unmarshal(p.body, &cp))
		doc := fmt.Sprintf("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>", cp.ETag)
		d := f.do(t, raw{method: "POST", path: fmt.Sprintf("/pit-copy/%s?uploadId=%s", jitEncodePath(dstKey), up.UploadId), body: []byte(doc)})
		require.Equal(t, http.StatusOK, d.StatusCode, string(d.body))
		g := f.do(t, raw{method: "GET", path: "/pit-copy/" + jitEncodePath(dstKey)})
		require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
		assert.Equal(t, "foo", string(g.body), srcKey)
	}
	for _, tc := range []struct {
		key   string
		array bool
	}{{"the-file", false}, {"the-?-file", true}, {"dir/the file+x.txt", false}, {"dir/the ?file+&x.txt", true}} {
		put(tc.key, "foo", hdr("x-amz-meta-test-key", "test-value", "x-amz-meta-another-key", "another-value",
			"Cache-Control", "max-age=3600", "Content-Disposition", `attachment; filename="test.txt"`))
		head := f.do(t, raw{method: "HEAD", path: "/pit-copy/" + jitEncodePath(tc.key)})
		require.Equal(t, http.StatusOK, head.StatusCode)
		copyParts(tc.key, tc.key+"-copy", pitCopySource("pit-copy", tc.key, "", tc.array), head.Header)
		dst := f.do(t, raw{method: "HEAD", path: "/pit-copy/" + jitEncodePath(tc.key+"-copy")})
		for _, k := range []string{"x-amz-meta-test-key", "x-amz-meta-another-key", "Cache-Control", "Content-Disposition"} {
			assert.Equal(t, head.Header.Get(k), dst.Header.Get(k), "%s %s", tc.key, k)
		}
	}

	r := f.do(t, raw{method: "PUT", path: "/pit-copy?versioning", body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	first := put("v.txt", "foo", nil)
	v1 := first.Header.Get("x-amz-version-id")
	require.NotEmpty(t, v1, "a versioned PUT answers its VersionId")
	put("v.txt", "bar", nil)
	head := f.do(t, raw{method: "HEAD", path: "/pit-copy/v.txt?versionId=" + url.QueryEscape(v1)})
	require.Equal(t, http.StatusOK, head.StatusCode)
	copyParts("v.txt", "v.txt-copy", pitCopySource("pit-copy", "v.txt", v1, true), head.Header)
}

// TestPitStreamWrapper: tests/Integ/S3StreamWrapperTest and
// NativeStreamContext, as StreamWrapper.php turns them into requests.
// mkdir("s3://b/subdir") (mode 0777, so ACL public-read) heads
// "subdir/" and puts it empty; is_dir on "s3://b/subdir" heads
// "subdir" (404), then lists Prefix "subdir/" MaxKeys 1 and finds it;
// is_dir on the bucket is HeadBucket; is_dir and is_file on a bucket
// that does not exist are a 404 HEAD and a 404 NoSuchBucket listing;
// file_put_contents is PutObject, fopen "r" a GET whose Content-Length
// gives fstat's size; scandir("s3://b/empty/") lists Delimiter "/"
// Prefix "empty/" and S3 answers the placeholder "empty/" and
// "empty/bar" (the wrapper drops the placeholder: ['bar']); rename is
// CopyObject with MetadataDirective COPY and the whole source key through
// rawurlencode ("/" as %2F), then DeleteObject; rmdir lists Prefix
// "subdir/" MaxKeys 1 and deletes the placeholder; a read with
// ?versionId= reads that version; unlink is DeleteObject and the file no
// longer exists.
func TestPitStreamWrapper(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "HEAD", path: "/pit-stream"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	r = f.do(t, raw{method: "PUT", path: "/pit-stream", header: hdr("x-amz-acl", "public-read")})
	require.Equal(t, http.StatusOK, r.StatusCode, "mkdir s3://bucket: "+string(r.body))

	r = f.do(t, raw{method: "HEAD", path: "/pit-stream/subdir/"})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	r = f.do(t, raw{method: "PUT", path: "/pit-stream/subdir/", header: hdr("x-amz-acl", "public-read"), body: []byte{}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "HEAD", path: "/pit-stream/subdir"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	var list struct {
		Contents       []struct{ Key string }
		CommonPrefixes []struct{ Prefix string }
	}
	r = f.do(t, raw{method: "GET", path: "/pit-stream?max-keys=1&prefix=subdir%2F"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NoError(t, xml.Unmarshal(r.body, &list))
	require.Len(t, list.Contents, 1)
	assert.Equal(t, "subdir/", list.Contents[0].Key)
	r = f.do(t, raw{method: "HEAD", path: "/pit-stream/subdir/"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "0", r.Header.Get("Content-Length"), "a zero-byte \"/\" key is a directory")

	assert.Equal(t, http.StatusOK, f.do(t, raw{method: "HEAD", path: "/pit-stream"}).StatusCode)
	assert.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/wefwefwepit-stream"}).StatusCode)
	assert.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/wefwefwepit-stream/wefweewegr"}).StatusCode)
	r = f.do(t, raw{method: "GET", path: "/wefwefwepit-stream?max-keys=1&prefix=wefweewegr%2F"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	assert.Equal(t, "NoSuchBucket", r.errCode())

	r = f.do(t, raw{method: "PUT", path: "/pit-stream/stream", body: []byte("testing")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/pit-stream/stream"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "7", r.Header.Get("Content-Length"))
	assert.Equal(t, "testing", string(r.body))

	require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/pit-stream/empty/", body: []byte{}}).StatusCode)
	require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/pit-stream/empty/bar", body: []byte("hello")}).StatusCode)
	list.Contents, list.CommonPrefixes = nil, nil
	r = f.do(t, raw{method: "GET", path: "/pit-stream?delimiter=%2F&prefix=empty%2F"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NoError(t, xml.Unmarshal(r.body, &list))
	var keys []string
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	assert.Equal(t, []string{"empty/", "empty/bar"}, keys)
	assert.Empty(t, list.CommonPrefixes)

	require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/pit-stream/dir/a%20b.txt", header: hdr("Content-Type", "text/plain", "x-amz-meta-k", "v"), body: []byte("moved")}).StatusCode)
	r = f.do(t, raw{method: "PUT", path: "/pit-stream/dir/c%20d.txt", header: hdr("x-amz-copy-source", "/pit-stream/dir%2Fa%20b.txt", "x-amz-metadata-directive", "COPY")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/pit-stream/dir/a%20b.txt"}).StatusCode)
	r = f.do(t, raw{method: "GET", path: "/pit-stream/dir/c%20d.txt"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "moved", string(r.body))
	assert.Equal(t, "v", r.Header.Get("x-amz-meta-k"))
	assert.Equal(t, "text/plain", r.Header.Get("Content-Type"))

	list.Contents, list.CommonPrefixes = nil, nil
	r = f.do(t, raw{method: "GET", path: "/pit-stream?max-keys=1&prefix=subdir%2F"})
	require.NoError(t, xml.Unmarshal(r.body, &list))
	require.Len(t, list.Contents, 1)
	require.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/pit-stream/subdir/"}).StatusCode)
	assert.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/pit-stream/subdir/"}).StatusCode)

	r = f.do(t, raw{method: "PUT", path: "/pit-stream?versioning", body: []byte(`<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	v1 := f.do(t, raw{method: "PUT", path: "/pit-stream/ver", body: []byte("first")}).Header.Get("x-amz-version-id")
	require.NotEmpty(t, v1)
	require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/pit-stream/ver", body: []byte("second")}).StatusCode)
	r = f.do(t, raw{method: "GET", path: "/pit-stream/ver?versionId=" + url.QueryEscape(v1)})
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "first", string(r.body))

	require.Equal(t, http.StatusNoContent, f.do(t, raw{method: "DELETE", path: "/pit-stream/stream"}).StatusCode)
	assert.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/pit-stream/stream"}).StatusCode)
}

// TestPitBucketKey: features/s3/bucketKey.feature. A PutObject with
// ServerSideEncryption aws:kms and BucketKeyEnabled true; HeadObject
// reports BucketKeyEnabled true ("I can verify Bucket Key is enabled at
// the object level").
func TestPitBucketKey(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-bucketkey")
	r := f.do(t, raw{method: "PUT", path: "/pit-bucketkey/k", body: []byte("data"),
		header: hdr("x-amz-server-side-encryption", "aws:kms", "x-amz-server-side-encryption-bucket-key-enabled", "true")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "true", r.Header.Get("x-amz-server-side-encryption-bucket-key-enabled"))
	h, err := f.client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("pit-bucketkey"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, types.ServerSideEncryptionAwsKms, h.ServerSideEncryption)
	assert.True(t, aws.ToBool(h.BucketKeyEnabled))
}

// TestPitListObjectsURLDecoded: S3Client's EncodingType middleware
// sends every ListObjects (v1: deleteMatchingObjects, BatchDelete, the
// stream wrapper's opendir and url_stat) with encoding-type=url and runs
// PHP's urldecode ("+" is a space) over Delimiter, Marker, NextMarker,
// Prefix, Contents/Key and CommonPrefixes/Prefix. Each of those fields
// must come back encoded, a "+" as %2B, so the decoding gives the value
// itself.
func TestPitListObjectsURLDecoded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-list")
	keys := []string{"a+b c/one", "a+b c/two", "x&y=z é+", "z plus+/k"}
	for _, k := range keys {
		require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/pit-list/" + jitEncodePath(k), body: []byte("x")}).StatusCode)
	}
	var out struct {
		Prefix, Marker, NextMarker, Delimiter, EncodingType string
		IsTruncated                                         bool
		Contents                                            []struct{ Key string }
		CommonPrefixes                                      []struct{ Prefix string }
	}
	dec := func(s string) string {
		d, err := url.QueryUnescape(s)
		require.NoError(t, err, s)
		return d
	}
	r := f.do(t, raw{method: "GET", path: "/pit-list?delimiter=%26&encoding-type=url&marker=a%2Bb%20c%2Fone&max-keys=1"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NoError(t, xml.Unmarshal(r.body, &out))
	assert.Equal(t, "url", out.EncodingType)
	assert.Equal(t, "&", dec(out.Delimiter), "Delimiter %q", out.Delimiter)
	assert.Equal(t, "a+b c/one", dec(out.Marker), "Marker %q", out.Marker)
	require.Len(t, out.Contents, 1)
	assert.Equal(t, "a+b c/two", dec(out.Contents[0].Key), "Key %q", out.Contents[0].Key)
	require.True(t, out.IsTruncated)

	out.Contents, out.CommonPrefixes = nil, nil
	r = f.do(t, raw{method: "GET", path: "/pit-list?delimiter=%2F&encoding-type=url&prefix=z%20plus%2B"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NoError(t, xml.Unmarshal(r.body, &out))
	assert.Equal(t, "z plus+", dec(out.Prefix), "Prefix %q", out.Prefix)
	assert.Equal(t, "/", dec(out.Delimiter))
	require.Len(t, out.CommonPrefixes, 1)
	assert.Equal(t, "z plus+/", dec(out.CommonPrefixes[0].Prefix), "CommonPrefix %q", out.CommonPrefixes[0].Prefix)

	out.Contents, out.CommonPrefixes = nil, nil
	r = f.do(t, raw{method: "GET", path: "/pit-list?delimiter=%2F&encoding-type=url&max-keys=2"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.NoError(t, xml.Unmarshal(r.body, &out))
	require.True(t, out.IsTruncated)
	require.NotEmpty(t, out.NextMarker, "with a delimiter S3 answers NextMarker")
	assert.Equal(t, "x&y=z é+", dec(out.NextMarker), "NextMarker %q", out.NextMarker)
}

// TestPitAmbiguousSuccessBodies: AmbiguousSuccessParser runs the error
// parser over every 200 answer to UploadPart, UploadPartCopy, CopyObject
// and CompleteMultipartUpload; a body with Code and Message, or one that
// is not XML (ParserException, "An error connecting to the service
// occurred"), is a retried connection error. UploadPart's 200 is empty
// and the others' are XML from the first byte.
func TestPitAmbiguousSuccessBodies(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-amb")
	xmlFromStart := func(what string, r rawResponse) {
		t.Helper()
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", what, r.body)
		assert.True(t, bytes.HasPrefix(r.body, []byte("<?xml")), "%s: %q", what, r.body)
		var e struct{ XMLName xml.Name }
		require.NoError(t, xml.Unmarshal(r.body, &e), what)
		assert.NotEqual(t, "Error", e.XMLName.Local, what)
	}
	require.Equal(t, http.StatusOK, f.do(t, raw{method: "PUT", path: "/pit-amb/src", body: pattern(6 << 20)}).StatusCode)
	xmlFromStart("CopyObject", f.do(t, raw{method: "PUT", path: "/pit-amb/dst", header: hdr("x-amz-copy-source", "/pit-amb/src")}))
	c := f.do(t, raw{method: "POST", path: "/pit-amb/mpu?uploads"})
	var up struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(c.body, &up))
	p := f.do(t, raw{method: "PUT", path: "/pit-amb/mpu?partNumber=1&uploadId=" + up.UploadId, body: pattern(5 << 20)})
	require.Equal(t, http.StatusOK, p.StatusCode, string(p.body))
	assert.Empty(t, p.body, "UploadPart answers no body")
	pc := f.do(t, raw{method: "PUT", path: "/pit-amb/mpu?partNumber=2&uploadId=" + up.UploadId, header: hdr("x-amz-copy-source", "/pit-amb/src", "x-amz-copy-source-range", "bytes=0-1023")})
	xmlFromStart("UploadPartCopy", pc)
	var cp struct{ ETag string }
	require.NoError(t, xml.Unmarshal(pc.body, &cp))
	doc := fmt.Sprintf("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part><Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>", p.Header.Get("ETag"), cp.ETag)
	xmlFromStart("CompleteMultipartUpload", f.do(t, raw{method: "POST", path: "/pit-amb/mpu?uploadId=" + up.UploadId, body: []byte(doc)}))
}

// TestPitFullObjectChecksum: features/s3Transfer/s3TransferManager.feature
// "Multipart upload with custom checksum": S3TransferManager uploads a
// file of "*" (10 MiB, 15 MiB, 7 MiB; multipart past 5 MiB, 8 MiB parts)
// with the caller's ChecksumCRC32 of the whole file. It sends
// CreateMultipartUpload with x-amz-checksum-algorithm CRC32 and
// x-amz-checksum-type FULL_OBJECT, each part with its CRC32, and
// CompleteMultipartUpload with the whole file's x-amz-checksum-crc32,
// FULL_OBJECT and x-amz-mp-object-size (MpuObjectSize); S3's
// GetObjectAttributes then answers Checksum/ChecksumCRC32 equal to the
// recorded values (vMU7HA==, gjLQ1Q==, CKbfZQ==).
func TestPitFullObjectChecksum(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-full")
	const partSize = 8 << 20
	for _, tc := range []struct {
		size int
		crc  string
	}{{10485760, "vMU7HA=="}, {15728640, "gjLQ1Q=="}, {7340032, "CKbfZQ=="}} {
		key := fmt.Sprintf("myfile-%d", tc.size)
		body := bytes.Repeat([]byte("*"), tc.size)
		require.Equal(t, tc.crc, jitCRC32(body), "the recorded checksum is the file's CRC32")
		c := f.do(t, raw{method: "POST", path: "/pit-full/" + key + "?uploads", header: hdr("x-amz-checksum-algorithm", "CRC32", "x-amz-checksum-type", "FULL_OBJECT")})
		require.Equal(t, http.StatusOK, c.StatusCode, string(c.body))
		var up struct{ UploadId string }
		require.NoError(t, xml.Unmarshal(c.body, &up))
		var doc strings.Builder
		doc.WriteString("<CompleteMultipartUpload>")
		for n, off := 1, 0; off < len(body); n, off = n+1, off+partSize {
			part := body[off:min(off+partSize, len(body))]
			p := f.do(t, nitCRC32(raw{method: "PUT", path: fmt.Sprintf("/pit-full/%s?partNumber=%d&uploadId=%s", key, n, up.UploadId), body: part}))
			require.Equal(t, http.StatusOK, p.StatusCode, string(p.body))
			fmt.Fprintf(&doc, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag><ChecksumCRC32>%s</ChecksumCRC32></Part>", n, p.Header.Get("ETag"), jitCRC32(part))
		}
		doc.WriteString("</CompleteMultipartUpload>")
		d := f.do(t, raw{method: "POST", path: "/pit-full/" + key + "?uploadId=" + up.UploadId, body: []byte(doc.String()),
			header: hdr("x-amz-checksum-crc32", tc.crc, "x-amz-checksum-type", "FULL_OBJECT", "x-amz-mp-object-size", fmt.Sprint(tc.size))})
		require.Equal(t, http.StatusOK, d.StatusCode, string(d.body))
		a := f.do(t, raw{method: "GET", path: "/pit-full/" + key + "?attributes", header: hdr("x-amz-object-attributes", "Checksum")})
		require.Equal(t, http.StatusOK, a.StatusCode, string(a.body))
		var attrs struct {
			Checksum struct{ ChecksumCRC32, ChecksumType string }
		}
		require.NoError(t, xml.Unmarshal(a.body, &attrs))
		assert.Equal(t, tc.crc, attrs.Checksum.ChecksumCRC32, "%d: %s", tc.size, a.body)
		assert.Equal(t, "FULL_OBJECT", attrs.Checksum.ChecksumType)
	}
}

// TestPitBucketLocationParser: GetBucketLocationParser reads the region
// with preg_match('/>(.+?)<\/LocationConstraint>/') over the raw body
// ("." stops at a newline) and takes us-east-1 when nothing matches. The
// body must keep the XML declaration on its own line (or the match
// would start at its "?>") and answer an empty LocationConstraint for
// us-east-1.
func TestPitBucketLocationParser(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	re := regexp.MustCompile(`>(.+?)</LocationConstraint>`)
	seedBucket(t, f, "pit-east")
	r := f.do(t, raw{method: "PUT", path: "/pit-west", body: []byte(`<CreateBucketConfiguration><LocationConstraint>us-west-2</LocationConstraint></CreateBucketConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	for bucket, want := range map[string]string{"pit-east": "", "pit-west": "us-west-2"} {
		r := f.do(t, raw{method: "GET", path: "/" + bucket + "?location"})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		got := ""
		if m := re.FindSubmatch(r.body); m != nil {
			got = string(m[1])
		}
		assert.Equal(t, want, got, "%s: %q", bucket, r.body)
	}
}

// TestPitPresignedContentSHA256: createPresignedRequest of a PutObject
// with ContentSHA256 set to the body's hash moves it into the query
// (X-Amz-Content-Sha256=<hash>) but signs UNSIGNED-PAYLOAD as the
// payload line (S3SignatureV4::getPresignedPayload; aws/aws-sdk-php#1392
// and #1581), and S3 takes the URL (minio/mint#216: "Presigned PUT URL
// with invalid ContentSha256 completes successfully on AWS S3"). osslite
// answered SignatureDoesNotMatch. The parameter stays signed and the
// body is still checked against it (S3 does not check it: listed in
// docs/sdk-suites.md).
func TestPitPresignedContentSHA256(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-sha")
	body := []byte("xxx_yyy_zzz")
	u := nitPresign(t, f, "PUT", "/pit-sha/k", url.Values{"X-Amz-Content-Sha256": {hexSHA256(body)}}, nil, time.Hour)
	r := f.do(t, raw{method: "PUT", path: u, sign: "anon", body: body})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g := f.do(t, raw{method: "GET", path: "/pit-sha/k"})
	assert.Equal(t, body, g.body)

	r = f.do(t, raw{method: "PUT", path: u, sign: "anon", body: []byte("another body")})
	assert.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Equal(t, "XAmzContentSHA256Mismatch", r.errCode())
	g = f.do(t, raw{method: "GET", path: "/pit-sha/k"})
	assert.Equal(t, body, g.body, "the mismatching body was not stored")

	bad := strings.Replace(u, "X-Amz-Content-Sha256="+hexSHA256(body), "X-Amz-Content-Sha256="+hexSHA256([]byte("another body")), 1)
	r = f.do(t, raw{method: "PUT", path: bad, sign: "anon", body: []byte("another body")})
	assert.Equal(t, http.StatusForbidden, r.StatusCode, "the parameter is signed: %s", r.body)
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())
}

// TestPitMultipartCopyAnnotations: MultipartContext's annotations
// scenarios (annotations_directive COPY). MultipartCopy lists the
// source's annotations, reads each, copies the object, then puts each on
// the destination with ObjectIfMatch (x-amz-object-if-match) set to
// CompleteMultipartUpload's ETag; the destination then lists the same
// names and payloads. An ObjectIfMatch the destination no longer has is
// refused.
func TestPitMultipartCopyAnnotations(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "pit-annot")
	c, ctx := f.client(), context.Background()
	b := aws.String("pit-annot")
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("src"), Body: strings.NewReader("foo")})
	require.NoError(t, err)
	want := map[string]string{"ml.labels": "cat,dog", "review": `{"ok":true}`}
	for n, p := range want {
		_, err := c.PutObjectAnnotation(ctx, &s3.PutObjectAnnotationInput{Bucket: b, Key: aws.String("src"), AnnotationName: aws.String(n), AnnotationPayload: strings.NewReader(p)})
		require.NoError(t, err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("src")})
	require.NoError(t, err)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("src-copy")})
	require.NoError(t, err)
	pc, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("src-copy"), UploadId: up.UploadId, PartNumber: aws.Int32(1),
		CopySource: aws.String("/pit-annot/src"), CopySourceRange: aws.String("bytes=0-2"), CopySourceIfMatch: head.ETag})
	require.NoError(t, err)
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("src-copy"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: pc.CopyPartResult.ETag}}}})
	require.NoError(t, err)

	list, err := c.ListObjectAnnotations(ctx, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("src")})
	require.NoError(t, err)
	require.Len(t, list.Annotations, len(want))
	for _, e := range list.Annotations {
		got, err := c.GetObjectAnnotation(ctx, &s3.GetObjectAnnotationInput{Bucket: b, Key: aws.String("src"), AnnotationName: e.AnnotationName})
		require.NoError(t, err)
		var payload bytes.Buffer
		_, err = payload.ReadFrom(got.AnnotationPayload)
		got.AnnotationPayload.Close()
		require.NoError(t, err)
		_, err = c.PutObjectAnnotation(ctx, &s3.PutObjectAnnotationInput{Bucket: b, Key: aws.String("src-copy"), AnnotationName: e.AnnotationName,
			AnnotationPayload: bytes.NewReader(payload.Bytes()), ObjectIfMatch: done.ETag})
		require.NoError(t, err, aws.ToString(e.AnnotationName))
	}
	dst, err := c.ListObjectAnnotations(ctx, &s3.ListObjectAnnotationsInput{Bucket: b, Key: aws.String("src-copy")})
	require.NoError(t, err)
	got := map[string]string{}
	for _, e := range dst.Annotations {
		o, err := c.GetObjectAnnotation(ctx, &s3.GetObjectAnnotationInput{Bucket: b, Key: aws.String("src-copy"), AnnotationName: e.AnnotationName})
		require.NoError(t, err)
		var payload bytes.Buffer
		_, err = payload.ReadFrom(o.AnnotationPayload)
		o.AnnotationPayload.Close()
		require.NoError(t, err)
		got[aws.ToString(e.AnnotationName)] = payload.String()
	}
	assert.Equal(t, want, got)

	_, err = c.PutObjectAnnotation(ctx, &s3.PutObjectAnnotationInput{Bucket: b, Key: aws.String("src-copy"), AnnotationName: aws.String("late"),
		AnnotationPayload: strings.NewReader("x"), ObjectIfMatch: head.ETag})
	require.Error(t, err, "an ObjectIfMatch the destination does not have")
	r := f.do(t, raw{method: "PUT", path: "/pit-annot/src-copy?annotation&annotationName=late", header: hdr("x-amz-object-if-match", aws.ToString(head.ETag)), body: []byte("x")})
	assert.Equal(t, http.StatusPreconditionFailed, r.StatusCode, string(r.body))
}
