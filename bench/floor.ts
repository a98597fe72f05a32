/**
 * The floor under CPU per GiB (issue 7): what Node's own primitives cost per data packet,
 * before any WebRTC logic runs. A reliable transfer at MTU 1200 moves each ~1.1 KB of
 * payload as one 1200-byte datagram that is sealed (AES-128-GCM, node:crypto), sent, received
 * and opened; this measures those four steps in one process and scales them to a GiB.
 *
 *   node --import tsx bench/floor.ts [datagrams=200000] [rounds=5]
 *
 * Prints µs per step (median of rounds, process CPU time) and the implied floor in CPU-s per
 * GiB for both sides together, the unit of bench/run.ts' "CPU per GiB".
 */

import { createSocket } from 'node:dgram';
import { SUITES } from '../src/dtls/suites.js';
import { RecordProtection } from '../src/dtls/protection.js';
import { ContentType } from '../src/dtls/protocol.js';

const total = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const DATAGRAM = 1200;
/** DTLS record overhead for AES-GCM (13 header + 8 explicit nonce + 16 tag). */
const DTLS_OVERHEAD = 13 + 8 + 16;
/** SCTP common header (12) and one DATA chunk header (16). */
const SCTP_OVERHEAD = 12 + 16;
const PAYLOAD = DATAGRAM - DTLS_OVERHEAD - SCTP_OVERHEAD;

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3; // ms
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** µs of CPU per seal and per open of one full record. */
function crypto(n: number): { seal: number; open: number } {
  const suite = SUITES.find((s) => s.cipher === 'aes-128-gcm')!;
  const key = new Uint8Array(suite.keyLength).fill(7);
  const iv = new Uint8Array(suite.fixedIvLength).fill(9);
  const tx = new RecordProtection(suite, key, iv);
  const rx = new RecordProtection(suite, key, iv);
  const pt = new Uint8Array(DATAGRAM - DTLS_OVERHEAD);
  const records: Uint8Array[] = new Array(1024);
  let t = cpuNow();
  for (let i = 0; i < n; i++) records[i & 1023] = tx.seal(ContentType.applicationData, 1, i, pt);
  const seal = ((cpuNow() - t) * 1e3) / n;
  t = cpuNow();
  for (let i = 0; i < n; i++) {
    const r = records[i & 1023]!;
    if (i < 1024 && !rx.open(r, 0, r.length)) throw new Error('open failed');
    if (i >= 1024) rx.open(records[i & 1023]!, 0, r.length);
  }
  const open = ((cpuNow() - t) * 1e3) / n;
  return { seal, open };
}

/** µs of CPU per datagram sent and received over 127.0.0.1 (both ends in this process). */
function udp(n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const rx = createSocket('udp4');
    const tx = createSocket('udp4');
    const buf = new Uint8Array(DATAGRAM);
    let got = 0;
    let sent = 0;
    let t0 = 0;
    const pump = (): void => {
      // Keep at most 64 datagrams in flight so the receive buffer never overflows.
      while (sent < n && sent - got < 64) {
        tx.send(buf, (rx.address() as { port: number }).port, '127.0.0.1');
        sent++;
      }
    };
    rx.on('message', () => {
      got++;
      if (got === n) {
        const us = ((cpuNow() - t0) * 1e3) / n;
        rx.close();
        tx.close();
        resolve(us);
      } else pump();
    });
    rx.on('error', reject);
    rx.bind(0, '127.0.0.1', () => {
      tx.bind(0, '127.0.0.1', () => {
        t0 = cpuNow();
        pump();
      });
    });
  });
}

const seals: number[] = [];
const opens: number[] = [];
const udps: number[] = [];
for (let r = 0; r < rounds; r++) {
  const c = crypto(total);
  seals.push(c.seal);
  opens.push(c.open);
  udps.push(await udp(total));
}
const seal = median(seals);
const open = median(opens);
const net = median(udps);
const perPacket = seal + open + net;
const packetsPerGiB = (1 << 30) / PAYLOAD;
console.log(`per 1200-byte datagram (median of ${rounds} rounds of ${total}):`);
console.log(`  seal ${seal.toFixed(2)} us, open ${open.toFixed(2)} us, UDP send+receive ${net.toFixed(2)} us`);
console.log(`floor: ${perPacket.toFixed(2)} us per packet x ${Math.round(packetsPerGiB)} packets per GiB (${PAYLOAD} B payload each)` +
  ` = ${((perPacket * packetsPerGiB) / 1e6).toFixed(1)} CPU-s per GiB, both sides, before any SCTP, DTLS framing, ICE or W3C work`);
