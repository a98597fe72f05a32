import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContentType } from './protocol.js';
import { decodeRecord, plainRecord } from './record.js';

test('a plaintext record round-trips', () => {
  const body = new Uint8Array([1, 2, 3]);
  const rec = plainRecord(ContentType.handshake, 1, 2 ** 40 + 5, body);
  const r = decodeRecord(rec, 0);
  assert.ok(r.ok);
  assert.equal(r.value.type, ContentType.handshake);
  assert.equal(r.value.epoch, 1);
  assert.equal(r.value.sequence, 2 ** 40 + 5);
  assert.equal(r.value.version, 0xfefd);
  assert.deepEqual(r.value.fragment, body);
  assert.equal(r.value.end, rec.length);
});

test('several records in one datagram decode in turn', () => {
  const a = plainRecord(ContentType.handshake, 0, 0, new Uint8Array(5));
  const b = plainRecord(ContentType.changeCipherSpec, 0, 1, new Uint8Array([1]));
  const d = new Uint8Array([...a, ...b]);
  const first = decodeRecord(d, 0);
  assert.ok(first.ok);
  const second = decodeRecord(d, first.value.end);
  assert.ok(second.ok);
  assert.equal(second.value.type, ContentType.changeCipherSpec);
  assert.equal(second.value.end, d.length);
});

test('truncated, unknown type and non-DTLS versions are refused', () => {
  const rec = plainRecord(ContentType.alert, 0, 0, new Uint8Array([1, 0]));
  const cut = decodeRecord(rec.subarray(0, rec.length - 1), 0);
  assert.ok(!cut.ok && cut.error.reason === 'truncated');
  const short = decodeRecord(rec.subarray(0, 5), 0);
  assert.ok(!short.ok && short.error.reason === 'truncated');
  const badType = rec.slice();
  badType[0] = 99;
  assert.ok(!decodeRecord(badType, 0).ok);
  const tls = rec.slice();
  tls[1] = 3;
  const v = decodeRecord(tls, 0);
  assert.ok(!v.ok && v.error.reason === 'unsupported');
});

test('random and mutated bytes never throw (property)', () => {
  const valid = plainRecord(ContentType.handshake, 0, 7, new Uint8Array(40).fill(9));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(60), fc.integer({ min: 0, max: 255 }), (junk, at, v) => {
      decodeRecord(junk, 0);
      const m = valid.slice();
      m[at % m.length] = v;
      const r = decodeRecord(m, 0);
      if (r.ok) assert.ok(r.value.end <= m.length);
    }),
  );
});
