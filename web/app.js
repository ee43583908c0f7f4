'use strict';
// The page's behaviour: read the chosen files, hand their bytes to the WebAssembly library, show
// its verdict. Every check, every decision and every verdict word comes from the library (the same
// C++ the CLI runs); this script only routes inputs and presents.
(function () {
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  let core = null;
  let lastVerdict = null;
  let lastInputs = [];
  let vmDoc = null;  // the VM definition file in use: {text, name, sha256, info (what the library read)}

  // ---- the verifier module: gzip-compressed wasm inlined in the page, compiled while it streams ----
  function packedBytes(id) {
    const text = $(id).textContent;
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function instantiatePacked(packed, imports) {
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
    return WebAssembly.instantiateStreaming(new Response(stream, { headers: { 'Content-Type': 'application/wasm' } }), imports);
  }
  const coreReady = createSevproof({
    instantiateWasm(imports, receive) {
      instantiatePacked(packedBytes('sevproof-core-wasm'), imports).then((r) => receive(r.instance, r.module),
        (e) => setStatus('error', 'The verifier failed to load: ' + e));
      return {};
    },
  });

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- the page's own names: the library speaks of options (--measurement); the page of its fields ----
  function fieldFor(name) {  // name: the library's input or option name
    return document.querySelector(`[data-flag~="${CSS.escape(name)}"]`) || document.querySelector(`[data-expect="${CSS.escape(name)}"]`);
  }
  function labelOf(field) {
    if (field && field.dataset.expect) return field.dataset.expect;  // reference values are named as the CLI's options
    const label = field && field.closest('label');
    const span = label && (label.querySelector('span') || label);
    const text = span ? (span.firstChild && span.firstChild.nodeType === 3 ? span.firstChild.textContent : span.textContent) : '';
    return text.trim();
  }
  const phrases = [
    [/give --certs DIR or a chain file/g, 'add them to "Chain: ARK, ASK or ASVK"'],
    [/`sevproof kds-urls` prints/g, '"KDS URLs" shows'],
    [/--certs DIR/g, '"Chain: ARK, ASK or ASVK"'],
  ];
  function pageWords(text) {
    let out = String(text);
    for (const [re, words] of phrases) out = out.replace(re, words);
    return out.replace(/--([a-z0-9][a-z0-9-]*)/g, (m, name) => {
      const f = fieldFor(name);
      return f ? '"' + labelOf(f) + '"' : m;
    });
  }

  // ---- state: a verdict is only ever shown for the inputs it was computed from ----
  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }
  function clearMarks() {
    for (const f of document.querySelectorAll('[aria-invalid="true"]')) f.removeAttribute('aria-invalid');
    for (const m of document.querySelectorAll('.field-error')) m.remove();
  }
  let verifyGeneration = 0;  // a verification under way whose inputs change is dropped (its verdict is stale)
  let documentError = null;  // a reference-values or VM file the library refused: Verify refuses too
  function clearVerdict() {
    verifyGeneration++;
    const hadVerdict = lastVerdict !== null || ['verified', 'policy', 'not_verified', 'error', 'working'].includes(status.dataset.state);
    lastVerdict = null;
    $('export-json').disabled = true;
    $('print').disabled = true;
    $('checks').replaceChildren();
    $('tcb').tBodies[0].replaceChildren();
    $('fields').tBodies[0].replaceChildren();
    $('print-evidence').replaceChildren();
    clearMarks();
    if (hadVerdict && core) setStatus('stale', 'Inputs changed: the previous verdict was cleared. Press Verify to check these inputs.');
  }
  // Marks the field an error is about, puts the message beside it, and brings it into view.
  function markError(input, message) {
    const name = input.startsWith('expectation ') ? input.slice('expectation '.length) : input;
    const field = fieldFor(name);
    const text = pageWords(message);
    if (!field) return text;
    field.setAttribute('aria-invalid', 'true');
    const note = el('p', { class: 'field-error', id: 'error-' + name, role: 'alert' }, text);
    field.closest('label').after(note);
    field.setAttribute('aria-describedby', note.id);
    field.scrollIntoView({ block: 'center' });
    field.focus({ preventScroll: true });
    return text;
  }

  // ---- rendering ----
  function showChecks(checks) {
    const list = $('checks');
    list.replaceChildren();
    for (const c of checks || []) {
      if (!c.requested) continue;
      const li = el('li', { 'data-status': c.status, 'data-code': c.code });
      li.appendChild(el('span', { class: 'code' }, c.code + ' ' + c.status));
      li.appendChild(document.createTextNode(c.title));
      li.appendChild(el('span', { class: 'detail' }, pageWords(c.message) + (c.vm_key ? ` (from the VM file: ${c.vm_key})` : '')));
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
      const text = v && typeof v === 'object'
        ? Object.entries(v).map(([a, b]) => a + ' ' + (b === true ? '✓' : b === false ? '·' : b)).join(', ') : String(v);
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

  function showEvidence(inputs) {  // what the printed summary lists: each input with its SHA-256
    const list = $('print-evidence');
    list.replaceChildren();
    for (const i of inputs) list.appendChild(el('li', {}, `${i.field}: ${i.name} (${i.bytes} bytes, SHA-256 ${i.sha256})`));
  }

  // ---- inputs ----
  // A list field holds one value or several: separated by commas, or by spaces when each part is a
  // whole value. Spaced hex as snpguest prints it (84 5f 86 …) is one value.
  function listItems(text) {
    const items = [];
    for (const part of text.split(/[,;]/)) {
      const tokens = part.trim().split(/\s+/).filter(Boolean);
      // an empty item ("A,", ",") is given to the library, which refuses it as the CLI refuses --measurement=:
      // never dropped, so that a stray comma cannot leave a check off
      if (tokens.length === 0) { items.push(''); continue; }
      // whole values (64 characters or more: a 32-byte hex value, a 48-byte base64 one) are separate items;
      // shorter pieces are one value broken up (xxd -p lines, spaced groups), as the CLI reads them
      if (tokens.length > 1 && tokens.every((t) => t.length >= 64)) items.push(...tokens);
      else items.push(tokens.join(''));
    }
    return items;
  }
  function expectations() {
    const out = {};
    for (const input of document.querySelectorAll('[data-expect]')) {
      const name = input.dataset.expect;
      if (input.type === 'checkbox') {
        if (input.checked) out[name] = true;
      } else if (input.value.trim() !== '') {
        // as typed: the library refuses what the CLI refuses (" 1": "has spaces in it"), in the same words
        out[name] = 'list' in input.dataset ? listItems(input.value) : input.value;
      }
    }
    return out;
  }

  // ---- the expectations form, generated from the library's option table (the CLI's flags) ----
  const groupTitles = { evidence: 'Verification', policy: 'Guest policy', identity: 'What the guest is and says',
                        keys: 'ID block and keys', firmware: 'Firmware and TCB', platform: 'Platform' };
  const placeholders = { number: 'decimal or 0x…', hex: 'hex (spaced as snpguest prints it, too) or base64',
                         hex_list: 'hex or base64; several separated by commas', tcb: 'bl=3,tee=0,snp=8,ucode=115',
                         version: 'MAJOR.MINOR' };
  function optionField(o) {
    const attrs = { 'data-expect': o.name, id: 'expect-' + o.name };
    if (o.kind === 'flag') {
      const label = el('label', { class: 'check' });
      label.append(el('input', Object.assign({ type: 'checkbox' }, attrs)), ' ' + o.name + ' ', el('small', {}, o.help));
      return label;
    }
    const span = el('span', {}, o.name);
    span.appendChild(el('small', {}, o.help));
    let input;
    if (o.kind === 'allow_deny') {
      input = el('select', attrs);
      input.append(el('option', { value: '' }, 'not checked'), el('option', {}, 'allow'), el('option', {}, 'deny'));
    } else {
      input = el('input', Object.assign({ type: 'text', placeholder: placeholders[o.kind] || '' }, attrs));
      if (o.kind === 'hex_list') input.dataset.list = '';
    }
    const label = el('label');
    label.append(span, input);
    return label;
  }
  function buildExpectationForm(options) {
    const form = $('expect-form');
    const groups = new Map();
    for (const o of options) {
      if (!groups.has(o.group)) {
        const fs = el('fieldset', { 'data-group': o.group });
        fs.appendChild(el('legend', {}, groupTitles[o.group] || o.group));
        groups.set(o.group, fs);
        form.appendChild(fs);
      }
      groups.get(o.group).appendChild(optionField(o));
    }
  }
  // A reference-values file fills the form (the form is what is checked, and what the export records).
  function fillExpectations(values) {
    for (const input of document.querySelectorAll('[data-expect]')) {
      if (input.type === 'checkbox') input.checked = false; else input.value = '';
    }
    for (const [name, value] of Object.entries(values)) {
      const input = document.querySelector(`[data-expect="${CSS.escape(name)}"]`);
      if (!input) continue;
      if (input.type === 'checkbox') input.checked = value === true;
      else input.value = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  async function loadReferenceValues() {
    const f = $('reference-values').files[0];
    if (!f) return;
    const r = JSON.parse(core.readReferenceValues(await f.text(), f.name));
    if (r.error) {  // refused as the CLI refuses it: nothing of it, or of an earlier file, stays in the form
      fillExpectations({});
      documentError = { input: 'reference-values', message: r.error.message };
      setStatus('error', 'Cannot use the reference values: ' + markError(r.error.input, r.error.message));
      return;
    }
    documentError = null;
    fillExpectations(r);
  }

  // ---- a VM definition file (`sevproof vm`'s): its reference values, its launch, the files it names ----
  function showVmFiles(info) {
    const p = $('m-vm');
    p.hidden = false;
    p.replaceChildren(el('span', {}, `The launch of ${info.source} (${info.origin} VM file); choose the files it names, their SHA-256 pins are checked:`));
    const list = el('ul', { id: 'vm-files' });
    for (const f of info.files) {
      const li = el('li', { 'data-key': f.key }, `${f.where}: ${f.path}` + (f.sha256 ? ` (SHA-256 ${f.sha256})` : ' (not pinned)'));
      if (f.key.startsWith('id_block.')) {  // the keys whose digests the report must carry: asked for here, checked on Verify
        const input = el('input', { type: 'file', 'data-vm-key': f.key, 'aria-label': `${f.key}: ${f.name}` });
        input.addEventListener('change', clearVerdict);
        li.append(' ', input);
      }
      list.appendChild(li);
    }
    p.appendChild(list);
    const slot = { 'launch.ovmf': 'm-ovmf', ovmf_file: 'm-ovmf', 'launch.kernel': 'm-kernel', kernel_file: 'm-kernel',
                   'launch.initrd': 'm-initrd', initrd_file: 'm-initrd' };
    for (const id of ['m-ovmf', 'm-kernel', 'm-initrd']) $(id).closest('label').querySelector('small').textContent = 'not used by this VM file';
    for (const f of info.files) if (slot[f.key]) $(slot[f.key]).closest('label').querySelector('small').textContent = `${f.name}, as ${f.key} names it`;
  }
  function showVmLaunch(l) {  // the launch, shown in the measurement form (the VM file is what is measured)
    $('m-mode').value = l.mode;
    $('m-vcpus').value = l.vcpus === null ? '' : String(l.vcpus);
    if ([...$('m-vcpu-type').options].some((o) => o.value === l.vcpu_type)) $('m-vcpu-type').value = l.vcpu_type;
    $('m-vmm').value = l.vmm_type;
    $('m-features').value = l.guest_features;
    $('m-cmdline').value = l.append === null ? '' : l.append;
    for (const id of ['m-mode', 'm-vcpus', 'm-vcpu-type', 'm-vmm', 'm-features', 'm-cmdline']) $(id).disabled = true;
  }
  function forgetVm() {
    vmDoc = null;
    $('m-vm').hidden = true;
    for (const id of ['m-mode', 'm-vcpus', 'm-vcpu-type', 'm-vmm', 'm-features', 'm-cmdline']) $(id).disabled = false;
  }
  async function loadVm() {
    const out = $('vm-out');
    const f = $('vm-file').files[0];
    forgetVm();
    if (!f) { out.dataset.state = 'idle'; out.textContent = ''; return; }
    const text = await f.text();
    const r = JSON.parse(core.readVm(text, f.name));
    if (r.error) {  // refused as `vm verify` refuses it: nothing of it, or of an earlier file, stays in the form
      out.dataset.state = 'error';
      out.textContent = '';
      fillExpectations({});
      documentError = { input: 'vm', message: r.error.message };
      setStatus('error', 'Cannot use the VM file: ' + markError(r.error.input, r.error.message));
      return;
    }
    documentError = null;
    const bytes = new TextEncoder().encode(text);
    vmDoc = { text, name: f.name, sha256: core.sha256(bytes), bytes: bytes.length, info: r };
    fillExpectations(r.expect);
    showVmLaunch(r.launch);
    showVmFiles(r);
    out.dataset.state = 'loaded';
    out.textContent = `${f.name}: ${Object.keys(r.expect).length} reference values filled in below` +
      (r.launch.policy ? `; the report's POLICY must be the launch policy ${r.launch.policy} (P035)` : '') +
      (r.launch.platform_info ? `, its PLATFORM_INFO exactly ${r.launch.platform_info} (P036)` : '') +
      (r.measurement_recorded ? '; the measurement it records is expected'
        : '; the expected measurement: compute it in "3. Expected measurement" from the files the VM file names') + '.';
  }

  const evidenceSlots = ['report', 'vcek', 'certTable', 'chain', 'crl'];
  async function readEvidence() {
    const files = {};
    const inputs = [];
    for (const id of evidenceSlots) {
      files[id] = [];
      for (const f of $(id).files || []) {
        const bytes = new Uint8Array(await f.arrayBuffer());
        files[id].push(bytes);
        inputs.push({ field: labelOf($(id)), name: f.name, bytes: bytes.length, sha256: core.sha256(bytes) });
      }
    }
    return { files, inputs };
  }
  // ---- the report signature (V016) by WebCrypto, for exactly the question the library will ask ----
  // The library names the signer key, message and r, s; the browser's ECDSA answers; the library uses
  // the answer only for that question (else Botan verifies). "WebAssembly library only" skips this.
  const b64bytes = (t) => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
  const keys = new Map();
  const botanOnly = () => $('opt-botan-sig').checked || !(self.crypto && crypto.subtle);
  // The chain links' RSA-PSS (SHA-384, salt 48) questions the library named: WebCrypto's answers go back to the
  // library, which uses each only for exactly its question (and remembers the verified link); others Botan checks.
  async function answerLinks(questions) {
    const answers = [];
    for (const q of questions) {
      try {
        const key = await crypto.subtle.importKey('spki', b64bytes(q.spki), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['verify']);
        answers.push({ id: q.id, valid: await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, key, b64bytes(q.signature), b64bytes(q.tbs)) });
      } catch (e) {
        // a key WebCrypto does not take: the library verifies that link with Botan
      }
    }
    if (answers.length) core.answerRsaPss(answers);
  }
  async function webcryptoAnswer(request) {
    if (botanOnly()) return;
    const q = JSON.parse(core.signatureInput(request));
    if (!q.id) return;
    await answerLinks(q.links);
    try {
      let key = keys.get(q.spki);
      if (!key) {
        key = await crypto.subtle.importKey('spki', b64bytes(q.spki), { name: 'ECDSA', namedCurve: 'P-384' }, false, ['verify']);
        keys.set(q.spki, key);
      }
      const rs = new Uint8Array(96);
      rs.set(b64bytes(q.r), 0);
      rs.set(b64bytes(q.s), 48);
      request.webcrypto = { id: q.id, valid: await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, key, rs, b64bytes(q.message)) };
    } catch (e) {
      // not a P-384 key, or no WebCrypto: the library verifies with Botan
    }
  }

  async function verify() {
    clearVerdict();
    if (!$('report').files.length) {
      setStatus('error', markError('report', 'choose the attestation report first'));
      return;
    }
    if (documentError) {  // a refused reference-values or VM file is not silently left out (the CLI exits 3)
      setStatus('error', 'Cannot verify: ' + markError(documentError.input, documentError.message));
      return;
    }
    if (vmDoc && !vmDoc.info.measurement_recorded && !expectations().measurement) {
      // `vm verify` computes the launch digest from [launch]; the page computes it in the measurement section
      setStatus('error', 'Cannot verify: ' + markError('ovmf', 'the VM file records no measurement: compute its ' +
        'launch digest below (choose the files it names, then Compute), as `sevproof vm verify` computes it, then Verify'));
      return;
    }
    const generation = ++verifyGeneration;
    setStatus('working', 'Verifying…');
    const { files, inputs } = await readEvidence();
    const request = { report: files.report[0], reportName: $('report').files[0].name, now: $('now').value, product: $('product').value,
                      offset: $('offset').value, strict: $('strict').checked, expect: expectations() };
    if (files.vcek[0]) request.vcek = files.vcek[0];
    if (files.certTable[0]) request.certTable = files.certTable[0];
    if (files.crl[0]) request.crl = files.crl[0];
    // every chain file is its own input, as --certs DIR gives them: each is read (and refused) by its name
    if (files.chain.length) request.chain = files.chain;
    request.names = {};  // the files' names, for the library's messages ("in vcek.der")
    for (const id of ['vcek', 'certTable', 'crl']) {
      const list = [...$(id).files].map((f) => f.name);
      if (list.length) request.names[id] = list.join(' + ');
    }
    if (files.chain.length) request.names.chain = [...$('chain').files].map((f) => f.name);
    if (vmDoc) {
      request.vm = { text: vmDoc.text, name: vmDoc.name, files: {} };
      inputs.push({ field: labelOf($('vm-file')), name: vmDoc.name, bytes: vmDoc.bytes, sha256: vmDoc.sha256 });
      for (const input of document.querySelectorAll('#vm-files input[data-vm-key]')) {
        const f = input.files[0];
        if (!f) continue;  // the library names the key file still missing
        const bytes = new Uint8Array(await f.arrayBuffer());
        request.vm.files[input.dataset.vmKey] = bytes;
        inputs.push({ field: input.dataset.vmKey, name: f.name, bytes: bytes.length, sha256: core.sha256(bytes) });
      }
    }
    await webcryptoAnswer(request);
    if (generation !== verifyGeneration) return;  // an input changed while verifying: that verdict is not shown
    let result;
    try {
      result = JSON.parse(core.verify(request));
    } catch (e) {
      setStatus('error', 'Internal error: ' + e);
      return;
    }
    if (result.error) {
      setStatus('error', 'Cannot verify: ' + markError(result.error.input, result.error.message));
      return;
    }
    lastVerdict = result;
    lastInputs = inputs;
    showBuiltinWhenIdle(0);
    showChecks(result.checks);
    showTcb(result);
    showFields(result.report);
    showEvidence(inputs);
    $('export-json').disabled = false;
    $('print').disabled = false;
    const state = { verified: 'verified', policy_failed: 'policy', not_verified: 'not_verified' }[result.outcome] || 'error';
    setStatus(state, pageWords(result.summary) + ' — ' + (result.product || 'unknown product') + ', signer ' +
              result.signer + ', verification time ' + result.verification_time + '.');
    status.scrollIntoView({ block: 'start' });
  }

  // ---- export: the library's verdict JSON, with what an auditor needs to reproduce it ----
  function exportDocument() {
    return Object.assign({}, lastVerdict, {
      build: { version: core.version(), sha256: document.querySelector('meta[name="sevproof-build-sha256"]').content,
               verifier_wasm_sha256: $('sevproof-core-wasm').dataset.sha256 },
      inputs: lastInputs,
      options: { verification_time: $('now').value.trim() || 'now', product: $('product').value || 'from the report and certificate',
                 offset: $('offset').value.trim() || null, strict: $('strict').checked },
    });
  }
  function exportJson() {
    const blob = new Blob([JSON.stringify(exportDocument(), null, 2)], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: 'sevproof-verdict.json' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  // ---- files placed by content, never by name ----
  const slotOfKind = { report: 'report', vcek: 'vcek', vlek: 'vcek', ark: 'chain', ask: 'chain', asvk: 'chain', chain: 'chain',
                       certificate: 'chain', crl: 'crl', cert_table: 'certTable', vm: 'vm-file', reference_values: 'reference-values',
                       openstack_flavor: 'os-flavor', openstack_image: 'os-image' };
  const documentSlots = ['vm-file', 'reference-values', 'os-flavor', 'os-image'];
  const kindWords = { json: 'JSON document sevproof does not read', report: 'attestation report', vcek: 'VCEK certificate', vlek: 'VLEK certificate', ark: 'ARK certificate',
                      ask: 'ASK certificate', asvk: 'ASVK certificate', chain: 'certificate bundle', certificate: 'certificate',
                      crl: 'CRL', cert_table: 'certificate table', vm: 'VM definition file', reference_values: 'reference-values file',
                      openstack_flavor: 'OpenStack flavor', openstack_image: 'OpenStack image', unknown: 'unrecognized file' };
  async function classify(file) {
    await coreReady;
    return JSON.parse(core.classify(new Uint8Array(await file.arrayBuffer())));
  }
  async function routeDrop(fileList) {
    const zone = $('dropzone');
    const route = Object.fromEntries(evidenceSlots.concat(documentSlots).map((id) => [id, new DataTransfer()]));
    const lines = [];
    for (const f of fileList) {
      const c = await classify(f);
      const slot = slotOfKind[c.kind];
      const taken = slot && slot !== 'chain' && route[slot].files.length > 0;
      if (slot && !taken) route[slot].items.add(f);
      const where = !slot ? 'not used by this page' : taken ? 'not placed: a second one for "' + labelOf($(slot)) + '"' : '→ "' + labelOf($(slot)) + '"';
      lines.push(el('li', { 'data-kind': c.kind, 'data-slot': slot && !taken ? slot : '' }, `${f.name}: ${kindWords[c.kind]} (${c.detail}) ${where}`));
    }
    for (const [id, dt] of Object.entries(route)) if (dt.files.length) $(id).files = dt.files;
    clearVerdict();
    for (const id of evidenceSlots) checkSlot(id);
    if (route['os-flavor'].files.length || route['os-image'].files.length) clearOpenstack();
    if (route['reference-values'].files.length) await loadReferenceValues();
    if (route['vm-file'].files.length) await loadVm();
    const list = el('ul', { id: 'drop-result' });
    list.append(...lines);
    zone.replaceChildren(el('span', {}, 'Placed by content; check the fields below, then Verify.'), list);
  }
  function wireDrop() {
    const zone = $('dropzone');
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      routeDrop([...e.dataTransfer.files]);
    });
  }
  // A file chosen for a field it does not fit is flagged at once (it would only fail later).
  async function checkSlot(id) {
    const input = $(id);
    for (const f of input.files || []) {
      const c = await classify(f);
      const slot = slotOfKind[c.kind];
      if (slot !== id) {
        input.setAttribute('aria-invalid', 'true');
        const note = el('p', { class: 'field-error', id: 'error-' + id, role: 'alert' },
                        `${f.name} is a ${kindWords[c.kind]}` + (slot ? `; it belongs in "${labelOf($(slot))}"` : ''));
        input.closest('label').after(note);
        input.setAttribute('aria-describedby', note.id);
      }
    }
  }

  function showRoots() {
    const body = $('roots').tBodies[0];
    for (const r of JSON.parse(core.builtinRoots())) {
      const tr = el('tr');
      for (const v of [r.product, r.role, r.subject, r.spki_sha256]) tr.appendChild(el('td', { class: v === r.spki_sha256 ? 'hex' : '' }, v));
      body.appendChild(tr);
    }
  }
  // The built-in chain's signatures, checked once per page load while the user chooses files (the
  // library keeps the verified links; every report still has its own chain link and signature checked).
  function checkBuiltinChain(products) {  // one product per idle moment, so a Verify click never waits long
    if (products.length === 0) return;
    const idle = self.requestIdleCallback || ((f) => setTimeout(f, 0));
    idle(async () => {
      if (!botanOnly()) await answerLinks(JSON.parse(core.builtinChainQuestions(products[0])));
      for (const l of JSON.parse(core.checkBuiltinChain(products[0])))
        $('builtin-links').appendChild(el('li', { 'data-status': l.valid ? 'pass' : 'fail' }, `${l.valid ? 'pass' : 'FAIL'}  ${l.link}: ${l.detail}`));
      checkBuiltinChain(products.slice(1));
    }, { timeout: 2000 });
  }
  // The roots table and the built-in chain check parse all nine certificates (and Botan checks each ARK's
  // self-signature as it reads it): that waits until the section is opened, a verification is done, or the
  // page has been left alone a moment, so the first Verify never queues behind it.
  let builtinShown = false;
  function showBuiltin() {
    if (builtinShown || !core) return;
    builtinShown = true;
    showRoots();
    checkBuiltinChain(['genoa', 'milan', 'turin']);
  }
  function showBuiltinWhenIdle(delay) {
    const idle = self.requestIdleCallback || ((f) => setTimeout(f, 0));
    setTimeout(() => idle(showBuiltin, { timeout: 2000 }), delay);
  }
  // "WebAssembly library only": every link is checked again by Botan, the built-in ones at once.
  function botanOnlyChanged() {
    core.forgetLinks();
    $('builtin-links').replaceChildren();
    if (builtinShown) checkBuiltinChain(['genoa', 'milan', 'turin']);
  }

  // ---- tools: KDS URLs for the report, digest of a key file ----
  async function kdsUrls() {
    const out = $('kds-out');
    const f = $('report').files[0];
    if (!f) { out.dataset.state = 'error'; out.textContent = 'Choose the attestation report first.'; return; }
    const r = JSON.parse(core.kdsUrls(new Uint8Array(await f.arrayBuffer()), $('product').value));
    out.dataset.state = r.error ? 'error' : 'done';
    out.textContent = r.error ? pageWords(r.error.message)
      : r.vcek === null  // a VLEK signed it: the VLEK comes from the cloud provider, not from the KDS by chip id
        ? `# a VLEK signed this report: it comes from the cloud provider (the extended report's certificate table)\ncert_chain  ${r.cert_chain}   (ASVK then ARK)\ncrl         ${r.crl}\n`
        : `# fetch these on a connected machine, then bring the files here\nvcek        ${r.vcek}\ncert_chain  ${r.cert_chain}\ncrl         ${r.crl}\n`;
  }
  async function keyDigest() {
    const out = $('key-out');
    const f = $('key-file').files[0];
    if (!f) { out.dataset.state = 'error'; out.textContent = 'Choose a key file first.'; return; }
    const r = JSON.parse(core.keyDigest(new Uint8Array(await f.arrayBuffer())));
    out.dataset.state = r.error ? 'error' : 'done';
    out.textContent = r.error ? pageWords(r.error.message) : r.sha384;
  }

  async function idBlockCheck() {
    const out = $('id-out');
    out.replaceChildren();
    const file = async (id) => ($(id).files[0] ? new Uint8Array(await $(id).files[0].arrayBuffer()) : undefined);
    const r = JSON.parse(core.idBlockCheck({ idBlock: await file('id-block'), idAuth: await file('id-auth'),
                                             measurement: $('id-measurement').value, policy: $('id-policy').value }));
    if (r.error) {
      out.dataset.state = 'error';
      out.appendChild(el('li', { 'data-status': 'fail' }, pageWords(r.error.message)));
      return;
    }
    out.dataset.state = r.accepted ? 'accepted' : 'refused';
    for (const c of r.checks) out.appendChild(el('li', { 'data-status': c.ok ? 'pass' : 'fail', 'data-check': c.check }, `${c.ok ? 'pass' : 'fail'}  ${c.check}: ${c.detail}`));
    out.appendChild(el('li', {}, r.summary));  // the library's sentence, as the CLI prints it
  }

  // ---- expected measurement: computed by the measurement module, compiled in its worker on first use ----
  let worker = null;
  function measureWorker() {
    if (!worker) {
      const src = $('sevproof-measure-glue').textContent + '\n;' + $('sevproof-worker').textContent;
      worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      worker.postMessage({ init: packedBytes('sevproof-measure-wasm') });
    }
    return worker;
  }

  function measureRequest(out) {
    const ovmf = $('m-ovmf').files[0];
    if (!ovmf) { out.dataset.state = 'error'; out.textContent = 'Choose the OVMF firmware image first.'; return null; }
    const files = { ovmf, kernel: $('m-kernel').files[0], initrd: $('m-initrd').files[0] };
    if (vmDoc) return { files, options: { vm: vmDoc.info.definition, ovmfName: ovmf.name }, botanOnly: $('opt-botan-only').checked };
    const options = { mode: $('m-mode').value, vcpus: $('m-vcpus').value, vcpuType: $('m-vcpu-type').value,
                      vmmType: $('m-vmm').value, guestFeatures: $('m-features').value, ovmfName: ovmf.name };
    if ($('m-cmdline').value !== '') options.cmdline = $('m-cmdline').value;
    return { files, options, botanOnly: $('opt-botan-only').checked };
  }

  function showMeasurement(out, r) {
    if (r.error) {
      out.dataset.state = 'error';
      out.textContent = 'Cannot compute: ' + pageWords(r.error.message);
      if (['ovmf', 'kernel', 'initrd', 'vm'].includes(r.error.input)) markError(r.error.input, r.error.message);
      return;
    }
    const field = $('expect-measurement');
    field.value = r.measurement;
    clearVerdict();  // the expectations changed
    const reported = lastReportMeasurement;
    out.dataset.hashing = r.hashing;
    if (reported) {
      const same = reported === r.measurement;
      out.dataset.state = same ? 'match' : 'mismatch';
      out.textContent = r.measurement + (same ? ' — equals the report\'s MEASUREMENT' : ' — differs from the report\'s MEASUREMENT ' + reported);
      $('m-explain').hidden = same;  // which input explains the difference? (the library's search, in the worker)
    } else {
      out.dataset.state = 'done';
      out.textContent = r.measurement + ' (set as the expected measurement; press Verify to check the report)';
    }
    out.title = r.inputs.join('\n');
    out.dataset.timing = JSON.stringify(r.timing);
  }

  // Kernel and initrd are hashed by WebCrypto (SHA-256) as soon as they are chosen, while the user fills in the
  // rest; a digest belongs to the File object it was computed from (choosing again gives a new object). With
  // "WebAssembly library only" ticked, the worker hashes them with Botan instead, when the measurement is asked.
  const prehashed = new WeakMap();
  const toHex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  function prehash(file) {
    if (!file || prehashed.has(file) || !(self.crypto && crypto.subtle)) return;
    const digest = file.arrayBuffer().then((b) => crypto.subtle.digest('SHA-256', b)).then(toHex);
    digest.catch(() => prehashed.delete(file));  // unreadable now: the worker reads it (and says why) when asked
    prehashed.set(file, digest);
  }
  async function withPrehashed(req) {
    if (req.botanOnly) return req;
    for (const [slot, key] of [['kernel', 'kernelSha256'], ['initrd', 'initrdSha256']]) {
      const f = req.files[slot];
      if (!f || !prehashed.has(f)) continue;
      try {
        req.options[key] = await prehashed.get(f);
        req.files[slot] = undefined;
      } catch (e) {
        // the worker hashes it
      }
    }
    return req;
  }

  const fileIds = new WeakMap();  // the worker's name for a chosen File (it gets a copy per message)
  let nextFileId = 1;
  const fileId = (f) => { if (!fileIds.has(f)) fileIds.set(f, nextFileId++); return fileIds.get(f); };
  let lastReportMeasurement = null;
  let lastReportCpuid = null;
  let firstChosen = null, lastChosen = null;  // when the first and the last measurement file of this computation were chosen
  let lastMeasureRequest = null;
  // Another report: the computed digest's comparison with the old report's MEASUREMENT (and its explanation) goes.
  function forgetReportComparison() {
    lastReportMeasurement = null;
    lastReportCpuid = null;
    clearExplanation();
    const out = $('m-result');
    if (out.dataset.state === 'match' || out.dataset.state === 'mismatch') {
      out.dataset.state = 'done';
      out.textContent = $('expect-measurement').value + ' (the report changed: press Verify, then Compute, to compare)';
    }
  }
  function clearExplanation() {
    $('m-explain').hidden = true;
    $('m-explain-out').dataset.state = 'idle';
    $('m-explain-out').replaceChildren();
  }
  async function computeMeasurement() {
    const out = $('m-result');
    clearMarks();
    clearExplanation();
    const req = measureRequest(out);
    if (!req) return;
    const started = performance.now();
    lastMeasureRequest = req;
    lastReportMeasurement = lastVerdict && lastVerdict.report && lastVerdict.report.measurement;
    const rep = lastVerdict && lastVerdict.report;  // v3+: the CPU that made the report (host CPU passthrough)
    lastReportCpuid = rep && Number.isInteger(rep.cpuid_fam_id)
      ? { family: rep.cpuid_fam_id, model: rep.cpuid_mod_id, stepping: rep.cpuid_step } : null;
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
      if (e.data.result.timing) {
        e.data.result.timing.click_to_digest_ms = Math.round(performance.now() - started);
        // the page's whole work: from the first measurement file chosen (reading, hashing and compiling start
        // then) to the digest, the gaps while the user chooses the other files included
        if (firstChosen) e.data.result.timing.chosen_to_digest_ms = Math.round(performance.now() - firstChosen);
        if (lastChosen) e.data.result.timing.last_chosen_to_digest_ms = Math.round(performance.now() - lastChosen);
      }
      firstChosen = lastChosen = null;
      showMeasurement(out, e.data.result);
    };
    const message = await withPrehashed(req);
    message.ovmfId = fileId(req.files.ovmf);
    w.postMessage(message);
  }

  // ---- explain the difference: the library's search over the inputs users get wrong (`sevproof explain`) ----
  function showExplanation(out, r) {
    out.replaceChildren();
    if (r.error) { out.dataset.state = 'error'; out.textContent = 'Cannot explain: ' + pageWords(r.error.message); return; }
    out.dataset.state = r.explained ? 'explained' : 'unexplained';
    out.appendChild(el('p', { class: 'headline' }, r.headline));
    if (r.note) out.appendChild(el('p', { class: 'detail note' }, 'Note: ' + r.note + '.'));
    for (const [i, e] of r.explanations.entries()) {
      const p = el('p', { class: 'explanation' });
      p.append(el('span', { class: 'sentence' }, (i === 0 ? '' : 'or: ') + e.sentence + '.'));
      const changes = Object.entries(e.changes).map(([k, v]) => `${k} ${v === null ? '(remove)' : JSON.stringify(v)}`).join(', ');
      if (changes) p.append(el('span', { class: 'detail' }, 'change: ' + changes));
      for (const same of e.same_digest) p.append(el('span', { class: 'detail' }, '(the same digest: ' + same + ')'));
      out.appendChild(p);
    }
    const searched = Object.entries(r.searched).filter(([, n]) => n > 0).map(([axis, n]) => `${axis} ${n}`).join(', ');
    out.appendChild(el('p', { class: 'detail searched' },
      `searched (values per axis, tried alone and in pairs): ${searched}; ${r.candidates} candidate launches compared`));
  }
  function explainDifference() {
    const out = $('m-explain-out');
    if (!lastMeasureRequest || !lastReportMeasurement) return;
    out.dataset.state = 'working';
    out.textContent = 'Searching the launch inputs (guest features, vCPUs, vCPU type, VMM, command line, initrd, kernel hashes, mode)…';
    $('m-explain').disabled = true;
    const w = measureWorker();
    w.onmessage = (e) => {
      if (e.data.progress) return;
      $('m-explain').disabled = false;
      showExplanation(out, e.data.result);
    };
    w.postMessage(Object.assign({}, lastMeasureRequest, { op: 'explain',
      options: Object.assign({}, lastMeasureRequest.options, { reported: lastReportMeasurement, reportCpuid: lastReportCpuid }) }));
  }

  // ---- OpenStack: Nova's decision for a flavor and an image (`sevproof openstack check`) ----
  function clearOpenstack() {
    $('os-summary').dataset.state = 'idle';
    for (const id of ['os-summary', 'os-findings', 'os-launch']) $(id).replaceChildren();
  }
  function launchText(l) {  // the launch shape, as the CLI's text shows it
    if (!l) return '';
    return `launch: <launchSecurity type='${l.launch_security}'> policy ${l.policy}, kernel hashes ${l.kernel_hashes ? 'yes' : 'no'}, ` +
      `${l.vcpus} vCPUs, vCPU type ${l.vcpu_type === null ? '(the node decides)' : l.vcpu_type}` +
      (l.machine_type ? `, machine type ${l.machine_type}` : '') + (l.cmdline !== null ? `\ncommand line "${l.cmdline}"` : '') +
      (l.kernel_id ? `\nkernel_id ${l.kernel_id}` : '') + (l.ramdisk_id ? `\nramdisk_id ${l.ramdisk_id}` : '');
  }
  async function openstackCheck() {
    clearOpenstack();
    clearMarks();
    const text = async (id) => ($(id).files[0] ? $(id).files[0].text() : '');
    const r = JSON.parse(core.openstackCheck({ flavor: await text('os-flavor'), image: await text('os-image'),
                                               node: $('os-node').value.trim(), require: $('os-require').value,
                                               rootDevice: $('os-root-device').value || undefined }));
    const summary = $('os-summary');
    if (r.error) {
      summary.dataset.state = 'error';
      summary.textContent = 'Cannot check: ' + markError(r.error.input, r.error.message);
      return;
    }
    summary.dataset.state = r.refused ? 'refused' : r.launchable ? (r.model ? 'launchable' : 'not_encrypted') : 'not_required';
    summary.dataset.model = r.model || '';
    summary.textContent = r.summary;
    for (const f of r.findings)
      $('os-findings').appendChild(el('li', { 'data-code': f.code, 'data-severity': f.severity }, `${f.code} ${f.severity.padEnd(8)}${f.message}`));
    $('os-launch').textContent = launchText(r.launch);
    window.sevproofPage.lastOpenstack = r;
  }

  // ---- wiring ----
  for (const section of ['evidence', 'expectations']) {
    $(section).addEventListener('input', clearVerdict);
    $(section).addEventListener('change', (e) => {
      clearVerdict();
      if (e.target.type === 'file' && evidenceSlots.includes(e.target.id)) checkSlot(e.target.id);
      if (e.target.id === 'reference-values') loadReferenceValues();
      if (e.target.id === 'vm-file') loadVm();
      if (e.target.id === 'report') forgetReportComparison();
    });
  }
  $('openstack').addEventListener('input', clearOpenstack);
  $('openstack').addEventListener('change', clearOpenstack);
  $('m-explain').addEventListener('click', explainDifference);
  $('measure').addEventListener('input', (e) => { if (e.target.type !== 'file') clearExplanation(); });  // the launch changed
  $('opt-botan-sig').addEventListener('change', () => { if (core) botanOnlyChanged(); });
  $('os-check').addEventListener('click', () => { openstackCheck(); });
  for (const id of ['m-ovmf', 'm-kernel', 'm-initrd']) {
    $(id).addEventListener('change', () => {  // compile the measurement module and hash while the user fills the form
      firstChosen = firstChosen || performance.now();
      lastChosen = performance.now();
      clearExplanation();
      const w = measureWorker();
      if (id !== 'm-ovmf') prehash($(id).files[0]);
      else if ($(id).files[0]) w.postMessage({ prepareFirmware: $(id).files[0], id: fileId($(id).files[0]) });
    });
  }  // compile while the user fills the form
  $('verify').addEventListener('click', () => { verify(); });
  $('m-compute').addEventListener('click', () => { computeMeasurement(); });
  $('export-json').addEventListener('click', exportJson);
  $('print').addEventListener('click', () => window.print());
  $('kds-show').addEventListener('click', () => { kdsUrls(); });
  $('key-show').addEventListener('click', () => { keyDigest(); });
  $('id-check').addEventListener('click', () => { idBlockCheck(); });
  wireDrop();
  window.sevproofPage = { exportDocument, listItems };  // for the page's own tests

  coreReady.then((m) => {
    core = m;
    buildExpectationForm(JSON.parse(m.optionTable()));
    $('version').textContent = m.version() + ' · build ' + document.querySelector('meta[name="sevproof-build-sha256"]').content;
    for (const t of JSON.parse(m.vcpuTypes())) {
      const o = el('option', {}, t);
      if (t === 'EPYC-Milan') o.selected = true;
      $('m-vcpu-type').appendChild(o);
    }
    for (const id of ['verify', 'm-compute', 'kds-show', 'key-show', 'id-check', 'os-check']) $(id).disabled = false;
    setStatus('ready', 'Ready. Choose the files and press Verify.');
    $('roots').closest('details').addEventListener('toggle', showBuiltin);
    showBuiltinWhenIdle(1500);
  }, (e) => setStatus('error', 'The verifier failed to load: ' + e));
})();
