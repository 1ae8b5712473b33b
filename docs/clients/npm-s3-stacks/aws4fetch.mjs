// aws4fetch (SigV4 over WHATWG fetch; S3 requests built by hand) against
// osslite (docs/sdk-suites.md, "Rust object_store and other npm S3 stacks").
// npm i -E aws4fetch@1.0.20
// S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY.
import { AwsClient } from 'aws4fetch';
import { randomBytes, createHash } from 'node:crypto';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const ak = process.env.S3_ACCESS_KEY ?? 'osslite', sk = process.env.S3_SECRET_KEY ?? 'osslite-secret';
const bucket = 'a4f-' + Math.random().toString(16).slice(2, 10);
let fails = 0;
async function check(name, fn) {
  try { const r = await fn(); console.log(`ok   ${name}${r !== undefined ? ' ' + r : ''}`); }
  catch (e) { fails++; console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)}`); }
}
const aws = new AwsClient({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1', service: 's3' });
const B = `${endpoint}/${bucket}`;
async function req(url, init = {}, want = 200) {
  const r = await aws.fetch(url, init);
  const body = Buffer.from(await r.arrayBuffer());
  if (r.status !== want) throw new Error(`${init.method ?? 'GET'} ${url}: ${r.status} ${body.toString().slice(0, 300)}`);
  return { r, body, text: body.toString() };
}
const tag = (xml, t) => [...xml.matchAll(new RegExp(`<${t}>([^<]*)</${t}>`, 'g'))].map(m => m[1]);
const md5 = (b) => createHash('md5').update(b).digest();
await check('CreateBucket', async () => (await req(B, { method: 'PUT' })).r.status);
await check('PutObject (signed payload)', async () => (await req(`${B}/a/hello.txt`, { method: 'PUT', body: 'hello world', headers: { 'Content-Type': 'text/plain', 'x-amz-meta-k': 'v' } })).r.headers.get('etag'));
await check('PutObject stream body (UNSIGNED-PAYLOAD)', async () => {
  const data = randomBytes(100000);
  const stream = new ReadableStream({ start(c) { c.enqueue(data.subarray(0, 50000)); c.enqueue(data.subarray(50000)); c.close(); } });
  await req(`${B}/a/stream.bin`, { method: 'PUT', body: stream, duplex: 'half', headers: { 'Content-Length': String(data.length) } });
  const g = await req(`${B}/a/stream.bin`); if (!g.body.equals(data)) throw new Error('differs'); return g.body.length;
});
await check('PutObject key with odd characters', async () => { const k = encodeURIComponent('odd/a b+c=d&é~!*()\'.txt').replace(/%2F/g, '/'); await req(`${B}/${k}`, { method: 'PUT', body: 'odd' }); return (await req(`${B}/${k}`)).text; });
await check('GetObject + meta', async () => { const g = await req(`${B}/a/hello.txt`); return `${g.text} ${g.r.headers.get('content-type')} ${g.r.headers.get('x-amz-meta-k')}`; });
await check('GetObject Range', async () => { const g = await req(`${B}/a/hello.txt`, { headers: { Range: 'bytes=-5' } }, 206); return `${g.text} ${g.r.headers.get('content-range')}`; });
await check('HeadObject', async () => { const g = await req(`${B}/a/hello.txt`, { method: 'HEAD' }); return g.r.headers.get('content-length'); });
await check('PutObject If-None-Match *', async () => { const r = await aws.fetch(`${B}/a/hello.txt`, { method: 'PUT', body: 'x', headers: { 'If-None-Match': '*' } }); return r.status; });
await check('ListObjectsV2 delimiter', async () => { const l = await req(`${B}?list-type=2&delimiter=%2F`); return tag(l.text, 'Prefix').join(','); });
await check('ListObjectsV2 pages', async () => {
  for (let i = 0; i < 5; i++) await req(`${B}/p/k${i}`, { method: 'PUT', body: 'x' });
  let token = '', keys = [];
  for (;;) { const l = await req(`${B}?list-type=2&prefix=p%2F&max-keys=2${token ? '&continuation-token=' + encodeURIComponent(token) : ''}`); keys.push(...tag(l.text, 'Key')); token = tag(l.text, 'NextContinuationToken')[0]; if (!token) break; }
  return keys.join(',');
});
await check('ListObjects v1 marker + url encoding', async () => { const l = await req(`${B}?prefix=odd%2F&encoding-type=url`); return tag(l.text, 'Key').join(','); });
await check('CopyObject', async () => { const c = await req(`${B}/b/copy.txt`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${bucket}/a/hello.txt` } }); return tag(c.text, 'ETag')[0]; });
const big = randomBytes(11 * 1024 * 1024 + 3);
await check('multipart', async () => {
  const c = await req(`${B}/big/m.bin?uploads`, { method: 'POST' });
  const id = tag(c.text, 'UploadId')[0];
  const cut = 5 * 1024 * 1024, parts = [big.subarray(0, cut), big.subarray(cut, 2 * cut), big.subarray(2 * cut)];
  const etags = [];
  for (let i = 0; i < parts.length; i++) etags.push((await req(`${B}/big/m.bin?partNumber=${i + 1}&uploadId=${encodeURIComponent(id)}`, { method: 'PUT', body: parts[i] })).r.headers.get('etag'));
  const lp = await req(`${B}/big/m.bin?uploadId=${encodeURIComponent(id)}`);
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await req(`${B}/big/m.bin?uploadId=${encodeURIComponent(id)}`, { method: 'POST', body: xml });
  const g = await req(`${B}/big/m.bin`); if (!g.body.equals(big)) throw new Error('differs');
  return `${tag(lp.text, 'PartNumber').length} parts ${tag(done.text, 'ETag')[0]}`;
});
await check('UploadPartCopy', async () => {
  const id = tag((await req(`${B}/big/c.bin?uploads`, { method: 'POST' })).text, 'UploadId')[0];
  const p1 = await req(`${B}/big/c.bin?partNumber=1&uploadId=${encodeURIComponent(id)}`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${bucket}/big/m.bin`, 'x-amz-copy-source-range': 'bytes=0-5242879' } });
  const p2 = await req(`${B}/big/c.bin?partNumber=2&uploadId=${encodeURIComponent(id)}`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${bucket}/a/hello.txt` } });
  const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${tag(p1.text, 'ETag')[0]}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${tag(p2.text, 'ETag')[0]}</ETag></Part></CompleteMultipartUpload>`;
  await req(`${B}/big/c.bin?uploadId=${encodeURIComponent(id)}`, { method: 'POST', body: xml.replace(/&quot;/g, '"') });
  const h = await req(`${B}/big/c.bin`, { method: 'HEAD' }); return h.r.headers.get('content-length');
});
await check('ListMultipartUploads + Abort', async () => { const id = tag((await req(`${B}/big/ab?uploads`, { method: 'POST' })).text, 'UploadId')[0]; const l = await req(`${B}?uploads`); await req(`${B}/big/ab?uploadId=${encodeURIComponent(id)}`, { method: 'DELETE' }, 204); return tag(l.text, 'Key').join(','); });
await check('presigned GET (signQuery)', async () => { const s = await aws.sign(`${B}/a/hello.txt?X-Amz-Expires=60`, { aws: { signQuery: true } }); const r = await fetch(s.url); return `${r.status} ${await r.text()}`; });
await check('presigned PUT (signQuery)', async () => { const s = await aws.sign(`${B}/a/pp.txt?X-Amz-Expires=60`, { method: 'PUT', aws: { signQuery: true } }); const r = await fetch(s.url, { method: 'PUT', body: 'pp' }); return `${r.status} ${(await req(`${B}/a/pp.txt`)).text}`; });
await check('DeleteObjects (Content-MD5)', async () => { const xml = '<Delete><Object><Key>p/k0</Key></Object><Object><Key>p/k1</Key></Object><Quiet>true</Quiet></Delete>'; const d = await req(`${B}?delete`, { method: 'POST', body: xml, headers: { 'Content-MD5': md5(Buffer.from(xml)).toString('base64') } }); return d.text.length; });
await check('DeleteObject', async () => (await req(`${B}/a/hello.txt`, { method: 'DELETE' }, 204)).r.status);
await check('GetObject missing 404', async () => tag((await req(`${B}/a/hello.txt`, {}, 404)).text, 'Code')[0]);
console.log(fails ? `${fails} FAILED` : 'all passed');
process.exit(fails ? 1 : 0);
