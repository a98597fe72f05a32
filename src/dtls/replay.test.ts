import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReplayWindow } from './replay.js';

test('a sequence number is accepted once', () => {
  const w = new ReplayWindow();
  assert.ok(w.check(0));
  w.accept(0);
  assert.ok(!w.check(0));
  assert.ok(w.check(1));
});

test('older numbers inside the window are accepted once; outside are refused', () => {
  const w = new ReplayWindow();
  w.accept(100);
  assert.ok(w.check(99));
  w.accept(99);
  assert.ok(!w.check(99));
  assert.ok(w.check(37)); // 100 - 63
  assert.ok(!w.check(36)); // 100 - 64: left of the window
  w.accept(170);
  assert.ok(!w.check(100));
  assert.ok(w.check(169));
});

test('48-bit sequence numbers work', () => {
  const w = new ReplayWindow();
  const big = 2 ** 48 - 2;
  w.accept(big);
  assert.ok(!w.check(big));
  assert.ok(w.check(big + 1));
  assert.ok(w.check(big - 1));
});

test('matches a reference model (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 300 }), (seqs) => {
      const w = new ReplayWindow();
      const seen = new Set<number>();
      let top = -1;
      for (const s of seqs) {
        const expected = !seen.has(s) && s > top - 64;
        assert.equal(w.check(s), expected, `seq ${s} top ${top}`);
        if (expected) {
          w.accept(s);
          seen.add(s);
          top = Math.max(top, s);
        }
      }
    }),
  );
});
