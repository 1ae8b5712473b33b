package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// TestLink36ReadsThroughLinkRacingPrivateTarget: a read through an OSS
// symlink serves its target's bytes, size and ETag, so the caller's read
// of the target is decided too (canReadTarget). It was decided on the
// target read again after the body was opened: the bucket owner
// overwriting a public-read target with a private one, and back, while
// others read through a public-read link, had the private target served
// whenever the decision read the public one. Now the decision is made on
// the target the engine opened (engine.ObjectInfo.LinkTarget). Readers:
// anonymous S3 GET and HEAD, and another account's OSS GET and its
// conditional GET (served only when the target is the private one). A
// 416 to a range past the end, or a part the object does not have, tells
// the size or part count of the object judged; it was answered before
// any decision on that object: the private target's size, through the
// link and by the target's own key racing the overwrite (now the
// object judged is decided first, engine.RangeError.Info,
// PartNumberError.Info). Timing-dependent, as
// TestRev35bWebsiteRedirectRacingPrivateOverwrite.
func TestLink36ReadsThroughLinkRacingPrivateTarget(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/lnk36"}).errOrNil())
	_, err := f.eng.PutSymlink(ctx, "lnk36", "link", "target", engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
		Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	put := func(body, canned string) engine.ObjectInfo {
		info, err := f.eng.PutObject(ctx, "lnk36", "target", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
		return info
	}
	secretETag := put("THE OWNER'S SECRET", "private").ETag
	put("public", "public-read")
	keepFlipping(t, func() {
		put("THE OWNER'S SECRET", "private")
		put("public", "public-read")
	})
	type read struct {
		name string
		q    raw
	}
	reads := []read{
		{"S3 GET (anonymous)", raw{method: "GET", path: "/lnk36/link", sign: "anon"}},
		{"S3 HEAD (anonymous)", raw{method: "HEAD", path: "/lnk36/link", sign: "anon"}},
		{"OSS GET (another account)", raw{method: "GET", path: "/lnk36/link", sign: "oss-v1", ak: otherAK, sk: otherSK}},
		{"OSS conditional GET (another account)", raw{method: "GET", path: "/lnk36/link", sign: "oss-v1", ak: otherAK, sk: otherSK,
			header: hdr("If-None-Match", `"nothing"`, "If-Match", `"`+secretETag+`"`)}},
		{"S3 GET of a range past the end (anonymous)", raw{method: "GET", path: "/lnk36/link", sign: "anon", header: hdr("Range", "bytes=100-")}},
		{"S3 GET of the target, a range past the end (anonymous)", raw{method: "GET", path: "/lnk36/target", sign: "anon", header: hdr("Range", "bytes=100-")}},
	}
	// A 416 tells the size of the object judged: 18 is the private one's.
	secretSize := func(res rawResponse) bool {
		return strings.Contains(string(res.body), "<ActualObjectSize>18<") || strings.HasSuffix(res.Header.Get("Content-Range"), "/18")
	}
	n := 4000
	if testing.Short() {
		n = 1000
	}
	served, leaked := map[string]int{}, map[string]int{}
	for i := range n {
		r := reads[i%len(reads)]
		res := f.do(t, r.q)
		switch res.StatusCode {
		case http.StatusOK, http.StatusNotModified:
			served[r.name]++
			if strings.Contains(string(res.body), "SECRET") || strings.Contains(res.Header.Get("ETag"), secretETag) {
				leaked[r.name]++
			}
		case http.StatusRequestedRangeNotSatisfiable:
			served[r.name]++
			if secretSize(res) {
				leaked[r.name]++
			}
		case http.StatusForbidden, http.StatusPreconditionFailed:
		default:
			t.Fatalf("%s: status %d: %s", r.name, res.StatusCode, res.body)
		}
	}
	for _, r := range reads {
		t.Logf("%s: %d served, %d of them the private target's", r.name, served[r.name], leaked[r.name])
		assert.Zero(t, leaked[r.name], "%s served the private target through the link", r.name)
	}
	for i, r := range reads {
		if i != 3 { // the conditional GET is served only the private target, never now
			assert.Positive(t, served[r.name], "%s: the public target is served", r.name)
		}
	}
}

// TestLink36UnsatisfiableReadThroughLinkDecidesTheTarget: a 416 to a read
// through a link tells its target's size (ActualObjectSize, Content-Range)
// or part count, and was answered without deciding the target's read:
// anyone who could read a public-read link learnt the size of the
// private object it names. It is now AccessDenied, as the link's GET is;
// a readable target still gets its 416.
func TestLink36UnsatisfiableReadThroughLinkDecidesTheTarget(t *testing.T) {
	f, _ := linkFixture(t, "lnk36", "24 bytes of the object..", "")
	for _, q := range []raw{
		{method: "GET", path: "/lnk36/link", sign: "anon", header: hdr("Range", "bytes=1000-2000")},
		{method: "GET", path: "/lnk36/link?partNumber=3", sign: "anon"},
		{method: "HEAD", path: "/lnk36/link?partNumber=3", sign: "anon"},
		{method: "GET", path: "/lnk36/link", sign: "sina", ak: otherAK, sk: otherSK, header: hdr("Range", "bytes=1000-2000")},
	} {
		res := f.do(t, q)
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s %s %v: %s %s", q.method, q.path, q.header, res.Header, res.body)
		assert.NotContains(t, string(res.body), "ActualObjectSize", "the private target's size")
		assert.Empty(t, res.Header.Get("Content-Range"), "the private target's size")
	}
	res := f.do(t, raw{method: "GET", path: "/lnk36/publink", sign: "anon", header: hdr("Range", "bytes=1000-2000")})
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.StatusCode, "%s", res.body)
	assert.Contains(t, string(res.body), "<ActualObjectSize>24</ActualObjectSize>")
	res = f.do(t, raw{method: "GET", path: "/lnk36/publink?partNumber=3", sign: "anon"})
	assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.StatusCode, "%s", res.body)
	assert.Equal(t, "InvalidPartNumber", res.errCode())
}

