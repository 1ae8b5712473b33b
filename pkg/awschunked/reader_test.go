package awschunked

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// The published example (auth.md §3.1/§3.2).
var (
	exampleKey = func() []byte {
		k := hmacSHA256([]byte("AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "20130524")
		k = hmacSHA256(k, "us-east-1")
		k = hmacSHA256(k, "s3")
		return hmacSHA256(k, "aws4_request")
	}()
	examplePayload = bytes.Repeat([]byte("a"), 66560)
)

const (
	exampleTS    = "20130524T000000Z"
	exampleScope = "20130524/us-east-1/s3/aws4_request"
)

func signedOpts(seed string, mode Mode, decoded int64) Options {
	return Options{Mode: mode, SigningKey: exampleKey, Timestamp: exampleTS, Scope: exampleScope, SeedSignature: seed, DecodedLength: decoded}
}

// encode is the test's aws-chunked encoder: it splits payload into chunks
// of chunkSize and returns the body and the chunk signatures.
func encode(payload []byte, chunkSize int, o Options, trailer [][2]string) ([]byte, []string) {
	var b bytes.Buffer
	var sigs []string
	prev := o.SeedSignature
	sign := func(data []byte) string {
		h := sha256.Sum256(data)
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + o.Timestamp + "\n" + o.Scope + "\n" + prev + "\n" + emptySHA256 + "\n" + hex.EncodeToString(h[:])
		prev = hex.EncodeToString(hmacSHA256(o.SigningKey, sts))
		sigs = append(sigs, prev)
		return prev
	}
	for off := 0; ; off += chunkSize {
		off = min(off, len(payload))
		data := payload[off:min(off+chunkSize, len(payload))]
		fmt.Fprintf(&b, "%x", len(data))
		if o.Mode.Signed() {
			b.WriteString(";chunk-signature=" + sign(data))
		}
		b.WriteString("\r\n")
		if len(data) == 0 {
			break
		}
		b.Write(data)
		b.WriteString("\r\n")
	}
	if o.Mode.HasTrailer() {
		var text strings.Builder
		for _, kv := range trailer {
			b.WriteString(kv[0] + ":" + kv[1] + "\r\n")
			text.WriteString(kv[0] + ":" + kv[1] + "\n")
		}
		if o.Mode.Signed() {
			h := sha256.Sum256([]byte(text.String()))
			sts := "AWS4-HMAC-SHA256-TRAILER\n" + o.Timestamp + "\n" + o.Scope + "\n" + prev + "\n" + hex.EncodeToString(h[:])
			sig := hex.EncodeToString(hmacSHA256(o.SigningKey, sts))
			sigs = append(sigs, sig)
			b.WriteString("x-amz-trailer-signature:" + sig + "\r\n")
		}
	}
	b.WriteString("\r\n")
	return b.Bytes(), sigs
}

func decodeAll(r io.Reader, o Options) ([]byte, *Reader, error) {
	z := NewReader(r, o)
	out, err := io.ReadAll(z)
	return out, z, err
}

func TestPublishedSignedExample(t *testing.T) {
	o := signedOpts("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", SignedPayload, 66560)
	body, sigs := encode(examplePayload, 65536, o, nil)
	want := []string{
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	}
	require.Equal(t, strings.Join(want, ","), strings.Join(sigs, ","))
	require.Equal(t, 66824, len(body))
	// The body, spelled out with the published signatures.
	lit := "10000;chunk-signature=" + want[0] + "\r\n" + strings.Repeat("a", 65536) + "\r\n" +
		"400;chunk-signature=" + want[1] + "\r\n" + strings.Repeat("a", 1024) + "\r\n" +
		"0;chunk-signature=" + want[2] + "\r\n\r\n"
	require.Equal(t, lit, string(body))

	readers := map[string]func(io.Reader) io.Reader{
		"plain":    func(r io.Reader) io.Reader { return r },
		"onebyte":  iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"dataerr":  iotest.DataErrReader,
		"onebyte+": func(r io.Reader) io.Reader { return iotest.OneByteReader(iotest.DataErrReader(r)) },
	}
	for name, wrap := range readers {
		t.Run(name, func(t *testing.T) {
			out, z, err := decodeAll(wrap(bytes.NewReader(body)), o)
			require.NoError(t, err)
			require.True(t, bytes.Equal(examplePayload, out))
			require.Equal(t, int64(66560), z.DecodedBytes())
			require.Equal(t, 0, len(z.Trailers()))
		})
	}
	t.Run("tiny reads", func(t *testing.T) {
		z := NewReader(bytes.NewReader(body), o)
		var out []byte
		buf := make([]byte, 7)
		for {
			n, err := z.Read(buf)
			out = append(out, buf[:n]...)
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
		}
		require.True(t, bytes.Equal(examplePayload, out))
	})
	t.Run("iotest.TestReader", func(t *testing.T) {
		require.NoError(t, iotest.TestReader(NewReader(bytes.NewReader(body), o), examplePayload))
	})
}

func TestPublishedTrailerExample(t *testing.T) {
	seed := "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	o := signedOpts(seed, SignedPayloadTrailer, 66560)
	o.Trailers = []string{"x-amz-checksum-crc32c"}
	sigs := []string{
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
		"d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435",
	}
	lit := "10000;chunk-signature=" + sigs[0] + "\r\n" + strings.Repeat("a", 65536) + "\r\n" +
		"400;chunk-signature=" + sigs[1] + "\r\n" + strings.Repeat("a", 1024) + "\r\n" +
		"0;chunk-signature=" + sigs[2] + "\r\n" +
		"x-amz-checksum-crc32c:sOO8/Q==\r\n" +
		"x-amz-trailer-signature:" + sigs[3] + "\r\n\r\n"
	body, got := encode(examplePayload, 65536, o, [][2]string{{"x-amz-checksum-crc32c", "sOO8/Q=="}})
	require.Equal(t, strings.Join(sigs, ","), strings.Join(got, ","))
	require.Equal(t, lit, string(body))

	for _, variant := range []string{lit, strings.Replace(lit, sigs[2]+"\r\n", sigs[2]+"\r\n\r\n", 1)} {
		out, z, err := decodeAll(iotest.HalfReader(strings.NewReader(variant)), o)
		require.NoError(t, err)
		require.True(t, bytes.Equal(examplePayload, out))
		require.Equal(t, "sOO8/Q==", z.Trailers().Get("x-amz-checksum-crc32c"))
		require.Equal(t, "", z.Trailers().Get("x-amz-trailer-signature"))
	}

	// A forged trailer value fails the trailer signature.
	_, _, err := decodeAll(strings.NewReader(strings.Replace(lit, "sOO8/Q==", "AAAAAA==", 1)), o)
	require.ErrorIs(t, err, ErrSignatureMismatch)
	// A missing trailer signature.
	_, _, err = decodeAll(strings.NewReader(strings.Replace(lit, "x-amz-trailer-signature:"+sigs[3]+"\r\n", "", 1)), o)
	require.ErrorIs(t, err, ErrMalformedTrailer)
}

func TestBadChunkSignature(t *testing.T) {
	o := signedOpts("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", SignedPayload, 66560)
	body, sigs := encode(examplePayload, 65536, o, nil)
	for i, sig := range sigs {
		bad := bytes.Replace(body, []byte(sig), []byte(strings.Repeat("0", 64)), 1)
		z := NewReader(bytes.NewReader(bad), o)
		n, err := io.Copy(io.Discard, z)
		require.ErrorIs(t, err, ErrSignatureMismatch, i)
		// The bad chunk never completes, and nothing after it is read.
		limit := []int64{65535, 65536 + 1023, 66560}[i]
		if n > limit {
			t.Fatalf("chunk %d: returned %d bytes, want <= %d", i, n, limit)
		}
	}
	// Tampered data, right signatures.
	bad := bytes.Replace(body, []byte("aaaa\r\n400"), []byte("aaab\r\n400"), 1)
	_, _, err := decodeAll(bytes.NewReader(bad), o)
	require.ErrorIs(t, err, ErrSignatureMismatch)
	// Wrong seed.
	o2 := o
	o2.SeedSignature = strings.Repeat("1", 64)
	_, _, err = decodeAll(bytes.NewReader(body), o2)
	require.ErrorIs(t, err, ErrSignatureMismatch)
}

func TestTruncated(t *testing.T) {
	payload := []byte(strings.Repeat("0123456789", 30))
	cases := map[string]Options{
		"signed":           {Mode: SignedPayload, SigningKey: exampleKey, Timestamp: exampleTS, Scope: exampleScope, SeedSignature: strings.Repeat("a", 64), DecodedLength: -1, AllowSmallChunks: true},
		"signed trailer":   {Mode: SignedPayloadTrailer, SigningKey: exampleKey, Timestamp: exampleTS, Scope: exampleScope, SeedSignature: strings.Repeat("a", 64), DecodedLength: -1, AllowSmallChunks: true, Trailers: []string{"x-amz-checksum-crc32"}},
		"unsigned trailer": {Mode: UnsignedPayloadTrailer, DecodedLength: -1, Trailers: []string{"x-amz-checksum-crc32"}, AllowSmallChunks: true},
	}
	for name, o := range cases {
		t.Run(name, func(t *testing.T) {
			body, _ := encode(payload, 100, o, [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}})
			out, _, err := decodeAll(bytes.NewReader(body), o)
			require.NoError(t, err)
			require.Equal(t, string(payload), string(out))
			// Every strict prefix fails, except the ones lacking only the
			// final CRLF, which are tolerated.
			for n := 0; n < len(body)-2; n++ {
				_, _, err := decodeAll(bytes.NewReader(body[:n]), o)
				if err == nil {
					t.Fatalf("prefix %d/%d decoded without error", n, len(body))
				}
			}
		})
	}
}

func TestUnsignedTrailer(t *testing.T) {
	tests := []struct {
		name, body, payload string
		trailers            map[string]string
		announce            []string
		decoded             int64
	}{
		{"no trailer", "b\r\nhello world\r\n0\r\n\r\n", "hello world", nil, nil, 11},
		{"foo", "b\r\nhello world\r\n0\r\nfoo:abc123\r\n\r\n", "hello world", map[string]string{"foo": "abc123"}, []string{"Foo"}, -1},
		{"crc32", "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", "hello world", map[string]string{"x-amz-checksum-crc32": "DUoRhQ=="}, []string{"x-amz-checksum-crc32"}, 11},
		{"empty payload", "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", "", map[string]string{"x-amz-checksum-crc32": "AAAAAA=="}, []string{"x-amz-checksum-crc32"}, 0},
		{"no final crlf", "b\r\nhello world\r\n0\r\nfoo:abc123\r\n", "hello world", map[string]string{"foo": "abc123"}, []string{"foo"}, 11},
		{"spaces", "5\r\nhello\r\n6\r\n world\r\n0\r\nFoo: bar \r\n\r\n", "hello world", map[string]string{"foo": "bar"}, []string{"foo"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, z, err := decodeAll(iotest.OneByteReader(strings.NewReader(tt.body)), Options{Mode: UnsignedPayloadTrailer, DecodedLength: tt.decoded, Trailers: tt.announce, AllowSmallChunks: true})
			require.NoError(t, err)
			require.Equal(t, tt.payload, string(out))
			require.Equal(t, len(tt.trailers), len(z.Trailers()))
			for k, v := range tt.trailers {
				require.Equal(t, v, z.Trailers().Get(k))
			}
		})
	}
	// The 52-byte body of auth.md §3.3; the caller checks the checksum.
	body := "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
	require.Equal(t, 52, len(body))
	out, z, err := decodeAll(strings.NewReader(body), Options{Mode: UnsignedPayloadTrailer, DecodedLength: 11, Trailers: []string{"x-amz-checksum-crc32"}})
	require.NoError(t, err)
	sum := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(out))
	require.Equal(t, z.Trailers().Get("x-amz-checksum-crc32"), base64.StdEncoding.EncodeToString(sum))
}

