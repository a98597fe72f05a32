/**
 * UTF-8 for the text attributes (USERNAME, REALM, NONCE, SOFTWARE, error reason). Short
 * ASCII, the common case in ICE checks, skips TextDecoder.
 */

import { utf8Decode, utf8DecodeStrict } from '../core/index.js';

const ASCII_FAST_PATH_MAX = 64;

/**
 * Decodes UTF-8. `strict` refuses malformed input (returns undefined): used for values
 * that feed keys (USERNAME, REALM, NONCE); informational ones get U+FFFD substitutions.
 */
export function decodeText(b: Uint8Array, strict: boolean): string | undefined {
  if (b.length <= ASCII_FAST_PATH_MAX) {
    let s = '';
    let i = 0;
    for (; i < b.length; i++) {
      const c = b[i]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === b.length) return s;
  }
  return strict ? utf8DecodeStrict(b) : utf8Decode(b);
}
