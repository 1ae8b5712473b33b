package sqlselect_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
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
		"SELECT CASE WHEN s.a IS NULL THEN -1 ELSE TRIM(s.b) END FROM S3Object s WHERE NOT s.c = 1":       5, // -1 is a constant (rev40c)
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

// TestSel40DecimalDivision: S3's decimal is a "Base-10 number, with
// maximum precision of 38 (that is, the maximum number of significant
// digits)", and a literal with a point is one (the data-types page's
// decimal example is 123.456; its float example CAST(0.456 AS FLOAT)).
// / of DECIMALs, AVG of DECIMALs and literals with a point were floats:
// DECIMAL(10,2) 1.00 / 3 was 0.3333333333333333, AVG of 0.10 and 0.25 was
// 0.175 through a float, s.d + 0.1 lost the literal's exactness and
// SELECT 0.1 + 0.2 was 0.30000000000000004. Now / of exact numbers (one
// a DECIMAL) is the exact quotient at the smallest scale from the
// dividend's minus the divisor's, or 38 significant digits rounded half
// to even; AVG is the exact sum divided so; a literal with a point keeps
// its digits (38 at most, rounded so).
func TestSel40DecimalDivision(t *testing.T) {
	g := parquet.Group{
		"d":  parquet.Decimal(2, 10, parquet.Int64Type),
		"w":  parquet.Decimal(10, 38, parquet.FixedLenByteArrayType(16)),
		"n":  parquet.Int(64),
		"id": parquet.Int(32),
	}
	rows := []map[string]any{
		{"id": int32(1), "d": int64(100), "w": pq38Be("1", 16), "n": int64(3)},
		{"id": int32(2), "d": int64(-25), "w": pq38Be("20000000000", 16), "n": int64(-8)},
		{"id": int32(3), "d": int64(10), "w": pq38Be("99999999999999999999999999999999999999", 16), "n": int64(7)},
	}
	data := pq38Write(t, g, rows, nil)
	for _, tc := range []struct{ sql, want string }{
		// Exact quotients at the preferred scale (2 - 0), or the few more
		// digits that end them.
		{"SELECT s.d / 4, s.d / 8, s.d / s.d FROM S3Object s WHERE s.id = 1", "0.25,0.125,1\n"},
		{"SELECT s.d / 0.5, s.d / 2.0 FROM S3Object s WHERE s.id = 1", "2.0,0.5\n"},
		{"SELECT s.d / -4, s.n / s.d FROM S3Object s WHERE s.id = 2", "0.0625,32\n"},
		// Quotients that do not end: 38 significant digits, half to even.
		{"SELECT s.d / 3 FROM S3Object s WHERE s.id = 1", "0.33333333333333333333333333333333333333\n"},
		{"SELECT s.d / s.n FROM S3Object s WHERE s.id = 1", "0.33333333333333333333333333333333333333\n"},
		{"SELECT (s.d * 2) / 3, -s.d / 3 FROM S3Object s WHERE s.id = 1", "0.66666666666666666666666666666666666667,-0.33333333333333333333333333333333333333\n"},
		{"SELECT s.w / 7 FROM S3Object s WHERE s.id = 3", "1428571428571428571428571428.5714285714\n"},
		{"SELECT s.w / 0.3 FROM S3Object s WHERE s.id = 3", "33333333333333333333333333333.333333333\n"},
		// INT / INT divides as integers, as before; a FLOAT stays a float.
		{"SELECT s.n / 2, s.d / CAST(4 AS FLOAT) FROM S3Object s WHERE s.id = 1", "1,0.25\n"},
		// AVG of DECIMALs: the exact sum divided.
		{"SELECT AVG(s.d), SUM(s.d) FROM S3Object s", "0.28333333333333333333333333333333333333,0.85\n"},
		{"SELECT AVG(s.d) FROM S3Object s WHERE s.id < 3", "0.375\n"},
		{"SELECT AVG(s.w) FROM S3Object s WHERE s.id < 3", "1.00000000005\n"},
		// AVG of INTs is unchanged (a float's: the thirty-third
		// session's open row).
		{"SELECT AVG(s.n) FROM S3Object s", "0.6666666666666666\n"},
		// Literals with a point keep their digits.
		{"SELECT s.d + 0.1, s.d * 0.10, s.d - 1.005 FROM S3Object s WHERE s.id = 1", "1.10,0.1000,-0.005\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d + 0.15 = 1.15", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.w = 0.0000000001", "1\n"},
	} {
		out, err := pq38Run(t, data, tc.sql, false)
		require.NoError(t, err, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
	}
	_, err := pq38Run(t, data, "SELECT s.d / 0.0 FROM S3Object s", false)
	require.ErrorIs(t, err, sqlselect.ErrExternalEvalException, "division by zero, as before")

	run := func(sql, in string) string {
		q, err := sqlselect.Parse(sql)
		require.NoError(t, err, sql)
		var out strings.Builder
		inp := sqlselect.Input{Format: sqlselect.FormatJSON}
		inp.JSON.Type = sqlselect.JSONLines
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(in)}, inp, sqlselect.Output{}, &out, nil)
		require.NoError(t, err, sql)
		return out.String()
	}
	for sql, want := range map[string]string{
		"SELECT 0.1 + 0.2, 1.5 / 3, 1.0 / 3 FROM S3Object":                                                        "0.3,0.5,0.33333333333333333333333333333333333333\n",
		"SELECT 2 / 0.5, 7 / 2, 7 / 2.0 FROM S3Object":                                                            "4,3,3.5\n",
		"SELECT 123.456, -0.50, 0.1 * 0.1 FROM S3Object":                                                          "123.456,-0.50,0.01\n",
		"SELECT 1.23456789012345678901234567890123456789 FROM S3Object":                                           "1.2345678901234567890123456789012345679\n", // 39 digits: 38, half to even
		"SELECT 1.00000000000000000000000000000000000025, 1.00000000000000000000000000000000000035 FROM S3Object": "1.0000000000000000000000000000000000002,1.0000000000000000000000000000000000004\n",
		"SELECT 0.99999999999999999999999999999999999999999 FROM S3Object":                                        "1.0000000000000000000000000000000000000\n",
		// A JSON number is a float: it equals the literal of its text.
		"SELECT s.x FROM S3Object s WHERE s.x = 0.1": "0.1\n",
		"SELECT s.x + 0.2 FROM S3Object s":           "0.30000000000000004\n",
		// Past 76 digits of scale: the float, as before.
		"SELECT 0." + strings.Repeat("0", 80) + "1 * 1 FROM S3Object": "1E-81\n",
	} {
		require.Equal(t, want, run(sql, `{"x":0.1}`+"\n"), sql)
	}
}

