import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LATE_TIMER_DEFER_MS, LATE_TIMER_MS, SeededRandom, transportAddress, utf8Encode } from '../core/index.js';
import { DtlsEndpoint } from './endpoint.js';
import {
  INITIAL_RETRANSMIT_MS,
  MAX_FLIGHT_TRANSMISSIONS,
  MAX_INITIAL_RETRANSMIT_MS,
  MIN_INITIAL_RETRANSMIT_MS,
} from './constants.js';
import { NamedGroup } from './protocol.js';
import { SUITES } from './suites.js';
import { Pair, testCertificate } from './pair.testutil.js';
import { AlertDescription } from './protocol.js';

const text = (s: string) => ({ type: 'send' as const, data: utf8Encode(s) });

for (const suite of SUITES) {
  for (const group of [NamedGroup.x25519, NamedGroup.secp256r1]) {
    test(`handshake and data both ways: ${suite.name} group ${group}`, () => {
      const p = new Pair(3, { suites: [suite.name], groups: [group] }, { suites: [suite.name], groups: [group] });
      assert.ok(p.connect());
      for (const side of ['client', 'server'] as const) {
        const c = p.first(side, 'connected')!;
        assert.equal(c.suite, suite.name);
        assert.equal(c.group, group === NamedGroup.x25519 ? 'x25519' : 'secp256r1');
        assert.equal(c.extendedMasterSecret, true);
      }
      assert.deepEqual(p.first('client', 'connected')!.remoteCertificate, testCertificate(102).der);
      assert.deepEqual(p.first('server', 'connected')!.remoteCertificate, testCertificate(101).der);
      p.input('client', text('hello server'));
      p.input('server', text('hello client'));
      p.run();
      assert.deepEqual(p.received('server'), ['hello server']);
      assert.deepEqual(p.received('client'), ['hello client']);
      assert.ok(p.client.connected && p.server.connected);
    });
  }
}

