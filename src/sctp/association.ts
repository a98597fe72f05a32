/**
 * A sans-IO SCTP association (RFC 9260) for use over DTLS (RFC 8261), with partial
 * reliability (RFC 3758) and stream reset (RFC 6525), as WebRTC data channels need.
 *
 * Inputs are SCTP packets (a core `Datagram`; the addresses are ignored, since DTLS already
 * identifies the peer) and commands. Outputs are `Transmit`s without addresses and events.
 * Received payloads are delivered as views into the datagram that carried them when a
 * message fits in one chunk, so callers hand in buffers they will not reuse.
 *
 * Both ends of a WebRTC association usually send INIT at once; the collision is resolved as
 * RFC 9260 5.2 describes, so `connect` is safe on both sides. With SNAP (`snapPeerInit`, the
 * peer's INIT from its SDP, draft-hancke-tsvwg-snap), `connect` establishes the association
 * at once and no handshake chunk is sent.
 */

import { ByteReader, ByteWriter, sharedSlab, utf8Encode } from '../core/bytes.js';
import { Counters } from '../core/counters.js';
import { SansRtcError, err, ok, type Result } from '../core/errors.js';
import type { Datagram, Engine, Transmit } from '../core/engine.js';
import { OutputQueue } from '../core/engine.js';
import { logger } from '../core/log.js';
import { randomBytes, type Random } from '../core/random.js';
import { earliest, type Millis } from '../core/time.js';
import {
  decodePacket,
  encodeChunk,
  ErrorCauseCode,
  FLAG_IMMEDIATE,
  setChecksum,
  writeCommonHeader,
  type Chunk,
  type DataChunk,
  type ErrorCause,
  type InitChunk,
} from './chunks.js';
import { cubicController, type CongestionControllerFactory } from './congestion.js';
import {
  ACK_EVERY_PACKETS,
  COMMON_HEADER_SIZE,
  COOKIE_KEY_SIZE,
  DATA_CHUNK_HEADER_SIZE,
  DEFAULT_MAX_SEND_BUFFER,
  DEFAULT_MTU,
  DEFAULT_RECEIVE_WINDOW,
  DEFAULT_REMOTE_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  DELAYED_ACK_MS,
  HEARTBEAT_INTERVAL_MS,
  LOCAL_MAX_MESSAGE_SIZE,
  MAX_ASSOCIATION_RETRANSMITS,
  MAX_DUP_TSNS_PER_SACK,
  MAX_INIT_RETRANSMITS,
  MAX_STREAMS,
  MAX_TSN_LOOKAHEAD,
  MIN_MTU,
  RTO_INITIAL_MS,
  RTO_MAX_MS,
  SACK_HEADER_SIZE,
  VALID_COOKIE_LIFE_MS,
} from './constants.js';
import { openCookie, signCookie, type CookieState } from './cookie.js';
import { localInitChunk } from './snap.js';
import { Reassembly, type DeliveredMessage } from './reassembly.js';
import { Sender, type BufferedAmountLow, type OutChunk } from './sender.js';
import { StreamResets } from './stream-reset.js';
import { tsnDiff } from './serial.js';
import { TsnTracker } from './tsn-tracker.js';

const log = logger('sansrtc:sctp');

export interface SctpAssociationOptions {
  /** The DTLS role; informational here (both ends may connect), used by DCEP for stream ids. */
  readonly role: 'client' | 'server';
  readonly rng: Random;
  /** From `a=sctp-port` (RFC 8841 5); 5000 when absent. */
  readonly localPort?: number;
  readonly remotePort?: number;
  /** Largest SCTP packet we send (default 1200). */
  readonly mtu?: number;
  /** Largest message we accept (advertised in SDP `a=max-message-size`). */
  readonly maxMessageSize?: number;
  /** The peer's `a=max-message-size`; 65536 when its SDP has none, 0 for no limit (RFC 8841 6.1). */
  readonly remoteMaxMessageSize?: number;
  /** Our receive window in bytes. */
  readonly receiveWindow?: number;
  /** Bound on bytes queued but not yet sent, across streams. */
  readonly maxSendBuffer?: number;
  /**
   * We run over DTLS, which protects integrity: announce and use zero checksums (RFC 9653,
   * EDMID 1), skipping the CRC32c on both ends when the peer announces it too. Default false.
   */
  readonly zeroChecksum?: boolean;
  /**
   * Congestion controller. Default: CUBIC (RFC 9438) congestion avoidance over RFC 9260 slow
   * start with HyStart++; `renoController` gives RFC 9260 7.2 congestion avoidance.
   */
  readonly congestionController?: CongestionControllerFactory;
  /**
   * Our verification tag and initial TSN (default: random from `rng`). SNAP puts our INIT in
   * the SDP before the association exists, so the caller chooses them (RFC 9260 5.3.1: random).
   */
  readonly initiateTag?: number;
  readonly initialTsn?: number;
  /**
   * SNAP (draft-hancke-tsvwg-snap 6): the peer's INIT from its `a=sctp-init`, when both SDPs
   * carried one. `connect` then takes the peer's parameters from it and is ESTABLISHED at once.
   */
  readonly snapPeerInit?: InitChunk;
}

export interface SendCommand {
  readonly type: 'send';
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
  readonly ordered: boolean;
  /** RFC 3758 limited retransmissions. */
  readonly maxRetransmits?: number | undefined;
  /** RFC 3758 timed reliability, in ms from the send. */
  readonly maxLifetime?: number | undefined;
  /** Protocol traffic of the layer above (DCEP): not counted in bufferedAmount. */
  readonly control?: boolean | undefined;
}

