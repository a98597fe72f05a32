/**
 * Data channels (RFC 8831) over one SCTP association, opened with DCEP (RFC 8832) or
 * negotiated out of band.
 *
 * `DataChannelManager` wraps (owns) an `SctpAssociation` and is itself a sans-IO engine:
 * SCTP packets (from DTLS) go in as Datagrams, SCTP packets come out as Transmits, and the
 * association's events become channel events. Owning the association keeps the ordering
 * rules in one place: the DCEP ACK is queued before any reply, a stream reset follows the
 * channel's queued data, and channel state changes follow the association's.
 *
 * A channel's life (RFC 8831 6.7): `open` (DCEP OPEN sent, or negotiated) -> 'connecting'
 * until the association is up -> 'open' -> `close` resets our outgoing stream ->
 * 'closing' -> the peer resets its outgoing stream too -> 'closed', and the id is free again.
 */

import { Counters } from '../core/counters.js';
import type { Datagram, Engine, Transmit } from '../core/engine.js';
import { OutputQueue } from '../core/engine.js';
import { SansRtcError, err, ok, type Result } from '../core/errors.js';
import { logger } from '../core/log.js';
import { utf8Encode } from '../core/bytes.js';
import type { Millis } from '../core/time.js';
import { SctpAssociation, type SctpAssociationOptions, type SctpEvent } from '../sctp/association.js';
import { MAX_CHANNEL_ID, MAX_CHANNELS, MAX_LABEL_BYTES, Ppid, Priority } from './constants.js';
import { channelTypeFor, decodeDcep, encodeDcep, reliabilityOf, type DcepOpen } from './dcep.js';

const log = logger('sansrtc:datachannel');

export type ChannelState = 'connecting' | 'open' | 'closing' | 'closed';

export interface ChannelOptions {
  readonly label?: string;
  readonly protocol?: string;
  /** Default true. */
  readonly ordered?: boolean;
  /** Partial reliability by retransmissions (RFC 3758); exclusive with maxPacketLifeTime. */
  readonly maxRetransmits?: number;
  /** Partial reliability by lifetime in ms (RFC 3758). */
  readonly maxPacketLifeTime?: number;
  /** DCEP priority (RFC 8832 5.1), default 256 ("low", the W3C default). */
  readonly priority?: number;
  /** Pre-negotiated channel: no DCEP, the application agreed on `id` out of band. */
  readonly negotiated?: boolean;
  /** Stream id; required when negotiated, otherwise chosen by DTLS role (RFC 8832 6). */
  readonly id?: number;
}

export interface ChannelInfo {
  readonly id: number;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits?: number;
  readonly maxPacketLifeTime?: number;
  readonly priority: number;
  readonly negotiated: boolean;
}

export type DataChannelCommand =
  | { readonly type: 'connect' }
  | ({ readonly type: 'open' } & ChannelOptions)
  /** A string is sent as text; bytes as binary unless `binary` is false (UTF-8 text bytes). */
  | { readonly type: 'send'; readonly id: number; readonly data: string | Uint8Array; readonly binary?: boolean }
  | { readonly type: 'close'; readonly id: number }
  | { readonly type: 'set-buffered-amount-low-threshold'; readonly id: number; readonly threshold: number }
  | { readonly type: 'shutdown' }
  | { readonly type: 'abort' }
  /** A round-trip time measured below (ms), for SCTP's first retransmission timeouts. */
  | { readonly type: 'set-round-trip-time'; readonly rtt: number };

export type DataChannelErrorCode =
  | 'message-too-large'
  | 'invalid-state'
  | 'unknown-channel'
  | 'id-in-use'
  | 'no-free-id'
  | 'invalid-options'
  | 'send-buffer-full'
  | 'sctp-error';

