package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"hash/crc64"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

var bg = context.Background()

// TestOSSV2Buckets drives the bucket operations through
// alibabacloud-oss-go-sdk-v2 (signature v4, its default).
func TestOSSV2Buckets(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("v2-bucket"), Acl: oss2.BucketACLPublicRead,
		CreateBucketConfiguration: &oss2.CreateBucketConfiguration{StorageClass: oss2.StorageClassArchive}})
	ok(t, err)
	_, err = c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("v2-other")})
	ok(t, err)

	lb, err := c.ListBuckets(bg, &oss2.ListBucketsRequest{})
	ok(t, err)
	if len(lb.Buckets) != 2 || *lb.Buckets[0].Name != "v2-bucket" || *lb.Buckets[0].StorageClass != "Archive" ||
		!strings.HasPrefix(*lb.Buckets[0].Location, "oss-") || *lb.Buckets[0].Region == "" || *lb.Buckets[0].ExtranetEndpoint == "" {
		t.Fatalf("ListBuckets: %+v", lb)
	}
	var names []string
	p := c.NewListBucketsPaginator(&oss2.ListBucketsRequest{MaxKeys: 1})
	for p.HasNext() {
		page, err := p.NextPage(bg)
		ok(t, err)
		for _, b := range page.Buckets {
			names = append(names, *b.Name)
		}
	}
	if strings.Join(names, ",") != "v2-bucket,v2-other" {
		t.Fatalf("paginated buckets %v", names)
	}

	info, err := c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("v2-bucket")})
	ok(t, err)
	bi := info.BucketInfo
	if *bi.Name != "v2-bucket" || *bi.ACL != "public-read" || *bi.StorageClass != "Archive" || *bi.AccessMonitor == "" ||
		!strings.HasPrefix(*bi.Location, "oss-") || *bi.Owner.ID == "" || *bi.ResourceGroupId == "" ||
		bi.BlockPublicAccess == nil || bi.CreationDate == nil {
		t.Fatalf("GetBucketInfo: %s %s %s %s %v %v %v %v %v %v", *bi.Name, *bi.ACL, *bi.StorageClass, *bi.Location, oss2.ToString(bi.Owner.ID), oss2.ToString(bi.ResourceGroupId), oss2.ToString(bi.AccessMonitor), oss2.ToString(bi.SseRule.SSEAlgorithm), bi.BlockPublicAccess, bi.CreationDate)
	}
	loc, err := c.GetBucketLocation(bg, &oss2.GetBucketLocationRequest{Bucket: oss2.Ptr("v2-bucket")})
	ok(t, err)
	if *loc.LocationConstraint != "oss-us-east-1" {
		t.Fatalf("GetBucketLocation %q", *loc.LocationConstraint)
	}
	acl, err := c.GetBucketAcl(bg, &oss2.GetBucketAclRequest{Bucket: oss2.Ptr("v2-bucket")})
	ok(t, err)
	if *acl.ACL != "public-read" || *acl.Owner.ID == "" {
		t.Fatalf("GetBucketAcl %+v", acl)
	}

	// Bucket tags (suite BucketTags has the rest): an empty TagSet when
	// none, 200 on put, 204 on delete.
	bt, err := c.GetBucketTags(bg, &oss2.GetBucketTagsRequest{Bucket: oss2.Ptr("v2-bucket")})
	ok(t, err)
	if bt.Tagging == nil || bt.Tagging.TagSet == nil || len(bt.Tagging.TagSet.Tags) != 0 {
		t.Fatalf("GetBucketTags empty %+v", bt.Tagging)
	}
	pt, err := c.PutBucketTags(bg, &oss2.PutBucketTagsRequest{Bucket: oss2.Ptr("v2-bucket"),
		Tagging: &oss2.Tagging{TagSet: &oss2.TagSet{Tags: []oss2.Tag{{Key: oss2.Ptr("team"), Value: oss2.Ptr("storage")}}}}})
	ok(t, err)
	if pt.StatusCode != 200 {
		t.Fatalf("PutBucketTags status %d", pt.StatusCode)
	}
	dt, err := c.DeleteBucketTags(bg, &oss2.DeleteBucketTagsRequest{Bucket: oss2.Ptr("v2-bucket")})
	ok(t, err)
	if dt.StatusCode != 204 {
		t.Fatalf("DeleteBucketTags status %d", dt.StatusCode)
	}

	// Errors.
	_, err = c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("no-such-bucket")})
	e := wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
	if e.message != "The specified bucket does not exist." || e.headers.Get("x-oss-ec") != "0015-00000101" {
		t.Fatalf("message %q, headers %v", e.message, e.headers)
	}
	other := f.ossV2(otherAK, otherSK)
	_, err = other.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("v2-bucket")})
	wantOSS(t, err, 409, "BucketAlreadyExists", "0015-00000104")
	_, err = other.GetBucketAcl(bg, &oss2.GetBucketAclRequest{Bucket: oss2.Ptr("v2-bucket")})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = f.ossV2("NOSUCHKEY", "x").ListBuckets(bg, &oss2.ListBucketsRequest{})
	wantOSS(t, err, 403, "InvalidAccessKeyId", "0002-00000902")
	_, err = f.ossV2(testAK, "wrong").ListBuckets(bg, &oss2.ListBucketsRequest{})
	e = wantOSS(t, err, 403, "SignatureDoesNotMatch", "")
	if !strings.Contains(string(e.snapshot), "<StringToSign>OSS4-HMAC-SHA256") || !strings.Contains(string(e.snapshot), "<OSSAccessKeyId>"+testAK) {
		t.Fatalf("no StringToSign: %s", e.snapshot)
	}
	_, err = c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("v2-bad"),
		CreateBucketConfiguration: &oss2.CreateBucketConfiguration{StorageClass: "Glacier"}})
	wantOSS(t, err, 400, "InvalidArgument", "")
}

