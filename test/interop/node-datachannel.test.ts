/**
 * Interop against node-datachannel (npm, its W3C polyfill) in one process, inside a network
 * namespace the test creates (scripts/in-netns.sh; libjuice skips loopback, so the peers meet
 * on the namespace's veth addresses). Same scenario library and roles as chromium.test.ts.
 *
 * - node-datachannel against itself: a self-test of the harness, runs by default.
 * - sansrtc against node-datachannel: gated behind SANSRTC_INTEROP=1 until src/index.ts
 *   exports RTCPeerConnection; when set, it fails (never skips) if the export is missing.
 */

import { test } from 'node:test';
import { SCENARIOS } from './harness/scenarios.js';
import { suiteAsSubtests } from './harness/suite.js';

const CASES = SCENARIOS.length * 2;

test('node-datachannel <-> node-datachannel (harness self-test)', { timeout: 120_000 }, async (t) => {
  await suiteAsSubtests(t, { suite: 'ndc', impl: 'node-datachannel' }, CASES);
});

test(
  'node-datachannel <-> sansrtc',
  {
    timeout: 120_000,
    skip: process.env['SANSRTC_INTEROP'] === '1' ? false : 'set SANSRTC_INTEROP=1 (gated until src/index.ts exports RTCPeerConnection)',
  },
  async (t) => {
    await suiteAsSubtests(t, { suite: 'ndc', impl: 'sansrtc' }, CASES);
  },
);
