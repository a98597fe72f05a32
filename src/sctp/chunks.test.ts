import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteWriter } from '../core/bytes.js';
import {
  decodePacket,
  encodeChunk,
  setChecksum,
  writeCommonHeader,
  FLAG_BEGIN,
  FLAG_END,
  type Chunk,
} from './chunks.js';

function packet(chunks: readonly Chunk[], tag = 0x01020304): Uint8Array {
  const w = new ByteWriter(64);
  writeCommonHeader(w, { srcPort: 5000, dstPort: 5001, verificationTag: tag });
  for (const c of chunks) encodeChunk(w, c);
  return setChecksum(w.finish());
}

const bytes = (s: string) => new TextEncoder().encode(s);

const samples: Chunk[] = [
  { type: 'data', tsn: 0xfffffffe, streamId: 7, ssn: 65535, ppid: 51, flags: FLAG_BEGIN | FLAG_END, payload: bytes('hello') },
  {
    type: 'init',
    initiateTag: 0xdeadbeef,
    aRwnd: 4 << 20,
    outboundStreams: 65535,
    inboundStreams: 65535,
    initialTsn: 42,
    forwardTsn: true,
    reconfig: true,
    zeroChecksum: true,
  },
  {
    type: 'init-ack',
    initiateTag: 1,
    aRwnd: 1000,
    outboundStreams: 10,
    inboundStreams: 20,
    initialTsn: 0,
    forwardTsn: false,
    reconfig: true,
    cookie: bytes('cookie!'),
  },
  { type: 'sack', cumTsn: 100, aRwnd: 5000, gaps: [2, 3, 5, 9], dups: [99, 98] },
  { type: 'heartbeat', info: bytes('abc') },
  { type: 'heartbeat-ack', info: bytes('abcd') },
  { type: 'abort', reflected: true, causes: [{ code: 12, info: bytes('bye') }] },
  { type: 'error', causes: [{ code: 3, info: Uint8Array.of(0, 0, 1, 0) }, { code: 1, info: Uint8Array.of(0, 9, 0, 0) }] },
  { type: 'shutdown', cumTsn: 77 },
  { type: 'shutdown-ack' },
  { type: 'cookie-echo', cookie: bytes('a cookie of odd size') },
  { type: 'cookie-ack' },
  { type: 'shutdown-complete', reflected: false },
  {
    type: 'reconfig',
    params: [
      { kind: 'outgoing-reset', requestSeq: 5, responseSeq: 4, lastTsn: 1000, streamIds: [1, 3, 5] },
      { kind: 'response', responseSeq: 9, result: 1 },
      { kind: 'incoming-reset', requestSeq: 6, streamIds: [2] },
    ],
  },
  { type: 'forward-tsn', newCumTsn: 12345, streams: [1, 2, 3, 4] },
];

test('every chunk type round-trips, alone and bundled', () => {
  for (const c of samples) {
    const res = decodePacket(packet([c]));
    assert.ok(res.ok, c.type);
    assert.deepEqual(res.value.chunks, [c], c.type);
  }
  const res = decodePacket(packet(samples));
  assert.ok(res.ok);
  assert.deepEqual(res.value.chunks, samples);
  assert.deepEqual(res.value.header, { srcPort: 5000, dstPort: 5001, verificationTag: 0x01020304 });
});

test('INIT lists FORWARD TSN and RE-CONFIG in Supported Extensions (usrsctp needs both)', () => {
  const p = packet([samples[1]!]);
  const hex = Buffer.from(p).toString('hex');
  // Parameter 0x8008, length 6, chunk types 0x82 and 0xc0, two bytes of padding.
  assert.ok(hex.includes('8008000682c00000'));
  // Forward-TSN-Supported parameter (RFC 3758 3.1).
  assert.ok(hex.includes('c0000004'));
});

test('a flipped bit fails the checksum', () => {
  const p = packet([samples[0]!]);
  p[20]! ^= 1;
  const res = decodePacket(p);
  assert.ok(!res.ok);
  assert.equal(res.error.reason, 'integrity');
});

test('unknown chunks are kept whole for reporting', () => {
  const w = new ByteWriter();
  writeCommonHeader(w, { srcPort: 1, dstPort: 2, verificationTag: 3 });
  w.u8(0x4f).u8(0).u16(6).u8(1).u8(2).u16(0);
  const res = decodePacket(setChecksum(w.finish()));
  assert.ok(res.ok);
  const c = res.value.chunks[0]!;
  assert.equal(c.type, 'unknown');
  if (c.type === 'unknown') assert.deepEqual([...c.raw], [0x4f, 0, 0, 6, 1, 2]);
});

test('decoding random bytes never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      decodePacket(b, false);
      decodePacket(b, true);
    }),
    { numRuns: 3000 },
  );
});

test('decoding mutated valid packets never throws and returns a Result', () => {
  const valid = samples.map((c) => packet([c]));
  valid.push(packet(samples));
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: valid.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.nat(),
      (which, edits, cut) => {
        const p = valid[which]!.slice();
        for (const [at, v] of edits) p[at % p.length] = v;
        const truncated = p.subarray(0, Math.max(0, p.length - (cut % 16)));
        for (const b of [p, truncated]) {
          const res = decodePacket(b, false);
          assert.equal(typeof res.ok, 'boolean');
        }
      },
    ),
    { numRuns: 5000 },
  );
});

test('a zero checksum is accepted only when asked to', () => {
  const p = packet([samples[0]!]);
  p.fill(0, 8, 12);
  assert.ok(!decodePacket(p).ok);
  assert.ok(decodePacket(p, true, true).ok);
  // A wrong non-zero checksum still fails.
  p[8] = 1;
  assert.ok(!decodePacket(p, true, true).ok);
});
