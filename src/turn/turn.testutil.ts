// Test bench: TurnClients and a TurnServer pumped directly on a virtual clock, every
// datagram recorded, with a filter to lose chosen packets.
import { SeededRandom, addressKey, earliest, sameAddress, transportAddress } from '../core/index.js';
import type { Millis, Transmit, TransportAddress } from '../core/index.js';
import { decodeStun } from '../stun/index.js';
import type { DecodedStun } from '../stun/index.js';
import { TurnClient } from './client.js';
import type { TurnClientEvent, TurnClientInput, TurnClientOptions } from './client.js';
import { TurnServer } from './server.js';
import type { TurnServerEvent, TurnServerOptions } from './server.js';

export const SERVER = transportAddress('192.0.2.1', 3478);
export const REALM = 'example.test';

export interface Packet {
  readonly time: Millis;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
  readonly data: Uint8Array;
}

export class Bench {
  now: Millis = 0;
  readonly rng: SeededRandom;
  readonly server: TurnServer;
  readonly clients: TurnClient[] = [];
  readonly events = new Map<TurnClient, TurnClientEvent[]>();
  readonly serverEvents: TurnServerEvent[] = [];
  /** Every datagram sent, delivered or not. */
  readonly wire: Packet[] = [];
  /** Datagrams to addresses that are neither the server nor a client. */
  readonly outside: Packet[] = [];
  /** Return false to lose a packet. */
  filter: (p: Packet) => boolean = () => true;
  private readonly queue: Packet[] = [];

  constructor(opts: Partial<TurnServerOptions> = {}, seed = 1) {
    this.rng = new SeededRandom(seed);
    this.server = new TurnServer({
      listen: SERVER,
      realm: REALM,
      users: { alice: 'secret', bob: 'hunter2' },
      rng: this.rng.fork(),
      relayPorts: { min: 40000, max: 40009 },
      ...opts,
    });
  }

  addClient(opts: Partial<TurnClientOptions> = {}): TurnClient {
    const n = this.clients.length + 1;
    const listen = this.server.listen;
    const c = new TurnClient({
      server: listen,
      local: transportAddress(listen.family === 'IPv6' ? `2001:db8:1::${n}` : `198.51.100.${n}`, 5000),
      username: 'alice',
      password: 'secret',
      rng: this.rng.fork(),
      ...opts,
    });
    this.clients.push(c);
    this.events.set(c, []);
    return c;
  }

  input(c: TurnClient, input: TurnClientInput): void {
    c.handleInput(this.now, input);
    this.pump();
  }

  /** A datagram from an outside host to `to` (a relayed address, usually). */
  fromOutside(from: TransportAddress, to: TransportAddress, data: Uint8Array): void {
    this.queue.push({ time: this.now, from, to, data });
    this.pump();
  }

  eventsOf(c: TurnClient): TurnClientEvent[] {
    return this.events.get(c)!;
  }

  /** The payloads `c` received, as strings. */
  received(c: TurnClient): string[] {
    return this.eventsOf(c).flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
  }

  relayedOf(c: TurnClient): TransportAddress {
    const e = this.eventsOf(c).find((x) => x.type === 'allocated');
    if (!e || e.type !== 'allocated') throw new Error('not allocated');
    return e.relayed;
  }

  /** Moves every output to its destination until nothing is left. */
  pump(): void {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      let moved = false;
      for (const c of this.clients) {
        for (let o = c.pollOutput(); o; o = c.pollOutput()) {
          moved = true;
          if (o.type === 'transmit') this.send(o);
          else this.eventsOf(c).push(o);
        }
      }
      for (let o = this.server.pollOutput(); o; o = this.server.pollOutput()) {
        moved = true;
        if (o.type === 'transmit') this.send(o);
        else this.serverEvents.push(o);
      }
      const batch = this.queue.splice(0);
      for (const p of batch) {
        moved = true;
        this.deliver(p);
      }
      if (!moved) return;
    }
    throw new Error('bench: pump did not settle');
  }

  /** Runs timers up to now + ms. */
  advance(ms: Millis): void {
    const target = this.now + ms;
    for (;;) {
      let next: Millis | undefined = this.server.pollTimeout();
      for (const c of this.clients) next = earliest(next, c.pollTimeout());
      if (next === undefined || next > target) break;
      this.now = Math.max(this.now, next);
      const t = this.server.pollTimeout();
      if (t !== undefined && t <= this.now) this.server.handleTimeout(this.now);
      for (const c of this.clients) {
        const ct = c.pollTimeout();
        if (ct !== undefined && ct <= this.now) c.handleTimeout(this.now);
      }
      this.pump();
    }
    this.now = target;
  }

  /** STUN messages on the wire from `from`, decoded, with their send times. */
  stunFrom(from: TransportAddress): { time: Millis; msg: DecodedStun }[] {
    const out: { time: Millis; msg: DecodedStun }[] = [];
    for (const p of this.wire) {
      if (!sameAddress(p.from, from)) continue;
      const d = decodeStun(p.data);
      if (d.ok) out.push({ time: p.time, msg: d.value });
    }
    return out;
  }

  private send(t: Transmit): void {
    if (!t.from || !t.to) throw new Error('bench: transmit without addresses');
    const p = { time: this.now, from: t.from, to: t.to, data: t.data };
    this.wire.push(p);
    if (this.filter(p)) this.queue.push(p);
  }

  private deliver(p: Packet): void {
    const d = { type: 'datagram' as const, data: p.data, from: p.from, to: p.to };
    const { min, max } = this.server.relayPorts;
    if (
      sameAddress(p.to, this.server.listen) ||
      (p.to.address === this.server.relayAddress && p.to.port >= min && p.to.port <= max)
    ) {
      this.server.handleInput(this.now, d);
      return;
    }
    // Clients sharing a local address share its datagrams, like engines on one socket.
    const to = this.clients.filter((x) => addressKey(x.local) === addressKey(p.to));
    for (const c of to) c.handleInput(this.now, d);
    if (to.length === 0) this.outside.push(p);
  }
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
