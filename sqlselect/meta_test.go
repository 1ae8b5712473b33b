package sqlselect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

const metaCSV = "name,school,company,age\n" +
	"Lora Francis,School,Staples Inc,27\n" +
	"#Lora Francis,School,Staples Inc,27\n" +
	"Eleanor Little,School,\"Conectiv, Inc\",43\n" +
	"Rosie Hughes,School,Western Gas Resources Inc,44\n" +
	"Lawrence Ross,School,MetLife Inc.,24\n"

func runLines(t *testing.T, data string, in sqlselect.Input, sql string) (string, error) {
	t.Helper()
	q, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = q.Run(context.Background(), sqlselect.Source{ReaderAt: strings.NewReader(data), Size: int64(len(data))},
		in, sqlselect.Output{Format: sqlselect.OutputCSV}, &out, nil)
	return out.String(), err
}

// The numbers and results the Aliyun SDKs' own select tests expect: the
// header and comment lines are records of the meta, lines count from 0.
func TestMetaAndLineRangeAsOSSDocuments(t *testing.T) {
	csvIn := sqlselect.Input{Format: sqlselect.FormatCSV}
	m, err := sqlselect.ScanMeta(context.Background(), strings.NewReader(metaCSV), csvIn, sqlselect.MetaOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(6), m.Rows)
	assert.Equal(t, 4, m.Cols)
	assert.Equal(t, []sqlselect.Split{{Offset: 0, Line: 0}}, m.Splits)
	assert.Equal(t, int64(len(metaCSV)), m.BytesScanned)

	lr, err := m.LineRange(1, 3)
	require.NoError(t, err)
	in := sqlselect.Input{Format: sqlselect.FormatCSV, Lines: lr,
		CSV: sqlselect.CSVInput{FileHeaderInfo: sqlselect.HeaderIgnore, Comments: "#"}}
	out, err := runLines(t, metaCSV, in, "select * from ossobject")
	require.NoError(t, err)
	assert.Equal(t, "Lora Francis,School,Staples Inc,27\nEleanor Little,School,\"Conectiv, Inc\",43\n", out)

	_, err = m.LineRange(6, 10)
	require.ErrorIs(t, err, sqlselect.ErrInvalidScanRange)

	// An unterminated quote is not a valid CSV object.
	bad := "name,age\n\",,,44\nx,1\n"
	_, err = sqlselect.ScanMeta(context.Background(), strings.NewReader(bad), csvIn, sqlselect.MetaOptions{})
	require.Error(t, err)
}

// Every line range, every split range and every split size select
// exactly the records a full scan numbers that way.
func TestLineAndSplitRangesMatchAFullScan(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,v\n")
	for i := range 300 {
		fmt.Fprintf(&b, "%d,\"v,%d\"\n", i, i)
	}
	data := b.String()
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	for _, split := range []int64{1, 7, 64, 1000, 1 << 20} {
		for _, header := range []sqlselect.FileHeaderInfo{sqlselect.HeaderNone, sqlselect.HeaderUse} {
			in := sqlselect.Input{Format: sqlselect.FormatCSV, CSV: sqlselect.CSVInput{FileHeaderInfo: header}}
			m, err := sqlselect.ScanMeta(context.Background(), strings.NewReader(data), in, sqlselect.MetaOptions{SplitSize: split})
			require.NoError(t, err)
			require.Equal(t, int64(len(lines)), m.Rows)
			for _, r := range [][2]int64{{0, 0}, {0, 5}, {1, 1}, {17, 42}, {250, 400}, {299, 300}} {
				lr, err := m.LineRange(r[0], r[1])
				require.NoError(t, err)
				in.Lines = lr
				got, err := runLines(t, data, in, "select id, v from ossobject")
				if header == sqlselect.HeaderNone {
					got, err = runLines(t, data, in, "select _1, _2 from ossobject")
				}
				require.NoError(t, err)
				var want strings.Builder
				for i := r[0]; i <= min(r[1], int64(len(lines)-1)); i++ {
					if i == 0 && header != sqlselect.HeaderNone {
						continue // the header is line 0 and not a record
					}
					want.WriteString(lines[i] + "\n")
				}
				require.Equal(t, want.String(), got, "split %d header %v lines %v", split, header, r)
			}
			in.Lines = nil
			// The splits cover every record exactly once.
			var all strings.Builder
			for i := range m.Splits {
				sr, err := m.SplitRange(int64(i), int64(i))
				require.NoError(t, err)
				in.ScanRange = sr
				got, err := runLines(t, data, in, "select _1, _2 from ossobject")
				require.NoError(t, err)
				all.WriteString(got)
			}
			in.ScanRange = nil
			want := data
			if header != sqlselect.HeaderNone {
				want = data[strings.IndexByte(data, '\n')+1:]
			}
			require.Equal(t, want, all.String(), "split %d", split)
			if split == 7 {
				require.Greater(t, len(m.Splits), 100)
			}
		}
	}
}

