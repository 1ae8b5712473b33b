package sqlselect_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// The thirty-eighth session's review of the Parquet select rewrite
// (docs/sdk-suites.md, "Review of the Parquet select rewrite").

// rev38bRun runs sql over Parquet data (a scan range when rng is not
// nil) and returns its output and error, converting every column when all
// is set.
func rev38bRun(t *testing.T, data []byte, sql string, json, all bool, rng *sqlselect.ScanRange) (string, error) {
	t.Helper()
	q, err := sqlselect.Parse(sql)
	require.NoError(t, err, sql)
	out := sqlselect.Output{Format: sqlselect.OutputCSV}
	if json {
		out.Format = sqlselect.OutputJSON
	}
	old := sqlselect.SetParquetReadAll(all)
	defer sqlselect.SetParquetReadAll(old)
	var buf bytes.Buffer
	_, err = q.Run(context.Background(), sqlselect.Source{ReaderAt: bytes.NewReader(data), Size: int64(len(data))},
		sqlselect.Input{Format: sqlselect.FormatParquet, ScanRange: rng}, out, &buf, nil)
	return buf.String(), err
}

// TestRev38bProjectionMetamorphic: every query shape that reads a column
// (a path from the alias or the table, in any case, quoted, by index, by
// ['name'], through a wildcard, in WHERE only, inside functions and
// aggregates, with LIMIT, a FROM path and a scan range) answers over the
// columns the projection converts what it answers over every column.
func TestRev38bProjectionMetamorphic(t *testing.T) {
	duck := pq38DuckDB(t, "zstd")
	gofile := pq38Write(t, pq38Group, pq38Rows, nil, parquet.MaxRowsPerRowGroup(2))
	common := []string{
		"SELECT * FROM S3Object",
		"SELECT * FROM S3Object s LIMIT 1",
		"SELECT s FROM S3Object s",
		"SELECT s.* FROM S3Object s",
		"SELECT S3Object.* FROM S3Object",
		"SELECT COUNT(*) FROM S3Object",
		"SELECT COUNT(*) FROM S3Object s WHERE s.nope IS MISSING",
		"SELECT s.nope FROM S3Object s",
		"SELECT s._1, s._2 FROM S3Object s",
		"SELECT _1 FROM S3Object",
		"SELECT COALESCE(s, 1), NULLIF(s, 1) FROM S3Object s",
		"SELECT s IS NULL, s IS MISSING FROM S3Object s",
		"SELECT s[0] FROM S3Object s",
		"SELECT COUNT(s) FROM S3Object s",
		"SELECT x FROM S3Object[*] x",
		"SELECT * FROM S3Object[*]",
		"SELECT * FROM S3Object[*].x",
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		queries []string
	}{
		{"duckdb", duck, append(common,
			"SELECT s.id FROM S3Object s WHERE s.addr.city = 'Oslo'",
			"SELECT s.id FROM S3Object s WHERE s.prices[0] > 1",
			"SELECT COUNT(*) FROM S3Object s WHERE s.addr.zip IS NULL",
			"SELECT COUNT(*) FROM S3Object s WHERE s.counts.a = 1",
			"SELECT s.ID, s.Addr.CITY, s.\"addr\".\"city\", s.\"Addr\" FROM S3Object s",
			"SELECT ID FROM S3Object",
			"SELECT S3Object.id, s3object.note FROM S3Object",
			"SELECT s['addr']['city'], s['note'] FROM S3Object s",
			"SELECT s.addr.* FROM S3Object s",
			"SELECT s.addr FROM S3Object s WHERE s.id > 1 LIMIT 1",
			"SELECT id AS addr, addr AS id FROM S3Object",
			"SELECT s.note FROM S3Object s WHERE s.d38 IS NOT NULL",
			"SELECT MIN(s.d2), MAX(s.ts_ms), SUM(s.d18), AVG(s.d38) FROM S3Object s WHERE s.addr.city IS NOT NULL",
			"SELECT UPPER(s.mood), CHAR_LENGTH(s.note), COALESCE(s.uid, s.note) FROM S3Object s",
			"SELECT CAST(s.d2 AS INT), CAST(s.d38 AS FLOAT), s.d2 * 2 FROM S3Object s",
			"SELECT * FROM S3Object s WHERE s.counts.b = 2",
			"SELECT * FROM S3Object[*].addr",
			"SELECT city FROM S3Object[*].addr",
			"SELECT s.city FROM S3Object[*].addr s",
			"SELECT a[0] FROM S3Object[*].prices a",
		)},
		{"go", gofile, append(common,
			"SELECT s.rep[0], s.lst[1], s.grp.a FROM S3Object s WHERE s.b AND s.i8 < 0",
			"SELECT s.grp.n FROM S3Object s WHERE s.opt = 1.5",
			"SELECT COUNT(*) FROM S3Object s WHERE s.grp.a = 'y'",
			"SELECT MAX(s.D64), MIN(s.Dfl), MAX(s.TNS) FROM S3Object s",
			"SELECT s.grp FROM S3Object s LIMIT 2",
			"SELECT s.rep FROM S3Object s WHERE s.rep[0] = 3",
			"SELECT * FROM S3Object[*].grp",
			"SELECT s.u64, s.js FROM S3Object s WHERE s.u64 > 9223372036854775807",
		)},
	} {
		for _, sql := range tc.queries {
			for _, json := range []bool{false, true} {
				want, wantErr := rev38bRun(t, tc.data, sql, json, true, nil)
				got, err := rev38bRun(t, tc.data, sql, json, false, nil)
				require.Equal(t, want, got, "%s: %s", tc.name, sql)
				require.Equal(t, wantErr, err, "%s: %s", tc.name, sql)
			}
			rng := &sqlselect.ScanRange{Start: 4, End: int64(len(tc.data)) / 2, HasStart: true, HasEnd: true}
			want, wantErr := rev38bRun(t, tc.data, sql, true, true, rng)
			got, err := rev38bRun(t, tc.data, sql, true, false, rng)
			require.Equal(t, want, got, "%s: %s (range)", tc.name, sql)
			require.Equal(t, wantErr, err, "%s: %s (range)", tc.name, sql)
		}
	}
}