test('default preferences pick ChaCha20-Poly1305 (WebAssembly, the fastest here) and X25519', () => {
  const p = new Pair(4);
  assert.ok(p.connect());
  assert.equal(p.first('client', 'connected')!.suite, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
  assert.equal(p.first('client', 'connected')!.group, 'x25519');
  // Four flights of one datagram each at the default MTU, no retransmissions.
  assert.equal(p.sent.client.length + p.sent.server.length, 4);
});

test('server HelloVerifyRequest cookie round trip', () => {
  const p = new Pair(5, {}, { helloVerify: true });
  assert.ok(p.connect());
  assert.equal(p.server.counters.get('hello-verify-sent'), 1);
  assert.equal(p.client.counters.get('hello-verify-received'), 1);
});

test('a ClientHello with a wrong cookie gets another HelloVerifyRequest', () => {
  const p = new Pair(6, {}, { helloVerify: true });
  let tampered = false;
  p.wire = (from, d, i) => {
    // The second ClientHello carries the cookie: spoil one cookie byte once.
    if (from === 'client' && i === 1 && !tampered) {
      tampered = true;
      const m = d.slice();
      m[13 + 12 + 2 + 32 + 1 + 1] ^= 0xff; // record, handshake header, version, random, sid len, cookie len
      return [m];
    }
    return [d];
  };
  assert.ok(p.connect());
  assert.equal(p.server.counters.get('hello-verify-sent'), 2);
});

test('small MTU: flights are fragmented, every datagram fits, handshake completes', () => {
  const mtu = 300;
  const p = new Pair(7, { mtu }, { mtu });
  assert.ok(p.connect());
  for (const d of [...p.sent.client, ...p.sent.server]) assert.ok(d.length <= mtu, `datagram of ${d.length}`);
  assert.ok(p.sent.server.length >= 3, 'flight 4 needs several datagrams at this MTU');
});

test('datagrams delivered in reverse order within each flight still complete', () => {
  const p = new Pair(8, { mtu: 256 }, { mtu: 256 });
  const held: Record<string, Uint8Array[]> = { client: [], server: [] };
  // Hold each side's datagrams and release them reversed when the side goes quiet.
  p.wire = (from, d) => {
    held[from]!.push(d);
    return [];
  };
  p.input('client', { type: 'connect' });
  for (let round = 0; round < 10 && !(p.has('client', 'connected') && p.has('server', 'connected')); round++) {
    for (const side of ['client', 'server'] as const) {
      const batch = held[side]!.splice(0).reverse();
      for (const d of batch) p.deliver(side === 'client' ? 'server' : 'client', d);
    }
  }
  assert.ok(p.has('client', 'connected') && p.has('server', 'connected'));
});

test('every datagram duplicated: completes, duplicates counted as replays or old messages', () => {
  const p = new Pair(9);
  p.wire = (_from, d) => [d, d];
  assert.ok(p.connect());
  p.input('client', text('once'));
  p.run();
  assert.deepEqual(p.received('server'), ['once']);
  assert.ok(p.server.counters.get('record-replayed') > 0);
});

test('a lost server flight is retransmitted after the timer, which doubles', () => {
  const p = new Pair(10);
  p.wire = (from, d) => (from === 'server' && p.now < 1000 ? [] : [d]);
  p.input('client', { type: 'connect' });
  assert.equal(p.client.pollTimeout(), INITIAL_RETRANSMIT_MS);
  assert.ok(p.run(() => p.has('client', 'connected') && p.has('server', 'connected')), 'connects');
  // Flight 1 went out at 0, 400 and 400 + 800 ms.
  // (plus, possibly, flight 5 resent when the second copy of flight 4 arrives)
  assert.ok(p.client.counters.get('flight-retransmitted') >= 2, 'client retransmissions counted');
  assert.equal(p.sent.client.filter((d) => d[13] === 1).length, 3, 'three ClientHellos');
});

test('a round-trip time from below sets the first retransmission timeout: 3 x RTT, within 200 ms..1 s', () => {
  for (const [rtt, rto] of [[100, 300], [1, MIN_INITIAL_RETRANSMIT_MS], [5000, MAX_INITIAL_RETRANSMIT_MS]] as const) {
    const p = new Pair(17);
    p.wire = () => [];
    p.input('client', { type: 'set-round-trip-time', rtt });
    p.input('client', { type: 'connect' });
    assert.equal(p.client.pollTimeout(), rto, `rtt ${rtt}`);
    p.now = rto;
    p.client.handleTimeout(p.now);
    assert.equal(p.client.counters.get('flight-retransmitted'), 1);
    assert.equal(p.client.pollTimeout(), rto + 2 * rto, 'then it doubles');
  }
  // Learned while the first flight is out: that flight is timed from when it left.
  const p = new Pair(18);
  p.wire = () => [];
  p.input('client', { type: 'connect' });
  p.now = 10;
  p.input('client', { type: 'set-round-trip-time', rtt: 80 });
  assert.equal(p.client.pollTimeout(), 240);
  // Nonsense is ignored.
  p.input('client', { type: 'set-round-trip-time', rtt: Number.NaN });
  p.input('client', { type: 'set-round-trip-time', rtt: -1 });
  assert.equal(p.client.pollTimeout(), 240);
});

test('a timer that fires late waits one more turn for an unread answer before retransmitting', () => {
  const p = new Pair(12);
  p.input('client', { type: 'connect' }); // the ClientHello is never answered here
  const c = p.client;
  // On time: retransmits at once, as before.
  c.handleTimeout(INITIAL_RETRANSMIT_MS);
  assert.equal(c.pollOutput()?.type, 'transmit');
  assert.equal(c.counters.get('flight-retransmitted'), 1);
  // Late by LATE_TIMER_MS: no retransmission yet, one short wait.
  const late = c.pollTimeout()! + LATE_TIMER_MS;
  c.handleTimeout(late);
  assert.equal(c.pollOutput(), undefined, 'nothing sent');
  assert.equal(c.counters.get('flight-retransmitted'), 1);
  assert.equal(c.counters.get('timer-late-deferred'), 1);
  assert.equal(c.pollTimeout(), late + LATE_TIMER_DEFER_MS);
  // Late again: a deadline waits once, so this retransmits, with the doubled timer from now.
  const again = late + LATE_TIMER_DEFER_MS + LATE_TIMER_MS;
  c.handleTimeout(again);
  assert.equal(c.pollOutput()?.type, 'transmit');
  assert.equal(c.counters.get('flight-retransmitted'), 2);
  assert.equal(c.pollTimeout(), again + 4 * INITIAL_RETRANSMIT_MS);
});

test('a late timer whose answer is then read does not retransmit', () => {
  const p = new Pair(13);
  const held: Uint8Array[] = [];
  p.wire = (from, d) => (from === 'server' ? (held.push(d), []) : [d]);
  p.input('client', { type: 'connect' });
  assert.ok(p.run(() => held.length > 0), 'flight 4 sent and held');
  p.now = p.client.pollTimeout()! + 100;
  p.client.handleTimeout(p.now); // 100 ms late: the answer sits unread
  p.wire = (_from, d) => [d];
  for (const d of held) p.deliver('client', d);
  assert.ok(p.run(() => p.has('client', 'connected') && p.has('server', 'connected')), 'connects');
  assert.equal(p.sent.client.filter((d) => d[13] === 1).length, 1, 'one ClientHello');
  assert.equal(p.client.counters.get('flight-retransmitted'), 0);
  assert.equal(p.client.counters.get('timer-late-deferred'), 1);
});

test('a lost final flight is recovered by the client retransmitting flight 5', () => {
  const p = new Pair(11);
  let serverSent = 0;
  p.wire = (from, d) => (from === 'server' && serverSent++ === 1 ? [] : [d]); // drop CCS+Finished once
  assert.ok(p.connect());
  assert.ok(p.server.counters.get('handshake-old') > 0);
});

test('data that overtakes the server Finished waits for it instead of being dropped', () => {
  const p = new Pair(16);
  // Hold the server's last flight (CCS + Finished) until its first data record has arrived.
  let held: Uint8Array[] | undefined;
  p.wire = (from, d) => {
    if (from === 'server' && p.server.connected && held === undefined) {
      held = [d];
      return [];
    }
    return [d];
  };
  p.input('client', { type: 'connect' });
  p.run(() => p.server.connected);
  assert.ok(held && !p.client.connected);
  p.input('server', text('overtaking'));
  p.run(undefined, p.now); // deliver it, but fire no timer (the client would retransmit)
  assert.deepEqual(p.received('client'), []);
  for (const d of held) p.deliver('client', d);
  assert.deepEqual(p.events.client.map((e) => e.type), ['connected', 'data']);
  assert.deepEqual(p.received('client'), ['overtaking']);
  assert.equal(p.client.counters.get('data-dropped-unverified'), 0);
  assert.equal(p.client.counters.get('flight-retransmitted'), 0);
});

test('an unanswered handshake fails after the bounded number of transmissions', () => {
  const p = new Pair(12);
  p.wire = () => [];
  p.input('client', { type: 'connect' });
  p.run();
  const err = p.first('client', 'error');
  assert.equal(err?.error.code, 'dtls-handshake-timeout');
  assert.equal(p.sent.client.length, MAX_FLIGHT_TRANSMISSIONS);
  assert.ok(p.has('client', 'closed'));
  assert.equal(p.client.pollTimeout(), undefined);
});

test('wrong fingerprint at the client: refused before any data, alert sent and counted', () => {
  const p = new Pair(13, { remoteFingerprints: [testCertificate(999).fingerprint()] });
  p.input('client', { type: 'connect' });
  p.run();
  assert.equal(p.first('client', 'error')?.error.code, 'dtls-fingerprint-mismatch');
  assert.ok(!p.has('client', 'connected'));
  assert.equal(p.client.counters.get('alert-sent'), 1);
  const serverErr = p.first('server', 'error');
  assert.equal(serverErr?.error.code, 'dtls-alert');
  assert.equal(serverErr?.error.alert, AlertDescription.badCertificate);
  assert.ok(!p.has('server', 'connected'));
});

test('fingerprints known only after the handshake: connected and data wait for them', () => {
  const p = new Pair(14, {}, { remoteFingerprints: undefined });
  p.input('client', { type: 'connect' });
  p.run(() => p.has('client', 'connected'));
  p.input('client', text('early'));
  p.run();
  assert.ok(!p.has('server', 'connected'));
  assert.deepEqual(p.received('server'), []);
  p.input('server', { type: 'set-remote-fingerprints', fingerprints: [testCertificate(101).fingerprint('sha-512')] });
  assert.deepEqual(p.events.server.map((e) => e.type), ['connected', 'data']);
  assert.deepEqual(p.received('server'), ['early']);
});

test('a late wrong fingerprint refuses the peer and drops held data', () => {
  const p = new Pair(15, {}, { remoteFingerprints: undefined });
  p.input('client', { type: 'connect' });
  p.run(() => p.has('client', 'connected'));
  p.input('client', text('secret'));
  p.run();
  p.input('server', { type: 'set-remote-fingerprints', fingerprints: [testCertificate(999).fingerprint()] });
  p.run();
  assert.equal(p.first('server', 'error')?.error.code, 'dtls-fingerprint-mismatch');
  assert.deepEqual(p.received('server'), []);
  assert.ok(!p.has('server', 'connected'));
  assert.equal(p.first('client', 'error')?.error.code, 'dtls-alert'); // the client hears bad_certificate
});

test('bad MAC, replayed and truncated records are refused and counted, never thrown', () => {
  const p = new Pair(16);
  assert.ok(p.connect());
  p.input('client', text('first'));
  const record = p.sent.client.at(-1)!;
  p.run();
  assert.deepEqual(p.received('server'), ['first']);

  p.deliver('server', record); // replay
  assert.equal(p.server.counters.get('record-replayed'), 1);

  p.input('client', text('second'));
  const fresh = p.sent.client.at(-1)!;
  p.run(); // delivered: now corrupt a copy of a new record
  p.input('client', text('third'));
  const third = p.sent.client.at(-1)!.slice();
  third[third.length - 1] ^= 1;
  p.deliver('server', third);
  assert.equal(p.server.counters.get('record-auth-failed'), 1);

  p.deliver('server', fresh.subarray(0, fresh.length - 5)); // truncated
  assert.equal(p.server.counters.get('record-malformed'), 1);
  assert.deepEqual(p.received('server'), ['first', 'second']);
  assert.ok(p.server.connected);
});

test('plaintext application data and forged plaintext alerts after the handshake are dropped', () => {
  const p = new Pair(17);
  assert.ok(p.connect());
  const forged = new Uint8Array([21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 2, 2, 40]);
  p.deliver('server', forged);
  const clearData = new Uint8Array([23, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 98, 0, 1, 65]);
  p.deliver('server', clearData);
  assert.equal(p.server.counters.get('record-unexpected'), 2);
  assert.ok(p.server.connected);
});

test('a renegotiating ClientHello after the handshake gets a no_renegotiation warning', () => {
  const p = new Pair(22);
  assert.ok(p.connect());
  // The client's first ClientHello, re-labelled with the next message_seq (5).
  const ch = p.sent.client[0]!.slice();
  ch[13 + 4] = 0;
  ch[13 + 5] = 5;
  ch[10] = 200; // fresh record sequence number
  const before = p.server.counters.get('alert-sent');
  p.deliver('server', ch);
  assert.equal(p.server.counters.get('alert-sent'), before + 1);
  p.run();
  assert.ok(p.server.connected && p.client.connected, 'a warning does not close the connection');
});

test('close_notify closes both sides; send afterwards is refused', () => {
  const p = new Pair(18);
  assert.ok(p.connect());
  p.input('client', { type: 'close' });
  p.run();
  assert.ok(p.has('client', 'closed'));
  assert.ok(p.has('server', 'closed'));
  assert.ok(!p.has('server', 'error'));
  p.input('client', text('late'));
  assert.equal(p.first('client', 'error')?.error.code, 'dtls-not-connected');
});

test('send before connected and oversized records are refused with typed errors', () => {
  const p = new Pair(19);
  p.input('client', text('too early'));
  assert.equal(p.first('client', 'error')?.error.code, 'dtls-not-connected');
  assert.ok(p.connect());
  p.input('client', { type: 'send', data: new Uint8Array(16385) });
  assert.equal(p.events.client.filter((e) => e.type === 'error').at(-1)?.type === 'error' && (p.events.client.filter((e) => e.type === 'error').at(-1) as { error: { code: string } }).error.code, 'dtls-too-large');
  assert.equal(p.client.counters.get('data-refused'), 2);
});

test('the same seed replays the handshake decisions bit for bit (except ECDSA signatures)', () => {
  const a = new Pair(20);
  const b = new Pair(20);
  assert.ok(a.connect() && b.connect());
  // ClientHello (random, suites, extensions) is identical; so is every datagram length.
  assert.deepEqual(a.sent.client[0], b.sent.client[0]);
  assert.deepEqual(a.sent.client.map((d) => d.length).slice(0, 1), b.sent.client.map((d) => d.length).slice(0, 1));
});

test('random datagrams at any stage never throw (property)', () => {
  const addr = transportAddress('127.0.0.1', 1);
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }), fc.nat(3), (junk, stage) => {
      const p = new Pair(21);
      if (stage >= 1) p.input('client', { type: 'connect' });
      if (stage >= 2) p.run(() => p.has('client', 'connected'));
      const targets = [p.client, p.server, new DtlsEndpoint({ role: 'server', certificate: testCertificate(101), rng: new SeededRandom(1) })];
      for (const t of targets) {
        for (const j of junk) {
          // Prefix a plausible record header sometimes, so the fuzz reaches deeper layers.
          const d = j.length > 3 && j[0]! % 2 ? new Uint8Array([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 50, 0, j.length, ...j]) : j;
          t.handleInput(p.now, { type: 'datagram', data: d, from: addr, to: addr });
          while (t.pollOutput()) {
            /* drain */
          }
        }
      }
    }),
    { numRuns: 60 },
  );
});

