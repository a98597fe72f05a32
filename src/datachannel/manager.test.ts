import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress } from '../core/address.js';
import { utf8Decode } from '../core/bytes.js';
import { Network, type LinkOptions } from '../sim/index.js';
import type { SctpAssociationOptions } from '../sctp/association.js';
import { DataChannelManager, type DataChannelEvent } from './manager.js';
import { Ppid } from './constants.js';

interface Pair {
  net: Network;
  a: DataChannelManager;
  b: DataChannelManager;
  ea: DataChannelEvent[];
  eb: DataChannelEvent[];
  up(): void;
}

function pair(seed: number, link: LinkOptions = {}, opts: Partial<SctpAssociationOptions> = {}): Pair {
  const net = new Network({ seed, trace: false });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, link);
  const a = new DataChannelManager({ role: 'client', rng: net.random(), ...opts });
  const b = new DataChannelManager({ role: 'server', rng: net.random(), ...opts });
  const ea: DataChannelEvent[] = [];
  const eb: DataChannelEvent[] = [];
  net.attach(ha, a, { port: 5000, defaultPeer: transportAddress('10.0.0.2', 5000), onEvent: (e) => ea.push(e) });
  net.attach(hb, b, { port: 5000, defaultPeer: transportAddress('10.0.0.1', 5000), onEvent: (e) => eb.push(e) });
  return {
    net,
    a,
    b,
    ea,
    eb,
    up() {
      net.inject(a, { type: 'connect' });
      net.inject(b, { type: 'connect' });
      assert.ok(net.runUntil(() => ea.some((e) => e.type === 'connected') && eb.some((e) => e.type === 'connected')));
    },
  };
}

/** Message events, text decoded (the manager hands text over as UTF-8 bytes). */
const messages = (events: DataChannelEvent[], id?: number) =>
  events.flatMap((e) =>
    e.type === 'channel-message' && (id === undefined || e.id === id) ? [{ ...e, data: e.binary ? e.data : utf8Decode(e.data) }] : [],
  );
const ofType = <T extends DataChannelEvent['type']>(events: DataChannelEvent[], type: T) =>
  events.filter((e): e is Extract<DataChannelEvent, { type: T }> => e.type === type);

test('DCEP open: ids by DTLS role, label and protocol reach the peer, data flows both ways', () => {
  const p = pair(1, { delay: 10 });
  // Opened and written to before the association exists: both are queued.
  const idA = p.a.open(0, { label: 'chat', protocol: 'json' });
  assert.ok(idA.ok && idA.value === 0);
  assert.ok(p.a.send(0, 0, 'early').ok);
  p.up();
  assert.ok(p.net.runUntil(() => p.b.readyState(0) === 'open'));
  const idB = p.b.open(p.net.now, { label: 'back' });
  assert.ok(idB.ok && idB.value === 1, 'the DTLS server uses odd ids');
  p.net.inject(p.b, { type: 'send', id: 1, data: Uint8Array.of(9, 8, 7) });
  p.net.inject(p.b, { type: 'send', id: 0, data: 'reply' });
  p.net.run({ for: 1000 });

  const openAtB = ofType(p.eb, 'channel-open').sort((x, y) => x.id - y.id);
  assert.deepEqual(openAtB[0], {
    type: 'channel-open',
    remote: true,
    id: 0,
    label: 'chat',
    protocol: 'json',
    ordered: true,
    priority: 256,
    negotiated: false,
  });
  assert.equal(openAtB[1]!.id, 1);
  assert.equal(openAtB[1]!.remote, false);
  assert.deepEqual(messages(p.eb), [{ type: 'channel-message', id: 0, data: 'early', binary: false }]);
  assert.deepEqual(messages(p.ea), [
    { type: 'channel-message', id: 1, data: Uint8Array.of(9, 8, 7), binary: true },
    { type: 'channel-message', id: 0, data: 'reply', binary: false },
  ]);
  assert.equal(p.a.readyState(0), 'open');
  assert.equal(p.b.readyState(1), 'open');
  assert.deepEqual(p.a.channel(1)?.label, 'back');
});

