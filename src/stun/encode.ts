/**
 * STUN message encoder (RFC 8489 5, 14). Attributes go out in a fixed order, then
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, which must come last in that
 * order (RFC 8489 14.5-14.7). Values are padded with zeros to 4 bytes.
 *
 * Encoding a malformed message (a bad address, an over-long text, an out-of-range number)
 * is a programming error and throws a RangeError; decoding never throws.
 */

import { ByteWriter, utf8Encode, type TransportAddress } from '../core/index.js';
import { writeAddress } from './address.js';
import {
  ATTR_HEADER_SIZE,
  FINGERPRINT_SIZE,
  HEADER_SIZE,
  MAGIC_COOKIE,
  MAX_ATTRIBUTES,
  MAX_PEER_ADDRESSES,
  MAX_TEXT_SEND_BYTES,
  MAX_USERNAME_SEND_BYTES,
  MESSAGE_INTEGRITY_SHA256_SIZE,
  MESSAGE_INTEGRITY_SIZE,
  RESERVATION_TOKEN_SIZE,
  TRANSACTION_ID_SIZE,
  USERHASH_SIZE,
} from './constants.js';
import { messageType } from './header.js';
import { fingerprintOf, messageMac } from './integrity.js';
import { writeText } from './text.js';
import { AttrType, type PasswordAlgorithm, type StunMessage } from './types.js';

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1) with this key (RFC 8489 14.5). */
  integrityKey?: Uint8Array;
  /** Adds MESSAGE-INTEGRITY-SHA256 with this key (RFC 8489 14.6). */
  integritySha256Key?: Uint8Array;
  /** Adds FINGERPRINT (RFC 8489 14.7). */
  fingerprint?: boolean;
}

/** One writer reused across calls: encodeStun copies its result out once. */
const w = new ByteWriter(512);
/** Magic cookie || transaction id, the XOR mask for address attributes (RFC 8489 14.2). */
const mask = new Uint8Array(16);

function header(type: number, len: number): void {
  w.u16(type);
  w.u16(len);
}

function pad(len: number): void {
  const p = (4 - (len & 3)) & 3;
  if (p) w.zeros(p);
}

function bytesAttr(type: number, v: Uint8Array): void {
  if (v.length > 0xffff) throw new RangeError(`stun: attribute 0x${type.toString(16)} too long`);
  header(type, v.length);
  w.bytes(v);
  pad(v.length);
}

function textAttr(type: number, s: string, max: number): void {
  if (!writeText(w, type, s, max)) throw new RangeError(`stun: attribute 0x${type.toString(16)} longer than ${max} bytes`);
}

function u32Attr(type: number, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff)) throw new RangeError(`stun: bad u32 ${v}`);
  header(type, 4);
  w.u32(v);
}

function u64Attr(type: number, v: bigint): void {
  if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError(`stun: bad u64 ${v}`);
  header(type, 8);
  w.u64(v);
}

function flagAttr(type: number): void {
  header(type, 0);
}

/** A one-byte value followed by three RFFU bytes (RFC 8656 14.1, 14.7). */
function byteAttr(type: number, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xff)) throw new RangeError(`stun: bad byte ${v}`);
  header(type, 4);
  w.u8(v).zeros(3);
}

function addressAttr(type: number, a: TransportAddress, xor: boolean): void {
  header(type, a.family === 'IPv4' ? 8 : 20);
  writeAddress(w, a, xor ? mask : undefined);
}

function fixedAttr(type: number, v: Uint8Array, size: number): void {
  if (v.length !== size) throw new RangeError(`stun: attribute 0x${type.toString(16)} must be ${size} bytes`);
  bytesAttr(type, v);
}

function algorithmsAttr(type: number, list: readonly PasswordAlgorithm[]): void {
  let len = 0;
  for (const a of list) len += 4 + ((a.params.length + 3) & ~3);
  header(type, len);
  for (const a of list) {
    w.u16(a.algorithm).u16(a.params.length).bytes(a.params);
    pad(a.params.length);
  }
}

/** Refuses messages our own decoder would refuse for their attribute count. */
function checkCounts(a: StunMessage['attrs']): void {
  const peers = a.xorPeerAddress?.length ?? 0;
  if (peers > MAX_PEER_ADDRESSES) throw new RangeError(`stun: more than ${MAX_PEER_ADDRESSES} XOR-PEER-ADDRESS`);
  // An upper bound: every key one attribute, plus the repeats, plus the three trailers.
  if (Object.keys(a).length + peers + (a.unknown?.length ?? 0) + 3 > MAX_ATTRIBUTES) {
    throw new RangeError(`stun: more than ${MAX_ATTRIBUTES} attributes`);
  }
}

