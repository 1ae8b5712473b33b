package httpapi_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestOSSV1Buckets drives the bucket operations through
// aliyun-oss-go-sdk (signature v1).
func TestOSSV1Buckets(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("v1-bucket", oss1.ACL(oss1.ACLPublicRead), oss1.StorageClass(oss1.StorageIA)))
	ok(t, c.CreateBucket("v1-other"))

	lb, err := c.ListBuckets()
	ok(t, err)
	if len(lb.Buckets) != 2 || lb.Buckets[0].Name != "v1-bucket" || lb.Buckets[0].StorageClass != "IA" ||
		!strings.HasPrefix(lb.Buckets[0].Location, "oss-") || lb.Buckets[0].CreationDate.IsZero() {
		t.Fatalf("ListBuckets: %+v", lb)
	}
	lb, err = c.ListBuckets(oss1.Prefix("v1-o"))
	ok(t, err)
	if len(lb.Buckets) != 1 {
		t.Fatalf("ListBuckets prefix: %+v", lb)
	}
	// IsBucketExist lists with the name as prefix: a name no bucket can
	// have is an error, not "no".
	for name, want := range map[string]bool{"v1-bucket": true, "v1-bucke": false, "v1-bucket-2": false} {
		found, err := c.IsBucketExist(name)
		ok(t, err)
		if found != want {
			t.Fatalf("IsBucketExist(%q) = %v", name, found)
		}
	}
	_, err = c.IsBucketExist("BucketNameInvalid")
	wantOSS(t, err, 400, "InvalidArgument", "")
	_, err = c.ListBuckets(oss1.Marker("v1_"))
	wantOSS(t, err, 400, "InvalidArgument", "")

	info, err := c.GetBucketInfo("v1-bucket")
	ok(t, err)
	bi := info.BucketInfo
	if bi.Name != "v1-bucket" || bi.ACL != "public-read" || bi.StorageClass != "IA" || bi.ExtranetEndpoint == "" ||
		!strings.HasPrefix(bi.Location, "oss-") || bi.Owner.ID == "" || bi.RedundancyType != "LRS" {
		t.Fatalf("GetBucketInfo: %+v", bi)
	}
	loc, err := c.GetBucketLocation("v1-bucket")
	ok(t, err)
	if loc != "oss-us-east-1" {
		t.Fatalf("GetBucketLocation %q", loc)
	}
	acl, err := c.GetBucketACL("v1-bucket")
	ok(t, err)
	if acl.ACL != "public-read" || acl.Owner.ID == "" {
		t.Fatalf("GetBucketACL %+v", acl)
	}
	ok(t, c.SetBucketACL("v1-bucket", oss1.ACLPublicReadWrite))
	exists, err := c.IsBucketExist("v1-bucket")
	ok(t, err)
	if !exists {
		t.Fatal("IsBucketExist false")
	}

	// Errors.
	wantOSS(t, c.SetBucketACL("v1-bucket", oss1.ACLType("everyone")), 400, "InvalidArgument", "0042-00000216")
	_, err = c.GetBucketInfo("no-such-bucket")
	e := wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
	if e.message != "The specified bucket does not exist." {
		t.Fatalf("message %q", e.message)
	}
	other := f.ossV1(t, otherAK, otherSK)
	wantOSS(t, other.CreateBucket("v1-bucket"), 409, "BucketAlreadyExists", "")
	_, err = other.GetBucketInfo("v1-bucket")
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = f.ossV1(t, "NOSUCHKEY", "x").ListBuckets()
	e = wantOSS(t, err, 403, "InvalidAccessKeyId", "0002-00000902")
	if e.message != "The OSS Access Key Id you provided does not exist in our records." {
		t.Fatalf("message %q", e.message)
	}
	_, err = f.ossV1(t, testAK, "wrong").ListBuckets()
	wantOSS(t, err, 403, "SignatureDoesNotMatch", "")
	// GetService needs a signature; an OSS host makes an unsigned
	// request OSS.
	r := f.do(t, raw{method: "GET", path: "/", sign: "anon", host: "oss-cn-hangzhou.aliyuncs.com"})
	if r.StatusCode != 403 || r.errCode() != "AccessDenied" || r.Header.Get("x-oss-request-id") == "" || r.Header.Get("x-oss-ec") == "" {
		t.Fatalf("anonymous GetService: %d %s %v", r.StatusCode, r.body, r.Header)
	}
	// Bucket names follow the OSS rules.
	r = f.do(t, raw{method: "PUT", path: "/Bad_Name", sign: "oss-v1"})
	if r.StatusCode != 400 || r.errCode() != "InvalidBucketName" {
		t.Fatalf("bad bucket name: %d %s", r.StatusCode, r.body)
	}
	r = f.do(t, raw{method: "PUT", path: "/dotted.name", sign: "oss-v4"})
	if r.StatusCode != 400 || r.errCode() != "InvalidBucketName" {
		t.Fatalf("bad bucket name: %d %s", r.StatusCode, r.body)
	}

	ok(t, c.DeleteBucket("v1-other"))
}

