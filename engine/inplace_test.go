package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/require"
)

// failingWriter accepts limit bytes, then fails (partway through a write).
type failingWriter struct {
	bytes.Buffer
	limit int
}

var errWriter = errors.New("writer failed")

func (w *failingWriter) Write(p []byte) (int, error) {
	if room := w.limit - w.Len(); len(p) > room {
		n, _ := w.Buffer.Write(p[:max(room, 0)])
		return n, errWriter
	}
	return w.Buffer.Write(p)
}

// TestWriteToInPlace: in a memory store, WriteTo writes chunks straight
// from the blob log's memory (no chunk buffer is ever taken), for whole
// objects, multipart ones and ranges, and the result is the object's
// bytes; compressed chunks take the copying path; a writer that fails
// partway leaves the rest for Read.
func TestWriteToInPlace(t *testing.T) {
	ctx := context.Background()
	e, objs := seekFixture(t)
	for _, key := range []string{"big", "multi"} {
		data := objs[key]
		for _, r := range [][2]int64{{0, int64(len(data))}, {1, 10}, {4095, 4097}, {3000, 9000}, {int64(len(data)) - 5, int64(len(data))}} {
			o, err := e.GetObject(ctx, "bkt", key, GetOptions{Range: &ByteRange{Start: r[0], End: r[1] - 1}})
			require.NoError(t, err)
			var w bytes.Buffer
			n, err := o.WriteTo(&w)
			require.NoError(t, err)
			require.Equal(t, r[1]-r[0], n)
			require.Equal(t, data[r[0]:r[1]], w.Bytes(), "%s %v", key, r)
			require.Nil(t, o.buf, "%s %v: copied through a chunk buffer", key, r)
			require.NoError(t, o.Close())
		}
	}

	// A store that compresses: compressed chunks are copied, the others
	// still written in place.
	opts := testOptions()
	opts.Compression = wal.S2
	ce := openTest(t, opts)
	require.NoError(t, ce.CreateBucket(ctx, "bkt", BucketOptions{}))
	text := bytes.Repeat([]byte("compressible text "), 2000)
	put(t, ce, "bkt", "text", text)
	put(t, ce, "bkt", "random", objs["big"])
	for key, want := range map[string][]byte{"text": text, "random": objs["big"]} {
		o, err := ce.GetObject(ctx, "bkt", key, GetOptions{})
		require.NoError(t, err)
		var w bytes.Buffer
		_, err = o.WriteTo(&w)
		require.NoError(t, err)
		require.Equal(t, want, w.Bytes())
		require.Equal(t, key == "text", o.buf != nil, "%s: copied", key)
		require.NoError(t, o.Close())
	}

	// A writer that fails in the middle of a chunk: Read goes on from
	// the first byte it did not take.
	data := objs["multi"]
	for _, limit := range []int{1, 2999, 3000, 3001, 5000, len(data) - 1} {
		o, err := e.GetObject(ctx, "bkt", "multi", GetOptions{})
		require.NoError(t, err)
		fw := &failingWriter{limit: limit}
		n, err := o.WriteTo(fw)
		require.ErrorIs(t, err, errWriter)
		require.Equal(t, int64(limit), n)
		rest, err := io.ReadAll(o)
		require.NoError(t, err)
		require.Equal(t, data, append(fw.Bytes(), rest...), "failed at %d", limit)
		require.NoError(t, o.Close())
	}
}

// blockingWriter holds its first write until released.
type blockingWriter struct {
	started, release chan struct{}
	got              bytes.Buffer
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	if w.started != nil {
		close(w.started)
		w.started = nil
		<-w.release
	}
	return w.got.Write(p) // p is still the store's memory here
}

// TestCloseWaitsForInPlaceWriters: closing the engine while a WriteTo
// writes from the blob log's memory does not free that memory under it.
func TestCloseWaitsForInPlaceWriters(t *testing.T) {
	ctx := context.Background()
	e, err := Open("", testOptions())
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := randBytes(rand.New(rand.NewPCG(7, 8)), 3*e.opts.ChunkSize+100)
	put(t, e, "bkt", "k", data)
	o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
	require.NoError(t, err)
	w := &blockingWriter{started: make(chan struct{}), release: make(chan struct{})}
	started := w.started
	done := make(chan error, 1)
	go func() {
		_, err := o.WriteTo(w)
		done <- err
	}()
	<-started
	_ = e.Close()                     // pebble reports the reader's snapshot still open
	time.Sleep(10 * time.Millisecond) // Close returned; memory must still be there
	close(w.release)
	err = <-done
	require.ErrorIs(t, err, ErrClosed, "the next chunk is refused")
	require.Equal(t, data[:e.opts.ChunkSize], w.got.Bytes(), "the chunk being written was intact")
	require.NoError(t, o.Close())
}

