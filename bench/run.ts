/**
 * `npm run bench`: every implementation against itself, two processes per pair, through the
 * W3C API only, several runs each (interleaved: run 1 of every implementation, then run 2, ...),
 * medians reported. Writes bench/results/latest.json,
 * docs/benchmarks.md and docs/benchmarks.svg.
 *
 *   node --import tsx bench/run.ts [--runs 3] [--impls sansrtc,node-datachannel] [--quick]
 *                                  [--cases setup,transfer,unordered,small,scale]
 *   node --import tsx bench/run.ts --render     (docs from bench/results/latest.json)
 *
 * `npm run bench` runs this inside scripts/in-netns.sh, so no packet leaves the machine's
 * loopback-only test namespace.
 */

import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPLS, loadImpl } from './impls.js';
import type { ImplName } from './impls.js';
import type { ChildMessage, ParentMessage, Scenario, SideResult } from './peer.js';
import { measureUdpCeiling } from './udp-ceiling.js';
import { median, renderChart, renderMarkdown } from './report.js';
import type { BenchReport, ImplResult, Metric } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const MiB = 1 << 20;
const GiB = 1 << 30;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const quick = process.argv.includes('--quick');
const runs = Number(arg('runs') ?? (quick ? 1 : 3));
const implNames = (arg('impls')?.split(',') as ImplName[] | undefined) ?? [...IMPLS];
const CASES = ['setup', 'transfer', 'unordered', 'small', 'scale'] as const;
const caseNames = new Set(arg('cases')?.split(',') ?? CASES);
for (const c of caseNames) if (!(CASES as readonly string[]).includes(c)) throw new Error(`unknown case ${c}; known: ${CASES.join(', ')}`);
/** A partial run (--cases) prints its figures but leaves bench/results and docs alone. */
const allCases = CASES.every((c) => caseNames.has(c));
/** Extra node flags for the peer processes, e.g. BENCH_CHILD_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const childArgs = process.env['BENCH_CHILD_ARGS']?.split(' ').filter(Boolean) ?? [];
const transferSeconds = quick ? 2 : 4;
/**
 * A stuck run is cut off at these; a case that times out is not repeated. A transfer stops
 * sending after transferSeconds, but werift then needs 30-60 s to drain and close (its
 * runs that take longer than 45 s are reported as timed out: at 60 s the whole run took
 * 10.7 minutes); 200 connections open in 1-8 s here and the scale case then idles 7 s to
 * read memory (at 120 s, wrtc's hang made the whole run 11 minutes).
 */
const TRANSFER_TIMEOUT_MS = 45_000;
/** Failed (not timed-out) runs of one case that are run again before the case is given up. */
const MAX_RETRIES = 2;
const SCALE_TIMEOUT_MS = 30_000;
const transferBytes = 256 * MiB;

/** Runs one scenario with two fresh processes; resolves with both sides' results. */
function runPair(impl: ImplName, scenario: Scenario, timeoutMs: number): Promise<{ offerer: SideResult; answerer: SideResult }> {
  return new Promise((resolve, reject) => {
    const spawn = () =>
      fork(join(here, 'peer.ts'), [], { execArgv: ['--import', 'tsx', '--expose-gc', ...childArgs], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const off = spawn();
    const ans = spawn();
    const results: Partial<Record<'offerer' | 'answerer', SideResult>> = {};
    let finished = false;
    const finish = (e?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // With BENCH_CHILD_ARGS (a profiler), let the children exit by themselves and write it.
      setTimeout(() => {
        off.kill('SIGKILL');
        ans.kill('SIGKILL');
      }, childArgs.length ? 5000 : 0);
      if (e) reject(e);
      else resolve({ offerer: results.offerer!, answerer: results.answerer! });
    };
    const timer = setTimeout(() => finish(new Error(`${impl} ${scenario.kind}: timed out after ${timeoutMs} ms`)), timeoutMs);
    let ready = 0;
    const wire = (self: typeof off, other: typeof off) => {
      self.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') {
          // Both have loaded the implementation: start them together.
          if (++ready === 2) for (const child of [off, ans]) child.send({ type: 'go' } satisfies ParentMessage);
        } else if (m.type === 'signal') other.send({ type: 'signal', conn: m.conn, payload: m.payload } satisfies ParentMessage);
        else if (m.type === 'error') finish(new Error(`${impl} ${scenario.kind}: ${m.message}`));
        else {
          results[m.result.role] = m.result;
          if (results.offerer && results.answerer) finish();
        }
      });
      self.on('exit', (code) => {
        if (code && !finished) finish(new Error(`${impl} ${scenario.kind}: child exited with ${code}`));
      });
    };
    wire(off, ans);
    wire(ans, off);
    off.send({ type: 'start', impl, role: 'offerer', scenario } satisfies ParentMessage);
    ans.send({ type: 'start', impl, role: 'answerer', scenario } satisfies ParentMessage);
  });
}

