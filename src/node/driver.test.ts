import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import {
  type Datagram,
  type Millis,
  OutputQueue,
  type Transmit,
  type TransportAddress,
  logger,
  setLogNamespaces,
  setLogSink,
  transportAddress,
} from '../core/index.js';
import { EngineDriver } from './driver.js';
import { applyDebugEnv } from './env.js';
import { LinkFilter, listInterfaces } from './interfaces.js';
import { UdpSockets } from './udp-sockets.js';

/** First byte 0x01 = STUN per RFC 7983, so the driver lets these through by default. */
const PING = 0x00;
const PONG = 0x01;
const POISON = 0x02; // the engine throws on this one

type EchoCommand =
  | { type: 'send'; to: TransportAddress; from?: TransportAddress; data: Uint8Array }
  | { type: 'wake-at'; at: Millis }
  | { type: 'echo-event'; n: number }
  | { type: 'explode' };
type EchoEvent = { type: 'pong'; data: Uint8Array; from: TransportAddress } | { type: 'woke'; at: Millis } | { type: 'n'; n: number };

/** Answers PING with PONG from the socket it came in on; wakes at requested deadlines. */
class EchoEngine {
  private readonly out = new OutputQueue<Transmit | EchoEvent>();
  private deadlines: Millis[] = [];
  handleInput(_now: Millis, input: Datagram | EchoCommand): void {
    switch (input.type) {
      case 'datagram': {
        const first = input.data[0];
        if (first === POISON) throw new Error('poisoned datagram');
        if (first === PING) {
          const reply = Uint8Array.from(input.data);
          reply[0] = PONG;
          this.out.push({ type: 'transmit', data: reply, from: input.to, to: input.from });
        } else if (first === PONG) {
          this.out.push({ type: 'pong', data: input.data, from: input.from });
        }
        return;
      }
      case 'send':
        this.out.push({ type: 'transmit', data: input.data, to: input.to, ...(input.from ? { from: input.from } : {}) });
        return;
      case 'wake-at':
        this.deadlines.push(input.at);
        this.deadlines.sort((a, b) => a - b);
        return;
      case 'echo-event':
        this.out.push({ type: 'n', n: input.n });
        return;
      case 'explode':
        this.out.push({ type: 'n', n: -1 });
        throw new Error('refused command');
    }
  }
  handleTimeout(now: Millis): void {
    while (this.deadlines.length && this.deadlines[0]! <= now) {
      this.out.push({ type: 'woke', at: this.deadlines.shift()! });
    }
  }
  pollOutput(): Transmit | EchoEvent | undefined {
    return this.out.shift();
  }
  pollTimeout(): Millis | undefined {
    return this.deadlines[0];
  }
}

function until(what: string, check: () => boolean, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 2);
    };
    poll();
  });
}

async function echoPair() {
  const a = await UdpSockets.bind({ addresses: ['127.0.0.1'] });
  const b = await UdpSockets.bind({ addresses: ['127.0.0.1'] });
  const events: EchoEvent[] = [];
  const errors: unknown[] = [];
  const da = new EngineDriver<EchoCommand, EchoEvent>({
    engine: new EchoEngine(),
    transport: a,
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e),
  });
  const db = new EngineDriver<EchoCommand, EchoEvent>({
    engine: new EchoEngine(),
    transport: b,
    onError: (e) => errors.push(e),
  });
  return { a, b, da, db, events, errors, bAddr: b.localAddresses[0]!, aAddr: a.localAddresses[0]! };
}

function resources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'Timeout').sort();
}

test('round trip over 127.0.0.1 through two drivers; close leaves no handles', async () => {
  const before = resources();
  const p = await echoPair();
  assert.equal(p.aAddr.address, '127.0.0.1');
  assert.ok(p.aAddr.port > 0);
  p.da.input({ type: 'send', to: p.bAddr, from: p.aAddr, data: new Uint8Array([PING, 1, 2, 3]) });
  await until('pong', () => p.events.length === 1);
  const pong = p.events[0]!;
  assert.equal(pong.type, 'pong');
  assert.deepEqual(pong.type === 'pong' && [...pong.data], [PONG, 1, 2, 3]);
  assert.deepEqual(pong.type === 'pong' && pong.from, { ...p.bAddr, size: 4 });
  assert.equal(p.db.counters.get('rx-stun'), 1);
  assert.equal(p.a.counters.get('sent'), 1);
  // Arm a far timer so that close has one to clear.
  p.da.input({ type: 'wake-at', at: performance.now() + 60_000 });
  assert.ok(resources().length > before.length);
  await Promise.all([p.da.close(), p.db.close()]);
  await p.da.close(); // idempotent
  assert.deepEqual(resources(), before);
  assert.equal(p.da.closed, true);
  p.da.input({ type: 'send', to: p.bAddr, data: new Uint8Array([PING]) }); // ignored
  assert.deepEqual(p.errors, []);
});

