package awschunked

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

// Encoding forms FuzzRoundTrip mixes: what the SDKs send, and what the
// reader accepts by design (see Reader and readTrailer).
const (
	formUpperSize    = 1 << iota // chunk sizes in upper-case hex
	formUpperSig                 // chunk and trailer signatures in upper case
	formMinioTrailer             // minio-go: name:value\n, an empty line before the signature
	formNoFinalLine              // the trailer section ends without its empty line
	formBareLF                   // bare LF line endings in the framing
	formTwoTrailers              // two announced trailers
	formZeroPadSize              // chunk sizes with leading zeros
	formUnsignedExt              // a chunk extension in unsigned bodies
)

// encodeForm is encode with the layout variations of form.
func encodeForm(payload []byte, chunkSize int, o Options, trailer [][2]string, form uint8) []byte {
	var b bytes.Buffer
	prev := o.SeedSignature
	eol := "\r\n"
	if form&formBareLF != 0 {
		eol = "\n"
	}
	sigCase := func(s string) string {
		if form&formUpperSig != 0 {
			return strings.ToUpper(s)
		}
		return s
	}
	for off := 0; ; off += chunkSize {
		off = min(off, len(payload))
		data := payload[off:min(off+chunkSize, len(payload))]
		size := fmt.Sprintf("%x", len(data))
		if form&formUpperSize != 0 {
			size = strings.ToUpper(size)
		}
		if form&formZeroPadSize != 0 {
			size = "000" + size
		}
		b.WriteString(size)
		if o.Mode.Signed() {
			h := sha256.Sum256(data)
			sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + o.Timestamp + "\n" + o.Scope + "\n" + prev + "\n" + emptySHA256 + "\n" + hex.EncodeToString(h[:])
			prev = hex.EncodeToString(hmacSHA256(o.SigningKey, sts))
			b.WriteString(";chunk-signature=" + sigCase(prev))
		} else if form&formUnsignedExt != 0 {
			b.WriteString(";ext=1")
		}
		b.WriteString(eol)
		if len(data) == 0 {
			break
		}
		b.Write(data)
		b.WriteString(eol)
	}
	if o.Mode.HasTrailer() {
		var text strings.Builder
		lineEnd := eol
		if form&formMinioTrailer != 0 {
			lineEnd = "\n"
		}
		for _, kv := range trailer {
			b.WriteString(kv[0] + ":" + kv[1] + lineEnd)
			text.WriteString(kv[0] + ":" + kv[1] + "\n")
		}
		if form&formMinioTrailer != 0 {
			b.WriteString("\r\n")
		}
		if o.Mode.Signed() {
			h := sha256.Sum256([]byte(text.String()))
			sts := "AWS4-HMAC-SHA256-TRAILER\n" + o.Timestamp + "\n" + o.Scope + "\n" + prev + "\n" + hex.EncodeToString(h[:])
			b.WriteString("x-amz-trailer-signature:" + sigCase(hex.EncodeToString(hmacSHA256(o.SigningKey, sts))) + eol)
		}
	}
	if !o.Mode.HasTrailer() || form&formNoFinalLine == 0 {
		b.WriteString(eol)
	}
	return b.Bytes()
}