test('string, binary, empty string and empty binary use PPIDs 51, 53, 56, 57', () => {
  const p = pair(2);
  p.up();
  p.a.open(p.net.now, { label: 'x' });
  const sent: number[] = [];
  const orig = p.a.sctp.sendMessage.bind(p.a.sctp);
  p.a.sctp.sendMessage = (now, c) => {
    sent.push(c.ppid);
    return orig(now, c);
  };
  for (const d of ['héllo', Uint8Array.of(1), '', new Uint8Array(0)]) p.net.inject(p.a, { type: 'send', id: 0, data: d });
  p.net.run({ for: 100 });
  assert.deepEqual(sent, [Ppid.STRING, Ppid.BINARY, Ppid.STRING_EMPTY, Ppid.BINARY_EMPTY]);
  assert.deepEqual(
    messages(p.eb).map((m) => [m.data, m.binary]),
    [
      ['héllo', false],
      [Uint8Array.of(1), true],
      ['', false],
      [new Uint8Array(0), true],
    ],
  );
});

test('deprecated partial PPIDs (52, 54) are joined on receive', () => {
  const p = pair(3);
  p.up();
  p.a.open(p.net.now, { label: 'x' });
  p.net.run({ for: 100 });
  const enc = new TextEncoder();
  const now = p.net.now;
  p.b.sctp.sendMessage(now, { type: 'send', streamId: 0, ppid: Ppid.STRING_PARTIAL, data: enc.encode('hel'), ordered: true });
  p.b.sctp.sendMessage(now, { type: 'send', streamId: 0, ppid: Ppid.STRING, data: enc.encode('lo'), ordered: true });
  p.b.sctp.sendMessage(now, { type: 'send', streamId: 0, ppid: Ppid.BINARY_PARTIAL, data: Uint8Array.of(1), ordered: true });
  p.b.sctp.sendMessage(now, { type: 'send', streamId: 0, ppid: Ppid.BINARY, data: Uint8Array.of(2), ordered: true });
  p.net.inject(p.b, { type: 'set-buffered-amount-low-threshold', id: 0, threshold: 0 }); // drains b
  p.net.run({ for: 100 });
  assert.deepEqual(
    messages(p.ea).map((m) => m.data),
    ['hello', Uint8Array.of(1, 2)],
  );
});

test('channel options travel in DCEP: unordered, maxRetransmits, maxPacketLifeTime, priority', () => {
  const p = pair(4, { delay: 5 });
  p.up();
  p.a.open(p.net.now, { label: 'u', ordered: false });
  p.a.open(p.net.now, { label: 'r', maxRetransmits: 3, priority: 1024 });
  p.a.open(p.net.now, { label: 't', ordered: false, maxPacketLifeTime: 150 });
  assert.ok(!p.a.open(p.net.now, { maxRetransmits: 1, maxPacketLifeTime: 1 }).ok);
  p.net.run({ for: 200 });
  const opened = ofType(p.eb, 'channel-open').map(({ label, ordered, maxRetransmits, maxPacketLifeTime, priority }) => ({
    label,
    ordered,
    maxRetransmits,
    maxPacketLifeTime,
    priority,
  }));
  assert.deepEqual(opened, [
    { label: 'u', ordered: false, maxRetransmits: undefined, maxPacketLifeTime: undefined, priority: 256 },
    { label: 'r', ordered: true, maxRetransmits: 3, maxPacketLifeTime: undefined, priority: 1024 },
    { label: 't', ordered: false, maxRetransmits: undefined, maxPacketLifeTime: 150, priority: 256 },
  ]);
});

test('negotiated channels skip DCEP and use the agreed id', () => {
  const p = pair(5);
  for (const m of [p.a, p.b]) assert.ok(m.open(0, { negotiated: true, id: 7, label: 'n' }).ok);
  assert.ok(!p.a.open(0, { negotiated: true }).ok, 'negotiated needs an id');
  assert.ok(!p.a.open(0, { id: 7 }).ok, 'id in use');
  p.up();
  p.net.inject(p.a, { type: 'send', id: 7, data: 'hi' });
  p.net.inject(p.b, { type: 'send', id: 7, data: 'ho' });
  p.net.run({ for: 100 });
  for (const [events, data] of [
    [p.ea, 'ho'],
    [p.eb, 'hi'],
  ] as const) {
    const opens = ofType(events, 'channel-open');
    assert.equal(opens.length, 1);
    assert.equal(opens[0]!.remote, false);
    assert.equal(opens[0]!.negotiated, true);
    assert.deepEqual(messages(events).map((m) => m.data), [data]);
  }
  assert.equal(p.a.counters.get('datachannel.bad-dcep'), 0);
});

