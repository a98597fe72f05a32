/**
 * Runs one interop suite and prints one `@@case <json>` line per case. It must run inside a
 * network namespace made by scripts/in-netns.sh (suite.ts starts it that way): it refuses to
 * run anywhere else, so neither browser traffic nor mDNS multicast can reach a real interface.
 *
 *   scripts/in-netns.sh node --import tsx test/interop/harness/runner.ts \
 *     --suite chromium|ndc --impl sansrtc|node-datachannel [--only bulk,strings] [--roles offerer]
 *
 * suite chromium   the implementation under test in Node against Chromium in a page
 * suite ndc        the implementation under test against node-datachannel (both in this process)
 * Each scenario runs twice: the Node implementation as offerer, then as answerer.
 */

import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { assertIsolated } from '../../netns/netns.js';
import { haveCoturn, startCoturn } from '../coturn.js';
import type { Coturn } from '../coturn.js';
import { loadImpl, quirksFor } from './impl.js';
import type { ImplName } from './impl.js';
import { SCENARIOS } from './scenarios.js';
import type { Role, ScenarioParams, ScenarioResult, SignalMessage } from './scenarios.js';
import { chromiumSide, nodeSide } from './sides.js';
import type { Side } from './sides.js';

export const CASE_PREFIX = '@@case ';

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
  /** The implementation under test's view, and the other peer's. */
  readonly impl?: ScenarioResult;
  readonly peer?: ScenarioResult;
  readonly info?: Record<string, unknown>;
  /** Set when the case passed or failed only on a retry (node-datachannel self-test only). */
  readonly attempts?: number;
  readonly firstError?: string;
}

const { values } = parseArgs({
  options: {
    suite: { type: 'string' },
    impl: { type: 'string', default: 'sansrtc' },
    only: { type: 'string' },
    roles: { type: 'string', default: 'offerer,answerer' },
    'bulk-bytes': { type: 'string' },
  },
});

function print(r: CaseResult): void {
  process.stdout.write(`${CASE_PREFIX}${JSON.stringify(r)}\n`);
}

/** Settles both promises; once one fails, the other gets `graceMs` more, then counts as failed. */
async function both<T>(a: Promise<T>, b: Promise<T>, onFirstFailure: () => void, graceMs = 3000): Promise<[PromiseSettledResult<T>, PromiseSettledResult<T>]> {
  let failed = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let graceReject: ((e: Error) => void) | undefined;
  const grace = new Promise<never>((_, reject) => (graceReject = reject));
  grace.catch(() => undefined);
  const watch = (p: Promise<T>): Promise<T> =>
    Promise.race([
      p.catch((e: unknown) => {
        if (!failed) {
          failed = true;
          onFirstFailure();
          graceTimer = setTimeout(() => graceReject!(new Error('abandoned: the other side had already failed')), graceMs);
        }
        throw e;
      }),
      grace,
    ]);
  const r = await Promise.allSettled([watch(a), watch(b)]);
  clearTimeout(graceTimer);
  return r as [PromiseSettledResult<T>, PromiseSettledResult<T>];
}

function reason(r: PromiseSettledResult<unknown>): string | undefined {
  if (r.status === 'fulfilled') return undefined;
  const e = r.reason as Error;
  return e?.message ?? String(e);
}

/** Connects two node-datachannel peers in this process and closes them; returns how long it took. */
async function warmUpNodeDatachannel(): Promise<string> {
  const RTC = await loadImpl('node-datachannel');
  const t0 = performance.now();
  const x = new RTC();
  const y = new RTC();
  try {
    x.addEventListener('icecandidate', (e) => {
      const c = (e as RTCPeerConnectionIceEvent).candidate;
      if (c?.candidate) void y.addIceCandidate(c).catch(() => undefined);
    });
    y.addEventListener('icecandidate', (e) => {
      const c = (e as RTCPeerConnectionIceEvent).candidate;
      if (c?.candidate) void x.addIceCandidate(c).catch(() => undefined);
    });
    const dc = x.createDataChannel('warm-up');
    const open = new Promise<void>((resolve) => dc.addEventListener('open', () => resolve()));
    await x.setLocalDescription(await x.createOffer());
    await y.setRemoteDescription(x.localDescription!);
    await y.setLocalDescription(await y.createAnswer());
    await x.setRemoteDescription(y.localDescription!);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([open, new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error('no open in 5 s')), 5000)))]).finally(() => clearTimeout(timer));
    return `${Math.round(performance.now() - t0)} ms`;
  } finally {
    x.close();
    y.close();
  }
}

