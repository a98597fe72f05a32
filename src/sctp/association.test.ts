import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from '../core/bytes.js';
import { SeededRandom } from '../core/random.js';
import { SctpAssociation, type SctpEvent, type SctpOutput } from './association.js';
import { decodePacket, encodeChunk, setChecksum, writeCommonHeader, type Chunk } from './chunks.js';
import { dgram, numbered, sctpPair } from './sim.fixture.js';


/** Drains `from`; hands its packets to `to` (unless `drop` says so); returns its events. */
function pump(from: SctpAssociation, to: SctpAssociation, now: number, drop?: (c: Chunk) => boolean): SctpEvent[] {
  const events: SctpEvent[] = [];
  for (let o: SctpOutput | undefined = from.pollOutput(); o; o = from.pollOutput()) {
    if (o.type !== 'transmit') {
      events.push(o);
      continue;
    }
    const p = decodePacket(o.data, true, true);
    assert.ok(p.ok, 'we only send valid packets');
    if (drop && p.value.chunks.some(drop)) continue;
    to.handleInput(now, dgram(o.data));
  }
  return events;
}

function chunksOut(a: SctpAssociation): Chunk[] {
  const out: Chunk[] = [];
  for (let o = a.pollOutput(); o; o = a.pollOutput()) {
    if (o.type !== 'transmit') continue;
    const p = decodePacket(o.data);
    assert.ok(p.ok);
    out.push(...p.value.chunks);
  }
  return out;
}

test('handshake: INIT collision (both connect) and one-sided connect', () => {
  for (const both of [true, false]) {
    const p = sctpPair(1, { delay: 10 });
    p.net.inject(p.a, { type: 'connect' });
    if (both) p.net.inject(p.b, { type: 'connect' });
    assert.ok(
      p.net.runUntil(() => p.eventsA.some((e) => e.type === 'connected') && p.eventsB.some((e) => e.type === 'connected')),
    );
    assert.equal(p.a.state, 'established');
    assert.equal(p.b.state, 'established');
    // Data flows both ways afterwards.
    p.send(p.a, { type: 'send', streamId: 1, ppid: 53, data: numbered(1, 0, 10), ordered: true });
    p.send(p.b, { type: 'send', streamId: 2, ppid: 53, data: numbered(2, 0, 10), ordered: true });
    p.net.run({ for: 1000 });
    assert.equal(p.eventsA.filter((e) => e.type === 'message').length, 1);
    assert.equal(p.eventsB.filter((e) => e.type === 'message').length, 1);
  }
});

test('handshake survives lost INITs (T1 retransmission with backoff)', () => {
  const p = sctpPair(2, { delay: 5 });
  // The link is down for 2.5 s: the INITs at 0 s and 1 s are lost, the one at 3 s arrives.
  p.link.cut();
  p.net.at(2500, () => p.link.restore());
  p.net.inject(p.a, { type: 'connect' });
  assert.ok(p.net.runUntil(() => p.eventsB.some((e) => e.type === 'connected'), { timeout: 10_000 }));
  assert.ok(p.net.now >= 3000 && p.net.now < 3100, `connected at ${p.net.now}`);
});

test('verification tags are enforced (RFC 9260 8.5)', () => {
  const p = sctpPair(3, { delay: 1 });
  assert.ok(p.connect());
  const w = new ByteWriter();
  writeCommonHeader(w, { srcPort: 5000, dstPort: 5000, verificationTag: 0x12345678 });
  encodeChunk(w, { type: 'data', tsn: 1, streamId: 0, ssn: 0, ppid: 53, flags: 3, payload: Uint8Array.of(1) });
  p.b.handleInput(p.net.now, dgram(setChecksum(w.finish())));
  assert.equal(p.b.counters.get('sctp.bad-tag'), 1);
  // An ABORT with a wrong tag does not close the association either.
  const w2 = new ByteWriter();
  writeCommonHeader(w2, { srcPort: 5000, dstPort: 5000, verificationTag: 0x12345678 });
  encodeChunk(w2, { type: 'abort', reflected: false, causes: [] });
  p.b.handleInput(p.net.now, dgram(setChecksum(w2.finish())));
  assert.equal(p.b.state, 'established');
  // Wrong ports are dropped too.
  const w3 = new ByteWriter();
  writeCommonHeader(w3, { srcPort: 9, dstPort: 5000, verificationTag: 0 });
  encodeChunk(w3, { type: 'cookie-ack' });
  p.b.handleInput(p.net.now, dgram(setChecksum(w3.finish())));
  assert.equal(p.b.counters.get('sctp.wrong-port'), 1);
});

