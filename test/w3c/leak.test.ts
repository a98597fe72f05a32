/**
 * Issue 6 leak test: many open/close cycles leave handle counts flat and memory bounded.
 * Cycles are connection pairs that connect, exchange a message and close. The count is kept
 * modest so the suite stays fast on 2 cores; `SANSRTC_LEAK_CYCLES=1000` runs the full figure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { makePair, messages, negotiate, opened, remoteChannel } from './pair.js';

const CYCLES = Number(process.env['SANSRTC_LEAK_CYCLES'] ?? 60);

// A real collection before each heap reading, without needing node --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'Timeout').length;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
}

async function cycle(): Promise<void> {
  const p = makePair();
  const dc = p.a.createDataChannel('c');
  const remoteP = remoteChannel(p.b, 'c');
  await negotiate(p);
  const remote = await remoteP;
  await opened(dc);
  const got = messages(remote, 1);
  dc.send('x');
  await got;
  p.close();
}

test(`${CYCLES} connect/close cycles keep handles flat and memory bounded`, async (t) => {
  await cycle(); // warm up lazy module state
  await settle();
  const handles0 = handles();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < CYCLES; i++) await cycle();
  await settle();
  assert.equal(handles(), handles0, 'sockets and timers are all released');
  gc();
  const growth = process.memoryUsage().heapUsed - heap0;
  t.diagnostic(`heap after ${CYCLES} cycles: ${(growth / 1024).toFixed(0)} KiB more than after the first`);
  // A connection pair holds hundreds of KiB; retaining even one per cycle would exceed this.
  assert.ok(growth < 4 * 1024 * 1024, `heap grew ${(growth / 1024).toFixed(0)} KiB over ${CYCLES} cycles`);
});
