/**
 * A sans-IO DTLS 1.2 endpoint (RFC 6347) for WebRTC: ECDHE-ECDSA with AEAD suites, mutual
 * certificate authentication, and the peer's certificate checked against its SDP
 * fingerprint before any application data is delivered (RFC 8827 6.5).
 *
 * Full handshake (RFC 6347 4.2.4 flights):
 *   client                                   server
 *   1 ClientHello                     ->
 *                                     <-     2 HelloVerifyRequest (optional)
 *   3 ClientHello + cookie            ->
 *                                     <-     4 ServerHello, Certificate, ServerKeyExchange,
 *                                              CertificateRequest, ServerHelloDone
 *   5 Certificate, ClientKeyExchange,
 *     CertificateVerify, [CCS], Finished ->
 *                                     <-     6 [CCS], Finished
 */
import {
  BoundedQueue,
  constantTimeEqual,
  Counters,
  lateDeadline,
  logger,
  OutputQueue,
  randomBytes,
  type Engine,
  type Millis,
  type Random,
} from '../core/index.js';
import type { KeyObject } from 'node:crypto';
import { certificatePublicKey, matchesFingerprint, type DtlsCertificate, type RemoteFingerprint } from './certificate.js';
import {
  COOKIE_SIZE,
  DEFAULT_MTU,
  DTLS_1_0,
  DTLS_1_2,
  HANDSHAKE_HEADER_SIZE,
  INITIAL_RETRANSMIT_MS,
  MAX_INITIAL_RETRANSMIT_MS,
  MIN_INITIAL_RETRANSMIT_MS,
  RTT_RTO_FACTOR,
  MAX_EARLY_RECORDS,
  MAX_FLIGHT_TRANSMISSIONS,
  MAX_HELLO_VERIFY,
  MAX_PENDING_DATA_BYTES,
  MAX_PENDING_DATA_RECORDS,
  MAX_PLAINTEXT,
  MAX_RETRANSMIT_MS,
  MAX_SEQUENCE,
  MIN_MTU,
  RANDOM_SIZE,
  RECORD_HEADER_SIZE,
} from './constants.js';
import { DtlsError, type DtlsCounter, type DtlsErrorCode, type DtlsInput, type DtlsOutput } from './events.js';
import { packDatagrams, type FlightEntry } from './flight.js';
import { decodeHandshakeFragments, encodeHandshake, fragmentHandshake, HandshakeReassembler, type HandshakeMessage } from './handshake.js';
import { generateEphemeral, SUPPORTED_GROUPS, type EphemeralKey } from './keyexchange.js';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeDigitallySigned,
  decodeHelloVerifyRequest,
  decodeServerHello,
  decodeServerKeyExchange,
  encodeCertificate,
  encodeCertificateRequest,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeDigitallySigned,
  encodeEcdhParams,
  encodeHelloVerifyRequest,
  encodeServerHello,
  encodeServerKeyExchange,
  type ClientHello,
} from './messages.js';
import { buildClientHello, chooseServerParameters, isRefusal } from './negotiate.js';
import { digest, extendedMasterSecret, keyBlock, masterSecret, verifyData } from './prf.js';
import { RecordProtection } from './protection.js';
import {
  AlertDescription,
  AlertLevel,
  CERT_TYPE_ECDSA_SIGN,
  COMPRESSION_NULL,
  ContentType,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  type NamedGroupId,
} from './protocol.js';
import { decodeRecord, plainRecord } from './record.js';
import { ReplayWindow } from './replay.js';
import { chooseSignScheme, signWith, verifyWith, VERIFY_SCHEMES } from './signature.js';
import { DEFAULT_SUITES, suiteById, suiteByName, type CipherSuite, type SuiteName } from './suites.js';

const log = logger('sansrtc:dtls');
const CCS_BODY = new Uint8Array([1]);
/** The last message of each flight (RFC 6347 4.2.4 flights 1-6). */
const ENDS_FLIGHT: ReadonlySet<number> = new Set([
  HandshakeType.clientHello,
  HandshakeType.helloVerifyRequest,
  HandshakeType.serverHelloDone,
  HandshakeType.finished,
]);
const EMPTY = new Uint8Array(0);

export type DtlsRole = 'client' | 'server';

export interface DtlsOptions {
  readonly role: DtlsRole;
  readonly certificate: DtlsCertificate;
  readonly rng: Random;
  /** The peer's SDP fingerprints, if already known (else send set-remote-fingerprints). */
  readonly remoteFingerprints?: readonly RemoteFingerprint[];
  /** Largest datagram for handshake flights (default 1200). */
  readonly mtu?: number;
  /** Suites in preference order (default: all three). */
  readonly suites?: readonly SuiteName[];
  /** Key-exchange groups in preference order (default: X25519, P-256). A client also
   * offers P-256, which its peer's certificate needs (RFC 8422 5.1.1). */
  readonly groups?: readonly NamedGroupId[];
  /** Refuse peers without RFC 7627 extended master secret (default true). */
  readonly requireExtendedMasterSecret?: boolean;
  /** Server: answer a cookie-less ClientHello with HelloVerifyRequest (default false). */
  readonly helloVerify?: boolean;
  /** First retransmission timeout in ms (default INITIAL_RETRANSMIT_MS). */
  readonly initialRetransmitMs?: number;
}

type State = 'idle' | 'handshake' | 'verifying' | 'connected' | 'closed';

