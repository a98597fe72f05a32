import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRandom, drain, transportAddress } from '../core/index.js';
import type { Datagram, Transmit } from '../core/index.js';
import {
  StunClass,
  StunMethod,
  decodeStun,
  encodeStun,
  newTransactionId,
  shortTermKey,
} from '../stun/index.js';
import { parseCandidate } from '../sdp/index.js';
import { IceAgent } from './agent.js';
import { encodeCheck } from './messages.js';
import type { IceOutput } from './types.js';
import { MAX_REMOTE_CANDIDATES } from './constants.js';

const LOCAL = transportAddress('10.0.0.1', 5000);
const PEER = transportAddress('10.0.0.2', 6000);
const REMOTE = { ufrag: 'peerUfrag', pwd: 'peerPasswordPeerPassword' };

function agent(seed = 1): IceAgent {
  const a = new IceAgent({ rng: new SeededRandom(seed), role: 'controlled', ufrag: 'myUfrag', pwd: 'myPasswordMyPassword1234' });
  a.handleInput(0, { type: 'add-local-address', address: LOCAL });
  a.handleInput(0, { type: 'set-remote-credentials', ...REMOTE });
  a.handleInput(0, { type: 'gather' });
  drain(a);
  return a;
}

function dgram(data: Uint8Array, from = PEER): Datagram {
  return { type: 'datagram', data, from, to: LOCAL };
}

function transmits(out: IceOutput[]): Transmit[] {
  return out.filter((o): o is Transmit => o.type === 'transmit');
}

function check(opts: { pwd?: string; username?: string; priority?: number; rng?: SeededRandom } = {}): Uint8Array {
  return encodeCheck({
    transactionId: newTransactionId(opts.rng ?? new SeededRandom(99)),
    username: opts.username ?? 'myUfrag:peerUfrag',
    priority: opts.priority ?? 1_000_000,
    controlling: true,
    tieBreaker: 1n,
    useCandidate: false,
    key: shortTermKey(opts.pwd ?? 'myPasswordMyPassword1234'),
  });
}

function errorCode(t: Transmit): number | undefined {
  const r = decodeStun(t.data);
  assert.ok(r.ok);
  return r.value.attrs.errorCode?.code;
}

test('a valid check is answered, signed with our password, and creates a prflx pair', () => {
  const a = agent();
  a.handleInput(10, dgram(check()));
  const [resp] = transmits(drain(a));
  assert.ok(resp);
  const r = decodeStun(resp.data);
  assert.ok(r.ok);
  assert.equal(r.value.cls, StunClass.Success);
  assert.deepEqual(r.value.attrs.xorMappedAddress, PEER);
  assert.ok(r.value.fingerprint);
  assert.deepEqual(a.stats().remoteCandidates.map((c) => c.type), ['prflx']);
  assert.equal(a.stats().remoteCandidates[0]!.priority, 1_000_000);
});

test('a check signed with the wrong password gets 401, is counted and creates nothing', () => {
  const a = agent();
  a.handleInput(10, dgram(check({ pwd: 'notThePasswordAtAll12345' })));
  const [resp] = transmits(drain(a));
  assert.equal(errorCode(resp!), 401);
  assert.equal(a.counters.get('stun-integrity'), 1);
  assert.equal(a.stats().remoteCandidates.length, 0);
});

test('an unknown username gets 401; a check without PRIORITY gets 400', () => {
  const a = agent();
  a.handleInput(10, dgram(check({ username: 'someoneElse:peerUfrag' })));
  assert.equal(errorCode(transmits(drain(a))[0]!), 401);
  assert.equal(a.counters.get('stun-unknown-username'), 1);
  const noPriority = encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Request, transactionId: new Uint8Array(12), attrs: { username: 'myUfrag:peerUfrag' } },
    { integrityKey: shortTermKey('myPasswordMyPassword1234'), fingerprint: true },
  );
  a.handleInput(11, dgram(noPriority));
  assert.equal(errorCode(transmits(drain(a))[0]!), 400);
  assert.equal(a.counters.get('stun-bad-request'), 1);
});

