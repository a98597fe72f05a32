import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../core/random.js';
import { SctpAssociation } from './association.js';
import { dgram, drain } from './sim.fixture.js';
import { base64Decode, base64Encode, decodeSnapInit, encodeSnapInit } from './snap.js';


test('base64: round trip against Node, strict decoding', () => {
  const rng = new SeededRandom(3);
  for (let n = 0; n < 70; n++) {
    const b = new Uint8Array(n).map(() => rng.u32() & 0xff);
    const text = base64Encode(b);
    assert.equal(text, Buffer.from(b).toString('base64'));
    if (n > 0) assert.deepEqual(base64Decode(text), b);
    if (n > 0) assert.deepEqual(base64Decode(text.replace(/=+$/, '')), b, 'unpadded text of a valid length');
  }
  for (const bad of ['', 'A', 'AB=C', 'AB*D', 'ABC=D', 'AB==', 'ABC_', 'AA=', 'A===', 'ABCD\n', 'AB\u00e9D']) {
    assert.equal(base64Decode(bad), undefined, JSON.stringify(bad));
  }
});

test('a=sctp-init: the draft example decodes; ours round-trips; anything else is refused', () => {
  // draft-hancke-tsvwg-snap-00 section 4.1 (unpadded, 30-byte chunk).
  const ex = decodeSnapInit('AQAAHols3R0AUAAA/////+B5ZR3AAAAEgAgABoLA');
  assert.ok(ex.ok);
  assert.equal(ex.value.initiateTag, 0x896cdd1d);
  assert.equal(ex.value.aRwnd, 0x00500000);
  assert.equal(ex.value.initialTsn, 0xe079651d);
  assert.deepEqual([ex.value.outboundStreams, ex.value.inboundStreams, ex.value.forwardTsn, ex.value.reconfig], [65535, 65535, true, true]);

  const a = new SctpAssociation({ role: 'client', rng: new SeededRandom(1), zeroChecksum: true, initiateTag: 0x1234, initialTsn: 77 });
  const text = encodeSnapInit(a.initChunk());
  const back = decodeSnapInit(text);
  assert.ok(back.ok);
  assert.deepEqual(back.value, { ...a.initChunk(), zeroChecksum: true });
  assert.equal(back.value.initiateTag, 0x1234);
  assert.equal(back.value.initialTsn, 77);

  const chunk = base64Decode(text)!;
  const refuse = (b: Uint8Array, why: string) => assert.equal(decodeSnapInit(base64Encode(b)).ok, false, why);
  assert.equal(decodeSnapInit('not base64!').ok, false);
  refuse(Uint8Array.from([2, ...chunk.subarray(1)]), 'an INIT ACK');
  refuse(chunk.subarray(0, 16), 'truncated');
  const zeroTag = chunk.slice();
  zeroTag.fill(0, 4, 8);
  refuse(zeroTag, 'zero initiate tag');
  const smallWindow = chunk.slice();
  smallWindow.set([0, 0, 1, 0], 8);
  refuse(smallWindow, 'a_rwnd below 1500');
  refuse(Uint8Array.from([...chunk, ...chunk]), 'two chunks');
});


test('association: with each other\'s INIT from SDP, connect is ESTABLISHED at once and the first packet carries data', () => {
  const a = new SctpAssociation({ role: 'server', rng: new SeededRandom(1), zeroChecksum: true });
  const b = new SctpAssociation({ role: 'client', rng: new SeededRandom(2), zeroChecksum: true });
  const a2 = new SctpAssociation({ role: 'server', rng: new SeededRandom(1), zeroChecksum: true, snapPeerInit: b.initChunk() });
  const b2 = new SctpAssociation({ role: 'client', rng: new SeededRandom(2), zeroChecksum: true, snapPeerInit: a.initChunk() });
  // A message queued before the association is up goes in the first packet.
  a2.handleInput(0, { type: 'send', streamId: 1, ppid: 50, data: Uint8Array.of(3, 0, 0, 0), ordered: true });
  a2.handleInput(0, { type: 'connect' });
  b2.handleInput(0, { type: 'connect' });
  assert.equal(a2.state, 'established');
  assert.equal(b2.state, 'established');
  const fromA = drain(a2);
  const fromB = drain(b2);
  assert.deepEqual(fromA.events.filter((e) => e.type !== 'buffered-amount-low'), [{ type: 'connected' }]);
  assert.deepEqual(fromB.events, [{ type: 'connected' }]);
  assert.equal(fromB.packets.length, 0, 'no INIT');
  assert.deepEqual(fromA.packets.map((p) => p.map((c) => c.type)), [['data']]);
  assert.equal(a2.counters.get('sctp.snap'), 1);
  // Zero checksums are agreed from the INITs (RFC 9653): the DATA packet has none.
  assert.deepEqual([...fromA.raw[0]!.subarray(8, 12)], [0, 0, 0, 0]);
  for (const d of fromA.raw) b2.handleInput(1, dgram(d));
  const atB = drain(b2);
  assert.deepEqual(atB.events.filter((e) => e.type === 'message').map((e) => e.type === 'message' && [...e.data]), [[3, 0, 0, 0]]);
  b2.handleTimeout(100);
  const sack = drain(b2);
  assert.ok(sack.packets.flat().some((c) => c.type === 'sack'));
  for (const d of sack.raw) a2.handleInput(101, dgram(d));
  drain(a2);
  assert.equal(a2.stats.flightSize, 0, 'the SACK (with the tag from our SDP INIT) is accepted');
});
