/**
 * The small part of DER (X.690) that X.509 certificates need: an encoder for building our
 * self-signed certificate and a decoder for reading certificates back.
 */
import { ByteWriter, DecodeError, err, ok, utf8Encode, type Result } from '../core/index.js';

export const Tag = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  utcTime: 0x17,
  generalizedTime: 0x18,
} as const;

/** A TLV with definite length (DER has no other kind). */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const w = new ByteWriter(content.length + 6).u8(tag);
  const n = content.length;
  if (n < 0x80) w.u8(n);
  else if (n < 0x100) w.u8(0x81).u8(n);
  else if (n < 0x10000) w.u8(0x82).u16(n);
  else w.u8(0x83).u24(n);
  return w.bytes(content).finish();
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(256);
  for (const p of parts) w.bytes(p);
  return w.finish();
}

export const sequence = (...parts: Uint8Array[]): Uint8Array => tlv(Tag.sequence, joined(parts));
export const set = (...parts: Uint8Array[]): Uint8Array => tlv(Tag.set, joined(parts));
/** Context-specific constructed tag [n] (EXPLICIT tagging). */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
export const utf8String = (s: string): Uint8Array => tlv(Tag.utf8String, utf8Encode(s));
export const bitString = (bits: Uint8Array): Uint8Array => tlv(Tag.bitString, joined([new Uint8Array([0]), bits]));

/** An INTEGER from unsigned big-endian magnitude bytes (minimal, positive). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(Tag.integer, m[0]! & 0x80 ? joined([new Uint8Array([0]), m]) : m);
}

export function smallInteger(v: number): Uint8Array {
  return unsignedInteger(new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]));
}

/** OBJECT IDENTIFIER from dotted text (X.690 8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const w = new ByteWriter(16);
  const base128 = (v: number): void => {
    const groups: number[] = [];
    do {
      groups.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < groups.length; i++) w.u8(groups[i]! | (i < groups.length - 1 ? 0x80 : 0));
  };
  base128(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) base128(a);
  return tlv(Tag.oid, w.finish());
}

/** UTCTime for years 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
export function time(d: Date): Uint8Array {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(Tag.utcTime, utf8Encode(`${p(y % 100)}${rest}`));
  return tlv(Tag.generalizedTime, utf8Encode(`${p(y, 4)}${rest}`));
}

export interface DerNode {
  readonly tag: number;
  /** Content bytes (a view). */
  readonly content: Uint8Array;
  /** The whole TLV (a view). */
  readonly raw: Uint8Array;
}

/** Decodes one TLV at `at`. Never throws; refuses indefinite and over-long lengths. */
export function decodeTlv(buf: Uint8Array, at = 0): Result<DerNode & { end: number }> {
  if (at + 2 > buf.length) return err(new DecodeError('der', 'truncated', 'short TLV'));
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) return err(new DecodeError('der', 'unsupported', 'multi-byte tag'));
  let len = buf[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) return err(new DecodeError('der', 'unsupported', 'length form'));
    if (p + n > buf.length) return err(new DecodeError('der', 'truncated', 'short length'));
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) return err(new DecodeError('der', 'truncated', 'TLV content cut short'));
  return ok({ tag, content: buf.subarray(p, p + len), raw: buf.subarray(at, p + len), end: p + len });
}

/** The children of a constructed TLV's content. */
export function decodeChildren(content: Uint8Array): Result<DerNode[]> {
  const out: DerNode[] = [];
  let at = 0;
  while (at < content.length) {
    const r = decodeTlv(content, at);
    if (!r.ok) return r;
    out.push(r.value);
    at = r.value.end;
  }
  return ok(out);
}

/** Dotted text of an OBJECT IDENTIFIER's content. */
export function oidToString(content: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}
