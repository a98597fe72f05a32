/**
 * The "done when" criteria over the simulator: loss, reordering, duplication and delay;
 * exactly-once and in-order delivery for reliable streams; partial reliability; large
 * messages; many streams; stream reset leaving other streams alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkOptions } from '../sim/index.js';
import type { SctpEvent } from './association.js';
import { intact, messagesByStream, numbered, sctpPair, seqOf, type SctpPair } from './sim.fixture.js';

const countMessages = (events: readonly SctpEvent[]) => events.filter((e) => e.type === 'message').length;

function checkReliable(received: Uint8Array[] | undefined, expected: number, ordered: boolean, label: string): void {
  assert.ok(received, `${label}: nothing received`);
  assert.equal(received.length, expected, `${label}: count`);
  const seqs = received.map(seqOf);
  assert.equal(new Set(seqs).size, expected, `${label}: duplicates`);
  assert.ok(received.every(intact), `${label}: corrupted payload`);
  if (ordered) assert.ok(seqs.every((s, i) => s === i), `${label}: order`);
}

/** Sends n messages on each of streams 0 (ordered) and 1 (unordered), both ways. */
function exchange(p: SctpPair, n: number, size: (i: number) => number): void {
  for (let i = 0; i < n; i++) {
    p.send(p.a, { type: 'send', streamId: 0, ppid: 53, data: numbered(0, i, size(i)), ordered: true });
    p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, i, size(i + 1)), ordered: false });
    p.send(p.b, { type: 'send', streamId: 0, ppid: 53, data: numbered(0, i, size(i + 2)), ordered: true });
  }
}

const conditions: [string, LinkOptions][] = [
  ['clean, no delay', {}],
  ['5% loss, 50 ms', { delay: 50, loss: 0.05 }],
  ['10% loss, reorder, dup, 100 ms', { delay: 100, jitter: 10, loss: 0.1, reorder: 0.1, duplicate: 0.05 }],
  ['20% loss, reorder, dup, 200 ms', { delay: 200, loss: 0.2, reorder: 0.05, duplicate: 0.05 }],
  ['burst loss, 30 ms', { delay: 30, loss: { p: 0.02, r: 0.3 } }],
];

for (const [name, link] of conditions) {
  test(`reliable streams deliver exactly once, ordered in order: ${name}`, () => {
    const p = sctpPair(11, link);
    assert.ok(p.connect(120_000), 'connects');
    const n = 150;
    exchange(p, n, (i) => 1 + ((i * 2654435761) >>> 0) % 4000);
    const done = p.net.runUntil(() => countMessages(p.eventsB) === 2 * n && countMessages(p.eventsA) === n, {
      timeout: 1_200_000,
    });
    assert.ok(done, `all delivered (b got ${countMessages(p.eventsB)}, a got ${countMessages(p.eventsA)})`);
    p.net.run({ for: 5000 }); // nothing more (no duplicates) arrives later
    const atB = messagesByStream(p.eventsB);
    const atA = messagesByStream(p.eventsA);
    checkReliable(atB.get(0), n, true, 'a->b ordered');
    checkReliable(atB.get(1), n, false, 'a->b unordered');
    checkReliable(atA.get(0), n, true, 'b->a ordered');
  });
}

test('256 KiB messages arrive whole under loss', () => {
  const size = 256 * 1024;
  const p = sctpPair(12, { delay: 20, loss: 0.05, reorder: 0.05 }, { remoteMaxMessageSize: size });
  assert.ok(p.connect());
  for (let i = 0; i < 8; i++) p.send(p.a, { type: 'send', streamId: 3, ppid: 53, data: numbered(3, i, size), ordered: true });
  assert.ok(p.net.runUntil(() => countMessages(p.eventsB) === 8, { timeout: 300_000 }));
  const got = messagesByStream(p.eventsB).get(3)!;
  checkReliable(got, 8, true, '256 KiB');
  assert.ok(got.every((d) => d.length === size));
});

test('1000 streams in both directions', () => {
  const p = sctpPair(13, { delay: 10, loss: 0.02 });
  assert.ok(p.connect());
  for (let s = 0; s < 1000; s++) {
    for (let i = 0; i < 2; i++) {
      p.send(p.a, { type: 'send', streamId: s, ppid: 51, data: numbered(s, i, 50), ordered: true });
      p.send(p.b, { type: 'send', streamId: s, ppid: 51, data: numbered(s, i, 50), ordered: true });
    }
  }
  assert.ok(p.net.runUntil(() => countMessages(p.eventsB) === 2000 && countMessages(p.eventsA) === 2000, { timeout: 120_000 }));
  for (const events of [p.eventsA, p.eventsB]) {
    const m = messagesByStream(events);
    assert.equal(m.size, 1000);
    for (const [s, l] of m) checkReliable(l, 2, true, `stream ${s}`);
  }
});

