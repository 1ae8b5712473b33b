package sqlselect_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// TestMetamorphic runs the same queries over the same data delivered in
// different ways (whole, one byte per Read, half reads, gzip, ReaderAt,
// tiny output chunks) and demands identical output. Records are long
// enough to cross the scanner's buffer refills.
func TestMetamorphic(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	word := func() string {
		const alpha = "abcxyz ,\"'\n|"
		n := r.Intn(12)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(alpha[r.Intn(len(alpha))])
		}
		return b.String()
	}
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	var csvData, jsonData strings.Builder
	csvData.WriteString("id,name,score,note\n")
	for i := 0; i < 3000; i++ {
		note := strings.Repeat(word(), r.Intn(40))
		nl := "\n"
		if i%7 == 0 {
			nl = "\r\n"
		}
		csvData.WriteString(strconv.Itoa(i) + "," + quote(word()) + "," + strconv.Itoa(r.Intn(1000)) + "," + quote(note) + nl)
		jsonData.WriteString(`{"id":` + strconv.Itoa(i) + `,"name":` + strconv.Quote(word()) + `,"score":` + strconv.Itoa(r.Intn(1000)) +
			`,"tags":[` + strconv.Quote(word()) + `,` + strconv.Quote(note) + `]}` + "\n")
	}
	type tc struct {
		name string
		in   sqlselect.Input
		data string
		sql  string
	}
	csvIn := sqlselect.Input{CSV: sqlselect.CSVInput{FileHeaderInfo: sqlselect.HeaderUse, AllowQuotedRecordDelimiter: true}}
	// The same file with multi-byte settings, whose bytes a read can split.
	mb := strings.NewReplacer(",", "╦", `"`, "ع").Replace(csvData.String())
	mbIn := sqlselect.Input{CSV: sqlselect.CSVInput{FileHeaderInfo: sqlselect.HeaderUse, AllowQuotedRecordDelimiter: true,
		FieldDelimiter: "╦", QuoteCharacter: "ع"}}
	mbRD := mbIn
	mbRD.CSV.RecordDelimiter = "ф"
	cases := []tc{
		{"csv-star", csvIn, csvData.String(), "SELECT * FROM S3Object"},
		{"csv-filter", csvIn, csvData.String(), "SELECT s.id, s.note FROM S3Object s WHERE s.score > 500 AND s.name LIKE '%a%'"},
		{"csv-multibyte", mbIn, mb, "SELECT s.id, s.note FROM S3Object s WHERE s.score > 500 AND s.name LIKE '%a%'"},
		{"csv-multibyte-rd", mbRD, strings.ReplaceAll(mb, "\n", "ф"), "SELECT * FROM S3Object"},
		{"csv-agg", csvIn, csvData.String(), "SELECT COUNT(*), SUM(s.score), MAX(s.note), MIN(s.name) FROM S3Object s"},
		{"json-lines", sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}},
			jsonData.String(), "SELECT s.id, s.tags[1] FROM S3Object s WHERE s.score < 300"},
		{"json-document", sqlselect.Input{Format: sqlselect.FormatJSON}, jsonData.String(), "SELECT * FROM S3Object s WHERE s.score < 300"},
		{"json-stream", sqlselect.Input{Format: sqlselect.FormatJSON}, "[" + strings.ReplaceAll(strings.TrimSpace(jsonData.String()), "\n", ",") + "]",
			"SELECT s.id, s.tags FROM S3Object[*][*] s WHERE s.score < 300"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := sqlselect.Parse(c.sql)
			require.NoError(t, err)
			run := func(src sqlselect.Source, in sqlselect.Input, opts *sqlselect.RunOptions) string {
				var out bytes.Buffer
				_, err := q.Run(context.Background(), src, in, sqlselect.Output{Format: sqlselect.OutputJSON}, &out, opts)
				require.NoError(t, err)
				return out.String()
			}
			want := run(sqlselect.Source{Reader: strings.NewReader(c.data)}, c.in, nil)
			require.NotEmpty(t, want)
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			_, _ = io.WriteString(zw, c.data)
			require.NoError(t, zw.Close())
			gzIn := c.in
			gzIn.Compression = sqlselect.CompressionGZIP
			variants := map[string]string{
				"one-byte":  run(sqlselect.Source{Reader: iotest.OneByteReader(strings.NewReader(c.data))}, c.in, nil),
				"half":      run(sqlselect.Source{Reader: iotest.HalfReader(strings.NewReader(c.data))}, c.in, nil),
				"reader-at": run(sqlselect.Source{ReaderAt: strings.NewReader(c.data), Size: int64(len(c.data))}, c.in, nil),
				"gzip":      run(sqlselect.Source{Reader: bytes.NewReader(gz.Bytes())}, gzIn, nil),
				"chunk-1":   run(sqlselect.Source{Reader: strings.NewReader(c.data)}, c.in, &sqlselect.RunOptions{ChunkSize: 1}),
			}
			for name, got := range variants {
				require.Equal(t, want, got, name)
			}
		})
	}
}
