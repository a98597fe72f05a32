/**
 * A sans-IO TURN client (RFC 8656) over UDP: one allocation on one server, from one local
 * socket. It authenticates with long-term credentials (RFC 8489 9.2: the first Allocate goes
 * without them, the 401 brings realm and nonce, a 438 brings a fresh nonce), keeps the
 * allocation, permissions and channel bindings alive, and relays data to and from peers.
 *
 * Commands: `allocate`, `permit` (CreatePermission for a peer's IP), `send` (creates the
 * permission and binds a channel on first use; sends by Send indication until the channel is
 * bound, then by ChannelData), `close` (Refresh with lifetime 0). Permits and sends given
 * before the allocation exists wait for it (sends in a small bounded queue per peer).
 *
 * Outputs: transmits to the server from `local`, and events `allocated`, `data` (the bytes
 * are a view into the received datagram), `permission-failed` (one peer refused; the
 * allocation stays), `failed` (the allocation is unusable) and `closed`.
 *
 * The transport to the server is UDP. A TCP/TLS transport (RFC 8656 3.1) would change two
 * things only: ChannelData padding (`encodeChannelData`'s `pad`) and framing of the input
 * stream, which a stream driver would do before handing whole messages to this engine.
 */

import {
  BoundedQueue,
  Counters,
  OutputQueue,
  addressKey,
  classifyPacket,
  earliest,
  logger,
  sameAddress,
} from '../core/index.js';
import type { Datagram, Engine, Millis, Random, Transmit, TransportAddress } from '../core/index.js';
import {
  StunClass,
  StunErrorCode,
  StunMethod,
  StunTransactions,
  TransportProtocol,
  decodeStun,
  encodeStun,
  longTermKey,
  newTransactionId,
  transactionKey,
} from '../stun/index.js';
import type { DecodedStun, StunAttributes } from '../stun/index.js';
import { decodeChannelData, encodeChannelData } from './channel-data.js';
import {
  CHANNEL_REFRESH,
  MAX_CHANNELS,
  MAX_PENDING_BYTES_PER_PEER,
  MAX_PENDING_PER_PEER,
  MAX_PERMISSIONS,
  MAX_RELAYED_PAYLOAD,
  MAX_STALE_NONCE_RETRIES,
  MIN_CHANNEL,
  PERMISSION_REFRESH,
  REFRESH_MARGIN,
} from './constants.js';
import { TurnError, failureOf } from './errors.js';
import { permissionKey } from './peers.js';

const log = logger('sansrtc:turn');

export interface TurnClientOptions {
  /** The TURN server's address. */
  readonly server: TransportAddress;
  /** The local socket (the ICE host candidate base) the client sends from. */
  readonly local: TransportAddress;
  readonly username: string;
  readonly password: string;
  readonly rng: Random;
  /** Requested allocation lifetime in seconds (RFC 8656 7.1); the server's default if absent. */
  readonly lifetime?: number;
  readonly software?: string;
}

export type TurnClientInput =
  | Datagram
  | { readonly type: 'allocate' }
  | { readonly type: 'permit'; readonly peer: TransportAddress }
  | { readonly type: 'send'; readonly peer: TransportAddress; readonly data: Uint8Array }
  | { readonly type: 'close' };

export type TurnClientEvent =
  | {
      readonly type: 'allocated';
      readonly relayed: TransportAddress;
      readonly mapped: TransportAddress;
      /** Seconds, as granted by the server. */
      readonly lifetime: number;
    }
  | { readonly type: 'data'; readonly peer: TransportAddress; readonly data: Uint8Array }
  | { readonly type: 'permission-failed'; readonly peer: TransportAddress; readonly error: TurnError }
  | { readonly type: 'failed'; readonly error: TurnError }
  | { readonly type: 'closed' };

export type TurnClientOutput = Transmit | TurnClientEvent;

export type TurnClientState = 'idle' | 'allocating' | 'allocated' | 'closing' | 'closed' | 'failed';

export type TurnClientCounter =
  | 'not-from-server'
  | 'undecodable'
  | 'unexpected-message'
  | 'unknown-channel'
  | 'bad-indication'
  | 'send-dropped'
  | 'queue-overflow'
  | 'too-large'
  | 'peer-limit'
  | 'channel-bind-failed'
  | 'stale-nonce';

