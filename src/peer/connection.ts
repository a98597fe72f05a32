/**
 * A sans-IO PeerConnection for data channels: one engine that composes
 *
 *   ICE agent (RFC 8445) -> DTLS endpoint (RFC 6347) -> SCTP association (RFC 8261, RFC 9260)
 *   -> data channels with DCEP (RFC 8831, RFC 8832)
 *
 * and drives them from JSEP offer/answer (RFC 8829) with one bundled
 * `m=application 9 UDP/DTLS/SCTP webrtc-datachannel` section (RFC 8841).
 *
 * Layers are created when what they need is known: the ICE agent when our ICE role is known
 * (we apply an offer: controlling; we receive one: controlled, RFC 8445 6.1.1), the DTLS
 * endpoint and the association when an answer fixes the DTLS role (RFC 8842 5). They live
 * until close(): renegotiation and ICE restarts keep the same DTLS and SCTP association.
 *
 * Outputs are pulled: handleInput and the public methods only feed the layers; pollOutput
 * and pollTimeout move data between them (ICE data -> DTLS -> SCTP -> channel events, and
 * back down) until all are quiet. So several send() calls before a poll share SCTP packets.
 */
import {
  Counters,
  earliest,
  logger,
  OutputQueue,
  randomString,
  utf8Encode,
  type Engine,
  type Millis,
  type Random,
  type Result,
  type TransportAddress,
  err,
  ok,
} from '../core/index.js';
import { DataChannelManager, type DataChannelOutput } from '../datachannel/index.js';
import { DtlsEndpoint, type DtlsCertificate, type DtlsOutput, type RemoteFingerprint } from '../dtls/index.js';
import {
  IceAgent,
  type IceConnectionState,
  type IceCredentials,
  type IceGatheringState,
  type IceOutput,
  type IceRole,
} from '../ice/index.js';
import {
  DEFAULT_MAX_MESSAGE_SIZE as SDP_DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  parseCandidate,
  parseDataChannelDescription,
  randomSessionId,
  serializeCandidate,
  type Candidate,
  type Fingerprint as SdpFingerprint,
  type ParsedDataChannelDescription,
} from '../sdp/index.js';
import type { InitChunk } from '../sctp/chunks.js';
import { DEFAULT_RECEIVE_WINDOW } from '../sctp/constants.js';
import { decodeSnapInit, encodeSnapInit, localInitChunk } from '../sctp/snap.js';
import { LocalCandidates } from './candidates.js';
import { ChannelTable, priorityName, type ChannelRecord } from './channels.js';
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MTU,
  DTLS_RECORD_OVERHEAD,
  MAX_HELD_DTLS,
  MAX_LOCAL_ADDRESSES,
  PRIORITY_VALUES,
  SCTP_ZERO_CHECKSUM,
  UNLIMITED_SEND_SIZE,
} from './constants.js';
import {
  agreedTa,
  answerLayout,
  answerSetup,
  INITIAL_LAYOUT,
  localFingerprint,
  offererRole,
  renderDescription,
  sameSdp,
  type DtlsRole,
  type Layout,
  type LocalParams,
} from './description.js';
import { invalidState, PeerError } from './errors.js';
import { isMdnsName, MdnsWaitlist } from './mdns.js';
import { peerConnectionState } from './state.js';
import type {
  ChannelInfo,
  DataChannelInit,
  DtlsTransportState,
  IceCandidateInit,
  PeerConnectionOptions,
  PeerConnectionState,
  PeerEvent,
  PeerInput,
  PeerOutput,
  PeerStats,
  SctpTransportState,
  SessionDescriptionInit,
  SessionDescriptionValue,
  SignalingState,
} from './types.js';

const log = logger('sansrtc:peer');

/** RFC 8832 6 / W3C 6.2: stream ids 0..65534. */
const MAX_STREAM_ID = 65534;
const MAX_LABEL_BYTES = 65535;
/** DTLS and SCTP ignore datagram addresses (the ICE pair identifies the peer). */
const NO_ADDRESS: TransportAddress = { family: 'IPv4', address: '0.0.0.0', port: 0 };

interface LocalDescription {
  readonly type: 'offer' | 'answer' | 'pranswer';
  readonly params: LocalParams;
}

interface RemoteDescription {
  readonly type: 'offer' | 'answer' | 'pranswer';
  readonly sdp: string;
  readonly parsed: ParsedDataChannelDescription;
}

type PeerCounter =
  | 'datagram-before-ice'
  | 'dtls-before-transport'
  | 'dtls-held-early'
  | 'dtls-held-full'
  | 'sctp-before-dtls'
  | 'local-addresses-full'
  | 'mdns-pending-full'
  | 'mdns-failed'
  | 'message-for-unknown-channel'
  | 'candidate-not-udp'
  | 'dtls-send-refused'
  | 'datachannel-error'
  | 'snap'
  | 'snap-invalid'
  | 'snap-echoed';

export class PeerConnection implements Engine<PeerInput, PeerOutput> {
  readonly counters = new Counters<PeerCounter>();

  private readonly rng: Random;
  private readonly certificate: DtlsCertificate;
  private options: PeerConnectionOptions;
  private readonly mtu: number;
  private readonly localMaxMessageSize: number;
  private readonly sessionId: string;
  private readonly fingerprint: SdpFingerprint;
  private readonly initialCredentials: IceCredentials;
  private sessionVersion = 0;
  /**
   * SNAP (draft-hancke-tsvwg-snap): our association's verification tag and initial TSN are
   * chosen now, so that the INIT in our SDP (`localSctpInit`, undefined when SNAP is off) is
   * the one the association would send, in every offer and answer (draft 5.6).
   */
  private readonly sctpTag: number;
  private readonly sctpInitialTsn: number;
  private readonly localSctpInit: string | undefined;
  /** Whether the association skipped the handshake (set when it is created). */
  private snapUsed = false;
  /** The last remote a=sctp-init read (a description is read up to three times). */
  private snapRead: { text: string; init: InitChunk | undefined } | undefined;

  private now: Millis = 0;
  private readonly out = new OutputQueue<PeerOutput>();
  private closed = false;

  // Layers, created as negotiation makes their parameters known.
  private ice: IceAgent | undefined;
  private gatherRequested = false;
  private dtls: DtlsEndpoint | undefined;
  private dtlsRole: DtlsRole | undefined;
  private dtlsCipher: string | undefined;
  private dcm: DataChannelManager | undefined;