// TestLink36TargetOverwrittenBeforeDecision holds the window of
// TestLink36ReadsThroughLinkRacingPrivateTarget open deterministically:
// each read through the public-read link opens the private target, and
// the target is overwritten with a public-read one after the open and
// before the target's read is decided (httpapi.WithTargetOpened). The
// decision must be the opened target's: 403, never the private bytes,
// ETag or size (before: the public one read again decided, and the
// private one was served).
func TestLink36TargetOverwrittenBeforeDecision(t *testing.T) {
	var eng *engine.Engine
	var armed atomic.Bool
	ctx := context.Background()
	put := func(body, canned string) engine.ObjectInfo {
		info, err := eng.PutObject(ctx, "lnk36", "target", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
		return info
	}
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithTargetOpened(func(_, target string) {
		if target == "target" && armed.CompareAndSwap(true, false) {
			put("public", "public-read")
		}
	})}})
	eng = f.eng
	must(t, f.do(t, raw{method: "PUT", path: "/lnk36"}).errOrNil())
	_, err := f.eng.PutSymlink(ctx, "lnk36", "link", "target", engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
		Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	secretETag := put("THE OWNER'S SECRET", "private").ETag
	for _, q := range []raw{
		{method: "GET", path: "/lnk36/link", sign: "anon"},
		{method: "HEAD", path: "/lnk36/link", sign: "anon"},
		{method: "GET", path: "/lnk36/link", sign: "oss-v1", ak: otherAK, sk: otherSK},
		{method: "GET", path: "/lnk36/link", sign: "sina", ak: otherAK, sk: otherSK},
		{method: "GET", path: "/lnk36/link", sign: "anon", header: hdr("If-Match", `"`+secretETag+`"`)},
		{method: "GET", path: "/lnk36/link", sign: "anon", header: hdr("Range", "bytes=100-")},
		{method: "GET", path: "/lnk36/link?attributes", sign: "anon", header: hdr("X-Amz-Object-Attributes", "ETag,ObjectSize")},
	} {
		put("THE OWNER'S SECRET", "private")
		armed.Store(true)
		res := f.do(t, q)
		assert.False(t, armed.Load(), "%s %s %v: the target was not decided", q.method, q.path, q.header)
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s %s %v: %s %s", q.method, q.path, q.header, res.Header, res.body)
		assert.NotContains(t, string(res.body), "SECRET")
		assert.NotContains(t, strings.ToLower(string(res.body)+res.Header.Get("ETag")), secretETag)
		assert.NotContains(t, string(res.body), "ActualObjectSize")
	}
	// OSS SelectObject reads the target's body too.
	put("THE OWNER'S SECRET", "private")
	armed.Store(true)
	sel, err := f.ossV2(otherAK, otherSK).SelectObject(ctx, &oss2.SelectObjectRequest{Bucket: oss2.Ptr("lnk36"), Key: oss2.Ptr("link"),
		SelectRequest: &oss2.SelectRequest{Expression: oss2.Ptr("select * from ossobject"),
			InputSerializationSelect: oss2.InputSerializationSelect{CsvBodyInput: &oss2.CSVSelectInput{FileHeaderInfo: oss2.Ptr("None")}}}})
	if err == nil {
		out, _ := io.ReadAll(sel.Body)
		sel.Body.Close()
		t.Fatalf("SelectObject read the private target through the link: %q", out)
	}
	assert.False(t, armed.Load(), "SelectObject: the target was not decided")
	wantOSS(t, err, 403, "AccessDenied", "")
}

