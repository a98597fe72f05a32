import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CubicController, RenoController } from './congestion.js';
import { initialCwnd } from './constants.js';

const MTU = 1200;

test('initial window is the RFC 6928 ten segments; slow start doubles per round with L = 2', () => {
  const cc = new RenoController(MTU);
  cc.setInitialSsthresh(1 << 30);
  assert.equal(cc.cwnd, initialCwnd(MTU));
  assert.equal(initialCwnd(MTU), 12000);
  // One round: the whole window acked in SACKs of two packets each.
  const start = cc.cwnd;
  for (let acked = 0; acked < start; acked += 2 * MTU) cc.onAck(2 * MTU, cc.cwnd, true, false, 0);
  assert.ok(cc.cwnd >= 2 * start - 2 * MTU, `cwnd ${cc.cwnd}`);
  // Growth per SACK is capped at two MTUs however much it acks.
  const before = cc.cwnd;
  cc.onAck(100 * MTU, cc.cwnd, true, false, 0);
  assert.equal(cc.cwnd, before + 2 * MTU);
});

test('no growth when the window is not in use, nor in fast recovery', () => {
  const cc = new RenoController(MTU);
  const w = cc.cwnd;
  cc.onAck(MTU, 0, true, false, 0);
  assert.equal(cc.cwnd, w);
  cc.onAck(MTU, w, true, true, 0);
  assert.equal(cc.cwnd, w);
});

test('fast retransmit halves, timeout collapses to one MTU, congestion avoidance adds one MTU per window', () => {
  const cc = new RenoController(MTU);
  cc.setInitialSsthresh(1 << 30);
  for (let i = 0; i < 100; i++) cc.onAck(2 * MTU, cc.cwnd, true, false, 0);
  const big = cc.cwnd;
  cc.onFastRetransmit(0);
  assert.equal(cc.cwnd, Math.floor(big / 2));
  assert.equal(cc.ssthresh, Math.floor(big / 2));
  const w = cc.cwnd;
  let acked = 0;
  while (acked < w) {
    cc.onAck(MTU, cc.cwnd, true, false, 0);
    acked += MTU;
  }
  assert.equal(cc.cwnd, w + MTU);
  cc.onTimeout(0);
  assert.equal(cc.cwnd, MTU);
  assert.equal(cc.ssthresh, Math.max(Math.floor((w + MTU) / 2), 4 * MTU));
});

test('HyStart++: a round with a higher minimum RTT enters CSS, five CSS rounds end slow start', () => {
  const cc = new RenoController(MTU);
  cc.setInitialSsthresh(1 << 30);
  const round = (rtt: number) => {
    for (let i = 0; i < 10; i++) {
      cc.onRttSample(rtt);
      cc.onAck(2 * MTU, cc.cwnd, true, false, 0);
    }
    cc.onRoundStart();
  };
  round(50);
  round(50);
  assert.equal(cc.ssthresh, 1 << 30);
  // 50 ms + max(4, 50/8) = 56.25 ms: 60 ms is an increase.
  let before = cc.cwnd;
  for (let i = 0; i < 10; i++) cc.onRttSample(60);
  cc.onAck(2 * MTU, cc.cwnd, true, false, 0);
  assert.equal(cc.cwnd, before + (2 * MTU) / 4, 'CSS grows a quarter as fast');
  cc.onRoundStart();
  for (let r = 0; r < 4; r++) round(60);
  assert.ok(cc.ssthresh < cc.cwnd, 'slow start over');
  before = cc.cwnd;
  cc.onAck(2 * MTU, cc.cwnd, true, false, 0);
  assert.ok(cc.cwnd - before < MTU, 'now in congestion avoidance');
});

test('HyStart++: a spurious delay increase returns to slow start', () => {
  const cc = new RenoController(MTU);
  cc.setInitialSsthresh(1 << 30);
  for (let i = 0; i < 10; i++) cc.onRttSample(50);
  cc.onRoundStart();
  for (let i = 0; i < 10; i++) cc.onRttSample(70); // enters CSS (baseline 70)
  cc.onRoundStart();
  for (let i = 0; i < 10; i++) cc.onRttSample(50); // below the baseline: spurious
  cc.onRoundStart();
  const before = cc.cwnd;
  cc.onAck(2 * MTU, cc.cwnd, true, false, 0);
  assert.equal(cc.cwnd, before + 2 * MTU);
});

test('CUBIC backs off to 0.7 and regains the previous maximum in about K seconds, faster than Reno', () => {
  const run = (cc: RenoController | CubicController) => {
    cc.setInitialSsthresh(1 << 30);
    let now = 0;
    cc.onRttSample(100);
    while (cc.cwnd < 1000 * MTU) cc.onAck(2 * MTU, cc.cwnd, true, false, now);
    cc.onFastRetransmit(now);
    const after = cc.cwnd;
    // One round trip every 100 ms, the whole window acknowledged each time.
    let rounds = 0;
    while (cc.cwnd < 1000 * MTU && rounds < 10_000) {
      now += 100;
      rounds++;
      for (let acked = 0; acked < cc.cwnd; acked += 2 * MTU) cc.onAck(2 * MTU, cc.cwnd, true, false, now);
    }
    return { after, rounds };
  };
  const cubic = run(new CubicController(MTU));
  const reno = run(new RenoController(MTU));
  assert.equal(cubic.after, Math.floor(1000 * MTU * 0.7));
  assert.equal(reno.after, 500 * MTU);
  // K = cbrt(300 / 0.4) = 9.1 s: about 91 rounds of 100 ms.
  assert.ok(cubic.rounds > 60 && cubic.rounds < 100, `cubic ${cubic.rounds} rounds`);
  assert.ok(reno.rounds >= 490, `reno ${reno.rounds} rounds`);
});

test('HyStart++ only acts in the initial slow start (RFC 9406 4.1)', () => {
  const cc = new RenoController(MTU);
  cc.setInitialSsthresh(1 << 30);
  cc.onTimeout(0); // a loss: slow start again up to ssthresh, without HyStart++
  for (let i = 0; i < 10; i++) cc.onRttSample(50);
  cc.onRoundStart();
  for (let i = 0; i < 10; i++) cc.onRttSample(90);
  const before = cc.cwnd;
  cc.onAck(2 * MTU, cc.cwnd, true, false, 0);
  assert.equal(cc.cwnd, before + 2 * MTU, 'full slow start growth, no CSS');
});