test('one timer: later deadlines keep it, earlier ones replace it, it fires once per due deadline', async () => {
  const before = resources();
  const sockets = await UdpSockets.bind({ addresses: ['127.0.0.1'] });
  const arrivals: { at: Millis; seenAt: Millis }[] = [];
  const d = new EngineDriver<EchoCommand, EchoEvent>({
    engine: new EchoEngine(),
    transport: sockets,
    onEvent: (e) => {
      if (e.type === 'woke') arrivals.push({ at: e.at, seenAt: performance.now() });
    },
  });
  const t0 = performance.now();
  const realSetTimeout = globalThis.setTimeout;
  let calls = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    calls++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    d.input({ type: 'wake-at', at: t0 + 1000 });
    for (let i = 0; i < 50; i++) d.input({ type: 'wake-at', at: t0 + 1100 + i }); // later: keep the timer
    assert.equal(calls, 1);
    d.input({ type: 'wake-at', at: t0 + 30 }); // earlier: replace it
    assert.equal(calls, 2);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(resources().filter((r) => r === 'Timeout').length - before.filter((r) => r === 'Timeout').length, 1);
  await until('all wake-ups', () => arrivals.length === 52, 5000);
  assert.deepEqual(arrivals.slice(0, 2).map((a) => a.at), [t0 + 30, t0 + 1000]);
  // The replacing timer really was armed for +30: its wake-up came long before +1000.
  assert.ok(arrivals[0]!.seenAt < t0 + 1000, `first wake-up seen at +${arrivals[0]!.seenAt - t0} ms`);
  // Every timer armed fired, except the one the earlier deadline replaced; none is left.
  assert.ok(d.counters.get('timer-fired') <= 52, `fired ${d.counters.get('timer-fired')}`);
  assert.equal(d.counters.get('timer-armed'), d.counters.get('timer-fired') + 1);
  assert.equal(d.engine.pollTimeout(), undefined);
  await d.close();
  assert.deepEqual(resources(), before);
});

test('garbled, unknown and poisoned datagrams never crash; later traffic still flows', async () => {
  const before = resources();
  const p = await echoPair();
  const raw = dgram.createSocket('udp4');
  await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
  const send = (bytes: number[]) => new Promise<void>((r) => raw.send(new Uint8Array(bytes), p.bAddr.port, '127.0.0.1', () => r()));
  await send([]); // empty
  await send([0xff, 1]); // RFC 7983 unknown
  await send([128, 0]); // RTP: a known kind the driver was not asked to pass
  await send([POISON, 9]); // the engine throws
  await send([20, 1]); // DTLS: passes, engine ignores it
  await until('all five seen', () => p.b.counters.get('received') === 5);
  assert.equal(p.db.counters.get('dropped-unknown'), 2);
  assert.equal(p.db.counters.get('dropped-kind'), 1);
  assert.equal(p.db.counters.get('engine-error'), 1);
  assert.equal(p.errors.length, 1);
  assert.match(String(p.errors[0]), /poisoned/);
  p.da.input({ type: 'send', to: p.bAddr, data: new Uint8Array([PING, 7]) });
  await until('pong after garbage', () => p.events.length === 1);
  // A transmit Node would refuse (port 0) is counted, not thrown.
  p.da.input({ type: 'send', to: transportAddress('127.0.0.1', 0), data: new Uint8Array([PING]) });
  assert.equal(p.a.counters.get('send-error'), 1);
  // No destination, or a `from` we have no socket for.
  assert.equal(p.a.send({ type: 'transmit', data: new Uint8Array(1) }), false);
  assert.equal(p.a.send({ type: 'transmit', data: new Uint8Array(1), from: transportAddress('127.0.0.2', 1), to: p.bAddr }), false);
  // A family the socket cannot reach, and a host name (sansrtc only sends to IP literals).
  assert.equal(p.a.send({ type: 'transmit', data: new Uint8Array(1), from: p.aAddr, to: transportAddress('::1', 9) }), false);
  assert.equal(p.a.counters.get('no-destination'), 1);
  assert.equal(p.a.counters.get('no-socket'), 2);
  p.a.send({ type: 'transmit', data: new Uint8Array(1), to: { family: 'IPv4', address: 'example.invalid', port: 9 } });
  await until('host name refused', () => p.a.counters.get('socket-error') === 1);
  await new Promise<void>((r) => raw.close(() => r()));
  await Promise.all([p.da.close(), p.db.close()]);
  assert.deepEqual(resources(), before);
});