export type SctpCommand =
  | { readonly type: 'connect' }
  | SendCommand
  | { readonly type: 'reset-streams'; readonly streamIds: readonly number[] }
  | { readonly type: 'shutdown' }
  | { readonly type: 'abort'; readonly reason?: string }
  /**
   * A round-trip time measured below (ICE, ms). Before SCTP has measured one itself it is
   * taken as the first measurement (RFC 6298 2.2: RTO = 3 x RTT, at least RTO.Min), so a
   * lost INIT, COOKIE ECHO or first DATA (a DCEP OPEN) is resent after that instead of
   * RTO.Initial's 1 s.
   */
  | { readonly type: 'set-round-trip-time'; readonly rtt: number };

export type SctpCloseReason = 'shutdown' | 'abort' | 'peer-abort' | 'timeout';

export type SctpErrorCode =
  | 'message-too-large'
  | 'empty-message'
  | 'send-buffer-full'
  | 'invalid-stream'
  | 'not-connected'
  | 'reset-denied'
  | 'peer-error';

/** Why a message was not queued. */
export class SctpSendError extends SansRtcError {
  override readonly code: SctpErrorCode;
  readonly streamId: number;
  constructor(code: SctpErrorCode, message: string, streamId: number) {
    super(code, message);
    this.code = code;
    this.streamId = streamId;
  }
}

export type SctpEvent =
  | { readonly type: 'connected' }
  | DeliveredMessage
  | {
      readonly type: 'stream-reset';
      /** 'incoming': the peer reset its outgoing stream; 'outgoing': our reset completed. */
      readonly direction: 'incoming' | 'outgoing';
      readonly streamIds: readonly number[];
    }
  | BufferedAmountLow
  | { readonly type: 'closed'; readonly reason: SctpCloseReason; readonly detail?: string }
  | { readonly type: 'error'; readonly code: SctpErrorCode; readonly message: string; readonly streamId?: number };

export type SctpOutput = Transmit | SctpEvent;

export interface SctpStats {
  /** Congestion window, bytes. */
  readonly cwnd: number;
  /** Bytes sent and not yet acknowledged. */
  readonly flightSize: number;
  /** The peer's last advertised receive window. */
  readonly peerRwnd: number;
  /** Smoothed round trip time (ms), once measured. */
  readonly srtt: number | undefined;
  readonly rto: number;
  /** Bytes queued and not yet sent, over all streams. */
  readonly bufferedBytes: number;
  /** Nothing queued and nothing unacknowledged. */
  readonly idle: boolean;
}

export type SctpState =
  | 'closed'
  | 'cookie-wait'
  | 'cookie-echoed'
  | 'established'
  | 'shutdown-pending'
  | 'shutdown-sent'
  | 'shutdown-received'
  | 'shutdown-ack-sent';

/** The packet writer and chunk scratch writer all associations share (see `SctpAssociation.w`). */
const sharedPacketWriter = new ByteWriter(DEFAULT_MTU);
const sharedScratchWriter = new ByteWriter(256);

export class SctpAssociation implements Engine<Datagram | SctpCommand, SctpOutput> {
  readonly role: 'client' | 'server';
  readonly localPort: number;
  readonly remotePort: number;
  readonly mtu: number;
  readonly maxMessageSize: number;
  readonly remoteMaxMessageSize: number;
  readonly counters = new Counters();
  state: SctpState = 'closed';

  private readonly rng: Random;
  private readonly receiveWindow: number;
  private readonly out = new OutputQueue<SctpOutput>();
  /**
   * Where `flush` builds a packet and `sendSingle` / control chunks are encoded: shared by
   * every association in the process (bench/memory.ts: ~1.4 KiB less per connection). Safe
   * because each use resets the writer and ends (copied out or finished) before the method
   * returns, and nothing in between calls into another association.
   */
  private readonly w = sharedPacketWriter;
  private readonly scratch = sharedScratchWriter;
  /**
   * Outgoing packets are copied out of `w` into views of this (no ArrayBuffer per packet).
   * The process-wide slab, not one per association: an idle association then holds no
   * 64 KiB slab (bench/memory.ts).
   */
  private readonly packets = sharedSlab;
  /** Our verification tag: every packet the peer sends us carries it (RFC 9260 8.5). */
  readonly localTag: number;
  private readonly localInitialTsn: number;
  private readonly cookieKey: Uint8Array;
  private readonly snapPeerInit: InitChunk | undefined;
  private peerTag = 0;
  private peerForwardTsn = false;
  private peerReconfig = false;
  private readonly zeroChecksum: boolean;
  /** Both ends accept zero checksums: packets after the handshake go without CRC32c. */
  private skipChecksum = false;
  private outboundStreams = MAX_STREAMS;
  private readonly sender: Sender;
  private tracker: TsnTracker | undefined;
  private readonly reassembly: Reassembly;
  private now: Millis = 0;
  private dirty = false;
  /** Closed after having started: the association is over and ignores all input. */
  private finished = false;

  // Handshake (RFC 9260 5.1): T1 retransmits INIT or COOKIE ECHO.
  private t1: Millis | undefined;
  private t1Rto = RTO_INITIAL_MS;
  private t1Count = 0;
  private cookieEcho: Uint8Array | undefined;
  /** The first COOKIE ECHO is still to go, with what DATA fits after it (RFC 9260 5.1 D). */
  private cookieEchoPending = false;

  // Acknowledgement (RFC 9260 6.2).
  private sackNow = false;
  private ackDeadline: Millis | undefined;
  private packetsSinceAck = 0;
  private dups: number[] = [];

  /** Control chunks waiting for the next packet. */
  private control: Chunk[] = [];

  // Shutdown (RFC 9260 9.2): T2 retransmits SHUTDOWN or SHUTDOWN ACK.
  private t2: Millis | undefined;
  private t2Count = 0;

  // Heartbeats (RFC 9260 8.3).
  private heartbeatAt: Millis | undefined;
  private heartbeatNonce = 0;
  private heartbeatSentAt: Millis | undefined;

  /** Stream reset (RFC 6525). */
  private readonly resets: StreamResets;