/** Permission state for one peer IP (RFC 8656 9). */
interface Permission {
  /** A peer address with this IP (the port is ignored by the server). */
  readonly peer: TransportAddress;
  /** `waiting`: not asked yet (no allocation); `requested`: first request in flight. */
  state: 'waiting' | 'requested' | 'installed' | 'failed';
  /** A CreatePermission for it is in flight. */
  inFlight: boolean;
  refreshAt: Millis;
}

/** What the client knows about one peer transport address it sends to. */
interface Peer {
  readonly address: TransportAddress;
  readonly permission: Permission;
  readonly channel: number;
  /** RFC 8656 12: `waiting` until the allocation exists; `failed` means Send indications only. */
  channelState: 'waiting' | 'binding' | 'bound' | 'failed';
  inFlight: boolean;
  refreshAt: Millis;
  /** Data waiting for the permission (copies, bounded). */
  readonly queue: BoundedQueue<Uint8Array>;
}

type Purpose =
  | { readonly kind: 'allocate' }
  | { readonly kind: 'refresh'; readonly lifetime: number | undefined }
  | { readonly kind: 'permission'; readonly permission: Permission }
  | { readonly kind: 'channel'; readonly peer: Peer };

interface PendingRequest {
  readonly purpose: Purpose;
  /** Whether it carried credentials (MESSAGE-INTEGRITY). */
  readonly authenticated: boolean;
  readonly staleRetries: number;
}

export class TurnClient implements Engine<TurnClientInput, TurnClientOutput> {
  readonly server: TransportAddress;
  readonly local: TransportAddress;
  readonly counters = new Counters<TurnClientCounter>();
  private readonly username: string;
  private readonly password: string;
  private readonly rng: Random;
  private readonly requestedLifetime: number | undefined;
  private readonly software: string | undefined;
  private readonly out = new OutputQueue<TurnClientOutput>();
  private readonly transactions: StunTransactions;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly permissions = new Map<string, Permission>();
  private readonly peers = new Map<string, Peer>();
  private readonly channels = new Map<number, Peer>();
  private nextChannel = MIN_CHANNEL;
  /** The peer of the last `send`, to skip the map lookup on a stream of sends. */
  private lastPeer: Peer | undefined;
  private realm: string | undefined;
  private nonce: string | undefined;
  private key: Uint8Array | undefined;
  private _state: TurnClientState = 'idle';
  private closeRequested = false;
  private relayed: TransportAddress | undefined;
  private refreshAt: Millis | undefined;
  private refreshInFlight = false;
  /** Whether `timerDeadline`, the cached earliest refresh, must be recomputed. */
  private timersDirty = true;
  private timerDeadline: Millis | undefined;

  constructor(opts: TurnClientOptions) {
    this.server = opts.server;
    this.local = opts.local;
    this.username = opts.username;
    this.password = opts.password;
    this.rng = opts.rng;
    this.requestedLifetime = opts.lifetime;
    this.software = opts.software;
    this.transactions = new StunTransactions();
  }

  get state(): TurnClientState {
    return this._state;
  }

  /** The relayed transport address, once allocated. */
  get relayedAddress(): TransportAddress | undefined {
    return this.relayed;
  }

  handleInput(now: Millis, input: TurnClientInput): void {
    switch (input.type) {
      case 'datagram':
        this.receive(now, input);
        return;
      case 'allocate':
        this.allocate(now);
        return;
      case 'permit':
        this.permit(now, input.peer);
        return;
      case 'send':
        this.send(now, input.peer, input.data);
        return;
      case 'close':
        this.close(now);
        return;
    }
  }

  handleTimeout(now: Millis): void {
    this.transactions.handleTimeout(now);
    this.drainTransactions(now);
    const due = this.timers();
    if (due === undefined || now < due || this._state !== 'allocated') return;
    this.timersDirty = true;
    if (!this.refreshInFlight && this.refreshAt !== undefined && now >= this.refreshAt) {
      this.request(now, { kind: 'refresh', lifetime: this.requestedLifetime });
    }
    for (const p of this.permissions.values()) {
      if (p.state === 'installed' && !p.inFlight && now >= p.refreshAt) this.requestPermission(now, p);
    }
    for (const peer of this.peers.values()) {
      if (peer.channelState === 'bound' && !peer.inFlight && now >= peer.refreshAt) this.requestChannel(now, peer);
    }
  }

