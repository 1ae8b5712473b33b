package sqlselect_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// Every OSS restriction of spec/oss select.md 6.3 and 9, refused with its
// code in the OSS dialect and accepted by S3 Select where S3 allows it.
func TestOSSLimits(t *testing.T) {
	many := func(n int, s, sep string) string { return strings.TrimSuffix(strings.Repeat(s+sep, n), sep) }
	for _, c := range []struct {
		sql  string
		want *sqlselect.Error
	}{
		{"select \"" + strings.Repeat("a", 1025) + "\" from ossobject", sqlselect.ErrOSSExceedsMaxColumnNameLength},
		{"select * from ossobject where " + many(21, "_1 = '1'", " or "), sqlselect.ErrOSSExceedsMaxConditionCount},
		{"select * from ossobject where " + strings.Repeat("not (", 11) + "_1 = '1'" + strings.Repeat(")", 11), sqlselect.ErrOSSExceedsMaxConditionDepth},
		{"select " + many(101, "count(*)", ", ") + " from ossobject", sqlselect.ErrOSSExceedsMaxAggregationCount},
		{"select s.a[*] from ossobject s", sqlselect.ErrOSSWildCardNotAllowed},
		{"select * from ossobject s where s.a[*] > 0", sqlselect.ErrOSSWildCardNotAllowed},
		{"select cast(_1 as int), cast(_1 as string) from ossobject", sqlselect.ErrOSSOneColumnCastToDifferentTypes},
		{"select * from ossobject where 1 and _1 = '2'", sqlselect.ErrOSSInvalidAndOperand},
		{"select * from ossobject where _1 = '2' or 'x'", sqlselect.ErrOSSInvalidOrOperand},
		{"select * from ossobject where not 3", sqlselect.ErrOSSInvalidNotOperand},
		{"select * from ossobject where 3 is null", sqlselect.ErrOSSInvalidIsNullOperand},
		{"select * from ossobject where 'a' = 1", sqlselect.ErrOSSComparerOperandTypeMismatch},
		{"select * from ossobject where 'a' || 'b' = _1", sqlselect.ErrOSSInvalidConcatOperand},
		{"select * from ossobject where _1 = 'a' + 1", sqlselect.ErrOSSInvalidArithmeticOperand},
		{"select sum(cast(_1 as timestamp)) from ossobject", sqlselect.ErrOSSInvalidAggregationOnTimestamp},
		{"select avg(cast(_1 as string)) from ossobject", sqlselect.ErrOSSAggregationOnNonNumericType},
		{"select _1 from ossobject where _1 = '" + strings.Repeat("x", 16<<10) + "'", sqlselect.ErrOSSSQLTooLong},
	} {
		_, err := sqlselect.ParseWith(c.sql, sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
		var se *sqlselect.Error
		require.ErrorAs(t, err, &se, "%.80s", c.sql)
		require.Equal(t, c.want.OSSCode, se.OSSCode, "%.80s: %v", c.sql, err)
	}
	// Allowed forms.
	for _, sql := range []string{
		"select * from ossobject where " + many(20, "_1 = '1'", " or "),
		"select cast(_1 as int), cast(_2 as string) from ossobject where cast(_1 as int) > 3",
		"select * from ossobject.contacts[*] s where s.age > 3",
		"select * from ossobject where _1 is null and true",
		"select * from ossobject where _1 || 'b' = 'ab'",
	} {
		_, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
		require.NoError(t, err, "%.80s", sql)
	}
}

// The format-dependent rules: a CSV query has no FROM path and no nested
// column; the same queries run on JSON.
func TestOSSCSVOnlyFlatColumns(t *testing.T) {
	run := func(sql string, in sqlselect.Input, data string) error {
		q, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
		require.NoError(t, err)
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)}, in,
			sqlselect.Output{Format: sqlselect.OutputJSON}, &bytes.Buffer{}, nil)
		return err
	}
	csv := sqlselect.Input{Format: sqlselect.FormatCSV, CSV: sqlselect.CSVInput{FileHeaderInfo: sqlselect.HeaderUse}}
	json := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}}
	require.ErrorIs(t, run("select * from ossobject.a s", csv, "a\n1\n"), sqlselect.ErrOSSTableRootNodeOnlySupportInCSV)
	require.ErrorIs(t, run("select s.a.b from ossobject s", csv, "a\n1\n"), sqlselect.ErrOSSNestedColumnNotSupportInCsv)
	require.ErrorIs(t, run("select a[0] from ossobject", csv, "a\n1\n"), sqlselect.ErrOSSNestedColumnNotSupportInCsv)
	require.NoError(t, run("select s.a from ossobject s where s._1 = '1'", csv, "a\n1\n"))
	require.NoError(t, run("select ossobject.a from ossobject", csv, "a\n1\n"))
	require.NoError(t, run("select * from ossobject.a s", json, `{"a":{"b":1}}`+"\n"))
	require.NoError(t, run("select s.a.b from ossobject s", json, `{"a":{"b":1}}`+"\n"))
}

func TestJSONNodeBounds(t *testing.T) {
	run := func(data string) error {
		q, err := sqlselect.ParseWith("select * from ossobject", sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
		require.NoError(t, err)
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)},
			sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}},
			sqlselect.Output{Format: sqlselect.OutputJSON}, &bytes.Buffer{}, &sqlselect.RunOptions{MaxNodeDepth: 10, MaxNodeArray: 5000})
		return err
	}
	nest := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) + "\n" }
	require.NoError(t, run(nest(10)))
	require.ErrorIs(t, run(nest(11)), sqlselect.ErrOSSJSONNodeExceedsMaxDepth)
	arr := func(n int) string { return `{"a":[` + strings.TrimSuffix(strings.Repeat("1,", n), ",") + "]}\n" }
	require.NoError(t, run(arr(5000)))
	require.ErrorIs(t, run(arr(5001)), sqlselect.ErrOSSExceedsMaxJSONArraySize)
}