// TestRev38bExactDecimalComparisons: a DECIMAL with its digits (a wide
// Parquet DECIMAL, a UINT(64) past math.MaxInt64) compares by its digits
// with another and with an INT, not by the nearest floats: two 38-digit
// values a cent apart are one float. Before, MAX kept the first of them
// (answering the smaller), = held between different values, and
// 9223372036854775808 was not > 9223372036854775807. A float against a
// DECIMAL still compares as before (as floats); a literal with a point is
// a DECIMAL with its digits since sel40, and compares exactly.
func TestRev38bExactDecimalComparisons(t *testing.T) {
	g := parquet.Group{
		"id": parquet.Int(64),
		"d":  parquet.Decimal(2, 38, parquet.FixedLenByteArrayType(16)),
		"e":  parquet.Decimal(3, 38, parquet.FixedLenByteArrayType(16)),
		"u":  parquet.Uint(64),
	}
	rows := []map[string]any{
		{"id": int64(1), "d": pq38Be("12345678901234567890123456789012345678", 16), "e": pq38Be("123456789012345678901234567890123456780", 16), "u": int64(-9223372036854775808)},
		{"id": int64(2), "d": pq38Be("12345678901234567890123456789012345679", 16), "e": pq38Be("123456789012345678901234567890123456780", 16), "u": int64(9223372036854775807)},
		{"id": int64(3), "d": pq38Be("12345678901234567890123456789012345677", 16), "e": pq38Be("123456789012345678901234567890123456770", 16), "u": int64(9223372036854775806)},
	}
	data := pq38Write(t, g, rows, nil)
	for _, tc := range []struct{ sql, want string }{
		{"SELECT MAX(s.d), MIN(s.d), MAX(s.u), MIN(s.u) FROM S3Object s",
			"123456789012345678901234567890123456.79,123456789012345678901234567890123456.77,9223372036854775808,9223372036854775806\n"},
		// d and e at different scales: equal in rows 1 and 3 only.
		{"SELECT s.id FROM S3Object s WHERE s.d = s.e", "1\n3\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d <> s.e", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d > s.e", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d IN (s.e)", "1\n3\n"},
		{"SELECT s.id FROM S3Object s WHERE s.d BETWEEN s.e AND s.e", "1\n3\n"},
		{"SELECT s.id FROM S3Object s WHERE s.u > 9223372036854775807", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.u = 9223372036854775807", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.u BETWEEN 9223372036854775806 AND 9223372036854775807", "2\n3\n"},
		{"SELECT s.id FROM S3Object s WHERE s.u IN (9223372036854775807, 1)", "2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.u > s.id", "1\n2\n3\n"},
		// Against a decimal literal, exactly (sel40; the three were one
		// float before); against floats, as before: the float nearest the
		// digits.
		{"SELECT s.id FROM S3Object s WHERE s.u = 9223372036854775808.0", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.u = CAST(9223372036854775807 AS FLOAT)", "1\n2\n3\n"},
	} {
		for _, all := range []bool{false, true} {
			out, err := rev38bRun(t, data, tc.sql, false, all, nil)
			require.NoError(t, err, tc.sql)
			require.Equal(t, tc.want, out, tc.sql)
		}
	}
}

// TestRev38bNegativeZeroDecimal: minus a DECIMAL zero is that zero
// (0.00), as a DECIMAL has no sign of its own at zero; it was -0.00.
func TestRev38bNegativeZeroDecimal(t *testing.T) {
	g := parquet.Group{"d": parquet.Decimal(2, 4, parquet.Int32Type)}
	data := pq38Write(t, g, []map[string]any{{"d": int32(0)}, {"d": int32(-5)}, {"d": int32(5)}}, nil)
	out, err := pq38Run(t, data, "SELECT -s.d, - -s.d, CAST(-s.d AS STRING), -s.d = 0 FROM S3Object s", false)
	require.NoError(t, err)
	require.Equal(t, "0.00,0.00,0.00,true\n0.05,-0.05,0.05,false\n-0.05,0.05,-0.05,false\n", out)
	out, err = pq38Run(t, data, "SELECT SUM(-s.d), MIN(-s.d) FROM S3Object s WHERE s.d = 0", false)
	require.NoError(t, err)
	require.Equal(t, "0.00,0.00\n", out)
}

// TestRev38bDecimalCastToInt: CAST of a DECIMAL with its digits to INT
// truncates those digits; it truncated the nearest float
// (9007199254740993.99 was 9007199254740994). Past INT's range it is
// CastFailed, as before.
func TestRev38bDecimalCastToInt(t *testing.T) {
	g := parquet.Group{"d": parquet.Decimal(2, 18, parquet.Int64Type), "u": parquet.Uint(64)}
	data := pq38Write(t, g, []map[string]any{
		{"d": int64(900719925474099399), "u": int64(1)},
		{"d": int64(-5), "u": int64(2)},
		{"d": int64(-900719925474099399), "u": int64(-1)},
	}, nil)
	out, err := pq38Run(t, data, "SELECT CAST(s.d AS INT), CAST(-s.d AS INT), CAST(s.u AS INT) FROM S3Object s WHERE s.u < 3", false)
	require.NoError(t, err)
	require.Equal(t, "9007199254740993,-9007199254740993,1\n0,0,2\n", out)
	_, err = pq38Run(t, data, "SELECT CAST(s.u AS INT) FROM S3Object s", false)
	require.ErrorIs(t, err, sqlselect.ErrCastFailed)
}

// rev38bAnnotate gives the named groups a legacy converted type (and no
// LogicalType), as parquet-mr, Hive and parquet-avro wrote them.
func rev38bAnnotate(names map[string]deprecated.ConvertedType) func(*format.FileMetaData) {
	return func(md *format.FileMetaData) {
		for i := range md.Schema {
			if ct, ok := names[md.Schema[i].Name]; ok {
				md.Schema[i].ConvertedType.V, md.Schema[i].ConvertedType.Valid = ct, true
				md.Schema[i].LogicalType = format.LogicalType{}
			}
		}
	}
}

// TestRev38bLegacyListShapes: LIST groups of each shape the
// backward-compatibility rules of the Parquet format's LogicalTypes.md
// name: a repeated leaf (rule 1), a repeated group of several fields
// (2), of one repeated field (3), named array or <list>_tuple (4), of
// one field otherwise (5, the element is that field), empty and null.
// Rule 3 was read as rule 5 (the one field's list was the element: a
// list of lists instead of a list of structs).
func TestRev38bLegacyListShapes(t *testing.T) {
	one := func(name string, field parquet.Node) parquet.Group {
		return parquet.Group{"id": parquet.Int(32), "l": parquet.Optional(parquet.Group{name: parquet.Repeated(parquet.Group{"x": field})})}
	}
	xs := func(name string, vals ...any) map[string]any {
		var l []any
		for _, v := range vals {
			l = append(l, map[string]any{"x": v})
		}
		return map[string]any{name: l}
	}
	list := rev38bAnnotate(map[string]deprecated.ConvertedType{"l": deprecated.List})
	for _, tc := range []struct {
		name string
		g    parquet.Group
		rows []map[string]any
		want string
	}{
		{"rule 1", parquet.Group{"id": parquet.Int(32), "l": parquet.Optional(parquet.Group{"e": parquet.Repeated(parquet.Int(32))})},
			[]map[string]any{{"id": int32(1), "l": map[string]any{"e": []any{int32(1), int32(2)}}}, {"id": int32(2), "l": map[string]any{"e": []any{}}}, {"id": int32(3), "l": nil}},
			`{"id":1,"l":[1,2]}` + "\n" + `{"id":2,"l":[]}` + "\n" + `{"id":3,"l":null}` + "\n"},
		{"rule 2", parquet.Group{"id": parquet.Int(32), "l": parquet.Optional(parquet.Group{"e": parquet.Repeated(parquet.Group{"x": parquet.Int(32), "y": parquet.String()})})},
			[]map[string]any{{"id": int32(1), "l": map[string]any{"e": []any{map[string]any{"x": int32(1), "y": "a"}}}}},
			`{"id":1,"l":[{"x":1,"y":"a"}]}` + "\n"},
		{"rule 3", one("bag", parquet.Repeated(parquet.Int(32))),
			[]map[string]any{{"id": int32(1), "l": xs("bag", []any{int32(1), int32(2)}, []any{})}},
			`{"id":1,"l":[{"x":[1,2]},{"x":[]}]}` + "\n"},
		{"rule 4 array", one("array", parquet.Int(32)),
			[]map[string]any{{"id": int32(1), "l": xs("array", int32(1), int32(2))}},
			`{"id":1,"l":[{"x":1},{"x":2}]}` + "\n"},
		{"rule 4 tuple", one("l_tuple", parquet.Int(32)),
			[]map[string]any{{"id": int32(1), "l": xs("l_tuple", int32(1))}},
			`{"id":1,"l":[{"x":1}]}` + "\n"},
		{"rule 5", one("element", parquet.Optional(parquet.String())),
			[]map[string]any{{"id": int32(1), "l": xs("element", "a", nil)}, {"id": int32(2), "l": nil}},
			`{"id":1,"l":["a",null]}` + "\n" + `{"id":2,"l":null}` + "\n"},
	} {
		data := pq38Write(t, tc.g, tc.rows, list)
		out, err := pq38Run(t, data, "SELECT * FROM S3Object", true)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, out, tc.name)
	}
}

