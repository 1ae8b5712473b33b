package httpapi_test

import (
	"bytes"
	"hash/crc64"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestCRC64OnlyWhereReported: bodies written through S3 skip the
// CRC-64/ECMA that only OSS reports. OSS then answers them without
// x-oss-hash-crc64ecma (as it does for objects it has no CRC for), and
// both Aliyun SDKs, CRC checks on, read them; bodies written through OSS
// keep theirs.
func TestCRC64OnlyWhereReported(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	s := f.client()
	const bk = "crc-cross"
	_, err := s.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	must(t, err)
	body := pattern(300 << 10)
	_, err = s.PutObject(bg, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("s3"), Body: bytes.NewReader(body)})
	must(t, err)
	// A multipart object whose parts came through S3.
	up, err := s.CreateMultipartUpload(bg, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("s3-mp")})
	must(t, err)
	part := pattern(5 << 20)
	var parts []types.CompletedPart
	for n := int32(1); n <= 2; n++ {
		p, err := s.UploadPart(bg, &s3.UploadPartInput{Bucket: aws.String(bk), Key: aws.String("s3-mp"), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(part)})
		must(t, err)
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: p.ETag})
	}
	_, err = s.CompleteMultipartUpload(bg, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("s3-mp"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	must(t, err)

	c2 := f.ossV2(testAK, testSK)
	v1, err := f.ossV1(t, testAK, testSK).Bucket(bk)
	must(t, err)
	for key, want := range map[string][]byte{"s3": body, "s3-mp": append(append([]byte(nil), part...), part...)} {
		got, res := v2Get(t, c2, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
		if got != string(want) || res.HashCRC64 != nil {
			t.Fatalf("%s: GetObject through OSS: %d bytes, CRC64 %v", key, len(got), res.HashCRC64)
		}
		head, err := c2.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
		must(t, err)
		if head.HashCRC64 != nil {
			t.Fatalf("%s: HeadObject reports CRC64 %s", key, *head.HashCRC64)
		}
		// The SDKs' CRC-checked downloads.
		file := filepath.Join(t.TempDir(), key)
		d := c2.NewDownloader()
		_, err = d.DownloadFile(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)}, file)
		must(t, err)
		b, err := os.ReadFile(file)
		must(t, err)
		if !bytes.Equal(b, want) {
			t.Fatalf("%s: v2 downloader read %d bytes", key, len(b))
		}
		must(t, v1.GetObjectToFile(key, file+".v1"))
		if b, err = os.ReadFile(file + ".v1"); err != nil || !bytes.Equal(b, want) {
			t.Fatalf("%s: v1 GetObjectToFile: %d bytes, %v", key, len(b), err)
		}
	}

	// Written through OSS, the same body has its CRC64.
	put, err := c2.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("oss"), Body: bytes.NewReader(body)})
	must(t, err)
	wantCRC := strconv.FormatUint(crc64.Checksum(body, crc64.MakeTable(crc64.ECMA)), 10)
	if put.HashCRC64 == nil || *put.HashCRC64 != wantCRC {
		t.Fatalf("OSS PutObject CRC64 %v, want %s", put.HashCRC64, wantCRC)
	}
	_, res := v2Get(t, c2, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("oss")})
	if res.HashCRC64 == nil || *res.HashCRC64 != wantCRC {
		t.Fatalf("OSS GetObject CRC64 %v, want %s", res.HashCRC64, wantCRC)
	}
}
