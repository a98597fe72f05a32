/**
 * Credentials and message integrity (RFC 8489 9, 14.5, 14.6, 14.7).
 */

import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual, utf8Encode } from '../core/index.js';
import { FINGERPRINT_XOR, HEADER_SIZE } from './constants.js';
import { crc32 } from './crc32.js';
import type { DecodedStun } from './types.js';

/** RFC 8265 10.3 / Unicode Zs: spaces other than U+0020 that OpaqueString maps to U+0020. */
const NON_ASCII_SPACE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The OpaqueString profile (RFC 8265 4.2) as STUN uses it (RFC 8489 9.2.2): non-ASCII
 * spaces become U+0020 and the result is NFC-normalized. This is the mapping part of the
 * profile; it does not refuse the code points the profile disallows.
 */
export function opaqueString(s: string): string {
  if (PRINTABLE_ASCII.test(s)) return s;
  return s.replace(NON_ASCII_SPACE, ' ').normalize('NFC');
}

/** RFC 8489 9.1.1: the short-term credential key is OpaqueString(password) in UTF-8. */
export function shortTermKey(password: string): Uint8Array {
  return utf8Encode(opaqueString(password));
}

/**
 * RFC 8489 9.2.2: the long-term credential key,
 * MD5 or SHA-256 of username ":" OpaqueString(realm) ":" OpaqueString(password).
 */
export function longTermKey(
  username: string,
  realm: string,
  password: string,
  algorithm: 'md5' | 'sha256' = 'md5',
): Uint8Array {
  const input = `${username}:${opaqueString(realm)}:${opaqueString(password)}`;
  return new Uint8Array(createHash(algorithm).update(input, 'utf8').digest());
}

/** RFC 8489 14.4: USERHASH = SHA-256(OpaqueString(username) ":" OpaqueString(realm)). */
export function userhash(username: string, realm: string): Uint8Array {
  const input = `${opaqueString(username)}:${opaqueString(realm)}`;
  return new Uint8Array(createHash('sha256').update(input, 'utf8').digest());
}

/**
 * HMAC over `msg[0..end)` with the header's length field reading `lengthField` (RFC 8489
 * 14.5, 14.6: the length counts up to the end of the integrity attribute being computed,
 * even when later attributes follow). The length bytes are patched in place for the one
 * native call and restored before returning, so `msg` is unchanged afterwards.
 */
export function messageMac(
  hash: 'sha1' | 'sha256',
  key: Uint8Array,
  msg: Uint8Array,
  end: number,
  lengthField: number,
): Uint8Array {
  const hi = msg[2]!;
  const lo = msg[3]!;
  msg[2] = lengthField >>> 8;
  msg[3] = lengthField & 0xff;
  try {
    return createHmac(hash, key).update(msg.subarray(0, end)).digest();
  } finally {
    msg[2] = hi;
    msg[3] = lo;
  }
}

/** RFC 8489 14.7: CRC-32 of the message up to the FINGERPRINT attribute, XOR 0x5354554e. */
export function fingerprintOf(msg: Uint8Array, end: number): number {
  return (crc32(msg, 0, end) ^ FINGERPRINT_XOR) >>> 0;
}

/**
 * Checks MESSAGE-INTEGRITY-SHA256 when the message has it, else MESSAGE-INTEGRITY
 * (RFC 8489 9.1.3, 9.2.4). False when the message has neither.
 */
export function verifyIntegrity(msg: DecodedStun, key: Uint8Array): boolean {
  const raw = msg.raw;
  const at = msg.integritySha256At ?? msg.integrityAt;
  if (at === undefined) return false;
  const len = (raw[at + 2]! << 8) | raw[at + 3]!;
  const valueAt = at + 4;
  const mac = messageMac(
    msg.integritySha256At !== undefined ? 'sha256' : 'sha1',
    key,
    raw,
    at,
    valueAt + len - HEADER_SIZE,
  );
  return constantTimeEqual(mac.subarray(0, len), raw.subarray(valueAt, valueAt + len));
}
