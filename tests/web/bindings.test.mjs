// The WebAssembly build of the library under Node, through the page's own bindings
// (sevproof-core.js): the same verification the CLI runs, on the real data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTestdata, td, flipBit, makeIdBlock, vmFile } from './common.mjs';

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
  assert.deepEqual([...new Set(roots.map((r) => r.role))], ['ark', 'ask', 'asvk']);
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
  assert.equal(status(r, 'P023'), 'fail');  // --min-tcb floors REPORTED_TCB
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
  // An unknown product is refused in `report show --product`'s words, never ignored (it was: CPUID decided).
  const unknown = JSON.parse(core.showReport(td('reports/oak-turin-v5/report.bin'), 'milan2'));
  assert.equal(unknown.error.input, 'product');
  assert.equal(unknown.error.message, 'milan2: use milan, genoa or turin');
  // twin: a known name in any case is taken (a v5 Turin report given as turin reads as before)
  assert.equal(JSON.parse(core.showReport(td('reports/oak-turin-v5/report.bin'), 'TURIN')).product.name, 'Turin');
});

// ---- files recognised by content (the page routes dropped files with this, never by name) ----
const kind = (rel) => JSON.parse(core.classify(td(rel))).kind;
test('every real evidence file is recognised by its content', () => {
  for (const [rel, want] of [
    ['reports/automata-milan-v2/report.bin', 'report'], ['reports/lit-milan-v2-novcek/msg_report_rsp.bin', 'report'],
    ['reports/trustee-azure-milan-v2-hcl/hcl-report.bin', 'report'], ['reports/automata-milan-v2/vcek.der', 'vcek'],
    ['reports/oak-turin-v5/vcek.der', 'vcek'], ['reports/oak-genoa-v5/vcek.der', 'vcek'],
    ['reports/trustee-aws-milan-v3-vlek/vlek.der', 'vlek'], ['reports/constellation-aws-milan-v2-vlek-b/vlek-mismatched.pem', 'vlek'],
    ['amd/milan/ark.pem', 'ark'], ['amd/genoa/ask.pem', 'ask'], ['amd/turin/asvk.pem', 'asvk'],
    ['reports/virtee-sev-milan-v2/chain.pem', 'chain'], ['crl/milan-vcek-crl.der', 'crl'],
    ['reports/constellation-aws-milan-v2-vlek-certtable/certs.bin', 'cert_table'],
    ['reports/trustee-genoa-a0-v3-fromjson/evidence.json', 'json'], ['ovmf/OVMF_CODE.fd', 'unknown'],
  ]) assert.equal(kind(rel), want, rel);
});

test('a broken file is not recognised as what it resembles', () => {
  const der = td('reports/automata-milan-v2/vcek.der');
  assert.equal(JSON.parse(core.classify(der.subarray(0, der.length - 40))).kind, 'unknown');
  assert.equal(JSON.parse(core.classify(td('reports/lit-milan-v2-novcek/guest_report_bad_sig-1185.bin'))).kind, 'unknown');
  assert.equal(JSON.parse(core.classify(new Uint8Array(0))).kind, 'unknown');
});

// ---- the verdict's words are the CLI's: VERIFIED / GENUINE, BUT POLICY FAILED / NOT VERIFIED ----
test('summary wording per case, as `sevproof verify` decides it', () => {
  const milan = { report: td('reports/automata-milan-v2/report.bin'), vcek: td('reports/automata-milan-v2/vcek.der') };
  const cases = [
    [milan, 'verified', /^VERIFIED: genuine AMD SEV-SNP report.*no expectations given/],
    [{ ...milan, expect: { vmpl: '3' } }, 'policy_failed', /^GENUINE, BUT POLICY FAILED/],
    [{ report: milan.report }, 'not_verified', /^NOT VERIFIED/],                         // no VCEK
    [{ report: td('reports/trustee-aws-milan-v3-vlek/report.bin'), vcek: td('reports/trustee-aws-milan-v3-vlek/vlek.der'),
       now: '2035-01-01' }, 'not_verified', /^NOT VERIFIED/],                             // expired VLEK
    [{ ...milan, report: flipBit(milan.report, 0x90) }, 'not_verified', /^NOT VERIFIED/],  // tampered
  ];
  for (const [req, outcome, text] of cases) {
    const r = verify(req);
    assert.equal(r.outcome, outcome, r.summary);
    assert.match(r.summary, text);
    assert.equal(r.outcome === 'verified', r.verified);
    assert.equal(r.outcome !== 'not_verified', r.genuine);
  }
});

