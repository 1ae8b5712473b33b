package awschunked

import (
	"bytes"
	"testing"
)

// FuzzRoundTrip encodes an arbitrary payload in chunks of an arbitrary size
// (signed or not, with or without a trailer) and checks that the reader
// gives the payload back exactly.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello world"), uint16(3), uint8(0))
	f.Add([]byte{}, uint16(1), uint8(1))
	f.Add(bytes.Repeat([]byte{0, '\r', '\n'}, 50), uint16(8192), uint8(2))
	f.Add([]byte("x"), uint16(1), uint8(3))
	seed := "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	modes := []Mode{SignedPayload, SignedPayloadTrailer, UnsignedPayloadTrailer}
	f.Fuzz(func(t *testing.T, payload []byte, chunk uint16, mode uint8) {
		// Bound the work per input (every chunk is an HMAC): a slow input
		// at the end of -fuzztime fails the run with a deadline error.
		payload = payload[:min(len(payload), 4096)]
		chunk = max(chunk, uint16(len(payload)/256))
		m := modes[int(mode)%len(modes)]
		o := signedOpts(seed, m, int64(len(payload)))
		o.AllowSmallChunks = true
		var trailer [][2]string
		if m.HasTrailer() {
			trailer = [][2]string{{"x-amz-checksum-crc32", "DUoRhQ=="}}
			o.Trailers = []string{"x-amz-checksum-crc32"}
		}
		body, _ := encode(payload, max(int(chunk), 1), o, trailer)
		out, z, err := decodeAll(bytes.NewReader(body), o)
		if err != nil {
			t.Fatalf("decode (%d bytes, chunk %d, mode %v): %v", len(payload), chunk, m, err)
		}
		if !bytes.Equal(out, payload) {
			t.Fatalf("decoded %d bytes, want %d", len(out), len(payload))
		}
		if m.HasTrailer() && z.Trailers().Get("x-amz-checksum-crc32") != "DUoRhQ==" {
			t.Fatalf("trailer lost: %v", z.Trailers())
		}
	})
}
