package httpapi

import (
	"bytes"
	"io"
	"math/rand/v2"
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

// FuzzRTMPGuardChunks is FuzzRTMPGuard past the handshake: the input is
// the chunks after a fixed valid handshake (C0 version 3, C1, C2), so
// that mutations land in the chunk parser rather than in the 3,073
// handshake bytes the guard only passes (FuzzRTMPGuard's 150 s reached
// little past them). Seeds are streams of gortmplib's own chunk writer
// (gortmplibStream) and hand-made headers of every type.
func FuzzRTMPGuardChunks(f *testing.F) {
	rng := rand.New(rand.NewPCG(39, 4))
	for n := 0; n < 12; {
		chunks, _ := gortmplibStream(rng)
		if len(chunks) > 8<<10 {
			continue
		}
		f.Add(chunks, uint8(n*5))
		n++
	}
	f.Add([]byte{0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 1, 0, 0}, uint8(3))                                            // SetChunkSize 65536
	f.Add([]byte{0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 1, 0, 1}, uint8(3))                                            // 65537: refused
	f.Add([]byte{0x03, 0xff, 0xff, 0xff, 0, 0, 9, 20, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0xc3, 5, 6, 7, 8, 9}, uint8(2)) // extended timestamp, type 3
	f.Add([]byte{0x00, 0x00, 0, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0, 7, 0x40, 0x01, 0x01, 0, 0, 1, 0, 0, 0, 1, 9, 8}, uint8(1))  // 2- and 3-byte ids
	f.Add([]byte{0x44, 0, 0, 1, 0, 0, 2, 9, 1, 2, 0x84, 0, 0, 1, 3, 4}, uint8(64))                                        // type 1, type 2
	f.Fuzz(func(t *testing.T, chunks []byte, step uint8) {
		data := rtmpHandshaken(chunks)
		n := int(step)%64 + 1
		g := newRTMPGuard(&stepReader{b: data, step: n})
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
		// A refusal withholds the read it was found in (at most n bytes),
		// which holds a byte past the handshake.
		if err != nil && out.Len()+n <= rtmpHandshakeBytes {
			t.Fatalf("the guard refused a valid handshake (%d bytes passed, reads of %d): %v", out.Len(), n, err)
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
