package sqlselect_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// rleZSTD is a ZSTD frame declaring a window of 1<<windowLog bytes and
// holding size bytes of '\n' as RLE blocks: 4 bytes per 128 KiB, so a
// frame of a few KiB makes the decoder keep a whole window of history.
func rleZSTD(windowLog uint8, size int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x28, 0xB5, 0x2F, 0xFD, 0x00, (windowLog - 10) << 3})
	const block = 128 << 10
	for n := 0; n < size; n += block {
		h := uint32(1)<<1 | uint32(block)<<3 // an RLE block of 128 KiB
		if n+block >= size {
			h |= 1 // the last
		}
		var hb [4]byte
		binary.LittleEndian.PutUint32(hb[:], h)
		b.Write(hb[:3])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestZSTDWindowIsBounded: ZSTD input whose frame declares a window above
// RunOptions.MaxZSTDWindow (default 8 MiB) fails with TruncatedInput
// instead of being decoded (found by the twenty-ninth session's review:
// the decoder's own limit is 512 MiB, which a 16 KiB object could make
// every query hold). Frames within the bound, as zstd writes them at its
// usual levels, still run.
func TestZSTDWindowIsBounded(t *testing.T) {
	q, err := sqlselect.Parse("SELECT count(*) FROM S3Object")
	require.NoError(t, err)
	run := func(data []byte, opts *sqlselect.RunOptions) (string, error) {
		var out bytes.Buffer
		_, err := q.Run(context.Background(), sqlselect.Source{Reader: bytes.NewReader(data)},
			sqlselect.Input{Format: sqlselect.FormatCSV, Compression: sqlselect.CompressionZSTD}, sqlselect.Output{}, &out, opts)
		return out.String(), err
	}

	bomb := rleZSTD(24, 17<<20) // a 16 MiB window, filled
	require.Less(t, len(bomb), 1<<10)
	_, err = run(bomb, nil)
	assert.ErrorIs(t, err, sqlselect.ErrTruncatedInput)
	got, err := run(bomb, &sqlselect.RunOptions{MaxZSTDWindow: 16 << 20})
	require.NoError(t, err, "within a raised bound")
	assert.Equal(t, "0\n", got, "blank lines are no records")

	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	require.NoError(t, err)
	csv := bytes.Repeat([]byte("a,b\n"), 1<<20)
	got, err = run(enc.EncodeAll(csv, nil), nil)
	require.NoError(t, err)
	assert.Equal(t, "1048576\n", got)
}
