package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
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
