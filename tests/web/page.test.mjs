// The single-file page in Debian's Chromium, opened from file:// (as from a USB stick), driven by
// playwright-core. Asserts the verdict in the DOM, that tampering is caught, and that the page made
// no network request at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { requireTestdata, td, tdPath, flipBit } from './common.mjs';

requireTestdata();
const pageUrl = pathToFileURL(process.env.SEVPROOF_HTML).href;
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

async function verifyOnPage(page, files) {
  for (const [id, file] of Object.entries(files)) {
    await page.setInputFiles('#' + id, typeof file === 'string' ? tdPath(file) : { name: id + '.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(file) });
  }
  await page.click('#verify');
  await page.waitForSelector('#status[data-state="verified"], #status[data-state="failed"], #status[data-state="error"]');
  return {
    state: await page.getAttribute('#status', 'data-state'),
    text: await page.textContent('#status'),
    checks: await page.$$eval('#checks li', (lis) => lis.map((li) => li.dataset.status)),
  };
}

test('page loads from file:// with the library and its version', async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.getAttribute('#status', 'data-state'), 'ready');
  assert.match(await page.textContent('#version'), /Botan 3\.7\.1, WebAssembly/);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [dir, product] of [['automata-milan-v2', 'milan'], ['oak-genoa-v5', 'genoa'], ['oak-turin-v5', 'turin']]) {
  test(`real ${product} report verifies in the browser`, async () => {
    const { page, errors } = await openPage();
    const r = await verifyOnPage(page, {
      report: `reports/${dir}/report.bin`, vcek: `reports/${dir}/vcek.der`,
      ark: `amd/${product}/ark.pem`, ask: `amd/${product}/ask.pem`,
    });
    assert.equal(r.state, 'verified', r.text);
    assert.deepEqual(r.checks, ['pass', 'pass', 'pass', 'pass']);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a one-bit-tampered report is NOT VERIFIED in the browser', async () => {
  const { page } = await openPage();
  const r = await verifyOnPage(page, {
    report: flipBit(td('reports/automata-milan-v2/report.bin'), 0x50),
    vcek: 'reports/automata-milan-v2/vcek.der', ark: 'amd/milan/ark.pem', ask: 'amd/milan/ask.pem',
  });
  assert.equal(r.state, 'failed', r.text);
  assert.deepEqual(r.checks, ['pass', 'pass', 'pass', 'fail']);
  await page.close();
});

test('a wrong-size file gets a clear error on the page', async () => {
  const { page } = await openPage();
  const r = await verifyOnPage(page, {
    report: 'reports/lit-milan-v2-novcek/guest_report_bad_sig-1185.bin',
    vcek: 'reports/automata-milan-v2/vcek.der', ark: 'amd/milan/ark.pem', ask: 'amd/milan/ask.pem',
  });
  assert.equal(r.state, 'error');
  assert.match(r.text, /1185 bytes/);
  await page.close();
});

test('the page made no network request (only its own file:// URL)', () => {
  const foreign = requests.filter((u) => u !== pageUrl && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.ok(requests.length > 0);
});
