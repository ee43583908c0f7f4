// Assembles the release page: one HTML file with the stylesheet, the Emscripten glue (wasm inlined
// as base64) and the app script inline, under a Content-Security-Policy that names each inline
// block by its SHA-256 and forbids every network connection.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: { template: { type: 'string' }, css: { type: 'string' }, app: { type: 'string' },
             core: { type: 'string' }, out: { type: 'string' } },
});
for (const k of ['template', 'css', 'app', 'core', 'out']) {
  if (!a[k]) { console.error(`build-single-file: missing --${k}`); process.exit(2); }
}

const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inlineSafe = (text, what) => {
  if (/<\/script/i.test(text)) throw new Error(`${what} contains "</script", cannot be inlined`);
  return text;
};

const css = readFileSync(a.css, 'utf8');
const core = inlineSafe(readFileSync(a.core, 'utf8'), a.core);
const app = inlineSafe(readFileSync(a.app, 'utf8'), a.app);
let html = readFileSync(a.template, 'utf8');

const csp = [
  "default-src 'none'",
  `script-src ${hash(core)} ${hash(app)} 'wasm-unsafe-eval'`,
  `style-src ${hash(css)}`,
  'img-src data:',
  "connect-src 'none'",
  "worker-src blob:",  // the hashing worker is made from this page's own inline code
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

const replace = (marker, text) => {
  if (!html.includes(marker)) throw new Error(`template has no ${marker}`);
  html = html.replace(marker, () => text);
};
replace('<!--SEVPROOF:CSP-->', `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
replace('/*SEVPROOF:CSS*/', css);
replace('<!--SEVPROOF:SCRIPTS-->', `<script id="sevproof-core">${core}</script>\n<script>${app}</script>`);

mkdirSync(dirname(a.out), { recursive: true });
writeFileSync(a.out, html);
// Auditors compare this with the page they were handed (sha256sum sevproof.html).
const digest = createHash('sha256').update(html, 'utf8').digest('hex');
console.log(`${a.out}: ${Buffer.byteLength(html)} bytes, sha256 ${digest}`);