  // States (W3C 4.3).
  private signaling: SignalingState = 'stable';
  private iceGathering: IceGatheringState = 'new';
  private iceConnection: IceConnectionState = 'new';
  private connection: PeerConnectionState = 'new';
  private dtlsState: DtlsTransportState = 'new';
  /**
   * DTLS datagrams made while ICE had no pair to send them on (a server's first flight can
   * answer a ClientHello that arrived just before our own check succeeded); sent as soon as
   * a pair is valid rather than after a DTLS retransmission timeout.
   */
  private heldDtls: Uint8Array[] = [];
  /**
   * DTLS datagrams received before the answer fixed our DTLS role: an offerer answers the
   * answerer's checks while the answer is still on its way, so the answerer's ClientHello
   * can arrive first. Handed to DTLS when it starts, instead of costing the client a 400 ms
   * retransmission (bench/run.ts setup samples of ~420 ms; browsers keep that ClientHello too).
   */
  private earlyDtls: { data: Uint8Array; from: TransportAddress }[] = [];
  private sctp: SctpTransportState | null = null;

  // Descriptions (W3C 4.4.1.1).
  private currentLocal: LocalDescription | undefined;
  private pendingLocal: LocalDescription | undefined;
  private currentRemote: RemoteDescription | undefined;
  private pendingRemote: RemoteDescription | undefined;
  private lastOffer: { sdp: string; params: LocalParams } | undefined;
  private lastAnswer: { sdp: string; params: LocalParams } | undefined;
  /** The m= layout of the last negotiation (re-offers keep it). */
  private layout: Layout = INITIAL_LAYOUT;

  // ICE restart (RFC 8829 3.5.1, W3C 4.4.1.6 restartIce).
  private restartRequested = false;
  private restartApplied = false;

  // What the remote description told us.
  private remoteFingerprints: readonly RemoteFingerprint[] = [];
  private remoteMaxMessage = SDP_DEFAULT_MAX_MESSAGE_SIZE;
  private remoteSctpPort = DEFAULT_SCTP_PORT;

  private readonly localAddresses: TransportAddress[] = [];
  private readonly candidates = new LocalCandidates();
  private readonly mdns = new MdnsWaitlist();
  private readonly channels = new ChannelTable();

  /** The first data channel asked for negotiation (W3C 6.1 createDataChannel step 20). */
  private channelNegotiationRequested = false;
  /** Negotiation became needed outside 'stable': fire when we get back there (W3C 4.7.3). */
  private negotiationNeededPending = false;

  constructor(options: PeerConnectionOptions) {
    this.options = options;
    this.rng = options.rng;
    this.certificate = options.certificate;
    this.mtu = options.mtu ?? DEFAULT_MTU;
    this.localMaxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.sessionId = randomSessionId(this.rng);
    this.fingerprint = localFingerprint(this.certificate);
    // RFC 8445 5.3: 4+ characters of ufrag, 22+ of password; the agent takes these.
    this.initialCredentials = { ufrag: randomString(this.rng, 8), pwd: randomString(this.rng, 24) };
    this.sctpTag = (this.rng.u32() >>> 0) || 1;
    this.sctpInitialTsn = this.rng.u32() >>> 0;
    this.localSctpInit =
      options.snap === false
        ? undefined
        : encodeSnapInit(
            localInitChunk({
              initiateTag: this.sctpTag,
              initialTsn: this.sctpInitialTsn,
              receiveWindow: DEFAULT_RECEIVE_WINDOW,
              zeroChecksum: SCTP_ZERO_CHECKSUM,
            }),
          );
  }

  // ------------------------------------------------------------------ state getters

  get signalingState(): SignalingState {
    return this.signaling;
  }
  get iceGatheringState(): IceGatheringState {
    return this.iceGathering;
  }
  get iceConnectionState(): IceConnectionState {
    return this.iceConnection;
  }
  get connectionState(): PeerConnectionState {
    return this.connection;
  }
  get sctpState(): SctpTransportState | null {
    return this.sctp;
  }

  /** W3C 6.1.1 maxMessageSize: the remote's a=max-message-size, 0 meaning "any" (RFC 8841 6.1). */
  get remoteMaxMessageSize(): number {
    return this.remoteMaxMessage === 0 ? UNLIMITED_SEND_SIZE : Math.min(this.remoteMaxMessage, UNLIMITED_SEND_SIZE);
  }

  /** W3C 6.1.1 maxChannels: known once the association is up. */
  get maxChannels(): number | null {
    return this.sctp === 'connected' ? MAX_STREAM_ID + 1 : null;
  }

  get localDescription(): SessionDescriptionValue | null {
    return this.describeLocal(this.pendingLocal ?? this.currentLocal);
  }
  get currentLocalDescription(): SessionDescriptionValue | null {
    return this.describeLocal(this.currentLocal);
  }
  get pendingLocalDescription(): SessionDescriptionValue | null {
    return this.describeLocal(this.pendingLocal);
  }
  get remoteDescription(): SessionDescriptionValue | null {
    return describeRemote(this.pendingRemote ?? this.currentRemote);
  }
  get currentRemoteDescription(): SessionDescriptionValue | null {
    return describeRemote(this.currentRemote);
  }
  get pendingRemoteDescription(): SessionDescriptionValue | null {
    return describeRemote(this.pendingRemote);
  }

  // ------------------------------------------------------------------ configuration

  /**
   * Replaces the STUN and TURN servers (W3C 4.4.1.6 setConfiguration), for a driver that
   * resolves server host names after construction. Servers are read when the ICE agent is
   * created (once our ICE role is known); returns false when that has already happened.
   */
  setIceServers(stunServers: TransportAddress[], turnServers: NonNullable<PeerConnectionOptions['turnServers']>): boolean {
    if (this.ice) return false;
    this.options = { ...this.options, stunServers, turnServers };
    return true;
  }

  // ------------------------------------------------------------------ JSEP

