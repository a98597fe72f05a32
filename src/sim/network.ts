/**
 * A deterministic network simulator that drives sans-IO engines on a virtual clock.
 *
 * One event queue (time, then insertion order) holds packet arrivals, engine timers and test
 * actions. All randomness comes from generators forked from the seed, so the same seed and
 * the same engines give the same trace, bit for bit. Engines are driven by the drain rule of
 * docs/architecture.md: after every handleInput or handleTimeout the simulator polls outputs
 * until undefined, then reads pollTimeout and keeps one timer per engine.
 *
 * Packets never arrive synchronously: a transmit is scheduled on the queue even over a
 * zero-delay link, so engines are not re-entered while they are being drained.
 */

import { isIP } from 'node:net';
import { addressKey, transportAddress, type TransportAddress } from '../core/address.js';
import { Counters } from '../core/counters.js';
import type { Datagram, Engine, Transmit } from '../core/engine.js';
import { SansRtcError } from '../core/errors.js';
import { canonicalIp } from '../core/ip.js';
import { logger } from '../core/log.js';
import { SeededRandom } from '../core/random.js';
import type { Millis } from '../core/time.js';
import {
  DEFAULT_EVENT_LIMIT,
  DEFAULT_MAX_PENDING_EVENTS,
  DEFAULT_MAX_STEPS,
  DEFAULT_NAT_MAPPING_TIMEOUT,
  DEFAULT_RUN_UNTIL_TIMEOUT,
  DEFAULT_TRACE_LIMIT,
  EPHEMERAL_PORT_MAX,
  EPHEMERAL_PORT_MIN,
  IPV4_UDP_OVERHEAD,
  IPV6_UDP_OVERHEAD,
  MAX_HOPS,
  MAX_TIMEOUTS_AT_SAME_TIME,
  NAT_PORT_MAX,
  NAT_PORT_MIN,
  STALE_TIMER_COMPACTION,
} from './constants.js';
import { EventHeap } from './heap.js';
import { PacketSlab } from './slab.js';
import { Attachment, EngineRecord, type AnyEngine, type EngineCounter, type EventOut } from './attachment.js';
import { DEFAULT_LINK_PARAMS, resolveLinkParams, type DropReason } from './link.js';
import { NatTable } from './nat.js';
import { Host, Link, NatBox, Router, Routes, realmsOf, type Node, type Realm, type Socket } from './topology.js';
import { TraceRecorder, type TraceEntry } from './trace.js';
import type {
  AttachOptions,
  Interceptor,
  LinkOptions,
  NatOptions,
  NetworkOptions,
  NetworkStats,
  RecordedEvent,
  RunOptions,
  RunUntilOptions,
} from './types.js';

const log = logger('sansrtc:sim');

interface Packet {
  readonly kind: 'packet';
  readonly id: number;
  data: Uint8Array;
  src: TransportAddress;
  dst: TransportAddress;
  hops: number;
  /** Where it arrives next, over which link, sent in which link epoch. */
  at: Node;
  via: Link | undefined;
  epoch: number;
}

interface TimerItem {
  readonly kind: 'timer';
  readonly rec: EngineRecord;
  readonly gen: number;
}

interface ActionItem {
  readonly kind: 'action';
  readonly fn: () => void;
}

type Item = Packet | TimerItem | ActionItem;

export class Network {
  /** Counters: `sent`, `delivered`, `duplicated`, `dropped` and `dropped:<reason>`. */
  readonly counters = new Counters();
  private clock: Millis = 0;
  private readonly heap = new EventHeap<Item>();
  private readonly topologyRng: SeededRandom;
  private readonly userRng: SeededRandom;
  private readonly tracer: TraceRecorder;
  private readonly eventLimit: number;
  private readonly maxSteps: number;
  private readonly maxPending: number;
  private readonly routes = new Routes();
  private readonly nodes = new Map<string, Node>();
  private readonly addressBook = new Map<Realm, Map<string, Host | NatBox>>();
  private readonly records = new Map<object, EngineRecord>();
  private readonly linkList: Link[] = [];
  private readonly slab = new PacketSlab();
  private nextPacketId = 1;
  private interceptor: Interceptor | undefined;
  /** Events the last run/runUntil processed. */
  private steps = 0;
  /** Timer entries in the heap that no longer count. */
  private staleTimers = 0;

