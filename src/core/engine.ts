/**
 * The sans-IO contract every protocol engine follows (see docs/architecture.md).
 *
 *   engine.handleInput(now, input)  a received datagram, or a user command
 *   engine.handleTimeout(now)       the clock reached the deadline the engine asked for
 *   engine.pollOutput()             next Transmit or event, undefined when drained
 *   engine.pollTimeout()            the next deadline (monotonic ms), undefined for none
 *
 * Drain rule: after every handleInput or handleTimeout, call pollOutput until it returns
 * undefined, then read pollTimeout and arm one timer for it. Engines do no I/O, read no
 * clock, start no timers, use no global randomness and call no callbacks.
 */

import type { TransportAddress } from './address.js';
import type { Millis } from './time.js';

/** A datagram for the caller to send. Inner layers (DTLS, SCTP) leave the addresses out. */
export interface Transmit {
  readonly type: 'transmit';
  readonly data: Uint8Array;
  /** The local address to send from (ICE picks the socket). */
  readonly from?: TransportAddress;
  readonly to?: TransportAddress;
}

/** A datagram that arrived, as input to an engine. */
export interface Datagram {
  readonly type: 'datagram';
  readonly data: Uint8Array;
  readonly from: TransportAddress;
  /** The local address it arrived on. */
  readonly to: TransportAddress;
}

/** Every engine event carries a string discriminator. */
export interface EngineEvent {
  readonly type: string;
}

export interface Engine<In, Out extends { readonly type: string }> {
  handleInput(now: Millis, input: In): void;
  handleTimeout(now: Millis): void;
  pollOutput(): Out | undefined;
  pollTimeout(): Millis | undefined;
}

/** An engine whose inputs include datagrams and whose outputs include transmits. */
export type NetworkEngine<In = Datagram, Ev extends EngineEvent = EngineEvent> = Engine<
  Datagram | In,
  Transmit | Ev
>;

/** Calls pollOutput until it is empty and returns everything it gave. For tests and glue. */
export function drain<Out>(engine: { pollOutput(): Out | undefined }): Out[] {
  const out: Out[] = [];
  for (let o = engine.pollOutput(); o !== undefined; o = engine.pollOutput()) out.push(o);
  return out;
}

/** A FIFO of outputs, the usual backing store for pollOutput. */
export class OutputQueue<Out> {
  private items: Out[] = [];
  private head = 0;

  push(o: Out): void {
    this.items.push(o);
  }

  shift(): Out | undefined {
    if (this.head >= this.items.length) return undefined;
    const o = this.items[this.head++];
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return o;
  }

  get length(): number {
    return this.items.length - this.head;
  }
}
