/**
 * Receive side of the data path: reassembly of fragmented messages (RFC 9260 6.9) and
 * ordered or unordered delivery per stream (RFC 9260 6.6), with the bookkeeping that
 * FORWARD TSN (RFC 3758 3.6) and stream reset (RFC 6525 5.2.2) need.
 *
 * Fragments of one message carry consecutive TSNs (RFC 9260 6.9), so fragments are kept by
 * TSN and linked into runs: the first and last fragment of a run point at each other, which
 * makes adding a fragment and detecting a complete message O(1) whatever the message size.
 *
 * Payloads are views into the datagrams that carried them; a message made of one chunk is
 * delivered as such a view, a fragmented one is copied once into its own buffer.
 */

import { FLAG_BEGIN, FLAG_END, FLAG_UNORDERED, type DataChunk } from './chunks.js';
import { ssnLt, ssnNext, tsnAdd, tsnLte } from './serial.js';

export interface DeliveredMessage {
  readonly type: 'message';
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
}

/** Where complete messages go (the association's output queue). */
export interface MessageSink {
  push(m: DeliveredMessage): void;
}

interface Fragment {
  readonly tsn: number;
  readonly streamId: number;
  readonly ssn: number;
  readonly ppid: number;
  readonly flags: number;
  readonly payload: Uint8Array;
  /** For the first fragment of a run, the TSN of its last; for the last, of its first. */
  other: number;
}

interface HeldMessage {
  readonly ppid: number;
  /** Undefined for a message dropped as too large: its SSN is skipped, not delivered. */
  readonly data: Uint8Array | undefined;
}

interface InboundStream {
  nextSsn: number;
  /** Complete ordered messages waiting for an earlier SSN. */
  readonly held: Map<number, HeldMessage>;
}

export type ReassemblyResult = 'ok' | 'too-large';

export class Reassembly {
  private readonly fragments = new Map<number, Fragment>();
  private readonly streams = new Map<number, InboundStream>();
  /** Payload bytes held in fragments and in held messages (counts against a_rwnd). */
  bufferedBytes = 0;
  private readonly sink: MessageSink;
  private readonly maxMessageSize: number;

  constructor(sink: MessageSink, maxMessageSize: number) {
    this.sink = sink;
    this.maxMessageSize = maxMessageSize;
  }

  /** Takes a new (not duplicate) DATA chunk. */
  add(c: DataChunk): ReassemblyResult {
    if ((c.flags & (FLAG_BEGIN | FLAG_END)) === (FLAG_BEGIN | FLAG_END)) {
      const fits = c.payload.length <= this.maxMessageSize;
      this.complete(c.streamId, c.ssn, c.ppid, c.flags, fits ? c.payload : undefined);
      return fits ? 'ok' : 'too-large';
    }
    const f: Fragment = {
      tsn: c.tsn,
      streamId: c.streamId,
      ssn: c.ssn,
      ppid: c.ppid,
      flags: c.flags,
      payload: c.payload,
      other: c.tsn,
    };
    this.fragments.set(c.tsn, f);
    this.bufferedBytes += c.payload.length;
    let first = f;
    let last = f;
    if (!(c.flags & FLAG_BEGIN)) {
      const prev = this.fragments.get(tsnAdd(c.tsn, -1));
      if (prev && linkable(prev, f)) first = this.fragments.get(prev.other) ?? prev;
    }
    if (!(c.flags & FLAG_END)) {
      const next = this.fragments.get(tsnAdd(c.tsn, 1));
      if (next && linkable(f, next)) last = this.fragments.get(next.other) ?? next;
    }
    first.other = last.tsn;
    last.other = first.tsn;
    if (!(first.flags & FLAG_BEGIN) || !(last.flags & FLAG_END)) return 'ok';
    return this.assemble(first.tsn, last.tsn);
  }

