package httpapi

import (
	"bytes"
	"io"
	"testing"
)

// FuzzRTMPGuard: the guard follows any byte stream, cut into reads of
// any size, without panicking, never lets a chunk size past
// maxRTMPChunkSize, and passes every byte it does not refuse unchanged.
func FuzzRTMPGuard(f *testing.F) {
	hs := make([]byte, rtmpHandshakeBytes)
	hs[0] = 3
	setChunk := []byte{0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 1, 0, 0}
	cmd := []byte{0x03, 0xff, 0xff, 0xff, 0, 0, 9, 20, 0, 0, 0, 0, 1, 2, 3, 4, 0xc3, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	f.Add(append(append(append([]byte{}, hs...), setChunk...), cmd...), uint8(7))
	f.Add(append(append([]byte{}, hs...), 0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0x10, 0, 0), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		g := newRTMPGuard(&stepReader{b: data, step: int(step)%64 + 1})
		var out bytes.Buffer
		_, err := io.Copy(&out, g)
		if g.chunkSize > maxRTMPChunkSize {
			t.Fatalf("chunk size %d", g.chunkSize)
		}
		if !bytes.HasPrefix(data, out.Bytes()) {
			t.Fatal("the guard changed the bytes")
		}
		if err == nil && out.Len() != len(data) {
			t.Fatalf("%d of %d bytes passed without an error", out.Len(), len(data))
		}
	})
}

// stepReader reads b at most step bytes at a time.
type stepReader struct {
	b    []byte
	step int
}

func (r *stepReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.step)], r.b)
	r.b = r.b[n:]
	return n, nil
}
