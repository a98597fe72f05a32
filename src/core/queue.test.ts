import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BoundedQueue } from './queue.js';
import { OutputQueue, drain } from './engine.js';

test('bounded by count: push refuses when full and changes nothing', () => {
  const q = new BoundedQueue<number>(3);
  assert.ok(q.push(1) && q.push(2) && q.push(3));
  assert.equal(q.push(4), false);
  assert.equal(q.length, 3);
  assert.equal(q.shift(), 1);
  assert.ok(q.push(4));
  assert.deepEqual([...q], [2, 3, 4]);
});

test('bounded by bytes', () => {
  const q = new BoundedQueue<Uint8Array>({ maxItems: 100, maxBytes: 10, sizeOf: (b) => b.length });
  assert.ok(q.push(new Uint8Array(6)));
  assert.equal(q.fits(5), false);
  assert.equal(q.push(new Uint8Array(5)), false);
  assert.ok(q.push(new Uint8Array(4)));
  assert.equal(q.bytes, 10);
  q.shift();
  assert.equal(q.bytes, 4);
  q.clear();
  assert.equal(q.bytes, 0);
  assert.ok(q.isEmpty);
  assert.throws(() => new BoundedQueue({ maxItems: 1, maxBytes: 1 }), RangeError);
  assert.throws(() => new BoundedQueue(0), RangeError);
});

test('property: a bounded queue behaves as a FIFO model within its bound', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.option(fc.integer(), { nil: undefined }), { maxLength: 300 }), (cap, ops) => {
      const q = new BoundedQueue<number>(cap);
      const model: number[] = [];
      for (const op of ops) {
        if (op === undefined) {
          assert.equal(q.shift(), model.shift());
        } else {
          const accepted = q.push(op);
          assert.equal(accepted, model.length < cap);
          if (accepted) model.push(op);
        }
        assert.equal(q.length, model.length);
        assert.equal(q.peek(), model[0]);
      }
      assert.deepEqual([...q], model);
    }),
  );
});

test('output queue drains in order and compacts', () => {
  const q = new OutputQueue<number>();
  for (let i = 0; i < 3000; i++) q.push(i);
  for (let i = 0; i < 2000; i++) assert.equal(q.shift(), i);
  assert.equal(q.length, 1000);
  const rest = drain({ pollOutput: () => q.shift() });
  assert.equal(rest.length, 1000);
  assert.equal(rest[0], 2000);
  assert.equal(q.shift(), undefined);
});
