// Figures for the offline page beside the JavaScript verifiers users would pick instead, in one run
// of headless Chromium from file://: download size, open → first verdict (a fresh browser profile
// per cold run), warm verifications per second, and in-browser measurement of OVMF.amdsev.fd +
// 14 MB kernel + 40 MB initrd beside the native CLI on the same inputs.
//
//   (cd bench/web && npm ci)       # the peers, bundled here with esbuild: @tinfoilsh/verifier 1.1.0,
//                                  # @lit-protocol/sev-snp-utils-sdk 6.11.5 (+ pako), playwright-core
//   node bench/web.mjs BUILD_WASM_DIR BUILD_RELEASE_DIR TESTDATA [--cold N] [--warm-ms MS]
//
// All run the same real report, routex-genoa-v3 (tinfoil verifies Genoa v2/v3 reports only): tinfoil
// its verification core with its default policy minus the TSME requirement no real report meets,
// lit its one call, sevproof both as the real page (UI driven) and as its verify core alone.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import crypto from 'node:crypto';

const { values: opt, positionals } = parseArgs({ allowPositionals: true,
  options: { cold: { type: 'string', default: '7' }, 'warm-ms': { type: 'string', default: '3000' } } });
const [wasmDir, releaseDir, td] = positionals.map((p) => resolve(p));
const benchDir = join(dirname(fileURLToPath(import.meta.url)), 'web');
const require = createRequire(join(benchDir, 'package.json'));
const { chromium } = require('playwright-core');
const esbuild = require('esbuild');
const html = join(wasmDir, 'web/sevproof.html');
const work = mkdtempSync(join(tmpdir(), 'sevproof-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => (n / 1024).toFixed(0) + ' KB';
const b64 = (rel) => readFileSync(join(td, rel)).toString('base64');
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// ---- the peers, bundled as classic scripts (file:// pages cannot load ES modules) ----
async function bundle(name, contents) {
  const out = await esbuild.build({ stdin: { contents, resolveDir: benchDir }, bundle: true, minify: true, format: 'iife',
                                    platform: 'browser', write: false, logLevel: 'silent', define: { 'process.env.NODE_ENV': '"production"' } });
  return out.outputFiles[0].text;
}
const tinfoilJs = await bundle('tinfoil', `
  import { Report } from './node_modules/@tinfoilsh/verifier/dist/sev/report.js';
  import { CertificateChain } from './node_modules/@tinfoilsh/verifier/dist/sev/cert-chain.js';
  import { verifyAttestation } from './node_modules/@tinfoilsh/verifier/dist/sev/verify.js';
  import { validateReport, defaultValidationOptions } from './node_modules/@tinfoilsh/verifier/dist/sev/validation.js';
  const options = { ...defaultValidationOptions, platformInfo: { ...defaultValidationOptions.platformInfo, tsmeEnabled: false } };
  self.peerVerify = async (report, vcek) => {
    const r = new Report(report);
    const chain = await CertificateChain.fromReport(r, vcek);
    if (!(await verifyAttestation(chain, r))) throw new Error('not verified');
    validateReport(r, chain, options);
    return true;
  };`);
const litJs = await bundle('lit', `
  import { initWasmSevSnpUtilsSdk } from '@lit-protocol/sev-snp-utils-sdk';
  let sdk = null;
  self.peerVerify = async (report, vcek) => {
    sdk = sdk || await initWasmSevSnpUtilsSdk();
    let s = ''; for (const b of report) s += String.fromCharCode(b);
    await sdk.verify_attestation_report(btoa(s), vcek);
    return true;
  };`);

// One harness page per verifier: the evidence inline, first verdict time-stamped, then a warm loop.
function harness(name, script, report, vcek) {
  const page = `<!doctype html><meta charset="utf-8"><title>${name}</title><body><script>${script}</script><script>
    const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    const report = bytes('${b64(report)}'), vcek = bytes('${b64(vcek)}');
    (async () => {
      try {
        await peerVerify(report, vcek);
        window.firstVerdict = performance.now();
      } catch (e) { window.failed = String(e && e.message || e); }
    })();
    window.warm = async (ms) => {
      let n = 0; const t0 = performance.now();
      while (performance.now() - t0 < ms) { await peerVerify(report, vcek); n++; }
      return n / ((performance.now() - t0) / 1000);
    };
  </script>`;
  const file = join(work, name + '.html');
  writeFileSync(file, page);
  return file;
}
// sevproof's verify core alone: its glue and wasm as the page carries them, no UI.
function sevproofCore() {
  const page = readFileSync(html, 'utf8');
  const glue = page.match(/<script id="sevproof-core">([\s\S]*?)<\/script>/)[1];
  const wasm = page.match(/<script type="application\/octet-stream" id="sevproof-core-wasm"[^>]*>([\s\S]*?)<\/script>/)[1];
  return `${glue}
    const packed = Uint8Array.fromBase64 ? Uint8Array.fromBase64('${wasm}') : Uint8Array.from(atob('${wasm}'), (c) => c.charCodeAt(0));
    const ready = createSevproof({ instantiateWasm(imports, receive) {
      const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
      WebAssembly.instantiateStreaming(new Response(stream, { headers: { 'Content-Type': 'application/wasm' } }), imports)
        .then((r) => receive(r.instance, r.module));
      return {};
    } });
    // as the page does it: the report signature and the chain links by WebCrypto for the library's exact questions
    const b64 = (t) => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
    const keys = new Map();
    self.peerVerify = async (report, vcek) => {
      const core = await ready;
      const req = { report, vcek };
      const q = JSON.parse(core.signatureInput(req));
      const answers = [];  // the chain links' RSA-PSS questions not yet answered (the first verification only)
      for (const l of q.links || []) {
        const k = await crypto.subtle.importKey('spki', b64(l.spki), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['verify']);
        answers.push({ id: l.id, valid: await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, k, b64(l.signature), b64(l.tbs)) });
      }
      if (answers.length) core.answerRsaPss(answers);
      if (q.id) {
        let key = keys.get(q.spki);
        if (!key) keys.set(q.spki, key = await crypto.subtle.importKey('spki', b64(q.spki), { name: 'ECDSA', namedCurve: 'P-384' }, false, ['verify']));
        const rs = new Uint8Array(96); rs.set(b64(q.r)); rs.set(b64(q.s), 48);
        req.webcrypto = { id: q.id, valid: await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, key, rs, b64(q.message)) };
      }
      const r = JSON.parse(core.verify(req));
      if (!r.verified) throw new Error(r.summary ? r.summary.text : JSON.stringify(r.error));
      return true;
    };`;
}

async function coldRun(url, until) {
  const dir = mkdtempSync(join(work, 'profile-'));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args });
  try {
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      new MutationObserver(() => {
        const s = document.getElementById('status');
        if (s && s.dataset.state === 'verified' && !window.firstVerdict) window.firstVerdict = performance.now();
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    const t0 = performance.now();
    await page.goto(url);
    await until(page);
    await page.waitForFunction(() => window.firstVerdict || window.failed, null, { timeout: 60000 });
    const failed = await page.evaluate(() => window.failed);
    if (failed) throw new Error(url + ': ' + failed);
    const inPage = await page.evaluate(() => window.firstVerdict);
    return { inPage, wall: performance.now() - t0, page, close: async () => { await ctx.close(); rmSync(dir, { recursive: true, force: true }); } };
  } catch (e) {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const none = async () => {};
const drivePage = (dir) => async (page) => {
  await page.waitForSelector('#status[data-state="ready"]');
  await page.setInputFiles('#report', join(td, `reports/${dir}/report.bin`));
  await page.setInputFiles('#vcek', join(td, `reports/${dir}/vcek.der`));
  await page.click('#verify');
};
const R = 'reports/routex-genoa-v3/';  // a report every contender can verify (tinfoil: Genoa, v2/v3 only)
const contenders = [
  { name: 'sevproof page (UI driven)', url: pathToFileURL(html).href, until: drivePage('routex-genoa-v3'), size: readFileSync(html) },
  { name: 'sevproof verify core', file: harness('sevproof', sevproofCore(), R + 'report.bin', R + 'vcek.der') },
  { name: 'tinfoil core path', file: harness('tinfoil', tinfoilJs, R + 'report.bin', R + 'vcek.der'), size: Buffer.from(tinfoilJs) },
  { name: 'lit', file: harness('lit', litJs, R + 'report.bin', R + 'vcek.der'), size: Buffer.from(litJs) },
];

const page = readFileSync(html);
console.log(`sevproof page: ${page.length} bytes raw, sha256 ${crypto.createHash('sha256').update(page).digest('hex')}`);
console.log('\n| verifier | download raw / gzip -9 | open → first verdict (median of ' + opt.cold + ' cold, fresh profile) | warm verifications/s |');
console.log('|---|---|---|---|');
for (const c of contenders) {
  const url = c.url || pathToFileURL(c.file).href;
  const times = [];
  let warm = NaN;
  for (let i = 0; i < Number(opt.cold); i++) {
    const r = await coldRun(url, c.until || none);
    times.push(r.inPage);
    if (i === 0 && !c.until) warm = await r.page.evaluate((ms) => window.warm(ms), Number(opt['warm-ms']));
    await r.close();
  }
  const size = c.size ? `${kb(c.size.length)} / ${kb(gzipSync(c.size, { level: 9 }).length)}` : '(as the page)';
  console.log(`| ${c.name} | ${size} | ${median(times).toFixed(0)} ms | ${Number.isNaN(warm) ? '—' : warm.toFixed(0)} |`);
}

// ---- measurement: the page's worker vs the native CLI ----
const cliPath = join(releaseDir, 'cli/sevproof');
if (!existsSync(cliPath)) {
  console.log(`\n(no ${cliPath}: build the release CLI for the measurement figures)`);
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
// The bench's inputs (bench/bench_measure.cpp writes the same sizes); made here when absent.
let inputs = join(releaseDir, 'bench-inputs');
if (!existsSync(join(inputs, 'initrd-40m.bin'))) {
  inputs = join(work, 'inputs');
  mkdirSync(inputs);
  for (const [name, size] of [['kernel-14m.bin', 14e6 + 3], ['initrd-40m.bin', 40e6 + 5]])
    writeFileSync(join(inputs, name), Buffer.alloc(size, name));  // content does not matter for the timing
}
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(work, 'profile-')), { executablePath: '/usr/bin/chromium', headless: true, args });
const measureOnce = async (botanOnly) => {
  const p = await ctx.newPage();
  await p.goto(pathToFileURL(html).href);
  await p.waitForSelector('#status[data-state="ready"]');
  await p.fill('#m-cmdline', 'console=ttyS0 root=/dev/vda1');
  await p.fill('#m-vcpus', '4');
  await p.selectOption('#m-vcpu-type', 'EPYC-Genoa');
  await p.fill('#m-features', '0x21');
  if (botanOnly) await p.check('#opt-botan-only');
  // files chosen → digest: the whole work (the module compiles and kernel and initrd are hashed as soon as
  // the files are chosen), then the click, as a user who has filled in the form first
  const t0 = performance.now();
  await p.setInputFiles('#m-ovmf', join(td, 'ovmf/OVMF.amdsev.fd'));
  await p.setInputFiles('#m-kernel', join(inputs, 'kernel-14m.bin'));
  await p.setInputFiles('#m-initrd', join(inputs, 'initrd-40m.bin'));
  await p.click('#m-compute');
  await p.waitForSelector('#m-result[data-state="done"]', { timeout: 120000 });
  const ms = performance.now() - t0;
  const digest = (await p.textContent('#m-result')).slice(0, 96);
  const timing = JSON.parse(await p.getAttribute('#m-result', 'data-timing'));
  await p.close();
  return { ms, digest, click: timing.click_to_digest_ms, chosen: timing.chosen_to_digest_ms, last: timing.last_chosen_to_digest_ms };
};
const web = [];
const botan = [];
for (let i = 0; i < 3; i++) { web.push(await measureOnce(false)); botan.push(await measureOnce(true)); }
await ctx.close();
const cli = [];
let cliDigest = '';
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  cliDigest = execFileSync(cliPath, ['measure', '--mode', 'snp', '--vcpus', '4', '--vcpu-type', 'EPYC-Genoa',
    '--guest-features', '0x21', '--ovmf', join(td, 'ovmf/OVMF.amdsev.fd'), '--kernel', join(inputs, 'kernel-14m.bin'),
    '--initrd', join(inputs, 'initrd-40m.bin'), '--append', 'console=ttyS0 root=/dev/vda1']).toString().trim();
  cli.push(performance.now() - t0);
}
rmSync(work, { recursive: true, force: true });
const m = (xs) => median(xs.map((x) => x.ms));
const same = [...web, ...botan].every((x) => x.digest === cliDigest) ? 'equal' : 'DIFFER';
const c = (xs) => median(xs.map((x) => x.click));
const k = (xs) => median(xs.map((x) => x.chosen));
const l = (xs) => median(xs.map((x) => x.last));
const x = (ms) => `${ms.toFixed(0)} ms (${(ms / median(cli)).toFixed(1)}x the CLI)`;
console.log(`\nmeasurement, OVMF.amdsev.fd + 14 MB kernel + 40 MB initrd. In the page, from the first file chosen to the digest
(the module compiles and the files are read and hashed from the first choice on; the gaps between playwright's
three file choices and the click included); from the last file chosen (the click follows at once); playwright's
wall time around the same steps; the click alone:`);
console.log(`  browser, WebCrypto hashing: in the page ${x(k(web))}; from the last file ${x(l(web))}; playwright wall ${x(m(web))}; click → digest ${c(web)} ms`);
console.log(`  browser, Botan-only hashing: in the page ${x(k(botan))}; from the last file ${x(l(botan))}; playwright wall ${x(m(botan))}; click → digest ${c(botan)} ms`);
console.log(`  native CLI: median ${median(cli).toFixed(0)} ms; digests ${same}`);