  constructor(options: NetworkOptions = {}) {
    const root = new SeededRandom(options.seed ?? 0);
    this.topologyRng = root.fork();
    this.userRng = root.fork();
    const trace = options.trace === false ? { limit: 0, hash: false } : (options.trace ?? {});
    this.tracer = new TraceRecorder(trace.limit ?? DEFAULT_TRACE_LIMIT, trace.hash ?? true);
    this.eventLimit = options.eventLimit ?? DEFAULT_EVENT_LIMIT;
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.maxPending = options.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS;
  }

  /** The virtual time, ms since the network was created. */
  get now(): Millis {
    return this.clock;
  }

  /** A generator for an engine under test, forked from the seed (independent of the topology). */
  random(): SeededRandom {
    return this.userRng.fork();
  }

  // ---- topology ----

  addHost(name: string, addresses: readonly string[], options: { behind?: NatBox } = {}): Host {
    if (addresses.length === 0) throw new RangeError(`host ${name} needs at least one address`);
    const realm = options.behind ?? null;
    const canonical = addresses.map(canonicalIp);
    this.checkName(name);
    canonical.forEach((a, i) => {
      this.checkAddress(realm, a);
      if (canonical.indexOf(a) !== i) throw new RangeError(`host ${name} lists ${a} twice`);
    });
    const host = new Host(name, canonical, realm, EPHEMERAL_PORT_MIN);
    this.addNode(host);
    for (const a of canonical) this.book(realm).set(a, host);
    return host;
  }

  addRouter(name = `router${this.nodes.size}`, options: { behind?: NatBox } = {}): Router {
    this.checkName(name);
    const router = new Router(name, options.behind ?? null);
    this.addNode(router);
    return router;
  }

  addNat(options: NatOptions): NatBox {
    const realm = options.behind ?? null;
    const publicAddress = canonicalIp(options.publicAddress);
    const name = options.name ?? `nat${this.nodes.size}`;
    this.checkName(name);
    this.checkAddress(realm, publicAddress);
    const table = new NatTable({
      type: options.type,
      publicAddress,
      mappingTimeout: options.mappingTimeout ?? DEFAULT_NAT_MAPPING_TIMEOUT,
      portPreservation: options.portPreservation ?? false,
      ports: options.portRange ?? { min: NAT_PORT_MIN, max: NAT_PORT_MAX },
      rng: this.topologyRng.fork(),
    });
    const nat = new NatBox(name, realm, table, options.hairpinning ?? false);
    this.addNode(nat);
    this.book(realm).set(publicAddress, nat);
    return nat;
  }

  /** Connects two nodes of one realm (a NAT also reaches the nodes behind it). */
  link(x: Node, y: Node, options: LinkOptions = {}): Link {
    if (x === y) throw new RangeError(`cannot link ${x.name} to itself`);
    const realm = realmsOf(x).find((r) => realmsOf(y).includes(r));
    if (realm === undefined) throw new RangeError(`${x.name} and ${y.name} are in different address realms`);
    const { forward, backward, ...common } = options;
    const base = resolveLinkParams(DEFAULT_LINK_PARAMS, common);
    const link = new Link(
      x,
      y,
      realm,
      resolveLinkParams(base, forward ?? {}),
      resolveLinkParams(base, backward ?? {}),
      this.topologyRng,
    );
    x.links.push(link);
    y.links.push(link);
    this.linkList.push(link);
    this.routes.invalidate();
    return link;
  }

  get links(): readonly Link[] {
    return this.linkList;
  }

  node(name: string): Node | undefined {
    return this.nodes.get(name);
  }

  private checkName(name: string): void {
    if (this.nodes.has(name)) throw new RangeError(`a node named ${name} exists already`);
  }

  private checkAddress(realm: Realm, address: string): void {
    if (isIP(address) === 0) throw new RangeError(`${address} is not an IP address`);
    const owner = this.addressBook.get(realm)?.get(address);
    if (owner) throw new RangeError(`${address} is already used by ${owner.name} in this realm`);
  }

