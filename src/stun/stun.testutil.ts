// Test helpers: builds raw STUN bytes by hand, with MAC and CRC from node:crypto and zlib,
// independent of the codec under test.
import { createHmac } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';

export const TID = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

export type RawAttr = [type: number, value: Uint8Array];

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

/** A message of `type` holding `attrs` (padded with zeros), with a correct length field. */
export function rawMessage(type: number, attrs: RawAttr[], tid = TID): Uint8Array {
  let len = 0;
  for (const [, v] of attrs) len += 4 + ((v.length + 3) & ~3);
  const b = new Uint8Array(20 + len);
  put16(b, 0, type);
  put16(b, 2, len);
  b.set([0x21, 0x12, 0xa4, 0x42], 4);
  b.set(tid, 8);
  let at = 20;
  for (const [t, v] of attrs) {
    put16(b, at, t);
    put16(b, at + 2, v.length);
    b.set(v, at + 4);
    at += 4 + ((v.length + 3) & ~3);
  }
  return b;
}

/**
 * Fuzz input that passes the header checks: `type` (14 bits), a correct length, the magic
 * cookie and a zero transaction id, then `body` padded with zeros to 4 bytes, so that the
 * decoder and the engines behind it read past the header.
 */
export function stunShaped(type: number, body: Uint8Array): Uint8Array {
  const b = new Uint8Array(20 + ((body.length + 3) & ~3));
  put16(b, 0, type);
  put16(b, 2, b.length - 20);
  b.set([0x21, 0x12, 0xa4, 0x42], 4);
  b.set(body, 20);
  return b;
}

function append(msg: Uint8Array, type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(msg.length + 4 + value.length);
  out.set(msg);
  put16(out, msg.length, type);
  put16(out, msg.length + 2, value.length);
  out.set(value, msg.length + 4);
  put16(out, 2, out.length - 20);
  return out;
}

/** Appends MESSAGE-INTEGRITY (sha1) or MESSAGE-INTEGRITY-SHA256, truncated to `size`. */
export function appendMac(msg: Uint8Array, key: Uint8Array, hash: 'sha1' | 'sha256', size?: number): Uint8Array {
  const n = size ?? (hash === 'sha1' ? 20 : 32);
  const withLen = msg.slice();
  put16(withLen, 2, msg.length - 20 + 4 + n);
  const mac = createHmac(hash, key).update(withLen).digest().subarray(0, n);
  return append(msg, hash === 'sha1' ? 0x0008 : 0x001c, mac);
}

export function appendFingerprint(msg: Uint8Array): Uint8Array {
  const withLen = msg.slice();
  put16(withLen, 2, msg.length - 20 + 8);
  const v = (zlibCrc32(withLen) ^ 0x5354554e) >>> 0;
  return append(msg, 0x8028, Uint8Array.from([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]));
}
