import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromHex, utf8Encode } from '../core/index.js';
import { TYPE_A, TYPE_AAAA } from './constants.js';
import {
  type DnsMessage,
  type DnsRecord,
  addressRecord,
  decodeDnsMessage,
  encodeDnsMessage,
  recordAddress,
} from './message.js';
import { isValidDnsName, normalizeName, readName } from './name.js';

function decodeOk(bytes: Uint8Array): DnsMessage {
  const r = decodeDnsMessage(bytes);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('decodes a hand-built mDNS response with a compressed name', () => {
  // header: id 0, flags 8400, 0 questions, 2 answers
  // answer 1 at offset 12: 4"abcd" 5"local" 0, A IN(cache-flush) ttl 120, 10.0.0.7
  // answer 2: pointer to offset 12, AAAA IN ttl 120, ::1
  const hex =
    '0000 8400 0000 0002 0000 0000' +
    '04 61626364 05 6c6f63616c 00 0001 8001 00000078 0004 0a000007' +
    'c00c 001c 0001 00000078 0010 00000000000000000000000000000001';
  const msg = decodeOk(fromHex(hex)!);
  assert.equal(msg.flags, 0x8400);
  assert.equal(msg.answers.length, 2);
  const [a, aaaa] = msg.answers as [DnsRecord, DnsRecord];
  assert.equal(a.name, 'abcd.local');
  assert.equal(a.cacheFlush, true);
  assert.equal(a.class, 1);
  assert.equal(a.ttl, 120);
  assert.equal(recordAddress(a), '10.0.0.7');
  assert.equal(aaaa.name, 'abcd.local');
  assert.equal(aaaa.cacheFlush, false);
  assert.equal(recordAddress(aaaa), '::1');
});

test('refuses pointer loops, forward pointers and self pointers', () => {
  const self = fromHex('0000 0000 0001 0000 0000 0000 c00c 0001 0001')!; // points at itself
  const r1 = decodeDnsMessage(self);
  assert.equal(r1.ok, false);
  assert.equal(!r1.ok && r1.error.reason, 'invalid');
  // label "a" then a pointer back to the label: a -> a -> ... must not loop
  const loop = fromHex('0000 0000 0001 0000 0000 0000 0161 c00c 0001 0001')!;
  const r2 = decodeDnsMessage(loop);
  assert.equal(r2.ok, false);
  assert.equal(!r2.ok && r2.error.reason, 'invalid');
  const forward = fromHex('0000 0000 0001 0000 0000 0000 c010 0001 0001 0161 00')!;
  assert.equal(decodeDnsMessage(forward).ok, false);
});

test('backward pointer chains are bounded by name length and jump count', () => {
  // Items of a 10-octet label followed by a pointer to the previous item: the name grows
  // past 255 octets long before the jump limit.
  const labels: number[] = [...new Array(12).fill(0), 10, ...utf8Encode('aaaaaaaaaa'), 0];
  let prev = 12;
  for (let i = 0; i < 30; i++) {
    const at = labels.length;
    labels.push(10, ...utf8Encode('aaaaaaaaaa'), 0xc0 | (prev >> 8), prev & 0xff);
    prev = at;
  }
  const r1 = readName(new Uint8Array(labels), prev);
  assert.equal(!r1.ok && r1.error.reason, 'too-large');
  // Pure pointer chains add no octets; the jump limit ends them.
  const ptrs: number[] = [...new Array(12).fill(0), 0];
  prev = 12;
  for (let i = 0; i < 200; i++) {
    const at = ptrs.length;
    ptrs.push(0xc0 | (prev >> 8), prev & 0xff);
    prev = at;
  }
  const r2 = readName(new Uint8Array(ptrs), prev);
  assert.equal(!r2.ok && r2.error.reason, 'invalid');
  // A short chain is fine and ends where the first pointer was.
  const r3 = readName(new Uint8Array(ptrs), 13 + 2 * 5);
  assert.ok(r3.ok);
  assert.deepEqual(r3.value, { name: '', next: 13 + 2 * 5 + 2 });
});

test('truncation anywhere in a message is reported, never thrown', () => {
  const full = encodeDnsMessage({
    id: 7,
    flags: 0x8400,
    questions: [{ name: 'x.local', type: TYPE_A, class: 1, unicastResponse: true }],
    answers: [addressRecord('x.local', '192.0.2.1', 120)!],
    authorities: [],
    additionals: [addressRecord('x.local', '2001:db8::1', 120)!],
  });
  for (let n = 0; n < full.length; n++) {
    const r = decodeDnsMessage(full.subarray(0, n));
    assert.equal(r.ok, false, `prefix of ${n} bytes`);
    assert.equal(!r.ok && r.error.reason, 'truncated');
  }
  assert.equal(decodeDnsMessage(full).ok, true);
});

test('enforces the message size and entry count bounds', () => {
  const big = new Uint8Array(9001);
  const r1 = decodeDnsMessage(big);
  assert.equal(!r1.ok && r1.error.reason, 'too-large');
  const many = fromHex('0000 0000 0100 0100 0000 0000')!; // 256 + 256 entries
  const r2 = decodeDnsMessage(many);
  assert.equal(!r2.ok && r2.error.reason, 'too-large');
});

test('extended label types and non-UTF-8 labels are refused', () => {
  const ext = fromHex('0000 0000 0001 0000 0000 0000 4100 0001 0001')!;
  assert.equal(decodeDnsMessage(ext).ok, false);
  const bad = fromHex('0000 0000 0001 0000 0000 0000 01ff 00 0001 0001')!;
  assert.equal(decodeDnsMessage(bad).ok, false);
});

test('encoding compresses repeated suffixes case-insensitively', () => {
  const msg: DnsMessage = {
    id: 0,
    flags: 0,
    questions: [
      { name: 'Host.local', type: TYPE_A, class: 1, unicastResponse: false },
      { name: 'host.LOCAL', type: TYPE_AAAA, class: 1, unicastResponse: false },
    ],
    answers: [],
    authorities: [],
    additionals: [],
  };
  const bytes = encodeDnsMessage(msg);
  // 12 header + (1+4+1+5+1 + 4) + (2 pointer + 4)
  assert.equal(bytes.length, 12 + 16 + 6);
  const back = decodeOk(bytes);
  assert.deepEqual(back.questions.map((q) => q.name), ['Host.local', 'Host.local']);
});

test('names: validity, normalization, UTF-8 labels', () => {
  assert.equal(isValidDnsName('abc.local'), true);
  assert.equal(isValidDnsName('abc.local.'), true);
  assert.equal(isValidDnsName('a..local'), false);
  assert.equal(isValidDnsName(`${'a'.repeat(64)}.local`), false);
  assert.equal(isValidDnsName(Array(130).fill('a').join('.')), false);
  assert.equal(normalizeName('ABC.Local.'), 'abc.local');
  assert.equal(normalizeName('Ünï.LOCAL'), 'Ünï.local'); // RFC 6762 16: only ASCII folds
  const msg = decodeOk(
    encodeDnsMessage({
      id: 0,
      flags: 0,
      questions: [{ name: 'café.local', type: 1, class: 1, unicastResponse: false }],
      answers: [],
      authorities: [],
      additionals: [],
    }),
  );
  assert.equal(msg.questions[0]!.name, 'café.local');
  assert.throws(() => encodeDnsMessage({ ...msg, questions: [{ ...msg.questions[0]!, name: 'a..b' }] }), RangeError);
});

test('recordAddress ignores other types, classes and wrong lengths', () => {
  const a = addressRecord('h.local', '10.1.2.3', 1)!;
  assert.equal(recordAddress({ ...a, class: 3 }), undefined);
  assert.equal(recordAddress({ ...a, type: 16 }), undefined);
  assert.equal(recordAddress({ ...a, rdata: new Uint8Array(5) }), undefined);
  assert.equal(addressRecord('h.local', 'not-an-ip', 1), undefined);
});

test('property: random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      const r = decodeDnsMessage(bytes);
      assert.equal(typeof r.ok, 'boolean');
    }),
    { numRuns: 3000 },
  );
});

