/**
 * The ICE agent (RFC 8445), sans-IO: full mode or lite, one component, UDP.
 *
 * Inputs are datagrams from the driver's sockets and commands (gather, remote credentials
 * and candidates, restart, send, close); outputs are transmits and events (see types.ts).
 * Candidate pairs live in a CheckList per ICE generation (checklist.ts); STUN requests in
 * flight in Transactions (transactions.ts); TURN allocations in Relays (relays.ts); RFC 7675
 * consent timing in Consent (consent.ts).
 */

import {
  Counters,
  OutputQueue,
  addressKey,
  earliest,
  logger,
  randomString,
  sameAddress,
} from '../core/index.js';
import type { Datagram, Engine, Millis, Random, TransportAddress } from '../core/index.js';
import type { Candidate } from '../sdp/index.js';
import {
  StunClass,
  StunErrorCode,
  StunMethod,
  decodeStun,
  isStunMessage,
  newTransactionId,
  verifyIntegrity,
} from '../stun/index.js';
import type { DecodedStun } from '../stun/index.js';
import { Consent } from './consent.js';
import { Relays } from './relays.js';
import type { Allocation } from './relays.js';
import {
  hostCandidate,
  pairable,
  peerReflexiveCandidate,
  srflxCandidate,
  validCredentials,
  vetRemote,
  withoutZone,
} from './candidates.js';
import { CheckList, pairKey } from './checklist.js';
import type { CandidatePair, LocalCandidate, RemoteCandidate } from './checklist.js';
import {
  CHECK_MAX_RTO,
  CHECK_MAX_TRANSMISSIONS,
  CHECK_MIN_RTO,
  CONSENT_MAX_RTO,
  CONSENT_RTO,
  CONSENT_TIMEOUT,
  CONSENT_TRANSMISSIONS,
  DEFAULT_KEEPALIVE_INTERVAL,
  DEFAULT_TA,
  FAILED_WITHOUT_EOC_TIMEOUT,
  GATHER_MAX_RTO,
  GATHER_MAX_TRANSMISSIONS,
  GATHER_RTO,
  MAX_LOCAL_ADDRESSES,
  MAX_LOCAL_PRFLX,
  MAX_OUTPUTS,
  MIN_TA,
  NOMINATION_TIMEOUT,
  SILENCE_PROBE_AFTER,
  PWD_LENGTH,
  UFRAG_LENGTH,
} from './constants.js';
import { encodeBindingRequest, encodeCheck, encodeCheckError, encodeCheckSuccess, encodeKeepalive } from './messages.js';
import { candidatePriority, localPreference } from './priority.js';
import { Transactions } from './transactions.js';
import type { Txn } from './transactions.js';
import type {
  IceAgentOptions,
  IceConnectionState,
  IceCredentials,
  IceGatheringState,
  IceInput,
  IceOutput,
  IceRole,
  IceStats,
  TurnServerConfig,
} from './types.js';

const log = logger('sansrtc:ice');

export type IceCounter =
  | 'stun-malformed'
  | 'stun-integrity'
  | 'stun-bad-request'
  | 'stun-unknown-username'
  | 'stun-unknown-attribute'
  | 'stun-unmatched-response'
  | 'stun-not-binding'
  | 'stun-non-symmetric'
  | 'role-conflict'
  | 'keepalive-received'
  | 'data-unknown-source'
  | 'data-unknown-socket'
  | 'policy-drop'
  | 'send-no-pair'
  | 'output-overflow'
  | 'remote-credentials-invalid'
  | 'candidate-mdns-ignored'
  | 'candidate-ignored'
  | 'candidate-stale-generation'
  | 'remote-candidates-full'
  | 'pairs-full'
  | 'local-address-ignored'
  | 'local-prflx-learned'
  | 'consent-expired'
  | 'relay-failed'
  | 'relay-permission-failed'
  | 'closed-drop';

export class IceAgent implements Engine<IceInput, IceOutput> {
  readonly counters = new Counters<IceCounter>();
  readonly lite: boolean;
  private readonly rng: Random;
  private roleValue: IceRole;
  private readonly tieBreaker: bigint;
  private readonly policy: 'all' | 'relay';
  private readonly stunServers: readonly TransportAddress[];
  private readonly turnServers: readonly TurnServerConfig[];
  private ta: number;
  private readonly keepaliveInterval: number;

  private now: Millis = 0;
  private readonly out = new OutputQueue<IceOutput>();
  private readonly txns = new Transactions();

  /** Host candidates, one per local socket, in the order the driver added them. */
  private readonly hosts: LocalCandidate[] = [];
  private readonly hostByBase = new Map<string, LocalCandidate>();
  /** Server-reflexive candidates found in this generation, by address. */
  private readonly srflx = new Map<string, Candidate>();
  /** TURN allocations, at most one per configured server. */
  private readonly relays: Relays;
  /** Our peer-reflexive addresses learned from check responses (RFC 8445 7.2.5.3.1). */
  private readonly localPrflx = new Set<string>();

  private current: CheckList;
  /** The previous generation, kept after a restart while its selected pair carries data. */
  private previous: CheckList | undefined;
  private selected: CandidatePair | undefined;

  private gatheringValue: IceGatheringState = 'new';
  private gatherStarted = false;
  private stateValue: IceConnectionState = 'new';
  private closed = false;

  private nextCheckAt: Millis | undefined;
  /** Earliest start of the next server-reflexive gathering request (RFC 8445 14.2 pacing). */
  private nextGatherAt: Millis = 0;
  private lastCheckAt = -Infinity;

  /** RFC 7675 consent on the selected pair. */
  private readonly consent: Consent;
  private lastSentAt = 0;
  /** Last packet (data or authenticated STUN) from the selected pair's remote. */
  private heardAt = 0;
  /** Last application data sent on the selected pair, and the last silence probe. */
  private dataSentAt = 0;
  private probedAt = -Infinity;

