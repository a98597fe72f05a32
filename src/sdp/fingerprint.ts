/**
 * Certificate fingerprints (RFC 8122 5): `a=fingerprint:<hash-func> <HEX>:<HEX>:...`.
 */

import { ok, err, toHex } from '../core/index.js';
import type { Result } from '../core/index.js';
import { sdpError } from './errors.js';
import { TOKEN } from './grammar.js';

export interface Fingerprint {
  /** Hash function name, lowercased (`sha-256`, `sha-1`, ...; RFC 8122 5 hash-func). */
  algorithm: string;
  /** The digest bytes. */
  value: Uint8Array;
}

/** Digest sizes of the hash functions RFC 8122 5 names; other tokens are kept unchecked. */
const DIGEST_LENGTHS: Record<string, number> = {
  'sha-1': 20,
  'sha-224': 28,
  'sha-256': 32,
  'sha-384': 48,
  'sha-512': 64,
  md5: 16,
  md2: 16,
};

/** Longest digest we accept (bytes): SHA-512 is 64; unknown hashes get the same bound. */
const MAX_DIGEST_LENGTH = 64;

/** RFC 8122 5: fingerprint = 2UHEX *(":" 2UHEX); lowercase hex is accepted too. */
const HEX_PAIRS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/;

/** Parses the value of an `a=fingerprint` attribute (`sha-256 AB:CD:...`). */
export function parseFingerprint(text: string): Result<Fingerprint> {
  const space = text.indexOf(' ');
  if (space < 0) return err(sdpError('invalid', 'fingerprint needs "<hash-func> <hex>"'));
  const algorithm = text.slice(0, space).toLowerCase();
  const hex = text.slice(space + 1);
  if (!TOKEN.test(algorithm) || !HEX_PAIRS.test(hex)) return err(sdpError('invalid', 'fingerprint malformed'));
  const n = (hex.length + 1) / 3;
  const expected = DIGEST_LENGTHS[algorithm];
  if (expected !== undefined ? n !== expected : n > MAX_DIGEST_LENGTH) {
    return err(sdpError('invalid', `${algorithm} fingerprint has ${n} bytes`));
  }
  const value = new Uint8Array(n);
  for (let i = 0; i < n; i++) value[i] = parseInt(hex.slice(i * 3, i * 3 + 2), 16);
  return ok({ algorithm, value });
}

/** Formats a fingerprint attribute value: `sha-256 AB:CD:...` (uppercase, RFC 8122 5). */
export function formatFingerprint(f: Fingerprint): string {
  return `${f.algorithm} ${toHex(f.value, ':').toUpperCase()}`;
}
