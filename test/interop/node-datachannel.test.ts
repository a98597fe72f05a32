/**
 * Interop against node-datachannel (npm, its W3C polyfill) in one process, inside a network
 * namespace the test creates (scripts/in-netns.sh; libjuice skips loopback, so the peers meet
 * on the namespace's veth addresses). Same scenario library and roles as chromium.test.ts.
 *
 * - node-datachannel against itself: a self-test of the harness, runs by default.
 * - sansrtc against node-datachannel: gated behind SANSRTC_INTEROP=1 (see `sansrtcGate`
 *   in harness/suite.ts); when it runs, it fails (never skips) if src/index.ts does not
 *   export RTCPeerConnection.
 */

import { test } from 'node:test';
import { SCENARIOS } from './harness/scenarios.js';
import { sansrtcGate, suiteAsSubtests } from './harness/suite.js';

const CASES = SCENARIOS.length * 2;

test('node-datachannel <-> node-datachannel (harness self-test)', { timeout: 120_000 }, async (t) => {
  await suiteAsSubtests(t, { suite: 'ndc', impl: 'node-datachannel' }, CASES);
});

test(
  'node-datachannel <-> sansrtc',
  {
    timeout: 120_000,
    skip: sansrtcGate,
  },
  async (t) => {
    await suiteAsSubtests(t, { suite: 'ndc', impl: 'sansrtc' }, CASES);
  },
);