test('several chain files are each their own input, refused by name as --chain/--certs refuse them', () => {
  const milan = { report: td('reports/automata-milan-v2/report.bin'), vcek: td('reports/automata-milan-v2/vcek.der') };
  const ask = td('amd/milan/ask.pem'), ark = td('amd/milan/ark.pem');
  const ok = verify({ ...milan, chain: [ask, ark], names: { chain: ['ask.pem', 'ark.pem'] }, builtin: false });
  assert.equal(ok.outcome, 'verified', JSON.stringify(ok.error || ok.summary));
  const empty = verify({ ...milan, chain: [ask, new Uint8Array(0)], names: { chain: ['ask.pem', 'empty.der'] } });
  assert.equal(empty.error.message, 'certificate: is empty (in empty.der)');  // the CLI: "--chain: certificate: is empty (in …)"
});

test('report offset and strictness are the CLI options --offset and --strict', () => {
  const rsp = td('reports/lit-milan-v2-novcek/msg_report_rsp.bin');
  const padded = new Uint8Array(rsp.length + 7);
  padded.set(rsp, 7);
  assert.equal(verify({ report: padded }).error.input, 'report');
  assert.equal(verify({ report: padded, offset: String(7 + 0x20) }).report.version, 2);
  assert.equal(verify({ report: padded, offset: '7x' }).error.input, 'offset');
  assert.equal(verify({ report: padded, offset: '07' }).error.input, 'offset');  // numbers: decimal or 0x only
  // 2^32 is no 0 in a 32-bit page: refused in the CLI's words, never read at offset 0 (and VERIFIED)
  const far = verify({ report: padded, offset: '0x100000000' });
  assert.equal(far.error.input, 'offset');
  assert.match(far.error.message, /0x100000000: past the end of any report file/);
});

test('KDS URLs and key digests, as the CLI prints them', () => {
  const u = JSON.parse(core.kdsUrls(td('reports/oak-turin-v5/report.bin'), ''));
  assert.match(u.vcek, /^https:\/\/kdsintf\.amd\.com\/vcek\/v1\/Turin\/[0-9a-f]{16}\?fmcSPL=/);
  const noProduct = JSON.parse(core.kdsUrls(td('reports/automata-milan-v2/report.bin'), ''));
  assert.equal(noProduct.error.input, 'product');
  assert.match(noProduct.error.message, /carries no CPUID, so the product \(and the URL\) is unknown: give --product/);  // the CLI's words
  const vlek = JSON.parse(core.kdsUrls(td('reports/constellation-aws-milan-v3-vlek/report.bin'), ''));
  assert.equal(vlek.vcek, null);  // as `kds-urls --json`: a VLEK is not fetched by chip id
  assert.equal(vlek.signer, 'VLEK');
  assert.match(vlek.cert_chain, /\/vlek\/v1\/Milan\/cert_chain$/);
  const key = new Uint8Array(readFileSync(join(process.env.SEVPROOF_SOURCE_DIR || '', 'tests/data/idblock/id-key-sec1.pem')));
  assert.equal(JSON.parse(core.keyDigest(key)).sha384,
               '619c6d24263b02ad39282ec1ef107375faf443a027ba3c6718e165798cbfdfedb386048ed168a213b448c02fcfc7f0f8');
  assert.equal(JSON.parse(core.keyDigest(key.subarray(0, 60))).error.input, 'key');
  // refusals in key-digest's words: an empty file, and a private key on another curve gives its own reason
  assert.equal(JSON.parse(core.keyDigest(new Uint8Array(0))).error.message, 'key: empty file');
  const p256 = new Uint8Array(readFileSync(join(process.env.SEVPROOF_SOURCE_DIR || '', 'tests/data/idblock/p256-key.pem')));
  assert.match(JSON.parse(core.keyDigest(p256)).error.message, /^private key: curve is not P-384/);
});

test('sha256 of the inputs (recorded in the export) equals Node\'s', () => {
  const b = td('reports/oak-genoa-v5/vcek.der');
  assert.equal(core.sha256(b), createHash('sha256').update(b).digest('hex'));
});