/** What the next in-order handshake message from the peer should be. */
type Step =
  | 'server-hello' // client, after flight 1 or 3
  | 'server-certificate'
  | 'server-key-exchange'
  | 'certificate-request' // or ServerHelloDone
  | 'server-hello-done'
  | 'client-hello' // server
  | 'client-certificate'
  | 'client-key-exchange'
  | 'certificate-verify'
  | 'finished'
  | 'done';

/** Handshake-only state, dropped when the handshake completes. */
interface Handshake {
  localRandom: Uint8Array;
  remoteRandom: Uint8Array;
  cookie: Uint8Array;
  helloVerifies: number;
  transcript: Uint8Array[];
  suite?: CipherSuite;
  group?: NamedGroupId;
  ems: boolean;
  ephemeral?: EphemeralKey;
  peerEphemeral?: Uint8Array;
  peerKey?: KeyObject;
  certificateRequested: boolean;
  clientSignSchemes?: readonly number[];
  master?: Uint8Array;
}

export class DtlsEndpoint implements Engine<DtlsInput, DtlsOutput> {
  readonly role: DtlsRole;
  readonly counters = new Counters<DtlsCounter>();

  private readonly certificate: DtlsCertificate;
  private readonly rng: Random;
  private readonly mtu: number;
  private readonly suites: readonly CipherSuite[];
  private readonly groups: readonly NamedGroupId[];
  private readonly offeredGroups: readonly NamedGroupId[];
  private readonly requireEms: boolean;
  private readonly helloVerify: boolean;
  private initialRto: number;
  private remoteFingerprints: readonly RemoteFingerprint[] | undefined;

  private state: State = 'idle';
  private step: Step;
  private hs: Handshake;
  private readonly output = new OutputQueue<DtlsOutput>();
  private readonly reassembler = new HandshakeReassembler();
  private sendMessageSeq = 0;
  /** Server: the cookie we expect back (one per endpoint: WebRTC runs one per peer). */
  private serverCookie: Uint8Array | undefined;

  // Record layer: only epochs 0 and 1 exist without renegotiation.
  private writeEpoch = 0;
  private readonly writeSequence = [0, 0];
  private writeCipher: RecordProtection | undefined;
  private readCipher: RecordProtection | undefined;
  private readonly replay = [new ReplayWindow(), new ReplayWindow()];
  private readonly earlyRecords: Uint8Array[] = [];

  // Flight retransmission (RFC 6347 4.2.4).
  private flight: FlightEntry[] = [];
  private flightDeadline: Millis | undefined;
  /** The current deadline already waited once for being late (core lateDeadline). */
  private deadlineDeferred = false;
  private flightTransmissions = 0;
  private rto: number;
  private retransmittedThisDatagram = false;

  private remoteCertificate: Uint8Array | undefined;
  private fingerprintChecked = false;
  private readonly pendingData = new BoundedQueue<Uint8Array>({
    maxItems: MAX_PENDING_DATA_RECORDS,
    maxBytes: MAX_PENDING_DATA_BYTES,
    sizeOf: (d) => d.length,
  });

  constructor(options: DtlsOptions) {
    this.role = options.role;
    this.certificate = options.certificate;
    this.rng = options.rng;
    this.mtu = Math.max(MIN_MTU, options.mtu ?? DEFAULT_MTU);
    this.suites = (options.suites ?? DEFAULT_SUITES).map((n) => suiteByName(n)).filter((s): s is CipherSuite => !!s);
    if (this.suites.length === 0) throw new RangeError('DtlsEndpoint needs at least one known cipher suite');
    this.groups = (options.groups ?? SUPPORTED_GROUPS).filter((g) => SUPPORTED_GROUPS.includes(g));
    if (this.groups.length === 0) throw new RangeError('DtlsEndpoint needs at least one known group');
    // In TLS 1.2 supported_groups also names the curves we accept for the peer's ECDSA
    // certificate (RFC 8422 5.1.1), and WebRTC certificates are P-256: a client always lists
    // it, last if it was not asked for, or a server holding a P-256 certificate must refuse.
    this.offeredGroups =
      this.role === 'client' && !this.groups.includes(NamedGroup.secp256r1) ? [...this.groups, NamedGroup.secp256r1] : this.groups;
    this.requireEms = options.requireExtendedMasterSecret ?? true;
    this.helloVerify = options.helloVerify ?? false;
    this.initialRto = options.initialRetransmitMs ?? INITIAL_RETRANSMIT_MS;
    this.rto = this.initialRto;
    this.remoteFingerprints = options.remoteFingerprints;
    this.step = this.role === 'client' ? 'server-hello' : 'client-hello';
    this.hs = this.newHandshake(randomBytes(this.rng, RANDOM_SIZE));
  }

  private newHandshake(localRandom: Uint8Array): Handshake {
    return {
      localRandom,
      remoteRandom: EMPTY,
      cookie: EMPTY,
      helloVerifies: 0,
      transcript: [],
      ems: false,
      certificateRequested: false,
    };
  }

  /** Whether the handshake has finished and the peer is verified. */
  get connected(): boolean {
    return this.state === 'connected';
  }

  // ---------------------------------------------------------------- engine contract

  handleInput(now: Millis, input: DtlsInput): void {
    switch (input.type) {
      case 'datagram':
        this.handleDatagram(now, input.data);
        return;
      case 'send':
        this.send(input.data);
        return;
      case 'connect':
        if (this.role === 'client' && this.state === 'idle') this.startClient(now);
        return;
      case 'set-round-trip-time':
        this.setRoundTripTime(input.rtt);
        return;
      case 'set-remote-fingerprints':
        this.remoteFingerprints = input.fingerprints;
        this.checkFingerprint();
        return;
      case 'close':
        this.close();
        return;
    }
  }

