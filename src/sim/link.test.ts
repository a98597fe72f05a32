import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress } from '../core/address.js';
import type { Datagram, Engine, Transmit } from '../core/engine.js';
import { SeededRandom } from '../core/random.js';
import { IPV4_UDP_OVERHEAD } from './constants.js';
import { DEFAULT_LINK_PARAMS, LinkDirection, resolveLinkParams, type LinkParams } from './link.js';
import { Network } from './network.js';
import { numbered, Probe } from './probe.fixture.js';

const N = 20_000;

function direction(p: Partial<LinkParams>, seed = 1): LinkDirection {
  return new LinkDirection(resolveLinkParams(DEFAULT_LINK_PARAMS, p), new SeededRandom(seed));
}

/** Within `k` standard deviations of a binomial(N, p) count. */
function assertRate(count: number, n: number, p: number, what: string, k = 4): void {
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(count - n * p) <= k * sd + 1, `${what}: ${count} of ${n}, expected ~${n * p}`);
}

test('Bernoulli loss drops the configured fraction', () => {
  for (const loss of [0, 0.01, 0.1, 0.5, 1]) {
    const d = direction({ loss });
    let lost = 0;
    for (let i = 0; i < N; i++) if (d.transmit(i, 100, 100, true) === 'loss') lost++;
    assertRate(lost, N, loss, `loss ${loss}`);
    assert.equal(d.counters.get('dropped:loss'), lost);
  }
});

test('Gilbert-Elliott loss averages p/(p+r) and comes in bursts of mean 1/r', () => {
  const p = 0.02;
  const r = 0.25;
  const d = direction({ loss: { p, r } });
  let lost = 0;
  let bursts = 0;
  let previousLost = false;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const isLost = d.transmit(i, 100, 100, true) === 'loss';
    if (isLost) lost++;
    if (isLost && !previousLost) bursts++;
    previousLost = isLost;
  }
  const expected = p / (p + r);
  assert.ok(Math.abs(lost / n - expected) < 0.01, `rate ${lost / n} vs ${expected}`);
  const meanBurst = lost / bursts;
  assert.ok(Math.abs(meanBurst - 1 / r) < 0.3, `mean burst ${meanBurst} vs ${1 / r}`);
});

test('Gilbert-Elliott with partial loss in each state averages the stationary mix', () => {
  const loss = { p: 0.1, r: 0.4, lossGood: 0.01, lossBad: 0.5 };
  const d = direction({ loss }, 9);
  const n = 100_000;
  let lost = 0;
  for (let i = 0; i < n; i++) if (d.transmit(i, 100, 100, true) === 'loss') lost++;
  const bad = loss.p / (loss.p + loss.r);
  const expected = (1 - bad) * loss.lossGood + bad * loss.lossBad;
  assert.ok(Math.abs(lost / n - expected) < 0.01, `rate ${lost / n} vs ${expected}`);
});

test('duplication and reordering happen at the configured rates', () => {
  const d = direction({ duplicate: 0.05, reorder: 0.1, delay: 10 });
  let dups = 0;
  let held = 0;
  for (let i = 0; i < N; i++) {
    assert.equal(d.transmit(i, 100, 100, true), undefined);
    if (!Number.isNaN(d.duplicateArrival)) dups++;
    if (d.arrival === i + 10 + d.params.reorderDelay) held++;
  }
  assertRate(dups, N, 0.05, 'duplicate');
  assertRate(held, N, 0.1, 'reorder');
  assert.equal(d.counters.get('duplicated'), dups);
  assert.equal(d.counters.get('reordered'), held);
});

test('jitter stays within bounds and never reorders by itself', () => {
  const d = direction({ delay: 30, jitter: 10 });
  let last = -Infinity;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < N; i++) {
    d.transmit(i * 2, 100, 100, true);
    const extra = d.arrival - i * 2;
    assert.ok(d.arrival >= last, 'FIFO');
    last = d.arrival;
    min = Math.min(min, extra);
    max = Math.max(max, extra);
  }
  assert.ok(min >= 20 && min < 21, `min delay ${min}`);
  assert.ok(max <= 40 + 20 && max > 39, `max delay ${max}`);
});

test('the MTU counts IP and UDP headers', () => {
  const d = direction({ mtu: 1500 });
  assert.equal(d.transmit(0, 1500, 1500, true), undefined);
  assert.equal(d.transmit(0, 1501, 1501, true), 'mtu');
  assert.equal(d.counters.get('dropped:mtu'), 1);

  const net = new Network();
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { mtu: 1200 });
  const probe = new Probe();
  const rx = new Probe();
  net.attach(a, probe, { port: 1 });
  const to = net.attach(b, rx, { port: 2 }).address;
  const fits = 1200 - IPV4_UDP_OVERHEAD;
  for (const size of [100, fits, fits + 1, 1200]) net.inject(probe, { type: 'send', seq: size, size, to });
  net.run();
  assert.deepEqual(net.events(rx).map((e) => e.event.size), [100, fits]);
  assert.equal(net.counters.get('dropped:mtu'), 2);
});

