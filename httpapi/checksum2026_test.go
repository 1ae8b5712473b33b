package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checksumOf returns the checksum of algorithm cs that minio-go read from
// a response.
func checksumOf(info minio.ObjectInfo, cs minio.ChecksumType) string {
	switch cs.Base() {
	case minio.ChecksumCRC32:
		return info.ChecksumCRC32
	case minio.ChecksumCRC32C:
		return info.ChecksumCRC32C
	case minio.ChecksumCRC64NVME:
		return info.ChecksumCRC64NVME
	case minio.ChecksumSHA1:
		return info.ChecksumSHA1
	case minio.ChecksumSHA256:
		return info.ChecksumSHA256
	case minio.ChecksumMD5:
		return info.ChecksumMD5
	case minio.ChecksumSHA512:
		return info.ChecksumSHA512
	case minio.ChecksumXXHash64:
		return info.ChecksumXXHash64
	case minio.ChecksumXXHash3:
		return info.ChecksumXXHash3
	case minio.ChecksumXXHash128:
		return info.ChecksumXXHash128
	}
	return ""
}

// uploadChecksumOf is checksumOf for an upload's answer.
func uploadChecksumOf(info minio.UploadInfo, cs minio.ChecksumType) string {
	return checksumOf(minio.ObjectInfo{
		ChecksumCRC32: info.ChecksumCRC32, ChecksumCRC32C: info.ChecksumCRC32C, ChecksumCRC64NVME: info.ChecksumCRC64NVME,
		ChecksumSHA1: info.ChecksumSHA1, ChecksumSHA256: info.ChecksumSHA256, ChecksumMD5: info.ChecksumMD5,
		ChecksumSHA512: info.ChecksumSHA512, ChecksumXXHash64: info.ChecksumXXHash64, ChecksumXXHash3: info.ChecksumXXHash3,
		ChecksumXXHash128: info.ChecksumXXHash128,
	}, cs)
}