  private addNode(node: Node): void {
    this.nodes.set(node.name, node);
    this.routes.invalidate();
  }

  private book(realm: Realm): Map<string, Host | NatBox> {
    let book = this.addressBook.get(realm);
    if (book === undefined) {
      book = new Map();
      this.addressBook.set(realm, book);
    }
    return book;
  }

  // ---- engines ----

  /**
   * Binds `engine` to ports on `host` and drains it once (it may have output queued). The
   * same engine may be attached several times (more ports, other hosts), and attached again
   * after `detach` (to another host: the device moved).
   */
  attach<In, Ev extends EventOut>(
    host: Host,
    engine: Engine<Datagram | In, Transmit | Ev>,
    options: AttachOptions<Ev> = {},
  ): Attachment<Ev> {
    const address = options.address === undefined ? undefined : canonicalIp(options.address);
    if (address !== undefined && !host.addresses.includes(address)) {
      throw new RangeError(`${host.name} has no address ${address}`);
    }
    const ports = options.ports ?? [options.port ?? this.ephemeralPort(host)];
    ports.forEach((port, i) => {
      if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new RangeError(`bad port ${port}`);
      if (host.portTaken(address, port) || ports.indexOf(port) !== i) {
        throw new SansRtcError('sim-address-in-use', `${host.name}: port ${port} is already bound`);
      }
    });
    let rec = this.records.get(engine);
    if (rec === undefined) {
      rec = new EngineRecord(engine as unknown as AnyEngine, this.eventLimit);
      this.records.set(engine, rec);
    }
    // Attaching a detached engine again moves it (a laptop changing networks); its events stay.
    rec.attached = true;
    const bound: Socket[] = [];
    for (const port of ports) {
      const socket: Socket = {
        host,
        address,
        port,
        locals: (address !== undefined ? [address] : host.addresses).map((a) => transportAddress(a, port)),
        defaultPeer: options.defaultPeer,
        owner: rec,
      };
      host.bind(socket);
      rec.sockets.push(socket);
      bound.push(socket);
    }
    if (options.onEvent) rec.onEvent = options.onEvent as (event: EventOut, time: Millis) => void;
    this.drainEngine(rec);
    return new Attachment<Ev>(this, engine, bound);
  }

  /** Unbinds every socket of `engine` and cancels its timer (a crashed process). Events stay readable. */
  detach(engine: object): void {
    const rec = this.liveRecord(engine);
    for (const s of rec.sockets) s.host.unbind(s);
    rec.sockets.length = 0;
    rec.attached = false;
    this.cancelTimer(rec);
  }

  /** Gives an engine an input (a command, or a hand-made datagram) now, then drains it. */
  inject<In>(engine: Engine<In, EventOut>, input: In): void {
    const rec = this.liveRecord(engine);
    rec.engine.handleInput(this.clock, input);
    this.drainEngine(rec);
  }

  /**
   * Non-transmit outputs of `engine` so far (the most recent `eventLimit`), with their times.
   * The array is shared until the next event arrives: do not modify it.
   */
  events<Ev extends EventOut>(engine: Engine<never, Transmit | Ev>): RecordedEvent<Exclude<Ev, Transmit>>[] {
    const rec = this.records.get(engine);
    if (rec === undefined) return [];
    rec.snapshot ??= [...rec.events];
    return rec.snapshot as RecordedEvent<Exclude<Ev, Transmit>>[];
  }

  /** Per-engine counters: discarded events, transmits the network refused, past deadlines. */
  engineCounters(engine: object): Counters<EngineCounter> {
    const rec = this.records.get(engine);
    if (rec === undefined) throw new SansRtcError('sim-not-attached', 'engine was never attached');
    return rec.counters;
  }

  private liveRecord(engine: object): EngineRecord {
    const rec = this.records.get(engine);
    if (rec === undefined || !rec.attached) throw new SansRtcError('sim-not-attached', 'engine is not attached');
    return rec;
  }

