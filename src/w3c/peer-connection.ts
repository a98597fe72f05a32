/**
 * RTCPeerConnection for Node (W3C WebRTC 1.0, data-channel subset): the sans-IO
 * `PeerConnection` engine (src/peer) driven by real UDP sockets and one timer (src/node),
 * with the browser's promises, events, exceptions and state attributes.
 *
 * Event timing follows the spec's tasks: state changes caused by a JSEP call
 * (signalingstatechange) fire before its promise resolves; everything else an API call
 * causes (negotiationneeded, icecandidate, ...) fires from a later task, never inside the
 * call. Network-driven events fire from the socket's callback, in engine order.
 */

import { cryptoRandom, logger, monotonicClock } from '../core/index.js';
import type { Millis } from '../core/index.js';
import { EngineDriver, UdpSockets, listInterfaces, nodeMdnsResolver } from '../node/index.js';
import type { MdnsResolver } from '../node/index.js';
import { PeerConnection } from '../peer/index.js';
import type { PeerError, PeerEvent, PeerInput } from '../peer/index.js';
import { RTCCertificate, createCertificate, defaultCertificate } from './certificate.js';
import type { AlgorithmIdentifier } from './certificate.js';
import { parseIceServers, resolveIceServers } from './configuration.js';
import type { ParsedIceServers, RTCConfiguration } from './configuration.js';
import { RTCDataChannel } from './data-channel.js';
import type { ChannelEvent, ChannelHost, RTCDataChannelInit } from './data-channel.js';
import { RTCError, invalidAccessError, invalidModificationError, invalidStateError } from './errors.js';
import { defineEventHandlers } from './event-handlers.js';
import { RTCDataChannelEvent, RTCPeerConnectionIceEvent } from './events.js';
import { RTCIceCandidate } from './ice-candidate.js';
import type { RTCIceCandidateInit } from './ice-candidate.js';
import { RTCSessionDescription } from './session-description.js';
import type { RTCSessionDescriptionInit } from './session-description.js';
import { RTCSctpTransport } from './sctp-transport.js';
import { toStatsReport } from './stats.js';
import type { ChannelTally } from './stats.js';

const log = logger('sansrtc:w3c');

export type RTCSignalingState = PeerConnection['signalingState'];
export type RTCIceGatheringState = PeerConnection['iceGatheringState'];
export type RTCIceConnectionState = PeerConnection['iceConnectionState'];
export type RTCPeerConnectionState = PeerConnection['connectionState'];

export interface RTCOfferOptions {
  iceRestart?: boolean;
}

/** How long a `.local` candidate may take to resolve (browsers wait a few seconds). */
const MDNS_TIMEOUT_MS = 5000;
/** A `#run` that only drains (the end-of-task drain of batched sends). */
const noop = (): void => undefined;

/** W3C exceptions from a typed engine refusal. */
function toException(e: PeerError): Error {
  if (e.name === 'TypeError') return new TypeError(e.message);
  if (e.name === 'OperationError' && e.errorDetail) return new RTCError({ errorDetail: e.errorDetail }, e.message);
  return new DOMException(e.message, e.name);
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: PeerError }): T {
  if (!r.ok) throw toException(r.error);
  return r.value;
}

/** Local addresses to bind: configured ones, else every non-loopback one, else loopback. */
function chooseBindAddresses(config: RTCConfiguration): string[] {
  if (config.bindAddresses?.length) return config.bindAddresses;
  const external = listInterfaces().map((i) => i.address);
  return external.length ? external : listInterfaces({ includeLoopback: true }).map((i) => i.address);
}

/**
 * One mDNS resolver per process, opened on first use, shared by every connection and kept
 * open: its sockets are unref'd, so an idle resolver neither costs anything nor keeps the
 * process alive. (Closing it when the last connection closed and opening a new one later
 * left the new one deaf to answers here: see the interop test remote-candidates-only.)
 */
let sharedMdns: Promise<MdnsResolver> | undefined;

