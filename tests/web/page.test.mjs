// The single-file page in Debian's Chromium, opened from file:// (as from a USB stick), driven by
// playwright-core. Asserts the verdict in the DOM, that tampering is caught, that the page never
// shows a verdict for inputs it did not check, that errors are put where the user looks, and that
// the page made no network request at all. Screenshots of each state are kept as test artifacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { requireTestdata, td, tdPath, flipBit, makeIdBlock, vmFile } from './common.mjs';

requireTestdata();
const pageUrl = pathToFileURL(process.env.SEVPROOF_HTML).href;
// Screenshots are test artifacts, kept in the build tree.
const shots = process.env.SEVPROOF_SCREENSHOTS || join(tmpdir(), 'sevproof-screenshots');
mkdirSync(shots, { recursive: true });
let context;
let userDataDir;
const requests = [];

const M_MILAN = '845f8680d7f810d6ee410706d1c845aeb83d18e9a30f59d1b519a7b2e2f2670aab3982a20fec61a85b6771922f44945b';
const M07 = 'ac72d4805af472137a1f02fa66f2615c460c0b0c295d35418ebf09cd9bf8227e4dedb4be7fa1584f7f697790383c7d3b';
const MILAN = { report: 'reports/automata-milan-v2/report.bin', vcek: 'reports/automata-milan-v2/vcek.der' };
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