async function main(): Promise<number> {
  const suite = values.suite;
  if (suite !== 'chromium' && suite !== 'ndc') throw new Error('--suite chromium|ndc');
  const implName = values.impl as ImplName;
  if (process.env['SANSRTC_IN_NETNS'] !== '1') throw new Error('run me through scripts/in-netns.sh');
  assertIsolated(['sr0', 'sr1']);
  // Chromium, without a media permission, gathers host candidates only on the interface of
  // the default route (it finds it by "connecting" a UDP socket to a public address). The
  // namespace has no default route, so give it one through the veth: nothing can leave.
  execFileSync('ip', ['route', 'replace', 'default', 'dev', 'sr0']);

  const only = values.only ? values.only.split(',') : [...SCENARIOS];
  const roles = values.roles!.split(',') as Role[];
  const params: ScenarioParams = values['bulk-bytes'] ? { bulkBytes: Number(values['bulk-bytes']) } : {};

  let impl: typeof RTCPeerConnection;
  try {
    impl = await loadImpl(implName);
  } catch (e) {
    // Every case fails with the reason: the suite must not pass or skip silently.
    for (const sc of only) for (const role of roles) print({ name: `${sc} (${implName} ${role})`, ok: false, ms: 0, error: (e as Error).message });
    return 1;
  }

  // node-datachannel's first peer connection in a process was seen to close itself when the
  // answer came back quickly ("Got a remote candidate without ICE transport"): connect one
  // throwaway pair first, so the cases do not pay for its start-up.
  if (implName === 'node-datachannel' || suite === 'ndc') {
    const warm = await warmUpNodeDatachannel().catch((e: unknown) => `warm-up failed: ${(e as Error).message}`);
    process.stderr.write(`node-datachannel warm-up: ${warm}\n`);
    await new Promise((r) => setTimeout(r, 250)); // let its teardown finish (see settleMs)
  }

  // Signalling relay: what one side emits goes to the other.
  let a: Side | undefined; // the implementation under test
  let b: Side | undefined; // Chromium or node-datachannel
  const relayErrors: string[] = [];
  /** In 'remote-candidates-only', the Node side's candidates never reach the other peer. */
  let hideNodeCandidates = false;
  const relay = (to: () => Side | undefined, fromNode: boolean) => (m: SignalMessage) => {
    if (fromNode && hideNodeCandidates) {
      if (m.kind === 'candidate') return;
      m = { ...m, sdp: m.sdp.replace(/^a=(candidate|end-of-candidates).*\r?\n/gm, '') };
    }
    to()?.signal(m).catch((e: unknown) => relayErrors.push(`${m.kind} -> ${to()?.name}: ${(e as Error).message}`));
  };
  a = nodeSide(implName, impl, relay(() => b, true));
  const info: Record<string, unknown> = { impl: implName, suite };
  let chromium: Awaited<ReturnType<typeof chromiumSide>> | undefined;
  if (suite === 'chromium') {
    // mDNS host candidates stay on (Chromium's default) except when proving the harness with
    // node-datachannel, which cannot resolve `.local` names.
    const mdns = implName !== 'node-datachannel';
    chromium = await chromiumSide({ mdns }, relay(() => a, false));
    b = chromium;
    info['chromium'] = chromium.version;
    info['chromiumMdns'] = mdns;
  } else {
    const ndc = await loadImpl('node-datachannel');
    b = nodeSide('node-datachannel', ndc, relay(() => a, false));
  }

  const quirksA = quirksFor(implName);
  const quirksB = quirksFor(suite === 'chromium' ? 'chromium' : 'node-datachannel');
  const paramsA: ScenarioParams = { ...params, quirks: quirksA, peerQuirks: quirksB };
  const paramsB: ScenarioParams = { ...params, quirks: quirksB, peerQuirks: quirksA };
  const retries = implName === 'node-datachannel' ? 3 : 0;
  // node-datachannel tears a closed peer connection down on its own threads; a new one made
  // at once was seen to close itself. Give the teardown a moment when it takes part.
  const settleMs = implName === 'node-datachannel' || suite === 'ndc' ? Number(process.env['NDC_SETTLE_MS'] ?? 250) : 0;
  const runCase = async (session: string, name: string, sc: string, role: Role, config: RTCConfiguration): Promise<CaseResult> => {
    const sideA = a!;
    const sideB = b!;
    const other: Role = role === 'offerer' ? 'answerer' : 'offerer';
    const t0 = performance.now();
    relayErrors.length = 0;
    let result: CaseResult;
    try {
      await sideA.open(session, config);
      await sideB.open(session, config);
      const closeBoth = (): void => {
        void sideA.close(session).catch(() => undefined);
        void sideB.close(session).catch(() => undefined);
      };
      const [ra, rb] = await both(sideA.run(session, sc, role, paramsA), sideB.run(session, sc, other, paramsB), closeBoth);
      const errors = [reason(ra) && `${sideA.name}: ${reason(ra)}`, reason(rb) && `${sideB.name}: ${reason(rb)}`].filter(Boolean);
      if (relayErrors.length) errors.push(`relay: ${relayErrors.join('; ')}`);
      if (chromium && chromium.pageErrors().length) info['pageErrors'] = chromium.pageErrors();
      result = {
        name,
        ok: errors.length === 0,
        ms: Math.round(performance.now() - t0),
        ...(errors.length ? { error: errors.join('\n') } : {}),
        ...(ra.status === 'fulfilled' ? { impl: ra.value } : {}),
        ...(rb.status === 'fulfilled' ? { peer: rb.value } : {}),
      };
    } catch (e) {
      result = { name, ok: false, ms: Math.round(performance.now() - t0), error: (e as Error).stack ?? String(e) };
    }
    await sideA.close(session).catch(() => undefined);
    await sideB.close(session).catch(() => undefined);
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    return result;
  };
  let coturn: Coturn | undefined;
  let failures = 0;
  try {
    for (const sc of only) {
      let config: RTCConfiguration = {};
      hideNodeCandidates = sc === 'remote-candidates-only';
      if (sc === 'relay') {
        if (!haveCoturn()) {
          for (const role of roles) print({ name: `${sc} (${implName} ${role})`, ok: false, ms: 0, error: 'coturn (turnserver) is not installed: apt-get install coturn' });
          failures++;
          continue;
        }
        coturn ??= await startCoturn();
        config = {
          iceServers: [{ urls: `turn:${coturn.host}:${coturn.port}?transport=udp`, username: coturn.username, credential: coturn.password }],
          iceTransportPolicy: 'relay',
        };
      }
      for (const role of roles) {
        const name = `${sc} (${implName} ${role})`;
        let result = await runCase(`${suite}-${sc}-${role}`, name, sc, role, config);
        // node-datachannel as the implementation (the harness self-test) gets three retries: its
        // polyfill has races of its own (see the quirks in impl.ts) that are not what the
        // harness tests. The common one: an offerer closes itself as Chromium's answer comes
        // back ("Got a remote candidate without ICE transport"), about one run in three, and
        // the polyfill's setLocalDescription(offer) re-runs a negotiation that libdatachannel
        // already started on createDataChannel, which may be why. sansrtc never gets one; every retry is reported.
        for (let attempt = 2; !result.ok && attempt <= 1 + retries; attempt++) {
          const again = await runCase(`${suite}-${sc}-${role}-${attempt}`, name, sc, role, config);
          result = { ...again, attempts: attempt, firstError: result.error ?? '' };
        }
        if (!result.ok) failures++;
        print({ ...result, info });
      }
    }
  } finally {
    await b.dispose().catch(() => undefined);
    await a.dispose().catch(() => undefined);
    await coturn?.stop();
  }
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`runner failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
