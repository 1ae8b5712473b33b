package sqlselect_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
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

// TestSel33ParquetScanRange: "Amazon S3 Select scan range requests support
// Parquet, CSV (without quoted delimiters), and JSON objects (in LINES
// mode only) ... For Parquet objects, all of the row groups that start
// within the scan range requested are processed" (selecting-content-from-
// objects, "Requests using scan ranges"). osslite refused every Parquet
// scan range with UnsupportedScanRangeInput.
func TestSel33ParquetScanRange(t *testing.T) {
	type rec struct {
		N int64 `parquet:"n"`
	}
	var b bytes.Buffer
	w := parquet.NewGenericWriter[rec](&b)
	for g := int64(0); g < 3; g++ { // three row groups: 1,2 / 3,4 / 5,6
		_, err := w.Write([]rec{{2*g + 1}, {2*g + 2}})
		require.NoError(t, err)
		require.NoError(t, w.Flush())
	}
	require.NoError(t, w.Close())
	data := b.Bytes()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var starts []int64
	for _, rg := range f.Metadata().RowGroups {
		c := rg.Columns[0].MetaData
		off := c.DataPageOffset
		if d := c.DictionaryPageOffset; d != 0 && d < off {
			off = d
		}
		starts = append(starts, off)
	}
	require.Len(t, starts, 3)
	size := int64(len(data))

	run := func(sr *sqlselect.ScanRange, sql string) (string, error) {
		q, err := sqlselect.Parse(sql)
		require.NoError(t, err)
		var out bytes.Buffer
		_, err = q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: size},
			sqlselect.Input{Format: sqlselect.FormatParquet, ScanRange: sr}, sqlselect.Output{}, &out, nil)
		return out.String(), err
	}
	for _, tc := range []struct {
		name string
		sr   sqlselect.ScanRange
		want string
	}{
		{"whole object", sqlselect.ScanRange{Start: 0, End: size - 1, HasStart: true, HasEnd: true}, "1\n2\n3\n4\n5\n6\n"},
		{"up to the first group's first byte", sqlselect.ScanRange{Start: 0, End: starts[0], HasStart: true, HasEnd: true}, "1\n2\n"},
		{"the second group's first byte alone", sqlselect.ScanRange{Start: starts[1], End: starts[1], HasStart: true, HasEnd: true}, "3\n4\n"},
		{"one byte into the first group, to the second", sqlselect.ScanRange{Start: starts[0] + 1, End: starts[1], HasStart: true, HasEnd: true}, "3\n4\n"},
		{"from the second group on", sqlselect.ScanRange{Start: starts[1], HasStart: true}, "3\n4\n5\n6\n"},
		{"the last bytes from the third group", sqlselect.ScanRange{End: size - starts[2], HasEnd: true}, "5\n6\n"},
		{"past every group", sqlselect.ScanRange{Start: starts[2] + 1, HasStart: true}, ""},
	} {
		got, err := run(&tc.sr, "SELECT s.n FROM S3Object s")
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, got, tc.name)
	}
	got, err := run(&sqlselect.ScanRange{Start: starts[2] + 1, HasStart: true}, "SELECT COUNT(*) FROM S3Object")
	require.NoError(t, err)
	require.Equal(t, "0\n", got)
	_, err = run(&sqlselect.ScanRange{Start: 5, End: 4, HasStart: true, HasEnd: true}, "SELECT * FROM S3Object")
	require.ErrorIs(t, err, sqlselect.ErrInvalidScanRange)
}

