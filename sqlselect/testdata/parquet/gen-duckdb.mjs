// Writes the DuckDB-made Parquet files TestPQ38* read: an independent
// writer's DECIMAL (INT32, INT64 and FIXED_LEN_BYTE_ARRAY), TIMESTAMP
// (MILLIS, MICROS, NANOS), DATE, UUID, ENUM, LIST, STRUCT and MAP columns,
// with nulls, one file per codec (one row group each: DuckDB does not cut
// groups of three rows). Node resolves the import from the script's own
// folder, so run a copy of it where the package is installed:
//
//   mkdir /tmp/gen && cd /tmp/gen && npm install @duckdb/node-api@1.5.6-r.1
//   cp $REPO/sqlselect/testdata/parquet/gen-duckdb.mjs . && node gen-duckdb.mjs $REPO/sqlselect/testdata/parquet
//
// The output is byte for byte the same on each run.
import { DuckDBInstance } from '@duckdb/node-api';

const out = process.argv[2] ?? '.';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`);
await c.run(`CREATE TABLE t AS SELECT * FROM (VALUES
  (1, 1.50::DECIMAL(4,2), 123456789.123::DECIMAL(18,3), 12345678901234567890.123456789::DECIMAL(38,9),
   TIMESTAMP '2024-02-29 13:14:15.123', TIMESTAMP '2024-02-29 13:14:15.123456', TIMESTAMP_NS '2024-02-29 13:14:15.123456789',
   DATE '2024-02-29', '0e984725-c51c-4bf4-9960-e1c80e27aba0'::UUID, 'happy'::mood,
   [1.25, NULL, -3.50]::DECIMAL(5,2)[], {'city': 'Oslo', 'zip': 150}, MAP {'b': 2, 'a': 1}, 'x'),
  (2, -0.05::DECIMAL(4,2), -1.000::DECIMAL(18,3), -0.000000001::DECIMAL(38,9),
   TIMESTAMP '1969-12-31 23:59:59.999', TIMESTAMP '9999-12-31 23:59:59.999999', TIMESTAMP_NS '1677-09-22 00:00:00',
   DATE '0001-01-01', NULL, 'sad'::mood,
   []::DECIMAL(5,2)[], {'city': NULL, 'zip': NULL}, MAP {}, NULL),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'z')
) AS v(id, d2, d18, d38, ts_ms, ts_us, ts_ns, day, uid, mood, prices, addr, counts, note)`);
// DuckDB writes TIMESTAMP as MICROS; the MILLIS column is cast on write.
const sel = `SELECT id, d2, d18, d38, ts_ms::TIMESTAMP_MS AS ts_ms, ts_us, ts_ns, day, uid, mood, prices, addr, counts, note FROM t`;
for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd']) {
  await c.run(`COPY (${sel}) TO '${out}/duckdb-${codec}.parquet' (FORMAT PARQUET, COMPRESSION ${codec}, ROW_GROUP_SIZE 2)`);
}
c.closeSync();
