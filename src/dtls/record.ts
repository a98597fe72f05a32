/**
 * DTLS record framing (RFC 6347 section 4.1). One datagram may carry several records; each
 * is decoded in place as a view over the datagram.
 */
import { DecodeError, err, ok, type Result } from '../core/index.js';
import { DTLS_1_2, MAX_CIPHERTEXT, RECORD_HEADER_SIZE } from './constants.js';
import { ContentType } from './protocol.js';

export interface DtlsRecord {
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  /** 48-bit sequence number, exact in a JS number. */
  readonly sequence: number;
  /** The record body (a view over the datagram). */
  readonly fragment: Uint8Array;
  /** Offset just past this record in the datagram. */
  readonly end: number;
}

/** Decodes the record starting at `at` in `buf`. Never throws. */
export function decodeRecord(buf: Uint8Array, at: number): Result<DtlsRecord> {
  if (buf.length - at < RECORD_HEADER_SIZE) return err(new DecodeError('dtls', 'truncated', 'short record header'));
  const type = buf[at]!;
  if (type < ContentType.changeCipherSpec || type > ContentType.applicationData) {
    return err(new DecodeError('dtls', 'invalid', `unknown content type ${type}`));
  }
  // RFC 6347 4.1: the version is {254, x}; early records may carry DTLS 1.0 (0xfeff).
  if (buf[at + 1] !== 0xfe) return err(new DecodeError('dtls', 'unsupported', 'not a DTLS record'));
  const version = (buf[at + 1]! << 8) | buf[at + 2]!;
  const epoch = (buf[at + 3]! << 8) | buf[at + 4]!;
  const hi = (buf[at + 5]! << 8) | buf[at + 6]!;
  const lo = ((buf[at + 7]! << 24) | (buf[at + 8]! << 16) | (buf[at + 9]! << 8) | buf[at + 10]!) >>> 0;
  const length = (buf[at + 11]! << 8) | buf[at + 12]!;
  if (length > MAX_CIPHERTEXT) return err(new DecodeError('dtls', 'too-large', `record length ${length}`));
  const start = at + RECORD_HEADER_SIZE;
  if (start + length > buf.length) return err(new DecodeError('dtls', 'truncated', 'record body cut short'));
  return ok({
    type,
    version,
    epoch,
    sequence: hi * 0x1_0000_0000 + lo,
    fragment: buf.subarray(start, start + length),
    end: start + length,
  });
}

/** Writes a record header at `at` in `out` (RFC 6347 4.1). */
export function writeRecordHeader(
  out: Uint8Array,
  at: number,
  type: number,
  epoch: number,
  sequence: number,
  length: number,
  version = DTLS_1_2,
): void {
  const hi = Math.floor(sequence / 0x1_0000_0000);
  const lo = sequence >>> 0;
  out[at] = type;
  out[at + 1] = version >>> 8;
  out[at + 2] = version & 0xff;
  out[at + 3] = epoch >>> 8;
  out[at + 4] = epoch & 0xff;
  out[at + 5] = hi >>> 8;
  out[at + 6] = hi & 0xff;
  out[at + 7] = lo >>> 24;
  out[at + 8] = (lo >>> 16) & 0xff;
  out[at + 9] = (lo >>> 8) & 0xff;
  out[at + 10] = lo & 0xff;
  out[at + 11] = length >>> 8;
  out[at + 12] = length & 0xff;
}

/** A plaintext record (epoch 0): header plus body in a new buffer. */
export function plainRecord(type: number, epoch: number, sequence: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_SIZE + body.length);
  writeRecordHeader(out, 0, type, epoch, sequence, body.length);
  out.set(body, RECORD_HEADER_SIZE);
  return out;
}
