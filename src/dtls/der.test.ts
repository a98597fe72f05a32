import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toHex } from '../core/index.js';
import { decodeChildren, decodeTlv, oid, oidToString, sequence, time, tlv, unsignedInteger } from './der.js';

test('OIDs encode as X.690 says and decode back', () => {
  assert.equal(toHex(oid('1.2.840.10045.2.1')), '06072a8648ce3d0201');
  for (const s of ['1.2.840.10045.3.1.7', '2.5.4.3', '1.3.6.1.4.1.311.60.2.1.1']) {
    const t = decodeTlv(oid(s));
    assert.ok(t.ok);
    assert.equal(oidToString(t.value.content), s);
  }
});

test('lengths use the short and long forms', () => {
  assert.equal(toHex(tlv(4, new Uint8Array(3))), '0403000000');
  assert.equal(toHex(tlv(4, new Uint8Array(200)).subarray(0, 3)), '0481c8');
  assert.equal(toHex(tlv(4, new Uint8Array(300)).subarray(0, 4)), '0482012c');
});

test('integers are minimal and positive', () => {
  assert.equal(toHex(unsignedInteger(new Uint8Array([0, 0, 5]))), '020105');
  assert.equal(toHex(unsignedInteger(new Uint8Array([0x80]))), '02020080');
});

test('times switch to GeneralizedTime from 2050', () => {
  assert.equal(toHex(time(new Date('2049-12-31T23:59:59Z')).subarray(0, 1)), '17');
  assert.equal(toHex(time(new Date('2050-01-01T00:00:00Z')).subarray(0, 1)), '18');
});

test('nested structures decode', () => {
  const s = sequence(oid('2.5.4.3'), tlv(4, new Uint8Array([1])));
  const t = decodeTlv(s);
  assert.ok(t.ok);
  const kids = decodeChildren(t.value.content);
  assert.ok(kids.ok && kids.value.length === 2 && kids.value[1]!.tag === 4);
});

test('random bytes never throw and never read past the input (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const t = decodeTlv(b);
      if (t.ok) {
        assert.ok(t.value.end <= b.length);
        decodeChildren(t.value.content);
      }
    }),
  );
});
