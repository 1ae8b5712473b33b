package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWholeMD5: an upload created with WholeMD5 completes into an object
// whose ContentMD5 is the MD5 of the whole body, in clear, under the key
// service's encryption and in an archive class; a customer-key upload and
// an ordinary one have none, and a part listed with another ETag fails
// as Complete fails it.
func TestWholeMD5(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(1, 2))
	data := randBytes(rng, 3*DefaultMinPartSize/2+777)
	want := md5.Sum(data)
	for name, c := range map[string]struct {
		opts PutOptions
		want string
	}{
		"clear":    {PutOptions{WholeMD5: true}, hex.EncodeToString(want[:])},
		"managed":  {PutOptions{WholeMD5: true, Encryption: Encryption{Mode: EncryptManaged}}, hex.EncodeToString(want[:])},
		"kms":      {PutOptions{WholeMD5: true, Encryption: Encryption{Mode: EncryptKMS, KeyID: "alias/app", BucketKey: true}}, hex.EncodeToString(want[:])},
		"archive":  {PutOptions{WholeMD5: true, StorageClass: "GLACIER"}, hex.EncodeToString(want[:])},
		"customer": {PutOptions{WholeMD5: true, Encryption: Encryption{Mode: EncryptCustomer, CustomerKey: customerKey, OpaqueETag: true}}, ""},
		"ordinary": {PutOptions{}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			id, err := e.CreateMultipartUpload(ctx, "bkt", name, c.opts)
			require.NoError(t, err)
			var parts []CompletePart
			for n, off := 1, 0; off < len(data); n, off = n+1, off+DefaultMinPartSize {
				end := min(off+DefaultMinPartSize, len(data))
				p, err := e.UploadPart(ctx, "bkt", name, id, n, bytes.NewReader(data[off:end]), int64(end-off), PartOptions{CustomerKey: c.opts.Encryption.CustomerKey})
				require.NoError(t, err)
				parts = append(parts, CompletePart{PartNumber: n, ETag: p.ETag})
			}
			bad := append([]CompletePart(nil), parts...)
			bad[0].ETag = "00000000000000000000000000000000"
			_, err = e.CompleteMultipartUpload(ctx, "bkt", name, id, bad, CompleteOptions{})
			require.ErrorIs(t, err, ErrInvalidPart)
			info, err := e.CompleteMultipartUpload(ctx, "bkt", name, id, parts, CompleteOptions{})
			require.NoError(t, err)
			require.Equal(t, c.want, info.ContentMD5)
			head, err := e.HeadObject(ctx, "bkt", name)
			require.NoError(t, err)
			require.Equal(t, c.want, head.ContentMD5)
		})
	}
}
