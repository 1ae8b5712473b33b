package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMinio drives the core operations through minio-go v7.
func TestMinio(t *testing.T) {
	for _, tls := range []bool{false, true} {
		name := map[bool]string{false: "http", true: "https"}[tls]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{tls: tls})
			u, _ := url.Parse(f.srv.URL)
			c, err := minio.New(u.Host, &minio.Options{
				Creds: credentials.NewStaticV4(testAK, testSK, ""), Secure: tls,
				Transport: f.httpClient().Transport,
			})
			must(t, err)
			ctx := context.Background()
			must(t, c.MakeBucket(ctx, "minio-bucket", minio.MakeBucketOptions{}))
			ok, err := c.BucketExists(ctx, "minio-bucket")
			must(t, err)
			if !ok {
				t.Fatal("bucket does not exist")
			}
			_, err = c.PutObject(ctx, "minio-bucket", "small.txt", strings.NewReader("hello world"), 11,
				minio.PutObjectOptions{ContentType: "text/plain", UserMetadata: map[string]string{"k": "v"}})
			must(t, err)
			// Large: multipart with 5 MiB parts.
			big := pattern(11<<20 + 7)
			info, err := c.PutObject(ctx, "minio-bucket", "dir/big.bin", bytes.NewReader(big), int64(len(big)), minio.PutObjectOptions{PartSize: 5 << 20})
			must(t, err)
			if !strings.HasSuffix(info.ETag, "-3") {
				t.Fatalf("multipart ETag %q", info.ETag)
			}
			// Unknown size: streamed upload.
			_, err = c.PutObject(ctx, "minio-bucket", "stream.bin", bytes.NewReader(pattern(100<<10)), -1, minio.PutObjectOptions{PartSize: 5 << 20})
			must(t, err)
			o, err := c.GetObject(ctx, "minio-bucket", "dir/big.bin", minio.GetObjectOptions{})
			must(t, err)
			got, err := io.ReadAll(o)
			must(t, err)
			if !bytes.Equal(got, big) {
				t.Fatalf("big object: %d bytes", len(got))
			}
			st, err := c.StatObject(ctx, "minio-bucket", "small.txt", minio.StatObjectOptions{})
			must(t, err)
			if st.Size != 11 || st.ContentType != "text/plain" || st.UserMetadata["K"] != "v" {
				t.Fatalf("stat %+v", st)
			}
			_, err = c.CopyObject(ctx, minio.CopyDestOptions{Bucket: "minio-bucket", Object: "copy.txt"}, minio.CopySrcOptions{Bucket: "minio-bucket", Object: "small.txt"})
			must(t, err)
			var keys []string
			for obj := range c.ListObjects(ctx, "minio-bucket", minio.ListObjectsOptions{Recursive: true}) {
				must(t, obj.Err)
				keys = append(keys, obj.Key)
			}
			if strings.Join(keys, ",") != "copy.txt,dir/big.bin,small.txt,stream.bin" {
				t.Fatalf("list %v", keys)
			}
			for obj := range c.ListObjects(ctx, "minio-bucket", minio.ListObjectsOptions{UseV1: true, Prefix: "dir/"}) {
				must(t, obj.Err)
				if obj.Key != "dir/big.bin" {
					t.Fatalf("v1 list: %q", obj.Key)
				}
			}
			must(t, c.RemoveObject(ctx, "minio-bucket", "copy.txt", minio.RemoveObjectOptions{}))
			objs := make(chan minio.ObjectInfo, 3)
			for _, k := range []string{"small.txt", "dir/big.bin", "stream.bin"} {
				objs <- minio.ObjectInfo{Key: k}
			}
			close(objs)
			for e := range c.RemoveObjects(ctx, "minio-bucket", objs, minio.RemoveObjectsOptions{}) {
				t.Fatalf("RemoveObjects: %v", e.Err)
			}
			must(t, c.RemoveBucket(ctx, "minio-bucket"))
		})
	}
}

// TestMinioTrailingHeaders uploads through minio-go with TrailingHeaders:
// over http it streams signed chunks with a signed trailer
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER), over https unsigned chunks
// with an unsigned trailer; both carry an x-amz-checksum-crc32c trailer in
// minio-go's own layout.
func TestMinioTrailingHeaders(t *testing.T) {
	for _, tls := range []bool{false, true} {
		name := map[bool]string{false: "http", true: "https"}[tls]
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{tls: tls})
			u, _ := url.Parse(f.srv.URL)
			c, err := minio.New(u.Host, &minio.Options{
				Creds: credentials.NewStaticV4(testAK, testSK, ""), Secure: tls,
				Transport: f.httpClient().Transport, TrailingHeaders: true,
			})
			require.NoError(t, err)
			ctx := context.Background()
			require.NoError(t, c.MakeBucket(ctx, "trailers", minio.MakeBucketOptions{}))

			_, err = c.PutObject(ctx, "trailers", "small.txt", strings.NewReader("hello world"), 11,
				minio.PutObjectOptions{Checksum: minio.ChecksumCRC32C})
			require.NoError(t, err)
			_, err = c.PutObject(ctx, "trailers", "auto.txt", strings.NewReader("default checksum"), 16, minio.PutObjectOptions{})
			require.NoError(t, err)
			big := pattern(10<<20 + 3)
			info, err := c.PutObject(ctx, "trailers", "big.bin", bytes.NewReader(big), int64(len(big)), minio.PutObjectOptions{PartSize: 5 << 20})
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(info.ETag, "-3"), info.ETag)

			for key, want := range map[string][]byte{"small.txt": []byte("hello world"), "auto.txt": []byte("default checksum"), "big.bin": big} {
				o, err := c.GetObject(ctx, "trailers", key, minio.GetObjectOptions{})
				require.NoError(t, err)
				got, err := io.ReadAll(o)
				o.Close()
				require.NoError(t, err)
				assert.True(t, bytes.Equal(want, got), "%s: %d bytes", key, len(got))
			}
		})
	}
}
