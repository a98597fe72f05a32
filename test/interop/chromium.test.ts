/**
 * Interop against Debian's Chromium (driven by playwright-core), inside a network namespace
 * the test creates (scripts/in-netns.sh): the Node side's W3C implementation and Chromium run
 * the scenario library in test/interop/harness/scenarios.ts, each scenario with the Node side
 * as offerer and as answerer.
 *
 * - node-datachannel as the Node side: a self-test of the harness, runs by default. Chromium
 *   is started with mDNS host candidates OFF here only, since node-datachannel cannot resolve
 *   `.local` names.
 * - sansrtc as the Node side: Chromium with default WebRTC settings (mDNS candidates on).
 *   Gated behind SANSRTC_INTEROP=1 (see `sansrtcGate` in harness/suite.ts); when it runs, it
 *   fails (never skips) if src/index.ts does not export RTCPeerConnection.
 */

import { test } from 'node:test';
import { SCENARIOS } from './harness/scenarios.js';
import { sansrtcGate, suiteAsSubtests } from './harness/suite.js';

const CASES = SCENARIOS.length * 2;

test('Chromium <-> node-datachannel (harness self-test)', { timeout: 120_000 }, async (t) => {
  await suiteAsSubtests(t, { suite: 'chromium', impl: 'node-datachannel' }, CASES);
});

test(
  'Chromium <-> sansrtc',
  {
    timeout: 120_000,
    skip: sansrtcGate,
  },
  async (t) => {
    await suiteAsSubtests(t, { suite: 'chromium', impl: 'sansrtc' }, CASES);
  },
);