func TestJSONLinesMeta(t *testing.T) {
	data := "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n"
	in := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}}
	m, err := sqlselect.ScanMeta(context.Background(), strings.NewReader(data), in, sqlselect.MetaOptions{SplitSize: 1})
	require.NoError(t, err)
	assert.Equal(t, int64(3), m.Rows)
	assert.Equal(t, 0, m.Cols)
	assert.Len(t, m.Splits, 3)
	lr, err := m.LineRange(1, 2)
	require.NoError(t, err)
	in.Lines = lr
	q, err := sqlselect.ParseWith("select s.a from ossobject s", sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)}, in,
		sqlselect.Output{Format: sqlselect.OutputCSV}, &out, nil)
	require.NoError(t, err)
	assert.Equal(t, "2\n3\n", out.String())

	_, err = sqlselect.ScanMeta(context.Background(), strings.NewReader("{\"a\":1}\n{\"a\"\n"), in, sqlselect.MetaOptions{})
	require.ErrorIs(t, err, sqlselect.ErrJSONParsingError)
	_, err = sqlselect.ScanMeta(context.Background(), strings.NewReader(data),
		sqlselect.Input{Format: sqlselect.FormatJSON}, sqlselect.MetaOptions{})
	require.ErrorIs(t, err, sqlselect.ErrUnsupportedScanRangeInput)
}

// v2SDKLines is the JSON "LINES" object of alibabacloud-oss-go-sdk-v2's
// TestCreateSelectObjectMeta, which expects 4 rows.
const v2SDKLines = "{\n\t\"name\": \"Lora Francis\",\n\t\"age\": 27,\n\t\"company\": \"Staples Inc\"\n}\n" +
	"{\n\t\"name\": \"Eleanor Little\",\n\t\"age\": 43,\n\t\"company\": \"Conectiv, Inc\"\n}\n" +
	"{\n\t\"name\": \"Rosie Hughes\",\n\t\"age\": 44,\n\t\"company\": \"Western Gas Resources Inc\"\n}\n" +
	"{\n\t\"name\": \"Lawrence Ross\",\n\t\"age\": 24,\n\t\"company\": \"MetLife Inc.\"\n}"