// clientSum is minio-go's own checksum of data, and the composite of
// parts of partSize when partSize > 0 ("<sum of the parts' sums>-N").
func clientSum(cs minio.ChecksumType, data []byte, partSize int) string {
	if partSize == 0 {
		h := cs.Hasher()
		h.Write(data)
		return base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	var all []byte
	n := 0
	for off := 0; off < len(data); off += partSize {
		h := cs.Hasher()
		h.Write(data[off:min(off+partSize, len(data))])
		all = h.Sum(all)
		n++
	}
	h := cs.Hasher()
	h.Write(all)
	return fmt.Sprintf("%s-%d", base64.StdEncoding.EncodeToString(h.Sum(nil)), n)
}

// TestChecksums2026 drives the checksum algorithms S3 added in 2026 (MD5,
// SHA512, XXHASH64, XXHASH3, XXHASH128) through minio-go, which computes
// them itself: a single PUT with the checksum in a header and in a
// trailer, a multipart upload (a COMPOSITE checksum, as S3 keeps for
// them), HEAD with checksum mode, and copies, which carry a full-object
// checksum: of the same algorithm for a multipart source, of the one
// x-amz-checksum-algorithm names (and no other) when given.
func TestChecksums2026(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	u, _ := url.Parse(f.srv.URL)
	ctx := context.Background()
	newClient := func(trailing bool) *minio.Client {
		c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(testAK, testSK, ""),
			Transport: f.httpClient().Transport, TrailingHeaders: trailing})
		require.NoError(t, err)
		return c
	}
	headers, trailers := newClient(false), newClient(true)
	require.NoError(t, headers.MakeBucket(ctx, "sums", minio.MakeBucketOptions{}))
	small := []byte("hello world")
	big := pattern(11<<20 + 5)
	const partSize = 5 << 20

	for _, cs := range []minio.ChecksumType{minio.ChecksumMD5, minio.ChecksumSHA512, minio.ChecksumXXHash64,
		minio.ChecksumXXHash3, minio.ChecksumXXHash128, minio.ChecksumSHA256} {
		t.Run(cs.String(), func(t *testing.T) {
			// In a header (minio-go sends these only as trailers).
			want := clientSum(cs, small, 0)
			hdrName := http.CanonicalHeaderKey("X-Amz-Checksum-" + cs.String())
			resp := f.do(t, raw{method: http.MethodPut, path: "/sums/" + cs.String() + "-header", body: small,
				header: http.Header{hdrName: {want}}})
			require.Equal(t, http.StatusOK, resp.StatusCode, "%s", resp.body)
			assert.Equal(t, want, resp.Header.Get(hdrName))
			bad := clientSum(cs, []byte("other"), 0)
			resp = f.do(t, raw{method: http.MethodPut, path: "/sums/" + cs.String() + "-bad", body: small,
				header: http.Header{hdrName: {bad}}})
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", resp.body)
			assert.Equal(t, "BadDigest", resp.errCode())

			// In a trailer.
			up, err := trailers.PutObject(ctx, "sums", cs.String()+"-trailer", bytes.NewReader(small), int64(len(small)),
				minio.PutObjectOptions{Checksum: cs, DisableMultipart: true})
			require.NoError(t, err)
			assert.Equal(t, want, uploadChecksumOf(up, cs))
			for _, key := range []string{cs.String() + "-header", cs.String() + "-trailer"} {
				st, err := headers.StatObject(ctx, "sums", key, minio.StatObjectOptions{Checksum: true})
				require.NoError(t, err)
				assert.Equal(t, want, checksumOf(st, cs), key)
				assert.Empty(t, st.ChecksumCRC64NVME, "an object uploaded with a checksum has no other")
			}

			key := cs.String() + "-multipart"
			up, err = trailers.PutObject(ctx, "sums", key, bytes.NewReader(big), int64(len(big)),
				minio.PutObjectOptions{Checksum: cs, PartSize: partSize})
			require.NoError(t, err)
			composite := clientSum(cs, big, partSize)
			assert.Equal(t, composite, uploadChecksumOf(up, cs))
			st, err := trailers.StatObject(ctx, "sums", key, minio.StatObjectOptions{Checksum: true})
			require.NoError(t, err)
			assert.Equal(t, composite, checksumOf(st, cs))
			assert.Equal(t, "COMPOSITE", st.ChecksumMode)

			// A copy is not multipart: it gets the full object's checksum.
			_, err = headers.CopyObject(ctx, minio.CopyDestOptions{Bucket: "sums", Object: key + "-copy"},
				minio.CopySrcOptions{Bucket: "sums", Object: key})
			require.NoError(t, err)
			st, err = headers.StatObject(ctx, "sums", key+"-copy", minio.StatObjectOptions{Checksum: true})
			require.NoError(t, err)
			assert.Equal(t, clientSum(cs, big, 0), checksumOf(st, cs))
			assert.Equal(t, "FULL_OBJECT", st.ChecksumMode)

			// x-amz-checksum-algorithm replaces the source's checksum.
			_, err = headers.CopyObject(ctx, minio.CopyDestOptions{Bucket: "sums", Object: key + "-crc32c", ChecksumType: minio.ChecksumCRC32C},
				minio.CopySrcOptions{Bucket: "sums", Object: key})
			require.NoError(t, err)
			st, err = headers.StatObject(ctx, "sums", key+"-crc32c", minio.StatObjectOptions{Checksum: true})
			require.NoError(t, err)
			assert.Equal(t, clientSum(minio.ChecksumCRC32C, big, 0), st.ChecksumCRC32C)
			assert.Empty(t, checksumOf(st, cs))
			assert.Empty(t, st.ChecksumCRC64NVME)
		})
	}

	// x-amz-checksum-algorithm with no value to check: the server computes
	// that checksum instead of the default CRC64NVME. minio-go sends
	// CRC32C so on every PutObject of a client with trailing headers.
	up, err := trailers.PutObject(ctx, "sums", "auto", bytes.NewReader(small), int64(len(small)), minio.PutObjectOptions{DisableMultipart: true})
	require.NoError(t, err)
	assert.Equal(t, clientSum(minio.ChecksumCRC32C, small, 0), up.ChecksumCRC32C)
	assert.Empty(t, up.ChecksumCRC64NVME)
	resp := f.do(t, raw{method: http.MethodPut, path: "/sums/auto-sha512", body: small, header: http.Header{"X-Amz-Checksum-Algorithm": {"sha512"}}})
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", resp.body)
	assert.Equal(t, clientSum(minio.ChecksumSHA512, small, 0), resp.Header.Get("X-Amz-Checksum-Sha512"))

	// An algorithm S3 does not know is refused, naming the ones it does
	// (PutObject, which ignores the header, takes it:
	// TestS3PutIgnoresUnknownChecksumAlgorithm).
	for _, q := range []raw{
		{method: http.MethodPost, path: "/sums/x?uploads", header: http.Header{"X-Amz-Checksum-Algorithm": {"SHA384"}}},
		{method: http.MethodPut, path: "/sums/x", header: http.Header{"X-Amz-Checksum-Algorithm": {"SHA384"}, "X-Amz-Copy-Source": {"/sums/MD5-header"}}},
	} {
		resp = f.do(t, q)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", resp.body)
		assert.Equal(t, "InvalidRequest", resp.errCode())
		assert.Contains(t, string(resp.body), "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256, MD5, SHA512, XXHASH64, XXHASH3, XXHASH128]")
	}
}