  constructor(opts: SctpAssociationOptions) {
    this.role = opts.role;
    this.rng = opts.rng;
    this.localPort = opts.localPort ?? DEFAULT_SCTP_PORT;
    this.remotePort = opts.remotePort ?? DEFAULT_SCTP_PORT;
    this.mtu = Math.max(MIN_MTU, opts.mtu ?? DEFAULT_MTU) & ~3;
    this.maxMessageSize = opts.maxMessageSize ?? LOCAL_MAX_MESSAGE_SIZE;
    // RFC 8841 6.1: zero means the peer takes messages of any size (the send buffer bounds them).
    const remoteMax = opts.remoteMaxMessageSize ?? DEFAULT_REMOTE_MAX_MESSAGE_SIZE;
    this.remoteMaxMessageSize = remoteMax === 0 ? Number.MAX_SAFE_INTEGER : remoteMax;
    this.receiveWindow = opts.receiveWindow ?? DEFAULT_RECEIVE_WINDOW;
    this.zeroChecksum = opts.zeroChecksum ?? false;
    // RFC 9260 5.3.1: a random non-zero tag; the initial TSN is random too.
    this.localTag = opts.initiateTag !== undefined ? opts.initiateTag >>> 0 || 1 : (this.rng.u32() >>> 0) || 1;
    this.localInitialTsn = opts.initialTsn !== undefined ? opts.initialTsn >>> 0 : this.rng.u32() >>> 0;
    this.snapPeerInit = opts.snapPeerInit;
    this.cookieKey = randomBytes(this.rng, COOKIE_KEY_SIZE);
    const cc = (opts.congestionController ?? cubicController)(this.mtu);
    const maxFragment = this.mtu - COMMON_HEADER_SIZE - DATA_CHUNK_HEADER_SIZE;
    this.sender = new Sender(
      this.localInitialTsn,
      cc,
      maxFragment,
      opts.maxSendBuffer ?? DEFAULT_MAX_SEND_BUFFER,
      this.out,
      this.counters,
    );
    this.reassembly = new Reassembly(this.out, this.maxMessageSize);
    const sender = this.sender;
    const reassembly = this.reassembly;
    const out = this.out;
    const control = (c: Chunk) => this.control.push(c);
    const tracker = () => this.tracker;
    this.resets = new StreamResets(
      {
        hasQueued: (id) => sender.hasQueued(id),
        get nextTsn() {
          return sender.nextTsn;
        },
        get cumTsn() {
          return tracker()!.cumTsn;
        },
        get rto() {
          return sender.rto.rto;
        },
        resetOutgoing: (id) => sender.resetSsn(id),
        resetIncoming: (id) => reassembly.resetStream(id),
        sendControl: control,
        resetDone: (direction, streamIds) => out.push({ type: 'stream-reset', direction, streamIds }),
        resetRefused: (streamIds, result) =>
          out.push({
            type: 'error',
            code: 'reset-denied',
            message: `the peer refused to reset streams ${streamIds.join(',')} (result ${result})`,
          }),
      },
      this.localInitialTsn,
    );
  }

  /** A snapshot of the data path, for monitoring, tests and benchmarks. */
  get stats(): SctpStats {
    const s = this.sender;
    return {
      cwnd: s.cwnd,
      flightSize: s.flightSize,
      peerRwnd: s.peerRwnd,
      srtt: s.rto.srtt,
      rto: s.rto.rto,
      bufferedBytes: s.bufferedBytes,
      idle: s.idle,
    };
  }

  /** Bytes queued on `streamId` and not yet sent (the W3C bufferedAmount). */
  bufferedAmount(streamId: number): number {
    return this.sender.bufferedAmount(streamId);
  }

  /**
   * Scheduling priority of an outgoing stream, in DCEP/W3C units (RFC 8831 6.4: very-low
   * 128, low 256, medium 512, high 1024). Each step up doubles the stream's share of turns.
   */
  setStreamPriority(streamId: number, priority: number): void {
    this.sender.setWeight(streamId, Math.max(1, Math.round(priority / 128)));
  }

  /** A 'buffered-amount-low' event fires when the amount drops to `bytes` or below. */
  setBufferedAmountLowThreshold(streamId: number, bytes: number): void {
    this.sender.setLowThreshold(streamId, bytes);
  }

  private get established(): boolean {
    return (
      this.state === 'established' || this.state === 'shutdown-pending' || this.state === 'shutdown-received'
    );
  }

  // -------------------------------------------------------------------------------------
  // Engine contract

  handleInput(now: Millis, input: Datagram | SctpCommand): void {
    this.now = now;
    this.dirty = true;
    if (this.finished) {
      if (input.type === 'send') this.out.push({ type: 'error', code: 'not-connected', message: 'the association is closed', streamId: input.streamId });
      else if (input.type === 'datagram') this.receiveOutOfTheBlue(input.data);
      else this.counters.inc('sctp.input-after-close');
      return;
    }
    switch (input.type) {
      case 'datagram':
        this.receive(now, input.data);
        return;
      case 'connect':
        if (this.state !== 'closed' || this.peerTag !== 0) return;
        if (this.snapPeerInit) this.snapEstablish(now, this.snapPeerInit);
        else this.sendInit(now);
        return;
      case 'send': {
        const r = this.sendMessage(now, input);
        if (!r.ok) this.out.push({ type: 'error', code: r.error.code, message: r.error.message, streamId: input.streamId });
        return;
      }
      case 'set-round-trip-time':
        this.sender.rto.seed(input.rtt);
        return;
      case 'reset-streams':
        this.resets.request(input.streamIds);
        this.startReset(now);
        return;
      case 'shutdown':
        if (this.state === 'established') {
          this.state = 'shutdown-pending';
          this.checkShutdown(now);
        } else if (this.state === 'cookie-wait' || this.state === 'cookie-echoed') {
          this.close('shutdown');
        }
        return;
      case 'abort':
        this.abort({ code: ErrorCauseCode.USER_ABORT, info: utf8Encode(input.reason ?? '') }, 'abort');
        return;
    }
  }