// errAfterReader returns data, then fails.
type errAfterReader struct {
	r   io.Reader
	err error
}

func (r *errAfterReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err == io.EOF {
		return n, r.err
	}
	return n, err
}

// TestIngestInPlace: a memory store reads large bodies straight into its
// blob log's memory (wal.Stream.Reserve). Bodies of known and unknown
// size, ending on a chunk boundary or not, read back whole; bodies that
// fail partway, or run longer than declared, leave no bytes behind.
func TestIngestInPlace(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(5, 6))
	chunk := testOptions().ChunkSize
	// settle compacts and returns the segments left besides the active one.
	settle := func() []uint64 {
		_, err := e.Compact(ctx, CompactOptions{})
		require.NoError(t, err)
		var left []uint64
		for _, s := range e.log.Segments() {
			if !s.Active {
				left = append(left, s.ID)
			}
		}
		return left
	}
	require.Empty(t, settle())

	for _, n := range []int{20*chunk + 13, 8 * chunk, 15 * chunk, 5*chunk + 1, 3*chunk + 7} {
		for _, size := range []int64{int64(n), -1} {
			data := randBytes(rng, n)
			info, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), size, PutOptions{})
			require.NoError(t, err, "%d bytes, size %d", n, size)
			require.Equal(t, int64(n), info.Size)
			o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
			require.NoError(t, err)
			got, err := io.ReadAll(o)
			require.NoError(t, err)
			require.NoError(t, o.Close())
			require.True(t, bytes.Equal(data, got), "%d bytes, size %d", n, size)
			sum := md5.Sum(data)
			require.Equal(t, hex.EncodeToString(sum[:]), info.ETag)
		}
	}
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}))
	require.Empty(t, settle(), "deleted bodies leave no segments")

	// Failures partway: a reader error, a short body, a long body.
	data := randBytes(rng, 9*chunk+100)
	failing := &errAfterReader{r: bytes.NewReader(data[:6*chunk+50]), err: errors.New("connection reset")}
	_, err := e.PutObject(ctx, "bkt", "f", failing, int64(len(data)), PutOptions{})
	require.Error(t, err)
	_, err = e.PutObject(ctx, "bkt", "f", bytes.NewReader(data[:7*chunk]), int64(len(data)), PutOptions{})
	require.ErrorIs(t, err, ErrIncompleteBody)
	_, err = e.PutObject(ctx, "bkt", "f", bytes.NewReader(data), int64(len(data)-chunk), PutOptions{})
	require.ErrorIs(t, err, ErrIncompleteBody)
	_, err = e.PutObject(ctx, "bkt", "f", bytes.NewReader(data), int64(len(data)), PutOptions{ContentMD5: make([]byte, 16)})
	require.Error(t, err, "a wrong Content-MD5")
	_, err = e.HeadObject(ctx, "bkt", "f")
	require.ErrorIs(t, err, ErrNoSuchKey)
	require.Empty(t, settle(), "failed writes leave no segments")
}

// TestLentInlineBodies: a small body stays in its pooled read buffer
// until its record is committed (ingestLendInline); concurrent writers
// reusing those buffers never change what was stored, failed writes
// included, and concurrent readers of inline bodies (read into pooled
// buffers too) each get their own object.
func TestLentInlineBodies(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "lend", BucketOptions{}))
	body := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, 100+i%4000) }
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 400; i += 4 {
				b := body(i)
				_, err := e.PutObject(ctx, "lend", fmt.Sprint(i), bytes.NewReader(b), int64(len(b)), PutOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				// A refused write (wrong Content-MD5) returns its buffer too.
				_, err = e.PutObject(ctx, "lend", "bad", bytes.NewReader(b), int64(len(b)), PutOptions{ContentMD5: make([]byte, 16)})
				if !errors.Is(err, ErrBadDigest) {
					t.Errorf("bad digest: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Readers share the pooled buffers inline bodies are read into
	// (Object.inlineBuf): each sees its own object's bytes.
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 400; i += 4 {
				o, err := e.GetObject(ctx, "lend", fmt.Sprint(i), GetOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				got, err := io.ReadAll(o)
				o.Close()
				if err != nil || !bytes.Equal(body(i), got) {
					t.Errorf("object %d: %v, %d bytes", i, err, len(got))
					return
				}
			}
		}()
	}
	wg.Wait()
}
