/**
 * STUN message decoder (RFC 8489 5, 14). Never throws: every refusal is a `DecodeError`
 * with layer 'stun'. Values are views over the input where they are bytes.
 */

import { DecodeError, err, ok, type Result } from '../core/index.js';
import { readAddress } from './address.js';
import {
  ATTR_HEADER_SIZE,
  FINGERPRINT_SIZE,
  HEADER_SIZE,
  MAGIC_COOKIE,
  MAX_ATTRIBUTES,
  MAX_PEER_ADDRESSES,
  MAX_TEXT_RECEIVE_BYTES,
  MESSAGE_INTEGRITY_SHA256_MIN_SIZE,
  MESSAGE_INTEGRITY_SHA256_SIZE,
  MESSAGE_INTEGRITY_SIZE,
  RESERVATION_TOKEN_SIZE,
  USERHASH_SIZE,
} from './constants.js';
import { classOf, methodOf } from './header.js';
import { fingerprintOf } from './integrity.js';
import { decodeText } from './text.js';
import { AttrType, type DecodedStun, type PasswordAlgorithm, type StunAttributes } from './types.js';

function fail(reason: DecodeError['reason'], message: string): { ok: false; error: DecodeError } {
  return err(new DecodeError('stun', reason, message));
}

function u32(b: Uint8Array, at: number): number {
  return b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

function u64(b: Uint8Array, at: number): bigint {
  return (BigInt(u32(b, at)) << 32n) | BigInt(u32(b, at + 4));
}

/** Decodes a STUN message that fills `data` exactly (one datagram). */
export function decodeStun(data: Uint8Array): Result<DecodedStun> {
  if (data.length < HEADER_SIZE) return fail('truncated', 'shorter than a STUN header');
  if ((data[0]! & 0xc0) !== 0) return fail('invalid', 'top two bits of the type are not zero');
  if (u32(data, 4) !== MAGIC_COOKIE) return fail('unsupported', 'no magic cookie (RFC 3489?)');
  const length = (data[2]! << 8) | data[3]!;
  if ((length & 3) !== 0) return fail('invalid', 'length is not a multiple of 4');
  if (HEADER_SIZE + length > data.length) return fail('truncated', 'message shorter than its length');
  if (HEADER_SIZE + length < data.length) return fail('invalid', 'bytes after the message');

  const type = (data[0]! << 8) | data[1]!;
  const attrs: StunAttributes = {};
  const unknownRequired: number[] = [];
  let integrityAt: number | undefined;
  let integritySha256At: number | undefined;
  let fingerprint = false;
  let count = 0;

  for (let pos = HEADER_SIZE; pos < data.length; ) {
    if (++count > MAX_ATTRIBUTES) return fail('too-large', `more than ${MAX_ATTRIBUTES} attributes`);
    if (fingerprint) return fail('invalid', 'attribute after FINGERPRINT'); // RFC 8489 14.7
    const t = (data[pos]! << 8) | data[pos + 1]!;
    const len = (data[pos + 2]! << 8) | data[pos + 3]!;
    const valueAt = pos + ATTR_HEADER_SIZE;
    // RFC 8489 14: values are padded to 4 bytes. The message length and `pos` are multiples
    // of 4, so a value that fits has room for its padding too.
    const next = valueAt + ((len + 3) & ~3);
    if (valueAt + len > data.length) return fail('truncated', `attribute 0x${t.toString(16)} overruns`);

    if (t === AttrType.Fingerprint) {
      if (len !== FINGERPRINT_SIZE) return fail('invalid', 'FINGERPRINT length');
      if (u32(data, valueAt) !== fingerprintOf(data, pos)) return fail('integrity', 'FINGERPRINT mismatch');
      fingerprint = true;
    } else if (integritySha256At !== undefined) {
      // RFC 8489 14.6: only FINGERPRINT counts after MESSAGE-INTEGRITY-SHA256.
    } else if (t === AttrType.MessageIntegritySha256) {
      if (len < MESSAGE_INTEGRITY_SHA256_MIN_SIZE || len > MESSAGE_INTEGRITY_SHA256_SIZE || len & 3) {
        return fail('invalid', 'MESSAGE-INTEGRITY-SHA256 length'); // RFC 8489 14.6
      }
      integritySha256At = pos;
    } else if (integrityAt !== undefined) {
      // RFC 8489 14.5: only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT count after it.
    } else if (t === AttrType.MessageIntegrity) {
      if (len !== MESSAGE_INTEGRITY_SIZE) return fail('invalid', 'MESSAGE-INTEGRITY length');
      integrityAt = pos;
    } else {
      const e = readAttribute(t, data, valueAt, len, attrs, unknownRequired);
      if (e) return err(e);
    }
    pos = next;
  }

  return ok({
    method: methodOf(type),
    cls: classOf(type),
    transactionId: data.subarray(8, HEADER_SIZE),
    attrs,
    raw: data,
    integrityAt,
    integritySha256At,
    fingerprint,
    unknownRequired,
  });
}

function bad(t: number, what: string): DecodeError {
  return new DecodeError('stun', 'invalid', `attribute 0x${t.toString(16)}: ${what}`);
}

function text(t: number, msg: Uint8Array, at: number, len: number, strict: boolean): string | DecodeError {
  if (len > MAX_TEXT_RECEIVE_BYTES) return new DecodeError('stun', 'too-large', `attribute 0x${t.toString(16)} text`);
  return decodeText(msg, at, len, strict) ?? bad(t, 'malformed UTF-8');
}

function readPasswordAlgorithms(t: number, v: Uint8Array): PasswordAlgorithm[] | DecodeError {
  const out: PasswordAlgorithm[] = [];
  for (let at = 0; at < v.length; ) {
    if (v.length - at < 4) return bad(t, 'truncated algorithm');
    const plen = (v[at + 2]! << 8) | v[at + 3]!;
    if (at + 4 + plen > v.length) return bad(t, 'algorithm parameters overrun');
    out.push({ algorithm: (v[at]! << 8) | v[at + 1]!, params: v.subarray(at + 4, at + 4 + plen) });
    at += 4 + ((plen + 3) & ~3); // RFC 8489 14.11: parameters padded to 4 bytes
  }
  return out;
}

const ADDRESS_KEYS = {
  [AttrType.MappedAddress]: 'mappedAddress',
  [AttrType.XorMappedAddress]: 'xorMappedAddress',
  [AttrType.XorRelayedAddress]: 'xorRelayedAddress',
  [AttrType.AlternateServer]: 'alternateServer',
} as const;

const TEXT_KEYS = {
  [AttrType.Username]: 'username',
  [AttrType.Realm]: 'realm',
  [AttrType.Nonce]: 'nonce',
  [AttrType.Software]: 'software',
} as const;

/**
 * Reads the attribute of type `t` whose value is `msg[at..at+len)` into `attrs`; the first
 * occurrence of a type wins (RFC 8489 14). Returns an error for a malformed value.
 */
function readAttribute(
  t: number,
  msg: Uint8Array,
  at: number,
  len: number,
  attrs: StunAttributes,
  unknownRequired: number[],
): DecodeError | undefined {
  switch (t) {
    case AttrType.MappedAddress:
    case AttrType.XorMappedAddress:
    case AttrType.XorRelayedAddress:
    case AttrType.AlternateServer: {
      const key = ADDRESS_KEYS[t];
      if (attrs[key]) return undefined;
      // RFC 8489 14.1, 14.15: MAPPED-ADDRESS and ALTERNATE-SERVER are not XORed.
      const r = readAddress(msg, at, len, t === AttrType.XorMappedAddress || t === AttrType.XorRelayedAddress);
      if (!r.ok) return r.error;
      attrs[key] = r.value;
      return undefined;
    }
    case AttrType.XorPeerAddress: {
      const list = (attrs.xorPeerAddress ??= []);
      if (list.length >= MAX_PEER_ADDRESSES) return new DecodeError('stun', 'too-large', 'too many XOR-PEER-ADDRESS');
      const r = readAddress(msg, at, len, true);
      if (!r.ok) return r.error;
      list.push(r.value);
      return undefined;
    }
    case AttrType.Username:
    case AttrType.Realm:
    case AttrType.Nonce:
    case AttrType.Software: {
      const key = TEXT_KEYS[t];
      if (attrs[key] !== undefined) return undefined;
      const s = text(t, msg, at, len, t !== AttrType.Software);
      if (typeof s !== 'string') return s;
      attrs[key] = s;
      return undefined;
    }
    case AttrType.ErrorCode: {
      if (attrs.errorCode) return undefined;
      if (len < 4) return bad(t, 'too short');
      const cls = msg[at + 2]! & 7;
      const num = msg[at + 3]!;
      // RFC 8489 14.8: class 3..6, number 0..99.
      if (cls < 3 || cls > 6 || num > 99) return bad(t, `code ${cls * 100 + num}`);
      const reason = text(t, msg, at + 4, len - 4, false);
      if (typeof reason !== 'string') return reason;
      attrs.errorCode = { code: cls * 100 + num, reason };
      return undefined;
    }
    case AttrType.UnknownAttributes: {
      if (attrs.unknownAttributes) return undefined;
      if (len & 1) return bad(t, 'odd length');
      const list: number[] = [];
      for (let i = at; i < at + len; i += 2) list.push((msg[i]! << 8) | msg[i + 1]!);
      attrs.unknownAttributes = list;
      return undefined;
    }
    case AttrType.Priority:
      if (len !== 4) return bad(t, 'length');
      attrs.priority ??= u32(msg, at);
      return undefined;
    case AttrType.Lifetime:
      if (len !== 4) return bad(t, 'length');
      attrs.lifetime ??= u32(msg, at);
      return undefined;
    case AttrType.IceControlled:
      if (len !== 8) return bad(t, 'length');
      attrs.iceControlled ??= u64(msg, at);
      return undefined;
    case AttrType.IceControlling:
      if (len !== 8) return bad(t, 'length');
      attrs.iceControlling ??= u64(msg, at);
      return undefined;
    case AttrType.UseCandidate:
      if (len !== 0) return bad(t, 'length');
      attrs.useCandidate = true;
      return undefined;
    case AttrType.DontFragment:
      if (len !== 0) return bad(t, 'length');
      attrs.dontFragment = true;
      return undefined;
    case AttrType.RequestedTransport:
      // RFC 8656 14.7: protocol number, then three RFFU bytes.
      if (len !== 4) return bad(t, 'length');
      attrs.requestedTransport ??= msg[at]!;
      return undefined;
    case AttrType.RequestedAddressFamily:
      // RFC 8656 14.1: family, then three RFFU bytes.
      if (len !== 4) return bad(t, 'length');
      attrs.requestedAddressFamily ??= msg[at]!;
      return undefined;
    case AttrType.ChannelNumber:
      // RFC 8656 14.1: channel number then two RFFU bytes.
      if (len !== 4) return bad(t, 'length');
      attrs.channelNumber ??= (msg[at]! << 8) | msg[at + 1]!;
      return undefined;
    case AttrType.EvenPort:
      // RFC 8656 14.6: the R bit is the top bit of the single byte.
      if (len !== 1) return bad(t, 'length');
      attrs.evenPort ??= (msg[at]! & 0x80) !== 0;
      return undefined;
    case AttrType.Data:
      attrs.data ??= msg.subarray(at, at + len);
      return undefined;
    case AttrType.ReservationToken:
      if (len !== RESERVATION_TOKEN_SIZE) return bad(t, 'length');
      attrs.reservationToken ??= msg.subarray(at, at + len);
      return undefined;
    case AttrType.Userhash:
      if (len !== USERHASH_SIZE) return bad(t, 'length');
      attrs.userhash ??= msg.subarray(at, at + len);
      return undefined;
    case AttrType.PasswordAlgorithms: {
      if (attrs.passwordAlgorithms) return undefined;
      const list = readPasswordAlgorithms(t, msg.subarray(at, at + len));
      if (list instanceof DecodeError) return list;
      attrs.passwordAlgorithms = list;
      return undefined;
    }
    case AttrType.PasswordAlgorithm: {
      if (attrs.passwordAlgorithm) return undefined;
      const list = readPasswordAlgorithms(t, msg.subarray(at, at + len));
      if (list instanceof DecodeError) return list;
      if (list.length !== 1) return bad(t, 'not one algorithm');
      attrs.passwordAlgorithm = list[0];
      return undefined;
    }
    default:
      // RFC 8489 14: types below 0x8000 are comprehension-required.
      if (t < 0x8000) unknownRequired.push(t);
      else (attrs.unknown ??= []).push({ type: t, value: msg.subarray(at, at + len) });
      return undefined;
  }
}
