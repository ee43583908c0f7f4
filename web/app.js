'use strict';
// The page's behaviour: read the chosen files, hand their bytes to the WebAssembly library, show
// its verdict. Every check runs in the library (the same C++ the CLI runs); this only presents.
(function () {
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  let core = null;
  let lastVerdict = null;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  async function bytesOf(input) {
    if (!input.files || input.files.length === 0) return null;
    return new Uint8Array(await input.files[0].arrayBuffer());
  }

  async function concatenated(input) {  // several chain files: concatenate PEM/DER as separate inputs
    const out = [];
    for (const f of input.files || []) out.push(new Uint8Array(await f.arrayBuffer()));
    return out;
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showChecks(checks) {
    const list = $('checks');
    list.replaceChildren();
    for (const c of checks || []) {
      if (!c.requested) continue;
      const li = el('li', { 'data-status': c.status, 'data-code': c.code });
      li.appendChild(el('span', { class: 'code' }, c.code + ' ' + c.status));
      li.appendChild(document.createTextNode(c.title));
      li.appendChild(el('span', { class: 'detail' }, c.message));
      list.appendChild(li);
    }
  }

  function showFields(report) {
    const body = $('fields').tBodies[0];
    body.replaceChildren();
    for (const [k, v] of Object.entries(report || {})) {
      if (k === 'warnings' || k === 'notes' || k === 'container') continue;
      const tr = el('tr', { 'data-field': k });
      tr.appendChild(el('td', {}, k));
      let text;
      if (v && typeof v === 'object') {
        text = Object.entries(v).map(([a, b]) => a + ' ' + (b === true ? '✓' : b === false ? '·' : b)).join(', ');
      } else {
        text = String(v);
      }
      tr.appendChild(el('td', { class: typeof v === 'string' && /^[0-9a-f]{16,}$/.test(v) ? 'hex' : '' }, text));
      body.appendChild(tr);
    }
  }

  function expectations() {
    const out = {};
    for (const input of document.querySelectorAll('[data-expect]')) {
      const name = input.dataset.expect;
      if (input.type === 'checkbox') {
        if (input.checked) out[name] = true;
      } else if (input.value.trim() !== '') {
        out[name] = 'list' in input.dataset ? input.value.trim().split(/[\s,]+/) : input.value.trim();
      }
    }
    return out;
  }

  async function verify() {
    const report = await bytesOf($('report'));
    if (!report) { setStatus('error', 'Choose the attestation report first.'); return; }
    const chain = await concatenated($('chain'));
    const request = { report, now: $('now').value.trim(), product: $('product').value, expect: expectations() };
    const vcek = await bytesOf($('vcek'));
    if (vcek) request.vcek = vcek;
    const table = await bytesOf($('certTable'));
    if (table) request.certTable = table;
    const crl = await bytesOf($('crl'));
    if (crl) request.crl = crl;
    if (chain.length > 0) {  // the library takes one chain blob per call; PEM concatenates cleanly, DER one by one
      const total = chain.reduce((n, c) => n + c.length + 1, 0);
      const pemLike = chain.every((c) => c[0] === 0x2d);
      if (pemLike) {
        const joined = new Uint8Array(total);
        let at = 0;
        for (const c of chain) { joined.set(c, at); at += c.length; joined[at++] = 0x0a; }
        request.chain = joined;
      } else {
        request.ark = chain[0];
        if (chain[1]) request.ask = chain[1];
      }
    }
    let result;
    try {
      result = JSON.parse(core.verify(request));
    } catch (e) {
      setStatus('error', 'Internal error: ' + e);
      return;
    }
    lastVerdict = result;
    $('export-json').disabled = false;
    $('print').disabled = false;
    if (result.error) {
      showChecks([]);
      showFields({});
      setStatus('error', 'Cannot use the ' + result.error.input + ': ' + result.error.message);
      return;
    }
    showChecks(result.checks);
    showFields(result.report);
    if (result.verified) setStatus('verified', 'GENUINE — signed by AMD ' + (result.product || '') + ' hardware (' + result.signer + '), and every expectation is met. Verification time ' + result.verification_time + '.');
    else if (result.genuine) setStatus('policy', 'GENUINE, BUT POLICY FAILED — signed by AMD hardware, yet not what you expect (see the failed P checks).');
    else setStatus('failed', 'NOT GENUINE — the report could not be verified as signed by AMD hardware (see the failed or skipped V checks).');
  }

  function exportJson() {
    const blob = new Blob([JSON.stringify(lastVerdict, null, 2)], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: 'sevproof-verdict.json' });
    a.click();
    URL.revokeObjectURL(a.href);
  }

  function wireDrop() {
    const zone = $('dropzone');
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      // Route each dropped file by its name: report*, vcek*/vlek*, cert*/auxblob*, crl*, else chain.
      const route = { report: new DataTransfer(), vcek: new DataTransfer(), certTable: new DataTransfer(), crl: new DataTransfer(), chain: new DataTransfer() };
      for (const f of e.dataTransfer.files) {
        const n = f.name.toLowerCase();
        const key = /crl/.test(n) ? 'crl' : /^(vcek|vlek)/.test(n) ? 'vcek' : /(certs|cert_table|auxblob)/.test(n) ? 'certTable'
          : /(ark|ask|asvk|chain)/.test(n) ? 'chain' : 'report';
        route[key].items.add(f);
      }
      for (const [id, dt] of Object.entries(route)) if (dt.files.length) $(id).files = dt.files;
      zone.textContent = 'Placed ' + e.dataTransfer.files.length + ' file(s); check the fields below, then Verify.';
    });
  }

  function showRoots() {
    const body = $('roots').tBodies[0];
    for (const r of JSON.parse(core.builtinRoots())) {
      const tr = el('tr');
      for (const v of [r.product, r.role, r.subject, r.spki_sha256]) tr.appendChild(el('td', { class: v === r.spki_sha256 ? 'hex' : '' }, v));
      body.appendChild(tr);
    }
  }

  $('verify').addEventListener('click', () => { verify(); });
  $('export-json').addEventListener('click', exportJson);
  $('print').addEventListener('click', () => window.print());
  wireDrop();

  createSevproof().then((m) => {
    core = m;
    $('version').textContent = m.version();
    showRoots();
    $('verify').disabled = false;
    setStatus('ready', 'Ready. Choose the files and press Verify.');
  }, (e) => setStatus('error', 'The verifier failed to load: ' + e));
})();
