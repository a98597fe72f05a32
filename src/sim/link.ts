/**
 * Link model: one direction of a link decides, for each packet, whether it is dropped and
 * when it (and possibly a duplicate) arrives at the far end.
 *
 * Order of effects for a packet entering at `now`:
 *   1. link down                  -> drop `link-down`
 *   2. wire size > MTU            -> drop `mtu`
 *   3. bandwidth cap: FIFO drop-tail queue of `queue` bytes in front of a transmitter of
 *      `bandwidth` bytes/s; the packet leaves after its serialization (size / bandwidth)
 *      -> drop `queue-full` when the backlog plus the packet exceeds the queue
 *   4. loss on the wire (Bernoulli, or Gilbert-Elliott bursts) -> drop `loss`; or, with
 *      probability `corrupt`, one payload bit flipped
 *   5. propagation: `delay` plus uniform jitter in [-jitter, +jitter] (never negative). The
 *      link stays FIFO despite jitter; only `reorder` reorders: such a packet is held back
 *      `reorderDelay` extra and later packets may overtake it.
 *   6. duplication: with probability `duplicate` a copy arrives too (its own jitter).
 *
 * Sizes are wire sizes: the UDP payload plus IP and UDP headers (see constants.ts).
 */

import { Counters } from '../core/counters.js';
import { randomFloat, randomInt, type Random } from '../core/random.js';
import type { Millis } from '../core/time.js';
import { DEFAULT_MTU, DEFAULT_QUEUE_BYTES, DEFAULT_REORDER_DELAY } from './constants.js';

/** Gilbert-Elliott two-state burst loss: per packet, move good->bad with `p`, bad->good with `r`. */
export interface GilbertElliott {
  readonly p: number;
  readonly r: number;
  /** Loss probability in the good state (default 0). */
  readonly lossGood?: number;
  /** Loss probability in the bad state (default 1). */
  readonly lossBad?: number;
}

export interface LinkParams {
  /** One-way propagation delay, ms. */
  readonly delay: Millis;
  /** Uniform jitter amplitude, ms: each packet's delay varies by up to +-jitter. */
  readonly jitter: Millis;
  /** Loss probability in [0, 1], or a burst loss model. */
  readonly loss: number | GilbertElliott;
  /** Probability that a packet is duplicated. */
  readonly duplicate: number;
  /**
   * Probability that one random bit of the payload is flipped on the way: damage the UDP
   * checksum missed, or a broken middlebox (real stacks drop most corrupted datagrams), for
   * exercising integrity checks (DTLS MACs, SCTP CRC32c, STUN FINGERPRINT).
   */
  readonly corrupt: number;
  /** Probability that a packet is held back `reorderDelay` extra. */
  readonly reorder: number;
  readonly reorderDelay: Millis;
  /** Largest wire packet (payload + IP/UDP headers) the link carries. */
  readonly mtu: number;
  /** Transmitter rate in bytes/s; Infinity for no cap. */
  readonly bandwidth: number;
  /** Drop-tail queue size in bytes in front of the transmitter (only with a bandwidth cap). */
  readonly queue: number;
}

/** Why the network dropped a packet (the order is part of the trace hash encoding). */
export const DROP_REASONS = [
  'link-down',
  'mtu',
  'queue-full',
  'loss',
  'no-route',
  'port-unreachable',
  'family-mismatch',
  'ttl-exceeded',
  'nat-no-mapping',
  'nat-filtered',
  'nat-ports-exhausted',
  'nat-hairpin',
  'intercepted',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export type LinkCounter =
  | 'packets'
  | 'bytes'
  | 'arrived'
  | 'duplicated'
  | 'reordered'
  | 'corrupted'
  | `dropped:${DropReason}`;

export const DEFAULT_LINK_PARAMS: LinkParams = {
  delay: 0,
  jitter: 0,
  loss: 0,
  duplicate: 0,
  corrupt: 0,
  reorder: 0,
  reorderDelay: DEFAULT_REORDER_DELAY,
  mtu: DEFAULT_MTU,
  bandwidth: Infinity,
  queue: DEFAULT_QUEUE_BYTES,
};

function checkProbability(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`link ${name} must be a probability in [0, 1], got ${v}`);
}

function checkNonNegative(name: string, v: number): void {
  if (!(v >= 0)) throw new RangeError(`link ${name} must be >= 0, got ${v}`);
}

function checkTime(name: string, v: number): void {
  if (!(v >= 0 && v < Infinity)) throw new RangeError(`link ${name} must be a finite number of ms >= 0, got ${v}`);
}

