/**
 * Data-path CPU cost: two RTCPeerConnections in ONE process over 127.0.0.1, one channel,
 * MiB of 16 KiB messages with bufferedAmount backpressure. Both peers' work lands in this
 * process, so CPU-seconds per GiB is the cost of sending AND receiving a GiB.
 *
 *   node --import tsx bench/datapath.ts [MiB=16] [runs=3]
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/p bench/datapath.ts 16 1
 *
 *   node --import tsx bench/datapath.ts 32 5 /tmp/dist-before/index.js   (a build to compare)
 *   SIZE=100 node --import tsx bench/datapath.ts 4 3                   (small messages; prints msgs/s)
 *
 * The machine is shared, so CPU time (process.cpuUsage, user + system) is the figure to
 * compare; MiB/s (wall) is reported too. Each run uses fresh connections; the best and the
 * median run are printed. Connection setup is excluded (timing starts at the channel's open).
 * To compare two builds, alternate them run by run: the load on the machine drifts.
 *
 * Measured on the shared 2-core machine (load 3-7), built package, 32 MiB, 6 alternating
 * runs each: before issue 7's changes (5b5d038) median 113 CPU-s/GiB, 11.6 MiB/s; after
 * (7be38c2) median 78 CPU-s/GiB, 17.3 MiB/s. Where the rest goes (--cpu-prof): AEAD calls
 * ~30% (cipher creation ~11%, update ~12%, final ~6%), sendmsg ~9%, GC ~8%.
 */
import * as sansrtc from '../src/index.js';

const { RTCPeerConnection } = (process.argv[4] ? await import(process.argv[4]) : sansrtc) as typeof sansrtc;

const MiB = 1 << 20;
const mib = Number(process.argv[2] ?? 16);
const runs = Number(process.argv[3] ?? 3);
/** Message size in bytes (SIZE=100 for the small-message path). */
const SIZE = Number(process.env.SIZE ?? 16 * 1024);
const HIGH = 1 << 20;
const LOW = 256 * 1024;

interface Run {
  mibPerS: number;
  msgsPerS: number;
  cpuSPerGiB: number;
}

async function once(total: number): Promise<Run> {
  const cfg = { bindAddresses: ['127.0.0.1'] } as ConstructorParameters<typeof RTCPeerConnection>[0];
  const a = new RTCPeerConnection(cfg);
  const b = new RTCPeerConnection(cfg);
  a.onicecandidate = (e) => {
    if (e.candidate) void b.addIceCandidate(e.candidate);
  };
  b.onicecandidate = (e) => {
    if (e.candidate) void a.addIceCandidate(e.candidate);
  };
  const done = new Promise<Run>((resolve) => {
    let got = 0;
    let t0 = 0;
    let c0 = process.cpuUsage();
    b.ondatachannel = ({ channel }) => {
      channel.onmessage = ({ data }) => {
        got += (data as ArrayBuffer).byteLength;
        if (got < total) return;
        const s = (performance.now() - t0) / 1000;
        const c = process.cpuUsage(c0);
        const cpu = (c.user + c.system) / 1e6;
        a.close();
        b.close();
        resolve({ mibPerS: total / MiB / s, msgsPerS: total / SIZE / s, cpuSPerGiB: (cpu * 1024 * MiB) / total });
      };
    };
    const dc = a.createDataChannel('x');
    dc.bufferedAmountLowThreshold = LOW;
    const msg = new Uint8Array(SIZE);
    let sent = 0;
    const pump = () => {
      while (sent < total && dc.bufferedAmount < HIGH) {
        dc.send(msg);
        sent += SIZE;
      }
    };
    dc.onbufferedamountlow = pump;
    dc.onopen = () => {
      t0 = performance.now();
      c0 = process.cpuUsage();
      pump();
    };
  });
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  return done;
}

const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const r = await once(mib * MiB);
  results.push(r);
  console.log(`run ${i + 1}: ${r.mibPerS.toFixed(2)} MiB/s, ${Math.round(r.msgsPerS)} msgs/s, ${r.cpuSPerGiB.toFixed(1)} CPU-s/GiB`);
}
const cpu = results.map((r) => r.cpuSPerGiB).sort((x, y) => x - y);
const rate = results.map((r) => r.mibPerS).sort((x, y) => y - x);
const mid = Math.floor(results.length / 2);
console.log(
  `datapath ${mib} MiB x ${runs}: best ${rate[0]!.toFixed(2)} MiB/s, ${cpu[0]!.toFixed(1)} CPU-s/GiB; ` +
    `median ${rate[mid]!.toFixed(2)} MiB/s, ${cpu[mid]!.toFixed(1)} CPU-s/GiB`,
);