  private setRoundTripTime(rtt: number): void {
    if (!Number.isFinite(rtt) || rtt < 0) return;
    const rto = Math.min(MAX_INITIAL_RETRANSMIT_MS, Math.max(MIN_INITIAL_RETRANSMIT_MS, RTT_RTO_FACTOR * rtt));
    // A flight sent once already is timed from when it went out, with the new timeout.
    if (this.flightDeadline !== undefined && this.flightTransmissions === 1) {
      this.flightDeadline += rto - this.rto;
      this.rto = rto;
    }
    this.initialRto = rto;
  }

  handleTimeout(now: Millis): void {
    if (this.flightDeadline === undefined || now < this.flightDeadline) return;
    const later = lateDeadline(now, this.flightDeadline, this.deadlineDeferred);
    if (later !== undefined) {
      // Late: the answer may be waiting unread; look once more after reading it.
      this.deadlineDeferred = true;
      this.counters.inc('timer-late-deferred');
      this.flightDeadline = later;
      return;
    }
    this.deadlineDeferred = false;
    if (this.flightTransmissions >= MAX_FLIGHT_TRANSMISSIONS) {
      this.fail('dtls-handshake-timeout', `no answer after ${this.flightTransmissions} transmissions`);
      return;
    }
    this.rto = Math.min(this.rto * 2, MAX_RETRANSMIT_MS); // RFC 6347 4.2.4.1: double
    this.counters.inc('flight-retransmitted');
    this.transmitFlight();
    this.flightDeadline = now + this.rto;
  }

  pollOutput(): DtlsOutput | undefined {
    return this.output.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.flightDeadline;
  }

  // ---------------------------------------------------------------- application data

  private send(data: Uint8Array): void {
    if (this.state !== 'connected') {
      this.counters.inc('data-refused');
      this.emitError('dtls-not-connected', 'send before the DTLS connection is up');
      return;
    }
    if (data.length > MAX_PLAINTEXT) {
      this.counters.inc('data-refused');
      this.emitError('dtls-too-large', `record of ${data.length} bytes exceeds 2^14`);
      return;
    }
    const record = this.sealRecord(ContentType.applicationData, data);
    if (record) this.output.push({ type: 'transmit', data: record });
  }

  private close(): void {
    if (this.state === 'closed') return;
    if (this.state !== 'idle') this.sendAlert(AlertLevel.warning, AlertDescription.closeNotify);
    this.finish();
    this.output.push({ type: 'closed' });
  }

  // ---------------------------------------------------------------- records in

  private handleDatagram(now: Millis, data: Uint8Array): void {
    if (this.state === 'closed') return;
    this.retransmittedThisDatagram = false;
    let at = 0;
    while (at < data.length && !this.isClosed()) {
      const r = decodeRecord(data, at);
      if (!r.ok) {
        // Without a valid length the rest of the datagram cannot be framed: drop it.
        this.counters.inc('record-malformed');
        log.debug('dropping malformed record', r.error.message);
        return;
      }
      const rec = r.value;
      const start = at;
      at = rec.end;
      if (rec.epoch === 1 && !this.readCipher && this.earlyRecords.length < MAX_EARLY_RECORDS) {
        this.earlyRecords.push(data.slice(start, rec.end)); // replayed when the keys exist
        continue;
      }
      if (rec.epoch > 1 || (rec.epoch === 1 && !this.readCipher)) {
        this.counters.inc('record-unknown-epoch');
        continue;
      }
      const window = this.replay[rec.epoch]!;
      if (!window.check(rec.sequence)) {
        this.counters.inc('record-replayed');
        continue;
      }
      let body = rec.fragment;
      if (rec.epoch === 1) {
        const opened = this.readCipher!.open(data, start, rec.end);
        if (!opened) {
          // RFC 6347 4.1.2.7: invalid records are silently discarded.
          this.counters.inc('record-auth-failed');
          log.debug('record failed authentication', { epoch: rec.epoch, seq: rec.sequence });
          continue;
        }
        body = opened;
      } else if (rec.type === ContentType.applicationData || (rec.type === ContentType.alert && this.readCipher && this.step === 'done')) {
        // Application data is never sent in clear, and once both ends protect their records a
        // plaintext alert could only be forged.
        this.counters.inc('record-unexpected');
        continue;
      }
      window.accept(rec.sequence);
      this.handleRecord(now, rec.type, rec.epoch, body);
    }
    if (this.readCipher && this.earlyRecords.length > 0) {
      for (const early of this.earlyRecords.splice(0)) this.handleDatagram(now, early);
    }
  }

  private handleRecord(now: Millis, type: number, epoch: number, body: Uint8Array): void {
    switch (type) {
      case ContentType.handshake:
        this.handleHandshakeRecord(now, epoch, body);
        return;
      case ContentType.applicationData:
        this.handleApplicationData(body);
        return;
      case ContentType.alert:
        this.handleAlert(body);
        return;
      case ContentType.changeCipherSpec:
        // We switch read epochs on the record epoch itself, so CCS only needs to be well
        // formed (RFC 5246 7.1); it may arrive reordered around the Finished.
        if (body.length !== 1 || body[0] !== 1) this.counters.inc('record-malformed');
        return;
    }
  }

