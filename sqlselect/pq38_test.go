package sqlselect_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// The thirty-eighth session's Parquet type checks (docs/sdk-suites.md,
// "S3 Select over Parquet: every type a real writer makes"). S3's "Data
// types" page (s3-select-sql-reference-data-types) lists the Parquet types
// S3 Select reads (DATE, DECIMAL, ENUM, INT(8/16/32/64), LIST, STRING,
// TIMESTAMP in MILLIS/MICROS/NANOS; "Timestamps saved as an INT(96) are
// unsupported") and maps DATE and TIMESTAMP to timestamp, DECIMAL and
// INT(64) to decimal, ENUM and STRING to string, INT(8/16/32) to int.

// pq38Run runs sql over Parquet data with JSON (json) or CSV output.
func pq38Run(t *testing.T, data []byte, sql string, json bool) (string, error) {
	t.Helper()
	q, err := sqlselect.Parse(sql)
	require.NoError(t, err)
	out := sqlselect.Output{Format: sqlselect.OutputCSV}
	if json {
		out.Format = sqlselect.OutputJSON
	}
	var buf bytes.Buffer
	_, err = q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))},
		sqlselect.Input{Format: sqlselect.FormatParquet}, out, &buf, nil)
	return buf.String(), err
}

// pq38DuckDB is one of the files sqlselect/testdata/parquet/gen-duckdb.mjs
// writes (DuckDB 1.5.6 through @duckdb/node-api): three rows in the
// columns id INT32 (INT_32), d2 DECIMAL(4,2) on INT32, d18 DECIMAL(18,3) on
// INT64, d38 DECIMAL(38,9) on FIXED_LEN_BYTE_ARRAY(16), ts_ms / ts_us /
// ts_ns TIMESTAMP(MILLIS / MICROS / NANOS), day DATE (converted type
// only), uid UUID, mood (a DuckDB ENUM, written as UTF8), prices LIST of
// DECIMAL(5,2), addr a struct, counts a MAP (converted types only) and
// note UTF8; every column optional, the third row null but for id and note.
func pq38DuckDB(t *testing.T, codec string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/parquet/duckdb-" + codec + ".parquet")
	require.NoError(t, err)
	return b
}

const pq38DuckDBJSON = `{"id":1,"d2":1.50,"d18":123456789.123,"d38":12345678901234567890.123456789,"ts_ms":"2024-02-29T13:14:15.123Z","ts_us":"2024-02-29T13:14:15.123456Z","ts_ns":"2024-02-29T13:14:15.123456789Z","day":"2024-02-29T","uid":"0e984725-c51c-4bf4-9960-e1c80e27aba0","mood":"happy","prices":[1.25,null,-3.50],"addr":{"city":"Oslo","zip":150},"counts":{"b":2,"a":1},"note":"x"}
{"id":2,"d2":-0.05,"d18":-1.000,"d38":-0.000000001,"ts_ms":"1969-12-31T23:59:59.999Z","ts_us":"9999-12-31T23:59:59.999999Z","ts_ns":"1677-09-22T00:00:00.000000000Z","day":"0001-01-01T","uid":null,"mood":"sad","prices":[],"addr":{"city":null,"zip":null},"counts":{},"note":null}
{"id":3,"d2":null,"d18":null,"d38":null,"ts_ms":null,"ts_us":null,"ts_ns":null,"day":null,"uid":null,"mood":null,"prices":null,"addr":null,"counts":null,"note":"z"}
`

const pq38DuckDBCSV = `1,1.50,123456789.123,12345678901234567890.123456789,2024-02-29T13:14:15.123Z,2024-02-29T13:14:15.123456Z,2024-02-29T13:14:15.123456789Z,2024-02-29T,0e984725-c51c-4bf4-9960-e1c80e27aba0,happy,"[1.25,null,-3.50]","{""city"":""Oslo"",""zip"":150}","{""b"":2,""a"":1}",x
2,-0.05,-1.000,-0.000000001,1969-12-31T23:59:59.999Z,9999-12-31T23:59:59.999999Z,1677-09-22T00:00:00.000000000Z,0001-01-01T,,sad,[],"{""city"":null,""zip"":null}",{},
3,,,,,,,,,,,,,z
`

