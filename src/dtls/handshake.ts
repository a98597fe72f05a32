/**
 * Handshake message framing, fragmentation and reassembly (RFC 6347 section 4.2.2-4.2.3).
 */
import { ByteReader, DecodeError, err, ok, type Result } from '../core/index.js';
import { HANDSHAKE_HEADER_SIZE, HANDSHAKE_WINDOW, MAX_HANDSHAKE_MESSAGE } from './constants.js';

export interface HandshakeFragment {
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  /** This fragment's bytes (a view). */
  readonly body: Uint8Array;
}

export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

/** Decodes every handshake fragment in one record body. Never throws. */
export function decodeHandshakeFragments(record: Uint8Array): Result<HandshakeFragment[]> {
  const out: HandshakeFragment[] = [];
  const r = new ByteReader(record);
  while (r.remaining > 0) {
    const msgType = r.u8();
    const length = r.u24();
    const messageSeq = r.u16();
    const fragmentOffset = r.u24();
    const fragmentLength = r.u24();
    const body = r.bytes(fragmentLength);
    if (r.failed) return err(new DecodeError('dtls', 'truncated', 'handshake fragment cut short'));
    if (fragmentOffset + fragmentLength > length) {
      return err(new DecodeError('dtls', 'invalid', 'handshake fragment beyond message length'));
    }
    out.push({ msgType, length, messageSeq, fragmentOffset, body });
  }
  return ok(out);
}

function writeHeader(out: Uint8Array, at: number, msgType: number, length: number, seq: number, offset: number, fragLength: number): void {
  out[at] = msgType;
  out[at + 1] = length >>> 16;
  out[at + 2] = (length >>> 8) & 0xff;
  out[at + 3] = length & 0xff;
  out[at + 4] = seq >>> 8;
  out[at + 5] = seq & 0xff;
  out[at + 6] = offset >>> 16;
  out[at + 7] = (offset >>> 8) & 0xff;
  out[at + 8] = offset & 0xff;
  out[at + 9] = fragLength >>> 16;
  out[at + 10] = (fragLength >>> 8) & 0xff;
  out[at + 11] = fragLength & 0xff;
}

/**
 * The whole message as one unfragmented handshake record body. This is also the form that
 * enters the transcript hash (RFC 6347 4.2.6).
 */
export function encodeHandshake(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_SIZE + body.length);
  writeHeader(out, 0, msgType, body.length, messageSeq, 0, body.length);
  out.set(body, HANDSHAKE_HEADER_SIZE);
  return out;
}

/** Splits a message into fragments of at most `maxBody` body bytes, each with its header. */
export function fragmentHandshake(msg: HandshakeMessage, maxBody: number): Uint8Array[] {
  const total = msg.body.length;
  const out: Uint8Array[] = [];
  let offset = 0;
  do {
    const n = Math.min(maxBody, total - offset);
    const f = new Uint8Array(HANDSHAKE_HEADER_SIZE + n);
    writeHeader(f, 0, msg.msgType, total, msg.messageSeq, offset, n);
    f.set(msg.body.subarray(offset, offset + n), HANDSHAKE_HEADER_SIZE);
    out.push(f);
    offset += n;
  } while (offset < total);
  return out;
}

interface Partial {
  readonly msgType: number;
  readonly body: Uint8Array;
  /** One flag per byte received, so overlapping and repeated fragments count once. */
  readonly have: Uint8Array;
  missing: number;
}

export type AddResult = 'buffered' | 'old' | 'future' | 'invalid';

/**
 * Collects fragments into whole messages and releases them in message_seq order. Bounded:
 * messages beyond MAX_HANDSHAKE_MESSAGE or more than HANDSHAKE_WINDOW ahead are refused.
 */
export class HandshakeReassembler {
  nextSeq = 0;
  private readonly partial = new Map<number, Partial>();

  add(f: HandshakeFragment): AddResult {
    if (f.messageSeq < this.nextSeq) return 'old';
    if (f.messageSeq >= this.nextSeq + HANDSHAKE_WINDOW) return 'future';
    if (f.length > MAX_HANDSHAKE_MESSAGE) return 'invalid';
    let p = this.partial.get(f.messageSeq);
    if (!p) {
      p = { msgType: f.msgType, body: new Uint8Array(f.length), have: new Uint8Array(f.length), missing: f.length };
      this.partial.set(f.messageSeq, p);
    } else if (p.msgType !== f.msgType || p.body.length !== f.length) {
      return 'invalid';
    }
    const end = f.fragmentOffset + f.body.length;
    for (let i = f.fragmentOffset; i < end; i++) {
      if (p.have[i] === 0) {
        p.have[i] = 1;
        p.missing--;
      }
    }
    p.body.set(f.body, f.fragmentOffset);
    return 'buffered';
  }

  /** The next whole message in order, if it is complete. */
  next(): HandshakeMessage | undefined {
    const p = this.partial.get(this.nextSeq);
    if (!p || p.missing > 0) return undefined;
    this.partial.delete(this.nextSeq);
    return { msgType: p.msgType, messageSeq: this.nextSeq++, body: p.body };
  }

  /** Forget everything buffered (used when a HelloVerifyRequest restarts the client). */
  clear(): void {
    this.partial.clear();
  }
}
