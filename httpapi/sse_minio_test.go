package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/stretchr/testify/require"
)

// TestMinioSSE puts, stats, reads and copies encrypted objects through
// minio-go (which sends SSE-C only over TLS), multipart included.
func TestMinioSSE(t *testing.T) {
	f := newFixture(t, fixtureOptions{tls: true})
	u, _ := url.Parse(f.srv.URL)
	c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(testAK, testSK, ""), Secure: true, Transport: f.httpClient().Transport})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.MakeBucket(ctx, "minio-sse", minio.MakeBucketOptions{}))
	ssec, err := encrypt.NewSSEC(bytes.Repeat([]byte{5}, 32))
	require.NoError(t, err)
	kmsSSE, err := encrypt.NewSSEKMS("alias/app", map[string]string{"team": "storage"})
	require.NoError(t, err)
	for name, sse := range map[string]encrypt.ServerSide{"sse-s3": encrypt.NewSSE(), "sse-kms": kmsSSE, "sse-c": ssec} {
		t.Run(name, func(t *testing.T) {
			for _, size := range []int{1000, 12 << 20} { // single and multipart (5 MiB parts)
				data := pattern(size)
				_, err := c.PutObject(ctx, "minio-sse", name, bytes.NewReader(data), int64(size), minio.PutObjectOptions{ServerSideEncryption: sse, PartSize: 5 << 20})
				require.NoError(t, err)
				var get minio.GetObjectOptions
				var stat minio.StatObjectOptions
				if sse.Type() == encrypt.SSEC {
					get.ServerSideEncryption, stat.ServerSideEncryption = sse, sse
				}
				st, err := c.StatObject(ctx, "minio-sse", name, stat)
				require.NoError(t, err)
				require.Equal(t, int64(size), st.Size)
				o, err := c.GetObject(ctx, "minio-sse", name, get)
				require.NoError(t, err)
				got, err := io.ReadAll(o)
				require.NoError(t, err)
				o.Close()
				require.True(t, bytes.Equal(data, got))
			}
			// A server-side copy, re-encrypted to SSE-S3.
			src := minio.CopySrcOptions{Bucket: "minio-sse", Object: name}
			if sse.Type() == encrypt.SSEC {
				src.Encryption = sse
			}
			_, err := c.CopyObject(ctx, minio.CopyDestOptions{Bucket: "minio-sse", Object: name + "-copy", Encryption: encrypt.NewSSE()}, src)
			require.NoError(t, err)
			st, err := c.StatObject(ctx, "minio-sse", name+"-copy", minio.StatObjectOptions{})
			require.NoError(t, err)
			require.Equal(t, int64(12<<20), st.Size)
		})
	}
}
