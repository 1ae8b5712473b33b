// vitest configuration for aws-sdk-js-v3's own S3 e2e specs against osslite (docs/sdk-suites.md,
// "aws-sdk-js-v3's own S3 e2e tests"). The aliases are the only adaptation the specs share.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@aws-sdk\/client-s3$/, replacement: here("./shim/client-s3.ts") },
      { find: /^@aws-sdk\/client-sts$/, replacement: here("./shim/client-sts.ts") },
      { find: /^@aws-sdk\/aws-util-test\/src$/, replacement: here("./shim/integ-resources.ts") },
      { find: /^.*tests\/e2e\/get-integ-test-resources$/, replacement: here("./shim/integ-resources.ts") },
    ],
  },
  test: { include: ["specs/**/*.e2e.spec.ts"], fileParallelism: false, testTimeout: 120000, hookTimeout: 120000, globals: true },
});
