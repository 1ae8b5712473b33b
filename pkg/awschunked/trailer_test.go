package awschunked

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrailerLayouts decodes the trailer layouts the SDKs write, signed
// (the published example's signatures) and unsigned.
func TestTrailerLayouts(t *testing.T) {
	seed := "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	signed := signedOpts(seed, SignedPayloadTrailer, 66560)
	signed.Trailers = []string{"x-amz-checksum-crc32c"}
	sigs := []string{
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
		"d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435",
	}
	chunks := "10000;chunk-signature=" + sigs[0] + "\r\n" + strings.Repeat("a", 65536) + "\r\n" +
		"400;chunk-signature=" + sigs[1] + "\r\n" + strings.Repeat("a", 1024) + "\r\n" +
		"0;chunk-signature=" + sigs[2] + "\r\n"
	trailerSig := "x-amz-trailer-signature:" + sigs[3]

	unsigned := Options{Mode: UnsignedPayloadTrailer, DecodedLength: 11, Trailers: []string{"x-amz-checksum-crc32"}}
	hello := "b\r\nhello world\r\n0\r\n"

	tests := []struct {
		name, body string
		o          Options
		want       error
	}{
		// AWS documentation, aws-sdk-go-v2, Java and JavaScript SDKs.
		{"signed CRLF", chunks + "x-amz-checksum-crc32c:sOO8/Q==\r\n" + trailerSig + "\r\n\r\n", signed, nil},
		// minio-go (pkg/signer addSignedTrailer): LF after each trailer,
		// then an empty line before the signature.
		{"signed minio-go", chunks + "x-amz-checksum-crc32c:sOO8/Q==\n\r\n" + trailerSig + "\r\n\r\n", signed, nil},
		{"signed LF only", chunks + "x-amz-checksum-crc32c:sOO8/Q==\n" + trailerSig + "\n\n", signed, nil},
		{"signed no final empty line", chunks + "x-amz-checksum-crc32c:sOO8/Q==\r\n" + trailerSig + "\r\n", signed, nil},
		{"signed minio-go forged", chunks + "x-amz-checksum-crc32c:AAAAAA==\n\r\n" + trailerSig + "\r\n\r\n", signed, ErrSignatureMismatch},
		{"signed header after signature", chunks + "x-amz-checksum-crc32c:sOO8/Q==\n\r\n" + trailerSig + "\r\nx-amz-meta-a:b\r\n\r\n", signed, ErrMalformedTrailer},
		{"signed garbage after signature", chunks + "x-amz-checksum-crc32c:sOO8/Q==\r\n" + trailerSig + "\r\n\r\nextra", signed, ErrMalformed},
		{"signed missing signature", chunks + "x-amz-checksum-crc32c:sOO8/Q==\n\r\n\r\n", signed, ErrMalformedTrailer},

		// aws-sdk-go-v2, botocore, Java and JavaScript SDKs.
		{"unsigned CRLF", hello + "x-amz-checksum-crc32:DUoRhQ==\r\n\r\n", unsigned, nil},
		// minio-go (request-signature-streaming-unsigned-trailer.go).
		{"unsigned minio-go", hello + "x-amz-checksum-crc32:DUoRhQ==\n\r\n\r\n", unsigned, nil},
		{"unsigned not name:value", hello + "x-amz-checksum-crc32:DUoRhQ==\r\n\r\ngarbage\r\n", unsigned, ErrMalformedTrailer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, z, err := decodeAll(iotest.HalfReader(strings.NewReader(tt.body)), tt.o)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			if tt.o.Mode.Signed() {
				assert.True(t, bytes.Equal(examplePayload, out))
				assert.Equal(t, "sOO8/Q==", z.Trailers().Get("x-amz-checksum-crc32c"))
			} else {
				assert.Equal(t, "hello world", string(out))
				assert.Equal(t, "DUoRhQ==", z.Trailers().Get("x-amz-checksum-crc32"))
			}
			assert.Len(t, z.Trailers(), 1)
		})
	}
}

// TestTrailerMustBeAnnounced: as S3 answers MalformedTrailerError, a
// trailer x-amz-trailer did not announce is refused, and an announced one
// that is missing is refused before the trailer signature is checked; a
// CR inside a trailer line is broken framing (IncompleteBody), and the
// unsigned variant's chunks obey MinChunkSize as the signed ones do.
func TestTrailerMustBeAnnounced(t *testing.T) {
	seed := "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	signed := signedOpts(seed, SignedPayloadTrailer, 66560)
	signed.Trailers = []string{"x-amz-checksum-crc32c"}
	chunks := "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n" + strings.Repeat("a", 65536) + "\r\n" +
		"400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n" + strings.Repeat("a", 1024) + "\r\n" +
		"0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n"
	trailerSig := "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
	unannounced := signed
	unannounced.Trailers = nil
	unsigned := Options{Mode: UnsignedPayloadTrailer, DecodedLength: 11, Trailers: []string{"x-amz-checksum-crc32"}}
	bare := Options{Mode: UnsignedPayloadTrailer, DecodedLength: 11}
	hello := "b\r\nhello world\r\n0\r\n"

	tests := []struct {
		name, body string
		o          Options
		want       error
	}{
		{"signed not announced", chunks + "x-amz-checksum-crc32c:sOO8/Q==\r\n" + trailerSig + "\r\n\r\n", unannounced, ErrMalformedTrailer},
		{"signed announced missing", chunks + trailerSig + "\r\n\r\n", signed, ErrMalformedTrailer},
		{"signed other trailer", chunks + "x-amz-checksum-sha1:YR/1TvTYOJz5gtqVFoBJBtmTibY=\r\n" + trailerSig + "\r\n\r\n", signed, ErrMalformedTrailer},
		{"signed CR inside a line", chunks + "x-amz-checksum-crc32c:sOO8/Q==\rbcd" + trailerSig + "\r\n\r\n", signed, ErrMalformed},
		{"unsigned not announced", hello + "x-amz-checksum-crc32:DUoRhQ==\r\n\r\n", bare, ErrMalformedTrailer},
		{"unsigned other trailer", hello + "x-amz-checksum-crc64nvme:M3eFcAZSQlc=\r\n\r\n", unsigned, ErrMalformedTrailer},
		{"unsigned small chunk", "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", unsigned, ErrChunkTooSmall},
		{"unsigned announced", hello + "X-Amz-Checksum-CRC32:DUoRhQ==\r\n\r\n", unsigned, nil},
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
