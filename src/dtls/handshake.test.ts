import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeHandshakeFragments, encodeHandshake, fragmentHandshake, HandshakeReassembler } from './handshake.js';
import { HANDSHAKE_WINDOW } from './constants.js';

test('an unfragmented message decodes as one fragment', () => {
  const body = new Uint8Array([5, 6, 7]);
  const f = decodeHandshakeFragments(encodeHandshake(1, 3, body));
  assert.ok(f.ok);
  assert.equal(f.value.length, 1);
  assert.equal(f.value[0]!.messageSeq, 3);
  assert.deepEqual(f.value[0]!.body, body);
});

test('fragments in any order, with repeats and overlaps, reassemble (property)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 3000 }),
      fc.integer({ min: 1, max: 700 }),
      fc.integer({ min: 1, max: 700 }),
      fc.infiniteStream(fc.nat()),
      (body, size1, size2, order) => {
        const msg = { msgType: 11, messageSeq: 0, body };
        // Two different fragmentations overlap each other.
        const all = [...fragmentHandshake(msg, size1), ...fragmentHandshake(msg, size2)];
        const it = order[Symbol.iterator]();
        for (let i = all.length - 1; i > 0; i--) {
          const j = it.next().value! % (i + 1);
          [all[i], all[j]] = [all[j]!, all[i]!];
        }
        const r = new HandshakeReassembler();
        let got;
        for (const rec of all) {
          const frags = decodeHandshakeFragments(rec);
          assert.ok(frags.ok);
          // Once the message is out, its remaining fragments are retransmissions ('old').
          for (const f of frags.value) assert.equal(r.add(f), got ? 'old' : 'buffered');
          got ??= r.next();
        }
        assert.ok(got);
        assert.deepEqual(got.body, body);
        assert.equal(r.next(), undefined);
      },
    ),
  );
});

test('messages come out in message_seq order; old and far-future ones are refused', () => {
  const r = new HandshakeReassembler();
  const frag = (seq: number) => decodeHandshakeFragments(encodeHandshake(2, seq, new Uint8Array([seq])));
  const f1 = frag(1);
  const f0 = frag(0);
  assert.ok(f1.ok && f0.ok);
  assert.equal(r.add(f1.value[0]!), 'buffered');
  assert.equal(r.next(), undefined); // 0 missing
  assert.equal(r.add(f0.value[0]!), 'buffered');
  assert.equal(r.next()!.messageSeq, 0);
  assert.equal(r.next()!.messageSeq, 1);
  assert.equal(r.add(f0.value[0]!), 'old');
  const far = frag(2 + HANDSHAKE_WINDOW);
  assert.ok(far.ok);
  assert.equal(r.add(far.value[0]!), 'future');
});

test('a fragment disagreeing on type or length is invalid', () => {
  const r = new HandshakeReassembler();
  const [a] = fragmentHandshake({ msgType: 1, messageSeq: 0, body: new Uint8Array(10) }, 4);
  const [b] = fragmentHandshake({ msgType: 2, messageSeq: 0, body: new Uint8Array(10) }, 4);
  const fa = decodeHandshakeFragments(a!);
  const fb = decodeHandshakeFragments(b!);
  assert.ok(fa.ok && fb.ok);
  r.add(fa.value[0]!);
  assert.equal(r.add(fb.value[0]!), 'invalid');
});

test('random and mutated handshake records never throw (property)', () => {
  const valid = encodeHandshake(1, 0, new Uint8Array(30).fill(4));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(41), fc.nat(255), (junk, at, v) => {
      const r = new HandshakeReassembler();
      for (const input of [junk, valid.map((x, i) => (i === at ? v : x))]) {
        const frags = decodeHandshakeFragments(input);
        if (frags.ok) for (const f of frags.value) r.add(f);
        r.next();
      }
    }),
  );
});
