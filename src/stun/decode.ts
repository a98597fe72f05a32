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
  const mask = data.subarray(4, HEADER_SIZE);
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
      const e = readAttribute(t, data.subarray(valueAt, valueAt + len), mask, attrs, unknownRequired);
      if (e) return { ok: false, error: e };
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

function text(t: number, v: Uint8Array, strict: boolean): string | DecodeError {
  if (v.length > MAX_TEXT_RECEIVE_BYTES) return new DecodeError('stun', 'too-large', `attribute 0x${t.toString(16)} text`);
  return decodeText(v, strict) ?? bad(t, 'malformed UTF-8');
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

/**
 * Reads one attribute into `attrs`; the first occurrence of a type wins (RFC 8489 14).
 * Returns an error for a malformed value.
 */
function readAttribute(
  t: number,
  v: Uint8Array,
  mask: Uint8Array,
  attrs: StunAttributes,
  unknownRequired: number[],
): DecodeError | undefined {
  switch (t) {
    case AttrType.MappedAddress:
    case AttrType.XorMappedAddress:
    case AttrType.XorRelayedAddress:
    case AttrType.AlternateServer: {
      const key =
        t === AttrType.MappedAddress
          ? 'mappedAddress'
          : t === AttrType.XorMappedAddress
            ? 'xorMappedAddress'
            : t === AttrType.XorRelayedAddress
              ? 'xorRelayedAddress'
              : 'alternateServer';
      if (attrs[key]) return undefined;
      const r = readAddress(v, t === AttrType.MappedAddress || t === AttrType.AlternateServer ? undefined : mask);
      if (!r.ok) return r.error;
      attrs[key] = r.value;
      return undefined;
    }
    case AttrType.XorPeerAddress: {
      const list = (attrs.xorPeerAddress ??= []);
      if (list.length >= MAX_PEER_ADDRESSES) return new DecodeError('stun', 'too-large', 'too many XOR-PEER-ADDRESS');
      const r = readAddress(v, mask);
      if (!r.ok) return r.error;
      list.push(r.value);
      return undefined;
    }
    case AttrType.Username:
    case AttrType.Realm:
    case AttrType.Nonce:
    case AttrType.Software: {
      const key =
        t === AttrType.Username ? 'username' : t === AttrType.Realm ? 'realm' : t === AttrType.Nonce ? 'nonce' : 'software';
      if (attrs[key] !== undefined) return undefined;
      const s = text(t, v, t !== AttrType.Software);
      if (typeof s !== 'string') return s;
      attrs[key] = s;
      return undefined;
    }
    case AttrType.ErrorCode: {
      if (attrs.errorCode) return undefined;
      if (v.length < 4) return bad(t, 'too short');
      const cls = v[2]! & 7;
      const num = v[3]!;
      // RFC 8489 14.8: class 3..6, number 0..99.
      if (cls < 3 || cls > 6 || num > 99) return bad(t, `code ${cls * 100 + num}`);
      const reason = text(t, v.subarray(4), false);
      if (typeof reason !== 'string') return reason;
      attrs.errorCode = { code: cls * 100 + num, reason };
      return undefined;
    }
    case AttrType.UnknownAttributes: {
      if (attrs.unknownAttributes) return undefined;
      if (v.length & 1) return bad(t, 'odd length');
      const list: number[] = [];
      for (let i = 0; i < v.length; i += 2) list.push((v[i]! << 8) | v[i + 1]!);
      attrs.unknownAttributes = list;
      return undefined;
    }
    case AttrType.Priority:
    case AttrType.Lifetime: {
      if (v.length !== 4) return bad(t, 'length');
      const key = t === AttrType.Priority ? 'priority' : 'lifetime';
      if (attrs[key] === undefined) attrs[key] = u32(v, 0);
      return undefined;
    }
    case AttrType.IceControlled:
    case AttrType.IceControlling: {
      if (v.length !== 8) return bad(t, 'length');
      const key = t === AttrType.IceControlled ? 'iceControlled' : 'iceControlling';
      if (attrs[key] === undefined) attrs[key] = u64(v, 0);
      return undefined;
    }
    case AttrType.UseCandidate:
    case AttrType.DontFragment:
      if (v.length !== 0) return bad(t, 'length');
      attrs[t === AttrType.UseCandidate ? 'useCandidate' : 'dontFragment'] = true;
      return undefined;
    case AttrType.RequestedTransport:
    case AttrType.RequestedAddressFamily: {
      // RFC 8656 14.7, 14.1: one byte of value, three RFFU.
      if (v.length !== 4) return bad(t, 'length');
      const key = t === AttrType.RequestedTransport ? 'requestedTransport' : 'requestedAddressFamily';
      if (attrs[key] === undefined) attrs[key] = v[0]!;
      return undefined;
    }
    case AttrType.ChannelNumber:
      // RFC 8656 14.1: channel number then two RFFU bytes.
      if (v.length !== 4) return bad(t, 'length');
      attrs.channelNumber ??= (v[0]! << 8) | v[1]!;
      return undefined;
    case AttrType.EvenPort:
      // RFC 8656 14.6: the R bit is the top bit of the single byte.
      if (v.length !== 1) return bad(t, 'length');
      attrs.evenPort ??= (v[0]! & 0x80) !== 0;
      return undefined;
    case AttrType.Data:
      attrs.data ??= v;
      return undefined;
    case AttrType.ReservationToken:
      if (v.length !== RESERVATION_TOKEN_SIZE) return bad(t, 'length');
      attrs.reservationToken ??= v;
      return undefined;
    case AttrType.Userhash:
      if (v.length !== USERHASH_SIZE) return bad(t, 'length');
      attrs.userhash ??= v;
      return undefined;
    case AttrType.PasswordAlgorithms: {
      if (attrs.passwordAlgorithms) return undefined;
      const list = readPasswordAlgorithms(t, v);
      if (list instanceof DecodeError) return list;
      attrs.passwordAlgorithms = list;
      return undefined;
    }
    case AttrType.PasswordAlgorithm: {
      if (attrs.passwordAlgorithm) return undefined;
      const list = readPasswordAlgorithms(t, v);
      if (list instanceof DecodeError) return list;
      if (list.length !== 1) return bad(t, 'not one algorithm');
      attrs.passwordAlgorithm = list[0];
      return undefined;
    }
    default:
      // RFC 8489 14: types below 0x8000 are comprehension-required.
      if (t < 0x8000) unknownRequired.push(t);
      else (attrs.unknown ??= []).push({ type: t, value: v });
      return undefined;
  }
}