/** A figure a case reports, from the values its `measure` records under `key`. */
interface CaseMetric {
  readonly key: string;
  readonly name: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
}

/**
 * One case: a scenario run in fresh process pairs, and what each run contributes to its
 * metrics. `measure` throws when a run's result fails its integrity check. The first metric
 * is the case's own: a run that fails for good is reported on it.
 */
interface Case {
  readonly scenario: Scenario;
  readonly timeoutMs: number;
  readonly metrics: readonly CaseMetric[];
  measure(r: { offerer: SideResult; answerer: SideResult }, record: (key: string, value: number) => void): void;
}

interface CaseState {
  readonly values: Map<string, number[]>;
  failures: number;
  error?: string;
}

/**
 * Runs a case `runs` times for every implementation, interleaved (run 1 of each, then run 2
 * of each, ...), so a change in the machine's speed over the minutes a case takes falls on
 * every implementation alike instead of on whichever ran last: the ratios are what the
 * bench reports, and on this shared machine speed drifts by 20-30% within minutes.
 */
async function runCase(c: Case, impls: readonly { name: ImplName; result: ImplResult }[]): Promise<void> {
  const states = new Map<ImplName, CaseState>(impls.map(({ name }) => [name, { values: new Map(), failures: 0 }]));
  for (let i = 0; i < runs; i++) {
    for (const { name } of impls) {
      const st = states.get(name)!;
      while (st.error === undefined) {
        try {
          const staged: [string, number][] = [];
          c.measure(await runPair(name, c.scenario, c.timeoutMs), (key, value) => staged.push([key, value]));
          for (const [key, value] of staged) st.values.set(key, [...(st.values.get(key) ?? []), value]);
          break;
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          // A run that failed fast (node-datachannel's polyfill sometimes refuses a trickled
          // candidate: "Got a remote candidate without ICE transport") is run again, up to
          // MAX_RETRIES times per case; a timeout is not (it would cost the timeout again).
          if (error.includes('timed out') || st.failures >= MAX_RETRIES) {
            st.error = error;
            break;
          }
          st.failures++;
          console.log(`  ${name}: retrying a failed ${c.scenario.kind} run (${error})`);
        }
      }
    }
  }
  for (const { name, result } of impls) {
    const st = states.get(name)!;
    c.metrics.forEach((m, k) => {
      const values = st.values.get(m.key) ?? [];
      const error = k === 0 ? st.error : undefined;
      const metric: Metric = { name: m.name, unit: m.unit, better: m.better, median: median(values), samples: values, ...(error ? { error } : {}) };
      result.metrics.push(metric);
      const samples = values.length > 1 ? `  [${values.map((v) => v.toFixed(v < 10 ? 2 : 0)).join(' ')}]` : '';
      console.log(`  ${name.padEnd(17)} ${m.name.padEnd(34)} ${metric.median.toFixed(2).padStart(10)} ${m.unit}${samples}${error ? `  (${error})` : ''}`);
    });
  }
}

