/**
 * DNS messages as mDNS uses them (RFC 1035 4.1, RFC 6762 18): header, questions and
 * resource records. Record data is kept as an opaque view; A and AAAA data convert to and
 * from text with `recordAddress` and `addressRecord`.
 *
 * Decoded `rdata` views point into the input buffer: copy them to keep them longer.
 */

import {
  ByteReader,
  ByteWriter,
  DecodeError,
  type Result,
  err,
  formatIpv4,
  formatIpv6,
  ok,
  parseIp,
} from '../core/index.js';
import {
  CLASS_IN,
  MAX_MESSAGE_BYTES,
  MAX_MESSAGE_ENTRIES,
  QCLASS_UNICAST_RESPONSE,
  RRCLASS_CACHE_FLUSH,
  TYPE_A,
  TYPE_AAAA,
} from './constants.js';
import { NameWriter, readName } from './name.js';

const LAYER = 'mdns';
const HEADER_BYTES = 12;

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  /** QCLASS without the unicast-response bit. */
  readonly class: number;
  /** RFC 6762 5.4: the QU bit, asking for a unicast response. */
  readonly unicastResponse: boolean;
}

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  /** CLASS without the cache-flush bit. */
  readonly class: number;
  /** RFC 6762 10.2: this record replaces earlier ones for the same name and type. */
  readonly cacheFlush: boolean;
  /** Seconds. */
  readonly ttl: number;
  readonly rdata: Uint8Array;
}

export interface DnsMessage {
  readonly id: number;
  /** The 16 header flag bits (QR, OPCODE, AA, TC, RD, RA, Z, RCODE). */
  readonly flags: number;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

function readRecords(msg: Uint8Array, r: ByteReader, count: number, out: DnsRecord[]): DecodeError | undefined {
  for (let i = 0; i < count; i++) {
    const name = readName(msg, r.pos);
    if (!name.ok) return name.error;
    r.pos = name.value.next;
    const type = r.u16();
    const cls = r.u16();
    const ttl = r.u32();
    const rdata = r.bytes(r.u16());
    if (r.failed) return new DecodeError(LAYER, 'truncated', 'resource record cut short');
    out.push({
      name: name.value.name,
      type,
      class: cls & ~RRCLASS_CACHE_FLUSH,
      cacheFlush: (cls & RRCLASS_CACHE_FLUSH) !== 0,
      ttl,
      rdata,
    });
  }
  return undefined;
}

/** Decodes one DNS message; never throws. */
export function decodeDnsMessage(msg: Uint8Array): Result<DnsMessage> {
  if (msg.length > MAX_MESSAGE_BYTES) return err(new DecodeError(LAYER, 'too-large', 'message over 9000 bytes'));
  if (msg.length < HEADER_BYTES) return err(new DecodeError(LAYER, 'truncated', 'shorter than a header'));
  const r = new ByteReader(msg);
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  const ar = r.u16();
  if (qd + an + ns + ar > MAX_MESSAGE_ENTRIES) {
    return err(new DecodeError(LAYER, 'too-large', `${qd + an + ns + ar} entries`));
  }
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qd; i++) {
    const name = readName(msg, r.pos);
    if (!name.ok) return name;
    r.pos = name.value.next;
    const type = r.u16();
    const cls = r.u16();
    if (r.failed) return err(new DecodeError(LAYER, 'truncated', 'question cut short'));
    questions.push({
      name: name.value.name,
      type,
      class: cls & ~QCLASS_UNICAST_RESPONSE,
      unicastResponse: (cls & QCLASS_UNICAST_RESPONSE) !== 0,
    });
  }
  const answers: DnsRecord[] = [];
  const authorities: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  const e = readRecords(msg, r, an, answers) ?? readRecords(msg, r, ns, authorities) ?? readRecords(msg, r, ar, additionals);
  if (e) return err(e);
  return ok({ id, flags, questions, answers, authorities, additionals });
}

function writeRecord(w: ByteWriter, names: NameWriter, rec: DnsRecord): void {
  names.write(w, rec.name);
  w.u16(rec.type).u16((rec.class & ~RRCLASS_CACHE_FLUSH) | (rec.cacheFlush ? RRCLASS_CACHE_FLUSH : 0));
  w.u32(rec.ttl).u16(rec.rdata.length).bytes(rec.rdata);
}

/**
 * Encodes a message with name compression. Throws RangeError for an invalid name, a
 * section over 65535 entries or record data over 65535 bytes (caller errors, not input).
 */
export function encodeDnsMessage(m: DnsMessage): Uint8Array {
  const sections = [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length];
  for (const n of sections) if (n > 0xffff) throw new RangeError('too many entries in a section');
  const w = new ByteWriter(512);
  w.u16(m.id).u16(m.flags);
  for (const n of sections) w.u16(n);
  const names = new NameWriter();
  for (const q of m.questions) {
    names.write(w, q.name);
    w.u16(q.type).u16((q.class & ~QCLASS_UNICAST_RESPONSE) | (q.unicastResponse ? QCLASS_UNICAST_RESPONSE : 0));
  }
  for (const section of [m.answers, m.authorities, m.additionals]) {
    for (const rec of section) {
      if (rec.rdata.length > 0xffff) throw new RangeError('record data over 65535 bytes');
      writeRecord(w, names, rec);
    }
  }
  return w.finish();
}

/** An A or AAAA record for `address` (type chosen by family); undefined if not an IP. */
export function addressRecord(name: string, address: string, ttl: number, cacheFlush = true): DnsRecord | undefined {
  const rdata = parseIp(address);
  if (!rdata) return undefined;
  return { name, type: rdata.length === 4 ? TYPE_A : TYPE_AAAA, class: CLASS_IN, cacheFlush, ttl, rdata };
}

/** The textual address an IN A or AAAA record holds, or undefined for any other record. */
export function recordAddress(rec: DnsRecord): string | undefined {
  if (rec.class !== CLASS_IN) return undefined;
  if (rec.type === TYPE_A && rec.rdata.length === 4) return formatIpv4(rec.rdata);
  if (rec.type === TYPE_AAAA && rec.rdata.length === 16) return formatIpv6(rec.rdata);
  return undefined;
}