test('partial reliability: maxRetransmits 0 loses only what the link lost; reliable stream unaffected', () => {
  const p = sctpPair(14, { delay: 20, loss: 0.2 });
  assert.ok(p.connect(60_000));
  const n = 300;
  for (let i = 0; i < n; i++) {
    p.send(p.a, { type: 'send', streamId: 5, ppid: 53, data: numbered(5, i, 300), ordered: true, maxRetransmits: 0 });
    p.send(p.a, { type: 'send', streamId: 6, ppid: 53, data: numbered(6, i, 300), ordered: false, maxRetransmits: 0 });
    p.send(p.a, { type: 'send', streamId: 7, ppid: 53, data: numbered(7, i, 300), ordered: true });
  }
  assert.ok(p.net.runUntil(() => (messagesByStream(p.eventsB).get(7)?.length ?? 0) === n, { timeout: 600_000 }));
  // Everything is then acknowledged or forwarded past (RFC 3758): the sender goes idle.
  assert.ok(p.net.runUntil(() => p.a.stats.idle, { timeout: 120_000 }), 'sender idle');
  p.net.run({ for: 5000 });
  const m = messagesByStream(p.eventsB);
  checkReliable(m.get(7), n, true, 'reliable');
  for (const s of [5, 6]) {
    const l = m.get(s)!;
    const seqs = l.map(seqOf);
    assert.equal(new Set(seqs).size, seqs.length, `stream ${s}: no duplicates`);
    assert.ok(l.every(intact));
    // With 20% loss and no retransmissions, roughly a fifth is lost: some, not most.
    assert.ok(l.length < n && l.length > n / 2, `stream ${s}: ${l.length} of ${n}`);
    if (s === 5) assert.ok(seqs.every((x, i) => i === 0 || x > seqs[i - 1]!), 'ordered PR stream stays in order');
  }
  assert.ok(p.a.counters.get('sctp.abandoned') > 0);
});

test('partial reliability: maxRetransmits 2 and maxLifetime lose much less', () => {
  const p = sctpPair(15, { delay: 20, loss: 0.1 });
  assert.ok(p.connect(60_000));
  const n = 300;
  for (let i = 0; i < n; i++) {
    p.send(p.a, { type: 'send', streamId: 8, ppid: 53, data: numbered(8, i, 200), ordered: true, maxRetransmits: 2 });
    p.send(p.a, { type: 'send', streamId: 9, ppid: 53, data: numbered(9, i, 200), ordered: true, maxLifetime: 2000 });
  }
  p.net.run({ for: 60_000 });
  const m = messagesByStream(p.eventsB);
  for (const s of [8, 9]) {
    const l = m.get(s)!;
    const seqs = l.map(seqOf);
    assert.equal(new Set(seqs).size, seqs.length);
    assert.ok(seqs.every((x, i) => i === 0 || x > seqs[i - 1]!));
    // 10% loss with two retransmissions: about 0.1% of messages lost.
    assert.ok(l.length >= n * 0.97, `stream ${s}: ${l.length} of ${n}`);
  }
  assert.ok(p.a.stats.idle);
});

test('a message whose lifetime expires while queued is never sent', () => {
  const p = sctpPair(16, { delay: 10 });
  // Queued before the association exists: the lifetime runs out during the handshake.
  p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, 0, 100), ordered: true, maxLifetime: 5 });
  p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, 1, 100), ordered: true });
  assert.ok(p.connect());
  p.net.run({ for: 1000 });
  const got = messagesByStream(p.eventsB).get(1)!;
  assert.deepEqual(got.map(seqOf), [1]);
  assert.equal(p.a.counters.get('sctp.abandoned-unsent'), 1);
  assert.equal(p.a.bufferedAmount(1), 0);
});

