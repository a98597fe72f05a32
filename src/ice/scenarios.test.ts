import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress } from '../core/index.js';
import { Network } from '../sim/index.js';
import type { Link } from '../sim/index.js';
import { CONSENT_TIMEOUT } from './constants.js';
import { addPeer, connected, send, start, stateTime, states, timerSane } from './harness.testutil.js';
import type { Peer, PeerOptions } from './harness.testutil.js';

function lan(
  seed: number,
  optsA: PeerOptions,
  optsB: PeerOptions,
  linkOpts: Parameters<Network['link']>[2] = { delay: 5 },
): { net: Network; a: Peer; b: Peer; link: Link } {
  const net = new Network({ seed });
  const ha = net.addHost('a', ['192.168.1.10']);
  const hb = net.addHost('b', ['192.168.1.20']);
  const link = net.link(ha, hb, linkOpts);
  const a = addPeer(net, 'a', ha, optsA);
  const b = addPeer(net, 'b', hb, optsB);
  return { net, a, b, link };
}

test('role conflict: both controlling, the tie-breaker decides and they connect', () => {
  const { net, a, b } = lan(2, { role: 'controlling', tieBreaker: 5n }, { role: 'controlling', tieBreaker: 9n });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  assert.equal(a.agent.role, 'controlled');
  assert.equal(b.agent.role, 'controlling');
  assert.ok(a.log.some((e) => e.event.type === 'role-changed' && e.event.role === 'controlled'));
  assert.ok(!b.log.some((e) => e.event.type === 'role-changed'));
});

test('role conflict: both controlled, the larger tie-breaker takes control', () => {
  const { net, a, b } = lan(3, { role: 'controlled', tieBreaker: 1n << 60n }, { role: 'controlled', tieBreaker: 3n });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  assert.equal(a.agent.role, 'controlling');
  assert.equal(b.agent.role, 'controlled');
});

test('trickle: late candidates, checks before the remote credentials, end-of-candidates', () => {
  // b's candidates reach a only after 1.5 s; a's credentials reach b after 300 ms.
  const { net, a, b } = lan(4, { role: 'controlling' }, { role: 'controlled', signalDelay: 1500 });
  a.other = b;
  b.other = a;
  net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials });
  net.inject(a.agent, { type: 'gather' });
  net.inject(b.agent, { type: 'gather' });
  net.after(300, () => net.inject(b.agent, { type: 'set-remote-credentials', ...a.agent.localCredentials }));
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  // a's checks reached b first; b answered without a's password and learned a as prflx.
  assert.ok(net.now < 1500, `connected at ${net.now}, before b's candidates arrived`);
  assert.equal(b.agent.stats().remoteCandidates.length, 1);
  net.run({ for: 2000 });
  // Once everything is signalled (end-of-candidates included) both complete.
  assert.equal(a.agent.connectionState, 'completed');
  assert.equal(b.agent.connectionState, 'completed');
  // a's host candidate, first learned as prflx by b, was replaced by the signalled one.
  assert.deepEqual(b.agent.stats().remoteCandidates.map((c) => c.type), ['host']);
});

test('without end-of-candidates the state stays connected, not completed', () => {
  const { net, a, b } = lan(5, { role: 'controlling', signalDelay: 10 }, { role: 'controlled', signalDelay: Infinity });
  a.other = b;
  b.other = a;
  net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials });
  net.inject(b.agent, { type: 'set-remote-credentials', ...a.agent.localCredentials });
  // Hand-signal b's host candidate to a without end-of-candidates.
  net.inject(b.agent, { type: 'gather' });
  net.inject(a.agent, { type: 'gather' });
  const cand = b.log.find((e) => e.event.type === 'local-candidate')!.event;
  assert.equal(cand.type, 'local-candidate');
  if (cand.type === 'local-candidate') net.inject(a.agent, { type: 'add-remote-candidate', candidate: cand.candidate });
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.run({ for: 1000 });
  assert.equal(a.agent.connectionState, 'connected');
  assert.equal(b.agent.connectionState, 'completed');
});

test('connects over a lossy link (30% loss each way)', () => {
  const { net, a, b } = lan(6, { role: 'controlling' }, { role: 'controlled' }, { delay: 20, loss: 0.3 });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 20_000 }));
});

