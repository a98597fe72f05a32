/**
 * The agent's outstanding STUN requests: connectivity checks (RFC 8445 7.2.4), consent
 * checks (RFC 7675 5.1) and server-reflexive gathering requests (RFC 8445 5.1.1.2), each
 * retransmitted with a doubling RTO (RFC 8489 6.2.1) up to a cap and a transmission count.
 */

import { transactionKey } from '../stun/index.js';
import { lateDeadline, type TransportAddress } from '../core/index.js';
import type { CandidatePair, LocalCandidate } from './checklist.js';

export type TxnKind = 'check' | 'consent' | 'gather';

export interface Txn {
  readonly key: string;
  readonly kind: TxnKind;
  readonly data: Uint8Array;
  /** The local candidate the request left from (a host candidate for gathering). */
  readonly local: LocalCandidate;
  readonly to: TransportAddress;
  /** The pair checked (checks and consent). */
  readonly pair: CandidatePair | undefined;
  /** Whether the request claimed the controlling role (RFC 8445 7.2.5.1 needs this). */
  readonly controlling: boolean;
  readonly useCandidate: boolean;
  readonly firstSentAt: number;
  sends: number;
  readonly maxSends: number;
  /**
   * RFC 8445 7.3.1.4: superseded by a triggered check. No more retransmissions and no
   * failure on timeout, but a response that still comes is processed.
   */
  superseded: boolean;
  rto: number;
  readonly maxRto: number;
  deadline: number;
  /** The current deadline already waited once for being late (core lateDeadline). */
  deferred: boolean;
}

export interface TxnSpec {
  transactionId: Uint8Array;
  kind: TxnKind;
  data: Uint8Array;
  local: LocalCandidate;
  to: TransportAddress;
  pair?: CandidatePair;
  controlling?: boolean;
  useCandidate?: boolean;
  rto: number;
  maxRto: number;
  maxSends: number;
  /** Start later (the first transmission is then made by `due`), for pacing a burst. */
  delay?: number;
}

export class Transactions {
  private readonly byKey = new Map<string, Txn>();

  /**
   * Registers a request. Without `delay` the caller sends it now (the first transmission);
   * with one, `due` sends it when the delay is up.
   */
  open(spec: TxnSpec, now: number): Txn {
    const delay = spec.delay ?? 0;
    const t: Txn = {
      key: transactionKey(spec.transactionId),
      kind: spec.kind,
      data: spec.data,
      local: spec.local,
      to: spec.to,
      pair: spec.pair,
      controlling: spec.controlling ?? false,
      useCandidate: spec.useCandidate ?? false,
      firstSentAt: now + delay,
      sends: delay > 0 ? 0 : 1,
      maxSends: spec.maxSends,
      superseded: false,
      rto: spec.rto,
      maxRto: spec.maxRto,
      deadline: now + (delay > 0 ? delay : spec.rto),
      deferred: false,
    };
    this.byKey.set(t.key, t);
    return t;
  }

  /** The transaction a response answers, if any (it stays open until `close`). */
  find(transactionId: Uint8Array): Txn | undefined {
    return this.byKey.get(transactionKey(transactionId));
  }

  close(t: Txn): void {
    this.byKey.delete(t.key);
  }

  /**
   * Calls `retransmit` for each transaction due another transmission and `expire` for each
   * whose last wait ran out (it is removed first). RFC 8489 6.2.1: the RTO doubles.
   */
  due(now: number, retransmit: (t: Txn) => void, expire: (t: Txn) => void): void {
    for (const t of this.byKey.values()) {
      if (t.deadline > now) continue;
      // A late timer (the process is behind): a response may be unread; look once more after reading.
      const later = t.sends > 0 ? lateDeadline(now, t.deadline, t.deferred) : undefined;
      if (later !== undefined) {
        t.deferred = true;
        t.deadline = later;
        continue;
      }
      t.deferred = false;
      if (t.sends >= t.maxSends) {
        this.byKey.delete(t.key);
        if (!t.superseded) expire(t);
        continue;
      }
      // A superseded check keeps its schedule (so a late response still counts) but is silent.
      t.sends++;
      if (t.sends > 1) t.rto = Math.min(t.rto * 2, t.maxRto);
      t.deadline = now + t.rto;
      if (!t.superseded) retransmit(t);
    }
  }

  earliest(): number | undefined {
    if (this.byKey.size === 0) return undefined;
    let d: number | undefined;
    for (const t of this.byKey.values()) if (d === undefined || t.deadline < d) d = t.deadline;
    return d;
  }

  /** Marks the connectivity checks of `pair`'s in flight as superseded (see Txn.superseded). */
  supersede(pair: CandidatePair): void {
    for (const t of this.byKey.values()) if (t.pair === pair && t.kind === 'check') t.superseded = true;
  }

  /** Drops the transactions matching `pred` (no response will count for them). */
  cancel(pred: (t: Txn) => boolean): void {
    for (const t of this.byKey.values()) if (pred(t)) this.byKey.delete(t.key);
  }

  clear(): void {
    this.byKey.clear();
  }

  /** Whether a transaction matching `pred` is outstanding. */
  some(pred: (t: Txn) => boolean): boolean {
    for (const t of this.byKey.values()) if (pred(t)) return true;
    return false;
  }
}
