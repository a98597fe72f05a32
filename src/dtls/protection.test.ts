import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RecordProtection, type ChaChaImpl } from './protection.js';
import { ContentType } from './protocol.js';
import { decodeRecord } from './record.js';
import { SUITES, TAG_LENGTH } from './suites.js';

function pair(i: number, sealWith?: ChaChaImpl, openWith?: ChaChaImpl): [RecordProtection, RecordProtection] {
  const s = SUITES[i]!;
  const key = new Uint8Array(s.keyLength).map((_, j) => j * 7 + i);
  const iv = new Uint8Array(s.fixedIvLength).map((_, j) => j + 100);
  return [new RecordProtection(s, key, iv, sealWith), new RecordProtection(s, key, iv, openWith)];
}

const CHACHA = SUITES.findIndex((s) => s.cipher === 'chacha20-poly1305');

const IMPLS: ChaChaImpl[] = ['wasm', 'native', 'js'];

test('ChaCha20-Poly1305 in WebAssembly, node:crypto and JavaScript make the same records and open each other\'s (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1400 }), fc.nat(0xffff), fc.nat(0xffffff), (pt, epoch, seq) => {
      const records = IMPLS.map((impl) => pair(CHACHA, impl, impl)[0].seal(ContentType.applicationData, epoch, seq, pt));
      for (const rec of records) assert.deepEqual(rec, records[1]);
      for (const impl of IMPLS) {
        const [, rx] = pair(CHACHA, impl, impl);
        assert.deepEqual(rx.open(records[1]!.slice(), 0, records[1]!.length), pt);
        const bad = records[1]!.slice();
        bad[bad.length - 1]! ^= 1;
        const before = bad.slice();
        assert.equal(rx.open(bad, 0, bad.length), undefined);
        assert.deepEqual(bad, before, `${impl} open leaves a rejected record untouched`);
      }
    }),
  );
});

for (let i = 0; i < SUITES.length; i++) {
  const suite = SUITES[i]!;
  test(`${suite.name}: seal/open round-trip and record layout`, () => {
    const [tx, rx] = pair(i);
    const pt = new Uint8Array(1200).map((_, j) => j & 0xff);
    const rec = tx.seal(ContentType.applicationData, 1, 42, pt);
    assert.equal(rec.length, tx.sealedSize(1200));
    assert.equal(rec.length, 13 + suite.explicitNonceLength + 1200 + TAG_LENGTH);
    const d = decodeRecord(rec, 0);
    assert.ok(d.ok && d.value.epoch === 1 && d.value.sequence === 42);
    assert.deepEqual(rx.open(rec, 0, rec.length), pt);
  });

  test(`${suite.name}: any changed bit, header included, fails authentication (property)`, () => {
    const [tx, rx] = pair(i);
    const rec = tx.seal(ContentType.applicationData, 1, 7, new Uint8Array(64).fill(1));
    fc.assert(
      fc.property(fc.nat(rec.length - 1), fc.integer({ min: 0, max: 7 }), (at, bit) => {
        // Every header byte is in the additional data; the length field also frames.
        const m = rec.slice();
        m[at]! ^= 1 << bit;
        const d = decodeRecord(m, 0);
        if (d.ok) assert.equal(rx.open(m, 0, d.value.end), undefined);
      }),
    );
  });

  test(`${suite.name}: same plaintext under different sequence numbers differs`, () => {
    const [tx] = pair(i);
    const pt = new Uint8Array(32);
    const a = tx.seal(ContentType.applicationData, 1, 1, pt);
    const b = tx.seal(ContentType.applicationData, 1, 2, pt);
    assert.notDeepEqual(a.subarray(13 + suite.explicitNonceLength), b.subarray(13 + suite.explicitNonceLength));
  });
}

test('a record too short for a tag is refused', () => {
  const [, rx] = pair(0);
  const rec = new Uint8Array(13 + 10);
  assert.equal(rx.open(rec, 0, rec.length), undefined);
});
