import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../sim/index.js';
import type { NatType } from '../sim/index.js';
import { addPeer, addStunServer, connected, send, start } from './harness.fixture.js';
import type { Peer } from './harness.fixture.js';

interface NatWorld {
  net: Network;
  a: Peer;
  b: Peer;
}

/** Two hosts, each behind its own NAT, an Internet router and a STUN server. */
function natWorld(typeA: NatType, typeB: NatType, seed = 7): NatWorld {
  const net = new Network({ seed });
  const internet = net.addRouter('internet');
  const natA = net.addNat({ type: typeA, publicAddress: '203.0.113.1', name: 'natA' });
  const natB = net.addNat({ type: typeB, publicAddress: '198.51.100.1', name: 'natB' });
  const ha = net.addHost('a', ['10.0.0.2'], { behind: natA });
  const hb = net.addHost('b', ['10.1.0.2'], { behind: natB });
  const hs = net.addHost('stun', ['192.0.2.1']);
  net.link(ha, natA, { delay: 1 });
  net.link(hb, natB, { delay: 1 });
  net.link(natA, internet, { delay: 15 });
  net.link(natB, internet, { delay: 25 });
  net.link(hs, internet, { delay: 5 });
  const stun = addStunServer(net, hs);
  const a = addPeer(net, 'a', ha, { role: 'controlling', stunServers: [stun] });
  const b = addPeer(net, 'b', hb, { role: 'controlled', stunServers: [stun] });
  return { net, a, b };
}

function expectConnects(typeA: NatType, typeB: NatType, remoteTypeSeenByA: string[]): void {
  const { net, a, b } = natWorld(typeA, typeB);
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 10_000 }), `${typeA} x ${typeB} connects`);
  const sel = a.agent.selectedPair!;
  assert.ok(remoteTypeSeenByA.includes(sel.remote.type), `remote type ${sel.remote.type}`);
  assert.equal(sel.local.type, 'host');
  send(net, a, 'ping');
  send(net, b, 'pong');
  net.run({ for: 200 });
  assert.deepEqual(b.received, ['ping']);
  assert.deepEqual(a.received, ['pong']);
  const kinds = a.agent.stats().localCandidates.map((c) => c.type);
  assert.deepEqual(kinds, ['host', 'srflx']);
}

test('full-cone x full-cone connects through server-reflexive candidates', () => {
  expectConnects('full-cone', 'full-cone', ['srflx']);
});

test('port-restricted x port-restricted connects (hole punching by simultaneous checks)', () => {
  expectConnects('port-restricted', 'port-restricted', ['srflx']);
});

test('address-restricted x port-restricted connects', () => {
  expectConnects('address-restricted', 'port-restricted', ['srflx']);
});

test('full-cone x symmetric connects through a peer-reflexive candidate', () => {
  expectConnects('full-cone', 'symmetric', ['prflx']);
});

test('port-restricted x symmetric fails without a relay, at a bounded time', () => {
  const { net, a, b } = natWorld('port-restricted', 'symmetric');
  start(net, a, b);
  assert.ok(net.runUntil(() => a.agent.connectionState === 'failed' && b.agent.connectionState === 'failed', { timeout: 30_000 }));
  assert.ok(net.now < 20_000, `failed at ${net.now}`);
});