test('a response with the wrong integrity is dropped and the check keeps retransmitting', () => {
  const a = agent();
  a.handleInput(0, {
    type: 'add-remote-candidate',
    candidate: { foundation: '1', component: 1, transport: 'udp', priority: 2130706431, address: PEER.address, port: PEER.port, type: 'host', extensions: [] },
  });
  drain(a);
  a.handleTimeout(a.pollTimeout()!);
  const [req] = transmits(drain(a));
  assert.ok(req);
  const decoded = decodeStun(req.data);
  assert.ok(decoded.ok);
  const forged = encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Success, transactionId: decoded.value.transactionId, attrs: { xorMappedAddress: LOCAL } },
    { integrityKey: shortTermKey('wrongwrongwrongwrong1234'), fingerprint: true },
  );
  a.handleInput(60, dgram(forged));
  assert.equal(a.counters.get('stun-integrity'), 1);
  assert.equal(a.stats().pairs[0]!.state, 'in-progress');
  // The genuine response still completes the check.
  const genuine = encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Success, transactionId: decoded.value.transactionId, attrs: { xorMappedAddress: LOCAL } },
    { integrityKey: shortTermKey(REMOTE.pwd), fingerprint: true },
  );
  a.handleInput(70, dgram(genuine));
  assert.equal(a.stats().pairs[0]!.state, 'succeeded');
});

test('malformed STUN and unknown sources are dropped and counted', () => {
  const a = agent();
  const good = check();
  const bad = good.slice();
  bad[bad.length - 1]! ^= 0xff; // breaks FINGERPRINT
  a.handleInput(1, dgram(bad));
  a.handleInput(2, dgram(new Uint8Array([0, 1, 0, 0])));
  a.handleInput(3, dgram(new Uint8Array([23, 3, 3, 0, 1, 0]))); // DTLS-looking data, no pair
  assert.equal(a.counters.get('stun-malformed'), 2);
  assert.equal(a.counters.get('data-unknown-source'), 1);
  assert.equal(transmits(drain(a)).length, 0);
});

test('the agent never throws on random datagrams, in any state', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.nat(100)), { maxLength: 30 }),
      fc.nat(1000),
      (packets, seed) => {
        const a = agent(seed);
        // Establish a pair so that data and STUN paths past the pair lookup run too.
        a.handleInput(0, dgram(check({ rng: new SeededRandom(seed) })));
        let now = 1;
        for (const [bytes, stunLike, dt] of packets) {
          now += dt;
          const data = bytes.slice();
          if (stunLike && data.length >= 20) {
            // Valid header so the decoder (not just the magic check) sees it.
            data[0]! &= 0x3f;
            data[2] = ((data.length - 20) >> 8) & 0xff;
            data[3] = (data.length - 20) & 0xfc;
            data.set([0x21, 0x12, 0xa4, 0x42], 4);
          }
          a.handleInput(now, dgram(data, stunLike ? PEER : transportAddress('10.9.9.9', 1)));
          const t = a.pollTimeout();
          if (t !== undefined) a.handleTimeout(Math.max(now, t));
          drain(a);
        }
      },
    ),
    { numRuns: 300, seed: 0x1ce1 },
  );
});

test('the agent never throws on random well-formed STUN messages', () => {
  const attrs = fc.record(
    {
      username: fc.string({ maxLength: 40 }),
      priority: fc.nat(),
      useCandidate: fc.boolean(),
      iceControlling: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      iceControlled: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      errorCode: fc.record({ code: fc.integer({ min: 300, max: 699 }), reason: fc.string({ maxLength: 20 }) }),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.constantFrom(0, 1, 2, 3), attrs, fc.boolean(), fc.constantFrom('myPasswordMyPassword1234', REMOTE.pwd, 'x')),
        { maxLength: 20 },
      ),
      (msgs) => {
        const a = agent();
        let now = 0;
        for (const [cls, at, signed, pwd] of msgs) {
          now += 7;
          const data = encodeStun(
            { method: StunMethod.Binding, cls: cls as StunClass, transactionId: newTransactionId(new SeededRandom(now)), attrs: at },
            signed ? { integrityKey: shortTermKey(pwd), fingerprint: true } : { fingerprint: true },
          );
          a.handleInput(now, dgram(data));
          drain(a);
        }
      },
    ),
    { numRuns: 200, seed: 0x1ce2 },
  );
});

