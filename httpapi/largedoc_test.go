package httpapi_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/stretchr/testify/require"
)

// TestCompleteTenThousandPartsWithChecksums completes an upload of 10,000
// parts, each listed with its CRC32 as aws-sdk-go-v2 does by default: the
// document is about 1.4 MB and must be accepted (it used to be refused
// with MaxMessageLengthExceeded under a 1 MiB cap).
func TestCompleteTenThousandPartsWithChecksums(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithMinPartSize(-1)}})
	ctx := context.Background()
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("many")})
	require.NoError(t, err)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("many"), Key: aws.String("obj"),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	require.NoError(t, err)
	// The parts go in through the engine (10,000 HTTP uploads would only
	// slow the test); the document under test is Complete's.
	var parts []types.CompletedPart
	var want strings.Builder
	for n := 1; n <= 10000; n++ {
		data := fmt.Sprintf("%05d", n)
		want.WriteString(data)
		p, err := f.eng.UploadPart(ctx, "many", "obj", *up.UploadId, n, strings.NewReader(data), int64(len(data)),
			engine.PartOptions{Checksum: &engine.ChecksumInput{Algorithm: checksum.CRC32}})
		require.NoError(t, err)
		sum := crc32.ChecksumIEEE([]byte(data))
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(n)), ETag: aws.String(`"` + p.ETag + `"`),
			ChecksumCRC32: aws.String(checksum.Encode([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)}))})
	}
	res, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("many"), Key: aws.String("obj"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(aws.ToString(res.ETag), `-10000"`), aws.ToString(res.ETag))
	r := f.do(t, raw{method: "GET", path: "/many/obj"})
	require.Equal(t, want.String(), string(r.body))
}

// TestDeleteObjectsControlCharacterKeys deletes keys holding control
// characters, sent as character references (&#x0C;) the way the Aliyun
// SDKs and S3 send them; encoding/xml alone refuses them.
func TestDeleteObjectsControlCharacterKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "ctl", engine.BucketOptions{}))
	keys := []string{"form\x0cfeed", "vertical\x0btab", "bell\x07", "plain"}
	for _, k := range keys {
		_, err := f.eng.PutObject(ctx, "ctl", k, strings.NewReader("x"), 1, engine.PutOptions{})
		require.NoError(t, err)
	}
	doc := `<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>false</Quiet>` +
		`<Object><Key>form&#x0C;feed</Key></Object><Object><Key>vertical&#11;tab</Key></Object>` +
		`<Object><Key>bell&#x7;</Key></Object><Object><Key>plain</Key></Object></Delete>`
	for _, sign := range []string{"v4", "oss-v4"} {
		h := hdr("Content-Md5", md5b64([]byte(doc)))
		r := f.do(t, raw{method: "POST", path: "/ctl?delete", header: h, body: []byte(doc), sign: sign})
		require.Equal(t, 200, r.StatusCode, "%s: %s", sign, r.body)
	}
	res, err := f.eng.ListObjects(ctx, "ctl", engine.ListOptions{})
	require.NoError(t, err)
	require.Empty(t, res.Objects)
}

func md5b64(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}
