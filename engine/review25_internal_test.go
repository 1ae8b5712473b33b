package engine

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/kms"
)

// racingKMS runs fn once, at the at-th GenerateDataKey after it is armed.
type racingKMS struct {
	kms.Service
	calls, at int
	fn        func()
}

func (r *racingKMS) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (kms.DataKey, error) {
	if r.fn != nil {
		if r.calls++; r.calls == r.at {
			fn := r.fn
			r.fn = nil
			fn()
		}
	}
	return r.Service.GenerateDataKey(ctx, keyID, encCtx)
}

// Coalescing appends read the tail under the record's encryption and
// swapped the merged blob in if the extents were unchanged, whatever the
// record's encryption had become meanwhile: an UpdateObjectEncryption
// (SSE-S3 to SSE-KMS, or another KMS key) committed in between left the
// merged blob's data key sealed under the old key in a record that says
// the new one, so the object no longer read back (and part of it stayed
// under the key its owner rotated away from). The swap now also needs
// the record's sealing to be the one read.
func TestReview25CoalesceKeepsTheRecordsEncryption(t *testing.T) {
	ctx := context.Background()
	lowCoalesce(t, 2)
	opts := sseOptions(t)
	rk := &racingKMS{Service: opts.Keys}
	opts.Keys = rk
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	po := PutOptions{Encryption: Encryption{Mode: EncryptManaged}}
	var want []byte
	for i := range 3 {
		if i == 2 {
			// The third append's own data key, then the coalescing's: the
			// update lands between the tail's read and its swap.
			rk.at, rk.fn = 2, func() {
				_, err := e.UpdateObjectEncryption(ctx, "bkt", "log", "", Encryption{Mode: EncryptKMS, KeyID: "alias/app"})
				require.NoError(t, err)
			}
		}
		piece := bytes.Repeat([]byte{byte('a' + i)}, 100)
		_, err := e.AppendObject(ctx, "bkt", "log", int64(len(want)), bytes.NewReader(piece), int64(len(piece)), po)
		require.NoError(t, err)
		want = append(want, piece...)
	}
	require.Nil(t, rk.fn, "the update ran during the coalescing")
	info, err := e.HeadObject(ctx, "bkt", "log")
	require.NoError(t, err)
	require.Equal(t, EncryptKMS, info.Encryption.Mode)
	o, err := e.GetObject(ctx, "bkt", "log", GetOptions{})
	require.NoError(t, err)
	got, err := io.ReadAll(o)
	require.NoError(t, o.Close())
	require.NoError(t, err, "the object reads back under its new key")
	require.Equal(t, want, got)
	e.audit(t)
}