// v2Bucket creates a bucket.
func v2Bucket(t *testing.T, c *oss2.Client, name string) {
	t.Helper()
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(name)})
	ok(t, err)
}

// v2Get reads a whole object.
func v2Get(t *testing.T, c *oss2.Client, req *oss2.GetObjectRequest) (string, *oss2.GetObjectResult) {
	t.Helper()
	res, err := c.GetObject(bg, req)
	ok(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	ok(t, err)
	return string(b), res
}

// TestOSSV2Objects drives the object operations through
// alibabacloud-oss-go-sdk-v2 (v4 signatures, CRC64 checks on).
func TestOSSV2Objects(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "v2-objects"
	v2Bucket(t, c, bk)
	body := string(pattern(300 << 10))
	key := "dir/ü x+y?z#.txt"
	put, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Body: strings.NewReader(body),
		Metadata: map[string]string{"Color": "blue"}, ContentType: oss2.Ptr("text/plain"), StorageClass: oss2.StorageClassIA,
		Tagging: oss2.Ptr("k=v&k2=v%202")})
	ok(t, err)
	sum := md5.Sum([]byte(body))
	wantETag := `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
	wantCRC := strconv.FormatUint(crc64.Checksum([]byte(body), crc64.MakeTable(crc64.ECMA)), 10)
	if *put.ETag != wantETag || *put.HashCRC64 != wantCRC {
		t.Fatalf("PutObject %s %s", *put.ETag, *put.HashCRC64)
	}
	got, res := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
	if got != body || *res.HashCRC64 != wantCRC || *res.ObjectType != "Normal" {
		t.Fatalf("GetObject %+v", res)
	}

	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
	ok(t, err)
	if *head.ETag != wantETag || *head.HashCRC64 != wantCRC || *head.ObjectType != "Normal" {
		t.Fatalf("HeadObject %+v", head)
	}
	meta, err := c.GetObjectMeta(bg, &oss2.GetObjectMetaRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
	ok(t, err)
	if *meta.ETag != wantETag || meta.ContentLength != int64(len(body)) || *meta.HashCRC64 != wantCRC {
		t.Fatalf("GetObjectMeta %+v", meta)
	}
	exists, err := c.IsObjectExist(bg, bk, key)
	ok(t, err)
	if !exists {
		t.Fatal("IsObjectExist false")
	}
	exists, err = c.IsObjectExist(bg, bk, "missing")
	ok(t, err)
	if exists {
		t.Fatal("IsObjectExist true")
	}
	_, err = c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("missing")})
	e := wantOSS(t, err, 404, "NoSuchKey", "0026-00000001")
	if e.message != "The specified key does not exist." {
		t.Fatalf("HEAD error without x-oss-err: %q", e.message)
	}
	_, err = c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), IfMatch: oss2.Ptr(`"00"`)})
	wantOSS(t, err, 412, "PreconditionFailed", "")

	// Copy (suite Copy, CopyErrors cover the rest): upper-case ETag, CRC64.
	cp, err := c.CopyObject(bg, &oss2.CopyObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copy"), SourceKey: oss2.Ptr(key)})
	ok(t, err)
	if *cp.ETag != wantETag || *cp.HashCRC64 != wantCRC {
		t.Fatalf("CopyObject %+v", cp)
	}

	// ACL (suite ACL has the canned ones): "default", and an invalid one.
	acl, err := c.GetObjectAcl(bg, &oss2.GetObjectAclRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
	ok(t, err)
	if *acl.ACL != "default" {
		t.Fatalf("GetObjectAcl %v", *acl.ACL)
	}
	_, err = c.PutObjectAcl(bg, &oss2.PutObjectAclRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Acl: "everyone"})
	wantOSS(t, err, 400, "InvalidArgument", "")

	// Listing (suite ListV1, ListV2, ListPaging, ListModel): the object type.
	lo, err := c.ListObjects(bg, &oss2.ListObjectsRequest{Bucket: oss2.Ptr(bk)})
	ok(t, err)
	if len(lo.Contents) == 0 || *lo.Contents[0].Type != "Normal" {
		t.Fatalf("ListObjects %+v", lo)
	}

	// Deletes (suite Delete, DeleteMany): quiet, and the EC of BucketNotEmpty.
	dr, err := c.DeleteMultipleObjects(bg, &oss2.DeleteMultipleObjectsRequest{Bucket: oss2.Ptr(bk), Quiet: true,
		Objects: []oss2.DeleteObject{{Key: oss2.Ptr("copy")}}})
	ok(t, err)
	if len(dr.DeletedObjects) != 0 {
		t.Fatalf("quiet DeleteMultipleObjects %+v", dr)
	}
	_, err = c.DeleteBucket(bg, &oss2.DeleteBucketRequest{Bucket: oss2.Ptr(bk)})
	wantOSS(t, err, 409, "BucketNotEmpty", "0015-00000301")

	// Errors.
	_, err = c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("missing")})
	wantOSS(t, err, 404, "NoSuchKey", "0026-00000001")
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Body: strings.NewReader("abc"),
		ContentMD5: oss2.Ptr("AAAAAAAAAAAAAAAAAAAAAA==")})
	wantOSS(t, err, 400, "InvalidDigest", "")
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(strings.Repeat("k", 1024)), Body: strings.NewReader("abc")})
	wantOSS(t, err, 400, "InvalidObjectName", "")
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Body: strings.NewReader("abc"), StorageClass: "Cold"})
	wantOSS(t, err, 400, "InvalidArgument", "")
	_, err = f.ossV2(otherAK, otherSK).GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
	wantOSS(t, err, 403, "AccessDenied", "")
}

// TestOSSV2Multipart drives every multipart operation through
// alibabacloud-oss-go-sdk-v2, and its Uploader, Downloader and Copier,
// CRC64 checks on.
func TestOSSV2Multipart(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "v2-multipart"
	v2Bucket(t, c, bk)
	key := "big/ü+object"
	_, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("source"), Body: strings.NewReader(strings.Repeat("S", 200<<10))})
	ok(t, err)

	im, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key),
		Metadata: map[string]string{"kind": "mp"}, StorageClass: oss2.StorageClassIA})
	ok(t, err)
	if *im.Key != key || *im.UploadId == "" {
		t.Fatalf("Initiate %+v", im)
	}
	part1 := string(pattern(120 << 10))
	u1, err := c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), UploadId: im.UploadId, PartNumber: 1, Body: strings.NewReader(part1)})
	ok(t, err)
	if *u1.HashCRC64 != strconv.FormatUint(crc64.Checksum([]byte(part1), crc64.MakeTable(crc64.ECMA)), 10) {
		t.Fatalf("UploadPart CRC %s", *u1.HashCRC64)
	}
	u2, err := c.UploadPartCopy(bg, &oss2.UploadPartCopyRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), UploadId: im.UploadId, PartNumber: 2,
		SourceKey: oss2.Ptr("source"), Range: oss2.Ptr("bytes=0-102399")})
	ok(t, err)
	u3, err := c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), UploadId: im.UploadId, PartNumber: 3, Body: strings.NewReader("end")})
	ok(t, err)
	lp, err := c.ListParts(bg, &oss2.ListPartsRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), UploadId: im.UploadId})
	ok(t, err)
	// Suite ListParts, ListUploads, MultipartErrors and UploadPartCopy cover
	// the rest; the CRC64s are OSS's.
	if len(lp.Parts) != 3 || lp.Parts[0].HashCRC64 == nil {
		t.Fatalf("ListParts %+v", lp)
	}
	cm, err := c.CompleteMultipartUpload(bg, &oss2.CompleteMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), UploadId: im.UploadId,
		CompleteMultipartUpload: &oss2.CompleteMultipartUpload{Parts: []oss2.UploadPart{{PartNumber: 1, ETag: u1.ETag}, {PartNumber: 2, ETag: u2.ETag}, {PartNumber: 3, ETag: u3.ETag}}}})
	ok(t, err)
	want := part1 + strings.Repeat("S", 100<<10) + "end"
	wantCRC := strconv.FormatUint(crc64.Checksum([]byte(want), crc64.MakeTable(crc64.ECMA)), 10)
	if *cm.Key != key || *cm.HashCRC64 != wantCRC || *cm.ETag == "" {
		t.Fatalf("Complete %+v", cm)
	}
	got, res := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
	if got != want || *res.ObjectType != "Multipart" {
		t.Fatalf("completed object %+v", res)
	}

	// x-oss-complete-all.
	im2, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("all")})
	ok(t, err)
	for n := int32(1); n <= 2; n++ {
		_, err = c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("all"), UploadId: im2.UploadId, PartNumber: n, Body: strings.NewReader(part1)})
		ok(t, err)
	}
	_, err = c.CompleteMultipartUpload(bg, &oss2.CompleteMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("all"), UploadId: im2.UploadId, CompleteAll: oss2.Ptr("yes")})
	ok(t, err)
	got, _ = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("all")})
	if got != part1+part1 {
		t.Fatal("complete-all body")
	}

	// The ECs and message of NoSuchUpload (suite MultipartErrors has the
	// codes).
	gone := oss2.Ptr("00000000000000000000000000000000")
	_, err = c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("x"), UploadId: gone, PartNumber: 1, Body: strings.NewReader("x")})
	e := wantOSS(t, err, 404, "NoSuchUpload", "0042-00000104")
	if e.message != "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed." {
		t.Fatalf("message %q", e.message)
	}
	_, err = c.UploadPartCopy(bg, &oss2.UploadPartCopyRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("x"), UploadId: gone, PartNumber: 1, SourceKey: oss2.Ptr("source")})
	wantOSS(t, err, 404, "NoSuchUpload", "0042-00000311")
	_, err = c.ListParts(bg, &oss2.ListPartsRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("x"), UploadId: gone})
	wantOSS(t, err, 404, "NoSuchUpload", "0042-00000002")
	_, err = c.AbortMultipartUpload(bg, &oss2.AbortMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("x"), UploadId: gone})
	wantOSS(t, err, 404, "NoSuchUpload", "0042-00000002")
	im4, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("small")})
	ok(t, err)
	for n := int32(1); n <= 2; n++ {
		_, err = c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("small"), UploadId: im4.UploadId, PartNumber: n, Body: strings.NewReader("tiny")})
		ok(t, err)
	}
	// An empty part list completes as an empty object, as OSS does (the
	// v2 uploader sends it for an empty stream).
	_, err = c.CompleteMultipartUpload(bg, &oss2.CompleteMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("small"), UploadId: im4.UploadId,
		CompleteMultipartUpload: &oss2.CompleteMultipartUpload{}})
	ok(t, err)
	emptyHead, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("small")})
	ok(t, err)
	if emptyHead.ContentLength != 0 {
		t.Fatalf("empty complete: size %d", emptyHead.ContentLength)
	}
	emptyUp, err := c.NewUploader().UploadFrom(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("empty-upload")}, strings.NewReader(""))
	ok(t, err)
	_ = emptyUp

	// Uploader (multipart with parallel parts), Downloader, Copier.
	data := pattern(1<<20 + 17)
	up, err := c.NewUploader(func(o *oss2.UploaderOptions) { o.PartSize = 200 << 10; o.ParallelNum = 3 }).
		UploadFrom(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("uploaded")}, bytes.NewReader(data))
	ok(t, err)
	if up.HashCRC64 == nil || *up.HashCRC64 != strconv.FormatUint(crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)), 10) {
		t.Fatalf("Uploader %+v", up)
	}
	dst := t.TempDir() + "/out"
	_, err = c.NewDownloader(func(o *oss2.DownloaderOptions) { o.PartSize = 300 << 10 }).
		DownloadFile(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("uploaded")}, dst)
	ok(t, err)
	gotData, err := os.ReadFile(dst)
	ok(t, err)
	if !bytes.Equal(gotData, data) {
		t.Fatal("Downloader body differs")
	}
	_, err = c.NewCopier(func(o *oss2.CopierOptions) { o.PartSize = 200 << 10; o.MultipartCopyThreshold = 500 << 10 }).
		Copy(bg, &oss2.CopyObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copied"), SourceKey: oss2.Ptr("uploaded")})
	ok(t, err)
	got, _ = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("copied")})
	if got != string(data) {
		t.Fatal("Copier body differs")
	}
}

// TestOSSV2Special drives AppendObject (and AppendOnlyFile),
// SealAppendObject, symlinks and RestoreObject through
// alibabacloud-oss-go-sdk-v2, CRC64 checks on.
func TestOSSV2Special(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "v2-special"
	v2Bucket(t, c, bk)

	a1, err := c.AppendObject(bg, &oss2.AppendObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(0)),
		Body: strings.NewReader("first "), InitHashCRC64: oss2.Ptr("0"), Metadata: map[string]string{"kind": "log"}})
	ok(t, err)
	if a1.NextPosition != 6 || a1.HashCRC64 == nil {
		t.Fatalf("append 1 %+v", a1)
	}
	a2, err := c.AppendObject(bg, &oss2.AppendObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("log"), Position: oss2.Ptr(a1.NextPosition),
		Body: strings.NewReader("second"), InitHashCRC64: a1.HashCRC64})
	ok(t, err)
	if a2.NextPosition != 12 || *a2.HashCRC64 != strconv.FormatUint(crc64.Checksum([]byte("first second"), crc64.MakeTable(crc64.ECMA)), 10) {
		t.Fatalf("append 2 %+v", a2)
	}
	_, err = c.AppendObject(bg, &oss2.AppendObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(1)), Body: strings.NewReader("x")})
	e := wantOSS(t, err, 409, "PositionNotEqualToLength", "0026-00000016")
	if e.headers.Get("X-Oss-Next-Append-Position") != "12" {
		t.Fatalf("no next position on 409: %v", e.headers)
	}
	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("log")})
	ok(t, err)
	if *head.ObjectType != "Appendable" || *head.NextAppendPosition != "12" || head.Metadata["kind"] != "log" {
		t.Fatalf("appendable head %+v", head)
	}
	_, err = c.SealAppendObject(bg, &oss2.SealAppendObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(12))})
	e = wantOSS(t, err, 400, "OperationNotSupported", "0016-00000513")
	if e.message != "SealAppendable is not supported." {
		t.Fatalf("seal message %q", e.message)
	}
	af, err := c.AppendFile(bg, bk, "appended")
	ok(t, err)
	for _, part := range []string{"one ", "two ", "three"} {
		_, err = af.Write([]byte(part))
		ok(t, err)
	}
	ok(t, af.Close())
	got, _ := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("appended")})
	if got != "one two three" {
		t.Fatalf("AppendOnlyFile body %q", got)
	}
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("normal"), Body: strings.NewReader("n")})
	ok(t, err)
	_, err = c.AppendObject(bg, &oss2.AppendObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("normal"), Position: oss2.Ptr(int64(1)), Body: strings.NewReader("x")})
	wantOSS(t, err, 409, "ObjectNotAppendable", "")

	// Symlinks.
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link"), Target: oss2.Ptr("normal"),
		Metadata: map[string]string{"via": "link"}})
	ok(t, err)
	sl, err := c.GetSymlink(bg, &oss2.GetSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link")})
	ok(t, err)
	if *sl.Target != "normal" || sl.Metadata["via"] != "link" || sl.ETag == nil {
		t.Fatalf("GetSymlink %+v", sl)
	}
	got, res := v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link")})
	if got != "n" || *res.ObjectType != "Symlink" {
		t.Fatalf("through link %q %+v", got, res)
	}
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("dangling"), Target: oss2.Ptr("nowhere")})
	ok(t, err)
	_, err = c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("dangling")})
	wantOSS(t, err, 404, "SymlinkTargetNotExist", "")
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link2"), Target: oss2.Ptr("link")})
	ok(t, err)
	_, err = c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link2")})
	wantOSS(t, err, 400, "InvalidTargetType", "0026-00000011")
	_, err = c.GetSymlink(bg, &oss2.GetSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("normal")})
	wantOSS(t, err, 400, "NotSymlink", "")
	_, err = c.GetSymlink(bg, &oss2.GetSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("missing")})
	wantOSS(t, err, 404, "NoSuchKey", "")

	// Restore.
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold"), Body: strings.NewReader("frozen"), StorageClass: oss2.StorageClassColdArchive})
	ok(t, err)
	_, err = c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	wantOSS(t, err, 403, "InvalidObjectState", "")
	rr, err := c.RestoreObject(bg, &oss2.RestoreObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold"), RestoreRequest: &oss2.RestoreRequest{Days: 2}})
	ok(t, err)
	_, err = c.CleanRestoredObject(bg, &oss2.CleanRestoredObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	wantOSS(t, err, 409, "ArchiveRestoreNotFinished", "0016-00000719")
	if rr.StatusCode != 202 {
		t.Fatalf("restore status %d", rr.StatusCode)
	}
	_, err = c.RestoreObject(bg, &oss2.RestoreObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	wantOSS(t, err, 409, "RestoreAlreadyInProgress", "")
	head, err = c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	ok(t, err)
	if *head.Restore != `ongoing-request="true"` {
		t.Fatalf("restoring %+v", head)
	}
	f.clock.Advance(2 * time.Minute)
	got, _ = v2Get(t, c, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	if got != "frozen" {
		t.Fatalf("restored %q", got)
	}
	rr, err = c.RestoreObject(bg, &oss2.RestoreObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	ok(t, err)
	if rr.StatusCode != 200 {
		t.Fatalf("extend status %d", rr.StatusCode)
	}
	// CleanRestoredObject archives it again at once.
	_, err = c.CleanRestoredObject(bg, &oss2.CleanRestoredObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	ok(t, err)
	_, err = c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	wantOSS(t, err, 403, "InvalidObjectState", "")
	_, err = c.CleanRestoredObject(bg, &oss2.CleanRestoredObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("cold")})
	wantOSS(t, err, 409, "ArchiveRestoreFileStale", "0016-00000718")
	_, err = c.CleanRestoredObject(bg, &oss2.CleanRestoredObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("normal")})
	wantOSS(t, err, 400, "OperationNotSupported", "")
	_, err = c.RestoreObject(bg, &oss2.RestoreObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("normal")})
	wantOSS(t, err, 400, "OperationNotSupported", "")
	_, err = c.RestoreObject(bg, &oss2.RestoreObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("missing")})
	wantOSS(t, err, 404, "NoSuchKey", "")
}

// TestOSSV2ForbidOverwrite checks x-oss-forbid-overwrite on the writes
// that take it.
func TestOSSV2ForbidOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "v2-forbid"
	v2Bucket(t, c, bk)
	_, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Body: strings.NewReader("1"), ForbidOverwrite: oss2.Ptr("true")})
	ok(t, err)
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Body: strings.NewReader("2"), ForbidOverwrite: oss2.Ptr("true")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Body: strings.NewReader("3"), ForbidOverwrite: oss2.Ptr("false")})
	ok(t, err)
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Body: strings.NewReader("4"), ForbidOverwrite: oss2.Ptr("abc")})
	wantOSS(t, err, 400, "InvalidArgument", "0017-00000279") // neither true nor false: not taken for false
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("fresh"), Body: strings.NewReader("4"), ForbidOverwrite: oss2.Ptr("abc")})
	wantOSS(t, err, 400, "InvalidArgument", "0017-00000279")
	if ok, err := c.IsObjectExist(bg, bk, "fresh"); err != nil || ok {
		t.Fatalf("a refused write stored the object: %v %v", ok, err)
	}
	im, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k")})
	ok(t, err)
	_, err = c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), UploadId: im.UploadId, PartNumber: 1, Body: strings.NewReader("x")})
	ok(t, err)
	_, err = c.CompleteMultipartUpload(bg, &oss2.CompleteMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), UploadId: im.UploadId,
		CompleteAll: oss2.Ptr("yes"), Acl: oss2.ObjectACLPublicRead})
	ok(t, err)
	acl, err := c.GetObjectAcl(bg, &oss2.GetObjectAclRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k")})
	ok(t, err)
	if *acl.ACL != "public-read" {
		t.Fatalf("ACL after Complete %s", *acl.ACL)
	}
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Target: oss2.Ptr("t"), ForbidOverwrite: oss2.Ptr("true")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
}