// TestPQ38DuckDBTypes: every column of DuckDB's files, under each codec.
// Before, any such file was refused whole with UnsupportedParquetType
// (parquet-go hands DECIMAL(38) over as *big.Float, which no query could
// avoid: every column of every row was converted), DECIMAL(4,2) 1.50 was
// 1.5, UUIDs were their 16 raw bytes, a MAP failed on its optional INT32
// values (*int32) and TIMESTAMP(MICROS) 9999-12-31 came out as 1816-03-30
// (the microseconds overflowed a time.Duration).
func TestPQ38DuckDBTypes(t *testing.T) {
	for _, codec := range []string{"uncompressed", "snappy", "gzip", "zstd"} {
		data := pq38DuckDB(t, codec)
		out, err := pq38Run(t, data, "SELECT * FROM S3Object", true)
		require.NoError(t, err, codec)
		require.Equal(t, pq38DuckDBJSON, out, codec)
		out, err = pq38Run(t, data, "SELECT * FROM S3Object", false)
		require.NoError(t, err, codec)
		require.Equal(t, pq38DuckDBCSV, out, codec)
	}
	data := pq38DuckDB(t, "zstd")
	for _, tc := range []struct{ sql, want string }{
		// Projection of one column of each type.
		{"SELECT s.d38 FROM S3Object s", "12345678901234567890.123456789\n-0.000000001\n\n"},
		{"SELECT s.d2, s.uid FROM S3Object s WHERE s.id = 1", "1.50,0e984725-c51c-4bf4-9960-e1c80e27aba0\n"},
		{"SELECT s.counts.a, s.addr.city, s.prices[2] FROM S3Object s WHERE s.id = 1", "1,Oslo,-3.50\n"},
		// Comparisons: decimals as numbers, timestamps as instants, DATE as
		// a timestamp, UUID and ENUM as strings.
		{"SELECT s.id FROM S3Object s WHERE s.d2 > 1", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d2 = 1.5", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d38 < 0", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d18 BETWEEN -2 AND 0", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.ts_ms < `1970-01-01T`", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.ts_us > `9999-01-01T`", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.ts_ns = `2024-02-29T13:14:15.123456789Z`", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.\"day\" = `2024-02-29T`", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.uid = '0e984725-c51c-4bf4-9960-e1c80e27aba0'", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.mood = 'sad'", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d2 IS NULL", "3\n"},
		// CAST keeps a DECIMAL's digits as DECIMAL and STRING.
		{"SELECT CAST(s.d2 AS STRING), CAST(s.d2 AS DECIMAL), CAST(s.d2 AS FLOAT), CAST(s.d18 AS INT) FROM S3Object s WHERE s.id = 1", "1.50,1.50,1.5,123456789\n"},
		{"SELECT CAST(s.ts_us AS STRING), EXTRACT(YEAR FROM s.\"day\"), -s.d2, -s.d38 FROM S3Object s WHERE s.id = 2", "9999-12-31T23:59:59.999999Z,1,0.05,0.000000001\n"},
		// Aggregates.
		{"SELECT COUNT(s.d2), MIN(s.d2), MAX(s.d38), MAX(s.ts_us), MIN(s.\"day\"), COUNT(s.uid) FROM S3Object s", "2,-0.05,12345678901234567890.123456789,9999-12-31T23:59:59.999999Z,0001-01-01T,1\n"},
		{"SELECT SUM(s.id), AVG(s.d18) FROM S3Object s", "6,61728394.0615\n"},
	} {
		out, err := pq38Run(t, data, tc.sql, false)
		require.NoError(t, err, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
	}
}

// pq38Write writes rows under group with the writer options, and then
// lets edit change the footer (to make what other writers make).
func pq38Write(t *testing.T, group parquet.Group, rows []map[string]any, edit func(*format.FileMetaData), opts ...parquet.WriterOption) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewWriter(&b, append([]parquet.WriterOption{parquet.NewSchema("r", group)}, opts...)...)
	for _, r := range rows {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, w.Close())
	data := b.Bytes()
	if edit == nil {
		return data
	}
	n := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	body := data[:len(data)-8-n]
	var md format.FileMetaData
	require.NoError(t, thrift.Unmarshal(new(thrift.CompactProtocol), data[len(body):len(data)-8], &md))
	edit(&md)
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	require.NoError(t, err)
	out := append(bytes.Clone(body), footer...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(footer)))
	return append(out, "PAR1"...)
}