  handleTimeout(now: Millis): void {
    this.now = now;
    this.dirty = true;
    if (this.finished) return;
    if (this.t1 !== undefined && now >= this.t1) this.onT1(now);
    if (this.t2 !== undefined && now >= this.t2) this.onT2(now);
    if (this.ackDeadline !== undefined && now >= this.ackDeadline) {
      this.ackDeadline = undefined;
      this.sackNow = true;
    }
    if (this.established && this.sender.onT3Expired(now)) {
      if (this.sender.errorCount > MAX_ASSOCIATION_RETRANSMITS) {
        this.abort({ code: ErrorCauseCode.PROTOCOL_VIOLATION, info: new Uint8Array(0) }, 'timeout');
        return;
      }
    }
    this.resets.onTimeout(now);
    if (this.heartbeatAt !== undefined && now >= this.heartbeatAt) this.onHeartbeatTimer(now);
  }

  pollOutput(): SctpOutput | undefined {
    if (this.out.length === 0 && this.dirty) this.flush(this.now);
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this.dirty) this.flush(this.now);
    if (this.state === 'closed' && this.t1 === undefined) return undefined;
    let t = earliest(this.t1, this.t2);
    t = earliest(t, this.ackDeadline);
    // DATA sent with the COOKIE ECHO arms T3, which only acts once established.
    if (this.established) t = earliest(t, this.sender.t3);
    t = earliest(t, this.resets.timer);
    return earliest(t, this.heartbeatAt);
  }

  // -------------------------------------------------------------------------------------
  // Commands

  /**
   * Queues a message, or says why not. The 'send' command calls this and reports a refusal
   * as an 'error' event; a caller that needs the answer at once (a send() that throws) calls
   * it directly.
   */
  sendMessage(now: Millis, c: SendCommand): Result<void, SctpSendError> {
    const fail = (code: SctpErrorCode, message: string) => err(new SctpSendError(code, message, c.streamId));
    const opening = this.state === 'cookie-wait' || this.state === 'cookie-echoed';
    if (this.finished || (!this.established && !opening && this.state !== 'closed')) {
      return fail('not-connected', `cannot send in state ${this.finished ? 'closed' : this.state}`);
    }
    if (c.data.length === 0) return fail('empty-message', 'SCTP cannot carry an empty message');
    if (c.data.length > this.remoteMaxMessageSize) {
      return fail(
        'message-too-large',
        `message of ${c.data.length} bytes exceeds the remote max-message-size of ${this.remoteMaxMessageSize}`,
      );
    }
    if (c.streamId >= this.outboundStreams || c.streamId < 0) {
      return fail('invalid-stream', `stream ${c.streamId} is outside the ${this.outboundStreams} negotiated`);
    }
    this.now = now;
    this.dirty = true;
    const queued = this.sender.enqueue(
      {
        streamId: c.streamId,
        ppid: c.ppid,
        data: c.data,
        unordered: !c.ordered,
        maxRetransmits: c.maxRetransmits,
        maxLifetime: c.maxLifetime,
        control: c.control,
      },
      now,
    );
    return queued ? ok(undefined) : fail('send-buffer-full', 'the send buffer is full');
  }

  private sendInit(now: Millis): void {
    this.state = 'cookie-wait';
    this.t1Count = 0;
    this.t1Rto = this.sender.rto.rto; // RTO.Initial unless a round-trip time was given
    this.sendSingle(this.initChunk('init'), 0);
    this.t1 = now + this.t1Rto;
  }

  /** The INIT we send (or would: SNAP puts it in the SDP); the INIT ACK adds the cookie. */
  initChunk(type: 'init' | 'init-ack' = 'init', cookie?: Uint8Array): InitChunk {
    const p = { initiateTag: this.localTag, initialTsn: this.localInitialTsn, receiveWindow: this.receiveWindow, zeroChecksum: this.zeroChecksum };
    return localInitChunk(p, type, cookie);
  }

  /**
   * SNAP (draft-hancke-tsvwg-snap 6): the peer's INIT came in its SDP, ours went in ours; skip
   * RFC 9260 5.1 A-E and be ESTABLISHED now, as if the peer had answered our COOKIE ECHO.
   */
  private snapEstablish(now: Millis, peer: InitChunk): void {
    this.counters.inc('sctp.snap');
    this.adoptPeer(peer.initiateTag, peer.initialTsn, peer.aRwnd, peer.inboundStreams, peer.forwardTsn, peer.reconfig, peer.zeroChecksum ?? false);
    this.establish(now);
  }

  private onT1(now: Millis): void {
    this.t1 = undefined;
    if (this.state !== 'cookie-wait' && this.state !== 'cookie-echoed') return;
    if (++this.t1Count > MAX_INIT_RETRANSMITS) {
      this.close('timeout', 'no answer to INIT or COOKIE ECHO');
      return;
    }
    // RFC 9260 5.1 A, C: retransmit and back off.
    this.t1Rto = Math.min(this.t1Rto * 2, RTO_MAX_MS);
    if (this.state === 'cookie-wait') this.sendSingle(this.initChunk('init'), 0);
    else this.sendSingle({ type: 'cookie-echo', cookie: this.cookieEcho! }, this.peerTag);
    this.t1 = now + this.t1Rto;
  }

  private abort(cause: ErrorCause, reason: SctpCloseReason): void {
    if (this.state === 'closed' && this.peerTag === 0) {
      this.close(reason);
      return;
    }
    if (this.peerTag !== 0) this.sendSingle({ type: 'abort', reflected: false, causes: [cause] }, this.peerTag);
    this.close(reason);
  }

  private close(reason: SctpCloseReason, detail?: string): void {
    this.state = 'closed';
    this.finished = true;
    this.t1 = this.t2 = this.ackDeadline = this.resets.timer = this.heartbeatAt = undefined;
    this.sender.t3 = undefined;
    this.sackNow = false;
    this.control = [];
    this.peerTag = 0;
    this.out.push(detail === undefined ? { type: 'closed', reason } : { type: 'closed', reason, detail });
  }

  // -------------------------------------------------------------------------------------
  // Receiving

  private receive(now: Millis, data: Uint8Array): void {
    const res = decodePacket(data, true, this.zeroChecksum);
    if (!res.ok) {
      this.counters.inc('sctp.bad-packet');
      log.debug(`dropped packet: ${res.error.message}`);
      return;
    }
    const { header, chunks } = res.value;
    if (header.dstPort !== this.localPort || header.srcPort !== this.remotePort) {
      this.counters.inc('sctp.wrong-port');
      log.debug(`dropped packet for ports ${header.srcPort}->${header.dstPort}`);
      return;
    }
    if (chunks.length === 0) return;
    const first = chunks[0]!;
    // RFC 9260 8.5.1 verification tag rules.
    if (first.type === 'init') {
      if (chunks.length !== 1 || header.verificationTag !== 0) {
        this.counters.inc('sctp.bad-init');
        return;
      }
      this.onInit(now, first);
      return;
    }
    if (first.type === 'abort' || first.type === 'shutdown-complete') {
      const expected = first.reflected ? this.peerTag : this.localTag;
      if (header.verificationTag !== expected || expected === 0) {
        this.counters.inc('sctp.bad-tag');
        return;
      }
    } else if (header.verificationTag !== this.localTag) {
      this.counters.inc('sctp.bad-tag');
      log.debug('dropped packet with a wrong verification tag');
      return;
    }
    const hadGaps = this.tracker?.hasGaps ?? false;
    let dataChunks = 0;
    let newData = 0;
    let immediate = false;
    for (const c of chunks) {
      if (this.state === 'closed' && c.type !== 'cookie-echo') break;
      switch (c.type) {
        case 'data':
          dataChunks++;
          if (c.flags & FLAG_IMMEDIATE) immediate = true;
          if (this.onData(c)) newData++;
          break;
        case 'init-ack':
          this.onInitAck(now, c);
          break;
        case 'cookie-echo':
          this.onCookieEcho(now, c.cookie);
          break;
        case 'cookie-ack':
          if (this.state === 'cookie-echoed') this.establish(now);
          break;
        case 'sack':
          if (this.established || this.state === 'shutdown-sent' || this.state === 'shutdown-ack-sent') {
            this.sender.onSack(c, now);
            this.checkShutdown(now);
          }
          break;
        case 'forward-tsn':
          this.onForwardTsn(c.newCumTsn, c.streams);
          break;
        case 'reconfig':
          if (this.established || this.state === 'shutdown-sent') {
            const ignored = this.resets.onReconfig(now, c.params);
            if (ignored) this.counters.inc('sctp.unknown-reconfig-param', ignored);
          }
          break;
        case 'heartbeat':
          this.control.push({ type: 'heartbeat-ack', info: c.info });
          break;
        case 'heartbeat-ack':
          this.onHeartbeatAck(now, c.info);
          break;
        case 'abort':
          this.close('peer-abort', describeCauses(c.causes));
          return;
        case 'error':
          this.onError(now, c.causes);
          break;
        case 'shutdown':
          this.onShutdown(now, c.cumTsn);
          break;
        case 'shutdown-ack':
          if (this.state === 'shutdown-sent' || this.state === 'shutdown-ack-sent') {
            this.sendSingle({ type: 'shutdown-complete', reflected: false }, this.peerTag);
            this.close('shutdown');
            return;
          }
          break;
        case 'shutdown-complete':
          if (this.state === 'shutdown-ack-sent') {
            this.close('shutdown');
            return;
          }
          break;
        case 'init':
          // INIT bundled with other chunks (RFC 9260 6.10 forbids it).
          this.counters.inc('sctp.bad-init');
          return;
        case 'unknown':
          // RFC 9260 3.2: the top two bits of the type say skip or stop, report or not.
          this.counters.inc('sctp.unknown-chunk');
          if (c.chunkType & 0x40) {
            this.control.push({ type: 'error', causes: [{ code: ErrorCauseCode.UNRECOGNIZED_CHUNK, info: c.raw }] });
          }
          if (!(c.chunkType & 0x80)) return this.afterData(now, dataChunks, newData, hadGaps, immediate);
          break;
      }
    }
    this.afterData(now, dataChunks, newData, hadGaps, immediate);
  }

  /** RFC 9260 6.2 acknowledgement policy, after a packet's chunks are processed. */
  private afterData(now: Millis, dataChunks: number, newData: number, hadGaps: boolean, immediate: boolean): void {
    if (dataChunks === 0 || !this.tracker) return;
    this.resets.onCumTsn();
    this.packetsSinceAck++;
    if (
      immediate ||
      newData < dataChunks || // duplicates: ack at once (6.2)
      hadGaps ||
      this.tracker.hasGaps ||
      this.packetsSinceAck >= ACK_EVERY_PACKETS ||
      this.state === 'shutdown-sent'
    ) {
      this.sackNow = true;
      if (this.state === 'shutdown-sent') this.control.push({ type: 'shutdown', cumTsn: this.tracker.cumTsn });
    } else {
      this.ackDeadline ??= now + DELAYED_ACK_MS;
    }
  }

  /**
   * A packet after the association ended (RFC 9260 8.4). A SHUTDOWN ACK means our SHUTDOWN
   * COMPLETE was lost: answer with one whose T bit says the tag is reflected (8.4 item 5),
   * so the peer closes too instead of timing out. Anything else is dropped.
   */
  private receiveOutOfTheBlue(data: Uint8Array): void {
    this.counters.inc('sctp.input-after-close');
    const res = decodePacket(data, true, this.zeroChecksum);
    if (!res.ok || !res.value.chunks.some((c) => c.type === 'shutdown-ack')) return;
    this.sendSingle({ type: 'shutdown-complete', reflected: true }, res.value.header.verificationTag);
  }

  /** Returns whether the chunk carried a new TSN. */
  private onData(c: DataChunk): boolean {
    const tracker = this.tracker;
    if (!tracker || !(this.established || this.state === 'shutdown-sent')) {
      this.counters.inc('sctp.data-before-established');
      return false;
    }
    if (c.payload.length === 0) {
      // RFC 9260 6.2: a DATA chunk without user data aborts the association.
      const info = new Uint8Array(4);
      new DataView(info.buffer).setUint32(0, c.tsn);
      this.abort({ code: ErrorCauseCode.NO_USER_DATA, info }, 'abort');
      return false;
    }
    const d = tsnDiff(c.tsn, tracker.cumTsn);
    if (d > MAX_TSN_LOOKAHEAD) {
      this.counters.inc('sctp.tsn-too-far');
      return false;
    }
    // RFC 9260 6.2: drop what does not fit the window, except the next TSN in sequence
    // (which always makes progress) as long as a hard bound of twice the window holds.
    const buffered = this.reassembly.bufferedBytes + c.payload.length;
    if (d > 1 ? buffered > this.receiveWindow : buffered > 2 * this.receiveWindow) {
      this.counters.inc('sctp.rwnd-drop');
      return false;
    }
    if (tracker.add(c.tsn) === 'duplicate') {
      if (this.dups.length < MAX_DUP_TSNS_PER_SACK) this.dups.push(c.tsn);
      this.counters.inc('sctp.duplicate-tsn');
      return false;
    }
    if (c.streamId >= MAX_STREAMS) {
      // RFC 9260 6.5: report and drop, but the TSN counts as received.
      const info = new Uint8Array(4);
      new DataView(info.buffer).setUint16(0, c.streamId);
      this.control.push({ type: 'error', causes: [{ code: ErrorCauseCode.INVALID_STREAM, info }] });
      return true;
    }
    if (this.reassembly.add(c) === 'too-large') {
      this.counters.inc('sctp.message-too-large');
      log.debug(`dropped a message larger than ${this.maxMessageSize} bytes`);
    }
    return true;
  }

  private onInit(now: Millis, init: InitChunk): void {
    switch (this.state) {
      case 'closed':
      case 'cookie-wait':
      case 'cookie-echoed': {
        // RFC 9260 5.1 B, 5.2.1: answer with an INIT ACK carrying our original parameters and
        // a cookie; keep no state (the cookie holds it).
        const cookie = signCookie(this.cookieKey, {
          localTag: this.localTag,
          localInitialTsn: this.localInitialTsn,
          peerTag: init.initiateTag,
          peerInitialTsn: init.initialTsn,
          peerRwnd: init.aRwnd,
          peerOutboundStreams: init.outboundStreams,
          peerInboundStreams: init.inboundStreams,
          peerForwardTsn: init.forwardTsn,
          peerReconfig: init.reconfig,
          peerZeroChecksum: init.zeroChecksum ?? false,
          created: now,
        });
        const ack = this.initChunk('init-ack', cookie);
        this.sendSingle(init.unrecognized ? { ...ack, unrecognized: init.unrecognized } : ack, init.initiateTag);
        return;
      }
      default:
        // 5.2.2 (a peer restart) is not supported: the peer must open a new association.
        this.counters.inc('sctp.unexpected-init');
    }
  }

  private onInitAck(now: Millis, ack: InitChunk): void {
    if (this.state !== 'cookie-wait') {
      this.counters.inc('sctp.unexpected-init-ack'); // RFC 9260 5.2.3: discard
      return;
    }
    if (!ack.cookie) {
      // RFC 9260 5.1 (missing mandatory parameter): abort.
      this.peerTag = ack.initiateTag;
      this.abort({ code: ErrorCauseCode.MISSING_PARAMETER, info: new Uint8Array([0, 0, 0, 1, 0, 7]) }, 'abort');
      return;
    }
    this.adoptPeer(ack.initiateTag, ack.initialTsn, ack.aRwnd, ack.inboundStreams, ack.forwardTsn, ack.reconfig, ack.zeroChecksum ?? false);
    this.cookieEcho = ack.cookie.slice();
    this.state = 'cookie-echoed';
    this.t1Count = 0;
    this.t1Rto = this.sender.rto.rto;
    // Sent by the next flush, bundled with queued DATA (a DCEP OPEN): RFC 9260 5.1 D allows
    // DATA after the COOKIE ECHO in its packet, so the peer has the data one round trip
    // sooner than after our COOKIE ACK.
    this.cookieEchoPending = true;
    this.dirty = true;
    this.t1 = now + this.t1Rto;
  }

  private adoptPeer(
    tag: number,
    initialTsn: number,
    rwnd: number,
    peerInbound: number,
    forwardTsn: boolean,
    reconfig: boolean,
    zeroChecksum: boolean,
  ): void {
    this.peerTag = tag;
    this.skipChecksum = this.zeroChecksum && zeroChecksum;
    this.tracker = new TsnTracker(initialTsn);
    this.resets.setPeerInitialTsn(initialTsn);
    this.outboundStreams = Math.min(MAX_STREAMS, peerInbound);
    this.peerForwardTsn = forwardTsn;
    this.peerReconfig = reconfig;
    this.sender.start(rwnd, forwardTsn);
  }

  private onCookieEcho(now: Millis, cookie: Uint8Array): void {
    const res = openCookie(this.cookieKey, cookie, now, VALID_COOKIE_LIFE_MS);
    if (!res.ok) {
      this.counters.inc('sctp.bad-cookie');
      log.debug(`dropped COOKIE ECHO: ${res.error.message}`);
      return;
    }
    const s = res.value;
    if (s.localTag !== this.localTag) {
      // RFC 9260 5.2.4 A and C (a restart or a cookie from an old association): unsupported.
      this.counters.inc('sctp.cookie-tag-mismatch');
      return;
    }
    if (s.staleBy > 0) {
      // RFC 9260 5.1.5 3: report a stale cookie with the staleness in microseconds.
      const info = new Uint8Array(4);
      new DataView(info.buffer).setUint32(0, Math.min(0xffffffff, Math.round(s.staleBy * 1000)));
      this.sendSingle({ type: 'error', causes: [{ code: ErrorCauseCode.STALE_COOKIE, info }] }, s.peerTag);
      return;
    }
    if (this.state === 'closed' || this.state === 'cookie-wait' || this.state === 'cookie-echoed') {
      // RFC 9260 5.1 D (no TCB) or 5.2.4 B/D (collision): the cookie gives the peer's state.
      if (this.state === 'closed' || this.state === 'cookie-wait' || s.peerTag !== this.peerTag) {
        this.adoptCookie(s);
      }
      this.establish(now);
    }
    // RFC 9260 5.2.4 D: in every case answer with a COOKIE ACK.
    this.control.push({ type: 'cookie-ack' });
  }

  private adoptCookie(s: CookieState): void {
    this.adoptPeer(
      s.peerTag,
      s.peerInitialTsn,
      s.peerRwnd,
      s.peerInboundStreams,
      s.peerForwardTsn,
      s.peerReconfig,
      s.peerZeroChecksum,
    );
  }

  private establish(now: Millis): void {
    if (this.established) return;
    this.state = 'established';
    this.t1 = undefined;
    this.cookieEcho = undefined;
    this.heartbeatAt = now + HEARTBEAT_INTERVAL_MS;
    this.out.push({ type: 'connected' });
  }

  private onError(now: Millis, causes: readonly ErrorCause[]): void {
    if (this.state === 'cookie-echoed' && causes.some((c) => c.code === ErrorCauseCode.STALE_COOKIE)) {
      // RFC 9260 5.2.6: start over with a fresh INIT.
      this.peerTag = 0;
      this.sendInit(now);
      return;
    }
    this.counters.inc('sctp.peer-error');
    this.out.push({ type: 'error', code: 'peer-error', message: describeCauses(causes) });
  }

  private onForwardTsn(newCum: number, streams: readonly number[]): void {
    if (!this.tracker || !this.established) return;
    // RFC 3758 3.6: treat everything up to newCum as received, drop what is left of the
    // abandoned messages, and acknowledge at once.
    this.tracker.forwardTo(newCum);
    this.reassembly.forward(newCum, streams);
    this.sackNow = true;
  }

  // -------------------------------------------------------------------------------------
  // Shutdown (RFC 9260 9.2)

  private onShutdown(now: Millis, cumTsn: number): void {
    if (this.state === 'established' || this.state === 'shutdown-pending') {
      this.sender.onSack({ type: 'sack', cumTsn, aRwnd: this.sender.peerRwnd, gaps: [], dups: [] }, now);
      this.state = 'shutdown-received';
      this.checkShutdown(now);
    } else if (this.state === 'shutdown-sent') {
      // Both ends shut down at once: answer with SHUTDOWN ACK.
      this.state = 'shutdown-ack-sent';
      this.t2Count = 0;
      this.control.push({ type: 'shutdown-ack' });
      this.t2 = now + this.sender.rto.rto;
    }
  }

  /** Sends SHUTDOWN or SHUTDOWN ACK once all our data is acknowledged. */
  private checkShutdown(now: Millis): void {
    if (!this.sender.idle) return;
    if (this.state === 'shutdown-pending') {
      this.state = 'shutdown-sent';
      this.t2Count = 0;
      this.control.push({ type: 'shutdown', cumTsn: this.tracker!.cumTsn });
      this.t2 = now + this.sender.rto.rto;
    } else if (this.state === 'shutdown-received') {
      this.state = 'shutdown-ack-sent';
      this.t2Count = 0;
      this.control.push({ type: 'shutdown-ack' });
      this.t2 = now + this.sender.rto.rto;
    }
  }

  private onT2(now: Millis): void {
    this.t2 = undefined;
    if (++this.t2Count > MAX_ASSOCIATION_RETRANSMITS) {
      this.abort({ code: ErrorCauseCode.PROTOCOL_VIOLATION, info: new Uint8Array(0) }, 'timeout');
      return;
    }
    this.sender.rto.backOff();
    if (this.state === 'shutdown-sent') this.control.push({ type: 'shutdown', cumTsn: this.tracker!.cumTsn });
    else if (this.state === 'shutdown-ack-sent') this.control.push({ type: 'shutdown-ack' });
    else return;
    this.t2 = now + this.sender.rto.rto;
  }

  // -------------------------------------------------------------------------------------
  // Heartbeats (RFC 9260 8.3)

  private onHeartbeatTimer(now: Millis): void {
    this.heartbeatAt = undefined;
    if (!this.established) return;
    if (this.heartbeatSentAt !== undefined) {
      // The last heartbeat went unanswered: count it against the association.
      if (++this.sender.errorCount > MAX_ASSOCIATION_RETRANSMITS) {
        this.abort({ code: ErrorCauseCode.PROTOCOL_VIOLATION, info: new Uint8Array(0) }, 'timeout');
        return;
      }
    }
    this.heartbeatNonce = this.rng.u32();
    this.heartbeatSentAt = now;
    const info = new ByteWriter(12).u32(this.heartbeatNonce).u48(Math.floor(now)).finish();
    this.control.push({ type: 'heartbeat', info });
    this.heartbeatAt = now + this.sender.rto.rto + HEARTBEAT_INTERVAL_MS;
  }

  private onHeartbeatAck(now: Millis, info: Uint8Array): void {
    const r = new ByteReader(info);
    const nonce = r.u32();
    if (r.failed || this.heartbeatSentAt === undefined || nonce !== this.heartbeatNonce) {
      this.counters.inc('sctp.bad-heartbeat-ack');
      return;
    }
    this.sender.rto.sample(now - this.heartbeatSentAt);
    this.heartbeatSentAt = undefined;
    this.sender.errorCount = 0;
  }

  // -------------------------------------------------------------------------------------
  // Stream reset (RFC 6525)

  /** Sends the next outgoing reset request, once established and if the peer can take it. */
  private startReset(now: Millis): void {
    if (!this.established) return;
    if (this.peerReconfig) this.resets.start(now);
    else if (this.resets.pending.length) {
      this.out.push({ type: 'error', code: 'reset-denied', message: 'the peer does not support stream reset' });
      this.resets.clearPending();
    }
  }

  // -------------------------------------------------------------------------------------
  // Sending packets

  /**
   * Sends one chunk alone in a packet (INIT, INIT ACK, COOKIE ECHO, ABORT, ...), always with
   * a CRC32c: these go out before zero checksums are agreed, or to a peer in doubt.
   */
  private sendSingle(chunk: Chunk, tag: number): void {
    const w = this.scratch.reset();
    writeCommonHeader(w, { srcPort: this.localPort, dstPort: this.remotePort, verificationTag: tag });
    encodeChunk(w, chunk);
    this.out.push({ type: 'transmit', data: setChecksum(w.finish()) });
  }

  /** Builds packets from pending control chunks, the SACK, and data, bundled to the MTU. */
  private flush(now: Millis): void {
    this.dirty = false;
    if (this.established) this.startReset(now);
    if (this.state === 'closed' || this.peerTag === 0) return;
    if (this.cookieEchoPending) this.flushCookieEcho(now);
    const canSendData = this.established;
    const w = this.w;
    for (;;) {
      w.reset();
      writeCommonHeader(w, { srcPort: this.localPort, dstPort: this.remotePort, verificationTag: this.peerTag });
      // RFC 9260 5.1 E: a COOKIE ACK goes first in its packet (DATA came with the COOKIE ECHO,
      // so a SACK may share the packet).
      const ca = this.control.findIndex((c) => c.type === 'cookie-ack');
      if (ca >= 0) {
        encodeChunk(w, this.control[ca]!);
        this.control.splice(ca, 1);
      }
      if (this.sackNow && this.tracker) this.writeSack();
      if (this.sender.forwardTsnPending && this.peerForwardTsn && canSendData) {
        const f = this.sender.forwardTsn();
        encodeChunk(w, { type: 'forward-tsn', newCumTsn: f.newCumTsn, streams: f.streams });
        this.sender.armT3(now);
      }
      while (this.control.length) {
        const c = this.control[0]!;
        const s = this.scratch.reset();
        encodeChunk(s, c);
        if (w.pos > COMMON_HEADER_SIZE && w.pos + s.pos > this.mtu) break;
        w.bytes(s.written());
        this.control.shift();
      }
      if (canSendData) {
        for (let c = this.sender.pull(now, this.mtu - w.pos); c; c = this.sender.pull(now, this.mtu - w.pos)) {
          this.writeData(c);
        }
      }
      if (w.pos === COMMON_HEADER_SIZE) return;
      this.sender.bypassCwnd = false;
      // RFC 9653 5: with zero checksums agreed, the field stays zero (DTLS protects it).
      const packet = this.packets.copy(w.written());
      this.out.push({ type: 'transmit', data: this.skipChecksum ? packet : setChecksum(packet) });
    }
  }

  /**
   * RFC 9260 5.1 D: one packet with the COOKIE ECHO first and as much queued DATA as fits;
   * nothing else until the COOKIE ACK. The CRC32c stays (the peer has no state yet to know
   * zero checksums were agreed). T1 resends the COOKIE ECHO alone; DATA lost with it is
   * retransmitted by T3 once established.
   */
  private flushCookieEcho(now: Millis): void {
    this.cookieEchoPending = false;
    if (this.state !== 'cookie-echoed' || !this.cookieEcho) return;
    const w = this.w.reset();
    writeCommonHeader(w, { srcPort: this.localPort, dstPort: this.remotePort, verificationTag: this.peerTag });
    encodeChunk(w, { type: 'cookie-echo', cookie: this.cookieEcho });
    for (let c = this.sender.pull(now, this.mtu - w.pos); c; c = this.sender.pull(now, this.mtu - w.pos)) this.writeData(c);
    this.sender.bypassCwnd = false;
    this.out.push({ type: 'transmit', data: setChecksum(this.packets.copy(w.written())) });
  }

  private writeSack(): void {
    const t = this.tracker!;
    encodeChunk(this.w, {
      type: 'sack',
      cumTsn: t.cumTsn,
      aRwnd: Math.max(0, this.receiveWindow - this.reassembly.bufferedBytes),
      // As many gap blocks as fit in one packet: after a burst of losses the sender needs
      // to see every hole to mark it for fast retransmit (RFC 9260 7.2.4).
      gaps: t.gapBlocks((this.mtu - COMMON_HEADER_SIZE - SACK_HEADER_SIZE - 4 * this.dups.length) >> 2),
      dups: this.dups,
    });
    this.dups = [];
    this.sackNow = false;
    this.ackDeadline = undefined;
    this.packetsSinceAck = 0;
  }

  private writeData(c: OutChunk): void {
    const m = c.msg;
    const w = this.w;
    const len = DATA_CHUNK_HEADER_SIZE + c.payload.length;
    w.u8(0).u8(c.flags).u16(len).u32(c.tsn).u16(m.streamId).u16(m.ssn).u32(m.ppid).bytes(c.payload);
    const pad = (4 - (len & 3)) & 3;
    if (pad) w.zeros(pad);
  }
}

function describeCauses(causes: readonly ErrorCause[]): string {
  return causes.map((c) => `cause ${c.code}`).join(', ') || 'no cause given';
}
