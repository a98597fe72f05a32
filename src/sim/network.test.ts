import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress } from '../core/address.js';
import { OutputQueue, type Datagram, type Engine, type Transmit } from '../core/engine.js';
import type { Millis } from '../core/time.js';
import { MAX_HOPS } from './constants.js';
import { Network } from './network.js';
import type { Node } from './topology.js';
import { formatTrace } from './trace.js';
import { Echo, numbered, Probe } from './probe.fixture.js';

function pair(linkOptions = {}) {
  const net = new Network({ seed: 1 });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  const link = net.link(a, b, { delay: 50, ...linkOptions });
  const probe = new Probe();
  const echo = new Echo();
  net.attach(a, probe, { port: 5000 });
  net.attach(b, echo, { port: 7 });
  return { net, a, b, link, probe, echo };
}

const ECHO = transportAddress('10.0.0.2', 7);

test('an echo round trip takes two one-way delays and is traced', () => {
  const { net, probe, echo } = pair();
  net.inject(probe, { type: 'send', seq: 9, to: ECHO });
  net.run();
  assert.equal(net.now, 100);
  assert.deepEqual(net.events(echo), [{ time: 50, event: { type: 'echoed', seq: 9 } }]);
  const got = net.events(probe);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.time, 100);
  assert.deepEqual(got[0]!.event, {
    type: 'received',
    seq: 9,
    size: 4,
    from: ECHO,
    to: transportAddress('10.0.0.1', 5000),
  });
  assert.deepEqual(
    net.trace.map((e) => [e.time, e.kind, e.node, e.from.address, e.to.address]),
    [
      [0, 'sent', 'a', '10.0.0.1', '10.0.0.2'],
      [50, 'delivered', 'b', '10.0.0.1', '10.0.0.2'],
      [50, 'sent', 'b', '10.0.0.2', '10.0.0.1'],
      [100, 'delivered', 'a', '10.0.0.2', '10.0.0.1'],
    ],
  );
  assert.deepEqual(net.stats, { sent: 2, delivered: 2, dropped: 0, duplicated: 0, inFlight: 0 });
});

test('the network copies transmitted data (engines may reuse buffers)', () => {
  const { net, probe } = pair();
  net.inject(probe, { type: 'stream', count: 3, interval: 0, size: 8 });
  // The stream has no destination: every transmit is refused and counted.
  assert.equal(net.engineCounters(probe).get('transmit-no-destination'), 3);
  net.inject(probe, { type: 'send', seq: 1, to: ECHO });
  net.inject(probe, { type: 'send', seq: 2, to: ECHO });
  net.run();
  assert.deepEqual(
    net.events(probe).map((e) => e.event.seq),
    [1, 2],
  );
});

