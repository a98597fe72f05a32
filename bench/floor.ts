/**
 * The floor under CPU per GiB (issue 7): what Node's own primitives cost per data packet,
 * before any WebRTC logic runs. A reliable transfer at MTU 1200 moves each ~1.1 KB of
 * payload as one 1200-byte datagram that is sealed, sent, received and opened; this measures
 * those four steps in one process and scales them to a GiB, for each record cipher:
 * AES-128-GCM (node:crypto per record) and ChaCha20-Poly1305 (RecordProtection's default
 * implementation, WebAssembly; CHACHA=native or CHACHA=js for the others).
 *
 *   node --import tsx bench/floor.ts [datagrams=200000] [rounds=5]
 *   CIPHER=chacha20-poly1305 CHACHA=native node --import tsx bench/floor.ts 100000 5
 *
 * Prints µs per step (median of rounds, process CPU time) and the implied floor in CPU-s per
 * GiB for both sides together, the unit of bench/run.ts' "CPU per GiB".
 *
 * With the openssl command present it also prints what OpenSSL itself takes per record
 * (`openssl speed`), the crypto cost of a stack in C such as node-datachannel.
 *
 * Shared 2-core machine, load ~2.5, `node --import tsx bench/floor.ts 100000 5`:
 *   aes-128-gcm        seal 13.9, open 12.4, UDP 11.8 us = 37.6 us/packet, 35.2 CPU-s/GiB
 *   chacha20-poly1305  seal  3.6, open  3.4, UDP 11.6 us = 18.6 us/packet, 17.3 CPU-s/GiB
 */

import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { SUITES } from '../src/dtls/suites.js';
import { RecordProtection, defaultChaChaImpl, type ChaChaImpl } from '../src/dtls/protection.js';
import { ContentType } from '../src/dtls/protocol.js';

const total = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const DATAGRAM = 1200;
/** SCTP common header (12) and one DATA chunk header (16). */
const SCTP_OVERHEAD = 12 + 16;
const CIPHERS = (process.env.CIPHER ?? 'aes-128-gcm,chacha20-poly1305').split(',');
const CHACHA = (process.env.CHACHA ?? defaultChaChaImpl()) as ChaChaImpl;
/** DTLS record overhead: 13 header + explicit nonce (8 for GCM, 0 for ChaCha) + 16 tag. */
const dtlsOverhead = (cipher: string): number => 13 + SUITES.find((s) => s.cipher === cipher)!.explicitNonceLength + 16;

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3; // ms
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** µs of CPU per seal and per open of one full record. */
function crypto(cipher: string, n: number): { seal: number; open: number } {
  const suite = SUITES.find((s) => s.cipher === cipher)!;
  const key = new Uint8Array(suite.keyLength).fill(7);
  const iv = new Uint8Array(suite.fixedIvLength).fill(9);
  const tx = new RecordProtection(suite, key, iv, CHACHA);
  const rx = new RecordProtection(suite, key, iv, CHACHA);
  const pt = new Uint8Array(DATAGRAM - dtlsOverhead(cipher));
  const records: Uint8Array[] = new Array(1024);
  let t = cpuNow();
  for (let i = 0; i < n; i++) records[i & 1023] = tx.seal(ContentType.applicationData, 1, i, pt);
  const seal = ((cpuNow() - t) * 1e3) / n;
  // Each open works on a fresh copy: ChaCha20-Poly1305 in WebAssembly or JavaScript
  // decrypts in place, and a record opened twice would fail its tag check (and skip the
  // decryption). The copy (~0.05 us) is timed for every cipher alike.
  const scratch = new Uint8Array(DATAGRAM);
  t = cpuNow();
  for (let i = 0; i < n; i++) {
    const r = records[i & 1023]!;
    scratch.set(r);
    if (!rx.open(scratch, 0, r.length)) throw new Error('open failed');
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

/**
 * What the same AEAD costs a C stack per 1200-byte record: OpenSSL's own `openssl speed`
 * (AES-NI and CLMUL for AES-GCM, AVX2 for ChaCha20-Poly1305), in µs per seal. Undefined
 * when the openssl command is missing.
 */
function nativeSeal(cipher: string): number | undefined {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '1', '-bytes', String(DATAGRAM), '-evp', cipher], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // The last line: "<name> <bytes per second>k" (thousands of bytes per second).
    const kBps = Number(/([\d.]+)k\s*$/.exec(out.trim())?.[1]);
    return Number.isFinite(kBps) && kBps > 0 ? (DATAGRAM / (kBps * 1000)) * 1e6 : undefined;
  } catch {
    return undefined;
  }
}

const seals = new Map<string, number[]>(CIPHERS.map((c) => [c, []]));
const opens = new Map<string, number[]>(CIPHERS.map((c) => [c, []]));
const udps: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const cipher of CIPHERS) {
    const c = crypto(cipher, total);
    seals.get(cipher)!.push(c.seal);
    opens.get(cipher)!.push(c.open);
  }
  udps.push(await udp(total));
}
const net = median(udps);
console.log(`per 1200-byte datagram (median of ${rounds} rounds of ${total}; ChaCha20-Poly1305 in ${CHACHA}):`);
for (const cipher of CIPHERS) {
  const seal = median(seals.get(cipher)!);
  const open = median(opens.get(cipher)!);
  const payload = DATAGRAM - dtlsOverhead(cipher) - SCTP_OVERHEAD;
  const perPacket = seal + open + net;
  const packetsPerGiB = (1 << 30) / payload;
  console.log(`${cipher.padEnd(18)} seal ${seal.toFixed(2)} us, open ${open.toFixed(2)} us, UDP send+receive ${net.toFixed(2)} us`);
  console.log(`  floor: ${perPacket.toFixed(2)} us per packet x ${Math.round(packetsPerGiB)} packets per GiB (${payload} B payload each)` +
    ` = ${((perPacket * packetsPerGiB) / 1e6).toFixed(1)} CPU-s per GiB, both sides, before any SCTP, DTLS framing, ICE or W3C work`);
  const native = nativeSeal(cipher);
  if (native !== undefined) {
    // Opening costs about what sealing does (the same cipher and MAC over the same bytes).
    console.log(`  native ${cipher}: seal ${native.toFixed(2)} us (openssl speed); seal + open per GiB ${((2 * native * packetsPerGiB) / 1e6).toFixed(1)} CPU-s in C against ${(((seal + open) * packetsPerGiB) / 1e6).toFixed(1)} here`);
  }
}