function cases(): Case[] {
  const out: Case[] = [];
  if (caseNames.has('setup')) {
    out.push({
      scenario: { kind: 'setup', reps: quick ? 3 : 5 },
      timeoutMs: 60_000,
      metrics: [
        { key: 'setup', name: 'setup', unit: 'ms', better: 'lower' },
        // What a short-lived process (a command line) sees: the first connection of fresh processes.
        { key: 'first', name: 'setup, first connection of a process', unit: 'ms', better: 'lower' },
      ],
      measure: ({ offerer, answerer }, record) => {
        const times = offerer.startedAt!.map((t, i) => Math.max(offerer.openedAt![i]!, answerer.openedAt![i]!) - t);
        for (const t of times) record('setup', t);
        record('first', times[0]!);
      },
    });
  }
  for (const size of caseNames.has('transfer') ? [16 * 1024, 64 * 1024, 256 * 1024] : []) {
    out.push({
      scenario: { kind: 'transfer', size, totalBytes: transferBytes, maxSeconds: transferSeconds, ordered: true },
      timeoutMs: TRANSFER_TIMEOUT_MS,
      metrics: [
        { key: 'throughput', name: `throughput ${size / 1024} KiB reliable`, unit: 'MiB/s', better: 'higher' },
        ...(size === 16 * 1024 ? [{ key: 'cpu', name: 'CPU per GiB (both sides, 16 KiB)', unit: 'CPU-s', better: 'lower' as const }] : []),
      ],
      measure: ({ offerer, answerer }, record) => {
        if (answerer.corrupt || answerer.outOfOrder || answerer.bytesReceived !== offerer.bytesSent) {
          throw new Error(`integrity: sent ${offerer.bytesSent} got ${answerer.bytesReceived}, corrupt ${answerer.corrupt}, out of order ${answerer.outOfOrder}`);
        }
        record('cpu', offerer.cpuSeconds! / (offerer.bytesSent! / GiB) + answerer.cpuSeconds! / (answerer.bytesReceived! / GiB));
        record('throughput', answerer.bytesReceived! / MiB / ((answerer.lastReceive! - offerer.sendStart!) / 1000));
      },
    });
  }
  if (caseNames.has('unordered')) {
    out.push({
      scenario: { kind: 'transfer', size: 16 * 1024, totalBytes: transferBytes, maxSeconds: transferSeconds, ordered: false, maxRetransmits: 0 },
      timeoutMs: TRANSFER_TIMEOUT_MS,
      metrics: [
        { key: 'throughput', name: 'throughput 16 KiB unordered, rexmit 0', unit: 'MiB/s', better: 'higher' },
        { key: 'loss', name: 'loss, unordered rexmit 0', unit: 'fraction', better: 'lower' },
      ],
      measure: ({ offerer, answerer }, record) => {
        if (answerer.corrupt) throw new Error(`integrity: ${answerer.corrupt} corrupt messages`);
        record('loss', 1 - answerer.messagesReceived! / offerer.messagesSent!);
        record('throughput', answerer.bytesReceived! / MiB / ((answerer.lastReceive! - offerer.sendStart!) / 1000));
      },
    });
  }
  if (caseNames.has('small')) {
    out.push({
      scenario: { kind: 'transfer', size: 100, totalBytes: 64 * MiB, maxSeconds: transferSeconds, ordered: true },
      timeoutMs: TRANSFER_TIMEOUT_MS,
      metrics: [{ key: 'rate', name: 'small messages (100 B)', unit: 'msg/s', better: 'higher' }],
      measure: ({ offerer, answerer }, record) => {
        if (answerer.corrupt || answerer.messagesReceived !== offerer.messagesSent) throw new Error('integrity: small messages lost or corrupt');
        record('rate', answerer.messagesReceived! / ((answerer.lastReceive! - offerer.sendStart!) / 1000));
      },
    });
  }
  if (caseNames.has('scale')) {
    const n = Number(arg('connections') ?? (quick ? 50 : 200));
    out.push({
      scenario: { kind: 'scale', connections: n },
      timeoutMs: SCALE_TIMEOUT_MS,
      metrics: [
        { key: 'open', name: `open ${n} connections`, unit: 'ms', better: 'lower' },
        // The processes are fresh, so this includes warming up (for JavaScript stacks, V8
        // interpreting and compiling the code the first connections run).
        { key: 'cpu', name: 'CPU per connection opened (both sides)', unit: 'ms', better: 'lower' },
        { key: 'mem', name: 'memory per connection (RSS)', unit: 'KiB', better: 'lower' },
        { key: 'idle', name: 'memory per connection, idle 6 s (RSS)', unit: 'KiB', better: 'lower' },
        // Where the RSS goes: the JS heap still in use after a full GC (for the native stacks,
        // only their JavaScript wrappers).
        { key: 'heap', name: 'JS heap per connection (after GC)', unit: 'KiB', better: 'lower' },
      ],
      measure: ({ offerer, answerer }, record) => {
        record('mem', (offerer.rssPerConnection! + answerer.rssPerConnection!) / 2 / 1024);
        record('idle', (offerer.rssIdlePerConnection! + answerer.rssIdlePerConnection!) / 2 / 1024);
        record('cpu', offerer.cpuMsPerConnection! + answerer.cpuMsPerConnection!);
        record('heap', (offerer.heapPerConnection! + answerer.heapPerConnection!) / 2 / 1024);
        record('open', Math.max(offerer.allOpenAt!, answerer.allOpenAt!) - Math.min(offerer.scaleStart!, answerer.scaleStart!));
      },
    });
  }
  return out;
}

