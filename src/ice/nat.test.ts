import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { transportAddress } from '../core/index.js';
import { Network } from '../sim/index.js';
import type { NatType } from '../sim/index.js';
import { TurnServer } from '../turn/index.js';
import { RELAY_ALLOCATE_TIMEOUT } from './constants.js';
import type { PeerOptions } from './harness.testutil.js';
import { addPeer, addStunServer, connected, send, start, timerSane } from './harness.testutil.js';
import type { Peer } from './harness.testutil.js';

interface NatWorld {
  net: Network;
  a: Peer;
  b: Peer;
}

const TURN = transportAddress('192.0.2.2', 3478);
const TURN_USER = { username: 'ice', password: 'relay-secret' };

/**
 * Two hosts, each behind its own NAT, an Internet router, a STUN server and (with `turn`)
 * a TURN server that both agents use.
 */
function natWorld(
  typeA: NatType,
  typeB: NatType,
  seed = 7,
  turn = false,
  extraA: PeerOptions = {},
  extraB: PeerOptions = {},
  mappingTimeout?: number,
): NatWorld {
  const net = new Network({ seed });
  const internet = net.addRouter('internet');
  const timeout = mappingTimeout === undefined ? {} : { mappingTimeout };
  const natA = net.addNat({ type: typeA, publicAddress: '203.0.113.1', name: 'natA', ...timeout });
  const natB = net.addNat({ type: typeB, publicAddress: '198.51.100.1', name: 'natB', ...timeout });
  const ha = net.addHost('a', ['10.0.0.2'], { behind: natA });
  const hb = net.addHost('b', ['10.1.0.2'], { behind: natB });
  const hs = net.addHost('stun', ['192.0.2.1']);
  net.link(ha, natA, { delay: 1 });
  net.link(hb, natB, { delay: 1 });
  net.link(natA, internet, { delay: 15 });
  net.link(natB, internet, { delay: 25 });
  net.link(hs, internet, { delay: 5 });
  const stun = addStunServer(net, hs);
  const turnServers = [];
  if (turn) {
    const ht = net.addHost('turn', [TURN.address]);
    net.link(ht, internet, { delay: 5 });
    const relayPorts = { min: 50000, max: 50007 };
    const server = new TurnServer({
      listen: TURN,
      realm: 'sim.test',
      users: { [TURN_USER.username]: TURN_USER.password },
      rng: net.random(),
      relayPorts,
    });
    net.attach(ht, server, { ports: [TURN.port, ...Array.from({ length: 8 }, (_, i) => relayPorts.min + i)] });
    turnServers.push({ server: TURN, ...TURN_USER });
  }
  const a = addPeer(net, 'a', ha, { role: 'controlling', stunServers: [stun], turnServers, ...extraA });
  const b = addPeer(net, 'b', hb, { role: 'controlled', stunServers: [stun], turnServers, ...extraB });
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
  net.run({ for: 30_000 });
  assert.ok(timerSane(net, a) && timerSane(net, b));
});

test('symmetric x symmetric connects through a TURN relay', () => {
  const { net, a, b } = natWorld('symmetric', 'symmetric', 7, true);
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 20_000 }), 'connects');
  const sa = a.agent.selectedPair!;
  const sb = b.agent.selectedPair!;
  assert.ok(sa.local.type === 'relay' || sa.remote.type === 'relay', `a uses ${sa.local.type} -> ${sa.remote.type}`);
  assert.ok(sb.local.type === 'relay' || sb.remote.type === 'relay', `b uses ${sb.local.type} -> ${sb.remote.type}`);
  // Behind a symmetric NAT the STUN and TURN servers see different mapped ports: two srflx.
  assert.deepEqual(a.agent.stats().localCandidates.map((c) => c.type).sort(), ['host', 'relay', 'srflx', 'srflx']);
  for (let i = 0; i < 5; i++) {
    send(net, a, `a${i}`);
    send(net, b, `b${i}`);
  }
  net.run({ for: 500 });
  assert.deepEqual(b.received, ['a0', 'a1', 'a2', 'a3', 'a4']);
  assert.deepEqual(a.received, ['b0', 'b1', 'b2', 'b3', 'b4']);
  // The relayed connection keeps its consent (and the allocation) over time.
  net.run({ for: 120_000 });
  assert.ok(connected(a) && connected(b));
});

test("policy 'relay' signals only relay candidates and still connects between cone NATs", () => {
  const { net, a, b } = natWorld('full-cone', 'full-cone', 8, true, { policy: 'relay' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 20_000 }), 'connects');
  const signalled = a.log.flatMap((e) => (e.event.type === 'local-candidate' ? [e.event.candidate.type] : []));
  assert.deepEqual(signalled, ['relay']);
  assert.equal(a.agent.selectedPair!.local.type, 'relay');
});

test('an unreachable TURN server fails its allocation and gathering still completes', () => {
  const net = new Network({ seed: 9 });
  const ha = net.addHost('a', ['192.0.2.50']);
  const dead = net.addHost('dead', ['192.0.2.99']);
  net.link(ha, dead, { delay: 5 });
  const a = addPeer(net, 'a', ha, { turnServers: [{ server: transportAddress('192.0.2.99', 3478), ...TURN_USER }] });
  net.inject(a.agent, { type: 'gather' });
  assert.equal(a.agent.gatheringState, 'gathering');
  assert.ok(net.runUntil(() => a.agent.gatheringState === 'complete', { timeout: 60_000 }));
  assert.equal(net.now, RELAY_ALLOCATE_TIMEOUT);
  assert.equal(a.agent.counters.get('relay-failed'), 1);
  assert.deepEqual(a.agent.stats().localCandidates.map((c) => c.type), ['host']);
  // Nothing is left running for the dead server.
  net.run({ for: 60_000 });
  assert.equal(a.agent.pollTimeout(), undefined);
});