  private assemble(firstTsn: number, lastTsn: number): ReassemblyResult {
    let size = 0;
    for (let t = firstTsn; ; t = tsnAdd(t, 1)) {
      size += this.fragments.get(t)!.payload.length;
      if (t === lastTsn) break;
    }
    const head = this.fragments.get(firstTsn)!;
    const data = size <= this.maxMessageSize ? new Uint8Array(size) : undefined;
    let at = 0;
    for (let t = firstTsn; ; t = tsnAdd(t, 1)) {
      const p = this.fragments.get(t)!.payload;
      data?.set(p, at);
      at += p.length;
      this.fragments.delete(t);
      if (t === lastTsn) break;
    }
    this.bufferedBytes -= size;
    this.complete(head.streamId, head.ssn, head.ppid, head.flags, data);
    return data ? 'ok' : 'too-large';
  }

  /** Delivers a complete message, or (data undefined) skips a dropped one's SSN. */
  private complete(streamId: number, ssn: number, ppid: number, flags: number, data: Uint8Array | undefined): void {
    if (flags & FLAG_UNORDERED) {
      if (data) this.sink.push({ type: 'message', streamId, ppid, data });
      return;
    }
    const s = this.stream(streamId);
    if (ssn !== s.nextSsn) {
      // Old SSNs (duplicates of delivered messages) cannot reach here: their TSNs are dups.
      if (!ssnLt(ssn, s.nextSsn) && !s.held.has(ssn)) {
        s.held.set(ssn, { ppid, data });
        this.bufferedBytes += data?.length ?? 0;
      }
      return;
    }
    if (data) this.sink.push({ type: 'message', streamId, ppid, data });
    s.nextSsn = ssnNext(ssn);
    this.deliverHeld(streamId, s);
  }

  private deliverHeld(streamId: number, s: InboundStream): void {
    for (let m = s.held.get(s.nextSsn); m; m = s.held.get(s.nextSsn)) {
      s.held.delete(s.nextSsn);
      if (m.data) {
        this.bufferedBytes -= m.data.length;
        this.sink.push({ type: 'message', streamId, ppid: m.ppid, data: m.data });
      }
      s.nextSsn = ssnNext(s.nextSsn);
    }
  }

  private stream(id: number): InboundStream {
    let s = this.streams.get(id);
    if (!s) {
      s = { nextSsn: 0, held: new Map() };
      this.streams.set(id, s);
    }
    return s;
  }

  /**
   * RFC 3758 3.6: the peer abandoned everything up to `newCumTsn`. Drops fragments at or
   * below it and skips the listed ordered (stream, SSN) pairs, delivering what that frees.
   */
  forward(newCumTsn: number, streams: readonly number[]): void {
    for (const [tsn, f] of this.fragments) {
      if (tsnLte(tsn, newCumTsn)) {
        this.fragments.delete(tsn);
        this.bufferedBytes -= f.payload.length;
      }
    }
    for (let i = 0; i + 1 < streams.length; i += 2) {
      const id = streams[i]!;
      const s = this.stream(id);
      const skipped = streams[i + 1]!;
      if (ssnLt(skipped, s.nextSsn)) continue;
      // RFC 3758 3.6: messages held up to and including the skipped SSN are delivered in
      // order (they arrived whole; only the abandoned ones between them are missing).
      const stranded = [...s.held.keys()].filter((ssn) => !ssnLt(skipped, ssn));
      stranded.sort((x, y) => ((x - s.nextSsn) & 0xffff) - ((y - s.nextSsn) & 0xffff));
      for (const ssn of stranded) {
        const m = s.held.get(ssn)!;
        s.held.delete(ssn);
        if (m.data) {
          this.bufferedBytes -= m.data.length;
          this.sink.push({ type: 'message', streamId: id, ppid: m.ppid, data: m.data });
        }
      }
      s.nextSsn = ssnNext(skipped);
      this.deliverHeld(id, s);
    }
  }

  /** RFC 6525 5.2.2: the peer reset its outgoing stream; its next message has SSN 0. */
  resetStream(id: number): void {
    const s = this.streams.get(id);
    if (!s) return;
    s.nextSsn = 0;
    this.deliverHeld(id, s);
  }
}

/** Whether `b` (TSN a.tsn + 1) continues the same message as `a`. */
function linkable(a: Fragment, b: Fragment): boolean {
  return (
    !(a.flags & FLAG_END) &&
    !(b.flags & FLAG_BEGIN) &&
    a.streamId === b.streamId &&
    (a.flags & FLAG_UNORDERED) === (b.flags & FLAG_UNORDERED)
  );
}
