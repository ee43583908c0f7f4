// The single-file page in Debian's Chromium, opened from file:// (as from a USB stick), driven by
// playwright-core. Asserts the verdict in the DOM, that tampering is caught, and that the page made
// no network request at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { requireTestdata, td, tdPath, flipBit } from './common.mjs';

requireTestdata();
const pageUrl = pathToFileURL(process.env.SEVPROOF_HTML).href;
// Screenshots are test artifacts, kept in the build tree.
const shots = process.env.SEVPROOF_SCREENSHOTS || join(tmpdir(), 'sevproof-screenshots');
mkdirSync(shots, { recursive: true });
let context;
let userDataDir;
const requests = [];

before(async () => {
  userDataDir = mkdtempSync(join(tmpdir(), 'sevproof-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function openPage() {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pageUrl);
  await page.waitForSelector('#status:not([data-state="loading"])', { timeout: 30000 });
  return { page, errors };
}

async function verifyOnPage(page, files, fields = {}) {
  for (const [id, file] of Object.entries(files)) {
    const list = Array.isArray(file) ? file : [file];
    await page.setInputFiles('#' + id, list.map((f) => typeof f === 'string' ? tdPath(f)
      : { name: id + '.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(f) }));
  }
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
  await page.click('#verify');
  await page.waitForSelector('#status:is([data-state="verified"], [data-state="policy"], [data-state="failed"], [data-state="error"])');
  return {
    state: await page.getAttribute('#status', 'data-state'),
    text: await page.textContent('#status'),
    checks: Object.fromEntries(await page.$$eval('#checks li', (lis) => lis.map((li) => [li.dataset.code, li.dataset.status]))),
    field: async (name) => page.textContent(`#fields tr[data-field="${name}"] td:nth-child(2)`),
  };
}

test('page loads from file:// with the library, its version and the pinned roots', async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.getAttribute('#status', 'data-state'), 'ready');
  assert.match(await page.textContent('#version'), /Botan 3\.7\.1, WebAssembly/);
  assert.equal(await page.locator('#roots tbody tr').count(), 9);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [dir, product, measurement] of [
  ['automata-milan-v2', 'Milan', '845f8680d7f810d6ee410706d1c845aeb83d18e9a30f59d1b519a7b2e2f2670aab3982a20fec61a85b6771922f44945b'],
  ['oak-genoa-v5', 'Genoa', 'c57729018b0a6fb90dc17bb138b0aa35e4401004283ff4a2c24d3739ff3750f52384370e77b7032862a08c440a9bc4dc'],
  ['oak-turin-v5', 'Turin', 'f924dd18f168df60fbea937f0b086284d51b1b376de872bac43694f61134d57967c318018de7335503023dbb50dee624']]) {
  test(`real ${product} report verifies in the browser`, async () => {
    const { page, errors } = await openPage();
    const r = await verifyOnPage(page, { report: `reports/${dir}/report.bin`, vcek: `reports/${dir}/vcek.der` },
                                 { '#expect-measurement': measurement });
    assert.equal(r.state, 'verified', r.text);
    assert.match(r.text, new RegExp(product));
    assert.equal(r.checks.V016, 'pass');
    assert.equal(r.checks.V015, 'pass');
    assert.equal(r.checks.P018, 'pass');
    assert.equal(await r.field('measurement'), measurement);
    assert.match(await r.field('product'), new RegExp(`name ${product}`));
    // reported TCB and the certificate's agree, side by side
    const snpRow = await page.$$eval('#tcb tr[data-component="snp"] td', (tds) => tds.map((t) => t.textContent));
    assert.equal(snpRow[2], snpRow[5]);
    await page.screenshot({ path: join(shots, `verified-${product}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a one-bit-tampered report is NOT GENUINE in the browser', async () => {
  const { page } = await openPage();
  const r = await verifyOnPage(page, {
    report: flipBit(td('reports/automata-milan-v2/report.bin'), 0x50), vcek: 'reports/automata-milan-v2/vcek.der',
  });
  assert.equal(r.state, 'failed', r.text);
  assert.equal(r.checks.V016, 'fail');
  assert.equal(r.checks.V005, 'pass');
  await page.screenshot({ path: join(shots, 'tampered.png'), fullPage: true });
  await page.close();
});

test('an expired VLEK verifies at a past verification time', async () => {
  const { page } = await openPage();
  const files = { report: 'reports/constellation-aws-milan-v3-vlek/report.bin', vcek: 'reports/constellation-aws-milan-v3-vlek/vlek.der' };
  const now = await verifyOnPage(page, files);
  assert.equal(now.checks.V008, 'fail');
  const past = await verifyOnPage(page, files, { '#now': '2025-06-01' });
  assert.equal(past.state, 'verified', past.text);
  await page.close();
});

test('policy switches on the page run the library checks (P002 and P025 refused)', async () => {
  const { page } = await openPage();
  await page.check('[data-expect="smt"]');
  await page.check('[data-expect="provisional-firmware"]');
  const r = await verifyOnPage(page, { report: 'reports/trustee-milan-v2/report.bin', vcek: 'reports/trustee-milan-v2/vcek.der' });
  assert.equal(r.state, 'policy', r.text);   // genuine, but its policy allows SMT ...
  assert.equal(r.checks.P002, 'fail');
  assert.equal(r.checks.P025, 'fail');       // ... and it runs uncommitted firmware (CURRENT_TCB ucode 0xce, COMMITTED 0x73)
  await page.screenshot({ path: join(shots, 'policy-failed.png'), fullPage: true });
  await page.close();
});

test('a wrong-size file gets a clear error on the page', async () => {
  const { page } = await openPage();
  const r = await verifyOnPage(page, { report: 'reports/lit-milan-v2-novcek/guest_report_bad_sig-1185.bin' });
  assert.equal(r.state, 'error');
  assert.match(r.text, /size is 1185 bytes/);
  await page.close();
});

test('the expected measurement is computed in the browser (vector m07, hashed in a worker)', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF.amdsev.fd'));
  await page.setInputFiles('#m-kernel', tdPath('measure/kernel-a.bin'));
  await page.setInputFiles('#m-initrd', tdPath('measure/initrd-a.bin'));
  await page.fill('#m-cmdline', 'console=ttyS0 root=/dev/vda1');
  await page.fill('#m-vcpus', '2');
  await page.selectOption('#m-vcpu-type', 'EPYC-Genoa');
  await page.fill('#m-features', '0x21');
  await page.click('#m-compute');
  await page.waitForSelector('#m-result:is([data-state="done"], [data-state="error"], [data-state="match"], [data-state="mismatch"])', { timeout: 60000 });
  const text = await page.textContent('#m-result');
  assert.match(text, /^ac72d4805af472137a1f02fa66f2615c460c0b0c295d35418ebf09cd9bf8227e4dedb4be7fa1584f7f697790383c7d3b/, text);
  assert.equal(await page.inputValue('#expect-measurement'), 'ac72d4805af472137a1f02fa66f2615c460c0b0c295d35418ebf09cd9bf8227e4dedb4be7fa1584f7f697790383c7d3b');
  await page.screenshot({ path: join(shots, 'measurement.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a computed measurement is compared with the verified report', async () => {
  const { page } = await openPage();
  await verifyOnPage(page, { report: 'reports/automata-milan-v2/report.bin', vcek: 'reports/automata-milan-v2/vcek.der' });
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF-trixie.fd'));
  await page.fill('#m-vcpus', '2');
  await page.click('#m-compute');
  await page.waitForSelector('#m-result:is([data-state="match"], [data-state="mismatch"], [data-state="error"])', { timeout: 60000 });
  assert.equal(await page.getAttribute('#m-result', 'data-state'), 'mismatch');
  assert.match(await page.textContent('#m-result'), /differs from the report's MEASUREMENT 845f8680/);
  await page.close();
});

test("inconsistent measurement inputs get the library's refusal", async () => {
  const { page } = await openPage();
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF_CODE.fd'));
  await page.setInputFiles('#m-kernel', tdPath('measure/kernel-a.bin'));
  await page.click('#m-compute');
  await page.waitForSelector('#m-result[data-state="error"]', { timeout: 60000 });
  assert.match(await page.textContent('#m-result'), /OVMF\.amdsev\.fd/);
  await page.close();
});

test('the page made no network request (only its own file:// URL)', () => {
  const foreign = requests.filter((u) => u !== pageUrl && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.ok(requests.length > 0);
});