// TestLink36WatermarkRacingPrivateOverwrite: a watermark's read was
// decided (canRead) before the watermark was opened, and the object
// opened was not decided: the bucket owner overwriting a public-read
// watermark with a private one, and back, while anonymous visitors asked
// for a public image with that watermark, had the private image drawn
// into their answers. The watermark opened is now decided
// (canReadObject), as the target of a link watermark is. Timing-dependent.
func TestLink36WatermarkRacingPrivateOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/wm36"}).errOrNil())
	solid := func(c color.RGBA) []byte {
		img := image.NewRGBA(image.Rect(0, 0, 16, 16))
		for y := range 16 {
			for x := range 16 {
				img.Set(x, y, c)
			}
		}
		var b bytes.Buffer
		require.NoError(t, png.Encode(&b, img))
		return b.Bytes()
	}
	put := func(key string, body []byte, canned string) {
		_, err := f.eng.PutObject(ctx, "wm36", key, bytes.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
	}
	put("base.png", solid(color.RGBA{0, 0, 255, 255}), "public-read")
	green, red := solid(color.RGBA{0, 255, 0, 255}), solid(color.RGBA{255, 0, 0, 255})
	put("wm.png", green, "public-read")
	keepFlipping(t, func() {
		put("wm.png", red, "private")
		put("wm.png", green, "public-read")
	})
	path := "/wm36/base.png?x-oss-process=image/watermark,image_" + base64.URLEncoding.EncodeToString([]byte("wm.png")) + ",g_nw,x_0,y_0/format,png"
	n := 1500
	if testing.Short() {
		n = 400
	}
	served, leaked := 0, 0
	for range n {
		res := f.do(t, raw{method: "GET", path: path, sign: "anon"})
		if res.StatusCode != http.StatusOK {
			require.Equal(t, http.StatusForbidden, res.StatusCode, "%s", res.body)
			continue
		}
		img, _, err := image.Decode(bytes.NewReader(res.body))
		require.NoError(t, err)
		served++
		if r, g, _, _ := img.At(4, 4).RGBA(); r > g {
			leaked++
		}
	}
	t.Logf("%d served, %d with the private watermark", served, leaked)
	assert.Positive(t, served)
	assert.Zero(t, leaked, "the private watermark was drawn for an anonymous visitor")
}

