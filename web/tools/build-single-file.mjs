// Assembles the release page: one HTML file with the stylesheet, the app script, the verifier
// module's Emscripten glue and, as inert data blocks, the two wasm modules (gzip, base64), the
// measurement module's glue and the worker script, under a Content-Security-Policy that names each
// executed inline block by its SHA-256 and forbids every network connection.
//
// The page carries its own build digest (shown on the page and written into every exported
// verdict): the SHA-256 of the page with that digest's 64 hex digits set to zeros. Check it with
//   sed -E 's/(name="sevproof-build-sha256" content=")[0-9a-f]{64}/\1'$(printf '0%.0s' $(seq 64))'/' sevproof.html | sha256sum
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values: a } = parseArgs({
  options: { template: { type: 'string' }, css: { type: 'string' }, app: { type: 'string' }, worker: { type: 'string' },
             core: { type: 'string' }, measure: { type: 'string' }, out: { type: 'string' } },
});
for (const k of ['template', 'css', 'app', 'worker', 'core', 'measure', 'out']) {
  if (!a[k]) { console.error(`build-single-file: missing --${k}`); process.exit(2); }
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inlineSafe = (text, what) => {
  if (/<\/script|<!--/i.test(text)) throw new Error(`${what} contains "</script" or "<!--", cannot be inlined`);
  return text;
};
// The wasm binary beside its glue, gzip -9 (deterministic: no name, mtime 0), then base64.
const wasmBlock = (glue, id) => {
  const wasm = readFileSync(glue.replace(/\.js$/, '.wasm'));
  const packed = gzipSync(wasm, { level: 9 }).toString('base64');
  return `<script type="application/octet-stream" id="${id}" data-bytes="${wasm.length}" data-sha256="${sha256(wasm)}">${packed}</script>`;
};

const css = readFileSync(a.css, 'utf8');
const core = inlineSafe(readFileSync(a.core, 'utf8'), a.core);
const measure = inlineSafe(readFileSync(a.measure, 'utf8'), a.measure);
const worker = inlineSafe(readFileSync(a.worker, 'utf8'), a.worker);
const app = inlineSafe(readFileSync(a.app, 'utf8'), a.app);
let html = readFileSync(a.template, 'utf8');

const csp = [
  "default-src 'none'",
  `script-src ${hash(core)} ${hash(app)} 'wasm-unsafe-eval'`,
  `style-src ${hash(css)}`,
  'img-src data:',
  "connect-src 'none'",
  "worker-src blob:",  // the measurement worker is made from this page's own inline code
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

const replace = (marker, text) => {
  if (!html.includes(marker)) throw new Error(`template has no ${marker}`);
  html = html.replace(marker, () => text);
};
const zeros = '0'.repeat(64);
replace('<!--SEVPROOF:CSP-->', `<meta http-equiv="Content-Security-Policy" content="${csp}">\n` +
        `<meta name="sevproof-build-sha256" content="${zeros}">`);
replace('/*SEVPROOF:CSS*/', css);
replace('<!--SEVPROOF:SCRIPTS-->', [
  `<script id="sevproof-core">${core}</script>`,
  wasmBlock(a.core, 'sevproof-core-wasm'),
  `<script>${app}</script>`,
  // Read by the app only when a measurement is first asked for: after it, so they do not delay it.
  `<script type="text/plain" id="sevproof-measure-glue">${measure}</script>`,
  `<script type="text/plain" id="sevproof-worker">${worker}</script>`,
  wasmBlock(a.measure, 'sevproof-measure-wasm'),
].join('\n'));

const build = sha256(Buffer.from(html, 'utf8'));
html = html.replace(`name="sevproof-build-sha256" content="${zeros}"`, () => `name="sevproof-build-sha256" content="${build}"`);
mkdirSync(dirname(a.out), { recursive: true });
writeFileSync(a.out, html);
// Auditors compare this with the page they were handed (sha256sum sevproof.html).
console.log(`${a.out}: ${Buffer.byteLength(html)} bytes, sha256 ${sha256(Buffer.from(html, 'utf8'))}, build sha256 ${build}`);
