'use strict';
// The measurement worker. The page builds it from its own inline blocks (the measurement module's
// glue, then this script) and sends the module's compressed bytes first, so it needs no file of
// its own and works from file://. Kernel and initrd are hashed here (SHA-256), by WebCrypto or by
// the library's Botan (the reference; the page's "WebAssembly only" option forces it); the launch
// digest itself is always the library's.
/* global createSevproofMeasure */
(function () {
  let ready = null;

  function instantiate(packed, imports) {
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
    const response = new Response(stream, { headers: { 'Content-Type': 'application/wasm' } });
    return WebAssembly.instantiateStreaming(response, imports);
  }

  function load(packed) {
    ready = ready || createSevproofMeasure({
      instantiateWasm(imports, receive) {
        instantiate(packed, imports).then((r) => receive(r.instance, r.module));
        return {};
      },
    }).then((core) => {
      core.warmUp();  // the engine's hot code runs once while the user still chooses files
      return core;
    });
    return ready;
  }

  const toHex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

  async function hashWithBotan(core, file, label, progress) {
    const h = new core.Sha256();
    const chunk = 8 << 20;
    try {
      for (let at = 0; at < file.size; at += chunk) {
        h.update(new Uint8Array(await file.slice(at, at + chunk).arrayBuffer()));
        progress(label, Math.min(file.size, at + chunk), file.size);
      }
      return h.finish();
    } finally {
      h.delete();
    }
  }

  async function hashWithWebCrypto(file, label, progress) {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    progress(label, file.size, file.size);
    return toHex(digest);
  }

  // The firmware's part of an SNP launch digest depends on the OVMF image alone: it is computed (by the library,
  // as `measure --mode snp:ovmf-hash`) as soon as the image is chosen, and the measurement is then seeded with it
  // (as `--snp-ovmf-hash` does), the same digest in a fraction of the time after the click. Keyed by the id the
  // page gave the File it chose (a new choice is a new File and a new id; a File posted twice arrives here as two
  // objects, so the object itself cannot be the key). Only the latest image is kept.
  const firmware = new Map();
  function prepareFirmware(file, id) {
    if (firmware.has(id)) return;
    firmware.clear();
    firmware.set(id, (async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const r = JSON.parse((await ready).measure({ ovmf: bytes, mode: 'snp:ovmf-hash' }));
      return { bytes, seed: r.error ? null : r.measurement };
    })().catch(() => null));
  }
  async function preparedFirmware(id, options, op) {
    if (id === undefined || !firmware.has(id)) return null;
    const p = await firmware.get(id);
    if (!p) return null;
    // only for the plain SNP form: a VM file, explain and a given --snp-ovmf-hash take the image as it is
    const seeded = op !== 'explain' && !options.vm && options.mode === 'snp' && !options.snpOvmfHash && p.seed;
    return { bytes: p.bytes, seed: seeded ? p.seed : null };
  }

  self.onmessage = async (e) => {
    if (e.data.init) { load(e.data.init); return; }
    if (e.data.prepareFirmware) { prepareFirmware(e.data.prepareFirmware, e.data.id); return; }
    const { files, options, botanOnly, op } = e.data;  // op: 'measure' (default) or 'explain'
    const post = (label, done, total) => self.postMessage({ progress: { label, done, total } });
    try {
      const t0 = performance.now();
      const core = await ready;
      const compiled = performance.now();
      const webCrypto = !botanOnly && self.crypto && self.crypto.subtle;
      const hash = (f, label) => (webCrypto ? hashWithWebCrypto(f, label, post) : hashWithBotan(core, f, label, post));
      const req = Object.assign({}, options);
      const [kernel, initrd, prepared] = await Promise.all([  // the page may have hashed them already (WebCrypto)
        options.kernelSha256 || (files.kernel ? hash(files.kernel, 'kernel') : null),
        options.initrdSha256 || (files.initrd ? hash(files.initrd, 'initrd') : null),
        preparedFirmware(e.data.ovmfId, options, op)]);
      if (kernel) req.kernelSha256 = kernel;
      if (initrd) req.initrdSha256 = initrd;
      req.ovmf = prepared ? prepared.bytes : new Uint8Array(await files.ovmf.arrayBuffer());
      if (prepared && prepared.seed) req.snpOvmfHash = prepared.seed;
      const hashed = performance.now();
      const result = JSON.parse(op === 'explain' ? core.explain(req) : core.measure(req));
      result.op = op || 'measure';
      if (req.snpOvmfHash && !options.snpOvmfHash && result.inputs)
        result.inputs.push('the firmware digest above was computed by the library from the chosen OVMF image when it was chosen');
      result.timing = { wait_for_module_ms: Math.round(compiled - t0), read_and_hash_ms: Math.round(hashed - compiled),
                        library_ms: Math.round(performance.now() - hashed) };
      result.hashing = webCrypto || options.kernelSha256 ? 'WebCrypto' : 'WebAssembly (Botan)';
      if (kernel) result.kernel_sha256 = kernel;
      if (initrd) result.initrd_sha256 = initrd;
      self.postMessage({ result });
    } catch (err) {
      self.postMessage({ result: { error: { input: 'worker', message: String(err) } } });
    }
  };
})();
