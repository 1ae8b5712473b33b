package sqlselect_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// The thirty-ninth session's Parquet changes (docs/sdk-suites.md, "S3
// Select over Parquet: the rows left open").

// pq39Stats runs sql over Parquet data with CSV output and returns the
// answer and the stats.
func pq39Stats(t *testing.T, data []byte, sql string) (string, sqlselect.Stats) {
	t.Helper()
	q, err := sqlselect.Parse(sql)
	require.NoError(t, err)
	var buf bytes.Buffer
	st, err := q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))},
		sqlselect.Input{Format: sqlselect.FormatParquet}, sqlselect.Output{}, &buf, nil)
	require.NoError(t, err, sql)
	return buf.String(), st
}

// TestPQ39ColumnProjection: only the column chunks of the columns a query
// reads are read and decoded; a query that reads none (COUNT(*)) reads the
// smallest. The file is 3,000 rows of a small INT32, a 200-byte string (body)
// and a struct, uncompressed in 2 row groups: before, every query read
// every column chunk (the whole file).
func TestPQ39ColumnProjection(t *testing.T) {
	g := parquet.Group{
		"n":    parquet.Int(32),
		"body": parquet.String(),
		"addr": parquet.Group{"city": parquet.String(), "zip": parquet.Int(32)},
	}
	rows := make([]map[string]any, 3000)
	for i := range rows {
		rows[i] = map[string]any{"n": int32(i % 7), "body": strings.Repeat(strconv.Itoa(i), 200)[:200],
			"addr": map[string]any{"city": "c" + strconv.Itoa(i%5), "zip": int32(i)}}
	}
	data := pq38Write(t, g, rows, nil, parquet.MaxRowsPerRowGroup(1500))
	size := int64(len(data))
	for _, tc := range []struct {
		sql, want string
		most      int64 // BytesScanned at most
	}{
		{"SELECT SUM(s.n) FROM S3Object s", "8994\n", size / 10},
		{"SELECT COUNT(*) FROM S3Object", "3000\n", size / 10},
		{"SELECT COUNT(*) FROM S3Object s WHERE s.addr.zip >= 2999", "1\n", size / 5},
		{"SELECT s.n, s.addr.city FROM S3Object s WHERE s.addr.zip = 1234", "2,c4\n", size / 5},
		{"SELECT s.body FROM S3Object s WHERE s.n = 6 LIMIT 1", strings.Repeat("6", 200) + "\n", size},
	} {
		out, st := pq39Stats(t, data, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
		require.LessOrEqual(t, st.BytesScanned, tc.most, tc.sql)
	}
	// A query of the whole record reads every column.
	_, st := pq39Stats(t, data, "SELECT * FROM S3Object")
	require.Greater(t, st.BytesScanned, size*9/10)
}

// TestPQ39DecimalArithmetic: +, -, * and % of DECIMALs with their digits
// and INTs are exact, as S3's decimal type is ("Base-10 number, with
// maximum precision of 38", the data-types page); they were a float's
// (0.10 + 0.20 was 0.30000000000000004 through SUM of a sum, a
// DECIMAL(38,10) product lost all but 17 digits). The scale is SQL's: the
// larger one for +, - and %, their sum for *. Operands without exact
// digits (a FLOAT) stay floats; a result past 76 digits (the widest
// DECIMAL read) is the float as before. (Since sel40 a literal with a
// point has its digits and / is exact too: TestSel40DecimalDivision.)
func TestPQ39DecimalArithmetic(t *testing.T) {
	g := parquet.Group{
		"d":  parquet.Decimal(2, 9, parquet.Int32Type),
		"w":  parquet.Decimal(10, 38, parquet.FixedLenByteArrayType(16)),
		"x":  parquet.Decimal(0, 76, parquet.FixedLenByteArrayType(32)),
		"n":  parquet.Int(64),
		"f":  parquet.Leaf(parquet.DoubleType),
		"id": parquet.Int(32),
	}
	nines38 := strings.Repeat("9", 38)
	rows := []map[string]any{
		{"id": int32(1), "d": int32(10), "w": pq38Be(nines38, 16), "x": pq38Be(strings.Repeat("9", 76), 32), "n": int64(7), "f": 0.5},
		{"id": int32(2), "d": int32(-20), "w": pq38Be("12345678901234567890123456789", 16), "x": pq38Be("-5", 32), "n": int64(-3), "f": 0.25},
		{"id": int32(3), "d": int32(150), "w": pq38Be("1", 16), "x": pq38Be("1", 32), "n": int64(2), "f": 0.25},
	}
	data := pq38Write(t, g, rows, nil)
	for _, tc := range []struct{ sql, want string }{
		// DECIMAL(38,10): a sum and a product keep every digit.
		{"SELECT SUM(s.w) FROM S3Object s", "10000000001234567890123456789.0123456789\n"},
		{"SELECT s.w * s.w FROM S3Object s WHERE s.id = 1", "99999999999999999999999999999999999998000000000000000000.00000000000000000001\n"},
		{"SELECT s.w * s.w FROM S3Object s WHERE s.id = 3", "0.00000000000000000001\n"},
		{"SELECT s.w + s.d, s.w - s.d, s.d - s.w FROM S3Object s WHERE s.id = 3", "1.5000000001,-1.4999999999,1.4999999999\n"},
		{"SELECT s.d + 1, s.d * 2, s.d - s.n, s.n - s.d FROM S3Object s WHERE s.id = 3", "2.50,3.00,-0.50,0.50\n"},
		{"SELECT s.d % 1, s.d % s.n, s.n % s.d FROM S3Object s WHERE s.id = 3", "0.50,1.50,0.50\n"},
		{"SELECT s.d % 1 FROM S3Object s WHERE s.id = 2", "-0.20\n"},
		{"SELECT SUM(s.d * s.n), SUM(s.d + s.w) FROM S3Object s", "4.30,10000000001234567890123456790.4123456789\n"},
		{"SELECT s.d - s.d FROM S3Object s WHERE s.id = 2", "0.00\n"},
		// Exact comparisons of the results.
		{"SELECT s.id FROM S3Object s WHERE s.w * 10 = s.w + s.w * 9", "1\n2\n3\n"},
		{"SELECT s.id FROM S3Object s WHERE s.w + 1 > s.w AND s.w - 1 < s.w", "1\n2\n3\n"},
		// A float stays a float; a literal with a point is a DECIMAL with
		// its digits, and / of DECIMALs is exact (sel40).
		{"SELECT s.d + s.f, s.d / 2, s.d + 0.1 FROM S3Object s WHERE s.id = 1", "0.6,0.05,0.20\n"},
		// Past 76 digits: the nearest float, as before.
		{"SELECT s.x + 1, s.x * s.x FROM S3Object s WHERE s.id = 1", "1E+76,1E+152\n"},
		{"SELECT s.x + 1 FROM S3Object s WHERE s.id = 2", "-4\n"},
	} {
		out, err := pq38Run(t, data, tc.sql, false)
		require.NoError(t, err, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
	}
	// A product of many factors grows no number past the bound: 2,000
	// factors of a 76-digit value, at once.
	sql := "SELECT s.id FROM S3Object s WHERE s.x" + strings.Repeat(" * s.x", 2000) + " > 0"
	out, err := pq38Run(t, data, sql, false)
	require.NoError(t, err)
	require.Equal(t, "1\n3\n", out)
}

// TestPQ39UnsupportedComparison: S3's error list has two codes for a
// Parquet type it does not read: UnsupportedParquetType ("The specified
// Parquet type is not supported.") and UnsupportedTypeForQuerying ("Your
// query contains an unsupported type for comparison (e.g. verifying that
// a Parquet INT96 column type is greater than 0)."). A query whose
// comparison (=, <>, <, >, <=, >=, BETWEEN, IN) reads a value of such a
// type is the second, decided before any row is read (also over a file
// of no rows); any other read of it the first. Before, both were
// UnsupportedParquetType.
func TestPQ39UnsupportedComparison(t *testing.T) {
	g := parquet.Group{
		"n":   parquet.Int(64),
		"t96": parquet.Optional(parquet.Leaf(parquet.Int96Type)),
		"grp": parquet.Group{"tod": parquet.Time(parquet.Microsecond), "ok": parquet.Int(32)},
	}
	rows := []map[string]any{{"n": int64(1), "t96": deprecated.Int96{1, 2, 3}, "grp": map[string]any{"tod": int64(1), "ok": int32(5)}}}
	for _, data := range [][]byte{pq38Write(t, g, rows, nil), pq38Write(t, g, nil, nil)} {
		for _, tc := range []struct {
			sql  string
			want error
		}{
			{"SELECT s.n FROM S3Object s WHERE s.t96 > 0", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT * FROM S3Object s WHERE s.T96 = 0", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT s.t96 FROM S3Object s WHERE s.n = 1 AND s.t96 <> s.n", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT s.n FROM S3Object s WHERE s.t96 BETWEEN 1 AND 2", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT s.n FROM S3Object s WHERE s.n IN (s.t96, 1)", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT s.t96 < 1 FROM S3Object s", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT s.n FROM S3Object s WHERE s.grp.tod >= 0", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT s.n FROM S3Object s WHERE CAST(s.t96 AS STRING) = 'x'", sqlselect.ErrUnsupportedTypeForQuerying},
			// Reads that are no comparison.
			{"SELECT s.t96 FROM S3Object s", sqlselect.ErrUnsupportedParquetType},
			{"SELECT s.n FROM S3Object s WHERE s.t96 IS NULL", sqlselect.ErrUnsupportedParquetType},
			{"SELECT * FROM S3Object s WHERE s.n > 0", sqlselect.ErrUnsupportedParquetType},
			// The group is converted whole, but the comparison reads a
			// supported member of it.
			{"SELECT s.n FROM S3Object s WHERE s.grp.ok > 0", sqlselect.ErrUnsupportedParquetType},
			// Through a FROM path (TestPQ39FromPath).
			{"SELECT g.ok FROM S3Object[*].grp g WHERE g.tod > 0", sqlselect.ErrUnsupportedTypeForQuerying},
			{"SELECT g.ok FROM S3Object[*].grp g WHERE g.ok > 0", sqlselect.ErrUnsupportedParquetType},
			{"SELECT * FROM S3Object[*].t96", sqlselect.ErrUnsupportedParquetType},
		} {
			_, err := pq38Run(t, data, tc.sql, false)
			require.ErrorIs(t, err, tc.want, tc.sql)
			var se *sqlselect.Error
			require.ErrorAs(t, err, &se)
			require.Equal(t, 400, se.StatusCode, tc.sql)
		}
		// A FROM path into another column reads that column alone.
		_, err := pq38Run(t, data, "SELECT * FROM S3Object[*].n", false)
		require.NoError(t, err)
	}
}

// TestPQ39FromPath: a FROM path (S3Object[*].path) selects records within
// each Parquet row as within each JSON record: the same rows written as
// JSON LINES and as Parquet give the same answers. S3's SELECT page says
// "This form of the FROM clause works only with JSON objects" (written
// when S3 Select read CSV and JSON; Parquet rows are nested records as
// JSON's are) and names no error for it. Before, the path was ignored:
// `SELECT * FROM S3Object[*].addr` answered whole rows and `SELECT city
// FROM S3Object[*].addr` empty records.
func TestPQ39FromPath(t *testing.T) {
	lines := `{"name":"Alice","age":30,"score":1.5,"active":true,"nick":"al","tags":["a","b"],"born":"1990-01-02T03:04:05Z","addr":{"city":"Seattle","zip":98101}}
{"name":"Bob","age":25,"score":2,"active":false,"nick":null,"tags":[],"born":"2000-01-01T00:00:00Z","addr":{"city":"Portland","zip":97201}}
{"name":"Carol","age":41,"score":3.5,"active":true,"nick":"cc","tags":["c"],"born":"1985-06-07T08:09:10Z","addr":{"city":"Austin","zip":73301}}
`
	pq := parquetFromJSONLines(t, lines)
	for _, sql := range []string{
		"SELECT * FROM S3Object[*].addr",
		"SELECT city FROM S3Object[*].addr WHERE zip > 90000",
		"SELECT a.city, a.zip FROM S3Object[*].addr a WHERE a.zip < 98000",
		"SELECT * FROM S3Object[*].tags[*]",
		"SELECT t FROM S3Object[*].tags[*] t WHERE t <> 'a'",
		"SELECT * FROM S3Object[*].tags[0]",
		"SELECT COUNT(*) FROM S3Object[*].tags[*]",
		"SELECT * FROM S3Object[*].nope",
		"SELECT * FROM S3Object[*].addr.city",
		"SELECT * FROM S3Object[*].name LIMIT 2",
	} {
		q, err := sqlselect.Parse(sql)
		require.NoError(t, err)
		var fromJSON, fromPQ bytes.Buffer
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(lines), Size: int64(len(lines))},
			sqlselect.Input{Format: sqlselect.FormatJSON, JSON: sqlselect.JSONInput{Type: sqlselect.JSONLines}},
			sqlselect.Output{Format: sqlselect.OutputJSON}, &fromJSON, nil)
		require.NoError(t, err, sql)
		_, err = q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(pq), Size: int64(len(pq))},
			sqlselect.Input{Format: sqlselect.FormatParquet}, sqlselect.Output{Format: sqlselect.OutputJSON}, &fromPQ, nil)
		require.NoError(t, err, sql)
		require.NotEmpty(t, fromJSON.String(), sql)
		require.Equal(t, fromJSON.String(), fromPQ.String(), sql)
	}
	out, err := pq38Run(t, pq, "SELECT * FROM S3Object[*].addr", true)
	require.NoError(t, err)
	require.Equal(t, `{"city":"Seattle","zip":98101}`+"\n"+`{"city":"Portland","zip":97201}`+"\n"+`{"city":"Austin","zip":73301}`+"\n", out)
}

