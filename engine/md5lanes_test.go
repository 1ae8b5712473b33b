package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLargeBodyETags: bodies on both sides of simdMD5Min, of unknown size,
// written concurrently (so the md5-simd lanes are shared), get the MD5 of
// their bytes as ETag.
func TestLargeBodyETags(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.ChunkSize, opts.SegmentSize = 256<<10, 4<<20
	opts.VectorMD5 = true
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	sizes := []int{simdMD5Min - 1, simdMD5Min, simdMD5Min + 1, 3<<20 + 17, 0, 100}
	var wg sync.WaitGroup
	for i, n := range sizes {
		for _, known := range []bool{true, false} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data := randBytes(rand.New(rand.NewPCG(uint64(i), 1)), n)
				size := int64(n)
				var r io.Reader = bytes.NewReader(data)
				if !known {
					size, r = -1, struct{ io.Reader }{r}
				}
				key := fmt.Sprintf("%d-%v", n, known)
				info, err := e.PutObject(ctx, "bkt", key, r, size, PutOptions{})
				if !assertNoError(t, err) {
					return
				}
				sum := md5.Sum(data)
				if info.ETag != hex.EncodeToString(sum[:]) {
					t.Errorf("%s: ETag %s, want %x", key, info.ETag, sum)
				}
			}()
		}
	}
	wg.Wait()
}

func assertNoError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

// TestMD5LanesOutliveClose: a write still hashing when the engine closes
// finishes its hashing (the server stops after its last hasher), and a
// hasher asked for after close is crypto/md5.
func TestMD5LanesOutliveClose(t *testing.T) {
	m := newMD5Lanes()
	h, release, simd := m.hasher(-1)
	require.True(t, simd)
	m.close()
	data := bytes.Repeat([]byte("lanes"), 1<<20)
	_, err := h.Write(data)
	require.NoError(t, err)
	want := md5.Sum(data)
	require.Equal(t, want[:], h.Sum(nil))
	release()
	h2, release2, simd2 := m.hasher(-1)
	require.False(t, simd2, "after close")
	_, _ = h2.Write(data)
	require.Equal(t, want[:], h2.Sum(nil))
	release2()
}

// TestNoContentIndex: a Put with NoContentIndex computes no SHA-1 and
// leaves the content index alone; IndexContent adds it later.
func TestNoContentIndex(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	for _, n := range []int{100, 64 << 10} { // inline and blob-log bodies
		data := randBytes(rand.New(rand.NewPCG(uint64(n), 2)), n)
		sum := sha1.Sum(data)
		key := fmt.Sprint(n)
		info, err := e.PutObject(ctx, "bkt", key, bytes.NewReader(data), int64(n), PutOptions{NoContentIndex: true})
		require.NoError(t, err)
		require.Empty(t, info.SHA1)
		_, err = e.FindByContent(ctx, "", sum[:], int64(n))
		require.ErrorIs(t, err, ErrNoSuchContent, "not indexed")

		ix, err := e.IndexContent(ctx, "bkt", key)
		require.NoError(t, err)
		require.Equal(t, hex.EncodeToString(sum[:]), ix.SHA1)
		c, err := e.FindByContent(ctx, "", sum[:], int64(n))
		require.NoError(t, err)
		require.Equal(t, info.ETag, c.ETag)

		// With the default, the SHA-1 comes with the Put.
		info, err = e.PutObject(ctx, "bkt", key+"-indexed", bytes.NewReader(data), int64(n), PutOptions{})
		require.NoError(t, err)
		require.Equal(t, hex.EncodeToString(sum[:]), info.SHA1)
		// A declared SHA-1 is checked even with NoContentIndex.
		_, err = e.PutObject(ctx, "bkt", key+"-bad", bytes.NewReader(data), int64(n), PutOptions{NoContentIndex: true, ContentSHA1: make([]byte, 20)})
		require.ErrorIs(t, err, ErrBadDigest)
	}
}