/** Merges and validates link parameters; throws RangeError on nonsense. */
export function resolveLinkParams(base: LinkParams, patch: Partial<LinkParams>): LinkParams {
  const p: LinkParams = { ...base, ...stripUndefined(patch) };
  checkTime('delay', p.delay);
  checkTime('jitter', p.jitter);
  checkTime('reorderDelay', p.reorderDelay);
  checkProbability('duplicate', p.duplicate);
  checkProbability('corrupt', p.corrupt);
  checkProbability('reorder', p.reorder);
  if (typeof p.loss === 'number') checkProbability('loss', p.loss);
  else {
    checkProbability('loss.p', p.loss.p);
    checkProbability('loss.r', p.loss.r);
    checkProbability('loss.lossGood', p.loss.lossGood ?? 0);
    checkProbability('loss.lossBad', p.loss.lossBad ?? 1);
  }
  if (!(p.mtu >= 1)) throw new RangeError(`link mtu must be >= 1, got ${p.mtu}`);
  if (!(p.bandwidth > 0)) throw new RangeError(`link bandwidth must be > 0 bytes/s, got ${p.bandwidth}`);
  checkNonNegative('queue', p.queue);
  return p;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** One direction of a link. */
export class LinkDirection {
  params: LinkParams;
  readonly counters = new Counters<LinkCounter>();
  /** Bumped when the link is cut: packets in flight from an older epoch are lost. */
  epoch = 0;
  /** Arrival time of the last packet `transmit` admitted (valid when it returned undefined). */
  arrival: Millis = 0;
  /** Arrival time of its duplicate, or NaN when it was not duplicated. */
  duplicateArrival: Millis = NaN;
  /** The payload bit to flip in that packet (and its duplicate), or -1. */
  corruptBit = -1;

  private readonly rng: Random;
  private busyUntil: Millis = 0;
  private lastArrival: Millis = 0;
  private burstBad = false;

  constructor(params: LinkParams, rng: Random) {
    this.params = params;
    this.rng = rng;
  }

  update(patch: Partial<LinkParams>): void {
    this.params = resolveLinkParams(this.params, patch);
  }

  /** Loses everything in flight and queued (the link was cut). */
  flush(): void {
    this.epoch++;
    this.busyUntil = 0;
    this.lastArrival = 0;
  }

  /** Bytes waiting in the queue or being serialized at `now`. */
  backlog(now: Millis): number {
    const p = this.params;
    if (p.bandwidth === Infinity || this.busyUntil <= now) return 0;
    return ((this.busyUntil - now) * p.bandwidth) / 1000;
  }

  /**
   * Decides the fate of a packet of `payloadSize` bytes (`wireSize` with headers) entering at
   * `now` on a link that is `up`. Returns the drop reason, or undefined with `arrival`,
   * `duplicateArrival` and `corruptBit` set.
   */
  transmit(now: Millis, payloadSize: number, wireSize: number, up: boolean): DropReason | undefined {
    const p = this.params;
    const c = this.counters;
    c.inc('packets');
    c.inc('bytes', wireSize);
    if (!up) return this.drop('link-down');
    if (wireSize > p.mtu) return this.drop('mtu');
    let depart = now;
    if (p.bandwidth !== Infinity) {
      if (this.backlog(now) + wireSize > p.queue) return this.drop('queue-full');
      const start = this.busyUntil > now ? this.busyUntil : now;
      this.busyUntil = start + (wireSize * 1000) / p.bandwidth;
      depart = this.busyUntil;
    }
    if (this.lost()) return this.drop('loss');
    if (p.corrupt > 0 && payloadSize > 0 && randomFloat(this.rng) < p.corrupt) {
      c.inc('corrupted');
      this.corruptBit = randomInt(this.rng, 0, payloadSize * 8 - 1);
    } else {
      this.corruptBit = -1;
    }
    const reorder = p.reorder > 0 && randomFloat(this.rng) < p.reorder;
    if (reorder) {
      c.inc('reordered');
      this.arrival = this.propagate(depart) + p.reorderDelay;
    } else {
      this.arrival = this.fifo(this.propagate(depart));
    }
    if (p.duplicate > 0 && randomFloat(this.rng) < p.duplicate) {
      c.inc('duplicated');
      this.duplicateArrival = this.fifo(this.propagate(depart));
    } else {
      this.duplicateArrival = NaN;
    }
    return undefined;
  }

  private drop(reason: DropReason): DropReason {
    this.counters.inc(`dropped:${reason}`);
    return reason;
  }

  private lost(): boolean {
    const loss = this.params.loss;
    if (typeof loss === 'number') return loss > 0 && randomFloat(this.rng) < loss;
    // Gilbert-Elliott: state transition first, then loss with the new state's probability.
    const t = randomFloat(this.rng);
    this.burstBad = this.burstBad ? t >= loss.r : t < loss.p;
    const pl = this.burstBad ? (loss.lossBad ?? 1) : (loss.lossGood ?? 0);
    return pl > 0 && randomFloat(this.rng) < pl;
  }

  private propagate(depart: Millis): Millis {
    const p = this.params;
    let d = p.delay;
    if (p.jitter > 0) d += (randomFloat(this.rng) * 2 - 1) * p.jitter;
    return depart + (d > 0 ? d : 0);
  }

  private fifo(arrival: Millis): Millis {
    if (arrival < this.lastArrival) arrival = this.lastArrival;
    this.lastArrival = arrival;
    return arrival;
  }

  /** Marks that a packet made it across (for the counters). */
  arrived(): void {
    this.counters.inc('arrived');
  }
}