// pq38Be is n as big-endian two's complement in size bytes.
func pq38Be(n string, size int) []byte {
	v, _ := new(big.Int).SetString(n, 10)
	if v.Sign() < 0 {
		v.Add(v, new(big.Int).Lsh(big.NewInt(1), uint(size)*8))
	}
	return v.FillBytes(make([]byte, size))
}

// pq38Group is every physical type under each annotation parquet-go's
// schema API writes, in required, optional and repeated (two-level and
// LIST) fields and a nested group; str is dictionary encoded.
var pq38Group = parquet.Group{
	"b":    parquet.Leaf(parquet.BooleanType),
	"d32":  parquet.Decimal(2, 9, parquet.Int32Type),
	"d64":  parquet.Decimal(4, 18, parquet.Int64Type),
	"dba":  parquet.Decimal(3, 30, parquet.ByteArrayType),
	"dfl":  parquet.Decimal(2, 20, parquet.FixedLenByteArrayType(9)),
	"date": parquet.Date(),
	"enum": parquet.Enum(),
	"f32":  parquet.Leaf(parquet.FloatType),
	"f64":  parquet.Leaf(parquet.DoubleType),
	"i8":   parquet.Int(8),
	"i16":  parquet.Int(16),
	"i64":  parquet.Int(64),
	"u8":   parquet.Uint(8),
	"u32":  parquet.Uint(32),
	"u64":  parquet.Uint(64),
	"js":   parquet.JSON(),
	"uuid": parquet.UUID(),
	"str":  parquet.Encoded(parquet.String(), &parquet.RLEDictionary),
	"raw":  parquet.Leaf(parquet.ByteArrayType),
	"tms":  parquet.Timestamp(parquet.Millisecond),
	"tus":  parquet.Timestamp(parquet.Microsecond),
	"tns":  parquet.Timestamp(parquet.Nanosecond),
	"opt":  parquet.Optional(parquet.Decimal(2, 9, parquet.Int32Type)),
	"rep":  parquet.Repeated(parquet.Int(32)),
	"lst":  parquet.Optional(parquet.List(parquet.Decimal(1, 5, parquet.Int32Type))),
	"grp":  parquet.Group{"a": parquet.String(), "n": parquet.Optional(parquet.Int(64))},
}

var pq38Rows = []map[string]any{
	{"b": true, "d32": int32(123456789), "d64": int64(123456789012345678), "dba": string(pq38Be("123456789012345678901234567890", 13)),
		"dfl": pq38Be("12345", 9), "date": int32(19782), "enum": "RED", "f32": float32(1.5), "f64": 0.1,
		"i8": int32(-128), "i16": int32(32767), "i64": int64(-9223372036854775808), "u8": int32(255), "u32": int32(-1), "u64": int64(-1),
		"js": `{"z":1,"a":[2]}`, "uuid": []byte{0x0e, 0x98, 0x47, 0x25, 0xc5, 0x1c, 0x4b, 0xf4, 0x99, 0x60, 0xe1, 0xc8, 0x0e, 0x27, 0xab, 0xa0},
		"str": "dict", "raw": "bytes", "tms": int64(1709212455123), "tus": int64(1709212455123456), "tns": int64(1709212455123456789),
		"opt": nil, "rep": []any{int32(1), int32(2)}, "lst": []any{int32(10), int32(-5)}, "grp": map[string]any{"a": "x", "n": int64(1)}},
	{"b": false, "d32": int32(-5), "d64": int64(-1), "dba": string([]byte{0xff}), "dfl": pq38Be("-12345", 9), "date": int32(-1),
		"enum": "GREEN", "f32": float32(-0.25), "f64": 1e300, "i8": int32(127), "i16": int32(-32768), "i64": int64(0),
		"u8": int32(0), "u32": int32(7), "u64": int64(9223372036854775807), "js": `[]`, "uuid": make([]byte, 16),
		"str": "dict", "raw": "", "tms": int64(-1), "tus": int64(253402300799999999), "tns": int64(0),
		"opt": int32(150), "rep": []any{}, "lst": []any{}, "grp": map[string]any{"a": "y", "n": nil}},
	{"b": true, "d32": int32(0), "d64": int64(10000), "dba": string([]byte{0x01, 0x00}), "dfl": pq38Be("0", 9), "date": int32(0),
		"enum": "RED", "f32": float32(0), "f64": -2.5, "i8": int32(0), "i16": int32(0), "i64": int64(42),
		"u8": int32(1), "u32": int32(0), "u64": int64(0), "js": `null`, "uuid": bytes.Repeat([]byte{0xff}, 16),
		"str": "other", "raw": "z", "tms": int64(0), "tus": int64(0), "tns": int64(-1),
		"opt": nil, "rep": []any{int32(3)}, "lst": nil, "grp": map[string]any{"a": "z", "n": int64(-3)}},
}