// readAllBy reads z to the end with reads of n bytes at most.
func readAllBy(z *Reader, n int) ([]byte, error) {
	var out []byte
	buf := make([]byte, n)
	for {
		k, err := z.Read(buf)
		out = append(out, buf[:k]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// FuzzRoundTrip encodes an arbitrary payload in chunks of an arbitrary size
// (signed or not, with or without trailers, in each SDK's layout) and
// checks that the reader gives the payload back exactly, whatever the read
// sizes and the underlying reader's short reads: the decoded length is the
// declared one and the trailers are those sent. With one byte of the body
// changed (flip), a signed body either fails or still decodes to exactly
// what was signed (an upper-case hex digit, a trailer name's case), and an
// unsigned one never decodes to more or less than its declared length.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello world"), uint16(3), uint8(0), uint8(0), uint16(0), uint8(0))
	f.Add([]byte{}, uint16(1), uint8(1), uint8(0), uint16(0), uint8(1))
	f.Add(bytes.Repeat([]byte{0, '\r', '\n'}, 50), uint16(8192), uint8(2), uint8(0), uint16(0), uint8(2))
	f.Add([]byte("x"), uint16(1), uint8(3), uint8(0), uint16(0), uint8(3))
	f.Add([]byte("hello world"), uint16(4), uint8(1), uint8(formMinioTrailer|formTwoTrailers|formUpperSig), uint16(0), uint8(0x80))
	f.Add([]byte("hello world"), uint16(4), uint8(2), uint8(formMinioTrailer|formNoFinalLine|formUnsignedExt), uint16(0), uint8(0x47))
	f.Add([]byte("hello world"), uint16(5), uint8(0), uint8(formBareLF|formUpperSize|formZeroPadSize), uint16(0), uint8(0x11))
	f.Add(bytes.Repeat([]byte("0123456789"), 100), uint16(300), uint8(1), uint8(formTwoTrailers), uint16(20), uint8(9))
	f.Add(bytes.Repeat([]byte("0123456789"), 100), uint16(300), uint8(0), uint8(0), uint16(600), uint8(0x55))
	f.Add(bytes.Repeat([]byte("0123456789"), 100), uint16(300), uint8(2), uint8(formTwoTrailers), uint16(1100), uint8(0x21))
	f.Add([]byte("abc"), uint16(3), uint8(1), uint8(0), uint16(0xffff), uint8(0))
	seed := "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	modes := []Mode{SignedPayload, SignedPayloadTrailer, UnsignedPayloadTrailer}
	f.Fuzz(func(t *testing.T, payload []byte, chunk uint16, mode, form uint8, flip uint16, rd uint8) {
		// Bound the work per input (every chunk is an HMAC): a slow input
		// at the end of -fuzztime fails the run with a deadline error.
		payload = payload[:min(len(payload), 4096)]
		chunk = max(chunk, uint16(len(payload)/64), 1)
		m := modes[int(mode)%len(modes)]
		o := signedOpts(seed, m, int64(len(payload)))
		if rd&0x40 != 0 {
			o.DecodedLength = -1
		}
		o.AllowSmallChunks = true
		var trailer [][2]string
		if m.HasTrailer() {
			trailer = [][2]string{{"x-amz-checksum-crc32", "DUoRhQ=="}}
			if form&formTwoTrailers != 0 {
				trailer = append(trailer, [2]string{"x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})
			}
			for _, kv := range trailer {
				o.Trailers = append(o.Trailers, kv[0])
			}
		}
		body := encodeForm(payload, int(chunk), o, trailer, form)
		flipped := flip != 0 && len(body) > 0
		if flipped {
			body[int(flip-1)%len(body)] ^= byte(flip>>8) | 1
		}
		var src io.Reader = bytes.NewReader(body)
		switch rd >> 7 {
		case 1:
			src = iotest.HalfReader(src)
		}
		z := NewReader(src, o)
		out, err := readAllBy(z, 1+int(rd&0x3f))
		if !flipped {
			if err != nil {
				t.Fatalf("decode (%d bytes, chunk %d, mode %v, form %#x): %v\n%q", len(payload), chunk, m, form, err, body)
			}
			if !bytes.Equal(out, payload) || z.DecodedBytes() != int64(len(payload)) {
				t.Fatalf("decoded %d bytes (%d counted), want %d", len(out), z.DecodedBytes(), len(payload))
			}
			want := http.Header{}
			for _, kv := range trailer {
				want.Add(kv[0], kv[1])
			}
			if got := z.Trailers(); m.HasTrailer() && !equalHeader(got, want) || !m.HasTrailer() && len(got) != 0 {
				t.Fatalf("trailers %v, want %v", got, want)
			}
			return
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrMalformedTrailer) && !errors.Is(err, ErrSignatureMismatch) &&
				!errors.Is(err, ErrLengthMismatch) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("an error outside the package's sentinels: %v", err)
			}
			if z.Trailers() != nil {
				t.Fatal("trailers after a failed decode")
			}
			return
		}
		if o.DecodedLength >= 0 && int64(len(out)) != o.DecodedLength {
			t.Fatalf("decoded %d bytes of a body declaring %d", len(out), o.DecodedLength)
		}
		if m.Signed() {
			if !bytes.Equal(out, payload) {
				t.Fatalf("a changed signed body decoded to other bytes:\n%q\n%q", out, payload)
			}
			for _, kv := range trailer {
				if got := z.Trailers().Get(kv[0]); got != kv[1] {
					t.Fatalf("a changed signed body gave trailer %s %q, want %q", kv[0], got, kv[1])
				}
			}
		}
	})
}

// equalHeader reports whether a and b hold the same names and values.
func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\x00") != strings.Join(b[k], "\x00") {
			return false
		}
	}
	return true
}
