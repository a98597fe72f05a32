/**
 * The state cookie (RFC 9260 5.1.3): everything the server needs to create the association
 * from a COOKIE ECHO, signed with HMAC-SHA-256 under a key drawn from the injected Random,
 * with a creation time checked against `now` (RFC 9260 5.1.5).
 */

import { createHmac } from 'node:crypto';
import { ByteReader, ByteWriter, constantTimeEqual } from '../core/bytes.js';
import { DecodeError, err, ok, type Result } from '../core/errors.js';
import type { Millis } from '../core/time.js';

const COOKIE_VERSION = 1;
const MAC_SIZE = 32;

export interface CookieState {
  /** Our verification tag (the Initiate Tag of the INIT ACK). */
  readonly localTag: number;
  readonly localInitialTsn: number;
  /** The peer's Initiate Tag, Initial TSN, window and stream counts from its INIT. */
  readonly peerTag: number;
  readonly peerInitialTsn: number;
  readonly peerRwnd: number;
  readonly peerOutboundStreams: number;
  readonly peerInboundStreams: number;
  readonly peerForwardTsn: boolean;
  readonly peerReconfig: boolean;
  readonly peerZeroChecksum: boolean;
  /** Our clock when the cookie was made. */
  readonly created: Millis;
}

function mac(key: Uint8Array, body: Uint8Array): Uint8Array {
  return createHmac('sha256', key).update(body).digest();
}

export function signCookie(key: Uint8Array, s: CookieState): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(COOKIE_VERSION)
    .u32(s.localTag)
    .u32(s.localInitialTsn)
    .u32(s.peerTag)
    .u32(s.peerInitialTsn)
    .u32(s.peerRwnd)
    .u16(s.peerOutboundStreams)
    .u16(s.peerInboundStreams)
    .u8((s.peerForwardTsn ? 1 : 0) | (s.peerReconfig ? 2 : 0) | (s.peerZeroChecksum ? 4 : 0))
    // Millis may be fractional or large; store whole milliseconds in 48 bits.
    .u48(Math.max(0, Math.floor(s.created)));
  const body = w.written();
  w.bytes(mac(key, body));
  return w.finish();
}

/**
 * Checks a cookie's MAC and reads it. `staleBy` is how many milliseconds past its lifetime
 * the cookie is (0 when fresh); the caller answers a stale cookie with a Stale Cookie error.
 */
export function openCookie(
  key: Uint8Array,
  cookie: Uint8Array,
  now: Millis,
  lifetime: Millis,
): Result<CookieState & { readonly staleBy: number }> {
  const bodyLen = cookie.length - MAC_SIZE;
  if (bodyLen !== 32) return err(new DecodeError('sctp', 'invalid', 'cookie size'));
  const body = cookie.subarray(0, bodyLen);
  if (!constantTimeEqual(mac(key, body), cookie.subarray(bodyLen))) {
    return err(new DecodeError('sctp', 'integrity', 'cookie MAC'));
  }
  const r = new ByteReader(body);
  if (r.u8() !== COOKIE_VERSION) return err(new DecodeError('sctp', 'unsupported', 'cookie version'));
  const localTag = r.u32();
  const localInitialTsn = r.u32();
  const peerTag = r.u32();
  const peerInitialTsn = r.u32();
  const peerRwnd = r.u32();
  const peerOutboundStreams = r.u16();
  const peerInboundStreams = r.u16();
  const flags = r.u8();
  const created = r.u48();
  const age = now - created;
  return ok({
    localTag,
    localInitialTsn,
    peerTag,
    peerInitialTsn,
    peerRwnd,
    peerOutboundStreams,
    peerInboundStreams,
    peerForwardTsn: (flags & 1) !== 0,
    peerReconfig: (flags & 2) !== 0,
    peerZeroChecksum: (flags & 4) !== 0,
    created,
    staleBy: Math.max(0, age - lifetime),
  });
}
