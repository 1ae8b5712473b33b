// Shared helpers for the aws-sdk v2 (v2.mjs) and minio-js (minio.mjs) sweeps, same style as run.mjs.
// Not run by itself; see v2.mjs / minio.mjs for how to run them (from docs/jssdk, after
// `npm install --no-save aws-sdk@2.1693.0 minio@8.0.7`, with osslite on 127.0.0.1:9700, keys jskey / jssecret,
// or OSSLITE_ENDPOINT=http://host:port).
import crypto from "node:crypto";
import dns from "node:dns";
import { Readable } from "node:stream";
import os from "node:os";

export const ENDPOINT = process.env.OSSLITE_ENDPOINT || "http://127.0.0.1:9700";
export const HOSTPORT = new URL(ENDPOINT);
export const ACCESS = "jskey", SECRET = "jssecret";
export const VERBOSE = !!process.env.VERBOSE;
export const FILTER = process.argv[2] || "";

export const REC = { LOG: [] };
export function fmtRec(r) {
  const h = Object.fromEntries(Object.entries(r.headers || {}).filter(([k]) => !/^(authorization|user-agent|x-amz-user-agent)$/i.test(k)));
  let s = `      > ${r.method} http://${r.host}${r.path}\n      > headers ${JSON.stringify(h)}`;
  if (r.auth) s += `\n      > authorization ${String(r.auth).replace(/Signature=[0-9a-f]+/, "Signature=…").replace(/:[A-Za-z0-9+/=]{20,}$/, ":…")}`;
  if (r.netError) s += `\n      < NETWORK ERROR ${r.netError}`;
  if (r.status !== undefined) {
    const rh = Object.fromEntries(Object.entries(r.resHeaders || {}).filter(([k]) => !["date", "x-amz-id-2", "server"].includes(k)));
    s += `\n      < ${r.status} ${JSON.stringify(rh)}`;
    if (r.body) s += `\n      < body ${r.body.slice(0, 700).replace(/\n/g, " ")}`;
  }
  return s;
}

export class AssertError extends Error { constructor(m, cause) { super(m); this.name = "AssertError"; if (cause) this.cause = cause; } }
export const assert = (cond, msg) => { if (!cond) throw new AssertError(msg); };
export const eq = (a, b, msg) => { if (a !== b) throw new AssertError(`${msg}: got ${JSON.stringify(a)} want ${JSON.stringify(b)}`); };
export const deq = (a, b, msg) => { const A = JSON.stringify(a), B = JSON.stringify(b); if (A !== B) throw new AssertError(`${msg}: got ${A} want ${B}`); };
export const md5hex = (b) => crypto.createHash("md5").update(b).digest("hex");
export const md5b64 = (b) => crypto.createHash("md5").update(b).digest("base64");
export const sha256hex = (b) => crypto.createHash("sha256").update(b).digest("hex");
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function streamToBuf(s) { const ch = []; for await (const x of s) ch.push(Buffer.from(x)); return Buffer.concat(ch); }
export const utf8sort = (arr) => [...arr].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
export const urlDec = (s) => decodeURIComponent(s.replace(/\+/g, " "));
export const MiB = 1 << 20;
export const RID = crypto.randomBytes(3).toString("hex");
export const TMP = os.tmpdir(); // scratch files (removed after use)
export const vhLookup = (host, opts, cb) => {
  if (typeof opts === "function") { cb = opts; opts = {}; }
  if (host === "localhost" || host.endsWith(".localhost")) return opts.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4);
  return dns.lookup(host, opts, cb);
};
// a readable of known total size that yields chunks over time (no length property)
export function chunked(buf, chunk = 64 * 1024, delayEvery = 0) {
  async function* gen() { for (let i = 0; i < buf.length; i += chunk) { if (delayEvery && (i / chunk) % delayEvery === 0) await sleep(1); yield buf.subarray(i, Math.min(buf.length, i + chunk)); } }
  return Readable.from(gen(), { objectMode: false });
}
export const LKEYS = ["l/a/1.txt", "l/a/2.txt", "l/a/b/3.txt", "l/space key.txt", "l/ünï/ç😀.txt", "l/plus+key", "l/per%cent", "l/amp&key", "l/lt<key", "l/top.txt"];
export const CSV = "name,age,city\nalice,30,Paris\nbob,45,Berlin\ncarol,31,Rome\ndave,22,Oslo\n";

// ---------------------------------------------------------------- runner
export function makeRunner() {
  const cases = [];
  const NOTES = [];
  const t = (name, fn, timeoutMs = 90000) => cases.push({ name, fn, timeoutMs });
  const note = (s) => NOTES.push(s);
  async function run(header, errFmt) {
    const results = [];
    for (const h of header) console.log(h);
    for (const cs of cases) {
      if (FILTER && !cs.name.includes(FILTER) && !/^(1\.1 |4\.0 |99 )/.test(cs.name)) continue;
      REC.LOG = []; NOTES.length = 0;
      let status = "PASS", err;
      try {
        const r = await Promise.race([cs.fn(), sleep(cs.timeoutMs).then(() => { throw new Error(`TIMEOUT after ${cs.timeoutMs} ms`); })]);
        if (r === "SKIP") status = "SKIP";
        else if (r && r.client) { status = "CLIENT"; NOTES.push("CLIENT-SIDE failure (server answers as S3 does): " + r.client); if (r.rec) NOTES.push("request:\n" + fmtRec(r.rec)); }
        else if (r && r.diff) { status = "DIFF"; NOTES.push("DIFF: " + r.diff); for (const x of (r.rec ? [r.rec] : REC.LOG.slice(-1))) NOTES.push("request:\n" + fmtRec(x)); }
      } catch (e) { status = "FAIL"; err = e; }
      results.push({ name: cs.name, status });
      console.log(`${status} ${cs.name}`);
      for (const n of NOTES) console.log(`    note: ${n}`);
      if (err) {
        console.log(`    error: ${err.name}: ${err.message}`);
        const e = err.cause && err instanceof AssertError ? err.cause : err;
        if (e !== err || !(err instanceof AssertError)) console.log(`    client error: ${errFmt(e)}`);
        if (!(err instanceof AssertError) && err.stack && !e.statusCode && !e.code) console.log("    " + err.stack.split("\n").slice(1, 4).join("\n    "));
        const show = REC.LOG.filter((r) => r.netError || r.status >= 300);
        for (const r of (show.length ? show.slice(-3) : REC.LOG.slice(-2))) console.log(fmtRec(r));
      } else if (VERBOSE) for (const r of REC.LOG) console.log(fmtRec(r));
    }
    const n = (s) => results.filter((r) => r.status === s).length;
    console.log(`\nSUMMARY: ${n("PASS")} PASS, ${n("FAIL")} FAIL, ${n("CLIENT")} CLIENT (client library fails, server as S3), ${n("DIFF")} DIFF (known, accepted difference from S3, see its note), ${n("SKIP")} SKIP of ${results.length}`);
    for (const r of results.filter((r) => r.status === "CLIENT")) console.log(`  CLIENT ${r.name}`);
    for (const r of results.filter((r) => r.status === "DIFF")) console.log(`  DIFF ${r.name}`);
    for (const r of results.filter((r) => r.status === "FAIL")) console.log(`  FAIL ${r.name}`);
    for (const r of results.filter((r) => r.status === "SKIP")) console.log(`  SKIP ${r.name}`);
  }
  return { t, note, run };
}
