package engine

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSmallBodyBuffers checks the bodies that get a buffer of their own
// size class (bufFor) rather than a chunk's: at and around each class's
// length, inline or written to the blob log, with declared sizes right,
// short and long, and read back whole, by range and through ReadAt. An
// object holding a small part of a larger blob (a ranged part copy) has
// chunks longer than itself: its reads grow the small buffer.
func TestSmallBodyBuffers(t *testing.T) {
	ctx := context.Background()
	for _, inline := range []int{defaultInlineThreshold, -1} {
		e := openTest(t, &Options{Clock: newFakeClock(), InlineThreshold: inline})
		require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
		rng := rand.New(rand.NewPCG(7, uint64(inline)))
		var sizes []int
		for _, c := range smallBufSizes {
			sizes = append(sizes, c-2, c-1, c, c+1)
		}
		sizes = append(sizes, 0, 1, e.opts.ChunkSize-1, e.opts.ChunkSize, e.opts.ChunkSize+1)
		for _, n := range sizes {
			data := randBytes(rng, n)
			_, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), int64(n)+1, PutOptions{})
			require.ErrorIs(t, err, ErrIncompleteBody, "size %d declared one longer", n)
			if n > 0 {
				_, err = e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), int64(n)-1, PutOptions{})
				require.ErrorIs(t, err, ErrIncompleteBody, "size %d declared one shorter", n)
			}
			info, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), int64(n), PutOptions{})
			require.NoError(t, err, "size %d", n)
			require.Equal(t, hexMD5(data), info.ETag, "size %d", n)
			got, _ := readAll(t, e, "bkt", "k", GetOptions{})
			require.Equal(t, data, got, "size %d", n)
			if n > 10 {
				got, _ = readAll(t, e, "bkt", "k", GetOptions{Range: &ByteRange{Start: 5, End: int64(n - 3)}})
				require.Equal(t, data[5:n-2], got, "size %d ranged", n)
				o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
				require.NoError(t, err)
				p := make([]byte, n-7)
				_, err = o.ReadAt(p, 7)
				require.NoError(t, err)
				require.NoError(t, o.Close())
				require.Equal(t, data[7:], p, "size %d ReadAt", n)
			}
		}

		// A part copied from the middle of a larger body references its
		// blob: a 1,000-byte object whose chunk is 1 MiB.
		big := randBytes(rng, 3*e.opts.ChunkSize)
		put(t, e, "bkt", "big", big)
		id, err := e.CreateMultipartUpload(ctx, "bkt", "part", PutOptions{})
		require.NoError(t, err)
		r := ByteRange{Start: int64(e.opts.ChunkSize) + 100, End: int64(e.opts.ChunkSize) + 1099}
		p, err := e.UploadPartCopy(ctx, "bkt", "part", id, 1, "bkt", "big", PartCopyOptions{Range: &r})
		require.NoError(t, err)
		_, err = e.CompleteMultipartUpload(ctx, "bkt", "part", id, []CompletePart{{PartNumber: 1, ETag: p.ETag}}, CompleteOptions{MinPartSize: 1})
		require.NoError(t, err)
		for range 3 { // the grown buffers go back to no pool of the wrong size
			got, _ := readAll(t, e, "bkt", "part", GetOptions{})
			require.Equal(t, big[r.Start:r.End+1], got)
			o, err := e.GetObject(ctx, "bkt", "part", GetOptions{})
			require.NoError(t, err)
			q := make([]byte, 500)
			_, err = o.ReadAt(q, 250)
			require.NoError(t, err)
			require.NoError(t, o.Close())
			require.Equal(t, big[r.Start+250:r.Start+750], q)
		}
	}
}