test('unordered channel: messages sent before the ACK never overtake the OPEN', () => {
  const p = pair(6, { delay: 30, loss: 0.1, reorder: 0.3 });
  p.up();
  p.a.open(p.net.now, { label: 'u', ordered: false });
  for (let i = 0; i < 50; i++) p.net.inject(p.a, { type: 'send', id: 0, data: `m${i}` });
  assert.ok(p.net.runUntil(() => messages(p.eb).length === 50, { timeout: 60_000 }));
  assert.equal(p.b.counters.get('datachannel.message-for-unknown-channel'), 0);
  assert.ok(p.eb.findIndex((e) => e.type === 'channel-open') < p.eb.findIndex((e) => e.type === 'channel-message'));
});

test('closing one channel resets both directions and leaves the others untouched', () => {
  const p = pair(7, { delay: 10, loss: 0.05 });
  p.up();
  for (let i = 0; i < 3; i++) p.a.open(p.net.now, { label: `c${i}` });
  for (let i = 0; i < 20; i++) for (const id of [0, 2, 4]) p.net.inject(p.a, { type: 'send', id, data: `${id}:${i}` });
  p.net.inject(p.a, { type: 'close', id: 2 });
  assert.equal(p.a.readyState(2), 'closing');
  assert.ok(!p.a.send(p.net.now, 2, 'late').ok, 'no sends while closing');
  assert.ok(
    p.net.runUntil(() => ofType(p.ea, 'channel-closed').length === 1 && ofType(p.eb, 'channel-closed').length === 1, {
      timeout: 30_000,
    }),
  );
  assert.deepEqual(ofType(p.eb, 'channel-closing'), [{ type: 'channel-closing', id: 2 }]);
  assert.equal(ofType(p.ea, 'channel-closing').length, 0, 'the closing side gets no closing event');
  // Data queued before close() still arrived.
  assert.equal(messages(p.eb, 2).length, 20);
  assert.equal(p.a.readyState(2), 'closed');
  assert.equal(p.b.readyState(2), 'closed');
  for (let i = 0; i < 5; i++) for (const id of [0, 4]) p.net.inject(p.b, { type: 'send', id, data: `back${i}` });
  p.net.run({ for: 2000 });
  for (const id of [0, 4]) {
    assert.equal(messages(p.eb, id).length, 20);
    assert.equal(messages(p.ea, id).length, 5);
  }
  // The id is free again and reusable.
  const again = p.a.open(p.net.now, { id: 2, label: 'again' });
  assert.ok(again.ok);
  p.net.inject(p.a, { type: 'send', id: 2, data: 'second life' });
  p.net.run({ for: 1000 });
  assert.equal(messages(p.eb, 2).at(-1)!.data, 'second life');
});

test('1000 channels open, carry data, and close independently', () => {
  const p = pair(8, { delay: 5 });
  p.up();
  for (let i = 0; i < 1000; i++) assert.ok(p.a.open(p.net.now, { label: `ch${i}` }).ok);
  for (let i = 0; i < 1000; i++) p.net.inject(p.a, { type: 'send', id: i * 2, data: `hello ${i}` });
  assert.ok(p.net.runUntil(() => messages(p.eb).length === 1000, { timeout: 30_000 }));
  assert.equal(ofType(p.eb, 'channel-open').length, 1000);
  assert.ok(messages(p.eb).every((m) => m.data === `hello ${m.id / 2}`));
  for (let i = 0; i < 1000; i += 2) p.net.inject(p.a, { type: 'close', id: i * 2 });
  assert.ok(p.net.runUntil(() => ofType(p.eb, 'channel-closed').length === 500, { timeout: 30_000 }));
  assert.equal(p.b.channelCount, 500);
  for (let i = 1; i < 1000; i += 2) p.net.inject(p.b, { type: 'send', id: i * 2, data: 'still here' });
  assert.ok(p.net.runUntil(() => messages(p.ea).length === 500, { timeout: 30_000 }));
});

test('a message above the remote max-message-size fails with a clear error', () => {
  const p = pair(9, {}, { remoteMaxMessageSize: 1024 });
  p.up();
  p.a.open(p.net.now, { label: 'x' });
  const r = p.a.send(p.net.now, 0, new Uint8Array(1025));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'message-too-large');
  assert.match(r.error.message, /1025 bytes exceeds the remote max-message-size of 1024/);
  p.net.inject(p.a, { type: 'send', id: 0, data: 'x'.repeat(2000) });
  assert.deepEqual(ofType(p.ea, 'channel-error').map((e) => e.code), ['message-too-large']);
  assert.equal(p.a.maxMessageSize, 1024);
});

