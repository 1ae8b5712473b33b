package httpapi

import (
	"testing"
)

// FuzzSelectRequests feeds arbitrary documents to the S3 and OSS select
// request parsers: they may refuse them, but must not panic, and what the
// S3 parser accepts must carry a query.
func FuzzSelectRequests(f *testing.F) {
	for _, seed := range []string{
		`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL</ExpressionType><InputSerialization><CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV></InputSerialization><OutputSerialization><JSON/></OutputSerialization></SelectObjectContentRequest>`,
		`<SelectObjectContentRequest><Expression>SELECT count(*) FROM S3Object s</Expression><ExpressionType>SQL</ExpressionType><InputSerialization><CompressionType>GZIP</CompressionType><JSON><Type>LINES</Type></JSON></InputSerialization><OutputSerialization><CSV/></OutputSerialization><ScanRange><Start>1</Start><End>9</End></ScanRange></SelectObjectContentRequest>`,
		`<SelectRequest><Expression>c2VsZWN0ICogZnJvbSBvc3NvYmplY3Q=</Expression><InputSerialization><CSV><FileHeaderInfo>Use</FileHeaderInfo></CSV></InputSerialization><OutputSerialization><OutputRawData>true</OutputRawData></OutputSerialization></SelectRequest>`,
		`<SelectRequest><Expression>!!!</Expression></SelectRequest>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if job, err := parseSelect(data); err == nil && job == nil {
			t.Fatal("accepted without a job")
		}
		_, _ = parseOSSSelect(data, false)
		_, _ = parseOSSSelect(data, true)
	})
}
