package sqlselect_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/osslite/osslite/sqlselect"
)

var (
	benchOnce sync.Once
	benchCSV  []byte
)

// benchData is a generated CSV of about 200 MB: an id, a name, a number in
// [0, 1000), a price and a free-text column.
func benchData() []byte {
	benchOnce.Do(func() {
		const target = 200 << 20
		b := make([]byte, 0, target+256)
		x := uint32(2463534242)
		for i := 0; len(b) < target; i++ {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, ",user_"...)
			b = strconv.AppendInt(b, int64(x%100000), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(x%1000), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(x%10000), 10)
			b = append(b, ".25,some free text here\n"...)
		}
		benchCSV = b
	})
	return benchCSV
}

func benchQuery(b *testing.B, sql string, out sqlselect.Output) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	data := benchData()
	q, err := sqlselect.Parse(sql)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := q.Run(context.Background(), sqlselect.Source{Reader: bytes.NewReader(data)},
			sqlselect.Input{Format: sqlselect.FormatCSV}, out, io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// CPU time of this thread: the machine is shared, so wall-clock MB/s
	// understates what one core does. The benchmark runs on one goroutine
	// locked to its thread (see LockOSThread below).
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	if cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

func BenchmarkCount(b *testing.B) {
	benchQuery(b, "SELECT count(*) FROM S3Object s WHERE s._3 > 500", sqlselect.Output{})
}

func BenchmarkCountAll(b *testing.B) {
	benchQuery(b, "SELECT count(*) FROM S3Object", sqlselect.Output{})
}

func BenchmarkProjection(b *testing.B) {
	benchQuery(b, "SELECT s._1, s._3 FROM S3Object s", sqlselect.Output{})
}

func BenchmarkFilteredProjection(b *testing.B) {
	benchQuery(b, "SELECT s._2, s._4 FROM S3Object s WHERE s._3 > 900", sqlselect.Output{})
}

func BenchmarkFilteredProjectionJSON(b *testing.B) {
	benchQuery(b, "SELECT s._2, s._4 FROM S3Object s WHERE s._3 > 900", sqlselect.Output{Format: sqlselect.OutputJSON})
}

// BenchmarkDecimalLiteral: arithmetic and a comparison with literals
// with a point, which are DECIMALs with their digits since sel40 (an INT
// column times one is computed exactly).
func BenchmarkDecimalLiteral(b *testing.B) {
	benchQuery(b, "SELECT SUM(s._3 * 1.5) FROM S3Object s WHERE s._4 > 5000.5", sqlselect.Output{})
}

// BenchmarkFilteredProjectionDecimal: the commonest filter with a
// literal with a point, a CSV price (text read as a float per record)
// against a DECIMAL literal.
func BenchmarkFilteredProjectionDecimal(b *testing.B) {
	benchQuery(b, "SELECT s._2, s._4 FROM S3Object s WHERE s._4 > 9000.5", sqlselect.Output{})
}

// BenchmarkFilteredNegativeDecimal: the same with a negative literal
// (a minus sign over the literal).
func BenchmarkFilteredNegativeDecimal(b *testing.B) {
	benchQuery(b, "SELECT s._2, s._4 FROM S3Object s WHERE s._4 < -1.5 OR s._4 > 9000.5", sqlselect.Output{})
}

// BenchmarkFloatTimesDecimal: a CSV price (a float) times a literal with
// a point, whose product is a float.
func BenchmarkFloatTimesDecimal(b *testing.B) {
	benchQuery(b, "SELECT SUM(s._4 * 1.5) FROM S3Object s", sqlselect.Output{})
}

func BenchmarkProjectionJSON(b *testing.B) {
	benchQuery(b, "SELECT s._1, s._2, s._5 FROM S3Object s", sqlselect.Output{Format: sqlselect.OutputJSON})
}

var (
	benchLinesOnce sync.Once
	benchLines     []byte
)

// benchJSONLines is the CSV of benchData as JSON Lines (about 100 MB), one
// object per line.
func benchJSONLines() []byte {
	benchLinesOnce.Do(func() {
		const target = 100 << 20
		b := make([]byte, 0, target+256)
		x := uint32(2463534242)
		for i := 0; len(b) < target; i++ {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b = append(b, `{"id":`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `,"name":"user_`...)
			b = strconv.AppendInt(b, int64(x%100000), 10)
			b = append(b, `","n":`...)
			b = strconv.AppendInt(b, int64(x%1000), 10)
			b = append(b, `,"price":`...)
			b = strconv.AppendInt(b, int64(x%10000), 10)
			b = append(b, `.25,"text":"some free text here"}`+"\n"...)
		}
		benchLines = b
	})
	return benchLines
}

// benchJSONLinesQuery runs sql over benchJSONLines as LINES input in
// dialect d, without a range (the OSS dialect then reads a value stream).
func benchJSONLinesQuery(b *testing.B, d sqlselect.Dialect, sql string) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	data := benchJSONLines()
	q, err := sqlselect.ParseWith(sql, sqlselect.ParseOptions{Dialect: d})
	if err != nil {
		b.Fatal(err)
	}
	in := sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}}
	b.SetBytes(int64(len(data)))
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := q.Run(context.Background(), sqlselect.Source{Reader: bytes.NewReader(data)},
			in, sqlselect.Output{Format: sqlselect.OutputJSON}, io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	if cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

func BenchmarkJSONLinesCountS3(b *testing.B) {
	benchJSONLinesQuery(b, sqlselect.DialectS3, "SELECT count(*) FROM S3Object s WHERE s.n > 500")
}

func BenchmarkJSONLinesCountOSS(b *testing.B) {
	benchJSONLinesQuery(b, sqlselect.DialectOSS, "select count(*) from ossobject s where s.n > 500")
}

func BenchmarkJSONLinesProjectionOSS(b *testing.B) {
	benchJSONLinesQuery(b, sqlselect.DialectOSS, "select s.id, s.name from ossobject s where s.n > 900")
}

var (
	benchPQOnce sync.Once
	benchPQ     []byte
)

// benchParquetRows is the row count of benchParquet's file.
const benchParquetRows = 100_000

// benchParquetData is a Parquet file of 100,000 rows in 13 row groups
// (Snappy): id INT64, name STRING, n INT32, price DECIMAL(9,2) on INT32,
// at TIMESTAMP(MICROS), nick optional STRING (null in every third row).
func benchParquetData(b *testing.B) []byte {
	benchPQOnce.Do(func() {
		g := parquet.Group{
			"id":    parquet.Int(64),
			"name":  parquet.String(),
			"n":     parquet.Int(32),
			"price": parquet.Decimal(2, 9, parquet.Int32Type),
			"at":    parquet.Timestamp(parquet.Microsecond),
			"nick":  parquet.Optional(parquet.String()),
		}
		var buf bytes.Buffer
		w := parquet.NewWriter(&buf, parquet.NewSchema("r", g), parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(8192))
		x := uint32(2463534242)
		for i := 0; i < benchParquetRows; i++ {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			var nick any
			if i%3 != 0 {
				nick = "nick_" + strconv.Itoa(int(x%1000))
			}
			if err := w.Write(map[string]any{"id": int64(i), "name": "user_" + strconv.Itoa(int(x%100000)), "n": int32(x % 1000),
				"price": int32(x % 1000000), "at": int64(1700000000000000) + int64(i)*1000, "nick": nick}); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		benchPQ = buf.Bytes()
	})
	return benchPQ
}

// benchParquet reports rows per second and per CPU-second of a query over
// benchParquetData's file.
func benchParquet(b *testing.B, sql string, out sqlselect.Output) {
	benchParquetOf(b, benchParquetData(b), sql, out)
}

// benchParquetOf reports rows per second and per CPU-second of a query
// over a file of benchParquetRows rows.
func benchParquetOf(b *testing.B, data []byte, sql string, out sqlselect.Output) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	q, err := sqlselect.Parse(sql)
	if err != nil {
		b.Fatal(err)
	}
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))},
			sqlselect.Input{Format: sqlselect.FormatParquet}, out, io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	rows := float64(benchParquetRows) * float64(b.N)
	b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(rows/cpu.Seconds(), "rows/cpu-s")
	}
}

