/**
 * Linear-memory layout of the ChaCha20-Poly1305 WebAssembly module, shared by the program
 * that emits it (chacha-poly-program.ts) and the code that calls it (chacha20-poly1305.ts).
 *
 * Bytes: key 0..31, nonce 32..43, computed tag 48..63, padding/lengths block 64..79,
 * Poly1305 r 80..119 and h 120..159 (i64 limbs), s 160..175, r^2 176..215 (i64 limbs),
 * keystream 256..511, records from
 * 1024 (aad, then the message at the next multiple of 16).
 */

export const KEY = 0;
export const NONCE = 32;
export const TAG = 48;
export const PAD = 64;
export const R = 80;
export const H = 120;
export const S = 160;
export const R2 = 176;
export const KS = 256;
export const DATA = 1024;
export const HIBIT = 1 << 24; // 2^128 in limb 4 (bits 104..129)
