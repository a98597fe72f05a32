/**
 * Test support: two endpoints wired back to back on a virtual clock, with a hook to drop,
 * duplicate, reorder or rewrite datagrams. Not exported from index.ts.
 */
import { SeededRandom, transportAddress, type Millis } from '../core/index.js';
import { generateCertificate, type DtlsCertificate } from './certificate.js';
import { DtlsEndpoint, type DtlsOptions } from './endpoint.js';
import type { DtlsEvent } from './events.js';

const ADDR = transportAddress('127.0.0.1', 5000);

export type Side = 'client' | 'server';
/** Decides what the wire does with one datagram: the datagrams to deliver (none = drop). */
export type Wire = (from: Side, data: Uint8Array, index: number) => Uint8Array[];

const CERTS = new Map<number, DtlsCertificate>();
/** Certificates are costly to make; tests share a few by seed. */
export function testCertificate(seed: number): DtlsCertificate {
  let c = CERTS.get(seed);
  if (!c) CERTS.set(seed, (c = generateCertificate(new SeededRandom(seed))));
  return c;
}

export class Pair {
  now: Millis = 0;
  readonly client: DtlsEndpoint;
  readonly server: DtlsEndpoint;
  readonly events: Record<Side, DtlsEvent[]> = { client: [], server: [] };
  /** Every datagram each side transmitted, before the wire acted on it. */
  readonly sent: Record<Side, Uint8Array[]> = { client: [], server: [] };
  wire: Wire = (_from, d) => [d];
  private queue: { to: Side; data: Uint8Array }[] = [];

  constructor(
    seed = 1,
    client: Partial<DtlsOptions> = {},
    server: Partial<DtlsOptions> = {},
  ) {
    const rng = new SeededRandom(seed);
    const cc = testCertificate(101);
    const sc = testCertificate(102);
    this.client = new DtlsEndpoint({ role: 'client', certificate: cc, rng: rng.fork(), remoteFingerprints: [sc.fingerprint()], ...client });
    this.server = new DtlsEndpoint({ role: 'server', certificate: sc, rng: rng.fork(), remoteFingerprints: [cc.fingerprint()], ...server });
  }

  endpoint(side: Side): DtlsEndpoint {
    return side === 'client' ? this.client : this.server;
  }

  /** Drains one side: events are kept, datagrams go through the wire to the queue. */
  private drain(side: Side): void {
    const e = this.endpoint(side);
    for (let o = e.pollOutput(); o; o = e.pollOutput()) {
      if (o.type === 'transmit') {
        const index = this.sent[side].push(o.data) - 1;
        for (const d of this.wire(side, o.data, index)) this.queue.push({ to: side === 'client' ? 'server' : 'client', data: d });
      } else {
        this.events[side].push(o);
      }
    }
  }

  input(side: Side, input: Parameters<DtlsEndpoint['handleInput']>[1]): void {
    this.endpoint(side).handleInput(this.now, input);
    this.drain(side);
  }

  deliver(to: Side, data: Uint8Array): void {
    this.input(to, { type: 'datagram', data, from: ADDR, to: ADDR });
  }

  /**
   * Delivers queued datagrams (in flight order) and fires timers on the virtual clock until
   * `done` holds or nothing is left to do. Returns whether `done` held.
   */
  run(done: () => boolean = () => false, maxTime: Millis = 600_000): boolean {
    for (let steps = 0; steps < 100_000; steps++) {
      this.drain('client');
      this.drain('server');
      if (done()) return true;
      const next = this.queue.shift();
      if (next) {
        this.deliver(next.to, next.data);
        continue;
      }
      const t = [this.client.pollTimeout(), this.server.pollTimeout()].filter((x): x is number => x !== undefined);
      if (t.length === 0) return done();
      this.now = Math.max(this.now, Math.min(...t));
      if (this.now > maxTime) return done();
      this.client.handleTimeout(this.now);
      this.server.handleTimeout(this.now);
    }
    return done();
  }

  connect(): boolean {
    this.input('client', { type: 'connect' });
    return this.run(() => this.has('client', 'connected') && this.has('server', 'connected'));
  }

  has(side: Side, type: DtlsEvent['type']): boolean {
    return this.events[side].some((e) => e.type === type);
  }

  first<T extends DtlsEvent['type']>(side: Side, type: T): Extract<DtlsEvent, { type: T }> | undefined {
    return this.events[side].find((e) => e.type === type) as Extract<DtlsEvent, { type: T }> | undefined;
  }

  /** Application data one side received, as strings. */
  received(side: Side): string[] {
    return this.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
  }
}
