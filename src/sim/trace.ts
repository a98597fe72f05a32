/**
 * The packet trace: every packet event with its virtual time. Entries are kept in a bounded
 * ring (the most recent `limit`), while a running SHA-256 covers every entry ever recorded,
 * payload bytes included, so `hash()` proves two runs identical bit for bit however long.
 */

import { addressKey, type TransportAddress } from '../core/address.js';
import { BoundedQueue } from '../core/queue.js';
import type { Millis } from '../core/time.js';
import { DROP_REASONS, type DropReason } from './link.js';
import { TraceHasher } from './trace-hash.js';

const TRACE_KINDS = ['sent', 'delivered', 'dropped', 'duplicated', 'translated', 'rewritten'] as const;

export type TraceKind = (typeof TRACE_KINDS)[number];

export interface TraceEntry {
  readonly time: Millis;
  readonly kind: TraceKind;
  /** Packet id; a duplicate gets its own id (and `parent` is the original's). */
  readonly id: number;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
  /** UDP payload size in bytes. */
  readonly size: number;
  /** Why it was dropped (`dropped` only). */
  readonly reason?: DropReason;
  /** The node where it happened: the sending host, the link's far end, the NAT... */
  readonly node: string;
  /** For `duplicated`: the id of the packet that was copied. */
  readonly parent?: number;
}

export interface TraceOptions {
  /** Entries kept in memory (0 keeps none). */
  readonly limit?: number;
  /** Whether to keep the running hash (on by default). */
  readonly hash?: boolean;
}

export class TraceRecorder {
  readonly totals = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, translated: 0, rewritten: 0 };
  private readonly ring: BoundedQueue<TraceEntry> | undefined;
  private readonly hasher: TraceHasher | undefined;

  constructor(limit: number, hash: boolean) {
    this.ring = limit > 0 ? new BoundedQueue<TraceEntry>(limit) : undefined;
    this.hasher = hash ? new TraceHasher() : undefined;
  }

  /** Counts a packet event and, unless tracing is off, records and hashes it. */
  record(
    time: Millis,
    kind: TraceKind,
    id: number,
    from: TransportAddress,
    to: TransportAddress,
    size: number,
    node: string,
    reason?: DropReason,
    parent?: number,
    payload?: Uint8Array,
  ): void {
    this.totals[kind]++;
    if (this.ring) {
      const entry: TraceEntry = {
        time,
        kind,
        id,
        from,
        to,
        size,
        node,
        ...(reason !== undefined ? { reason } : {}),
        ...(parent !== undefined ? { parent } : {}),
      };
      if (!this.ring.push(entry)) {
        this.ring.shift();
        this.ring.push(entry);
      }
    }
    this.hasher?.entry(
      time,
      TRACE_KINDS.indexOf(kind),
      id,
      from,
      to,
      size,
      node,
      reason === undefined ? 0 : DROP_REASONS.indexOf(reason) + 1,
      parent ?? 0,
      payload,
    );
  }

  entries(): TraceEntry[] {
    return this.ring ? [...this.ring] : [];
  }

  /** Hex SHA-256 of every entry so far; throws if hashing was switched off. */
  hash(): string {
    if (!this.hasher) throw new Error('trace hashing is switched off (trace: { hash: false })');
    return this.hasher.digest();
  }
}

/**
 * Trace entries as text, one line each, for reading a failing test's last moments:
 * `   150.000 dropped    natA       203.0.113.1:1234 -> 198.51.100.1:3478  100 B #7 nat-filtered`
 */
export function formatTrace(entries: readonly TraceEntry[]): string {
  return entries
    .map((e) => {
      const extra = e.reason ?? (e.parent !== undefined ? `copy of #${e.parent}` : '');
      return (
        `${e.time.toFixed(3).padStart(10)} ${e.kind.padEnd(10)} ${e.node.padEnd(10)} ` +
        `${addressKey(e.from)} -> ${addressKey(e.to)}  ${e.size} B #${e.id}${extra ? ` ${extra}` : ''}`
      );
    })
    .join('\n');
}
