/**
 * A sans-IO one-shot Multicast DNS querier (RFC 6762 5.1) for the `.local` names that
 * browsers put in host candidates (draft-ietf-mmusic-mdns-ice-candidates).
 *
 * `{ type: 'resolve', name }` sends one query (A and AAAA questions) to the mDNS group of
 * each configured family, resends it a few times with doubling gaps, and ends with either
 * `{ type: 'resolved', name, address }` for the first A or AAAA answer, or
 * `{ type: 'resolve-failed', name, reason }`. Answers are cached for their TTL (capped), so
 * a name resolved recently resolves again without a query.
 *
 * Transmits carry `to` (the group) and no `from`: the driver sends them from its mDNS
 * socket, on every interface it serves.
 */

import {
  type AddressFamily,
  BoundedQueue,
  Counters,
  type Datagram,
  type Millis,
  type Transmit,
  type TransportAddress,
  logger,
} from '../core/index.js';
import { ExpiringMap } from './cache.js';
import {
  CLASS_IN,
  DEFAULT_RESOLVE_TIMEOUT_MS,
  FIRST_RETRANSMIT_MS,
  FLAG_RESPONSE,
  MAX_CACHE_ENTRIES,
  MAX_CACHE_TTL_MS,
  MAX_PENDING_RESOLVES,
  MAX_QUERIES_PER_RESOLVE,
  MAX_QUEUED_OUTPUTS,
  TYPE_A,
  TYPE_AAAA,
} from './constants.js';
import { type DnsRecord, encodeDnsMessage, recordAddress } from './message.js';
import { isValidDnsName, normalizeName } from './name.js';
import { acceptableMessage, groupAddress } from './wire.js';

const log = logger('sansrtc:mdns');

export interface MdnsResolveCommand {
  readonly type: 'resolve';
  readonly name: string;
  /** How long to wait for an answer (ms); default DEFAULT_RESOLVE_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

export type MdnsQuerierInput = Datagram | MdnsResolveCommand;

export type MdnsResolveFailure = 'timeout' | 'invalid-name' | 'too-many-pending';

export type MdnsQuerierEvent =
  | { readonly type: 'resolved'; readonly name: string; readonly address: string }
  | { readonly type: 'resolve-failed'; readonly name: string; readonly reason: MdnsResolveFailure };

export type MdnsQuerierOutput = Transmit | MdnsQuerierEvent;

export interface MdnsQuerierOptions {
  /** Which mDNS groups to query: 224.0.0.251 for IPv4, ff02::fb for IPv6 (default IPv4). */
  readonly families?: readonly AddressFamily[];
  /** RFC 6762 5.4: set the QU bit so responders may answer by unicast (default false). */
  readonly unicastResponse?: boolean;
}

export type MdnsQuerierCounter = 'malformed' | 'ignored' | 'output-overflow' | 'answers' | 'queries-sent';

interface Pending {
  /** The name as the caller spelled it, echoed in events. */
  readonly name: string;
  readonly query: Uint8Array;
  deadline: Millis;
  nextSend: Millis;
  sent: number;
}

export class MdnsQuerier {
  readonly counters = new Counters<MdnsQuerierCounter>();
  private readonly groups: readonly TransportAddress[];
  private readonly unicastResponse: boolean;
  private readonly pending = new Map<string, Pending>();
  private readonly cache = new ExpiringMap<string>(MAX_CACHE_ENTRIES);
  private readonly out = new BoundedQueue<MdnsQuerierOutput>(MAX_QUEUED_OUTPUTS);

  constructor(options: MdnsQuerierOptions = {}) {
    this.groups = (options.families ?? ['IPv4']).map(groupAddress);
    this.unicastResponse = options.unicastResponse ?? false;
  }

  handleInput(now: Millis, input: MdnsQuerierInput): void {
    if (input.type === 'datagram') this.receive(now, input);
    else this.resolve(now, input);
  }