  pollOutput(): TurnClientOutput | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this._state === 'closed' || this._state === 'failed') return undefined;
    return earliest(this.transactions.pollTimeout(), this.timers());
  }

  /** The earliest refresh due (allocation, permissions, channels), recomputed when dirty. */
  private timers(): Millis | undefined {
    if (!this.timersDirty) return this.timerDeadline;
    this.timersDirty = false;
    let next: Millis | undefined;
    if (this._state === 'allocated') {
      if (!this.refreshInFlight) next = this.refreshAt;
      for (const p of this.permissions.values()) {
        if (p.state === 'installed' && !p.inFlight) next = earliest(next, p.refreshAt);
      }
      for (const peer of this.peers.values()) {
        if (peer.channelState === 'bound' && !peer.inFlight) next = earliest(next, peer.refreshAt);
      }
    }
    this.timerDeadline = next;
    return next;
  }

  // --- commands -----------------------------------------------------------------------

  private allocate(now: Millis): void {
    if (this._state !== 'idle') return;
    this._state = 'allocating';
    this.request(now, { kind: 'allocate' });
  }

  private permit(now: Millis, peer: TransportAddress): void {
    const p = this.permissionFor(peer);
    if (!p) {
      this.counters.inc('peer-limit');
      return;
    }
    // Asking again after a refusal tries once more.
    if (p.state === 'failed') p.state = 'waiting';
    if (p.state === 'waiting' && this._state === 'allocated') this.requestPermission(now, p);
  }

  private send(now: Millis, to: TransportAddress, data: Uint8Array): void {
    if (this._state === 'closing' || this._state === 'closed' || this._state === 'failed') {
      this.counters.inc('send-dropped');
      return;
    }
    if (data.length > MAX_RELAYED_PAYLOAD) {
      this.counters.inc('too-large');
      return;
    }
    let peer = this.lastPeer;
    if (!peer || !sameAddress(peer.address, to)) {
      peer = this.peers.get(addressKey(to)) ?? this.addPeer(now, to);
      if (!peer) {
        this.counters.inc('peer-limit');
        return;
      }
      this.lastPeer = peer;
    }
    if (peer.channelState === 'bound') {
      this.transmit(encodeChannelData(peer.channel, data));
    } else if (peer.permission.state === 'installed') {
      this.sendIndication(peer.address, data);
    } else if (peer.permission.state === 'failed') {
      this.counters.inc('send-dropped');
    } else if (!peer.queue.push(data.slice())) {
      this.counters.inc('queue-overflow');
    }
  }

  private close(now: Millis): void {
    switch (this._state) {
      case 'idle':
      case 'failed':
        this.finish(now);
        return;
      case 'allocating':
        this.closeRequested = true;
        return;
      case 'allocated':
        this.startClose(now);
        return;
      default:
        return; // closing or closed already
    }
  }

  /** RFC 8656 8: a Refresh with LIFETIME 0 deletes the allocation. */
  private startClose(now: Millis): void {
    this.abandonRequests(now);
    this._state = 'closing';
    this.timersDirty = true;
    this.request(now, { kind: 'refresh', lifetime: 0 });
  }

  // --- peers, permissions, channels ---------------------------------------------------

  /** The permission for `peer`'s IP, made if there is room (undefined at the bound). */
  private permissionFor(peer: TransportAddress): Permission | undefined {
    const key = permissionKey(peer);
    let p = this.permissions.get(key);
    if (p) return p;
    if (this.permissions.size >= MAX_PERMISSIONS) return undefined;
    p = { peer, state: 'waiting', inFlight: false, refreshAt: 0 };
    this.permissions.set(key, p);
    return p;
  }

  private addPeer(now: Millis, address: TransportAddress): Peer | undefined {
    // Peers are never forgotten, so MAX_CHANNELS (< 4096) also keeps channel numbers in range.
    if (this.peers.size >= MAX_CHANNELS) return undefined;
    const permission = this.permissionFor(address);
    if (!permission) return undefined;
    // A new peer on a refused IP tries the permission once more.
    if (permission.state === 'failed') permission.state = 'waiting';
    const peer: Peer = {
      address,
      permission,
      channel: this.nextChannel++,
      channelState: 'waiting',
      inFlight: false,
      refreshAt: 0,
      queue: new BoundedQueue<Uint8Array>({
        maxItems: MAX_PENDING_PER_PEER,
        maxBytes: MAX_PENDING_BYTES_PER_PEER,
        sizeOf: (b) => b.length,
      }),
    };
    this.peers.set(addressKey(address), peer);
    this.channels.set(peer.channel, peer);
    if (this._state === 'allocated') {
      if (permission.state === 'waiting') this.requestPermission(now, permission);
      this.requestChannel(now, peer);
    }
    return peer;
  }

  private requestPermission(now: Millis, p: Permission): void {
    if (p.state === 'waiting') p.state = 'requested';
    p.inFlight = true;
    this.timersDirty = true;
    this.request(now, { kind: 'permission', permission: p });
  }

  private requestChannel(now: Millis, peer: Peer): void {
    if (peer.channelState === 'waiting') peer.channelState = 'binding';
    peer.inFlight = true;
    this.timersDirty = true;
    this.request(now, { kind: 'channel', peer });
  }

  /** Sends what waited for a permission or channel, by the best path now available. */
  private flush(peer: Peer): void {
    for (let d = peer.queue.shift(); d !== undefined; d = peer.queue.shift()) {
      if (peer.channelState === 'bound') this.transmit(encodeChannelData(peer.channel, d));
      else this.sendIndication(peer.address, d);
    }
  }

  // --- requests and responses ---------------------------------------------------------

  private request(now: Millis, purpose: Purpose, staleRetries = 0): void {
    const attrs: StunAttributes = {};
    let method: number;
    switch (purpose.kind) {
      case 'allocate':
        method = StunMethod.Allocate;
        attrs.requestedTransport = TransportProtocol.Udp;
        if (this.requestedLifetime !== undefined) attrs.lifetime = this.requestedLifetime;
        break;
      case 'refresh':
        method = StunMethod.Refresh;
        if (purpose.lifetime !== undefined) attrs.lifetime = purpose.lifetime;
        this.refreshInFlight = true;
        this.timersDirty = true;
        break;
      case 'permission':
        method = StunMethod.CreatePermission;
        attrs.xorPeerAddress = [purpose.permission.peer];
        break;
      case 'channel':
        method = StunMethod.ChannelBind;
        attrs.xorPeerAddress = [purpose.peer.address];
        attrs.channelNumber = purpose.peer.channel;
        break;
    }
    if (this.software !== undefined) attrs.software = this.software;
    const authenticated = this.key !== undefined;
    if (authenticated) {
      attrs.username = this.username;
      attrs.realm = this.realm;
      attrs.nonce = this.nonce;
    }
    const transactionId = newTransactionId(this.rng);
    const data = encodeStun(
      { method, cls: StunClass.Request, transactionId, attrs },
      authenticated ? { integrityKey: this.key } : {},
    );
    this.pending.set(transactionKey(transactionId), { purpose, authenticated, staleRetries });
    this.transactions.handleInput(now, {
      type: 'start',
      data,
      to: this.server,
      from: this.local,
      integrityKey: this.key,
    });
    this.drainTransactions(now);
  }

  /** Moves the transaction engine's transmits, responses and timeouts into our state. */
  private drainTransactions(now: Millis): void {
    for (let o = this.transactions.pollOutput(); o !== undefined; o = this.transactions.pollOutput()) {
      if (o.type === 'transmit') {
        this.out.push(o);
        continue;
      }
      const p = this.pending.get(o.id);
      if (!p) continue;
      this.pending.delete(o.id);
      if (o.type === 'transaction-response') this.response(now, p, o.message);
      else if (o.type === 'transaction-timeout') this.fail(now, p.purpose, new TurnError('timeout', `${p.purpose.kind} timed out`));
      else this.fail(now, p.purpose, new TurnError('rejected', `${p.purpose.kind} not sent: ${o.reason}`));
    }
  }

  private receive(now: Millis, d: Datagram): void {
    if (!sameAddress(d.from, this.server)) {
      this.drop('not-from-server', d.from);
      return;
    }
    if (this._state === 'closed') return;
    const kind = classifyPacket(d.data);
    if (kind === 'turn-channel') {
      this.receiveChannelData(d.data);
    } else if (kind === 'stun') {
      const decoded = decodeStun(d.data);
      if (!decoded.ok) this.drop('undecodable', d.from, decoded.error.message);
      else if (decoded.value.cls === StunClass.Indication) this.receiveIndication(decoded.value);
      else if (decoded.value.cls === StunClass.Request) this.drop('unexpected-message', d.from);
      else {
        this.transactions.handleInput(now, { type: 'stun', message: decoded.value, from: d.from });
        this.drainTransactions(now);
      }
    } else {
      this.drop('unexpected-message', d.from);
    }
  }

  /** RFC 8656 12.7: ChannelData from the server, for a channel we bound. */
  private receiveChannelData(data: Uint8Array): void {
    const decoded = decodeChannelData(data);
    if (!decoded.ok) {
      this.drop('undecodable', this.server, decoded.error.message);
      return;
    }
    const peer = this.channels.get(decoded.value.channel);
    // Accepted from the moment we asked: the server may use the channel before its
    // response reaches us, and keeps using a binding whose refresh failed until it lapses.
    if (!peer || peer.channelState === 'waiting') {
      this.drop('unknown-channel', this.server);
      return;
    }
    this.out.push({ type: 'data', peer: peer.address, data: decoded.value.data });
  }

  /** RFC 8656 11.4: a Data indication carries XOR-PEER-ADDRESS and DATA. */
  private receiveIndication(msg: DecodedStun): void {
    const peer = msg.attrs.xorPeerAddress?.[0];
    if (msg.method !== StunMethod.Data || !peer || !msg.attrs.data) {
      this.drop('bad-indication', this.server);
      return;
    }
    this.out.push({ type: 'data', peer, data: msg.attrs.data });
  }

  /**
   * A response the transaction engine matched. It has checked MESSAGE-INTEGRITY already
   * (RFC 8489 9.2.5): success responses to authenticated requests verified; error responses
   * may come unsigned, as a server that could not authenticate us cannot sign (401, 438, 400).
   */
  private response(now: Millis, p: PendingRequest, msg: DecodedStun): void {
    if (msg.cls === StunClass.Success) this.succeed(now, p.purpose, msg);
    else this.errorResponse(now, p, msg, msg.attrs.errorCode?.code ?? 0);
  }

  private errorResponse(now: Millis, p: PendingRequest, msg: DecodedStun, code: number): void {
    const reason = msg.attrs.errorCode?.reason ?? '';
    const { realm, nonce } = msg.attrs;
    // RFC 8489 9.2.5: the first 401 (to a request without credentials) gives realm and nonce.
    if (code === StunErrorCode.Unauthenticated && !p.authenticated && realm !== undefined && nonce !== undefined) {
      this.realm = realm;
      this.nonce = nonce;
      this.key = longTermKey(this.username, realm, this.password);
      this.request(now, p.purpose, p.staleRetries);
      return;
    }
    // RFC 8489 9.2.5: 438 Stale Nonce: retry with the nonce (and realm) it carries.
    if (code === StunErrorCode.StaleNonce && nonce !== undefined && this.key && p.staleRetries < MAX_STALE_NONCE_RETRIES) {
      this.counters.inc('stale-nonce');
      this.nonce = nonce;
      if (realm !== undefined && realm !== this.realm) {
        this.realm = realm;
        this.key = longTermKey(this.username, realm, this.password);
      }
      this.request(now, p.purpose, p.staleRetries + 1);
      return;
    }
    this.fail(now, p.purpose, new TurnError(failureOf(code), `${p.purpose.kind} refused: ${code} ${reason}`, code));
  }

  private succeed(now: Millis, purpose: Purpose, msg: DecodedStun): void {
    switch (purpose.kind) {
      case 'allocate': {
        const { xorRelayedAddress: relayed, xorMappedAddress: mapped, lifetime } = msg.attrs;
        // RFC 8656 7.3: a success response carries all three.
        if (!relayed || !mapped || !lifetime) {
          this.fail(now, purpose, new TurnError('bad-response', 'Allocate success without relayed, mapped or lifetime'));
          return;
        }
        this.relayed = relayed;
        this._state = 'allocated';
        this.scheduleRefresh(now, lifetime);
        log.debug('allocated', { relayed: addressKey(relayed), lifetime });
        this.out.push({ type: 'allocated', relayed, mapped, lifetime });
        if (this.closeRequested) {
          this.startClose(now);
          return;
        }
        for (const perm of this.permissions.values()) if (perm.state === 'waiting') this.requestPermission(now, perm);
        for (const peer of this.peers.values()) if (peer.channelState === 'waiting') this.requestChannel(now, peer);
        return;
      }
      case 'refresh':
        this.refreshInFlight = false;
        if (purpose.lifetime === 0) this.finish(now);
        // RFC 8656 8: the success response carries the new lifetime; zero means it is gone.
        else if (!msg.attrs.lifetime) this.finish(now, new TurnError('allocation-lost', 'refresh granted no lifetime'));
        else this.scheduleRefresh(now, msg.attrs.lifetime);
        return;
      case 'permission': {
        const perm = purpose.permission;
        this.installed(now, perm);
        for (const peer of this.peers.values()) if (peer.permission === perm) this.flush(peer);
        return;
      }
      case 'channel': {
        const peer = purpose.peer;
        peer.channelState = 'bound';
        peer.inFlight = false;
        peer.refreshAt = now + CHANNEL_REFRESH;
        // RFC 8656 12.2: a binding installs or refreshes the peer's permission as well.
        this.installed(now, peer.permission);
        this.timersDirty = true;
        this.flush(peer);
        return;
      }
    }
  }

  private installed(now: Millis, perm: Permission): void {
    perm.state = 'installed';
    perm.inFlight = false;
    perm.refreshAt = now + PERMISSION_REFRESH;
    this.timersDirty = true;
  }

  /** RFC 8656 8: refresh a minute before expiry, or halfway for lifetimes too short for that. */
  private scheduleRefresh(now: Millis, lifetimeSeconds: number): void {
    const ms = lifetimeSeconds * 1000;
    this.refreshAt = now + (ms > 2 * REFRESH_MARGIN ? ms - REFRESH_MARGIN : ms / 2);
    this.timersDirty = true;
  }

  private fail(now: Millis, purpose: Purpose, error: TurnError): void {
    log.debug('request failed', { kind: purpose.kind, code: error.code });
    switch (purpose.kind) {
      case 'allocate':
        this.finish(now, this.closeRequested ? undefined : error);
        return;
      case 'refresh':
        this.refreshInFlight = false;
        if (purpose.lifetime === 0) this.finish(now);
        else this.finish(now, new TurnError('allocation-lost', `refresh failed: ${error.message}`, error.stunCode));
        return;
      case 'permission': {
        const perm = purpose.permission;
        perm.state = 'failed';
        perm.inFlight = false;
        this.timersDirty = true;
        for (const peer of this.peers.values()) {
          if (peer.permission === perm) {
            this.counters.inc('send-dropped', peer.queue.length);
            peer.queue.clear();
          }
        }
        this.out.push({ type: 'permission-failed', peer: perm.peer, error });
        return;
      }
      case 'channel': {
        const peer = purpose.peer;
        this.counters.inc('channel-bind-failed');
        // A failed refresh leaves the server's binding to lapse; Send indications still work
        // while the permission lives, and the permission keeps its own refresh.
        peer.channelState = 'failed';
        peer.inFlight = false;
        this.timersDirty = true;
        if (peer.permission.state === 'installed') this.flush(peer);
        return;
      }
    }
  }

  /** Cancels in-flight requests; late responses are dropped as unknown transactions. */
  private abandonRequests(now: Millis): void {
    for (const id of this.pending.keys()) this.transactions.handleInput(now, { type: 'cancel', id });
    this.pending.clear();
  }

  /** Ends the client: `failed` with an error, else `closed`. */
  private finish(now: Millis, error?: TurnError): void {
    this.abandonRequests(now);
    this._state = error ? 'failed' : 'closed';
    this.timersDirty = true;
    for (const peer of this.peers.values()) peer.queue.clear();
    if (error) {
      log.debug('failed', { code: error.code });
      this.out.push({ type: 'failed', error });
    } else {
      this.out.push({ type: 'closed' });
    }
  }

  // --- output -------------------------------------------------------------------------

  /** RFC 8656 11.1: a Send indication carries XOR-PEER-ADDRESS and DATA, no credentials. */
  private sendIndication(peer: TransportAddress, data: Uint8Array): void {
    this.transmit(
      encodeStun({
        method: StunMethod.Send,
        cls: StunClass.Indication,
        transactionId: newTransactionId(this.rng),
        attrs: { xorPeerAddress: [peer], data },
      }),
    );
  }

  private transmit(data: Uint8Array): void {
    this.out.push({ type: 'transmit', from: this.local, to: this.server, data });
  }

  private drop(counter: TurnClientCounter, from: TransportAddress, why?: string): void {
    this.counters.inc(counter);
    if (log.enabled) log.debug(`dropped: ${counter}`, { from: addressKey(from), why });
  }
}
