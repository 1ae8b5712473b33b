// Writes duckdb-shapes.parquet, the nested shapes and edge values
// TestRev38bDuckDBShapes reads: a list of structs with a null element,
// a list of lists, a list of one null, MAPs keyed by INTEGER, DATE and
// DECIMAL with a null value, a struct holding a list of structs holding
// a list, a list of MAPs, timestamps and dates before 1970, NaN and
// infinite doubles, UBIGINT's maximum and a column of nulls only; the
// second row holds empty lists and maps, the third nulls. Run it as
// gen-duckdb.mjs is run (see its top), with the same @duckdb/node-api:
//
//   node gen-duckdb-shapes.mjs $REPO/sqlselect/testdata/parquet
//
// The output is byte for byte the same on each run.
import { DuckDBInstance } from '@duckdb/node-api';

const out = process.argv[2] ?? '.';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run(`CREATE TABLE t AS SELECT * FROM (VALUES
  (1, [{'x': 1, 'y': 'a'}, NULL, {'x': 2, 'y': NULL}], [[1, NULL], NULL, []], [NULL]::INT[],
   MAP {1: 'one', 2: NULL}, MAP {DATE '1969-12-31': 1}, MAP {1.50::DECIMAL(4,2): 'x'},
   {'items': [{'k': 'a', 'v': [1, 2]}]}, [MAP {'a': 1}],
   TIMESTAMP '1900-01-01 00:00:00.000001', DATE '1900-03-01', 'NaN'::DOUBLE, 18446744073709551615::UBIGINT, NULL::VARCHAR),
  (2, [], [], [], MAP {}::MAP(INT, VARCHAR), NULL, NULL, {'items': []}, [],
   TIMESTAMP '1969-12-31 23:59:59.999999', DATE '1969-12-31', 'Infinity'::DOUBLE, 0::UBIGINT, NULL),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-Infinity'::DOUBLE, NULL, NULL)
) AS v(id, ls, ll, lnull, mi, md, mdec, sls, lm, ts, dt, f, u, none)`);
await c.run(`COPY (SELECT * FROM t ORDER BY id) TO '${out}/duckdb-shapes.parquet' (FORMAT parquet, COMPRESSION snappy)`);
