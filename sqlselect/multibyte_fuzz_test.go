package sqlselect_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/osslite/osslite/sqlselect"
)

// mbSettings are CSV settings sets with one or more multi-byte UTF-8
// characters, chosen by the fuzzer.
var mbSettings = []sqlselect.CSVInput{
	{FieldDelimiter: "╦", QuoteCharacter: "ع", RecordDelimiter: "ф"},
	{FieldDelimiter: "╦"},
	{RecordDelimiter: "╦"},
	{RecordDelimiter: "ф", QuoteEscapeCharacter: "\\"},
	{QuoteCharacter: "ع", QuoteEscapeCharacter: "ф", Comments: "#"},
	{FieldDelimiter: "ф", QuoteCharacter: "ф"},
	{FieldDelimiter: "ع", RecordDelimiter: "ع"},
	{Comments: "╦", RecordDelimiter: "\r\n", FieldDelimiter: "ф"},
	{QuoteEscapeCharacter: "𝄞", QuoteCharacter: "'", RecordDelimiter: "𝄞"},
}

// FuzzCSVMultiByteRanges runs any bytes (invalid UTF-8 included) through
// multi-byte CSV settings with CSV output of multi-byte settings, whole
// and split into two scan ranges at any offset: it must not panic or
// hang, and the two ranges must give the whole scan's output.
func FuzzCSVMultiByteRanges(f *testing.F) {
	f.Add([]byte("a╦b╦c\nعx╦yع╦z"), uint8(0), uint16(3), false)
	f.Add([]byte("aфbфcф\xd1ф\xd1\xd1\x84"), uint8(3), uint16(2), true)
	f.Add([]byte("𝄞'a𝄞'b'𝄞"), uint8(8), uint16(5), false)
	f.Fuzz(func(t *testing.T, data []byte, sel uint8, split uint16, quotedRD bool) {
		if len(data) > 2048 {
			return
		}
		in := sqlselect.Input{Format: sqlselect.FormatCSV, CSV: mbSettings[int(sel)%len(mbSettings)]}
		q, err := sqlselect.Parse("SELECT * FROM S3Object")
		if err != nil {
			t.Fatal(err)
		}
		out := sqlselect.Output{Format: sqlselect.OutputCSV, CSV: sqlselect.CSVOutput{FieldDelimiter: "ф", QuoteCharacter: "╦", QuoteEscapeCharacter: "ع", RecordDelimiter: "𝄞"}}
		if sel&16 != 0 {
			out.CSV = sqlselect.CSVOutput{QuoteCharacter: "ع", FieldDelimiter: "ع"}
		}
		run := func(in sqlselect.Input, r sqlselect.Source) (string, error) {
			var b bytes.Buffer
			_, err := q.Run(context.Background(), r, in, out, &b, nil)
			return b.String(), err
		}
		in.CSV.AllowQuotedRecordDelimiter = quotedRD
		whole, err := run(in, sqlselect.Source{Reader: iotest.HalfReader(bytes.NewReader(data))})
		whole2, err2 := run(in, sqlselect.Source{Reader: iotest.OneByteReader(bytes.NewReader(data))})
		if (err == nil) != (err2 == nil) || whole != whole2 {
			t.Fatalf("read sizes disagree: %q %v / %q %v", whole, err, whole2, err2)
		}
		if err != nil || quotedRD {
			return
		}
		k := int64(split) % int64(len(data)+1)
		src := sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))}
		var parts strings.Builder
		if k > 0 {
			in.ScanRange = &sqlselect.ScanRange{Start: 0, End: k - 1, HasStart: true, HasEnd: true}
			a, err := run(in, src)
			if err != nil {
				t.Fatalf("range 0-%d: %v", k-1, err)
			}
			parts.WriteString(a)
		}
		in.ScanRange = &sqlselect.ScanRange{Start: k, HasStart: true}
		b, err := run(in, src)
		if err != nil {
			t.Fatalf("range %d-: %v", k, err)
		}
		parts.WriteString(b)
		if parts.String() != whole {
			t.Fatalf("split at %d of %q: %q, whole %q", k, data, parts.String(), whole)
		}
	})
}