  handleTimeout(now: Millis): void {
    for (const [key, p] of this.pending) {
      if (now >= p.deadline) {
        this.pending.delete(key);
        this.emit({ type: 'resolve-failed', name: p.name, reason: 'timeout' });
      } else if (p.sent < MAX_QUERIES_PER_RESOLVE && now >= p.nextSend) {
        this.send(now, p);
      }
    }
  }

  pollOutput(): MdnsQuerierOutput | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    let at: Millis | undefined;
    for (const p of this.pending.values()) {
      const due = p.sent < MAX_QUERIES_PER_RESOLVE ? Math.min(p.nextSend, p.deadline) : p.deadline;
      if (at === undefined || due < at) at = due;
    }
    return at;
  }

  private resolve(now: Millis, cmd: MdnsResolveCommand): void {
    const key = normalizeName(cmd.name);
    // RFC 6762 3: names ending in ".local." are link-local and resolved by mDNS.
    if (!key.endsWith('.local') || !isValidDnsName(key)) {
      this.emit({ type: 'resolve-failed', name: cmd.name, reason: 'invalid-name' });
      return;
    }
    const cached = this.cache.get(key, now);
    if (cached !== undefined) {
      this.emit({ type: 'resolved', name: cmd.name, address: cached });
      return;
    }
    const deadline = now + Math.max(0, cmd.timeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS);
    const existing = this.pending.get(key);
    if (existing) {
      // One query stream per name; the longest wait asked for wins.
      existing.deadline = Math.max(existing.deadline, deadline);
      return;
    }
    if (this.pending.size >= MAX_PENDING_RESOLVES) {
      this.emit({ type: 'resolve-failed', name: cmd.name, reason: 'too-many-pending' });
      return;
    }
    const query = encodeDnsMessage({
      id: 0, // RFC 6762 18.1: multicast queries carry ID zero
      flags: 0,
      questions: [TYPE_A, TYPE_AAAA].map((type) => ({
        name: key,
        type,
        class: CLASS_IN,
        unicastResponse: this.unicastResponse,
      })),
      answers: [],
      authorities: [],
      additionals: [],
    });
    const p: Pending = { name: cmd.name, query, deadline, nextSend: now, sent: 0 };
    this.pending.set(key, p);
    this.send(now, p);
  }

  private send(now: Millis, p: Pending): void {
    for (const to of this.groups) this.emit({ type: 'transmit', data: p.query, to });
    this.counters.inc('queries-sent');
    p.nextSend = now + FIRST_RETRANSMIT_MS * 2 ** p.sent;
    p.sent++;
  }

  private receive(now: Millis, d: Datagram): void {
    const msg = acceptableMessage(d, this.counters, log);
    if (!msg) return;
    // Queries (ours looped back, or other hosts') carry nothing for us.
    if ((msg.flags & FLAG_RESPONSE) === 0) return;
    this.takeAnswers(now, msg.answers);
    this.takeAnswers(now, msg.additionals);
  }

  private takeAnswers(now: Millis, records: readonly DnsRecord[]): void {
    for (const rec of records) {
      const address = recordAddress(rec);
      if (address === undefined) continue;
      const key = normalizeName(rec.name);
      if (rec.ttl === 0) {
        // RFC 6762 10.1: a TTL of zero says the record is going away.
        this.cache.delete(key);
        continue;
      }
      const p = this.pending.get(key);
      if (!p) continue;
      this.counters.inc('answers');
      this.cache.set(key, address, now + Math.min(rec.ttl * 1000, MAX_CACHE_TTL_MS));
      this.pending.delete(key);
      this.emit({ type: 'resolved', name: p.name, address });
    }
  }

  private emit(o: MdnsQuerierOutput): void {
    if (!this.out.push(o)) {
      this.counters.inc('output-overflow');
      log.debug('output queue full, dropped', o.type);
    }
  }
}
