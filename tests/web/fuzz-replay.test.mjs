// The fuzz inputs through the WebAssembly bindings under Node (issue 16, item 4): the hand-made seeds
// and regression inputs of fuzz/, deterministic mutations of them, and a sample of a campaign corpus
// (SEVPROOF_FUZZ_CORPUS, e.g. build/fuzz/corpus) go through showReport, verify and measure the way
// the page calls them. Each call must answer JSON (a result or {error}); a trap or an exception
// would leave the page dead on input the CLI refuses. And, as the native appraisal target: a
// genuine report with any byte changed is never called genuine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTestdata, td } from './common.mjs';

requireTestdata();
const createSevproof = createRequire(import.meta.url)(process.env.SEVPROOF_CORE_JS);
const core = await createSevproof();
const fuzzDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fuzz');
const campaign = process.env.SEVPROOF_FUZZ_CORPUS || '';
const SAMPLE = Number(process.env.SEVPROOF_FUZZ_SAMPLE || 40);   // campaign files per target
const MUTATIONS = Number(process.env.SEVPROOF_FUZZ_MUTATIONS || 12); // mutations per input

// Deterministic mutations (xorshift32), as fuzz/replay_main.cpp does natively.
let state = 0x5e7;
const rnd = (n) => {
  state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
  return state % n;
};
function mutate(input) {
  const m = new Uint8Array(input);
  switch (rnd(4)) {
    case 0: for (let k = 0, n = 1 + rnd(8); k < n && m.length; ++k) m[rnd(m.length)] ^= 1 << rnd(8); return m;
    case 1: return m.slice(0, m.length ? rnd(m.length) : 0);
    case 2: { const out = new Uint8Array(m.length + 1 + rnd(64)); out.set(m); out.fill(rnd(256), m.length); return out; }
    default: {
      if (m.length > 8) { const a = rnd(m.length), b = rnd(m.length), n = rnd(m.length - Math.max(a, b)); m.copyWithin(a, b, b + n); }
      return m;
    }
  }
}

const filesIn = (dir) => (existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).sort() : []);
function inputsOf(target) {
  const own = [...filesIn(join(fuzzDir, 'seeds', target)), ...filesIn(join(fuzzDir, 'regressions', target))];
  const sampled = campaign ? filesIn(join(campaign, target)).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / SAMPLE)) === 0).slice(0, SAMPLE) : [];
  const base = [...own, ...sampled].map((f) => new Uint8Array(readFileSync(f)));
  const out = [...base];
  for (const b of base) for (let k = 0; k < MUTATIONS; ++k) out.push(mutate(b));
  return out;
}

// Every binding answers JSON; an {error} names its input.
function answer(call, what) {
  let text;
  try {
    text = call();
  } catch (e) {
    assert.fail(`${what}: the binding threw or trapped: ${e}`);
  }
  const j = JSON.parse(text);
  if (j.error) assert.equal(typeof j.error.input, 'string', `${what}: an error names its input`);
  return j;
}

const genuineReport = () => td('reports/oak-genoa-v5/report.bin');
const genuineVcek = () => td('reports/oak-genoa-v5/vcek.der');
const at = '2026-01-01';  // inside the validity of that VCEK (2025-08-07 to 2032) and its chain
const text = (b) => new TextDecoder().decode(b);

test('the fixed genuine report verifies (the property below is not vacuous)', () => {
  const r = answer(() => core.verify({ report: genuineReport(), vcek: genuineVcek(), now: at }), 'genuine');
  assert.equal(r.genuine, true, JSON.stringify(r.checks?.filter((c) => c.status === 'fail')));
});

