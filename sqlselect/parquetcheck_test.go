package sqlselect_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	pqformat "github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

type pqText struct {
	ID   int64  `parquet:"id"`
	Text string `parquet:"text"`
}

// writeParquet writes n rows of pqText under opts.
func writeParquet(t testing.TB, n int, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[pqText](&b, opts...)
	rows := make([]pqText, n)
	for i := range rows {
		rows[i] = pqText{ID: int64(i), Text: strings.Repeat("x", i%50) + strconv.Itoa(i)}
	}
	_, err := w.Write(rows)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

// runParquet runs SELECT COUNT(*) over data and returns the bytes it
// allocated.
func runParquet(t *testing.T, data []byte) (string, uint64, error) {
	t.Helper()
	q, err := sqlselect.Parse("SELECT COUNT(*), MAX(s.id) FROM S3Object s")
	require.NoError(t, err)
	var out bytes.Buffer
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	_, err = q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))},
		sqlselect.Input{Format: sqlselect.FormatParquet}, sqlselect.Output{}, &out, nil)
	runtime.ReadMemStats(&m1)
	return out.String(), m1.TotalAlloc - m0.TotalAlloc, err
}

// editPageHeader decodes the first page header of the first column chunk
// of data, lets edit change it, and returns the file with the header
// re-encoded (the column chunk's size and the footer follow).
func editPageHeader(t *testing.T, data []byte, edit func(*pqformat.PageHeader)) []byte {
	t.Helper()
	var proto thrift.CompactProtocol
	n := int64(binary.LittleEndian.Uint32(data[len(data)-8:]))
	var md pqformat.FileMetaData
	require.NoError(t, thrift.Unmarshal(&proto, data[int64(len(data))-8-n:len(data)-8], &md))
	require.Len(t, md.RowGroups, 1)
	cc := &md.RowGroups[0].Columns[0].MetaData
	start := cc.DataPageOffset
	if cc.DictionaryPageOffset != 0 {
		start = cc.DictionaryPageOffset
	}
	var h pqformat.PageHeader
	dec := thrift.NewDecoder(proto.NewReader(bytes.NewReader(data[start:])))
	require.NoError(t, dec.Decode(&h))
	old, err := thrift.Marshal(&proto, &h)
	require.NoError(t, err)
	edit(&h)
	nw, err := thrift.Marshal(&proto, &h)
	require.NoError(t, err)
	delta := int64(len(nw) - len(old))
	cc.TotalCompressedSize += delta
	for i := range md.RowGroups[0].Columns[1:] {
		c := &md.RowGroups[0].Columns[i+1].MetaData
		c.DataPageOffset += delta
		if c.DictionaryPageOffset != 0 {
			c.DictionaryPageOffset += delta
		}
	}
	footer, err := thrift.Marshal(&proto, &md)
	require.NoError(t, err)
	var out bytes.Buffer
	out.Write(data[:start])
	out.Write(nw)
	out.Write(data[start+int64(len(old)) : int64(len(data))-8-n])
	out.Write(footer)
	require.NoError(t, binary.Write(&out, binary.LittleEndian, uint32(len(footer))))
	out.WriteString("PAR1")
	return out.Bytes()
}

