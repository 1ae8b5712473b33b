package sqlselect_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

var fixedNow = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)

// TestDataDriven runs the SQL corpus in testdata/*.txt. Commands:
//
//	parse [oss]
//	<sql>
//	----
//	<rendered query or error>
//
//	select [in=csv|json|lines|parquet] [out=csv|json] [oss] [header=use|ignore]
//	       [fd=X] [rd=X] [quote=X] [esc=X] [comments=X] [quoted-rd] [always]
//	       [out-fd=X] [out-rd=X] [out-quote=X] [out-esc=X] [compress=gzip|bzip2|zstd]
//	       [start=N] [end=N] [line-range=F-L] [raw] [stats] [chunk=N] [reader] [max-record=N]
//	       [crlf-data] [escapes] [bad-header|bad-json-type|bad-compression|
//	       bad-format|bad-quote-fields|bad-output] [out-header] [keep-all]
//	       [skip-partial] [max-skipped=N]
//	<sql>
//	---
//	<data; a newline is appended unless raw>
//	----
//	<output, then "ERROR Code: detail" if the query failed>
//
// X may use \t \n \r escapes or a name (backslash, tab, pipe, semicolon,
// apos, hash, space, crlf, cr, lf, empty). crlf-data turns the data's line
// ends into CRLF; escapes turns \r, \t and \0 in the data into bytes. Regenerate with -rewrite.
func TestDataDriven(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
				switch d.Cmd {
				case "parse":
					return runParse(d)
				case "select":
					return runSelect(t, d)
				}
				t.Fatalf("unknown command %q", d.Cmd)
				return ""
			})
		})
	}
}

func dialect(d *datadriven.TestData) sqlselect.ParseOptions {
	if d.HasArg("oss") {
		return sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS}
	}
	return sqlselect.ParseOptions{}
}

func renderErr(err error) string {
	var se *sqlselect.Error
	if errors.As(err, &se) {
		s := "ERROR " + se.Code
		if se.Detail != "" {
			s += ": " + se.Detail
		}
		return s + "\n"
	}
	return "ERROR " + err.Error() + "\n"
}

func runParse(d *datadriven.TestData) string {
	q, err := sqlselect.ParseWith(strings.TrimSpace(d.Input), dialect(d))
	if err != nil {
		return renderErr(err)
	}
	s := q.String()
	// The rendering must parse back to itself.
	q2, err := sqlselect.ParseWith(s, dialect(d))
	if err != nil {
		return "RENDERING DOES NOT PARSE: " + s + "\n" + renderErr(err)
	}
	if q2.String() != s {
		return "RENDERING NOT STABLE: " + s + " -> " + q2.String() + "\n"
	}
	return s + "\n"
}