// Columns in the order parquet.Group writes them (by name).
const pq38GoJSON = `{"b":true,"d32":1234567.89,"d64":12345678901234.5678,"date":"2024-02-29T","dba":123456789012345678901234567.890,"dfl":123.45,"enum":"RED","f32":1.5,"f64":0.1,"grp":{"a":"x","n":1},"i16":32767,"i64":-9223372036854775808,"i8":-128,"js":"{\"z\":1,\"a\":[2]}","lst":[1.0,-0.5],"opt":null,"raw":"bytes","rep":[1,2],"str":"dict","tms":"2024-02-29T13:14:15.123Z","tns":"2024-02-29T13:14:15.123456789Z","tus":"2024-02-29T13:14:15.123456Z","u32":4294967295,"u64":18446744073709551615,"u8":255,"uuid":"0e984725-c51c-4bf4-9960-e1c80e27aba0"}
{"b":false,"d32":-0.05,"d64":-0.0001,"date":"1969-12-31T","dba":-0.001,"dfl":-123.45,"enum":"GREEN","f32":-0.25,"f64":1E+300,"grp":{"a":"y","n":null},"i16":-32768,"i64":0,"i8":127,"js":"[]","lst":[],"opt":1.50,"raw":"","rep":[],"str":"dict","tms":"1969-12-31T23:59:59.999Z","tns":"1970-01-01T00:00:00.000000000Z","tus":"9999-12-31T23:59:59.999999Z","u32":7,"u64":9223372036854775807,"u8":0,"uuid":"00000000-0000-0000-0000-000000000000"}
{"b":true,"d32":0.00,"d64":1.0000,"date":"1970-01-01T","dba":0.256,"dfl":0.00,"enum":"RED","f32":0,"f64":-2.5,"grp":{"a":"z","n":-3},"i16":0,"i64":42,"i8":0,"js":"null","lst":null,"opt":null,"raw":"z","rep":[3],"str":"other","tms":"1970-01-01T00:00:00.000Z","tns":"1969-12-31T23:59:59.999999999Z","tus":"1970-01-01T00:00:00.000000Z","u32":0,"u64":0,"u8":1,"uuid":"ffffffff-ffff-ffff-ffff-ffffffffffff"}
`

