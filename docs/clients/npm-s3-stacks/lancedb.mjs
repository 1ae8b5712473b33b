// LanceDB (Rust lance over object_store's S3 client) against osslite
// (docs/sdk-suites.md, "Rust object_store and other npm S3 stacks").
// npm i -E @lancedb/lancedb@0.39.0 apache-arrow aws4fetch
// S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY.
import * as lancedb from '@lancedb/lancedb';
import { AwsClient } from 'aws4fetch';
import { randomBytes } from 'node:crypto';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const ak = process.env.S3_ACCESS_KEY ?? 'osslite', sk = process.env.S3_SECRET_KEY ?? 'osslite-secret';
const bucket = 'lance-' + Math.random().toString(16).slice(2, 10);
let fails = 0;
async function check(name, fn) {
  try { const r = await fn(); console.log(`ok   ${name}${r !== undefined ? ' ' + r : ''}`); }
  catch (e) { fails++; console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)}`); }
}
const aws = new AwsClient({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1', service: 's3' });
const mk = await aws.fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
if (mk.status !== 200) throw new Error('create bucket ' + mk.status + ' ' + await mk.text());

const storageOptions = {
  aws_endpoint: endpoint, aws_access_key_id: ak, aws_secret_access_key: sk,
  aws_region: 'us-east-1', allow_http: 'true',
};
const db = await lancedb.connect(`s3://${bucket}/db`, { storageOptions });
const rows = (from, n) => Array.from({ length: n }, (_, i) => ({
  id: from + i, name: `row-${from + i}`, vector: [Math.sin(from + i), Math.cos(from + i), (from + i) / 100],
}));
let t;
await check('createTable', async () => { t = await db.createTable('items', rows(0, 100)); return await t.countRows(); });
await check('tableNames', async () => (await db.tableNames()).join(','));
await check('add (append)', async () => { await t.add(rows(100, 50)); const n = await t.countRows(); if (n !== 150) throw new Error('count ' + n); return n; });
await check('add again', async () => { await t.add(rows(150, 50)); return await t.countRows(); });
await check('query where', async () => { const r = await t.query().where('id < 10').toArray(); if (r.length !== 10) throw new Error('len ' + r.length); return r.length; });
await check('vectorSearch', async () => { const r = await t.vectorSearch([0, 1, 0]).limit(5).toArray(); return r.map(x => x.id).join(','); });
await check('update', async () => { await t.update({ where: 'id = 5', values: { name: 'five' } }); const r = await t.query().where('id = 5').toArray(); if (r[0].name !== 'five') throw new Error(r[0].name); return r[0].name; });
await check('delete', async () => { await t.delete('id >= 190'); const n = await t.countRows(); if (n !== 190) throw new Error('count ' + n); return n; });
await check('mergeInsert', async () => {
  await t.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows(185, 10));
  return await t.countRows();
});
await check('createIndex scalar', async () => { await t.createIndex('id'); return (await t.listIndices()).map(i => i.name).join(','); });
await check('addColumns', async () => { await t.addColumns([{ name: 'double_id', valueSql: 'id * 2' }]); return (await t.schema()).fields.map(f => f.name).join(','); });
let versions;
await check('listVersions', async () => { versions = await t.listVersions(); return versions.map(v => v.version).join(','); });
await check('checkout v1 + countRows', async () => { await t.checkout(1); const n = await t.countRows(); await t.checkoutLatest(); if (n !== 100) throw new Error('v1 count ' + n); return n; });
await check('tags', async () => { const tags = await t.tags(); await tags.create('v1tag', 1); const l = JSON.stringify(await tags.list()); await tags.delete('v1tag'); return l; });
await check('restore v2', async () => { await t.checkout(2); await t.restore(); return await t.countRows(); });
await check('optimize (compact + cleanup)', async () => {
  const s = await t.optimize({ cleanupOlderThan: new Date(Date.now() + 1000), deleteUnverified: true });
  return JSON.stringify(s);
});
await check('versions after cleanup', async () => (await t.listVersions()).map(v => v.version).join(','));
await check('reopen table', async () => { const db2 = await lancedb.connect(`s3://${bucket}/db`, { storageOptions }); const t2 = await db2.openTable('items'); return await t2.countRows(); });
await check('createTable exist_ok error', async () => { try { await db.createTable('items', rows(0, 1)); } catch (e) { return 'refused: ' + String(e.message).slice(0, 80); } throw new Error('no error'); });
await check('big table (multipart)', async () => {
  const big = Array.from({ length: 40000 }, (_, i) => ({ id: i, blob: randomBytes(300).toString('base64') }));
  const tb = await db.createTable('big', big); return await tb.countRows();
});
await check('dropTable', async () => { await db.dropTable('big'); return (await db.tableNames()).join(','); });
await check('concurrent appends', async () => {
  const t1 = await db.openTable('items'), t2 = await db.openTable('items');
  const before = await t.countRows();
  await Promise.all([t1.add(rows(1000, 5)), t2.add(rows(2000, 5))]);
  await t.checkoutLatest(); const n = await t.countRows(); if (n !== before + 10) throw new Error(`${before} -> ${n}`); return n;
});
let tv;
await check('IVF_PQ and FTS indexes', async () => {
  const vr = Array.from({ length: 2000 }, (_, i) => ({ id: i, text: `doc ${i} about ${i % 7 === 0 ? 'rust' : 'go'}`, vector: Array.from({ length: 16 }, (_, j) => Math.sin(i * (j + 1))) }));
  tv = await db.createTable('vec', vr);
  await tv.createIndex('vector', { config: lancedb.Index.ivfPq({ numPartitions: 4, numSubVectors: 4 }) });
  await tv.createIndex('text', { config: lancedb.Index.fts() });
  return (await tv.listIndices()).map(i => i.indexType).sort().join(',');
});
await check('ANN and full-text search', async () => { const a = await tv.vectorSearch(Array.from({ length: 16 }, (_, j) => Math.sin(5 * (j + 1)))).limit(3).toArray(); const f = await tv.search('rust', 'fts').limit(3).toArray(); if (a[0].id !== 5 || f.length !== 3) throw new Error(`${a[0].id} ${f.length}`); return `${a.map(r => r.id)} ${f.length}`; });
await check('add + optimize indexes', async () => { await tv.add([{ id: 9000, text: 'late rust', vector: Array(16).fill(0.5) }]); await tv.optimize(); const s = await tv.indexStats('vector_idx'); if (s.numUnindexedRows !== 0) throw new Error(JSON.stringify(s)); return s.numIndexedRows; });
await check('dropAllTables', async () => { await db.dropAllTables(); return JSON.stringify(await db.tableNames()); });
console.log(fails ? `${fails} FAILED` : 'all passed');
process.exit(fails ? 1 : 0);