test('commands from inside an event callback run after the current drain, in order', async () => {
  const sockets = await UdpSockets.bind({ addresses: ['127.0.0.1'] });
  const seen: number[] = [];
  const errors: unknown[] = [];
  const d: EngineDriver<EchoCommand, EchoEvent> = new EngineDriver<EchoCommand, EchoEvent>({
    engine: new EchoEngine(),
    transport: sockets,
    onEvent: (e) => {
      if (e.type !== 'n') return;
      seen.push(e.n);
      if (e.n < 3) d.input({ type: 'echo-event', n: e.n + 1 });
      if (e.n === 3) throw new Error('callback bug');
    },
    onError: (e) => errors.push(e),
  });
  d.input({ type: 'echo-event', n: 0 });
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.equal(errors.length, 1); // a throwing callback is reported, the drain goes on
  await d.close();
});

test('an engine that throws on a command: the caller gets the error, queued outputs still go out', async () => {
  const sockets = await UdpSockets.bind({ addresses: ['127.0.0.1'] });
  const seen: EchoEvent[] = [];
  const d = new EngineDriver<EchoCommand, EchoEvent>({ engine: new EchoEngine(), transport: sockets, onEvent: (e) => seen.push(e) });
  assert.throws(() => d.input({ type: 'explode' }), /refused command/);
  assert.deepEqual(seen, [{ type: 'n', n: -1 }]);
  d.input({ type: 'echo-event', n: 5 }); // still usable
  assert.deepEqual(seen[1], { type: 'n', n: 5 });
  assert.equal(d.counters.get('engine-error'), 0); // command errors belong to the caller
  await d.close();
});

test('unref\'d sockets do not keep the process alive', async () => {
  const before = resources();
  const s = await UdpSockets.bind({ addresses: ['127.0.0.1'], ref: false });
  assert.deepEqual(resources(), before);
  await s.close();
});

test('bind reports addresses that fail and rejects when none binds', async () => {
  const s = await UdpSockets.bind({ addresses: ['127.0.0.1', '192.0.2.123'] });
  assert.equal(s.localAddresses.length, 1);
  assert.equal(s.bindFailures.length, 1);
  assert.equal(s.bindFailures[0]!.address, '192.0.2.123');
  await s.close();
  await assert.rejects(UdpSockets.bind({ addresses: ['192.0.2.123'] }));
  await assert.rejects(UdpSockets.bind({ addresses: [] }), RangeError);
});