test('defaultPeer addresses transmits without `to`; the source is the bound socket', () => {
  const net = new Network();
  const a = net.addHost('a', ['10.0.0.1', '2001:db8::1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 5 });
  const sender = new Probe();
  const receiver = new Probe();
  const rx = net.attach(b, receiver, { port: 6000 });
  net.attach(a, sender, { port: 5000, defaultPeer: rx.address });
  net.inject(sender, { type: 'send', seq: 1 });
  net.run();
  const [e] = net.events(receiver);
  assert.deepEqual(e!.event.from, transportAddress('10.0.0.1', 5000));
  assert.deepEqual(e!.event.to, transportAddress('10.0.0.2', 6000));
  assert.equal(e!.time, 5);
});

test('an engine bound on several ports and hosts sends from the socket it names', () => {
  const net = new Network();
  const h1 = net.addHost('h1', ['10.0.0.1']);
  const h2 = net.addHost('h2', ['10.0.1.1']);
  const r = net.addRouter('r');
  const peer = net.addHost('peer', ['10.0.2.1']);
  net.link(h1, r, { delay: 1 });
  net.link(h2, r, { delay: 2 });
  net.link(peer, r, { delay: 3 });
  const agent = new Probe();
  const first = net.attach(h1, agent, { ports: [5000, 5001] });
  const second = net.attach(h2, agent, { port: 6000 });
  assert.deepEqual(first.addresses, [transportAddress('10.0.0.1', 5000), transportAddress('10.0.0.1', 5001)]);
  assert.deepEqual(second.address, transportAddress('10.0.1.1', 6000));
  const echo = new Echo();
  const server = net.attach(peer, echo, { port: 7 }).address;
  net.inject(agent, { type: 'send', seq: 1, to: server, from: transportAddress('10.0.0.1', 5001) });
  net.inject(agent, { type: 'send', seq: 2, to: server, from: transportAddress('10.0.1.1', 6000) });
  net.inject(agent, { type: 'send', seq: 3, to: server, from: transportAddress('10.0.1.1', 5000) });
  net.run();
  assert.equal(net.engineCounters(agent).get('transmit-unbound-source'), 1);
  const got = net.events(agent).map((e) => [e.time, e.event.seq, e.event.to.address, e.event.to.port]);
  assert.deepEqual(got, [
    [8, 1, '10.0.0.1', 5001],
    [10, 2, '10.0.1.1', 6000],
  ]);
});

test('packets cross routers hop by hop and delays add up', () => {
  const net = new Network();
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.9.0.1']);
  const r1 = net.addRouter('r1');
  const r2 = net.addRouter('r2');
  const r3 = net.addRouter('r3');
  net.link(a, r1, { delay: 1 });
  net.link(r1, r2, { delay: 10 });
  net.link(r2, b, { delay: 100 });
  // A longer detour that shortest-path routing must not take.
  net.link(r1, r3, { delay: 1 });
  net.link(r3, r2, { delay: 1 });
  const probe = new Probe();
  net.attach(a, probe, { port: 1 });
  net.attach(b, new Echo(), { port: 7 });
  net.inject(probe, { type: 'send', seq: 1, to: transportAddress('10.9.0.1', 7) });
  net.run();
  assert.deepEqual(
    net.events(probe).map((e) => e.time),
    [222],
  );
});

test('undeliverable packets are dropped and counted by reason', () => {
  const net = new Network();
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  const island = net.addHost('island', ['10.0.0.3']);
  const v6 = net.addHost('v6', ['2001:db8::2']);
  net.link(a, b);
  const probe = new Probe();
  net.attach(a, probe, { port: 1 });
  net.attach(island, new Echo(), { port: 7 });
  net.attach(v6, new Echo(), { port: 7 });
  net.inject(probe, { type: 'send', seq: 1, to: transportAddress('192.0.2.1', 7) }); // nobody
  net.inject(probe, { type: 'send', seq: 2, to: transportAddress('10.0.0.3', 7) }); // no link
  net.inject(probe, { type: 'send', seq: 3, to: transportAddress('10.0.0.2', 9) }); // nothing bound
  net.inject(probe, { type: 'send', seq: 4, to: transportAddress('2001:db8::2', 7) }); // v4 -> v6
  net.run();
  assert.equal(net.counters.get('dropped:no-route'), 2);
  assert.equal(net.counters.get('dropped:port-unreachable'), 1);
  assert.equal(net.counters.get('dropped:family-mismatch'), 1);
  assert.deepEqual(net.stats, { sent: 4, delivered: 0, dropped: 4, duplicated: 0, inFlight: 0 });
  assert.deepEqual(
    net.trace.filter((e) => e.kind === 'dropped').map((e) => e.reason),
    // family-mismatch is found at the sender; port-unreachable only on arrival.
    ['no-route', 'no-route', 'family-mismatch', 'port-unreachable'],
  );
});

test('IPv6 hosts talk, and a host reaches its own sockets without a link', () => {
  const net = new Network();
  const a = net.addHost('a', ['2001:db8::1']);
  const b = net.addHost('b', ['2001:db8::2']);
  net.link(a, b, { delay: 3 });
  const probe = new Probe();
  net.attach(a, probe, { port: 1 });
  net.attach(a, new Echo(), { port: 7 });
  net.attach(b, new Echo(), { port: 7 });
  net.inject(probe, { type: 'send', seq: 1, to: transportAddress('2001:db8::2', 7) });
  net.inject(probe, { type: 'send', seq: 2, to: transportAddress('2001:db8::1', 7) });
  net.run();
  assert.deepEqual(
    net.events(probe).map((e) => [e.time, e.event.seq, e.event.from.family]),
    [
      [0, 2, 'IPv6'],
      [6, 1, 'IPv6'],
    ],
  );
});

test('run stops at the deadline; runUntil stops when the predicate holds', () => {
  const { net, probe } = pair();
  net.inject(probe, { type: 'stream', count: 10, interval: 100, size: 4, to: ECHO });
  assert.equal(net.now, 0);
  net.run({ until: 250 });
  assert.equal(net.now, 250);
  assert.deepEqual(net.events(probe).map((e) => e.time), [100, 200]);
  net.run({ for: 50 });
  assert.equal(net.now, 300);
  const done = net.runUntil(() => net.events(probe).length >= 5);
  assert.equal(done, true);
  assert.equal(net.now, 500);
  assert.equal(net.runUntil(() => false, { timeout: 1000 }), false);
  assert.equal(net.now, 1500);
  assert.equal(net.events(probe).length, 10);
  net.run();
  assert.equal(net.now, 1500, 'an idle run leaves the clock where it is');
});

test('run without a deadline stays at the last event time; run until the past is refused', () => {
  const { net, probe } = pair();
  net.inject(probe, { type: 'send', seq: 1, to: ECHO });
  net.run();
  assert.equal(net.now, 100);
  assert.throws(() => net.run({ until: 50 }), RangeError);
  assert.throws(() => net.at(10, () => {}), RangeError);
});

test('scheduled actions run at their time, in order, and can cut and restore links', () => {
  const { net, probe, link } = pair();
  const seen: Millis[] = [];
  net.at(120, () => seen.push(net.now));
  net.at(120, () => link.cut());
  net.at(400, () => link.restore());
  net.after(99, () => seen.push(net.now));
  net.inject(probe, { type: 'stream', count: 6, interval: 100, size: 4, to: ECHO });
  net.run();
  assert.deepEqual(seen, [99, 120]);
  // Sent at 0 -> back at 100. Sent at 100: reaches b at 150 but its echo is cut (in flight at 120? no, the
  // outbound packet is in flight at 120 and is lost). 200, 300: link down. 400, 500: fine.
  assert.deepEqual(
    net.events(probe).map((e) => e.event.seq),
    [0, 4, 5],
  );
  assert.equal(net.counters.get('dropped:link-down'), 3);
  assert.equal(link.forward.counters.get('dropped:link-down'), 2);
  assert.equal(net.stats.inFlight, 0);
});

test('link parameters can change mid-run, per direction', () => {
  const { net, probe, link } = pair();
  net.at(151, () => link.backward.update({ delay: 500 }));
  net.inject(probe, { type: 'stream', count: 3, interval: 100, size: 4, to: ECHO });
  net.run();
  // Echoes leave b at 50, 150, 250: the first two with 50 ms back, the last with 500 ms.
  assert.deepEqual(
    net.events(probe).map((e) => e.time),
    [100, 200, 750],
  );
  assert.throws(() => link.update({ loss: 2 }), RangeError);
});

test('per-direction link options override the shared ones', () => {
  const net = new Network();
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  const link = net.link(a, b, { delay: 10, forward: { delay: 30 }, backward: { loss: 1 } });
  assert.equal(link.forward.params.delay, 30);
  assert.equal(link.backward.params.delay, 10);
  assert.equal(link.forward.params.loss, 0);
  assert.equal(link.backward.params.loss, 1);
});

test('events are bounded per engine and also go to onEvent', () => {
  const net = new Network({ eventLimit: 3 });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 1 });
  const probe = new Probe();
  const seen: number[] = [];
  net.attach(a, probe, { port: 1, onEvent: (e, time) => seen.push(e.type === 'received' ? e.seq * 1000 + time : -1) });
  net.attach(b, new Echo(), { port: 7 });
  net.inject(probe, { type: 'stream', count: 5, interval: 10, size: 4, to: transportAddress('10.0.0.2', 7) });
  net.run();
  assert.deepEqual(seen, [2, 1012, 2022, 3032, 4042]);
  assert.deepEqual(net.events(probe).map((e) => e.event.seq), [2, 3, 4]);
  assert.equal(net.engineCounters(probe).get('events-discarded'), 2);
});