  private handleApplicationData(body: Uint8Array): void {
    if (this.state === 'connected') {
      this.output.push({ type: 'data', data: body });
      return;
    }
    // Data that authenticated under this handshake's keys waits (bounded) until the peer is
    // verified: the Finished it follows may arrive after it (reordering, or the datagram that
    // carried the Finished was lost), and the SDP fingerprint may still be unknown. Dropping
    // it would cost the sender a retransmission timeout (SCTP's T3 is 1 s at first).
    // RFC 6347 4.1 lets records of the next epoch be buffered. A failed handshake clears it.
    if (this.state === 'handshake' || this.state === 'verifying') {
      if (this.pendingData.push(body)) return;
    }
    this.counters.inc('data-dropped-unverified');
  }

  private handleAlert(body: Uint8Array): void {
    if (body.length !== 2) {
      this.counters.inc('record-malformed');
      return;
    }
    this.counters.inc('alert-received');
    const level = body[0]!;
    const description = body[1]!;
    if (description === AlertDescription.closeNotify) {
      // RFC 5246 7.2.1: answer close_notify with our own and close.
      this.sendAlert(AlertLevel.warning, AlertDescription.closeNotify);
      this.finish();
      this.output.push({ type: 'closed' });
      return;
    }
    if (level === AlertLevel.fatal) {
      this.finish();
      this.emitError('dtls-alert', `peer sent fatal alert ${description}`, description);
      this.output.push({ type: 'closed' });
      return;
    }
    log.debug('ignoring warning alert', description);
  }

  // ---------------------------------------------------------------- handshake in

  private handleHandshakeRecord(now: Millis, epoch: number, body: Uint8Array): void {
    const frags = decodeHandshakeFragments(body);
    if (!frags.ok) {
      this.counters.inc('handshake-malformed');
      log.debug('bad handshake record', frags.error.message);
      return;
    }
    for (const f of frags.value) {
      // Finished is the only handshake message protected by epoch 1 (no renegotiation).
      if ((epoch === 1) !== (f.msgType === HandshakeType.finished)) {
        this.counters.inc('handshake-unexpected');
        continue;
      }
      const added = this.reassembler.add(f);
      if (added === 'old') {
        // The peer retransmitted: it has not seen our last flight (RFC 6347 4.2.4). Only the
        // message that ends its flight triggers our answer; answering any old message makes
        // two endpoints loop, as each answer holds messages the other has already seen.
        this.counters.inc('handshake-old');
        if (ENDS_FLIGHT.has(f.msgType)) this.retransmitOnPeerRetransmission(now);
        continue;
      }
      if (added === 'future') this.counters.inc('handshake-future');
      if (added === 'invalid') this.counters.inc('handshake-malformed');
    }
    if (this.state === 'verifying' || this.state === 'connected') {
      this.refuseRenegotiation();
      return;
    }
    for (let m = this.reassembler.next(); m && this.acceptsHandshake(); m = this.reassembler.next()) {
      this.handleMessage(now, m);
    }
  }

  /**
   * After the handshake a new ClientHello (or HelloRequest) asks for renegotiation, which we
   * do not do: answer with a no_renegotiation warning (RFC 5246 7.2.2, RFC 5746 4.4).
   */
  private refuseRenegotiation(): void {
    for (let m = this.reassembler.next(); m; m = this.reassembler.next()) {
      if (m.msgType === HandshakeType.clientHello || m.msgType === HandshakeType.helloRequest) {
        this.sendAlert(AlertLevel.warning, AlertDescription.noRenegotiation);
      } else {
        this.counters.inc('handshake-unexpected');
      }
    }
  }

  /** A method, so that TypeScript does not narrow `state` across calls that change it. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  /** A server starts on the first ClientHello; a client only after `connect`. */
  private acceptsHandshake(): boolean {
    return this.state === 'handshake' || (this.state === 'idle' && this.role === 'server');
  }

  private retransmitOnPeerRetransmission(now: Millis): void {
    if (this.retransmittedThisDatagram || this.flight.length === 0) return;
    this.retransmittedThisDatagram = true;
    this.counters.inc('flight-retransmitted');
    this.transmitFlight();
    if (this.flightDeadline !== undefined) {
      this.flightDeadline = now + this.rto;
      this.deadlineDeferred = false;
    }
  }

  private handleMessage(now: Millis, m: HandshakeMessage): void {
    if (m.msgType === HandshakeType.helloRequest) return; // RFC 5246 7.4.1.1: may be ignored
    const r = this.role === 'client' ? this.clientMessage(now, m) : this.serverMessage(now, m);
    if (r === 'unexpected') {
      this.counters.inc('handshake-unexpected');
      this.abort(AlertDescription.unexpectedMessage, `unexpected handshake message ${m.msgType} at ${this.step}`);
    }
  }

  /** Appends a message to the transcript in its unfragmented form (RFC 6347 4.2.6). */
  private record(m: HandshakeMessage): void {
    this.hs.transcript.push(encodeHandshake(m.msgType, m.messageSeq, m.body));
  }

  // ---------------------------------------------------------------- client

  private startClient(now: Millis): void {
    this.state = 'handshake';
    this.sendClientHello(now);
  }

  private sendClientHello(now: Millis): void {
    const ch = buildClientHello(this.hs.localRandom, this.hs.cookie, this.suites, this.offeredGroups);
    this.hs.transcript = [];
    const msg = this.outgoing(HandshakeType.clientHello, encodeClientHello(ch));
    this.record(msg);
    this.startFlight(now, [{ kind: 'handshake', message: msg, epoch: 0 }], true);
  }