  private packetsSent = 0;
  private bytesSent = 0;
  private packetsReceived = 0;
  private bytesReceived = 0;

  private readonly onRetransmit = (t: Txn): void => this.transmit(t.local, t.to, t.data);
  private readonly onExpire = (t: Txn): void => this.expired(t);

  constructor(opts: IceAgentOptions) {
    this.rng = opts.rng;
    this.lite = opts.lite ?? false;
    // RFC 8445 6.1.1: a lite agent is always controlled (against a full peer).
    this.roleValue = this.lite ? 'controlled' : opts.role;
    this.tieBreaker = opts.tieBreaker ?? (BigInt(this.rng.u32()) << 32n) | BigInt(this.rng.u32());
    this.policy = opts.policy ?? 'all';
    this.stunServers = opts.stunServers ?? [];
    this.turnServers = opts.turnServers ?? [];
    this.ta = Math.max(opts.ta ?? DEFAULT_TA, MIN_TA);
    this.relays = new Relays(this.rng);
    this.consent = new Consent(this.rng, opts.consentTimeout ?? CONSENT_TIMEOUT);
    this.keepaliveInterval = Math.max(opts.keepaliveInterval ?? DEFAULT_KEEPALIVE_INTERVAL, 1);
    const local = {
      ufrag: opts.ufrag ?? randomString(this.rng, UFRAG_LENGTH),
      pwd: opts.pwd ?? randomString(this.rng, PWD_LENGTH),
    };
    if (!validCredentials(local.ufrag, local.pwd)) throw new RangeError('ice: ufrag/pwd must be 1-250/1-256 ice-chars');
    this.current = new CheckList(local);
  }

  get role(): IceRole {
    return this.roleValue;
  }

  get localCredentials(): IceCredentials {
    return this.current.local;
  }

  get connectionState(): IceConnectionState {
    return this.stateValue;
  }

  get gatheringState(): IceGatheringState {
    return this.gatheringValue;
  }

  /**
   * Whether `send` has a pair to go out on: the selected pair or, before nomination, a valid
   * one (RFC 8445 12: consent is the successful check, RFC 7675 4). The layer above may
   * start its own handshake as soon as this is true instead of waiting for 'connected'.
   */
  get canSend(): boolean {
    return this.sendPair() !== undefined;
  }

  /** The pair `send` uses: the selected one or, before nomination, the best valid one. */
  get sendingPair(): { local: Candidate; remote: Candidate } | undefined {
    const p = this.sendPair();
    return p ? { local: p.local.candidate, remote: p.remote.candidate } : undefined;
  }

  /**
   * The round-trip time in ms last measured on the pair `send` uses (a check or consent
   * request answered after one transmission), or undefined before any such answer.
   */
  get roundTripTime(): number | undefined {
    return this.sendPair()?.rtt;
  }

  private sendPair(): CandidatePair | undefined {
    if (this.closed) return undefined;
    return this.selected ?? (this.consent.lost ? undefined : this.current.bestValid());
  }

  get selectedPair(): { local: Candidate; remote: Candidate } | undefined {
    const p = this.selected;
    return p ? { local: p.local.candidate, remote: p.remote.candidate } : undefined;
  }

  // ---------------------------------------------------------------- engine contract

  handleInput(now: Millis, input: IceInput): void {
    if (now > this.now) this.now = now;
    if (this.closed) {
      if (input.type === 'datagram' || input.type === 'send') this.counters.inc('closed-drop');
      return;
    }
    switch (input.type) {
      case 'datagram':
        // The hot path returns before the state bookkeeping below.
        if (this.onDatagram(input)) return;
        break;
      case 'send':
        this.send(input.data);
        return;
      case 'add-local-address':
        this.addLocalAddress(input.address);
        break;
      case 'gather':
        this.gather();
        break;
      case 'set-remote-credentials':
        if (input.ta !== undefined) this.ta = Math.max(input.ta, MIN_TA);
        this.setRemoteCredentials({ ufrag: input.ufrag, pwd: input.pwd });
        // RFC 8445 6.1.1: against a lite peer the full agent is controlling.
        if (input.lite && !this.lite) this.switchRole('controlling');
        break;
      case 'add-remote-candidate':
        this.addRemoteCandidate(input.candidate);
        break;
      case 'end-of-remote-candidates':
        this.current.remoteEndOfCandidates = true;
        break;
      case 'restart':
        this.restart();
        break;
      case 'close':
        this.close();
        return;
    }
    this.update();
  }

  handleTimeout(now: Millis): void {
    if (now > this.now) this.now = now;
    if (this.closed) return;
    // Expiries first: a failed check may free a Frozen pair to check on this same tick.
    this.txns.due(now, this.onRetransmit, this.onExpire);
    this.maybeNominate();
    this.scheduleChecks();
    if (this.nextCheckAt !== undefined && now >= this.nextCheckAt) this.paceCheck();
    if (this.relays.size > 0) {
      this.relays.handleTimeout(now);
      this.drainRelays();
    }
    const sel = this.selected;
    if (sel) {
      const due = this.consent.nextCheckAt;
      const probe = this.probeAt();
      if (!this.lite && ((due !== undefined && now >= due) || (probe !== undefined && now >= probe))) {
        if (probe !== undefined && now >= probe) this.probedAt = now;
        this.sendConsent(sel);
      }
      if (now >= this.lastSentAt + this.keepaliveInterval) this.sendKeepalive(sel);
    }
    this.update();
  }