export type DataChannelEvent =
  | { readonly type: 'connected' }
  | ({ readonly type: 'channel-open'; readonly remote: boolean } & ChannelInfo)
  /** Text arrives as its UTF-8 bytes with `binary` false: callers decode when they need a string. */
  | { readonly type: 'channel-message'; readonly id: number; readonly data: Uint8Array; readonly binary: boolean }
  | { readonly type: 'channel-closing'; readonly id: number }
  | { readonly type: 'channel-closed'; readonly id: number }
  | { readonly type: 'channel-buffered-amount-low'; readonly id: number }
  | { readonly type: 'channel-error'; readonly id: number; readonly code: DataChannelErrorCode; readonly message: string }
  | { readonly type: 'closed'; readonly reason: string }
  | { readonly type: 'error'; readonly code: DataChannelErrorCode; readonly message: string };

export type DataChannelOutput = Transmit | DataChannelEvent;

interface Channel extends ChannelInfo {
  state: ChannelState;
  /** We sent a DCEP OPEN and have seen neither its ACK nor data from the peer. */
  awaitingAck: boolean;
  outgoingReset: boolean;
  incomingReset: boolean;
  /** Fragments of a message sent with the deprecated partial PPIDs (52, 54). */
  partial: Uint8Array[] | undefined;
  partialBytes: number;
}

const EMPTY_PAYLOAD = Uint8Array.of(0);

export class DataChannelManager implements Engine<Datagram | DataChannelCommand, DataChannelOutput> {
  readonly sctp: SctpAssociation;
  readonly counters = new Counters();
  private readonly channels = new Map<number, Channel>();
  private readonly out = new OutputQueue<DataChannelEvent>();
  private connected = false;
  private now: Millis = 0;
  /** Next candidate id for channels we number (even for the DTLS client, odd for the server). */
  private nextId: number;

  constructor(opts: SctpAssociationOptions) {
    this.sctp = new SctpAssociation(opts);
    this.nextId = opts.role === 'client' ? 0 : 1;
  }

  /** The largest message the peer accepts (its `a=max-message-size`). */
  get maxMessageSize(): number {
    return this.sctp.remoteMaxMessageSize;
  }

  readyState(id: number): ChannelState {
    return this.channels.get(id)?.state ?? 'closed';
  }

  bufferedAmount(id: number): number {
    return this.sctp.bufferedAmount(id);
  }

  channel(id: number): ChannelInfo | undefined {
    return this.channels.get(id);
  }

  get channelCount(): number {
    return this.channels.size;
  }

  // -------------------------------------------------------------------------------------
  // Engine contract

  handleInput(now: Millis, input: Datagram | DataChannelCommand): void {
    this.now = now;
    switch (input.type) {
      case 'datagram':
      case 'connect':
      case 'shutdown':
      case 'abort':
      case 'set-round-trip-time':
        this.sctp.handleInput(now, input);
        return;
      case 'open': {
        const r = this.open(now, input);
        if (!r.ok) this.out.push({ type: 'error', code: channelErrorCode(r.error.code), message: r.error.message });
        return;
      }
      case 'send': {
        const r = this.send(now, input.id, input.data, input.binary);
        if (!r.ok) this.channelError(input.id, r.error);
        return;
      }
      case 'close':
        this.close(now, input.id);
        return;
      case 'set-buffered-amount-low-threshold':
        this.sctp.setBufferedAmountLowThreshold(input.id, input.threshold);
        return;
    }
  }

  handleTimeout(now: Millis): void {
    this.now = now;
    this.sctp.handleTimeout(now);
  }

  pollOutput(): DataChannelOutput | undefined {
    for (;;) {
      const mine = this.out.shift();
      if (mine) return mine;
      const o = this.sctp.pollOutput();
      if (!o) return undefined;
      if (o.type === 'transmit') return o;
      this.onSctpEvent(o);
    }
  }

  pollTimeout(): Millis | undefined {
    return this.sctp.pollTimeout();
  }

  // -------------------------------------------------------------------------------------
  // Commands (also callable directly, for a facade that needs the result at once)