  private ephemeralPort(host: Host): number {
    const span = EPHEMERAL_PORT_MAX - EPHEMERAL_PORT_MIN + 1;
    for (let i = 0; i < span; i++) {
      const port = host.nextEphemeral;
      host.nextEphemeral = port === EPHEMERAL_PORT_MAX ? EPHEMERAL_PORT_MIN : port + 1;
      if (!host.portTaken(undefined, port)) return port;
    }
    throw new SansRtcError('sim-address-in-use', `${host.name}: no ephemeral port left`);
  }

  /** The drain rule: poll outputs until undefined, then rearm the engine's one timer. */
  private drainEngine(rec: EngineRecord): void {
    const engine = rec.engine;
    for (let out = engine.pollOutput(); out !== undefined; out = engine.pollOutput()) {
      if (out.type === 'transmit') this.emit(rec, out as Transmit);
      else this.recordEvent(rec, out);
    }
    if (!rec.attached) return;
    const t = engine.pollTimeout();
    if (t === undefined || t === Infinity) return this.cancelTimer(rec);
    if (Number.isNaN(t)) throw new SansRtcError('sim-bad-deadline', 'an engine returned NaN from pollTimeout');
    let at = t;
    if (at < this.clock) {
      rec.counters.inc('timer-in-past');
      at = this.clock;
    }
    if (at === rec.deadline) return;
    this.cancelTimer(rec);
    rec.deadline = at;
    this.schedule(at, { kind: 'timer', rec, gen: rec.timerGen });
  }

  /**
   * Invalidates the engine's pending timer entry (it stays in the heap until popped or
   * compacted away: an engine that moves its deadline on every packet must not grow the heap
   * without bound).
   */
  private cancelTimer(rec: EngineRecord): void {
    if (rec.deadline === undefined) return;
    rec.deadline = undefined;
    rec.timerGen++;
    if (++this.staleTimers > STALE_TIMER_COMPACTION && this.staleTimers * 2 > this.heap.size) {
      this.heap.retain((item) => item.kind !== 'timer' || item.gen === item.rec.timerGen);
      this.staleTimers = 0;
    }
  }

  private recordEvent(rec: EngineRecord, event: EventOut): void {
    const entry = { time: this.clock, event };
    rec.snapshot = undefined;
    if (!rec.events.push(entry)) {
      rec.events.shift();
      rec.events.push(entry);
      rec.counters.inc('events-discarded');
    }
    rec.watch?.(entry);
    rec.onEvent?.(event, this.clock);
  }

  private fireTimer(item: TimerItem): void {
    const rec = item.rec;
    if (item.gen !== rec.timerGen) {
      this.staleTimers--;
      return;
    }
    rec.deadline = undefined;
    rec.timerGen++;
    if (rec.lastWake === this.clock) {
      if (++rec.wakesAtSameTime > MAX_TIMEOUTS_AT_SAME_TIME) {
        throw new SansRtcError(
          'sim-engine-stuck',
          `an engine asked to be woken at ${this.clock} ms more than ${MAX_TIMEOUTS_AT_SAME_TIME} times in a row`,
        );
      }
    } else {
      rec.lastWake = this.clock;
      rec.wakesAtSameTime = 1;
    }
    rec.engine.handleTimeout(this.clock);
    this.drainEngine(rec);
  }

  // ---- packets ----

  private emit(rec: EngineRecord, t: Transmit): void {
    const socket = t.from ? this.socketOf(rec, t.from) : this.defaultSocket(rec, t.to);
    if (socket === undefined) {
      rec.counters.inc('transmit-unbound-source');
      if (log.enabled) log.debug('transmit from an address the engine has not bound', t.from);
      return;
    }
    const to = t.to ?? socket.defaultPeer;
    if (to === undefined) {
      rec.counters.inc('transmit-no-destination');
      if (log.enabled) log.debug('transmit without a destination and no defaultPeer');
      return;
    }
    const from = t.from ?? pickLocal(socket, to);
    const p: Packet = {
      kind: 'packet',
      id: this.nextPacketId++,
      // Engines may reuse their output buffers: the network keeps its own copy.
      data: this.slab.copy(t.data),
      src: from,
      dst: to,
      hops: 0,
      at: socket.host,
      via: undefined,
      epoch: 0,
    };
    this.counters.inc('sent');
    this.tracer.record(this.clock, 'sent', p.id, from, to, p.data.length, socket.host.name, undefined, undefined, p.data);
    if (this.interceptor !== undefined && !this.intercepted(p, socket.host)) return;
    this.route(socket.host, p, socket.host.realm);
  }