var named = map[string]string{
	"backslash": `\`, "tab": "\t", "pipe": "|", "semicolon": ";", "apos": "'",
	"hash": "#", "space": " ", "crlf": "\r\n", "cr": "\r", "lf": "\n", "empty": "",
}

func unescape(s string) string {
	if v, ok := named[s]; ok {
		return v
	}
	return strings.NewReplacer(`\t`, "\t", `\n`, "\n", `\r`, "\r", `\s`, " ").Replace(s)
}

func arg(d *datadriven.TestData, key string) (string, bool) {
	for _, a := range d.CmdArgs {
		if a.Key == key {
			if len(a.Vals) == 0 {
				return "", true
			}
			return unescape(a.Vals[0]), true
		}
	}
	return "", false
}

func argOr(d *datadriven.TestData, key, def string) string {
	if v, ok := arg(d, key); ok {
		return v
	}
	return def
}

func runSelect(t *testing.T, d *datadriven.TestData) string {
	sql, data, ok := strings.Cut(d.Input, "\n---\n")
	if !ok {
		sql, data = strings.TrimSuffix(d.Input, "\n---"), ""
	}
	if !d.HasArg("raw") && data != "" {
		data += "\n"
	}
	if d.HasArg("crlf-data") {
		data = strings.ReplaceAll(data, "\n", "\r\n")
	}
	if d.HasArg("escapes") {
		// Data written with \r, \t escapes (datadriven drops CRs).
		data = strings.NewReplacer(`\r`, "\r", `\t`, "\t", `\0`, "\x00").Replace(data)
	}
	q, err := sqlselect.ParseWith(sql, dialect(d))
	if err != nil {
		return renderErr(err)
	}
	in := sqlselect.Input{}
	switch argOr(d, "in", "csv") {
	case "csv":
		in.Format = sqlselect.FormatCSV
	case "json":
		in.Format = sqlselect.FormatJSON
	case "lines":
		in.Format = sqlselect.FormatJSON
		in.JSON.Type = sqlselect.JSONLines
	case "parquet":
		in.Format = sqlselect.FormatParquet
		data = string(parquetFromJSONLines(t, data))
	default:
		t.Fatalf("bad in=")
	}
	switch argOr(d, "header", "none") {
	case "use":
		in.CSV.FileHeaderInfo = sqlselect.HeaderUse
	case "ignore":
		in.CSV.FileHeaderInfo = sqlselect.HeaderIgnore
	}
	in.CSV.FieldDelimiter = argOr(d, "fd", "")
	in.CSV.RecordDelimiter = argOr(d, "rd", "")
	in.CSV.QuoteCharacter = argOr(d, "quote", "")
	in.CSV.QuoteEscapeCharacter = argOr(d, "esc", "")
	in.CSV.Comments = argOr(d, "comments", "")
	in.CSV.AllowQuotedRecordDelimiter = d.HasArg("quoted-rd")
	if v, ok := arg(d, "start"); ok {
		in.ScanRange = &sqlselect.ScanRange{}
		in.ScanRange.Start, _ = strconv.ParseInt(v, 10, 64)
		in.ScanRange.HasStart = true
	}
	if v, ok := arg(d, "end"); ok {
		if in.ScanRange == nil {
			in.ScanRange = &sqlselect.ScanRange{}
		}
		in.ScanRange.End, _ = strconv.ParseInt(v, 10, 64)
		in.ScanRange.HasEnd = true
	}
	if v, ok := arg(d, "line-range"); ok {
		// Records F to L, read from the start of the object.
		f, l, _ := strings.Cut(v, "-")
		in.Lines = &sqlselect.LineRange{}
		in.Lines.First, _ = strconv.ParseInt(f, 10, 64)
		in.Lines.Last, _ = strconv.ParseInt(l, 10, 64)
	}
	raw := []byte(data)
	switch argOr(d, "compress", "none") {
	case "gzip":
		in.Compression = sqlselect.CompressionGZIP
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(raw)
		require.NoError(t, zw.Close())
		raw = b.Bytes()
	case "bzip2":
		in.Compression = sqlselect.CompressionBZIP2
		raw = bzip2Compress(t, raw)
	case "zstd":
		in.Compression = sqlselect.CompressionZSTD
		zw, err := zstd.NewWriter(nil)
		require.NoError(t, err)
		raw = zw.EncodeAll(raw, nil)
	case "broken-gzip":
		in.Compression = sqlselect.CompressionGZIP
	}
	out := sqlselect.Output{}
	if argOr(d, "out", "csv") == "json" {
		out.Format = sqlselect.OutputJSON
		out.JSON.RecordDelimiter = argOr(d, "out-rd", "")
	} else {
		out.CSV.FieldDelimiter = argOr(d, "out-fd", "")
		out.CSV.RecordDelimiter = argOr(d, "out-rd", "")
		out.CSV.QuoteCharacter = argOr(d, "out-quote", "")
		out.CSV.QuoteEscapeCharacter = argOr(d, "out-esc", "")
		if d.HasArg("always") {
			out.CSV.QuoteFields = sqlselect.QuoteAlways
		}
		out.CSV.OutputHeader = d.HasArg("out-header")
		out.CSV.KeepAllColumns = d.HasArg("keep-all")
	}
	// Out-of-range enum values, as a careless caller could pass.
	if d.HasArg("bad-header") {
		in.CSV.FileHeaderInfo = 9
	}
	if d.HasArg("bad-json-type") {
		in.JSON.Type = 9
	}
	if d.HasArg("bad-compression") {
		in.Compression = 9
	}
	if d.HasArg("bad-format") {
		in.Format = 9
	}
	if d.HasArg("bad-quote-fields") {
		out.CSV.QuoteFields = 9
	}
	if d.HasArg("bad-output") {
		out.Format = 9
	}
	opts := &sqlselect.RunOptions{Clock: func() time.Time { return fixedNow }}
	if v, ok := arg(d, "chunk"); ok {
		opts.ChunkSize, _ = strconv.Atoi(v)
	}
	opts.SkipPartialDataRecord = d.HasArg("skip-partial")
	if v, ok := arg(d, "max-skipped"); ok {
		opts.MaxSkippedRecordsAllowed, _ = strconv.ParseInt(v, 10, 64)
	}
	if v, ok := arg(d, "max-record"); ok {
		opts.MaxRecordSize, _ = strconv.Atoi(v)
	}
	src := sqlselect.Source{ReaderAt: bytes.NewReader(raw), Size: int64(len(raw))}
	if d.HasArg("reader") {
		src = sqlselect.Source{Reader: bytes.NewReader(raw), Size: int64(len(raw))}
	}
	if d.HasArg("no-source") {
		src = sqlselect.Source{}
	}
	var buf bytes.Buffer
	st, err := q.Run(context.Background(), src, in, out, &buf, opts)
	// CRs are shown as \r: datadriven files cannot hold them.
	res := strings.ReplaceAll(buf.String(), "\r", `\r`)
	if res != "" && !strings.HasSuffix(res, "\n") {
		res += "\n"
	}
	if err != nil {
		res += renderErr(err)
	}
	if d.HasArg("stats") {
		res += fmt.Sprintf("stats: scanned=%d processed=%d returned=%d records=%d/%d skipped=%d\n",
			st.BytesScanned, st.BytesProcessed, st.BytesReturned, st.RecordsScanned, st.RecordsReturned, st.RecordsSkipped)
	}
	if res == "" {
		res = "<empty>\n"
	}
	return res
}