/** Answers every check the agent sent with a success signed with the peer's password. */
function answerChecks(a: IceAgent, out: IceOutput[], now: number): void {
  for (const t of transmits(out)) {
    const r = decodeStun(t.data);
    if (!r.ok || r.value.cls !== StunClass.Request) continue;
    const resp = encodeStun(
      { method: StunMethod.Binding, cls: StunClass.Success, transactionId: r.value.transactionId, attrs: { xorMappedAddress: t.from! } },
      { integrityKey: shortTermKey(REMOTE.pwd), fingerprint: true },
    );
    a.handleInput(now, { type: 'datagram', data: resp, from: t.to!, to: t.from! });
  }
}

function useCandidateCheck(priority: number, seed: number): Uint8Array {
  return encodeCheck({
    transactionId: newTransactionId(new SeededRandom(seed)),
    username: 'myUfrag:peerUfrag',
    priority,
    controlling: true,
    tieBreaker: 1n,
    useCandidate: true,
    key: shortTermKey('myPasswordMyPassword1234'),
  });
}

test('controlled agent accepts aggressive nomination and moves to a better nominated pair', () => {
  const a = agent();
  // The peer nominates on its very first check (aggressive): we note it, check back, and
  // select the pair once our own triggered check succeeds (RFC 8445 7.3.1.5).
  a.handleInput(0, dgram(useCandidateCheck(100, 1)));
  drain(a);
  const selected = (): { remote: { port: number } } | undefined => a.selectedPair;
  assert.equal(selected(), undefined);
  let now = 0;
  for (let i = 0; i < 5 && !selected(); i++) {
    now = a.pollTimeout()!;
    a.handleTimeout(now);
    answerChecks(a, drain(a), now);
  }
  assert.equal(selected()?.remote.port, PEER.port);
  // A second address of the peer, with a higher priority, nominated later, wins.
  const better = transportAddress('10.0.0.2', 6001);
  a.handleInput(now + 1, dgram(useCandidateCheck(2_000_000, 2), better));
  const out = drain(a);
  for (let i = 0; i < 5 && selected()?.remote.port !== 6001; i++) {
    answerChecks(a, out, now + 2);
    now = a.pollTimeout()!;
    a.handleTimeout(now);
    out.push(...drain(a));
  }
  assert.equal(selected()?.remote.port, 6001);
  assert.equal(a.connectionState, 'connected');
});

test('remote candidates: mDNS names are counted and ignored; the count per generation is bounded', () => {
  const a = agent();
  const base = { foundation: '1', component: 1, transport: 'udp', priority: 100, port: 9, type: 'host' as const, extensions: [] };
  a.handleInput(0, { type: 'add-remote-candidate', candidate: { ...base, address: '1f0e-aa.local' } });
  assert.equal(a.counters.get('candidate-mdns-ignored'), 1);
  for (let i = 0; i < 70; i++) {
    a.handleInput(0, { type: 'add-remote-candidate', candidate: { ...base, address: `10.1.${i}.1` } });
  }
  assert.equal(a.stats().remoteCandidates.length, MAX_REMOTE_CANDIDATES);
  assert.equal(a.counters.get('remote-candidates-full'), 70 - MAX_REMOTE_CANDIDATES);
  assert.equal(a.stats().pairs.length, MAX_REMOTE_CANDIDATES);
});

test('a socket added after gathering is gathered at once', () => {
  const a = agent();
  const second = transportAddress('10.0.0.9', 5001);
  a.handleInput(5, { type: 'add-local-address', address: second });
  const events = drain(a).filter((o) => o.type !== 'transmit');
  assert.deepEqual(
    events.map((e) => (e.type === 'local-candidate' ? `${e.type}:${e.candidate.address}` : e.type === 'gathering-state' ? e.state : e.type)),
    ['gathering', 'local-candidate:10.0.0.9', 'complete'],
  );
});

