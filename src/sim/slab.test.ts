import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PACKET_SLAB_BYTES } from './constants.js';
import { PacketSlab } from './slab.js';

test('slab copies are independent of the source and of each other', () => {
  const slab = new PacketSlab();
  const src = new Uint8Array(1000);
  const copies: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    src.fill(i);
    copies.push(slab.copy(src));
  }
  src.fill(0xff);
  copies.forEach((c, i) => {
    assert.equal(c.length, 1000);
    assert.ok(c.every((b) => b === i));
    assert.equal(c.byteOffset % 8, 0);
  });
  // 200 KB of copies needed several slabs.
  assert.ok(new Set(copies.map((c) => c.buffer)).size >= 3);
});

test('large packets get their own buffer, empty ones work', () => {
  const slab = new PacketSlab();
  const big = new Uint8Array(PACKET_SLAB_BYTES).fill(7);
  const copy = slab.copy(big);
  assert.notEqual(copy.buffer, big.buffer);
  assert.equal(copy.byteOffset, 0);
  assert.deepEqual(copy, big);
  assert.equal(slab.copy(new Uint8Array(0)).length, 0);
});