// parquet-go allocated what a file declared: a 27-byte file whose footer
// declares a list of 2^31 row groups asked for 188 GB (the process died),
// a page header's sizes sized its buffers, a compressed page decoded to
// whatever it held. The declarations are checked first now.
func TestParquetDeclaredSizesAreBounded(t *testing.T) {
	// Files as writers make them still read, whatever their codec and
	// page version.
	for name, opts := range map[string][]parquet.WriterOption{
		"uncompressed": {parquet.Compression(&parquet.Uncompressed)},
		"snappy":       {parquet.Compression(&parquet.Snappy)},
		"gzip v2":      {parquet.Compression(&parquet.Gzip), parquet.DataPageVersion(2), parquet.PageBufferSize(4 << 10)},
		"zstd groups":  {parquet.Compression(&parquet.Zstd), parquet.MaxRowsPerRowGroup(700), parquet.PageBufferSize(2 << 10)},
	} {
		out, _, err := runParquet(t, writeParquet(t, 3000, opts...))
		require.NoError(t, err, name)
		require.Equal(t, "3000,2999\n", out, name)
	}
	_, _, err := runParquet(t, writeParquet(t, 10, parquet.Compression(&parquet.Brotli)))
	require.ErrorIs(t, err, sqlselect.ErrParquetUnsupportedCompressionCodec)

	// A footer declaring 4M row groups in 27 bytes (350 MB before).
	var f []byte
	f = append(f, 0x15, 0x02, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x16, 0x00, 0x19, 0xfc)
	f = binary.AppendUvarint(f, 1<<22)
	bomb := append([]byte("PAR1"), f...)
	bomb = binary.LittleEndian.AppendUint32(bomb, uint32(len(f)))
	bomb = append(bomb, "PAR1"...)
	_, alloc, err := runParquet(t, bomb)
	require.ErrorIs(t, err, sqlselect.ErrParquetParsingError)
	require.Less(t, alloc, uint64(16<<20), "the footer's declared list was allocated")

	// A snappy page declaring 256 MiB uncompressed (256 MiB before).
	snappy := writeParquet(t, 100, parquet.Compression(&parquet.Snappy))
	_, alloc, err = runParquet(t, editPageHeader(t, snappy, func(h *pqformat.PageHeader) { h.UncompressedPageSize = 256 << 20 }))
	require.ErrorIs(t, err, sqlselect.ErrOverMaxParquetBlockSize)
	require.Less(t, alloc, uint64(16<<20), "the page's declared size was allocated")

	// A page declaring 2^30 values (offset and level buffers of GBs).
	_, alloc, err = runParquet(t, editPageHeader(t, snappy, func(h *pqformat.PageHeader) {
		if h.DictionaryPageHeader.Valid {
			h.DictionaryPageHeader.V.NumValues = 1 << 30
		}
		if h.DataPageHeader.Valid {
			h.DataPageHeader.V.NumValues = 1 << 30
		}
		if h.DataPageHeaderV2.Valid {
			h.DataPageHeaderV2.V.NumValues = 1 << 30
		}
	}))
	require.ErrorIs(t, err, sqlselect.ErrOverMaxParquetBlockSize)
	require.Less(t, alloc, uint64(16<<20))

	// A gzip page that decompresses to more than its header says.
	gz := writeParquet(t, 3000, parquet.Compression(&parquet.Gzip))
	_, _, err = runParquet(t, editPageHeader(t, gz, func(h *pqformat.PageHeader) { h.UncompressedPageSize = 100 }))
	require.ErrorIs(t, err, sqlselect.ErrParquetParsingError)
}

// FuzzParquet runs a query over arbitrary Parquet input: it must fail
// with an error, never panic or allocate what the input declares
// (testdata/fuzz/FuzzParquet holds a footer that made OpenFile panic).
func FuzzParquet(f *testing.F) {
	f.Add(writeParquet(f, 20, parquet.Compression(&parquet.Snappy)))
	f.Add(writeParquet(f, 20, parquet.Compression(&parquet.Gzip), parquet.DataPageVersion(1)))
	f.Add(writeParquet(f, 20, parquet.Compression(&parquet.Zstd)))
	// DuckDB's files: decimals, timestamps, UUID, LIST, struct and MAP;
	// nested lists, structs and maps (shapes).
	for _, codec := range []string{"uncompressed", "snappy", "shapes"} {
		b, err := os.ReadFile("testdata/parquet/duckdb-" + codec + ".parquet")
		require.NoError(f, err)
		f.Add(b)
	}
	// The whole row, no column (COUNT(*) reads the smallest), some
	// columns of the seeds' (a leaf, a list, a struct: only their column
	// chunks are read) and a FROM path.
	var qs []*sqlselect.Query
	for _, sql := range []string{"SELECT * FROM S3Object", "SELECT COUNT(*) FROM S3Object",
		`SELECT s.id, s.prices[0], s.addr FROM S3Object s WHERE s."text" > '' OR s.id > 1`, "SELECT * FROM S3Object[*].addr"} {
		q, err := sqlselect.Parse(sql)
		require.NoError(f, err)
		qs = append(qs, q)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, q := range qs {
			_, _ = q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))},
				sqlselect.Input{Format: sqlselect.FormatParquet}, sqlselect.Output{}, io.Discard, nil)
		}
	})
}