test('a detached engine gets nothing more and its timer stops', () => {
  const { net, probe, echo } = pair();
  net.inject(probe, { type: 'stream', count: 10, interval: 100, size: 4, to: ECHO });
  net.at(320, () => net.detach(echo));
  net.run();
  assert.deepEqual(net.events(echo).map((e) => e.event.seq), [0, 1, 2]);
  assert.equal(net.counters.get('dropped:port-unreachable'), 7);
  assert.throws(() => net.inject(echo, { type: 'datagram', data: new Uint8Array(1), from: ECHO, to: ECHO }));
});

test('binding a port twice is refused, ephemeral ports are assigned', () => {
  const net = new Network();
  const a = net.addHost('a', ['10.0.0.1', '10.0.0.9']);
  net.attach(a, new Echo(), { port: 7, address: '10.0.0.9' });
  assert.throws(() => net.attach(a, new Echo(), { port: 7 }), /already bound/);
  net.attach(a, new Echo(), { port: 7, address: '10.0.0.1' });
  assert.deepEqual(net.attach(a, new Echo()).address, transportAddress('10.0.0.1', 49152));
  assert.deepEqual(net.attach(a, new Echo()).address, transportAddress('10.0.0.1', 49153));
  assert.throws(() => net.attach(a, new Echo(), { address: '10.0.0.7' }), RangeError);
  assert.throws(() => net.addHost('a', ['10.0.0.5']), /exists/);
  assert.throws(() => net.addHost('c', ['10.0.0.1']), /already used/);
  assert.throws(() => net.addHost('d', ['not-an-ip']), RangeError);
  // A refused call changes nothing.
  assert.throws(() => net.attach(a, new Echo(), { ports: [8000, 8000] }), /already bound/);
  assert.throws(() => net.attach(a, new Echo(), { ports: [8001, 7] }), /already bound/);
  net.attach(a, new Echo(), { ports: [8000, 8001] });
  assert.throws(() => net.addHost('e', ['10.0.0.5', '10.0.0.1']), /already used/);
  assert.equal(net.node('e'), undefined);
  net.addHost('e', ['10.0.0.5']);
});