  private clientMessage(now: Millis, m: HandshakeMessage): 'ok' | 'unexpected' {
    const hs = this.hs;
    switch (this.step) {
      case 'server-hello':
        if (m.msgType === HandshakeType.helloVerifyRequest) return this.onHelloVerifyRequest(now, m);
        if (m.msgType !== HandshakeType.serverHello) return 'unexpected';
        this.onServerHello(m);
        return 'ok';
      case 'server-certificate':
        if (m.msgType !== HandshakeType.certificate) return 'unexpected';
        this.record(m);
        this.onPeerCertificate(m.body);
        if (this.state === 'handshake') this.step = 'server-key-exchange';
        return 'ok';
      case 'server-key-exchange':
        if (m.msgType !== HandshakeType.serverKeyExchange) return 'unexpected';
        this.record(m);
        this.onServerKeyExchange(m.body);
        return 'ok';
      case 'certificate-request':
        if (m.msgType === HandshakeType.certificateRequest) {
          this.record(m);
          const cr = decodeCertificateRequest(m.body);
          if (!cr.ok) return this.decodeFailed(cr.error.message);
          hs.certificateRequested = true;
          hs.clientSignSchemes = cr.value.schemes;
          if (!cr.value.certificateTypes.includes(CERT_TYPE_ECDSA_SIGN)) {
            this.abort(AlertDescription.handshakeFailure, 'server does not take ECDSA client certificates');
            return 'ok';
          }
          this.step = 'server-hello-done';
          return 'ok';
        }
        if (m.msgType !== HandshakeType.serverHelloDone) return 'unexpected';
        this.onServerHelloDone(now, m);
        return 'ok';
      case 'server-hello-done':
        if (m.msgType !== HandshakeType.serverHelloDone) return 'unexpected';
        this.onServerHelloDone(now, m);
        return 'ok';
      case 'finished':
        if (m.msgType !== HandshakeType.finished) return 'unexpected';
        this.onFinished(now, m);
        return 'ok';
      default:
        return 'unexpected';
    }
  }

  private onHelloVerifyRequest(now: Millis, m: HandshakeMessage): 'ok' {
    const hvr = decodeHelloVerifyRequest(m.body);
    if (!hvr.ok) return this.decodeFailed(hvr.error.message);
    this.counters.inc('hello-verify-received');
    if (++this.hs.helloVerifies > MAX_HELLO_VERIFY) {
      this.abort(AlertDescription.handshakeFailure, 'too many HelloVerifyRequests');
      return 'ok';
    }
    // RFC 6347 4.2.1: resend the ClientHello with the cookie; neither the first ClientHello
    // nor the HelloVerifyRequest enters the transcript.
    this.hs.cookie = hvr.value.cookie.slice();
    this.sendClientHello(now);
    return 'ok';
  }

  private onServerHello(m: HandshakeMessage): void {
    const sh = decodeServerHello(m.body);
    if (!sh.ok) {
      this.decodeFailed(sh.error.message);
      return;
    }
    const v = sh.value;
    if (v.version !== DTLS_1_2) {
      this.abort(AlertDescription.protocolVersion, `server chose version 0x${v.version.toString(16)}`);
      return;
    }
    const suite = suiteById(v.cipherSuite);
    if (!suite || !this.suites.includes(suite) || v.compressionMethod !== COMPRESSION_NULL) {
      this.abort(AlertDescription.illegalParameter, `server chose suite 0x${v.cipherSuite.toString(16)}`);
      return;
    }
    const ems = v.extensions.has(ExtensionType.extendedMasterSecret);
    if (!ems && this.requireEms) {
      this.abort(AlertDescription.handshakeFailure, 'server did not agree to extended master secret (RFC 7627)');
      return;
    }
    const reneg = v.extensions.get(ExtensionType.renegotiationInfo);
    if (reneg && (reneg.length !== 1 || reneg[0] !== 0)) {
      this.abort(AlertDescription.handshakeFailure, 'non-empty renegotiation_info (RFC 5746 3.4)');
      return;
    }
    this.record(m);
    this.hs.suite = suite;
    this.hs.ems = ems;
    this.hs.remoteRandom = v.random.slice();
    this.step = 'server-certificate';
  }

  private onServerKeyExchange(body: Uint8Array): void {
    const hs = this.hs;
    const ske = decodeServerKeyExchange(body);
    if (!ske.ok) {
      this.decodeFailed(ske.error.message);
      return;
    }
    const v = ske.value;
    const group = this.offeredGroups.find((g) => g === v.group);
    if (group === undefined) {
      this.abort(AlertDescription.illegalParameter, `server chose group ${v.group}`);
      return;
    }
    if (!VERIFY_SCHEMES.includes(v.scheme)) {
      this.abort(AlertDescription.illegalParameter, `server signed with scheme 0x${v.scheme.toString(16)}`);
      return;
    }
    const signed = new Uint8Array(2 * RANDOM_SIZE + v.params.length);
    signed.set(hs.localRandom, 0);
    signed.set(hs.remoteRandom, RANDOM_SIZE);
    signed.set(v.params, 2 * RANDOM_SIZE);
    if (!verifyWith(hs.peerKey!, v.scheme, signed, v.signature)) {
      this.abort(AlertDescription.decryptError, 'ServerKeyExchange signature does not verify');
      return;
    }
    hs.group = group;
    hs.peerEphemeral = v.publicKey.slice();
    this.step = 'certificate-request';
  }

