/**
 * The packet trace: every packet event with its virtual time. Entries are kept in a bounded
 * ring (the most recent `limit`), while a running SHA-256 covers every entry ever recorded,
 * payload bytes included, so `hash()` proves two runs identical bit for bit however long.
 */

import { createHash, type Hash } from 'node:crypto';
import { addressKey, type TransportAddress } from '../core/address.js';
import { BoundedQueue } from '../core/queue.js';
import type { Millis } from '../core/time.js';
import type { DropReason } from './link.js';

export type TraceKind = 'sent' | 'delivered' | 'dropped' | 'duplicated' | 'translated';

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
  readonly totals = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, translated: 0 };
  private readonly ring: BoundedQueue<TraceEntry> | undefined;
  private readonly sha: Hash | undefined;

  constructor(limit: number, hash: boolean) {
    this.ring = limit > 0 ? new BoundedQueue<TraceEntry>(limit) : undefined;
    this.sha = hash ? createHash('sha256') : undefined;
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
    if (this.sha) {
      this.sha.update(
        `${time}|${kind}|${id}|${addressKey(from)}|${addressKey(to)}|${size}|${node}|` +
          `${reason ?? ''}|${parent ?? ''}\n`,
      );
      if (payload) this.sha.update(payload);
    }
  }

  entries(): TraceEntry[] {
    return this.ring ? [...this.ring] : [];
  }

  /** Hex SHA-256 of every entry so far; throws if hashing was switched off. */
  hash(): string {
    if (!this.sha) throw new Error('trace hashing is switched off (trace: { hash: false })');
    return this.sha.copy().digest('hex');
  }
}
