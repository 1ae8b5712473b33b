package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWriter(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := randBytes(rand.New(rand.NewPCG(7, 8)), 4<<10*3+999)
	sum := md5.Sum(data)

	w, err := e.NewWriter(ctx, "bkt", "k", PutOptions{Metadata: Metadata{ContentType: "text/plain"}, ContentMD5: sum[:]})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 1+rng.IntN(3000))
		m, err := w.Write(rest[:n])
		require.NoError(t, err)
		require.Equal(t, n, m)
		rest = rest[n:]
	}
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrNoSuchKey, "nothing is visible before Close")
	require.Equal(t, ObjectInfo{}, w.Info())
	require.NoError(t, w.Close())
	require.ErrorIs(t, w.Close(), ErrClosed)
	_, err = w.Write([]byte("x"))
	require.ErrorIs(t, err, ErrClosed)

	info := w.Info()
	require.Equal(t, hex.EncodeToString(sum[:]), info.ETag)
	require.Equal(t, int64(len(data)), info.Size)
	require.Equal(t, "text/plain", info.ContentType)
	o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
	require.NoError(t, err)
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	require.NoError(t, o.Close())
	require.Equal(t, data, got)

	// An empty body commits an empty object.
	w, err = e.NewWriter(ctx, "bkt", "empty", PutOptions{})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.Equal(t, int64(0), w.Info().Size)
}

// TestWriterAborts checks every way a Writer ends without committing:
// nothing replaces the object already stored.
func TestWriterAborts(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	old := put(t, e, "bkt", "k", []byte("old"))
	body := bytes.Repeat([]byte("new body "), 2000)
	unchanged := func(t *testing.T) {
		t.Helper()
		info, err := e.HeadObject(ctx, "bkt", "k")
		require.NoError(t, err)
		require.Equal(t, old.ETag, info.ETag)
	}

	t.Run("cancel then Close", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		w, err := e.NewWriter(cctx, "bkt", "k", PutOptions{})
		require.NoError(t, err)
		_, err = w.Write(body)
		require.NoError(t, err)
		cancel()
		_, err = w.Write(body)
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, w.Close(), context.Canceled)
		require.Equal(t, ObjectInfo{}, w.Info())
		unchanged(t)
	})
	t.Run("cancel without Close", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		w, err := e.NewWriter(cctx, "bkt", "k", PutOptions{})
		require.NoError(t, err)
		_, err = w.Write(body)
		require.NoError(t, err)
		cancel()
		select {
		case <-w.done: // the goroutine ends with the context
		case <-time.After(10 * time.Second):
			t.Fatal("the writer's goroutine outlived its context")
		}
		require.ErrorIs(t, w.err, context.Canceled)
		unchanged(t)
	})
	t.Run("Abort", func(t *testing.T) {
		w, err := e.NewWriter(ctx, "bkt", "k", PutOptions{})
		require.NoError(t, err)
		_, err = w.Write(body)
		require.NoError(t, err)
		w.Abort()
		w.Abort()
		require.ErrorIs(t, w.Close(), ErrClosed)
		unchanged(t)
	})
	t.Run("bad digest", func(t *testing.T) {
		w, err := e.NewWriter(ctx, "bkt", "k", PutOptions{ContentMD5: make([]byte, 16)})
		require.NoError(t, err)
		_, err = w.Write(body)
		require.NoError(t, err)
		require.ErrorIs(t, w.Close(), ErrBadDigest)
		unchanged(t)
	})
	t.Run("condition fails at commit", func(t *testing.T) {
		w, err := e.NewWriter(ctx, "bkt", "k2", PutOptions{IfNoneMatch: "*"})
		require.NoError(t, err)
		_, err = w.Write(body)
		require.NoError(t, err)
		put(t, e, "bkt", "k2", []byte("raced"))
		require.ErrorIs(t, w.Close(), ErrPreconditionFailed)
		o, err := e.GetObject(ctx, "bkt", "k2", GetOptions{})
		require.NoError(t, err)
		got, _ := io.ReadAll(o)
		require.NoError(t, o.Close())
		require.Equal(t, "raced", string(got))
	})
	t.Run("checked at open", func(t *testing.T) {
		_, err := e.NewWriter(ctx, "nope", "k", PutOptions{})
		require.ErrorIs(t, err, ErrNoSuchBucket)
		_, err = e.NewWriter(ctx, "bkt", "k", PutOptions{IfNoneMatch: "*"})
		require.ErrorIs(t, err, ErrPreconditionFailed)
		_, err = e.NewWriter(ctx, "bkt", "", PutOptions{})
		require.True(t, errors.Is(err, ErrInvalidKey) || errors.Is(err, ErrKeyTooLong), "%v", err)
	})
}
