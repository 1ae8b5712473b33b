package engine

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// lowCoalesce makes appends coalesce from n extents on for the test.
func lowCoalesce(t *testing.T, n int) {
	old := coalesceMinExtents
	coalesceMinExtents = n
	t.Cleanup(func() { coalesceMinExtents = old })
}

func TestCoalesceRun(t *testing.T) {
	xs := func(sizes ...int64) []extent {
		out := make([]extent, 0, coalesceMinExtents+len(sizes))
		for range coalesceMinExtents {
			out = append(out, extent{blob: 1, n: 1 << 20})
		}
		for i, n := range sizes {
			out = append(out, extent{blob: uint64(i + 2), n: n})
		}
		return out
	}
	for _, tc := range []struct {
		sizes []int64
		from  int // from the first of sizes; -1: nothing
		size  int64
	}{
		{[]int64{100}, -1, 0},                      // one small extent
		{[]int64{200, 100}, -1, 0},                 // decreasing: the rule holds
		{[]int64{100, 100}, 0, 200},                // a carry
		{[]int64{400, 100, 100, 200}, 0, 800},      // carries up to the first
		{[]int64{1000, 100, 100, 200}, 1, 400},     // stops at a larger one
		{[]int64{100, coalesceSmall}, -1, 0},       // the last is not small
		{[]int64{coalesceSmall, 100, 100}, 1, 200}, // nor is the first
	} {
		from, size, ok := coalesceRun(xs(tc.sizes...))
		if tc.from < 0 {
			require.False(t, ok, "%v", tc.sizes)
			continue
		}
		require.True(t, ok, "%v", tc.sizes)
		require.Equal(t, coalesceMinExtents+tc.from, from, "%v", tc.sizes)
		require.Equal(t, tc.size, size, "%v", tc.sizes)
	}
	_, _, ok := coalesceRun([]extent{{n: 1}, {n: 1}})
	require.False(t, ok, "a record of few extents is left alone")
}

// TestAppendsCoalesce: an object grown by many small appends (OSS
// AppendObject, S3 Express extends) keeps a short record and reads back
// byte for byte, encrypted or not; the blobs merged away are released.
func TestAppendsCoalesce(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{"plain", "sse-s3", "sse-kms", "sse-c", "extend"} {
		t.Run(mode, func(t *testing.T) {
			e := openTest(t, sseOptions(t))
			bucket := "bkt"
			if mode == "extend" {
				bucket = "bkt--usw2-az1--x-s3"
			}
			require.NoError(t, e.CreateBucket(ctx, bucket, BucketOptions{}))
			var po PutOptions
			switch mode {
			case "sse-s3":
				po.Encryption = Encryption{Mode: EncryptManaged}
			case "sse-kms":
				po.Encryption = Encryption{Mode: EncryptKMS, KeyID: "alias/app"}
			case "sse-c":
				po.Encryption = Encryption{Mode: EncryptCustomer, CustomerKey: customerKey}
			}
			rng := rand.New(rand.NewPCG(1, 2))
			var want []byte
			for i := range 600 {
				piece := randBytes(rng, 1+rng.IntN(300))
				if i%100 == 99 {
					piece = randBytes(rng, 5000) // larger than the chunk size here
				}
				if mode == "extend" {
					_, err := e.ExtendObject(ctx, bucket, "k", int64(len(want)), bytes.NewReader(piece), int64(len(piece)), po)
					require.NoError(t, err)
				} else {
					_, err := e.AppendObject(ctx, bucket, "k", int64(len(want)), bytes.NewReader(piece), int64(len(piece)), po)
					require.NoError(t, err)
				}
				want = append(want, piece...)
			}
			rec, err := e.objectRecord(e.db, bucket, "k", true)
			require.NoError(t, err)
			require.LessOrEqual(t, len(rec.extents), coalesceMinExtents+1, "600 appends")
			if enc := rec.info.Encryption; enc != nil {
				require.LessOrEqual(t, len(enc.keys), len(rec.extents), "a data key for each blob read")
			}
			o, err := e.GetObject(ctx, bucket, "k", GetOptions{CustomerKey: po.Encryption.CustomerKey})
			require.NoError(t, err)
			got, err := io.ReadAll(o)
			require.NoError(t, o.Close())
			require.NoError(t, err)
			require.Equal(t, want, got)
			if mode == "extend" {
				info, err := e.HeadObject(ctx, bucket, "k")
				require.NoError(t, err)
				require.Len(t, info.PartSizes, 600, "each append stays a part")
			}
			e.audit(t)
		})
	}
}

// BenchmarkAppendSmall appends 100 bytes to one OSS appendable object,
// b.N times: coalescing keeps the record short, so an append costs the
// same at the 20,000th as at the first (without it, O(appends): about
// 5.7 ms each past 15,000 appends, 68 s for 20,000 here).
func BenchmarkAppendSmall(b *testing.B) {
	ctx := context.Background()
	e := openTest(b, nil)
	require.NoError(b, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	piece := bytes.Repeat([]byte("x"), 100)
	b.SetBytes(int64(len(piece)))
	b.ReportAllocs()
	var off int64
	for b.Loop() {
		res, err := e.AppendObject(ctx, "bkt", "log", off, bytes.NewReader(piece), int64(len(piece)), PutOptions{})
		if err != nil {
			b.Fatal(err)
		}
		off = res.NextPosition
	}
}
