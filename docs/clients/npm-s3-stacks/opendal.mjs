// Apache OpenDAL's Node.js binding (Rust opendal S3 service, reqwest +
// reqsign) against osslite (docs/sdk-suites.md, "Rust object_store and
// other npm S3 stacks").  npm i -E opendal@0.49.2 (0.49.3 and later need glibc 2.38) aws4fetch
// S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY.
import { Operator } from 'opendal';
import { AwsClient } from 'aws4fetch';
import { randomBytes, createHash } from 'node:crypto';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const ak = process.env.S3_ACCESS_KEY ?? 'osslite', sk = process.env.S3_SECRET_KEY ?? 'osslite-secret';
const bucket = 'odal-' + Math.random().toString(16).slice(2, 10);
let fails = 0;
async function check(name, fn) {
  try { const r = await fn(); console.log(`ok   ${name}${r !== undefined ? ' ' + r : ''}`); }
  catch (e) { fails++; console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)}`); }
}
async function refused(fn) { try { await fn(); } catch (e) { return 'refused: ' + String(e.message).split('\n')[0].slice(0, 120); } throw new Error('no error'); }
const aws = new AwsClient({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1', service: 's3' });
const mk = await aws.fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
if (mk.status !== 200) throw new Error('create bucket ' + mk.status + ' ' + await mk.text());
const opts = { bucket, endpoint, region: 'us-east-1', access_key_id: ak, secret_access_key: sk, root: '/od' };
const op = new Operator('s3', opts);
const md5 = (b) => createHash('md5').update(b).digest('hex');
await check('check', () => op.check());
await check('write + read', async () => { await op.write('a/hello.txt', 'hello world', { contentType: 'text/plain', userMetadata: { k: 'v' } }); return (await op.read('a/hello.txt')).toString(); });
await check('stat', async () => { const m = await op.stat('a/hello.txt'); return `${m.contentLength} ${m.contentType} ${m.etag} ${JSON.stringify(m.userMetadata)} ${m.lastModified}`; });
await check('read range', async () => { const b = await op.read('a/hello.txt', { offset: 6n, size: 5n }); if (b.toString() !== 'world') throw new Error(b.toString()); return b.toString(); });
await check('read ifMatch wrong -> refused', async () => refused(() => op.read('a/hello.txt', { ifMatch: '"nope"' })));
await check('stat ifNoneMatch etag -> refused', async () => { const m = await op.stat('a/hello.txt'); return refused(() => op.stat('a/hello.txt', { ifNoneMatch: m.etag })); });
await check('write ifNotExists on existing -> refused', async () => refused(() => op.write('a/hello.txt', 'x', { ifNotExists: true })));
await check('write ifNotExists new', async () => { await op.write('a/new.txt', 'n', { ifNotExists: true }); return (await op.read('a/new.txt')).toString(); });
await check('write ifMatch', async () => { const m = await op.stat('a/new.txt'); await op.write('a/new.txt', 'n2', { ifMatch: m.etag }); return refused(() => op.write('a/new.txt', 'n3', { ifMatch: m.etag })); });
await check('exists', async () => `${await op.exists('a/hello.txt')} ${await op.exists('a/missing')}`);
await check('stat missing -> NotFound', async () => refused(() => op.stat('a/missing')));
await check('createDir + stat dir', async () => { await op.createDir('d/'); const m = await op.stat('d/'); return m.isDirectory(); });
await check('list', async () => (await op.list('a/')).map(e => e.path()).sort().join(','));
await check('list recursive', async () => (await op.list('', { recursive: true })).map(e => e.path()).sort().join(','));
await check('list limit pages', async () => { for (let i = 0; i < 12; i++) await op.write(`p/k${String(i).padStart(2, '0')}`, 'x'); const l = await op.lister('p/', { limit: 5 }); let n = 0; while (await l.next()) n++; if (n < 12) throw new Error('n ' + n); return n; });
await check('list startAfter', async () => (await op.list('p/', { startAfter: 'p/k09' })).map(e => e.path()).join(','));
await check('copy', async () => { await op.copy('a/hello.txt', 'b/copy.txt'); return (await op.read('b/copy.txt')).toString(); });
await check('rename (unsupported on s3)', async () => refused(() => op.rename('b/copy.txt', 'b/renamed.txt')));
const big = randomBytes(23 * 1024 * 1024 + 17);
await check('writer multipart 23MB', async () => { const w = await op.writer('big/one.bin', { chunk: 8n * 1024n * 1024n, concurrent: 3 }); for (let o = 0; o < big.length; o += 3 * 1024 * 1024) await w.write(big.subarray(o, o + 3 * 1024 * 1024)); await w.close(); const m = await op.stat('big/one.bin'); return `${m.contentLength} ${m.etag}`; });
await check('read big concurrent chunks', async () => { const b = await op.read('big/one.bin', { concurrent: 4, chunk: 4 * 1024 * 1024 }); if (md5(b) !== md5(big)) throw new Error('md5'); return b.length; });
await check('write empty', async () => { await op.write('e/empty', Buffer.alloc(0)); return (await op.stat('e/empty')).contentLength; });
await check('presignRead + fetch', async () => { const p = await op.presignRead('a/hello.txt', 60); const r = await fetch(p.url, { method: p.method, headers: p.headers }); return `${r.status} ${await r.text()}`; });
await check('presignWrite + fetch', async () => { const p = await op.presignWrite('a/presigned.txt', 60); const r = await fetch(p.url, { method: p.method, headers: p.headers, body: 'pp' }); if (r.status !== 200) throw new Error(r.status + await r.text()); return (await op.read('a/presigned.txt')).toString(); });
await check('presignStat', async () => { const p = await op.presignStat('a/hello.txt', 60); const r = await fetch(p.url, { method: p.method, headers: p.headers }); return `${r.status} ${r.headers.get('content-length')}`; });
await check('delete + delete missing', async () => { await op.delete('a/new.txt'); await op.delete('a/never'); return await op.exists('a/new.txt'); });
await check('remove batch', async () => { await op.remove(['p/k00', 'p/k01', 'p/nope']); return (await op.list('p/')).length; });
await check('removeAll', async () => { await op.removeAll('p/'); return (await op.list('', { recursive: true })).map(e => e.path()).sort().join(','); });
const vop = new Operator('s3', { ...opts, enable_versioning: 'true' });
await check('versions', async () => {
  const v = await aws.fetch(`${endpoint}/${bucket}?versioning`, { method: 'PUT', body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
  if (v.status !== 200) throw new Error('versioning ' + v.status);
  await vop.write('v/x', 'one'); const m1 = await vop.stat('v/x'); await vop.write('v/x', 'two');
  const old = (await vop.read('v/x', { version: m1.version })).toString();
  const lst = (await vop.list('v/', { versions: true })).map(e => `${e.path()}@${e.metadata().version}`);
  await vop.delete('v/x', { version: m1.version });
  return `${old} ${lst.length} ${(await vop.read('v/x')).toString()}`;
});
await check('list deleted', async () => { await vop.delete('v/x'); return (await vop.list('v/', { deleted: true })).map(e => `${e.path()}:${e.metadata().isDeleted()}`).join(','); });
console.log(fails ? `${fails} FAILED` : 'all passed');
process.exit(fails ? 1 : 0);