// The meta of a JSON LINES object counts values the way an OSS query
// without a range reads them (whitespace and at most one comma between
// values, each may span lines), and places splits only at values that
// begin their line.
func TestJSONLinesMetaCountsValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   string
		rows   int64
		splits []sqlselect.Split
		err    error
		detail string // in the error's Detail
		// rangesWork: every line holds one value, so every range query
		// succeeds.
		rangesWork bool
	}{
		{name: "pretty with commas", data: "{\n  \"a\": 1\n},\n{\n  \"a\": 2\n}\n",
			rows: 2, splits: []sqlselect.Split{{0, 0}, {14, 1}}},
		{name: "pretty without commas (v2 SDK)", data: v2SDKLines,
			rows: 4, splits: []sqlselect.Split{{0, 0}, {67, 1}, {138, 2}, {219, 3}}},
		{name: "values sharing a line", data: "{\"a\":1} {\"a\":2}\n{\"a\":3}\n",
			rows: 3, splits: []sqlselect.Split{{0, 0}, {16, 2}}},
		{name: "comma on its own line", data: "{\"a\":1}\n,\n{\"a\":2}\n",
			rows: 2, splits: []sqlselect.Split{{0, 0}, {10, 1}}},
		{name: "comma before a value on its line", data: "{\"a\":1}\n, {\"a\":2}\n{\"a\":3}",
			rows: 3, splits: []sqlselect.Split{{0, 0}, {18, 2}}},
		{name: "one value per line, blank lines, CRLF, indent", data: "{\"a\":1}\n\n  {\"a\":2}\r\n{\"a\":3}\n",
			rows: 3, splits: []sqlselect.Split{{0, 0}, {9, 1}, {20, 2}}, rangesWork: true},
		{name: "leading blank lines", data: "\n\n  [1,\n2]\n3",
			rows: 2, splits: []sqlselect.Split{{2, 0}, {11, 1}}},
		{name: "trailing comma", data: "1,\n2,\n",
			rows: 2, splits: []sqlselect.Split{{0, 0}, {3, 1}}},
		{name: "blank", data: "\n \n", rangesWork: true},
		{name: "leading comma", data: ",1\n", err: sqlselect.ErrJSONParsingError, detail: "unexpected ',' at offset 0"},
		{name: "two commas", data: "1,\n,2\n", err: sqlselect.ErrJSONParsingError, detail: "unexpected ',' at offset 3"},
		{name: "garbage between values", data: "{\n}\nx\n{\n}\n", err: sqlselect.ErrJSONParsingError, detail: "value at offset 4: unexpected character"},
		{name: "cut value", data: "{\n\"a\":1\n},\n{\"a\":\n", err: sqlselect.ErrJSONParsingError, detail: "value at offset 11:"},
		{name: "value over the record size", data: "{\n\"a\": \"" + strings.Repeat("x", 128) + "\"\n}\n", err: sqlselect.ErrOverMaxRecordSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}}
			m, err := sqlselect.ScanMeta(context.Background(), strings.NewReader(tc.data), in,
				sqlselect.MetaOptions{SplitSize: 1, MaxRecordSize: 100})
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				var se *sqlselect.Error
				require.ErrorAs(t, err, &se)
				require.Contains(t, se.Detail, tc.detail)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.rows, m.Rows)
			assert.Equal(t, tc.splits, m.Splits)
			assert.Equal(t, int64(len(tc.data)), m.BytesScanned)
			require.Equal(t, tc.rangesWork, checkJSONRanges(t, tc.data, m))
		})
	}
}

// A pretty-printed object of 100 records, as in aliyun-oss-go-sdk's
// sample_json_lines.json: the meta counts 100 rows, a query without a
// range reads them all, and ranges, which read one value per line, fail
// instead of selecting parts of values.
func TestJSONLinesMetaOfPrettyPrintedObject(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "{\n    \"id\": %d,\n    \"tags\": [\n        \"t%d\"\n    ]\n}", i, i)
	}
	data := b.String()
	in := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}}
	m, err := sqlselect.ScanMeta(context.Background(), strings.NewReader(data), in, sqlselect.MetaOptions{SplitSize: 256})
	require.NoError(t, err)
	assert.Equal(t, int64(100), m.Rows)
	require.Greater(t, len(m.Splits), 10)
	for _, s := range m.Splits {
		require.True(t, s.Offset == 0 || data[s.Offset-1] == '\n', "split at %d", s.Offset)
		require.Equal(t, fmt.Sprintf("{\n    \"id\": %d,", s.Line), data[s.Offset:s.Offset+int64(len(fmt.Sprintf("{\n    \"id\": %d,", s.Line)))])
	}
	out, err := runLines(t, data, in, "select count(*) from ossobject s where s.tags[0] like 't%'")
	require.NoError(t, err)
	assert.Equal(t, "100\n", out)
	in.Lines, err = m.LineRange(50, 60)
	require.NoError(t, err)
	_, err = runLines(t, data, in, "select s.id from ossobject s")
	require.ErrorIs(t, err, sqlselect.ErrJSONParsingError)
	require.False(t, checkJSONRanges(t, data, m))
}