// TestRev38bLegacyMapShapes: MAP groups as LogicalTypes.md's
// backward-compatibility rules describe them: MAP_KEY_VALUE on the outer
// group, key and value known by position (any names), no value field (a
// map of nulls), keys of other types (their text), and a key given twice,
// whose "final value ... must be the last value". A repeated key was two
// members of one name (SELECT * wrote the name twice, s.m.a was
// AmbiguousFieldName).
func TestRev38bLegacyMapShapes(t *testing.T) {
	kv := func(k, v parquet.Node) parquet.Group {
		g := parquet.Group{"k": k}
		if v != nil {
			g["v"] = v
		}
		return parquet.Group{"id": parquet.Int(32), "m": parquet.Optional(parquet.Group{"map": parquet.Repeated(g)})}
	}
	pairs := func(kvs ...any) map[string]any {
		var l []any
		for i := 0; i < len(kvs); i += 2 {
			e := map[string]any{"k": kvs[i]}
			if kvs[i+1] != "none" {
				e["v"] = kvs[i+1]
			}
			l = append(l, e)
		}
		return map[string]any{"map": l}
	}
	var manyPairs []any
	for i := 0; i < 20; i++ {
		manyPairs = append(manyPairs, "k"+strconv.Itoa(i), int32(i))
	}
	manyPairs = append(manyPairs, "k5", int32(-1))
	for _, tc := range []struct {
		name string
		ct   deprecated.ConvertedType
		g    parquet.Group
		rows []map[string]any
		sql  string
		want string
	}{
		{"MAP_KEY_VALUE", deprecated.MapKeyValue, kv(parquet.String(), parquet.Optional(parquet.Int(32))),
			[]map[string]any{{"id": int32(1), "m": pairs("b", int32(2), "a", nil)}, {"id": int32(2), "m": pairs()}, {"id": int32(3), "m": nil}},
			"SELECT * FROM S3Object", `{"id":1,"m":{"b":2,"a":null}}` + "\n" + `{"id":2,"m":{}}` + "\n" + `{"id":3,"m":null}` + "\n"},
		{"no values", deprecated.Map, kv(parquet.String(), nil),
			[]map[string]any{{"id": int32(1), "m": pairs("x", "none", "y", "none")}},
			"SELECT * FROM S3Object", `{"id":1,"m":{"x":null,"y":null}}` + "\n"},
		{"int keys", deprecated.Map, kv(parquet.Int(64), parquet.String()),
			[]map[string]any{{"id": int32(1), "m": pairs(int64(-7), "a", int64(3), "b")}},
			"SELECT s.m, s.m.\"-7\" FROM S3Object s", `{"m":{"-7":"a","3":"b"},"-7":"a"}` + "\n"},
		{"date and decimal keys", deprecated.Map, kv(parquet.Date(), parquet.Decimal(2, 4, parquet.Int32Type)),
			[]map[string]any{{"id": int32(1), "m": pairs(int32(-1), int32(150), int32(0), int32(-5))}},
			"SELECT * FROM S3Object", `{"id":1,"m":{"1969-12-31T":1.50,"1970-01-01T":-0.05}}` + "\n"},
		{"repeated key", deprecated.Map, kv(parquet.String(), parquet.Int(32)),
			[]map[string]any{{"id": int32(1), "m": pairs("a", int32(1), "b", int32(2), "a", int32(3))}},
			"SELECT s.m, s.m.a FROM S3Object s", `{"m":{"a":3,"b":2},"a":3}` + "\n"},
		{"repeated key in a large map", deprecated.Map, kv(parquet.String(), parquet.Int(32)),
			[]map[string]any{{"id": int32(1), "m": pairs(manyPairs...)}},
			"SELECT s.m.k5, s.m.k19 FROM S3Object s", `{"k5":-1,"k19":19}` + "\n"},
	} {
		data := pq38Write(t, tc.g, tc.rows, rev38bAnnotate(map[string]deprecated.ConvertedType{"m": tc.ct}))
		out, err := pq38Run(t, data, tc.sql, true)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, out, tc.name)
	}
}

