// The WebAssembly build of the library under Node: the same slice as the native Catch2 test, through
// the page's own bindings (sevproof-core.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { requireTestdata, td, flipBit } from './common.mjs';

requireTestdata();
const createSevproof = createRequire(import.meta.url)(process.env.SEVPROOF_CORE_JS);
const core = await createSevproof();

const chain = { ark: td('amd/milan/ark.pem'), ask: td('amd/milan/ask.pem') };
const verify = (report, vcek, ark = chain.ark, ask = chain.ask) => JSON.parse(core.verifyReport(report, vcek, ark, ask));

test('version names the crypto backend', () => {
  assert.match(core.version(), /Botan 3\.7\.1, WebAssembly/);
});

test('real Milan report verifies: ARK self-signature, ASK, VCEK, report signature', () => {
  const r = verify(td('reports/automata-milan-v2/report.bin'), td('reports/automata-milan-v2/vcek.der'));
  assert.equal(r.verified, true, JSON.stringify(r));
  assert.equal(r.checks.length, 4);
  for (const c of r.checks) assert.equal(c.status, 'pass', c.check + ': ' + c.detail);
});

test('Genoa and Turin reports verify with their own chains', () => {
  for (const [dir, product] of [['oak-genoa-v5', 'genoa'], ['oak-turin-v5', 'turin']]) {
    const r = verify(td(`reports/${dir}/report.bin`), td(`reports/${dir}/vcek.der`),
                     td(`amd/${product}/ark.pem`), td(`amd/${product}/ask.pem`));
    assert.equal(r.verified, true, dir + ': ' + JSON.stringify(r));
  }
});

test('one flipped bit in the report fails the signature check only', () => {
  const report = flipBit(td('reports/automata-milan-v2/report.bin'), 0x90);
  const r = verify(report, td('reports/automata-milan-v2/vcek.der'));
  assert.equal(r.verified, false);
  assert.deepEqual(r.checks.map((c) => c.status), ['pass', 'pass', 'pass', 'fail']);
});

test('one flipped bit in the ASK fails its ARK signature', () => {
  const pem = new TextDecoder().decode(td('amd/milan/ask.pem'));
  const der = Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
  const r = verify(td('reports/automata-milan-v2/report.bin'), td('reports/automata-milan-v2/vcek.der'),
                   chain.ark, flipBit(der, 300));
  assert.equal(r.verified, false);
  assert.equal(r.checks[1].status, 'fail', JSON.stringify(r.checks[1]));
});

test('hostile input is refused with a reason, not a crash', () => {
  const r = verify(td('reports/lit-milan-v2-novcek/guest_report_bad_sig-1185.bin'), td('reports/automata-milan-v2/vcek.der'));
  assert.equal(r.verified, false);
  assert.equal(r.error.input, 'report');
  assert.match(r.error.message, /1185 bytes/);
  const r2 = verify(td('reports/automata-milan-v2/report.bin'), new Uint8Array([0x30, 0x82, 0xff]));
  assert.equal(r2.error.input, 'vcek');
});