test('bufferedAmount drains and the low-threshold event fires once per crossing', () => {
  const p = pair(10, { delay: 20, bandwidth: 1_000_000 });
  p.up();
  p.a.open(p.net.now, { label: 'x' });
  // Queue everything before the engine is drained (direct calls), so there is one crossing.
  for (let i = 0; i < 10; i++) assert.ok(p.a.send(p.net.now, 0, new Uint8Array(20_000)).ok);
  assert.equal(p.a.bufferedAmount(0), 200_000); // the DCEP OPEN is not user data
  p.net.inject(p.a, { type: 'set-buffered-amount-low-threshold', id: 0, threshold: 10_000 });
  assert.ok(p.a.bufferedAmount(0) > 100_000);
  assert.ok(p.net.runUntil(() => p.a.bufferedAmount(0) === 0, { timeout: 30_000 }));
  assert.deepEqual(ofType(p.ea, 'channel-buffered-amount-low'), [{ type: 'channel-buffered-amount-low', id: 0 }]);
  p.net.run({ for: 2000 });
  assert.equal(messages(p.eb).length, 10);
});

test('unknown channel ids and ids outside the role are handled', () => {
  const p = pair(11);
  assert.ok(!p.a.send(0, 4, 'nobody').ok);
  assert.ok(!p.a.open(0, { id: 65535 }).ok, 'stream 65535 is reserved');
  p.up();
  p.net.inject(p.a, { type: 'send', id: 4, data: 'x' });
  assert.deepEqual(ofType(p.ea, 'channel-error').map((e) => e.code), ['unknown-channel']);
});

test('an aborted association closes every channel', () => {
  const p = pair(12, { delay: 5 });
  p.up();
  p.a.open(p.net.now, { label: 'x' });
  p.b.open(p.net.now, { label: 'y' });
  p.net.run({ for: 100 });
  p.net.inject(p.a, { type: 'abort' });
  p.net.run({ for: 100 });
  assert.deepEqual(
    ofType(p.eb, 'channel-closed').map((e) => e.id).sort(),
    [0, 1],
  );
  assert.equal(ofType(p.eb, 'closed').length, 1);
  assert.equal(p.b.channelCount, 0);
});

test('random DCEP and data on random streams never break the manager', () => {
  const p = pair(13, { delay: 2 });
  p.up();
  p.a.open(p.net.now, { label: 'keep' });
  p.net.run({ for: 100 });
  let rng = 12345;
  const next = () => (rng = (rng * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < 300; i++) {
    const len = next() % 24;
    const data = Uint8Array.from({ length: len + 1 }, () => next() & 0xff);
    if (i % 3 === 0) data[0] = 3; // mostly-OPEN-shaped
    const ppid = [50, 50, 51, 52, 53, 54, 56, 57, 99][next() % 9]!;
    p.b.sctp.sendMessage(p.net.now, { type: 'send', streamId: 2 + (next() % 40), ppid, data, ordered: true });
  }
  p.net.inject(p.b, { type: 'set-buffered-amount-low-threshold', id: 0, threshold: 0 }); // drain b
  p.net.run({ for: 2000 });
  // The channel opened before still works both ways.
  p.net.inject(p.a, { type: 'send', id: 0, data: 'still' });
  p.net.run({ for: 200 });
  assert.equal(messages(p.eb, 0).at(-1)?.data, 'still');
  assert.ok(p.a.counters.get('datachannel.bad-dcep') + p.a.counters.get('datachannel.message-for-unknown-channel') > 0);
});

test('a channel closed before the association is up is still closed on both sides', () => {
  const p = pair(14, { delay: 5 });
  p.a.open(0, { label: 'short-lived' });
  p.net.inject(p.a, { type: 'close', id: 0 });
  assert.equal(p.a.readyState(0), 'closing');
  p.up();
  assert.ok(p.net.runUntil(() => ofType(p.ea, 'channel-closed').length === 1 && ofType(p.eb, 'channel-closed').length === 1));
  assert.equal(p.b.channelCount, 0);
  assert.equal(p.a.channelCount, 0);
});

test('DCEP traffic does not count in bufferedAmount nor fire low-threshold events', () => {
  const p = pair(15, { delay: 5 });
  p.up();
  p.a.open(p.net.now, { label: 'quiet' });
  assert.equal(p.a.bufferedAmount(0), 0);
  p.net.run({ for: 500 });
  assert.equal(p.b.readyState(0), 'open');
  assert.deepEqual(ofType(p.ea, 'channel-buffered-amount-low'), []);
  assert.deepEqual(ofType(p.eb, 'channel-buffered-amount-low'), []);
});