for (const initiator of ['controlling', 'controlled'] as const) {
  test(`ICE restart by the ${initiator} agent while data flows: no gap on the old pair until the new one is selected`, () => {
    const { net, a, b } = lan(7, { role: 'controlling' }, { role: 'controlled' }, { delay: 10 });
    start(net, a, b);
    assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
    let seq = 0;
    const tick = (): void => {
      if (seq >= 150) return;
      send(net, a, String(seq++));
      net.after(20, tick);
    };
    tick();
    net.run({ for: 1000 });
    const [offerer, answerer] = initiator === 'controlling' ? [a, b] : [b, a];
    const oldCreds = offerer.agent.localCredentials;
    const selectedBefore = a.log.filter((e) => e.event.type === 'selected-pair').length;
    // The offerer restarts; the answerer sees new remote credentials (a peer restart) and
    // restarts too; its answer carries its new credentials back.
    net.inject(offerer.agent, { type: 'restart' });
    assert.notDeepEqual(offerer.agent.localCredentials, oldCreds);
    const answererOld = answerer.agent.localCredentials;
    net.inject(answerer.agent, { type: 'set-remote-credentials', ...offerer.agent.localCredentials });
    assert.notDeepEqual(answerer.agent.localCredentials, answererOld);
    net.inject(offerer.agent, { type: 'set-remote-credentials', ...answerer.agent.localCredentials });
    assert.equal(a.agent.connectionState, 'connected');
    net.run({ for: 3000 });
    assert.equal(seq, 150);
    assert.deepEqual(b.received, Array.from({ length: 150 }, (_, i) => String(i)), 'no gap, no loss');
    assert.equal(a.log.filter((e) => e.event.type === 'selected-pair').length, selectedBefore + 1);
    assert.equal(b.agent.connectionState, 'completed');
    assert.equal(a.agent.connectionState, 'completed');
    // The states never left connected/completed during the restart.
    for (const p of [a, b]) assert.ok(!states(p).includes('disconnected') && !states(p).includes('failed'));
  });
}