  private onServerHelloDone(now: Millis, m: HandshakeMessage): void {
    const hs = this.hs;
    if (m.body.length !== 0) {
      this.decodeFailed('ServerHelloDone with a body');
      return;
    }
    this.record(m);
    const ephemeral = generateEphemeral(hs.group!, this.rng);
    const preMaster = ephemeral.deriveSecret(hs.peerEphemeral!);
    if (!preMaster) {
      this.abort(AlertDescription.illegalParameter, 'bad server ECDH public key');
      return;
    }
    const entries: FlightEntry[] = [];
    const add = (type: number, body: Uint8Array): void => {
      const msg = this.outgoing(type, body);
      this.record(msg);
      entries.push({ kind: 'handshake', message: msg, epoch: 0 });
    };
    if (hs.certificateRequested) add(HandshakeType.certificate, encodeCertificate([this.certificate.der]));
    add(HandshakeType.clientKeyExchange, encodeClientKeyExchange(ephemeral.publicKey));
    this.deriveKeys(preMaster); // the session hash ends with ClientKeyExchange (RFC 7627 3)
    if (hs.certificateRequested) {
      const scheme = chooseSignScheme(hs.clientSignSchemes);
      if (scheme === undefined) {
        this.abort(AlertDescription.handshakeFailure, 'no signature scheme in common for CertificateVerify');
        return;
      }
      const signature = signWith(this.certificate.privateKey, scheme, this.transcriptBytes());
      add(HandshakeType.certificateVerify, encodeDigitallySigned({ scheme, signature }));
    }
    entries.push({ kind: 'change-cipher-spec' });
    const finished = this.outgoing(HandshakeType.finished, this.finishedData('client'));
    this.record(finished);
    entries.push({ kind: 'handshake', message: finished, epoch: 1 });
    this.step = 'finished';
    this.startFlight(now, entries, true);
  }

  // ---------------------------------------------------------------- server

  private serverMessage(now: Millis, m: HandshakeMessage): 'ok' | 'unexpected' {
    switch (this.step) {
      case 'client-hello':
        if (m.msgType !== HandshakeType.clientHello) return 'unexpected';
        this.onClientHello(now, m);
        return 'ok';
      case 'client-certificate':
        if (m.msgType !== HandshakeType.certificate) return 'unexpected';
        this.record(m);
        this.onPeerCertificate(m.body);
        if (this.state === 'handshake') this.step = 'client-key-exchange';
        return 'ok';
      case 'client-key-exchange':
        if (m.msgType !== HandshakeType.clientKeyExchange) return 'unexpected';
        this.onClientKeyExchange(m);
        return 'ok';
      case 'certificate-verify':
        if (m.msgType !== HandshakeType.certificateVerify) return 'unexpected';
        this.onCertificateVerify(m);
        return 'ok';
      case 'finished':
        if (m.msgType !== HandshakeType.finished) return 'unexpected';
        this.onFinished(now, m);
        return 'ok';
      default:
        return 'unexpected';
    }
  }

  private onClientHello(now: Millis, m: HandshakeMessage): void {
    const decoded = decodeClientHello(m.body);
    if (!decoded.ok) {
      this.decodeFailed(decoded.error.message);
      return;
    }
    const ch = decoded.value;
    this.state = 'handshake';
    if (this.helloVerify && !this.cookieMatches(ch)) {
      this.sendHelloVerifyRequest(m);
      return;
    }
    const choice = chooseServerParameters(ch, this.suites, this.groups, this.requireEms);
    if (isRefusal(choice)) {
      this.abort(choice.alert, choice.reason);
      return;
    }
    const hs = this.hs;
    hs.remoteRandom = ch.random.slice();
    hs.suite = choice.suite;
    hs.group = choice.group;
    hs.ems = choice.extendedMasterSecret;
    hs.ephemeral = generateEphemeral(choice.group, this.rng);
    // RFC 6347 4.2.2: the ServerHello's message_seq matches the ClientHello's.
    this.sendMessageSeq = m.messageSeq;
    this.record(m);

    const entries: FlightEntry[] = [];
    const add = (type: number, body: Uint8Array): void => {
      const msg = this.outgoing(type, body);
      this.record(msg);
      entries.push({ kind: 'handshake', message: msg, epoch: 0 });
    };
    add(
      HandshakeType.serverHello,
      encodeServerHello({
        version: DTLS_1_2,
        random: hs.localRandom,
        sessionId: EMPTY,
        cipherSuite: choice.suite.id,
        compressionMethod: COMPRESSION_NULL,
        extensions: choice.extensions,
      }),
    );
    add(HandshakeType.certificate, encodeCertificate([this.certificate.der]));
    const params = encodeEcdhParams(choice.group, hs.ephemeral.publicKey);
    const signed = new Uint8Array(2 * RANDOM_SIZE + params.length);
    signed.set(hs.remoteRandom, 0);
    signed.set(hs.localRandom, RANDOM_SIZE);
    signed.set(params, 2 * RANDOM_SIZE);
    const signature = signWith(this.certificate.privateKey, choice.signScheme, signed);
    add(HandshakeType.serverKeyExchange, encodeServerKeyExchange(params, choice.signScheme, signature));
    // WebRTC authenticates both ends: always ask for the client's certificate (RFC 8827 6.5).
    add(
      HandshakeType.certificateRequest,
      encodeCertificateRequest({ certificateTypes: new Uint8Array([CERT_TYPE_ECDSA_SIGN]), schemes: VERIFY_SCHEMES }),
    );
    add(HandshakeType.serverHelloDone, EMPTY);
    this.step = 'client-certificate';
    this.startFlight(now, entries, true);
  }

