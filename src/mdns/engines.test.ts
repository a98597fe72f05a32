import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Datagram, type Transmit, drain, transportAddress } from '../core/index.js';
import {
  FIRST_RETRANSMIT_MS,
  MAX_PENDING_RESOLVES,
  MAX_QUERIES_PER_RESOLVE,
  MDNS_PORT,
  TYPE_A,
} from './constants.js';
import { addressRecord, decodeDnsMessage, encodeDnsMessage, recordAddress } from './message.js';
import { MdnsQuerier, type MdnsQuerierOutput } from './querier.js';
import { MdnsResponder } from './responder.js';

const NAME = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b.local';
const querierAddr = transportAddress('10.99.0.2', MDNS_PORT);
const responderAddr = transportAddress('10.99.0.1', MDNS_PORT);
const local = transportAddress('0.0.0.0', MDNS_PORT);

function datagram(t: Transmit, from = querierAddr): Datagram {
  return { type: 'datagram', data: t.data, from, to: local };
}

function transmits(out: MdnsQuerierOutput[]): Transmit[] {
  return out.filter((o): o is Transmit => o.type === 'transmit');
}

function events(out: MdnsQuerierOutput[]) {
  return out.filter((o) => o.type !== 'transmit');
}

test('querier and responder resolve a browser-style name', () => {
  const q = new MdnsQuerier();
  const r = new MdnsResponder({ names: [{ name: NAME, address: '10.99.0.1' }] });
  q.handleInput(0, { type: 'resolve', name: NAME });
  const sent = drain(q);
  assert.equal(sent.length, 1);
  const query = sent[0] as Transmit;
  assert.deepEqual(query.to, transportAddress('224.0.0.251', 5353));
  const decoded = decodeDnsMessage(query.data);
  assert.ok(decoded.ok);
  assert.equal(decoded.value.id, 0);
  assert.deepEqual(decoded.value.questions.map((x) => x.type), [1, 28]);

  r.handleInput(1, datagram(query));
  const answers = drain(r);
  assert.equal(answers.length, 1);
  assert.deepEqual(answers[0]!.to, transportAddress('224.0.0.251', 5353)); // multicast reply
  const reply = decodeDnsMessage(answers[0]!.data);
  assert.ok(reply.ok);
  assert.equal(reply.value.questions.length, 0);
  assert.equal(reply.value.answers[0]!.cacheFlush, true);

  // The querier hears its own query looped back and ignores it.
  q.handleInput(1, datagram(query));
  assert.equal(drain(q).length, 0);
  q.handleInput(2, datagram(answers[0]!, responderAddr));
  assert.deepEqual(drain(q), [{ type: 'resolved', name: NAME, address: '10.99.0.1' }]);
  assert.equal(q.pollTimeout(), undefined);
  assert.equal(q.counters.get('answers'), 1);
});

test('querier retransmits with doubling gaps, then times out', () => {
  const q = new MdnsQuerier({ families: ['IPv4', 'IPv6'] });
  q.handleInput(1000, { type: 'resolve', name: NAME, timeoutMs: 5000 });
  const first = transmits(drain(q));
  assert.deepEqual(first.map((t) => t.to!.address), ['224.0.0.251', 'ff02::fb']);
  const sendTimes: number[] = [1000];
  for (let guard = 0; guard < 20; guard++) {
    const at = q.pollTimeout();
    if (at === undefined) break;
    q.handleTimeout(at);
    const out = drain(q);
    if (transmits(out).length) sendTimes.push(at);
    if (events(out).length) {
      assert.deepEqual(events(out), [{ type: 'resolve-failed', name: NAME, reason: 'timeout' }]);
      assert.equal(at, 6000);
    }
  }
  assert.equal(sendTimes.length, MAX_QUERIES_PER_RESOLVE);
  const gaps = sendTimes.slice(1).map((t, i) => t - sendTimes[i]!);
  assert.deepEqual(gaps, [FIRST_RETRANSMIT_MS, FIRST_RETRANSMIT_MS * 2, FIRST_RETRANSMIT_MS * 4]);
  assert.equal(q.pollTimeout(), undefined);
});

