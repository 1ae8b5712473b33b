package sqlselect_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// TestReview31bLinesRecordLimit: S3 reads JSON LINES input without a
// scan range as values that may span lines (f418bce), but each value is
// still a record of LINES input, held to MaxRecordSize (S3's 1 MiB), not
// to DOCUMENT input's MaxDocumentSize, with or without a FROM path, as
// with a scan range and as in the OSS dialect.
func TestReview31bLinesRecordLimit(t *testing.T) {
	data := `{"a":{"b":1}}` + "\n" + `{"a":{"b":2,"c":"more than thirty bytes of text"}}` + "\n"
	for _, tc := range []struct {
		sql string
		in  sqlselect.Input
	}{
		{"SELECT * FROM S3Object s", sqlselect.Input{}},
		{"SELECT * FROM S3Object[*].a s", sqlselect.Input{}},
		{"SELECT * FROM S3Object s", sqlselect.Input{ScanRange: &sqlselect.ScanRange{HasStart: true}}},
		{"SELECT * FROM S3Object[*].a s", sqlselect.Input{ScanRange: &sqlselect.ScanRange{HasStart: true}}},
		{"SELECT * FROM OSSObject s", sqlselect.Input{}},
	} {
		opts := sqlselect.ParseOptions{}
		if strings.Contains(tc.sql, "OSSObject") {
			opts.Dialect = sqlselect.DialectOSS
		}
		q, err := sqlselect.ParseWith(tc.sql, opts)
		require.NoError(t, err)
		tc.in.Format = sqlselect.FormatJSON
		tc.in.JSON.Type = sqlselect.JSONLines
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)}, tc.in,
			sqlselect.Output{Format: sqlselect.OutputJSON}, io.Discard, &sqlselect.RunOptions{MaxRecordSize: 30})
		require.ErrorIs(t, err, sqlselect.ErrOverMaxRecordSize, "%s (scan range %v)", tc.sql, tc.in.ScanRange != nil)
	}
}
