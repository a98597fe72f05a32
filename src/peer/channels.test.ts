import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Encode } from '../core/index.js';
import { Network } from '../sim/index.js';
import { addPeer, call, eventsOf, must, negotiate, remoteChannel, texts, type TestPeer } from './pair.fixture.js';

function connected(seed = 2) {
  const net = new Network({ seed });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: 10 });
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  let first = 0;
  call(a, (now) => (first = must(a.pc.createDataChannel(now, 'first'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => a.pc.channel(first)?.readyState === 'open' && remoteChannel(b, 'first') !== undefined, { timeout: 10_000 }));
  return { net, a, b, first, bFirst: remoteChannel(b, 'first')! };
}

function sendText(p: TestPeer, handle: number, text: string): void {
  call(p, (now) => must(p.pc.send(now, handle, utf8Encode(text), false)));
}

test('negotiated channels on both sides with the same id carry messages without DCEP', () => {
  const { net, a, b } = connected();
  let na = 0;
  let nb = 0;
  call(a, (now) => (na = must(a.pc.createDataChannel(now, 'neg', { negotiated: true, id: 7, ordered: false, maxRetransmits: 0 }))));
  call(b, (now) => (nb = must(b.pc.createDataChannel(now, 'neg', { negotiated: true, id: 7, ordered: false, maxRetransmits: 0 }))));
  assert.equal(a.pc.channel(na)!.id, 7);
  assert.equal(a.pc.channel(na)!.readyState, 'open', 'the association is up: a negotiated channel opens at once');
  assert.ok(net.runUntil(() => b.pc.channel(nb)?.readyState === 'open', { timeout: 1000 }));
  sendText(a, na, 'over 7');
  sendText(b, nb, 'back on 7');
  assert.ok(net.runUntil(() => texts(b, nb).length === 1 && texts(a, na).length === 1, { timeout: 5000 }));
  assert.deepEqual(texts(b, nb), ['over 7']);
  assert.deepEqual(texts(a, na), ['back on 7']);
  assert.equal(eventsOf(b, 'data-channel').length, 1, 'no data-channel event for a negotiated channel');
  const info = a.pc.channel(na)!;
  assert.deepEqual([info.ordered, info.maxRetransmits, info.maxPacketLifeTime, info.negotiated], [false, 0, null, true]);
  // The id is taken now.
  call(a, (now) => {
    const r = a.pc.createDataChannel(now, 'again', { negotiated: true, id: 7 });
    assert.equal(!r.ok && r.error.name, 'OperationError');
  });
});

test('negotiated channels created before negotiation open with the association', () => {
  const net = new Network({ seed: 3 });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: 5 });
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  let na = 0;
  let nb = 0;
  call(a, (now) => (na = must(a.pc.createDataChannel(now, 'x', { negotiated: true, id: 0 }))));
  call(b, (now) => (nb = must(b.pc.createDataChannel(now, 'x', { negotiated: true, id: 0 }))));
  assert.equal(eventsOf(a, 'negotiation-needed').length, 1);
  negotiate(a, b);
  assert.ok(net.runUntil(() => a.pc.channel(na)?.readyState === 'open' && b.pc.channel(nb)?.readyState === 'open', { timeout: 10_000 }));
  sendText(b, nb, 'early bird');
  assert.ok(net.runUntil(() => texts(a, na).length === 1, { timeout: 2000 }));
  assert.deepEqual(texts(a, na), ['early bird']);
});

test('the answerer opens a channel after connecting: even stream id (DTLS client), DCEP both ways', () => {
  const { net, a, b } = connected(4);
  let hb = 0;
  call(b, (now) => (hb = must(b.pc.createDataChannel(now, 'from-b', { priority: 'high', maxPacketLifeTime: 500 }))));
  assert.equal(b.pc.channel(hb)!.id! % 2, 0);
  assert.equal(eventsOf(b, 'negotiation-needed').length, 0, 'the m= section exists: no renegotiation');
  assert.ok(net.runUntil(() => remoteChannel(a, 'from-b') !== undefined, { timeout: 2000 }));
  const ha = remoteChannel(a, 'from-b')!;
  const info = a.pc.channel(ha)!;
  assert.deepEqual([info.priority, info.maxPacketLifeTime, info.maxRetransmits, info.ordered], ['high', 500, null, true]);
  sendText(a, ha, 'reply');
  assert.ok(net.runUntil(() => texts(b, hb).length === 1, { timeout: 2000 }));
});

