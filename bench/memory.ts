/**
 * Memory per open connection (issue 7). Opens N connected RTCPeerConnection pairs in this
 * process (both ends here, so one "connection" below is one RTCPeerConnection; a pair is two),
 * one open data channel each, `batch` pairs at a time, forces GC and reports heapUsed,
 * heapTotal, external (which includes arrayBuffers), arrayBuffers, RSS and file descriptors
 * per RTCPeerConnection over a baseline taken after one warm-up pair; then the same for the
 * second half alone (opened on an already grown heap: the marginal cost), and the growth of
 * each V8 heap space. With `snapshot` as 3rd argument it writes heap snapshots before and
 * after and prints the growth in self size by constructor (ArrayBuffer backing stores appear
 * as `system / JSArrayBufferData`).
 *
 *   npx tsc -p tsconfig.build.json            (or --outDir /tmp/dist-x to compare builds)
 *   node --expose-gc --import tsx bench/memory.ts [pairs=100] [dist=../dist] [snapshot|-] [batch=10]
 *
 * Measured (Node 20, shared 2-core machine), `bench/memory.ts 200 <dist>`, 400
 * RTCPeerConnections, per RTCPeerConnection, 3 runs each:
 *   before (c399749):  heapUsed 38-41 KiB, external 130.1 KiB, RSS 222-230 KiB; marginal RSS 146-206 KiB
 *   after  (d89b3a0):  heapUsed 38-39 KiB, external   0.7 KiB, RSS 118-125 KiB; marginal RSS  71-93 KiB
 *   before (8a13d3e):  heapUsed 32.5 KiB,  external   0.7 KiB, RSS 118-119 KiB; marginal RSS 123-127 KiB
 *   after  (a4f3a33):  heapUsed 34 KiB,    external   0.4 KiB, RSS 105-107 KiB; marginal RSS 114-118 KiB
 *     (these two back to back, 2 runs each, `bench/memory.ts 200 <dist> -`)
 * The 130 KiB were two 64 KiB slabs per connection (DTLS sealed records, SCTP packets), each
 * kept alive by the connection after its last packet; they are one process-wide slab now.
 * b50f552 dropped the P-256 key and certificate made per RTCPeerConnection (one default
 * certificate per process now, as libdatachannel does).
 *
 * bench/run.ts' scale case (200 connections per process, two processes, netns with two
 * addresses, so two sockets and four candidate pairs per connection) reports ~190-220 KiB
 * against ~106 here. The difference is the young generation: V8 doubles the semi-spaces
 * (1 -> 16 MiB) whenever the bytes surviving scavenges since the last growth exceed their
 * size, and 200 handshakes at once keep ~46 KiB per connection alive, so new_space ends at
 * ~28 MiB = ~140 KiB per connection of 200 (scale2-style measurement: heapTotal +195 KiB,
 * heapUsed +46, new_space +143, old_space +45 per connection). The bench samples RSS 500 ms
 * after the burst, before V8 shrinks new space (it does so only at low allocation
 * throughput over ~5 s, or on memory pressure). With the young generation capped,
 * BENCH_CHILD_ARGS='--max-semi-space-size=1' (or =4), the same bench reports 92-98 KiB per
 * connection (4 runs each; opening times stayed within the run-to-run noise of the loaded
 * machine). Getting there without a flag means keeping far less alive per connection
 * during the burst (under ~20 KiB).
 *
 * What remains, per RTCPeerConnection:
 * - ~41 KiB of RSS and heapTotal is the young generation growing to its 16 MiB limit while
 *   the handshakes run (new_space in the table). It is a cost per process, not per
 *   connection: at 400 connections here it is 41-61 KiB each; in bench/run.ts' scale ~140 (above).
 * - old space ~36 KiB: ~100 small objects spread over the layers; none above 1 KiB except
 *   the DTLS endpoint (3.7 KiB exclusively owned, of which 1.4 KiB is the two record
 *   protections) and the SDP kept by the peer (~1.7 KiB). Each arrow-function field costs
 *   ~300 bytes with its context; each Map ~200.
 * - native ~25-35 KiB: (the P-256 key per RTCPeerConnection, ~16 KiB, is gone since
 *   b50f552: one default certificate per process), the UDP socket (one per address,
 *   ~8 KiB of RSS in user space; its 1 MiB kernel buffers are not in RSS), OpenSSL and
 *   malloc slack from the per-record ciphers.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const pairs = Number(process.argv[2] ?? 100);
const dist = process.argv[3] ?? new URL('../dist/', import.meta.url).pathname;
const snapshot = process.argv[4] === 'snapshot';


const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

interface Channel { readyState: string; onopen: (() => void) | null; label: string }
interface PC {
  createDataChannel(label: string): Channel;
  createOffer(): Promise<{ type: string; sdp: string }>;
  createAnswer(): Promise<{ type: string; sdp: string }>;
  setLocalDescription(d?: unknown): Promise<void>;
  setRemoteDescription(d: unknown): Promise<void>;
  addIceCandidate(c: unknown): Promise<void>;
  localDescription: { type: string; sdp: string } | null;
  onicecandidate: ((ev: { candidate: { toJSON(): object } | null }) => void) | null;
  ondatachannel: ((ev: { channel: Channel }) => void) | null;
  close(): void;
}
const mod = (await import(`${dist.replace(/\/?$/, '/')}index.js`)) as { RTCPeerConnection: new (c: object) => PC };
const config = { bindAddresses: ['127.0.0.1'] };

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc!();
  }
}

function usage(): { heap: number; heapTotal: number; external: number; arrayBuffers: number; rss: number; fds: number } {
  const m = process.memoryUsage();
  let fds = NaN;
  try {
    fds = readdirSync('/proc/self/fd').length;
  } catch {
    // not Linux
  }
  return { heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss, fds };
}

async function openPair(keep: unknown[]): Promise<void> {
  const a = new mod.RTCPeerConnection(config);
  const b = new mod.RTCPeerConnection(config);
  a.onicecandidate = (ev) => { if (ev.candidate) void b.addIceCandidate(ev.candidate.toJSON()); };
  b.onicecandidate = (ev) => { if (ev.candidate) void a.addIceCandidate(ev.candidate.toJSON()); };
  const ch = a.createDataChannel('m');
  const opened = Promise.all([
    new Promise<void>((r) => { ch.onopen = () => r(); }),
    new Promise<Channel>((r) => { b.ondatachannel = (ev) => { ev.channel.readyState === 'open' ? r(ev.channel) : (ev.channel.onopen = () => r(ev.channel)); }; }),
  ]);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const [, remote] = await opened;
  keep.push(a, b, ch, remote);
}

// Warm up: one pair opened and closed, so module-level state and JIT code are in the baseline.
{
  const warm: unknown[] = [];
  await openPair(warm);
  (warm[0] as PC).close();
  (warm[1] as PC).close();
}
await settle();
const beforeSnapshot = snapshot ? writeHeapSnapshot(join(tmpdir(), `memory-${process.pid}-before.heapsnapshot`)) : undefined;
if (snapshot) await settle();
const before = usage();
const spacesBefore = spaces();
const keep: unknown[] = [];
/** Pairs opened at once (4th argument; the scale scenario of bench/run.ts opens all of them at once; here at most half, see below). */
const BATCH = Number(process.argv[5] ?? 10);
const half = Math.floor(pairs / 2);
async function openPairs(count: number): Promise<void> {
  for (let i = 0; i < count; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, () => openPair(keep)));
  }
}
await openPairs(half);
await settle();
const middle = usage();
await openPairs(pairs - half);
await settle();
const after = usage();
const spacesAfter = spaces();
const afterSnapshot = snapshot ? writeHeapSnapshot(join(tmpdir(), `memory-${process.pid}-after.heapsnapshot`)) : undefined;
const n = pairs * 2;
const kib = (x: number): string => (x / 1024).toFixed(1).padStart(7);
console.log(`${pairs} pairs (${n} RTCPeerConnections, one open channel each), per RTCPeerConnection:`);
console.log(`  heapUsed           ${kib((after.heap - before.heap) / n)} KiB`);
console.log(`  heapTotal          ${kib((after.heapTotal - before.heapTotal) / n)} KiB`);
console.log(`  external           ${kib((after.external - before.external) / n)} KiB`);
console.log(`    of it arrayBufs  ${kib((after.arrayBuffers - before.arrayBuffers) / n)} KiB`);
console.log(`  rss                ${kib((after.rss - before.rss) / n)} KiB`);
console.log(`  file descriptors   ${((after.fds - before.fds) / n).toFixed(1).padStart(7)}`);
// The young generation grows with the allocation rate of the handshakes up to its limit (16 MiB
// semi-spaces in Node 20), a cost per process that shows up above as heapTotal and RSS divided
// by n. The second half of the connections opens on an already grown heap: its cost is the
// marginal one, what one more connection holds.
const m = (pairs - half) * 2;
console.log(`second half only (${m} RTCPeerConnections opened after the first ${half * 2}), per RTCPeerConnection:`);
console.log(`  heapUsed ${kib((after.heap - middle.heap) / m)} KiB, heapTotal ${kib((after.heapTotal - middle.heapTotal) / m)} KiB, external ${kib((after.external - middle.external) / m)} KiB, rss ${kib((after.rss - middle.rss) / m)} KiB`);

