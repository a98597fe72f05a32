/**
 * Drives any sans-IO engine with real sockets and one timer (docs/architecture.md, "The
 * drain rule"): every datagram or command goes to `handleInput(now, ...)`, then the driver
 * drains `pollOutput` (transmits to the transport, events to `onEvent`) and arms a single
 * `setTimeout` from `pollTimeout`. Received datagrams are drained as a batch: each goes to
 * the engine at once, and one drain follows all those of the same event-loop turn (see
 * `receiveBatched`); commands and timeouts drain at once.
 *
 * Datagrams are classified by their first byte (RFC 7983, core `classifyPacket`); only the
 * kinds in `packetKinds` reach the engine (default STUN, DTLS and TURN ChannelData, what a
 * data channel stack speaks), the rest are counted and dropped.
 *
 * Nothing the network sends can crash the process: an engine that throws on a datagram or a
 * timeout (or an `onEvent` callback that throws) is counted, logged and reported to
 * `onError`; the driver keeps going. Errors from `input(command)` reach its caller.
 */

import {
  type Clock,
  Counters,
  type Datagram,
  type Engine,
  type EngineEvent,
  type Millis,
  type PacketKind,
  type Transmit,
  classifyPacket,
  logger,
  monotonicClock,
} from '../core/index.js';
import { MAX_REENTRANT_COMMANDS, MAX_TIMER_DELAY_MS } from './constants.js';
import { applyDebugEnv } from './env.js';
import type { DatagramTransport } from './transport.js';

applyDebugEnv();

const log = logger('sansrtc:node');

/** RFC 7983: the kinds WebRTC data channels use (ICE/STUN, DTLS, TURN ChannelData). */
export const DATA_CHANNEL_PACKET_KINDS: readonly PacketKind[] = ['stun', 'dtls', 'turn-channel'];

const TIMEOUT = 'timeout';
const FLUSH_ONLY = 'flush';

export type EngineDriverCounter =
  | 'dropped-unknown'
  | 'dropped-kind'
  | 'engine-error'
  | 'timer-fired'
  | 'timer-armed'
  | `rx-${PacketKind}`;

/** Counter names made once, so counting a packet builds no string. */
const RX_COUNTER: Readonly<Record<PacketKind, EngineDriverCounter>> = {
  stun: 'rx-stun',
  zrtp: 'rx-zrtp',
  dtls: 'rx-dtls',
  'turn-channel': 'rx-turn-channel',
  rtp: 'rx-rtp',
  unknown: 'rx-unknown',
};

export interface EngineDriverOptions<In, Ev extends EngineEvent> {
  readonly engine: Engine<Datagram | In, Transmit | Ev>;
  readonly transport: DatagramTransport;
  /** Receives every event the engine emits, in order. */
  readonly onEvent?: (event: Ev) => void;
  /** Receives errors thrown while handling a datagram or a timeout. */
  readonly onError?: (error: unknown) => void;
  /**
   * Which RFC 7983 kinds reach the engine, or 'any' to skip classification (for a socket
   * that carries one protocol only, such as mDNS on port 5353). 'unknown' is always dropped
   * when classifying.
   */
  readonly packetKinds?: readonly PacketKind[] | 'any';
  readonly clock?: Clock;
}

export class EngineDriver<In, Ev extends EngineEvent = EngineEvent> {
  readonly counters = new Counters<EngineDriverCounter>();
  readonly engine: Engine<Datagram | In, Transmit | Ev>;
  private readonly transport: DatagramTransport;
  private readonly onEvent: ((event: Ev) => void) | undefined;
  private readonly onError: ((error: unknown) => void) | undefined;
  private readonly kinds: readonly PacketKind[] | 'any';
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | undefined;
  private armedAt: Millis | undefined;
  private busy = false;
  /** A drain is scheduled for the end of this turn's received datagrams. */
  private flushPending = false;
  private readonly deferred: In[] = [];
  private closing: Promise<void> | undefined;

