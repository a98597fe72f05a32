/**
 * Randomised data channel runs under loss: channels opened from both sides, messages of
 * every kind, channels closed while others keep going. Reliable channels deliver exactly
 * once and in order; closes complete on both sides; nothing is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress } from '../core/address.js';
import { utf8Decode } from '../core/bytes.js';
import { SeededRandom, randomInt } from '../core/random.js';
import { Network } from '../sim/index.js';
import { DataChannelManager, type DataChannelEvent } from './manager.js';

test('random opens, sends and closes from both sides', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const r = new SeededRandom(seed);
    const net = new Network({ seed, trace: false });
    const ha = net.addHost('a', ['10.0.0.1']);
    const hb = net.addHost('b', ['10.0.0.2']);
    const link = { delay: randomInt(r, 1, 80), loss: randomInt(r, 0, 10) / 100, reorder: 0.05, duplicate: 0.02 };
    net.link(ha, hb, link);
    const a = new DataChannelManager({ role: 'client', rng: net.random() });
    const b = new DataChannelManager({ role: 'server', rng: net.random() });
    const ea: DataChannelEvent[] = [];
    const eb: DataChannelEvent[] = [];
    net.attach(ha, a, { port: 5000, defaultPeer: transportAddress('10.0.0.2', 5000), onEvent: (e) => ea.push(e) });
    net.attach(hb, b, { port: 5000, defaultPeer: transportAddress('10.0.0.1', 5000), onEvent: (e) => eb.push(e) });
    net.inject(a, { type: 'connect' });
    net.inject(b, { type: 'connect' });
    const label = `seed ${seed} ${JSON.stringify(link)}`;
    assert.ok(net.runUntil(() => ea.some((e) => e.type === 'connected') && eb.some((e) => e.type === 'connected')), label);

    // Each side opens channels; each channel gets a numbered sequence of messages.
    const sent = new Map<string, number>(); // "<side><id>" -> messages sent
    const ids: [DataChannelManager, number][] = [];
    for (let i = 0; i < 12; i++) {
      const side = i % 2 ? b : a;
      const res = side.open(net.now, { label: `c${i}`, ordered: i % 3 !== 2 });
      assert.ok(res.ok);
      ids.push([side, res.value]);
    }
    const closed = new Set<string>();
    for (let step = 0; step < 200; step++) {
      const [side, id] = ids[randomInt(r, 0, ids.length - 1)]!;
      const key = `${side === a ? 'a' : 'b'}${id}`;
      if (closed.has(`${id}`)) continue;
      if (randomInt(r, 0, 40) === 0) {
        net.inject(side, { type: 'close', id });
        closed.add(`${id}`);
        continue;
      }
      const n = sent.get(key) ?? 0;
      sent.set(key, n + 1);
      net.inject(side, { type: 'send', id, data: `${key}:${n}` });
      if (randomInt(r, 0, 3) === 0) net.run({ for: randomInt(r, 1, 50) });
    }
    const expected = [...sent.entries()].filter(([k]) => !closed.has(k.slice(1)));
    const received = (events: DataChannelEvent[], id: number) =>
      events.flatMap((e) => (e.type === 'channel-message' && e.id === id ? [utf8Decode(e.data)] : []));
    assert.ok(
      net.runUntil(
        () =>
          expected.every(([k, n]) => received(k[0] === 'a' ? eb : ea, Number(k.slice(1))).length === n) &&
          ea.filter((e) => e.type === 'channel-closed').length === closed.size &&
          eb.filter((e) => e.type === 'channel-closed').length === closed.size,
        { timeout: 600_000 },
      ),
      `${label}: delivery and closes`,
    );
    for (const [k, n] of expected) {
      const id = Number(k.slice(1));
      const got = received(k[0] === 'a' ? eb : ea, id);
      const ordered = a.channel(id)?.ordered ?? b.channel(id)!.ordered;
      const want = Array.from({ length: n }, (_, i) => `${k}:${i}`);
      if (ordered) assert.deepEqual(got, want, `${label}: ${k}`);
      else assert.deepEqual([...got].sort(), [...want].sort(), `${label}: ${k}`);
    }
    assert.equal(a.channelCount, 12 - closed.size);
    assert.equal(b.channelCount, 12 - closed.size);
  }
});