test('early or empty timeouts do nothing', () => {
  const q = new MdnsQuerier();
  q.handleTimeout(0);
  assert.equal(drain(q).length, 0);
  q.handleInput(0, { type: 'resolve', name: NAME, timeoutMs: 1000 });
  drain(q);
  q.handleTimeout(10);
  assert.equal(drain(q).length, 0);
});

test('answers are cached by TTL; a TTL of zero removes them', () => {
  const q = new MdnsQuerier();
  const answer = (ttl: number): Datagram => ({
    type: 'datagram',
    data: encodeDnsMessage({
      id: 0,
      flags: 0x8400,
      questions: [],
      answers: [addressRecord(NAME.toUpperCase(), '10.1.1.1', ttl)!],
      authorities: [],
      additionals: [],
    }),
    from: responderAddr,
    to: local,
  });
  q.handleInput(0, { type: 'resolve', name: NAME });
  drain(q);
  q.handleInput(5, answer(2));
  assert.deepEqual(events(drain(q)), [{ type: 'resolved', name: NAME, address: '10.1.1.1' }]);
  // Within the TTL: answered from the cache, nothing sent.
  q.handleInput(1000, { type: 'resolve', name: NAME });
  assert.deepEqual(drain(q), [{ type: 'resolved', name: NAME, address: '10.1.1.1' }]);
  // After the TTL: a new query.
  q.handleInput(2006, { type: 'resolve', name: NAME });
  assert.equal(transmits(drain(q)).length, 1);
  q.handleInput(2010, answer(100));
  drain(q);
  q.handleInput(2020, answer(0)); // goodbye
  q.handleInput(2030, { type: 'resolve', name: NAME });
  assert.equal(transmits(drain(q)).length, 1);
});

test('unsolicited answers are not cached', () => {
  const q = new MdnsQuerier();
  q.handleInput(0, {
    type: 'datagram',
    data: encodeDnsMessage({
      id: 0,
      flags: 0x8400,
      questions: [],
      answers: [addressRecord(NAME, '10.1.1.1', 120)!],
      authorities: [],
      additionals: [],
    }),
    from: responderAddr,
    to: local,
  });
  q.handleInput(1, { type: 'resolve', name: NAME });
  assert.equal(transmits(drain(q)).length, 1);
});

test('bad names and too many pending resolves fail at once', () => {
  const q = new MdnsQuerier();
  q.handleInput(0, { type: 'resolve', name: 'example.com' });
  q.handleInput(0, { type: 'resolve', name: 'a..local' });
  assert.deepEqual(events(drain(q)).map((e) => e.type === 'resolve-failed' && e.reason), [
    'invalid-name',
    'invalid-name',
  ]);
  for (let i = 0; i < MAX_PENDING_RESOLVES; i++) q.handleInput(0, { type: 'resolve', name: `h${i}.local` });
  drain(q);
  q.handleInput(0, { type: 'resolve', name: 'one-more.local' });
  assert.deepEqual(drain(q), [{ type: 'resolve-failed', name: 'one-more.local', reason: 'too-many-pending' }]);
  // A second resolve of a pending name joins it and extends its deadline.
  q.handleInput(0, { type: 'resolve', name: 'h0.local', timeoutMs: 60_000 });
  assert.equal(drain(q).length, 0);
});

