import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32c, crc32cContinue, sctpChecksum } from './crc32c.js';

/** Bit-at-a-time reference CRC32c. */
function reference(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test('crc32c known vectors (RFC 3720 B.4)', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('slicing-by-8 equals the bitwise reference on any input and range', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (buf, x, y) => {
      const a = buf.length ? x % (buf.length + 1) : 0;
      const b = buf.length ? y % (buf.length + 1) : 0;
      const [s, e] = a <= b ? [a, b] : [b, a];
      assert.equal(crc32c(buf, s, e), reference(buf.subarray(s, e)));
    }),
  );
});

test('crc32cContinue composes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
      const joined = new Uint8Array(a.length + b.length);
      joined.set(a);
      joined.set(b, a.length);
      assert.equal(crc32cContinue(crc32c(a), b), crc32c(joined));
    }),
  );
});

test('sctpChecksum treats the checksum field as zero', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 12, maxLength: 200 }), (p) => {
      const zeroed = p.slice();
      zeroed.fill(0, 8, 12);
      assert.equal(sctpChecksum(p), crc32c(zeroed));
    }),
  );
});
