package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// BenchmarkS3 measures PutObject and GetObject through the handler on
// loopback with the aws-sdk-go-v2 client (default settings, plain HTTP) at
// concurrency 16, reporting MB/s and ops/s. MIXED and MULTIPART are
// cmd/osslite-bench's other two load scenarios (LIST is BenchmarkHandler's
// LIST1000).
func BenchmarkS3(b *testing.B) {
	b.Run("MIXED/64KiB", benchMixed)
	b.Run("MULTIPART/256MiB", benchMultipart)
	const concurrency = 16
	for _, size := range []int{4 << 10, 16 << 20} {
		c, ctx := benchBucket(b)
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
				runClients(b, concurrency, b.N, func(g, _ int) error {
					key := aws.String(fmt.Sprint("obj", g))
					if op == "PUT" {
						_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: key, Body: bytes.NewReader(body)})
						return err
					}
					out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: key})
					if err != nil {
						return err
					}
					n, err := io.Copy(io.Discard, out.Body)
					out.Body.Close()
					if err == nil && n != int64(size) {
						err = fmt.Errorf("read %d bytes", n)
					}
					return err
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
			})
		}
	}
}

// runClients runs op n times in all over clients goroutines and fails b
// with the first error.
func runClients(b *testing.B, clients, n int, op func(g, i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if err := op(g, int(i)); err != nil {
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
}

// benchMixed is cmd/osslite-bench's mixed scenario: 16 clients over 1,000
// keys of 64 KiB doing GET, HEAD, PUT and DELETE in the proportions
// 45/30/15/10 (a GET or HEAD of a key another client deleted is a 404,
// which counts as an answer).
func benchMixed(b *testing.B) {
	const (
		concurrency = 16
		keys        = 1000
		size        = 64 << 10
	)
	c, ctx := benchBucket(b)
	body := pattern(size)
	key := func(n int) *string { return aws.String(fmt.Sprint("mixed-", n)) }
	runClients(b, concurrency, keys, func(_, i int) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: key(i - 1), Body: bytes.NewReader(body)})
		return err
	})
	missing := func(err error) bool {
		var nk *types.NoSuchKey
		var nf *types.NotFound
		var api smithy.APIError
		return errors.As(err, &nk) || errors.As(err, &nf) || errors.As(err, &api) && api.ErrorCode() == "NotFound"
	}
	b.SetBytes(size) // per operation, whatever it moves: a rate to compare runs by
	b.ResetTimer()
	start := time.Now()
	runClients(b, concurrency, b.N, func(_, i int) error {
		r := rand.New(rand.NewPCG(uint64(i), 1))
		k := key(r.IntN(keys))
		switch p := r.IntN(100); {
		case p < 45:
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: k})
			if err != nil {
				if missing(err) {
					return nil
				}
				return err
			}
			_, err = io.Copy(io.Discard, out.Body)
			out.Body.Close()
			return err
		case p < 75:
			_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bench"), Key: k})
			if missing(err) {
				return nil
			}
			return err
		case p < 90:
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: k, Body: bytes.NewReader(body)})
			return err
		default:
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bench"), Key: k})
			return err
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// benchMultipart is cmd/osslite-bench's multipart scenario: 4 clients
// each uploading 256 MiB objects in 16 MiB parts (one operation: create,
// 16 parts, complete) over 4 keys.
func benchMultipart(b *testing.B) {
	const (
		concurrency = 4
		partSize    = 16 << 20
		parts       = 16
	)
	c, ctx := benchBucket(b)
	part := pattern(partSize)
	b.SetBytes(partSize * parts)
	b.ResetTimer()
	start := time.Now()
	runClients(b, concurrency, b.N, func(g, _ int) error {
		k := aws.String(fmt.Sprint("multipart-", g))
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bench"), Key: k})
		if err != nil {
			return err
		}
		done := make([]types.CompletedPart, 0, parts)
		for n := int32(1); n <= parts; n++ {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bench"), Key: k, UploadId: up.UploadId,
				PartNumber: aws.Int32(n), Body: bytes.NewReader(part)})
			if err != nil {
				return err
			}
			done = append(done, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag})
		}
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bench"), Key: k,
			UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
		return err
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// benchBucket starts a server with a bucket "bench" and returns an
// aws-sdk-go-v2 client of it.
func benchBucket(b *testing.B) (*s3.Client, context.Context) {
	f := newFixture(b, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")})
	must(b, err)
	return c, ctx
}