// checkJSONRanges checks that each split range and each line range of a
// JSON LINES object either selects exactly the records a query without a
// range numbers that way or fails with JSONParsingError (a value that is
// not alone on its lines): never a part of a value. It reports whether
// every range query succeeded.
func checkJSONRanges(t *testing.T, data string, m sqlselect.Meta) (allOK bool) {
	t.Helper()
	in := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}}
	run := func(in sqlselect.Input) (string, error) {
		q, err := sqlselect.ParseWith("select * from ossobject", sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
		require.NoError(t, err)
		var out bytes.Buffer
		_, err = q.Run(context.Background(), sqlselect.Source{ReaderAt: strings.NewReader(data), Size: int64(len(data))},
			in, sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
		return out.String(), err
	}
	full, err := run(in)
	if err != nil {
		return false
	}
	var parts strings.Builder
	partsOK := true
	for i := range m.Splits {
		in.ScanRange, err = m.SplitRange(int64(i), int64(i))
		require.NoError(t, err)
		out, err := run(in)
		if err != nil {
			require.ErrorIs(t, err, sqlselect.ErrJSONParsingError)
			partsOK = false
			continue
		}
		parts.WriteString(out)
	}
	if partsOK {
		require.Equal(t, full, parts.String(), "split ranges")
	}
	in.ScanRange = nil
	records := strings.SplitAfter(full, "\n")
	for i := range m.Rows {
		in.Lines, err = m.LineRange(i, i)
		require.NoError(t, err)
		out, err := run(in)
		if err != nil {
			require.ErrorIs(t, err, sqlselect.ErrJSONParsingError)
			partsOK = false
			continue
		}
		require.Equal(t, records[i], out, "line %d", i)
	}
	return partsOK
}

func TestMetaEncodingRoundTrips(t *testing.T) {
	m := sqlselect.Meta{Format: sqlselect.FormatCSV, Rows: 1e9, Cols: 12, BytesScanned: 5e10,
		Splits: []sqlselect.Split{{0, 0}, {1 << 20, 3000}, {5 << 20, 90000}}}
	b, err := m.MarshalBinary()
	require.NoError(t, err)
	var got sqlselect.Meta
	require.NoError(t, got.UnmarshalBinary(b))
	assert.Equal(t, m, got)
	for i := range b {
		require.Error(t, (&got).UnmarshalBinary(b[:i]), "prefix %d", i)
	}
}

// FuzzScanMeta: for any CSV input the meta accepts, its splits cover the
// records of a full scan exactly once, each line range selects exactly
// its own records, and the meta round-trips through its encoding.
func FuzzScanMeta(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n\n3,\"4\n\"\n"), uint8(3))
	f.Add([]byte(metaCSV), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		if len(data) > 4096 {
			return
		}
		in := sqlselect.Input{Format: sqlselect.FormatCSV}
		m, err := sqlselect.ScanMeta(context.Background(), bytes.NewReader(data), in, sqlselect.MetaOptions{SplitSize: int64(split) + 1})
		if err != nil {
			return
		}
		enc, err := m.MarshalBinary()
		require.NoError(t, err)
		var back sqlselect.Meta
		require.NoError(t, back.UnmarshalBinary(enc))
		require.Equal(t, m, back)
		full, err := runLines(t, string(data), in, "select * from ossobject")
		if err != nil {
			return // a record the query rejects (too many columns, ...)
		}
		var parts, lines strings.Builder
		for i := range m.Splits {
			in.ScanRange, err = m.SplitRange(int64(i), int64(i))
			require.NoError(t, err)
			out, err := runLines(t, string(data), in, "select * from ossobject")
			require.NoError(t, err)
			parts.WriteString(out)
		}
		in.ScanRange = nil
		require.Equal(t, full, parts.String())
		for i := range m.Rows {
			in.Lines, err = m.LineRange(i, i)
			require.NoError(t, err)
			out, err := runLines(t, string(data), in, "select * from ossobject")
			require.NoError(t, err)
			lines.WriteString(out)
		}
		require.Equal(t, full, lines.String())
	})
}

