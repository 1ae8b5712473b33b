package sqlselect_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/sqlselect"
	"github.com/stretchr/testify/require"
)

// TestLikeIsLinear: a LIKE pattern of the general shape was matched by
// backtracking to the last %, in len(pattern)*len(field) steps: a 100 KB
// pattern against one 512 KiB field was fifty billion steps, minutes of
// CPU for a one-record object (found by the thirtieth session's review).
// It is now linear in the field.
func TestLikeIsLinear(t *testing.T) {
	field := strings.Repeat("a", 512<<10)
	for _, pat := range []string{
		"%" + strings.Repeat("a", 100000) + "b%c",
		"%" + strings.Repeat("a_", 5000) + "b%",
	} {
		q, err := sqlselect.Parse("SELECT COUNT(*) FROM S3Object s WHERE s._1 LIKE '" + pat + "'")
		require.NoError(t, err)
		var out bytes.Buffer
		start := time.Now()
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(field + "\n")},
			sqlselect.Input{CSV: sqlselect.CSVInput{FileHeaderInfo: sqlselect.HeaderNone}},
			sqlselect.Output{Format: sqlselect.OutputCSV}, &out, nil)
		require.NoError(t, err)
		require.Equal(t, "0\n", out.String())
		bound := 3 * time.Second
		if raceEnabled {
			bound *= 10
		}
		require.Less(t, time.Since(start), bound, "%.12q... against a 512 KiB field", pat)
	}
}