  constructor(options: EngineDriverOptions<In, Ev>) {
    this.engine = options.engine;
    this.transport = options.transport;
    this.onEvent = options.onEvent;
    this.onError = options.onError;
    this.kinds = options.packetKinds ?? DATA_CHANNEL_PACKET_KINDS;
    this.clock = options.clock ?? monotonicClock;
    this.transport.setReceiver(this.receive);
    // The engine may already hold outputs or a deadline from before it was driven.
    this.step(FLUSH_ONLY);
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Hands a command to the engine now, or, when called from inside `onEvent`, right after
   * the current drain. Ignored after `close()`.
   */
  input(command: In): void {
    if (this.closing) return;
    if (this.busy) {
      if (this.deferred.length >= MAX_REENTRANT_COMMANDS) {
        throw new RangeError(`more than ${MAX_REENTRANT_COMMANDS} commands queued from event callbacks`);
      }
      this.deferred.push(command);
      return;
    }
    this.busy = true;
    try {
      this.engine.handleInput(this.clock.now(), command);
    } finally {
      // Even when the engine refused the command, drain what it holds and re-arm.
      try {
        this.flush();
      } finally {
        this.busy = false;
      }
    }
  }

  /**
   * Runs `fn` with the current time, for engine methods that are not commands (such as a
   * PeerConnection's synchronous JSEP calls), then drains and re-arms as `input` does. From
   * inside `onEvent` it runs at once and the drain in progress picks up its outputs. After
   * `close()` it still runs `fn` but drains nothing.
   */
  call<T>(fn: (now: Millis) => T): T {
    return this.runCall(fn, true);
  }

  /**
   * Runs `fn` with the current time like `call`, but does not drain: the caller drains
   * soon after with `call` (any drain picks the outputs up). For sends: the W3C facade
   * queues every `channel.send()` of one task this way and drains once at the end of the
   * task, so small messages share packets and a large message's last fragment shares one
   * with the next message, instead of one drain (and one short datagram) per call.
   */
  callUndrained<T>(fn: (now: Millis) => T): T {
    return this.runCall(fn, false);
  }

  /** `call` and `callUndrained`: `fn` runs with the engine marked busy, then drains if asked. */
  private runCall<T>(fn: (now: Millis) => T, drain: boolean): T {
    if (this.busy || this.closing) return fn(this.clock.now());
    this.busy = true;
    try {
      return fn(this.clock.now());
    } finally {
      try {
        if (drain) this.flush();
      } finally {
        this.busy = false;
      }
    }
  }

  /** Stops the timer, detaches from the transport and closes it. Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      this.disarm();
      this.deferred.length = 0;
      this.transport.setReceiver(undefined);
      this.closing = this.transport.close();
    }
    return this.closing;
  }

  private readonly receive = (d: Datagram): void => {
    if (this.closing) return;
    if (this.kinds !== 'any') {
      const kind = classifyPacket(d.data);
      this.counters.inc(RX_COUNTER[kind]);
      if (kind === 'unknown') {
        this.counters.inc('dropped-unknown');
        log.debug(`dropped unclassifiable datagram (first byte ${d.data[0]})`);
        return;
      }
      if (!this.kinds.includes(kind)) {
        this.counters.inc('dropped-kind');
        return;
      }
    }
    this.receiveBatched(d);
  };

  /**
   * A received datagram goes to the engine at once; the drain waits for the end of this
   * event-loop turn's I/O (one `setImmediate`), so every datagram the sockets delivered in
   * the turn (libuv reads up to 32 per socket per poll) is handled before the engine's
   * outputs are pulled. Outputs are only delayed to the check phase of the same turn, and
   * the engine answers a burst at once: SCTP acknowledges it with one SACK instead of one
   * per two packets, and the layers are pumped and the timer re-armed once per burst.
   * A command, a timer or a throw drains at once, as before.
   */
  private receiveBatched(d: Datagram): void {
    if (this.busy) {
      this.run(d);
      return;
    }
    this.busy = true;
    try {
      this.engine.handleInput(this.clock.now(), d);
    } catch (e) {
      this.report(e);
      try {
        this.flush();
      } catch (again) {
        this.report(again);
      }
      return;
    } finally {
      this.busy = false;
    }
    if (!this.flushPending) {
      this.flushPending = true;
      setImmediate(this.flushAfterReceive);
    }
  }

  private readonly flushAfterReceive = (): void => {
    this.flushPending = false;
    if (this.closing) return;
    this.step(FLUSH_ONLY);
  };

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedAt = undefined;
    if (this.closing) return;
    this.counters.inc('timer-fired');
    this.step(TIMEOUT);
  };

  /**
   * Runs a network- or timer-driven step (a datagram, the timeout, or just a drain); a
   * throw is reported, never propagated. Takes a value, not a closure, so the per-packet
   * path allocates nothing here.
   */
  private step(what: Datagram | typeof TIMEOUT | typeof FLUSH_ONLY): void {
    if (this.busy) {
      // Only a transport that delivers synchronously from inside a send gets here: handle
      // the datagram now, inside the running drain.
      this.run(what);
      return;
    }
    this.busy = true;
    try {
      this.run(what);
    } catch (e) {
      this.report(e);
      // The engine may still hold outputs and a deadline; do not lose them.
      try {
        this.flush();
      } catch (again) {
        this.report(again);
      }
    } finally {
      this.busy = false;
    }
  }

  private run(what: Datagram | typeof TIMEOUT | typeof FLUSH_ONLY): void {
    if (what === TIMEOUT) this.engine.handleTimeout(this.clock.now());
    else if (what !== FLUSH_ONLY) this.engine.handleInput(this.clock.now(), what);
    this.flush();
  }

  private report(e: unknown): void {
    this.counters.inc('engine-error');
    log.error(`engine threw: ${(e as Error)?.message ?? String(e)}`);
    this.onError?.(e);
  }

  /** The drain rule: outputs until none, deferred commands, then one timer. */
  private flush(): void {
    for (;;) {
      for (let out = this.engine.pollOutput(); out !== undefined; out = this.engine.pollOutput()) {
        if (out.type === 'transmit') this.transport.send(out as Transmit);
        else this.dispatch(out as Ev);
      }
      const next = this.deferred.shift();
      if (next === undefined || this.closing) break;
      this.engine.handleInput(this.clock.now(), next);
    }
    if (!this.closing) this.rearm();
  }

  private dispatch(ev: Ev): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(ev);
    } catch (e) {
      this.report(e);
    }
  }

  /**
   * One timer for the engine's earliest deadline. A later deadline keeps the armed timer
   * (firing early is harmless: the engine acts on what is due and we re-arm), so a busy
   * data path does not clear and set a timer per packet.
   */
  private rearm(): void {
    const at = this.engine.pollTimeout();
    if (at === undefined) {
      this.disarm();
      return;
    }
    if (this.timer && this.armedAt !== undefined && this.armedAt <= at) return;
    this.disarm();
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, Math.ceil(at - this.clock.now())));
    this.armedAt = at;
    this.timer = setTimeout(this.fire, delay);
    this.counters.inc('timer-armed');
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = undefined;
  }
}