test('remote credentials that are not ice-chars or too long are refused, never thrown on', () => {
  const a = agent();
  const fresh = new IceAgent({ rng: new SeededRandom(3), role: 'controlling' });
  for (const bad of [{ ufrag: 'x'.repeat(300), pwd: 'p'.repeat(22) }, { ufrag: 'a:b', pwd: 'p'.repeat(22) }, { ufrag: 'ok', pwd: '' }]) {
    fresh.handleInput(0, { type: 'set-remote-credentials', ...bad });
    a.handleInput(0, { type: 'set-remote-credentials', ...bad });
  }
  assert.equal(fresh.counters.get('remote-credentials-invalid'), 3);
  assert.equal(a.counters.get('remote-credentials-invalid'), 3);
  assert.deepEqual(a.localCredentials.ufrag, 'myUfrag'); // no restart was triggered
  assert.throws(() => new IceAgent({ rng: new SeededRandom(1), role: 'controlling', ufrag: 'bad:ufrag' }), RangeError);
});

test('property: random command sequences never throw and never keep asking for the same instant', () => {
  const candidate = fc.record({
    foundation: fc.constantFrom('1', '2', 'x'),
    component: fc.constantFrom(1, 1, 2),
    transport: fc.constantFrom('udp', 'udp', 'tcp'),
    priority: fc.nat(0xffffffff),
    address: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('abc.local')),
    port: fc.integer({ min: 0, max: 65535 }),
    type: fc.constantFrom('host' as const, 'srflx' as const, 'prflx' as const, 'relay' as const),
    extensions: fc.constant([] as [string, string][]),
  });
  const command = fc.oneof(
    { arbitrary: candidate.map((c) => ({ type: 'add-remote-candidate' as const, candidate: c })), weight: 30 },
    { arbitrary: fc.constant({ type: 'end-of-remote-candidates' as const }), weight: 5 },
    { arbitrary: fc.constant({ type: 'restart' as const }), weight: 5 },
    { arbitrary: fc.constant({ type: 'gather' as const }), weight: 5 },
    {
      arbitrary: fc
        .constantFrom('peerUfrag', 'other')
        .map((u) => ({ type: 'set-remote-credentials' as const, ufrag: u, pwd: 'peerPasswordPeerPassword' })),
      weight: 5,
    },
    { arbitrary: fc.constant({ type: 'send' as const, data: new Uint8Array([0x17, 1, 2]) }), weight: 15 },
    { arbitrary: fc.constant({ type: 'add-local-address' as const, address: transportAddress('10.0.0.7', 7000) }), weight: 5 },
    { arbitrary: fc.constant({ type: 'close' as const }), weight: 1 },
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(command, fc.nat(3000), fc.boolean()), { minLength: 5, maxLength: 40, size: 'medium' }),
      fc.constantFrom<'controlling' | 'controlled'>('controlling', 'controlled'),
      fc.boolean(),
      (steps, role, lite) => {
        const a = new IceAgent({ rng: new SeededRandom(5), role, lite, stunServers: [transportAddress('192.0.2.1', 3478)] });
        a.handleInput(0, { type: 'add-local-address', address: LOCAL });
        a.handleInput(0, { type: 'set-remote-credentials', ...REMOTE });
        a.handleInput(0, { type: 'gather' });
        let now = 0;
        for (const [cmd, dt, answer] of steps) {
          a.handleInput(now, cmd);
          const out = drain(a);
          if (answer) answerChecks(a, out, now); // the peer answers whatever we sent
          drain(a);
          now += dt;
          let same = 0;
          for (let t = a.pollTimeout(); t !== undefined && t <= now; t = a.pollTimeout()) {
            a.handleTimeout(t);
            drain(a);
            const next = a.pollTimeout();
            // Work that became due while handling may ask for `t` again, but only briefly.
            same = next === t ? same + 1 : 0;
            assert.ok(same < 3, `deadline stuck at ${t}`);
          }
        }
      },
    ),
    { numRuns: 300, seed: 0x1ce1 },
  );
});