// TestSel33OSSUndottedMilliseconds: OSS's "Timestamp formats" table lists
// HH MM SS mss, HHMMSSmss and YYYYMMDDTHHMMSSMSS among the formats CAST
// recognises without a format (spec/oss/select.md 6.6, seed section
// 7.16); osslite left the three out (Go layouts need a dot before the
// milliseconds) and skipped such records as CastFailed.
func TestSel33OSSUndottedMilliseconds(t *testing.T) {
	q, err := sqlselect.ParseWith("select cast(_1 as timestamp) from ossobject", sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
	require.NoError(t, err)
	for _, tc := range []struct{ in, want string }{
		{"10 11 12 345", `{"_1":"0000-01-01T10:11:12.345Z"}`},
		{"101112345", `{"_1":"0000-01-01T10:11:12.345Z"}`},
		{"20121201T101112345", `{"_1":"2012-12-01T10:11:12.345Z"}`},
		{"20121201T101112", `{"_1":"2012-12-01T10:11:12Z"}`}, // YYYYMMDDTHHMMSS, as before
	} {
		var out bytes.Buffer
		_, err := q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(tc.in + "\n")},
			sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want+"\n", out.String(), tc.in)
	}
	// Not a time: still a skipped record.
	var out bytes.Buffer
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("251112345\n")},
		sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
	require.ErrorIs(t, err, sqlselect.ErrInvalidCSVLine)
}

// TestSel33OSSCastFormat: OSS documents CAST(x AS TIMESTAMP FORMAT
// 'name') for the formats a cast cannot tell apart by itself
// ("cast('20121201' as timestamp format 'YYYYDDMM')" is 12 January 2012;
// YYYYDDMM, YYYY/DD/MM, MM/DD/YYYY, YYYY-DD-MM, MM-DD-YYYY, MM.DD.YYYY),
// with SqlNotSupportedTimestampFormat for a format it does not know and
// SqlNotMatchTimestampFormat for a value that does not match (seed section
// 7.16, spec/oss/select.md 6.6 and 9). osslite refused FORMAT as a syntax
// error. The S3 dialect has no FORMAT.
func TestSel33OSSCastFormat(t *testing.T) {
	oss := sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS}
	run := func(sql, data string) (string, error) {
		q, err := sqlselect.ParseWith(sql, oss)
		if err != nil {
			return "", err
		}
		var out bytes.Buffer
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)},
			sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
		return out.String(), err
	}
	for _, tc := range []struct{ format, in, want string }{
		{"YYYYDDMM", "20121201", "2012-01-12T"},
		{"YYYY/DD/MM", "2012/01/12", "2012-12-01T"},
		{"MM/DD/YYYY", "12/01/2012", "2012-12-01T"},
		{"YYYY-DD-MM", "2012-01-12", "2012-12-01T"},
		{"MM-DD-YYYY", "12-01-2012", "2012-12-01T"},
		{"MM.DD.YYYY", "12.01.2012", "2012-12-01T"},
		{"YYYYMMDD", "20121201", "2012-12-01T"}, // a format of the first table, named
		{"HHMMSSmss", "101112345", "0000-01-01T10:11:12.345Z"},
	} {
		got, err := run("select cast(_1 as timestamp format '"+tc.format+"') from ossobject", tc.in+"\n")
		require.NoError(t, err, tc.format)
		require.Equal(t, `{"_1":"`+tc.want+`"}`+"\n", got, tc.format)
	}
	// Without FORMAT the same text is YYYYMMDD.
	got, err := run("select cast(_1 as timestamp) from ossobject", "20121201\n")
	require.NoError(t, err)
	require.Equal(t, `{"_1":"2012-12-01T"}`+"\n", got)

	_, err = run("select cast(_1 as timestamp format 'YYYYDDMM') from ossobject", "2012-01-12\n")
	var se *sqlselect.Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, "SqlNotMatchTimestampFormat", se.OSSCode)

	_, err = sqlselect.ParseWith("select cast(_1 as timestamp format 'DDMMYYYYY') from ossobject", oss)
	require.ErrorAs(t, err, &se)
	require.Equal(t, "SqlNotSupportedTimestampFormat", se.OSSCode)
	require.Equal(t, 400, se.StatusCode)

	q, err := sqlselect.ParseWith("select cast(_1 as timestamp format 'MM/DD/YYYY') from ossobject", oss)
	require.NoError(t, err)
	require.Equal(t, "SELECT CAST(_1 AS TIMESTAMP FORMAT 'MM/DD/YYYY') FROM ossobject", q.String())

	_, err = sqlselect.Parse("SELECT CAST(_1 AS TIMESTAMP FORMAT 'YYYYDDMM') FROM S3Object")
	require.Error(t, err)
}