// ---- the measurement module (the page's worker runs it); Botan and WebCrypto-style hashes agree ----
const createMeasure = createRequire(import.meta.url)(process.env.SEVPROOF_MEASURE_JS);
const measureCore = await createMeasure();
test('measurement module: vector m07 with the kernel and initrd hashed by Botan and by Node crypto', () => {
  const botan = (bytes) => { const h = new measureCore.Sha256(); h.update(bytes); const x = h.finish(); h.delete(); return x; };
  const node = (bytes) => createHash('sha256').update(bytes).digest('hex');
  const kernel = td('measure/kernel-a.bin');
  const initrd = td('measure/initrd-a.bin');
  assert.equal(botan(kernel), node(kernel));
  assert.equal(botan(initrd), node(initrd));
  const req = { ovmf: td('ovmf/OVMF.amdsev.fd'), mode: 'snp', vcpus: '2', vcpuType: 'EPYC-Genoa', guestFeatures: '0x21',
                kernelSha256: botan(kernel), initrdSha256: botan(initrd), cmdline: 'console=ttyS0 root=/dev/vda1' };
  const m = JSON.parse(measureCore.measure(req));
  assert.equal(m.measurement, 'ac72d4805af472137a1f02fa66f2615c460c0b0c295d35418ebf09cd9bf8227e4dedb4be7fa1584f7f697790383c7d3b');
  const other = JSON.parse(measureCore.measure({ ...req, initrdSha256: node(kernel) }));
  assert.notEqual(other.measurement, m.measurement);
  assert.match(JSON.parse(measureCore.measure({ ...req, vcpus: '2x' })).error.message, /vcpus/);
});

test('measurement module: the worker\'s warm-up is the launch digest of 64 zero NORMAL pages, recomputed here', () => {
  // PAGE_INFO (0x70 bytes): DIGEST_CUR, CONTENTS = SHA-384(page), LENGTH 0x70, PAGE_TYPE 1 (NORMAL), GPA; LD = SHA-384(PAGE_INFO)
  const contents = createHash('sha384').update(Buffer.alloc(4096)).digest();
  let ld = Buffer.alloc(48);
  for (let i = 0; i < 64; i++) {
    const info = Buffer.alloc(0x70);
    ld.copy(info, 0);
    contents.copy(info, 0x30);
    info.writeUInt16LE(0x70, 0x60);
    info[0x62] = 1;
    info.writeBigUInt64LE(BigInt(i * 4096), 0x68);
    ld = createHash('sha384').update(info).digest();
  }
  assert.equal(measureCore.warmUp(), ld.toString('hex'));
});

test('verify with a VM file whose [id_block] names keys: each key file asked for, its pin checked, its digest expected', () => {
  const key = new Uint8Array(readFileSync(join(process.env.SEVPROOF_SOURCE_DIR || '', 'tests/data/idblock/id-key-sec1.pem')));
  const pin = createHash('sha256').update(key).digest('hex');
  const text = (p) => `format = 1\n[launch]\nmode = "snp"\novmf = "OVMF.fd"\nvcpus = 1\nvcpu_type = "EPYC-Genoa"\n` +
    `[id_block]\nid_key = { path = "id.pem", sha256 = "${p}" }\n[expect]\nmeasurement = ["${'00'.repeat(48)}"]\n`;
  const req = (files) => ({ report: td('reports/routex-genoa-v3/report.bin'), vcek: td('reports/routex-genoa-v3/vcek.der'),
                            vm: { text: text(pin), name: 'vm.toml', files } });
  // not given: refused, naming the key (before, the page verified without ID_KEY_DIGEST, weaker than the CLI)
  const missing = verify(req({}));
  assert.equal(missing.error.input, 'vm');
  assert.match(missing.error.message, /id_block\.id_key \(line 8\): choose the key file it names \(id\.pem\)/);
  assert.equal(verify({ ...req({}), vm: { text: text(pin), name: 'vm.toml' } }).error.input, 'vm');
  // another file than the pinned one: refused with both digests
  const other = verify(req({ 'id_block.id_key': key.slice(0, key.length - 1) }));
  assert.match(other.error.message, new RegExp(`but the file pins ${pin}`));
  // given: ID_KEY_DIGEST must be this key's digest (the report, launched without an ID block, carries zeros)
  const r = verify(req({ 'id_block.id_key': key }));
  const p030 = r.checks.find((c) => c.code === 'P030');
  assert.equal(p030.status, 'fail');
  assert.equal(p030.vm_key, 'id_block.id_key (line 8)');
  assert.ok(p030.message.includes(JSON.parse(core.keyDigest(key)).sha384), p030.message);
  assert.equal(r.verified, false);
  assert.equal(r.genuine, true);
});