function mdnsResolver(): Promise<MdnsResolver> {
  sharedMdns ??= nodeMdnsResolver();
  // A failed open (no multicast interface) is retried by the next connection that asks.
  sharedMdns.catch(() => {
    sharedMdns = undefined;
  });
  return sharedMdns;
}

export interface RTCPeerConnection {
  onnegotiationneeded: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onicecandidate: ((this: RTCPeerConnection, ev: RTCPeerConnectionIceEvent) => unknown) | null;
  onicecandidateerror: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onsignalingstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  oniceconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onicegatheringstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  ondatachannel: ((this: RTCPeerConnection, ev: RTCDataChannelEvent<RTCDataChannel>) => unknown) | null;
}

export class RTCPeerConnection extends EventTarget {
  /** W3C 4.9.1: ECDSA P-256 certificates. */
  static generateCertificate(keygenAlgorithm: AlgorithmIdentifier): Promise<RTCCertificate> {
    try {
      return Promise.resolve(createCertificate(keygenAlgorithm));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #config: RTCConfiguration;
  readonly #certificate: RTCCertificate;
  readonly #engine: PeerConnection;
  #driver: EngineDriver<PeerInput, PeerEvent> | undefined;
  readonly #ready: Promise<void>;
  readonly #channels = new Map<number, RTCDataChannel>();
  readonly #tally: ChannelTally = { opened: 0, closed: 0 };
  readonly #sctp: RTCSctpTransport;
  #operations: Promise<unknown> = Promise.resolve();
  #closed = false;

  #signalingState: RTCSignalingState = 'stable';
  #iceGatheringState: RTCIceGatheringState = 'new';
  #iceConnectionState: RTCIceConnectionState = 'new';
  #connectionState: RTCPeerConnectionState = 'new';

  /** Events waiting for a later task, and whether a JSEP call is running. */
  #deferred: PeerEvent[] = [];
  #deferredScheduled = false;
  #yielding = false;
  #inCall = 0;

  readonly #host: ChannelHost;

  constructor(configuration: RTCConfiguration = {}) {
    super();
    this.#config = { ...configuration };
    const servers = parseIceServers(configuration.iceServers);
    for (const url of servers.unsupported) log.warn(`ICE server not used (TLS and TCP transports are not supported yet): ${url}`);
    const cert = configuration.certificates?.[0];
    if (cert && cert.expires <= Date.now()) throw invalidAccessError('the certificate has expired');
    this.#certificate = cert ?? defaultCertificate();
    this.#engine = new PeerConnection({
      rng: cryptoRandom,
      certificate: this.#certificate.dtls,
      stunServers: servers.stun,
      turnServers: servers.turn,
      iceTransportPolicy: configuration.iceTransportPolicy ?? 'all',
    });
    const engine = this.#engine;
    this.#host = {
      // Sends drain once per task (#runBatched), so consecutive sends share packets.
      sendOnChannel: (handle, data, binary) => unwrap(this.#runBatched((now) => engine.send(now, handle, data, binary))),
      closeChannel: (handle) => this.#run((now) => engine.closeChannel(now, handle)),
      channelInfo: (handle) => engine.channel(handle),
      setChannelThreshold: (handle, bytes) => engine.setBufferedAmountLowThreshold(handle, bytes),
      get maxMessageSize() {
        return engine.remoteMaxMessageSize;
      },
    };
    this.#sctp = new RTCSctpTransport(engine);
    this.#ready = this.#start(chooseBindAddresses(configuration), servers);
    // A failure to bind surfaces on the next operation; do not leave it unhandled here.
    this.#ready.catch(() => undefined);
  }

