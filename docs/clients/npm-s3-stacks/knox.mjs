// knox (an old node:http S3 client signing AWS signature v2) against
// osslite (docs/sdk-suites.md, "Rust object_store and other npm S3 stacks").
// npm i -E knox@0.9.2 aws4fetch
// S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY.
import knox from 'knox';
import { AwsClient } from 'aws4fetch';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const ak = process.env.S3_ACCESS_KEY ?? 'osslite', sk = process.env.S3_SECRET_KEY ?? 'osslite-secret';
const u = new URL(endpoint);
const bucket = 'knox-' + Math.random().toString(16).slice(2, 10);
let fails = 0;
async function check(name, fn) {
  try { const r = await fn(); console.log(`ok   ${name}${r !== undefined ? ' ' + r : ''}`); }
  catch (e) { fails++; console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)}`); }
}
const aws = new AwsClient({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1', service: 's3' });
const mk = await aws.fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
if (mk.status !== 200) throw new Error('create bucket ' + mk.status + ' ' + await mk.text());
const c = knox.createClient({ key: ak, secret: sk, bucket, endpoint: u.hostname, port: Number(u.port), secure: false, style: 'path', region: 'us-east-1' });
const cb = (fn) => new Promise((res, rej) => fn((e, r) => e ? rej(e) : res(r)));
const text = async (r) => { let s = ''; for await (const ch of r) s += ch; return s; };
const status = async (r, want) => { const b = await text(r); if (r.statusCode !== want) throw new Error(`${r.statusCode} ${b.slice(0, 300)}`); return b; };
await check('putBuffer', async () => { await status(await cb(f => c.putBuffer(Buffer.from('hello'), '/a/hello.txt', { 'Content-Type': 'text/plain', 'x-amz-meta-k': 'v' }, f)), 200); });
await check('getFile', async () => status(await cb(f => c.getFile('/a/hello.txt', f)), 200));
await check('getFile Range', async () => status(await cb(f => c.getFile('/a/hello.txt', { Range: 'bytes=1-3' }, f)), 206));
await check('headFile', async () => { const r = await cb(f => c.headFile('/a/hello.txt', f)); await status(r, 200); return `${r.headers.etag} ${r.headers['x-amz-meta-k']}`; });
await check('headFile missing', async () => { const r = await cb(f => c.headFile('/a/none', f)); await status(r, 404); });
await check('list', async () => { const r = await cb(f => c.list({ prefix: 'a/' }, f)); return JSON.stringify(r.Contents.map(x => [x.Key, x.ETag])); });
await check('list delimiter', async () => { const r = await cb(f => c.list({ delimiter: '/' }, f)); return JSON.stringify(r.CommonPrefixes); });
await check('copyFile', async () => { await status(await cb(f => c.copyFile('/a/hello.txt', '/b/copy.txt', f)), 200); });
await check('putStream', async () => { const { Readable } = await import('node:stream'); const s = Readable.from([Buffer.from('str'), Buffer.from('eam')]); await status(await cb(f => c.putStream(s, '/a/stream.txt', { 'Content-Length': 6 }, f)), 200); return status(await cb(f => c.getFile('/a/stream.txt', f)), 200); });
await check('signedUrl GET', async () => { const r = await fetch(c.signedUrl('/a/hello.txt', new Date(Date.now() + 60000))); return `${r.status} ${await r.text()}`; });
await check('deleteFile', async () => { await status(await cb(f => c.deleteFile('/b/copy.txt', f)), 204); });
await check('deleteMultiple', async () => status(await cb(f => c.deleteMultiple(['a/hello.txt', 'a/stream.txt', 'a/none'], f)), 200).then(b => (b.match(/<Deleted>/g) || []).length));
console.log(fails ? `${fails} FAILED` : 'all passed');
process.exit(fails ? 1 : 0);
