package wal

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{4 << 10, 1 << 20} {
		for _, comp := range []Compression{NoCompression, S2} {
			for _, disk := range []bool{false, true} {
				name := fmt.Sprintf("%dKiB/%v/mem", size>>10, comp)
				if disk {
					name = fmt.Sprintf("%dKiB/%v/disk", size>>10, comp)
				}
				b.Run(name, func(b *testing.B) { benchmarkAppend(b, size, comp, disk) })
			}
		}
	}
}

func benchmarkAppend(b *testing.B, size int, comp Compression, disk bool) {
	opts := testOptions(vfs.NewMem())
	if disk {
		opts.FS, opts.Dir = vfs.Default, b.TempDir()
	}
	opts.Compression = comp
	l, _ := openLog(b, opts)
	// Half text, half random: the compression attempt is paid
	// on both, the savings only on the text.
	rng := rand.New(rand.NewPCG(1, 1))
	data := append(textBytes(rng, size/2), randomBytes(rng, size-size/2)...)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := l.Append(data, 0); err != nil {
			b.Fatal(err)
		}
		// Drop old segments so memory stays flat.
		if i%256 == 255 {
			require.NoError(b, l.Rotate())
			for _, s := range l.Segments() {
				if !s.Active {
					require.NoError(b, l.RemoveSegment(s.ID))
				}
			}
		}
	}
}

func BenchmarkRead(b *testing.B) {
	for _, comp := range []Compression{NoCompression, S2} {
		b.Run(fmt.Sprintf("1MiB/%v", comp), func(b *testing.B) {
			opts := testOptions(vfs.NewMem())
			opts.Compression = comp
			l, _ := openLog(b, opts)
			rng := rand.New(rand.NewPCG(2, 2))
			data := append(textBytes(rng, 512<<10), randomBytes(rng, 512<<10)...)
			loc, err := l.Append(data, 0)
			require.NoError(b, err)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				if buf, err = l.Read(loc, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