// TestPQ39MinMaxNaN: MIN and MAX over NaN do not depend on the rows'
// order: NaN orders below every number (MIN is NaN when a value is, MAX
// the largest other value), over Parquet DOUBLEs and CSV text cast to
// FLOAT alike. S3 documents no order for NaN; before, a NaN seen first
// stayed (MIN and MAX NaN) and one seen later was passed over.
func TestPQ39MinMaxNaN(t *testing.T) {
	orders := [][]string{{"NaN", "1", "-Infinity", "2"}, {"1", "NaN", "2", "-Infinity"}, {"2", "-Infinity", "1", "NaN"}}
	for _, order := range orders {
		// CAST does not read NaN or Infinity: CSV's are computed.
		csv := strings.NewReplacer("NaN", "n", "-Infinity", "i").Replace(strings.Join(order, "\n")) + "\n"
		x := "CASE _1 WHEN 'n' THEN 1e308 * 10 - 1e308 * 10 WHEN 'i' THEN -1e308 * 10 ELSE CAST(_1 AS FLOAT) END"
		q, err := sqlselect.Parse("SELECT MIN(" + x + "), MAX(" + x + ") FROM S3Object")
		require.NoError(t, err)
		var buf bytes.Buffer
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(csv), Size: int64(len(csv))},
			sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{}, &buf, nil)
		require.NoError(t, err, order)
		require.Equal(t, "NaN,2\n", buf.String(), order)

		rows := make([]map[string]any, len(order))
		for i, s := range order {
			f, err := strconv.ParseFloat(s, 64)
			require.NoError(t, err)
			rows[i] = map[string]any{"f": f}
		}
		data := pq38Write(t, parquet.Group{"f": parquet.Leaf(parquet.DoubleType)}, rows, nil)
		out, err := pq38Run(t, data, "SELECT MIN(s.f), MAX(s.f) FROM S3Object s", false)
		require.NoError(t, err, order)
		require.Equal(t, "NaN,2\n", out, order)
		out, err = pq38Run(t, data, "SELECT MIN(s.f), MAX(s.f) FROM S3Object s WHERE s.f < 3", false)
		require.NoError(t, err, order)
		require.Equal(t, "-Infinity,2\n", out, order)
	}
}

