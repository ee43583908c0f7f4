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
      const isHex = typeof v === 'string' && /^[0-9a-f]{16,}$/.test(v);
      const td = el('td', isHex ? { class: 'hex', title: 'click to copy' } : {}, text);
      if (isHex) td.addEventListener('click', () => { navigator.clipboard && navigator.clipboard.writeText(v).then(() => { td.dataset.copied = '1'; }, () => {}); });
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  function showTcb(result) {
    const body = $('tcb').tBodies[0];
    body.replaceChildren();
    const r = result.report || {};
    const cert = result.signer_certificate || {};
    for (const part of ['fmc', 'boot_loader', 'tee', 'snp', 'microcode']) {
      const cols = ['current_tcb', 'reported_tcb', 'committed_tcb', 'launch_tcb'].map((k) => (r[k] || {})[part]);
      if (cols.every((v) => v === undefined) && cert[part] === undefined) continue;
      const tr = el('tr', { 'data-component': part });
      tr.appendChild(el('td', {}, part.replace('_', ' ')));
      for (const v of cols) tr.appendChild(el('td', {}, v === undefined ? '—' : String(v)));
      const c = el('td', {}, cert[part] === undefined ? '—' : String(cert[part]));
      if (cert[part] !== undefined && cols[1] !== cert[part]) c.className = 'differs';
      tr.appendChild(c);
      body.appendChild(tr);
    }
  }

  function expectations() {
    const out = {};
    for (const input of document.querySelectorAll('[data-expect]')) {
      const name = input.dataset.expect;
      if (input.type === 'checkbox') {
        if (input.checked) out[name] = input.dataset.value || true;
      } else if (input.value.trim() !== '') {
        out[name] = 'list' in input.dataset ? input.value.trim().split(/[\s,]+/) : input.value.trim();
      }
    }
    return out;
  }

  async function verify() {
    setStatus('working', 'Verifying…');
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
      showTcb({});
      showFields({});
      setStatus('error', 'Cannot use the ' + result.error.input + ': ' + result.error.message);
      return;
    }
    showChecks(result.checks);
    showTcb(result);
    showFields(result.report);
    status.scrollIntoView({ block: 'start' });
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

  // ---- expected measurement: hashing in a Web Worker running the same WebAssembly library ----
  // The worker is built from this page's own inline code (the library glue + the code below), so it
  // needs no file of its own and works from file://.
  const workerMain = function () {
    let core = null;
    const ready = createSevproof().then((m) => { core = m; });
    async function hashFile(file, label, progress) {
      const h = new core.Sha256();
      const chunk = 4 << 20;
      for (let at = 0; at < file.size; at += chunk) {
        h.update(new Uint8Array(await file.slice(at, at + chunk).arrayBuffer()));
        progress(label, Math.min(file.size, at + chunk), file.size);
      }
      const hex = h.finish();
      h.delete();
      return hex;
    }
    self.onmessage = async (e) => {
      await ready;
      const { files, options } = e.data;
      const post = (label, done, total) => self.postMessage({ progress: { label, done, total } });
      try {
        const req = Object.assign({}, options);
        if (files.kernel) req.kernelSha256 = await hashFile(files.kernel, 'kernel', post);
        if (files.initrd) req.initrdSha256 = await hashFile(files.initrd, 'initrd', post);
        req.ovmf = new Uint8Array(await files.ovmf.arrayBuffer());
        self.postMessage({ result: JSON.parse(core.measure(req)) });
      } catch (err) {
        self.postMessage({ result: { error: { input: 'worker', message: String(err) } } });
      }
    };
  };
  let worker = null;
  function measureWorker() {
    if (!worker) {
      const glue = $('sevproof-core').textContent;
      const src = glue + '\n;(' + workerMain.toString() + ')();';
      worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    }
    return worker;
  }

  function computeMeasurement() {
    const out = $('m-result');
    const ovmf = $('m-ovmf').files[0];
    if (!ovmf) { out.dataset.state = 'error'; out.textContent = 'Choose the OVMF firmware image first.'; return; }
    const files = { ovmf, kernel: $('m-kernel').files[0], initrd: $('m-initrd').files[0] };
    const options = { mode: $('m-mode').value, vcpus: $('m-vcpus').value.trim(), vcpuType: $('m-vcpu-type').value,
                      vmmType: $('m-vmm').value, guestFeatures: $('m-features').value.trim() };
    if ($('m-cmdline').value !== '') options.cmdline = $('m-cmdline').value;
    if (!files.kernel && (files.initrd || options.cmdline)) {
      out.dataset.state = 'error';
      out.textContent = 'An initrd or command line is only measured together with a kernel.';
      return;
    }
    const bar = $('m-progress');
    bar.hidden = false;
    bar.value = 0;
    out.dataset.state = 'working';
    out.textContent = 'Computing…';
    $('m-compute').disabled = true;
    const w = measureWorker();
    w.onmessage = (e) => {
      if (e.data.progress) {
        const p = e.data.progress;
        bar.value = Math.round((100 * p.done) / p.total);
        out.textContent = 'Hashing the ' + p.label + ': ' + Math.round(p.done / 1048576) + ' of ' + Math.round(p.total / 1048576) + ' MiB';
        return;
      }
      $('m-compute').disabled = false;
      bar.hidden = true;
      const r = e.data.result;
      if (r.error) { out.dataset.state = 'error'; out.textContent = 'Cannot compute: ' + r.error.message; return; }
      $('expect-measurement').value = r.measurement;
      const reported = lastVerdict && lastVerdict.report && lastVerdict.report.measurement;
      if (reported) {
        const same = reported === r.measurement;
        out.dataset.state = same ? 'match' : 'mismatch';
        out.textContent = r.measurement + (same ? ' — equals the report\'s MEASUREMENT' : ' — differs from the report\'s MEASUREMENT ' + reported);
      } else {
        out.dataset.state = 'done';
        out.textContent = r.measurement + ' (set as the expected measurement; press Verify to check the report)';
      }
      out.title = r.inputs.join('\n');
    };
    w.postMessage({ files, options });
  }

  $('verify').addEventListener('click', () => { verify(); });
  $('m-compute').addEventListener('click', computeMeasurement);
  $('export-json').addEventListener('click', exportJson);
  $('print').addEventListener('click', () => window.print());
  wireDrop();

  createSevproof().then((m) => {
    core = m;
    $('version').textContent = m.version();
    showRoots();
    for (const t of JSON.parse(m.vcpuTypes())) {
      const o = el('option', {}, t);
      if (t === 'EPYC-Milan') o.selected = true;
      $('m-vcpu-type').appendChild(o);
    }
    $('verify').disabled = false;
    $('m-compute').disabled = false;
    setStatus('ready', 'Ready. Choose the files and press Verify.');
  }, (e) => setStatus('error', 'The verifier failed to load: ' + e));
})();
