/**
 * Randomised end-to-end runs: random link conditions, message mixes and directions, then a
 * graceful shutdown. Every reliable message arrives exactly once, in order where ordered,
 * and both ends close cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom, randomInt } from '../core/random.js';
import type { SctpEvent } from './association.js';
import { intact, numbered, sctpPair, seqOf } from './sim.fixture.js';

test('random conditions: exactly-once, ordered, then a clean shutdown', () => {
  for (let seed = 1; seed <= 16; seed++) {
    const r = new SeededRandom(seed * 7919);
    const link = {
      delay: randomInt(r, 0, 200),
      jitter: randomInt(r, 0, 5),
      loss: randomInt(r, 0, 20) / 100,
      reorder: randomInt(r, 0, 10) / 100,
      duplicate: randomInt(r, 0, 5) / 100,
    };
    const label = `seed ${seed} ${JSON.stringify(link)}`;
    const p = sctpPair(seed, link, { remoteMaxMessageSize: 256 * 1024 });
    assert.ok(p.connect(300_000), `${label}: connects`);
    const sent = new Map<string, number>(); // "side:stream" -> count
    const ordered = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const side = randomInt(r, 0, 1) === 0 ? p.a : p.b;
      const stream = randomInt(r, 0, 5);
      if (stream % 2 === 0) ordered.add(stream);
      const key = `${side === p.a ? 'a' : 'b'}:${stream}`;
      const n = sent.get(key) ?? 0;
      sent.set(key, n + 1);
      const size = randomInt(r, 0, 9) === 0 ? randomInt(r, 20_000, 200_000) : randomInt(r, 1, 3000);
      p.send(side, { type: 'send', streamId: stream, ppid: 53, data: numbered(stream, n, size), ordered: stream % 2 === 0 });
    }
    const total = [...sent.values()].reduce((x, y) => x + y, 0);
    const count = (ev: SctpEvent[]) => ev.filter((e) => e.type === 'message').length;
    assert.ok(
      p.net.runUntil(() => count(p.eventsA) + count(p.eventsB) === total, { timeout: 3_000_000 }),
      `${label}: all delivered (${count(p.eventsA) + count(p.eventsB)} of ${total})`,
    );
    for (const [key, n] of sent) {
      const [from, s] = key.split(':');
      const stream = Number(s);
      const events = from === 'a' ? p.eventsB : p.eventsA;
      const got = events.flatMap((e) => (e.type === 'message' && e.streamId === stream ? [e.data] : []));
      assert.equal(got.length, n, `${label}: ${key} count`);
      assert.ok(got.every(intact), `${label}: ${key} intact`);
      const seqs = got.map(seqOf);
      assert.equal(new Set(seqs).size, n, `${label}: ${key} duplicates`);
      if (ordered.has(stream)) assert.ok(seqs.every((x, i) => x === i), `${label}: ${key} order`);
    }
    p.send(randomInt(r, 0, 1) === 0 ? p.a : p.b, { type: 'shutdown' });
    assert.ok(
      p.net.runUntil(() => p.a.state === 'closed' && p.b.state === 'closed', { timeout: 600_000 }),
      `${label}: shutdown (${p.a.state}/${p.b.state})`,
    );
    for (const ev of [p.eventsA, p.eventsB]) {
      const closed = ev.filter((e) => e.type === 'closed');
      assert.equal(closed.length, 1, `${label}: one close event`);
      assert.ok(closed[0]!.type === 'closed' && closed[0]!.reason !== 'timeout', `${label}: ${JSON.stringify(closed[0])}`);
    }
  }
});

test('random conditions with partial reliability: no duplicates, order kept, reliable data complete', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = new SeededRandom(seed * 104729);
    const link = { delay: randomInt(r, 5, 150), loss: randomInt(r, 1, 20) / 100, reorder: 0.05, duplicate: 0.02 };
    const label = `seed ${seed} ${JSON.stringify(link)}`;
    const p = sctpPair(seed, link, { remoteMaxMessageSize: 256 * 1024 });
    assert.ok(p.connect(300_000), label);
    const n = 80;
    for (let i = 0; i < n; i++) {
      const big = randomInt(r, 0, 4) === 0;
      const size = big ? randomInt(r, 5000, 60_000) : randomInt(r, 1, 1500);
      p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, i, size), ordered: true, maxRetransmits: randomInt(r, 0, 2) });
      p.send(p.a, { type: 'send', streamId: 3, ppid: 53, data: numbered(3, i, size), ordered: false, maxLifetime: randomInt(r, 50, 500) });
      p.send(p.a, { type: 'send', streamId: 5, ppid: 53, data: numbered(5, i, 700), ordered: true });
    }
    const stream = (s: number) => p.eventsB.flatMap((e) => (e.type === 'message' && e.streamId === s ? [e.data] : []));
    assert.ok(p.net.runUntil(() => stream(5).length === n && p.a.stats.idle, { timeout: 3_000_000 }), `${label}: done`);
    p.net.run({ for: 10_000 });
    assert.deepEqual(stream(5).map(seqOf), Array.from({ length: n }, (_, i) => i), `${label}: reliable`);
    for (const s of [1, 3]) {
      const got = stream(s);
      const seqs = got.map(seqOf);
      assert.ok(got.every(intact), `${label}: ${s} intact`);
      assert.equal(new Set(seqs).size, seqs.length, `${label}: ${s} duplicates`);
      if (s === 1) assert.ok(seqs.every((x, i) => i === 0 || x > seqs[i - 1]!), `${label}: ${s} order`);
    }
    assert.equal(p.b.counters.get('sctp.rwnd-drop'), 0, `${label}: no window overflow`);
  }
});
