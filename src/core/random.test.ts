import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom, cryptoRandom, randomBytes, randomFloat, randomInt, randomString } from './random.js';
import { toHex } from './bytes.js';

test('seeded random replays bit for bit and differs by seed', () => {
  const a = new SeededRandom(7);
  const b = new SeededRandom(7);
  const c = new SeededRandom(8);
  const seqA = Array.from({ length: 20 }, () => a.u32());
  const seqB = Array.from({ length: 20 }, () => b.u32());
  const seqC = Array.from({ length: 20 }, () => c.u32());
  assert.deepEqual(seqA, seqB);
  assert.notDeepEqual(seqA, seqC);
  assert.equal(toHex(randomBytes(new SeededRandom(1), 13)), toHex(randomBytes(new SeededRandom(1), 13)));
});

test('seeded random is roughly uniform', () => {
  const rng = new SeededRandom(123);
  const buckets = new Array(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) buckets[Math.floor(randomFloat(rng) * 10)]++;
  for (const count of buckets) assert.ok(Math.abs(count - n / 10) < n / 100, `bucket ${count}`);
});

test('randomInt stays in range and hits both ends', () => {
  const rng = new SeededRandom(5);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = randomInt(rng, -3, 3);
    assert.ok(v >= -3 && v <= 3);
    seen.add(v);
  }
  assert.equal(seen.size, 7);
  assert.equal(randomInt(rng, 4, 4), 4);
  assert.throws(() => randomInt(rng, 0, 2 ** 33), RangeError);
});

test('randomString uses the ICE alphabet', () => {
  const s = randomString(new SeededRandom(9), 200);
  assert.equal(s.length, 200);
  assert.match(s, /^[A-Za-z0-9+/]+$/);
});

test('fork gives independent but reproducible streams', () => {
  const f1 = new SeededRandom(3).fork();
  const f2 = new SeededRandom(3).fork();
  assert.equal(f1.u32(), f2.u32());
});

test('crypto random fills large buffers', () => {
  const b = randomBytes(cryptoRandom, 70_000);
  assert.equal(b.length, 70_000);
  assert.ok(b.subarray(65_536).some((x) => x !== 0));
  assert.ok(Number.isInteger(cryptoRandom.u32()));
});