func BenchmarkParquetCount(b *testing.B) {
	benchParquet(b, "SELECT COUNT(*) FROM S3Object s WHERE s.n > 500", sqlselect.Output{})
}

func BenchmarkParquetProjection(b *testing.B) {
	benchParquet(b, "SELECT s.name, s.price FROM S3Object s WHERE s.price > 5000", sqlselect.Output{})
}

func BenchmarkParquetStarJSON(b *testing.B) {
	benchParquet(b, "SELECT * FROM S3Object", sqlselect.Output{Format: sqlselect.OutputJSON})
}

var (
	benchPQWideOnce sync.Once
	benchPQWide     []byte
)

// benchParquetWideData is a Parquet file of 100,000 rows in 13 row groups
// (Snappy) of 24 columns: c0 to c23, cycling INT64, STRING, INT32,
// DECIMAL(9,2) on INT32, DOUBLE and optional STRING.
func benchParquetWideData(b *testing.B) []byte {
	benchPQWideOnce.Do(func() {
		const cols = 24
		g := parquet.Group{}
		for c := 0; c < cols; c++ {
			name := "c" + strconv.Itoa(c)
			switch c % 6 {
			case 0:
				g[name] = parquet.Int(64)
			case 1:
				g[name] = parquet.String()
			case 2:
				g[name] = parquet.Int(32)
			case 3:
				g[name] = parquet.Decimal(2, 9, parquet.Int32Type)
			case 4:
				g[name] = parquet.Leaf(parquet.DoubleType)
			case 5:
				g[name] = parquet.Optional(parquet.String())
			}
		}
		var buf bytes.Buffer
		w := parquet.NewWriter(&buf, parquet.NewSchema("r", g), parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(8192))
		x := uint32(2463534242)
		row := make(map[string]any, cols)
		for i := 0; i < benchParquetRows; i++ {
			for c := 0; c < cols; c++ {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				name := "c" + strconv.Itoa(c)
				switch c % 6 {
				case 0:
					row[name] = int64(i) + int64(c)
				case 1:
					row[name] = "user_" + strconv.Itoa(int(x%100000))
				case 2:
					row[name] = int32(x % 1000)
				case 3:
					row[name] = int32(x % 1000000)
				case 4:
					row[name] = float64(x%100000) / 7
				case 5:
					row[name] = nil
					if i%3 != 0 {
						row[name] = "nick_" + strconv.Itoa(int(x%1000))
					}
				}
			}
			if err := w.Write(row); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		benchPQWide = buf.Bytes()
	})
	return benchPQWide
}

// BenchmarkParquetWideNarrow reads 2 of the wide file's 24 columns.
func BenchmarkParquetWideNarrow(b *testing.B) {
	benchParquetOf(b, benchParquetWideData(b), "SELECT s.c1, s.c3 FROM S3Object s WHERE s.c3 > 5000", sqlselect.Output{})
}

// BenchmarkParquetWideStarJSON reads all of the wide file's 24 columns.
func BenchmarkParquetWideStarJSON(b *testing.B) {
	benchParquetOf(b, benchParquetWideData(b), "SELECT * FROM S3Object", sqlselect.Output{Format: sqlselect.OutputJSON})
}
