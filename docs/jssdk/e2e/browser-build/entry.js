// Adaptation: one bundle for the S3 client (upstream test/browser-build/esbuild.js: dist-es/index.js, platform browser)
// and its browser runtime config (upstream imports ../../src/runtimeConfig.browser), so both share modules.
export * from "@aws-sdk/client-s3/dist-es/index.js";
export { getRuntimeConfig } from "@aws-sdk/client-s3/dist-es/runtimeConfig.browser.js";