/** Encodes `msg`, adding integrity and FINGERPRINT as `opts` asks. Returns a fresh array. */
export function encodeStun(msg: StunMessage, opts: EncodeOptions = {}): Uint8Array {
  const { method, cls, transactionId: tid, attrs: a } = msg;
  if (tid.length !== TRANSACTION_ID_SIZE) throw new RangeError('stun: transaction id must be 12 bytes');
  if (!(Number.isInteger(method) && method >= 0 && method <= 0xfff)) throw new RangeError(`stun: bad method ${method}`);
  if (a.xorPeerAddress || a.unknown) checkCounts(a);
  mask[0] = MAGIC_COOKIE >>> 24;
  mask[1] = (MAGIC_COOKIE >>> 16) & 0xff;
  mask[2] = (MAGIC_COOKIE >>> 8) & 0xff;
  mask[3] = MAGIC_COOKIE & 0xff;
  mask.set(tid, 4);

  w.reset();
  header(messageType(method, cls), 0);
  w.bytes(mask);

  if (a.software !== undefined) textAttr(AttrType.Software, a.software, MAX_TEXT_SEND_BYTES);
  if (a.errorCode) {
    const { code, reason } = a.errorCode;
    // RFC 8489 14.8: class 3..6 in three bits, number 0..99 in eight.
    if (!(Number.isInteger(code) && code >= 300 && code <= 699)) throw new RangeError(`stun: bad error code ${code}`);
    const r = utf8Encode(reason);
    if (r.length > MAX_TEXT_SEND_BYTES) throw new RangeError('stun: error reason too long');
    header(AttrType.ErrorCode, 4 + r.length);
    w.u16(0).u8(Math.floor(code / 100)).u8(code % 100).bytes(r);
    pad(r.length);
  }
  if (a.unknownAttributes) {
    header(AttrType.UnknownAttributes, a.unknownAttributes.length * 2);
    for (const t of a.unknownAttributes) w.u16(t);
    pad(a.unknownAttributes.length * 2);
  }
  if (a.alternateServer) addressAttr(AttrType.AlternateServer, a.alternateServer, false);
  if (a.mappedAddress) addressAttr(AttrType.MappedAddress, a.mappedAddress, false);
  if (a.xorMappedAddress) addressAttr(AttrType.XorMappedAddress, a.xorMappedAddress, true);
  if (a.xorRelayedAddress) addressAttr(AttrType.XorRelayedAddress, a.xorRelayedAddress, true);
  if (a.xorPeerAddress) for (const p of a.xorPeerAddress) addressAttr(AttrType.XorPeerAddress, p, true);
  if (a.channelNumber !== undefined) {
    if (!(Number.isInteger(a.channelNumber) && a.channelNumber >= 0 && a.channelNumber <= 0xffff)) {
      throw new RangeError(`stun: bad channel number ${a.channelNumber}`);
    }
    header(AttrType.ChannelNumber, 4);
    w.u16(a.channelNumber).u16(0);
  }
  if (a.lifetime !== undefined) u32Attr(AttrType.Lifetime, a.lifetime);
  if (a.requestedTransport !== undefined) byteAttr(AttrType.RequestedTransport, a.requestedTransport);
  if (a.requestedAddressFamily !== undefined) byteAttr(AttrType.RequestedAddressFamily, a.requestedAddressFamily);
  if (a.evenPort !== undefined) {
    header(AttrType.EvenPort, 1);
    w.u8(a.evenPort ? 0x80 : 0);
    pad(1);
  }
  if (a.dontFragment) flagAttr(AttrType.DontFragment);
  if (a.reservationToken) fixedAttr(AttrType.ReservationToken, a.reservationToken, RESERVATION_TOKEN_SIZE);
  if (a.priority !== undefined) u32Attr(AttrType.Priority, a.priority);
  if (a.iceControlled !== undefined) u64Attr(AttrType.IceControlled, a.iceControlled);
  if (a.iceControlling !== undefined) u64Attr(AttrType.IceControlling, a.iceControlling);
  if (a.useCandidate) flagAttr(AttrType.UseCandidate);
  if (a.username !== undefined) textAttr(AttrType.Username, a.username, MAX_USERNAME_SEND_BYTES);
  if (a.userhash) fixedAttr(AttrType.Userhash, a.userhash, USERHASH_SIZE);
  if (a.nonce !== undefined) textAttr(AttrType.Nonce, a.nonce, MAX_TEXT_SEND_BYTES);
  if (a.realm !== undefined) textAttr(AttrType.Realm, a.realm, MAX_TEXT_SEND_BYTES);
  if (a.passwordAlgorithms) algorithmsAttr(AttrType.PasswordAlgorithms, a.passwordAlgorithms);
  if (a.passwordAlgorithm) algorithmsAttr(AttrType.PasswordAlgorithm, [a.passwordAlgorithm]);
  if (a.data) bytesAttr(AttrType.Data, a.data);
  if (a.unknown) {
    for (const u of a.unknown) {
      if (u.type < 0x8000) throw new RangeError('stun: unknown attributes must be comprehension-optional');
      bytesAttr(u.type, u.value);
    }
  }

  // RFC 8489 14.5, 14.6: each MAC covers everything before it, with the header length
  // counting up to the end of that MAC's attribute.
  if (opts.integrityKey) {
    const end = w.pos + ATTR_HEADER_SIZE + MESSAGE_INTEGRITY_SIZE;
    const mac = messageMac('sha1', opts.integrityKey, w.written(), w.pos, end - HEADER_SIZE);
    header(AttrType.MessageIntegrity, MESSAGE_INTEGRITY_SIZE);
    w.bytes(mac);
  }
  if (opts.integritySha256Key) {
    const end = w.pos + ATTR_HEADER_SIZE + MESSAGE_INTEGRITY_SHA256_SIZE;
    const mac = messageMac('sha256', opts.integritySha256Key, w.written(), w.pos, end - HEADER_SIZE);
    header(AttrType.MessageIntegritySha256, MESSAGE_INTEGRITY_SHA256_SIZE);
    w.bytes(mac);
  }
  if (opts.fingerprint) {
    // RFC 8489 14.7: the CRC covers the header with its final length.
    w.setU16(2, w.pos + ATTR_HEADER_SIZE + FINGERPRINT_SIZE - HEADER_SIZE);
    const crc = fingerprintOf(w.written(), w.pos);
    header(AttrType.Fingerprint, FINGERPRINT_SIZE);
    w.u32(crc);
  }
  if (w.pos - HEADER_SIZE > 0xffff) throw new RangeError('stun: message too long');
  w.setU16(2, w.pos - HEADER_SIZE);
  return w.finish();
}
