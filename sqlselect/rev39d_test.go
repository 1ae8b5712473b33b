package sqlselect_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/sqlselect"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// A dictionary-encoded column of one long string, repeated by run
// lengths, is a few hundred KB of file for any number of rows: were a
// string value's length the input the budget counts (8996816), each row
// would buy 256 units a byte of it, and string functions over that value
// would run for hours from a file of a few hundred KB. A value counts as
// a number does (8 bytes); its bytes are counted where the file holds
// them (the dictionary page, read once).
func TestRev39dParquetDictionaryStringBudget(t *testing.T) {
	type row struct {
		B string `parquet:"b,dict"`
	}
	var buf bytes.Buffer
	g := parquet.Group{"b": parquet.Encoded(parquet.String(), &parquet.RLEDictionary)}
	w := parquet.NewGenericWriter[row](&buf, parquet.NewSchema("r", g), parquet.Compression(&parquet.Zstd))
	long := strings.Repeat("a", 64<<10)
	rows := make([]row, 1000)
	for i := range rows {
		rows[i].B = long
	}
	for range 100 {
		_, err := w.Write(rows)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	t.Logf("100000 rows of a 64 KiB value in %d bytes", buf.Len())

	expr := "s.b"
	for range 30 {
		expr = "UPPER(" + expr + ")"
	}
	q, err := sqlselect.Parse("SELECT COUNT(*) FROM S3Object s WHERE " + expr + " = 'X'")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	start := time.Now()
	_, err = q.Run(ctx, sqlselect.Source{ReaderAt: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())},
		sqlselect.Input{Format: sqlselect.FormatParquet}, sqlselect.Output{Format: sqlselect.OutputCSV}, &out, nil)
	require.Error(t, err)
	require.False(t, errors.Is(err, context.DeadlineExceeded), "ran %v until the deadline: %v", time.Since(start), err)
	require.ErrorContains(t, err, "MaxOperatorsExceeded")
}
