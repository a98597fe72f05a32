/**
 * SCTP throughput, without DTLS:
 *  1. CPU: two associations pumped directly in one process, no network (MB/s of payload).
 *  2. Simulator: a link with fixed bandwidth and RTT; goodput, and the round trips until
 *     cwnd covers the bandwidth-delay product.
 *
 *   node --import tsx bench/sctp-throughput.ts
 */

import { transportAddress } from '../src/core/address.js';
import { SeededRandom } from '../src/core/random.js';
import { Network } from '../src/sim/index.js';
import {
  SctpAssociation,
  cubicController,
  renoController,
  type CongestionControllerFactory,
  type SctpOutput,
} from '../src/sctp/index.js';

const ADDR = transportAddress('127.0.0.1', 5000);

function cpuPump(messageSize: number, totalBytes: number, zeroChecksum: boolean): { mbps: number; ms: number } {
  const rng = new SeededRandom(1);
  const a = new SctpAssociation({ role: 'client', rng, remoteMaxMessageSize: 1 << 20, zeroChecksum });
  const b = new SctpAssociation({ role: 'server', rng, remoteMaxMessageSize: 1 << 20, zeroChecksum });
  let now = 0;
  let received = 0;
  const move = (from: SctpAssociation, to: SctpAssociation): number => {
    let n = 0;
    for (let o: SctpOutput | undefined = from.pollOutput(); o; o = from.pollOutput()) {
      if (o.type === 'transmit') {
        to.handleInput(now, { type: 'datagram', data: o.data, from: ADDR, to: ADDR });
        n++;
      } else if (o.type === 'message') received += o.data.length;
    }
    return n;
  };
  a.handleInput(now, { type: 'connect' });
  for (let i = 0; i < 10; i++) move(a, b) + move(b, a); // handshake
  received = 0;
  const payload = new Uint8Array(messageSize).fill(7);
  let sent = 0;
  const start = performance.now();
  while (received < totalBytes) {
    while (sent - received < 4 << 20 && sent < totalBytes) {
      a.handleInput(now, { type: 'send', streamId: 1, ppid: 53, data: payload, ordered: true });
      sent += messageSize;
    }
    const moved = move(a, b) + move(b, a);
    if (moved === 0) {
      now += 1;
      for (const e of [a, b]) {
        const t = e.pollTimeout();
        if (t !== undefined && t <= now) e.handleTimeout(now);
      }
    }
  }
  const ms = performance.now() - start;
  return { mbps: totalBytes / 1e6 / (ms / 1000), ms };
}

function simulated(
  bandwidth: number,
  rttMs: number,
  seconds: number,
  queue: number,
  loss: number,
  congestionController: CongestionControllerFactory,
) {
  const net = new Network({ seed: 1, trace: false });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: rttMs / 2, bandwidth, queue, forward: { loss } });
  const a = new SctpAssociation({ role: 'client', rng: net.random(), remoteMaxMessageSize: 1 << 20, congestionController });
  const b = new SctpAssociation({ role: 'server', rng: net.random(), remoteMaxMessageSize: 1 << 20 });
  let received = 0;
  let connected = false;
  net.attach(ha, a, { port: 5000, defaultPeer: transportAddress('10.0.0.2', 5000), onEvent: (e) => void (e.type === 'connected' && (connected = true)) });
  net.attach(hb, b, {
    port: 5000,
    defaultPeer: transportAddress('10.0.0.1', 5000),
    onEvent: (e) => void (e.type === 'message' && (received += e.data.length)),
  });
  net.inject(a, { type: 'connect' });
  net.inject(b, { type: 'connect' });
  net.runUntil(() => connected);
  const bdp = bandwidth * (rttMs / 1000);
  const payload = new Uint8Array(16 * 1024);
  const t0 = net.now;
  let filledAt: number | undefined;
  // Keep the sender's queue topped up, and watch cwnd, once per millisecond.
  const top = () => {
    for (let i = 0; i < 64 && a.stats.bufferedBytes < 2 << 20; i++) {
      net.inject(a, { type: 'send', streamId: 0, ppid: 53, data: payload, ordered: true });
    }
    if (filledAt === undefined && a.stats.cwnd >= bdp) filledAt = net.now - t0;
    if (net.now - t0 < seconds * 1000) net.after(1, top);
  };
  top();
  const r0 = received;
  net.run({ until: t0 + seconds * 1000 });
  const goodput = (received - r0) / seconds;
  return { goodput, filledAt, bdp, counters: a.counters.snapshot(), cwnd: a.stats.cwnd };
}

console.log('CPU, two associations pumped directly (payload MB/s, 1 MB = 10^6 bytes):');
for (const zero of [false, true]) {
  for (const size of [1024, 16 * 1024, 64 * 1024, 256 * 1024]) {
    cpuPump(size, 20e6, zero); // warm-up
    const r = cpuPump(size, 200e6, zero);
    const mode = zero ? 'zero checksum (RFC 9653)' : 'CRC32c';
    console.log(`  ${mode.padEnd(24)} messages of ${String(size).padStart(6)} B: ${r.mbps.toFixed(1)} MB/s`);
  }
}

console.log('Simulator (one-way SCTP, 16 KiB messages, 20 s; loss on the data direction only):');
for (const [bw, rtt, q, loss] of [
  [12.5e6, 50, 1 << 20, 0],
  [12.5e6, 100, 2 << 20, 0],
  [125e6, 20, 4 << 20, 0],
  [12.5e6, 100, 2 << 20, 0.001],
] as const) {
  for (const [name, cc] of [
    ['reno', renoController],
    ['cubic', cubicController],
  ] as const) {
    const r = simulated(bw, rtt, 20, q, loss, cc);
    const rtts = r.filledAt === undefined ? 'never' : `${(r.filledAt / rtt).toFixed(1)} RTTs (${r.filledAt.toFixed(0)} ms)`;
    console.log(
      `  ${name.padEnd(5)} ${((bw * 8) / 1e6).toFixed(0)} Mbit/s, RTT ${rtt} ms, loss ${loss * 100}%, BDP ${(r.bdp / 1e3).toFixed(0)} kB, ` +
        `queue ${q >> 10} KiB: goodput ${(r.goodput / 1e6).toFixed(2)} MB/s (${((r.goodput / bw) * 100).toFixed(1)}% of link), ` +
        `cwnd >= BDP after ${rtts}`,
    );
  }
}
