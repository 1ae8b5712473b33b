package sqlselect_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/osslite/osslite/sqlselect"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// TestDos40ParquetRowsPerByteAreBounded: a dictionary column of one
// value, written in pages of 3 million rows, holds 33 million rows in
// about 1.2 KB (each page a few bytes of run length). COUNT(*) over it ran
// 8 s and answered; a megabyte of such pages would hold 27 billion rows.
// The evaluation budget did not bound them (each value decoded adds 8
// bytes to the input the budget is measured against, more than any row
// costs), so the values decoded are held to MaxDecompressionRatio times
// the file's bytes, as GZIP, BZIP2 and ZSTD input is (TruncatedInput).
// TestLead39BudgetCountsRecords (2 million rows of two such columns in
// 6.5 KB) still runs: within the ratio's 64 MiB slack.
func TestDos40ParquetRowsPerByteAreBounded(t *testing.T) {
	type rec struct {
		A int32 `parquet:"a,dict"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[rec](&buf, parquet.PageBufferSize(12<<20), parquet.MaxRowsPerRowGroup(1<<40))
	rows := make([]rec, 1<<16)
	for i := range rows {
		rows[i].A = 7
	}
	const n = 32 << 20
	for range n / len(rows) {
		_, err := w.Write(rows)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	t.Logf("%d rows in %d bytes", n, buf.Len())
	require.Less(t, buf.Len(), 4096)
	start := time.Now()
	out, err := pq38Run(t, buf.Bytes(), "SELECT COUNT(*) FROM S3Object s", false)
	t.Logf("%q, %v after %v", out, err, time.Since(start))
	require.ErrorIs(t, err, sqlselect.ErrTruncatedInput)
	require.Empty(t, out)
}
