/**
 * Issue 6: one process holds 1000 connections (500 connected pairs on 127.0.0.1), each
 * exchanging a message, then closes them all with no socket or timer left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePair, messages, negotiate, opened, remoteChannel } from './pair.js';
import type { Pair } from './pair.js';

const PAIRS = Number(process.env['SANSRTC_SCALE_PAIRS'] ?? 500);
/** Pairs negotiated at once: enough to overlap handshakes, few enough to stay fast. */
const BATCH = 50;

function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'Timeout').length;
}

async function connect(): Promise<Pair> {
  const p = makePair();
  const dc = p.a.createDataChannel('s');
  const remoteP = remoteChannel(p.b, 's', 60_000);
  await negotiate(p);
  const remote = await remoteP;
  await opened(dc);
  const got = messages(remote, 1, 60_000);
  dc.send('ping');
  assert.deepEqual(await got, ['ping']);
  return p;
}

test(`${PAIRS * 2} connections in one process`, async () => {
  const before = handles();
  const pairs: Pair[] = [];
  try {
    for (let i = 0; i < PAIRS; i += BATCH) {
      pairs.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, PAIRS - i) }, connect))));
    }
    assert.equal(pairs.length, PAIRS);
    for (const p of pairs) assert.equal(p.a.connectionState, 'connected');
    // Every connection is still alive: a second message through the first and the last pair.
    for (const p of [pairs[0]!, pairs[pairs.length - 1]!]) {
      const dc = p.a.createDataChannel('late');
      const remoteP = remoteChannel(p.b, 'late');
      const remote = await remoteP.then(async (r) => (await opened(dc), r));
      const got = messages(remote, 1);
      dc.send('still here');
      assert.deepEqual(await got, ['still here']);
    }
  } finally {
    for (const p of pairs) p.close();
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(handles(), before, 'every socket and timer is released');
});
