import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../sim/index.js';
import { addPeer, connected, send, start, states, stateTime } from './harness.testutil.js';

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

test('Ta agreed through a=ice-pacing paces the nomination check; a valid pair can carry data before it', () => {
  const connectAt = (ta: number | undefined): { a: number; b: number; canSendBeforeConnected: boolean } => {
    const net = new Network({ seed: 2 });
    const ha = net.addHost('a', ['192.168.1.10']);
    const hb = net.addHost('b', ['192.168.1.20']);
    net.link(ha, hb, { delay: 1 });
    const a = addPeer(net, 'a', ha, { role: 'controlling' });
    const b = addPeer(net, 'b', hb, { role: 'controlled' });
    a.other = b;
    b.other = a;
    const extra = ta === undefined ? {} : { ta };
    net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials, ...extra });
    net.inject(b.agent, { type: 'set-remote-credentials', ...a.agent.localCredentials, ...extra });
    net.inject(a.agent, { type: 'gather' });
    net.inject(b.agent, { type: 'gather' });
    let canSendBeforeConnected = false;
    assert.ok(
      net.runUntil(
        () => {
          if (b.agent.canSend && !connected(b)) canSendBeforeConnected = true;
          return connected(a) && connected(b);
        },
        { timeout: 5000 },
      ),
    );
    return { a: stateTime(a, 'connected')!, b: stateTime(b, 'connected')!, canSendBeforeConnected };
  };
  const slow = connectAt(undefined); // RFC 8445 14.2 default, 50 ms
  const fast = connectAt(5);
  assert.ok(slow.b >= 50, `default Ta: the nomination check waits one Ta (connected at ${slow.b} ms)`);
  // Same run but for Ta: one Ta (45 ms) less before the nomination check.
  assert.ok(slow.b - fast.b >= 40, `Ta 5 ms: connected at ${fast.b} ms, ${slow.b} ms with 50`);
  assert.ok(slow.a - fast.a >= 40);
  assert.ok(slow.canSendBeforeConnected, 'the controlled agent has a valid pair before it is nominated');
});

test('the round-trip time of the pair in use is measured from its checks, and follows consent checks', () => {
  const net = new Network({ seed: 2 });
  const ha = net.addHost('a', ['192.168.1.10']);
  const hb = net.addHost('b', ['192.168.1.20']);
  const link = net.link(ha, hb, { delay: 20 });
  const a = addPeer(net, 'a', ha, { role: 'controlling' });
  const b = addPeer(net, 'b', hb, { role: 'controlled' });
  assert.equal(a.agent.roundTripTime, undefined);
  start(net, a, b);
  assert.ok(net.runUntil(() => a.agent.canSend && b.agent.canSend, { timeout: 5000 }));
  assert.equal(a.agent.roundTripTime, 40);
  assert.equal(b.agent.roundTripTime, 40);
  // Consent checks (RFC 7675, every ~5 s) measure it again on the selected pair.
  link.update({ delay: 50 });
  net.run({ for: 15_000 });
  assert.ok(connected(a) && connected(b));
  assert.equal(a.agent.roundTripTime, 100);
  assert.equal(b.agent.roundTripTime, 100);
});
