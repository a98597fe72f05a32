import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drain, LATE_TIMER_DEFER_MS, LATE_TIMER_MS, transportAddress } from '../core/index.js';
import type { Transmit } from '../core/index.js';
import { StunClass, StunMethod, decodeStun, encodeStun } from '../stun/index.js';
import type { Candidate } from '../sdp/index.js';
import { hostCandidate, pairable, vetRemote } from './candidates.js';
import { CheckList } from './checklist.js';
import { MAX_PAIRS } from './constants.js';
import { Transactions } from './transactions.js';
import type { LocalCandidate } from './checklist.js';
import { candidatePriority, foundation, localPreference, pairPriority } from './priority.js';
import { StunServer } from './stun-server.js';

test('RFC 8445 5.1.2.1 candidate priorities', () => {
  assert.equal(candidatePriority('host', 65535), 2130706431); // the classic host priority
  assert.equal(candidatePriority('srflx', 65535), 1694498815);
  assert.equal(candidatePriority('relay', 0), 255);
  assert.ok(candidatePriority('prflx', 65535) > candidatePriority('srflx', 65535));
  assert.ok(localPreference('IPv6', 0) > localPreference('IPv4', 0));
  assert.ok(localPreference('IPv4', 0) > localPreference('IPv6', 1)); // interleaved families
});

test('RFC 8445 6.1.2.3 pair priority is symmetric between the two agents and orders like the formula', () => {
  fc.assert(
    fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), (g, d) => {
      const p = pairPriority(g, d);
      const min = BigInt(Math.min(g, d));
      const max = BigInt(Math.max(g, d));
      assert.equal(p, (min << 32n) + 2n * max + (g > d ? 1n : 0n));
      // Both agents compute the same value: each passes (controlling, controlled).
      assert.equal(pairPriority(g, d), p);
    }),
    { seed: 0x1ce4 },
  );
  assert.ok(pairPriority(100, 50) > pairPriority(50, 100)); // the G>D tie bit
});

test('RFC 8445 5.1.1.3 foundations: same type, base and server share one', () => {
  assert.equal(foundation('host', '10.0.0.1', ''), foundation('host', '10.0.0.1', ''));
  assert.notEqual(foundation('host', '10.0.0.1', ''), foundation('host', '10.0.0.2', ''));
  assert.notEqual(foundation('srflx', '10.0.0.1', '1.2.3.4'), foundation('srflx', '10.0.0.1', '1.2.3.5'));
  assert.match(foundation('relay', '::1', '2001:db8::1'), /^[0-9]{1,10}$/);
});

test('remote candidates: mDNS names, TCP, other components and stale generations are refused', () => {
  const base: Candidate = { foundation: '1', component: 1, transport: 'udp', priority: 1, address: '192.0.2.1', port: 9, type: 'host', extensions: [] };
  assert.deepEqual(vetRemote(base, undefined), transportAddress('192.0.2.1', 9));
  assert.equal(vetRemote({ ...base, address: 'a1b2c3.local' }, undefined), 'mdns');
  assert.equal(vetRemote({ ...base, transport: 'tcp' }, undefined), 'transport');
  assert.equal(vetRemote({ ...base, component: 2 }, undefined), 'component');
  assert.equal(vetRemote({ ...base, address: 'example.com' }, undefined), 'address');
  assert.equal(vetRemote({ ...base, extensions: [['ufrag', 'old']] }, 'new'), 'generation');
  assert.deepEqual(vetRemote({ ...base, extensions: [['ufrag', 'new']] }, 'new'), transportAddress('192.0.2.1', 9));
});

test('the check list stays bounded, sorted, and prunes its lowest-priority pairs', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(0xffffff), { minLength: 1, maxLength: 250 }), (prios) => {
      const list = new CheckList({ ufrag: 'u', pwd: 'p' });
      const local = hostCandidate(transportAddress('10.0.0.1', 1), 65535);
      let port = 1;
      for (const priority of prios) {
        const c: Candidate = { foundation: 'f', component: 1, transport: 'udp', priority, address: '10.0.0.2', port: port++, type: 'host', extensions: [] };
        const r = list.addRemote(c, transportAddress(c.address, c.port));
        if (r) list.addPair(local, r, true, 0);
      }
      assert.ok(list.pairs.length <= MAX_PAIRS);
      for (let i = 1; i < list.pairs.length; i++) assert.ok(list.pairs[i - 1]!.priority >= list.pairs[i]!.priority);
      // Exactly one pair per foundation starts Waiting (RFC 8445 6.1.2.6).
      assert.equal(list.pairs.filter((p) => p.state === 'waiting').length, 1);
    }),
    { numRuns: 50, seed: 0x1ce3 },
  );
});

