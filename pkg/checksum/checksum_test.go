package checksum

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func sum(a Algorithm, data []byte) []byte {
	h := a.New()
	h.Write(data)
	return h.Sum(nil)
}

func TestCheckValues(t *testing.T) {
	tests := []struct {
		alg  Algorithm
		want string
	}{
		{CRC32, "cbf43926"},
		{CRC32C, "e3069283"},
		{CRC64NVME, "ae8b14860a799888"},
		{SHA1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441"},
		{SHA256, "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"},
		{MD5, "25f9e794323b453885f5181f1b624d0b"},
		{SHA512, "d9e6762dd1c8eaf6d61b3c6192fc408d4d6d5f1176d0c29169bc24e71c3f274ad27fcd5811b313d681f7e55ec02d73d499c95455b6b5bb503acf574fba8ffe85"},
	}
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			got := sum(tt.alg, []byte("123456789"))
			require.Equal(t, tt.want, hex.EncodeToString(got))
			require.Equal(t, tt.alg.Size(), len(got))
		})
	}
	h := NewCRC64ECMA()
	h.Write([]byte("123456789"))
	require.Equal(t, uint64(0x995DC9BBDF1939FA), h.Sum64())
}

// TestAWSValues checks the base64 table of auth.md §5.1.
func TestAWSValues(t *testing.T) {
	tests := []struct {
		data string
		alg  Algorithm
		want string
	}{
		{"", CRC32, "AAAAAA=="},
		{"", CRC32C, "AAAAAA=="},
		{"", CRC64NVME, "AAAAAAAAAAA="},
		{"", SHA1, "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
		{"", SHA256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		// The 2026 algorithms of the empty input: the published values
		// (RFC 1321, FIPS 180-4, xxHash's XXH64, XXH3_64bits and XXH3_128bits
		// with seed 0, canonical big-endian form).
		{"", MD5, "1B2M2Y8AsgTpgAmY7PhCfg=="}, // d41d8cd98f00b204e9800998ecf8427e
		{"", SHA512, "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="}, // cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e
		{"", XXHASH64, "70bbN1HY6Zk="},              // ef46db3751d8e999
		{"", XXHASH3, "LQaABTjTlMI="},               // 2d06800538d394c2
		{"", XXHASH128, "maoG0wFHmNhgAcMkRo1Jfw=="}, // 99aa06d3014798d86001c324468d497f
		{"hello world", CRC32, "DUoRhQ=="},
		{"hello world", CRC32C, "yZRlqg=="},
		{"hello world", CRC64NVME, "jSnVw/bqjr4="},
		{"hello world", SHA1, "Kq5sNclPz7QV2+lfQIuc6R7oRu0="},
		{"hello world", SHA256, "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="},
		{strings.Repeat("a", 66560), CRC32C, "sOO8/Q=="},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.alg, len(tt.data)), func(t *testing.T) {
			got := Encode(sum(tt.alg, []byte(tt.data)))
			require.Equal(t, tt.want, got)
			dec, err := Decode(tt.alg, got)
			require.NoError(t, err)
			require.Equal(t, sum(tt.alg, []byte(tt.data)), dec)
		})
	}
}

func TestParseAlgorithm(t *testing.T) {
	for _, a := range Algorithms {
		for _, s := range []string{string(a), strings.ToLower(string(a)), mixedCase(string(a))} {
			got, err := ParseAlgorithm(s)
			require.NoError(t, err, s)
			require.Equal(t, a, got)
		}
	}
	for _, s := range []string{"", "MD4", "SHA384", "CRC64", "crc32 ", "SHA-256", "XXHASH"} {
		_, err := ParseAlgorithm(s)
		require.ErrorIs(t, err, ErrUnknownAlgorithm, s)
	}
}

