package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzDecodeBucket checks the bucket record decoder: no panic, and a record
// that decodes survives encode -> decode.
func FuzzDecodeBucket(f *testing.F) {
	rec := bucketRecord{created: time.Unix(1700000000, 5).UTC(), region: "us-east-1", storageClass: "STANDARD", owner: "o", acl: ACL{Canned: "private", Grants: []Grant{{ID: "a", Permission: "READ"}}}}
	f.Add(rec.encode())
	f.Add([]byte{recordVersion})
	f.Add([]byte{recordVersion, 1, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeBucket(b)
		if err != nil {
			return
		}
		again, err := decodeBucket(r.encode())
		require.NoError(t, err)
		require.Equal(t, r.region, again.region)
		require.Equal(t, r.owner, again.owner)
		require.Equal(t, r.storageClass, again.storageClass)
		if !r.created.IsZero() { // a record always has one; the zero time has no UnixNano
			require.True(t, r.created.Equal(again.created))
		}
	})
}

// FuzzDecodeBlob checks the blob record decoder the same way.
func FuzzDecodeBlob(f *testing.F) {
	f.Add(blobRecord{refs: 2, size: 10, chunkSize: 4, segs: []segUse{{seg: 1, bytes: 10}}}.encode())
	f.Add([]byte{recordVersion, 1, 1, 0, 255, 255, 255, 255, 15})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeBlob(b)
		if err != nil {
			return
		}
		again, err := decodeBlob(r.encode())
		require.NoError(t, err)
		require.Equal(t, r, again)
	})
}
