package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// testImage is a w x h JPEG.
func testImage(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}))
	return b.Bytes()
}

func imageSize(t testing.TB, data []byte) (int, int, string) {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	require.NoError(t, err)
	return cfg.Width, cfg.Height, format
}

// TestOSSImageProcessing: OSS image processing through both Aliyun SDKs:
// GetObject with x-oss-process (a chain, and a stored style), image/info,
// ProcessObject saving into the bucket and into another one, and the
// refusals (a bad parameter with its EC, watermarks, video processing, a
// missing style, an object that is not an image).
func TestOSSImageProcessing(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	bk := "images"
	for _, b := range []string{bk, "thumbs"} {
		_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr(b)})
		require.NoError(t, err)
	}
	src := testImage(t, 200, 100)
	_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cat.jpg"), Body: bytes.NewReader(src)})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("notes.txt"), Body: bytes.NewReader([]byte("text"))})
	require.NoError(t, err)

	get := func(process string) ([]byte, *oss2.GetObjectResult, error) {
		out, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cat.jpg"), Process: oss2.Ptr(process)})
		if err != nil {
			return nil, nil, err
		}
		defer out.Body.Close()
		data, err := io.ReadAll(out.Body)
		return data, out, err
	}
	data, out, err := get("image/resize,m_fixed,w_100,h_100/rotate,90")
	require.NoError(t, err)
	require.Equal(t, "image/jpeg", oss2.ToString(out.ContentType))
	w, h, format := imageSize(t, data)
	require.Equal(t, [2]int{100, 100}, [2]int{w, h})
	require.Equal(t, "jpeg", format)
	data, out, err = get("image/resize,w_50/format,png")
	require.NoError(t, err)
	require.Equal(t, "image/png", oss2.ToString(out.ContentType))
	w, h, format = imageSize(t, data)
	require.Equal(t, [3]any{50, 25, "png"}, [3]any{w, h, format})
	data, _, err = get("image/info")
	require.NoError(t, err)
	var info map[string]map[string]string
	require.NoError(t, json.Unmarshal(data, &info))
	require.Equal(t, "200", info["ImageWidth"]["value"])
	require.Equal(t, "jpg", info["Format"]["value"])

	// An image watermark from the bucket.
	logo := image.NewRGBA(image.Rect(0, 0, 20, 10))
	for i := range logo.Pix {
		logo.Pix[i] = []uint8{0, 0, 255, 255}[i%4]
	}
	var lb bytes.Buffer
	require.NoError(t, png.Encode(&lb, logo))
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("logo.png"), Body: bytes.NewReader(lb.Bytes())})
	require.NoError(t, err)
	data, _, err = get("image/watermark,image_" + base64.RawURLEncoding.EncodeToString([]byte("logo.png")) + ",g_nw,x_0,y_0/format,png")
	require.NoError(t, err)
	marked, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	red, green, blue, _ := marked.At(3, 3).RGBA()
	require.True(t, blue > 0xE000 && red < 0x2000 && green < 0x2000, "the logo's pixel")
	_, _, err = get("image/watermark,image_" + base64.RawURLEncoding.EncodeToString([]byte("nope.png")))
	wantOSS(t, err, 400, "WatermarkError", "")

	// A stored style is applied by name.
	_, err = c.PutStyle(ctx, &oss2.PutStyleRequest{Bucket: oss2.Ptr(bk), StyleName: oss2.Ptr("thumb"),
		Style: &oss2.StyleContent{Content: oss2.Ptr("image/resize,w_40/quality,Q_80")}})
	require.NoError(t, err)
	data, _, err = get("style/thumb")
	require.NoError(t, err)
	w, h, _ = imageSize(t, data)
	require.Equal(t, [2]int{40, 20}, [2]int{w, h})
	_, _, err = get("style/none")
	wantOSS(t, err, 404, "NoSuchStyle", "")

	// Refusals.
	_, _, err = get("image/resize,m_abc,w_10")
	wantOSS(t, err, 400, "InvalidArgument", "0040-00000311")
	_, _, err = get("image/watermark,text_" + base64.RawURLEncoding.EncodeToString([]byte("中文"))) // a font the built-in one has not
	wantOSS(t, err, 501, "NotImplemented", "")                                                    // text watermarks
	_, _, err = get("video/snapshot,t_1000")
	wantOSS(t, err, 501, "NotImplemented", "")
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("notes.txt"), Process: oss2.Ptr("image/resize,w_10")})
	wantOSS(t, err, 400, "BadRequest", "0040-00000005")
	_, err = c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("missing.jpg"), Process: oss2.Ptr("image/resize,w_10")})
	wantOSS(t, err, 404, "NoSuchKey", "")

	// ProcessObject: saved into the bucket, and into another one.
	enc := func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }
	res, err := c.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cat.jpg"),
		Process: oss2.Ptr("image/resize,w_100|sys/saveas,o_" + enc("small.jpg"))})
	require.NoError(t, err)
	require.Equal(t, "OK", res.ProcessStatus)
	require.Equal(t, "small.jpg", res.Object)
	require.Empty(t, res.Bucket)
	saved, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("small.jpg")})
	require.NoError(t, err)
	data, err = io.ReadAll(saved.Body)
	saved.Body.Close()
	require.NoError(t, err)
	require.Equal(t, int(res.FileSize), len(data))
	w, h, _ = imageSize(t, data)
	require.Equal(t, [2]int{100, 50}, [2]int{w, h})
	res, err = c.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cat.jpg"),
		Process: oss2.Ptr("style/thumb|sys/saveas,o_" + base64.RawURLEncoding.EncodeToString([]byte("t/cat.jpg")) + ",b_" + enc("thumbs"))})
	require.NoError(t, err)
	require.Equal(t, "thumbs", res.Bucket)
	_, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("thumbs"), Key: oss2.Ptr("t/cat.jpg")})
	require.NoError(t, err)
	_, err = c.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cat.jpg"),
		Process: oss2.Ptr("image/resize,w_10|sys/saveas,o_" + enc("x.jpg") + ",b_" + enc("no-such-bucket"))})
	wantOSS(t, err, 404, "NoSuchBucket", "")
	_, err = f.ossV2(otherAK, otherSK).ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cat.jpg"),
		Process: oss2.Ptr("image/resize,w_10|sys/saveas,o_" + enc("x.jpg"))})
	wantOSS(t, err, 403, "AccessDenied", "")

	// The v1 SDK: GetObject with Process and ProcessObject.
	b1, err := f.ossV1(t, testAK, testSK).Bucket(bk)
	require.NoError(t, err)
	rd, err := b1.GetObject("cat.jpg", oss1.Process("image/crop,w_30,h_20,g_center"))
	require.NoError(t, err)
	data, err = io.ReadAll(rd)
	rd.Close()
	require.NoError(t, err)
	w, h, _ = imageSize(t, data)
	require.Equal(t, [2]int{30, 20}, [2]int{w, h})
	p1, err := b1.ProcessObject("cat.jpg", "image/resize,w_20|sys/saveas,o_"+enc("v1.jpg"))
	require.NoError(t, err)
	require.Equal(t, "v1.jpg", p1.Object)

	// An anonymous request may not save into a public-read bucket.
	_, err = c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr(bk), Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	r := f.do(t, raw{method: http.MethodPost, path: "/images/cat.jpg?x-oss-process", sign: "anon",
		body: []byte("x-oss-process=image/resize,w_10|sys/saveas,o_" + enc("anon.jpg"))})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: http.MethodGet, path: "/images/cat.jpg?x-oss-process=image/resize,w_10", sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, "a public-read object may be read processed")
	// ... but not with a private object of the bucket as its watermark.
	_, err = c.PutObjectAcl(ctx, &oss2.PutObjectAclRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("logo.png"), Acl: oss2.ObjectACLPrivate})
	require.NoError(t, err)
	r = f.do(t, raw{method: http.MethodGet, path: "/images/cat.jpg?x-oss-process=image/watermark,image_" + base64.RawURLEncoding.EncodeToString([]byte("logo.png")), sign: "anon"})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
}
