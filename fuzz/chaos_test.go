package fuzz_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/fuzz"
)

// uploadWithRetry stands for a user's code under test: it puts body and
// tries again, up to attempts times, when a try fails.
func uploadWithRetry(ctx context.Context, c *s3.Client, bucket, key string, body []byte, attempts int) error {
	var err error
	for range attempts {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
		if err == nil {
			return nil
		}
	}
	return err
}

func chaosServer(t testing.TB, c fuzz.Chaos) (*fake.Server, *s3.Client) {
	srv := fake.New(t, fake.WithBuckets("photos"), fake.WithChaos(c))
	return srv, fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region, HTTPClient: srv.HTTPClient()})
}

// FuzzUploadWithRetry fuzzes a user's retry loop against a chaotic fake:
// whatever the seed, fault rate and body size, either the upload succeeded,
// the object holds the body and exactly one try went through (no fault, or
// a slow but correct answer), or every try met an injected fault and no
// object was left behind (a try reset halfway through its body stores
// nothing). To keep each execution (and the minimization of each new
// input) cheap, the fake runs without a listener and the body is a size
// filled from the seed: its bytes change no path the faults take.
func FuzzUploadWithRetry(f *testing.F) {
	// Seed and rate pick each try's fault (the comments list them).
	f.Add(int64(1), uint16(5), uint8(5))      // none
	f.Add(int64(7), uint16(3000), uint8(5))   // none
	f.Add(int64(3), uint16(4), uint8(5))      // SlowBody
	f.Add(int64(21), uint16(0), uint8(7))     // Reset of an empty body, none
	f.Add(int64(37), uint16(20000), uint8(5)) // SlowDown, Reset x3
	f.Add(int64(13), uint16(1), uint8(9))     // InternalError, Reset x2, InternalError
	f.Add(int64(36), uint16(9000), uint8(9))  // Reset x2, SlowDown, SlowBody
	f.Fuzz(func(t *testing.T, seed int64, size uint16, rate uint8) {
		body := make([]byte, size)
		for i := range body {
			body[i] = byte(uint64(seed)>>(i%8*8)) ^ byte(i)
		}
		srv := fake.New(t, fake.WithBuckets("photos"), fake.WithoutListener(),
			fake.WithChaos(fuzz.Chaos{Seed: seed, Rate: float64(rate%10+1) / 10, Ops: []string{"PutObject"}}))
		c := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region, HTTPClient: srv.HTTPClient()})
		ctx := context.Background()
		err := uploadWithRetry(ctx, c, "photos", "k", body, 4)
		reqs := srv.Requests()
		require.LessOrEqual(t, len(reqs), 4)
		through := 0 // tries that reached the handler and were answered
		for _, r := range reqs {
			if r.Chaos == nil || r.Chaos.Fault == fake.ChaosSlowBody {
				through++
			}
		}
		if err != nil {
			require.Zero(t, through, "a try failed without a fault: %v (%+v)", err, reqs)
			_, herr := srv.Engine().HeadObject(ctx, "photos", "k")
			require.ErrorIs(t, herr, engine.ErrNoSuchKey, "every try failed, yet an object was stored")
			return
		}
		require.Equal(t, 1, through, "a successful upload after %+v", reqs)
		out, err := srv.Engine().GetObject(ctx, "photos", "k", engine.GetOptions{})
		require.NoError(t, err)
		got, err := io.ReadAll(out)
		out.Close()
		require.NoError(t, err)
		require.Equal(t, body, got)
	})
}

// TestChaosReproducible checks that the same seed injects the same faults
// into the same request sequence, that every kind shows up, and that each
// is recorded with its seed.
func TestChaosReproducible(t *testing.T) {
	run := func(seed int64) []string {
		srv, c := chaosServer(t, fuzz.Chaos{Seed: seed, Rate: 0.5})
		ctx := context.Background()
		_, err := srv.Engine().PutObject(ctx, "photos", "big", bytes.NewReader(make([]byte, 20000)), 20000, engine.PutOptions{Owner: srv.Owner()})
		require.NoError(t, err)
		for range 150 {
			if out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("big")}); err == nil {
				io.Copy(io.Discard, out.Body)
				out.Body.Close()
			}
			c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("big")})
		}
		var log []string
		for _, r := range srv.Requests() {
			if r.Chaos != nil {
				require.Equal(t, seed, r.Chaos.Seed)
				log = append(log, fmt.Sprintf("%d %s %s %d", r.Chaos.N, r.Operation, r.Chaos.Fault, r.Status))
			}
		}
		return log
	}
	a, b := run(3), run(3)
	require.Equal(t, a, b)
	require.NotEqual(t, a, run(4))
	seen := map[fake.ChaosFault]bool{}
	for _, l := range a {
		var n, status int
		var op, f string
		fmt.Sscan(l, &n, &op, &f, &status)
		seen[fake.ChaosFault(f)] = true
	}
	for _, f := range fake.AllChaosFaults {
		require.True(t, seen[f], "fault %s never injected: %v", f, a)
	}
}

// TestChaosBodies checks the two faults that act on a body: a truncated
// GetObject fails while reading, a slow one arrives whole.
func TestChaosBodies(t *testing.T) {
	for _, f := range []fake.ChaosFault{fake.ChaosTruncate, fake.ChaosSlowBody} {
		t.Run(string(f), func(t *testing.T) {
			srv, c := chaosServer(t, fuzz.Chaos{Seed: 1, Rate: 1, Faults: []fake.ChaosFault{f}, Ops: []string{"GetObject"}})
			ctx := context.Background()
			data := bytes.Repeat([]byte("0123456789"), 2000)
			_, err := srv.Engine().PutObject(ctx, "photos", "big", bytes.NewReader(data), int64(len(data)), engine.PutOptions{Owner: srv.Owner()})
			require.NoError(t, err)
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("big")})
			require.NoError(t, err)
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if f == fake.ChaosTruncate {
				require.ErrorIs(t, err, io.ErrUnexpectedEOF)
				require.Len(t, got, len(data)/2)
			} else {
				require.NoError(t, err)
				require.Equal(t, data, got)
			}
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			require.Equal(t, &fake.ChaosEvent{Seed: 1, N: 1, Fault: f}, reqs[0].Chaos)
		})
	}
}