test('property: mutated valid messages never throw', () => {
  const base = encodeDnsMessage({
    id: 0,
    flags: 0x8400,
    questions: [{ name: 'abc.def.local', type: 1, class: 1, unicastResponse: false }],
    answers: [addressRecord('abc.def.local', '10.0.0.1', 120)!, addressRecord('x.def.local', 'fe80::1', 120)!],
    authorities: [],
    additionals: [],
  });
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (edits) => {
      const b = base.slice();
      for (const [at, v] of edits) b[at] = v;
      const r = decodeDnsMessage(b);
      assert.equal(typeof r.ok, 'boolean');
    }),
    { numRuns: 3000 },
  );
});

const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,20}$/);
const dnsName = fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join('.'));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc.ipV6();
const record = fc.oneof(
  fc.record({ name: dnsName, addr: fc.oneof(ipv4, ipv6), ttl: fc.nat(), flush: fc.boolean() }).map(
    ({ name, addr, ttl, flush }) => addressRecord(name, addr, ttl, flush)!,
  ),
  fc.record({
    name: dnsName,
    type: fc.integer({ min: 2, max: 27 }),
    class: fc.integer({ min: 1, max: 0x7fff }),
    cacheFlush: fc.boolean(),
    ttl: fc.nat(),
    rdata: fc.uint8Array({ maxLength: 40 }),
  }),
);
const question = fc.record({
  name: dnsName,
  type: fc.integer({ min: 0, max: 0xffff }),
  class: fc.integer({ min: 0, max: 0x7fff }),
  unicastResponse: fc.boolean(),
});

