/**
 * Engine-level fuzzing: well-framed packets (right ports, tag and CRC32c) carrying arbitrary
 * chunks must never make an association throw, and chunks that cannot end the association
 * must leave it able to carry data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteWriter } from '../core/bytes.js';
import { transportAddress } from '../core/address.js';
import { SeededRandom } from '../core/random.js';
import { drain } from '../core/engine.js';
import { SctpAssociation, type SctpOutput } from './association.js';
import { encodeChunk, setChecksum, writeCommonHeader, type Chunk } from './chunks.js';

const ADDR = transportAddress('127.0.0.1', 1);

function established(): { a: SctpAssociation; b: SctpAssociation; pump: (now: number) => SctpOutput[] } {
  const a = new SctpAssociation({ role: 'client', rng: new SeededRandom(1) });
  const b = new SctpAssociation({ role: 'server', rng: new SeededRandom(2) });
  const pump = (now: number): SctpOutput[] => {
    const events: SctpOutput[] = [];
    for (let i = 0; i < 20; i++) {
      let moved = false;
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        for (const o of drain(from)) {
          if (o.type === 'transmit') {
            to.handleInput(now, { type: 'datagram', data: o.data, from: ADDR, to: ADDR });
            moved = true;
          } else if (from === b) events.push(o);
        }
      }
      if (!moved) break;
    }
    return events;
  };
  a.handleInput(0, { type: 'connect' });
  pump(0);
  assert.equal(b.state, 'established');
  return { a, b, pump };
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = fc.uint8Array({ maxLength: 40 });

const chunk: fc.Arbitrary<Chunk> = fc.oneof(
  fc.record({
    type: fc.constant('data' as const),
    tsn: u32,
    streamId: u16,
    ssn: u16,
    ppid: u32,
    flags: fc.integer({ min: 0, max: 15 }),
    payload: fc.uint8Array({ maxLength: 60 }),
  }),
  fc.record({
    type: fc.constant('sack' as const),
    cumTsn: u32,
    aRwnd: u32,
    gaps: fc.array(u16, { maxLength: 8 }).map((g) => (g.length % 2 ? g.slice(1) : g)),
    dups: fc.array(u32, { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('forward-tsn' as const), newCumTsn: u32, streams: fc.array(u16, { maxLength: 6 }).map((x) => (x.length % 2 ? x.slice(1) : x)) }),
  fc.record({
    type: fc.constant('reconfig' as const),
    params: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('outgoing-reset' as const), requestSeq: u32, responseSeq: u32, lastTsn: u32, streamIds: fc.array(u16, { maxLength: 4 }) }),
        fc.record({ kind: fc.constant('incoming-reset' as const), requestSeq: u32, streamIds: fc.array(u16, { maxLength: 4 }) }),
        fc.record({ kind: fc.constant('response' as const), responseSeq: u32, result: fc.integer({ min: 0, max: 8 }) }),
      ),
      { maxLength: 3 },
    ),
  }),
  fc.record({ type: fc.constant('heartbeat' as const), info: bytes }),
  fc.record({ type: fc.constant('heartbeat-ack' as const), info: bytes }),
  fc.record({ type: fc.constant('cookie-echo' as const), cookie: bytes }),
  fc.record({ type: fc.constant('error' as const), causes: fc.array(fc.record({ code: u16, info: bytes }), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('cookie-ack' as const) }),
  fc.record({
    type: fc.constant('init-ack' as const),
    initiateTag: u32.filter((x) => x !== 0),
    aRwnd: u32,
    outboundStreams: u16.filter((x) => x !== 0),
    inboundStreams: u16.filter((x) => x !== 0),
    initialTsn: u32,
    forwardTsn: fc.boolean(),
    reconfig: fc.boolean(),
    cookie: bytes,
  }),
);

test('arbitrary well-framed chunks never throw and do not break the association', () => {
  fc.assert(
    fc.property(fc.array(fc.array(chunk, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (packets) => {
      const { a, b, pump } = established();
      let now = 10;
      for (const chunks of packets) {
        const w = new ByteWriter();
        writeCommonHeader(w, { srcPort: 5000, dstPort: 5000, verificationTag: b.localTag });
        for (const c of chunks) encodeChunk(w, c);
        b.handleInput(now, { type: 'datagram', data: setChecksum(w.finish()), from: ADDR, to: ADDR });
        pump(now);
        now += 7;
        const t = b.pollTimeout();
        if (t !== undefined && t <= now) b.handleTimeout(now);
      }
      // Junk cannot close it, except a DATA chunk without user data, which RFC 9260 6.2
      // answers with an ABORT.
      const empty = packets.flat().some((c) => c.type === 'data' && c.payload.length === 0);
      if (empty) {
        if (b.state === 'closed') return;
      } else assert.equal(b.state, 'established');
      // It still carries data from a to b, at worst after retransmissions.
      a.handleInput(now, { type: 'send', streamId: 3, ppid: 53, data: Uint8Array.of(42), ordered: false });
      let got = false;
      for (let i = 0; i < 200 && !got; i++) {
        got = pump(now).some((e) => e.type === 'message' && e.streamId === 3 && e.data[0] === 42);
        now += 100;
        for (const e of [a, b]) {
          const t = e.pollTimeout();
          if (t !== undefined && t <= now) e.handleTimeout(now);
        }
      }
      // Data chunks with TSNs far ahead or forward TSNs may have consumed the TSN space
      // the peer will use; delivery then depends on them. Only require no crash in that case.
      const disruptive = packets.flat().some((c) => c.type === 'data' || c.type === 'forward-tsn' || c.type === 'sack');
      if (!disruptive) assert.ok(got, 'data still flows');
    }),
    { numRuns: 300 },
  );
});