/** An engine that always wants to be woken now: the simulator must not hang on it. */
class Spinner implements Engine<Datagram, Transmit> {
  wakes = 0;
  handleInput(): void {}
  handleTimeout(): void {
    this.wakes++;
  }
  pollOutput(): Transmit | undefined {
    return undefined;
  }
  pollTimeout(): Millis | undefined {
    return 0;
  }
}

/** An engine that wants to be woken every millisecond forever. */
class Ticker implements Engine<Datagram, Transmit> {
  private next = 1;
  handleInput(): void {}
  handleTimeout(now: Millis): void {
    this.next = now + 1;
  }
  pollOutput(): Transmit | undefined {
    return undefined;
  }
  pollTimeout(): Millis | undefined {
    return this.next;
  }
}

test('a stuck engine makes run throw instead of hanging', () => {
  const net = new Network();
  const spinner = new Spinner();
  net.run({ until: 10 });
  net.attach(net.addHost('a', ['10.0.0.1']), spinner, { port: 1 });
  assert.throws(() => net.run(), /sim-engine-stuck|woken/);
  assert.equal(spinner.wakes, 1000);
  assert.ok(net.engineCounters(spinner).get('timer-in-past') > 0);
});

test('maxSteps bounds a run that never goes idle', () => {
  const net = new Network({ maxSteps: 500 });
  net.attach(net.addHost('a', ['10.0.0.1']), new Ticker(), { port: 1 });
  assert.throws(() => net.run(), /more than 500 events/);
  assert.equal(net.run({ until: net.now + 100, maxSteps: 1000 }), 100);
});