  /** Opens a channel; returns its id. */
  open(now: Millis, o: ChannelOptions): Result<number, SansRtcError> {
    this.now = now;
    if (o.maxRetransmits !== undefined && o.maxPacketLifeTime !== undefined) {
      return err(new SansRtcError('invalid-options', 'maxRetransmits and maxPacketLifeTime are exclusive'));
    }
    if (this.channels.size >= MAX_CHANNELS) {
      return err(new SansRtcError('no-free-id', `at most ${MAX_CHANNELS} channels may be open`));
    }
    let id = o.id;
    if (o.negotiated && id === undefined) return err(new SansRtcError('invalid-options', 'a negotiated channel needs an id'));
    if (id !== undefined) {
      if (!Number.isInteger(id) || id < 0 || id > MAX_CHANNEL_ID) {
        return err(new SansRtcError('invalid-options', `channel id ${id} is out of range`));
      }
      if (this.channels.has(id)) return err(new SansRtcError('id-in-use', `channel id ${id} is in use`));
    } else {
      id = this.allocateId();
      if (id === undefined) return err(new SansRtcError('no-free-id', 'no free stream id'));
    }
    const label = o.label ?? '';
    const protocol = o.protocol ?? '';
    if (utf8Encode(label).length > MAX_LABEL_BYTES || utf8Encode(protocol).length > MAX_LABEL_BYTES) {
      return err(new SansRtcError('invalid-options', 'label or protocol longer than 65535 bytes'));
    }
    const negotiated = o.negotiated ?? false;
    const ch = this.addChannel(id, {
      label,
      protocol,
      ordered: o.ordered ?? true,
      ...(o.maxRetransmits !== undefined ? { maxRetransmits: o.maxRetransmits } : {}),
      ...(o.maxPacketLifeTime !== undefined ? { maxPacketLifeTime: o.maxPacketLifeTime } : {}),
      priority: o.priority ?? Priority.LOW,
      negotiated,
    });
    this.sctp.setStreamPriority(id, ch.priority);
    if (!negotiated) {
      const t = channelTypeFor(ch);
      const openMsg: DcepOpen = { type: 'open', ...t, priority: ch.priority, label, protocol };
      // RFC 8832 6: the OPEN goes reliably and ordered on the channel's own stream.
      this.sctp.handleInput(now, {
        type: 'send',
        streamId: id,
        ppid: Ppid.DCEP,
        data: encodeDcep(openMsg),
        ordered: true,
        control: true,
      });
      ch.awaitingAck = true;
    }
    if (this.connected) this.announce(ch, false);
    return ok(id);
  }

  /**
   * Sends text (PPID 51/56) or binary (PPID 53/57): a string is text; bytes are binary unless
   * `binary` is false, when they are already UTF-8 text (no string round trip on the way).
   */
  send(now: Millis, id: number, data: string | Uint8Array, binary = typeof data !== 'string'): Result<void, SansRtcError> {
    this.now = now;
    const ch = this.channels.get(id);
    if (!ch) return err(new SansRtcError('unknown-channel', `no channel ${id}`));
    if (ch.state === 'closing' || ch.state === 'closed') {
      return err(new SansRtcError('invalid-state', `channel ${id} is ${ch.state}`));
    }
    const bytes = typeof data === 'string' ? utf8Encode(data) : data;
    const empty = bytes.length === 0;
    // RFC 8831 6.6: empty messages are one zero byte with the "empty" PPID.
    const ppid = binary ? (empty ? Ppid.BINARY_EMPTY : Ppid.BINARY) : empty ? Ppid.STRING_EMPTY : Ppid.STRING;
    // The association checks the size against the remote max-message-size (one rule).
    return this.sctp.sendMessage(now, {
      type: 'send',
      streamId: id,
      ppid,
      data: empty ? EMPTY_PAYLOAD : bytes,
      // RFC 8832 6: until the ACK arrives, send ordered so that the OPEN arrives first.
      ordered: ch.ordered || ch.awaitingAck,
      maxRetransmits: ch.maxRetransmits,
      maxLifetime: ch.maxPacketLifeTime,
    });
  }

  /** Closes a channel by resetting its outgoing stream (RFC 8831 6.7). */
  close(now: Millis, id: number): void {
    this.now = now;
    const ch = this.channels.get(id);
    if (!ch || ch.state === 'closing' || ch.state === 'closed') return;
    // Even before the association is up: a queued DCEP OPEN will reach the peer, so the
    // stream is reset once connected (the association holds the request until then).
    ch.state = 'closing';
    this.sctp.handleInput(now, { type: 'reset-streams', streamIds: [id] });
  }

