// nodejs-polars (Rust polars over object_store's S3 client) against osslite
// (docs/sdk-suites.md, "Rust object_store and other npm S3 stacks").
// npm i -E nodejs-polars@0.26.1 nodejs-polars-linux-x64-gnu@0.26.1 aws4fetch
// S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY.
import pl from 'nodejs-polars';
import { AwsClient } from 'aws4fetch';
import { randomBytes } from 'node:crypto';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const ak = process.env.S3_ACCESS_KEY ?? 'osslite', sk = process.env.S3_SECRET_KEY ?? 'osslite-secret';
const bucket = 'polars-' + Math.random().toString(16).slice(2, 10);
let fails = 0;
async function check(name, fn) {
  try { const r = await fn(); console.log(`ok   ${name}${r !== undefined ? ' ' + r : ''}`); }
  catch (e) { fails++; console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)}`); }
}
const aws = new AwsClient({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1', service: 's3' });
const mk = await aws.fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
if (mk.status !== 200) throw new Error('create bucket ' + mk.status + ' ' + await mk.text());
const cloudOptions = {
  aws_endpoint: endpoint, aws_access_key_id: ak, aws_secret_access_key: sk,
  aws_region: 'us-east-1', aws_allow_http: 'true',
};
const n = 1000;
const df = pl.DataFrame({
  id: Array.from({ length: n }, (_, i) => i),
  name: Array.from({ length: n }, (_, i) => `name-${i}`),
  x: Array.from({ length: n }, (_, i) => i / 7),
});
const u = (k) => `s3://${bucket}/${k}`;
const eq = (a, b) => { if (!a.frameEqual(b)) throw new Error(`frames differ: ${a.height} vs ${b.height}`); };
await check('sinkParquet', async () => { await df.lazy().sinkParquet(u('data/part-0.parquet'), { cloudOptions }).collect(); });
await check('sinkParquet second file', async () => { await df.lazy().withColumn(pl.col('id').add(n)).sinkParquet(u('data/part-1.parquet'), { cloudOptions }).collect(); });
await check('sinkCSV', async () => { await df.lazy().sinkCSV(u('csv/a.csv'), { cloudOptions }).collect(); });
await check('sinkNdJson', async () => { await df.lazy().sinkNdJson(u('json/a.ndjson'), { cloudOptions }).collect(); });
await check('sinkIpc', async () => { await df.lazy().sinkIpc(u('ipc/a.arrow'), { cloudOptions }).collect(); });
await check('scanParquet one', async () => { const r = pl.scanParquet(u('data/part-0.parquet'), { cloudOptions }).collectSync(); eq(r, df); return r.height; });
await check('scanParquet glob', async () => { const r = pl.scanParquet(u('data/*.parquet'), { cloudOptions }).collectSync(); if (r.height !== 2 * n) throw new Error('height ' + r.height); return r.height; });
await check('scanParquet filter+select', async () => { const r = pl.scanParquet(u('data/part-0.parquet'), { cloudOptions }).filter(pl.col('id').lt(10)).select('name').collectSync(); return r.height; });
// readParquet(path) opens a local file only (io.js hands the path to std::fs): no S3 request is made.
console.log('skip readParquet s3:// (nodejs-polars reads local paths only)');
await check('scanCSV', async () => { const r = pl.scanCSV(u('csv/a.csv'), { cloudOptions }).collectSync(); eq(r, df); return r.height; });
await check('scanJson', async () => { const r = pl.scanJson(u('json/a.ndjson'), { cloudOptions }).collectSync(); return r.height; });
// scanIPC's native options (src/lazy/dataframe.rs ScanIPCOptions) have no cloud options: it goes to AWS.
console.log('skip scanIPC s3:// (nodejs-polars passes no cloudOptions to scan_ipc)');
const bign = 300000;
const big = pl.DataFrame({ id: Array.from({ length: bign }, (_, i) => i), blob: Array.from({ length: bign }, () => randomBytes(48).toString('hex')) });
await check('sinkParquet big (multipart)', async () => { await big.lazy().sinkParquet(u('big/big.parquet'), { cloudOptions }).collect(); });
await check('sinkCSV big (multipart)', async () => { await big.lazy().sinkCSV(u('big/big.csv'), { cloudOptions }).collect(); });
await check('scanParquet big', async () => { const r = pl.scanParquet(u('big/big.parquet'), { cloudOptions }).collectSync(); eq(r, big); return r.height; });
await check('scanCSV big', async () => { const r = pl.scanCSV(u('big/big.csv'), { cloudOptions }).collectSync(); eq(r, big); return r.height; });
await check('scanParquet missing -> error', async () => { try { pl.scanParquet(u('nope/x.parquet'), { cloudOptions }).collectSync(); } catch (e) { return 'error: ' + String(e.message).slice(0, 100); } throw new Error('no error'); });
await check('scanParquet hive dir', async () => { const r = pl.scanParquet(u('data/'), { cloudOptions }).collectSync(); return r.height; });
console.log(fails ? `${fails} FAILED` : 'all passed');
process.exit(fails ? 1 : 0);