test('id-block check: an ID block signed by its ID key is accepted; a changed byte, LD or policy is refused', async () => {
  const key = readFileSync(join(process.env.SEVPROOF_SOURCE_DIR || '', 'tests/data/idblock/id-key-sec1.pem'));
  const ld = Buffer.from('7e996af8e2ea5fc179b61993b0f37f419d9f8826dac2e2aa2919799b621e3078e8d66769a80397af82051f0ab18a45bb', 'hex');
  const { block, auth } = await makeIdBlock(key, ld, 0x30000);
  const check = (req) => JSON.parse(core.idBlockCheck(req));
  const ok = check({ idBlock: block, idAuth: auth, measurement: ld.toString('base64'), policy: '0x30000' });
  assert.equal(ok.accepted, true, JSON.stringify(ok.checks));
  const asText = (b) => new TextEncoder().encode(Buffer.from(b).toString('base64'));
  assert.deepEqual(ok.not_compared, []);
  assert.equal(ok.summary, 'SNP_LAUNCH_FINISH would accept this ID block and ID auth');
  const unbound = check({ idBlock: asText(block), idAuth: asText(auth) });  // base64 files, as QEMU takes them
  assert.equal(unbound.accepted, true);
  assert.deepEqual(unbound.not_compared, ['LD', 'POLICY']);  // accepted for the launch the block names: said so
  assert.match(unbound.summary, /LD and POLICY were not compared with a launch/);
  const tampered = check({ idBlock: flipBit(block, 0x31), idAuth: auth });
  assert.equal(tampered.accepted, false);
  assert.equal(tampered.checks.find((c) => c.check === 'ID block signature').ok, false);
  const other = check({ idBlock: block, idAuth: auth, measurement: '00'.repeat(48), policy: '0xb0000' });
  assert.deepEqual(other.checks.filter((c) => !c.ok).map((c) => c.check), ['LD', 'POLICY']);
  // the library names the differing policy fields, as the CLI prints them
  assert.match(other.checks.find((c) => c.check === 'POLICY').detail, /differs from the launch policy: DEBUG \(ID block (0x)?0, launch (0x)?1\)/);
  // hex text is hex: 64 hex digits are 32 bytes, refused in the CLI's words (never read as base64 of 48)
  const short = check({ idBlock: block, idAuth: auth, measurement: ld.toString('hex').slice(0, 64) });
  assert.match(short.error.message, /^--measurement: 32 bytes given, the field is 48 bytes/);
  assert.equal(check({ idBlock: block.subarray(1), idAuth: auth }).error.input, 'idBlock');
  assert.equal(check({ idBlock: block, idAuth: auth, policy: '3x' }).error.input, 'idPolicy');
  assert.match(check({ idBlock: block, idAuth: auth, policy: '030000' }).error.message, /leading zero/);  // the CLI's words
});

test('the option table drives the form; reference-values files fill it; a bad file names its line and key', () => {
  const table = JSON.parse(core.optionTable());
  for (const name of ['measurement', 'require-crl', 'min-tcb', 'smt', 'vmpl']) assert.ok(table.find((o) => o.name === name), name);
  assert.equal(table.find((o) => o.name === 'measurement').kind, 'hex_list');
  const rv = JSON.parse(core.readReferenceValues('measurement = ["' + '84'.repeat(48) + '"]\nvmpl = 0\nrequire-crl = true\n', 'rv.toml'));
  assert.deepEqual(rv, { 'require-crl': true, measurement: ['84'.repeat(48)], vmpl: '0' });
  const bad = JSON.parse(core.readReferenceValues('vmpl = 0\nmin-tcb = "bl=x"\n', 'rv.toml'));
  assert.equal(bad.error.input, 'referenceValues');
  assert.match(bad.error.message, /rv\.toml.*2.*min-tcb/);
  assert.match(JSON.parse(core.readReferenceValues('{"vmpl": 0, "nope": 1}', 'rv.json')).error.message, /nope/);
});

test('--require-crl: without a CRL the report is NOT VERIFIED; with a current one it verifies', () => {
  const milan = { report: td('reports/automata-milan-v2/report.bin'), vcek: td('reports/automata-milan-v2/vcek.der'), now: '2026-07-01' };
  assert.equal(verify({ ...milan, expect: { 'require-crl': true } }).outcome, 'not_verified');
  assert.equal(verify({ ...milan, crl: td('crl/milan-vcek-crl.der'), expect: { 'require-crl': true } }).outcome, 'verified');
});

