/**
 * Memory per open connection (issue 7). Opens N connected RTCPeerConnection pairs in this
 * process (both ends here, so one "connection" below is one RTCPeerConnection; a pair is two),
 * one open data channel each, forces GC and reports heapUsed, external (which includes
 * arrayBuffers), arrayBuffers and RSS
 * per RTCPeerConnection over a baseline taken before the first one. With a 3rd argument it
 * writes a heap snapshot and prints retained self size by constructor (ArrayBuffer backing
 * stores are counted by their byte length).
 *
 *   npx tsc -p tsconfig.build.json
 *   node --expose-gc --import tsx bench/memory.ts [pairs=100] [dist=../dist] [snapshot]
 */

import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

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

function usage(): { heap: number; external: number; arrayBuffers: number; rss: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
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
const before = usage();
const keep: unknown[] = [];
const BATCH = 10;
for (let i = 0; i < pairs; i += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, pairs - i) }, () => openPair(keep)));
}
await settle();
const after = usage();
const n = pairs * 2;
const kib = (x: number): string => (x / 1024).toFixed(1).padStart(7);
console.log(`${pairs} pairs (${n} RTCPeerConnections, one open channel each), per RTCPeerConnection:`);
console.log(`  heapUsed           ${kib((after.heap - before.heap) / n)} KiB`);
console.log(`  external           ${kib((after.external - before.external) / n)} KiB`);
console.log(`    of it arrayBufs  ${kib((after.arrayBuffers - before.arrayBuffers) / n)} KiB`);
console.log(`  rss                ${kib((after.rss - before.rss) / n)} KiB`);

if (snapshot) {
  const file = writeHeapSnapshot(join(tmpdir(), `memory-${process.pid}.heapsnapshot`));
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
  const top = [...by.entries()].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, 30);
  console.log(`heap snapshot ${file}: self size by constructor (top 30, per RTCPeerConnection)`);
  for (const [name, e] of top) console.log(`  ${kib(e.bytes / n)} KiB  ${(e.count / n).toFixed(1).padStart(7)}x  ${name.slice(0, 70)}`);
}
for (let i = 0; i < keep.length; i += 4) {
  (keep[i] as PC).close();
  (keep[i + 1] as PC).close();
}
process.exit(0);
