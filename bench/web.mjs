// Figures for the offline page: size (raw, gzip), cold load-to-verdict in headless Chromium, and
// in-browser measurement of OVMF.amdsev.fd + 14 MB kernel + 40 MB initrd beside the native CLI on the
// same inputs. Usage: node bench/web.mjs BUILD_WASM_DIR BUILD_RELEASE_DIR TESTDATA
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import crypto from 'node:crypto';

const [wasmDir, releaseDir, td] = process.argv.slice(2).map((p) => resolve(p));
const require = createRequire(join(process.cwd(), 'tests/web/package.json'));
const { chromium } = require('playwright-core');
const html = join(wasmDir, 'web/sevproof.html');
const bytes = readFileSync(html);
console.log(`page: ${bytes.length} bytes raw, ${gzipSync(bytes, { level: 9 }).length} bytes gzip -9, sha256 ${crypto.createHash('sha256').update(bytes).digest('hex')}`);

const dir = mkdtempSync(join(tmpdir(), 'sevproof-bench-'));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loads = [];
for (let i = 0; i < 5; i++) {
  const page = await ctx.newPage();
  const t0 = performance.now();
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('#status[data-state="ready"]');
  await page.setInputFiles('#report', join(td, 'reports/oak-genoa-v5/report.bin'));
  await page.setInputFiles('#vcek', join(td, 'reports/oak-genoa-v5/vcek.der'));
  await page.click('#verify');
  await page.waitForSelector('#status[data-state="verified"]');
  loads.push(performance.now() - t0);
  await page.close();
}
console.log(`cold load-to-verdict (open file://, load wasm, verify one Genoa report): median ${median(loads).toFixed(0)} ms of 5`);

const inputs = join(releaseDir, 'bench-inputs');
const runs = [];
let digest = '';
for (let i = 0; i < 3; i++) {
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('#status[data-state="ready"]');
  await page.setInputFiles('#m-ovmf', join(td, 'ovmf/OVMF.amdsev.fd'));
  await page.setInputFiles('#m-kernel', join(inputs, 'kernel-14m.bin'));
  await page.setInputFiles('#m-initrd', join(inputs, 'initrd-40m.bin'));
  await page.fill('#m-cmdline', 'console=ttyS0 root=/dev/vda1');
  await page.fill('#m-vcpus', '4');
  await page.selectOption('#m-vcpu-type', 'EPYC-Genoa');
  await page.fill('#m-features', '0x21');
  const t0 = performance.now();
  await page.click('#m-compute');
  await page.waitForSelector('#m-result[data-state="done"]', { timeout: 120000 });
  runs.push(performance.now() - t0);
  digest = (await page.textContent('#m-result')).slice(0, 96);
  await page.close();
}
await ctx.close();
rmSync(dir, { recursive: true, force: true });
const cli = [];
let cliDigest = '';
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  cliDigest = execFileSync(join(releaseDir, 'cli/sevproof'), ['measure', '--mode', 'snp', '--vcpus', '4', '--vcpu-type', 'EPYC-Genoa',
    '--guest-features', '0x21', '--ovmf', join(td, 'ovmf/OVMF.amdsev.fd'), '--kernel', join(inputs, 'kernel-14m.bin'),
    '--initrd', join(inputs, 'initrd-40m.bin'), '--append', 'console=ttyS0 root=/dev/vda1']).toString().trim();
  cli.push(performance.now() - t0);
}
console.log(`measurement, OVMF.amdsev.fd + 14 MB kernel + 40 MB initrd: browser (worker, wasm) median ${median(runs).toFixed(0)} ms, ` +
            `native CLI median ${median(cli).toFixed(0)} ms, ratio ${(median(runs) / median(cli)).toFixed(1)}; digests ${digest === cliDigest ? 'equal' : 'DIFFER'}`);