func TestErrors(t *testing.T) {
	seed := strings.Repeat("a", 64)
	signed := Options{Mode: SignedPayload, SigningKey: exampleKey, Timestamp: exampleTS, Scope: exampleScope, SeedSignature: seed, DecodedLength: -1}
	small, _ := encode([]byte(strings.Repeat("x", 300)), 100, signed, nil)
	smallLast, _ := encode([]byte(strings.Repeat("x", 8192+5)), 8192, signed, nil)
	unsigned := Options{Mode: UnsignedPayloadTrailer, DecodedLength: -1}
	tests := []struct {
		name string
		body string
		o    Options
		want error
	}{
		{"too small chunk", string(small), signed, ErrChunkTooSmall},
		{"small last chunk ok", string(smallLast), signed, nil},
		{"decoded short", "b\r\nhello world\r\n0\r\n\r\n", Options{Mode: UnsignedPayloadTrailer, DecodedLength: 12}, ErrLengthMismatch},
		{"decoded long", "b\r\nhello world\r\n0\r\n\r\n", Options{Mode: UnsignedPayloadTrailer, DecodedLength: 10}, ErrLengthMismatch},
		{"bad hex", "zz\r\nhello\r\n0\r\n\r\n", unsigned, ErrMalformed},
		{"empty size", "\r\nhello\r\n0\r\n\r\n", unsigned, ErrMalformed},
		{"negative size", "-1\r\nhello\r\n0\r\n\r\n", unsigned, ErrMalformed},
		{"huge size", "1000000000000000\r\nx", unsigned, ErrMalformed},
		{"size too big for data", "10\r\nhello\r\n0\r\n\r\n", unsigned, ErrMalformed},
		{"no crlf after data", "5\r\nhelloX\r\n0\r\n\r\n", unsigned, ErrMalformed},
		{"long line", strings.Repeat("0", 5000) + "\r\n", unsigned, ErrMalformed},
		{"missing signature", "5\r\nhello\r\n0\r\n\r\n", signed, ErrMalformed},
		{"short signature", "5;chunk-signature=abc\r\nhello\r\n", signed, ErrMalformed},
		{"other extension", "5;foo=" + seed + "\r\nhello\r\n", signed, ErrMalformed},
		{"missing announced trailer", "0\r\nfoo:bar\r\n\r\n", Options{Mode: UnsignedPayloadTrailer, DecodedLength: -1, Trailers: []string{"x-amz-checksum-crc32"}}, ErrMalformedTrailer},
		{"trailer without colon", "0\r\nfoobar\r\n\r\n", unsigned, ErrMalformedTrailer},
		{"unsigned with trailer signature", "0\r\nx-amz-trailer-signature:" + seed + "\r\n\r\n", unsigned, ErrMalformedTrailer},
		{"trailer too long", "0\r\n" + strings.Repeat("x-amz-meta-a:"+strings.Repeat("v", 1000)+"\r\n", 20) + "\r\n", unsigned, ErrMalformedTrailer},
		{"data after end", "0\r\n\r\nextra", unsigned, ErrMalformed},
		{"bad mode", "", Options{}, ErrInvalidOptions},
		{"signed without key", "", Options{Mode: SignedPayload, DecodedLength: -1}, ErrInvalidOptions},
		{"empty body", "", unsigned, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decodeAll(strings.NewReader(tt.body), tt.o)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestStickyError(t *testing.T) {
	z := NewReader(strings.NewReader("zz\r\n"), Options{Mode: UnsignedPayloadTrailer, DecodedLength: -1})
	_, err1 := z.Read(make([]byte, 10))
	_, err2 := z.Read(make([]byte, 10))
	require.ErrorIs(t, err1, ErrMalformed)
	require.Equal(t, err1, err2)
	if z.Trailers() != nil {
		t.Fatal("trailers before EOF")
	}
}

func TestParseMode(t *testing.T) {
	for v, want := range map[string]Mode{
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD":         SignedPayload,
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": SignedPayloadTrailer,
		"STREAMING-UNSIGNED-PAYLOAD-TRAILER":         UnsignedPayloadTrailer,
	} {
		m, ok := ParseMode(v)
		require.True(t, ok)
		require.Equal(t, want, m)
	}
	_, ok := ParseMode("UNSIGNED-PAYLOAD")
	require.False(t, ok)
}

func FuzzReader(f *testing.F) {
	o := signedOpts("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", SignedPayload, -1)
	body, _ := encode(examplePayload[:300], 100, o, nil)
	f.Add(body, uint8(0))
	f.Add([]byte("b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"), uint8(2))
	f.Add([]byte("0\r\n\r\n\r\n\r\nfoo:bar\r\n\r\n"), uint8(2))
	tb, _ := encode(examplePayload[:50], 100, signedOpts(o.SeedSignature, SignedPayloadTrailer, -1), [][2]string{{"x-amz-checksum-crc32c", "AAAAAA=="}})
	f.Add(tb, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := o
		opts.Mode = Mode(mode%3 + 1)
		opts.AllowSmallChunks = mode&4 != 0
		if mode&8 != 0 {
			opts.DecodedLength = int64(mode)
		}
		z := NewReader(bytes.NewReader(data), opts)
		buf := make([]byte, 1+int(mode)%17)
		var total int64
		for i := 0; ; i++ {
			n, err := z.Read(buf)
			total += int64(n)
			if err != nil {
				break
			}
			if i > 4*len(data)+10 {
				t.Fatal("no progress")
			}
		}
		if total > int64(len(data)) {
			t.Fatalf("decoded %d bytes from %d", total, len(data))
		}
	})
}

func BenchmarkDecodeSigned16MiB(b *testing.B) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<20)
	o := signedOpts(strings.Repeat("a", 64), SignedPayload, int64(len(payload)))
	body, _ := encode(payload, 64<<10, o, nil)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := io.Copy(io.Discard, NewReader(bytes.NewReader(body), o)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeUnsigned16MiB(b *testing.B) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<20)
	o := Options{Mode: UnsignedPayloadTrailer, DecodedLength: int64(len(payload)), Trailers: []string{"x-amz-checksum-crc32"}}
	body, _ := encode(payload, 64<<10, o, [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}})
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := io.Copy(io.Discard, NewReader(bytes.NewReader(body), o)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSkipVerify decodes signed bodies whose signatures cannot be checked
// (a permissive server with an unknown key): forged signatures pass, the
// payload and trailers are still decoded, and framing errors still fail.
func TestSkipVerify(t *testing.T) {
	o := signedOpts("106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e", SignedPayloadTrailer, 66560)
	o.Trailers = []string{"x-amz-checksum-crc32c"}
	body, sigs := encode(examplePayload, 65536, o, [][2]string{{"x-amz-checksum-crc32c", "sOO8/Q=="}})
	forged := body
	for _, sig := range sigs {
		forged = bytes.Replace(forged, []byte(sig), []byte(strings.Repeat("0", 64)), 1)
	}
	_, _, err := decodeAll(bytes.NewReader(forged), o)
	require.ErrorIs(t, err, ErrSignatureMismatch)

	skip := Options{Mode: SignedPayloadTrailer, DecodedLength: 66560, Trailers: o.Trailers, SkipVerify: true}
	out, z, err := decodeAll(bytes.NewReader(forged), skip)
	require.NoError(t, err)
	require.True(t, bytes.Equal(examplePayload, out))
	require.Equal(t, "sOO8/Q==", z.Trailers().Get("x-amz-checksum-crc32c"))
	_, _, err = decodeAll(bytes.NewReader(forged[:len(forged)-40]), skip)
	if err == nil {
		t.Fatal("a truncated body must fail even without verification")
	}
}