test('resetting one stream leaves the others untouched, and the stream can be reused', () => {
  const p = sctpPair(17, { delay: 15, loss: 0.05 });
  assert.ok(p.connect());
  for (let i = 0; i < 100; i++) {
    for (const s of [0, 1, 2]) p.send(p.a, { type: 'send', streamId: s, ppid: 53, data: numbered(s, i, 1000), ordered: true });
  }
  p.send(p.a, { type: 'reset-streams', streamIds: [1] });
  assert.ok(p.net.runUntil(() => p.eventsA.some((e) => e.type === 'stream-reset'), { timeout: 60_000 }));
  // The reset went out after stream 1's queued data: all of it arrived first.
  assert.ok(p.net.runUntil(() => countMessages(p.eventsB) === 300, { timeout: 60_000 }));
  const incoming = p.eventsB.filter((e) => e.type === 'stream-reset');
  assert.deepEqual(incoming, [{ type: 'stream-reset', direction: 'incoming', streamIds: [1] }]);
  const resetAt = p.eventsB.indexOf(incoming[0]!);
  const streamOneMessages = p.eventsB.filter((e, i) => e.type === 'message' && e.streamId === 1 && i > resetAt);
  assert.equal(streamOneMessages.length, 0, 'no stream 1 message after its reset');
  // Reuse: SSNs start again at 0 on both sides.
  for (let i = 0; i < 5; i++) p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, 100 + i, 10), ordered: true });
  assert.ok(p.net.runUntil(() => countMessages(p.eventsB) === 305, { timeout: 60_000 }));
  const m = messagesByStream(p.eventsB);
  for (const s of [0, 2]) checkReliable(m.get(s), 100, true, `stream ${s}`);
  assert.deepEqual(m.get(1)!.slice(100).map(seqOf), [100, 101, 102, 103, 104]);
});

test('both ends resetting the same stream at once completes on both sides', () => {
  const p = sctpPair(18, { delay: 25 });
  assert.ok(p.connect());
  p.send(p.a, { type: 'send', streamId: 4, ppid: 53, data: numbered(4, 0, 10), ordered: true });
  p.send(p.b, { type: 'send', streamId: 4, ppid: 53, data: numbered(4, 0, 10), ordered: true });
  p.send(p.a, { type: 'reset-streams', streamIds: [4] });
  p.send(p.b, { type: 'reset-streams', streamIds: [4] });
  p.net.run({ for: 5000 });
  for (const events of [p.eventsA, p.eventsB]) {
    const resets = events.filter((e) => e.type === 'stream-reset').map((e) => (e.type === 'stream-reset' ? e.direction : ''));
    assert.deepEqual(resets.sort(), ['incoming', 'outgoing']);
    assert.equal(countMessages(events), 1);
  }
});

test('streams are served round-robin: a small message is not stuck behind another stream', () => {
  const p = sctpPair(19, { delay: 10, bandwidth: 2_000_000 }, { remoteMaxMessageSize: 1 << 20 });
  assert.ok(p.connect());
  for (let i = 0; i < 20; i++) p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, i, 64 * 1024), ordered: true });
  p.send(p.a, { type: 'send', streamId: 2, ppid: 53, data: numbered(2, 0, 100), ordered: true });
  assert.ok(p.net.runUntil(() => countMessages(p.eventsB) === 21, { timeout: 60_000 }));
  const order = p.eventsB.flatMap((e) => (e.type === 'message' ? [e.streamId] : []));
  // Stream 2's message goes right after the stream 1 message in progress.
  assert.ok(order.indexOf(2) <= 1, `stream 2 delivered at position ${order.indexOf(2)}`);
});

test('stream priority weights the round-robin', () => {
  const p = sctpPair(20, { delay: 5, bandwidth: 1_000_000 });
  assert.ok(p.connect());
  p.a.setStreamPriority(1, 1024); // high: 8 messages per turn
  p.a.setStreamPriority(2, 256); // low: 2 messages per turn
  // Queue everything first (direct calls do not drain), then let the engine run.
  for (let i = 0; i < 200; i++) {
    p.a.sendMessage(p.net.now, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, i, 1000), ordered: true });
    p.a.sendMessage(p.net.now, { type: 'send', streamId: 2, ppid: 53, data: numbered(2, i, 1000), ordered: true });
  }
  p.send(p.a, { type: 'reset-streams', streamIds: [] }); // any input: drains the queued sends
  assert.ok(p.net.runUntil(() => countMessages(p.eventsB) >= 200, { timeout: 60_000 }));
  const first = p.eventsB.flatMap((e) => (e.type === 'message' ? [e.streamId] : [])).slice(0, 200);
  const high = first.filter((s) => s === 1).length;
  const low = first.filter((s) => s === 2).length;
  assert.ok(high >= 3.5 * low && high <= 4.5 * low, `high ${high}, low ${low}`);
});

test('a remote max-message-size of 0 means no limit (RFC 8841 6.1)', () => {
  const p = sctpPair(21, {}, { remoteMaxMessageSize: 0 });
  const r = p.a.sendMessage(0, { type: 'send', streamId: 0, ppid: 53, data: new Uint8Array(1 << 20), ordered: true });
  assert.ok(r.ok);
});