// v1Bucket creates a bucket and returns its handle.
func v1Bucket(t *testing.T, c *oss1.Client, name string) *oss1.Bucket {
	t.Helper()
	ok(t, c.CreateBucket(name))
	b, err := c.Bucket(name)
	ok(t, err)
	return b
}

// reader returns a function reading a whole SDK body (failing t on error).
func reader(t *testing.T) func(io.ReadCloser, error) string {
	return func(r io.ReadCloser, err error) string {
		t.Helper()
		ok(t, err)
		defer r.Close()
		b, err := io.ReadAll(r)
		ok(t, err)
		return string(b)
	}
}

// TestOSSV1Objects drives the object operations through
// aliyun-oss-go-sdk with CRC64 verification on.
func TestOSSV1Objects(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c, "v1-objects")
	readAll := reader(t)
	body := string(pattern(100 << 10))
	var resp http.Header
	ok(t, b.PutObject("dir/a b+c.txt", strings.NewReader(body), oss1.Meta("Color", "blue"), oss1.ContentType("text/plain"),
		oss1.ObjectStorageClass(oss1.StorageIA), oss1.SetTagging(oss1.Tagging{Tags: []oss1.Tag{{Key: "k", Value: "v"}}}),
		oss1.GetResponseHeader(&resp)))
	sum := md5.Sum([]byte(body))
	wantETag := `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
	if resp.Get("ETag") != wantETag || resp.Get("x-oss-hash-crc64ecma") == "" || resp.Get("x-oss-request-id") == "" || resp.Get("Content-MD5") == "" {
		t.Fatalf("PutObject headers %v", resp)
	}
	if got := readAll(b.GetObject("dir/a b+c.txt")); got != body {
		t.Fatal("GetObject body differs")
	}
	// Chunked upload (unknown length), empty object.
	ok(t, b.PutObject("chunked", struct{ io.Reader }{strings.NewReader("chunk data")}))
	if got := readAll(b.GetObject("chunked")); got != "chunk data" {
		t.Fatalf("chunked body %q", got)
	}
	ok(t, b.PutObject("empty", strings.NewReader("")))

	meta, err := b.GetObjectDetailedMeta("dir/a b+c.txt")
	ok(t, err)
	if meta.Get("X-Oss-Meta-Color") != "blue" || meta.Get("Content-Type") != "text/plain" || meta.Get("X-Oss-Object-Type") != "Normal" ||
		meta.Get("X-Oss-Storage-Class") != "IA" || meta.Get("ETag") != wantETag || meta.Get("Content-Length") != strconv.Itoa(len(body)) ||
		meta.Get("X-Oss-Tagging-Count") != "1" || meta.Get("X-Oss-Hash-Crc64ecma") == "" {
		t.Fatalf("HeadObject %v", meta)
	}
	meta, err = b.GetObjectMeta("dir/a b+c.txt")
	ok(t, err)
	if meta.Get("ETag") != wantETag || meta.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Fatalf("GetObjectMeta %v", meta)
	}
	exists, err := b.IsObjectExist("dir/a b+c.txt")
	ok(t, err)
	if !exists {
		t.Fatal("IsObjectExist false")
	}
	exists, err = b.IsObjectExist("missing")
	ok(t, err)
	if exists {
		t.Fatal("IsObjectExist true for a missing key")
	}

	// Ranges: valid, open-ended, suffix, and an unsatisfiable one, which
	// OSS answers with the whole object.
	if got := readAll(b.GetObject("dir/a b+c.txt", oss1.Range(10, 19))); got != body[10:20] {
		t.Fatalf("range body %q", got)
	}
	if got := readAll(b.GetObject("dir/a b+c.txt", oss1.NormalizedRange("-5"))); got != body[len(body)-5:] {
		t.Fatalf("suffix range %q", got)
	}
	if got := readAll(b.GetObject("dir/a b+c.txt", oss1.NormalizedRange("999999999-"))); got != body {
		t.Fatal("unsatisfiable range did not return the whole object")
	}
	_, err = b.GetObject("dir/a b+c.txt", oss1.NormalizedRange("999999999-"), oss1.RangeBehavior("standard"))
	wantOSS(t, err, 416, "InvalidRange", "")
	// Response overrides.
	r, err := b.DoGetObject(&oss1.GetObjectRequest{ObjectKey: "dir/a b+c.txt"}, []oss1.Option{oss1.ResponseContentType("application/x-test"),
		oss1.ResponseContentDisposition("attachment; filename=x.txt"), oss1.ResponseCacheControl("no-cache")})
	ok(t, err)
	r.Response.Close()
	if r.Response.Headers.Get("Content-Type") != "application/x-test" || r.Response.Headers.Get("Content-Disposition") != "attachment; filename=x.txt" ||
		r.Response.Headers.Get("Cache-Control") != "no-cache" {
		t.Fatalf("overrides %v", r.Response.Headers)
	}

	// Copy: COPY, onto itself, a missing source (suite Copy and CopyErrors
	// cover REPLACE, other buckets and the conditions).
	ok2 := func(_ oss1.CopyObjectResult, err error) { t.Helper(); ok(t, err) }
	ok2(b.CopyObject("dir/a b+c.txt", "copy/one"))
	meta, err = b.GetObjectDetailedMeta("copy/one")
	ok(t, err)
	if meta.Get("X-Oss-Meta-Color") != "blue" || meta.Get("ETag") != wantETag || meta.Get("X-Oss-Tagging-Count") != "1" {
		t.Fatalf("copied meta %v", meta)
	}
	ok2(b.CopyObject("copy/one", "copy/one", oss1.Meta("Shape", "square")))
	meta, err = b.GetObjectDetailedMeta("copy/one")
	ok(t, err)
	if meta.Get("X-Oss-Meta-Shape") != "square" {
		t.Fatalf("self copy meta %v", meta)
	}
	_, err = b.CopyObject("nothing", "copy/four")
	wantOSS(t, err, 404, "NoSuchKey", "0026-00000001")

	// ACLs.
	acl, err := b.GetObjectACL("dir/a b+c.txt")
	ok(t, err)
	if acl.ACL != "default" {
		t.Fatalf("GetObjectACL %+v", acl)
	}
	ok(t, b.SetObjectACL("dir/a b+c.txt", oss1.ACLPublicRead))
	acl, err = b.GetObjectACL("dir/a b+c.txt")
	ok(t, err)
	if acl.ACL != "public-read" || acl.Owner.ID == "" {
		t.Fatalf("GetObjectACL %+v", acl)
	}
	wantOSS(t, b.SetObjectACL("dir/a b+c.txt", oss1.ACLType("bogus")), 400, "InvalidArgument", "")
	// The public-read object is readable anonymously, a default-ACL
	// object in a private bucket is not.
	anon := f.do(t, raw{method: "GET", path: "/v1-objects/dir/a%20b%2Bc.txt", sign: "anon", host: f.srv.Listener.Addr().String(), header: hdr("X-Oss-Test", "1")})
	if anon.StatusCode != 200 || string(anon.body) != body {
		t.Fatalf("anonymous public-read GET %d", anon.StatusCode)
	}
	anon = f.do(t, raw{method: "GET", path: "/v1-objects/chunked", sign: "anon", header: hdr("X-Oss-Test", "1")})
	if anon.StatusCode != 403 || anon.errCode() != "AccessDenied" {
		t.Fatalf("anonymous private GET %d %s", anon.StatusCode, anon.body)
	}

	// Listing (the SDK asks for encoding-type=url and decodes).
	// (Suite ListV1, ListV2, ListPaging and ListModel cover the pages.)
	lr, err := b.ListObjects(oss1.Prefix("dir/"))
	ok(t, err)
	if len(lr.Objects) != 1 || lr.Objects[0].Key != "dir/a b+c.txt" || lr.Objects[0].Type != "Normal" ||
		lr.Objects[0].ETag != wantETag || lr.Objects[0].StorageClass != "IA" || lr.Objects[0].Owner.ID == "" {
		t.Fatalf("ListObjects %+v", lr)
	}
	l2, err := b.ListObjectsV2(oss1.Prefix("dir/"), oss1.FetchOwner(true))
	ok(t, err)
	if len(l2.Objects) != 1 || l2.Objects[0].Key != "dir/a b+c.txt" || l2.Objects[0].Owner.ID == "" {
		t.Fatalf("ListObjectsV2 %+v", l2)
	}
	_, err = b.ListObjects(oss1.MaxKeys(1001))
	wantOSS(t, err, 400, "InvalidArgument", "")

	// Deletes (suite Delete and DeleteMany cover the rest).
	ok(t, b.DeleteObject("empty"))
	dr, err := b.DeleteObjects([]string{"copy/one", "never-existed"})
	ok(t, err)
	if len(dr.DeletedObjects) != 2 {
		t.Fatalf("DeleteObjects %+v", dr)
	}

	// Object errors.
	_, err = b.GetObject("missing")
	wantOSS(t, err, 404, "NoSuchKey", "0026-00000001")
	_, err = b.GetObjectDetailedMeta("missing")
	e := wantOSS(t, err, 404, "NoSuchKey", "0026-00000001")
	if e.message != "The specified key does not exist." {
		t.Fatalf("HEAD error message from x-oss-err: %q", e.message)
	}
	_, err = b.GetObjectMeta("missing")
	wantOSS(t, err, 404, "NoSuchKey", "")
	wantOSS(t, b.PutObject(strings.Repeat("k", 1024), strings.NewReader("x")), 400, "InvalidObjectName", "")
	wantOSS(t, b.PutObject("bad-class", strings.NewReader("x"), oss1.ObjectStorageClass("Glacier")), 400, "InvalidArgument", "")
	wantOSS(t, b.PutObject("bad-md5", strings.NewReader("x"), oss1.ContentMD5("AAAAAAAAAAAAAAAAAAAAAA==")), 400, "InvalidDigest", "")
	wantOSS(t, b.PutObject("kms", strings.NewReader("x"), oss1.ServerSideEncryption("KMS"), oss1.ServerSideEncryptionKeyID("no-such-key")), 400, "KMS.NotFoundException", "")
	wantOSS(t, b.PutObject("bad-sse", strings.NewReader("x"), oss1.ServerSideEncryption("ROT13")), 400, "InvalidEncryptionAlgorithmError", "")
	ok(t, b.PutObject("sse", strings.NewReader("x"), oss1.ServerSideEncryption("AES256"), oss1.GetResponseHeader(&resp)))
	if resp.Get("X-Oss-Server-Side-Encryption") != "AES256" {
		t.Fatalf("SSE echo %v", resp)
	}
	nb, err := c.Bucket("no-such-bucket")
	ok(t, err)
	wantOSS(t, nb.PutObject("k", strings.NewReader("x")), 404, "NoSuchBucket", "0015-00000101")
	other, err := f.ossV1(t, otherAK, otherSK).Bucket("v1-objects")
	ok(t, err)
	wantOSS(t, other.PutObject("k", strings.NewReader("x")), 403, "AccessDenied", "")
}

// TestOSSV1Multipart drives every multipart operation through
// aliyun-oss-go-sdk, CRC64 checks on.
func TestOSSV1Multipart(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c, "v1-multipart")
	readAll := reader(t)
	part1, part2 := string(pattern(150<<10)), "tail of the object"
	ok(t, b.PutObject("source", strings.NewReader(strings.Repeat("S", 200<<10))))

	im, err := b.InitiateMultipartUpload("big/object", oss1.Meta("Kind", "mp"), oss1.ContentType("text/x-mp"), oss1.ObjectStorageClass(oss1.StorageIA))
	ok(t, err)
	if im.Bucket != "v1-multipart" || im.Key != "big/object" || im.UploadID == "" {
		t.Fatalf("Initiate %+v", im)
	}
	p1, err := b.UploadPart(im, strings.NewReader(part1), int64(len(part1)), 1)
	ok(t, err)
	p2, err := b.UploadPartCopy(im, "v1-multipart", "source", 0, 150<<10, 2)
	ok(t, err)
	p3, err := b.UploadPart(im, strings.NewReader(part2), int64(len(part2)), 3)
	ok(t, err)
	// One call each of ListParts and ListMultipartUploads (suite ListParts
	// and ListUploads cover paging and delimiters).
	lp, err := b.ListUploadedParts(im)
	ok(t, err)
	if len(lp.UploadedParts) != 3 || lp.UploadedParts[0].ETag != p1.ETag || lp.UploadedParts[1].Size != 150<<10 || lp.Key != "big/object" {
		t.Fatalf("ListParts %+v", lp)
	}
	im2, err := b.InitiateMultipartUpload("big/other")
	ok(t, err)
	lu, err := b.ListMultipartUploads()
	ok(t, err)
	if len(lu.Uploads) != 2 || lu.Uploads[0].Key != "big/object" || lu.Uploads[0].UploadID != im.UploadID {
		t.Fatalf("ListMultipartUploads %+v", lu)
	}

	var resp http.Header
	cm, err := b.CompleteMultipartUpload(im, []oss1.UploadPart{p1, p2, p3}, oss1.GetResponseHeader(&resp))
	ok(t, err)
	if cm.Key != "big/object" || cm.ETag == "" || resp.Get("X-Oss-Hash-Crc64ecma") == "" {
		t.Fatalf("Complete %+v %v", cm, resp)
	}
	want := part1 + strings.Repeat("S", 150<<10) + part2
	if got := readAll(b.GetObject("big/object")); got != want {
		t.Fatal("completed body differs")
	}
	meta, err := b.GetObjectDetailedMeta("big/object")
	ok(t, err)
	if meta.Get("X-Oss-Object-Type") != "Multipart" || meta.Get("X-Oss-Meta-Kind") != "mp" || meta.Get("X-Oss-Storage-Class") != "IA" ||
		meta.Get("Content-Type") != "text/x-mp" {
		t.Fatalf("multipart object meta %v", meta)
	}
	ok(t, b.AbortMultipartUpload(im2))

	// A part number out of range, signed v1 (suite MultipartErrors covers
	// unknown upload IDs, EntityTooSmall and UploadPartCopy from a missing
	// key; TestOSSV2Multipart the ECs of NoSuchUpload).
	im3, err := b.InitiateMultipartUpload("small")
	ok(t, err)
	r := f.do(t, raw{method: "PUT", path: "/v1-multipart/small?partNumber=10001&uploadId=" + im3.UploadID, body: []byte("x"), sign: "oss-v1"})
	if r.StatusCode != 400 || r.errCode() != "InvalidArgument" {
		t.Fatalf("part 10001: %d %s", r.StatusCode, r.body)
	}

	// The SDK's resumable upload and download (parts, CRC64 combined).
	data := pattern(1 << 20)
	src := t.TempDir() + "/in"
	ok(t, os.WriteFile(src, data, 0o600))
	ok(t, b.UploadFile("uploaded", src, 200<<10, oss1.Routines(3)))
	dst := t.TempDir() + "/out"
	ok(t, b.DownloadFile("uploaded", dst, 300<<10, oss1.Routines(3)))
	got, err := os.ReadFile(dst)
	ok(t, err)
	if string(got) != string(data) {
		t.Fatal("UploadFile/DownloadFile round trip differs")
	}
	// Multipart copy of a large object.
	ok(t, b.CopyFile("v1-multipart", "uploaded", "uploaded-copy", 200<<10, oss1.Routines(2)))
	if got := readAll(b.GetObject("uploaded-copy")); got != string(data) {
		t.Fatal("CopyFile body differs")
	}
}

// TestOSSV1Special drives AppendObject, symlinks and RestoreObject
// through aliyun-oss-go-sdk, CRC64 checks on (chained with InitCRC).
func TestOSSV1Special(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	b := v1Bucket(t, c, "v1-special")
	readAll := reader(t)

	// Append: create, continue with the chained CRC, wrong position,
	// appending to a Normal object.
	var resp http.Header
	next, err := b.AppendObject("log", strings.NewReader("first "), 0, oss1.Meta("Kind", "log"), oss1.InitCRC(0), oss1.GetResponseHeader(&resp))
	ok(t, err)
	if next != 6 || resp.Get("X-Oss-Hash-Crc64ecma") == "" {
		t.Fatalf("append 1: %d %v", next, resp)
	}
	crc, err := strconv.ParseUint(resp.Get("X-Oss-Hash-Crc64ecma"), 10, 64)
	ok(t, err)
	next, err = b.AppendObject("log", strings.NewReader("second"), next, oss1.InitCRC(crc))
	ok(t, err)
	if next != 12 {
		t.Fatalf("append 2: %d", next)
	}
	_, err = b.AppendObject("log", strings.NewReader("x"), 3)
	e := wantOSS(t, err, 409, "PositionNotEqualToLength", "0026-00000016")
	_ = e
	r := f.do(t, raw{method: "POST", path: "/v1-special/log?append&position=3", body: []byte("x"), sign: "oss-v1"})
	if r.StatusCode != 409 || r.Header.Get("X-Oss-Next-Append-Position") != "12" {
		t.Fatalf("position error: %d %v", r.StatusCode, r.Header)
	}
	if got := readAll(b.GetObject("log")); got != "first second" {
		t.Fatalf("appended body %q", got)
	}
	meta, err := b.GetObjectDetailedMeta("log")
	ok(t, err)
	if meta.Get("X-Oss-Object-Type") != "Appendable" || meta.Get("X-Oss-Next-Append-Position") != "12" || meta.Get("X-Oss-Meta-Kind") != "log" {
		t.Fatalf("appendable meta %v", meta)
	}
	lr, err := b.ListObjects()
	ok(t, err)
	if len(lr.Objects) != 1 || lr.Objects[0].Type != "Appendable" {
		t.Fatalf("list %+v", lr)
	}
	ok(t, b.PutObject("normal", strings.NewReader("n")))
	_, err = b.AppendObject("normal", strings.NewReader("x"), 1)
	wantOSS(t, err, 409, "ObjectNotAppendable", "")
	r = f.do(t, raw{method: "POST", path: "/v1-special/log?append&position=abc", body: []byte("x"), sign: "oss-v1"})
	if r.StatusCode != 400 || r.errCode() != "InvalidArgument" {
		t.Fatalf("bad position: %d %s", r.StatusCode, r.body)
	}

	// Symlinks.
	ok(t, b.PutSymlink("link to", "normal", oss1.Meta("Via", "link")))
	sl, err := b.GetSymlink("link to")
	ok(t, err)
	if sl.Get("X-Oss-Symlink-Target") != "normal" || sl.Get("X-Oss-Meta-Via") != "link" {
		t.Fatalf("GetSymlink %v", sl)
	}
	if got := readAll(b.GetObject("link to")); got != "n" {
		t.Fatalf("read through link %q", got)
	}
	meta, err = b.GetObjectDetailedMeta("link to")
	ok(t, err)
	if meta.Get("X-Oss-Object-Type") != "Symlink" || meta.Get("Content-Length") != "1" {
		t.Fatalf("link meta %v", meta)
	}
	meta, err = b.GetObjectMeta("link to")
	ok(t, err)
	if meta.Get("Content-Length") != "0" {
		t.Fatalf("link GetObjectMeta %v", meta)
	}
	ok(t, b.PutSymlink("dangling", "nowhere"))
	_, err = b.GetObject("dangling")
	wantOSS(t, err, 404, "SymlinkTargetNotExist", "")
	_, err = b.GetObjectDetailedMeta("dangling")
	wantOSS(t, err, 404, "SymlinkTargetNotExist", "")
	ok(t, b.PutSymlink("link2", "link to"))
	_, err = b.GetObject("link2")
	wantOSS(t, err, 400, "InvalidTargetType", "0026-00000011")
	_, err = b.GetSymlink("normal")
	wantOSS(t, err, 400, "NotSymlink", "")
	_, err = b.GetSymlink("missing")
	wantOSS(t, err, 404, "NoSuchKey", "")

	// Restore of an archived object: 403 before, 202, 409 while running,
	// readable after the delay, 200 when extended.
	ok(t, b.PutObject("cold", strings.NewReader("frozen"), oss1.ObjectStorageClass(oss1.StorageArchive)))
	_, err = b.GetObject("cold")
	wantOSS(t, err, 403, "InvalidObjectState", "")
	ok(t, b.RestoreObject("cold", oss1.GetResponseHeader(&resp)))
	wantOSS(t, b.RestoreObject("cold"), 409, "RestoreAlreadyInProgress", "")
	meta, err = b.GetObjectDetailedMeta("cold")
	ok(t, err)
	if meta.Get("X-Oss-Restore") != `ongoing-request="true"` || meta.Get("X-Oss-Storage-Class") != "Archive" {
		t.Fatalf("restoring meta %v", meta)
	}
	f.clock.Advance(2 * time.Minute)
	if got := readAll(b.GetObject("cold")); got != "frozen" {
		t.Fatalf("restored body %q", got)
	}
	meta, err = b.GetObjectDetailedMeta("cold")
	ok(t, err)
	if !strings.HasPrefix(meta.Get("X-Oss-Restore"), `ongoing-request="false", expiry-date=`) {
		t.Fatalf("restored meta %v", meta)
	}
	ok(t, b.RestoreObject("cold"))
	wantOSS(t, b.RestoreObject("normal"), 400, "OperationNotSupported", "")
	wantOSS(t, b.RestoreObject("missing"), 404, "NoSuchKey", "")
	r = f.do(t, raw{method: "POST", path: "/v1-special/cold?restore", sign: "oss-v1"})
	if r.StatusCode != 200 {
		t.Fatalf("extend restore: %d %s", r.StatusCode, r.body)
	}
	r = f.do(t, raw{method: "POST", path: "/v1-special/normal2?restore", sign: "oss-v1"})
	if r.StatusCode != 404 {
		t.Fatalf("restore missing: %d", r.StatusCode)
	}
}

// TestOSSClientSideEncryptionParts: an upload started as the SDKs'
// client-side encryption clients start it (the key and the part and data
// sizes as metadata) takes only parts of the declared sizes (OSS ECs
// 0005-00000406 to -419; aliyun-oss-go-sdk's crypto suite checks a part
// one byte too long).
func TestOSSClientSideEncryptionParts(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("cse"))
	b, err := c.Bucket("cse")
	ok(t, err)
	const part, data = 100 * 1024, 100*1024*2 + 100
	cse := func(sizes ...string) []oss1.Option {
		opts := []oss1.Option{oss1.Meta("client-side-encryption-key", "c2VhbGVk"), oss1.Meta("client-side-encryption-start", "aXY=")}
		for i := 0; i+1 < len(sizes); i += 2 {
			opts = append(opts, oss1.Meta(sizes[i], sizes[i+1]))
		}
		return opts
	}
	sizes := []string{"client-side-encryption-part-size", strconv.Itoa(part), "client-side-encryption-data-size", strconv.Itoa(data)}
	_, err = b.InitiateMultipartUpload("k", cse()...)
	wantOSS(t, err, 400, "InvalidArgument", "0005-00000406")
	_, err = b.InitiateMultipartUpload("k", cse("client-side-encryption-part-size", "100")...)
	wantOSS(t, err, 400, "InvalidArgument", "0005-00000408")
	imur, err := b.InitiateMultipartUpload("k", cse(sizes...)...)
	ok(t, err)
	body := func(n int) io.Reader { return bytes.NewReader(bytes.Repeat([]byte("x"), n)) }
	_, err = b.UploadPart(imur, body(part+1), part+1, 1, cse(sizes...)...)
	wantOSS(t, err, 400, "InvalidArgument", "0005-00000419")
	_, err = b.UploadPart(imur, body(part), part, 1, cse("client-side-encryption-part-size", "204800")...)
	wantOSS(t, err, 400, "InvalidArgument", "0005-00000418")
	_, err = b.UploadPart(imur, body(part), part, 1)
	wantOSS(t, err, 400, "InvalidArgument", "0005-00000407")
	_, err = b.UploadPart(imur, body(part), part, 4, cse(sizes...)...)
	wantOSS(t, err, 400, "InvalidArgument", "0005-00000419")
	var parts []oss1.UploadPart
	for n, size := range []int{part, part, 100} {
		p, err := b.UploadPart(imur, body(size), int64(size), n+1, cse(sizes...)...)
		ok(t, err)
		parts = append(parts, p)
	}
	_, err = b.CompleteMultipartUpload(imur, parts)
	ok(t, err)
	// An upload without the key header is not checked.
	plain, err := b.InitiateMultipartUpload("plain")
	ok(t, err)
	_, err = b.UploadPart(plain, body(part+1), part+1, 1)
	ok(t, err)
}

// TestOSSSequentialUpload: an upload initiated with ?sequential (the v1
// SDK's Sequential(), UploadFile's option) gets the whole object's MD5 as
// its Content-MD5 when completed; others do not (their ETag is not an
// MD5). aliyun-oss-go-sdk's upload suite checks it.
func TestOSSSequentialUpload(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("seq"))
	b, err := c.Bucket("seq")
	ok(t, err)
	data := bytes.Repeat([]byte("0123456789abcdef"), 20000) // 320,000 bytes: 3 parts of 100 KiB and a rest
	whole := md5.Sum(data)
	for _, sequential := range []bool{true, false} {
		key := fmt.Sprintf("obj-%v", sequential)
		var opts []oss1.Option
		if sequential {
			opts = append(opts, oss1.Sequential())
		}
		imur, err := b.InitiateMultipartUpload(key, opts...)
		ok(t, err)
		var parts []oss1.UploadPart
		for n, off := 1, 0; off < len(data); n, off = n+1, off+100*1024 {
			end := min(off+100*1024, len(data))
			p, err := b.UploadPart(imur, bytes.NewReader(data[off:end]), int64(end-off), n)
			ok(t, err)
			parts = append(parts, p)
		}
		_, err = b.CompleteMultipartUpload(imur, parts)
		ok(t, err)
		h, err := b.GetObjectDetailedMeta(key)
		ok(t, err)
		if sequential {
			require.Equal(t, base64.StdEncoding.EncodeToString(whole[:]), h.Get("Content-Md5"))
		} else {
			require.Empty(t, h.Get("Content-Md5"))
		}
		require.True(t, strings.HasSuffix(strings.Trim(h.Get("Etag"), `"`), "-4"), h.Get("Etag"))
	}
	// The whole upload through UploadFile, as the suite does it.
	path := t.TempDir() + "/file"
	ok(t, os.WriteFile(path, data, 0o600))
	ok(t, b.UploadFile("file", path, 100*1024, oss1.Sequential(), oss1.Routines(1)))
	h, err := b.GetObjectDetailedMeta("file")
	ok(t, err)
	require.Equal(t, base64.StdEncoding.EncodeToString(whole[:]), h.Get("Content-Md5"))
}