test('StunServer answers Binding requests with the source address and ignores the rest', () => {
  const s = new StunServer();
  const from = transportAddress('203.0.113.9', 40000);
  const to = transportAddress('192.0.2.1', 3478);
  const req = encodeStun({ method: StunMethod.Binding, cls: StunClass.Request, transactionId: new Uint8Array(12).fill(7), attrs: {} }, { fingerprint: true });
  s.handleInput(0, { type: 'datagram', data: req, from, to });
  s.handleInput(0, { type: 'datagram', data: new Uint8Array([1, 2, 3]), from, to });
  const ind = encodeStun({ method: StunMethod.Binding, cls: StunClass.Indication, transactionId: new Uint8Array(12), attrs: {} });
  s.handleInput(0, { type: 'datagram', data: ind, from, to });
  const out = drain(s) as Transmit[];
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.to, from);
  assert.deepEqual(out[0]!.from, to);
  const r = decodeStun(out[0]!.data);
  assert.ok(r.ok);
  assert.equal(r.value.cls, StunClass.Success);
  assert.deepEqual(r.value.attrs.xorMappedAddress, from);
  assert.deepEqual(r.value.transactionId, new Uint8Array(12).fill(7));
  assert.equal(s.counters.get('stun-malformed'), 1);
  assert.equal(s.counters.get('not-binding-request'), 1);
  assert.equal(s.pollTimeout(), undefined);
});

test('RFC 8445 6.1.2.2 pairing: same family, link-local IPv6 only with link-local', () => {
  const v4 = transportAddress('192.0.2.1', 1);
  const v6 = transportAddress('2001:db8::1', 1);
  const ll = transportAddress('fe80::1', 1);
  const ll2 = transportAddress('FEBF::2', 1);
  assert.ok(pairable(v4, transportAddress('198.51.100.1', 2)));
  assert.ok(!pairable(v4, v6));
  assert.ok(pairable(v6, transportAddress('2001:db8::2', 2)));
  assert.ok(!pairable(v6, ll));
  assert.ok(!pairable(ll, v6));
  assert.ok(pairable(ll, ll2));
});

test('a transaction timer that fires late waits one more turn for an unread response', () => {
  const txns = new Transactions();
  const local = {} as LocalCandidate;
  const to = transportAddress('192.0.2.1', 3478);
  const t = txns.open({ transactionId: new Uint8Array(12), kind: 'check', data: new Uint8Array(20), local, to, rto: 500, maxRto: 1600, maxSends: 3 }, 0);
  const sent: number[] = [];
  const expired: number[] = [];
  const due = (now: number): void => txns.due(now, () => sent.push(now), () => expired.push(now));
  due(500); // on time: retransmits
  assert.deepEqual(sent, [500]);
  assert.equal(t.deadline, 1500);
  due(1500 + LATE_TIMER_MS); // late: waits
  assert.deepEqual(sent, [500]);
  assert.equal(txns.earliest(), 1500 + LATE_TIMER_MS + LATE_TIMER_DEFER_MS);
  due(1500 + 2 * LATE_TIMER_MS + LATE_TIMER_DEFER_MS); // late again: acts
  assert.equal(sent.length, 2);
  // The last wait: a late expiry also looks once more before failing, and a response read
  // meanwhile (close) means it never fails.
  due(t.deadline + 100);
  assert.deepEqual(expired, []);
  txns.close(t);
  due(t.deadline + 1000);
  assert.deepEqual(expired, []);
  // A paced first transmission is never deferred (nothing can be waiting).
  const paced = txns.open({ transactionId: new Uint8Array(12).fill(1), kind: 'check', data: new Uint8Array(20), local, to, rto: 500, maxRto: 1600, maxSends: 3, delay: 50 }, 0);
  due(50 + 100);
  assert.equal(paced.sends, 1);
});
