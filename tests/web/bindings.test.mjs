// The WebAssembly build of the library under Node, through the page's own bindings
// (sevproof-core.js): the same verification the CLI runs, on the real data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { requireTestdata, td, flipBit } from './common.mjs';

requireTestdata();
const createSevproof = createRequire(import.meta.url)(process.env.SEVPROOF_CORE_JS);
const core = await createSevproof();
const verify = (req) => JSON.parse(core.verify(req));
const status = (r, code) => r.checks.find((c) => c.code === code).status;

test('version names the crypto backend', () => {
  assert.match(core.version(), /Botan 3\.7\.1, WebAssembly/);
});

test('built-in roots are the pinned AMD keys of three products', () => {
  const roots = JSON.parse(core.builtinRoots());
  assert.equal(roots.length, 9);
  assert.ok(roots.every((r) => r.pinned));
  assert.deepEqual([...new Set(roots.map((r) => r.product))], ['milan', 'genoa', 'turin']);
});

for (const dir of ['automata-milan-v2', 'oak-genoa-v5', 'oak-turin-v5']) {
  test(`real report ${dir} verifies with the built-in chain`, () => {
    const r = verify({ report: td(`reports/${dir}/report.bin`), vcek: td(`reports/${dir}/vcek.der`) });
    assert.equal(r.verified, true, JSON.stringify(r.checks.filter((c) => c.status === 'fail')));
    assert.equal(status(r, 'V016'), 'pass');
    assert.equal(status(r, 'V015'), 'pass');
  });
}

test('one flipped bit in the report fails V016', () => {
  const r = verify({ report: flipBit(td('reports/automata-milan-v2/report.bin'), 0x90), vcek: td('reports/automata-milan-v2/vcek.der') });
  assert.equal(r.genuine, false);
  assert.equal(status(r, 'V016'), 'fail');
  assert.equal(status(r, 'V005'), 'pass');
});

test('one flipped bit in the ASK fails V003 (not the pinned key) or V004', () => {
  const pem = new TextDecoder().decode(td('amd/milan/ask.pem'));
  const der = Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
  const r = verify({ report: td('reports/automata-milan-v2/report.bin'), vcek: td('reports/automata-milan-v2/vcek.der'),
                     ark: td('amd/milan/ark.pem'), ask: flipBit(der, der.length - 1, 0x80), builtin: false });
  assert.equal(r.genuine, false);
  assert.equal(status(r, 'V004'), 'fail');
});

test('expired VLEK: fails now, verifies at a past time, from the certificate table', () => {
  const req = { report: td('reports/constellation-aws-milan-v2-vlek-certtable/report.bin'),
                certTable: td('reports/constellation-aws-milan-v2-vlek-certtable/certs.bin') };
  assert.equal(status(verify(req), 'V008'), 'fail');
  const past = verify({ ...req, now: '2023-10-01' });
  assert.equal(past.verified, true);
  assert.equal(past.signer, 'VLEK');
});

test('expectations run through the same option parser as the CLI', () => {
  const r = verify({ report: td('reports/automata-milan-v2/report.bin'), vcek: td('reports/automata-milan-v2/vcek.der'),
                     expect: { measurement: ['845f8680d7f810d6ee410706d1c845aeb83d18e9a30f59d1b519a7b2e2f2670aab3982a20fec61a85b6771922f44945b'], 'min-tcb': 'snp=23' } });
  assert.equal(status(r, 'P018'), 'pass');
  assert.equal(status(r, 'P021'), 'fail');
  assert.equal(r.genuine, true);
  assert.equal(r.verified, false);
  const bad = verify({ report: td('reports/automata-milan-v2/report.bin'), expect: { vmpl: '9' } });
  assert.equal(bad.error.input, 'expectation vmpl');
});

test('hostile input is refused with a reason, not a crash', () => {
  const r = verify({ report: td('reports/lit-milan-v2-novcek/guest_report_bad_sig-1185.bin') });
  assert.equal(r.error.input, 'report');
  assert.match(r.error.message, /size is 1185 bytes/);
  const r2 = verify({ report: td('reports/automata-milan-v2/report.bin'), vcek: new Uint8Array([0x30, 0x82, 0xff]) });
  assert.equal(r2.error.input, 'vcek');
  const shown = JSON.parse(core.showReport(td('reports/oak-turin-v5/report.bin'), ''));
  assert.equal(shown.product.name, 'Turin');
});