// ---- V016 by WebCrypto (the page's default) and by Botan (the reference) agree on all real data ----
const b64 = (t) => Uint8Array.from(Buffer.from(t, 'base64'));
async function withWebCrypto(req) {
  const q = JSON.parse(core.signatureInput(req));
  if (!q.id) return req;
  const key = await crypto.subtle.importKey('spki', b64(q.spki), { name: 'ECDSA', namedCurve: 'P-384' }, false, ['verify']);
  const rs = new Uint8Array([...b64(q.r), ...b64(q.s)]);
  return { ...req, webcrypto: { id: q.id, valid: await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, key, rs, b64(q.message)) } };
}
const statuses = (r) => r.checks.map((c) => `${c.code} ${c.status}`).join(', ');
const signed = [];
for (const dir of readdirSync(join(process.env.SEVPROOF_TESTDATA_DIR || '.', 'reports'))) {
  for (const f of readdirSync(join(process.env.SEVPROOF_TESTDATA_DIR || '.', 'reports', dir))) {
    if (/^(report.*|hcl-report)\.bin$/.test(f))
      for (const c of readdirSync(join(process.env.SEVPROOF_TESTDATA_DIR || '.', 'reports', dir)).filter((x) => /^v[cl]ek.*\.(der|pem)$/.test(x)))
        signed.push([`reports/${dir}/${f}`, `reports/${dir}/${c}`]);
  }
}
test(`WebCrypto and Botan give the same verdict on every real report and certificate (${signed.length} pairs) and on tampered ones`, async () => {
  assert.ok(signed.length >= 25, String(signed.length));
  let webcryptoUsed = 0;
  for (const [report, cert] of signed) {
    for (const bytes of [td(report), flipBit(td(report), 0x2a0 - 1)]) {
      const req = { report: bytes, vcek: td(cert), now: '2025-06-01' };
      const botan = verify(req);
      const webReq = await withWebCrypto(req);
      const web = verify(webReq);
      if (botan.error) { assert.deepEqual(web.error, botan.error); continue; }
      assert.equal(statuses(web), statuses(botan), `${report} + ${cert}`);
      if (webReq.webcrypto) {
        webcryptoUsed++;
        assert.match(web.checks.find((c) => c.code === 'V016').message, /\(WebCrypto\)/);
      }
    }
  }
  assert.ok(webcryptoUsed >= 40, String(webcryptoUsed));
});

test('a WebCrypto answer counts only for the question it was asked: it cannot vouch for other bytes', async () => {
  const req = { report: td('reports/automata-milan-v2/report.bin'), vcek: td('reports/automata-milan-v2/vcek.der') };
  const answered = await withWebCrypto(req);
  assert.equal(answered.webcrypto.valid, true);
  const tampered = verify({ ...answered, report: flipBit(req.report, 0x90) });  // the answer for the original bytes
  assert.equal(status(tampered, 'V016'), 'fail');
  assert.doesNotMatch(tampered.checks.find((c) => c.code === 'V016').message, /WebCrypto/);
  const lie = verify({ ...req, webcrypto: { id: answered.webcrypto.id, valid: false } });  // the page's browser says no: not verified
  assert.equal(status(lie, 'V016'), 'fail');
});

test('the built-in chain is checked once per load: every ARK self-signed, every ASK/ASVK signed by its ARK', () => {
  assert.equal(JSON.parse(core.checkBuiltinChain('genoa')).length, 3);
  const links = JSON.parse(core.checkBuiltinChain(''));
  assert.equal(links.length, 9);
  assert.ok(links.every((l) => l.valid), JSON.stringify(links.filter((l) => !l.valid)));
  assert.deepEqual([...new Set(links.map((l) => l.product))], ['Milan', 'Genoa', 'Turin']);
});

// ---- OpenStack check: every hand-written case of the CLI's table, through the page's binding ----
const openstackDir = join(process.env.SEVPROOF_SOURCE_DIR, 'tests/data/openstack');
const openstackText = (name) => readFileSync(join(openstackDir, name), 'utf8');
const openstackCases = JSON.parse(openstackText('cases.json'));
test(`openstackCheck gives the CLI's model, refusal, findings and launch shape on all ${openstackCases.length} cases`, () => {
  for (const c of openstackCases) {
    const r = JSON.parse(core.openstackCheck({ flavor: openstackText(c.flavor), image: openstackText(c.image),
                                               node: c.node || '', require: c.require || '', rootDevice: c.root_device }));
    assert.equal(r.error, undefined, c.name);
    assert.equal(r.model, c.model, c.name);
    assert.equal(r.refused, c.refused, c.name);
    assert.equal(r.launchable, c.exit === 0, c.name);
    assert.deepEqual(r.findings.map((f) => f.code), c.codes, c.name);
    if (c.launch === null) assert.equal(r.launch, null, c.name);
    else for (const [k, v] of Object.entries(c.launch)) assert.deepEqual(r.launch[k], v, `${c.name}: launch.${k}`);
    assert.match(r.summary, /^(LAUNCHABLE as|REFUSED:|NOT ENCRYPTED:|NOT AS REQUIRED:)/, c.name);
  }
});

