/**
 * The Node-side W3C implementation under test, chosen by `SANSRTC_INTEROP_IMPL`:
 *   sansrtc            (default) `RTCPeerConnection` exported by src/index.ts
 *   node-datachannel   node-datachannel's W3C polyfill, to prove the harness itself
 */

import type { Quirk } from './scenarios.js';

export type ImplName = 'sansrtc' | 'node-datachannel';

export const IMPLS: readonly ImplName[] = ['sansrtc', 'node-datachannel'];

export function implFromEnv(): ImplName {
  const v = process.env['SANSRTC_INTEROP_IMPL'] ?? 'sansrtc';
  if (v !== 'sansrtc' && v !== 'node-datachannel') throw new Error(`SANSRTC_INTEROP_IMPL must be 'sansrtc' or 'node-datachannel', not '${v}'`);
  return v;
}

export const SANSRTC_MISSING =
  "sansrtc does not export RTCPeerConnection yet: src/index.ts must re-export the W3C facade (src/w3c) as `RTCPeerConnection` before the sansrtc interop suites can run";

/** Loads the implementation's `RTCPeerConnection`, or throws saying why it cannot. */
export async function loadImpl(name: ImplName): Promise<typeof RTCPeerConnection> {
  if (name === 'node-datachannel') {
    const m = await import('node-datachannel/polyfill');
    return m.RTCPeerConnection as unknown as typeof RTCPeerConnection;
  }
  const m = (await import('../../../src/index.js')) as Record<string, unknown>;
  const ctor = m['RTCPeerConnection'];
  if (typeof ctor !== 'function') throw new Error(SANSRTC_MISSING);
  return ctor as typeof RTCPeerConnection;
}

/**
 * Where an implementation knowingly deviates from the W3C API (scenarios.ts reports these in
 * `knownQuirks` instead of failing). sansrtc and Chromium get none: they run strict.
 */
export function quirksFor(name: ImplName | 'chromium'): readonly Quirk[] {
  if (name !== 'node-datachannel') return [];
  return ['dc-id-unassigned', 'received-channel-props', 'buffered-amount-drains-in-background', 'drops-early-messages', 'string-overtakes-binary'];
}