test('listInterfaces filters loopback, link-local IPv6, families and by predicate', () => {
  const table = {
    lo: [
      { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: null },
      { address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', family: 'IPv6', mac: '', internal: true, cidr: null, scopeid: 0 },
    ],
    eth0: [
      { address: '10.0.0.5', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: null },
      { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '', internal: false, cidr: null, scopeid: 2 },
      { address: '2001:db8::5', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '', internal: false, cidr: null, scopeid: 0 },
    ],
    docker0: [{ address: '172.17.0.1', netmask: '255.255.0.0', family: 'IPv4', mac: '', internal: false, cidr: null }],
  } as unknown as NonNullable<Parameters<typeof listInterfaces>[0]>['table'];
  const addrs = (o: Parameters<typeof listInterfaces>[0]) => listInterfaces({ table, ...o }).map((i) => i.address);
  assert.deepEqual(addrs({}), ['10.0.0.5', '2001:db8::5', '172.17.0.1']);
  assert.deepEqual(addrs({ includeLoopback: true, families: ['IPv4'] }), ['127.0.0.1', '10.0.0.5', '172.17.0.1']);
  assert.deepEqual(addrs({ includeLinkLocal: true, families: ['IPv6'] }), ['fe80::1%eth0', '2001:db8::5']);
  assert.deepEqual(addrs({ filter: (name) => !name.startsWith('docker') }), ['10.0.0.5', '2001:db8::5']);
  assert.equal(listInterfaces({ table, families: ['IPv4'] })[0]!.cidr, undefined);
  // The real table: whatever it holds, loopback only appears when asked.
  assert.ok(listInterfaces().every((i) => !i.internal));
  assert.ok(listInterfaces({ includeLoopback: true }).some((i) => i.address === '127.0.0.1'));
});

test('LinkFilter accepts senders in a chosen subnet or IPv6 link-local, nothing else', () => {
  const f = new LinkFilter([
    { name: 'eth0', family: 'IPv4', address: '10.99.0.2', internal: false, cidr: '10.99.0.2/24' },
    { name: 'eth0', family: 'IPv6', address: 'fd99::2', internal: false, cidr: 'fd99::2/64' },
  ]);
  const on = (a: string) => f.isOnLink(transportAddress(a, 5353));
  assert.equal(on('10.99.0.77'), true);
  assert.equal(on('10.99.1.1'), false);
  assert.equal(on('fd99::1'), true);
  assert.equal(on('fe80::1%eth0'), true);
  assert.equal(on('2001:db8::1'), false);
  // Without a subnet, a family cannot be checked and is accepted.
  const loose = new LinkFilter([{ name: 'x', family: 'IPv4', address: '192.0.2.1', internal: false }]);
  assert.equal(loose.isOnLink(transportAddress('198.51.100.1', 1)), true);
  assert.equal(loose.isOnLink(transportAddress('2001:db8::1', 1)), false);
  // The real table gives subnets.
  assert.ok(listInterfaces({ includeLoopback: true }).every((i) => i.cidr !== undefined));
});

test('SANSRTC_DEBUG enables namespaces with the console sink', () => {
  const log = logger('sansrtc:node-test');
  assert.equal(applyDebugEnv(''), false);
  assert.equal(log.enabled, false);
  assert.equal(applyDebugEnv('sansrtc:node-*'), true);
  assert.equal(log.enabled, true);
  assert.equal(logger('sansrtc:other').enabled, false);
  setLogNamespaces('');
  setLogSink(undefined);
  assert.equal(log.enabled, false);
});

test('call() runs an engine method with the time, then drains and re-arms', async () => {
  const p = await echoPair();
  const engine = p.da.engine as unknown as EchoEngine;
  const seen: number[] = [];
  const result = p.da.call((now) => {
    seen.push(now);
    engine.handleInput(now, { type: 'send', to: p.bAddr, from: p.aAddr, data: new Uint8Array([PING, 9]) });
    return 'done';
  });
  assert.equal(result, 'done');
  assert.equal(seen.length, 1);
  assert.equal(p.a.counters.get('sent'), 1, 'the transmit went out in the drain after the call');
  await until('pong', () => p.events.length === 1);
  await Promise.all([p.da.close(), p.db.close()]);
  assert.equal(p.da.call(() => 7), 7, 'after close it runs but drains nothing');
});

test('datagrams of one event-loop turn reach the engine at once and are drained together, later in the turn', async () => {
  const inputs: number[] = [];
  let polls = 0;
  const seenAtFirstPoll: number[] = [];
  const engine = {
    out: new OutputQueue<Transmit>(),
    handleInput(_now: Millis, input: Datagram) {
      inputs.push(input.data[1]!);
    },
    handleTimeout() {},
    pollOutput() {
      if (polls++ === 0) seenAtFirstPoll.push(inputs.length);
      return undefined;
    },
    pollTimeout: () => undefined,
  };
  let deliver: ((d: Datagram) => void) | undefined;
  const transport = { setReceiver: (r: ((d: Datagram) => void) | undefined) => (deliver = r), send: () => true, close: async () => {} };
  new EngineDriver<never, never>({ engine, transport });
  polls = 0; // the construction-time drain
  seenAtFirstPoll.length = 0;
  const from = transportAddress('127.0.0.1', 1);
  for (let i = 0; i < 3; i++) deliver!({ type: 'datagram', data: Uint8Array.of(0x01, i), from, to: from });
  assert.deepEqual(inputs, [0, 1, 2], 'each datagram is handled as it arrives');
  assert.equal(polls, 0, 'no drain yet');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seenAtFirstPoll, [3], 'one drain after all three');
});
