package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// serverEnv switches the test binary into the server: TestMain runs run()
// with the arguments in the variable (one a line) and exits.
// Starting the test binary again is faster than building the command.
const serverEnv = "OSSLITE_TEST_SERVER_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(serverEnv); ok {
		if err := run(context.Background(), strings.Split(args, "\n"), os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "osslite:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// server is the test binary running as osslite on a data directory.
type server struct {
	cmd *exec.Cmd
	url string
}

// startProcess starts the server on dir and waits for its address.
func startProcess(t *testing.T, dir string) *server {
	t.Helper()
	args := []string{"-addr", "127.0.0.1:0", "-data", dir, "-access-key", "AK", "-secret-key", "SK", "-log-level", "warn"}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), serverEnv+"="+strings.Join(args, "\n"))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	s := &server{cmd: cmd}
	t.Cleanup(s.kill)
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()
	select {
	case s.url = <-urlc:
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not start: %s", stderr.String())
	}
	return s
}

// kill sends SIGKILL and reaps the process.
func (s *server) kill() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// version identifies one body: its bytes are a ChaCha8 stream of a seed.
type version struct {
	seed uint64
	size int
	mp   bool // uploaded as multipart
}

func (v version) reader() io.Reader {
	var s [32]byte
	s[0], s[1], s[2], s[3] = byte(v.seed), byte(v.seed>>8), byte(v.seed>>16), byte(v.seed>>24)
	return io.LimitReader(rand.NewChaCha8(s), int64(v.size))
}

func (v version) bytes() []byte {
	b, _ := io.ReadAll(v.reader())
	return b
}

func (v version) hash() [32]byte {
	h := sha256.New()
	_, _ = io.Copy(h, v.reader())
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// keyState is what a key may hold: the last acknowledged body (nil:
// absent) and every body written since whose request failed or was cut off.
type keyState struct {
	acked *version
	maybe []*version
}

// TestKillNine runs the server as a process on a data directory, uploads
// concurrently (single PUTs of several sizes across the 1 MiB chunk size,
// multipart uploads, deletes), kills it with SIGKILL at a random moment,
// restarts it and checks every key by hash: an acknowledged write is
// there, a write in flight at the kill is either wholly there or wholly
// absent, nothing is torn. Several cycles run on the same directory.
func TestKillNine(t *testing.T) {
	cycles := 5
	if testing.Short() {
		cycles = 2
	}
	dir := t.TempDir()
	ctx := context.Background()
	const workers, keysPerWorker = 4, 5
	state := map[string]*keyState{}
	keys := func(w int) []string {
		var ks []string
		for i := 0; i < keysPerWorker; i++ {
			ks = append(ks, fmt.Sprintf("w%d/k%d", w, i))
		}
		return ks
	}
	for w := 0; w < workers; w++ {
		for _, k := range keys(w) {
			state[k] = &keyState{}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seed := uint64(0)
	acked := 0
	for cycle := 0; cycle < cycles; cycle++ {
		srv := startProcess(t, dir)
		c := killClient(srv.url)
		if cycle == 0 {
			_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("kill")})
			require.NoError(t, err)
		}
		verifyKeys(t, c, state, cycle)

		var mu sync.Mutex // guards state, acked
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := 0; w < workers; w++ {
			wrng := rand.New(rand.NewPCG(uint64(cycle), uint64(w)))
			mu.Lock()
			seeds := seed
			seed += 1 << 20
			mu.Unlock()
			wg.Add(1)
			go func(ks []string) {
				defer wg.Done()
				for n := uint64(0); ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					k := ks[wrng.IntN(len(ks))]
					var v *version
					if wrng.IntN(8) > 0 {
						v = &version{seed: seeds + n, size: []int{0, 100, 64 << 10, 1<<20 + 17, 3 << 20}[wrng.IntN(5)]}
						if wrng.IntN(4) == 0 {
							v.mp, v.size = true, 5<<20+wrng.IntN(300<<10)
						}
					}
					mu.Lock()
					st := state[k]
					st.maybe = append(st.maybe, v)
					mu.Unlock()
					err := write(ctx, c, k, v)
					mu.Lock()
					if err == nil {
						st.acked, st.maybe = v, nil
						acked++
					}
					mu.Unlock()
					if err != nil {
						return // the server is gone
					}
				}
			}(keys(w))
		}
		time.Sleep(time.Duration(300+rng.IntN(900)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
	}
	srv := startProcess(t, dir)
	verifyKeys(t, killClient(srv.url), state, cycles)
	t.Logf("%d kill -9 cycles, %d acknowledged writes verified", cycles, acked)
	require.Positive(t, acked)
}

// killClient is a client that does not retry: a request cut off by the
// kill fails at once.
func killClient(url string) *s3.Client {
	return s3.New(client(url, "AK", "SK").Options(), func(o *s3.Options) { o.RetryMaxAttempts = 1 })
}

// write stores v at k (nil deletes it).
func write(ctx context.Context, c *s3.Client, k string, v *version) error {
	b := aws.String("kill")
	switch {
	case v == nil:
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String(k)})
		return err
	case !v.mp:
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: bytes.NewReader(v.bytes())})
		return err
	}
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String(k)})
	if err != nil {
		return err
	}
	data := v.bytes()
	var parts []types.CompletedPart
	for i, p := range [][]byte{data[:5<<20], data[5<<20:]} {
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String(k), UploadId: cr.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			return err
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: up.ETag})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String(k), UploadId: cr.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	return err
}

// verifyKeys reads every key and checks it holds an allowed body; what it
// holds becomes the acknowledged state.
func verifyKeys(t *testing.T, c *s3.Client, state map[string]*keyState, cycle int) {
	t.Helper()
	ctx := context.Background()
	for k, st := range state {
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("kill"), Key: aws.String(k)})
		var h *[32]byte
		if err != nil {
			var ae smithy.APIError
			require.True(t, errors.As(err, &ae) && ae.ErrorCode() == "NoSuchKey", "cycle %d GET %s: %v", cycle, k, err)
		} else {
			sum := sha256.New()
			_, err := io.Copy(sum, got.Body)
			require.NoError(t, err, "cycle %d GET %s", cycle, k)
			require.NoError(t, got.Body.Close())
			h = new([32]byte)
			sum.Sum(h[:0])
		}
		var found *version
		ok := false
		for _, v := range append([]*version{st.acked}, st.maybe...) {
			if (v == nil) == (h == nil) && (v == nil || v.hash() == *h) {
				found, ok = v, true
				break
			}
		}
		require.True(t, ok, "cycle %d: %s holds a body no write produced (acknowledged %+v, in flight %d)", cycle, k, st.acked, len(st.maybe))
		st.acked, st.maybe = found, nil
	}
	// The listing agrees with what GET found.
	want := map[string]int64{}
	for k, st := range state {
		if st.acked != nil {
			want[k] = int64(st.acked.size)
		}
	}
	got := map[string]int64{}
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("kill"), MaxKeys: aws.Int32(7)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err, "cycle %d: list", cycle)
		for _, o := range page.Contents {
			got[aws.ToString(o.Key)] = aws.ToInt64(o.Size)
		}
	}
	require.Equal(t, want, got, "cycle %d: listing", cycle)
}
