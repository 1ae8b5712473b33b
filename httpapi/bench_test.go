package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// BenchmarkS3 measures PutObject and GetObject through the handler on
// loopback with the aws-sdk-go-v2 client (default settings, plain HTTP) at
// concurrency 16, reporting MB/s and ops/s.
func BenchmarkS3(b *testing.B) {
	const concurrency = 16
	for _, size := range []int{4 << 10, 16 << 20} {
		f := newFixture(b, fixtureOptions{})
		c := f.client()
		ctx := context.Background()
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")})
		must(b, err)
		body := pattern(size)
		name := fmt.Sprintf("%dKiB", size>>10)
		for _, op := range []string{"PUT", "GET"} {
			b.Run(op+"/"+name, func(b *testing.B) {
				if op == "GET" {
					for i := range concurrency {
						_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String(fmt.Sprint("obj", i)), Body: bytes.NewReader(body)})
						must(b, err)
					}
				}
				b.SetBytes(int64(size))
				b.ResetTimer()
				start := time.Now()
				var next atomic.Int64
				var wg sync.WaitGroup
				var failed atomic.Value
				for g := range concurrency {
					wg.Add(1)
					go func() {
						defer wg.Done()
						key := aws.String(fmt.Sprint("obj", g))
						for next.Add(1) <= int64(b.N) {
							var err error
							if op == "PUT" {
								_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: key, Body: bytes.NewReader(body)})
							} else {
								var out *s3.GetObjectOutput
								out, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: key})
								if err == nil {
									var n int64
									n, err = io.Copy(io.Discard, out.Body)
									out.Body.Close()
									if err == nil && n != int64(size) {
										err = fmt.Errorf("read %d bytes", n)
									}
								}
							}
							if err != nil {
								failed.Store(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				if err, _ := failed.Load().(error); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
			})
		}
	}
}