test('openstackCheck refuses every bad document and bad option, naming the input', () => {
  const flavor = openstackText('flavor-snp.json');
  const image = openstackText('image-snp-kernel.json');
  for (const bad of readdirSync(join(openstackDir, 'bad'))) {
    const text = readFileSync(join(openstackDir, 'bad', bad), 'utf8');
    const asImage = JSON.parse(core.openstackCheck({ flavor, image: text }));
    const asFlavor = JSON.parse(core.openstackCheck({ flavor: text, image }));
    assert.ok(asImage.error || asFlavor.error, bad);
    if (bad.startsWith('image-')) assert.equal(asImage.error.input, 'image', bad);
    if (bad.startsWith('flavor-')) assert.equal(asFlavor.error.input, 'flavor', bad);
  }
  assert.match(JSON.parse(core.openstackCheck({ flavor, image: openstackText('bad/image-bad-properties.json') })).error.message,
               /^image: properties/);
  assert.equal(JSON.parse(core.openstackCheck({ flavor, image, require: 'sev-snpx' })).error.input, 'require');
  assert.equal(JSON.parse(core.openstackCheck({ flavor, image, node: 'cpu_model' })).error.input, 'node');
  assert.equal(JSON.parse(core.openstackCheck({ flavor, image: '' })).error.input, 'image');
  assert.equal(JSON.parse(core.openstackCheck({ flavor, image, rootDevice: '/dev/vda; rm' })).error.input, 'root-device');
});

test('classify: VM files, OpenStack documents and reference values by their keys, not their names', () => {
  const kind = (text) => JSON.parse(core.classify(new TextEncoder().encode(text))).kind;
  assert.equal(kind(openstackText('flavor-snp.json')), 'openstack_flavor');
  assert.equal(kind(openstackText('image-snp-kernel.json')), 'openstack_image');
  assert.equal(kind(openstackText('bad/image-bad-properties.json')), 'openstack_image');  // its reader says what is wrong
  assert.equal(kind('format = 1\n[launch]\nmode = "snp"\novmf = "OVMF.fd"\n'), 'vm');
  assert.equal(kind('{"format": 1, "launch": {"mode": "snp", "ovmf": "OVMF.fd"}}'), 'vm');
  assert.equal(kind('vcpu_count = 2\novmf_file = "OVMF.fd"\n'), 'vm');
  assert.equal(kind('vmpl = 0\nmeasurement = ["00"]\n'), 'reference_values');
  assert.equal(kind('{"vmpl": 0}'), 'reference_values');
  assert.equal(kind('title = "a TOML file of something else"\n'), 'unknown');
  assert.equal(kind('{"name": "a JSON file of something else"}'), 'json');  // "not used by this page"
});

// ---- the VM definition file: reference values and launch (verifier), pins and digest (measurement module) ----
const sha256hex = (b) => createHash('sha256').update(b).digest('hex');
const M07 = 'ac72d4805af472137a1f02fa66f2615c460c0b0c295d35418ebf09cd9bf8227e4dedb4be7fa1584f7f697790383c7d3b';

test('readVm: the reference values and launch a VM file fixes; a bad file names its key and line', () => {
  const r = JSON.parse(core.readVm(vmFile(), 'guest.toml'));
  assert.deepEqual(r.expect, { vmpl: '0', smt: 'allow' });
  assert.equal(r.measurement_recorded, false);
  assert.equal(r.launch.vcpus, 2);
  assert.equal(r.launch.policy, '0x30000');
  assert.deepEqual(r.files.map((f) => [f.key, f.name]), [['launch.ovmf', 'OVMF.amdsev.fd'], ['launch.kernel', 'kernel-a.bin'],
                                                          ['launch.initrd', 'initrd-a.bin']]);
  assert.equal(r.files[0].sha256, sha256hex(td('ovmf/OVMF.amdsev.fd')));
  const bad = JSON.parse(core.readVm(vmFile().replace('vcpus = 2', 'vcpus = "two"'), 'guest.toml'));
  assert.match(bad.error.message, /line 8: launch\.vcpus: expected an integer, found a string/);
  const unknown = readFileSync(join(process.env.SEVPROOF_SOURCE_DIR, 'tests/data/vm/unknown-key.toml'), 'utf8');
  assert.match(JSON.parse(core.readVm(unknown, 'unknown-key.toml')).error.message, /unknown key/);
});

