package sqlselect_test

import (
	"bytes"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// A Parquet file holds many rows in few bytes (a dictionary- and
// run-length-encoded column of one value is a few bytes per page), so an
// evaluation budget in proportion to the bytes read alone refused plain
// queries over large row counts (past 1.5M rows of this file). The values'
// decoded bytes count as input too.
func TestLead39BudgetCountsRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 2M rows")
	}
	g := parquet.Group{"a": parquet.Encoded(parquet.Int(32), &parquet.RLEDictionary), "b": parquet.Encoded(parquet.String(), &parquet.RLEDictionary)}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[struct {
		A int32  `parquet:"a,dict"`
		B string `parquet:"b,dict"`
	}](&buf, parquet.NewSchema("r", g), parquet.Compression(&parquet.Zstd))
	const n = 2_000_000
	rows := make([]struct {
		A int32  `parquet:"a,dict"`
		B string `parquet:"b,dict"`
	}, 10000)
	for i := range rows {
		rows[i].A, rows[i].B = 1, "same"
	}
	for i := 0; i < n/len(rows); i++ {
		_, err := w.Write(rows)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	t.Logf("%d rows in %d bytes", n, buf.Len())
	out, err := pq38Run(t, buf.Bytes(), "SELECT COUNT(*) FROM S3Object s WHERE s.a = 1 AND s.b = 'same' AND UPPER(s.b) <> 'X'", false)
	require.NoError(t, err)
	require.Equal(t, "2000000\n", out)
}
