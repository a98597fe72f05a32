/**
 * A small sans-IO TURN server (RFC 8656) over UDP, for simulator tests and users' tests:
 * long-term credentials with a rotating nonce (RFC 8489 9.2), Allocate, Refresh,
 * CreatePermission, ChannelBind, Send and Data indications, ChannelData, and lifetimes.
 *
 * It receives datagrams on its listening address and on every relayed address it hands
 * out (`relayAddress` with a port from `relayPorts`); the driver delivers both kinds to this
 * one engine. Not implemented: EVEN-PORT and RESERVATION-TOKEN (refused with 420), TCP
 * allocations (RFC 6062) and IPv6/IPv4 dual allocations (ADDITIONAL-ADDRESS-FAMILY).
 */

import {
  Counters,
  OutputQueue,
  addressKey,
  classifyPacket,
  earliest,
  logger,
  randomInt,
  randomString,
  sameAddress,
  transportAddress,
} from '../core/index.js';
import type { Datagram, Engine, Millis, Random, Transmit, TransportAddress } from '../core/index.js';
import {
  AddressFamilyNumber,
  AttrType,
  StunClass,
  StunErrorCode,
  StunMethod,
  TransportProtocol,
  decodeStun,
  encodeStun,
  longTermKey,
  newTransactionId,
  stunError,
  transactionKey,
  verifyIntegrity,
} from '../stun/index.js';
import type { DecodedStun, StunAttributes } from '../stun/index.js';
import { decodeChannelData, encodeChannelData, isValidChannel } from './channel-data.js';
import {
  CHANNEL_LIFETIME,
  CHANNEL_QUARANTINE,
  DEFAULT_LIFETIME_SECONDS,
  MAX_LIFETIME_SECONDS,
  MAX_RELAYED_PAYLOAD,
  PERMISSION_LIFETIME,
  SERVER_ALLOCATIONS_PER_USER,
  SERVER_MAX_CHANNELS,
  SERVER_MAX_PERMISSIONS,
  SERVER_NONCE_LIFETIME,
  SERVER_RELAY_PORTS,
} from './constants.js';
import { permissionKey } from './peers.js';

const log = logger('sansrtc:turn');

const NONCE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const NONCE_LENGTH = 24;

export interface TurnServerOptions {
  /** The address clients send to. */
  readonly listen: TransportAddress;
  /** The IP of relayed addresses (default: the listening IP). */
  readonly relayAddress?: string;
  /** Relayed ports, inclusive (default 49152-49407); the listening port is never handed out. */
  readonly relayPorts?: { readonly min: number; readonly max: number };
  readonly realm: string;
  /** Long-term credentials: username to password. */
  readonly users: Readonly<Record<string, string>>;
  readonly rng: Random;
  /** RFC 8656 7.2: lifetime granted when the client asks for less (seconds, default 600). */
  readonly defaultLifetime?: number;
  /** RFC 8656 7.2: the most a client gets (seconds, default 3600). */
  readonly maxLifetime?: number;
  /** RFC 8656 7.2: allocations one username may hold; more get 486 (default 16). */
  readonly maxAllocationsPerUser?: number;
  /** How long a nonce stays valid before requests get 438 Stale Nonce (ms, default 1 h). */
  readonly nonceLifetime?: Millis;
  readonly software?: string;
}

export type TurnServerEvent =
  | {
      readonly type: 'allocation-created';
      readonly client: TransportAddress;
      readonly relayed: TransportAddress;
      readonly username: string;
    }
  | {
      readonly type: 'allocation-deleted';
      readonly client: TransportAddress;
      readonly relayed: TransportAddress;
      readonly reason: 'refresh' | 'expired';
    };

export type TurnServerOutput = Transmit | TurnServerEvent;

export type TurnServerCounter =
  | 'undecodable'
  | 'unexpected-message'
  | 'unknown-destination'
  | 'no-allocation'
  | 'no-permission'
  | 'unbound-channel'
  | 'bad-indication'
  | 'too-large'
  | 'requests'
  | 'relayed-to-peer'
  | 'relayed-to-client';

interface Binding {
  readonly channel: number;
  readonly peer: TransportAddress;
  expiresAt: Millis;
}