test('the VM file verifies the report as `vm verify`: launch policy P035, each failed check named by its key', () => {
  const req = { report: td('reports/automata-milan-v2/report.bin'), vcek: td('reports/automata-milan-v2/vcek.der') };
  const good = verify({ ...req, vm: { text: vmFile(), name: 'guest.toml' } });
  assert.equal(status(good, 'P035'), 'pass');
  assert.equal(good.vm, 'guest.toml');
  const other = verify({ ...req, vm: { text: vmFile({ policy: '0x70000' }), name: 'guest.toml' } });
  assert.equal(status(other, 'P035'), 'fail');
  assert.equal(other.outcome, 'policy_failed');
  assert.match(other.checks.find((c) => c.code === 'P035').vm_key, /^launch\.policy \(line 11\)$/);
});

test('measure with a VM file: its pins checked, then m07; a file that is not the pinned one is refused', () => {
  const kernel = sha256hex(td('measure/kernel-a.bin'));
  const initrd = sha256hex(td('measure/initrd-a.bin'));
  const definition = (text) => JSON.parse(core.readVm(text, 'guest.toml')).definition;  // read once, by the verifier module
  const req = { vm: definition(vmFile()), ovmf: td('ovmf/OVMF.amdsev.fd'), kernelSha256: kernel, initrdSha256: initrd };
  assert.equal(JSON.parse(measureCore.measure(req)).measurement, M07);
  const swapped = JSON.parse(measureCore.measure({ ...req, kernelSha256: initrd, initrdSha256: kernel }));
  assert.equal(swapped.error.input, 'kernel');
  assert.match(swapped.error.message, new RegExp(`launch\\.kernel \\(line 5\\): kernel-a\\.bin has SHA-256 ${initrd}, but the file pins ${kernel}`));
  const badPin = JSON.parse(measureCore.measure({ ...req, vm: definition(vmFile({ kernelPin: '00'.repeat(32) })) }));
  assert.equal(badPin.error.input, 'kernel');
  assert.equal(JSON.parse(measureCore.measure({ ...req, ovmf: td('ovmf/OVMF_CODE.fd') })).error.input, 'ovmf');
  assert.match(JSON.parse(measureCore.measure({ ...req, initrdSha256: undefined })).error.message, /launch\.initrd.*file not supplied/);
});

// ---- explain: which input makes the reported digest differ (the library's search, in the measurement module) ----
const vector = (id) => readFileSync(join(process.env.SEVPROOF_TESTDATA_DIR, 'measure/vectors.tsv'), 'utf8')
  .split('\n').find((l) => l.startsWith(id + '\t')).split('\t')[2];
test('explain: m02 believed, m03 reported: guest features 0x21; a digest nothing explains is not explained', () => {
  const believed = { ovmf: td('ovmf/OVMF_CODE.fd'), ovmfName: 'OVMF_CODE.fd', mode: 'snp', vcpus: '4', vcpuType: 'EPYC-Milan', guestFeatures: '0x1' };
  const r = JSON.parse(measureCore.explain({ ...believed, reported: vector('m03') }));
  assert.equal(r.explained, true, JSON.stringify(r));
  assert.deepEqual(r.explanations[0].changes, { 'guest-features': '0x21' });
  assert.match(r.explanations[0].sentence, /guest features 0x21/);
  assert.match(r.headline, /^EXPLAINED \(1 input differs\)/);
  assert.equal(r.believed_digest, vector('m02'));
  const none = JSON.parse(measureCore.explain({ ...believed, reported: 'ab'.repeat(48) }));
  assert.equal(none.explained, false);
  assert.match(none.headline, /^NOT EXPLAINED/);
  assert.ok(none.searched.vcpus >= 511 && none.searched['guest-features'] > 0 && none.candidates > 1000, JSON.stringify(none.searched));
  assert.equal(JSON.parse(measureCore.explain({ ...believed, reported: 'ab'.repeat(20) })).error.input, 'reported');
});