test('consent: a cut link goes disconnected within seconds and failed 30 s after the last consent', () => {
  const { net, a, b, link } = lan(8, { role: 'controlling' }, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.run({ for: 20_000 });
  assert.equal(a.agent.connectionState, 'completed');
  const cutAt = net.now;
  link.cut();
  net.run({ for: 40_000 });
  for (const p of [a, b]) {
    const disc = stateTime(p, 'disconnected')!;
    const failed = stateTime(p, 'failed')!;
    assert.ok(disc > cutAt && disc <= cutAt + 6000 + 3500, `${p.name} disconnected ${disc - cutAt} ms after the cut`);
    // Consent was last granted at most one check interval (<= 6 s) before the cut.
    assert.ok(failed >= cutAt + CONSENT_TIMEOUT - 6000 && failed <= cutAt + CONSENT_TIMEOUT, `${p.name} failed ${failed - cutAt} ms after the cut`);
    assert.equal(p.agent.selectedPair, undefined);
    assert.ok(timerSane(net, p));
  }
  // Consent lost means nothing more is sent on the pair.
  send(net, a, 'late');
  assert.ok(a.agent.counters.get('send-no-pair') >= 1);
});

test('consent: a short outage goes disconnected and recovers', () => {
  const { net, a, b, link } = lan(9, { role: 'controlling' }, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.run({ for: 10_000 });
  link.cut();
  assert.ok(net.runUntil(() => a.agent.connectionState === 'disconnected', { timeout: 15_000 }));
  link.restore();
  assert.ok(net.runUntil(() => a.agent.connectionState === 'completed', { timeout: 3000 }));
  assert.deepEqual(states(a).slice(-2), ['disconnected', 'completed']);
});

test('idle connection stays up for minutes (consent and keepalives)', () => {
  const { net, a, b } = lan(10, { role: 'controlling' }, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.run({ for: 180_000 });
  assert.ok(timerSane(net, a) && timerSane(net, b));
  assert.equal(a.agent.connectionState, 'completed');
  assert.equal(b.agent.connectionState, 'completed');
  assert.equal(states(a).length, 3);
  // Consent checks go every 4-6 s: about 36 in 3 minutes from each side, and each is
  // answered, so a sends about 72 packets (and no keepalives, consent being traffic).
  const sent = a.agent.stats().packetsSent;
  assert.ok(sent > 60 && sent < 95, `a sent ${sent} packets`);
});

test('ICE-lite agent against a full agent', () => {
  const { net, a, b, link } = lan(11, { role: 'controlling' }, { role: 'controlling', lite: true });
  assert.equal(b.agent.role, 'controlled');
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  send(net, b, 'from-lite');
  net.run({ for: 100 });
  assert.deepEqual(a.received, ['from-lite']);
  // a's consent checks keep the lite agent alive; it answers them and sends nothing else.
  net.run({ for: 60_000 });
  assert.ok(connected(b));
  assert.equal(a.agent.counters.get('keepalive-received'), 0);
  // With a -> b dead, b has nothing to answer: after 15 s of silence it sends Binding
  // Indications (RFC 8445 11), and 30 s without checks it gives up (RFC 7675).
  link.forward.update({ loss: 1 });
  net.run({ for: 40_000 });
  assert.ok(a.agent.counters.get('keepalive-received') >= 1);
  assert.equal(b.agent.connectionState, 'failed');
});

test('close stops everything', () => {
  const { net, a, b } = lan(12, { role: 'controlling' }, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.inject(a.agent, { type: 'close' });
  assert.equal(a.agent.connectionState, 'closed');
  assert.equal(a.agent.pollTimeout(), undefined);
  send(net, a, 'x');
  assert.equal(a.agent.counters.get('closed-drop'), 1);
});

test('after consent is lost, an ICE restart connects again', () => {
  const { net, a, b, link } = lan(13, { role: 'controlling' }, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  link.cut();
  assert.ok(net.runUntil(() => a.agent.connectionState === 'failed' && b.agent.connectionState === 'failed', { timeout: 40_000 }));
  link.restore();
  net.inject(a.agent, { type: 'restart' });
  net.inject(b.agent, { type: 'set-remote-credentials', ...a.agent.localCredentials });
  net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials });
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  assert.deepEqual(states(a).slice(-4), ['failed', 'checking', 'connected', 'completed']);
  send(net, a, 'again');
  net.run({ for: 100 });
  assert.deepEqual(b.received, ['again']);
});

test('dual-stack hosts with two interfaces prefer IPv6 and pair only within a family', () => {
  const net = new Network({ seed: 14 });
  const ha = net.addHost('a', ['2001:db8::a', '192.168.1.10']);
  const hb = net.addHost('b', ['2001:db8::b', '192.168.1.20']);
  net.link(ha, hb, { delay: 5 });
  const a = addPeer(net, 'a', ha, { role: 'controlling' });
  const b = addPeer(net, 'b', hb, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.run({ for: 2000 });
  const pairs = a.agent.stats().pairs;
  assert.equal(pairs.length, 2);
  for (const p of pairs) assert.equal(p.local.address.includes(':'), p.remote.address.includes(':'));
  assert.equal(a.agent.selectedPair!.remote.address, '2001:db8::b');
  const locals = a.agent.stats().localCandidates;
  assert.equal(new Set(locals.map((c) => c.priority)).size, 2, 'distinct local preferences');
});

test('same seed, same run: the trace replays bit for bit', () => {
  const run = (): string => {
    const { net, a, b } = lan(15, { role: 'controlling' }, { role: 'controlled' }, { delay: 7, jitter: 3, loss: 0.1 });
    start(net, a, b);
    net.run({ for: 20_000 });
    return net.traceHash();
  };
  assert.equal(run(), run());
});

test('without end-of-candidates, a check list whose pairs all failed fails after a quiet period', () => {
  const { net, a, b, link } = lan(16, { role: 'controlling', signalDelay: Infinity }, { role: 'controlled', signalDelay: Infinity });
  link.cut();
  net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials });
  net.inject(a.agent, { type: 'gather' });
  net.inject(a.agent, {
    type: 'add-remote-candidate',
    candidate: { foundation: '1', component: 1, transport: 'udp', priority: 2130706431, address: '192.168.1.20', port: 5000, type: 'host', extensions: [] },
  });
  net.run({ for: 60_000 });
  assert.deepEqual(states(a), ['checking', 'failed']);
  // The single check fails after ~9.5 s; the list is declared failed 10 s later.
  const failedAt = stateTime(a, 'failed')!;
  assert.ok(failedAt > 19_000 && failedAt < 20_000, `failed at ${failedAt}`);
  assert.ok(timerSane(net, a));
  assert.equal(net.engineCounters(a.agent).get('timer-in-past'), 0);
});

test('an unreachable STUN server ends gathering after its retransmissions (~7.5 s)', () => {
  const net = new Network({ seed: 17 });
  const ha = net.addHost('a', ['192.0.2.50']);
  const dead = net.addHost('dead', ['192.0.2.99']);
  net.link(ha, dead, { delay: 5 });
  const a = addPeer(net, 'a', ha, { stunServers: [transportAddress('192.0.2.99', 3478)] });
  net.inject(a.agent, { type: 'gather' });
  assert.ok(net.runUntil(() => a.agent.gatheringState === 'complete', { timeout: 60_000 }));
  assert.equal(net.now, 7500);
  assert.deepEqual(a.agent.stats().localCandidates.map((c) => c.type), ['host']);
});

test('after consent is lost, the restored path is not reused without a restart', () => {
  const { net, a, b, link } = lan(18, { role: 'controlling' }, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  link.cut();
  assert.ok(net.runUntil(() => a.agent.connectionState === 'failed' && b.agent.connectionState === 'failed', { timeout: 40_000 }));
  link.restore();
  net.run({ for: 30_000 });
  assert.equal(a.agent.connectionState, 'failed');
  assert.equal(b.agent.connectionState, 'failed');
  net.inject(a.agent, { type: 'gather' }); // a second gather in a generation does nothing
  assert.equal(a.log.filter((e) => e.event.type === 'local-candidate').length, 1);
});

test('pairs sharing a foundation are checked one after the other (frozen until the first finishes)', () => {
  // b has two sockets on one IP: both host candidates share a foundation, so a's two pairs
  // do too (RFC 8445 6.1.2.6); the second waits Frozen while the first is In-Progress.
  const { net, a, b, link } = lan(19, { role: 'controlling' }, { role: 'controlled', ports: [5000, 5001] });
  link.update({ delay: 300 });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 10_000 }));
  assert.ok(timerSane(net, a) && timerSane(net, b));
  assert.equal(net.engineCounters(a.agent).get('timer-in-past'), 0);
  net.run({ for: 5000 });
  assert.deepEqual(a.agent.stats().pairs.map((p) => p.state).sort(), ['succeeded', 'succeeded']);
});

