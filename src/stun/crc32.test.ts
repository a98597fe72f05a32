import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { utf8Encode } from '../core/index.js';
import { crc32 } from './crc32.js';

test('CRC-32 check value (ISO 3309: "123456789" -> 0xcbf43926)', () => {
  assert.equal(crc32(utf8Encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('CRC-32 matches zlib on any bytes and any sub-range', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (b, x, y) => {
      const start = b.length ? x % b.length : 0;
      const end = start + (b.length - start ? y % (b.length - start + 1) : 0);
      assert.equal(crc32(b, start, end), zlibCrc32(b.subarray(start, end)));
    }),
    { numRuns: 500 },
  );
});