  // -------------------------------------------------------------------------------------

  private addChannel(id: number, info: Omit<ChannelInfo, 'id'>): Channel {
    const ch: Channel = {
      id,
      ...info,
      state: 'connecting',
      awaitingAck: false,
      outgoingReset: false,
      incomingReset: false,
      partial: undefined,
      partialBytes: 0,
    };
    this.channels.set(id, ch);
    return ch;
  }

  private allocateId(): number | undefined {
    const parity = this.sctp.role === 'client' ? 0 : 1;
    for (let n = 0; n <= (MAX_CHANNEL_ID + 1) / 2; n++) {
      const id = this.nextId;
      this.nextId += 2;
      if (this.nextId > MAX_CHANNEL_ID) this.nextId = parity;
      if (!this.channels.has(id)) return id;
    }
    return undefined;
  }

  private announce(ch: Channel, remote: boolean): void {
    ch.state = 'open';
    this.out.push({
      type: 'channel-open',
      remote,
      id: ch.id,
      label: ch.label,
      protocol: ch.protocol,
      ordered: ch.ordered,
      ...(ch.maxRetransmits !== undefined ? { maxRetransmits: ch.maxRetransmits } : {}),
      ...(ch.maxPacketLifeTime !== undefined ? { maxPacketLifeTime: ch.maxPacketLifeTime } : {}),
      priority: ch.priority,
      negotiated: ch.negotiated,
    });
  }

  private channelError(id: number, e: SansRtcError): void {
    this.out.push({ type: 'channel-error', id, code: channelErrorCode(e.code), message: e.message });
  }

  private onSctpEvent(e: SctpEvent): void {
    switch (e.type) {
      case 'connected':
        this.connected = true;
        this.out.push({ type: 'connected' });
        for (const ch of this.channels.values()) if (ch.state === 'connecting') this.announce(ch, false);
        return;
      case 'message':
        this.onMessage(e.streamId, e.ppid, e.data);
        return;
      case 'stream-reset':
        for (const id of e.streamIds) this.onStreamReset(id, e.direction);
        return;
      case 'buffered-amount-low':
        if (this.channels.has(e.streamId)) this.out.push({ type: 'channel-buffered-amount-low', id: e.streamId });
        return;
      case 'closed':
        this.connected = false;
        for (const ch of this.channels.values()) {
          ch.state = 'closed';
          this.out.push({ type: 'channel-closed', id: ch.id });
        }
        this.channels.clear();
        this.out.push({ type: 'closed', reason: e.detail ? `${e.reason}: ${e.detail}` : e.reason });
        return;
      case 'error':
        if (e.streamId !== undefined && this.channels.has(e.streamId)) {
          this.out.push({ type: 'channel-error', id: e.streamId, code: channelErrorCode(e.code), message: e.message });
        } else {
          this.out.push({ type: 'error', code: 'sctp-error', message: e.message });
        }
        return;
    }
  }

  private onMessage(id: number, ppid: number, data: Uint8Array): void {
    if (ppid === Ppid.DCEP) {
      this.onDcep(id, data);
      return;
    }
    const ch = this.channels.get(id);
    if (!ch || ch.state === 'closed') {
      this.counters.inc('datachannel.message-for-unknown-channel');
      log.debug(`dropped a message on stream ${id}, which has no channel`);
      return;
    }
    // RFC 8832 6: data from the peer implies it has seen our OPEN.
    ch.awaitingAck = false;
    switch (ppid) {
      case Ppid.STRING:
        this.deliver(ch, this.joinPartial(ch, data), false);
        return;
      case Ppid.BINARY:
        this.deliver(ch, this.joinPartial(ch, data), true);
        return;
      case Ppid.STRING_EMPTY:
        this.deliver(ch, new Uint8Array(0), false);
        return;
      case Ppid.BINARY_EMPTY:
        this.deliver(ch, new Uint8Array(0), true);
        return;
      case Ppid.STRING_PARTIAL:
      case Ppid.BINARY_PARTIAL:
        // Deprecated (RFC 8831 8): fragments joined until the final, non-partial message.
        if (ch.partialBytes + data.length > this.sctp.maxMessageSize) {
          this.counters.inc('datachannel.partial-too-large');
          ch.partial = undefined;
          ch.partialBytes = 0;
          return;
        }
        (ch.partial ??= []).push(data.slice());
        ch.partialBytes += data.length;
        return;
      default:
        this.counters.inc('datachannel.unknown-ppid');
        log.debug(`dropped a message with PPID ${ppid} on channel ${id}`);
    }
  }

