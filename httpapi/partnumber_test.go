package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// TestPartNumberRange checks that part numbers outside 1..10000 are refused
// on every multipart operation. Part records are keyed by 32-bit numbers,
// so without the check one 5 MiB part listed as 1, 1+2^32 and 1+2^33 in a
// Complete request would build a 15 MiB object out of a single upload.
func TestPartNumberRange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pnum")})
	require.NoError(t, err)
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("pnum"), Key: aws.String("k")})
	require.NoError(t, err)
	id := aws.ToString(cr.UploadId)
	part := pattern(5 << 20)
	up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("pnum"), Key: aws.String("k"), UploadId: cr.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(part)})
	require.NoError(t, err)
	etag := aws.ToString(up.ETag)

	complete := func(numbers ...int64) rawResponse {
		var b strings.Builder
		b.WriteString("<CompleteMultipartUpload>")
		for _, n := range numbers {
			fmt.Fprintf(&b, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", n, etag)
		}
		b.WriteString("</CompleteMultipartUpload>")
		return f.do(t, raw{method: "POST", path: "/pnum/k?uploadId=" + id, body: []byte(b.String())})
	}
	const wrap = 1 << 32
	for _, tc := range []struct {
		name    string
		numbers []int64
		code    string
	}{
		{"wrapped numbers", []int64{1, 1 + wrap, 1 + 2*wrap}, "InvalidArgument"},
		{"negative wrapping to 1", []int64{1 - wrap}, "InvalidArgument"},
		{"zero", []int64{0, 1}, "InvalidArgument"},
		{"above the maximum", []int64{1, 10001}, "InvalidArgument"},
		{"duplicate", []int64{1, 1}, "InvalidPartOrder"},
		{"descending", []int64{2, 1}, "InvalidPartOrder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := complete(tc.numbers...)
			require.Equal(t, 400, r.StatusCode, "%s", r.body)
			require.Equal(t, tc.code, r.errCode(), "%s", r.body)
			if tc.code == "InvalidArgument" {
				require.Contains(t, string(r.body), "Part number must be an integer between 1 and 10000, inclusive")
			}
			_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("pnum"), Key: aws.String("k")})
			wantCode(t, err, "NotFound")
		})
	}

	for _, n := range []string{"0", "-1", "10001", "4294967297", "x"} {
		r := f.do(t, raw{method: "PUT", path: "/pnum/k?partNumber=" + n + "&uploadId=" + id, body: []byte("data")})
		require.Equal(t, 400, r.StatusCode, "UploadPart %s: %s", n, r.body)
		require.Equal(t, "InvalidArgument", r.errCode(), "UploadPart %s", n)
		r = f.do(t, raw{method: "PUT", path: "/pnum/k?partNumber=" + n + "&uploadId=" + id,
			header: map[string][]string{"X-Amz-Copy-Source": {"/pnum/k"}}})
		require.Equal(t, 400, r.StatusCode, "UploadPartCopy %s: %s", n, r.body)
		require.Equal(t, "InvalidArgument", r.errCode(), "UploadPartCopy %s", n)
	}
	for _, marker := range []string{"10001", "4294967296"} {
		r := f.do(t, raw{method: "GET", path: "/pnum/k?uploadId=" + id + "&part-number-marker=" + marker})
		require.Equal(t, 400, r.StatusCode, "ListParts marker %s: %s", marker, r.body)
		require.Equal(t, "InvalidArgument", r.errCode())
	}
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("pnum"), Key: aws.String("k"), UploadId: cr.UploadId,
		PartNumberMarker: aws.String("10000")})
	require.NoError(t, err)
	require.Empty(t, lp.Parts)

	// The single part is still there and completes as itself.
	r := complete(1)
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("pnum"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Equal(t, int64(len(part)), aws.ToInt64(h.ContentLength))
}
