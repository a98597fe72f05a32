/**
 * The TLS 1.2 pseudo-random function and the secrets derived from it (RFC 5246 section 5
 * and 8.1, RFC 7627 section 4).
 */
import { createHash, createHmac } from 'node:crypto';
import { concatBytes, utf8Encode } from '../core/index.js';
import { MASTER_SECRET_SIZE, VERIFY_DATA_SIZE } from './constants.js';
import type { CipherSuite } from './suites.js';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

function hmac(hash: HashName, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** P_hash(secret, seed) truncated to `length` bytes (RFC 5246 section 5). */
function pHash(hash: HashName, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed; // A(0)
  let at = 0;
  while (at < length) {
    a = hmac(hash, secret, a); // A(i) = HMAC(secret, A(i-1))
    const block = hmac(hash, secret, a, seed);
    const n = Math.min(block.length, length - at);
    out.set(block.subarray(0, n), at);
    at += n;
  }
  return out;
}

/** PRF(secret, label, seed) = P_<hash>(secret, label + seed) (RFC 5246 section 5). */
export function prf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pHash(hash, secret, concatBytes([utf8Encode(label), seed]), length);
}

export function digest(hash: HashName, parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** master_secret from the premaster secret (RFC 5246 8.1). */
export function masterSecret(
  hash: HashName,
  preMaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf(hash, preMaster, 'master secret', concatBytes([clientRandom, serverRandom]), MASTER_SECRET_SIZE);
}

/** Extended master secret over the session hash (RFC 7627 section 4). */
export function extendedMasterSecret(hash: HashName, preMaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf(hash, preMaster, 'extended master secret', sessionHash, MASTER_SECRET_SIZE);
}

export interface KeyBlock {
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly clientIv: Uint8Array;
  readonly serverIv: Uint8Array;
}

/** Splits the key block for an AEAD suite: no MAC keys (RFC 5246 6.3, RFC 5288 3). */
export function keyBlock(
  suite: CipherSuite,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): KeyBlock {
  const k = suite.keyLength;
  const iv = suite.fixedIvLength;
  const block = prf(suite.prfHash, master, 'key expansion', concatBytes([serverRandom, clientRandom]), 2 * k + 2 * iv);
  return {
    clientKey: block.subarray(0, k),
    serverKey: block.subarray(k, 2 * k),
    clientIv: block.subarray(2 * k, 2 * k + iv),
    serverIv: block.subarray(2 * k + iv, 2 * k + 2 * iv),
  };
}

/** Finished.verify_data (RFC 5246 7.4.9). */
export function verifyData(
  hash: HashName,
  master: Uint8Array,
  role: 'client' | 'server',
  transcriptHash: Uint8Array,
): Uint8Array {
  return prf(hash, master, role === 'client' ? 'client finished' : 'server finished', transcriptHash, VERIFY_DATA_SIZE);
}
