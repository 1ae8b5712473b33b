package sqlselect_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// FuzzParseRoundTrip: whatever parses renders to SQL that parses to a query
// rendering the same way (requireRoundTrip), in both dialects.
func FuzzParseRoundTrip(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM S3Object",
		"SELECT s._1, s.a.b[0] AS x FROM S3Object[*].p s WHERE s._2 > 5 AND NOT s.c LIKE 'a%' ESCAPE '!' LIMIT 3",
		"SELECT CASE WHEN a BETWEEN 1 AND 2 THEN 'x' ELSE NULL END FROM S3Object",
		"SELECT CAST(a AS INT), TRIM(LEADING 'x' FROM b), SUBSTRING(c FROM 2 FOR 3) FROM S3Object",
		"SELECT EXTRACT(year FROM `2010T`), DATE_ADD(day, -1, x), COUNT(*) FROM S3Object",
		"SELECT a IN (1, 'two', 3.0) IS NOT MISSING FROM S3Object",
		"SELECT \"quoted\"\"name\" || 'it''s' FROM S3Object",
		"select * from ossobject.a.b where _1 like 'x*'",
	} {
		f.Add(s)
	}
	// Every statement of the datadriven corpus is a seed too: under go
	// test each one is checked for the round trip. When fuzzing, every
	// eighth: gathering the baseline coverage of all 1,100 took 8 s, so a
	// short fuzzing run (CI gives each target 3 s) never got to fuzz.
	fuzzing := false
	if fl := flag.Lookup("test.fuzz"); fl != nil {
		fuzzing = fl.Value.String() != ""
	}
	files, _ := filepath.Glob("testdata/*.txt")
	n := 0
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.ToUpper(line), "SELECT ") {
				if !fuzzing || n%8 == 0 {
					f.Add(line)
				}
				n++
			}
		}
	}
	f.Fuzz(func(t *testing.T, sql string) {
		for _, d := range []sqlselect.Dialect{sqlselect.DialectS3, sqlselect.DialectOSS} {
			requireRoundTrip(t, sql, sqlselect.ParseOptions{Dialect: d})
		}
	})
}

// FuzzCSVScanner compares the scanner with encoding/csv on every input that
// encoding/csv accepts (records may contain quoted newlines, so the query
// runs with AllowQuotedRecordDelimiter). CR is excluded: encoding/csv
// rewrites \r\n inside quoted fields. The result goes through JSON output
// so field boundaries are unambiguous.
func FuzzCSVScanner(f *testing.F) {
	for _, s := range []string{
		"a,b,c\n1,2,3\n",
		"\"a,b\",\"c\"\"d\"\n",
		"\"multi\nline\",x\n\ny\n",
		",,\n,\n",
		"a,\"\"\n\"\",b",
		"x",
	} {
		f.Add(s)
	}
	q, err := sqlselect.Parse("SELECT * FROM S3Object")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, in string) {
		if strings.ContainsRune(in, '\r') || !utf8.ValidString(in) {
			return // JSON output replaces invalid UTF-8; S3 input is UTF-8
		}
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		want, err := cr.ReadAll()
		if err != nil {
			return
		}
		var out bytes.Buffer
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(in)},
			sqlselect.Input{CSV: sqlselect.CSVInput{AllowQuotedRecordDelimiter: true}},
			sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
		require.NoError(t, err, "input %q", in)
		got := decodeRecords(t, out.Bytes())
		if len(want) == 0 {
			want = nil
		}
		require.Equal(t, want, got, "input %q", in)

		// The same file with multi-byte settings (each one character)
		// must give the same records.
		mbRun := func(quotedRD bool) [][]string {
			if strings.ContainsAny(in, "╦عф") {
				return want
			}
			mb := strings.NewReplacer(",", "╦", `"`, "ع", "\n", "ф").Replace(in)
			out.Reset()
			_, err = q.Run(context.Background(), sqlselect.Source{Reader: iotest.HalfReader(strings.NewReader(mb))},
				sqlselect.Input{CSV: sqlselect.CSVInput{AllowQuotedRecordDelimiter: quotedRD,
					FieldDelimiter: "╦", QuoteCharacter: "ع", RecordDelimiter: "ф"}},
				sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
			require.NoError(t, err, "input %q", mb)
			back := strings.NewReplacer("╦", ",", "ع", `"`, "ф", "\n")
			recs := decodeRecords(t, out.Bytes())
			for _, rec := range recs {
				for i := range rec {
					rec[i] = back.Replace(rec[i])
				}
			}
			return recs
		}
		require.Equal(t, want, mbRun(true), "multi-byte settings, input %q", in)

		// Without quoted newlines the fast scanner (every newline ends a
		// record) must agree too.
		for _, rec := range want {
			for _, f := range rec {
				if strings.Contains(f, "\n") {
					return
				}
			}
		}
		out.Reset()
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(in)},
			sqlselect.Input{}, sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
		require.NoError(t, err, "input %q", in)
		require.Equal(t, want, decodeRecords(t, out.Bytes()), "fast scanner, input %q", in)
		require.Equal(t, want, mbRun(false), "fast scanner, multi-byte settings, input %q", in)
	})
}

// decodeRecords reads SELECT * JSON output of CSV input back into records.
func decodeRecords(t *testing.T, b []byte) [][]string {
	var recs [][]string
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var m map[string]string
		if err := dec.Decode(&m); err == io.EOF {
			return recs
		} else {
			require.NoError(t, err)
		}
		rec := make([]string, len(m))
		for i := range rec {
			rec[i] = m["_"+itoa(i+1)]
		}
		recs = append(recs, rec)
	}
}

// FuzzJSON compares the JSON reader with encoding/json: every document
// encoding/json accepts must come back (SELECT * with JSON output) with the
// same meaning.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,null,"x"],"c":{"d":1.5e3}}`,
		`[1, 2, {"k": "\u00e9\n"}]`,
		`"str"`, `12345678901234567890`, `-0.0`, `{}`, `[]`,
	} {
		f.Add(s)
	}
	q, err := sqlselect.Parse("SELECT * FROM S3Object")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, in string) {
		var want any
		if !utf8.ValidString(in) || json.Unmarshal([]byte(in), &want) != nil {
			return
		}
		var out bytes.Buffer
		_, err := q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(in)},
			sqlselect.Input{Format: sqlselect.FormatJSON}, sqlselect.Output{Format: sqlselect.OutputJSON}, &out, nil)
		require.NoError(t, err, "input %q", in)
		var got any
		require.NoError(t, json.Unmarshal(out.Bytes(), &got), "output %q", out.String())
		if _, isObject := want.(map[string]any); !isObject {
			want = map[string]any{"_1": want}
		}
		require.Equal(t, want, got, "input %q", in)
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
