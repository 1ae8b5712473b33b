package engine

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUpdateObjectEncryption: an SSE-S3 object, single-part and multipart
// (with its body inline and in the blob log), is sealed under a KMS key
// in place: its bytes, ETag and modification time stay and it reads back
// the same; a clear object, a customer-key one and one under a legal hold
// are refused.
func TestUpdateObjectEncryption(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "enc", BucketOptions{ObjectLock: true}))
	managed := PutOptions{Encryption: Encryption{Mode: EncryptManaged}}
	small := []byte("small body")
	big := bytes.Repeat([]byte("0123456789"), 3*e.opts.ChunkSize)
	for k, body := range map[string][]byte{"small": small, "big": big} {
		_, err := e.PutObject(ctx, "enc", k, bytes.NewReader(body), int64(len(body)), managed)
		require.NoError(t, err)
	}
	id, err := e.CreateMultipartUpload(ctx, "enc", "parts", managed)
	require.NoError(t, err)
	var parts []CompletePart
	for n := 1; n <= 2; n++ {
		p, err := e.UploadPart(ctx, "enc", "parts", id, n, bytes.NewReader(big), int64(len(big)), PartOptions{})
		require.NoError(t, err)
		parts = append(parts, CompletePart{PartNumber: n, ETag: p.ETag})
	}
	_, err = e.CompleteMultipartUpload(ctx, "enc", "parts", id, parts, CompleteOptions{MinPartSize: -1})
	require.NoError(t, err)

	for k, body := range map[string][]byte{"small": small, "big": big, "parts": append(bytes.Clone(big), big...)} {
		before, err := e.HeadObject(ctx, "enc", k)
		require.NoError(t, err)
		after, err := e.UpdateObjectEncryption(ctx, "enc", k, "", Encryption{Mode: EncryptKMS, KeyID: "alias/app", BucketKey: k == "big"})
		require.NoError(t, err, k)
		require.Equal(t, EncryptKMS, after.Encryption.Mode)
		require.Equal(t, k == "big", after.Encryption.BucketKey)
		require.Equal(t, before.ETag, after.ETag)
		require.True(t, before.LastModified.Equal(after.LastModified))
		got, o := readAll(t, e, "enc", k, GetOptions{})
		require.Equal(t, body, got, k)
		require.Equal(t, EncryptKMS, o.Info.Encryption.Mode)
		// And once more, to another sealing of the same key.
		_, err = e.UpdateObjectEncryption(ctx, "enc", k, "", Encryption{Mode: EncryptKMS, KeyID: "alias/app"})
		require.NoError(t, err, k)
		got, _ = readAll(t, e, "enc", k, GetOptions{})
		require.Equal(t, body, got, k)
	}

	put(t, e, "enc", "clear", []byte("x"))
	_, err = e.UpdateObjectEncryption(ctx, "enc", "clear", "", Encryption{Mode: EncryptKMS, KeyID: "alias/app"})
	require.ErrorIs(t, err, ErrEncryptionNotUpdatable)
	_, err = e.PutObject(ctx, "enc", "sse-c", bytes.NewReader([]byte("x")), 1, PutOptions{Encryption: Encryption{Mode: EncryptCustomer, CustomerKey: customerKey}})
	require.NoError(t, err)
	_, err = e.UpdateObjectEncryption(ctx, "enc", "sse-c", "", Encryption{Mode: EncryptKMS, KeyID: "alias/app"})
	require.ErrorIs(t, err, ErrEncryptionNotUpdatable)
	_, err = e.UpdateObjectEncryption(ctx, "enc", "small", "", Encryption{Mode: EncryptManaged})
	require.ErrorIs(t, err, ErrInvalidArgument, "only SSE-KMS is a new encryption")
	_, err = e.SetObjectLegalHold(ctx, "enc", "small", "", true)
	require.NoError(t, err)
	_, err = e.UpdateObjectEncryption(ctx, "enc", "small", "", Encryption{Mode: EncryptKMS, KeyID: "alias/app"})
	require.ErrorIs(t, err, ErrObjectLocked)
	_, err = e.UpdateObjectEncryption(ctx, "enc", "missing", "", Encryption{Mode: EncryptKMS, KeyID: "alias/app"})
	require.ErrorIs(t, err, ErrNoSuchKey)
}
