import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FLAG_BEGIN, FLAG_END, FLAG_UNORDERED, type DataChunk } from './chunks.js';
import { Reassembly, type DeliveredMessage } from './reassembly.js';
import { tsnAdd } from './serial.js';

interface Msg {
  stream: number;
  unordered: boolean;
  size: number;
}

/** Cuts messages into DATA chunks the way a sender does: consecutive TSNs, per-stream SSNs. */
function chunksOf(msgs: Msg[], fragment: number, initialTsn: number): { chunks: DataChunk[]; payloads: Uint8Array[] } {
  const ssn = new Map<number, number>();
  const chunks: DataChunk[] = [];
  const payloads: Uint8Array[] = [];
  let tsn = initialTsn;
  msgs.forEach((m, i) => {
    const data = Uint8Array.from({ length: m.size }, (_, k) => (i * 7 + k) & 0xff);
    payloads.push(data);
    const s = m.unordered ? 0 : (ssn.get(m.stream) ?? 0);
    if (!m.unordered) ssn.set(m.stream, (s + 1) & 0xffff);
    for (let off = 0; off < m.size; off += fragment) {
      let flags = m.unordered ? FLAG_UNORDERED : 0;
      if (off === 0) flags |= FLAG_BEGIN;
      if (off + fragment >= m.size) flags |= FLAG_END;
      chunks.push({ type: 'data', tsn, streamId: m.stream, ssn: s, ppid: i, flags, payload: data.subarray(off, off + fragment) });
      tsn = tsnAdd(tsn, 1);
    }
  });
  return { chunks, payloads };
}

test('any arrival order delivers every message once, ordered streams in order', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ stream: fc.integer({ min: 0, max: 3 }), unordered: fc.boolean(), size: fc.integer({ min: 1, max: 50 }) }),
        { minLength: 1, maxLength: 40 },
      ),
      fc.integer({ min: 1, max: 16 }),
      fc.constantFrom(0, 0xfffffff0),
      fc.nat(),
      (msgs, fragment, initialTsn, seed) => {
        const { chunks, payloads } = chunksOf(msgs, fragment, initialTsn);
        // Deterministic shuffle from the seed.
        let x = seed | 1;
        for (let i = chunks.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) & 0x7fffffff;
          const j = x % (i + 1);
          [chunks[i], chunks[j]] = [chunks[j]!, chunks[i]!];
        }
        const out: DeliveredMessage[] = [];
        const r = new Reassembly(out, 1 << 20);
        for (const c of chunks) assert.equal(r.add(c), 'ok');
        assert.equal(out.length, msgs.length);
        assert.equal(r.bufferedBytes, 0);
        const seen = new Set<number>();
        const lastPerStream = new Map<number, number>();
        for (const m of out) {
          assert.ok(!seen.has(m.ppid), 'delivered once');
          seen.add(m.ppid);
          assert.deepEqual(m.data, payloads[m.ppid]);
          const spec = msgs[m.ppid]!;
          assert.equal(m.streamId, spec.stream);
          if (!spec.unordered) {
            assert.ok((lastPerStream.get(m.streamId) ?? -1) < m.ppid, 'ordered delivery');
            lastPerStream.set(m.streamId, m.ppid);
          }
        }
      },
    ),
  );
});

test('a message above the size limit is dropped and its buffer released', () => {
  const out: DeliveredMessage[] = [];
  const r = new Reassembly(out, 10);
  const { chunks } = chunksOf([{ stream: 0, unordered: false, size: 12 }, { stream: 0, unordered: false, size: 5 }], 4, 1);
  for (const c of chunks) assert.equal(r.add(c), c.flags & FLAG_END && c.payload.length === 4 ? 'too-large' : 'ok');
  // The dropped message's SSN is skipped, so the next one on the stream still arrives.
  assert.equal(r.bufferedBytes, 0);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.data.length, 5);
});

test('forward drops abandoned fragments and skips their SSN', () => {
  const out: DeliveredMessage[] = [];
  const r = new Reassembly(out, 1 << 20);
  const { chunks } = chunksOf(
    [
      { stream: 1, unordered: false, size: 8 }, // TSN 10, 11 (11 lost)
      { stream: 1, unordered: false, size: 3 }, // TSN 12
    ],
    4,
    10,
  );
  r.add(chunks[0]!);
  r.add(chunks[2]!);
  assert.equal(out.length, 0);
  assert.equal(r.bufferedBytes, 4 + 3);
  r.forward(11, [1, 0]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.ppid, 1);
  assert.equal(r.bufferedBytes, 0);
});

test('resetStream restarts SSNs at 0 and delivers what waited', () => {
  const out: DeliveredMessage[] = [];
  const r = new Reassembly(out, 1 << 20);
  const { chunks } = chunksOf([{ stream: 2, unordered: false, size: 1 }, { stream: 2, unordered: false, size: 1 }], 4, 0);
  r.add(chunks[0]!);
  r.add(chunks[1]!);
  assert.equal(out.length, 2);
  // After the peer's reset, its next message has SSN 0 again.
  r.resetStream(2);
  r.add({ ...chunks[0]!, tsn: 5, ppid: 9 });
  assert.equal(out.length, 3);
  assert.equal(out[2]!.ppid, 9);
});