/** Emits one event at construction, to check that attach drains pending output. */
class Greeter implements Engine<Datagram, Transmit | { readonly type: 'hello' }> {
  private readonly out = new OutputQueue<Transmit | { readonly type: 'hello' }>();
  constructor() {
    this.out.push({ type: 'hello' });
  }
  handleInput(): void {}
  handleTimeout(): void {}
  pollOutput(): Transmit | { readonly type: 'hello' } | undefined {
    return this.out.shift();
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

test('attach drains output an engine queued before it was attached', () => {
  const net = new Network();
  const g = new Greeter();
  net.attach(net.addHost('a', ['10.0.0.1']), g);
  assert.deepEqual(net.events(g), [{ time: 0, event: { type: 'hello' } }]);
});

test('received data is what was sent', () => {
  const net = new Network();
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b);
  const got: Datagram[] = [];
  const sink: Engine<Datagram, Transmit> = {
    handleInput: (_now, d) => void got.push(d),
    handleTimeout: () => {},
    pollOutput: () => undefined,
    pollTimeout: () => undefined,
  };
  const probe = new Probe();
  net.attach(a, probe, { port: 1 });
  net.attach(b, sink, { port: 2 });
  net.inject(probe, { type: 'send', seq: 77, size: 100, to: transportAddress('10.0.0.2', 2) });
  net.inject(probe, { type: 'send', seq: 78, size: 100, to: transportAddress('10.0.0.2', 2) });
  net.run();
  assert.equal(got.length, 2);
  for (const [i, d] of got.entries()) {
    assert.equal(d.data.length, 100);
    for (let j = 4; j < 100; j++) assert.equal(d.data[j], (77 + i + j) & 0xff);
  }
});

/** Pushes its deadline 10 s past every input, like an idle timer. */
class IdleTimer implements Engine<Datagram | { readonly type: 'poke' }, Transmit> {
  private deadline: Millis | undefined;
  fired = 0;
  handleInput(now: Millis): void {
    this.deadline = now + 10_000;
  }
  handleTimeout(now: Millis): void {
    if (this.deadline !== undefined && now >= this.deadline) {
      this.fired++;
      this.deadline = undefined;
    }
  }
  pollOutput(): Transmit | undefined {
    return undefined;
  }
  pollTimeout(): Millis | undefined {
    return this.deadline;
  }
}

test('superseded timers do not pile up in the event queue', () => {
  const net = new Network();
  const idle = new IdleTimer();
  net.attach(net.addHost('a', ['10.0.0.1']), idle, { port: 1 });
  let peak = 0;
  for (let i = 0; i < 50_000; i++) {
    net.inject(idle, { type: 'poke' });
    net.run({ for: 1 });
    peak = Math.max(peak, net.pendingEvents);
  }
  assert.ok(peak <= 2 * 4096 + 2, `peak ${peak}`);
  assert.equal(idle.fired, 0);
  net.run();
  assert.equal(idle.fired, 1);
  assert.equal(net.now, 49_999 + 10_000);
  assert.equal(net.pendingEvents, 0);
});

test('IPv6 addresses match whatever their spelling', () => {
  const net = new Network();
  const a = net.addHost('a', ['2001:DB8:0::1']);
  const b = net.addHost('b', ['2001:db8:0:0:0:0:0:2']);
  assert.deepEqual(b.addresses, ['2001:db8::2']);
  net.link(a, b);
  const probe = new Probe();
  const rx = new Probe();
  net.attach(a, probe, { port: 1, address: '2001:0db8::1' });
  net.attach(b, rx, { port: 2 });
  net.inject(probe, { type: 'send', seq: 1, to: transportAddress('2001:0DB8::0002', 2) });
  net.run();
  const [e] = net.events(rx);
  assert.deepEqual(e!.event.from, transportAddress('2001:db8::1', 1));
  assert.deepEqual(e!.event.to, transportAddress('2001:db8::2', 2));
});

test('runUntilEvent stops at the first matching event from now on', () => {
  const { net, probe } = pair();
  net.inject(probe, { type: 'stream', count: 10, interval: 100, size: 4, to: ECHO });
  const third = net.runUntilEvent(probe, (e) => e.seq === 2);
  assert.deepEqual(third && [third.time, third.event.seq, net.now], [300, 2, 300]);
  // seq 0..2 were before: only later events count.
  assert.equal(net.runUntilEvent(probe, (e) => e.seq === 1, { timeout: 5000 }), undefined);
  assert.equal(net.now, 5300);
  const events = net.events(probe);
  assert.equal(events, net.events(probe), 'the snapshot is reused while nothing changes');
  assert.equal(events.length, 10);
});

test('a path longer than the hop limit drops the packet as ttl-exceeded', () => {
  const build = (routers: number) => {
    const net = new Network();
    const a = net.addHost('a', ['10.0.0.1']);
    const b = net.addHost('b', ['10.0.0.2']);
    let prev: Node = a;
    for (let i = 0; i < routers; i++) {
      const r = net.addRouter(`r${i}`);
      net.link(prev, r);
      prev = r;
    }
    net.link(prev, b);
    const probe = new Probe();
    net.attach(a, probe, { port: 1 });
    const rx = new Probe();
    net.attach(b, rx, { port: 2 });
    net.inject(probe, { type: 'send', seq: 1, to: transportAddress('10.0.0.2', 2) });
    net.run();
    return { net, received: net.events(rx).length };
  };
  // MAX_HOPS links: MAX_HOPS - 1 routers.
  assert.equal(build(MAX_HOPS - 1).received, 1);
  const long = build(MAX_HOPS);
  assert.equal(long.received, 0);
  assert.equal(long.net.counters.get('dropped:ttl-exceeded'), 1);
});

test('formatTrace prints one readable line per entry', () => {
  const { net, probe } = pair({ duplicate: 1 });
  net.inject(probe, { type: 'send', seq: 1, to: transportAddress('10.0.0.9', 7) });
  net.inject(probe, { type: 'send', seq: 2, size: 10, to: ECHO });
  net.run({ until: 50 });
  assert.equal(
    formatTrace(net.trace),
    [
      '     0.000 sent       a          10.0.0.1:5000 -> 10.0.0.9:7  4 B #1',
      '     0.000 dropped    a          10.0.0.1:5000 -> 10.0.0.9:7  4 B #1 no-route',
      '     0.000 sent       a          10.0.0.1:5000 -> 10.0.0.2:7  10 B #2',
      '     0.000 duplicated a          10.0.0.1:5000 -> 10.0.0.2:7  10 B #3 copy of #2',
      '    50.000 delivered  b          10.0.0.1:5000 -> 10.0.0.2:7  10 B #2',
      '    50.000 sent       b          10.0.0.2:7 -> 10.0.0.1:5000  10 B #4',
      '    50.000 duplicated b          10.0.0.2:7 -> 10.0.0.1:5000  10 B #5 copy of #4',
      '    50.000 delivered  b          10.0.0.1:5000 -> 10.0.0.2:7  10 B #3',
      '    50.000 sent       b          10.0.0.2:7 -> 10.0.0.1:5000  10 B #6',
      '    50.000 duplicated b          10.0.0.2:7 -> 10.0.0.1:5000  10 B #7 copy of #6',
    ].join('\n'),
  );
});

test('non-finite times are refused up front', () => {
  const { net, a, b, link } = pair();
  assert.throws(() => net.link(a, b, { delay: Infinity }), RangeError);
  assert.throws(() => link.update({ jitter: NaN }), RangeError);
  assert.throws(() => net.at(Infinity, () => {}), RangeError);
  assert.throws(() => net.at(NaN, () => {}), RangeError);
  assert.throws(() => net.run({ until: NaN }), RangeError);
  assert.throws(() => net.runUntil(() => false, { timeout: Infinity }), RangeError);
  const nan: Engine<Datagram, Transmit> = {
    handleInput: () => {},
    handleTimeout: () => {},
    pollOutput: () => undefined,
    pollTimeout: () => NaN,
  };
  assert.throws(() => net.attach(a, nan), /NaN/);
  // Infinity means no deadline.
  const never: Engine<Datagram, Transmit> = { ...nan, pollTimeout: () => Infinity };
  net.attach(b, never);
  assert.equal(net.nextEventTime, undefined);
});

test('an interceptor can drop or rewrite chosen packets', () => {
  const { net, probe, echo } = pair();
  const seen: number[] = [];
  net.intercept((p) => {
    seen.push(p.id);
    const seq = new DataView(p.data.buffer, p.data.byteOffset).getUint32(0);
    if (p.host === 'a' && seq === 1) return false;
    if (p.host === 'a' && seq === 2) return numbered(20, 8);
    return undefined;
  });
  for (const seq of [0, 1, 2]) net.inject(probe, { type: 'send', seq, to: ECHO });
  net.run();
  assert.deepEqual(net.events(echo).map((e) => e.event.seq), [0, 20]);
  assert.deepEqual(net.events(probe).map((e) => [e.event.seq, e.event.size]), [[0, 4], [20, 8]]);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.equal(net.counters.get('dropped:intercepted'), 1);
  assert.deepEqual(
    net.trace.filter((e) => e.kind === 'rewritten' || e.kind === 'dropped').map((e) => [e.kind, e.id, e.size]),
    [['dropped', 2, 4], ['rewritten', 3, 8]],
  );
  net.intercept(undefined);
  net.inject(probe, { type: 'send', seq: 1, to: ECHO });
  net.run();
  assert.equal(net.events(probe).at(-1)!.event.seq, 1);
});

test('a flood of packets overflows the bounded event queue loudly', () => {
  const net = new Network({ maxPendingEvents: 1000 });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 10 });
  const probe = new Probe();
  net.attach(a, probe, { port: 1 });
  net.inject(probe, { type: 'stream', count: 999, interval: 0, size: 4, to: transportAddress('10.0.0.2', 9) });
  assert.equal(net.pendingEvents, 999);
  assert.throws(() => net.inject(probe, { type: 'stream', count: 2, interval: 0, size: 4, to: transportAddress('10.0.0.2', 9) }), /sim-overflow|pending/);
});

test('an engine detached and attached elsewhere keeps its events and timer (a device that moved)', () => {
  const net = new Network();
  const wifi = net.addHost('wifi', ['192.0.2.10']);
  const cell = net.addHost('cell', ['198.51.100.20']);
  const server = net.addHost('server', ['203.0.113.5']);
  const internet = net.addRouter('internet');
  for (const h of [wifi, cell, server]) net.link(h, internet, { delay: 5 });
  const probe = new Probe();
  const echo = net.attach(server, new Echo(), { port: 7 }).address;
  net.attach(wifi, probe, { port: 4000 });
  net.inject(probe, { type: 'stream', count: 6, interval: 100, size: 4, to: echo });
  net.at(250, () => {
    net.detach(probe);
    net.attach(cell, probe, { port: 4000 });
  });
  net.run();
  assert.deepEqual(
    net.events(probe).map((e) => [e.event.seq, e.event.to.address]),
    [
      [0, '192.0.2.10'],
      [1, '192.0.2.10'],
      [2, '192.0.2.10'],
      [3, '198.51.100.20'],
      [4, '198.51.100.20'],
      [5, '198.51.100.20'],
    ],
  );
});