test('property: encode then decode gives the same message', () => {
  fc.assert(
    fc.property(
      fc.record({
        id: fc.integer({ min: 0, max: 0xffff }),
        flags: fc.integer({ min: 0, max: 0xffff }),
        questions: fc.array(question, { maxLength: 4 }),
        answers: fc.array(record, { maxLength: 4 }),
        authorities: fc.array(record, { maxLength: 2 }),
        additionals: fc.array(record, { maxLength: 4 }),
      }),
      (msg) => {
        const back = decodeOk(encodeDnsMessage(msg));
        const plain = (m: DnsMessage) => ({
          ...m,
          answers: m.answers.map((r) => ({ ...r, rdata: [...r.rdata] })),
          authorities: m.authorities.map((r) => ({ ...r, rdata: [...r.rdata] })),
          additionals: m.additionals.map((r) => ({ ...r, rdata: [...r.rdata] })),
        });
        // Compression reuses the first spelling of a suffix; compare names case-folded.
        const fold = (m: DnsMessage) => {
          const p = plain(m);
          return {
            ...p,
            questions: p.questions.map((q) => ({ ...q, name: normalizeName(q.name) })),
            answers: p.answers.map((r) => ({ ...r, name: normalizeName(r.name) })),
            authorities: p.authorities.map((r) => ({ ...r, name: normalizeName(r.name) })),
            additionals: p.additionals.map((r) => ({ ...r, name: normalizeName(r.name) })),
          };
        };
        assert.deepEqual(fold(back), fold(msg));
      },
    ),
    { numRuns: 500 },
  );
});

test('property: addresses survive an A/AAAA record round trip', () => {
  fc.assert(
    fc.property(fc.oneof(ipv4, ipv6), (addr) => {
      const rec = addressRecord('h.local', addr, 5)!;
      const back = recordAddress(rec)!;
      // Canonical text may differ in spelling (RFC 5952) but not in bytes.
      assert.deepEqual([...addressRecord('h.local', back, 5)!.rdata], [...rec.rdata]);
    }),
  );
});
