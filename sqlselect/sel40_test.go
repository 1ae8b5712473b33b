package sqlselect_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// TestSel40OperatorBound: S3 documents MaxOperatorsExceeded as a parse
// failure ("Failed to parse SQL expression, try reducing complexity"),
// but it was only the evaluation budget's answer, found while records
// were read and possibly after some were sent. A statement of more than
// ParseOptions.MaxOperators operators is refused by Parse.
func TestSel40OperatorBound(t *testing.T) {
	// n operators: n/2 comparisons joined by n/2 - 1 ORs, and one NOT.
	stmt := func(n int) string {
		terms := make([]string, n/2)
		for i := range terms {
			terms[i] = "s._1 = 'x'"
		}
		return "SELECT s._1 FROM S3Object s WHERE NOT (" + strings.Join(terms, " OR ") + ")"
	}
	at := sqlselect.DefaultMaxOperators
	_, err := sqlselect.Parse(stmt(at))
	require.NoError(t, err)
	_, err = sqlselect.Parse(stmt(at + 2))
	require.ErrorIs(t, err, sqlselect.ErrMaxOperatorsExceeded)
	var se *sqlselect.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 400, se.StatusCode)
	assert.Contains(t, se.Detail, "16386 operators")

	// Every kind of operator counts once; constants, columns and paths
	// do not (an IN list of many values is one operator).
	for sql, n := range map[string]int{
		"SELECT * FROM S3Object s WHERE s._1 IN ('a', 'b', 'c')":                                          1,
		"SELECT UPPER(s._1) || 'x', CAST(s._2 AS INT) + 1 FROM S3Object s":                                4,
		"SELECT COUNT(*), SUM(s.a) FROM S3Object s WHERE s.b BETWEEN 1 AND 2 AND s.c LIKE 'a%'":           5,
		"SELECT CASE WHEN s.a IS NULL THEN -1 ELSE TRIM(s.b) END FROM S3Object s WHERE NOT s.c = 1":       6,
		"SELECT s.a.b[1], 'x', 1 FROM S3Object[*].c s":                                                    0,
		"SELECT COALESCE(s.a, NULLIF(s.b, 1)), SUBSTRING(s.c FROM 1 FOR 2) FROM S3Object s WHERE s.d < 2": 4,
	} {
		_, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{MaxOperators: n})
		require.NoError(t, err, sql)
		if n > 1 { // 0 is the default
			_, err = sqlselect.ParseWith(sql, sqlselect.ParseOptions{MaxOperators: n - 1})
			require.ErrorIs(t, err, sqlselect.ErrMaxOperatorsExceeded, sql)
		}
	}

	// The bound is an option: raised, or turned off, the statement parses
	// and the evaluation budget is what bounds its cost.
	_, err = sqlselect.ParseWith(stmt(at+2), sqlselect.ParseOptions{MaxOperators: at + 2})
	require.NoError(t, err)
	_, err = sqlselect.ParseWith(stmt(30000), sqlselect.ParseOptions{MaxOperators: -1})
	require.NoError(t, err)

	// The OSS dialect: its 16 KiB of SQL hold fewer operators than the
	// bound; a lower bound answers OSS's code for the same failure.
	_, err = sqlselect.ParseWith("select _1 from ossobject where _1 = 'a' or _1 = 'b'", sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS, MaxOperators: 2})
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "SqlExceedsMaxConditionCount", se.OSSCode)
}

// TestSel40HugeWorkPerByteDoesNotOverflow: the budget is MaxWorkPerByte
// times the bytes read; a bound set very high (a server flag now sets
// it) made the product wrap negative, and every query past the slack
// was refused.
func TestSel40HugeWorkPerByteDoesNotOverflow(t *testing.T) {
	q, err := sqlselect.Parse("SELECT count(*) FROM S3Object s WHERE UPPER(s._1) = 'A'")
	require.NoError(t, err)
	var out strings.Builder
	data := strings.Repeat(strings.Repeat("a", 1023)+"\n", 20<<10) // 20 MiB
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)},
		sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{}, &out, &sqlselect.RunOptions{MaxWorkPerByte: 1 << 40})
	require.NoError(t, err)
	assert.Equal(t, "0\n", out.String())
}
