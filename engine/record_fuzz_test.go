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

// FuzzDecodeUsage checks the usage record decoder: no panic, no negative
// count accepted, and a record that decodes survives encode -> decode.
func FuzzDecodeUsage(f *testing.F) {
	u := usageRecord{uploads: 2, channels: 1}
	u.class("").add(10, 1)
	u.class("IA").add(SmallObjectSize+1, 1)
	f.Add(u.encode())
	f.Add([]byte{usageVersion, 0, 0})
	f.Add([]byte{usageVersion, 1, 1, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeUsage(b)
		if err != nil {
			return
		}
		require.GreaterOrEqual(t, r.uploads, int64(0))
		require.GreaterOrEqual(t, r.channels, int64(0))
		for _, cu := range r.classes {
			require.GreaterOrEqual(t, min(cu.Objects, cu.Bytes, cu.SmallObjects, cu.SmallBytes), int64(0))
		}
		again, err := decodeUsage(r.encode())
		require.NoError(t, err)
		require.Equal(t, r.encode(), again.encode())
	})
}
