import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Network } from '../sim/index.js';
import { addPeer, call, must, negotiate, remoteChannel } from './pair.fixture.js';

/** Message `i` of `size` bytes: its index in the first two bytes, then a pattern. */
function message(i: number, size: number): Uint8Array {
  const m = new Uint8Array(Math.max(size, 2)).map((_, k) => (k * 31 + i) & 0xff);
  m[0] = i >> 8;
  m[1] = i & 0xff;
  return m;
}

test('property: over lossy, duplicating, reordering links every reliable message arrives exactly once (in order when ordered)', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        delay: fc.integer({ min: 0, max: 80 }),
        jitter: fc.integer({ min: 0, max: 10 }),
        loss: fc.double({ min: 0, max: 0.08, noNaN: true }),
        duplicate: fc.double({ min: 0, max: 0.05, noNaN: true }),
        reorder: fc.double({ min: 0, max: 0.05, noNaN: true }),
        ordered: fc.boolean(),
        sizes: fc.array(fc.integer({ min: 2, max: 6000 }), { minLength: 20, maxLength: 60 }),
        signalDelay: fc.integer({ min: 0, max: 200 }),
      }),
      (p) => {
        const net = new Network({ seed: p.seed });
        const ha = net.addHost('a', ['10.0.0.1']);
        const hb = net.addHost('b', ['10.0.0.2']);
        net.link(ha, hb, { delay: p.delay, jitter: p.jitter, loss: p.loss, duplicate: p.duplicate, reorder: p.reorder });
        const a = addPeer(net, 'a', ha, { signalDelay: p.signalDelay });
        const b = addPeer(net, 'b', hb, { signalDelay: p.signalDelay });
        let h = 0;
        call(a, (now) => (h = must(a.pc.createDataChannel(now, 'p', { ordered: p.ordered }))));
        negotiate(a, b);
        assert.ok(net.runUntil(() => a.pc.channel(h)?.readyState === 'open' && remoteChannel(b, 'p') !== undefined, { timeout: 60_000 }));
        p.sizes.forEach((size, i) => net.at(net.now + i * 3, () => call(a, (now) => must(a.pc.send(now, h, message(i, size), true)))));
        assert.ok(net.runUntil(() => b.received.length >= p.sizes.length, { timeout: 120_000 }));
        net.run({ for: 3000 });
        const got = b.received.map((r) => (r.data[0]! << 8) | r.data[1]!);
        const want = p.sizes.map((_, i) => i);
        assert.deepEqual(p.ordered ? got : [...got].sort((x, y) => x - y), want);
        b.received.forEach((r) => {
          const i = (r.data[0]! << 8) | r.data[1]!;
          assert.deepEqual(r.data, message(i, p.sizes[i]!));
        });
      },
    ),
    { numRuns: 10, seed: 4242 },
  );
});
