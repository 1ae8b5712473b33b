package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestRev37bListingsRacingWrites lists a bucket from several goroutines
// while others overwrite its keys, under -race: each listing page reuses
// a pooled ObjectInfo buffer no longer cleared on release, decodes
// records into it in place and cuts keys and ETags from shared blocks
// (list37). Every entry must be one whole object as written: a body of n
// bytes "x" has size n, that body's MD5 as its ETag and a storage class
// of n's own (STANDARD_IA for a multiple of 3, else STANDARD, which the
// record does not store), so a field left
// from another entry or page, or a string whose bytes were written after
// it was made, shows as a mismatch.
func TestRev37bListingsRacingWrites(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("race37b")})
	require.NoError(t, err)
	etagOf := func(n int) string {
		sum := md5.Sum([]byte(strings.Repeat("x", n)))
		return `"` + hex.EncodeToString(sum[:]) + `"`
	}
	classOf := func(n int) types.StorageClass { // a class of n's own; STANDARD is not stored
		if n%3 == 0 {
			return types.StorageClassStandardIa
		}
		return types.StorageClassStandard
	}
	put := func(key string, n int) error {
		in := &s3.PutObjectInput{Bucket: aws.String("race37b"), Key: aws.String(key), Body: strings.NewReader(strings.Repeat("x", n))}
		if n%3 == 0 {
			in.StorageClass = classOf(n)
		}
		_, err := c.PutObject(ctx, in)
		return err
	}
	for i := range 300 {
		require.NoError(t, put(fmt.Sprintf("d%d/k%03d", i%3, i), i%17))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 150 {
				i := (j*7 + w*131) % 300
				if err := put(fmt.Sprintf("d%d/k%03d", i%3, i), (i+j)%40); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for l := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				in := &s3.ListObjectsV2Input{Bucket: aws.String("race37b"), MaxKeys: aws.Int32(int32(50 + 97*((j+l)%3)))}
				if l%2 == 1 {
					in.Prefix = aws.String(fmt.Sprintf("d%d/", j%3))
				}
				out, err := c.ListObjectsV2(ctx, in)
				if err != nil {
					errs <- err
					return
				}
				for _, o := range out.Contents {
					if want := etagOf(int(aws.ToInt64(o.Size))); aws.ToString(o.ETag) != want {
						errs <- fmt.Errorf("%s: size %d with ETag %s, want %s", aws.ToString(o.Key), aws.ToInt64(o.Size), aws.ToString(o.ETag), want)
						return
					}
					if want := classOf(int(aws.ToInt64(o.Size))); string(o.StorageClass) != string(want) {
						errs <- fmt.Errorf("%s: size %d in class %s, want %s", aws.ToString(o.Key), aws.ToInt64(o.Size), o.StorageClass, want)
						return
					}
					if in.Prefix != nil && !strings.HasPrefix(aws.ToString(o.Key), *in.Prefix) {
						errs <- fmt.Errorf("%s listed under %s", aws.ToString(o.Key), *in.Prefix)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestRev37bWatermarkArchivedTargetDecided: an OSS image watermark
// (image/watermark,image_KEY) is read from another object of the bucket,
// decided on the key (canRead) and then on the object opened and,
// through a symlink, its target (canReadObject, canReadTarget). An open
// that failed because the target was archived (not restored) was
// answered InvalidObjectState before either: another account that may
// read the image and the link learnt that the link's private target
// exists and is archived, where a private target that is not archived
// is AccessDenied. The failure's object is decided first (decideJudged,
// as rev37 did for the image itself); a readable archived target keeps
// InvalidObjectState.
func TestRev37bWatermarkArchivedTargetDecided(t *testing.T) {
	f, _ := linkFixture(t, "wm37b", "not an image", "GLACIER")
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	_, err := f.eng.PutObject(context.Background(), "wm37b", "cat.png", bytes.NewReader(buf.Bytes()), int64(buf.Len()),
		engine.PutOptions{ACL: engine.ACL{Canned: "public-read"}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	mark := func(key string) rawResponse {
		return f.do(t, sec34Other(raw{method: "GET", sign: "oss-v1",
			path: "/wm37b/cat.png?x-oss-process=image/watermark,image_" + base64.RawURLEncoding.EncodeToString([]byte(key))}))
	}
	res := mark("link")
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s", res.body)
	assert.Equal(t, "AccessDenied", res.errCode(), "%s", res.body)
	res = mark("publink")
	assert.Equal(t, "InvalidObjectState", res.errCode(), "the readable target's state: %s", res.body)
}

// TestRev37bWebsiteErrorDocumentArchivedTargetDecided: a website's
// error document that is an OSS symlink (readable by anyone) to a
// private target is not served, and the page names why (S3's "An Error
// Occurred While Attempting to Retrieve a Custom Error Document": the
// code). A private target not archived is AccessDenied (canReadTarget);
// one archived was InvalidObjectState, decided on the link alone,
// telling every visitor that the private target is there and archived.
// The failure's object (through the link, its target) is decided first;
// a public archived target keeps InvalidObjectState.
func TestRev37bWebsiteErrorDocumentArchivedTargetDecided(t *testing.T) {
	f, get := websiteFixture(t, testWebsiteDoc)
	ctx := context.Background()
	base := "http://site.s3-website.test" + f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	page := func(target, canned, class string) string {
		_, err := f.eng.PutObject(ctx, "site", target, strings.NewReader("page"), 4,
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), StorageClass: class})
		require.NoError(t, err)
		_, err = f.eng.PutSymlink(ctx, "site", "404.html", target, engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
			Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
		resp := get("GET", base+"/nothere")
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		return string(resp.body)
	}
	require.Contains(t, page("plain.html", "private", ""), "AccessDenied")
	body := page("deep.html", "private", "GLACIER")
	assert.Contains(t, body, "AccessDenied", "%s", body)
	assert.NotContains(t, body, "InvalidObjectState", "%s", body)
	body = page("pubdeep.html", "public-read", "GLACIER")
	assert.Contains(t, body, "InvalidObjectState", "a readable target's state: %s", body)
}

// TestRev37bHeadArchivedJudgesConditions: a HEAD of an archived object
// that is not restored answers its metadata (200, with its storage
// class) as S3 and OSS do, and its If-Match, If-None-Match and dates are
// judged on that metadata as on any object's (HeadObject: 412, 304).
// They were ignored: every conditional HEAD of an archived object was
// 200. A GET stays refused (InvalidObjectState) whatever its conditions.
func TestRev37bHeadArchivedJudgesConditions(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/arch37b"}).errOrNil())
	info, err := f.eng.PutObject(context.Background(), "arch37b", "k", strings.NewReader("tape"), 4,
		engine.PutOptions{StorageClass: "GLACIER", Owner: canonicalID(testAK)})
	require.NoError(t, err)
	etag := `"` + info.ETag + `"`
	for _, tc := range []struct {
		header []string
		status int
	}{
		{nil, http.StatusOK},
		{[]string{"If-Match", etag}, http.StatusOK},
		{[]string{"If-Match", `"other"`}, http.StatusPreconditionFailed},
		{[]string{"If-None-Match", etag}, http.StatusNotModified},
		{[]string{"If-None-Match", `"other"`}, http.StatusOK},
		{[]string{"If-Modified-Since", info.LastModified.UTC().Format(http.TimeFormat)}, http.StatusNotModified},
		{[]string{"If-Unmodified-Since", info.LastModified.Add(-time.Hour).UTC().Format(http.TimeFormat)}, http.StatusPreconditionFailed},
	} {
		res := f.do(t, raw{method: "HEAD", path: "/arch37b/k", header: hdr(tc.header...)})
		assert.Equal(t, tc.status, res.StatusCode, "HEAD %v", tc.header)
		if tc.status == http.StatusOK {
			assert.Equal(t, "GLACIER", res.Header.Get("X-Amz-Storage-Class"), "HEAD %v", tc.header)
		}
		res = f.do(t, raw{method: "GET", path: "/arch37b/k", header: hdr(tc.header...)})
		assert.Equal(t, "InvalidObjectState", res.errCode(), "GET %v: %s", tc.header, res.body)
	}
}
