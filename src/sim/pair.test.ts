import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress } from '../core/address.js';
import { Network } from './network.js';
import { connectPair } from './pair.js';
import { Echo, Probe } from './probe.fixture.js';

test('connectPair wires two engines that send to each other by default', () => {
  const net = new Network();
  const probe = new Probe();
  const echo = new Echo();
  const { hostA, hostB, link, a, b } = connectPair(net, probe, echo, { link: { delay: 7 } });
  assert.deepEqual([hostA.name, hostB.name], ['a', 'b']);
  assert.equal(link.forward.params.delay, 7);
  assert.deepEqual(a.address, transportAddress('10.0.0.1', 5000));
  assert.deepEqual(b.address, hostB.addr(5000));
  net.inject(probe, { type: 'send', seq: 3 });
  net.run();
  assert.deepEqual(b.events(), [{ time: 7, event: { type: 'echoed', seq: 3 } }]);
  assert.deepEqual(a.events().map((e) => [e.time, e.event.seq, e.event.from]), [[14, 3, b.address]]);
});

test('connectPair takes addresses, names and a port', () => {
  const net = new Network();
  const { a, b } = connectPair(net, new Probe(), new Echo(), {
    addresses: ['2001:db8::1', '2001:db8::2'],
    names: ['left', 'right'],
    port: 9,
  });
  assert.deepEqual(a.address, transportAddress('2001:db8::1', 9));
  assert.deepEqual(b.address, transportAddress('2001:db8::2', 9));
  assert.ok(net.node('left') && net.node('right'));
});
