import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TsnTracker } from './tsn-tracker.js';
import { tsnAdd } from './serial.js';

/** Model: a set of offsets from the initial TSN. */
function modelGaps(received: Set<number>): { cum: number; gaps: number[] } {
  let cum = -1;
  while (received.has(cum + 1)) cum++;
  const sorted = [...received].filter((x) => x > cum).sort((a, b) => a - b);
  const gaps: number[] = [];
  for (const x of sorted) {
    if (gaps.length && gaps[gaps.length - 1] === x - cum - 1) gaps[gaps.length - 1] = x - cum;
    else gaps.push(x - cum, x - cum);
  }
  return { cum, gaps };
}

test('TsnTracker matches a set model, across the 2^32 wrap', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(0, 0xffffff00, 0x7fffffff, 12345),
      fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 400 }),
      (initial, offsets) => {
        const t = new TsnTracker(initial);
        const seen = new Set<number>();
        for (const off of offsets) {
          const status = t.add(tsnAdd(initial, off));
          assert.equal(status, seen.has(off) ? 'duplicate' : 'new');
          seen.add(off);
          const m = modelGaps(seen);
          assert.equal(t.cumTsn, tsnAdd(initial, m.cum));
          assert.deepEqual(t.gapBlocks(1000), m.gaps);
          assert.equal(t.hasGaps, m.gaps.length > 0);
        }
        for (let off = 0; off <= 300; off++) assert.equal(t.has(tsnAdd(initial, off)), seen.has(off) || off <= modelGaps(seen).cum);
      },
    ),
  );
});

test('forwardTo skips missing TSNs and merges blocks above', () => {
  const t = new TsnTracker(100);
  for (const x of [100, 103, 104, 106]) t.add(x);
  assert.equal(t.cumTsn, 100);
  assert.ok(t.forwardTo(102));
  assert.equal(t.cumTsn, 104);
  assert.deepEqual(t.gapBlocks(10), [2, 2]);
  assert.ok(!t.forwardTo(103));
  assert.equal(t.add(101), 'duplicate');
});

test('gapBlocks honours its limit', () => {
  const t = new TsnTracker(0);
  for (let i = 2; i < 100; i += 2) t.add(i);
  assert.equal(t.gapBlocks(5).length, 10);
});