test('a bandwidth cap gives the expected goodput and serialization delay', () => {
  const net = new Network({ trace: false });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  const bandwidth = 125_000; // 1 Mbit/s
  const link = net.link(a, b, { delay: 10, bandwidth, queue: 20_000 });
  const sender = new Probe();
  const rx = new Probe();
  net.attach(a, sender, { port: 1 });
  const to = net.attach(b, rx, { port: 2 }).address;
  // Offer 2x the link rate for 10 s: 1000-byte payloads every 4 ms.
  net.inject(sender, { type: 'stream', count: 2500, interval: 4, size: 1000, to });
  const received: number[] = [];
  net.run();
  for (const e of net.events(rx)) received.push(e.time);
  const wire = 1000 + IPV4_UDP_OVERHEAD;
  const duration = (received.at(-1)! - received[0]!) / 1000;
  const goodput = ((received.length - 1) * wire) / duration;
  assert.ok(Math.abs(goodput - bandwidth) / bandwidth < 0.01, `goodput ${goodput} B/s`);
  // The first packet waits only for its own serialization.
  assert.equal(received[0], (wire * 1000) / bandwidth + 10);
  // Half the offered load is dropped at the queue.
  assert.ok(Math.abs(link.forward.counters.get('dropped:queue-full') / 2500 - 0.5) < 0.02);
  assert.equal(received.length + link.forward.counters.get('dropped:queue-full'), 2500);
});

test('the drop-tail queue holds at most `queue` bytes', () => {
  const d = direction({ bandwidth: 1000, queue: 3000 });
  // 1000-byte packets at t=0: one in the transmitter plus two queued fit, the fourth does not.
  assert.equal(d.transmit(0, 1000, 1000, true), undefined);
  assert.equal(d.transmit(0, 1000, 1000, true), undefined);
  assert.equal(d.transmit(0, 1000, 1000, true), undefined);
  assert.equal(d.backlog(0), 3000);
  assert.equal(d.transmit(0, 1000, 1000, true), 'queue-full');
  assert.equal(d.arrival, 3000);
  // One second later one packet has left: room for one more.
  assert.equal(d.backlog(1000), 2000);
  assert.equal(d.transmit(1000, 1000, 1000, true), undefined);
  assert.equal(d.arrival, 4000);
});

test('delay and jitter give arrival times in range through the network', () => {
  const net = new Network({ seed: 3 });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 40, jitter: 15 });
  const sender = new Probe();
  const rx = new Probe();
  net.attach(a, sender, { port: 1 });
  const to = net.attach(b, rx, { port: 2 }).address;
  // Packets 30 ms apart: jitter of +-15 ms cannot make one catch up with the one before.
  net.inject(sender, { type: 'stream', count: 2000, interval: 30, size: 10, to });
  net.run();
  const events = net.events(rx);
  assert.equal(events.length, 2000);
  let sum = 0;
  for (const e of events) {
    const oneWay = e.time - e.event.seq * 30;
    assert.ok(oneWay >= 25 && oneWay <= 55, `one-way ${oneWay}`);
    sum += oneWay;
  }
  assert.ok(Math.abs(sum / events.length - 40) < 1, `mean one-way ${sum / events.length}`);
});

test('through the network, reordering and duplication show up in what is received', () => {
  const net = new Network({ seed: 5, eventLimit: 2 * N });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 10, reorder: 0.1, duplicate: 0.02 });
  const sender = new Probe();
  const rx = new Probe();
  net.attach(a, sender, { port: 1 });
  const to = net.attach(b, rx, { port: 2 }).address;
  net.inject(sender, { type: 'stream', count: N, interval: 1, size: 10, to });
  net.run();
  const seqs = net.events(rx).map((e) => e.event.seq);
  // A held-back packet arrives after later ones: count packets that arrive after a higher seq.
  let late = 0;
  let highest = -1;
  const seen = new Set<number>();
  let dups = 0;
  for (const s of seqs) {
    if (seen.has(s)) {
      dups++;
      continue;
    }
    seen.add(s);
    if (s < highest) late++;
    highest = Math.max(highest, s);
  }
  assert.equal(seen.size, N);
  assertRate(late, N, 0.1, 'late arrivals');
  assertRate(dups, N, 0.02, 'duplicates');
  assert.equal(net.stats.duplicated, dups);
  assert.equal(net.trace.filter((e) => e.kind === 'duplicated').length, dups);
});

test('corruption flips exactly one payload bit in the configured fraction of packets', () => {
  const net = new Network({ seed: 8, eventLimit: N });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  const link = net.link(a, b, { corrupt: 0.05 });
  const got: Uint8Array[] = [];
  net.attach(b, {
    handleInput: (_now: number, d: Datagram) => void got.push(d.data.slice()),
    handleTimeout: () => {},
    pollOutput: () => undefined,
    pollTimeout: () => undefined,
  } as Engine<Datagram, Transmit>, { port: 2 });
  const sender = new Probe();
  net.attach(a, sender, { port: 1 });
  const n = 5000;
  net.inject(sender, { type: 'stream', count: n, interval: 1, size: 64, to: transportAddress('10.0.0.2', 2) });
  net.run();
  assert.equal(got.length, n);
  // The link keeps order, so packet i was numbered(i, 64) when it left.
  let damaged = 0;
  got.forEach((data, i) => {
    const sent = numbered(i, 64);
    let bits = 0;
    for (let j = 0; j < 64; j++) bits += popcount(data[j]! ^ sent[j]!);
    assert.ok(bits <= 1, `packet ${i} has ${bits} flipped bits`);
    damaged += bits;
  });
  assert.equal(damaged, link.forward.counters.get('corrupted'));
  assertRate(damaged, n, 0.05, 'corrupted');
  assert.equal(net.trace.filter((e) => e.kind === 'rewritten').length, damaged);
});

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
