/**
 * One ICE generation's check list (RFC 8445 6.1.2): the remote candidates, the candidate
 * pairs in priority order with their states, and the triggered-check queue. An ICE restart
 * (RFC 8445 9) starts a new CheckList with new credentials; the agent keeps the old one
 * alive only while its selected pair still carries data.
 */

import { addressKey } from '../core/index.js';
import type { TransportAddress } from '../core/index.js';
import type { Candidate } from '../sdp/index.js';
import { shortTermKey } from '../stun/index.js';
import { MAX_PAIRS, MAX_REMOTE_CANDIDATES, MAX_TRIGGERED } from './constants.js';
import { pairPriority } from './priority.js';
import type { IceCredentials, PairState } from './types.js';

/** A local candidate we pair from: a host candidate (its socket) or a relayed one. */
export interface LocalCandidate {
  readonly candidate: Candidate;
  /** The socket datagrams leave from (RFC 8445 5.1.1.1 base). */
  readonly base: TransportAddress;
  /** The candidate's own address (the relayed address for relay candidates). */
  readonly address: TransportAddress;
  /** Unique among local candidates: kind plus address. */
  readonly key: string;
  /** RFC 8445 5.1.2.1 local preference, reused for the PRIORITY attribute of checks. */
  readonly preference: number;
  /** Index of the relay this candidate goes through, or -1 for host candidates. */
  readonly relay: number;
}

export interface RemoteCandidate {
  candidate: Candidate;
  readonly address: TransportAddress;
  readonly key: string;
}

export interface CandidatePair {
  readonly local: LocalCandidate;
  remote: RemoteCandidate;
  readonly key: string;
  readonly checkList: CheckList;
  foundation: string;
  priority: bigint;
  state: PairState;
  /** RFC 8445 8.1.1 / 7.3.1.5: nominated and usable. */
  nominated: boolean;
  /** RFC 8445 7.3.1.5: the peer sent USE-CANDIDATE before our own check succeeded. */
  nominateOnSuccess: boolean;
  /**
   * Round-trip time in ms of the last check or consent request answered with success after a
   * single transmission (a retransmitted one is ambiguous, RFC 6298 3), if any.
   */
  rtt: number | undefined;
}

export function pairKey(local: LocalCandidate, remoteKey: string): string {
  return `${local.key}|${remoteKey}`;
}

export type AddPairResult = CandidatePair | 'exists' | 'full';

export class CheckList {
  readonly local: IceCredentials;
  readonly localKey: Uint8Array;
  remote: IceCredentials | undefined;
  remoteKey: Uint8Array | undefined;
  readonly remotes = new Map<string, RemoteCandidate>();
  /** Highest priority first. */
  pairs: CandidatePair[] = [];
  private readonly byKey = new Map<string, CandidatePair>();
  private triggered: CandidatePair[] = [];
  /** RFC 8838 8: the peer sent end-of-candidates for this generation. */
  remoteEndOfCandidates = false;
  /** RFC 8445 8.1.2: a pair was nominated; ordinary checks stop. */
  completed = false;
  /** When the first pair became valid (starts the nomination timer, RFC 8445 8.1.1). */
  firstValidAt: number | undefined;
  /** The pair the controlling agent is nominating (a USE-CANDIDATE check is out). */
  nominating: CandidatePair | undefined;
  /** Last time a pair was added or changed state (for failing without end-of-candidates). */
  lastActivityAt = 0;
  /** Last authenticated request or response from the peer in this generation. */
  lastHeardAt = 0;

  constructor(local: IceCredentials) {
    this.local = local;
    this.localKey = shortTermKey(local.pwd);
  }

  setRemoteCredentials(remote: IceCredentials): void {
    this.remote = remote;
    this.remoteKey = shortTermKey(remote.pwd);
  }

  remoteAt(address: TransportAddress): RemoteCandidate | undefined {
    return this.remotes.get(addressKey(address));
  }

  /** Adds a remote candidate; undefined when the bound is reached. */
  addRemote(candidate: Candidate, address: TransportAddress): RemoteCandidate | undefined {
    if (this.remotes.size >= MAX_REMOTE_CANDIDATES) return undefined;
    const r: RemoteCandidate = { candidate, address, key: addressKey(address) };
    this.remotes.set(r.key, r);
    return r;
  }

  get(local: LocalCandidate, remote: RemoteCandidate): CandidatePair | undefined {
    return this.byKey.get(pairKey(local, remote.key));
  }

  getByKey(key: string): CandidatePair | undefined {
    return this.byKey.get(key);
  }

  /**
   * RFC 8445 6.1.2.2-6.1.2.6: forms a pair. Its initial state is Waiting when no other pair
   * of its foundation is Waiting or In-Progress, else Frozen (it thaws when one of those
   * succeeds, 7.2.5.3.3, or when nothing else is left, 6.1.4.2). Past MAX_PAIRS the lowest
   * priority Frozen or Waiting pair is pruned (6.1.2.5); 'full' when none can go.
   */
  addPair(local: LocalCandidate, remote: RemoteCandidate, controlling: boolean, now: number): AddPairResult {
    const key = pairKey(local, remote.key);
    if (this.byKey.has(key)) return 'exists';
    const pair: CandidatePair = {
      local,
      remote,
      key,
      checkList: this,
      foundation: `${local.candidate.foundation}:${remote.candidate.foundation}`,
      priority: 0n,
      state: 'frozen',
      nominated: false,
      nominateOnSuccess: false,
      rtt: undefined,
    };
    pair.priority = priorityOf(pair, controlling);
    if (this.pairs.length >= MAX_PAIRS) {
      const victim = this.lowestPrunable();
      if (!victim || victim.priority > pair.priority) return 'full';
      this.remove(victim);
    }
    const busy = this.pairs.some(
      (p) => p.foundation === pair.foundation && (p.state === 'waiting' || p.state === 'in-progress'),
    );
    pair.state = busy ? 'frozen' : 'waiting';
    this.insertSorted(pair);
    this.byKey.set(key, pair);
    this.lastActivityAt = now;
    return pair;
  }

