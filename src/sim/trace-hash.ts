/**
 * A running SHA-256 over trace entries, fed in batches: each entry is encoded in binary into
 * a reused buffer (strings interned: written once, then referred to by number), and the
 * buffer goes to the hash when full. One native call per ~64 KiB instead of per packet.
 *
 * The encoding is unambiguous for a given sequence of entries, which is all determinism needs:
 * the same entries give the same bytes, different entries different bytes.
 */

import { createHash } from 'node:crypto';
import type { TransportAddress } from '../core/address.js';
import type { Millis } from '../core/time.js';
import { TRACE_HASH_BATCH_BYTES, TRACE_HASH_MAX_STRINGS } from './constants.js';

const NEW_STRING = 0xffff_ffff;
const encoder = new TextEncoder();

export class TraceHasher {
  private readonly sha = createHash('sha256');
  private readonly buf = new Uint8Array(TRACE_HASH_BATCH_BYTES);
  private readonly view = new DataView(this.buf.buffer);
  private at = 0;
  private readonly strings = new Map<string, number>();

  /** Appends one entry; `kind` and `reason` are small codes, `parent` 0 for none. */
  entry(
    time: Millis,
    kind: number,
    id: number,
    from: TransportAddress,
    to: TransportAddress,
    size: number,
    node: string,
    reason: number,
    parent: number,
    payload: Uint8Array | undefined,
  ): void {
    this.room(30);
    const v = this.view;
    let at = this.at;
    v.setFloat64(at, time);
    v.setUint8(at + 8, kind);
    v.setUint8(at + 9, reason);
    v.setFloat64(at + 10, id);
    v.setFloat64(at + 18, parent);
    v.setUint32(at + 26, size);
    this.at = at + 30;
    this.address(from);
    this.address(to);
    this.string(node);
    if (payload !== undefined) this.bytes(payload);
  }

  /** Hex digest of everything so far (the running hash continues). */
  digest(): string {
    this.flush();
    return this.sha.copy().digest('hex');
  }

  private address(a: TransportAddress): void {
    this.string(a.address);
    this.room(2);
    this.view.setUint16(this.at, a.port);
    this.at += 2;
  }

  private string(s: string): void {
    const known = this.strings.get(s);
    this.room(4);
    if (known !== undefined) {
      this.view.setUint32(this.at, known);
      this.at += 4;
      return;
    }
    // A bounded table: when full it starts over (at the same point in identical runs).
    if (this.strings.size >= TRACE_HASH_MAX_STRINGS) this.strings.clear();
    this.strings.set(s, this.strings.size);
    this.view.setUint32(this.at, NEW_STRING);
    this.at += 4;
    this.bytes(encoder.encode(s));
  }

  /** A length-prefixed byte string. */
  private bytes(b: Uint8Array): void {
    this.room(4);
    this.view.setUint32(this.at, b.length);
    this.at += 4;
    if (b.length > this.buf.length - this.at) {
      this.flush();
      if (b.length > this.buf.length) {
        this.sha.update(b);
        return;
      }
    }
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  private room(n: number): void {
    if (this.at + n > this.buf.length) this.flush();
  }

  private flush(): void {
    if (this.at === 0) return;
    this.sha.update(this.buf.subarray(0, this.at));
    this.at = 0;
  }
}
