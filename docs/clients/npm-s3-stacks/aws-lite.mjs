// @aws-lite/client + @aws-lite/s3 (its own signing and XML over node:http)
// against osslite (docs/sdk-suites.md, "Rust object_store and other npm S3 stacks").
// npm i -E @aws-lite/client@0.23.7 @aws-lite/s3@0.2.7
// S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY.
import awsLite from '@aws-lite/client';
import s3 from '@aws-lite/s3';
import { randomBytes, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
const ak = process.env.S3_ACCESS_KEY ?? 'osslite', sk = process.env.S3_SECRET_KEY ?? 'osslite-secret';
const Bucket = 'awslite-' + Math.random().toString(16).slice(2, 10);
let fails = 0;
async function check(name, fn) {
  try { const r = await fn(); console.log(`ok   ${name}${r !== undefined ? ' ' + r : ''}`); }
  catch (e) { fails++; console.log(`FAIL ${name}: ${String(e && (e.stack || e.message) || e).slice(0, 500)} ${e && e.statusCode ? e.statusCode + ' ' + JSON.stringify(e.error || '').slice(0, 300) : ''}`); }
}
async function refused(fn) { try { await fn(); } catch (e) { return `refused ${e.statusCode} ${e.error?.Code ?? e.message?.slice(0, 80)}`; } throw new Error('no error'); }
const aws = await awsLite({ accessKeyId: ak, secretAccessKey: sk, region: 'us-east-1', endpoint, plugins: [s3], autoloadPlugins: false, keepAlive: true });
const md5 = (b) => createHash('md5').update(b).digest('hex');
await check('CreateBucket', () => aws.S3.CreateBucket({ Bucket }));
await check('HeadBucket', async () => JSON.stringify(await aws.S3.HeadBucket({ Bucket })));
await check('ListBuckets', async () => (await aws.S3.ListBuckets()).Buckets.flat().map(b => b.Name).includes(Bucket) /* 0.2.7 nests the list in an array when there are several buckets */);
await check('PutObject string', async () => (await aws.S3.PutObject({ Bucket, Key: 'a/hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { k: 'v' } })).ETag);
await check('GetObject', async () => { const r = await aws.S3.GetObject({ Bucket, Key: 'a/hello.txt' }); return `${r.Body} ${r.ContentType} ${JSON.stringify(r.Metadata)}`; });
await check('GetObject Range', async () => { const r = await aws.S3.GetObject({ Bucket, Key: 'a/hello.txt', Range: 'bytes=6-' }); return `${r.Body} ${r.ContentRange}`; });
await check('HeadObject', async () => { const r = await aws.S3.HeadObject({ Bucket, Key: 'a/hello.txt' }); return `${r.ContentLength} ${r.ETag}`; });
await check('HeadObject missing', () => refused(() => aws.S3.HeadObject({ Bucket, Key: 'nope' })));
await check('GetObject missing', () => refused(() => aws.S3.GetObject({ Bucket, Key: 'nope' })));
await check('GetObject IfNoneMatch', async () => { const h = await aws.S3.HeadObject({ Bucket, Key: 'a/hello.txt' }); return refused(() => aws.S3.GetObject({ Bucket, Key: 'a/hello.txt', IfNoneMatch: h.ETag })); });
await check('PutObject key with odd characters', async () => { const Key = 'odd/a b+c=d&é~!*().txt'; await aws.S3.PutObject({ Bucket, Key, Body: 'odd' }); return (await aws.S3.GetObject({ Bucket, Key })).Body.toString(); });
await check('ListObjectsV2 delimiter', async () => { const r = await aws.S3.ListObjectsV2({ Bucket, Delimiter: '/' }); return JSON.stringify([r.CommonPrefixes, r.KeyCount]); });
await check('ListObjectsV2 paginate', async () => {
  for (let i = 0; i < 7; i++) await aws.S3.PutObject({ Bucket, Key: `p/k${i}`, Body: 'x' });
  const r = await aws.S3.ListObjectsV2({ Bucket, Prefix: 'p/', MaxKeys: 3, paginate: true }); return JSON.stringify(r).length;
});
await check('ListObjectsV2 MaxKeys page', async () => { const r = await aws.S3.ListObjectsV2({ Bucket, Prefix: 'p/', MaxKeys: 3 }); const r2 = await aws.S3.ListObjectsV2({ Bucket, Prefix: 'p/', MaxKeys: 3, ContinuationToken: r.NextContinuationToken }); return `${r.Contents.length} ${r.IsTruncated} ${r2.Contents.map(c => c.Key).join(',')}`; });
await check('CopyObject', async () => { await aws.S3.CopyObject({ Bucket, Key: 'b/copy.txt', CopySource: `${Bucket}/a/hello.txt` }); return (await aws.S3.GetObject({ Bucket, Key: 'b/copy.txt' })).Body.toString(); });
await check('Put/GetObjectTagging', async () => { await aws.S3.PutObjectTagging({ Bucket, Key: 'b/copy.txt', Tagging: { TagSet: [{ Key: 't', Value: '1' }] } }); return JSON.stringify((await aws.S3.GetObjectTagging({ Bucket, Key: 'b/copy.txt' })).TagSet); });
const big = randomBytes(12 * 1024 * 1024 + 5);
await check('multipart by hand', async () => {
  const { UploadId } = await aws.S3.CreateMultipartUpload({ Bucket, Key: 'big/manual.bin' });
  const p1 = await aws.S3.UploadPart({ Bucket, Key: 'big/manual.bin', UploadId, PartNumber: 1, Body: big.subarray(0, 6 * 1024 * 1024) });
  const p2 = await aws.S3.UploadPart({ Bucket, Key: 'big/manual.bin', UploadId, PartNumber: 2, Body: big.subarray(6 * 1024 * 1024) });
  const lp = await aws.S3.ListParts({ Bucket, Key: 'big/manual.bin', UploadId });
  const lu = await aws.S3.ListMultipartUploads({ Bucket });
  await aws.S3.CompleteMultipartUpload({ Bucket, Key: 'big/manual.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } });
  const g = await aws.S3.GetObject({ Bucket, Key: 'big/manual.bin' });
  if (md5(g.Body) !== md5(big)) throw new Error('md5 differs');
  return `parts=${lp.Parts?.length} uploads=${JSON.stringify(lu.Uploads ?? lu.Upload ?? '').length > 2}`;
});
await check('AbortMultipartUpload', async () => { const { UploadId } = await aws.S3.CreateMultipartUpload({ Bucket, Key: 'big/aborted' }); await aws.S3.AbortMultipartUpload({ Bucket, Key: 'big/aborted', UploadId }); return refused(() => aws.S3.ListParts({ Bucket, Key: 'big/aborted', UploadId })); });
await check('PutObject File (streamed, multipart)', async () => { writeFileSync('/tmp/rs34-awslite-big.bin', big); await aws.S3.PutObject({ Bucket, Key: 'big/file.bin', File: '/tmp/rs34-awslite-big.bin' }); const g = await aws.S3.GetObject({ Bucket, Key: 'big/file.bin' }); if (md5(g.Body) !== md5(big)) throw new Error('md5'); return g.ETag; });
await check('Upload (multipart helper)', async () => { await aws.S3.Upload({ Bucket, Key: 'big/upload.bin', File: '/tmp/rs34-awslite-big.bin' }); const g = await aws.S3.GetObject({ Bucket, Key: 'big/upload.bin' }); if (md5(g.Body) !== md5(big)) throw new Error('md5'); return g.ETag; });
await check('PutBucketVersioning + ListObjectVersions', async () => { await aws.S3.PutBucketVersioning({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }); await aws.S3.PutObject({ Bucket, Key: 'v/x', Body: '1' }); await aws.S3.PutObject({ Bucket, Key: 'v/x', Body: '2' }); const r = await aws.S3.ListObjectVersions({ Bucket, Prefix: 'v/' }); return (await aws.S3.GetBucketVersioning({ Bucket })).Status + ' ' + JSON.stringify(r.Versions ?? r.Version).length; });
await check('GetBucketLocation', async () => JSON.stringify(await aws.S3.GetBucketLocation({ Bucket })));
await check('Put/Get/DeleteBucketCors', async () => { await aws.S3.PutBucketCors({ Bucket, CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }] } }); const r = await aws.S3.GetBucketCors({ Bucket }); await aws.S3.DeleteBucketCors({ Bucket }); return JSON.stringify(r.CORSRules); });
await check('Put/GetBucketTagging', async () => { await aws.S3.PutBucketTagging({ Bucket, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }); return JSON.stringify((await aws.S3.GetBucketTagging({ Bucket })).TagSet); });
await check('Put/GetBucketLifecycleConfiguration', async () => { await aws.S3.PutBucketLifecycleConfiguration({ Bucket, LifecycleConfiguration: { Rules: [{ ID: 'r1', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }] } }); return JSON.stringify((await aws.S3.GetBucketLifecycleConfiguration({ Bucket })).Rules); });
await check('Put/GetBucketPolicy', async () => { const Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/pub/*` }] }; await aws.S3.PutBucketPolicy({ Bucket, Policy }); return JSON.stringify(await aws.S3.GetBucketPolicy({ Bucket })).slice(0, 80); });
await check('GetObjectAttributes', async () => JSON.stringify(await aws.S3.GetObjectAttributes({ Bucket, Key: 'a/hello.txt', ObjectAttributes: ['ETag', 'ObjectSize', 'StorageClass'] })));
await check('DeleteObjects', async () => { const r = await aws.S3.DeleteObjects({ Bucket, Delete: { Objects: [{ Key: 'p/k0' }, { Key: 'p/k1' }, { Key: 'nope' }] } }); return JSON.stringify(r.Deleted ?? r).slice(0, 120); });
await check('DeleteObject', async () => JSON.stringify(await aws.S3.DeleteObject({ Bucket, Key: 'a/hello.txt' })));
await check('DeleteBucket non-empty', () => refused(() => aws.S3.DeleteBucket({ Bucket })));
console.log(fails ? `${fails} FAILED` : 'all passed');
process.exit(fails ? 1 : 0);
