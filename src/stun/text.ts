/**
 * UTF-8 for the text attributes (USERNAME, REALM, NONCE, SOFTWARE, error reason). Short
 * ASCII, the common case in ICE checks, skips TextDecoder and TextEncoder.
 */

import { utf8Decode, utf8DecodeStrict, utf8Encode, type ByteWriter } from '../core/index.js';

const ASCII_FAST_PATH_MAX = 64;

/**
 * Decodes UTF-8. `strict` refuses malformed input (returns undefined): used for values
 * that feed keys (USERNAME, REALM, NONCE); informational ones get U+FFFD substitutions.
 */
export function decodeText(msg: Uint8Array, at: number, len: number, strict: boolean): string | undefined {
  if (len <= ASCII_FAST_PATH_MAX) {
    let s = '';
    let i = at;
    for (; i < at + len; i++) {
      const c = msg[i]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === at + len) return s;
  }
  const b = msg.subarray(at, at + len);
  return strict ? utf8DecodeStrict(b) : utf8Decode(b);
}

/**
 * Writes attribute `type` holding `s` in UTF-8, zero-padded to 4 bytes (RFC 8489 14).
 * Returns false, writing nothing, when the encoding exceeds `max` bytes.
 */
export function writeText(w: ByteWriter, type: number, s: string, max: number): boolean {
  let ascii = s.length <= ASCII_FAST_PATH_MAX;
  for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) >= 0x80) ascii = false;
  const b = ascii ? undefined : utf8Encode(s);
  const len = b ? b.length : s.length;
  if (len > max) return false;
  w.u16(type).u16(len);
  if (b) w.bytes(b);
  else for (let i = 0; i < len; i++) w.u8(s.charCodeAt(i));
  const pad = (4 - (len & 3)) & 3;
  if (pad) w.zeros(pad);
  return true;
}
