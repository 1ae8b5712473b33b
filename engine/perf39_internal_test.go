package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEncoderStrs: strs writes a field in place exactly as the encoding
// through a separate payload buffer it replaced, for lengths whose varints
// take one, two and three bytes.
func TestEncoderStrs(t *testing.T) {
	want := func(tag uint64, ss ...string) []byte {
		var p []byte
		for _, s := range ss {
			p = binary.AppendUvarint(p, uint64(len(s)))
			p = append(p, s...)
		}
		e := encoder{b: []byte("before")}
		e.field(tag, p)
		return e.b
	}
	long := strings.Repeat("x", 20000)
	for _, ss := range [][]string{
		nil, {""}, {"", ""}, {"CRC64NVME", "12345678"}, {strings.Repeat("a", 127)}, {strings.Repeat("b", 128), "c"},
		{long[:126], long[:2]}, {long}, {long, long[:300], ""},
	} {
		for _, tag := range []uint64{1, 127, 128, 1 << 20} {
			e := encoder{b: []byte("before")}
			e.strs(tag, ss...)
			require.Equal(t, want(tag, ss...), e.b, "tag %d, lengths %d", tag, len(ss))
		}
	}
	for _, v := range []uint64{0, 1, 127, 128, 16383, 16384, 1<<63 - 1, 1<<64 - 1} {
		require.Equal(t, len(binary.AppendUvarint(nil, v)), uvarintLen(v), "%d", v)
	}
}

// TestObjectKeyBytes: objectKey is objectPrefix followed by the key.
func TestObjectKeyBytes(t *testing.T) {
	for _, bk := range [][2]string{{"b", ""}, {"bench", "obj"}, {"bucket-with-a-long-name", strings.Repeat("k/", 600)}, {"b", "\x00\xff"}} {
		k := objectKey(bk[0], bk[1])
		require.Equal(t, append(objectPrefix(bk[0]), bk[1]...), k)
		require.Equal(t, len(k), cap(k))
	}
}

// TestStdMD5Reused: the pooled crypto/md5 hashers of small bodies give
// every body its own MD5, whatever the hasher hashed before release.
func TestStdMD5Reused(t *testing.T) {
	var lanes *md5Lanes // no md5-simd server: every body on the pool
	for i := range 50 {
		body := bytes.Repeat([]byte{byte(i)}, i*37)
		h, release, simd := lanes.hasher(int64(len(body)))
		require.False(t, simd)
		h.Write(body[:len(body)/2])
		h.Write(body[len(body)/2:])
		want := md5.Sum(body)
		require.Equal(t, want[:], h.Sum(nil), "body %d", i)
		if i%3 == 0 {
			h.Write([]byte("left over")) // release resets it
		}
		release()
	}
}

// TestInlineBodyRegistration: a body known to fit inline does not
// register with garbage collection (it appends nothing to the blob log);
// a larger one does while it is read, as before; done deregisters it and
// returns a lent inline buffer once, however often it is called.
func TestInlineBodyRegistration(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, testOptions()) // InlineThreshold 1 KiB
	inflight := func() int {
		e.gc.mu.Lock()
		defer e.gc.mu.Unlock()
		return len(e.gc.inflight)
	}
	for _, tc := range []struct {
		size     int
		register bool
	}{{0, false}, {100, false}, {e.opts.InlineThreshold, false}, {e.opts.InlineThreshold + 1, true}, {3 * e.opts.ChunkSize, true}} {
		pr, pw := io.Pipe()
		got := make(chan *body, 1)
		go func() {
			b, err := e.ingest(ctx, pr, int64(tc.size), nil, nil, "", ingestInline|ingestLendInline, nil)
			if err != nil {
				t.Error(err)
			}
			got <- b
		}()
		_, err := pw.Write([]byte{}) // the reader is running
		require.NoError(t, err)
		if tc.size > 0 {
			_, err = pw.Write(make([]byte, 1)) // in ingest's first read
			require.NoError(t, err)
		}
		if tc.register {
			waitFor(t, 5*time.Second, func() bool { return inflight() == 1 }, func() string { return "not registered" })
		} else {
			require.Equal(t, 0, inflight(), "size %d", tc.size)
		}
		if tc.size > 1 {
			_, err = pw.Write(make([]byte, tc.size-1))
			require.NoError(t, err)
		}
		require.NoError(t, pw.Close())
		b := <-got
		require.NotNil(t, b)
		require.Equal(t, tc.register, b.blob != nil, "size %d", tc.size)
		require.Equal(t, tc.size > 0 && !tc.register, b.lent != nil, "size %d", tc.size)
		b.done()
		require.Nil(t, b.lent)
		require.Equal(t, 0, inflight())
		b.done() // again: nothing
		require.Equal(t, 0, inflight())
	}
}
