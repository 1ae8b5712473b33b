// Adaptation shim for tests/e2e/get-integ-test-resources and @aws-sdk/aws-util-test's getE2eTestResources:
// instead of CloudFormation outputs, a bucket created on osslite.
import { S3 } from "./client-s3";
const BUCKET = process.env.SMOKE_BUCKET || "js-sdk-e2e-smoke";
let made: Promise<void> | undefined;
async function ensure() {
  const s3 = new S3({});
  try { await s3.headBucket({ Bucket: BUCKET }); } catch { await s3.createBucket({ Bucket: BUCKET }); }
  // as tests/e2e/IntegTestResourcesStack.template.json configures IntegTestBucket
  await s3.putBucketCors({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [{
    AllowedHeaders: ["*"], AllowedMethods: ["GET", "PUT", "POST", "DELETE", "HEAD"], AllowedOrigins: ["*"],
    ExposeHeaders: ["ETag", "Date", "x-amz-request-id", "x-amz-id-2"], MaxAgeSeconds: 3000 }] } });
}
export async function getIntegTestResources() {
  made ??= ensure();
  await made;
  return { AWS_SMOKE_TEST_REGION: "us-east-1", AWS_SMOKE_TEST_BUCKET: BUCKET };
}
export const getE2eTestResources = getIntegTestResources;