console.log('  V8 heap spaces, growth in size (committed) / used:');
for (const [name, a] of spacesAfter) {
  const b = spacesBefore.get(name) ?? { size: 0, used: 0 };
  if (a.size === b.size && a.used === b.used) continue;
  console.log(`    ${name.padEnd(24)} ${kib((a.size - b.size) / n)} / ${kib((a.used - b.used) / n)} KiB`);
}

if (afterSnapshot) {
  const a = byConstructor(beforeSnapshot!);
  const b = byConstructor(afterSnapshot);
  const diff = [...b.entries()].map(([name, e]) => {
    const z = a.get(name) ?? { count: 0, bytes: 0 };
    return [name, { count: e.count - z.count, bytes: e.bytes - z.bytes }] as const;
  });
  diff.sort((x, y) => y[1].bytes - x[1].bytes);
  console.log(`heap snapshots ${beforeSnapshot} -> ${afterSnapshot}: growth in self size by constructor, per RTCPeerConnection (top 40)`);
  for (const [name, e] of diff.slice(0, 40)) console.log(`  ${kib(e.bytes / n)} KiB  ${(e.count / n).toFixed(1).padStart(7)}x  ${name.slice(0, 70)}`);
}
function spaces(): Map<string, { size: number; used: number }> {
  return new Map(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
}

/** Self size and count by constructor (objects), or by node type in parentheses; ArrayBuffer backing stores appear as system / JSArrayBufferData. */
function byConstructor(file: string): Map<string, { count: number; bytes: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const f = snap.snapshot.meta.node_fields;
  const stride = f.length;
  const iType = f.indexOf('type'), iName = f.indexOf('name'), iSize = f.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += stride) {
    const t = types[snap.nodes[i + iType]!]!;
    const name = t === 'object' || t === 'native' ? snap.strings[snap.nodes[i + iName]!]! : `(${t})`;
    const e = by.get(name) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + iSize]!;
    by.set(name, e);
  }
  return by;
}

for (let i = 0; i < keep.length; i += 4) {
  (keep[i] as PC).close();
  (keep[i + 1] as PC).close();
}
process.exit(0);