  /** RFC 8829 5.2: an offer with our one data section (and rejected ones kept from before). */
  createOffer(options?: { iceRestart?: boolean }): Result<string, PeerError> {
    if (this.closed) return err(invalidState('the connection is closed'));
    if (this.signaling !== 'stable' && this.signaling !== 'have-local-offer') {
      return err(invalidState(`cannot create an offer in ${this.signaling}`));
    }
    // RFC 8829 5.2.1 / 3.5.1: an ICE restart offer carries new credentials. The agent makes
    // them now (it cannot take given ones), so the offer and the agent agree.
    if ((options?.iceRestart || this.restartRequested) && this.ice && !this.restartApplied) {
      this.ice.handleInput(this.now, { type: 'restart' });
      this.restartApplied = true;
    }
    // SNAP 5.1 / 5.6: every offer carries our INIT, unless an association made without it runs.
    const params = this.localParams(this.layout, 'actpass', this.dcm && !this.snapUsed ? undefined : this.localSctpInit);
    const sdp = this.render(params);
    this.lastOffer = { sdp, params };
    return ok(sdp);
  }

  /** RFC 8829 5.3: answers the pending remote offer. */
  createAnswer(): Result<string, PeerError> {
    if (this.closed) return err(invalidState('the connection is closed'));
    const remote = this.pendingRemote;
    if (!remote || (this.signaling !== 'have-remote-offer' && this.signaling !== 'have-local-pranswer')) {
      return err(invalidState(`cannot create an answer in ${this.signaling}`));
    }
    const setup = answerSetup(remote.parsed.dataChannel.setup, this.dtlsRole);
    // SNAP 5.4: our INIT only in answer to a valid one (and, later, if the association used it).
    const snap = this.dcm ? this.snapUsed : this.remoteSnapInit(remote.parsed, false) !== undefined;
    const params = this.localParams(answerLayout(remote.parsed), setup, snap ? this.localSctpInit : undefined);
    const sdp = this.render(params);
    this.lastAnswer = { sdp, params };
    return ok(sdp);
  }

  setLocalDescription(now: Millis, desc?: SessionDescriptionInit): Result<void, PeerError> {
    this.now = Math.max(this.now, now);
    if (this.closed) return err(invalidState('the connection is closed'));
    const s = this.signaling;
    // W3C 4.4.1.5 implicit description: offer in stable and have-local-offer, else answer.
    const type = desc?.type ?? (s === 'stable' || s === 'have-local-offer' || s === 'have-remote-pranswer' ? 'offer' : 'answer');
    if (type === 'rollback') return this.rollbackLocal();
    if (type === 'offer') {
      if (s !== 'stable' && s !== 'have-local-offer') return err(invalidState(`cannot apply a local offer in ${s}`));
      const made = this.madeDescription(desc?.sdp, 'offer');
      if (!made.ok) return made;
      const ice = this.ensureIce('controlling');
      this.pendingLocal = { type: 'offer', params: made.value.params };
      this.setSignaling('have-local-offer');
      this.startGathering(ice);
      this.releaseCandidates(made.value.params.ufrag);
      return ok(undefined);
    }
    if (s !== 'have-remote-offer' && s !== 'have-local-pranswer') return err(invalidState(`cannot apply a local ${type} in ${s}`));
    const made = this.madeDescription(desc?.sdp, 'answer');
    if (!made.ok) return made;
    const params = made.value.params;
    const role: DtlsRole = params.setup === 'active' ? 'client' : 'server';
    if (type === 'answer') {
      this.currentLocal = { type, params };
      this.pendingLocal = undefined;
      this.currentRemote = this.pendingRemote;
      this.pendingRemote = undefined;
      this.layout = params.layout;
      this.negotiationDone();
    } else {
      this.pendingLocal = { type, params };
    }
    this.startTransport(role, params, (this.pendingRemote ?? this.currentRemote)!.parsed);
    this.setSignaling(type === 'answer' ? 'stable' : 'have-local-pranswer');
    this.startGathering(this.ice!);
    this.releaseCandidates(params.ufrag);
    return ok(undefined);
  }

  setRemoteDescription(now: Millis, desc: SessionDescriptionInit): Result<void, PeerError> {
    this.now = Math.max(this.now, now);
    if (this.closed) return err(invalidState('the connection is closed'));
    if (desc.type === 'rollback') return this.rollbackRemote();
    if (desc.sdp === undefined) return err(new PeerError('TypeError', `a remote ${desc.type} needs sdp`));
    const s = this.signaling;
    if (desc.type === 'offer' ? s === 'have-local-pranswer' || s === 'have-remote-pranswer' : s !== 'have-local-offer' && s !== 'have-remote-pranswer') {
      return err(invalidState(`cannot apply a remote ${desc.type} in ${s}`));
    }
    const parsed = parseDataChannelDescription(desc.sdp);
    if (!parsed.ok) return err(new PeerError('OperationError', parsed.error.message, 'sdp-syntax-error'));
    const m = parsed.value.dataChannel;
    let role: DtlsRole | undefined;
    if (desc.type !== 'offer') {
      const r = offererRole(m.setup);
      if (!r.ok) return r;
      role = r.value;
    }
    // W3C 4.4.1.5: an offer in have-local-offer rolls ours back first (perfect negotiation).
    if (desc.type === 'offer' && s === 'have-local-offer') this.rollbackLocal();
    // RFC 8445 6.1.1: the answerer is controlled, unless the offerer is ice-lite.
    const ice = this.ensureIce(m.iceLite ? 'controlling' : 'controlled');
    const remote: RemoteDescription = { type: desc.type, sdp: desc.sdp, parsed: parsed.value };
    this.applyRemoteTransport(ice, parsed.value);
    if (m.sctpInit !== undefined) this.remoteSnapInit(parsed.value, true); // counts a bad one
    if (desc.type === 'offer') {
      this.pendingRemote = remote;
      this.setSignaling('have-remote-offer');
      return ok(undefined);
    }
    if (desc.type === 'answer') {
      this.currentRemote = remote;
      this.pendingRemote = undefined;
      this.currentLocal = this.pendingLocal;
      this.pendingLocal = undefined;
      if (this.currentLocal) this.layout = this.currentLocal.params.layout;
      this.negotiationDone();
    } else {
      this.pendingRemote = remote;
    }
    this.startTransport(role!, (this.pendingLocal ?? this.currentLocal)?.params, parsed.value);
    this.setSignaling(desc.type === 'answer' ? 'stable' : 'have-remote-pranswer');
    return ok(undefined);
  }

