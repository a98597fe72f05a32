import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventHeap } from './heap.js';

test('the heap pops by time, then by insertion order', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
      const heap = new EventHeap<number>();
      times.forEach((t, i) => heap.push(t, i));
      const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.equal(heap.size, times.length);
      for (const [t, i] of expected) {
        assert.equal(heap.peekTime(), t);
        const slot = heap.pop()!;
        assert.deepEqual([slot.time, slot.item], [t, i]);
      }
      assert.equal(heap.pop(), undefined);
      assert.equal(heap.peekTime(), undefined);
    }),
    { seed: 1 },
  );
});

test('retain drops refused items and keeps the order of the rest', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
      const heap = new EventHeap<number>();
      times.forEach((t, i) => heap.push(t, i));
      heap.retain((i) => i % 3 !== 0);
      const expected = times
        .map((t, i) => [t, i] as const)
        .filter(([, i]) => i % 3 !== 0)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(
        expected.map(() => heap.pop()!.item),
        expected.map(([, i]) => i),
      );
      assert.equal(heap.size, 0);
    }),
    { seed: 2 },
  );
});
