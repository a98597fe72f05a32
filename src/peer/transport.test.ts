import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress, utf8Decode, utf8Encode } from '../core/index.js';
import { StunServer } from '../ice/index.js';
import { formatFingerprint } from '../sdp/index.js';
import { Network } from '../sim/index.js';
import { TurnServer } from '../turn/index.js';
import { localFingerprint } from './description.js';
import { addPeer, call, certificate, eventsOf, must, negotiate, remoteChannel, texts, type TestPeer } from './pair.fixture.js';

function pair(seed: number, link: { delay?: number; loss?: number; jitter?: number } = { delay: 10 }) {
  const net = new Network({ seed });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, link);
  return { net, a: addPeer(net, 'a', ha), b: addPeer(net, 'b', hb) };
}

function ufrag(p: TestPeer): string {
  return /a=ice-ufrag:(\S+)/.exec(p.pc.localDescription!.sdp)![1]!;
}

test('ICE restart while data flows: new credentials, same DTLS and SCTP, every message once and in order', () => {
  const { net, a, b } = pair(21);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'flow'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => remoteChannel(b, 'flow') !== undefined && a.pc.channel(h)?.readyState === 'open', { timeout: 10_000 }));
  const start = net.now;
  const total = 150;
  for (let i = 0; i < total; i++) {
    net.at(start + i * 20, () => call(a, (now) => must(a.pc.send(now, h, utf8Encode(`m${i}`), false))));
  }
  const [ua, ub] = [ufrag(a), ufrag(b)];
  net.at(start + 1000, () => {
    call(a, () => a.pc.restartIce());
    assert.equal(eventsOf(a, 'negotiation-needed').length, 2, 'the data channel, then restartIce');
    negotiate(a, b);
  });
  assert.ok(net.runUntil(() => b.received.length === total, { timeout: 20_000 }));
  assert.deepEqual(texts(b), Array.from({ length: total }, (_, i) => `m${i}`));
  assert.notEqual(ufrag(a), ua);
  assert.notEqual(ufrag(b), ub, 'the answerer restarts with the offerer (RFC 8445 9)');
  assert.equal(eventsOf(a, 'sctp-state').filter((e) => e.state === 'connected').length, 1, 'one association throughout');
  assert.ok(eventsOf(a, 'ice-candidate').some((e) => e.usernameFragment === ufrag(a)), 'candidates of the new generation were trickled');
  assert.deepEqual(a.candidateErrors, []);
  assert.deepEqual(b.candidateErrors, []);
  assert.equal(a.pc.connectionState, 'connected');
  assert.equal(eventsOf(a, 'connection-state').filter((e) => e.state === 'failed').length, 0);
  // A later offer without restart keeps the credentials.
  negotiate(a, b);
  net.run({ for: 500 });
  assert.equal(ufrag(a), /a=ice-ufrag:(\S+)/.exec(a.pc.localDescription!.sdp)![1]);
});

for (const side of ['answer', 'offer'] as const) {
  test(`a wrong fingerprint in the ${side} is refused: error event, no channel, no data`, () => {
    const { net, a, b } = pair(side === 'answer' ? 22 : 23);
    let h = 0;
    call(a, (now) => (h = must(a.pc.createDataChannel(now, 'secret'))));
    const wrong = formatFingerprint(localFingerprint(certificate(2)));
    const mangle = (s: string) => s.replace(/a=fingerprint:sha-256 \S+/, `a=fingerprint:${wrong}`);
    negotiate(a, b, side === 'answer' ? { mangleAnswer: mangle } : { mangleOffer: mangle });
    const victim = side === 'answer' ? a : b;
    assert.ok(net.runUntil(() => victim.pc.connectionState === 'failed', { timeout: 10_000 }));
    net.run({ for: 3000 });
    const errors = eventsOf(victim, 'error').map((e) => e.error.errorDetail);
    assert.deepEqual(errors, ['fingerprint-failure']);
    assert.equal(victim.pc.stats(net.now).transport.dtlsState, 'failed');
    for (const p of [a, b]) {
      assert.equal(eventsOf(p, 'channel-open').length, 0);
      assert.equal(eventsOf(p, 'data-channel').length, 0);
      assert.equal(p.received.length, 0);
      assert.notEqual(p.pc.sctpState, 'connected');
    }
    assert.equal(a.pc.channel(h)!.readyState, 'closed', 'channels close with the transport');
  });
}

