/**
 * The data path without sockets: two PeerConnection engines (ICE, DTLS, SCTP, DCEP) in one
 * process, their datagrams handed across in memory, 16 KiB messages with bufferedAmount
 * backpressure. What is left is the protocol stack's own cost per datagram (record crypto
 * included), which the socket-bound benches hide under the syscalls' noise.
 *
 *   node --import tsx bench/engine-path.ts [MiB=64] [runs=5]
 *   node --import tsx bench/engine-path.ts 64 5 /tmp/dist-before   (a build's root, to compare)
 *   SIZE=100 node --import tsx bench/engine-path.ts 8 5                    (small messages)
 *
 * Prints, per run: CPU µs per data datagram (sender to receiver; the SACKs coming back and
 * both sides' work are included), from process CPU time, and the V8 heap allocated per
 * data datagram, estimated from the young-generation collections (run with
 * --min-semi-space-size=16 --max-semi-space-size=16 so that each one marks 16 MiB).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type * as peerApi from '../src/peer/index.js';
import type * as dtlsApi from '../src/dtls/index.js';
import type * as coreApi from '../src/core/index.js';

/** The engines' source, or a build's root directory to compare with. */
const root = process.argv[4] ?? '../src';
const { PeerConnection } = (await import(`${root}/peer/index.js`)) as typeof peerApi;
const { generateCertificate } = (await import(`${root}/dtls/index.js`)) as typeof dtlsApi;
const { SeededRandom, transportAddress } = (await import(`${root}/core/index.js`)) as typeof coreApi;
type PC = InstanceType<typeof PeerConnection>;

const MiB = 1 << 20;
const mib = Number(process.argv[2] ?? 64);
const runs = Number(process.argv[3] ?? 5);
const SIZE = Number(process.env.SIZE ?? 16 * 1024);
const HIGH = 1 << 20;
const LOW = 256 * 1024;
const SEMI_SPACE = Number(process.execArgv.find((a) => a.startsWith('--max-semi-space-size='))?.split('=')[1] ?? 0) * MiB;

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
}).observe({ entryTypes: ['gc'] });

interface Side {
  pc: PC;
  other?: Side;
  datagrams: number;
  onEvent: (e: Extract<ReturnType<PC['pollOutput']>, { type: string }>) => void;
}

/** Engine time: the real clock, jumped forward to the next deadline when both engines idle. */
class Clock {
  private skew = -performance.now();
  get t(): number {
    return performance.now() + this.skew;
  }
  jumpTo(t: number): void {
    if (t > this.t) this.skew += t - this.t;
  }
}

/** Moves every output of both engines until neither has any, then fires due timers. */
function run(a: Side, b: Side, clock: Clock, until: () => boolean): void {
  const drain = (s: Side): boolean => {
    let moved = false;
    for (let o = s.pc.pollOutput(); o; o = s.pc.pollOutput()) {
      moved = true;
      if (o.type === 'transmit') {
        s.datagrams++;
        s.other!.pc.handleInput(clock.t, { type: 'datagram', data: o.data, from: o.from!, to: o.to! });
      } else s.onEvent(o);
    }
    return moved;
  };
  while (!until()) {
    const now = clock.t;
    for (const s of [a, b]) if ((s.pc.pollTimeout() ?? Infinity) <= now) s.pc.handleTimeout(now);
    if (drain(a) || drain(b)) continue;
    const next = Math.min(a.pc.pollTimeout() ?? Infinity, b.pc.pollTimeout() ?? Infinity);
    if (next === Infinity) throw new Error('stalled');
    clock.jumpTo(next);
  }
}

const certs = [generateCertificate(new SeededRandom(1)), generateCertificate(new SeededRandom(2))];

interface Run {
  usPerDatagram: number;
  bytesPerDatagram: number;
  mibPerS: number;
}

async function once(total: number, seed: number): Promise<Run> {
  const clock = new Clock();
  let opened = 0;
  let got = 0;
  let handle = -1;
  const mk = (i: number): Side => {
    const side: Side = {
      pc: new PeerConnection({ rng: new SeededRandom(seed * 2 + i), certificate: certs[i]! }),
      datagrams: 0,
      onEvent: (e) => {
        if (e.type === 'ice-candidate' && e.candidate) {
          side.other!.pc.addIceCandidate(clock.t, { candidate: e.candidate, sdpMid: e.sdpMid, sdpMLineIndex: e.sdpMLineIndex });
        } else if (e.type === 'channel-open') opened++;
        else if (e.type === 'channel-message') got += e.data.byteLength;
        else if (e.type === 'channel-buffered-amount-low') pump();
      },
    };
    side.pc.handleInput(0, { type: 'add-local-address', address: transportAddress(`10.0.0.${i + 1}`, 5000) });
    return side;
  };
  const a = mk(0);
  const b = mk(1);
  a.other = b;
  b.other = a;
  const must = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
    if (!r.ok) throw r.error;
    return r.value;
  };
  handle = must(a.pc.createDataChannel(0, 'x'));
  const offer = must(a.pc.createOffer());
  must(a.pc.setLocalDescription(0, { type: 'offer', sdp: offer }));
  must(b.pc.setRemoteDescription(0, { type: 'offer', sdp: offer }));
  const answer = must(b.pc.createAnswer());
  must(b.pc.setLocalDescription(0, { type: 'answer', sdp: answer }));
  must(a.pc.setRemoteDescription(0, { type: 'answer', sdp: answer }));
  run(a, b, clock, () => opened >= 2);
  // Let ICE settle (nomination, selected pair) as it would before a real transfer.
  const settled = clock.t + 1000;
  run(a, b, clock, () => clock.t >= settled);

  const msg = new Uint8Array(SIZE);
  let sent = 0;
  function pump(): void {
    while (sent < total && (a.pc.channel(handle)?.bufferedAmount ?? 0) < HIGH) {
      must(a.pc.send(clock.t, handle, msg, true));
      sent += SIZE;
    }
  }
  a.pc.setBufferedAmountLowThreshold(handle, LOW);
  const d0 = a.datagrams;
  const s0 = scavenges;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  pump();
  run(a, b, clock, () => got >= total);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const datagrams = a.datagrams - d0;
  a.pc.close(clock.t);
  b.pc.close(clock.t);
  // GC entries reach the observer on a later turn of the event loop.
  await new Promise((r) => setTimeout(r, 10));
  return {
    usPerDatagram: (c.user + c.system) / datagrams,
    bytesPerDatagram: ((scavenges - s0) * SEMI_SPACE) / datagrams,
    mibPerS: total / MiB / wall,
  };
}

const results: Run[] = [];
for (let r = 0; r < runs; r++) {
  const x = await once(mib * MiB, r + 1);
  results.push(x);
  console.log(
    `run ${r + 1}: ${x.usPerDatagram.toFixed(2)} µs/datagram, ${SEMI_SPACE ? `${Math.round(x.bytesPerDatagram)} B heap/datagram, ` : ''}${x.mibPerS.toFixed(1)} MiB/s`,
  );
}
const med = (k: keyof Run): number => results.map((x) => x[k]).sort((p, q) => p - q)[Math.floor(results.length / 2)]!;
console.log(
  `engine-path ${SIZE} B x ${mib} MiB: median ${med('usPerDatagram').toFixed(2)} µs/datagram (both sides)` +
    `${SEMI_SPACE ? `, ${Math.round(med('bytesPerDatagram'))} B heap/datagram` : ''}, ${med('mibPerS').toFixed(1)} MiB/s`,
);