  /** Applies the test's interceptor; false when it dropped the packet. */
  private intercepted(p: Packet, host: Host): boolean {
    const verdict = this.interceptor!({ id: p.id, time: this.clock, from: p.src, to: p.dst, data: p.data, host: host.name });
    if (verdict === false) {
      this.drop(host, p, 'intercepted');
      return false;
    }
    if (verdict instanceof Uint8Array) {
      p.data = this.slab.copy(verdict);
      this.tracer.record(this.clock, 'rewritten', p.id, p.src, p.dst, p.data.length, host.name, undefined, undefined, p.data);
    }
    return true;
  }

  private socketOf(rec: EngineRecord, from: TransportAddress): Socket | undefined {
    for (const s of rec.sockets) {
      if (s.port !== from.port) continue;
      if (s.address === undefined ? s.host.addresses.includes(from.address) : s.address === from.address) return s;
    }
    return undefined;
  }

  private defaultSocket(rec: EngineRecord, to: TransportAddress | undefined): Socket | undefined {
    if (to !== undefined) {
      for (const s of rec.sockets) if (s.locals.some((l) => l.family === to.family)) return s;
    }
    return rec.sockets[0];
  }

  /** Sends `p` from `node` toward its destination within `realm`. */
  private route(node: Node, p: Packet, realm: Realm): void {
    if (++p.hops > MAX_HOPS) return this.drop(node, p, 'ttl-exceeded');
    if (p.src.family !== p.dst.family) return this.drop(node, p, 'family-mismatch');
    // An address outside a private realm is reached through the realm's NAT.
    const target = this.lookup(realm, p) ?? realm;
    if (target === null) return this.drop(node, p, 'no-route');
    if (target === node) {
      if (node.kind !== 'host') return this.drop(node, p, 'no-route');
      p.via = undefined;
      this.schedule(this.clock, p); // to itself: no link involved
      return;
    }
    const link = this.routes.nextHop(node, target, realm);
    if (link === undefined) return this.drop(node, p, 'no-route');
    const dir = link.directionFrom(node);
    const reason = dir.transmit(this.clock, p.data.length, p.data.length + overhead(p.dst), link.up);
    if (reason !== undefined) return this.drop(node, p, reason);
    if (dir.corruptBit >= 0) {
      // The packet is the network's own copy: damage it in place.
      p.data[dir.corruptBit >> 3]! ^= 1 << (dir.corruptBit & 7);
      this.tracer.record(this.clock, 'rewritten', p.id, p.src, p.dst, p.data.length, node.name, undefined, undefined, p.data);
    }
    p.at = link.other(node);
    p.via = link;
    p.epoch = dir.epoch;
    this.schedule(dir.arrival, p);
    if (!Number.isNaN(dir.duplicateArrival)) {
      const copy: Packet = { ...p, id: this.nextPacketId++, data: this.slab.copy(p.data) };
      this.counters.inc('duplicated');
      this.tracer.record(this.clock, 'duplicated', copy.id, p.src, p.dst, p.data.length, node.name, undefined, p.id);
      this.schedule(dir.duplicateArrival, copy);
    }
  }

  /** The node owning the packet's destination in `realm`; IPv6 text is matched in canonical form. */
  private lookup(realm: Realm, p: Packet): Host | NatBox | undefined {
    const book = this.addressBook.get(realm);
    if (book === undefined) return undefined;
    const owner = book.get(p.dst.address);
    if (owner !== undefined || p.dst.family !== 'IPv6') return owner;
    const canonical = canonicalIp(p.dst.address);
    if (canonical === p.dst.address) return undefined;
    p.dst = transportAddress(canonical, p.dst.port);
    return book.get(canonical);
  }

  private arrive(p: Packet): void {
    const node = p.at;
    const via = p.via;
    if (via !== undefined) {
      const dir = via.directionFrom(via.other(node));
      if (dir.epoch !== p.epoch) return this.drop(node, p, 'link-down');
      dir.arrived();
    }
    switch (node.kind) {
      case 'host':
        return this.deliver(node, p);
      case 'router':
        return this.route(node, p, node.realm);
      case 'nat':
        return via !== undefined && via.realm === node ? this.natOutbound(node, p) : this.natInbound(node, p);
    }
  }