test('5% loss and 50 ms delay: every reliable message arrives exactly once, in order', () => {
  const { net, a, b } = pair(24, { delay: 50, loss: 0.05 });
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'lossy'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => remoteChannel(b, 'lossy') !== undefined && a.pc.channel(h)?.readyState === 'open', { timeout: 60_000 }));
  const hb = remoteChannel(b, 'lossy')!;
  const sizes = [1, 100, 1100, 3000, 20_000];
  const total = 200;
  const expected: string[] = [];
  for (let i = 0; i < total; i++) {
    const body = `${i}:`.padEnd(sizes[i % sizes.length]!, String.fromCharCode(97 + (i % 26)));
    expected.push(body);
    net.at(net.now + i * 5, () => call(a, (now) => must(a.pc.send(now, h, utf8Encode(body), false))));
  }
  for (let i = 0; i < 50; i++) net.at(net.now + i * 7, () => call(b, (now) => must(b.pc.send(now, hb, new Uint8Array([i]), true))));
  assert.ok(net.runUntil(() => b.received.length >= total && a.received.length >= 50, { timeout: 120_000 }));
  net.run({ for: 5000 });
  assert.deepEqual(texts(b), expected);
  assert.deepEqual(a.received.map((r) => r.data[0]), Array.from({ length: 50 }, (_, i) => i));
  assert.ok(net.counters.get('dropped:loss') > 10, 'the link did lose packets');
});

test('mDNS candidates: resolved through the driver, or dropped when resolution fails', () => {
  for (const resolves of [true, false]) {
    const { net, a, b } = pair(25);
    a.rewriteCandidate = (c) => c.replace('10.0.0.1', '0f6e0c1b-5a4d-4a4b-9f1e-2c3d4e5f6a7b.local');
    b.resolveMdns = (name) => (resolves && name.endsWith('.local') ? '10.0.0.1' : undefined);
    let h = 0;
    call(a, (now) => (h = must(a.pc.createDataChannel(now, 'm'))));
    negotiate(a, b);
    assert.ok(net.runUntil(() => a.pc.channel(h)?.readyState === 'open', { timeout: 10_000 }));
    assert.deepEqual(eventsOf(b, 'resolve-mdns').map((e) => e.name), ['0f6e0c1b-5a4d-4a4b-9f1e-2c3d4e5f6a7b.local']);
    const stats = b.pc.stats(net.now);
    if (resolves) {
      assert.ok(stats.remoteCandidates.some((c) => c.address === '10.0.0.1' && c.type === 'host'));
      assert.equal(stats.counters['peer.mdns-failed'], undefined);
    } else {
      // The offerer's checks still reach us: its address is learned as peer-reflexive.
      assert.equal(stats.counters['peer.mdns-failed'], 1);
      assert.ok(!stats.remoteCandidates.some((c) => c.type === 'host'));
    }
  }
});

test('stats count bytes, packets and messages per channel', () => {
  const { net, a, b } = pair(26);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 's', { protocol: 'x' }))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => a.pc.channel(h)?.readyState === 'open' && remoteChannel(b, 's') !== undefined, { timeout: 10_000 }));
  call(a, (now) => {
    must(a.pc.send(now, h, utf8Encode('12345'), false));
    must(a.pc.send(now, h, new Uint8Array(3000), true));
  });
  assert.ok(net.runUntil(() => b.received.length === 2, { timeout: 2000 }));
  const sa = a.pc.stats(net.now);
  const sb = b.pc.stats(net.now);
  assert.deepEqual(sa.dataChannels.map((c) => [c.label, c.protocol, c.state, c.messagesSent, c.bytesSent]), [['s', 'x', 'open', 2, 3005]]);
  assert.deepEqual(sb.dataChannels.map((c) => [c.label, c.messagesReceived, c.bytesReceived]), [['s', 2, 3005]]);
  assert.ok(sa.transport.bytesSent > 3005 && sa.transport.packetsSent > 3);
  assert.ok(sb.transport.bytesReceived > 3005);
  assert.equal(sa.transport.dtlsState, 'connected');
  assert.match(sa.transport.dtlsCipher!, /^TLS_ECDHE_ECDSA_WITH_/);
  assert.equal(sa.transport.iceRole, 'controlling');
  assert.equal(sb.transport.iceRole, 'controlled');
  assert.equal(sa.transport.selectedCandidatePair!.remote.address, '10.0.0.2');
  assert.equal(sa.candidatePairs.length, 1);
  assert.equal(sa.localCandidates.length, 1);
  assert.equal(utf8Decode(b.received[0]!.data), '12345');
});