test('restarts in quick succession, one before the first connection, still converge', () => {
  const { net, a, b } = lan(20, { role: 'controlling' }, { role: 'controlled' }, { delay: 30 });
  start(net, a, b);
  net.run({ for: 40 }); // checking, not yet connected
  const exchange = (): void => {
    net.inject(a.agent, { type: 'restart' });
    net.inject(b.agent, { type: 'set-remote-credentials', ...a.agent.localCredentials });
    net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials });
  };
  exchange();
  net.run({ for: 50 });
  exchange();
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  net.run({ for: 1000 });
  exchange();
  net.run({ for: 10 });
  exchange();
  net.run({ for: 2000 });
  assert.equal(a.agent.connectionState, 'completed');
  assert.equal(b.agent.connectionState, 'completed');
  send(net, a, 'ok');
  net.run({ for: 100 });
  assert.deepEqual(b.received, ['ok']);
  assert.ok(timerSane(net, a) && timerSane(net, b));
});

test('a peer that vanishes before nominating leaves the controlled agent failed after the consent timeout', () => {
  const { net, a, b, link } = lan(21, { role: 'controlling' }, { role: 'controlled' }, { delay: 10 });
  start(net, a, b);
  // b's first check succeeds (one round trip), then the link dies before a nominates.
  assert.ok(net.runUntil(() => b.agent.stats().pairs.some((p) => p.state === 'succeeded'), { timeout: 5000 }));
  link.cut();
  net.run({ for: 60_000 });
  assert.equal(b.agent.selectedPair, undefined);
  assert.deepEqual(states(b), ['checking', 'failed']);
  const failedAt = stateTime(b, 'failed')!;
  assert.ok(failedAt >= CONSENT_TIMEOUT && failedAt < CONSENT_TIMEOUT + 1000, `failed at ${failedAt}`);
  assert.ok(timerSane(net, b));
});

test('while sending data, a dead path shows as disconnected within ~6 s (silence probe)', () => {
  const { net, a, b, link } = lan(22, { role: 'controlling' }, { role: 'controlled' });
  start(net, a, b);
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
  let on = true;
  const tick = (): void => {
    if (!on) return;
    send(net, a, 'x');
    net.after(50, tick);
  };
  tick();
  net.run({ for: 12_345 });
  const cutAt = net.now;
  link.cut();
  net.run({ for: 10_000 });
  on = false;
  const disc = stateTime(a, 'disconnected')!;
  // Silence for 2.5 s brings a check forward; unanswered 3.5 s later: <= 6 s after the cut.
  assert.ok(disc > cutAt && disc <= cutAt + 6000, `a disconnected ${disc - cutAt} ms after the cut`);
  link.restore();
  assert.ok(net.runUntil(() => connected(a), { timeout: 3000 }));
});

test('a full agent told that its peer is lite takes the controlling role', () => {
  const { net, a, b } = lan(23, { role: 'controlled' }, { role: 'controlled', lite: true });
  a.other = b;
  b.other = a;
  net.inject(a.agent, { type: 'set-remote-credentials', ...b.agent.localCredentials, lite: true });
  net.inject(b.agent, { type: 'set-remote-credentials', ...a.agent.localCredentials });
  assert.equal(a.agent.role, 'controlling');
  net.inject(a.agent, { type: 'gather' });
  net.inject(b.agent, { type: 'gather' });
  assert.ok(net.runUntil(() => connected(a) && connected(b), { timeout: 5000 }));
});