  private deliver(host: Host, p: Packet): void {
    const socket = host.socketFor(p.dst);
    if (socket === undefined) return this.drop(host, p, 'port-unreachable');
    const rec = socket.owner as EngineRecord;
    this.counters.inc('delivered');
    this.tracer.record(this.clock, 'delivered', p.id, p.src, p.dst, p.data.length, host.name);
    rec.engine.handleInput(this.clock, { type: 'datagram', data: p.data, from: p.src, to: p.dst });
    this.drainEngine(rec);
  }

  /** RFC 4787 §4: translate the source of a packet leaving the private realm. */
  private natOutbound(nat: NatBox, p: Packet): void {
    const external = nat.table.outbound(this.clock, p.src, p.dst);
    if (external === undefined) return this.drop(nat, p, 'nat-ports-exhausted');
    nat.counters.inc('outbound');
    this.tracer.record(this.clock, 'translated', p.id, external, p.dst, p.data.length, nat.name);
    p.src = external;
    if (p.dst.address === nat.publicAddress) {
      // RFC 4787 §6 (REQ-9): hairpinning, with the external source address (REQ-9b).
      if (!nat.hairpinning) return this.drop(nat, p, 'nat-hairpin');
      nat.counters.inc('hairpin');
      return this.natInbound(nat, p);
    }
    this.route(nat, p, nat.realm);
  }

  /** RFC 4787 §5: filter, then translate the destination of a packet entering the private realm. */
  private natInbound(nat: NatBox, p: Packet): void {
    const verdict = nat.table.inbound(this.clock, p.src, p.dst.port);
    if (typeof verdict === 'string') return this.drop(nat, p, verdict);
    nat.counters.inc('inbound');
    this.tracer.record(this.clock, 'translated', p.id, p.src, verdict, p.data.length, nat.name);
    p.dst = verdict;
    this.route(nat, p, nat);
  }

  private drop(node: Node, p: Packet, reason: DropReason): void {
    this.counters.inc('dropped');
    this.counters.inc(`dropped:${reason}`);
    if (node.kind === 'nat') node.counters.inc('dropped');
    this.tracer.record(this.clock, 'dropped', p.id, p.src, p.dst, p.data.length, node.name, reason);
    if (log.enabled) log.debug(`drop ${reason} at ${node.name}: ${addressKey(p.src)} -> ${addressKey(p.dst)}`);
  }

  /**
   * Sees every packet an engine sends, before it enters the network, and may drop it (return
   * false: `dropped` as `intercepted`) or replace its payload (return the new bytes: traced
   * as `rewritten`). For targeted faults: lose the third handshake flight, corrupt one
   * record. One interceptor at a time; undefined removes it.
   */
  intercept(interceptor: Interceptor | undefined): void {
    this.interceptor = interceptor;
  }

  // ---- time ----

  /** Schedules a test action at virtual time `time` (not in the past). */
  at(time: Millis, fn: () => void): void {
    if (!(time >= this.clock && time < Infinity)) throw new RangeError(`cannot schedule at ${time}: now is ${this.clock}`);
    this.schedule(time, { kind: 'action', fn });
  }

  /** Schedules a test action `delay` ms from now. */
  after(delay: Millis, fn: () => void): void {
    this.at(this.clock + delay, fn);
  }

  /**
   * Processes events in time order until none is left or the deadline (`until`, or now +
   * `for`) is reached; with a deadline the clock ends on it. Returns the events processed.
   */
  run(options: RunOptions = {}): number {
    const deadline = options.until ?? (options.for !== undefined ? this.clock + options.for : Infinity);
    if (!(deadline >= this.clock)) throw new RangeError(`run until ${deadline}: now is ${this.clock}`);
    this.loop(deadline, undefined, options.maxSteps ?? this.maxSteps);
    if (deadline !== Infinity) this.clock = deadline;
    return this.steps;
  }

