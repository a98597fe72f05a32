import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHACHA_POLY_WASM_BASE64 } from './chacha-poly-binary.js';
import { chachaPolyModule } from './chacha-poly-program.js';

test('the stored WebAssembly module is what chacha-poly-program.ts emits (else: npm run gen:wasm)', () => {
  assert.deepEqual(new Uint8Array(Buffer.from(CHACHA_POLY_WASM_BASE64, 'base64')), chachaPolyModule());
});