  private cookieMatches(ch: ClientHello): boolean {
    return this.serverCookie !== undefined && ch.cookie.length > 0 && constantTimeEqual(ch.cookie, this.serverCookie);
  }

  /** Stateless answer to a ClientHello without our cookie (RFC 6347 4.2.1). */
  private sendHelloVerifyRequest(m: HandshakeMessage): void {
    this.counters.inc('hello-verify-sent');
    this.serverCookie ??= randomBytes(this.rng, COOKIE_SIZE);
    const hvr = encodeHelloVerifyRequest({ version: DTLS_1_0, cookie: this.serverCookie });
    // The HelloVerifyRequest reuses the ClientHello's message_seq and is not retransmitted
    // on a timer: the client's retransmitted ClientHello brings another one.
    const msg: HandshakeMessage = { msgType: HandshakeType.helloVerifyRequest, messageSeq: m.messageSeq, body: hvr };
    this.flight = [{ kind: 'handshake', message: msg, epoch: 0 }];
    this.flightDeadline = undefined;
    this.transmitFlight();
  }

  private onClientKeyExchange(m: HandshakeMessage): void {
    const hs = this.hs;
    const cke = decodeClientKeyExchange(m.body);
    if (!cke.ok) {
      this.decodeFailed(cke.error.message);
      return;
    }
    const preMaster = hs.ephemeral!.deriveSecret(cke.value);
    if (!preMaster) {
      this.abort(AlertDescription.illegalParameter, 'bad client ECDH public key');
      return;
    }
    this.record(m);
    this.deriveKeys(preMaster);
    this.step = this.remoteCertificate ? 'certificate-verify' : 'finished';
  }

  private onCertificateVerify(m: HandshakeMessage): void {
    const cv = decodeDigitallySigned(m.body);
    if (!cv.ok) {
      this.decodeFailed(cv.error.message);
      return;
    }
    if (!VERIFY_SCHEMES.includes(cv.value.scheme)) {
      this.abort(AlertDescription.illegalParameter, `CertificateVerify scheme 0x${cv.value.scheme.toString(16)}`);
      return;
    }
    // Signed: every handshake message before this one (RFC 5246 7.4.8).
    if (!verifyWith(this.hs.peerKey!, cv.value.scheme, this.transcriptBytes(), cv.value.signature)) {
      this.abort(AlertDescription.decryptError, 'CertificateVerify does not verify');
      return;
    }
    this.record(m);
    this.step = 'finished';
  }

  // ---------------------------------------------------------------- both roles

  private onPeerCertificate(body: Uint8Array): void {
    const chain = decodeCertificate(body);
    if (!chain.ok) {
      this.decodeFailed(chain.error.message);
      return;
    }
    const leaf = chain.value[0];
    if (!leaf) {
      // RFC 8827 6.5: WebRTC requires both ends to present a certificate.
      this.abort(AlertDescription.handshakeFailure, 'peer sent no certificate');
      return;
    }
    const key = certificatePublicKey(leaf);
    if (!key.ok) {
      this.abort(AlertDescription.badCertificate, key.error.message);
      return;
    }
    this.hs.peerKey = key.value;
    this.remoteCertificate = leaf.slice();
    this.checkFingerprint();
  }

  /**
   * Compares the peer's certificate with the SDP fingerprints once both are known; refuses
   * the peer on a mismatch, and completes a handshake that was waiting for them.
   */
  private checkFingerprint(): void {
    if (this.fingerprintChecked || !this.remoteCertificate || !this.remoteFingerprints) return;
    if (this.state === 'closed') return;
    if (!matchesFingerprint(this.remoteCertificate, this.remoteFingerprints)) {
      this.abort(AlertDescription.badCertificate, 'peer certificate does not match the SDP fingerprint', 'dtls-fingerprint-mismatch');
      return;
    }
    this.fingerprintChecked = true;
    if (this.state === 'verifying') this.becomeConnected();
  }

  private deriveKeys(preMaster: Uint8Array): void {
    const hs = this.hs;
    const suite = hs.suite!;
    const clientRandom = this.role === 'client' ? hs.localRandom : hs.remoteRandom;
    const serverRandom = this.role === 'client' ? hs.remoteRandom : hs.localRandom;
    hs.master = hs.ems
      ? extendedMasterSecret(suite.prfHash, preMaster, digest(suite.prfHash, hs.transcript))
      : masterSecret(suite.prfHash, preMaster, clientRandom, serverRandom);
    const kb = keyBlock(suite, hs.master, clientRandom, serverRandom);
    const client = new RecordProtection(suite, kb.clientKey, kb.clientIv);
    const server = new RecordProtection(suite, kb.serverKey, kb.serverIv);
    this.writeCipher = this.role === 'client' ? client : server;
    this.readCipher = this.role === 'client' ? server : client;
  }

  private finishedData(role: DtlsRole): Uint8Array {
    const suite = this.hs.suite!;
    return verifyData(suite.prfHash, this.hs.master!, role, digest(suite.prfHash, this.hs.transcript));
  }

