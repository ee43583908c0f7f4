// Shared helpers of the JavaScript tests: where things are, and a visible skip when the shared
// real data is absent (exit code 77, which ctest reports as "Skipped").
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