// TestLink36SinaMetaThroughLinkDecidesTheTarget: Sina's GET ?meta of an
// OSS link describes the object read through it, the target (its Size,
// Content-SHA1, Content-MD5), and answered whoever could read the link
// without deciding the target's read: another account read a public-read
// link's private target's size and hashes. It is decided now, on the
// target read (canReadTarget), as the link's GET is.
func TestLink36SinaMetaThroughLinkDecidesTheTarget(t *testing.T) {
	f, targets := linkFixture(t, "lnk36", "24 bytes of the object..", "")
	secretETag := targets["secret"].ETag
	res := f.do(t, raw{method: "GET", path: "/lnk36/link?meta", sign: "sina", ak: otherAK, sk: otherSK})
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s", res.body)
	assert.NotContains(t, string(res.body), secretETag)
	res = f.do(t, raw{method: "GET", path: "/lnk36/publink?meta", sign: "sina", ak: otherAK, sk: otherSK})
	assert.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	assert.Contains(t, string(res.body), `"Size":24`)
}

// TestLink36PartCopyRangeOfLinkTellsNoSize: UploadPartCopy refuses a
// symlink as its source (InvalidArgument, as OSS does), but a
// x-amz-copy-source-range past the end was judged first against the
// size HeadObject read through the link, and the refusal named the
// target's size ("not valid for source object of size: 24") to a caller
// who may read the link and not the target. A link source is now
// refused before its range is judged.
func TestLink36PartCopyRangeOfLinkTellsNoSize(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/lnk36"}).errOrNil())
	_, err := f.eng.PutSymlink(ctx, "lnk36", "link", "secret", engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
		Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	_, err = f.eng.PutObject(ctx, "lnk36", "secret", strings.NewReader("24 bytes of the object.."), 24,
		engine.PutOptions{ACL: engine.ACL{Canned: "private"}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/dst36"})).errOrNil())
	res := f.do(t, sec34Other(raw{method: "POST", path: "/dst36/k?uploads"}))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	var up struct {
		UploadID string `xml:"UploadId"`
	}
	require.NoError(t, xml.Unmarshal(res.body, &up))
	for _, rng := range []string{"bytes=0-1000", "bytes=100-200", ""} {
		h := hdr("X-Amz-Copy-Source", "/lnk36/link")
		if rng != "" {
			h.Set("X-Amz-Copy-Source-Range", rng)
		}
		res = f.do(t, sec34Other(raw{method: "PUT", path: "/dst36/k?partNumber=1&uploadId=" + up.UploadID, header: h}))
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, "%s: %s", rng, res.body)
		assert.Equal(t, "InvalidArgument", res.errCode(), "%s: %s", rng, res.body)
		assert.Contains(t, string(res.body), "symbolic link", rng)
		assert.NotContains(t, string(res.body), "size", rng)
	}
}

// linkFixture makes bucket with two public-read OSS symlinks of the
// bucket owner's, "link" naming the private "secret" and "publink" the
// public-read "public", both targets of body in storage class class (""
// the default); it returns the targets by key.
func linkFixture(t *testing.T, bucket, body, class string) (*fixture, map[string]engine.ObjectInfo) {
	t.Helper()
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/" + bucket}).errOrNil())
	for link, target := range map[string]string{"link": "secret", "publink": "public"} {
		_, err := f.eng.PutSymlink(ctx, bucket, link, target, engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
			Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
	}
	targets := map[string]engine.ObjectInfo{}
	for key, canned := range map[string]string{"secret": "private", "public": "public-read"} {
		info, err := f.eng.PutObject(ctx, bucket, key, strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS, StorageClass: class})
		require.NoError(t, err)
		targets[key] = info
	}
	return f, targets
}