  /** W3C 4.4.1.6 addIceCandidate; null or an empty candidate is end-of-candidates (RFC 8838 4.4). */
  addIceCandidate(now: Millis, c: IceCandidateInit | null): Result<void, PeerError> {
    this.now = Math.max(this.now, now);
    if (this.closed) return err(invalidState('the connection is closed'));
    const remote = this.pendingRemote ?? this.currentRemote;
    if (!remote || !this.ice) return err(invalidState('addIceCandidate before setRemoteDescription'));
    const text = c?.candidate ?? '';
    if (c && text !== '' && (c.sdpMid ?? null) === null && (c.sdpMLineIndex ?? null) === null) {
      return err(new PeerError('TypeError', 'a candidate needs sdpMid or sdpMLineIndex'));
    }
    // W3C 4.4.1.6: the ufrag of an applied remote description, pending or current.
    const ufrags = [this.pendingRemote, this.currentRemote].map((d) => d?.parsed.dataChannel.iceUfrag);
    if (c?.usernameFragment != null && !ufrags.includes(c.usernameFragment)) {
      return err(new PeerError('OperationError', `no remote description with ufrag ${c.usernameFragment}`));
    }
    if (c && !this.knownSection(remote.parsed, c)) {
      return err(new PeerError('OperationError', 'the candidate names no m= section of the remote description'));
    }
    if (text === '') {
      this.ice.handleInput(this.now, { type: 'end-of-remote-candidates' });
      return ok(undefined);
    }
    const parsed = parseCandidate(text);
    if (!parsed.ok) return err(new PeerError('OperationError', parsed.error.message));
    this.addRemoteCandidate(this.ice, parsed.value);
    return ok(undefined);
  }

  /**
   * W3C 4.4.1.6: the next offer restarts ICE. Before any negotiation there are no
   * credentials to replace, so it does nothing.
   */
  restartIce(): void {
    if (this.closed || this.restartRequested || !this.currentLocal) return;
    this.restartRequested = true;
    this.requestNegotiation();
  }

  // ------------------------------------------------------------------ data channels