func TestAlgorithmProperties(t *testing.T) {
	tests := []struct {
		alg    Algorithm
		size   int
		header string
		crc    bool
	}{
		{CRC32, 4, "x-amz-checksum-crc32", true},
		{CRC32C, 4, "x-amz-checksum-crc32c", true},
		{CRC64NVME, 8, "x-amz-checksum-crc64nvme", true},
		{SHA1, 20, "x-amz-checksum-sha1", false},
		{SHA256, 32, "x-amz-checksum-sha256", false},
		{MD5, 16, "x-amz-checksum-md5", false},
		{SHA512, 64, "x-amz-checksum-sha512", false},
		{XXHASH64, 8, "x-amz-checksum-xxhash64", false},
		{XXHASH3, 8, "x-amz-checksum-xxhash3", false},
		{XXHASH128, 16, "x-amz-checksum-xxhash128", false},
	}
	require.Equal(t, len(tests), len(Algorithms))
	for i, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			require.Equal(t, tt.alg, Algorithms[i])
			require.True(t, tt.alg.Valid())
			require.Equal(t, tt.size, tt.alg.Size())
			require.Equal(t, tt.size, tt.alg.New().Size())
			require.Equal(t, tt.header, tt.alg.HeaderName())
			require.Equal(t, tt.crc, tt.alg.IsCRC())
		})
	}
	bad := Algorithm("SHA384")
	require.False(t, bad.Valid())
	require.Equal(t, 0, bad.Size())
	require.Panics(t, func() { bad.New() })
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		alg  Algorithm
		in   string
		want error
	}{
		{"unknown", "SHA384", "AAAAAA==", ErrUnknownAlgorithm},
		{"xxhash128 as xxhash64", XXHASH128, "AAAAAAAAAAA=", ErrInvalidChecksum},
		{"not base64", CRC32, "!!!!!!==", ErrInvalidChecksum},
		{"unpadded", CRC32, "AAAAAA", ErrInvalidChecksum},
		{"too short", CRC32, "AAAA", ErrInvalidChecksum},
		{"too long", CRC32, "AAAAAAAAAAA=", ErrInvalidChecksum},
		{"crc64 as crc32", CRC64NVME, "AAAAAA==", ErrInvalidChecksum},
		{"empty", SHA256, "", ErrInvalidChecksum},
		{"non-canonical padding bits", CRC32, "AAAAAB==", ErrInvalidChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.alg, tt.in)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestCombineRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{0, 1, 2, 3, 4, 7, 8, 15, 16, 63, 64, 100, 4096, 65537, 1 << 20}
	buf := make([]byte, 2<<20+1)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		t.Run(string(a), func(t *testing.T) {
			for i := 0; i < 60; i++ {
				la := lengths[rng.IntN(len(lengths))]
				lb := lengths[rng.IntN(len(lengths))]
				if i%3 == 0 {
					la, lb = rng.IntN(5000), rng.IntN(5000)
				}
				off := rng.IntN(len(buf) - la - lb)
				x, y := buf[off:off+la], buf[off+la:off+la+lb]
				got, err := CombineCRC(a, sum(a, x), sum(a, y), int64(lb))
				require.NoError(t, err)
				require.Equal(t, sum(a, buf[off:off+la+lb]), got, "la=%d lb=%d", la, lb)
			}
		})
	}
	t.Run("CRC64ECMA", func(t *testing.T) {
		for i := 0; i < 60; i++ {
			la := lengths[rng.IntN(len(lengths))]
			lb := lengths[rng.IntN(len(lengths))]
			x, y := buf[:la], buf[la:la+lb]
			got := CombineCRC64ECMA(crc64.Checksum(x, CRC64ECMATable), crc64.Checksum(y, CRC64ECMATable), int64(lb))
			require.Equal(t, crc64.Checksum(buf[:la+lb], CRC64ECMATable), got, "la=%d lb=%d", la, lb)
		}
	})
}