// TestPQ39TimestampYearsOutside: a timestamp outside the years 0001 to
// 9999 (the four digits of the W3C note S3's timestamp text follows) is
// written with its whole year over every input, as CSV's DATE_ADD results
// were: 10000-01-01T. A negative year is its sign before four or more
// digits (-0001-01-01T); it was 00-1-01-01T, over Parquet DATEs and
// TIMESTAMPs and CSV's DATE_ADD alike.
func TestPQ39TimestampYearsOutside(t *testing.T) {
	g := parquet.Group{"id": parquet.Int(32), "d": parquet.Date(), "ts": parquet.Timestamp(parquet.Millisecond)}
	rows := []map[string]any{
		{"id": int32(1), "d": int32(-719893), "ts": int64(-719893) * 86400 * 1000},
		{"id": int32(2), "d": int32(2932897), "ts": int64(2932897) * 86400 * 1000},
		{"id": int32(3), "d": int32(-719528), "ts": int64(-62167219200000)},
	}
	data := pq38Write(t, g, rows, nil)
	out, err := pq38Run(t, data, "SELECT s.d, s.ts FROM S3Object s", false)
	require.NoError(t, err)
	require.Equal(t, "-0001-01-01T,-0001-01-01T00:00:00.000Z\n10000-01-01T,10000-01-01T00:00:00.000Z\n0000-01-01T,0000-01-01T00:00:00.000Z\n", out)
	out, err = pq38Run(t, data, "SELECT s.id FROM S3Object s WHERE s.d < `0001-01-01T`", false)
	require.NoError(t, err)
	require.Equal(t, "1\n3\n", out)

	q, err := sqlselect.Parse("SELECT DATE_ADD(year, -2001, `2000T`), DATE_ADD(year, 8000, `2000T`) FROM S3Object")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("a\n"), Size: 2},
		sqlselect.Input{Format: sqlselect.FormatCSV}, sqlselect.Output{}, &buf, nil)
	require.NoError(t, err)
	require.Equal(t, "-0001T,10000T\n", buf.String())
}