test('closing one channel leaves the other open; both sides see closing/closed', () => {
  const { net, a, b, first, bFirst } = connected(5);
  let second = 0;
  call(a, (now) => (second = must(a.pc.createDataChannel(now, 'second'))));
  assert.ok(net.runUntil(() => remoteChannel(b, 'second') !== undefined, { timeout: 2000 }));
  const bSecond = remoteChannel(b, 'second')!;
  call(a, (now) => {
    a.pc.closeChannel(now, first);
    assert.equal(a.pc.channel(first)!.readyState, 'closing');
    const r = a.pc.send(now, first, utf8Encode('too late'), false);
    assert.equal(!r.ok && r.error.name, 'InvalidStateError');
  });
  assert.ok(net.runUntil(() => a.pc.channel(first)?.readyState === 'closed' && b.pc.channel(bFirst)?.readyState === 'closed', { timeout: 5000 }));
  assert.deepEqual(eventsOf(b, 'channel-closing').map((e) => e.handle), [bFirst]);
  assert.deepEqual(eventsOf(b, 'channel-closed').map((e) => e.handle), [bFirst]);
  assert.deepEqual(eventsOf(a, 'channel-closed').map((e) => e.handle), [first]);
  assert.equal(eventsOf(a, 'channel-closing').length, 0, 'a local close fires no closing event (W3C 6.2)');
  sendText(a, second, 'still here');
  sendText(b, bSecond, 'me too');
  assert.ok(net.runUntil(() => texts(b, bSecond).length === 1 && texts(a, second).length === 1, { timeout: 2000 }));
  assert.equal(a.pc.sctpState, 'connected');
  // The freed stream id is reused by the next channel of the same parity.
  let third = 0;
  call(a, (now) => (third = must(a.pc.createDataChannel(now, 'third'))));
  assert.equal(typeof a.pc.channel(third)!.id, 'number');
});

test('send refusals: too large (TypeError), not open (InvalidStateError), unknown handle', () => {
  const { net, a, b, first } = connected(6);
  assert.equal(a.pc.remoteMaxMessageSize, 262144);
  assert.equal(a.pc.maxChannels, 65535);
  call(a, (now) => {
    const big = a.pc.send(now, first, new Uint8Array(262145), true);
    assert.equal(!big.ok && big.error.name, 'TypeError');
    const nope = a.pc.send(now, 999, new Uint8Array(1), true);
    assert.equal(!nope.ok && nope.error.name, 'InvalidStateError');
    const fresh = must(a.pc.createDataChannel(now, 'fresh'));
    assert.equal(a.pc.channel(fresh)!.readyState, 'connecting');
    const early = a.pc.send(now, fresh, new Uint8Array(1), true);
    assert.equal(!early.ok && early.error.name, 'InvalidStateError');
    const both = a.pc.createDataChannel(now, 'x', { maxRetransmits: 1, maxPacketLifeTime: 1 });
    assert.equal(!both.ok && both.error.name, 'TypeError');
    const noId = a.pc.createDataChannel(now, 'x', { negotiated: true });
    assert.equal(!noId.ok && noId.error.name, 'TypeError');
    const badId = a.pc.createDataChannel(now, 'x', { negotiated: true, id: 65535 });
    assert.equal(!badId.ok && badId.error.name, 'TypeError');
  });
  net.run({ for: 100 });
  void b;
});

test('bufferedAmount grows on send and bufferedamountlow fires when it drains to the threshold', () => {
  const { net, a, first } = connected(7);
  a.pc.setBufferedAmountLowThreshold(first, 1000);
  call(a, (now) => {
    for (let i = 0; i < 20; i++) must(a.pc.send(now, first, new Uint8Array(10_000), true));
    assert.equal(a.pc.channel(first)!.bufferedAmount, 200_000);
    assert.equal(a.pc.channel(first)!.bufferedAmountLowThreshold, 1000);
  });
  const before = eventsOf(a, 'channel-buffered-amount-low').length;
  assert.ok(net.runUntil(() => eventsOf(a, 'channel-buffered-amount-low').length > before, { timeout: 10_000 }));
  assert.ok(a.pc.channel(first)!.bufferedAmount <= 1000);
  net.run({ for: 2000 });
  assert.equal(eventsOf(a, 'channel-buffered-amount-low').length, before + 1, 'once per drain');
});