test('any pattern of loss, duplication and reordering ends connected or timed out, never throws (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }),
      fc.array(fc.constantFrom('pass', 'drop', 'dup', 'hold'), { minLength: 1, maxLength: 24 }),
      fc.integer({ min: 256, max: 1400 }),
      fc.boolean(),
      (seed, pattern, mtu, helloVerify) => {
        const p = new Pair(seed, { mtu }, { mtu, helloVerify });
        const held: Record<string, Uint8Array | undefined> = {};
        p.wire = (from, d, i) => {
          const action = pattern[i % pattern.length]!;
          if (action === 'drop') return [];
          if (action === 'dup') return [d, d];
          const prev = held[from];
          if (action === 'hold') {
            // Deliver this side's previously held datagram (if any) after this one: reordering.
            held[from] = d;
            return prev ? [prev] : [];
          }
          held[from] = undefined;
          return prev ? [d, prev] : [d];
        };
        p.input('client', { type: 'connect' });
        p.run(() => p.has('client', 'connected') && p.has('server', 'connected'));
        const errors = [...p.events.client, ...p.events.server].flatMap((e) => (e.type === 'error' ? [e.error.code] : []));
        for (const code of errors) assert.equal(code, 'dtls-handshake-timeout', `unexpected error ${code}`);
        if (errors.length === 0) {
          assert.ok(p.has('client', 'connected') && p.has('server', 'connected'), 'connected when no error');
        }
        // No retransmission storms: each flight goes out a bounded number of times, plus
        // one answer per peer retransmission.
        const flightDatagrams = Math.ceil(1500 / (mtu - 60)) + 1;
        for (const side of ['client', 'server'] as const) {
          assert.ok(p.sent[side].length <= 4 * MAX_FLIGHT_TRANSMISSIONS * flightDatagrams, `${side} sent ${p.sent[side].length}`);
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('no timer is left once both sides are connected', () => {
  const p = new Pair(23);
  assert.ok(p.connect());
  assert.equal(p.client.pollTimeout(), undefined);
  assert.equal(p.server.pollTimeout(), undefined); // flight 6 is resent only on request
});

test('an oversized handshake message is refused and counted', () => {
  const p = new Pair(24);
  // A ClientHello fragment claiming a 1 MB message.
  const frag = new Uint8Array([1, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]);
  const rec = new Uint8Array([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, frag.length, ...frag]);
  p.deliver('server', rec);
  assert.equal(p.server.counters.get('handshake-malformed'), 1);
  assert.deepEqual(p.sent.server, []);
});

test('mutated first flights never throw at either end (property)', () => {
  // Real flights to mutate: the ClientHello and the server's flight 4.
  const base = new Pair(25);
  base.input('client', { type: 'connect' });
  base.run(() => base.sent.server.length > 0);
  const clientHello = base.sent.client[0]!;
  const flight4 = base.sent.server[0]!;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.boolean(), (edits, atServer) => {
      const p = new Pair(25);
      const target = atServer ? clientHello : flight4;
      const m = target.slice();
      for (const [at, v] of edits) m[at % m.length] = v;
      if (atServer) {
        p.deliver('server', m);
      } else {
        p.input('client', { type: 'connect' });
        p.deliver('client', m);
      }
      // Whatever happened, the outcome is an orderly state: errors are typed.
      for (const e of [...p.events.client, ...p.events.server]) {
        if (e.type === 'error') assert.match(e.error.code, /^dtls-/);
      }
    }),
    { numRuns: 300 },
  );
});