/** Every case for every implementation that loads (interleaved, see runCase). */
async function benchAll(): Promise<ImplResult[]> {
  const results: ImplResult[] = [];
  const running: { name: ImplName; result: ImplResult }[] = [];
  for (const name of implNames) {
    const loaded = await loadImpl(name).catch((e: unknown) => e as Error);
    if (loaded instanceof Error) {
      results.push({ impl: name, version: '-', unavailable: loaded.message, metrics: [] });
      continue;
    }
    const result: ImplResult = { impl: name, version: loaded.version, metrics: [] };
    results.push(result);
    running.push({ name, result });
  }
  for (const c of cases()) await runCase(c, running);
  return results;
}

/**
 * Record seal+open MB/s per core for our DTLS record layer, from bench/dtls-record.ts (its
 * "C RecordProtection" rows), per AEAD.
 */
function measureDtlsCeiling(): Record<string, number> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'dtls-record.ts'), quick ? '3000' : '10000', '3', 'C'], { encoding: 'utf8' });
  const result: Record<string, number> = {};
  for (const m of out.matchAll(/^C RecordProtection\s+(\S+)\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s*$/gm)) result[m[1]!] = Number(m[2]);
  return result;
}

/**
 * From bench/floor.ts, per cipher (AES-128-GCM through node:crypto, ChaCha20-Poly1305 in
 * WebAssembly): the CPU-s per GiB (both sides) that record seal/open and dgram send/receive
 * alone cost, and the record crypto alone here and in OpenSSL (what a stack in C pays).
 */
function measureCpuFloor(): { floor: Record<string, number>; aead: Record<string, { c: number; ours: number }> } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'floor.ts'), quick ? '30000' : '60000', '3'], { encoding: 'utf8' });
  const floor: Record<string, number> = {};
  for (const m of out.matchAll(/^(\S+)\s+seal [\s\S]*?= ([\d.]+) CPU-s per GiB/gm)) floor[m[1]!] = Number(m[2]);
  const aead: Record<string, { c: number; ours: number }> = {};
  for (const m of out.matchAll(/^\s+native (\S+): .* ([\d.]+) CPU-s in C against ([\d.]+) here/gm)) aead[m[1]!] = { c: Number(m[2]), ours: Number(m[3]) };
  return { floor, aead };
}

/** Writes the markdown table and the chart from a report. */
function writeDocs(report: BenchReport): void {
  writeFileSync(join(here, '..', 'docs', 'benchmarks.md'), renderMarkdown(report));
  writeFileSync(join(here, '..', 'docs', 'benchmarks.svg'), renderChart(report));
}

async function main(): Promise<void> {
  if (process.argv.includes('--render')) {
    // Re-render docs from the last results without measuring again.
    writeDocs(JSON.parse(readFileSync(join(here, 'results', 'latest.json'), 'utf8')) as BenchReport);
    console.log('wrote docs/benchmarks.md, docs/benchmarks.svg from bench/results/latest.json');
    return;
  }
  console.log(`sansrtc benchmarks: ${runs} run(s) each, implementations: ${implNames.join(', ')}`);
  if (implNames.includes('sansrtc') && !process.env['SANSRTC_DIST']) {
    // Measure the compiled package, not TypeScript through a loader (SANSRTC_DIST: a build
    // made elsewhere, bench/impls.ts).
    execFileSync(process.execPath, [join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(here, '..', 'tsconfig.build.json')], { stdio: 'inherit' });
  }
  if (!allCases) {
    await benchAll();
    return;
  }
  const udp = await measureUdpCeiling(quick ? 1 : 2, 1200);
  console.log(`  raw UDP ceiling (1200 B datagrams, two processes): ${udp.toFixed(1)} MiB/s`);
  const dtls = measureDtlsCeiling();
  for (const [alg, v] of Object.entries(dtls)) console.log(`  DTLS record seal+open ceiling (${alg}, 1200 B, one core): ${v.toFixed(1)} MB/s`);
  const { floor: cpuFloor, aead } = measureCpuFloor();
  for (const [alg, v] of Object.entries(cpuFloor)) console.log(`  CPU floor (${alg} seal + open + UDP send + receive per packet, no protocol logic): ${v.toFixed(1)} CPU-s per GiB`);
  for (const [alg, v] of Object.entries(aead)) console.log(`  record crypto alone (${alg}, seal + open): ${v.ours.toFixed(1)} CPU-s per GiB here, ${v.c.toFixed(1)} in OpenSSL`);
  const results = await benchAll();
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / GiB), node: process.version },
    runs,
    ceilings: { udpMiBs: udp, dtlsSealOpenMBs: dtls, cpuFloorSPerGiB: cpuFloor, aeadSPerGiB: aead },
    results,
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  writeDocs(report);
  console.log('wrote bench/results/latest.json, docs/benchmarks.md, docs/benchmarks.svg');
}

await main();