test('a forged or tampered cookie is refused; a stale one gets a Stale Cookie error and a fresh INIT', () => {
  const a = new SctpAssociation({ role: 'client', rng: new SeededRandom(1) });
  const b = new SctpAssociation({ role: 'server', rng: new SeededRandom(2) });
  a.handleInput(0, { type: 'connect' });
  pump(a, b, 0); // INIT
  const initAck = chunksOut(b);
  assert.equal(initAck[0]!.type, 'init-ack');
  // Re-send b's INIT ACK to a through a fresh encode; a answers with COOKIE ECHO.
  const feed = (to: SctpAssociation, chunk: Chunk, tag: number, now: number) => {
    const w = new ByteWriter();
    writeCommonHeader(w, { srcPort: 5000, dstPort: 5000, verificationTag: tag });
    encodeChunk(w, chunk);
    to.handleInput(now, dgram(setChecksum(w.finish())));
  };
  const ack = initAck[0]! as Extract<Chunk, { type: 'init' | 'init-ack' }>;
  const tampered = ack.cookie!.slice();
  tampered[3]! ^= 0xff;
  feed(b, { type: 'cookie-echo', cookie: tampered }, ack.initiateTag, 10);
  assert.equal(b.counters.get('sctp.bad-cookie'), 1);
  assert.equal(b.state, 'closed');
  // Stale: the genuine cookie, 61 s later.
  feed(b, { type: 'cookie-echo', cookie: ack.cookie! }, ack.initiateTag, 61_000);
  const err = chunksOut(b);
  assert.equal(err[0]!.type, 'error');
  assert.equal((err[0] as Extract<Chunk, { type: 'error' }>).causes[0]!.code, 3);
  assert.equal(b.state, 'closed');
  // The genuine cookie in time establishes b.
  feed(b, { type: 'cookie-echo', cookie: ack.cookie! }, ack.initiateTag, 100);
  assert.equal(b.state, 'established');
});

test('graceful shutdown delivers queued data first, then both sides close', () => {
  const p = sctpPair(4, { delay: 20, loss: 0.05 });
  assert.ok(p.connect());
  for (let i = 0; i < 50; i++) p.send(p.a, { type: 'send', streamId: 0, ppid: 53, data: numbered(0, i, 2000), ordered: true });
  p.send(p.a, { type: 'shutdown' });
  assert.ok(
    p.net.runUntil(() => p.eventsA.some((e) => e.type === 'closed') && p.eventsB.some((e) => e.type === 'closed'), {
      timeout: 60_000,
    }),
  );
  assert.equal(p.eventsB.filter((e) => e.type === 'message').length, 50);
  assert.deepEqual(p.eventsA.find((e) => e.type === 'closed'), { type: 'closed', reason: 'shutdown' });
  assert.deepEqual(p.eventsB.find((e) => e.type === 'closed'), { type: 'closed', reason: 'shutdown' });
  assert.equal(p.a.pollTimeout(), undefined);
});

test('abort closes both sides at once', () => {
  const p = sctpPair(5, { delay: 20 });
  assert.ok(p.connect());
  p.send(p.a, { type: 'abort', reason: 'bye' });
  p.net.run({ for: 100 });
  assert.equal(p.eventsA.at(-1)!.type, 'closed');
  const closed = p.eventsB.find((e) => e.type === 'closed');
  assert.ok(closed && closed.type === 'closed' && closed.reason === 'peer-abort');
  assert.equal(p.b.state, 'closed');
  // A closed association stays closed: a second abort is a no-op, sends are refused.
  p.send(p.a, { type: 'abort' });
  p.send(p.a, { type: 'send', streamId: 0, ppid: 53, data: Uint8Array.of(1), ordered: true });
  assert.equal(p.eventsA.filter((e) => e.type === 'closed').length, 1);
  const last = p.eventsA.at(-1)!;
  assert.equal(last.type === 'error' && last.code, 'not-connected');
  p.send(p.b, { type: 'connect' });
  p.net.run({ for: 5000 });
  assert.equal(p.b.state, 'closed');
  assert.ok(p.a.counters.get('sctp.input-after-close') >= 1, 'the second abort was ignored');
});

