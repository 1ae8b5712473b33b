// Adaptation shim (not an SDK file): every S3 / S3Client the specs construct talks to osslite.
// Only endpoint, forcePathStyle, credentials and region are set; everything else stays default.
import * as real from "@aws-sdk/client-s3/dist-cjs/index.js";
export * from "@aws-sdk/client-s3/dist-cjs/index.js";
export const ENDPOINT = process.env.OSSLITE_ENDPOINT || "http://127.0.0.1:19650";
export function osslite(cfg: any = {}) {
  return {
    ...cfg,
    endpoint: ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: "jskey", secretAccessKey: "jssecret" },
    // KEEP_REGION=1 keeps a region the spec names (the region-redirect spec's point); else us-east-1
    region: process.env.KEEP_REGION === "1" && cfg.region ? cfg.region : "us-east-1",
  };
}
export class S3Client extends (real as any).S3Client { constructor(cfg?: any) { super(osslite(cfg)); } }
export class S3 extends (real as any).S3 { constructor(cfg?: any) { super(osslite(cfg)); } }
