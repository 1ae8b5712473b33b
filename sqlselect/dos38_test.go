package sqlselect_test

import (
	"encoding/binary"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"
)

// dos38Parquet is a Parquet file of no pages whose footer holds md.
func dos38Parquet(t *testing.T, md *format.FileMetaData) []byte {
	t.Helper()
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), md)
	require.NoError(t, err)
	data := append([]byte("PAR1"), footer...)
	data = binary.LittleEndian.AppendUint32(data, uint32(len(footer)))
	return append(data, "PAR1"...)
}

// TestDos38ParquetSchemaShape: parquet-go sizes its column loader from the
// schema's shape before it checks it: a path name for every level of
// every element, and a column chunk pointer for every leaf in every row
// group. A footer of 800 KB nesting 100,000 groups asked for 80 GB
// (fatal: out of memory), and one of 100,000 leaves and 100,000 empty row
// groups for 80 GB too; both are now ParquetParsingError before
// parquet-go opens them. Real schemas pass (the DuckDB and PyArrow files
// of pq38_test.go).
func TestDos38ParquetSchemaShape(t *testing.T) {
	opt := thrift.New(format.Optional)
	i32 := thrift.New(format.Int32)

	deep := &format.FileMetaData{Version: 1}
	deep.Schema = append(deep.Schema, format.SchemaElement{Name: "schema", NumChildren: thrift.New(int32(1))})
	for range 100_000 {
		deep.Schema = append(deep.Schema, format.SchemaElement{Name: "a", NumChildren: thrift.New(int32(1)), RepetitionType: opt})
	}
	deep.Schema = append(deep.Schema, format.SchemaElement{Name: "x", Type: i32, RepetitionType: opt})

	const leaves = 100_000
	wide := &format.FileMetaData{Version: 1, RowGroups: make([]format.RowGroup, 100_000)}
	wide.Schema = append(wide.Schema, format.SchemaElement{Name: "schema", NumChildren: thrift.New(int32(leaves))})
	for range leaves {
		wide.Schema = append(wide.Schema, format.SchemaElement{Name: "x", Type: i32, RepetitionType: opt})
	}

	for name, md := range map[string]*format.FileMetaData{"deep": deep, "wide": wide} {
		data := dos38Parquet(t, md)
		require.Less(t, len(data), 2<<20, name)
		_, err := pq38Run(t, data, "SELECT * FROM S3Object s", true)
		require.ErrorContains(t, err, "ParquetParsingError", name)
		require.ErrorContains(t, err, "is too large", name)
	}
}
