package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
)

// BenchmarkSSE compares Put and Get of a 16 MiB body in clear and
// encrypted (AES-256-GCM per 1 MiB chunk) in memory.
func BenchmarkSSE(b *testing.B) {
	ctx := context.Background()
	const n = 16 << 20
	data := bytes.Repeat([]byte("osslite!"), n/8)
	for _, mode := range []struct {
		name string
		enc  Encryption
	}{
		{"plain", Encryption{}},
		{"managed", Encryption{Mode: EncryptManaged}},
		{"customer", Encryption{Mode: EncryptCustomer, CustomerKey: customerKey}},
	} {
		b.Run("Put/"+mode.name+"/16MiB", func(b *testing.B) {
			e := benchSSEEngine(b)
			b.SetBytes(n)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := e.PutObject(ctx, "bench", fmt.Sprintf("k%d", i%8), bytes.NewReader(data), n, PutOptions{Encryption: mode.enc}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run("Get/"+mode.name+"/16MiB", func(b *testing.B) {
			e := benchSSEEngine(b)
			if _, err := e.PutObject(ctx, "bench", "k", bytes.NewReader(data), n, PutOptions{Encryption: mode.enc}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				o, err := e.GetObject(ctx, "bench", "k", GetOptions{CustomerKey: readKey(mode.enc)})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := o.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
				o.Close()
			}
		})
	}
}

func benchSSEEngine(b *testing.B) *Engine {
	e, err := Open("", &Options{Keys: testKMS(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if err := e.CreateBucket(context.Background(), "bench", BucketOptions{}); err != nil {
		b.Fatal(err)
	}
	return e
}
