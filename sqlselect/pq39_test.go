package sqlselect_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// The thirty-ninth session's Parquet changes (docs/sdk-suites.md, "S3
// Select over Parquet: the rows left open").

// pq39Stats runs sql over Parquet data with CSV output and returns the
// answer and the stats.
func pq39Stats(t *testing.T, data []byte, sql string) (string, sqlselect.Stats) {
	t.Helper()
	q, err := sqlselect.Parse(sql)
	require.NoError(t, err)
	var buf bytes.Buffer
	st, err := q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))},
		sqlselect.Input{Format: sqlselect.FormatParquet}, sqlselect.Output{}, &buf, nil)
	require.NoError(t, err, sql)
	return buf.String(), st
}

// TestPQ39ColumnProjection: only the column chunks of the columns a query
// reads are read and decoded; a query that reads none (COUNT(*)) reads the
// smallest. The file is 3,000 rows of a small INT32, a 200-byte string (body)
// and a struct, uncompressed in 2 row groups: before, every query read
// every column chunk (the whole file).
func TestPQ39ColumnProjection(t *testing.T) {
	g := parquet.Group{
		"n":    parquet.Int(32),
		"body": parquet.String(),
		"addr": parquet.Group{"city": parquet.String(), "zip": parquet.Int(32)},
	}
	rows := make([]map[string]any, 3000)
	for i := range rows {
		rows[i] = map[string]any{"n": int32(i % 7), "body": strings.Repeat(strconv.Itoa(i), 200)[:200],
			"addr": map[string]any{"city": "c" + strconv.Itoa(i%5), "zip": int32(i)}}
	}
	data := pq38Write(t, g, rows, nil, parquet.MaxRowsPerRowGroup(1500))
	size := int64(len(data))
	for _, tc := range []struct {
		sql, want string
		most      int64 // BytesScanned at most
	}{
		{"SELECT SUM(s.n) FROM S3Object s", "8994\n", size / 10},
		{"SELECT COUNT(*) FROM S3Object", "3000\n", size / 10},
		{"SELECT COUNT(*) FROM S3Object s WHERE s.addr.zip >= 2999", "1\n", size / 5},
		{"SELECT s.n, s.addr.city FROM S3Object s WHERE s.addr.zip = 1234", "2,c4\n", size / 5},
		{"SELECT s.body FROM S3Object s WHERE s.n = 6 LIMIT 1", strings.Repeat("6", 200) + "\n", size},
	} {
		out, st := pq39Stats(t, data, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
		require.LessOrEqual(t, st.BytesScanned, tc.most, tc.sql)
	}
	// A query of the whole record reads every column.
	_, st := pq39Stats(t, data, "SELECT * FROM S3Object")
	require.Greater(t, st.BytesScanned, size*9/10)
}
