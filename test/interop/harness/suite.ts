/**
 * Runs runner.ts inside a fresh network namespace (scripts/in-netns.sh) from a node:test file
 * and turns each case it prints into a subtest. Set SANSRTC_INTEROP_LOG=<dir> to keep every
 * case's full record (SDPs, candidates, event order) as JSON files there.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { ROOT, namespaceProblem } from '../../netns/netns.js';
import type { ImplName } from './impl.js';
import type { CaseResult } from './runner.js';
import { CHROMIUM_PATH } from './sides.js';

const CASE_PREFIX = '@@case ';

/**
 * The sansrtc suites (sansrtc against Chromium and against node-datachannel) run in every
 * `npm test` and fail, never skip, if sansrtc misbehaves or stops exporting
 * RTCPeerConnection. The gate stays as a switch for bisecting: a string skips them.
 */
export const sansrtcGate: string | false = false;

export interface SuiteRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly cases: CaseResult[];
  readonly stderr: string;
  readonly ms: number;
}

export interface SuiteOptions {
  readonly suite: 'chromium' | 'ndc';
  readonly impl: ImplName;
  readonly only?: readonly string[];
  readonly timeoutMs?: number;
}

/** Starts the runner in its own namespace; SIGTERM at the deadline (playwright then closes Chromium), SIGKILL 5 s later. */
export function runSuite(o: SuiteOptions): Promise<SuiteRun> {
  const args = ['scripts/in-netns.sh', process.execPath, '--import', 'tsx', 'test/interop/harness/runner.ts', '--suite', o.suite, '--impl', o.impl];
  if (o.only) args.push('--only', o.only.join(','));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env['SANSRTC_IN_NETNS'];
    const child = spawn('bash', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 200_000) stderr += b.toString();
    });
    let kill: NodeJS.Timeout | undefined;
    const term = setTimeout(() => {
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    }, o.timeoutMs ?? 110_000);
    child.on('error', (e) => {
      clearTimeout(term);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(term);
      clearTimeout(kill);
      const cases = stdout
        .split('\n')
        .filter((l) => l.startsWith(CASE_PREFIX))
        .map((l) => JSON.parse(l.slice(CASE_PREFIX.length)) as CaseResult);
      resolve({ status, signal, cases, stderr, ms: Math.round(performance.now() - t0) });
    });
  });
}

function summary(c: CaseResult): string {
  const bits: string[] = [`${c.ms} ms`];
  if (c.attempts) bits.push(`passed on attempt ${c.attempts}; first failure: ${(c.firstError ?? '').split('\n')[0]}`);
  for (const [who, r] of [['impl', c.impl], ['peer', c.peer]] as const) {
    if (!r) continue;
    const d = r.details;
    const parts = Object.entries(d)
      .filter(([k]) => ['MiBps', 'maxMessageSize', 'skipped', 'oversizeSend', 'knownQuirks', 'backpressureWaits', 'maxBuffered', 'sendAfterClose', 'unorderedReceived'].includes(k))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    if (parts.length) bits.push(`${who}: ${parts.join(' ')}`);
  }
  return bits.join('; ');
}

/** Preconditions that make the suites fail, never skip. */
export function checkPreconditions(suite: 'chromium' | 'ndc'): void {
  const problem = namespaceProblem();
  assert.equal(problem, undefined, `interop tests run inside a network namespace: ${problem}`);
  if (suite === 'chromium') assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: apt-get install chromium`);
}

/**
 * Runs a suite and reports each case as a subtest of `t`. `expectCases` guards against a
 * runner that dies early and so reports fewer failures than it should.
 */
export async function suiteAsSubtests(t: TestContext, o: SuiteOptions, expectCases: number): Promise<void> {
  checkPreconditions(o.suite);
  const run = await runSuite(o);
  const dir = process.env['SANSRTC_INTEROP_LOG'];
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${o.suite}-${o.impl}.json`), JSON.stringify(run, null, 2));
  }
  t.diagnostic(`${o.suite} suite, ${o.impl} as the Node side: ${run.cases.length} cases in ${run.ms} ms`);
  for (const c of run.cases) {
    await t.test(c.name, (st) => {
      st.diagnostic(summary(c));
      assert.ok(c.ok, c.error ?? 'failed');
    });
  }
  const tail = run.stderr.split('\n').slice(-40).join('\n');
  assert.equal(run.cases.length, expectCases, `the runner reported ${run.cases.length} of ${expectCases} cases (status ${run.status}, signal ${run.signal}); stderr:\n${tail}`);
  assert.equal(run.status, 0, `runner exit status ${run.status} (signal ${run.signal}); stderr:\n${tail}`);
}