test('heartbeats keep an idle association; a dead path closes it with a timeout', () => {
  const p = sctpPair(6, { delay: 30 });
  assert.ok(p.connect());
  p.net.run({ for: 200_000 });
  assert.equal(p.a.state, 'established');
  assert.ok(p.a.stats.srtt !== undefined);
  p.net.detach(p.b);
  assert.ok(p.net.runUntil(() => p.eventsA.some((e) => e.type === 'closed'), { timeout: 2_000_000 }));
  const closed = p.eventsA.find((e) => e.type === 'closed');
  assert.ok(closed && closed.type === 'closed' && closed.reason === 'timeout');
});

test('send errors: too large for the peer, empty, invalid stream', () => {
  const p = sctpPair(7, {}, { remoteMaxMessageSize: 1000 });
  assert.ok(p.connect());
  p.send(p.a, { type: 'send', streamId: 0, ppid: 53, data: new Uint8Array(1001), ordered: true });
  p.send(p.a, { type: 'send', streamId: 0, ppid: 53, data: new Uint8Array(0), ordered: true });
  p.send(p.a, { type: 'send', streamId: 65535, ppid: 53, data: new Uint8Array(1), ordered: true });
  const errors = p.eventsA.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? e.code : ''));
  assert.deepEqual(errors, ['message-too-large', 'empty-message', 'invalid-stream']);
  const r = p.a.sendMessage(p.net.now, { type: 'send', streamId: 0, ppid: 53, data: new Uint8Array(1001), ordered: true });
  assert.ok(!r.ok && r.error.code === 'message-too-large' && /1000/.test(r.error.message));
});

test('the send buffer is bounded', () => {
  const p = sctpPair(8, {}, { maxSendBuffer: 10_000 });
  const r1 = p.a.sendMessage(0, { type: 'send', streamId: 0, ppid: 53, data: new Uint8Array(6000), ordered: true });
  const r2 = p.a.sendMessage(0, { type: 'send', streamId: 0, ppid: 53, data: new Uint8Array(6000), ordered: true });
  assert.ok(r1.ok);
  assert.ok(!r2.ok && r2.error.code === 'send-buffer-full');
  assert.equal(p.a.bufferedAmount(0), 6000);
});

test('an unknown chunk type with the report bit gets an ERROR back', () => {
  const p = sctpPair(9, { delay: 5 });
  assert.ok(p.connect());
  p.net.run({ for: 100 });
  const tag = p.b.localTag;
  const w = new ByteWriter();
  writeCommonHeader(w, { srcPort: 5000, dstPort: 5000, verificationTag: tag });
  w.u8(0x7f).u8(0).u16(8).u32(0xabcdef01); // type 0x7f: skip and report
  p.b.handleInput(p.net.now, dgram(setChecksum(w.finish())));
  assert.equal(p.b.counters.get('sctp.unknown-chunk'), 1);
  const out = chunksOut(p.b);
  const e = out.find((c) => c.type === 'error') as Extract<Chunk, { type: 'error' }> | undefined;
  assert.ok(e, 'an ERROR chunk answers');
  assert.equal(e.causes[0]!.code, 6);
});

test('zero checksum (RFC 9653) is used only when both ends announce it', () => {
  for (const [za, zb] of [
    [true, true],
    [true, false],
  ] as const) {
    const a = new SctpAssociation({ role: 'client', rng: new SeededRandom(5), zeroChecksum: za });
    const b = new SctpAssociation({ role: 'server', rng: new SeededRandom(6), zeroChecksum: zb });
    a.handleInput(0, { type: 'connect' });
    for (let i = 0; i < 4; i++) {
      pump(a, b, i);
      pump(b, a, i);
    }
    assert.equal(a.state, 'established');
    a.handleInput(10, { type: 'send', streamId: 0, ppid: 53, data: Uint8Array.of(1, 2, 3), ordered: true });
    const packets: Uint8Array[] = [];
    for (let o = a.pollOutput(); o; o = a.pollOutput()) if (o.type === 'transmit') packets.push(o.data);
    assert.equal(packets.length, 1);
    const sum = packets[0]!.subarray(8, 12).reduce((x, y) => x | y, 0);
    assert.equal(sum === 0, za && zb, `checksum with zeroChecksum ${za}/${zb}`);
    b.handleInput(10, dgram(packets[0]!));
    const got = pump(b, a, 10).filter((e) => e.type === 'message');
    assert.equal(got.length, 1);
  }
});