  /** Recomputes every pair priority (after a role change, RFC 8445 7.2.5.1) and re-sorts. */
  reprioritize(controlling: boolean): void {
    for (const p of this.pairs) p.priority = priorityOf(p, controlling);
    this.pairs.sort(byPriority);
  }

  /** A remote candidate changed priority (a prflx one was signalled, RFC 8838 11). */
  updateRemote(remote: RemoteCandidate, candidate: Candidate, controlling: boolean): void {
    remote.candidate = candidate;
    for (const p of this.pairs) {
      if (p.remote !== remote) continue;
      p.foundation = `${p.local.candidate.foundation}:${candidate.foundation}`;
      p.priority = priorityOf(p, controlling);
    }
    this.pairs.sort(byPriority);
  }

  /** RFC 8445 6.1.4.1: queue a triggered check (once per pair). */
  trigger(pair: CandidatePair): void {
    if (this.triggered.includes(pair) || this.triggered.length >= MAX_TRIGGERED) return;
    this.triggered.push(pair);
  }

  /** Puts a pair at the head of the triggered queue (a nomination check goes next). */
  triggerFirst(pair: CandidatePair): void {
    const at = this.triggered.indexOf(pair);
    if (at >= 0) this.triggered.splice(at, 1);
    this.triggered.unshift(pair);
  }

  /**
   * RFC 8445 6.1.4.2: the pair to check on this Ta tick: the triggered queue first; then,
   * while the list runs, the highest-priority Waiting pair; failing that, a Frozen pair whose
   * foundation has nothing Waiting or In-Progress is thawed and checked.
   */
  nextCheck(): CandidatePair | undefined {
    return this.triggered.shift() ?? this.ordinaryCheck();
  }

  /** Whether nextCheck would return a pair (without taking it). */
  hasCheckToSend(): boolean {
    return this.triggered.length > 0 || this.ordinaryCheck() !== undefined;
  }

  private ordinaryCheck(): CandidatePair | undefined {
    if (this.completed) return undefined;
    let frozen = false;
    for (const p of this.pairs) {
      if (p.state === 'waiting') return p;
      if (p.state === 'frozen') frozen = true;
    }
    if (!frozen) return undefined;
    const busy = new Set<string>();
    for (const p of this.pairs) if (p.state === 'in-progress') busy.add(p.foundation);
    for (const p of this.pairs) if (p.state === 'frozen' && !busy.has(p.foundation)) return p;
    return undefined;
  }

  /** RFC 8445 7.2.5.3.3: a success thaws the Frozen pairs of the same foundation. */
  thaw(foundation: string): void {
    for (const p of this.pairs) if (p.state === 'frozen' && p.foundation === foundation) p.state = 'waiting';
  }

  /** The highest-priority valid (succeeded) pair. */
  bestValid(): CandidatePair | undefined {
    for (const p of this.pairs) if (p.state === 'succeeded') return p;
    return undefined;
  }

  /** Whether a pair of higher priority than `than` might still succeed. */
  betterPending(than: CandidatePair): boolean {
    for (const p of this.pairs) {
      if (p === than || p.priority < than.priority) return false;
      if (p.state !== 'failed' && p.state !== 'succeeded') return true;
    }
    return false;
  }

  /** RFC 8445 7.2.5.4 / 6.1.4.2: nothing is left to check and no pair is valid. */
  exhausted(): boolean {
    if (this.triggered.length > 0) return false;
    for (const p of this.pairs) if (p.state !== 'failed') return false;
    return true;
  }

  /** Takes a pair out of the list and the triggered queue. */
  remove(pair: CandidatePair): void {
    const at = this.pairs.indexOf(pair);
    if (at >= 0) this.pairs.splice(at, 1);
    const t = this.triggered.indexOf(pair);
    if (t >= 0) this.triggered.splice(t, 1);
    this.byKey.delete(pair.key);
  }

  private lowestPrunable(): CandidatePair | undefined {
    for (let i = this.pairs.length - 1; i >= 0; i--) {
      const p = this.pairs[i]!;
      if (p.state === 'frozen' || p.state === 'waiting' || p.state === 'failed') return p;
    }
    return undefined;
  }

  private insertSorted(pair: CandidatePair): void {
    let i = this.pairs.length;
    while (i > 0 && this.pairs[i - 1]!.priority < pair.priority) i--;
    this.pairs.splice(i, 0, pair);
  }
}

function priorityOf(p: CandidatePair, controlling: boolean): bigint {
  const l = p.local.candidate.priority;
  const r = p.remote.candidate.priority;
  return controlling ? pairPriority(l, r) : pairPriority(r, l);
}

function byPriority(a: CandidatePair, b: CandidatePair): number {
  return a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0;
}