  /**
   * Runs until `predicate` holds (checked before and after every event), for at most
   * `timeout` virtual ms. Returns whether it held; on false the clock ends at the deadline.
   */
  runUntil(predicate: () => boolean, options: RunUntilOptions = {}): boolean {
    const deadline = this.clock + (options.timeout ?? DEFAULT_RUN_UNTIL_TIMEOUT);
    if (!(deadline >= this.clock && deadline < Infinity)) throw new RangeError(`bad runUntil timeout ${options.timeout}`);
    if (predicate()) return true;
    if (this.loop(deadline, predicate, options.maxSteps ?? this.maxSteps)) return true;
    this.clock = deadline;
    return predicate();
  }

  /**
   * Runs until `engine` outputs an event `match` accepts (only events from now on count), for
   * at most `timeout` virtual ms. Returns that event, or undefined on timeout.
   */
  runUntilEvent<Ev extends EventOut>(
    engine: Engine<never, Transmit | Ev>,
    match: (event: Exclude<Ev, Transmit>) => boolean,
    options: RunUntilOptions = {},
  ): RecordedEvent<Exclude<Ev, Transmit>> | undefined {
    const rec = this.liveRecord(engine);
    const outer = rec.watch;
    let found: RecordedEvent<EventOut> | undefined;
    rec.watch = (entry) => {
      if (found === undefined && match(entry.event as Exclude<Ev, Transmit>)) found = entry;
    };
    try {
      this.runUntil(() => found !== undefined, options);
    } finally {
      rec.watch = outer;
    }
    return found as RecordedEvent<Exclude<Ev, Transmit>> | undefined;
  }

  /** Queues an event; the queue is bounded so that a runaway engine fails loudly. */
  private schedule(time: Millis, item: Item): void {
    if (this.heap.size >= this.maxPending) {
      throw new SansRtcError('sim-overflow', `more than ${this.maxPending} events pending at ${this.clock} ms`);
    }
    this.heap.push(time, item);
  }

  /** Events in the queue (packets in flight, timers, actions; superseded timers until compacted). */
  get pendingEvents(): number {
    return this.heap.size;
  }

  /** Time of the next scheduled event, if any. */
  get nextEventTime(): Millis | undefined {
    return this.heap.peekTime();
  }

  /** Processes events up to `deadline`; true when it stopped because `predicate` held. */
  private loop(deadline: Millis, predicate: (() => boolean) | undefined, maxSteps: number): boolean {
    let steps = 0;
    for (;;) {
      const t = this.heap.peekTime();
      if (t === undefined || t > deadline) {
        this.steps = steps;
        return false;
      }
      if (++steps > maxSteps) {
        throw new SansRtcError('sim-max-steps', `more than ${maxSteps} events before ${deadline} ms (now ${this.clock} ms)`);
      }
      const item = this.heap.pop()!.item;
      this.clock = t;
      switch (item.kind) {
        case 'packet':
          this.arrive(item);
          break;
        case 'timer':
          this.fireTimer(item);
          break;
        case 'action':
          item.fn();
          break;
      }
      if (predicate !== undefined && predicate()) {
        this.steps = steps;
        return true;
      }
    }
  }

  // ---- observation ----

  /** The most recent trace entries (see NetworkOptions.trace for the bound). */
  get trace(): TraceEntry[] {
    return this.tracer.entries();
  }

  /** Hex SHA-256 over every trace entry since the start, payloads included. */
  traceHash(): string {
    return this.tracer.hash();
  }

  get stats(): NetworkStats {
    const t = this.tracer.totals;
    return {
      sent: t.sent,
      delivered: t.delivered,
      dropped: t.dropped,
      duplicated: t.duplicated,
      inFlight: t.sent + t.duplicated - t.delivered - t.dropped,
    };
  }
}

function overhead(to: TransportAddress): number {
  return to.family === 'IPv6' ? IPV6_UDP_OVERHEAD : IPV4_UDP_OVERHEAD;
}

/** The source address for a transmit to `to` from `socket`: same family when it can. */
function pickLocal(socket: Socket, to: TransportAddress): TransportAddress {
  const locals = socket.locals;
  for (const l of locals) if (l.family === to.family) return l;
  return locals[0]!;
}
