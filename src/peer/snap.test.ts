import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Encode } from '../core/index.js';
import { parseDataChannelDescription } from '../sdp/index.js';
import { Network } from '../sim/index.js';
import { addPeer, call, eventsOf, must, negotiate, remoteChannel, texts, type NegotiateOptions, type PeerSetup, type TestPeer } from './pair.fixture.js';

/**
 * SNAP (draft-hancke-tsvwg-snap): both descriptions carry a=sctp-init, so the association is
 * up when DTLS is, with no INIT / INIT ACK / COOKIE ECHO / COOKIE ACK; with only one side (or
 * an invalid or echoed attribute) the four-way handshake runs as before.
 */

interface Run {
  a: TestPeer;
  b: TestPeer;
  offer: string;
  answer: string;
  /** Virtual ms from negotiation to the channel being open on a, and announced on b. */
  openA: number;
  openB: number;
}

function run(
  seed: number,
  sa: PeerSetup,
  sb: PeerSetup,
  link: { delay?: number; loss?: number } = { delay: 10 },
  mangle: NegotiateOptions = {},
): Run {
  const net = new Network({ seed });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, link);
  const a = addPeer(net, 'a', ha, sa);
  const b = addPeer(net, 'b', hb, sb);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'chat'))));
  let offer = '';
  let answer = '';
  const t0 = net.now;
  negotiate(a, b, {
    mangleOffer: (s) => (offer = mangle.mangleOffer ? mangle.mangleOffer(s) : s),
    mangleAnswer: (s) => (answer = mangle.mangleAnswer ? mangle.mangleAnswer(s) : s),
  });
  assert.ok(net.runUntil(() => a.pc.channel(h)?.readyState === 'open' && remoteChannel(b, 'chat') !== undefined, { timeout: 60_000 }));
  const openA = eventsOf(a, 'channel-open').length ? a.events.find((e) => e.event.type === 'channel-open')!.time - t0 : NaN;
  const openB = b.events.find((e) => e.event.type === 'data-channel')!.time - t0;
  // Messages both ways.
  const hb2 = remoteChannel(b, 'chat')!;
  call(a, (now) => must(a.pc.send(now, h, utf8Encode('ping'), false)));
  call(b, (now) => must(b.pc.send(now, hb2, utf8Encode('pong'), false)));
  assert.ok(net.runUntil(() => texts(b).length === 1 && texts(a).length === 1, { timeout: 60_000 }));
  assert.deepEqual([texts(a), texts(b)], [['pong'], ['ping']]);
  assert.deepEqual(eventsOf(a, 'error'), []);
  assert.deepEqual(eventsOf(b, 'error'), []);
  return { a, b, offer, answer, openA, openB };
}

const sctpInit = (sdp: string): string | undefined => {
  const p = parseDataChannelDescription(sdp);
  assert.ok(p.ok);
  return p.value.dataChannel.sctpInit;
};
const counter = (p: TestPeer, name: string): number => p.pc.stats(0).counters[name] ?? 0;

test('SNAP both ways: no SCTP handshake, the channel opens a round trip sooner', () => {
  const snap = run(1, {}, {});
  assert.ok(sctpInit(snap.offer) !== undefined);
  assert.ok(sctpInit(snap.answer) !== undefined);
  assert.notEqual(sctpInit(snap.offer), sctpInit(snap.answer));
  for (const p of [snap.a, snap.b]) {
    assert.equal(counter(p, 'peer.snap'), 1);
    assert.equal(counter(p, 'sctp.sctp.snap'), 1);
  }
  const plain = run(1, { snap: false }, { snap: false });
  assert.equal(sctpInit(plain.offer), undefined);
  assert.equal(sctpInit(plain.answer), undefined);
  assert.equal(counter(plain.a, 'peer.snap'), 0);
  // 10 ms each way: the four-way handshake, with the DCEP OPEN riding on the COOKIE ECHO,
  // delivers it 1.5 RTT after DTLS; SNAP with DTLS's last flight: one round trip (20 ms) less.
  assert.ok(plain.openB - snap.openB >= 18, `SNAP opens at ${snap.openB} ms, the handshake at ${plain.openB} ms`);
  assert.ok(snap.openA <= snap.openB, 'the creator is open once the association is, before the DCEP ACK');
});

test('SNAP offered by one side only: the four-way handshake, both ways round', () => {
  // The answerer does not implement SNAP: its answer has no a=sctp-init.
  const r1 = run(2, {}, { snap: false });
  assert.ok(sctpInit(r1.offer) !== undefined);
  assert.equal(sctpInit(r1.answer), undefined);
  // The offerer does not: the answerer must not add one (draft 5.4).
  const r2 = run(3, { snap: false }, {});
  assert.equal(sctpInit(r2.offer), undefined);
  assert.equal(sctpInit(r2.answer), undefined);
  for (const r of [r1, r2]) for (const p of [r.a, r.b]) assert.equal(counter(p, 'peer.snap'), 0);
});

test('SNAP: an invalid a=sctp-init is ignored and not answered; an echoed one is not taken as the peer\'s', () => {
  const garbled = run(4, {}, {}, { delay: 10 }, { mangleOffer: (s) => s.replace(/a=sctp-init:[^\r\n]*/, 'a=sctp-init:bm90IGFuIElOSVQ=') });
  assert.equal(sctpInit(garbled.answer), undefined);
  assert.equal(counter(garbled.b, 'peer.snap'), 0);
  assert.equal(counter(garbled.b, 'peer.snap-invalid'), 1);

  // An answerer without SNAP that copies unknown attributes of the offer into its answer
  // (libdatachannel does): our own INIT comes back and must not count as the peer's.
  let offered = '';
  const echoed = run(5, {}, { snap: false }, { delay: 10 }, {
    mangleOffer: (s) => (offered = s),
    mangleAnswer: (s) => s.replace('a=sctp-port:5000', `a=sctp-port:5000\r\na=sctp-init:${sctpInit(offered)}`),
  });
  assert.equal(sctpInit(echoed.answer), sctpInit(echoed.offer));
  assert.equal(counter(echoed.a, 'peer.snap'), 0);
  assert.equal(counter(echoed.a, 'peer.snap-echoed'), 1);
});

test('SNAP with loss and delay on the simulator: opens and delivers', () => {
  for (let seed = 10; seed < 16; seed++) {
    const r = run(seed, {}, {}, { delay: 20, loss: 0.1 });
    assert.equal(counter(r.a, 'peer.snap'), 1);
    assert.equal(counter(r.b, 'peer.snap'), 1);
  }
});

test('SNAP: a renegotiation carries the same a=sctp-init (draft 5.6)', () => {
  const r = run(6, {}, {});
  const again = must(r.a.pc.createOffer());
  assert.equal(sctpInit(again), sctpInit(r.offer));
  const plain = run(7, {}, { snap: false });
  assert.equal(sctpInit(must(plain.a.pc.createOffer())), undefined, 'not once the association runs without it');
});

test('ICE is connected on its first valid pair, not only after the nomination round trip', () => {
  const r = run(8, {}, {});
  const at = (p: TestPeer, type: string, state: string) =>
    p.events.find((e) => e.event.type === type && 'state' in e.event && e.event.state === state)?.time;
  for (const p of [r.a, r.b]) {
    const connected = at(p, 'ice-connection-state', 'connected')!;
    const completed = at(p, 'ice-connection-state', 'completed')!;
    assert.ok(connected < completed, `${p.name}: connected at ${connected}, completed (nominated) at ${completed}`);
    assert.equal(p.events.filter((e) => e.event.type === 'ice-connection-state' && e.event.state === 'connected').length, 1);
  }
});