test('explain: with the report\'s CPUID given (reportCpuid), host CPU passthrough is found, as the CLI finds it', () => {
  const believed = { ovmf: td('ovmf/OVMF_CODE.fd'), ovmfName: 'OVMF_CODE.fd', mode: 'snp', vcpus: '2', vcpuType: 'EPYC-Genoa', guestFeatures: '0x1' };
  const { vcpuType, ...rest } = believed;
  const host = JSON.parse(measureCore.measure({ ...rest, vcpuSig: '0xA10F11' }));  // Genoa B1 with -cpu host
  assert.ok(host.measurement, JSON.stringify(host));
  const r = JSON.parse(measureCore.explain({ ...believed, reported: host.measurement, reportCpuid: { family: 25, model: 17, stepping: 1 } }));
  assert.equal(r.explained, true, JSON.stringify(r));
  assert.deepEqual(r.explanations[0].changes, { 'vcpu-sig': '0xa10f11' });
  assert.match(r.explanations[0].sentence, /host CPU passed through/);
  // twin: without the report's CPUID no QEMU model gives that digest
  assert.equal(JSON.parse(measureCore.explain({ ...believed, reported: host.measurement })).explained, false);
});

// ---- the chain's RSA-PSS links by WebCrypto (the page's default) and by Botan (the reference) agree ----
async function answerLinks(questions) {
  const answers = [];
  for (const q of questions) {
    const key = await crypto.subtle.importKey('spki', b64(q.spki), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['verify']);
    answers.push({ id: q.id, valid: await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, key, b64(q.signature), b64(q.tbs)) });
  }
  core.answerRsaPss(answers);
  return answers;
}
const byWebCrypto = (r) => r.checks.filter((c) => /RSA-PSS SHA-384.*\(WebCrypto\)|WebCrypto\)$/.test(c.message) && c.code !== 'V016');
test(`chain links: WebCrypto RSA-PSS and Botan give the same checks on every real report and certificate (${signed.length} pairs)`, async () => {
  let answered = 0;
  let used = 0;
  for (const [report, cert] of signed) {
    for (const vcek of [td(cert), flipBit(td(cert), td(cert).length - 2)]) {  // and with the certificate's signature broken
      const req = { report: td(report), vcek, now: '2025-06-01' };
      core.forgetLinks();
      const botan = verify(req);
      core.forgetLinks();
      const q = JSON.parse(core.signatureInput(req));
      answered += q.id ? (await answerLinks(q.links)).length : 0;
      const web = verify(req);
      if (botan.error) { assert.deepEqual(web.error, botan.error); continue; }
      assert.equal(statuses(web), statuses(botan), `${report} + ${cert}`);
      used += byWebCrypto(web).length;
    }
  }
  core.forgetLinks();
  assert.ok(answered >= 60 && used >= 60, `${answered} questions answered, ${used} checks decided by WebCrypto`);
});

test('a WebCrypto link answer counts only for its question; a "no" fails the link; the built-in links too', async () => {
  const req = { report: td('reports/routex-genoa-v3/report.bin'), vcek: td('reports/routex-genoa-v3/vcek.der') };
  core.forgetLinks();
  const q = JSON.parse(core.signatureInput(req));
  assert.deepEqual(q.links.map((l) => l.link), ['SEV-VCEK by SEV-Genoa', 'SEV-Genoa by ARK-Genoa', 'ARK-Genoa by ARK-Genoa']);
  // a "valid" answer for the genuine VCEK does not vouch for a VCEK with another signature
  core.answerRsaPss(q.links.map((l) => ({ id: l.id, valid: true })));
  const vcek = req.vcek;
  const forged = verify({ ...req, vcek: flipBit(vcek, vcek.length - 2) });
  assert.equal(forged.genuine, false);
  assert.equal(byWebCrypto(forged).filter((c) => c.status === 'fail').length, 0);  // Botan decided the forged link
  // the browser's "no" for the genuine VCEK link is what the library reports
  core.forgetLinks();
  core.answerRsaPss([{ id: q.links[0].id, valid: false }]);
  const no = verify(req);
  assert.equal(no.genuine, false);
  assert.match(no.checks.find((c) => c.status === 'fail').message, /does not verify with SEV-Genoa's key \(RSA-PSS SHA-384, WebCrypto\)/);
  // the built-in chain's questions, answered by WebCrypto, give the same links as Botan's
  core.forgetLinks();
  const botanLinks = JSON.parse(core.checkBuiltinChain(''));
  core.forgetLinks();
  assert.equal((await answerLinks(JSON.parse(core.builtinChainQuestions('')))).length, 9);
  const webLinks = JSON.parse(core.checkBuiltinChain(''));
  assert.deepEqual(webLinks.map((l) => [l.link, l.valid]), botanLinks.map((l) => [l.link, l.valid]));
  assert.ok(webLinks.every((l) => /\(WebCrypto\)/.test(l.detail)), JSON.stringify(webLinks));
  assert.ok(botanLinks.every((l) => !/WebCrypto/.test(l.detail)));
  core.forgetLinks();
});
