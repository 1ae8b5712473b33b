package sqlselect_test

import (
	"bytes"
	"testing"

	"github.com/osslite/osslite/sqlselect"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// TestRev40bParquetRatioCountsTheFile: dos40 held the values a Parquet
// query decodes to MaxDecompressionRatio times the bytes read plus 64
// MiB, but a query reads only the column chunks it needs, and COUNT(*)
// reads the smallest: a column that is one value in a legitimate file
// (a region, a partition key) is a few KB however many rows the file
// has. Twelve million rows of (region, ts) in 1.7 MB, 114 decoded bytes
// per file byte over both columns (13 KB of them the region, 500 pages), were refused (TruncatedInput) for
// COUNT(*) and for a WHERE on region, though the whole file is well
// within the ratio. The bound now counts the object's bytes, as a GZIP
// input's are: a hostile file still decodes at most the ratio times the
// bytes it is made of (TestDos40ParquetRowsPerByteAreBounded).
func TestRev40bParquetRatioCountsTheFile(t *testing.T) {
	if testing.Short() {
		t.Skip("twelve million rows")
	}
	type rec struct {
		Region string `parquet:"region,dict"`
		TS     int64  `parquet:"ts,delta"` // sorted, 50 a second
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[rec](&buf)
	const n = 12_000_000
	rows := make([]rec, 1<<16)
	for i := 0; i < n; i += len(rows) {
		batch := rows[:min(len(rows), n-i)]
		for j := range batch {
			batch[j] = rec{Region: "eu-west-1", TS: 1_700_000_000 + int64(i+j)/50}
		}
		_, err := w.Write(batch)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	t.Logf("%d rows in %d bytes: %d decoded bytes per file byte", n, buf.Len(), 16*n/buf.Len())
	require.Less(t, 16*n/buf.Len(), 1032, "the file is within the ratio")
	for _, sql := range []string{
		"SELECT COUNT(*) FROM S3Object s",
		"SELECT COUNT(*) FROM S3Object s WHERE s.region = 'eu-west-1'",
	} {
		out, err := pq38Run(t, buf.Bytes(), sql, false)
		require.NoError(t, err, sql)
		require.Equal(t, "12000000\n", out, sql)
	}
}

// TestRev40bParquetRatioCheckedAcrossRowGroups: the decoded values were
// held to the ratio every 1,024 rows of a row group, counted from each
// group's first row, so a file of row groups of fewer rows was never
// checked, whatever its rows held: here 4,000 rows of 4,096 copies of one
// value in row groups of 1,000 rows, 131 MB of values decoded from a few
// KB. The check now follows the values decoded (every MiB of them).
func TestRev40bParquetRatioCheckedAcrossRowGroups(t *testing.T) {
	type rec struct {
		L []int32 `parquet:"l,dict"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[rec](&buf, parquet.MaxRowsPerRowGroup(1000))
	list := make([]int32, 4096)
	for i := range list {
		list[i] = 7
	}
	rows := make([]rec, 1000)
	for i := range rows {
		rows[i].L = list
	}
	for range 4 {
		_, err := w.Write(rows)
		require.NoError(t, err)
		require.NoError(t, w.Flush())
	}
	require.NoError(t, w.Close())
	t.Logf("4000 rows of 4096 values in %d bytes", buf.Len())
	out, err := pq38Run(t, buf.Bytes(), "SELECT COUNT(*) FROM S3Object s", false)
	require.ErrorIs(t, err, sqlselect.ErrTruncatedInput, "%q", out)
	require.Empty(t, out)
}
