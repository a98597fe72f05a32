import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Encode } from '../core/index.js';
import { Network } from '../sim/index.js';
import { addPeer, call, eventsOf, must, negotiate, remoteChannel, texts, type TestPeer } from './pair.fixture.js';

function setup(seed: number, link: { delay?: number; loss?: number } = { delay: 10 }) {
  const net = new Network({ seed });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, link);
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  return { net, a, b };
}

function open(p: TestPeer, handle: number): boolean {
  return p.pc.channel(handle)?.readyState === 'open';
}

test('offer/answer, trickle, connect, and messages both ways on a DCEP channel', () => {
  const { net, a, b } = setup(1);
  let chat = 0;
  call(a, (now) => (chat = must(a.pc.createDataChannel(now, 'chat', { protocol: 'p1' }))));
  assert.deepEqual(eventsOf(a, 'negotiation-needed').length, 1);
  assert.equal(a.pc.channel(chat)!.id, null, 'no stream id before the DTLS role is known');
  negotiate(a, b);
  assert.ok(net.runUntil(() => open(a, chat) && remoteChannel(b, 'chat') !== undefined, { timeout: 10_000 }));
  const bChat = remoteChannel(b, 'chat')!;
  assert.equal(a.pc.signalingState, 'stable');
  assert.equal(b.pc.signalingState, 'stable');
  assert.equal(a.pc.connectionState, 'connected');
  assert.equal(b.pc.connectionState, 'connected');
  assert.equal(a.pc.sctpState, 'connected');
  // The answerer is active (DTLS client, even ids), so the offerer's channel is odd.
  assert.equal(a.pc.channel(chat)!.id! % 2, 1);
  assert.equal(b.pc.channel(bChat)!.protocol, 'p1');
  assert.equal(b.pc.channel(bChat)!.id, a.pc.channel(chat)!.id);
  net.run({ for: 1000 });
  assert.equal(eventsOf(a, 'channel-buffered-amount-low').length, 0, 'DCEP traffic is not application data');
  assert.equal(eventsOf(b, 'channel-buffered-amount-low').length, 0);
  assert.equal(a.pc.channel(chat)!.bufferedAmount, 0);

  const big = new Uint8Array(256 * 1024).map((_, i) => i * 7);
  call(a, (now) => {
    must(a.pc.send(now, chat, utf8Encode('hello'), false));
    must(a.pc.send(now, chat, new Uint8Array(0), false));
    must(a.pc.send(now, chat, new Uint8Array(0), true));
    must(a.pc.send(now, chat, new Uint8Array([1, 2, 3]), true));
    must(a.pc.send(now, chat, big, true));
  });
  call(b, (now) => must(b.pc.send(now, bChat, utf8Encode('hi back ✓'), false)));
  assert.ok(net.runUntil(() => b.received.length === 5 && a.received.length === 1, { timeout: 10_000 }));
  assert.deepEqual(
    b.received.map((r) => [r.data.length, r.binary]),
    [[5, false], [0, false], [0, true], [3, true], [big.length, true]],
  );
  assert.deepEqual(b.received[4]!.data, big);
  assert.deepEqual(texts(b).slice(0, 1), ['hello']);
  assert.deepEqual(texts(a), ['hi back ✓']);
  assert.deepEqual(a.candidateErrors, []);
  assert.deepEqual(b.candidateErrors, []);
  assert.equal(eventsOf(a, 'negotiation-needed').length, 1, 'negotiation-needed fired once');
  assert.equal(eventsOf(b, 'negotiation-needed').length, 0);
  assert.deepEqual(eventsOf(a, 'error'), []);
});

test('a ClientHello that arrives before the answer is kept and answered when the answer lands, not after a retransmission', () => {
  const { net, a, b } = setup(7, { delay: 5 });
  // The answer (and the answerer's candidates) take 100 ms to reach the offerer; the offer
  // and the offerer's candidates 5 ms. The answerer's checks reach the offerer, which answers
  // them, so the answerer has a valid pair and sends its ClientHello long before the answer.
  a.signalDelay = 5;
  b.signalDelay = 100;
  let chat = 0;
  call(a, (now) => (chat = must(a.pc.createDataChannel(now, 'chat'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => open(a, chat) && remoteChannel(b, 'chat') !== undefined, { timeout: 10_000 }));
  const counters = a.pc.stats(net.now).counters;
  assert.ok((counters['peer.dtls-held-early'] ?? 0) >= 1, 'the ClientHello came before the answer');
  const answerAt = a.events.find((e) => e.event.type === 'signaling-state' && e.event.state === 'stable')!.time;
  const openAt = a.events.find((e) => e.event.type === 'channel-open')!.time;
  // Without keeping it, the client's first DTLS retransmission (400 ms) would be the first
  // ClientHello the offerer could use.
  assert.ok(openAt - answerAt < 100, `open ${openAt - answerAt} ms after the answer`);
});

test("DTLS times its first flight from ICE's round-trip time: a lost ClientHello is resent after 3 x RTT", () => {
  const { net, a, b } = setup(4, { delay: 50 });
  const clientHellos: number[] = [];
  net.intercept((p) => {
    // DTLS handshake record (RFC 7983 first byte 20-63; 22 = handshake), ClientHello (type 1).
    if (p.data[0] !== 22 || p.data[13] !== 1) return true;
    clientHellos.push(p.time);
    return clientHellos.length > 1; // the first one is lost
  });
  let chat = 0;
  call(a, (now) => (chat = must(a.pc.createDataChannel(now, 'chat'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => open(a, chat), { timeout: 10_000 }));
  assert.equal(clientHellos.length, 2);
  // RTT 100 ms (50 each way), so 300 ms instead of the 400 ms used without a measurement.
  assert.equal(clientHellos[1]! - clientHellos[0]!, 300);
});

test("SCTP's first retransmission also comes from ICE's round-trip time: a lost DCEP OPEN is resent after 3 x RTT", () => {
  const { net, a, b } = setup(5, { delay: 50 });
  const appData: number[] = [];
  net.intercept((p) => {
    // DTLS application_data from the offerer: with SNAP its first one carries the DCEP OPEN.
    if (p.host !== 'a' || p.data[0] !== 23) return true;
    appData.push(p.time);
    return appData.length > 1; // the first one is lost
  });
  let chat = 0;
  call(a, (now) => (chat = must(a.pc.createDataChannel(now, 'chat'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => remoteChannel(b, 'chat') !== undefined, { timeout: 10_000 }));
  // RTT 100 ms: RTO 300 ms (RFC 6298 2.2) instead of RTO.Initial's 1 s.
  assert.equal(appData[1]! - appData[0]!, 300);
  assert.ok(open(a, chat) || net.runUntil(() => open(a, chat), { timeout: 1000 }));
});