// TestRev38bDuckDBShapes: DuckDB's nested shapes and edge values
// (testdata/parquet/gen-duckdb-shapes.mjs) read as DuckDB reads them
// back: null elements, empty lists and maps, null lists and maps, maps
// keyed by INTEGER, DATE and DECIMAL, structs and lists in each other,
// times before 1970, UBIGINT's maximum, a column of nulls only. No
// finding: the answers were right before this review.
func TestRev38bDuckDBShapes(t *testing.T) {
	data, err := os.ReadFile("testdata/parquet/duckdb-shapes.parquet")
	require.NoError(t, err)
	out, err := pq38Run(t, data, "SELECT * FROM S3Object", true)
	require.NoError(t, err)
	require.Equal(t, `{"id":1,"ls":[{"x":1,"y":"a"},null,{"x":2,"y":null}],"ll":[[1,null],null,[]],"lnull":[null],"mi":{"1":"one","2":null},"md":{"1969-12-31T":1},"mdec":{"1.50":"x"},"sls":{"items":[{"k":"a","v":[1,2]}]},"lm":[{"a":1}],"ts":"1900-01-01T00:00:00.000001Z","dt":"1900-03-01T","f":"NaN","u":18446744073709551615,"none":null}
{"id":2,"ls":[],"ll":[],"lnull":[],"mi":{},"md":null,"mdec":null,"sls":{"items":[]},"lm":[],"ts":"1969-12-31T23:59:59.999999Z","dt":"1969-12-31T","f":"Infinity","u":0,"none":null}
{"id":3,"ls":null,"ll":null,"lnull":null,"mi":null,"md":null,"mdec":null,"sls":null,"lm":null,"ts":null,"dt":null,"f":"-Infinity","u":null,"none":null}
`, out)
	for _, tc := range []struct{ sql, want string }{
		{"SELECT s.ls[0].x, s.ls[1], s.ll[0][1], s.mi.\"1\", s.md.\"1969-12-31T\", s.sls.items[0].v[1], s.lm[0].a FROM S3Object s WHERE s.id = 1", "1,,,one,1,2,1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.lnull[0] IS NULL AND s.lnull[0] IS NOT MISSING", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.ls[0] IS MISSING", "2\n3\n"},
		{"SELECT s.id FROM S3Object s WHERE s.ts < `1901-01-01T`", "1\n"},
		{"SELECT s.id FROM S3Object s WHERE s.ts < `1970-01-01T` AND s.dt < `1970-01-01T`", "1\n2\n"},
		{"SELECT s.id FROM S3Object s WHERE s.u > 9223372036854775807", "1\n"},
		{"SELECT COUNT(s.none), COUNT(s.ls), COUNT(*) FROM S3Object s", "0,2,3\n"},
		{"SELECT s.id FROM S3Object s WHERE s.f > 0", "2\n"},
	} {
		out, err := pq38Run(t, data, tc.sql, false)
		require.NoError(t, err, tc.sql)
		require.Equal(t, tc.want, out, tc.sql)
	}
}

// TestRev38bTimestampUnknownUnit: a TIMESTAMP whose unit this reader does
// not know is a type it does not read ("Upon reading, unknown unit-s must
// be handled as unsupported features", LogicalTypes.md), refused when a
// query reads it; it was read as a plain INT64 (5 for 5 units of
// anything). A query of other columns runs.
func TestRev38bTimestampUnknownUnit(t *testing.T) {
	g := parquet.Group{"n": parquet.Int(32), "ts": parquet.Timestamp(parquet.Millisecond)}
	data := pq38Write(t, g, []map[string]any{{"n": int32(1), "ts": int64(5)}}, func(md *format.FileMetaData) {
		for i := range md.Schema {
			if md.Schema[i].Name == "ts" {
				md.Schema[i].LogicalType.Value.(*format.TimestampType).Unit = format.TimeUnit{}
				md.Schema[i].ConvertedType.Valid = false
			}
		}
	})
	_, err := pq38Run(t, data, "SELECT s.ts FROM S3Object s", false)
	require.ErrorIs(t, err, sqlselect.ErrUnsupportedParquetType)
	out, err := pq38Run(t, data, "SELECT s.n FROM S3Object s", false)
	require.NoError(t, err)
	require.Equal(t, "1\n", out)
}
