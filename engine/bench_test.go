package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/checksum"

	"github.com/stretchr/testify/require"
)

func benchEngine(b *testing.B, disk bool) *Engine {
	dir := ""
	if disk {
		dir = b.TempDir()
	}
	e, err := Open(dir, nil)
	require.NoError(b, err)
	b.Cleanup(func() { e.Close() })
	require.NoError(b, e.CreateBucket(context.Background(), "bench", BucketOptions{}))
	return e
}

var benchSizes = []struct {
	name string
	n    int
}{{"4KiB", 4 << 10}, {"64KiB", 64 << 10}, {"16MiB", 16 << 20}}

func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	// "crc64nvme" is the S3 dialect's Put: a default CRC64NVME computed
	// while streaming.
	for _, where := range []string{"memory", "memory-crc64nvme", "disk"} {
		opts := PutOptions{}
		if where == "memory-crc64nvme" {
			opts.DefaultChecksum = checksum.CRC64NVME
		}
		for _, sz := range benchSizes {
			b.Run(where+"/"+sz.name, func(b *testing.B) {
				e := benchEngine(b, where == "disk")
				data := bytes.Repeat([]byte("osslite!"), sz.n/8)
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					// Overwrite a small set of keys so memory stays bounded.
					_, err := e.PutObject(ctx, "bench", fmt.Sprintf("k%d", i%8), bytes.NewReader(data), int64(len(data)), opts)
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkPutSameContent is 16 writers putting one 64 KiB body (blob log)
// over 256 keys, as load tools do: every PUT rewrites the body's content
// index entry and frees the body it replaced, whose entry is then looked
// for among the versions of that key the memtable holds.
func BenchmarkPutSameContent(b *testing.B) {
	ctx := context.Background()
	for _, where := range []string{"memory", "disk"} {
		b.Run(where, func(b *testing.B) {
			e := benchEngine(b, where == "disk")
			data := bytes.Repeat([]byte("osslite!"), 64<<10/8)
			var n atomic.Int64
			b.SetParallelism(8)
			b.SetBytes(int64(len(data)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := fmt.Sprintf("k%d", n.Add(1)%256)
					if _, err := e.PutObject(ctx, "bench", k, bytes.NewReader(data), int64(len(data)), PutOptions{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkPutParallel4KiB is cmd/osslite-bench's put4k scenario on the
// engine: 16 writers (at -cpu 2) putting one random 4 KiB body (inline in
// its record) over 256 keys with S3's default CRC64NVME. On disk every PUT
// waits for pebble's synced log; concurrent commits share one fsync.
// Profile its waits with -blockprofile and -mutexprofile.
func BenchmarkPutParallel4KiB(b *testing.B) {
	ctx := context.Background()
	for _, where := range []string{"memory", "disk"} {
		b.Run(where, func(b *testing.B) {
			e := benchEngine(b, where == "disk")
			data := make([]byte, 4<<10)
			r := rand.New(rand.NewPCG(7, 7))
			for i := range data {
				data[i] = byte(r.Uint32())
			}
			opts := PutOptions{DefaultChecksum: checksum.CRC64NVME}
			var n atomic.Int64
			b.SetParallelism(8)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := fmt.Sprintf("k%d", n.Add(1)%256)
					if _, err := e.PutObject(ctx, "bench", k, bytes.NewReader(data), int64(len(data)), opts); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	for _, where := range []string{"memory", "disk"} {
		for _, sz := range benchSizes {
			b.Run(where+"/"+sz.name, func(b *testing.B) {
				e := benchEngine(b, where == "disk")
				data := bytes.Repeat([]byte("osslite!"), sz.n/8)
				_, err := e.PutObject(ctx, "bench", "k", bytes.NewReader(data), int64(len(data)), PutOptions{})
				require.NoError(b, err)
				b.SetBytes(int64(sz.n))
				b.ReportAllocs()
				for b.Loop() {
					o, err := e.GetObject(ctx, "bench", "k", GetOptions{})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.Copy(io.Discard, o); err != nil {
						b.Fatal(err)
					}
					o.Close()
				}
			})
		}
	}
}

// BenchmarkListDelimiter lists the top level of 100k keys under 10
// prefixes, and a 1000-key page of one prefix.
func BenchmarkListDelimiter(b *testing.B) {
	ctx := context.Background()
	e := benchEngine(b, false)
	fillKeys(b, e, "bench", 10, 10000)
	b.Run("top-level", func(b *testing.B) {
		for b.Loop() {
			res, err := e.ListObjects(ctx, "bench", ListOptions{Delimiter: "/"})
			if err != nil || len(res.CommonPrefixes) != 10 {
				b.Fatal(err, len(res.CommonPrefixes))
			}
		}
	})
	b.Run("page-1000", func(b *testing.B) {
		for b.Loop() {
			res, err := e.ListObjects(ctx, "bench", ListOptions{Prefix: "p05/", Delimiter: "/"})
			if err != nil || len(res.Objects) != 1000 {
				b.Fatal(err, len(res.Objects))
			}
		}
	})
}

// BenchmarkCopy copies objects of growing size: the time must not grow,
// because a copy only writes metadata.
func BenchmarkCopy(b *testing.B) {
	ctx := context.Background()
	sizes := []int64{16 << 20, 1 << 30}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, size := range sizes {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			e, err := Open(b.TempDir(), &Options{Sync: SyncNever})
			require.NoError(b, err)
			defer e.Close()
			require.NoError(b, e.CreateBucket(ctx, "bench", BucketOptions{}))
			_, err = e.PutObject(ctx, "bench", "src", &patternReader{n: size, state: 1}, size, PutOptions{})
			require.NoError(b, err)
			i := 0
			for b.Loop() {
				if _, err := e.CopyObject(ctx, "bench", "src", "bench", fmt.Sprintf("dst%d", i%8), CopyOptions{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkComplete completes a 10,000-part upload; the time must not
// depend on the part sizes (no data moves).
func BenchmarkComplete(b *testing.B) {
	ctx := context.Background()
	for _, partSize := range []int{1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("10000x%dKiB", partSize>>10), func(b *testing.B) {
			e := benchEngine(b, false)
			for b.Loop() {
				b.StopTimer()
				id, parts, _ := uploadPartsNoCopy(b, e, "bench", "mp", MaxPartNumber, partSize)
				b.StartTimer()
				if _, err := e.CompleteMultipartUpload(ctx, "bench", "mp", id, parts, CompleteOptions{MinPartSize: -1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// uploadPartsNoCopy is uploadParts without keeping the whole body.
func uploadPartsNoCopy(b *testing.B, e *Engine, bucket, key string, n, size int) (string, []CompletePart, int64) {
	ctx := context.Background()
	id, err := e.CreateMultipartUpload(ctx, bucket, key, PutOptions{})
	require.NoError(b, err)
	p := bytes.Repeat([]byte("p"), size)
	var parts []CompletePart
	for i := 1; i <= n; i++ {
		info, err := e.UploadPart(ctx, bucket, key, id, i, bytes.NewReader(p), int64(len(p)), PartOptions{})
		require.NoError(b, err)
		parts = append(parts, CompletePart{PartNumber: i, ETag: info.ETag})
	}
	return id, parts, int64(n * size)
}

func BenchmarkUploadPart8MiB(b *testing.B) {
	ctx := context.Background()
	for _, where := range []string{"memory", "disk"} {
		b.Run(where, func(b *testing.B) {
			e := benchEngine(b, where == "disk")
			id, err := e.CreateMultipartUpload(ctx, "bench", "mp", PutOptions{})
			require.NoError(b, err)
			p := bytes.Repeat([]byte("osslite!"), 1<<20)
			b.SetBytes(int64(len(p)))
			i := 0
			for b.Loop() {
				if _, err := e.UploadPart(ctx, "bench", "mp", id, 1+i%8, bytes.NewReader(p), int64(len(p)), PartOptions{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkPutVersioned is BenchmarkPut/memory/4KiB in a bucket with
// versioning enabled: every Put keeps the previous body as a version.
func BenchmarkPutVersioned(b *testing.B) {
	ctx := context.Background()
	e := benchEngine(b, false)
	setVersioning(b, e, "bench", "Enabled")
	data := bytes.Repeat([]byte("osslite!"), 4<<10/8)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.PutObject(ctx, "bench", fmt.Sprintf("k%d", i%8), bytes.NewReader(data), int64(len(data)), PutOptions{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkPutReplicated is a 4 KiB PUT into a versioned bucket with a
// replication configuration: one rule to a local bucket ("one"), and two
// rules to two buckets selecting every key ("two": two items). No pass
// runs (the items pile up).
func BenchmarkPutReplicated(b *testing.B) {
	ctx := context.Background()
	for _, dests := range []int{1, 2} {
		b.Run(map[int]string{1: "one", 2: "two"}[dests], func(b *testing.B) {
			e, err := Open("", &Options{CompactInterval: -1})
			require.NoError(b, err)
			b.Cleanup(func() { e.Close() })
			cfg := &bucketconfig.Replication{}
			for _, n := range []string{"bench", "dst1", "dst2"} {
				require.NoError(b, e.CreateBucket(ctx, n, BucketOptions{}))
				setVersioning(b, e, n, "Enabled")
			}
			for d := 1; d <= dests; d++ {
				cfg.Rules = append(cfg.Rules, bucketconfig.ReplicationRule{ID: fmt.Sprint("r", d), Priority: d, Enabled: true,
					FilterForm: "filter", Destination: bucketconfig.ReplicationDestination{Bucket: fmt.Sprint("arn:aws:s3:::dst", d)}})
			}
			require.NoError(b, e.SetBucketConfig(ctx, "bench", cfg))
			data := bytes.Repeat([]byte("osslite!"), 4<<10/8)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := e.PutObject(ctx, "bench", fmt.Sprintf("k%d", i%8), bytes.NewReader(data), int64(len(data)), PutOptions{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkTouchObject is the access-tracking cost a GET adds: off (one
// cached configuration lookup) and on with the read already recorded
// today (one record lookup more, no commit).
func BenchmarkTouchObject(b *testing.B) {
	ctx := context.Background()
	for _, tracking := range []bool{false, true} {
		b.Run(map[bool]string{false: "off", true: "on"}[tracking], func(b *testing.B) {
			e := benchEngine(b, true)
			_, err := e.PutObject(ctx, "bench", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
			require.NoError(b, err)
			if tracking {
				require.NoError(b, e.SetBucketConfig(ctx, "bench", &bucketconfig.AccessMonitor{Since: e.now()}))
				require.NoError(b, e.TouchObject(ctx, "bench", "k", ""))
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := e.TouchObject(ctx, "bench", "k", ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMixed64KiB is cmd/osslite-bench's mixed scenario on the engine:
// GET, HEAD, PUT and DELETE of 1,000 keys of 64 KiB in the proportions
// 45/30/15/10, from concurrent goroutines (a read of a key that another
// deleted is a valid answer).
func BenchmarkMixed64KiB(b *testing.B) {
	ctx := context.Background()
	const keys = 1000
	for _, where := range []string{"memory", "disk"} {
		b.Run(where, func(b *testing.B) {
			e := benchEngine(b, where == "disk")
			data := bytes.Repeat([]byte("osslite!"), 64<<10/8)
			for i := range keys {
				_, err := e.PutObject(ctx, "bench", fmt.Sprint("k", i), bytes.NewReader(data), int64(len(data)), PutOptions{})
				require.NoError(b, err)
			}
			b.SetBytes(int64(len(data))) // per operation: a rate to compare runs by
			b.ReportAllocs()
			b.ResetTimer()
			var seed atomic.Uint64
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(seed.Add(1), 1))
				for pb.Next() {
					k := fmt.Sprint("k", r.IntN(keys))
					var err error
					switch p := r.IntN(100); {
					case p < 45:
						var o *Object
						if o, err = e.GetObject(ctx, "bench", k, GetOptions{}); err == nil {
							_, err = io.Copy(io.Discard, o)
							o.Close()
						}
					case p < 75:
						_, err = e.HeadObject(ctx, "bench", k)
					case p < 90:
						_, err = e.PutObject(ctx, "bench", k, bytes.NewReader(data), int64(len(data)), PutOptions{})
					default:
						err = e.DeleteObject(ctx, "bench", k, DeleteOptions{})
					}
					if err != nil && !errors.Is(err, ErrNoSuchKey) {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkMultipart256MiB is cmd/osslite-bench's multipart scenario on
// the engine: one operation creates an upload, writes 16 parts of 16 MiB
// and completes it, over the same key (each object replaces the last).
func BenchmarkMultipart256MiB(b *testing.B) {
	ctx := context.Background()
	const parts = 16
	for _, where := range []string{"memory", "disk"} {
		b.Run(where, func(b *testing.B) {
			e := benchEngine(b, where == "disk")
			p := bytes.Repeat([]byte("osslite!"), 2<<20)
			b.SetBytes(int64(len(p)) * parts)
			for b.Loop() {
				id, err := e.CreateMultipartUpload(ctx, "bench", "mp", PutOptions{})
				if err != nil {
					b.Fatal(err)
				}
				done := make([]CompletePart, 0, parts)
				for n := 1; n <= parts; n++ {
					info, err := e.UploadPart(ctx, "bench", "mp", id, n, bytes.NewReader(p), int64(len(p)), PartOptions{})
					if err != nil {
						b.Fatal(err)
					}
					done = append(done, CompletePart{PartNumber: n, ETag: info.ETag})
				}
				if _, err := e.CompleteMultipartUpload(ctx, "bench", "mp", id, done, CompleteOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCountAnalytics is what every GetObject and upload pays for
// storage class analysis: off, a bucket without a configuration that
// exports (one cached lookup); on, one that counts the request.
func BenchmarkCountAnalytics(b *testing.B) {
	ctx := context.Background()
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "off", true: "on"}[on], func(b *testing.B) {
			e := benchEngine(b, true)
			info, err := e.PutObject(ctx, "bench", "k", bytes.NewReader([]byte("v")), 1, PutOptions{})
			require.NoError(b, err)
			if on {
				require.NoError(b, e.PutAnalyticsConfiguration(ctx, "bench", bucketconfig.AnalyticsConfiguration{ID: "a",
					Export: &bucketconfig.AnalyticsExport{Bucket: "arn:aws:s3:::bench"}}))
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := e.CountAnalytics(ctx, "bench", &info, AnalyticsGet, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDelete is DeleteObject of a 4 KiB object in an unversioned
// bucket (the PUT that makes each one is not timed). wal-B/op is what
// the delete's batch adds to pebble's log where it has one (disk).
func BenchmarkDelete(b *testing.B) {
	ctx := context.Background()
	for _, where := range []string{"memory", "disk"} {
		b.Run(where, func(b *testing.B) {
			e := benchEngine(b, where == "disk")
			data := bytes.Repeat([]byte("osslite!"), 4<<10/8)
			b.ReportAllocs()
			var wal uint64
			i := 0
			for b.Loop() {
				b.StopTimer()
				key := fmt.Sprintf("k%d", i%8)
				if _, err := e.PutObject(ctx, "bench", key, bytes.NewReader(data), int64(len(data)), PutOptions{}); err != nil {
					b.Fatal(err)
				}
				before := e.db.Metrics().WAL.BytesWritten
				b.StartTimer()
				if err := e.DeleteObject(ctx, "bench", key, DeleteOptions{}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				wal += e.db.Metrics().WAL.BytesWritten - before
				b.StartTimer()
				i++
			}
			b.ReportMetric(float64(wal)/float64(i), "wal-B/op")
		})
	}
}