interface Allocation {
  readonly client: TransportAddress;
  readonly clientKey: string;
  readonly relayed: TransportAddress;
  readonly username: string;
  expiresAt: Millis;
  /** The Allocate that created it and the response, replayed on retransmission (RFC 8656 7.2). */
  readonly allocateTx: string;
  readonly allocateResponse: Uint8Array;
  /** permissionKey(peer) to expiry (RFC 8656 9). */
  readonly permissions: Map<string, Millis>;
  readonly channels: Map<number, Binding>;
  /** addressKey(peer) to its binding. */
  readonly channelOf: Map<string, Binding>;
}

interface Credentials {
  readonly username: string;
  readonly key: Uint8Array;
}

export class TurnServer implements Engine<Datagram, TurnServerOutput> {
  readonly listen: TransportAddress;
  readonly relayAddress: string;
  readonly relayPorts: { readonly min: number; readonly max: number };
  readonly counters = new Counters<TurnServerCounter>();
  private readonly realm: string;
  private readonly users: Readonly<Record<string, string>>;
  private readonly rng: Random;
  private readonly defaultLifetime: number;
  private readonly maxLifetime: number;
  private readonly nonceLifetime: Millis;
  private readonly maxAllocationsPerUser: number;
  private readonly software: string | undefined;
  private readonly relayFamily: number;
  private readonly out = new OutputQueue<TurnServerOutput>();
  private readonly allocations = new Map<string, Allocation>();
  private readonly byPort = new Map<number, Allocation>();
  private readonly perUser = new Map<string, number>();
  private nonce = '';
  private nonceExpiresAt: Millis = -Infinity;
  private nextDeadline: Millis | undefined;

  constructor(opts: TurnServerOptions) {
    this.listen = opts.listen;
    this.relayAddress = opts.relayAddress ?? opts.listen.address;
    this.relayPorts = opts.relayPorts ?? SERVER_RELAY_PORTS;
    if (!(this.relayPorts.min >= 1 && this.relayPorts.max <= 65535 && this.relayPorts.min <= this.relayPorts.max)) {
      throw new RangeError('TurnServer relayPorts must be a non-empty range within 1-65535');
    }
    this.realm = opts.realm;
    this.users = opts.users;
    this.rng = opts.rng;
    this.defaultLifetime = opts.defaultLifetime ?? DEFAULT_LIFETIME_SECONDS;
    this.maxLifetime = opts.maxLifetime ?? MAX_LIFETIME_SECONDS;
    this.nonceLifetime = opts.nonceLifetime ?? SERVER_NONCE_LIFETIME;
    this.maxAllocationsPerUser = opts.maxAllocationsPerUser ?? SERVER_ALLOCATIONS_PER_USER;
    this.software = opts.software;
    this.relayFamily =
      transportAddress(this.relayAddress, 0).family === 'IPv4' ? AddressFamilyNumber.IPv4 : AddressFamilyNumber.IPv6;
  }

  /**
   * Every port the server receives on: the listening port, then the relay range. A driver
   * binds them all to this engine (the simulator: `net.attach(host, server, { ports })`).
   */
  ports(): number[] {
    const ports = [this.listen.port];
    for (let p = this.relayPorts.min; p <= this.relayPorts.max; p++) if (p !== this.listen.port) ports.push(p);
    return ports;
  }

  /** Allocations currently held. */
  get allocationCount(): number {
    return this.allocations.size;
  }

  /** The relayed address of the allocation for `client`, if it has one. */
  relayedAddressOf(client: TransportAddress): TransportAddress | undefined {
    return this.allocations.get(addressKey(client))?.relayed;
  }

  handleInput(now: Millis, input: Datagram): void {
    if (this.nextDeadline !== undefined && now >= this.nextDeadline) this.expire(now);
    if (sameAddress(input.to, this.listen)) {
      this.fromClient(now, input.from, input.data);
      return;
    }
    const alloc = input.to.address === this.relayAddress ? this.byPort.get(input.to.port) : undefined;
    if (alloc) this.fromPeer(now, alloc, input.from, input.data);
    else this.drop('unknown-destination', input.from);
  }

  handleTimeout(now: Millis): void {
    if (this.nextDeadline !== undefined && now >= this.nextDeadline) this.expire(now);
  }

