import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { channelTypeFor, decodeDcep, encodeDcep, reliabilityOf, type DcepOpen } from './dcep.js';

test('DATA_CHANNEL_OPEN wire format (RFC 8832 5.1)', () => {
  const bytes = encodeDcep({ type: 'open', channelType: 0x81, priority: 256, reliability: 3, label: 'ab', protocol: 'x' });
  assert.deepEqual([...bytes], [3, 0x81, 1, 0, 0, 0, 0, 3, 0, 2, 0, 1, 97, 98, 120]);
  assert.deepEqual([...encodeDcep({ type: 'ack' })], [2]);
});

test('OPEN round-trips for any label, protocol and channel type', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(0x00, 0x80, 0x01, 0x81, 0x02, 0x82),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      (channelType, priority, reliability, label, protocol) => {
        const m: DcepOpen = { type: 'open', channelType, priority, reliability, label, protocol };
        const r = decodeDcep(encodeDcep(m));
        assert.ok(r.ok);
        assert.deepEqual(r.value, m);
      },
    ),
  );
});

test('channel types map to and from reliability options', () => {
  for (const r of [
    { ordered: true },
    { ordered: false },
    { ordered: true, maxRetransmits: 0 },
    { ordered: false, maxRetransmits: 5 },
    { ordered: true, maxPacketLifeTime: 100 },
    { ordered: false, maxPacketLifeTime: 1 },
  ]) {
    const t = channelTypeFor(r);
    assert.deepEqual(reliabilityOf({ type: 'open', ...t, priority: 0, label: '', protocol: '' }), r);
  }
});

test('decoding random or mutated bytes never throws', () => {
  const valid = encodeDcep({ type: 'open', channelType: 1, priority: 512, reliability: 9, label: 'label', protocol: 'proto' });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      decodeDcep(b);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (edits, cut) => {
      const b = valid.slice(0, valid.length - (cut % valid.length));
      for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
      const r = decodeDcep(b);
      assert.equal(typeof r.ok, 'boolean');
    }),
    { numRuns: 3000 },
  );
});

test('bad input is refused with a reason', () => {
  const cases: [Uint8Array, string][] = [
    [new Uint8Array(0), 'truncated'],
    [Uint8Array.of(9), 'unsupported'],
    [Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 1), 'truncated'],
    [Uint8Array.of(3, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 'unsupported'],
    [Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0xff), 'invalid'],
  ];
  for (const [b, reason] of cases) {
    const r = decodeDcep(b);
    assert.ok(!r.ok);
    assert.equal(r.error.reason, reason);
  }
});
