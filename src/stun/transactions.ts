/**
 * STUN client transactions over an unreliable transport (RFC 8489 6.2.1), sans-IO.
 *
 * A `start` command hands over an encoded request. The engine transmits it at once, then
 * again after RTO, 2*RTO, 4*RTO ... until Rc transmissions have gone out; if no response
 * arrives within Rm*RTO of the last one the transaction times out. With the defaults
 * (RTO 500 ms, Rc 7, Rm 16) requests go out at 0, 500, 1500, 3500, 7500, 15500 and 31500 ms
 * and the timeout fires at 39500 ms, as in RFC 8489 6.2.1.
 *
 * Responses (decoded messages, or raw datagrams the engine decodes) are matched by
 * transaction id and method; each open transaction ends with exactly one
 * `transaction-response` or `transaction-timeout` event, unless cancelled.
 */

import {
  Counters,
  OutputQueue,
  logger,
  type Datagram,
  type Engine,
  type Millis,
  type Transmit,
  type TransportAddress,
} from '../core/index.js';
import { DEFAULT_MAX_TRANSACTIONS, DEFAULT_RC, DEFAULT_RM, DEFAULT_RTO, HEADER_SIZE } from './constants.js';
import { decodeStun } from './decode.js';
import { classOf, isStunMessage, methodOf, transactionKey } from './header.js';
import { verifyIntegrity } from './integrity.js';
import { StunClass, type DecodedStun } from './types.js';

const log = logger('sansrtc:stun');

export interface StunTransactionsOptions {
  /** Initial retransmission timeout in ms (RFC 8489 6.2.1; default 500). */
  rto?: Millis;
  /** Transmissions per request (default 7). */
  rc?: number;
  /** Final wait, in multiples of the initial RTO (default 16). */
  rm?: number;
  /**
   * Cap on the doubled retransmission interval (default none, as RFC 8489 6.2.1). ICE
   * stacks commonly cap it so that checks keep probing during a long transaction.
   */
  maxRto?: Millis;
  /** Most transactions open at once (default 1024); more are refused. */
  maxTransactions?: number;
}

/** Starts a transaction. The transaction id inside `data` (bytes 8..20) names it. */
export interface StartTransaction {
  readonly type: 'start';
  /** An encoded STUN request. Retransmissions send this same array: do not modify it. */
  readonly data: Uint8Array;
  readonly to: TransportAddress;
  readonly from?: TransportAddress;
  /** Per-transaction overrides (ICE computes its own RTO, RFC 8445 14.3). */
  readonly rto?: Millis;
  readonly rc?: number;
  readonly rm?: number;
  readonly maxRto?: Millis;
  /**
   * The key the response must be signed with (RFC 8489 9.1.4, 9.2.5). When set, a response
   * whose MESSAGE-INTEGRITY(-SHA256) does not verify, or a success response without one, is
   * discarded and retransmissions continue. Error responses without integrity (a server
   * that could not authenticate the request cannot sign, e.g. 400, 401, 438) are delivered
   * with `authenticated: false`.
   */
  readonly integrityKey?: Uint8Array;
}

/** Ends a transaction without an event. Unknown ids are ignored. */
export interface CancelTransaction {
  readonly type: 'cancel';
  readonly id: string;
}

/** A STUN message the caller already decoded (an ICE agent decodes everything it receives). */
export interface ReceivedStun {
  readonly type: 'stun';
  readonly message: DecodedStun;
  readonly from: TransportAddress;
}

export type StunTransactionsInput = StartTransaction | CancelTransaction | ReceivedStun | Datagram;

export interface TransactionResponse {
  readonly type: 'transaction-response';
  readonly id: string;
  /** A success or error response; check `message.unknownRequired` (RFC 8489 6.3.3, 6.3.4). */
  readonly message: DecodedStun;
  readonly from: TransportAddress;
  /** Whether the response verified with the transaction's `integrityKey`. */
  readonly authenticated: boolean;
}

export interface TransactionTimeout {
  readonly type: 'transaction-timeout';
  readonly id: string;
}

export type TransactionRefusal = 'too-many' | 'duplicate' | 'invalid';

/** A `start` that was not accepted; no transmit went out. */
export interface TransactionRefused {
  readonly type: 'transaction-refused';
  readonly id: string;
  readonly reason: TransactionRefusal;
}

export type StunTransactionEvent = TransactionResponse | TransactionTimeout | TransactionRefused;

export type StunTransactionCounter =
  | 'decode-error'
  | 'not-a-response'
  | 'unknown-transaction'
  | 'method-mismatch'
  | 'integrity-failed'
  | 'unauthenticated-success'
  | 'refused'
  | 'retransmit'
  | 'timeout';

interface OpenTransaction {
  readonly id: string;
  readonly method: number;
  /** The one Transmit object, emitted again for each retransmission. */
  readonly transmit: Transmit;
  readonly rto: Millis;
  readonly rc: number;
  readonly rm: number;
  readonly maxRto: Millis;
  readonly key: Uint8Array | undefined;
  sends: number;
  interval: Millis;
  deadline: Millis;
}

function validTiming(rto: number, rc: number, rm: number, maxRto: number): boolean {
  return (
    rto > 0 && Number.isFinite(rto) && Number.isInteger(rc) && rc >= 1 && rm > 0 && Number.isFinite(rm) && maxRto >= rto
  );
}

export class StunTransactions implements Engine<StunTransactionsInput, Transmit | StunTransactionEvent> {
  readonly counters = new Counters<StunTransactionCounter>();
  private readonly rto: Millis;
  private readonly rc: number;
  private readonly rm: number;
  private readonly maxRto: Millis;
  private readonly maxTransactions: number;
  private readonly open = new Map<string, OpenTransaction>();
  private readonly out = new OutputQueue<Transmit | StunTransactionEvent>();
  /** Cached earliest deadline; undefined with `dirty` false means none. */
  private nextDeadline: Millis | undefined;
  private dirty = false;