  pollOutput(): TurnServerOutput | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.nextDeadline;
  }

  // --- from clients -------------------------------------------------------------------

  private fromClient(now: Millis, from: TransportAddress, data: Uint8Array): void {
    const kind = classifyPacket(data);
    if (kind === 'turn-channel') {
      this.channelFromClient(now, from, data);
      return;
    }
    if (kind !== 'stun') {
      this.drop('unexpected-message', from);
      return;
    }
    const decoded = decodeStun(data);
    if (!decoded.ok) {
      this.drop('undecodable', from, decoded.error.message);
      return;
    }
    const msg = decoded.value;
    if (msg.cls === StunClass.Request) {
      this.counters.inc('requests');
      this.request(now, from, msg);
    } else if (msg.cls === StunClass.Indication && msg.method === StunMethod.Send) {
      this.sendIndication(now, from, msg);
    } else {
      this.drop('unexpected-message', from);
    }
  }

  private request(now: Millis, from: TransportAddress, msg: DecodedStun): void {
    // RFC 8489 6.3.1: unknown comprehension-required attributes get a 420.
    if (msg.unknownRequired.length > 0) {
      this.reject(from, msg, StunErrorCode.UnknownAttribute, undefined, {
        unknownAttributes: msg.unknownRequired,
      });
      return;
    }
    if (msg.method === StunMethod.Binding) {
      // RFC 8489 7.3.1: Binding needs no credentials.
      this.respond(from, msg, StunClass.Success, { xorMappedAddress: from });
      return;
    }
    const creds = this.authenticate(now, from, msg);
    if (!creds) return;
    switch (msg.method) {
      case StunMethod.Allocate:
        this.allocate(now, from, msg, creds);
        return;
      case StunMethod.Refresh:
      case StunMethod.CreatePermission:
      case StunMethod.ChannelBind: {
        const alloc = this.allocations.get(addressKey(from));
        // RFC 8656 8, 10.2, 12.2: requests on a 5-tuple without an allocation get a 437.
        if (!alloc) {
          this.reject(from, msg, StunErrorCode.AllocationMismatch, creds.key);
          return;
        }
        // RFC 8656 5: later requests must use the credentials that made the allocation.
        if (alloc.username !== creds.username) {
          this.reject(from, msg, StunErrorCode.WrongCredentials, creds.key);
          return;
        }
        if (msg.method === StunMethod.Refresh) this.refresh(now, alloc, msg, creds);
        else if (msg.method === StunMethod.CreatePermission) this.createPermission(now, alloc, msg, creds);
        else this.channelBind(now, alloc, msg, creds);
        return;
      }
      default:
        this.reject(from, msg, StunErrorCode.BadRequest, creds.key);
    }
  }

  /**
   * RFC 8489 9.2.4: the long-term credential checks, in order. Sends the error response and
   * returns undefined when the request does not pass.
   */
  private authenticate(now: Millis, from: TransportAddress, msg: DecodedStun): Credentials | undefined {
    const nonce = this.currentNonce(now);
    const { username, realm, nonce: theirNonce } = msg.attrs;
    if (msg.integrityAt === undefined && msg.integritySha256At === undefined) {
      this.reject(from, msg, StunErrorCode.Unauthenticated, undefined, { realm: this.realm, nonce });
      return undefined;
    }
    if (username === undefined || realm === undefined || theirNonce === undefined) {
      this.reject(from, msg, StunErrorCode.BadRequest);
      return undefined;
    }
    if (theirNonce !== nonce) {
      this.reject(from, msg, StunErrorCode.StaleNonce, undefined, { realm: this.realm, nonce });
      return undefined;
    }
    const password = Object.hasOwn(this.users, username) ? this.users[username] : undefined;
    const key = password === undefined || realm !== this.realm ? undefined : longTermKey(username, realm, password);
    if (!key || !verifyIntegrity(msg, key)) {
      this.reject(from, msg, StunErrorCode.Unauthenticated, undefined, { realm: this.realm, nonce });
      return undefined;
    }
    return { username, key };
  }

  private currentNonce(now: Millis): string {
    if (now >= this.nonceExpiresAt) {
      this.nonce = randomString(this.rng, NONCE_LENGTH, NONCE_CHARS);
      this.nonceExpiresAt = now + this.nonceLifetime;
    }
    return this.nonce;
  }

  /** RFC 8656 7.2. */
  private allocate(now: Millis, from: TransportAddress, msg: DecodedStun, creds: Credentials): void {
    const clientKey = addressKey(from);
    const existing = this.allocations.get(clientKey);
    if (existing) {
      if (existing.allocateTx === transactionKey(msg.transactionId)) {
        this.transmit(this.listen, from, existing.allocateResponse);
      } else {
        this.reject(from, msg, StunErrorCode.AllocationMismatch, creds.key);
      }
      return;
    }
    const a = msg.attrs;
    if (a.requestedTransport === undefined) {
      this.reject(from, msg, StunErrorCode.BadRequest, creds.key);
      return;
    }
    if (a.requestedTransport !== TransportProtocol.Udp) {
      this.reject(from, msg, StunErrorCode.UnsupportedTransportProtocol, creds.key);
      return;
    }
    const unsupported: number[] = [];
    if (a.evenPort !== undefined) unsupported.push(AttrType.EvenPort);
    if (a.reservationToken !== undefined) unsupported.push(AttrType.ReservationToken);
    if (unsupported.length > 0) {
      this.reject(from, msg, StunErrorCode.UnknownAttribute, creds.key, {
        unknownAttributes: unsupported,
      });
      return;
    }
    if (a.requestedAddressFamily !== undefined && a.requestedAddressFamily !== this.relayFamily) {
      this.reject(from, msg, StunErrorCode.AddressFamilyNotSupported, creds.key);
      return;
    }
    const owned = this.perUser.get(creds.username) ?? 0;
    if (owned >= this.maxAllocationsPerUser) {
      this.reject(from, msg, StunErrorCode.AllocationQuotaReached, creds.key);
      return;
    }
    const port = this.freePort();
    if (port === undefined) {
      this.reject(from, msg, StunErrorCode.InsufficientCapacity, creds.key);
      return;
    }
    const lifetime = this.grantLifetime(a.lifetime);
    const relayed = transportAddress(this.relayAddress, port);
    const response = this.respond(
      from,
      msg,
      StunClass.Success,
      { xorRelayedAddress: relayed, lifetime, xorMappedAddress: from },
      creds.key,
    );
    const alloc: Allocation = {
      client: from,
      clientKey,
      relayed,
      username: creds.username,
      expiresAt: now + lifetime * 1000,
      allocateTx: transactionKey(msg.transactionId),
      allocateResponse: response,
      permissions: new Map(),
      channels: new Map(),
      channelOf: new Map(),
    };
    this.allocations.set(clientKey, alloc);
    this.byPort.set(port, alloc);
    this.perUser.set(creds.username, owned + 1);
    this.schedule(alloc.expiresAt);
    log.debug('allocated', { client: clientKey, relayed: addressKey(relayed), lifetime });
    this.out.push({ type: 'allocation-created', client: from, relayed, username: creds.username });
  }

  /** RFC 8656 7.2: min(requested, max), but never below the default. */
  private grantLifetime(requested: number | undefined): number {
    return Math.max(this.defaultLifetime, Math.min(requested ?? this.defaultLifetime, this.maxLifetime));
  }

  private freePort(): number | undefined {
    const { min, max } = this.relayPorts;
    const span = max - min + 1;
    // RFC 8656 7.2 recommends a random port; probe linearly from a random start.
    const start = randomInt(this.rng, 0, span - 1);
    for (let i = 0; i < span; i++) {
      const port = min + ((start + i) % span);
      if (!this.byPort.has(port) && !this.isListening(port)) return port;
    }
    return undefined;
  }

  private isListening(port: number): boolean {
    return port === this.listen.port && this.relayAddress === this.listen.address;
  }

  /** RFC 8656 8. */
  private refresh(now: Millis, alloc: Allocation, msg: DecodedStun, creds: Credentials): void {
    if (msg.attrs.lifetime === 0) {
      this.deleteAllocation(alloc, 'refresh');
      this.respond(alloc.client, msg, StunClass.Success, { lifetime: 0 }, creds.key);
      return;
    }
    const lifetime = this.grantLifetime(msg.attrs.lifetime);
    alloc.expiresAt = now + lifetime * 1000;
    this.schedule(alloc.expiresAt);
    this.respond(alloc.client, msg, StunClass.Success, { lifetime }, creds.key);
  }

  /** RFC 8656 10.2: all peers are installed or none is. */
  private createPermission(now: Millis, alloc: Allocation, msg: DecodedStun, creds: Credentials): void {
    const peers = msg.attrs.xorPeerAddress;
    if (!peers || peers.length === 0) {
      this.reject(alloc.client, msg, StunErrorCode.BadRequest, creds.key);
      return;
    }
    let added = 0;
    for (const peer of peers) {
      if (peer.family !== alloc.relayed.family) {
        this.reject(alloc.client, msg, StunErrorCode.PeerAddressFamilyMismatch, creds.key);
        return;
      }
      if (!alloc.permissions.has(permissionKey(peer))) added++;
    }
    if (alloc.permissions.size + added > SERVER_MAX_PERMISSIONS) {
      this.reject(alloc.client, msg, StunErrorCode.InsufficientCapacity, creds.key);
      return;
    }
    const expiresAt = now + PERMISSION_LIFETIME;
    for (const peer of peers) alloc.permissions.set(permissionKey(peer), expiresAt);
    this.schedule(expiresAt);
    this.respond(alloc.client, msg, StunClass.Success, {}, creds.key);
  }

  /** RFC 8656 12.2. */
  private channelBind(now: Millis, alloc: Allocation, msg: DecodedStun, creds: Credentials): void {
    const channel = msg.attrs.channelNumber;
    const peer = msg.attrs.xorPeerAddress?.[0];
    if (channel === undefined || !isValidChannel(channel) || !peer) {
      this.reject(alloc.client, msg, StunErrorCode.BadRequest, creds.key);
      return;
    }
    if (peer.family !== alloc.relayed.family) {
      this.reject(alloc.client, msg, StunErrorCode.PeerAddressFamilyMismatch, creds.key);
      return;
    }
    const peerKey = addressKey(peer);
    let binding = alloc.channels.get(channel);
    // One channel per peer and one peer per channel, also while an expired binding is in
    // quarantine (RFC 8656 12); rebinding the same pair refreshes or revives it.
    if ((binding && !sameAddress(binding.peer, peer)) || (!binding && alloc.channelOf.has(peerKey))) {
      this.reject(alloc.client, msg, StunErrorCode.BadRequest, creds.key);
      return;
    }
    const permKey = permissionKey(peer);
    if (
      (!binding && alloc.channels.size >= SERVER_MAX_CHANNELS) ||
      (!alloc.permissions.has(permKey) && alloc.permissions.size >= SERVER_MAX_PERMISSIONS)
    ) {
      this.reject(alloc.client, msg, StunErrorCode.InsufficientCapacity, creds.key);
      return;
    }
    if (!binding) {
      binding = { channel, peer, expiresAt: 0 };
      alloc.channels.set(channel, binding);
      alloc.channelOf.set(peerKey, binding);
    }
    binding.expiresAt = now + CHANNEL_LIFETIME;
    this.schedule(binding.expiresAt + CHANNEL_QUARANTINE);
    // RFC 8656 12.2: a binding also installs or refreshes the peer's permission.
    alloc.permissions.set(permKey, now + PERMISSION_LIFETIME);
    this.schedule(now + PERMISSION_LIFETIME);
    this.respond(alloc.client, msg, StunClass.Success, {}, creds.key);
  }

  /** RFC 8656 11.2: relay the data if there is a permission, else drop silently. */
  private sendIndication(now: Millis, from: TransportAddress, msg: DecodedStun): void {
    const alloc = this.allocations.get(addressKey(from));
    if (!alloc) {
      this.drop('no-allocation', from);
      return;
    }
    const peer = msg.attrs.xorPeerAddress?.[0];
    const data = msg.attrs.data;
    if (!peer || !data) {
      this.drop('bad-indication', from);
      return;
    }
    if (!this.permitted(alloc, peer, now)) {
      this.drop('no-permission', peer);
      return;
    }
    this.counters.inc('relayed-to-peer');
    this.transmit(alloc.relayed, peer, data);
  }

  /** RFC 8656 12.6: ChannelData on a bound channel is relayed to its peer. */
  private channelFromClient(now: Millis, from: TransportAddress, data: Uint8Array): void {
    const decoded = decodeChannelData(data);
    if (!decoded.ok) {
      this.drop('undecodable', from, decoded.error.message);
      return;
    }
    const alloc = this.allocations.get(addressKey(from));
    if (!alloc) {
      this.drop('no-allocation', from);
      return;
    }
    const binding = alloc.channels.get(decoded.value.channel);
    if (!binding || binding.expiresAt <= now) {
      this.drop('unbound-channel', from);
      return;
    }
    if (!this.permitted(alloc, binding.peer, now)) {
      this.drop('no-permission', binding.peer);
      return;
    }
    this.counters.inc('relayed-to-peer');
    this.transmit(alloc.relayed, binding.peer, decoded.value.data);
  }

  // --- from peers ---------------------------------------------------------------------

  /** RFC 8656 11.3 and 12.7: ChannelData if the peer has a channel, else a Data indication. */
  private fromPeer(now: Millis, alloc: Allocation, from: TransportAddress, data: Uint8Array): void {
    if (!this.permitted(alloc, from, now)) {
      this.drop('no-permission', from);
      return;
    }
    if (data.length > MAX_RELAYED_PAYLOAD) {
      this.drop('too-large', from);
      return;
    }
    this.counters.inc('relayed-to-client');
    const binding = alloc.channelOf.get(addressKey(from));
    if (binding && binding.expiresAt > now) {
      this.transmit(this.listen, alloc.client, encodeChannelData(binding.channel, data));
      return;
    }
    const indication = encodeStun({
      method: StunMethod.Data,
      cls: StunClass.Indication,
      transactionId: newTransactionId(this.rng),
      attrs: { xorPeerAddress: [from], data },
    });
    this.transmit(this.listen, alloc.client, indication);
  }

  private permitted(alloc: Allocation, peer: TransportAddress, now: Millis): boolean {
    const expiresAt = alloc.permissions.get(permissionKey(peer));
    return expiresAt !== undefined && expiresAt > now;
  }

  // --- lifetimes ----------------------------------------------------------------------

  private schedule(at: Millis): void {
    this.nextDeadline = earliest(this.nextDeadline, at);
  }

  /** Deletes what expired at `now` and recomputes the next deadline. */
  private expire(now: Millis): void {
    let next: Millis | undefined;
    for (const alloc of [...this.allocations.values()]) {
      if (alloc.expiresAt <= now) {
        this.deleteAllocation(alloc, 'expired');
        continue;
      }
      next = earliest(next, alloc.expiresAt);
      for (const [key, expiresAt] of alloc.permissions) {
        if (expiresAt <= now) alloc.permissions.delete(key);
        else next = earliest(next, expiresAt);
      }
      // An expired binding relays nothing but stays in the maps through its quarantine.
      for (const [channel, binding] of alloc.channels) {
        const release = binding.expiresAt + CHANNEL_QUARANTINE;
        if (release <= now) {
          alloc.channels.delete(channel);
          alloc.channelOf.delete(addressKey(binding.peer));
        } else {
          next = earliest(next, release);
        }
      }
    }
    this.nextDeadline = next;
  }

  private deleteAllocation(alloc: Allocation, reason: 'refresh' | 'expired'): void {
    this.allocations.delete(alloc.clientKey);
    this.byPort.delete(alloc.relayed.port);
    const owned = (this.perUser.get(alloc.username) ?? 1) - 1;
    if (owned > 0) this.perUser.set(alloc.username, owned);
    else this.perUser.delete(alloc.username);
    log.debug('deallocated', { client: alloc.clientKey, reason });
    this.out.push({ type: 'allocation-deleted', client: alloc.client, relayed: alloc.relayed, reason });
  }

  // --- output -------------------------------------------------------------------------

  private respond(
    to: TransportAddress,
    req: DecodedStun,
    cls: StunClass,
    attrs: StunAttributes,
    key?: Uint8Array,
  ): Uint8Array {
    const data = encodeStun(
      {
        method: req.method,
        cls,
        transactionId: req.transactionId,
        attrs: this.software === undefined ? attrs : { ...attrs, software: this.software },
      },
      key ? { integrityKey: key } : {},
    );
    this.transmit(this.listen, to, data);
    return data;
  }

  /**
   * An error response (RFC 8489 6.3.4). With `key` (the request authenticated) it carries
   * MESSAGE-INTEGRITY; 401 and 438 carry REALM and NONCE instead (RFC 8489 9.2.4).
   */
  private reject(
    to: TransportAddress,
    req: DecodedStun,
    code: StunErrorCode,
    key?: Uint8Array,
    extra: StunAttributes = {},
  ): void {
    log.debug('error response', { to: addressKey(to), code });
    this.respond(to, req, StunClass.Error, { ...extra, errorCode: stunError(code) }, key);
  }

  /**
   * Relayed payloads go out as views into the received datagram: by the drain rule the
   * driver sends them before it hands us the next input.
   */
  private transmit(from: TransportAddress, to: TransportAddress, data: Uint8Array): void {
    this.out.push({ type: 'transmit', from, to, data });
  }

  private drop(counter: TurnServerCounter, from: TransportAddress, why?: string): void {
    this.counters.inc(counter);
    if (log.enabled) log.debug(`dropped: ${counter}`, { from: addressKey(from), why });
  }
}
