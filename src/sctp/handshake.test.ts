import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../core/random.js';
import { SctpAssociation } from './association.js';
import { decodePacket } from './chunks.js';
import { sctpChecksum } from './crc32c.js';
import { dgram, drain, numbered, sctpPair } from './sim.fixture.js';



function deliver(from: Uint8Array[], to: SctpAssociation, now: number): void {
  for (const d of from) to.handleInput(now, dgram(d));
}

test('handshake: queued DATA rides with the COOKIE ECHO; the COOKIE ACK leads the answer, with the SACK', () => {
  const a = new SctpAssociation({ role: 'server', rng: new SeededRandom(1), zeroChecksum: true });
  const b = new SctpAssociation({ role: 'client', rng: new SeededRandom(2), zeroChecksum: true });
  // A DCEP OPEN queued before the association is up (as a channel created early is).
  a.handleInput(0, { type: 'send', streamId: 1, ppid: 50, data: Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ordered: true });
  a.handleInput(0, { type: 'connect' });
  const init = drain(a);
  assert.deepEqual(init.packets.map((p) => p.map((c) => c.type)), [['init']]);
  deliver(init.raw, b, 1);
  const initAck = drain(b);
  assert.deepEqual(initAck.packets.map((p) => p.map((c) => c.type)), [['init-ack']]);
  deliver(initAck.raw, a, 2);
  const echo = drain(a);
  assert.deepEqual(echo.packets.map((p) => p.map((c) => c.type)), [['cookie-echo', 'data']]);
  // RFC 9653: zero checksums are not yet known to the peer here, so the CRC32c is kept.
  const sum = echo.raw[0]!;
  assert.notDeepEqual([...sum.subarray(8, 12)], [0, 0, 0, 0]);
  assert.equal(sctpChecksum(sum) >>> 0, new DataView(sum.buffer, sum.byteOffset).getUint32(8, true) >>> 0);
  assert.equal(a.state, 'cookie-echoed');
  assert.equal(a.pollTimeout(), 2 + 1000, 'only T1 runs until the COOKIE ACK (T3 waits)');
  deliver(echo.raw, b, 3);
  assert.equal(b.state, 'established');
  const ack = drain(b);
  const message = ack.events.find((e) => e.type === 'message');
  assert.ok(message, 'the DATA is delivered from the COOKIE ECHO packet');
  b.handleTimeout(3 + 100); // the delayed SACK
  const answer = [...ack.packets, ...drain(b).packets];
  assert.equal(answer[0]![0]!.type, 'cookie-ack', 'RFC 9260 5.1 E: the COOKIE ACK goes first');
  assert.ok(answer.flat().some((c) => c.type === 'sack'));
});

test('handshake: the COOKIE ECHO with DATA lost, then T1 and T3 recover it', () => {
  const p = sctpPair(3, { delay: 10 });
  let dropped = 0;
  p.net.intercept((pk) => {
    const d = decodePacket(pk.data, false);
    if (dropped === 0 && d.ok && d.value.chunks[0]?.type === 'cookie-echo') {
      dropped++;
      return false;
    }
    return true;
  });
  p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, 0, 10), ordered: true });
  p.net.inject(p.a, { type: 'connect' });
  assert.ok(p.net.runUntil(() => p.eventsB.some((e) => e.type === 'message'), { timeout: 30_000 }));
  assert.equal(dropped, 1);
  assert.ok(p.eventsA.some((e) => e.type === 'connected'));
});

test('handshake: over a 10 ms link the peer has data sent before connect 1.5 round trips in, not 2.5', () => {
  const p = sctpPair(4, { delay: 10 });
  p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, 0, 10), ordered: true });
  p.net.inject(p.a, { type: 'connect' });
  p.net.inject(p.b, { type: 'connect' });
  const t0 = p.net.now;
  assert.ok(p.net.runUntil(() => p.eventsB.some((e) => e.type === 'message'), { timeout: 10_000 }));
  assert.ok(p.net.now - t0 <= 31, `delivered at ${p.net.now - t0} ms`);
});

test('a round-trip time from below times T1 and the first T3 until SCTP measures its own', () => {
  const a = new SctpAssociation({ role: 'server', rng: new SeededRandom(3), zeroChecksum: true });
  a.handleInput(0, { type: 'set-round-trip-time', rtt: Number.NaN }); // ignored
  a.handleInput(0, { type: 'set-round-trip-time', rtt: -5 }); // ignored
  a.handleInput(0, { type: 'set-round-trip-time', rtt: 40 });
  a.handleInput(0, { type: 'connect' });
  drain(a);
  // RFC 6298 2.2 with R = 40: SRTT 40, RTTVAR 20, RTO = 40 + 4 x 20 = 120, raised to RTO.Min.
  assert.equal(a.pollTimeout(), 200, 'T1 for the INIT');
  const b = new SctpAssociation({ role: 'server', rng: new SeededRandom(4), zeroChecksum: true });
  b.handleInput(0, { type: 'set-round-trip-time', rtt: 150 });
  b.handleInput(0, { type: 'set-round-trip-time', rtt: 10 }); // the first measurement stays
  b.handleInput(0, { type: 'connect' });
  drain(b);
  assert.equal(b.pollTimeout(), 450);
  // Without one, RTO.Initial.
  const c = new SctpAssociation({ role: 'server', rng: new SeededRandom(5), zeroChecksum: true });
  c.handleInput(0, { type: 'connect' });
  drain(c);
  assert.equal(c.pollTimeout(), 1000);
});