// TestCombineLarge checks lengths far beyond what the test can hash, by
// building the CRC of 2^k zero bytes by doubling and comparing it with a
// direct computation at 16 MiB, and by associativity at multi-TiB lengths.
func TestCombineLarge(t *testing.T) {
	zeros := make([]byte, 16<<20)
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		t.Run(string(a), func(t *testing.T) {
			z := sum(a, zeros[:1])
			n := int64(1)
			for n < int64(len(zeros)) {
				var err error
				z, err = CombineCRC(a, z, z, n)
				require.NoError(t, err)
				n *= 2
			}
			require.Equal(t, sum(a, zeros), z)

			rng := rand.New(rand.NewPCG(3, 4))
			for i := 0; i < 20; i++ {
				c1, c2, c3 := sum(a, []byte{byte(i)}), sum(a, []byte{1, byte(i)}), sum(a, []byte{2, 3, byte(i)})
				l2, l3 := rng.Int64N(1<<42), rng.Int64N(1<<42)
				left, err := CombineCRC(a, c1, c2, l2)
				require.NoError(t, err)
				left, err = CombineCRC(a, left, c3, l3)
				require.NoError(t, err)
				right, err := CombineCRC(a, c2, c3, l3)
				require.NoError(t, err)
				right, err = CombineCRC(a, c1, right, l2+l3)
				require.NoError(t, err)
				require.Equal(t, left, right)
			}
		})
	}
	t.Run("CRC64ECMA", func(t *testing.T) {
		z := crc64.Checksum(zeros[:1], CRC64ECMATable)
		for n := int64(1); n < int64(len(zeros)); n *= 2 {
			z = CombineCRC64ECMA(z, z, n)
		}
		require.Equal(t, crc64.Checksum(zeros, CRC64ECMATable), z)
		// The largest length must not overflow the x^(2^k) table.
		_ = CombineCRC64ECMA(1, 2, 1<<63-1)
	})
}

func TestCombineMultipart(t *testing.T) {
	parts := [][]byte{[]byte("hello "), {}, []byte("multipart "), []byte(strings.Repeat("x", 10000))}
	var whole []byte
	for _, p := range parts {
		whole = append(whole, p...)
	}
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		acc := sum(a, parts[0])
		for _, p := range parts[1:] {
			var err error
			acc, err = CombineCRC(a, acc, sum(a, p), int64(len(p)))
			require.NoError(t, err)
		}
		require.Equal(t, sum(a, whole), acc, a)
	}
}

func TestCombineErrors(t *testing.T) {
	four := make([]byte, 4)
	tests := []struct {
		name       string
		alg        Algorithm
		crc1, crc2 []byte
		len2       int64
		want       error
	}{
		{"sha1", SHA1, make([]byte, 20), make([]byte, 20), 1, ErrNotCombinable},
		{"sha256", SHA256, make([]byte, 32), make([]byte, 32), 1, ErrNotCombinable},
		{"md5", MD5, make([]byte, 16), make([]byte, 16), 1, ErrNotCombinable},
		{"xxhash64", XXHASH64, make([]byte, 8), make([]byte, 8), 1, ErrNotCombinable},
		{"unknown", "SHA384", four, four, 1, ErrUnknownAlgorithm},
		{"short crc1", CRC32, four[:3], four, 1, ErrInvalidChecksum},
		{"long crc2", CRC32C, four, make([]byte, 8), 1, ErrInvalidChecksum},
		{"crc64 short", CRC64NVME, four, four, 1, ErrInvalidChecksum},
		{"negative", CRC32, four, four, -1, ErrInvalidChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CombineCRC(tt.alg, tt.crc1, tt.crc2, tt.len2)
			require.ErrorIs(t, err, tt.want)
		})
	}
	require.Panics(t, func() { CombineCRC64ECMA(1, 2, -1) })
}

func TestCRCBigEndian(t *testing.T) {
	h := CRC32.New()
	h.Write([]byte("123456789"))
	require.Equal(t, uint32(0xCBF43926), binary.BigEndian.Uint32(h.Sum(nil)))
}

func BenchmarkCombineCRC64ECMA(b *testing.B) {
	for _, n := range []int64{1 << 10, 5 << 20, 5 << 30} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var c uint64
			for b.Loop() {
				c = CombineCRC64ECMA(c, 0x1234, n)
			}
		})
	}
}

func BenchmarkCombineCRC(b *testing.B) {
	for _, a := range []Algorithm{CRC32, CRC32C, CRC64NVME} {
		c := sum(a, []byte("x"))
		b.Run(string(a), func(b *testing.B) {
			for b.Loop() {
				_, _ = CombineCRC(a, c, c, 5<<20)
			}
		})
	}
}

func mixedCase(s string) string {
	b := []byte(strings.ToLower(s))
	for i := 0; i < len(b); i += 2 {
		b[i] = strings.ToUpper(string(b[i]))[0]
	}
	return string(b)
}