  async #start(addresses: string[], servers: ParsedIceServers): Promise<void> {
    // JSEP operations wait for this, so servers named by host are known before ICE starts.
    const [sockets, resolved] = await Promise.all([
      UdpSockets.bind({ addresses }),
      servers.lookups.length ? resolveIceServers(servers, (url, e) => log.warn(`ICE server ${url} not resolved: ${String(e)}`)) : undefined,
    ]);
    if (resolved) this.#engine.setIceServers(resolved.stun, resolved.turn);
    if (this.#closed) {
      await sockets.close();
      return;
    }
    this.#driver = new EngineDriver<PeerInput, PeerEvent>({
      engine: this.#engine,
      transport: sockets,
      onEvent: (ev) => this.#onEvent(ev),
      onError: (e) => log.error(`engine error: ${String(e)}`),
    });
    for (const address of sockets.localAddresses) this.#driver.input({ type: 'add-local-address', address });
  }

  /** Runs an engine call with the current time and drains its outputs. */
  #run<T>(fn: (now: Millis) => T): T {
    this.#inCall++;
    try {
      return this.#driver ? this.#driver.call(fn) : fn(monotonicClock.now());
    } finally {
      this.#inCall--;
    }
  }

  /**
   * For sends: runs `fn` now and drains once at the end of the task (one microtask, before
   * any I/O or timer), through `#run`, so events it causes are deferred as for any call.
   */
  #runBatched<T>(fn: (now: Millis) => T): T {
    try {
      return this.#driver ? this.#driver.callUndrained(fn) : fn(monotonicClock.now());
    } finally {
      if (!this.#drainScheduled && this.#driver) {
        this.#drainScheduled = true;
        queueMicrotask(this.#drainBatch);
      }
    }
  }

  #drainScheduled = false;
  readonly #drainBatch = (): void => {
    this.#drainScheduled = false;
    this.#run(noop);
  };

  /** W3C 4.4.1.2 operations chain: one JSEP operation at a time, in call order. */
  #chain<T>(op: () => T | Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(invalidStateError('RTCPeerConnection is closed'));
    const next = this.#operations.then(async () => {
      await this.#ready;
      if (this.#closed) throw invalidStateError('RTCPeerConnection is closed');
      return op();
    });
    this.#operations = next.catch(() => undefined);
    return next;
  }

  // ---- events ----------------------------------------------------------------------

  #onEvent(ev: PeerEvent): void {
    // Inside an API call the signaling state is reported at once (the spec changes it, and
    // fires signalingstatechange, in the call's own task, before its promise resolves); the
    // rest waits for a later task, and once anything waits, later events queue behind it to
    // keep the engine's order.
    if (this.#inCall > 0 && ev.type === 'signaling-state') {
      this.#handle(ev);
      return;
    }
    if (this.#inCall > 0 || this.#deferred.length > 0 || this.#yielding) {
      this.#deferred.push(ev);
      this.#scheduleDeferred();
      return;
    }
    this.#handle(ev);
    if (ev.type === 'data-channel') this.#yieldAfterAnnouncement();
  }

  /**
   * W3C 6.2: a channel's datachannel event and its open event (and first messages) are
   * separate tasks, so code that awaits the channel and then listens still sees them.
   * Everything after an announcement waits for the next macrotask.
   */
  #yieldAfterAnnouncement(): void {
    this.#yielding = true;
    this.#scheduleDeferred();
  }

  #scheduleDeferred(): void {
    if (this.#deferredScheduled) return;
    this.#deferredScheduled = true;
    setImmediate(this.#flushDeferred);
  }

  readonly #flushDeferred = (): void => {
    this.#deferredScheduled = false;
    this.#yielding = false;
    const events = this.#deferred;
    this.#deferred = [];
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      this.#handle(ev);
      if (ev.type === 'data-channel' && i + 1 < events.length) {
        this.#deferred = events.slice(i + 1).concat(this.#deferred);
        this.#yieldAfterAnnouncement();
        return;
      }
    }
  };

  #handle(ev: PeerEvent): void {
    switch (ev.type) {
      case 'channel-open':
      case 'channel-message':
      case 'channel-buffered-amount-low':
      case 'channel-closing':
      case 'channel-closed': {
        const channel = this.#channels.get(ev.handle);
        if (!channel) return;
        const wasOpen = channel.announcedOpen;
        channel.deliver(ev as ChannelEvent);
        if (!wasOpen && channel.announcedOpen) this.#tally.opened++;
        if (ev.type === 'channel-closed') {
          if (wasOpen) this.#tally.closed++;
          this.#channels.delete(ev.handle);
        }
        return;
      }
      case 'channel-error':
        this.#channels.get(ev.handle)?.deliver({ type: 'channel-error', error: toException(ev.error) as RTCError });
        return;
      case 'data-channel': {
        const channel = this.#channelFor(ev.handle);
        if (channel) this.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel }));
        return;
      }
      case 'ice-candidate': {
        const candidate =
          ev.candidate === null
            ? null
            : new RTCIceCandidate({ candidate: ev.candidate, sdpMid: ev.sdpMid, sdpMLineIndex: ev.sdpMLineIndex, usernameFragment: ev.usernameFragment });
        this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate }));
        return;
      }
      case 'ice-gathering-state':
        if (this.#iceGatheringState === ev.state) return;
        this.#iceGatheringState = ev.state;
        this.dispatchEvent(new Event('icegatheringstatechange'));
        return;
      case 'ice-connection-state':
        if (this.#iceConnectionState === ev.state || this.#closed) return;
        this.#iceConnectionState = ev.state;
        this.dispatchEvent(new Event('iceconnectionstatechange'));
        return;
      case 'connection-state':
        if (this.#connectionState === ev.state || this.#closed) return;
        this.#connectionState = ev.state;
        this.dispatchEvent(new Event('connectionstatechange'));
        return;
      case 'signaling-state':
        if (this.#signalingState === ev.state || this.#closed) return;
        this.#signalingState = ev.state;
        this.dispatchEvent(new Event('signalingstatechange'));
        return;
      case 'negotiation-needed':
        if (!this.#closed) this.dispatchEvent(new Event('negotiationneeded'));
        return;
      case 'sctp-state':
        this.#sctp.update(ev.state);
        return;
      case 'resolve-mdns':
        void this.#resolveMdns(ev.name);
        return;
      case 'error':
        log.warn(`connection error: ${ev.error.message}`);
        return;
    }
  }

  async #resolveMdns(name: string): Promise<void> {
    const address = await mdnsResolver().then(
      (r) => r.resolve(name, MDNS_TIMEOUT_MS),
      (e: unknown) => {
        log.warn(`cannot resolve ${name}: mDNS is unavailable (${String(e)})`);
        return undefined;
      },
    );
    if (this.#closed || !this.#driver) return;
    this.#driver.input({ type: 'mdns-resolved', name, address });
  }

  #channelFor(handle: number): RTCDataChannel | undefined {
    let channel = this.#channels.get(handle);
    if (!channel) {
      const info = this.#engine.channel(handle);
      if (!info) return undefined;
      channel = new RTCDataChannel(this.#host, handle, info);
      this.#channels.set(handle, channel);
    }
    return channel;
  }

  // ---- JSEP ------------------------------------------------------------------------

  createOffer(options: RTCOfferOptions = {}): Promise<RTCSessionDescriptionInit> {
    return this.#chain(() => ({ type: 'offer' as const, sdp: unwrap(this.#run(() => this.#engine.createOffer(options))) }));
  }

  createAnswer(): Promise<RTCSessionDescriptionInit> {
    return this.#chain(() => ({ type: 'answer' as const, sdp: unwrap(this.#run(() => this.#engine.createAnswer())) }));
  }

  setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    return this.#chain(() => {
      const desc = description ? { type: description.type, ...(description.sdp ? { sdp: description.sdp } : {}) } : undefined;
      unwrap(this.#run((now) => this.#engine.setLocalDescription(now, desc)));
    });
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (!description || typeof description.type !== 'string') {
      return Promise.reject(new TypeError('setRemoteDescription needs a description with a type'));
    }
    return this.#chain(() => {
      const desc = { type: description.type, ...(description.sdp !== undefined ? { sdp: description.sdp } : {}) };
      unwrap(this.#run((now) => this.#engine.setRemoteDescription(now, desc)));
    });
  }

  addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void> {
    const init = candidate instanceof RTCIceCandidate ? candidate.toJSON() : candidate;
    if (init && !init.candidate && init.sdpMid == null && init.sdpMLineIndex == null && init.candidate !== '') {
      return Promise.reject(new TypeError('addIceCandidate: sdpMid and sdpMLineIndex are both null'));
    }
    return this.#chain(() => {
      const c = init
        ? {
            candidate: init.candidate ?? '',
            sdpMid: init.sdpMid ?? null,
            sdpMLineIndex: init.sdpMLineIndex ?? null,
            usernameFragment: init.usernameFragment ?? null,
          }
        : null;
      unwrap(this.#run((now) => this.#engine.addIceCandidate(now, c)));
    });
  }

  restartIce(): void {
    if (this.#closed) return;
    this.#run(() => this.#engine.restartIce());
  }

  // ---- data channels -----------------------------------------------------------------

  /** W3C 4.4.1.6 createDataChannel; the engine enforces its rules (closed, limits, ids). */
  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    const labelStr = String(label);
    const handle = unwrap(this.#run((now) => this.#engine.createDataChannel(now, labelStr, { ...init })));
    return this.#channelFor(handle)!;
  }

  get sctp(): RTCSctpTransport | null {
    return this.#engine.sctpState === null ? null : this.#sctp;
  }

  // ---- state -------------------------------------------------------------------------

  get signalingState(): RTCSignalingState {
    return this.#closed ? 'closed' : this.#signalingState;
  }
  get iceGatheringState(): RTCIceGatheringState {
    return this.#iceGatheringState;
  }
  get iceConnectionState(): RTCIceConnectionState {
    return this.#closed ? 'closed' : this.#iceConnectionState;
  }
  get connectionState(): RTCPeerConnectionState {
    return this.#closed ? 'closed' : this.#connectionState;
  }
  get canTrickleIceCandidates(): boolean | null {
    const remote = this.#engine.remoteDescription;
    return remote ? /^a=ice-options:.*\btrickle\b/m.test(remote.sdp) : null;
  }
  get localDescription(): RTCSessionDescription | null {
    return describe(this.#engine.localDescription);
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return describe(this.#engine.currentLocalDescription);
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return describe(this.#engine.pendingLocalDescription);
  }
  get remoteDescription(): RTCSessionDescription | null {
    return describe(this.#engine.remoteDescription);
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    return describe(this.#engine.currentRemoteDescription);
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return describe(this.#engine.pendingRemoteDescription);
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.#config, certificates: [this.#certificate] };
  }

  /** W3C 4.4.1.6 setConfiguration: certificates cannot change; ICE servers are validated. */
  setConfiguration(configuration: RTCConfiguration = {}): void {
    if (this.#closed) throw invalidStateError('RTCPeerConnection is closed');
    if (configuration.certificates && configuration.certificates[0] !== this.#certificate) {
      throw invalidModificationError('certificates cannot be changed');
    }
    parseIceServers(configuration.iceServers);
    this.#config = { ...configuration };
  }

  getStats(): Promise<Map<string, Record<string, unknown>>> {
    if (this.#closed) return Promise.reject(invalidStateError('RTCPeerConnection is closed'));
    return this.#ready.then(() => toStatsReport(this.#engine.stats(monotonicClock.now()), this.#tally));
  }

  /** Data-only: there are no media transceivers. */
  getTransceivers(): never[] {
    return [];
  }
  getSenders(): never[] {
    return [];
  }
  getReceivers(): never[] {
    return [];
  }

  /** W3C 4.4.1.6 close(): synchronous; sockets and timers are released right after. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#run((now) => this.#engine.close(now));
    this.#deferred = [];
    for (const channel of this.#channels.values()) channel.abort();
    this.#channels.clear();
    this.#sctp.update('closed');
    void this.#driver?.close();
  }
}

function describe(d: { type: string; sdp: string } | null): RTCSessionDescription | null {
  return d ? new RTCSessionDescription(d as RTCSessionDescriptionInit) : null;
}

defineEventHandlers(RTCPeerConnection.prototype, [
  'negotiationneeded',
  'icecandidate',
  'icecandidateerror',
  'signalingstatechange',
  'iceconnectionstatechange',
  'icegatheringstatechange',
  'connectionstatechange',
  'datachannel',
]);