test("policy 'relay': a check arriving directly on a host socket is dropped unanswered", () => {
  const a = new IceAgent({ rng: new SeededRandom(8), role: 'controlled', policy: 'relay', ufrag: 'myUfrag', pwd: 'myPasswordMyPassword1234' });
  a.handleInput(0, { type: 'add-local-address', address: LOCAL });
  a.handleInput(0, { type: 'set-remote-credentials', ...REMOTE });
  a.handleInput(0, { type: 'gather' });
  const events = drain(a);
  assert.ok(!events.some((e) => e.type === 'local-candidate'), 'no host candidate is signalled');
  a.handleInput(1, dgram(check()));
  assert.equal(transmits(drain(a)).length, 0);
  assert.equal(a.counters.get('policy-drop'), 1);
});

test('gathering requests to several STUN servers are paced 5 ms apart (RFC 8445 14.2)', () => {
  const servers = [1, 2, 3].map((i) => transportAddress(`192.0.2.${i}`, 3478));
  const a = new IceAgent({ rng: new SeededRandom(9), role: 'controlling', stunServers: servers });
  a.handleInput(0, { type: 'add-local-address', address: LOCAL });
  a.handleInput(0, { type: 'gather' });
  const sent: [number, string][] = transmits(drain(a)).map((t) => [0, t.to!.address]);
  for (let t = a.pollTimeout(); t !== undefined && t < 100; t = a.pollTimeout()) {
    a.handleTimeout(t);
    for (const x of transmits(drain(a))) sent.push([t, x.to!.address]);
  }
  assert.deepEqual(sent, [
    [0, '192.0.2.1'],
    [5, '192.0.2.2'],
    [10, '192.0.2.3'],
  ]);
});

test('a check from a link-local source with a zone id (as Node reports it) is answered', () => {
  const base = transportAddress('fe80::1%eth0', 5000);
  const a = new IceAgent({ rng: new SeededRandom(10), role: 'controlled', ufrag: 'myUfrag', pwd: 'myPasswordMyPassword1234' });
  a.handleInput(0, { type: 'add-local-address', address: base });
  a.handleInput(0, { type: 'set-remote-credentials', ...REMOTE });
  drain(a);
  const from = transportAddress('fe80::2%eth0', 6000);
  a.handleInput(1, { type: 'datagram', data: check(), from, to: base });
  const [resp] = transmits(drain(a));
  const r = decodeStun(resp!.data);
  assert.ok(r.ok);
  assert.deepEqual(r.value.attrs.xorMappedAddress, transportAddress('fe80::2', 6000));
  assert.deepEqual(resp!.to, from);
  a.handleInput(2, { type: 'gather' });
  const host = drain(a).find((e) => e.type === 'local-candidate');
  assert.equal(host?.type === 'local-candidate' && host.candidate.address, 'fe80::1', 'no zone id in the signalled candidate');
});

test('a check that is due goes out with the input that made it due, not on a later timeout', () => {
  // The first check once a remote candidate is known: no handleTimeout call in between
  // (a driver's timer turn costs at least 1 ms in Node).
  const a = agent(11);
  const cand = (text: string) => {
    const c = parseCandidate(text);
    assert.ok(c.ok);
    return c.value;
  };
  a.handleInput(0, { type: 'add-remote-candidate', candidate: cand(`candidate:1 1 udp 2130706431 ${PEER.address} ${PEER.port} typ host`) });
  const first = transmits(drain(a));
  assert.equal(first.length, 1);
  const m = decodeStun(first[0]!.data);
  assert.ok(m.ok && m.value.cls === StunClass.Request);
  // Ta still paces the next one: nothing more at the same instant.
  a.handleInput(0, { type: 'add-remote-candidate', candidate: cand(`candidate:2 1 udp 2130706000 ${PEER.address} ${PEER.port + 1} typ host`) });
  assert.equal(transmits(drain(a)).length, 0);
  assert.ok((a.pollTimeout() ?? Infinity) > 0);
});