test('port-restricted x port-restricted over impaired links (5% loss per link, jitter, duplication, reordering)', () => {
  for (const seed of [21, 22, 23]) {
    const { net, a, b } = natWorld('port-restricted', 'port-restricted', seed);
    for (const l of net.links) l.update({ loss: 0.05, jitter: 5, duplicate: 0.05, reorder: 0.05 });
    start(net, a, b);
    assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 30_000 }), `seed ${seed} connects`);
    assert.equal(a.agent.selectedPair!.remote.type, 'srflx');
  }
});

test('ICE restart over a relay keeps the allocation and reconnects', () => {
  const { net, a, b } = natWorld('symmetric', 'symmetric', 24, true);
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 20_000 }));
  net.inject(a.agent, { type: 'restart' });
  net.inject(b.agent, { type: 'set-remote-credentials', ...a.agent.localCredentials });
  net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials });
  const selections = (): number => a.log.filter((e) => e.event.type === 'selected-pair').length;
  assert.ok(net.runUntil(() => selections() === 2 && a.agent.connectionState === 'completed', { timeout: 20_000 }));
  const relays = a.log.filter((e) => e.event.type === 'local-candidate' && e.event.candidate.type === 'relay');
  assert.equal(relays.length, 2, 'the relayed candidate is signalled again, not re-allocated');
  assert.equal(relays[0]!.event.type === 'local-candidate' && relays[0]!.event.candidate.port, relays[1]!.event.type === 'local-candidate' && relays[1]!.event.candidate.port);
  send(net, b, 'after-restart');
  net.run({ for: 300 });
  assert.deepEqual(a.received, ['after-restart']);
});

test('property: any NAT pair, roles, delays and signalling order connect exactly when they should', () => {
  const nat = fc.constantFrom<NatType>('full-cone', 'address-restricted', 'port-restricted', 'symmetric');
  const role = fc.constantFrom<'controlling' | 'controlled'>('controlling', 'controlled');
  fc.assert(
    fc.property(
      fc.record({
        typeA: nat,
        typeB: nat,
        roleA: role,
        roleB: role,
        turn: fc.boolean(),
        seed: fc.nat(1000),
        delayA: fc.integer({ min: 1, max: 80 }),
        delayB: fc.integer({ min: 1, max: 80 }),
        signalA: fc.integer({ min: 0, max: 2000 }),
        signalB: fc.integer({ min: 0, max: 2000 }),
      }),
      (c) => {
        const { net, a, b: b2 } = natWorld(
          c.typeA,
          c.typeB,
          c.seed,
          c.turn,
          { role: c.roleA, signalDelay: c.signalA },
          { role: c.roleB, signalDelay: c.signalB },
        );
        for (const l of net.links) l.update({ jitter: 2 });
        // Links in creation order: a-natA, b-natB, natA-internet, natB-internet, ...
        net.links[2]!.update({ delay: c.delayA });
        net.links[3]!.update({ delay: c.delayB });
        start(net, a, b2);
        const punchable = !(
          (c.typeA === 'symmetric' && (c.typeB === 'symmetric' || c.typeB === 'port-restricted')) ||
          (c.typeB === 'symmetric' && c.typeA === 'port-restricted')
        );
        const ok = net.runUntil(() => connected(a) && connected(b2), { timeout: 30_000 });
        if (c.turn || punchable) {
          assert.ok(ok, 'connects');
          assert.notEqual(a.agent.role, b2.agent.role);
          send(net, a, 'x');
          send(net, b2, 'y');
          net.run({ for: 1000 });
          assert.deepEqual(b2.received, ['x']);
          assert.deepEqual(a.received, ['y']);
        } else {
          assert.ok(!ok);
          net.run({ for: 30_000 });
          assert.equal(a.agent.connectionState, 'failed');
          assert.equal(b2.agent.connectionState, 'failed');
        }
        assert.ok(timerSane(net, a) && timerSane(net, b2));
      },
    ),
    { numRuns: 40, seed: 0x1ce0 },
  );
});

test('a TURN server alone yields a server-reflexive candidate too (from its XOR-MAPPED-ADDRESS)', () => {
  const { net, a, b } = natWorld('port-restricted', 'port-restricted', 25, true, { stunServers: [] }, { stunServers: [] });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 20_000 }));
  assert.deepEqual(a.agent.stats().localCandidates.map((c) => c.type).sort(), ['host', 'relay', 'srflx']);
  // Two port-restricted NATs punch through with the TURN-learned srflx; no relay needed.
  assert.equal(a.agent.selectedPair!.remote.type, 'srflx');
});

test('consent traffic keeps short-lived NAT mappings (15 s) open on an idle connection', () => {
  const { net, a, b } = natWorld('port-restricted', 'port-restricted', 26, false, {}, {}, 15_000);
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 10_000 }));
  net.run({ for: 120_000 });
  assert.ok(connected(a) && connected(b));
  send(net, a, 'still-there');
  net.run({ for: 200 });
  assert.deepEqual(b.received, ['still-there']);
});
