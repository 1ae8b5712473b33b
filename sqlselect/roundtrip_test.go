package sqlselect_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// requireRoundTrip checks what FuzzParseRoundTrip demands of a statement
// that parses: its rendering parses back, in the same dialect, to a query
// that renders the same way. It returns the error of the first parse.
//
// The one exception is length: a rendering spells out what the text may
// abbreviate (AS before an alias, spaces around operators), so a statement
// just under the dialect's length limit (MaxExpressionSize, OSS's 16 KiB)
// may render longer than the limit.
func requireRoundTrip(t *testing.T, sql string, opts sqlselect.ParseOptions) error {
	t.Helper()
	q, err := sqlselect.ParseWith(sql, opts)
	if err != nil {
		var se *sqlselect.Error
		require.True(t, errors.As(err, &se), "error is not *sqlselect.Error: %v", err)
		return err
	}
	s1 := q.String()
	q2, err := sqlselect.ParseWith(s1, opts)
	if len(s1) > len(sql) && (errors.Is(err, sqlselect.ErrExpressionTooLong) || errors.Is(err, sqlselect.ErrOSSSQLTooLong)) {
		return nil
	}
	require.NoError(t, err, "rendering %q of %q does not parse", s1, sql)
	require.Equal(t, s1, q2.String(), "rendering of %q is not stable", sql)
	return nil
}

// TestRoundTripNesting nests each construct n deep, for n from 1 to past
// the parser's nesting limit, and checks the round trip of every
// statement that parses. Unary operators, NOT and binary operators were
// rendered with parentheses around every operand, each of which counted
// again toward the limit, so "SELECT + + ... + 0" (FuzzParseRoundTrip)
// and long chains such as "a OR b OR ..." rendered to SQL nested too
// deeply to parse.
func TestRoundTripNesting(t *testing.T) {
	type construct struct {
		name string
		// wrap is the construct around @, the construct nested one
		// level less (1 at the bottom).
		wrap string
		// chain marks left-associative chains, which the parser reads in
		// a loop: they must parse at any length.
		chain bool
	}
	nest := func(name, wrap string) construct { return construct{name: name, wrap: wrap} }
	chain := func(name, wrap string) construct { return construct{name: name, wrap: wrap, chain: true} }
	for _, c := range []construct{
		nest("unary plus", "+@"),
		nest("unary minus", "-@"),
		nest("unary minus spaced", "- @"),
		nest("unary minus of parens", "-(@)"),
		nest("unary minus of product", "-(@ * 2)"),
		nest("NOT", "NOT @"),
		nest("NOT of parens", "NOT (@)"),
		nest("NOT of OR", "NOT (@ OR TRUE)"),
		nest("parens", "(@)"),
		nest("searched CASE", "CASE WHEN @ THEN 1 END"),
		nest("simple CASE", "CASE @ WHEN 1 THEN 2 END"),
		nest("CASE result", "CASE WHEN TRUE THEN @ ELSE 0 END"),
		nest("CAST", "CAST(@ AS INT)"),
		nest("call", "LOWER(@)"),
		nest("call of two", "COALESCE(@, 1)"),
		nest("SUBSTRING FROM FOR", "SUBSTRING(@ FROM 1 FOR 2)"),
		nest("TRIM", "TRIM(LEADING @ FROM 'a')"),
		nest("EXTRACT", "EXTRACT(year FROM @)"),
		nest("DATE_ADD", "DATE_ADD(day, @, `2020T`)"),
		nest("IN list", "1 IN (@)"),
		nest("BETWEEN low", "1 BETWEEN (@) AND 2"),
		nest("BETWEEN high", "1 NOT BETWEEN 0 AND (@)"),
		nest("LIKE pattern", "'a' LIKE (@)"),
		nest("LIKE escape", "'a' LIKE 'b' ESCAPE (@)"),
		nest("IS of parens", "(@) IS NULL"),
		nest("right operand of -", "1 - (@)"),
		nest("right operand of *", "2 * (@)"),
		nest("right operand of ||", "'a' || (@)"),
		nest("right operand of =", "1 = (@)"),
		nest("right operand of AND", "TRUE AND (@)"),
		nest("right operand of OR", "TRUE OR (@)"),
		nest("left operand of AND", "(@ OR TRUE) AND TRUE"),
		chain("+", "@ + 1"),
		chain("-", "@ - 1"),
		chain("*", "@ * 2"),
		chain("||", "@ || 'a'"),
		chain("=", "@ = 1"),
		chain("<", "@ < 1"),
		chain("OR", "@ OR TRUE"),
		chain("AND", "@ AND TRUE"),
		chain("IS", "@ IS NOT MISSING"),
		chain("IN", "@ NOT IN (1)"),
		chain("BETWEEN", "@ BETWEEN 1 AND 2"),
		chain("LIKE", "@ LIKE 'a' ESCAPE '!'"),
	} {
		t.Run(c.name, func(t *testing.T) {
			build := func(n int) string {
				x := "1"
				for range n {
					x = strings.Replace(c.wrap, "@", x, 1)
				}
				return x
			}
			const most = 260 // past the limit of any construct
			deepest := 0
			for _, d := range []sqlselect.Dialect{sqlselect.DialectS3, sqlselect.DialectOSS} {
				opts := sqlselect.ParseOptions{Dialect: d}
				// Every position: a projection, a projection OSS
				// accepts, a condition.
				for _, format := range []string{
					"SELECT @ FROM S3Object",
					"SELECT CAST(@ AS INT) FROM S3Object",
					"SELECT * FROM S3Object WHERE @",
				} {
					sql := func(n int) string { return strings.Replace(format, "@", build(n), 1) }
					if requireRoundTrip(t, sql(1), opts) != nil {
						continue
					}
					// The deepest statement that parses, by bisection
					// (lo parses, hi does not), and those just above
					// and below it.
					lo, hi := 1, most+1
					for hi-lo > 1 {
						mid := (lo + hi) / 2
						if _, err := sqlselect.ParseWith(sql(mid), opts); err == nil {
							lo = mid
						} else {
							hi = mid
						}
					}
					for n := max(2, lo-3); n <= min(lo+1, most); n++ {
						requireRoundTrip(t, sql(n), opts)
					}
					if d == sqlselect.DialectS3 {
						deepest = max(deepest, lo)
					}
				}
			}
			if c.chain {
				require.Equal(t, most, deepest, "a chain is not nesting")
				sql := "SELECT " + build(1000) + " FROM S3Object"
				require.NoError(t, requireRoundTrip(t, sql, sqlselect.ParseOptions{}))
				return
			}
			// The limit was reached, so statements just under it were
			// among those checked.
			require.Less(t, deepest, most, "the nesting limit was never reached")
			require.Greater(t, deepest, 90, "the nesting limit was reached early")
		})
	}
}

// TestOSSLengthFirst: an OSS statement longer than 16 KB is refused as
// too long (InvalidSqlParameter) before anything else is checked, even
// when it also breaks another OSS rule (here an expression projected).
func TestOSSLengthFirst(t *testing.T) {
	sql := "select " + strings.Repeat("1+", 9000) + "1 from ossobject"
	_, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
	var e *sqlselect.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "InvalidSqlParameter", e.Code)
	_, err = sqlselect.ParseWith(sql, sqlselect.ParseOptions{})
	require.NoError(t, err, "S3's limit is 256 KB")
}
