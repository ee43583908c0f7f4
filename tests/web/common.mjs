// Shared helpers of the JavaScript tests: where things are, and a visible skip when the shared
// real data is absent (exit code 77, which ctest reports as "Skipped").
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const testdata = process.env.SEVPROOF_TESTDATA_DIR || '';

export function requireTestdata() {
  if (!testdata || !existsSync(join(testdata, 'reports'))) {
    console.log(`SKIPPED: shared test data not found at '${testdata}' (set SEVPROOF_TESTDATA_DIR)`);
    process.exit(77);
  }
}

export const td = (rel) => new Uint8Array(readFileSync(join(testdata, rel)));
export const tdPath = (rel) => join(testdata, rel);

export function flipBit(bytes, offset, mask = 0x01) {
  const copy = new Uint8Array(bytes);
  copy[offset] ^= mask;
  return copy;
}

// An ID block and ID auth signed with a P-384 key, built here with Node's crypto (independently of
// the library) from the SNP firmware ABI layout: what `sevproof id-block check` reads.
export async function makeIdBlock(keyPem, ld, policy) {
  const { createPrivateKey, sign } = await import('node:crypto');
  const key = createPrivateKey(keyPem);
  const block = new Uint8Array(0x60);
  block.set(ld, 0x00);
  new DataView(block.buffer).setUint32(0x50, 1, true);                  // VERSION
  new DataView(block.buffer).setBigUint64(0x58, BigInt(policy), true);  // POLICY
  const auth = new Uint8Array(0x1000);
  const view = new DataView(auth.buffer);
  view.setUint32(0x000, 1, true);                                       // ID_KEY_ALGO: ECDSA P-384 SHA-384
  const le = (be) => Uint8Array.from(be).reverse();
  const rs = sign('sha384', block, { key, dsaEncoding: 'ieee-p1363' });
  auth.set(le(rs.subarray(0, 48)), 0x040);                              // ID_BLOCK_SIG.R
  auth.set(le(rs.subarray(48)), 0x040 + 0x48);                          // ID_BLOCK_SIG.S
  const jwk = key.export({ format: 'jwk' });
  view.setUint32(0x240, 2, true);                                       // ID_KEY.CURVE: P-384
  auth.set(le(Buffer.from(jwk.x, 'base64url')), 0x240 + 0x04);          // ID_KEY.QX
  auth.set(le(Buffer.from(jwk.y, 'base64url')), 0x240 + 0x4C);          // ID_KEY.QY
  return { block, auth };
}

// A VM definition file (`sevproof vm`'s format 1) for measure vector m07: the AmdSev OVMF, kernel-a and
// initrd-a pinned by their SHA-256 (computed here by Node), 2 EPYC-Genoa vCPUs, guest features 0x21.
// `kernelPin` replaces the kernel's pin (a file that is not the pinned one must be refused); `policy` the
// launch policy (line 11).
export function vmFile({ kernelPin, policy, measurement } = {}) {
  const pin = (rel) => createHash('sha256').update(td(rel)).digest('hex');
  return `format = 1\n[launch]\nmode = "snp"\n` +
    `ovmf = { path = "firmware/OVMF.amdsev.fd", sha256 = "${pin('ovmf/OVMF.amdsev.fd')}" }\n` +
    `kernel = { path = "kernel-a.bin", sha256 = "${kernelPin || pin('measure/kernel-a.bin')}" }\n` +
    `initrd = { path = "initrd-a.bin", sha256 = "${pin('measure/initrd-a.bin')}" }\n` +
    `append = "console=ttyS0 root=/dev/vda1"\nvcpus = 2\nvcpu_type = "EPYC-Genoa"\nguest_features = "0x21"\n` +
    `policy = "${policy || '0x30000'}"\n[expect]\nvmpl = 0\nsmt = "allow"\n` +
    (measurement ? `measurement = "${measurement}"\n` : '');
}
