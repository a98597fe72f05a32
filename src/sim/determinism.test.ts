import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, type NetworkOptions } from './network.js';
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