  constructor(options: StunTransactionsOptions = {}) {
    this.rto = options.rto ?? DEFAULT_RTO;
    this.rc = options.rc ?? DEFAULT_RC;
    this.rm = options.rm ?? DEFAULT_RM;
    this.maxRto = options.maxRto ?? Infinity;
    this.maxTransactions = options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS;
    if (!validTiming(this.rto, this.rc, this.rm, this.maxRto) || !(this.maxTransactions >= 1)) {
      throw new RangeError('StunTransactions: rto, rm > 0, maxRto >= rto, rc and maxTransactions >= 1 required');
    }
  }

  /** Number of open transactions. */
  get size(): number {
    return this.open.size;
  }

  has(id: string): boolean {
    return this.open.has(id);
  }

  handleInput(now: Millis, input: StunTransactionsInput): void {
    switch (input.type) {
      case 'start':
        this.start(now, input);
        return;
      case 'cancel':
        if (this.open.delete(input.id)) this.dirty = true;
        return;
      case 'stun':
        this.receive(input.message, input.from);
        return;
      case 'datagram': {
        const r = decodeStun(input.data);
        if (!r.ok) {
          this.counters.inc('decode-error');
          log.debug('dropped undecodable datagram', r.error);
          return;
        }
        this.receive(r.value, input.from);
        return;
      }
    }
  }

  handleTimeout(now: Millis): void {
    if (!this.dirty && (this.nextDeadline === undefined || now < this.nextDeadline)) return;
    for (const tx of this.open.values()) {
      if (tx.deadline > now) continue;
      if (tx.sends >= tx.rc) {
        this.open.delete(tx.id);
        this.counters.inc('timeout');
        this.out.push({ type: 'transaction-timeout', id: tx.id });
        continue;
      }
      // RFC 8489 6.2.1: retransmit, doubling the interval; after the Rc-th, wait Rm*RTO.
      this.out.push(tx.transmit);
      this.counters.inc('retransmit');
      tx.sends++;
      if (tx.sends < tx.rc) {
        tx.interval = Math.min(tx.interval * 2, tx.maxRto);
        tx.deadline = now + tx.interval;
      } else {
        tx.deadline = now + tx.rm * tx.rto;
      }
    }
    this.dirty = true;
  }

  pollOutput(): Transmit | StunTransactionEvent | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this.dirty) {
      let next: Millis | undefined;
      for (const tx of this.open.values()) if (next === undefined || tx.deadline < next) next = tx.deadline;
      this.nextDeadline = next;
      this.dirty = false;
    }
    return this.nextDeadline;
  }

  private refuse(id: string, reason: TransactionRefusal): void {
    this.counters.inc('refused');
    log.debug(`refused transaction ${id}: ${reason}`);
    this.out.push({ type: 'transaction-refused', id, reason });
  }

  private start(now: Millis, cmd: StartTransaction): void {
    const { data } = cmd;
    const id = data.length >= HEADER_SIZE ? transactionKey(data.subarray(8, HEADER_SIZE)) : '';
    const rto = cmd.rto ?? this.rto;
    const rc = cmd.rc ?? this.rc;
    const rm = cmd.rm ?? this.rm;
    const maxRto = cmd.maxRto ?? this.maxRto;
    const type = data.length >= 2 ? (data[0]! << 8) | data[1]! : 0;
    if (!isStunMessage(data) || classOf(type) !== StunClass.Request || !validTiming(rto, rc, rm, maxRto)) {
      this.refuse(id, 'invalid');
      return;
    }
    if (this.open.has(id)) {
      this.refuse(id, 'duplicate');
      return;
    }
    if (this.open.size >= this.maxTransactions) {
      this.refuse(id, 'too-many');
      return;
    }
    const transmit: Transmit = { type: 'transmit', data, to: cmd.to, from: cmd.from };
    this.open.set(id, {
      id,
      method: methodOf(type),
      transmit,
      rto,
      rc,
      rm,
      maxRto,
      key: cmd.integrityKey,
      sends: 1,
      interval: rto,
      deadline: now + (rc > 1 ? rto : rm * rto),
    });
    this.dirty = true;
    this.out.push(transmit);
  }

  private receive(message: DecodedStun, from: TransportAddress): void {
    if (message.cls !== StunClass.Success && message.cls !== StunClass.Error) {
      this.counters.inc('not-a-response');
      return;
    }
    const id = transactionKey(message.transactionId);
    const tx = this.open.get(id);
    if (!tx) {
      this.counters.inc('unknown-transaction');
      log.debug(`response to unknown transaction ${id}`);
      return;
    }
    if (message.method !== tx.method) {
      this.counters.inc('method-mismatch');
      log.debug(`response method ${message.method} to a method ${tx.method} request ${id}`);
      return;
    }
    let authenticated = false;
    if (tx.key) {
      if (message.integrityAt !== undefined || message.integritySha256At !== undefined) {
        // RFC 8489 9.1.4, 9.2.5: a response that fails the check is discarded as if never
        // received, so retransmissions continue.
        if (!verifyIntegrity(message, tx.key)) {
          this.counters.inc('integrity-failed');
          log.debug(`response to ${id} failed integrity`);
          return;
        }
        authenticated = true;
      } else if (message.cls === StunClass.Success) {
        this.counters.inc('unauthenticated-success');
        log.debug(`success response to ${id} without integrity`);
        return;
      }
    }
    this.open.delete(id);
    this.dirty = true;
    this.out.push({ type: 'transaction-response', id, message, from, authenticated });
  }
}
