package httpapi_test

import (
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// TestOSSCopyOfSymlink: CopyObject of a symlink copies the link (as OSS
// does), also when the copy asks for encryption; UploadPartCopy from a
// symlink is 400 InvalidArgument with OSS's EC 0042-00000308. Both were
// 500 InternalError ("copy source changed"): the copy read the link's
// record and then its target's body.
func TestOSSCopyOfSymlink(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "v2-symlink-copy"
	v2Bucket(t, c, bk)
	_, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("target"), Body: strings.NewReader("hello")})
	ok(t, err)
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link"), Target: oss2.Ptr("target")})
	ok(t, err)

	for _, enc := range []string{"", "AES256"} {
		req := &oss2.CopyObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copy" + enc), SourceKey: oss2.Ptr("link")}
		if enc != "" {
			req.ServerSideEncryption = oss2.Ptr(enc)
		}
		_, err = c.CopyObject(bg, req)
		ok(t, err)
		sl, err := c.GetSymlink(bg, &oss2.GetSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copy" + enc)})
		ok(t, err)
		if *sl.Target != "target" {
			t.Fatalf("copy%s of the link points at %q", enc, *sl.Target)
		}
		got, _ := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copy" + enc)})
		if got != "hello" {
			t.Fatalf("read through copy%s: %q", enc, got)
		}
	}

	im, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("mp")})
	ok(t, err)
	_, err = c.UploadPartCopy(bg, &oss2.UploadPartCopyRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("mp"), UploadId: im.UploadId, PartNumber: 1, SourceKey: oss2.Ptr("link")})
	wantOSS(t, err, 400, "InvalidArgument", "0042-00000308")
	lp, err := c.ListParts(bg, &oss2.ListPartsRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("mp"), UploadId: im.UploadId})
	ok(t, err)
	if len(lp.Parts) != 0 {
		t.Fatalf("a refused part copy stored %d parts", len(lp.Parts))
	}
}
