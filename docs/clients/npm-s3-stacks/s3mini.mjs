// s3mini (a small fetch-based S3 client with its own SigV4 and XML) against
// osslite (docs/sdk-suites.md, "Rust object_store and other npm S3 stacks").
// npm i -E s3mini@1.0.2 aws4fetch
// S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY.
import { S3mini } from 's3mini';
import { AwsClient } from 'aws4fetch';
import { randomBytes, createHash } from 'node:crypto';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const ak = process.env.S3_ACCESS_KEY ?? 'osslite', sk = process.env.S3_SECRET_KEY ?? 'osslite-secret';
const bucket = 'mini-' + Math.random().toString(16).slice(2, 10);
let fails = 0;
async function check(name, fn) {
  try { const r = await fn(); console.log(`ok   ${name}${r !== undefined ? ' ' + r : ''}`); }
  catch (e) { fails++; console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)} ${e?.cause ? String(e.cause).slice(0, 300) : ''}`); }
}
const s3 = new S3mini({ accessKeyId: ak, secretAccessKey: sk, endpoint: `${endpoint}/${bucket}`, region: 'us-east-1' });
const md5 = (b) => createHash('md5').update(b).digest('hex');
const want = (v, w) => { if (JSON.stringify(v) !== JSON.stringify(w)) throw new Error(`got ${JSON.stringify(v)}, want ${JSON.stringify(w)}`); return JSON.stringify(v); };
await check('bucketExists before', async () => want(await s3.bucketExists(), false));
// s3mini's createBucket always sends <LocationConstraint>REGION</LocationConstraint>; for
// us-east-1 S3 refuses that (400 InvalidLocationConstraint), and so does osslite.
await check('createBucket us-east-1 -> InvalidLocationConstraint', async () => { try { await s3.createBucket(); } catch (e) { return String(e.message); } throw new Error('no error'); });
const aws = new AwsClient({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1', service: 's3' });
await check('CreateBucket (aws4fetch, no body)', async () => (await aws.fetch(`${endpoint}/${bucket}`, { method: 'PUT' })).status);
await check('bucketExists', async () => want(await s3.bucketExists(), true));
await check('putObject', async () => (await s3.putObject('a/hello.txt', 'hello world', 'text/plain')).status);
await check('getObject', async () => want(await s3.getObject('a/hello.txt'), 'hello world'));
await check('getObjectWithETag', async () => (await s3.getObjectWithETag('a/hello.txt')).etag);
await check('getObjectRaw range', async () => { const r = await s3.getObjectRaw('a/hello.txt', false, 0, 4); return `${r.status} ${await r.text()}`; });
await check('getContentLength', async () => want(await s3.getContentLength('a/hello.txt'), 11));
await check('objectExists', async () => `${await s3.objectExists('a/hello.txt')} ${await s3.objectExists('a/missing')}`);
await check('getEtag', async () => s3.getEtag('a/hello.txt'));
await check('getObject missing -> null', async () => want(await s3.getObject('a/missing'), null));
await check('getObjectJSON', async () => { await s3.putObject('j.json', JSON.stringify({ x: 1 }), 'application/json'); return want(await s3.getObjectJSON('j.json'), { x: 1 }); });
await check('putObject odd key', async () => { await s3.putObject('odd/a b+c=d&é~!*().txt', 'odd'); return want(await s3.getObject('odd/a b+c=d&é~!*().txt'), 'odd'); });
await check('listObjects', async () => (await s3.listObjects('/', '')).map(o => o.Key ?? o.Prefix).join(','));
await check('listObjects prefix', async () => (await s3.listObjects('/', 'a/')).map(o => o.Key).join(','));
await check('listObjectsPaged', async () => { for (let i = 0; i < 5; i++) await s3.putObject(`p/k${i}`, 'x'); const r = await s3.listObjectsPaged('/', 'p/', 2); return `${r?.objects?.length} ${!!r?.nextContinuationToken}`; });
await check('listObjects maxKeys beyond 1000 (pages)', async () => (await s3.listObjects('/', 'p/', 3)).length);
const big = randomBytes(13 * 1024 * 1024 + 1);
await check('multipart by hand', async () => {
  const id = await s3.getMultipartUploadId('big/m.bin', 'application/octet-stream');
  const cut = 8 * 1024 * 1024;
  const p1 = await s3.uploadPart('big/m.bin', id, big.subarray(0, cut), 1);
  const p2 = await s3.uploadPart('big/m.bin', id, big.subarray(cut), 2);
  const lu = await s3.listMultipartUploads();
  const done = await s3.completeMultipartUpload('big/m.bin', id, [p1, p2]);
  const got = Buffer.from(await s3.getObjectArrayBuffer('big/m.bin'));
  if (md5(got) !== md5(big)) throw new Error('md5');
  return `${JSON.stringify(done).slice(0, 120)} uploads=${JSON.stringify(lu).length}`;
});
await check('putAnyObject (auto multipart)', async () => { await s3.putAnyObject('big/any.bin', big); const got = Buffer.from(await s3.getObjectArrayBuffer('big/any.bin')); if (md5(got) !== md5(big)) throw new Error('md5'); return await s3.getEtag('big/any.bin'); });
// s3mini decodes only the five named entities: quotes must come as &quot;, as S3 writes them.
await check('key with quotes listed', async () => { await s3.putObject('q/say "hi".txt', 'x'); return want((await s3.listObjects('/', 'q/')).map(o => o.Key), ['q/say "hi".txt']); });
await check('completeMultipartUpload ETag unescaped', async () => {
  const id = await s3.getMultipartUploadId('q/m'); const p = await s3.uploadPart('q/m', id, Buffer.from('abc'), 1);
  const r = await s3.completeMultipartUpload('q/m', id, [p]); if (!/^"[0-9a-f]+-1"$/.test(r.ETag)) throw new Error('ETag ' + r.ETag); return r.ETag;
});
await check('abortMultipartUpload', async () => { const id = await s3.getMultipartUploadId('big/ab'); return JSON.stringify(await s3.abortMultipartUpload('big/ab', id)); });
await check('copyObject', async () => { const r = await s3.copyObject('a/hello.txt', 'b/copy.txt'); return `${JSON.stringify(r)} ${await s3.getObject('b/copy.txt')}`; });
await check('moveObject', async () => { await s3.moveObject('b/copy.txt', 'b/moved.txt'); return `${await s3.objectExists('b/copy.txt')} ${await s3.getObject('b/moved.txt')}`; });
await check('setBucketVersioning', async () => { await s3.setBucketVersioning('Enabled'); return await s3.getBucketVersioning(); });
await check('listObjectVersions', async () => { await s3.putObject('v/x', '1'); await s3.putObject('v/x', '2'); return (await s3.listObjectVersions('v/x'))?.length; });
await check('deleteObject', async () => want(await s3.deleteObject('a/hello.txt'), true));
await check('deleteObjects', async () => JSON.stringify(await s3.deleteObjects(['p/k0', 'p/k1', 'p/none'])));
console.log(fails ? `${fails} FAILED` : 'all passed');
process.exit(fails ? 1 : 0);