test('close(): the peer learns it (SCTP ABORT), no events after close on the closing side', () => {
  const { net, a, b } = pair(27);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'c'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => remoteChannel(b, 'c') !== undefined && a.pc.channel(h)?.readyState === 'open', { timeout: 10_000 }));
  const hb = remoteChannel(b, 'c')!;
  const before = a.events.length;
  call(a, (now) => a.pc.close(now));
  assert.equal(a.pc.channel(h)!.readyState, 'closed');
  assert.equal(a.pc.sctpState, 'closed');
  assert.ok(net.runUntil(() => b.pc.channel(hb)?.readyState === 'closed', { timeout: 5000 }));
  assert.equal(a.events.length, before, 'close() fires no events (W3C 4.4.1.6)');
  assert.deepEqual(eventsOf(b, 'channel-closed').map((e) => e.handle), [hb]);
  assert.equal(b.pc.sctpState, 'closed');
  call(b, (now) => {
    const late = must(b.pc.createDataChannel(now, 'late'));
    assert.equal(b.pc.channel(late)!.readyState, 'closed', 'no association to open it on');
  });
  assert.equal(eventsOf(b, 'channel-closed').length, 2);
  assert.equal(a.pc.pollTimeout(), undefined, 'nothing left to do');
  call(a, (now) => {
    const r = a.pc.send(now, h, new Uint8Array(1), true);
    assert.equal(!r.ok && r.error.name, 'InvalidStateError');
  });
});

test('behind symmetric NATs, through STUN and a TURN relay (relay-only policy on one side)', () => {
  const net = new Network({ seed: 28 });
  const internet = net.addRouter('internet');
  const natA = net.addNat({ type: 'symmetric', publicAddress: '203.0.113.1', name: 'natA' });
  const natB = net.addNat({ type: 'symmetric', publicAddress: '198.51.100.1', name: 'natB' });
  const ha = net.addHost('a', ['10.0.0.2'], { behind: natA });
  const hb = net.addHost('b', ['10.1.0.2'], { behind: natB });
  const hs = net.addHost('stun', ['192.0.2.1']);
  const ht = net.addHost('turn', ['192.0.2.2']);
  net.link(ha, natA, { delay: 1 });
  net.link(hb, natB, { delay: 1 });
  net.link(natA, internet, { delay: 15 });
  net.link(natB, internet, { delay: 20 });
  net.link(hs, internet, { delay: 5 });
  net.link(ht, internet, { delay: 5 });
  const stun = net.attach(hs, new StunServer(), { port: 3478 }).address;
  const turn = transportAddress('192.0.2.2', 3478);
  const relayPorts = { min: 50000, max: 50007 };
  const server = new TurnServer({ listen: turn, realm: 'sim.test', users: { u: 'relay-secret' }, rng: net.random(), relayPorts });
  net.attach(ht, server, { ports: [turn.port, ...Array.from({ length: 8 }, (_, i) => relayPorts.min + i)] });
  const turnServers = [{ server: turn, username: 'u', password: 'relay-secret' }];
  const a = addPeer(net, 'a', ha, { stunServers: [stun], turnServers, iceTransportPolicy: 'relay' });
  const b = addPeer(net, 'b', hb, { stunServers: [stun], turnServers });
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'relayed'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => a.pc.channel(h)?.readyState === 'open' && remoteChannel(b, 'relayed') !== undefined, { timeout: 30_000 }));
  assert.ok(eventsOf(a, 'ice-candidate').every((e) => e.candidate === null || / typ relay /.test(e.candidate)), 'relay policy: relay candidates only');
  assert.equal(a.pc.stats(net.now).transport.selectedCandidatePair!.local.type, 'relay');
  const big = new Uint8Array(100_000).map((_, i) => i);
  call(a, (now) => must(a.pc.send(now, h, big, true)));
  assert.ok(net.runUntil(() => b.received.length === 1, { timeout: 10_000 }));
  assert.deepEqual(b.received[0]!.data, big);
  assert.equal(net.counters.get('dropped:mtu'), 0, 'DTLS records fit the path through the relay');
});