  pollOutput(): IceOutput | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this.closed) return undefined;
    let t = earliest(this.nextCheckAt, this.txns.earliest());
    const sel = this.selected;
    if (sel) {
      if (!this.lite) t = earliest(earliest(t, this.consent.nextCheckAt), this.probeAt());
      t = earliest(t, this.lastSentAt + this.keepaliveInterval);
      t = earliest(t, this.consent.expiresAt);
    }
    if (this.relays.size > 0) t = earliest(t, this.relays.pollTimeout());
    t = earliest(t, this.nominationDeadline());
    t = earliest(t, this.failWithoutEocDeadline());
    t = earliest(t, this.stallDeadline());
    return t;
  }

  stats(): IceStats {
    const locals: Candidate[] = [];
    if (this.policy === 'all') for (const h of this.hosts) locals.push(h.candidate);
    for (const c of this.srflx.values()) locals.push(c);
    for (const l of this.relays.locals) locals.push(l.candidate);
    return {
      role: this.roleValue,
      connectionState: this.stateValue,
      gatheringState: this.gatheringValue,
      localCandidates: locals,
      remoteCandidates: [...this.current.remotes.values()].map((r) => r.candidate),
      pairs: this.current.pairs.map((p) => ({
        local: p.local.candidate,
        remote: p.remote.candidate,
        state: p.state,
        nominated: p.nominated,
        priority: p.priority.toString(),
        ...(p.rtt !== undefined ? { rtt: p.rtt } : {}),
      })),
      selectedPair: this.selectedPair,
      packetsSent: this.packetsSent,
      bytesSent: this.bytesSent,
      packetsReceived: this.packetsReceived,
      bytesReceived: this.bytesReceived,
      counters: this.counters.snapshot(),
    };
  }

  // ---------------------------------------------------------------- output helpers

  private emit(ev: IceOutput): void {
    if (this.out.length >= MAX_OUTPUTS) {
      this.counters.inc('output-overflow');
      return;
    }
    this.out.push(ev);
  }

  private transmit(local: LocalCandidate, to: TransportAddress, data: Uint8Array): void {
    this.packetsSent++;
    this.bytesSent += data.length;
    if (local.relay < 0) {
      this.emit({ type: 'transmit', data, from: local.base, to });
      return;
    }
    this.relays.send(local, to, data, this.now);
    this.drainRelays();
  }

  // ---------------------------------------------------------------- TURN relays

  /** Acts on what the TURN clients produced (see relays.ts). */
  private drainRelays(): void {
    for (let e = this.relays.poll(); e !== undefined; e = this.relays.poll()) {
      switch (e.type) {
        case 'transmit':
          this.emit(e.transmit);
          break;
        case 'data':
          this.onRelayed(e.local, e.from, e.data);
          break;
        case 'allocated':
          this.signalAllocation(e.allocation);
          this.gatherDone();
          break;
        case 'failed':
          this.counters.inc('relay-failed');
          log.debug('TURN allocation failed', e.reason);
          if (e.local) this.dropLocal(e.local);
          this.gatherDone();
          break;
        case 'permission-failed':
          this.counters.inc('relay-permission-failed');
          break;
      }
    }
  }

  /** A relayed candidate is gone: its pairs go too (and the selection, if it used one). */
  private dropLocal(dead: LocalCandidate): void {
    for (const list of [this.current, this.previous]) {
      if (!list) continue;
      for (const p of [...list.pairs]) if (p.local === dead) list.remove(p);
    }
    if (this.selected?.local === dead) this.selected = undefined;
  }

  /** A packet from `from` relayed to us by the TURN server. */
  private onRelayed(local: LocalCandidate, from: TransportAddress, data: Uint8Array): void {
    this.packetsReceived++;
    this.bytesReceived += data.length;
    if (data.length > 0 && data[0]! < 4) this.onStun(local, from, data);
    else this.onData(local, from, data);
  }

  // ---------------------------------------------------------------- data path

  /** RFC 8445 12: application data goes over the selected pair (or, before nomination, the best valid one). */
  private send(data: Uint8Array): void {
    const pair = this.sendPair();
    if (!pair) {
      this.counters.inc('send-no-pair');
      return;
    }
    if (pair === this.selected) {
      this.lastSentAt = this.now;
      this.dataSentAt = this.now;
    }
    this.transmit(pair.local, pair.remote.address, data);
  }

  /**
   * While we send data and hear nothing back for SILENCE_PROBE_AFTER, a consent check goes
   * out at once instead of at its next slot, so a dead path shows as 'disconnected' within
   * a few seconds (RFC 7675 allows checks more often than every 5 s). An idle connection
   * (no data sent) keeps the plain 4-6 s rhythm.
   */
  private probeAt(): Millis | undefined {
    if (this.lite || this.dataSentAt <= this.heardAt || this.probedAt >= this.heardAt) return undefined;
    return this.heardAt + SILENCE_PROBE_AFTER;
  }

  /** Notes a packet from `from` on `local` when that is the selected pair's remote. */
  private heard(local: LocalCandidate, from: TransportAddress): void {
    const sel = this.selected;
    if (sel && sel.local === local && sameAddress(from, sel.remote.address)) this.heardAt = this.now;
  }

  /** Returns true when the datagram was application data handled on the fast path. */
  private onDatagram(d: Datagram): boolean {
    const data = d.data;
    const isStun = data.length > 0 && data[0]! < 4;
    const sel = this.selected;
    if (!isStun && sel && sel.local.relay < 0 && sameAddress(d.from, sel.remote.address) && sameAddress(d.to, sel.local.base)) {
      this.heardAt = this.now;
      this.packetsReceived++;
      this.bytesReceived += data.length;
      this.emit({ type: 'data', data, from: d.from });
      return true;
    }
    // A TURN server may double as our STUN server: our own gathering responses stay here.
    if (this.relays.size > 0 && !(isStun && isStunMessage(data) && this.txns.find(data.subarray(8, 20)))) {
      if (this.relays.input(d, this.now)) {
        this.drainRelays();
        return false;
      }
    }
    const local = this.hostByBase.get(addressKey(d.to));
    if (!local) {
      this.counters.inc('data-unknown-socket');
      return true;
    }
    this.packetsReceived++;
    this.bytesReceived += data.length;
    if (isStun) {
      this.onStun(local, d.from, data);
      return false;
    }
    this.onData(local, d.from, data);
    return true;
  }

  private onData(local: LocalCandidate, from: TransportAddress, data: Uint8Array): void {
    const sel = this.selected;
    if (sel && sel.local === local && sameAddress(from, sel.remote.address)) {
      this.heardAt = this.now;
      this.emit({ type: 'data', data, from });
      return;
    }
    const key = pairKey(local, addressKey(from));
    if (this.current.getByKey(key) || this.previous?.getByKey(key)) {
      this.emit({ type: 'data', data, from });
      return;
    }
    this.counters.inc('data-unknown-source');
  }

  // ---------------------------------------------------------------- STUN

  private onStun(local: LocalCandidate, from: TransportAddress, data: Uint8Array): void {
    if (!isStunMessage(data)) {
      this.counters.inc('stun-malformed');
      return;
    }
    const r = decodeStun(data);
    if (!r.ok) {
      this.counters.inc('stun-malformed');
      log.debug('malformed STUN dropped', r.error.message);
      return;
    }
    const m = r.value;
    if (m.method !== StunMethod.Binding) {
      this.counters.inc('stun-not-binding');
      return;
    }
    if (m.cls === StunClass.Request) this.onRequest(local, from, m);
    else if (m.cls === StunClass.Indication) this.counters.inc('keepalive-received');
    else this.onResponse(local, from, m);
  }

  private reply(local: LocalCandidate, to: TransportAddress, data: Uint8Array): void {
    this.transmit(local, to, data);
    if (this.selected && this.selected.local === local && sameAddress(to, this.selected.remote.address)) {
      this.lastSentAt = this.now;
    }
  }

  /** RFC 8445 7.3: an incoming connectivity (or consent) check. */
  private onRequest(local: LocalCandidate, from: TransportAddress, m: DecodedStun): void {
    const id = m.transactionId;
    if (this.policy === 'relay' && local.relay < 0) {
      this.counters.inc('policy-drop');
      return;
    }
    if (m.unknownRequired.length > 0) {
      // RFC 8489 6.3.1.1
      this.counters.inc('stun-unknown-attribute');
      this.reply(local, from, encodeCheckError(id, StunErrorCode.UnknownAttribute, undefined, m.unknownRequired));
      return;
    }
    const username = m.attrs.username;
    const priority = m.attrs.priority;
    if (username === undefined || (m.integrityAt === undefined && m.integritySha256At === undefined) || priority === undefined) {
      // RFC 8489 9.1.3 (no USERNAME or MESSAGE-INTEGRITY); RFC 8445 7.3 (PRIORITY is mandatory).
      this.counters.inc('stun-bad-request');
      this.reply(local, from, encodeCheckError(id, StunErrorCode.BadRequest));
      return;
    }
    const colon = username.indexOf(':');
    const ufrag = colon < 0 ? username : username.slice(0, colon);
    const list =
      this.current.local.ufrag === ufrag ? this.current : this.previous?.local.ufrag === ufrag ? this.previous : undefined;
    if (!list) {
      // RFC 8489 9.1.3: a username not valid here gets 401.
      this.counters.inc('stun-unknown-username');
      this.reply(local, from, encodeCheckError(id, StunErrorCode.Unauthenticated));
      return;
    }
    if (!verifyIntegrity(m, list.localKey)) {
      this.counters.inc('stun-integrity');
      this.reply(local, from, encodeCheckError(id, StunErrorCode.Unauthenticated));
      return;
    }

    list.lastHeardAt = this.now;
    this.heard(local, from);
    if (!this.lite && this.roleConflict(m)) {
      this.counters.inc('role-conflict');
      this.reply(local, from, encodeCheckError(id, StunErrorCode.RoleConflict, list.localKey));
      return;
    }

    // RFC 8445 7.3.1.2: success response; the mapped address is the source we saw.
    this.reply(local, from, encodeCheckSuccess(id, withoutZone(from), list.localKey));

    const sel = this.selected;
    if (sel && sel.checkList === list && sel.local === local && sameAddress(from, sel.remote.address) && this.lite) {
      this.consent.granted(this.now); // a lite agent's liveness is the full peer's checks
    }
    if (list !== this.current) return; // an old generation only answers (the peer's consent)

    // RFC 8445 7.3.1.3: a source we do not know is a peer-reflexive remote candidate.
    let remote = list.remoteAt(from);
    if (!remote) {
      remote = list.addRemote(peerReflexiveCandidate(from, priority, randomString(this.rng, 8)), from);
      if (!remote) {
        this.counters.inc('remote-candidates-full');
        return;
      }
    }
    let pair = list.get(local, remote);
    if (!pair) {
      const added = list.addPair(local, remote, this.roleValue === 'controlling', this.now);
      if (typeof added === 'string') {
        this.counters.inc('pairs-full');
        return;
      }
      pair = added;
    }

    if (this.lite) {
      // RFC 8445 7.3.2: a lite agent's pairs are valid when checked by the peer.
      pair.state = 'succeeded';
      list.firstValidAt ??= this.now;
      if (m.attrs.useCandidate) this.nominate(pair);
      return;
    }
    // RFC 8445 7.3.1.4: triggered checks. An In-Progress check is superseded by the new one.
    if (pair.state !== 'succeeded') {
      if (pair.state === 'in-progress') this.txns.supersede(pair);
      pair.state = 'waiting';
      list.trigger(pair);
      list.lastActivityAt = this.now;
    }
    // RFC 8445 7.3.1.5: the controlled agent follows the peer's nomination.
    if (m.attrs.useCandidate && this.roleValue === 'controlled') {
      if (pair.state === 'succeeded') this.nominate(pair);
      else pair.nominateOnSuccess = true;
    }
  }

  /**
   * RFC 8445 7.3.1.1: resolves a role conflict in an incoming check. Returns true when the
   * check must be refused with 487 (we keep our role); otherwise we may have switched. A lite
   * agent never takes control (6.1.1), so it leaves conflicts to the full peer.
   */
  private roleConflict(m: DecodedStun): boolean {
    const theirs = this.roleValue === 'controlling' ? m.attrs.iceControlling : m.attrs.iceControlled;
    if (theirs === undefined) return false;
    const weWin = this.tieBreaker >= theirs;
    if (this.roleValue === 'controlling') {
      if (weWin) return true;
      this.switchRole('controlled');
      return false;
    }
    if (!weWin) return true;
    this.switchRole('controlling');
    return false;
  }

  /** RFC 8445 7.2.5: a response to one of our requests. */
  private onResponse(local: LocalCandidate, from: TransportAddress, m: DecodedStun): void {
    const t = this.txns.find(m.transactionId);
    if (!t) {
      this.counters.inc('stun-unmatched-response');
      return;
    }
    if (t.kind === 'gather') {
      this.txns.close(t);
      this.onGatherResponse(t, from, m);
      return;
    }
    const pair = t.pair!;
    const list = pair.checkList;
    const signed = m.integrityAt !== undefined || m.integritySha256At !== undefined;
    const code = m.attrs.errorCode?.code;
    // RFC 8445 7.2.5: responses are checked with the remote password. Unsigned errors (400,
    // 401, 420) are accepted as failures; a success or a 487 must be signed.
    if (signed ? !verifyIntegrity(m, list.remoteKey!) : m.cls === StunClass.Success || code === StunErrorCode.RoleConflict) {
      this.counters.inc('stun-integrity');
      return; // a forged or stale response does not end the transaction
    }
    this.txns.close(t);
    list.lastHeardAt = this.now;
    this.heard(local, from);
    // RFC 8445 7.2.5.2.1: the response must come from where the request went, to where it left from.
    if (!sameAddress(from, t.to) || t.local !== local) {
      this.counters.inc('stun-non-symmetric');
      if (t.kind === 'check') this.failPair(pair);
      return;
    }
    if (m.cls === StunClass.Success && t.sends === 1) pair.rtt = this.now - t.firstSentAt;
    if (t.kind === 'consent') {
      if (m.cls === StunClass.Success && pair === this.selected) this.consent.granted(this.now);
      return;
    }
    if (m.cls === StunClass.Error) {
      if (code === StunErrorCode.RoleConflict) {
        // RFC 8445 7.2.5.1: take the other role than the one the request claimed, and retry.
        const claimed: IceRole = t.controlling ? 'controlling' : 'controlled';
        if (this.roleValue === claimed) this.switchRole(claimed === 'controlling' ? 'controlled' : 'controlling');
        if (pair.state !== 'succeeded') pair.state = 'waiting';
        list.trigger(pair);
        return;
      }
      this.failPair(pair);
      return;
    }
    // RFC 8445 7.2.5.3: success. The pair is valid; an unknown mapped address is our own
    // peer-reflexive candidate (7.2.5.3.1), which we note but do not signal or pair.
    const mapped = m.attrs.xorMappedAddress;
    if (mapped && !sameAddress(mapped, local.address)) {
      const k = addressKey(mapped);
      if (!this.srflx.has(k) && !this.localPrflx.has(k) && this.localPrflx.size < MAX_LOCAL_PRFLX) {
        this.localPrflx.add(k);
        this.counters.inc('local-prflx-learned');
      }
    }
    if (pair.state !== 'succeeded') {
      pair.state = 'succeeded';
      list.thaw(pair.foundation); // RFC 8445 7.2.5.3.3
      list.lastActivityAt = this.now;
    }
    list.firstValidAt ??= this.now;
    if (pair === this.selected) this.consent.granted(this.now);
    // RFC 8445 7.2.5.3.4 and 8.1.1: nomination completes when its check succeeds.
    if ((t.useCandidate && this.roleValue === 'controlling') || pair.nominateOnSuccess) this.nominate(pair);
  }

  private failPair(pair: CandidatePair): void {
    const list = pair.checkList;
    if (pair.state !== 'succeeded') pair.state = 'failed';
    if (list.nominating === pair) list.nominating = undefined;
    list.lastActivityAt = this.now;
  }

  private expired(t: Txn): void {
    if (t.kind === 'gather') {
      this.gatherDone();
    } else if (t.kind === 'consent') {
      // No response to this consent check since it was sent: disconnected (RFC 7675 5.1).
      if (t.pair === this.selected) this.consent.checkTimedOut(t.firstSentAt);
    } else if (t.useCandidate) {
      // The nomination check got no answer: the pair is not usable after all.
      t.pair!.state = 'failed';
      this.failPair(t.pair!);
    } else if (t.pair!.state === 'in-progress' && !this.txns.some((o) => o.pair === t.pair && o.kind === 'check')) {
      this.failPair(t.pair!);
    }
  }

  // ---------------------------------------------------------------- checks

  /** RFC 8445 6.1.4.2: one check per Ta. */
  private paceCheck(): void {
    const list = this.current;
    const pair = list.nextCheck();
    if (pair) {
      this.startCheck(pair);
      this.lastCheckAt = this.now;
    }
    this.nextCheckAt = pair && list.hasCheckToSend() ? this.now + this.ta : undefined;
  }

  /**
   * RFC 8445 7.2.2: a Binding request for `pair` with this generation's credentials; the
   * PRIORITY is that of a peer-reflexive candidate from the pair's base (7.1.1).
   */
  private checkRequest(pair: CandidatePair, transactionId: Uint8Array, useCandidate: boolean): Uint8Array | undefined {
    const list = pair.checkList;
    if (!list.remote || !list.remoteKey) return undefined;
    return encodeCheck({
      transactionId,
      username: `${list.remote.ufrag}:${list.local.ufrag}`,
      priority: candidatePriority('prflx', pair.local.preference),
      controlling: this.roleValue === 'controlling',
      tieBreaker: this.tieBreaker,
      useCandidate,
      key: list.remoteKey,
    });
  }

  private startCheck(pair: CandidatePair): void {
    const list = pair.checkList;
    const controlling = this.roleValue === 'controlling';
    const useCandidate = controlling && list.nominating === pair;
    const transactionId = newTransactionId(this.rng);
    const data = this.checkRequest(pair, transactionId, useCandidate);
    if (!data) return;
    if (pair.state !== 'succeeded') pair.state = 'in-progress';
    // RFC 8445 14.3: RTO = MAX(500 ms, Ta * (Waiting + In-Progress)).
    let active = 0;
    for (const p of list.pairs) if (p.state === 'waiting' || p.state === 'in-progress') active++;
    this.txns.open(
      {
        transactionId,
        kind: 'check',
        data,
        local: pair.local,
        to: pair.remote.address,
        pair,
        controlling,
        useCandidate,
        rto: Math.max(CHECK_MIN_RTO, this.ta * active),
        maxRto: CHECK_MAX_RTO,
        maxSends: CHECK_MAX_TRANSMISSIONS,
      },
      this.now,
    );
    this.transmit(pair.local, pair.remote.address, data);
  }

  /** Arms the Ta timer when there is something to check and it is not running. */
  private scheduleChecks(): void {
    if (this.nextCheckAt !== undefined || this.lite || !this.current.remoteKey) return;
    if (!this.current.hasCheckToSend()) return;
    this.nextCheckAt = Math.max(this.now, this.lastCheckAt + this.ta);
  }

  /**
   * RFC 8445 8.1.1 regular nomination: the controlling agent picks the best valid pair once
   * no better pair can still succeed (or NOMINATION_TIMEOUT after the first valid pair) and
   * checks it again with USE-CANDIDATE.
   */
  private maybeNominate(): void {
    const list = this.current;
    if (this.roleValue !== 'controlling' || this.lite || list.completed || list.nominating) return;
    const best = list.bestValid();
    if (!best) return;
    if (list.betterPending(best) && this.now < list.firstValidAt! + NOMINATION_TIMEOUT) return;
    list.nominating = best;
    list.triggerFirst(best);
  }

  /** When maybeNominate stops waiting for better pairs (undefined once that has passed). */
  private nominationDeadline(): Millis | undefined {
    const list = this.current;
    if (this.roleValue !== 'controlling' || this.lite || list.completed || list.nominating) return undefined;
    return future(list.firstValidAt === undefined ? undefined : list.firstValidAt + NOMINATION_TIMEOUT, this.now);
  }

  /** RFC 8445 8.1.2 (and 7.3.1.5 for the controlled agent): a pair is nominated. */
  private nominate(pair: CandidatePair): void {
    pair.nominated = true;
    pair.nominateOnSuccess = false;
    const list = pair.checkList;
    if (list.nominating === pair) list.nominating = undefined;
    list.completed = true;
    // After consent was lost only a restart brings the connection back (RFC 7675 5.1).
    if (list !== this.current || this.consent.lost) return;
    const sel = this.selected;
    // The controlled agent uses the highest-priority nominated pair (a peer nominating
    // aggressively may nominate several, RFC 8445 8.1.1).
    if (!sel || sel.checkList !== list || pair.priority > sel.priority) this.select(pair);
  }

  private select(pair: CandidatePair): void {
    this.selected = pair;
    this.consent.start(this.now);
    this.lastSentAt = this.now;
    this.heardAt = this.now;
    if (this.previous && pair.checkList === this.current) {
      // RFC 8445 9: the restart is done; the old generation's pair stops being used.
      const old = this.previous;
      this.txns.cancel((t) => t.pair !== undefined && t.pair.checkList === old);
      this.previous = undefined;
    }
    this.emit({ type: 'selected-pair', local: pair.local.candidate, remote: pair.remote.candidate });
  }

  private switchRole(role: IceRole): void {
    if (this.roleValue === role) return;
    this.roleValue = role;
    const controlling = role === 'controlling';
    this.current.reprioritize(controlling);
    this.previous?.reprioritize(controlling);
    this.current.nominating = undefined;
    this.emit({ type: 'role-changed', role });
  }

  // ---------------------------------------------------------------- consent (RFC 7675)

  /** RFC 7675 5.1: a consent check is an ICE check on the selected pair with a new transaction id. */
  private sendConsent(pair: CandidatePair): void {
    this.consent.checkSent(this.now);
    const transactionId = newTransactionId(this.rng);
    const data = this.checkRequest(pair, transactionId, false);
    if (!data) return;
    this.txns.open(
      {
        transactionId,
        kind: 'consent',
        data,
        local: pair.local,
        to: pair.remote.address,
        pair,
        controlling: this.roleValue === 'controlling',
        rto: CONSENT_RTO,
        maxRto: CONSENT_MAX_RTO,
        maxSends: CONSENT_TRANSMISSIONS,
      },
      this.now,
    );
    this.lastSentAt = this.now;
    this.transmit(pair.local, pair.remote.address, data);
  }

  /** RFC 8445 11: a Binding Indication when nothing else went out for Tr. */
  private sendKeepalive(pair: CandidatePair): void {
    this.lastSentAt = this.now;
    this.transmit(pair.local, pair.remote.address, encodeKeepalive(newTransactionId(this.rng)));
  }

  // ---------------------------------------------------------------- gathering

  private addLocalAddress(address: TransportAddress): void {
    if (this.hostByBase.has(addressKey(address)) || this.hosts.length >= MAX_LOCAL_ADDRESSES) {
      this.counters.inc('local-address-ignored');
      return;
    }
    let rank = 0;
    for (const h of this.hosts) if (h.base.family === address.family) rank++;
    const host = hostCandidate(address, localPreference(address.family, rank));
    this.hosts.push(host);
    this.hostByBase.set(addressKey(address), host);
    if (this.gatherStarted) {
      this.setGathering('gathering');
      this.gatherFrom(host);
      this.gatherDone();
    }
  }

  /** RFC 8445 5.1.1: host candidates now, server-reflexive ones as STUN servers answer. */
  private gather(): void {
    if (this.gatherStarted && this.gatheringValue !== 'new') return; // once per generation
    this.gatherStarted = true;
    this.setGathering('gathering');
    for (const h of this.hosts) this.gatherFrom(h);
    this.gatherDone();
  }

  private gatherFrom(host: LocalCandidate): void {
    // RFC 8445 5.1.1.2: relayed candidates from the first host socket of each server's family.
    for (const a of this.relays.gather(host, this.turnServers, this.now)) this.signalAllocation(a);
    this.drainRelays();
    if (this.policy === 'relay') return;
    this.emit({ type: 'local-candidate', candidate: host.candidate });
    this.pairLocal(host);
    for (const server of this.stunServers) {
      if (server.family !== host.base.family) continue;
      // RFC 8445 14.2: new transactions at least 5 ms apart, so a burst is spread out.
      const delay = Math.max(0, this.nextGatherAt - this.now);
      this.nextGatherAt = this.now + delay + MIN_TA;
      const transactionId = newTransactionId(this.rng);
      const data = encodeBindingRequest(transactionId);
      this.txns.open(
        {
          transactionId,
          kind: 'gather',
          data,
          local: host,
          to: server,
          rto: GATHER_RTO,
          maxRto: GATHER_MAX_RTO,
          maxSends: GATHER_MAX_TRANSMISSIONS,
          delay,
        },
        this.now,
      );
      if (delay === 0) this.transmit(host, server, data);
    }
  }

  private onGatherResponse(t: Txn, from: TransportAddress, m: DecodedStun): void {
    const mapped = m.attrs.xorMappedAddress ?? m.attrs.mappedAddress;
    if (m.cls === StunClass.Success && mapped && sameAddress(from, t.to)) this.addSrflx(t.local, mapped, t.to);
    this.gatherDone();
  }

  /**
   * RFC 8445 5.1.1.2: a server-reflexive candidate, unless the mapped address is the base
   * itself (no NAT) or already known. It is paired through its base (6.1.2.4), so it is
   * signalled but forms no pairs of its own.
   */
  private addSrflx(host: LocalCandidate, mapped: TransportAddress, server: TransportAddress): void {
    if (this.policy === 'relay' || sameAddress(mapped, host.base)) return;
    const key = addressKey(mapped);
    if (this.srflx.has(key)) return;
    const c = srflxCandidate(host, mapped, server);
    this.srflx.set(key, c);
    this.emit({ type: 'local-candidate', candidate: c });
  }

  /** A TURN allocation gives a relayed candidate and, like STUN, a server-reflexive one. */
  private signalAllocation(a: Allocation): void {
    this.addSrflx(a.host, a.mapped, a.server);
    this.emit({ type: 'local-candidate', candidate: a.local.candidate });
    this.pairLocal(a.local);
  }

  /** Gathering is complete once no gathering request or allocation is outstanding. */
  private gatherDone(): void {
    if (this.gatheringValue !== 'gathering') return;
    if (this.txns.some((t) => t.kind === 'gather')) return;
    if (this.relays.allocating) return;
    this.setGathering('complete');
  }

  private setGathering(state: IceGatheringState): void {
    if (this.gatheringValue === state) return;
    this.gatheringValue = state;
    this.emit({ type: 'gathering-state', state });
  }

  /** Pairs a new local candidate with every remote candidate of this generation. */
  private pairLocal(local: LocalCandidate): void {
    for (const r of this.current.remotes.values()) this.formPair(local, r);
  }

  private formPair(local: LocalCandidate, remote: RemoteCandidate): void {
    if (!pairable(local.address, remote.address)) return;
    const r = this.current.addPair(local, remote, this.roleValue === 'controlling', this.now);
    if (r === 'full') this.counters.inc('pairs-full');
    else if (r !== 'exists' && local.relay >= 0) {
      // RFC 8656 9: a permission lets the peer's checks reach our relayed address.
      this.relays.permit(local, remote.address, this.now);
      this.drainRelays();
    }
  }

  /** The local candidates that pair: host candidates (unless relay-only) and relayed ones. */
  private pairables(): LocalCandidate[] {
    const hosts = this.policy === 'relay' || !this.gatherStarted ? [] : this.hosts;
    return this.relays.locals.length === 0 ? hosts : [...hosts, ...this.relays.locals];
  }

  // ---------------------------------------------------------------- remote side

  private setRemoteCredentials(creds: IceCredentials): void {
    if (!validCredentials(creds.ufrag, creds.pwd)) {
      this.counters.inc('remote-credentials-invalid');
      return;
    }
    const cur = this.current.remote;
    if (!cur) {
      this.current.setRemoteCredentials(creds);
      return;
    }
    if (cur.ufrag === creds.ufrag && cur.pwd === creds.pwd) return;
    // New remote credentials are a restart by the peer (RFC 8445 9): we restart too, so the
    // answer carries new local credentials (RFC 8839 4.4.1.1.2).
    this.restart();
    this.current.setRemoteCredentials(creds);
  }

  private addRemoteCandidate(c: Candidate): void {
    const list = this.current;
    const vetted = vetRemote(c, list.remote?.ufrag);
    if (typeof vetted === 'string') {
      this.counters.inc(
        vetted === 'mdns' ? 'candidate-mdns-ignored' : vetted === 'generation' ? 'candidate-stale-generation' : 'candidate-ignored',
      );
      return;
    }
    const known = list.remoteAt(vetted);
    if (known) {
      // A signalled candidate replaces the peer-reflexive one learned from a check (RFC 8838 11).
      if (known.candidate.type === 'prflx' && c.type !== 'prflx') {
        list.updateRemote(known, c, this.roleValue === 'controlling');
      }
      return;
    }
    const remote = list.addRemote(c, vetted);
    if (!remote) {
      this.counters.inc('remote-candidates-full');
      return;
    }
    for (const l of this.pairables()) this.formPair(l, remote);
  }

  // ---------------------------------------------------------------- restart and close

  /**
   * RFC 8445 9: new local credentials and a fresh check list. The selected pair keeps
   * carrying data (and its consent checks keep the old credentials) until the new
   * generation selects a pair.
   */
  private restart(): void {
    const old = this.current;
    const sel = this.selected;
    this.txns.cancel((t) => t.kind === 'check');
    if (sel && sel.checkList === old) this.previous = old;
    else if (!sel) this.previous = undefined;
    this.current = new CheckList({
      ufrag: randomString(this.rng, UFRAG_LENGTH),
      pwd: randomString(this.rng, PWD_LENGTH),
    });
    this.nextCheckAt = undefined;
    this.consent.reset();
    this.srflx.clear();
    if (this.gatherStarted) {
      this.gatheringValue = 'new';
      this.gather();
    }
  }

  private close(): void {
    this.relays.close(this.now);
    this.drainRelays();
    this.closed = true;
    this.txns.clear();
    this.selected = undefined;
    this.previous = undefined;
    this.nextCheckAt = undefined;
    this.setState('closed');
  }

  // ---------------------------------------------------------------- states

  /** After each input: nominate, schedule checks and compute the W3C state. */
  private update(): void {
    this.maybeNominate();
    this.scheduleChecks();
    // A check already due goes now, not after a timer turn of the driver (Node's shortest
    // setTimeout is 1 ms): the first check once the peer's credentials are known, the
    // triggered check answering the peer's, the nomination check. Ta still paces them.
    if (this.nextCheckAt !== undefined && this.now >= this.nextCheckAt) this.paceCheck();
    const sel = this.selected;
    if (sel && this.consent.expire(this.now)) {
      // RFC 7675 5.1: consent expired; stop sending on the pair.
      this.counters.inc('consent-expired');
      log.debug('consent expired', addressKey(sel.remote.address));
      this.selected = undefined;
      this.txns.cancel((t) => t.kind === 'consent');
    }
    this.setState(this.computeState());
  }

  private computeState(): IceConnectionState {
    if (this.consent.lost) return 'failed';
    const sel = this.selected;
    const list = this.current;
    if (sel) {
      if (this.consent.unanswered) return 'disconnected';
      const done =
        sel.checkList === list && list.completed && list.remoteEndOfCandidates && this.gatheringValue === 'complete';
      return done ? 'completed' : 'connected';
    }
    if (this.checkListFailed() || this.stalled()) return 'failed';
    if (list.remote && list.pairs.length > 0) return 'checking';
    // After a restart from 'failed', the state stays there until the new checks begin.
    return this.stateValue === 'failed' ? 'failed' : 'new';
  }

  /** RFC 8445 6.1.4.2 / 7.2.5.4: every pair failed and no more candidates will come. */
  private checkListFailed(): boolean {
    const list = this.current;
    if (this.lite || !list.remote || this.gatheringValue !== 'complete' || !list.exhausted()) return false;
    if (list.remoteEndOfCandidates) return true;
    return list.pairs.length > 0 && this.now >= list.lastActivityAt + FAILED_WITHOUT_EOC_TIMEOUT;
  }

  /**
   * Valid pairs but no nomination, and nothing heard from the peer for the consent timeout:
   * it went away during setup (RFC 8445 leaves this open; browsers fail such sessions too).
   */
  private stalled(): boolean {
    const list = this.current;
    return list.firstValidAt !== undefined && this.now >= list.lastHeardAt + this.consent.timeout;
  }

  private stallDeadline(): Millis | undefined {
    const list = this.current;
    if (this.selected || list.firstValidAt === undefined) return undefined;
    return future(list.lastHeardAt + this.consent.timeout, this.now);
  }

  private failWithoutEocDeadline(): Millis | undefined {
    const list = this.current;
    if (this.selected || list.remoteEndOfCandidates || list.pairs.length === 0 || !list.exhausted()) return undefined;
    return future(list.lastActivityAt + FAILED_WITHOUT_EOC_TIMEOUT, this.now);
  }

  private setState(state: IceConnectionState): void {
    if (this.stateValue === state) return;
    // W3C: 'completed' is reached through 'connected' when checks end at once.
    if (state === 'completed' && (this.stateValue === 'checking' || this.stateValue === 'new')) this.setState('connected');
    this.stateValue = state;
    this.emit({ type: 'connection-state', state });
  }
}

/** A deadline that still lies ahead, or undefined: one already acted on must not re-arm the timer. */
function future(t: Millis | undefined, now: Millis): Millis | undefined {
  return t !== undefined && t > now ? t : undefined;
}