  private joinPartial(ch: Channel, last: Uint8Array): Uint8Array {
    if (!ch.partial) return last;
    const all = new Uint8Array(ch.partialBytes + last.length);
    let at = 0;
    for (const p of ch.partial) {
      all.set(p, at);
      at += p.length;
    }
    all.set(last, at);
    ch.partial = undefined;
    ch.partialBytes = 0;
    return all;
  }

  private deliver(ch: Channel, data: Uint8Array, binary: boolean): void {
    this.out.push({ type: 'channel-message', id: ch.id, data, binary });
  }

  private onDcep(id: number, data: Uint8Array): void {
    const res = decodeDcep(data);
    if (!res.ok) {
      this.counters.inc('datachannel.bad-dcep');
      log.debug(`dropped DCEP message on stream ${id}: ${res.error.message}`);
      return;
    }
    const m = res.value;
    if (m.type === 'ack') {
      const ch = this.channels.get(id);
      if (ch) ch.awaitingAck = false;
      else this.counters.inc('datachannel.ack-for-unknown-channel');
      return;
    }
    if (this.channels.has(id)) {
      // Both ends picked the same id (only possible when one ignores the role rule).
      this.counters.inc('datachannel.open-for-used-id');
      log.debug(`ignored DATA_CHANNEL_OPEN for stream ${id}, which is in use`);
      return;
    }
    if (this.channels.size >= MAX_CHANNELS) {
      this.counters.inc('datachannel.too-many-channels');
      this.sctp.handleInput(this.now, { type: 'reset-streams', streamIds: [id] });
      return;
    }
    const ch = this.addChannel(id, {
      label: m.label,
      protocol: m.protocol,
      ...reliabilityOf(m),
      priority: m.priority,
      negotiated: false,
    });
    this.sctp.setStreamPriority(id, ch.priority);
    // RFC 8832 6: answer with an ACK on the same stream, ordered and reliable.
    this.sctp.handleInput(this.now, {
      type: 'send',
      streamId: id,
      ppid: Ppid.DCEP,
      data: encodeDcep({ type: 'ack' }),
      ordered: true,
      control: true,
    });
    this.announce(ch, true);
  }

  private onStreamReset(id: number, direction: 'incoming' | 'outgoing'): void {
    const ch = this.channels.get(id);
    if (!ch) return;
    if (direction === 'outgoing') ch.outgoingReset = true;
    else {
      ch.incomingReset = true;
      if (ch.state !== 'closing') {
        // RFC 8831 6.7: the peer closed; reset our side too.
        ch.state = 'closing';
        this.out.push({ type: 'channel-closing', id });
        this.sctp.handleInput(this.now, { type: 'reset-streams', streamIds: [id] });
      }
    }
    if (ch.outgoingReset && ch.incomingReset) {
      ch.state = 'closed';
      this.channels.delete(id);
      this.out.push({ type: 'channel-closed', id });
    }
  }
}

const OWN_CODES: ReadonlySet<string> = new Set<DataChannelErrorCode>([
  'message-too-large',
  'invalid-state',
  'unknown-channel',
  'id-in-use',
  'no-free-id',
  'invalid-options',
  'send-buffer-full',
]);

/** Error codes of this layer pass through; the association's others become 'sctp-error'. */
function channelErrorCode(code: string): DataChannelErrorCode {
  return OWN_CODES.has(code) ? (code as DataChannelErrorCode) : 'sctp-error';
}