// FuzzScanMetaJSON: for any JSON LINES object the meta accepts, it
// round-trips through its encoding and counts the records of a query
// without a range; every value stream encoding/json reads is accepted
// with as many rows; and every split and line range either selects
// exactly its own records or fails with JSONParsingError.
func FuzzScanMetaJSON(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n\n{\"a\":2}\n"), uint8(1))
	f.Add([]byte("{\n  \"a\": [1,\n 2]\n},\n{\n  \"a\": 2\n}"), uint8(3))
	f.Add([]byte(v2SDKLines), uint8(7))
	f.Add([]byte("1 2,3\n,\"x\"\r\n[]{},"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		if len(data) > 4096 {
			return
		}
		in := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}}
		m, err := sqlselect.ScanMeta(context.Background(), bytes.NewReader(data), in, sqlselect.MetaOptions{SplitSize: int64(split) + 1})
		// n counts the values encoding/json reads, -1 if it fails or two
		// values touch (it reads 000 as three numbers).
		n := 0
		for dec := json.NewDecoder(bytes.NewReader(data)); n >= 0; n++ {
			var v any
			if err := dec.Decode(&v); err == io.EOF {
				break
			} else if end := dec.InputOffset(); err != nil || end < int64(len(data)) && !strings.ContainsRune(" \t\r\n", rune(data[end])) {
				n = -2
			}
		}
		if n >= 0 && (err == nil || !strings.Contains(err.Error(), "nested too deeply")) {
			require.NoError(t, err, "input %q", data)
			require.Equal(t, int64(n), m.Rows, "input %q", data)
		}
		if err != nil {
			return
		}
		enc, err := m.MarshalBinary()
		require.NoError(t, err)
		var back sqlselect.Meta
		require.NoError(t, back.UnmarshalBinary(enc))
		require.Equal(t, m, back)
		out, err := runLines(t, string(data), in, "select count(*) from ossobject")
		if err == nil {
			require.Equal(t, fmt.Sprintf("%d\n", m.Rows), out)
		}
		checkJSONRanges(t, string(data), m)
	})
}

// NumbersAsText (OSS ParseJsonNumberAsString) keeps numbers as their
// text: no precision is lost, CAST and comparisons still work, and the
// output writes the same number back.
func TestJSONNumbersAsText(t *testing.T) {
	data := `{"age":43,"big":123456789012345678901234567890,"f":1.50,"e":-2E+3}` + "\n" + `{"age":24,"big":1,"f":0.1,"e":1e999}` + "\n"
	for _, typ := range []sqlselect.JSONType{sqlselect.JSONLines, sqlselect.JSONDocument} {
		in := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: typ, NumbersAsText: true}}
		run := func(sql string) string {
			q, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{Dialect: sqlselect.DialectOSS})
			require.NoError(t, err)
			var out bytes.Buffer
			_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(data)}, in,
				sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
			require.NoError(t, err, sql)
			return out.String()
		}
		assert.Equal(t, `{"age":43,"big":123456789012345678901234567890,"f":1.50,"e":-2E+3}`+"\n", run("select * from ossobject s where cast(s.age as int) > 40"))
		assert.Equal(t, `{"big":123456789012345678901234567890}`+"\n", run("select s.big from ossobject s where s.big = '123456789012345678901234567890'"))
		assert.Equal(t, `{"_1":2}`+"\n", run("select count(*) from ossobject s where s.age > 20"))
		// Without the option the big number is a float (and 1e999 an error).
		in.JSON.NumbersAsText = false
		data = strings.ReplaceAll(data, "1e999", "1")
		assert.NotContains(t, run("select s.big from ossobject s"), "123456789012345678901234567890")
		data = strings.ReplaceAll(data, `"e":1}`, `"e":1e999}`)
	}
}