// TestPQ38GoWriterTypes: parquet-go's low-level schema API, each codec, two
// row groups. Before, DECIMAL on INT32 came out through a float32
// (1234567.89 was 1234567.875), DECIMAL on BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY was UnsupportedParquetType, UINT(64) above
// math.MaxInt64 was negative, UUID its raw bytes and JSON a parsed object
// whose members came in random order.
func TestPQ38GoWriterTypes(t *testing.T) {
	for _, codec := range []compress.Codec{&parquet.Uncompressed, &parquet.Snappy, &parquet.Gzip, &parquet.Zstd} {
		data := pq38Write(t, pq38Group, pq38Rows, nil, parquet.Compression(codec), parquet.MaxRowsPerRowGroup(2))
		out, err := pq38Run(t, data, "SELECT * FROM S3Object", true)
		require.NoError(t, err, codec.String())
		require.Equal(t, pq38GoJSON, out, codec.String())
	}
	data := pq38Write(t, pq38Group, pq38Rows, nil, parquet.MaxRowsPerRowGroup(2))
	for _, tc := range []struct{ sql, want string }{
		{"SELECT s.d32, s.dba, s.u64 FROM S3Object s WHERE s.d32 > 1000000", "1234567.89,123456789012345678901234567.890,18446744073709551615\n"},
		{"SELECT s.str FROM S3Object s WHERE s.dfl < 0", "dict\n"},
		{"SELECT s.enum FROM S3Object s WHERE s.u64 > 9223372036854775806", "RED\nGREEN\n"},
		{"SELECT s.rep[0], s.lst[1], s.grp.a FROM S3Object s WHERE s.b AND s.i8 < 0", "1,-0.5,x\n"},
		{"SELECT s.rep[0], s.lst[0], s.grp.n FROM S3Object s WHERE s.opt = 1.5", ",,\n"},
		{"SELECT CAST(s.dba AS STRING), CAST(s.u32 AS STRING) FROM S3Object s WHERE s.\"date\" < `1970-01-01T`", "-0.001,7\n"},
		{"SELECT MAX(s.d64), MIN(s.dfl), MAX(s.tns), COUNT(s.opt), SUM(s.i8) FROM S3Object s", "12345678901234.5678,-123.45,2024-02-29T13:14:15.123456789Z,1,-1\n"},
	} {
		out, err := pq38Run(t, data, tc.sql, false)
		require.NoError(t, err, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
	}
}

// TestPQ38LegacyConvertedTypes: the same file with its LogicalType
// annotations taken out of the footer, as parquet-mr before 1.11, Hive and
// Spark 2 write: DECIMAL (with the element's scale), DATE,
// TIMESTAMP_MILLIS, TIMESTAMP_MICROS, UTF8, ENUM, JSON, INT_8..INT_64,
// UINT_8..UINT_64 and LIST are read as their logical types are. NANOS and
// UUID have no converted type: such a column is a plain INT64 and a plain
// FIXED_LEN_BYTE_ARRAY.
func TestPQ38LegacyConvertedTypes(t *testing.T) {
	var legacy []string
	data := pq38Write(t, pq38Group, pq38Rows, func(md *format.FileMetaData) {
		for i := range md.Schema {
			el := &md.Schema[i]
			el.LogicalType = format.LogicalType{}
			if el.ConvertedType.Valid {
				legacy = append(legacy, el.Name)
			}
		}
	}, parquet.MaxRowsPerRowGroup(2))
	require.Subset(t, legacy, []string{"d32", "d64", "dba", "dfl", "date", "enum", "js", "str", "tms", "tus", "i8", "u64", "lst"})
	cols := "s.b, s.d32, s.d64, s.\"date\", s.dba, s.dfl, s.enum, s.grp, s.i8, s.i16, s.i64, s.js, s.lst, s.opt, s.rep, s.str, s.tms, s.tus, s.u32, s.u64, s.u8"
	want, err := pq38Run(t, pq38Write(t, pq38Group, pq38Rows, nil, parquet.MaxRowsPerRowGroup(2)), "SELECT "+cols+" FROM S3Object s", true)
	require.NoError(t, err)
	got, err := pq38Run(t, data, "SELECT "+cols+" FROM S3Object s", true)
	require.NoError(t, err)
	require.Equal(t, want, got)
	got, err = pq38Run(t, data, "SELECT s.tns FROM S3Object s", false)
	require.NoError(t, err)
	require.Equal(t, "1709212455123456789\n0\n-1\n", got)
}

// TestPQ38Float16: FLOAT16 (parquet-format 2.10) on FIXED_LEN_BYTE_ARRAY(2)
// is a float; it was its two raw bytes as a string.
func TestPQ38Float16(t *testing.T) {
	g := parquet.Group{"h": parquet.Leaf(parquet.FixedLenByteArrayType(2))}
	rows := []map[string]any{{"h": []byte{0x00, 0x3c}}, {"h": []byte{0x00, 0xc0}}, {"h": []byte{0x55, 0x35}}, {"h": []byte{0x01, 0x00}}, {"h": []byte{0x00, 0xfc}}}
	data := pq38Write(t, g, rows, func(md *format.FileMetaData) {
		md.Schema[1].LogicalType = format.LogicalType{Value: &format.Float16Type{}}
	})
	out, err := pq38Run(t, data, "SELECT s.h FROM S3Object s WHERE s.h < 1", false)
	require.NoError(t, err)
	require.Equal(t, "-2\n0.333251953125\n5.960464477539063E-08\n-Infinity\n", out)
}

// TestPQ38Unsupported: INT96 ("Timestamps saved as an INT(96) are
// unsupported"), TIME, INTERVAL and BSON, which the data-types page does
// not list, are 400 UnsupportedParquetType when the query reads the column
// (SELECT *, the alias alone, or a path naming it; a comparison of one is
// UnsupportedTypeForQuerying, TestPQ39UnsupportedComparison); a query that
// does not read it runs. Before, INT96 failed every query at the first row, and
// TIME was its raw integer, INTERVAL and BSON their raw bytes.
func TestPQ38Unsupported(t *testing.T) {
	g := parquet.Group{
		"n":   parquet.Int(64),
		"t96": parquet.Optional(parquet.Leaf(parquet.Int96Type)),
		"tod": parquet.Time(parquet.Millisecond),
		"bs":  parquet.BSON(),
		"grp": parquet.Group{"inner": parquet.Time(parquet.Microsecond)},
	}
	rows := []map[string]any{
		{"n": int64(1), "t96": deprecated.Int96{1, 2, 3}, "tod": int32(3723004), "bs": []byte{5, 0, 0, 0, 0}, "grp": map[string]any{"inner": int64(1)}},
		{"n": int64(2), "t96": nil, "tod": int32(0), "bs": []byte{5, 0, 0, 0, 0}, "grp": map[string]any{"inner": int64(2)}},
	}
	data := pq38Write(t, g, rows, nil)
	for _, sql := range []string{
		"SELECT * FROM S3Object",
		"SELECT s FROM S3Object s",
		"SELECT s.t96 FROM S3Object s",
		"SELECT COUNT(s.T96) FROM S3Object s",
		"SELECT s.tod FROM S3Object s",
		"SELECT s.bs FROM S3Object s",
		"SELECT s.grp.n FROM S3Object s",
	} {
		_, err := pq38Run(t, data, sql, false)
		require.ErrorIs(t, err, sqlselect.ErrUnsupportedParquetType, sql)
		var se *sqlselect.Error
		require.ErrorAs(t, err, &se)
		require.Equal(t, 400, se.StatusCode, sql)
	}
	out, err := pq38Run(t, data, "SELECT s.n FROM S3Object s WHERE s.n > 1", false)
	require.NoError(t, err)
	require.Equal(t, "2\n", out)
	out, err = pq38Run(t, data, "SELECT COUNT(*) FROM S3Object", false)
	require.NoError(t, err)
	require.Equal(t, "2\n", out)

	// The same with INT96 in the file of an old writer's timestamps:
	// queries of the other columns are answered.
	out, err = pq38Run(t, data, "SELECT s.nope FROM S3Object s", true)
	require.NoError(t, err)
	require.Equal(t, "{}\n{}\n", out)
}

// TestPQ38Deterministic runs queries over map-shaped values (a MAP column,
// a JSON column, a struct) 20 times: the answer is the same every time.
// Before, a JSON column was parsed into a Go map and its members written
// in Go's random map order.
func TestPQ38Deterministic(t *testing.T) {
	g := parquet.Group{"js": parquet.JSON(), "grp": parquet.Group{"z": parquet.Int(32), "a": parquet.Int(32), "m": parquet.String()}}
	var rows []map[string]any
	for i := 0; i < 5; i++ {
		rows = append(rows, map[string]any{"js": `{"z":1,"y":2,"x":3,"w":4,"v":5,"u":6,"t":7,"s":8}`, "grp": map[string]any{"z": int32(i), "a": int32(-i), "m": "q"}})
	}
	gofile := pq38Write(t, g, rows, nil)
	duck := pq38DuckDB(t, "snappy")
	var first [2]string
	for i := 0; i < 20; i++ {
		for j, data := range [][]byte{gofile, duck} {
			out, err := pq38Run(t, data, "SELECT * FROM S3Object", true)
			require.NoError(t, err)
			if i == 0 {
				first[j] = out
				continue
			}
			require.Equal(t, first[j], out, "run %d", i)
		}
	}
	require.True(t, strings.HasPrefix(first[0], `{"grp":{"a":0,"m":"q","z":0},"js":"{\"z\":1,\"y\":2,\"x\":3,\"w\":4,\"v\":5,\"u\":6,\"t\":7,\"s\":8}"}`), first[0])
	require.Contains(t, first[1], `"counts":{"b":2,"a":1}`)
}

// TestPQ38ManyPagesAndGroups: strings read without a copy stay right
// across pages, row groups and read batches (MIN and MAX keep theirs
// past the row), dictionary and plain encodings alike, and a file of no
// rows counts none.
func TestPQ38ManyPagesAndGroups(t *testing.T) {
	g := parquet.Group{
		"id":   parquet.Int(64),
		"s":    parquet.String(),
		"dict": parquet.Encoded(parquet.String(), &parquet.RLEDictionary),
		"opt":  parquet.Optional(parquet.Decimal(3, 12, parquet.Int64Type)),
	}
	var rows []map[string]any
	var want strings.Builder
	minS, maxS := "", ""
	for i := 0; i < 5000; i++ {
		s := strings.Repeat(string(rune('a'+i%26)), 1+i%7) + "-" + strconv.Itoa(i*7919%5000)
		if i == 0 || s < minS {
			minS = s
		}
		if s > maxS {
			maxS = s
		}
		var opt any
		if i%4 != 0 {
			opt = int64(i) * 1001
		}
		rows = append(rows, map[string]any{"id": int64(i), "s": s, "dict": "d" + strconv.Itoa(i%5), "opt": opt})
		if i%997 == 0 {
			want.WriteString(s + ",d" + strconv.Itoa(i%5) + "\n")
		}
	}
	data := pq38Write(t, g, rows, nil, parquet.PageBufferSize(512), parquet.MaxRowsPerRowGroup(700), parquet.Compression(&parquet.Snappy))
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Greater(t, len(f.RowGroups()), 5)
	out, err := pq38Run(t, data, "SELECT s.s, s.dict FROM S3Object s WHERE s.id - (s.id / 997) * 997 = 0", false)
	require.NoError(t, err)
	require.Equal(t, want.String(), out)
	out, err = pq38Run(t, data, "SELECT MIN(s.s), MAX(s.s), MAX(s.dict), COUNT(s.opt), MAX(s.opt) FROM S3Object s", false)
	require.NoError(t, err)
	require.Equal(t, minS+","+maxS+",d4,3750,5003.999\n", out)

	empty := pq38Write(t, g, nil, nil)
	out, err = pq38Run(t, empty, "SELECT COUNT(*) FROM S3Object", false)
	require.NoError(t, err)
	require.Equal(t, "0\n", out)
}

// TestPQ38DecimalSum: SUM over a DECIMAL column adds its digits exactly
// (0.10 + 0.20 is 0.30, and past a float's 17 digits), and AVG divides
// that sum; a float among the inputs makes it a float sum as before.
// Before, every SUM was a float's (0.30000000000000004, AVG
// 0.15000000000000002).
func TestPQ38DecimalSum(t *testing.T) {
	g := parquet.Group{
		"d": parquet.Optional(parquet.Decimal(2, 9, parquet.Int32Type)),
		"w": parquet.Decimal(4, 38, parquet.FixedLenByteArrayType(16)),
		"n": parquet.Int(64),
		"f": parquet.Leaf(parquet.DoubleType),
	}
	rows := []map[string]any{
		{"d": int32(10), "w": pq38Be("99999999999999999999999999999999999999", 16), "n": int64(1), "f": 0.5},
		{"d": int32(20), "w": pq38Be("-1", 16), "n": int64(2), "f": 0.25},
		{"d": nil, "w": pq38Be("1", 16), "n": int64(3), "f": 0.25},
	}
	data := pq38Write(t, g, rows, nil)
	for _, tc := range []struct{ sql, want string }{
		{"SELECT SUM(s.d), SUM(s.w), SUM(s.n) FROM S3Object s", "0.30,9999999999999999999999999999999999.9999,6\n"},
		{"SELECT SUM(s.d) FROM S3Object s WHERE s.n = 1", "0.10\n"},
		// Arithmetic on DECIMALs is exact (pq39's TestPQ39DecimalArithmetic),
		// so is a sum of its results.
		{"SELECT SUM(s.n + s.d) FROM S3Object s", "3.30\n"},
		{"SELECT SUM(s.f), AVG(s.d) FROM S3Object s", "1,0.15\n"},
	} {
		out, err := pq38Run(t, data, tc.sql, false)
		require.NoError(t, err, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
	}
}

// TestPQ38DecimalBounds: a DECIMAL's scale and precision come from the
// footer. A scale the Parquet format does not allow (negative, above the
// precision) or a precision past decimal256's 76 digits is a type S3
// Select does not read, refused when the query reads the column; before,
// a scale of two billion made every value a string of two billion zeros
// (a file of a few hundred bytes asking for gigabytes per row). A value
// longer than any such precision needs is a corrupt file.
func TestPQ38DecimalBounds(t *testing.T) {
	g := parquet.Group{"n": parquet.Int(32), "d": parquet.Decimal(2, 9, parquet.Int32Type)}
	rows := []map[string]any{{"n": int32(1), "d": int32(150)}}
	for _, tc := range []struct {
		name             string
		precision, scale int32
		legacy           bool
	}{
		{"huge scale", 2_000_000_000, 2_000_000_000, false},
		{"negative scale", 9, -2_000_000_000, false},
		{"scale above precision", 9, 10, false},
		{"precision past decimal256", 77, 2, false},
		{"legacy huge scale", 2_000_000_000, 2_000_000_000, true},
	} {
		data := pq38Write(t, g, rows, func(md *format.FileMetaData) {
			for i := range md.Schema {
				el := &md.Schema[i]
				if el.Name != "d" {
					continue
				}
				if tc.legacy {
					el.LogicalType = format.LogicalType{}
				} else {
					el.LogicalType = format.LogicalType{Value: &format.DecimalType{Precision: tc.precision, Scale: tc.scale}}
				}
				el.Precision.V, el.Scale.V = tc.precision, tc.scale
			}
		})
		_, err := pq38Run(t, data, "SELECT s.d FROM S3Object s", false)
		require.ErrorIs(t, err, sqlselect.ErrUnsupportedParquetType, tc.name)
		out, err := pq38Run(t, data, "SELECT s.n FROM S3Object s", false)
		require.NoError(t, err, tc.name)
		require.Equal(t, "1\n", out, tc.name)
	}

	// DECIMAL(20,2) on a 100-byte FIXED_LEN_BYTE_ARRAY: 2^799 is no
	// 20-digit number.
	g = parquet.Group{"d": parquet.Decimal(2, 20, parquet.FixedLenByteArrayType(100))}
	big := make([]byte, 100)
	big[0] = 0x40
	data := pq38Write(t, g, []map[string]any{{"d": big}}, nil)
	_, err := pq38Run(t, data, "SELECT s.d FROM S3Object s", false)
	require.ErrorIs(t, err, sqlselect.ErrParquetParsingError)
	out, err := pq38Run(t, pq38Write(t, g, []map[string]any{{"d": pq38Be("-12345", 100)}}, nil), "SELECT s.d FROM S3Object s", false)
	require.NoError(t, err)
	require.Equal(t, "-123.45\n", out)
}