// TestSel40FromPathOverCSV: "This form of the FROM clause works only with
// JSON objects" (the SELECT command page), and a CSV record is flat: a
// path after S3Object over CSV input was ignored, so SELECT * FROM
// S3Object[*].a answered every whole record and SELECT s.x FROM
// S3Object[*].a s answered MISSING ({} in JSON) for each. It is now 400
// UnsupportedSqlStructure before any record (the OSS dialect already
// answered its documented TableRootNodeOnlySupportInJson). FROM
// S3Object[*] without a path still reads CSV.
func TestSel40FromPathOverCSV(t *testing.T) {
	run := func(sql string, in sqlselect.Input, opts sqlselect.ParseOptions) (string, error) {
		q, err := sqlselect.ParseWith(sql, opts)
		require.NoError(t, err, sql)
		var out strings.Builder
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("a,b\n1,2\n")}, in, sqlselect.Output{}, &out, nil)
		return out.String(), err
	}
	csv := sqlselect.Input{Format: sqlselect.FormatCSV}
	hdr := csv
	hdr.CSV.FileHeaderInfo = sqlselect.HeaderUse
	for _, sql := range []string{
		"SELECT * FROM S3Object[*].a",
		"SELECT s.x FROM S3Object[*].a s",
		"SELECT COUNT(*) FROM S3Object[*].a[*]",
		"SELECT * FROM S3Object[*][0]",
	} {
		for _, in := range []sqlselect.Input{csv, hdr} {
			out, err := run(sql, in, sqlselect.ParseOptions{})
			require.ErrorIs(t, err, sqlselect.ErrUnsupportedSQLStructure, sql)
			assert.Empty(t, out, sql)
			var se *sqlselect.Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 400, se.StatusCode)
		}
	}
	// An empty object is refused the same way.
	q, err := sqlselect.Parse("SELECT * FROM S3Object[*].a")
	require.NoError(t, err)
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("")}, csv, sqlselect.Output{}, &strings.Builder{}, nil)
	require.ErrorIs(t, err, sqlselect.ErrUnsupportedSQLStructure)

	out, err := run("SELECT * FROM S3Object[*]", csv, sqlselect.ParseOptions{})
	require.NoError(t, err)
	assert.Equal(t, "a,b\n1,2\n", out)
	out, err = run("SELECT s.b FROM S3Object[*] s", hdr, sqlselect.ParseOptions{})
	require.NoError(t, err)
	assert.Equal(t, "2\n", out)

	// JSON input reads the path as before.
	json := sqlselect.Input{Format: sqlselect.FormatJSON}
	q, err = sqlselect.Parse("SELECT * FROM S3Object[*].a")
	require.NoError(t, err)
	var b strings.Builder
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(`{"a":{"x":1}}`)}, json, sqlselect.Output{}, &b, nil)
	require.NoError(t, err)
	assert.Equal(t, "1\n", b.String())

	// OSS: its own code, as before.
	_, err = run("select * from ossobject.a", csv, sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
	require.ErrorIs(t, err, sqlselect.ErrOSSTableRootNodeOnlySupportInCSV)
}
