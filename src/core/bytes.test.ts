import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ByteReader,
  ByteWriter,
  Slab,
  bytesEqual,
  concatBytes,
  constantTimeEqual,
  fromHex,
  toHex,
  utf8Decode,
  utf8DecodeStrict,
  utf8Encode,
} from './bytes.js';

test('writer and reader round-trip every width', () => {
  const w = new ByteWriter(4);
  w.u8(0xab).u16(0xbeef).u24(0x123456).u32(0xdeadbeef).u48(0x1234_5678_9abc).u64(0x0102030405060708n);
  w.bytes(new Uint8Array([1, 2, 3])).zeros(2);
  const r = new ByteReader(w.finish());
  assert.equal(r.u8(), 0xab);
  assert.equal(r.u16(), 0xbeef);
  assert.equal(r.u24(), 0x123456);
  assert.equal(r.u32(), 0xdeadbeef);
  assert.equal(r.u48(), 0x1234_5678_9abc);
  assert.equal(r.u64(), 0x0102030405060708n);
  assert.deepEqual([...r.bytes(3)], [1, 2, 3]);
  assert.deepEqual([...r.rest()], [0, 0]);
  assert.equal(r.failed, false);
  assert.equal(r.remaining, 0);
});

test('reading past the end sets failed, returns zero and never throws', () => {
  const r = new ByteReader(new Uint8Array([1, 2, 3]));
  assert.equal(r.u16(), 0x0102);
  assert.equal(r.u32(), 0);
  assert.equal(r.failed, true);
  assert.equal(r.remaining, 0);
  assert.equal(r.bytes(1).length, 0);
  assert.equal(r.u8(), 0);
});

test('reader respects a sub-range and sub readers', () => {
  const buf = new Uint8Array([9, 1, 2, 3, 4, 9]);
  const r = new ByteReader(buf, 1, 5);
  const s = r.sub(2);
  assert.equal(s.u16(), 0x0102);
  assert.equal(s.u8(), 0);
  assert.equal(s.failed, true);
  assert.equal(r.u16(), 0x0304);
  assert.equal(r.failed, false);
  assert.equal(r.u8(), 0, 'must not read beyond the end bound');
  assert.equal(r.failed, true);
  const bad = new ByteReader(buf).sub(99);
  assert.equal(bad.failed, true);
});

test('bytes() is a view, not a copy', () => {
  const buf = new Uint8Array([1, 2, 3, 4]);
  const v = new ByteReader(buf).bytes(2);
  buf[0] = 7;
  assert.equal(v[0], 7);
});

test('writer back-patches length fields and grows', () => {
  const w = new ByteWriter(16);
  w.u16(0).u24(0).u32(0);
  for (let i = 0; i < 100; i++) w.u8(i);
  w.setU16(0, 0xaaaa).setU24(2, 0xbbbbbb).setU32(5, 0xcccccccc);
  const out = w.finish();
  assert.equal(out.length, 109);
  assert.equal(toHex(out.subarray(0, 9)), 'aaaabbbbbbcccccccc');
  assert.equal(out[108], 99);
  assert.equal(w.written().length, 109);
  assert.equal(w.reset().finish().length, 0);
});

test('hex, utf-8 and comparisons', () => {
  assert.equal(toHex(new Uint8Array([0, 15, 255])), '000fff');
  assert.equal(toHex(new Uint8Array([0xab, 0xcd]), ':'), 'ab:cd');
  assert.deepEqual(fromHex('AB:cd 01'), new Uint8Array([0xab, 0xcd, 0x01]));
  assert.equal(fromHex('abc'), undefined);
  assert.equal(fromHex('zz'), undefined);
  assert.equal(utf8Decode(utf8Encode('héllo ✓')), 'héllo ✓');
  assert.equal(utf8DecodeStrict(new Uint8Array([0xff])), undefined);
  assert.equal(utf8DecodeStrict(utf8Encode('ok')), 'ok');
  assert.ok(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert.ok(!bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  assert.ok(!constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 2])));
  assert.ok(constantTimeEqual(new Uint8Array([5, 6]), new Uint8Array([5, 6])));
  assert.deepEqual(concatBytes([new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3])]), new Uint8Array([1, 2, 3]));
});

test('property: any sequence of reads on random bytes never throws and stays in bounds', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 40 }), (buf, ops) => {
      const r = new ByteReader(buf);
      for (const op of ops) {
        switch (op) {
          case 0: r.u8(); break;
          case 1: r.u16(); break;
          case 2: r.u24(); break;
          case 3: r.u32(); break;
          case 4: r.u64(); break;
          case 5: r.bytes(7); break;
          case 6: r.sub(5).u32(); break;
        }
        assert.ok(r.pos <= buf.length && r.remaining >= 0);
      }
    }),
  );
});

test('property: hex round-trips', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => bytesEqual(fromHex(toHex(b, ':'))!, b)));
});

test('Slab: views never overlap, start a new slab when full, and copy', () => {
  const slab = new Slab(16);
  const a = slab.take(10);
  const b = slab.take(6);
  a.fill(1);
  b.fill(2);
  assert.equal(a.buffer, b.buffer, 'carved from one slab');
  assert.deepEqual([...a, ...b], [...Array(10).fill(1), ...Array(6).fill(2)]);
  const c = slab.take(1);
  assert.notEqual(c.buffer, a.buffer, 'a full slab is never written again');
  const big = slab.take(40);
  assert.equal(big.length, 40, 'a request larger than a slab gets its own');
  const d = slab.copy(Uint8Array.of(7, 8, 9));
  assert.deepEqual([...d], [7, 8, 9]);
  assert.deepEqual([...a, ...b], [...Array(10).fill(1), ...Array(6).fill(2)], 'earlier views untouched');
});
