/**
 * SNAP, the SCTP Negotiation Acceleration Protocol (draft-hancke-tsvwg-snap-00): each side
 * puts the INIT chunk it would send in its SDP (`a=sctp-init:<base64>` on the data m=
 * section). When both the offer and the answer carry one, neither side sends INIT, INIT ACK,
 * COOKIE ECHO or COOKIE ACK: each takes the peer's parameters from its SDP and considers the
 * association ESTABLISHED as soon as DTLS is (draft section 6), two round trips less than the
 * four-way handshake. DTLS already gives what the cookie exchange protects against (section 8).
 *
 * This module makes and reads the attribute value; the association uses the same builder for
 * the INIT it would send on the wire, so the SDP and the wire never disagree.
 */

import { ByteWriter } from '../core/bytes.js';
import { DecodeError, err, ok, type Result } from '../core/errors.js';
import { decodePacket, encodeChunk, type InitChunk } from './chunks.js';
import { COMMON_HEADER_SIZE, MAX_STREAMS } from './constants.js';

/** What our INIT (and INIT ACK) announce, besides the cookie. */
export interface LocalInitParams {
  readonly initiateTag: number;
  readonly initialTsn: number;
  readonly receiveWindow: number;
  readonly zeroChecksum: boolean;
}

/** Our INIT or INIT ACK chunk: every stream, FORWARD TSN and RE-CONFIG, zero checksum if set. */
export function localInitChunk(p: LocalInitParams, type: 'init' | 'init-ack' = 'init', cookie?: Uint8Array): InitChunk {
  return {
    type,
    initiateTag: p.initiateTag,
    aRwnd: p.receiveWindow,
    outboundStreams: MAX_STREAMS,
    inboundStreams: MAX_STREAMS,
    initialTsn: p.initialTsn,
    forwardTsn: true,
    reconfig: true,
    zeroChecksum: p.zeroChecksum,
    ...(cookie ? { cookie } : {}),
  };
}

/** Draft section 5.2: the serialized INIT chunk (no common header), base64-encoded. */
export function encodeSnapInit(init: InitChunk): string {
  const w = new ByteWriter(64);
  encodeChunk(w, { ...init, type: 'init' });
  return base64Encode(w.written());
}

/**
 * Draft sections 5.3 and 5.5: the peer's `a=sctp-init` value, or an error when it is not
 * strict base64 or not exactly one valid INIT chunk (the caller then ignores the attribute).
 * RFC 9260 3.3.2 validity: a non-zero tag and stream counts (checked by the chunk decoder),
 * and an a_rwnd of at least 1500 bytes.
 */
export function decodeSnapInit(text: string): Result<InitChunk> {
  const bytes = base64Decode(text.trim());
  if (!bytes) return err(new DecodeError('sctp', 'invalid', 'a=sctp-init is not base64'));
  if (bytes.length < 20 || bytes[0] !== 1) return err(new DecodeError('sctp', 'invalid', 'a=sctp-init is not an INIT chunk'));
  // Read it as the only chunk of a packet (the chunk codec validates lengths and parameters).
  const packet = new Uint8Array(COMMON_HEADER_SIZE + bytes.length);
  packet.set(bytes, COMMON_HEADER_SIZE);
  const r = decodePacket(packet, false);
  if (!r.ok) return err(new DecodeError('sctp', 'invalid', `a=sctp-init: ${r.error.message}`));
  const chunks = r.value.chunks;
  const init = chunks[0];
  if (chunks.length !== 1 || init?.type !== 'init') return err(new DecodeError('sctp', 'invalid', 'a=sctp-init holds more than one INIT chunk'));
  if (init.cookie) return err(new DecodeError('sctp', 'invalid', 'a=sctp-init carries a state cookie'));
  if (init.aRwnd < MIN_A_RWND) return err(new DecodeError('sctp', 'invalid', `a=sctp-init a_rwnd ${init.aRwnd} is below 1500`));
  return ok(init);
}

/** RFC 9260 3.3.2: "the minimum value for a_rwnd is 1500". */
const MIN_A_RWND = 1500;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

/** RFC 4648 4 base64 with padding (what RFC 4566 base64 means). */
export function base64Encode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    s += i + 1 < b.length ? ALPHABET[(n >> 6) & 63]! : '=';
    s += i + 2 < b.length ? ALPHABET[n & 63]! : '=';
  }
  return s;
}

/**
 * Strict base64 (RFC 4648 4): only the alphabet, padding at the end only. Unpadded text of a
 * valid length is accepted too (the draft's own example has none). Undefined when invalid.
 */
export function base64Decode(s: string): Uint8Array | undefined {
  let end = s.length;
  if (end === 0) return undefined;
  let pad = 0;
  while (pad < 2 && end > 0 && s.charCodeAt(end - 1) === 61 /* = */) {
    end--;
    pad++;
  }
  if (pad > 0 && s.length % 4 !== 0) return undefined;
  const rem = end % 4;
  if (rem === 1) return undefined;
  const out = new Uint8Array(((end >> 2) * 3) + (rem === 0 ? 0 : rem - 1));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? INDEX[c]! : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero (a canonical encoding).
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
