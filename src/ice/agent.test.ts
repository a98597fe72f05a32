import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../sim/index.js';
import { addPeer, connected, send, start, states } from './harness.testutil.js';

test('host-host on one LAN: checks, nomination, states and data', () => {
  const net = new Network({ seed: 1 });
  const ha = net.addHost('a', ['192.168.1.10']);
  const hb = net.addHost('b', ['192.168.1.20']);
  net.link(ha, hb, { delay: 5 });
  const a = addPeer(net, 'a', ha, { role: 'controlling' });
  const b = addPeer(net, 'b', hb, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.run({ for: 500 });
  assert.deepEqual(states(a), ['checking', 'connected', 'completed']);
  assert.deepEqual(states(b), ['checking', 'connected', 'completed']);
  const gathering = a.log.flatMap((e) => (e.event.type === 'gathering-state' ? [e.event.state] : []));
  assert.deepEqual(gathering, ['gathering', 'complete']);
  assert.equal(a.agent.selectedPair?.remote.address, '192.168.1.20');
  assert.equal(b.agent.selectedPair?.remote.address, '192.168.1.10');
  send(net, a, 'hello');
  send(net, b, 'world');
  net.run({ for: 100 });
  assert.deepEqual(a.received, ['world']);
  assert.deepEqual(b.received, ['hello']);
});
