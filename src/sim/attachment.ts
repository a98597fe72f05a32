/**
 * What the simulator keeps per attached engine, and the handle `attach` returns.
 */

import type { TransportAddress } from '../core/address.js';
import { Counters } from '../core/counters.js';
import type { Engine, Transmit } from '../core/engine.js';
import { BoundedQueue } from '../core/queue.js';
import type { Millis } from '../core/time.js';
import type { Network } from './network.js';
import type { Socket } from './topology.js';
import type { RecordedEvent } from './types.js';

export type EventOut = { readonly type: string };
export type AnyEngine = Engine<unknown, EventOut>;

export type EngineCounter = 'events-discarded' | 'transmit-unbound-source' | 'transmit-no-destination' | 'timer-in-past';

/** @internal */
export class EngineRecord {
  readonly engine: AnyEngine;
  readonly sockets: Socket[] = [];
  readonly events: BoundedQueue<RecordedEvent<EventOut>>;
  /** The array events() last returned, while no event has been added since. */
  snapshot: RecordedEvent<EventOut>[] | undefined;
  readonly counters = new Counters<EngineCounter>();
  onEvent: ((event: EventOut, time: Millis) => void) | undefined;
  /** runUntilEvent's matcher while it runs. */
  watch: ((entry: RecordedEvent<EventOut>) => void) | undefined;
  attached = true;
  /** Generation of the pending timer entry; stale entries are skipped. */
  timerGen = 0;
  deadline: Millis | undefined;
  lastWake = -1;
  wakesAtSameTime = 0;

  constructor(engine: AnyEngine, eventLimit: number) {
    this.engine = engine;
    this.events = new BoundedQueue(eventLimit);
  }
}

/** What attach returns: the sockets it bound, and a view of the engine's events. */
export class Attachment<Ev> {
  readonly engine: object;
  readonly sockets: readonly Socket[];
  private readonly net: Network;

  /** @internal */
  constructor(net: Network, engine: object, sockets: readonly Socket[]) {
    this.net = net;
    this.engine = engine;
    this.sockets = sockets;
  }

  /** The first bound address (for a wildcard binding, on the host's first address). */
  get address(): TransportAddress {
    return this.sockets[0]!.locals[0]!;
  }

  /** Every address this attach bound, wildcards expanded over the host's addresses. */
  get addresses(): TransportAddress[] {
    return this.sockets.flatMap((s) => s.locals);
  }

  events(): RecordedEvent<Ev>[] {
    return this.net.events(this.engine as Engine<never, Transmit>) as RecordedEvent<Ev>[];
  }

  /** Unbinds every socket of the engine and cancels its timer (a crashed process). */
  detach(): void {
    this.net.detach(this.engine);
  }
}
