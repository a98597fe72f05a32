/**
 * Tiny engines for the simulator's own tests: an echo server and a probe that sends
 * numbered packets (one at a time, or a stream on a timer) and reports what it receives.
 */

import type { TransportAddress } from '../core/address.js';
import { OutputQueue, type Datagram, type Engine, type Transmit } from '../core/engine.js';
import type { Millis } from '../core/time.js';

export interface Received {
  readonly type: 'received';
  readonly seq: number;
  readonly size: number;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
}

export type ProbeCommand =
  | { readonly type: 'send'; readonly seq: number; readonly size?: number; readonly to?: TransportAddress; readonly from?: TransportAddress }
  | {
      readonly type: 'stream';
      readonly count: number;
      readonly interval: Millis;
      readonly size: number;
      readonly to?: TransportAddress;
    };

/** A packet of `size` bytes (at least 4) whose first four bytes are `seq`. */
export function numbered(seq: number, size = 4): Uint8Array {
  const b = new Uint8Array(Math.max(4, size));
  new DataView(b.buffer).setUint32(0, seq);
  for (let i = 4; i < b.length; i++) b[i] = (seq + i) & 0xff;
  return b;
}

export function seqOf(data: Uint8Array): number {
  return data.length >= 4 ? new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0) : -1;
}

export class Probe implements Engine<Datagram | ProbeCommand, Transmit | Received> {
  private readonly out = new OutputQueue<Transmit | Received>();
  private stream: { next: Millis; left: number; seq: number; interval: Millis; size: number; to?: TransportAddress } | undefined;
  /** Reused output buffer, to check that the network copies what it is given. */
  private readonly scratch = new Uint8Array(65_536);

  handleInput(now: Millis, input: Datagram | ProbeCommand): void {
    switch (input.type) {
      case 'datagram':
        this.out.push({ type: 'received', seq: seqOf(input.data), size: input.data.length, from: input.from, to: input.to });
        return;
      case 'send':
        this.transmit(input.seq, input.size ?? 4, input.to, input.from);
        return;
      case 'stream':
        this.stream = { next: now, left: input.count, seq: 0, interval: input.interval, size: input.size, ...(input.to ? { to: input.to } : {}) };
        this.handleTimeout(now);
        return;
    }
  }

  handleTimeout(now: Millis): void {
    const s = this.stream;
    while (s !== undefined && s.left > 0 && s.next <= now) {
      this.transmit(s.seq++, s.size, s.to);
      s.left--;
      s.next += s.interval;
    }
  }

  /** Transmits come out in one reused buffer, valid until the next poll (as the contract allows). */
  pollOutput(): Transmit | Received | undefined {
    const o = this.out.shift();
    if (o === undefined || o.type !== 'transmit') return o;
    this.scratch.set(o.data);
    return { ...o, data: this.scratch.subarray(0, o.data.length) };
  }

  pollTimeout(): Millis | undefined {
    return this.stream !== undefined && this.stream.left > 0 ? this.stream.next : undefined;
  }

  private transmit(seq: number, size: number, to?: TransportAddress, from?: TransportAddress): void {
    this.out.push({ type: 'transmit', data: numbered(seq, size), ...(to ? { to } : {}), ...(from ? { from } : {}) });
  }
}

/** Sends every datagram back where it came from, from the address it arrived on. */
export class Echo implements Engine<Datagram, Transmit | { readonly type: 'echoed'; readonly seq: number }> {
  private readonly out = new OutputQueue<Transmit | { readonly type: 'echoed'; readonly seq: number }>();

  handleInput(_now: Millis, d: Datagram): void {
    this.out.push({ type: 'transmit', data: d.data, from: d.to, to: d.from });
    this.out.push({ type: 'echoed', seq: seqOf(d.data) });
  }

  handleTimeout(): void {}

  pollOutput(): Transmit | { readonly type: 'echoed'; readonly seq: number } | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    return undefined;
  }
}