test('garbage and non-zero opcodes are counted and dropped', () => {
  const q = new MdnsQuerier();
  const r = new MdnsResponder({ names: [{ name: NAME, address: '10.0.0.1' }] });
  const junk: Datagram = { type: 'datagram', data: new Uint8Array([1, 2, 3]), from: querierAddr, to: local };
  q.handleInput(0, junk);
  r.handleInput(0, junk);
  assert.equal(q.counters.get('malformed'), 1);
  assert.equal(r.counters.get('malformed'), 1);
  const update = encodeDnsMessage({
    id: 0,
    flags: 0x2800, // OPCODE 5 (UPDATE)
    questions: [{ name: NAME, type: TYPE_A, class: 1, unicastResponse: false }],
    answers: [],
    authorities: [],
    additionals: [],
  });
  r.handleInput(0, { ...junk, data: update });
  assert.equal(r.counters.get('ignored'), 1);
  assert.equal(drain(r).length, 0);
});

test('responder: QU queries get unicast replies, legacy queries echo the id', () => {
  const r = new MdnsResponder({ names: [{ name: NAME, address: '10.0.0.1' }] });
  r.handleInput(0, { type: 'add-name', name: NAME, address: 'fd00::1' });
  r.handleInput(0, { type: 'add-name', name: 'bad', address: 'not-an-ip' });
  assert.equal(r.counters.get('refused-name'), 1);
  const query = (unicastResponse: boolean, type: number, id = 0) =>
    encodeDnsMessage({
      id,
      flags: 0,
      questions: [{ name: NAME, type, class: 1, unicastResponse }],
      answers: [],
      authorities: [],
      additionals: [],
    });
  r.handleInput(0, { type: 'datagram', data: query(true, 255), from: querierAddr, to: local });
  const [qu] = drain(r);
  assert.deepEqual(qu!.to, querierAddr);
  const quMsg = decodeDnsMessage(qu!.data);
  assert.ok(quMsg.ok);
  assert.deepEqual(quMsg.value.answers.map(recordAddress), ['10.0.0.1', 'fd00::1']);

  const ephemeral = transportAddress('10.99.0.2', 40000);
  r.handleInput(0, { type: 'datagram', data: query(false, 28, 0x1234), from: ephemeral, to: local });
  const [legacy] = drain(r);
  assert.deepEqual(legacy!.to, ephemeral);
  const legacyMsg = decodeDnsMessage(legacy!.data);
  assert.ok(legacyMsg.ok);
  assert.equal(legacyMsg.value.id, 0x1234);
  assert.equal(legacyMsg.value.questions.length, 1);
  assert.deepEqual(legacyMsg.value.answers.map(recordAddress), ['fd00::1']);
  assert.equal(legacyMsg.value.answers[0]!.ttl, 10);
  assert.equal(legacyMsg.value.answers[0]!.cacheFlush, false);

  // Names it does not own, and responses, get nothing.
  r.handleInput(0, {
    type: 'datagram',
    data: encodeDnsMessage({
      id: 0,
      flags: 0,
      questions: [{ name: 'other.local', type: 1, class: 1, unicastResponse: false }],
      answers: [],
      authorities: [],
      additionals: [],
    }),
    from: querierAddr,
    to: local,
  });
  assert.equal(drain(r).length, 0);
  assert.equal(r.pollTimeout(), undefined);
});

test('property: querier and responder never throw on arbitrary datagrams', () => {
  const q = new MdnsQuerier({ families: ['IPv4', 'IPv6'] });
  const r = new MdnsResponder({ names: [{ name: NAME, address: '10.0.0.1' }] });
  q.handleInput(0, { type: 'resolve', name: NAME, timeoutMs: 1e9 });
  drain(q);
  const header = fc.constantFrom(0x0000, 0x8400, 0x8000, 0x0100);
  fc.assert(
    fc.property(header, fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 65535 }), (flags, body, port) => {
      const data = new Uint8Array(4 + body.length);
      data[2] = flags >> 8;
      data[3] = flags & 0xff;
      data.set(body, 4);
      const d: Datagram = { type: 'datagram', data, from: transportAddress('10.0.0.9', port), to: local };
      q.handleInput(1, d);
      r.handleInput(1, d);
      drain(q);
      for (const t of drain(r)) assert.ok(decodeDnsMessage(t.data).ok); // whatever it answers decodes
    }),
    { numRuns: 2000 },
  );
});
