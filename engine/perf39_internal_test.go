package engine

import (
	"encoding/binary"
	"strings"
	"testing"

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
