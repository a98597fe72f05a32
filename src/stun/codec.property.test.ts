import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv6, type TransportAddress } from '../core/index.js';
import {
  AttrType,
  StunClass,
  decodeStun,
  encodeStun,
  verifyIntegrity,
  type EncodeOptions,
  type StunAttributes,
  type StunMessage,
} from './index.js';

const u8 = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const text = fc.string({ unit: 'grapheme', maxLength: 24 });
const port = fc.integer({ min: 0, max: 0xffff });

const address: fc.Arbitrary<TransportAddress> = fc.oneof(
  fc.record({ family: fc.constant('IPv4' as const), address: fc.ipV4(), port }, { noNullPrototype: true }),
  fc.record({ family: fc.constant('IPv6' as const), address: u8(16).map(formatIpv6), port }, { noNullPrototype: true }),
);

const knownTypes = new Set<number>(Object.values(AttrType));
const algorithm = fc.record({ algorithm: fc.integer({ min: 0, max: 0xffff }), params: fc.uint8Array({ maxLength: 9 }) }, { noNullPrototype: true });

const attributes: fc.Arbitrary<StunAttributes> = fc.record(
  {
    mappedAddress: address,
    xorMappedAddress: address,
    xorPeerAddress: fc.array(address, { minLength: 1, maxLength: 4 }),
    xorRelayedAddress: address,
    alternateServer: address,
    username: text,
    realm: text,
    nonce: text,
    software: text,
    errorCode: fc.record({ code: fc.integer({ min: 300, max: 699 }), reason: text }, { noNullPrototype: true }),
    unknownAttributes: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 5 }),
    priority: u32,
    useCandidate: fc.constant(true),
    iceControlled: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    iceControlling: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    lifetime: u32,
    requestedTransport: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ maxLength: 64 }),
    channelNumber: port,
    dontFragment: fc.constant(true),
    evenPort: fc.boolean(),
    reservationToken: u8(8),
    requestedAddressFamily: fc.integer({ min: 0, max: 255 }),
    userhash: u8(32),
    passwordAlgorithms: fc.array(algorithm, { maxLength: 3 }),
    passwordAlgorithm: algorithm,
    unknown: fc.array(
      fc.record({
        type: fc.integer({ min: 0x8000, max: 0xffff }).filter((t) => !knownTypes.has(t)),
        value: fc.uint8Array({ maxLength: 12 }),
      }, { noNullPrototype: true }),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { requiredKeys: [], noNullPrototype: true },
);

const message: fc.Arbitrary<StunMessage> = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  cls: fc.constantFrom(StunClass.Request, StunClass.Indication, StunClass.Success, StunClass.Error),
  transactionId: u8(12),
  attrs: attributes,
});

const key = fc.uint8Array({ minLength: 1, maxLength: 32 });
const options: fc.Arbitrary<EncodeOptions> = fc.record(
  { integrityKey: key, integritySha256Key: key, fingerprint: fc.boolean() },
  { requiredKeys: [], noNullPrototype: true },
);

test('random messages round-trip through encode and decode', () => {
  fc.assert(
    fc.property(message, options, (m, opts) => {
      const r = decodeStun(encodeStun(m, opts));
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const d = r.value;
      assert.equal(d.method, m.method);
      assert.equal(d.cls, m.cls);
      assert.deepEqual(d.transactionId, m.transactionId);
      assert.deepEqual(d.attrs, m.attrs);
      assert.deepEqual(d.unknownRequired, []);
      assert.equal(d.fingerprint, opts.fingerprint === true);
      const k = opts.integritySha256Key ?? opts.integrityKey;
      if (k) assert.equal(verifyIntegrity(d, k), true);
      else assert.equal(d.integrityAt ?? d.integritySha256At, undefined);
    }),
  );
});

function neverThrows(data: Uint8Array): void {
  const r = decodeStun(data);
  assert.equal(typeof r.ok, 'boolean');
  if (!r.ok) assert.equal(r.error.layer, 'stun');
}

test('random bytes never make decodeStun throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), neverThrows), { numRuns: 2000 });
  // Random bodies behind a valid header reach the attribute parser.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 50 }).map((b) => b.subarray(0, b.length & ~3)), (body) => {
      const data = new Uint8Array(20 + body.length);
      data.set([0, 1, body.length >> 8, body.length & 0xff, 0x21, 0x12, 0xa4, 0x42]);
      data.set(body, 20);
      neverThrows(data);
    }),
    { numRuns: 2000 },
  );
});

test('mutated valid messages never make decodeStun throw', () => {
  const mutation = fc.record({
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cut: fc.option(fc.nat()),
  });
  fc.assert(
    fc.property(message, options, mutation, (m, opts, mu) => {
      let b = encodeStun(m, opts);
      for (const [at, v] of mu.flips) b[at % b.length] = v;
      if (mu.cut !== null) b = b.subarray(0, mu.cut % (b.length + 1));
      neverThrows(b);
    }),
  );
});

test('integrity fails on any single flipped bit', () => {
  fc.assert(
    fc.property(message, key, fc.boolean(), fc.nat(), (m, k, sha256, bit) => {
      const b = encodeStun(m, sha256 ? { integritySha256Key: k } : { integrityKey: k });
      const i = bit % (b.length * 8);
      b[i >> 3]! ^= 1 << (i & 7);
      const r = decodeStun(b);
      if (r.ok) assert.equal(verifyIntegrity(r.value, k), false, `bit ${i} of ${b.length * 8}`);
    }),
    { numRuns: 300 },
  );
});