// TestOSSWebsiteMirrorDefaults: a mirror rule put without the optional
// switches reads back with OSS's defaults stated (PassQueryString,
// MirrorPassQueryString and MirrorCheckMd5 false, MirrorFollowRedirect
// true): aliyun-oss-go-sdk's suite dereferences each.
func TestOSSWebsiteMirrorDefaults(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithMirrorOrigins("http://www.test.com/")}})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("mirror-defaults"))
	rule := oss1.RoutingRule{RuleNumber: 1, Condition: oss1.Condition{HTTPErrorCodeReturnedEquals: 404},
		Redirect: oss1.Redirect{RedirectType: "Mirror", MirrorURL: "http://www.test.com/"}}
	ok(t, c.SetBucketWebsiteDetail("mirror-defaults", oss1.WebsiteXML{RoutingRules: []oss1.RoutingRule{rule}}))
	res, err := c.GetBucketWebsite("mirror-defaults")
	ok(t, err)
	rd := res.RoutingRules[0].Redirect
	require.NotNil(t, rd.MirrorFollowRedirect)
	require.True(t, *rd.MirrorFollowRedirect)
	require.False(t, *rd.PassQueryString)
	require.False(t, *rd.MirrorPassQueryString)
	require.False(t, *rd.MirrorCheckMd5)
	require.False(t, *rd.MirrorHeaders.PassAll)
}

