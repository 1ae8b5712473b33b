package fake_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestTransferManager runs aws-sdk-go-v2's transfer manager (the
// successor of feature/s3/manager) with its defaults but a small part
// size: concurrent multipart uploads with each flexible checksum, and
// downloads by part number and by range, which check the checksums of
// what they read (full-object and composite).
func TestTransferManager(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("tmb"))
	c := awsClient(srv, srv.URL, true, true)
	tm := transfermanager.New(c, func(o *transfermanager.Options) { o.PartSizeBytes = 5 << 20; o.Concurrency = 3 })

	data := make([]byte, 11<<20+12345) // three parts, the last short
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	algs := []tmtypes.ChecksumAlgorithm{"", tmtypes.ChecksumAlgorithmCrc32c, tmtypes.ChecksumAlgorithmSha256, "CRC64NVME"}
	for _, alg := range algs {
		key := "big-" + string(alg)
		_, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: aws.String("tmb"), Key: aws.String(key), Body: bytes.NewReader(data), ChecksumAlgorithm: alg})
		require.NoError(t, err, "UploadObject %q", alg)
		for _, mode := range []tmtypes.GetObjectType{tmtypes.GetObjectParts, tmtypes.GetObjectRanges} {
			byMode := func(o *transfermanager.Options) { o.GetObjectType = mode }
			f, err := os.Create(filepath.Join(t.TempDir(), "dl"))
			require.NoError(t, err)
			_, err = tm.DownloadObject(ctx, &transfermanager.DownloadObjectInput{Bucket: aws.String("tmb"), Key: aws.String(key), WriterAt: f}, byMode)
			require.NoError(t, err, "DownloadObject %q by %s", alg, mode)
			require.NoError(t, f.Close())
			got, err := os.ReadFile(f.Name())
			require.NoError(t, err)
			require.True(t, bytes.Equal(data, got), "DownloadObject %q by %s: %d bytes differ", alg, mode, len(got))

			out, err := tm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: aws.String("tmb"), Key: aws.String(key)}, byMode)
			require.NoError(t, err, "GetObject %q by %s", alg, mode)
			got, err = io.ReadAll(out.Body)
			require.NoError(t, err)
			require.True(t, bytes.Equal(data, got), "GetObject %q by %s", alg, mode)
		}
	}

	// Directories: keys with spaces, plus signs and non-ASCII names.
	src := t.TempDir()
	files := map[string]int{"a.txt": 10, "sub/b.txt": 2000, "sub/deeper/c 1+2.txt": 3000, "ü/ñ.txt": 40}
	for name, n := range files {
		p := filepath.Join(src, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, bytes.Repeat([]byte{'x'}, n), 0o644))
	}
	up, err := tm.UploadDirectory(ctx, &transfermanager.UploadDirectoryInput{Bucket: aws.String("tmb"), Source: aws.String(src), Recursive: aws.Bool(true), KeyPrefix: aws.String("dir")})
	require.NoError(t, err)
	require.EqualValues(t, len(files), up.ObjectsUploaded)
	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("tmb"), Prefix: aws.String("dir/")})
	require.NoError(t, err)
	require.Len(t, l.Contents, len(files))

	dst := t.TempDir()
	down, err := tm.DownloadDirectory(ctx, &transfermanager.DownloadDirectoryInput{Bucket: aws.String("tmb"), Destination: aws.String(dst), KeyPrefix: aws.String("dir")})
	require.NoError(t, err)
	require.EqualValues(t, len(files), down.ObjectsDownloaded)
	for name, n := range files {
		b, err := os.ReadFile(filepath.Join(dst, name))
		require.NoError(t, err, name)
		require.Len(t, b, n, name)
	}
}
