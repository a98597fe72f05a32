import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from './network.js';
import type { NetworkOptions } from './types.js';
import { Echo, Probe } from './probe.fixture.js';

/** A lossy, jittery, duplicating, reordering, bandwidth-capped path through a NAT. */
function scenario(seed: number, trace?: NetworkOptions['trace']): Network {
  const net = new Network({ seed, ...(trace !== undefined ? { trace } : {}) });
  const nat = net.addNat({ type: 'port-restricted', publicAddress: '203.0.113.1' });
  const a = net.addHost('a', ['192.168.0.2'], { behind: nat });
  const internet = net.addRouter('internet');
  const b = net.addHost('b', ['198.51.100.7']);
  net.link(a, nat, { delay: 2, jitter: 1 });
  net.link(nat, internet, { delay: 20, jitter: 8, loss: 0.1, duplicate: 0.05, reorder: 0.1, bandwidth: 50_000, queue: 4000 });
  net.link(internet, b, { delay: 5, loss: { p: 0.05, r: 0.3 } });
  const probe = new Probe();
  const echo = net.attach(b, new Echo(), { port: 7 }).address;
  net.attach(a, probe, { port: 5000 });
  net.inject(probe, { type: 'stream', count: 400, interval: 3, size: 300, to: echo });
  net.run();
  return net;
}

test('the same seed gives the same trace, bit for bit', () => {
  const one = scenario(42);
  const two = scenario(42);
  assert.equal(one.traceHash(), two.traceHash());
  assert.deepEqual(one.trace, two.trace);
  assert.deepEqual(one.stats, two.stats);
  // The scenario exercised every effect it is meant to.
  for (const reason of ['loss', 'queue-full']) assert.ok(one.counters.get(`dropped:${reason}`) > 0, reason);
  assert.ok(one.stats.duplicated > 0);
  assert.ok(one.stats.delivered > 0);
  assert.match(one.traceHash(), /^[0-9a-f]{64}$/);
});

test('a different seed gives a different trace', () => {
  assert.notEqual(scenario(42).traceHash(), scenario(43).traceHash());
});

test('the hash covers entries beyond the kept trace, and tracing can be switched off', () => {
  const full = scenario(7);
  const small = scenario(7, { limit: 10 });
  assert.equal(small.trace.length, 10);
  assert.deepEqual(small.trace, full.trace.slice(-10));
  assert.equal(small.traceHash(), full.traceHash());
  const off = scenario(7, false);
  assert.equal(off.trace.length, 0);
  assert.deepEqual(off.stats, full.stats);
  assert.throws(() => off.traceHash(), /switched off/);
});

test('changing one link does not change the random choices of another', () => {
  const run = (lossAB: number) => {
    const net = new Network({ seed: 11 });
    const [a, b, c, d] = ['10.0.0.1', '10.0.0.2', '10.0.1.1', '10.0.1.2'].map((ip, i) => net.addHost(`h${i}`, [ip]));
    net.link(a!, b!, { delay: 5, loss: lossAB, jitter: 3 });
    net.link(c!, d!, { delay: 5, loss: 0.3, jitter: 3, duplicate: 0.1 });
    const pa = new Probe();
    const pc = new Probe();
    net.attach(a!, pa, { port: 1 });
    net.attach(c!, pc, { port: 1 });
    const tb = net.attach(b!, new Echo(), { port: 7 }).address;
    const td = net.attach(d!, new Echo(), { port: 7 }).address;
    net.inject(pa, { type: 'stream', count: 200, interval: 2, size: 50, to: tb });
    net.inject(pc, { type: 'stream', count: 200, interval: 2, size: 50, to: td });
    net.run();
    return net.trace.filter((e) => e.node === 'h2' || e.node === 'h3').map((e) => ({ ...e, id: 0, parent: 0 }));
  };
  const base = run(0);
  const changed = run(0.5);
  assert.ok(base.length > 400);
  assert.deepEqual(changed, base);
});

test('net.random() streams depend only on the seed and the order of calls', () => {
  const one = new Network({ seed: 5 });
  const two = new Network({ seed: 5 });
  two.link(two.addHost('x', ['10.0.0.1']), two.addHost('y', ['10.0.0.2']), { loss: 0.5 });
  two.addNat({ type: 'symmetric', publicAddress: '203.0.113.9' });
  const draw = (n: Network) => [n.random().u32(), n.random().u32()];
  assert.deepEqual(draw(one), draw(two));
  assert.notDeepEqual(draw(new Network({ seed: 5 })), draw(new Network({ seed: 6 })));
});