// TestOSSBucketEncryptionUnknownKey: OSS takes a default KMS key ID the
// key service does not have; the writes it would encrypt fail then
// (aliyun-oss-go-sdk's TestBucketEncyptionPutObjectError).
func TestOSSBucketEncryptionUnknownKey(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("enc-unknown"))
	rule := oss1.ServerEncryptionRule{}
	rule.SSEDefault.SSEAlgorithm, rule.SSEDefault.KMSMasterKeyID = string(oss1.KMSAlgorithm), "123"
	ok(t, c.SetBucketEncryption("enc-unknown", rule))
	got, err := c.GetBucketEncryption("enc-unknown")
	ok(t, err)
	require.Equal(t, "123", got.SSEDefault.KMSMasterKeyID)
	b, err := c.Bucket("enc-unknown")
	ok(t, err)
	wantOSS(t, b.PutObject("k", strings.NewReader("x")), 400, "KMS.NotFoundException", "")
	exists, err := b.IsObjectExist("k")
	ok(t, err)
	require.False(t, exists)
}

// TestOSSStyles: Put/Get/List/DeleteStyle keep a bucket's named styles
// (listed in the order they were made; a new content replaces the old),
// as aliyun-oss-go-sdk's TestBucketStyle and the v2 SDK see them.
func TestOSSStyles(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("styles"))
	for _, st := range [][2]string{{"zeta", "image/resize,p_50"}, {"alpha", "image/resize,w_200"}, {"mid", "image/resize,w_300"}} {
		ok(t, c.PutBucketStyle("styles", st[0], st[1]))
	}
	res, err := c.GetBucketStyle("styles", "alpha")
	ok(t, err)
	require.Equal(t, "image/resize,w_200", res.Content)
	require.NotEmpty(t, res.CreateTime)
	require.NotEmpty(t, res.LastModifyTime)
	_, err = c.GetBucketStyle("styles", "nope")
	wantOSS(t, err, 404, "NoSuchStyle", "")
	list, err := c.ListBucketStyle("styles")
	ok(t, err)
	require.Len(t, list.Style, 3)
	require.Equal(t, []string{"zeta", "alpha", "mid"}, []string{list.Style[0].Name, list.Style[1].Name, list.Style[2].Name})
	ok(t, c.PutBucketStyle("styles", "alpha", "image/resize,w_400"))
	res, err = c.GetBucketStyle("styles", "alpha")
	ok(t, err)
	require.Equal(t, "image/resize,w_400", res.Content)
	wantOSS(t, c.PutBucketStyle("styles", "bad name!", "image/resize,w_1"), 400, "InvalidArgument", "")
	wantOSS(t, c.PutBucketStyle("styles", "empty", ""), 400, "InvalidArgument", "")

	// The v2 SDK reads the same styles.
	v2 := f.ossV2(testAK, testSK)
	g, err := v2.GetStyle(bg, &oss2.GetStyleRequest{Bucket: oss2.Ptr("styles"), StyleName: oss2.Ptr("mid")})
	ok(t, err)
	require.Equal(t, "image/resize,w_300", oss2.ToString(g.Style.Content))
	_, err = f.ossV2(otherAK, otherSK).ListStyle(bg, &oss2.ListStyleRequest{Bucket: oss2.Ptr("styles")})
	wantOSS(t, err, 403, "AccessDenied", "")

	for _, n := range []string{"zeta", "alpha", "mid", "nope"} {
		ok(t, c.DeleteBucketStyle("styles", n))
	}
	list, err = c.ListBucketStyle("styles")
	ok(t, err)
	require.Empty(t, list.Style)
}
