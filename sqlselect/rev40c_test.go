package sqlselect_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// rev40cAllocsPerRecord is what a query allocates for each CSV record
// of text record: the allocations over 2n records less those over n,
// divided by n (the per-query ones cancel).
func rev40cAllocsPerRecord(t *testing.T, sql, record string) float64 {
	t.Helper()
	q, err := sqlselect.Parse(sql)
	require.NoError(t, err, sql)
	run := func(n int) float64 {
		data := strings.Repeat(record+"\n", n)
		return testing.AllocsPerRun(5, func() {
			_, err := q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)},
				sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{}, io.Discard, nil)
			require.NoError(t, err, sql)
		})
	}
	const n = 2000
	return (run(2*n) - run(n)) / n
}

// TestRev40cFloatAgainstDecimalLiteralAllocatesNothing: since sel40 a
// literal with a point is a DECIMAL with its digits, and an operand with
// digits sent + - * / % to exactArith and equal floats to cmpExact, which
// parsed both operands with math/big before finding that the other one
// was a FLOAT (a CSV price, a JSON number with a point): the float answer
// came after four allocations a record (SUM(s._4 * 1.5) over the
// benchmark CSV fell from 300 to 130 MB per CPU-second), and a price equal
// to a literal allocated two. A negative literal (a minus sign over the
// literal, evaluated for each record) allocated its text again each
// time. The answers are unchanged; the allocations are gone.
func TestRev40cFloatAgainstDecimalLiteralAllocatesNothing(t *testing.T) {
	for _, sql := range []string{
		"SELECT s._1 * 1.5, s._1 + 0.25, s._1 - 0.1, s._1 / 2.5, s._1 % 0.7 FROM S3Object s",
		"SELECT SUM(s._1 * 1.5) FROM S3Object s",
		"SELECT s._1 FROM S3Object s WHERE s._1 = 10.5",
		"SELECT s._1 FROM S3Object s WHERE s._1 IN (1.5, 10.5)",
		"SELECT s._1 FROM S3Object s WHERE s._1 < -1.5 OR s._1 > -10.5",
		"SELECT s._1 FROM S3Object s WHERE s._1 > - -1.5",
	} {
		assert.Less(t, rev40cAllocsPerRecord(t, sql, "10.5"), 0.1, sql)
	}

	// The same answers: a float operand makes a float; a literal's
	// digits stay exact against INTs and DECIMALs with digits.
	run := func(sql, in string) string {
		q, err := sqlselect.Parse(sql)
		require.NoError(t, err, sql)
		var out strings.Builder
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(in)},
			sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{}, &out, nil)
		require.NoError(t, err, sql)
		return out.String()
	}
	for sql, want := range map[string]string{
		"SELECT s._1 * 1.5, s._1 + 0.2, s._2 * 1.5, s._2 + 0.2 FROM S3Object s":    "15.75,10.7,3.0,2.2\n",
		"SELECT s._1 / 2.5, s._1 % 0.7, s._2 / 0.3, -1.5 * s._2 FROM S3Object s":   "4.2,6.661338147750939E-16,6.6666666666666666666666666666666666667,-3.0\n",
		"SELECT s._2 FROM S3Object s WHERE s._1 = 10.5 AND s._1 > -10.5":           "2\n",
		"SELECT s._2 FROM S3Object s WHERE s._2 = 2.0000000000000000001":           "",
		"SELECT - -1.5, -(-0.50), -0.0, +1.5, - 9223372036854775807 FROM S3Object": "1.5,0.50,0.0,1.5,-9223372036854775807\n",
	} {
		assert.Equal(t, want, run(sql, "10.5,2\n"), sql)
	}
	// A sign that cannot be applied is still the run's error, at the
	// first record (an empty object answers nothing), as before.
	q, err := sqlselect.Parse("SELECT - -9223372036854775808 FROM S3Object")
	require.NoError(t, err)
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("")},
		sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{}, io.Discard, nil)
	require.NoError(t, err)
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("1\n")},
		sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{}, io.Discard, nil)
	require.ErrorIs(t, err, sqlselect.ErrIntegerOverflow)
}

// TestRev40cSignedNumberIsNoOperator: ParseOptions.MaxOperators counts
// every expression but a constant and a column or path, so an IN list
// of 20,000 numbers is one operator; but a minus sign before a number
// was a Unary and counted, so the same list of negative numbers (about
// 140 KB of SQL, within S3's 256 KB) was refused with
// MaxOperatorsExceeded. PartiQL, which S3 Select's SQL is, folds a sign
// before a numeric literal into the literal when it parses
// (partiql-lang-kotlin's SqlParser.parseUnaryTerm: "constant fold unary
// plus/minus into constant literals"): -5 is a constant, as 5 is.
func TestRev40cSignedNumberIsNoOperator(t *testing.T) {
	values := make([]string, 20000)
	for i := range values {
		values[i] = "-" + strings.Repeat("7", 1+i%5)
	}
	_, err := sqlselect.Parse("SELECT * FROM S3Object s WHERE s._1 IN (" + strings.Join(values, ", ") + ")")
	require.NoError(t, err)

	for sql, n := range map[string]int{
		"SELECT -1, +2.5, - -3, -1e5 FROM S3Object s":                        0,
		"SELECT -s._1, -'a', -(1 + 2) FROM S3Object s":                       4,
		"SELECT s._1 FROM S3Object s WHERE s._1 > -1.5 AND s._2 < +2":        3,
		"SELECT CASE WHEN s.a IS NULL THEN -1 ELSE -s.b END FROM S3Object s": 3,
	} {
		_, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{MaxOperators: max(n, 1)})
		require.NoError(t, err, sql)
		if n > 1 {
			_, err = sqlselect.ParseWith(sql, sqlselect.ParseOptions{MaxOperators: n - 1})
			require.ErrorIs(t, err, sqlselect.ErrMaxOperatorsExceeded, sql)
		}
	}
}