  createDataChannel(now: Millis, label: string, init: DataChannelInit = {}): Result<number, PeerError> {
    this.now = Math.max(this.now, now);
    if (this.closed) return err(invalidState('the connection is closed'));
    const protocol = init.protocol ?? '';
    if (utf8Encode(label).length > MAX_LABEL_BYTES || utf8Encode(protocol).length > MAX_LABEL_BYTES) {
      return err(new PeerError('TypeError', 'label and protocol are limited to 65535 bytes'));
    }
    if (init.maxRetransmits !== undefined && init.maxPacketLifeTime !== undefined) {
      return err(new PeerError('TypeError', 'maxRetransmits and maxPacketLifeTime are exclusive'));
    }
    const negotiated = init.negotiated ?? false;
    // W3C 6.1 createDataChannel: the id is only used for negotiated channels.
    const id = negotiated ? init.id : undefined;
    if (negotiated && id === undefined) return err(new PeerError('TypeError', 'a negotiated channel needs an id'));
    if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > MAX_STREAM_ID)) {
      return err(new PeerError('TypeError', `channel id ${id} is out of range`));
    }
    if (id !== undefined && this.channels.claims(id)) return err(new PeerError('OperationError', `channel id ${id} is in use`));
    if (this.channels.liveCount > MAX_STREAM_ID) return err(new PeerError('OperationError', 'no free stream id'));
    const rec = this.channels.add(
      {
        label,
        protocol,
        ordered: init.ordered ?? true,
        maxRetransmits: init.maxRetransmits ?? null,
        maxPacketLifeTime: init.maxPacketLifeTime ?? null,
        negotiated,
        priority: init.priority ?? 'low',
        id: id ?? null,
      },
      false,
    );
    if (this.sctp === 'closed') {
      // The association is gone (the peer closed, or DTLS failed): the channel cannot open.
      this.retireChannel(rec);
    } else if (this.dcm) {
      const opened = this.openOnAssociation(this.dcm, rec);
      if (!opened.ok) {
        this.channels.retire(rec);
        return opened;
      }
    }
    // The first channel needs the m= section; later ones ride on it (W3C 6.1).
    if (!this.channelNegotiationRequested && !this.currentLocal) {
      this.channelNegotiationRequested = true;
      this.requestNegotiation();
    }
    return ok(rec.handle);
  }

  /** The hot path: straight to the association (the send queue bound is SCTP's). */
  send(now: Millis, handle: number, data: Uint8Array, binary: boolean): Result<void, PeerError> {
    if (now > this.now) this.now = now;
    const rec = this.channels.get(handle);
    if (!rec || rec.readyState !== 'open' || rec.id === null || !this.dcm) {
      return err(invalidState(`channel ${handle} is ${rec?.readyState ?? 'closed'}`));
    }
    if (data.length > this.remoteMaxMessageSize) {
      return err(new PeerError('TypeError', `message of ${data.length} bytes exceeds max-message-size ${this.remoteMaxMessageSize}`));
    }
    const r = this.dcm.send(now, rec.id, data, binary);
    if (!r.ok) {
      const name = r.error.code === 'message-too-large' ? 'TypeError' : r.error.code === 'send-buffer-full' ? 'OperationError' : 'InvalidStateError';
      return err(new PeerError(name, r.error.message));
    }
    rec.messagesSent++;
    rec.bytesSent += data.length;
    return ok(undefined);
  }

  /** W3C 6.2 close(): 'closing' now, 'closed' when both streams are reset (RFC 8831 6.7). */
  closeChannel(now: Millis, handle: number): void {
    this.now = Math.max(this.now, now);
    const rec = this.channels.get(handle);
    if (!rec || rec.readyState === 'closing' || rec.readyState === 'closed') return;
    if (rec.opened && rec.id !== null && this.dcm) {
      rec.readyState = 'closing';
      this.dcm.close(now, rec.id);
      return;
    }
    this.retireChannel(rec);
  }

  setBufferedAmountLowThreshold(handle: number, bytes: number): void {
    const rec = this.channels.get(handle);
    if (!rec) return;
    rec.bufferedAmountLowThreshold = bytes;
    if (rec.opened && rec.id !== null && this.dcm) {
      this.dcm.handleInput(this.now, { type: 'set-buffered-amount-low-threshold', id: rec.id, threshold: bytes });
    }
  }

  channel(handle: number): ChannelInfo | undefined {
    const rec = this.channels.get(handle);
    if (!rec) return undefined;
    const live = rec.opened && rec.id !== null && this.dcm && rec.readyState !== 'closed';
    return {
      label: rec.label,
      protocol: rec.protocol,
      ordered: rec.ordered,
      maxRetransmits: rec.maxRetransmits,
      maxPacketLifeTime: rec.maxPacketLifeTime,
      negotiated: rec.negotiated,
      id: rec.id,
      priority: rec.priority,
      readyState: rec.readyState,
      bufferedAmount: live ? this.dcm!.bufferedAmount(rec.id!) : 0,
      bufferedAmountLowThreshold: rec.bufferedAmountLowThreshold,
    };
  }

  /**
   * W3C 4.4.1.6 close(): every state becomes closed without events; channels close abruptly.
   * The peer is told: SCTP ABORT, DTLS close_notify, then ICE stops.
   */
  close(now: Millis): void {
    this.now = Math.max(this.now, now);
    if (this.closed) return;
    this.closed = true;
    this.dropQueuedEvents();
    this.signaling = 'closed';
    this.iceConnection = 'closed';
    this.connection = 'closed';
    if (this.sctp !== null) this.sctp = 'closed';
    if (this.dtlsState !== 'failed') this.dtlsState = 'closed';
    for (const rec of this.channels.live()) this.channels.retire(rec);
    this.dcm?.handleInput(now, { type: 'abort' });
    this.pump();
    this.dtls?.handleInput(now, { type: 'close' });
    this.pump();
    this.ice?.handleInput(now, { type: 'close' });
    this.pump();
  }

  /** A snapshot; it moves nothing between layers, so it is safe outside the drain loop. */
  stats(now: Millis): PeerStats {
    this.now = Math.max(this.now, now);
    const ice = this.ice?.stats();
    const counters: Record<string, number> = {};
    const add = (prefix: string, c: Record<string, number> | undefined) => {
      for (const [k, v] of Object.entries(c ?? {})) counters[`${prefix}.${k}`] = v;
    };
    add('peer', this.counters.snapshot());
    add('ice', ice?.counters);
    add('dtls', this.dtls?.counters.snapshot());
    add('sctp', this.dcm?.sctp.counters.snapshot());
    add('dc', this.dcm?.counters.snapshot());
    return {
      transport: {
        bytesSent: ice?.bytesSent ?? 0,
        bytesReceived: ice?.bytesReceived ?? 0,
        packetsSent: ice?.packetsSent ?? 0,
        packetsReceived: ice?.packetsReceived ?? 0,
        dtlsState: this.dtlsState,
        dtlsCipher: this.dtlsCipher,
        iceRole: ice?.role,
        // W3C: the pair packets are sent on; before nomination, the valid pair DTLS uses.
        selectedCandidatePair: this.ice?.sendingPair,
      },
      candidatePairs: ice?.pairs ?? [],
      localCandidates: ice?.localCandidates ?? [],
      remoteCandidates: ice?.remoteCandidates ?? [],
      dataChannels: this.channels.stats(),
      counters,
    };
  }

  // ------------------------------------------------------------------ engine contract

  handleInput(now: Millis, input: PeerInput): void {
    this.now = Math.max(this.now, now);
    switch (input.type) {
      case 'datagram':
        if (this.ice) this.ice.handleInput(now, input);
        else this.counters.inc('datagram-before-ice');
        return;
      case 'add-local-address':
        if (this.localAddresses.length >= MAX_LOCAL_ADDRESSES) {
          this.counters.inc('local-addresses-full');
          return;
        }
        this.localAddresses.push(input.address);
        this.ice?.handleInput(now, input);
        return;
      case 'mdns-resolved':
        this.onMdnsResolved(input.name, input.address);
        return;
    }
  }

  handleTimeout(now: Millis): void {
    this.now = Math.max(this.now, now);
    this.ice?.handleTimeout(now);
    this.dtls?.handleTimeout(now);
    this.dcm?.handleTimeout(now);
  }

  pollOutput(): PeerOutput | undefined {
    const o = this.out.shift();
    if (o !== undefined) return o;
    this.pump();
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    this.pump();
    return earliest(earliest(this.ice?.pollTimeout(), this.dtls?.pollTimeout()), this.dcm?.pollTimeout());
  }

  // ------------------------------------------------------------------ plumbing between layers

  /** Moves outputs between the layers until none has anything left. */
  private pump(): void {
    const ice = this.ice;
    if (!ice) return;
    for (let busy = true; busy; ) {
      busy = false;
      for (let o = ice.pollOutput(); o !== undefined; o = ice.pollOutput()) {
        busy = true;
        this.onIce(o);
      }
      const dtls = this.dtls;
      // DTLS starts once a pair is valid, not only once one is nominated (RFC 8445 12:
      // data may use a valid pair before nomination; browsers likewise start DTLS when
      // the transport is writable). This takes the nomination round trip off setup.
      this.usablePair(ice);
      if (dtls && (this.dtlsState === 'new' || this.heldDtls.length > 0) && ice.canSend) {
        if (this.heldDtls.length > 0) {
          for (const data of this.heldDtls.splice(0)) ice.handleInput(this.now, { type: 'send', data });
          busy = true;
        }
        if (this.dtlsState === 'new') {
          this.connectDtls();
          busy = true;
        }
      }
      if (dtls) {
        for (let o = dtls.pollOutput(); o !== undefined; o = dtls.pollOutput()) {
          busy = true;
          this.onDtls(o);
        }
      }
      const dcm = this.dcm;
      if (dcm) {
        for (let o = dcm.pollOutput(); o !== undefined; o = dcm.pollOutput()) {
          busy = true;
          this.onDataChannel(o);
        }
      }
    }
  }

  private onIce(o: IceOutput): void {
    const ice = this.ice!;
    switch (o.type) {
      case 'transmit':
        this.out.push(o);
        return;
      case 'data':
        // RFC 7983: the agent passes on what is not STUN; here that is DTLS.
        if (this.dtls) this.dtls.handleInput(this.now, { type: 'datagram', data: o.data, from: o.from, to: NO_ADDRESS });
        else if (this.earlyDtls.length < MAX_HELD_DTLS) {
          this.counters.inc('dtls-held-early');
          this.earlyDtls.push({ data: o.data.slice(), from: o.from });
        } else this.counters.inc('dtls-before-transport');
        return;
      case 'local-candidate':
        if (this.candidates.add(ice.localCredentials.ufrag, o.candidate)) this.emitCandidate(o.candidate);
        return;
      case 'gathering-state':
        this.iceGathering = o.state;
        this.emit({ type: 'ice-gathering-state', state: o.state });
        if (o.state === 'complete' && this.candidates.finish(ice.localCredentials.ufrag)) this.emitCandidate(null);
        return;
      case 'connection-state':
        // A valid pair already made us 'connected' (see usablePair); nomination confirms it.
        if (o.state === 'checking' && ice.canSend) return this.setIceConnection('connected');
        this.setIceConnection(o.state);
        if (o.state === 'connected' || o.state === 'completed') this.connectDtls();
        return;
      case 'selected-pair':
        log.debug('selected pair', { local: o.local.address, remote: o.remote.address });
        return;
      case 'role-changed':
        log.debug('ICE role changed', { role: o.role });
        return;
    }
  }

  /**
   * W3C RTCIceTransportState 'connected' is "found a usable connection": a valid pair is
   * one (we send DTLS on it, RFC 8445 12), so the ICE state (and with DTLS the connection
   * state) does not wait for the nomination round trip, paced by Ta, to say so.
   */
  private usablePair(ice: IceAgent): void {
    if (this.iceConnection === 'checking' && ice.canSend) this.setIceConnection('connected');
  }

  private setIceConnection(state: IceConnectionState): void {
    if (this.iceConnection === state) return;
    this.iceConnection = state;
    this.emit({ type: 'ice-connection-state', state });
    this.updateConnectionState();
  }

  private onDtls(o: DtlsOutput): void {
    switch (o.type) {
      case 'transmit':
        if (this.ice?.canSend) this.ice.handleInput(this.now, { type: 'send', data: o.data });
        else if (this.heldDtls.length < MAX_HELD_DTLS) this.heldDtls.push(o.data.slice());
        else this.counters.inc('dtls-held-full');
        return;
      case 'data':
        this.dcm?.handleInput(this.now, { type: 'datagram', data: o.data, from: NO_ADDRESS, to: NO_ADDRESS });
        return;
      case 'connected':
        this.dtlsCipher = o.suite;
        this.setDtlsState('connected');
        // RFC 8841 / RFC 8261: both ends may send INIT; the association resolves the collision.
        this.dcm?.handleInput(this.now, { type: 'connect' });
        return;
      case 'error': {
        const code = o.error.code;
        if (code === 'dtls-not-connected' || code === 'dtls-too-large') {
          this.counters.inc('dtls-send-refused');
          return;
        }
        const detail = code === 'dtls-fingerprint-mismatch' ? 'fingerprint-failure' : 'dtls-failure';
        this.setDtlsState('failed');
        this.emit({ type: 'error', error: new PeerError('OperationError', o.error.message, detail) });
        return;
      }
      case 'closed':
        if (this.dtlsState !== 'failed') this.setDtlsState('closed');
        // W3C 6.1.4: a closed DTLS transport closes the SCTP transport and its channels.
        if (this.sctp !== 'closed') this.dcm?.handleInput(this.now, { type: 'abort' });
        return;
    }
  }

  private onDataChannel(o: DataChannelOutput): void {
    switch (o.type) {
      case 'transmit':
        if (this.dtls?.connected) this.dtls.handleInput(this.now, { type: 'send', data: o.data });
        else this.counters.inc('sctp-before-dtls');
        return;
      case 'channel-message': {
        const rec = this.channels.stream(o.id);
        if (!rec) {
          this.counters.inc('message-for-unknown-channel');
          return;
        }
        const data = o.data;
        rec.messagesReceived++;
        rec.bytesReceived += data.length;
        this.emit({ type: 'channel-message', handle: rec.handle, data, binary: o.binary });
        return;
      }
      case 'channel-open': {
        let rec = this.channels.stream(o.id);
        if (o.remote) {
          rec = this.channels.add(
            {
              label: o.label,
              protocol: o.protocol,
              ordered: o.ordered,
              maxRetransmits: o.maxRetransmits ?? null,
              maxPacketLifeTime: o.maxPacketLifeTime ?? null,
              negotiated: o.negotiated,
              priority: priorityName(o.priority),
              id: o.id,
            },
            true,
          );
          this.emit({ type: 'data-channel', handle: rec.handle });
        }
        if (!rec) return;
        rec.readyState = 'open';
        this.emit({ type: 'channel-open', handle: rec.handle });
        return;
      }
      case 'channel-closing': {
        const rec = this.channels.stream(o.id);
        if (!rec) return;
        rec.readyState = 'closing';
        this.emit({ type: 'channel-closing', handle: rec.handle });
        return;
      }
      case 'channel-closed': {
        const rec = this.channels.stream(o.id);
        if (rec) this.retireChannel(rec);
        return;
      }
      case 'channel-buffered-amount-low': {
        const rec = this.channels.stream(o.id);
        if (rec) this.emit({ type: 'channel-buffered-amount-low', handle: rec.handle });
        return;
      }
      case 'channel-error': {
        const rec = this.channels.stream(o.id);
        this.counters.inc('datachannel-error');
        if (rec) this.emit({ type: 'channel-error', handle: rec.handle, error: new PeerError('OperationError', o.message, 'data-channel-failure') });
        return;
      }
      case 'connected':
        this.setSctp('connected');
        return;
      case 'closed': {
        const failed = o.reason.startsWith('timeout');
        for (const rec of this.channels.live()) this.retireChannel(rec);
        this.setSctp('closed');
        if (failed) this.emit({ type: 'error', error: new PeerError('OperationError', `SCTP association closed: ${o.reason}`, 'sctp-failure') });
        return;
      }
      case 'error':
        this.counters.inc('datachannel-error');
        log.debug('data channel layer error', { code: o.code, message: o.message });
        return;
    }
  }

  // ------------------------------------------------------------------ layer setup

  private ensureIce(role: IceRole): IceAgent {
    if (this.ice) return this.ice;
    const o = this.options;
    const ice = new IceAgent({
      rng: this.rng,
      role,
      ...(o.stunServers ? { stunServers: o.stunServers } : {}),
      ...(o.turnServers ? { turnServers: o.turnServers } : {}),
      ...(o.iceTransportPolicy ? { policy: o.iceTransportPolicy } : {}),
      ufrag: this.initialCredentials.ufrag,
      pwd: this.initialCredentials.pwd,
    });
    for (const address of this.localAddresses) ice.handleInput(this.now, { type: 'add-local-address', address });
    this.ice = ice;
    return ice;
  }

  private startGathering(ice: IceAgent): void {
    if (this.gatherRequested) return;
    this.gatherRequested = true;
    ice.handleInput(this.now, { type: 'gather' });
  }

  /**
   * The first answer fixes the DTLS role: create DTLS and the association (kept from then on).
   * SNAP is used when our description and the peer's both carry a=sctp-init (draft 5, 6).
   */
  private startTransport(role: DtlsRole, local: LocalParams | undefined, remote: ParsedDataChannelDescription): void {
    if (this.dtls) return;
    const snapPeerInit = local?.sctpInit !== undefined ? this.remoteSnapInit(remote, false) : undefined;
    this.snapUsed = snapPeerInit !== undefined;
    if (this.snapUsed) this.counters.inc('snap');
    this.dtlsRole = role;
    this.dtls = new DtlsEndpoint({
      role,
      certificate: this.certificate,
      rng: this.rng,
      remoteFingerprints: this.remoteFingerprints,
      mtu: this.mtu,
    });
    const dcm = new DataChannelManager({
      role,
      rng: this.rng,
      localPort: DEFAULT_SCTP_PORT,
      remotePort: this.remoteSctpPort,
      mtu: this.mtu - DTLS_RECORD_OVERHEAD,
      maxMessageSize: this.localMaxMessageSize,
      remoteMaxMessageSize: this.remoteMaxMessageSize,
      zeroChecksum: SCTP_ZERO_CHECKSUM,
      initiateTag: this.sctpTag,
      initialTsn: this.sctpInitialTsn,
      ...(snapPeerInit ? { snapPeerInit } : {}),
    });
    this.dcm = dcm;
    this.setSctp('connecting');
    for (const early of this.earlyDtls.splice(0)) {
      this.dtls.handleInput(this.now, { type: 'datagram', data: early.data, from: early.from, to: NO_ADDRESS });
    }
    for (const rec of this.channels.unopened()) {
      const r = this.openOnAssociation(dcm, rec);
      if (!r.ok) {
        this.emit({ type: 'channel-error', handle: rec.handle, error: r.error });
        this.retireChannel(rec);
      }
    }
    if (this.iceConnection === 'connected' || this.iceConnection === 'completed') this.connectDtls();
  }

  /** ICE has a valid pair: the DTLS client sends its ClientHello (RFC 5763 5). */
  private connectDtls(): void {
    const dtls = this.dtls;
    if (!dtls || this.dtlsState !== 'new') return;
    this.setDtlsState('connecting');
    // The check that made the pair usable measured the path: DTLS times its flights from it,
    // and SCTP its first retransmissions (the DCEP OPEN) until it has measured its own.
    const rtt = this.ice?.roundTripTime;
    if (rtt !== undefined) {
      dtls.handleInput(this.now, { type: 'set-round-trip-time', rtt });
      this.dcm?.handleInput(this.now, { type: 'set-round-trip-time', rtt });
    }
    dtls.handleInput(this.now, { type: 'connect' }); // ignored by a server
  }

  private openOnAssociation(dcm: DataChannelManager, rec: ChannelRecord): Result<void, PeerError> {
    const r = dcm.open(this.now, {
      label: rec.label,
      protocol: rec.protocol,
      ordered: rec.ordered,
      ...(rec.maxRetransmits !== null ? { maxRetransmits: rec.maxRetransmits } : {}),
      ...(rec.maxPacketLifeTime !== null ? { maxPacketLifeTime: rec.maxPacketLifeTime } : {}),
      priority: PRIORITY_VALUES[rec.priority],
      negotiated: rec.negotiated,
      ...(rec.id !== null ? { id: rec.id } : {}),
    });
    if (!r.ok) return err(new PeerError('OperationError', r.error.message));
    this.channels.bind(rec, r.value);
    if (rec.bufferedAmountLowThreshold > 0) {
      dcm.handleInput(this.now, { type: 'set-buffered-amount-low-threshold', id: r.value, threshold: rec.bufferedAmountLowThreshold });
    }
    return ok(undefined);
  }

  private retireChannel(rec: ChannelRecord): void {
    if (rec.readyState === 'closed') return;
    this.channels.retire(rec);
    this.emit({ type: 'channel-closed', handle: rec.handle });
  }

  // ------------------------------------------------------------------ descriptions

  /**
   * The peer's SNAP INIT (draft 5.3, 5.5): undefined when its description has none, or one
   * that is not base64 or not a valid INIT chunk (silently ignored), or when SNAP is off.
   * An INIT with our own tag and TSN is our attribute echoed back (an answerer that copies
   * unknown attributes, such as libdatachannel), not the peer's: ignored too.
   */
  private remoteSnapInit(remote: ParsedDataChannelDescription, count: boolean): InitChunk | undefined {
    const text = remote.dataChannel.sctpInit;
    if (text === undefined || this.localSctpInit === undefined) return undefined;
    if (this.snapRead?.text === text) return this.snapRead.init;
    const init = this.readSnapInit(text, count);
    this.snapRead = { text, init };
    return init;
  }

  private readSnapInit(text: string, count: boolean): InitChunk | undefined {
    const r = decodeSnapInit(text);
    if (!r.ok) {
      if (count) this.counters.inc('snap-invalid');
      log.debug('a=sctp-init ignored', { reason: r.error.message });
      return undefined;
    }
    if (r.value.initiateTag === this.sctpTag && r.value.initialTsn === this.sctpInitialTsn) {
      if (count) this.counters.inc('snap-echoed');
      return undefined;
    }
    return r.value;
  }

  private localParams(layout: Layout, setup: LocalParams['setup'], sctpInit?: string): LocalParams {
    const creds = this.ice?.localCredentials ?? this.initialCredentials;
    return {
      sessionId: this.sessionId,
      // RFC 8829 5.2.2: a new version for every description we create.
      sessionVersion: this.sessionVersion++,
      layout,
      ufrag: creds.ufrag,
      pwd: creds.pwd,
      fingerprint: this.fingerprint,
      setup,
      sctpPort: DEFAULT_SCTP_PORT,
      maxMessageSize: this.localMaxMessageSize,
      sctpInit,
    };
  }

  private render(params: LocalParams): string {
    const { candidates, complete } = this.candidates.list(params.ufrag);
    return renderDescription(params, candidates, complete);
  }

  private describeLocal(d: LocalDescription | undefined): SessionDescriptionValue | null {
    return d ? { type: d.type, sdp: this.render(d.params) } : null;
  }

  /**
   * W3C 4.4.1.5: the description to apply is the one we created last; text that differs
   * from it is an InvalidModificationError. Without text, a fresh one is created.
   */
  private madeDescription(sdp: string | undefined, which: 'offer' | 'answer'): Result<{ sdp: string; params: LocalParams }, PeerError> {
    if (sdp === undefined || sdp === '') {
      const made = which === 'offer' ? this.createOffer() : this.createAnswer();
      if (!made.ok) return made;
    }
    const last = which === 'offer' ? this.lastOffer : this.lastAnswer;
    if (!last || (sdp !== undefined && sdp !== '' && !sameSdp(sdp, last.sdp))) {
      return err(new PeerError('InvalidModificationError', `the ${which} differs from the one created`));
    }
    return ok(last);
  }

  private applyRemoteTransport(ice: IceAgent, parsed: ParsedDataChannelDescription): void {
    const m = parsed.dataChannel;
    this.remoteFingerprints = m.fingerprints; // digest bytes, as DTLS compares them
    this.dtls?.handleInput(this.now, { type: 'set-remote-fingerprints', fingerprints: this.remoteFingerprints });
    this.remoteMaxMessage = m.maxMessageSize;
    this.remoteSctpPort = m.sctpPort;
    // New credentials from the peer are its ICE restart; the agent restarts too (RFC 8445 9).
    ice.handleInput(this.now, { type: 'set-remote-credentials', ufrag: m.iceUfrag!, pwd: m.icePwd!, ta: agreedTa(parsed) });
    for (const c of m.candidates) this.addRemoteCandidate(ice, c);
    if (m.endOfCandidates) ice.handleInput(this.now, { type: 'end-of-remote-candidates' });
  }

  private rollbackLocal(): Result<void, PeerError> {
    if (this.signaling !== 'have-local-offer') return err(invalidState(`nothing to roll back in ${this.signaling}`));
    this.pendingLocal = undefined;
    this.setSignaling('stable');
    return ok(undefined);
  }

  private rollbackRemote(): Result<void, PeerError> {
    if (this.signaling !== 'have-remote-offer' && this.signaling !== 'have-local-pranswer') {
      return err(invalidState(`nothing to roll back in ${this.signaling}`));
    }
    this.pendingRemote = undefined;
    this.pendingLocal = undefined;
    this.setSignaling('stable');
    return ok(undefined);
  }

  /** An offer/answer exchange completed. */
  private negotiationDone(): void {
    if (this.restartApplied) {
      this.restartRequested = false;
      this.restartApplied = false;
    }
  }

  private knownSection(parsed: ParsedDataChannelDescription, c: IceCandidateInit): boolean {
    const media = parsed.description.media;
    if (c.sdpMid != null) return media.some((m) => m.attributes.some((a) => a.name === 'mid' && a.value === c.sdpMid));
    if (c.sdpMLineIndex != null) return c.sdpMLineIndex >= 0 && c.sdpMLineIndex < media.length;
    return true;
  }

  // ------------------------------------------------------------------ candidates

  private addRemoteCandidate(ice: IceAgent, c: Candidate): void {
    if (c.transport !== 'udp') {
      this.counters.inc('candidate-not-udp');
      return;
    }
    // draft-ietf-mmusic-mdns-ice-candidates 3.2: resolve .local names before use.
    if (isMdnsName(c.address)) {
      const r = this.mdns.hold(c);
      if (r === 'resolve') this.emit({ type: 'resolve-mdns', name: c.address });
      else if (r === 'full') this.counters.inc('mdns-pending-full');
      return;
    }
    ice.handleInput(this.now, { type: 'add-remote-candidate', candidate: c });
  }

  private onMdnsResolved(name: string, address: string | undefined): void {
    const r = this.mdns.resolved(name, address);
    if (!r.known) return;
    if (r.candidates.length === 0 || !this.ice || this.closed) {
      this.counters.inc('mdns-failed');
      return;
    }
    for (const candidate of r.candidates) this.ice.handleInput(this.now, { type: 'add-remote-candidate', candidate });
  }

  private releaseCandidates(ufrag: string): void {
    const r = this.candidates.release(ufrag);
    for (const c of r.candidates) this.emitCandidate(c);
    if (r.complete) this.emitCandidate(null);
  }

  private emitCandidate(c: Candidate | null): void {
    const layout = (this.pendingLocal ?? this.currentLocal)?.params.layout ?? this.layout;
    this.emit({
      type: 'ice-candidate',
      candidate: c === null ? null : serializeCandidate(c),
      sdpMid: layout.mid,
      sdpMLineIndex: layout.dataIndex,
      usernameFragment: this.ice!.localCredentials.ufrag,
    });
  }

  // ------------------------------------------------------------------ states and events

  private emit(e: PeerEvent): void {
    if (!this.closed) this.out.push(e);
  }

  /** W3C 4.4.1.6: after close() no event fires; datagrams already queued still go out. */
  private dropQueuedEvents(): void {
    const kept: PeerOutput[] = [];
    for (let o = this.out.shift(); o !== undefined; o = this.out.shift()) if (o.type === 'transmit') kept.push(o);
    for (const o of kept) this.out.push(o);
  }

  private setSignaling(state: SignalingState): void {
    if (this.signaling === state) return;
    this.signaling = state;
    this.emit({ type: 'signaling-state', state });
    // W3C 4.7.3: back in stable, fire if what asked for negotiation still needs it: an ICE
    // restart not yet carried by an offer, or channels without a negotiated m= section.
    if (state === 'stable' && this.negotiationNeededPending) {
      this.negotiationNeededPending = false;
      if (this.restartRequested || !this.currentLocal) this.emit({ type: 'negotiation-needed' });
    }
  }

  private requestNegotiation(): void {
    if (this.signaling === 'stable') this.emit({ type: 'negotiation-needed' });
    else this.negotiationNeededPending = true;
  }

  private setSctp(state: SctpTransportState): void {
    if (this.sctp === state) return;
    this.sctp = state;
    this.emit({ type: 'sctp-state', state });
  }

  private setDtlsState(state: DtlsTransportState): void {
    this.dtlsState = state;
    this.updateConnectionState();
  }

  /** W3C 4.3.3 RTCPeerConnectionState, from the ICE and DTLS transport states. */
  private updateConnectionState(): void {
    const s = peerConnectionState(this.closed, this.iceConnection, this.dtlsState);
    if (s === this.connection) return;
    this.connection = s;
    this.emit({ type: 'connection-state', state: s });
  }
}

function describeRemote(d: RemoteDescription | undefined): SessionDescriptionValue | null {
  return d ? { type: d.type, sdp: d.sdp } : null;
}
