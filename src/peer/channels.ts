/**
 * The data channels a PeerConnection knows, by handle. A handle exists from createDataChannel
 * (or the remote's DCEP OPEN) on; the SCTP stream id only once the DTLS role is known
 * (RFC 8832 6: the DTLS client uses even ids, the server odd ones), so the two are kept apart.
 */
import { MAX_RETIRED_CHANNELS, PRIORITY_VALUES } from './constants.js';
import type { ChannelPriority, ChannelReadyState, ChannelStats } from './types.js';

export interface ChannelRecord {
  readonly handle: number;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  readonly negotiated: boolean;
  readonly priority: ChannelPriority;
  /** For a negotiated channel, the id the application chose; else set when opened on SCTP. */
  id: number | null;
  /** Opened on the association (DCEP OPEN queued, or negotiated id claimed). */
  opened: boolean;
  readyState: ChannelReadyState;
  bufferedAmountLowThreshold: number;
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
}

export type NewChannel = Pick<
  ChannelRecord,
  'label' | 'protocol' | 'ordered' | 'maxRetransmits' | 'maxPacketLifeTime' | 'negotiated' | 'priority' | 'id'
>;

export class ChannelTable {
  private readonly byHandle = new Map<number, ChannelRecord>();
  private readonly byStream = new Map<number, ChannelRecord>();
  /** Closed channels, oldest first; forgotten beyond MAX_RETIRED_CHANNELS. */
  private readonly retired: number[] = [];
  private nextHandle = 1;

  add(c: NewChannel, opened: boolean): ChannelRecord {
    const rec: ChannelRecord = {
      ...c,
      handle: this.nextHandle++,
      opened,
      readyState: 'connecting',
      bufferedAmountLowThreshold: 0,
      messagesSent: 0,
      bytesSent: 0,
      messagesReceived: 0,
      bytesReceived: 0,
    };
    this.byHandle.set(rec.handle, rec);
    if (opened && rec.id !== null) this.byStream.set(rec.id, rec);
    return rec;
  }

  get(handle: number): ChannelRecord | undefined {
    return this.byHandle.get(handle);
  }

  stream(id: number): ChannelRecord | undefined {
    return this.byStream.get(id);
  }

  /** Whether a live channel already claims stream `id`. */
  claims(id: number): boolean {
    for (const c of this.byHandle.values()) if (c.id === id && c.readyState !== 'closed') return true;
    return false;
  }

  /** Records that `rec` is open on the association with stream `id`. */
  bind(rec: ChannelRecord, id: number): void {
    rec.id = id;
    rec.opened = true;
    this.byStream.set(id, rec);
  }

  /** Marks `rec` closed and frees its stream id. */
  retire(rec: ChannelRecord): void {
    rec.readyState = 'closed';
    if (rec.id !== null && this.byStream.get(rec.id) === rec) this.byStream.delete(rec.id);
    this.retired.push(rec.handle);
    if (this.retired.length > MAX_RETIRED_CHANNELS) this.byHandle.delete(this.retired.shift()!);
  }

  /** Channels not yet opened on an association, in creation order. */
  unopened(): ChannelRecord[] {
    return [...this.byHandle.values()].filter((c) => !c.opened && c.readyState !== 'closed');
  }

  live(): ChannelRecord[] {
    return [...this.byHandle.values()].filter((c) => c.readyState !== 'closed');
  }

  get liveCount(): number {
    return this.byHandle.size - this.retired.length;
  }

  stats(): ChannelStats[] {
    return [...this.byHandle.values()].map((c) => ({
      handle: c.handle,
      id: c.id,
      label: c.label,
      protocol: c.protocol,
      state: c.readyState,
      messagesSent: c.messagesSent,
      bytesSent: c.bytesSent,
      messagesReceived: c.messagesReceived,
      bytesReceived: c.bytesReceived,
    }));
  }
}

/** RFC 8831 6.4: DCEP priority values map to the nearest W3C RTCPriorityType at or above. */
export function priorityName(value: number): ChannelPriority {
  if (value <= PRIORITY_VALUES['very-low']) return 'very-low';
  if (value <= PRIORITY_VALUES.low) return 'low';
  if (value <= PRIORITY_VALUES.medium) return 'medium';
  return 'high';
}