test('report inputs: showReport answers JSON on every one', () => {
  let n = 0;
  for (const target of ['report', 'report_text', 'appraisal'])
    for (const b of inputsOf(target)) for (const product of ['', 'milan', 'turin']) answer(() => core.showReport(b, product), `${target} #${n++}`);
  const offset = inputsOf('report_offset');  // 4 bytes of settings, then the file
  for (const b of offset) answer(() => core.showReport(b.slice(4), ['milan', 'genoa', 'turin', ''][b[2] & 3]), 'report_offset');
  assert.ok(n > 100, `only ${n} report inputs`);
});

test('a genuine report with any byte changed is never genuine in the page', () => {
  const original = genuineReport();
  const vcek = genuineVcek();
  for (let k = 0; k < 200; ++k) {
    const m = new Uint8Array(original);
    const pos = rnd(m.length);
    m[pos] ^= 1 + rnd(255);
    const r = answer(() => core.verify({ report: m, vcek, now: at }), `byte 0x${pos.toString(16)}`);
    if (!r.error) assert.equal(r.genuine, false, `byte 0x${pos.toString(16)} changed, still genuine`);
  }
});

test('appraisal inputs through verify with the fixed VCEK', () => {
  const original = genuineReport();
  for (const b of inputsOf('appraisal')) {
    const r = answer(() => core.verify({ report: b, vcek: genuineVcek(), now: at }), 'appraisal');
    const same = b.length === original.length && b.every((x, i) => x === original[i]);
    if (!r.error && b.length === original.length) assert.equal(r.genuine, same, 'genuine exactly for the original bytes');
  }
});

test('certificate, table and CRL inputs through verify', () => {
  const report = genuineReport();
  for (const b of inputsOf('x509')) {
    answer(() => core.verify({ report, vcek: b, now: at }), 'x509 as VCEK');
    answer(() => core.verify({ report, vcek: genuineVcek(), chain: b, now: at }), 'x509 as chain');
  }
  for (const b of inputsOf('cert_table')) answer(() => core.verify({ report, certTable: b, now: at }), 'cert_table');
  for (const b of inputsOf('crl')) answer(() => core.verify({ report, vcek: genuineVcek(), crl: b, now: at }), 'crl');
});

test('option text through verify expectations and measure', () => {
  const report = genuineReport();
  for (const b of inputsOf('options')) {
    const expect = {}, req = {};
    for (const line of text(b).split('\n')) {
      const eq = line.indexOf('=');
      const name = eq < 0 ? line : line.slice(0, eq), value = eq < 0 ? '' : line.slice(eq + 1);
      if (name === 'now') answer(() => core.verify({ report, vcek: genuineVcek(), now: value }), 'now');
      else if (name.startsWith('measure.')) req[name.slice(8).replace(/-(.)/g, (_, c) => c.toUpperCase())] = value;
      else if (name) expect[name] = value;
    }
    answer(() => core.verify({ report, vcek: genuineVcek(), now: at, expect }), 'expectations');
    if (Object.keys(req).length) answer(() => core.measure({ ...req, ovmf: new Uint8Array(4096) }), 'measure request');
  }
});

test('an empty measurement in a list is refused naming the expectation (fuzz regression)', () => {
  for (const name of ['measurement', 'id-key-digest', 'author-key-digest']) {
    const r = answer(() => core.verify({ report: genuineReport(), vcek: genuineVcek(), now: at, expect: { [name]: [''] } }), name);
    assert.equal(r.error?.input, `expectation ${name}`);
  }
});

test('OVMF inputs through measure', () => {
  const modes = ['snp', 'seves', 'sev', 'snp:ovmf-hash'];
  for (const b of inputsOf('ovmf')) {
    if (b.length > 300000) continue;
    const body = b.slice(1), pad = (4096 - (body.length % 4096)) % 4096;
    const ovmf = new Uint8Array(pad + body.length);
    ovmf.set(body, pad);
    answer(() => core.measure({ ovmf, mode: modes[b[0] & 3], vcpus: String(1 + ((b[0] >> 6) & 3)), vcpuType: 'EPYC-Milan' }), 'ovmf');
  }
});