  private onFinished(now: Millis, m: HandshakeMessage): void {
    const peer: DtlsRole = this.role === 'client' ? 'server' : 'client';
    if (!constantTimeEqual(m.body, this.finishedData(peer))) {
      this.abort(AlertDescription.decryptError, 'Finished verify_data mismatch');
      return;
    }
    this.record(m);
    if (this.role === 'server') {
      const finished = this.outgoing(HandshakeType.finished, this.finishedData('server'));
      // Flight 6 is the last: no timer; it is resent when flight 5 is (RFC 6347 4.2.4).
      this.startFlight(now, [{ kind: 'change-cipher-spec' }, { kind: 'handshake', message: finished, epoch: 1 }], false);
    } else {
      this.flight = []; // the server's Finished proves it has our flight 5
      this.flightDeadline = undefined;
    }
    this.step = 'done';
    this.state = 'verifying';
    if (this.fingerprintChecked) this.becomeConnected();
    else this.checkFingerprint();
  }

  private becomeConnected(): void {
    const hs = this.hs;
    this.state = 'connected';
    this.output.push({
      type: 'connected',
      suite: hs.suite!.name,
      group: hs.group === NamedGroup.x25519 ? 'x25519' : 'secp256r1',
      extendedMasterSecret: hs.ems,
      remoteCertificate: this.remoteCertificate!,
    });
    for (let d = this.pendingData.shift(); d; d = this.pendingData.shift()) this.output.push({ type: 'data', data: d });
    // The handshake secrets are no longer needed; a retransmitted flight lives in `flight`.
    this.hs = this.newHandshake(EMPTY);
  }

  private transcriptBytes(): Uint8Array {
    let n = 0;
    for (const t of this.hs.transcript) n += t.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const t of this.hs.transcript) {
      out.set(t, at);
      at += t.length;
    }
    return out;
  }

  // ---------------------------------------------------------------- output

  private outgoing(msgType: number, body: Uint8Array): HandshakeMessage {
    return { msgType, messageSeq: this.sendMessageSeq++, body };
  }

  private startFlight(now: Millis, entries: FlightEntry[], timed: boolean): void {
    this.flight = entries;
    this.flightTransmissions = 0;
    this.rto = this.initialRto;
    this.transmitFlight();
    this.flightDeadline = timed ? now + this.rto : undefined;
    this.deadlineDeferred = false;
  }

  /** Encodes the current flight with fresh sequence numbers and queues its datagrams. */
  private transmitFlight(): void {
    this.flightTransmissions++;
    const records: Uint8Array[] = [];
    for (const e of this.flight) {
      if (e.kind === 'change-cipher-spec') {
        records.push(plainRecord(ContentType.changeCipherSpec, 0, this.nextSequence(0), CCS_BODY));
        continue;
      }
      const overhead = e.epoch === 1 ? this.writeCipher!.sealedSize(0) : RECORD_HEADER_SIZE;
      const maxBody = this.mtu - overhead - HANDSHAKE_HEADER_SIZE;
      for (const frag of fragmentHandshake(e.message, maxBody)) {
        records.push(
          e.epoch === 1
            ? this.writeCipher!.seal(ContentType.handshake, 1, this.nextSequence(1), frag)
            : plainRecord(ContentType.handshake, 0, this.nextSequence(0), frag),
        );
      }
    }
    for (const d of packDatagrams(records, this.mtu)) this.output.push({ type: 'transmit', data: d });
    if (this.flight.some((e) => e.kind === 'change-cipher-spec')) this.writeEpoch = 1;
  }

  private nextSequence(epoch: number): number {
    return this.writeSequence[epoch]!++;
  }

  /** Seals one record in the current write epoch (plaintext in epoch 0). */
  private sealRecord(type: number, data: Uint8Array): Uint8Array | undefined {
    const epoch = this.writeEpoch;
    const seq = this.nextSequence(epoch);
    if (seq > MAX_SEQUENCE) {
      // RFC 6347 4.1: the sequence number must not wrap; we do not renegotiate.
      this.fail('dtls-handshake-failure', 'record sequence numbers exhausted');
      return undefined;
    }
    return epoch === 1 ? this.writeCipher!.seal(type, 1, seq, data) : plainRecord(type, 0, seq, data);
  }

  private sendAlert(level: number, description: number): void {
    const record = this.sealRecord(ContentType.alert, new Uint8Array([level, description]));
    if (!record) return;
    this.counters.inc('alert-sent');
    this.output.push({ type: 'transmit', data: record });
  }

  private emitError(code: DtlsErrorCode, message: string, alert?: number): void {
    this.output.push({ type: 'error', error: new DtlsError(code, message, alert) });
  }

  private decodeFailed(message: string): 'ok' {
    this.counters.inc('handshake-malformed');
    this.abort(AlertDescription.decodeError, message);
    return 'ok';
  }

  /** Sends a fatal alert and fails (RFC 5246 7.2.2). */
  private abort(alert: number, message: string, code: DtlsErrorCode = 'dtls-handshake-failure'): void {
    log.debug('aborting', { alert, message });
    this.sendAlert(AlertLevel.fatal, alert);
    this.fail(code, message, alert);
  }

  private fail(code: DtlsErrorCode, message: string, alert?: number): void {
    this.finish();
    this.emitError(code, message, alert);
    this.output.push({ type: 'closed' });
  }

  private finish(): void {
    this.state = 'closed';
    this.flight = [];
    this.flightDeadline = undefined;
    this.pendingData.clear();
    this.earlyRecords.length = 0;
  }
}