before(async () => {
  userDataDir = mkdtempSync(join(tmpdir(), 'sevproof-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
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

const verdictStates = '#status:is([data-state="verified"], [data-state="policy"], [data-state="not_verified"], [data-state="error"])';

async function setFiles(page, files) {
  for (const [id, file] of Object.entries(files)) {
    const list = Array.isArray(file) ? file : [file];
    await page.setInputFiles('#' + id, list.map((f) => typeof f === 'string' ? tdPath(f)
      : { name: id + '.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(f) }));
  }
}

async function verdict(page) {
  return {
    state: await page.getAttribute('#status', 'data-state'),
    text: await page.textContent('#status'),
    checks: Object.fromEntries(await page.$$eval('#checks li', (lis) => lis.map((li) => [li.dataset.code, li.dataset.status]))),
    field: async (name) => page.textContent(`#fields tr[data-field="${name}"] td:nth-child(2)`),
  };
}

async function verifyOnPage(page, files, fields = {}) {
  await setFiles(page, files);
  for (const [selector, value] of Object.entries(fields)) await page.fill(selector, value);
  await page.click('#verify');
  await page.waitForSelector(verdictStates);
  return verdict(page);
}

// Drops files on the drop zone as a user would (a real DataTransfer of named files).
async function drop(page, files) {
  const payload = files.map(([name, bytes]) => ({ name, bytes: [...bytes] }));
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
  await page.waitForSelector('#drop-result');
}
const chosen = (page, id) => page.$eval('#' + id, (i) => [...i.files].map((f) => f.name));

test('page loads from file:// with the library, its version, build digest and the pinned roots', async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.getAttribute('#status', 'data-state'), 'ready');
  assert.match(await page.textContent('#version'), /Botan 3\.7\.1, WebAssembly\) · build [0-9a-f]{64}/);
  await page.waitForSelector('#roots tbody tr', { state: 'attached' });
  assert.equal(await page.locator('#roots tbody tr').count(), 9);
  await page.waitForFunction(() => document.querySelectorAll('#builtin-links li').length === 9);  // checked once per page load
  assert.equal(await page.locator('#builtin-links li[data-status="pass"]').count(), 9);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page carries its own build digest: the page hashed with that digest zeroed', () => {
  const html = readFileSync(process.env.SEVPROOF_HTML, 'utf8');
  const m = html.match(/name="sevproof-build-sha256" content="([0-9a-f]{64})"/);
  assert.ok(m);
  assert.equal(sha256(Buffer.from(html.replace(m[1], '0'.repeat(64)), 'utf8')), m[1]);
  assert.notEqual(sha256(Buffer.from(html.replace(m[1], '1'.repeat(64)), 'utf8')), m[1]);
});

for (const [dir, product, measurement] of [
  ['automata-milan-v2', 'Milan', M_MILAN],
  ['oak-genoa-v5', 'Genoa', 'c57729018b0a6fb90dc17bb138b0aa35e4401004283ff4a2c24d3739ff3750f52384370e77b7032862a08c440a9bc4dc'],
  ['oak-turin-v5', 'Turin', 'f924dd18f168df60fbea937f0b086284d51b1b376de872bac43694f61134d57967c318018de7335503023dbb50dee624']]) {
  test(`real ${product} report verifies in the browser`, async () => {
    const { page, errors } = await openPage();
    const r = await verifyOnPage(page, { report: `reports/${dir}/report.bin`, vcek: `reports/${dir}/vcek.der` },
                                 { '#expect-measurement': measurement });
    assert.equal(r.state, 'verified', r.text);
    assert.match(r.text, /^VERIFIED: genuine AMD SEV-SNP report.*, and it meets every expectation given/);
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

test('the report signature and the chain links: WebCrypto by default, Botan when the page is told so; the same verdict', async () => {
  const { page, errors } = await openPage();
  const v016 = () => page.textContent('#checks li[data-code="V016"] .detail');
  const v005 = () => page.textContent('#checks li[data-code="V005"] .detail');  // the VCEK's RSA-PSS link to the ASK
  const web = await verifyOnPage(page, MILAN);
  assert.equal(web.state, 'verified', web.text);
  assert.match(await v016(), /\(WebCrypto\)/);
  assert.match(await v005(), /RSA-PSS SHA-384\) verifies \(WebCrypto\)/);
  await page.waitForFunction(() => document.querySelectorAll('#builtin-links li').length === 9);
  assert.equal(await page.locator('#builtin-links li', { hasText: '(WebCrypto)' }).count(), 9);
  await page.check('#opt-botan-sig');
  const botan = await verifyOnPage(page, {});
  assert.equal(botan.state, 'verified', botan.text);
  assert.doesNotMatch(await v016(), /WebCrypto/);
  assert.doesNotMatch(await v005(), /WebCrypto/);  // the links verified before were forgotten: Botan checked them again
  await page.waitForFunction(() => document.querySelectorAll('#builtin-links li').length === 9);
  assert.equal(await page.locator('#builtin-links li', { hasText: 'WebCrypto' }).count(), 0);
  assert.deepEqual(botan.checks, web.checks);
  // twin: a tampered report fails on both paths
  const bad = await verifyOnPage(page, { report: flipBit(td(MILAN.report), 0x90) });
  assert.equal(bad.checks.V016, 'fail');
  await page.uncheck('#opt-botan-sig');
  const bad2 = await verifyOnPage(page, {});
  assert.equal(bad2.checks.V016, 'fail');
  assert.deepEqual(errors, []);
  await page.close();
});

// ---- wording: the CLI's three verdicts, decided by the library; never "NOT GENUINE" ----
test('wording per case is the CLI\'s: tampered, no VCEK and expired VLEK are NOT VERIFIED', async () => {
  const { page } = await openPage();
  const cases = [
    ['tampered', { report: flipBit(td(MILAN.report), 0x50), vcek: MILAN.vcek }, {}, 'V016', 'fail'],
    ['no-vcek', { report: MILAN.report }, {}, 'V016', 'skipped'],
    ['expired-vlek', { report: 'reports/constellation-aws-milan-v3-vlek/report.bin', vcek: 'reports/constellation-aws-milan-v3-vlek/vlek.der' },
     { '#now': '2035-01-01' }, 'V008', 'fail'],
  ];
  for (const [name, files, fields, code, st] of cases) {
    await page.goto(pageUrl);
    await page.waitForSelector('#status[data-state="ready"]');
    const r = await verifyOnPage(page, files, fields);
    assert.equal(r.state, 'not_verified', name + ': ' + r.text);
    assert.match(r.text, /^NOT VERIFIED: see the failed or skipped V checks/, name);
    assert.equal(r.checks[code], st, name);
    const shown = (await page.textContent('#result')) + (await page.textContent('#evidence'));
    assert.doesNotMatch(shown, /NOT GENUINE|--[a-z]/, name);  // the CLI's verdict words; no CLI flag names on the page
    await page.screenshot({ path: join(shots, `not-verified-${name}.png`), fullPage: true });
  }
  await page.close();
});

test('an expired VLEK verifies at a past verification time', async () => {
  const { page } = await openPage();
  const files = { report: 'reports/constellation-aws-milan-v3-vlek/report.bin', vcek: 'reports/constellation-aws-milan-v3-vlek/vlek.der' };
  const now = await verifyOnPage(page, files, { '#now': '2035-01-01' });
  assert.equal(now.checks.V008, 'fail');
  const past = await verifyOnPage(page, files, { '#now': '2025-06-01' });
  assert.equal(past.state, 'verified', past.text);
  await page.close();
});

test('policy switches on the page run the library checks: GENUINE, BUT POLICY FAILED', async () => {
  const { page } = await openPage();
  await page.selectOption('[data-expect="smt"]', 'deny');
  await page.selectOption('[data-expect="provisional-firmware"]', 'deny');
  const r = await verifyOnPage(page, { report: 'reports/trustee-milan-v2/report.bin', vcek: 'reports/trustee-milan-v2/vcek.der' });
  assert.equal(r.state, 'policy', r.text);   // genuine, but its policy allows SMT ...
  assert.match(r.text, /^GENUINE, BUT POLICY FAILED/);
  assert.equal(r.checks.P002, 'fail');
  assert.equal(r.checks.P025, 'fail');       // ... and it runs uncommitted firmware (CURRENT_TCB ucode 0xce, COMMITTED 0x73)
  await page.screenshot({ path: join(shots, 'policy-failed.png'), fullPage: true });
  await page.close();
});

// ---- trust: a verdict never outlives the inputs it was computed from ----
test('the verdict is cleared the moment any input changes', async () => {
  const { page } = await openPage();
  const changes = [
    ['expectation typed', (p) => p.fill('[data-expect="host-data"]', 'ab')],
    ['switch ticked', (p) => p.check('[data-expect="require-id-block"]')],
    ['time typed', (p) => p.fill('#now', '2025-01-01')],
    ['file replaced', (p) => p.setInputFiles('#vcek', tdPath('reports/oak-genoa-v5/vcek.der'))],
    ['product chosen', (p) => p.selectOption('#product', 'genoa')],
  ];
  for (const [name, change] of changes) {
    await page.goto(pageUrl);
    await page.waitForSelector('#status[data-state="ready"]');
    const r = await verifyOnPage(page, MILAN);
    assert.equal(r.state, 'verified', r.text);
    assert.equal(await page.isEnabled('#export-json'), true);
    await change(page);
    assert.equal(await page.getAttribute('#status', 'data-state'), 'stale', name);
    assert.doesNotMatch(await page.textContent('#status'), /VERIFIED|GENUINE/, name);
    assert.equal(await page.locator('#checks li').count(), 0, name);
    assert.equal(await page.locator('#fields tbody tr').count(), 0, name);
    assert.equal(await page.isEnabled('#export-json'), false, name);
    if (name === 'expectation typed') await page.screenshot({ path: join(shots, 'stale-cleared.png'), fullPage: true });
  }
  // twin: verifying again shows a verdict for the new inputs
  const again = await verifyOnPage(page, {});
  assert.notEqual(again.state, 'stale');
  await page.close();
});

// ---- trust: files are placed by what they are, not by their names ----
test('dropped files are routed by content: guest_report.bin + milan_vcek.der verify', async () => {
  const { page } = await openPage();
  await drop(page, [['guest_report.bin', td(MILAN.report)], ['milan_vcek.der', td(MILAN.vcek)]]);
  assert.deepEqual(await chosen(page, 'report'), ['guest_report.bin']);
  assert.deepEqual(await chosen(page, 'vcek'), ['milan_vcek.der']);
  await page.screenshot({ path: join(shots, 'drop-routed.png'), fullPage: true });
  await page.click('#verify');
  await page.waitForSelector(verdictStates);
  const r = await verdict(page);
  assert.equal(r.state, 'verified', r.text);
  await page.close();
});

test('dropped files: misleading names, every kind, and what is not evidence', async () => {
  const { page } = await openPage();
  await drop(page, [
    ['crl-report.bin', td('reports/trustee-aws-milan-v3-vlek/report.bin')],
    ['report.der', td('reports/trustee-aws-milan-v3-vlek/vlek.der')],
    ['vcek.pem', td('amd/milan/ark.pem')],
    ['certs-ask.pem', td('amd/milan/asvk.pem')],
    ['ark.der', td('crl/milan-vcek-crl.der')],
    ['chain.bin', td('reports/constellation-aws-milan-v2-vlek-certtable/certs.bin')],
    ['vcek2.der', td('ovmf/OVMF_CODE.fd').subarray(0, 4096)],
  ]);
  assert.deepEqual(await chosen(page, 'report'), ['crl-report.bin']);
  assert.deepEqual(await chosen(page, 'vcek'), ['report.der']);
  assert.deepEqual(await chosen(page, 'chain'), ['vcek.pem', 'certs-ask.pem']);
  assert.deepEqual(await chosen(page, 'crl'), ['ark.der']);
  assert.deepEqual(await chosen(page, 'certTable'), ['chain.bin']);
  assert.match(await page.textContent('#drop-result li[data-kind="unknown"]'), /vcek2\.der: unrecognized file .*not used/);
  await page.close();
});

test('a file chosen for the wrong field is flagged there at once', async () => {
  const { page } = await openPage();
  await page.setInputFiles('#report', tdPath(MILAN.vcek));
  await page.waitForSelector('#error-report');
  assert.match(await page.textContent('#error-report'), /vcek\.der is a VCEK certificate; it belongs in "VCEK or VLEK"/);
  assert.equal(await page.getAttribute('#report', 'aria-invalid'), 'true');
  await page.setInputFiles('#report', tdPath(MILAN.report));  // twin: the right file clears the mark
  await page.waitForTimeout(100);
  assert.equal(await page.locator('#error-report').count(), 0);
  assert.equal(await page.getAttribute('#report', 'aria-invalid'), null);
  await page.close();
});

// ---- trust: an error is shown where the user looks, on the field it is about ----
async function inView(page, selector) {
  return page.$eval(selector, (e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; });
}

test('an error marks its field, scrolls it into view, focuses it, in the page\'s words', async () => {
  const { page } = await openPage();
  await page.setViewportSize({ width: 1000, height: 600 });
  const r = await verifyOnPage(page, MILAN, { '[data-expect="min-launch-mit-vector"]': '12x' });
  assert.equal(r.state, 'error');
  const field = '[data-expect="min-launch-mit-vector"]';
  assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.expect), 'min-launch-mit-vector');
  assert.equal(await inView(page, field), true);
  const msg = await page.textContent('#error-min-launch-mit-vector');
  assert.match(msg, /^"min-launch-mit-vector": '12x' is not a number \(use decimal, or 0x for hexadecimal\)/);
  assert.doesNotMatch(msg + (await page.textContent('#status')), /--/);
  await page.screenshot({ path: join(shots, 'error-focused.png') });
  // twin: a good value clears the mark and verifies
  const ok = await verifyOnPage(page, {}, { [field]: '0x0' });
  assert.notEqual(ok.state, 'error', ok.text);
  assert.equal(await page.getAttribute(field, 'aria-invalid'), null);
  await page.close();
});

test('a wrong-size file gets a clear error on its field', async () => {
  const { page } = await openPage();
  const r = await verifyOnPage(page, { report: 'reports/lit-milan-v2-novcek/guest_report_bad_sig-1185.bin' });
  assert.equal(r.state, 'error');
  assert.match(r.text, /size is 1185 bytes/);
  assert.match(await page.textContent('#error-report'), /a report followed by other bytes: "Report offset" 0; inside another container: "Report offset" N/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'report');
  await page.close();
});

// ---- every input form the CLI accepts: snpguest's spaced hex, base64 ----
test('snpguest\'s spaced hex and sev-snp-measure\'s base64 measurements are accepted; one byte off is not', async () => {
  const { page } = await openPage();
  const bytes = Buffer.from(M_MILAN, 'hex');
  const spaced = [0, 16, 32].map((i) => [...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')).join('\n');
  for (const [name, value, state] of [
    ['spaced', spaced, 'verified'], ['base64', bytes.toString('base64'), 'verified'],
    ['two, comma-separated', '00'.repeat(48) + ', ' + bytes.toString('base64'), 'verified'],
    ['spaced, one byte off', spaced.replace(/^84/, '85'), 'policy']]) {
    const r = await verifyOnPage(page, MILAN, { '#expect-measurement': value });
    assert.equal(r.state, state, name + ': ' + r.text);
    assert.equal(r.checks.P018, state === 'verified' ? 'pass' : 'fail', name);
    if (name === 'spaced') await page.screenshot({ path: join(shots, 'snpguest-spaced-hex.png'), fullPage: true });
  }
  await page.close();
});

// ---- export: the library's verdict JSON plus what an auditor needs ----
test('the exported verdict names the tool, the build, every input with its SHA-256, and the reference values', async () => {
  const { page } = await openPage();
  await verifyOnPage(page, { ...MILAN, crl: 'crl/milan-vcek-crl.der' }, { '#expect-measurement': M_MILAN, '[data-expect="vmpl"]': '0', '#now': '2026-07-01' });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const doc = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const html = readFileSync(process.env.SEVPROOF_HTML, 'utf8');
  assert.match(doc.tool, /^sevproof /);
  assert.match(doc.build.version, /^sevproof .*Botan 3\.7\.1, WebAssembly/);
  assert.equal(doc.build.sha256, html.match(/name="sevproof-build-sha256" content="([0-9a-f]{64})"/)[1]);
  assert.equal(doc.input, 'report.bin');
  assert.equal(doc.outcome, 'verified');
  assert.deepEqual(doc.inputs.map((i) => [i.field, i.name, i.sha256]), [
    ['Attestation report', 'report.bin', sha256(td(MILAN.report))],
    ['VCEK or VLEK', 'vcek.der', sha256(td(MILAN.vcek))],
    ['CRL', basename('crl/milan-vcek-crl.der'), sha256(td('crl/milan-vcek-crl.der'))]]);
  assert.deepEqual(doc.reference_values, { measurement: [M_MILAN], vmpl: '0' });  // the library's rendering
  assert.equal(doc.options.verification_time, '2026-07-01');   // inside the CRL's window
  assert.equal(doc.verification_time, '2026-07-01T00:00:00Z');
  assert.equal(doc.verified, true);
  assert.match(doc.summary, /^VERIFIED/);
  assert.ok(doc.checks.find((c) => c.code === 'V010' && c.status === 'pass'));  // the CRL was used
  assert.equal(doc.report.measurement, M_MILAN);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#print-evidence'), true);
  assert.equal(await page.isVisible('#measure'), false);
  assert.equal(await page.isVisible('#evidence'), false);
  assert.match(await page.textContent('#print-evidence'), new RegExp(sha256(td(MILAN.vcek))));
  await page.screenshot({ path: join(shots, 'print-summary.png'), fullPage: true });
  await page.close();
});

// ---- completeness: reference values from a file fill the generated form ----
test('a reference-values file fills the form generated from the option table; a bad file is marked', async () => {
  const { page } = await openPage();
  const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.setInputFiles('#reference-values', file('milan.toml', `measurement = ["${M_MILAN}"]\nvmpl = 0\nsmt = "deny"\nrequire-crl = true\n`));
  await page.waitForFunction(() => document.getElementById('expect-measurement').value !== '');
  assert.equal(await page.inputValue('#expect-measurement'), M_MILAN);
  assert.equal(await page.inputValue('[data-expect="smt"]'), 'deny');
  assert.equal(await page.isChecked('[data-expect="require-crl"]'), true);
  const r = await verifyOnPage(page, { ...MILAN, crl: 'crl/milan-vcek-crl.der' }, { '#now': '2026-07-01' });
  assert.equal(r.checks.P018, 'pass');
  assert.equal(r.checks.P002, 'fail');   // this guest's policy allows SMT
  await page.screenshot({ path: join(shots, 'reference-values.png'), fullPage: true });
  await page.setInputFiles('#reference-values', file('bad.toml', 'vmpl = 0\nmin-tcb = "bl=x"\n'));
  await page.waitForSelector('#error-referenceValues');
  assert.match(await page.textContent('#error-referenceValues'), /bad\.toml.*2.*min-tcb/);
  await page.close();
});

// ---- tools ----
test('KDS URLs are shown as text to copy, key digests computed from a key file', async () => {
  const { page } = await openPage();
  await page.setInputFiles('#report', tdPath('reports/oak-turin-v5/report.bin'));
  await page.click('#kds-show');
  await page.waitForSelector('#kds-out[data-state="done"]');
  assert.match(await page.textContent('#kds-out'), /vcek +https:\/\/kdsintf\.amd\.com\/vcek\/v1\/Turin\/[0-9a-f]{16}\?fmcSPL=/);
  await page.setInputFiles('#report', tdPath(MILAN.report));
  await page.click('#kds-show');
  await page.waitForSelector('#kds-out[data-state="error"]');  // v2: no CPUID, the product must be chosen
  assert.match(await page.textContent('#kds-out'), /the product \(and the URL\) is unknown: give "Product" milan, genoa or turin/);
  await page.setInputFiles('#key-file', join(process.env.SEVPROOF_SOURCE_DIR, 'tests/data/idblock/id-key-sec1.pem'));
  await page.click('#key-show');
  await page.waitForSelector('#key-out[data-state="done"]');
  assert.equal(await page.textContent('#key-out'), '619c6d24263b02ad39282ec1ef107375faf443a027ba3c6718e165798cbfdfedb386048ed168a213b448c02fcfc7f0f8');
  // id-block check, with an ID block and ID auth made by Node's crypto
  const key = readFileSync(join(process.env.SEVPROOF_SOURCE_DIR, 'tests/data/idblock/id-key-sec1.pem'));
  const { block, auth } = await makeIdBlock(key, Buffer.from(M_MILAN, 'hex'), 0x30000);
  const file = (name, b) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(b) });
  await page.setInputFiles('#id-block', file('id-block.bin', block));
  await page.setInputFiles('#id-auth', file('id-auth.base64', Buffer.from(Buffer.from(auth).toString('base64'))));
  await page.fill('#id-measurement', M_MILAN);
  await page.fill('#id-policy', '0x30000');
  await page.click('#id-check');
  await page.waitForSelector('#id-out:is([data-state="accepted"], [data-state="refused"], [data-state="error"])');
  assert.equal(await page.getAttribute('#id-out', 'data-state'), 'accepted', await page.textContent('#id-out'));
  await page.screenshot({ path: join(shots, 'tools.png'), fullPage: true });
  await page.fill('#id-policy', '0xb0000');  // twin: another launch policy is refused
  await page.click('#id-check');
  await page.waitForSelector('#id-out[data-state="refused"]');
  assert.equal(await page.getAttribute('#id-out li[data-check="POLICY"]', 'data-status'), 'fail');
  await page.close();
});

// ---- measurement, in its own module and worker; WebCrypto and Botan hashes must agree ----
async function computeM07(page, botanOnly) {
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF.amdsev.fd'));
  await page.setInputFiles('#m-kernel', tdPath('measure/kernel-a.bin'));
  await page.setInputFiles('#m-initrd', tdPath('measure/initrd-a.bin'));
  await page.fill('#m-cmdline', 'console=ttyS0 root=/dev/vda1');
  await page.fill('#m-vcpus', '2');
  await page.selectOption('#m-vcpu-type', 'EPYC-Genoa');
  await page.fill('#m-features', '0x21');
  if (botanOnly) await page.check('#opt-botan-only'); else await page.uncheck('#opt-botan-only');
  await page.click('#m-compute');
  await page.waitForSelector('#m-result:is([data-state="done"], [data-state="error"], [data-state="match"], [data-state="mismatch"])', { timeout: 60000 });
  return { text: await page.textContent('#m-result'), hashing: await page.getAttribute('#m-result', 'data-hashing') };
}

test('the expected measurement is computed in the browser (vector m07), WebCrypto and Botan alike', async () => {
  const { page, errors } = await openPage();
  const web = await computeM07(page, false);
  assert.match(web.text, new RegExp('^' + M07), web.text);
  assert.equal(web.hashing, 'WebCrypto');
  assert.equal(await page.inputValue('#expect-measurement'), M07);
  // the firmware's part was computed when the OVMF image was chosen, and seeded the digest: still m07
  assert.match(await page.getAttribute('#m-result', 'title'), /firmware: seeded with the precomputed OVMF digest [0-9a-f]{96}/);
  assert.match(await page.getAttribute('#m-result', 'title'), /computed by the library from the chosen OVMF image when it was chosen/);
  await page.screenshot({ path: join(shots, 'measurement.png'), fullPage: true });
  const botan = await computeM07(page, true);
  assert.match(botan.text, new RegExp('^' + M07), botan.text);
  assert.equal(botan.hashing, 'WebAssembly (Botan)');
  // twin: another kernel chosen after the first was hashed (as soon as it was chosen) gives another digest
  await page.uncheck('#opt-botan-only');
  await page.setInputFiles('#m-kernel', tdPath('measure/initrd-a.bin'));
  await page.click('#m-compute');
  await page.waitForSelector('#m-result:is([data-state="done"], [data-state="error"])', { timeout: 60000 });
  assert.match(await page.textContent('#m-result'), /^[0-9a-f]{96}/);
  assert.doesNotMatch(await page.textContent('#m-result'), new RegExp('^' + M07));
  await page.setInputFiles('#m-kernel', tdPath('measure/kernel-a.bin'));
  // twin: another firmware chosen is the one measured (a Debian OVMF without a kernel hashes table: refused)
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF-trixie.fd'));
  await page.click('#m-compute');
  await page.waitForSelector('#m-result:is([data-state="done"], [data-state="error"])', { timeout: 60000 });
  assert.match(await page.textContent('#m-result'), /has no SNP_KERNEL_HASHES section/);
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF.amdsev.fd'));
  // twin: another command line gives another digest on both paths
  await page.fill('#m-cmdline', 'console=ttyS1');
  await page.click('#m-compute');
  await page.waitForSelector('#m-result:is([data-state="done"], [data-state="error"])', { timeout: 60000 });
  assert.doesNotMatch(await page.textContent('#m-result'), new RegExp('^' + M07));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a computed measurement is compared with the verified report', async () => {
  const { page } = await openPage();
  await verifyOnPage(page, MILAN);
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF-trixie.fd'));
  await page.fill('#m-vcpus', '2');
  await page.click('#m-compute');
  await page.waitForSelector('#m-result:is([data-state="match"], [data-state="mismatch"], [data-state="error"])', { timeout: 60000 });
  assert.equal(await page.getAttribute('#m-result', 'data-state'), 'mismatch');
  assert.match(await page.textContent('#m-result'), /differs from the report's MEASUREMENT 845f8680/);
  assert.equal(await page.getAttribute('#status', 'data-state'), 'stale');  // the expectation changed
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

// ---- the VM definition file: reference values, launch and pinned files; OpenStack; explain ----
const textFile = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
const osFile = (name) => readFileSync(join(process.env.SEVPROOF_SOURCE_DIR, 'tests/data/openstack', name));
const measured = '#m-result:is([data-state="done"], [data-state="error"], [data-state="match"], [data-state="mismatch"])';

test('dropped VM file and OpenStack documents are routed by content, whatever their names', async () => {
  const { page, errors } = await openPage();
  await drop(page, [['image.json', Buffer.from(vmFile())], ['vm.toml', osFile('flavor-snp.json')],
                    ['flavor.json', osFile('image-snp-kernel.json')], ['guest_report.bin', td(MILAN.report)],
                    ['refvals.json', Buffer.from(`measurement = ["${M_MILAN}"]\n`)]]);
  assert.deepEqual(await chosen(page, 'vm-file'), ['image.json']);
  assert.deepEqual(await chosen(page, 'os-flavor'), ['vm.toml']);
  assert.deepEqual(await chosen(page, 'os-image'), ['flavor.json']);
  assert.deepEqual(await chosen(page, 'reference-values'), ['refvals.json']);
  assert.deepEqual(await chosen(page, 'report'), ['guest_report.bin']);
  assert.match(await page.textContent('#drop-result'), /image\.json: VM definition file .*→ "VM definition file"/);
  await page.waitForSelector('#vm-out[data-state="loaded"]');
  await page.screenshot({ path: join(shots, 'drop-documents.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a VM file fills the expectations and the launch; its pinned files give m07, and verification checks its policy', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#vm-file', textFile('guest.toml', vmFile()));
  await page.waitForSelector('#vm-out[data-state="loaded"]');
  assert.equal(await page.inputValue('[data-expect="vmpl"]'), '0');
  assert.equal(await page.inputValue('[data-expect="smt"]'), 'allow');
  assert.equal(await page.inputValue('#m-vcpus'), '2');
  assert.equal(await page.inputValue('#m-vcpu-type'), 'EPYC-Genoa');
  assert.match(await page.textContent('#m-vm'), /launch\.kernel \(line 5\): kernel-a\.bin \(SHA-256 [0-9a-f]{64}\)/);
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF.amdsev.fd'));
  await page.setInputFiles('#m-kernel', tdPath('measure/kernel-a.bin'));
  await page.setInputFiles('#m-initrd', tdPath('measure/initrd-a.bin'));
  await page.click('#m-compute');
  await page.waitForSelector(measured, { timeout: 60000 });
  assert.match(await page.textContent('#m-result'), new RegExp('^' + M07), await page.textContent('#m-result'));
  assert.equal(await page.inputValue('#expect-measurement'), M07);
  await page.screenshot({ path: join(shots, 'vm-measured.png'), fullPage: true });
  // verification against the VM file: the report's POLICY is the launch policy (P035), as `vm verify`
  const r = await verifyOnPage(page, MILAN);
  assert.equal(r.checks.P035, 'pass', r.text);
  assert.equal(r.checks.P018, 'fail');  // this Milan guest was not launched from m07's files
  assert.match(await page.textContent('#checks li[data-code="P018"] .detail'), /from the VM file: the digest recomputed from \[launch\]/);
  // twin: another launch policy fails P035, named by its key and line
  await page.setInputFiles('#vm-file', textFile('guest.toml', vmFile({ policy: '0x70000', measurement: M07 })));
  await page.waitForSelector('#vm-out[data-state="loaded"]');
  const other = await verifyOnPage(page, {});
  assert.equal(other.checks.P035, 'fail');
  assert.match(await page.textContent('#checks li[data-code="P035"] .detail'), /launch policy is 0x0*70000: MIGRATE_MA \(report 0, launch 1\) \(from the VM file: launch\.policy \(line 11\)\)/);
  await page.screenshot({ path: join(shots, 'vm-policy-failed.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a VM file whose pin does not match the chosen kernel is refused, on the kernel field, with both digests', async () => {
  const { page } = await openPage();
  await page.setInputFiles('#vm-file', textFile('guest.toml', vmFile({ kernelPin: 'ab'.repeat(32) })));
  await page.waitForSelector('#vm-out[data-state="loaded"]');
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF.amdsev.fd'));
  await page.setInputFiles('#m-kernel', tdPath('measure/kernel-a.bin'));
  await page.setInputFiles('#m-initrd', tdPath('measure/initrd-a.bin'));
  await page.click('#m-compute');
  await page.waitForSelector(measured, { timeout: 60000 });
  assert.equal(await page.getAttribute('#m-result', 'data-state'), 'error');
  const kernel = sha256(td('measure/kernel-a.bin'));
  assert.match(await page.textContent('#m-result'),
               new RegExp(`launch\\.kernel \\(line 5\\): kernel-a\\.bin has SHA-256 ${kernel}, but the file pins ${'ab'.repeat(32)}`));
  assert.equal(await page.getAttribute('#m-kernel', 'aria-invalid'), 'true');
  assert.notEqual(await page.inputValue('#expect-measurement'), M07);
  await page.screenshot({ path: join(shots, 'vm-pin-refused.png'), fullPage: true });
  // and a VM file the library cannot read is marked on its field, naming key and line
  await page.setInputFiles('#vm-file', textFile('bad.toml', vmFile().replace('vcpus = 2', 'vcpus = "two"')));
  await page.waitForSelector('#error-vm');
  assert.match(await page.textContent('#error-vm'), /bad\.toml: line 8: launch\.vcpus: expected an integer, found a string/);
  await page.close();
});

test('a VM file naming an ID key asks for the key file: without it Verify names the key, with it ID_KEY_DIGEST is checked', async () => {
  const { page, errors } = await openPage();
  const keyPath = join(process.env.SEVPROOF_SOURCE_DIR, 'tests/data/idblock/id-key-sec1.pem');
  await page.setInputFiles('#vm-file', textFile('guest.toml', vmFile({ measurement: M07 }).replace('[expect]', '[id_block]\nid_key = "id-key.pem"\n[expect]')));
  await page.waitForSelector('#vm-out[data-state="loaded"]');
  const keyInput = '#vm-files input[data-vm-key="id_block.id_key"]';
  await page.waitForSelector(keyInput, { state: 'attached' });
  const missing = await verifyOnPage(page, MILAN);
  assert.equal(missing.state, 'error');
  assert.match(missing.text, /id_block\.id_key \(line 13\): choose the key file it names \(id-key\.pem\)/);
  await page.setInputFiles(keyInput, keyPath);
  assert.equal(await page.getAttribute('#status', 'data-state'), 'stale');  // a new input clears the verdict
  const r = await verifyOnPage(page, {});
  assert.equal(r.checks.P030, 'fail', r.text);  // this guest was launched without that ID key
  assert.match(await page.textContent('#checks li[data-code="P030"] .detail'), /from the VM file: id_block\.id_key \(line 13\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

// Round 6's page trial: what the CLI refuses or fails, the page must not show as VERIFIED.
test('every chain file chosen is verified (a third, foreign one fails as with --certs); refused documents stop Verify', async () => {
  const { page, errors } = await openPage();
  const der = (rel) => Buffer.from(Buffer.from(td(rel)).toString().replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const vlek = { report: 'reports/constellation-aws-milan-v3-vlek/report.bin', vcek: 'reports/constellation-aws-milan-v3-vlek/vlek.der' };
  const asDer = (name, rel) => ({ name, mimeType: 'application/octet-stream', buffer: der(rel) });
  await page.setInputFiles('#chain', [asDer('ark.der', 'amd/milan/ark.pem'), asDer('asvk.der', 'amd/milan/asvk.pem')]);
  const good = await verifyOnPage(page, vlek, { '#now': '2025-06-01' });
  assert.equal(good.state, 'verified', good.text);
  await page.setInputFiles('#chain', [asDer('ark.der', 'amd/milan/ark.pem'), asDer('asvk.der', 'amd/milan/asvk.pem'),
                                      asDer('genoa-asvk.der', 'amd/genoa/asvk.pem')]);
  const foreign = await verifyOnPage(page, {});  // twin: the Genoa ASVK was left out before; --certs fails V003
  assert.equal(foreign.state, 'not_verified', foreign.text);
  assert.equal(foreign.checks.V003, 'fail');
  // an unreadable file is named by its name in the library's message, as the CLI names the path
  await page.setInputFiles('#vcek', { name: 'not-a-cert.der', mimeType: 'application/octet-stream', buffer: Buffer.from([0x30, 3, 1, 2, 3]) });
  const unreadable = await verifyOnPage(page, {});
  assert.equal(unreadable.state, 'error');
  assert.match(unreadable.text, /\(in not-a-cert\.der\)/);
  // a VM file that records no measurement: `vm verify` computes it, so Verify asks for it rather than passing
  await page.setInputFiles('#chain', []);
  await page.setInputFiles('#vm-file', textFile('guest.toml', vmFile()));
  await page.waitForSelector('#vm-out[data-state="loaded"]');
  const unmeasured = await verifyOnPage(page, MILAN);
  assert.equal(unmeasured.state, 'error');
  assert.match(unmeasured.text, /the VM file records no measurement: compute its launch digest below/);
  // a refused VM file is not left out silently: Verify names it (the CLI exits 3)
  await page.setInputFiles('#vm-file', textFile('bad.toml', vmFile().replace('vcpus = 2', 'vcpus = "two"')));
  await page.waitForSelector('#error-vm');
  const refused = await verifyOnPage(page, {});
  assert.equal(refused.state, 'error');
  assert.match(refused.text, /bad\.toml: line 8: launch\.vcpus/);
  assert.equal(await page.inputValue('[data-expect="vmpl"]'), '');  // nothing of the earlier file stays
  assert.deepEqual(errors, []);
  await page.close();
});

test('a measurement pasted as xxd -p lines is one value; a certificate table with PEM entries is routed as a table', async () => {
  const { page, errors } = await openPage();
  await page.fill('#expect-measurement', M_MILAN.slice(0, 60) + '\n' + M_MILAN.slice(60));
  const r = await verifyOnPage(page, MILAN);
  assert.equal(r.checks.P018, 'pass', r.text);
  // a GHCB table whose entries are PEM (as Veraison's TSM evidence carries them), dropped: the table field
  const pem = (rel) => Buffer.from(td(rel));
  const entries = [['63da758d-e664-4564-adc5-f4b93be8accd', pem('amd/milan/ark.pem')]];
  const guid = (g) => Buffer.from(g.replace(/-/g, ''), 'hex');
  const head = Buffer.alloc(24 * (entries.length + 1));
  let at = head.length;
  entries.forEach(([g, b], i) => { guid(g).copy(head, 24 * i); head.writeUInt32LE(at, 24 * i + 16); head.writeUInt32LE(b.length, 24 * i + 20); at += b.length; });
  await drop(page, [['auxblob.bin', Buffer.concat([head, ...entries.map(([, b]) => b)])]]);
  assert.deepEqual(await chosen(page, 'certTable'), ['auxblob.bin']);
  assert.deepEqual(errors, []);
  await page.close();
});

const osCase = (name) => JSON.parse(osFile('cases.json')).find((c) => c.name.startsWith(name));
test('OpenStack check: Nova\'s model, findings and launch as `openstack check --json`; a bad image property is marked', async () => {
  const { page, errors } = await openPage();
  const c = osCase('SNP direct boot');
  await page.setInputFiles('#os-flavor', { name: 'f.json', mimeType: 'application/json', buffer: osFile(c.flavor) });
  await page.setInputFiles('#os-image', { name: 'i.json', mimeType: 'application/json', buffer: osFile(c.image) });
  await page.click('#os-check');
  await page.waitForSelector('#os-summary:not([data-state="idle"])');
  assert.equal(await page.getAttribute('#os-summary', 'data-state'), 'launchable', await page.textContent('#os-summary'));
  assert.equal(await page.textContent('#os-summary'), 'LAUNCHABLE as amd-sev-snp');
  assert.deepEqual(await page.$$eval('#os-findings li', (l) => l.map((x) => x.dataset.code)), c.codes);
  assert.match(await page.textContent('#os-launch'), /policy 0x00030000, kernel hashes yes, 4 vCPUs/);
  assert.match(await page.textContent('#os-launch'), new RegExp(`command line "${c.launch.cmdline}"`));
  await page.screenshot({ path: join(shots, 'openstack-launchable.png'), fullPage: true });
  // required model: the same pair is not what a sev-es requirement asks for
  await page.selectOption('#os-require', 'sev-es');
  assert.equal(await page.getAttribute('#os-summary', 'data-state'), 'idle');  // a change clears the answer
  await page.click('#os-check');
  await page.waitForSelector('#os-summary:not([data-state="idle"])');
  assert.equal(await page.getAttribute('#os-summary', 'data-state'), 'not_required');
  assert.match(await page.textContent('#os-summary'), /^NOT AS REQUIRED: Nova would boot it with amd-sev-snp, not amd-sev-es/);
  // twin: an image whose properties string is broken
  await page.setInputFiles('#os-image', { name: 'i.json', mimeType: 'application/json', buffer: osFile('bad/image-bad-properties.json') });
  await page.click('#os-check');
  await page.waitForSelector('#os-summary[data-state="error"]');
  assert.equal(await page.getAttribute('#os-image', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#error-image'), /^image: properties/);
  assert.equal(await page.locator('#os-findings li').count(), 0);
  await page.screenshot({ path: join(shots, 'openstack-bad-image.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

// A report whose MEASUREMENT is the given digest (the signature no longer matches: NOT VERIFIED, but its
// fields are shown, and the page compares them with a computed measurement).
const reportWithMeasurement = (hex) => { const r = new Uint8Array(td(MILAN.report)); r.set(Buffer.from(hex, 'hex'), 0x90); return r; };
const vector = (id) => readFileSync(tdPath('measure/vectors.tsv'), 'utf8').split('\n').find((l) => l.startsWith(id + '\t')).split('\t')[2];
async function explainAgainst(page, reported) {
  const r = await verifyOnPage(page, { report: reportWithMeasurement(reported) });
  assert.equal(await r.field('measurement'), reported);
  await page.setInputFiles('#m-ovmf', tdPath('ovmf/OVMF_CODE.fd'));  // m02: 4 EPYC-Milan vCPUs, guest features 0x1
  await page.fill('#m-vcpus', '4');
  await page.selectOption('#m-vcpu-type', 'EPYC-Milan');
  await page.fill('#m-features', '0x1');
  await page.click('#m-compute');
  await page.waitForSelector(measured, { timeout: 60000 });
  assert.equal(await page.getAttribute('#m-result', 'data-state'), 'mismatch', await page.textContent('#m-result'));
  assert.match(await page.textContent('#m-result'), new RegExp('^' + vector('m02')));
  await page.click('#m-explain');
  await page.waitForSelector('#m-explain-out:is([data-state="explained"], [data-state="unexplained"], [data-state="error"])', { timeout: 120000 });
  return { state: await page.getAttribute('#m-explain-out', 'data-state'), text: await page.textContent('#m-explain-out') };
}

test('explain the difference: a report launched with guest features 0x21 is explained by the library\'s search', async () => {
  const { page, errors } = await openPage();
  const e = await explainAgainst(page, vector('m03'));
  assert.equal(e.state, 'explained', e.text);
  assert.match(e.text, /^EXPLAINED \(1 input differs\):/);
  assert.match(await page.textContent('#m-explain-out .sentence'), /guest features 0x21/);
  assert.match(e.text, /change: guest-features "0x21"/);
  assert.match(e.text, /searched \(values per axis, tried alone and in pairs\): guest-features \d+, vcpus 511, /);
  await page.screenshot({ path: join(shots, 'explained.png'), fullPage: true });
  // another report: the comparison with the old one's MEASUREMENT and its explanation go (twin of the above)
  await page.setInputFiles('#report', tdPath('reports/oak-turin-v5/report.bin'));
  assert.equal(await page.getAttribute('#m-result', 'data-state'), 'done');
  assert.match(await page.textContent('#m-result'), /the report changed: press Verify, then Compute, to compare/);
  assert.equal(await page.isHidden('#m-explain'), true);
  assert.equal(await page.getAttribute('#m-explain-out', 'data-state'), 'idle');
  assert.deepEqual(errors, []);
  await page.close();
});

test('explain the difference: a digest nothing explains says so, with what was searched', async () => {
  const { page, errors } = await openPage();
  const e = await explainAgainst(page, 'ab'.repeat(48));
  assert.equal(e.state, 'unexplained', e.text);
  assert.match(e.text, /^NOT EXPLAINED: no single input change and no pair of changes gives the reported digest\./);
  assert.match(e.text, /vcpus 511, vcpu-type \d+, .*; \d+ candidate launches compared/);
  assert.equal(await page.locator('#m-explain-out .sentence').count(), 0);
  await page.screenshot({ path: join(shots, 'not-explained.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page made no network request (only its own file:// URL)', () => {
  const foreign = requests.filter((u) => u !== pageUrl && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.ok(requests.length > 0);
});
