package sqlselect_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// sel33Run runs sql over data (CSV with a header row unless in says
// otherwise) and returns the JSON output.
func sel33Run(t *testing.T, sql string, in sqlselect.Input, data string) (string, error) {
	t.Helper()
	q, err := sqlselect.Parse(sql)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data), Size: int64(len(data))},
		in, sqlselect.Output{Format: sqlselect.OutputJSON}, &buf, nil)
	return buf.String(), err
}

// sel33Keywords is AWS's "Reserved keywords" page for S3 Select
// (s3-select-sql-reference-keyword-list; awsdocs/amazon-s3-userguide
// doc_source/s3-glacier-select-sql-reference-keyword-list.md, 2717dabf),
// word for word.
const sel33Keywords = `absolute action add all allocate alter and any are as asc assertion at
authorization avg bag begin between bit bit_length blob bool boolean both by cascade cascaded
case cast catalog char char_length character character_length check clob close coalesce
collate collation column commit connect connection constraint constraints continue convert
corresponding count create cross current current_date current_time current_timestamp
current_user cursor date day deallocate dec decimal declare default deferrable deferred
delete desc describe descriptor diagnostics disconnect distinct domain double drop else end
end-exec escape except exception exec execute exists external extract false fetch first float
for foreign found from full get global go goto grant group having hour identity immediate in
indicator initially inner input insensitive insert int integer intersect interval into is
isolation join key language last leading left level like limit list local lower match max min
minute missing module month names national natural nchar next no not null nullif numeric
octet_length of on only open option or order outer output overlaps pad partial pivot position
precision prepare preserve primary prior privileges procedure public read real references
relative restrict revoke right rollback rows schema scroll second section select session
session_user set sexp size smallint some space sql sqlcode sqlerror sqlstate string struct
substring sum symbol system_user table temporary then time timestamp timezone_hour
timezone_minute to trailing transaction translate translation trim true tuple union unique
unknown unpivot update upper usage user using value values varchar varying view when whenever
where with work write year zone`

// TestSel33ReservedKeywords: every word of AWS's reserved keyword list is
// a 400 parse error as an unquoted name ("Otherwise a 400 parse error will
// result", s3-select-sql-reference-select, "Using reserved keywords as
// user-defined terms") and works double-quoted; SYMBOL was missing from
// osslite's list. Function names the list does not hold (DATE_ADD,
// DATE_DIFF, TO_STRING, TO_TIMESTAMP, UTCNOW) are ordinary names, as
// UTCNOW already was; DATE_ADD and DATE_DIFF were refused.
func TestSel33ReservedKeywords(t *testing.T) {
	in := sqlselect.Input{Format: sqlselect.FormatCSV}
	in.CSV.FileHeaderInfo = sqlselect.HeaderUse
	for _, kw := range strings.Fields(sel33Keywords) {
		_, err := sqlselect.Parse("SELECT s." + kw + " FROM S3Object s")
		var se *sqlselect.Error
		require.ErrorAs(t, err, &se, "s.%s unquoted", kw)
		require.True(t, strings.HasPrefix(se.Code, "Parse") || strings.HasPrefix(se.Code, "Lexer"), "s.%s: %s", kw, se.Code)
		require.Equal(t, 400, se.StatusCode)

		out, err := sel33Run(t, `SELECT s."`+kw+`" FROM S3Object s`, in, kw+"\n1\n")
		require.NoError(t, err, `s."%s"`, kw)
		require.Equal(t, `{"`+kw+`":"1"}`+"\n", out)
	}
	for _, name := range []string{"date_add", "date_diff", "to_string", "to_timestamp", "utcnow"} {
		out, err := sel33Run(t, "SELECT s."+name+", "+name+" FROM S3Object s", in, name+"\n1\n")
		require.NoError(t, err, name)
		require.Equal(t, `{"`+name+`":"1","`+name+`":"1"}`+"\n", out)
	}
	// The functions themselves still parse as calls.
	out, err := sel33Run(t, "SELECT DATE_DIFF(year, DATE_ADD(year, 2, `2010T`), `2015T`) FROM S3Object",
		sqlselect.Input{Format: sqlselect.FormatCSV}, "x\n")
	require.NoError(t, err)
	require.Equal(t, `{"_1":3}`+"\n", out)
}
