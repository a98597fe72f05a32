/**
 * DTLS record seal/open throughput for 1200-byte records, one core.
 *
 *   node --import tsx bench/dtls-record.ts [records=10000] [rounds=5] [H|C]   (only part H, or C)
 *
 * Options measured (each is checked against OpenSSL's own AEAD output before timing):
 *   A. createCipheriv per record with a raw Buffer key                 (naive)
 *   B. createCipheriv per record with a reused KeyObject               (what RecordProtection does)
 *   C. RecordProtection.seal/open: B plus header, nonce and AAD work, one output buffer
 *   D. AES-GCM from a persistent AES-ECB context (one update per record over all counter
 *      blocks) with GHASH in JavaScript (Shoup 8-bit tables)
 *   E. D with keystream for a batch of 16 records in one ECB update
 *   F. the whole engine path: DtlsEndpoint `send` + pollOutput on one side, the datagram
 *      through handleInput (framing, replay window, open) + pollOutput on the other
 *   G. ChaCha20-Poly1305 in JavaScript (src/dtls/chacha20-poly1305.ts), same interface as B
 *   W. ChaCha20-Poly1305 in WebAssembly (src/dtls/wasm/chacha20-poly1305.ts), same interface
 * for AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 where they apply, then
 *   H. head to head, rounds interleaved and the median reported: G sealing into and opening
 *      from preallocated buffers (no allocation per record) against B for AES-128-GCM and
 *      ChaCha20-Poly1305 (what RecordProtection does per record), and W the same way as G.
 *
 * H on the shared 2-core test machine (2.0 GHz Xeon with AES-NI and AVX-512, load 4-5 from
 * other jobs, so every figure is ~1.5x slower than on a quiet machine); medians of 3 runs of
 * `node --import tsx bench/dtls-record.ts 10000 9 H`, each the median of 9 interleaved rounds:
 *
 *                                          seal+open MB/s   us per seal   us per open
 *   native AES-128-GCM per record                 40.6          13.96         15.63
 *   native ChaCha20-Poly1305 per record           32.7          19.80         17.91
 *   JS ChaCha20-Poly1305 (G)                      35.5          17.36         17.01
 *
 * With the WebAssembly AEAD (W), two runs of `node --import tsx bench/dtls-record.ts 10000 9 H`
 * at load ~1-2:
 *
 *                                          seal+open MB/s   us per seal   us per open
 *   native AES-128-GCM per record             42.4 / 34.9   13.44 / 16.28  14.81 / 17.69
 *   native ChaCha20-Poly1305 per record       33.0 / 29.8   18.73 / 21.79  16.78 / 19.43
 *   JS ChaCha20-Poly1305 (G)                  38.0 / 36.0   15.74 / 17.38  15.08 / 15.62
 *   WebAssembly ChaCha20-Poly1305 (W)        117.1 / 102.4   5.35 /  5.91   4.93 /  5.69
 *
 * W here pays for 10000 output buffers out of cache and a nonce allocated per record, like the
 * others; with one buffer a raw wasm seal is ~2.2-2.5 us. The wasm AEAD is what RecordProtection
 * now runs for ChaCha20-Poly1305 (src/dtls/README.md has the breakdown).
 *
 * The JavaScript AEAD has no per-call overhead, but its arithmetic costs as much as the
 * overhead it saves. One 1200-byte seal, measured piecewise on the same machine and load:
 * the 20 ChaCha20 blocks ~4.5-5 us (~240 ns, ~480 cycles a block of scalar add-xor-rotate,
 * where OpenSSL runs AVX-512 over several blocks at once), the XOR ~1.5 us, and Poly1305's 77
 * blocks ~5.5 us (~70 ns a block: 36 float64 multiplies and a serial carry chain). So it ties
 * with native AES-128-GCM (0.87x here) instead of the >= 1.5x that would justify preferring
 * ChaCha20-Poly1305, so RecordProtection uses it only as a fallback. Two V8 details mattered for
 * getting even this far: key words held in object fields are boxed (int32 values beyond the
 * 31-bit small-integer range), so they live in an Int32Array (a block went from 355 to
 * 240 ns); and byte-wise loads and stores cost ~2.75 ns a byte, so words go through a
 * DataView (getInt32/setInt32, one unaligned access each; the XOR went from ~3.3 to ~1.5 us).
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { transportAddress } from '../src/core/index.js';
import { ChaCha20Poly1305 } from '../src/dtls/chacha20-poly1305.js';
import { WasmChaCha20Poly1305 } from '../src/dtls/wasm/chacha20-poly1305.js';
import { RecordProtection } from '../src/dtls/protection.js';
import { Pair } from '../src/dtls/pair.testutil.js';
import { SUITES, type CipherSuite } from '../src/dtls/suites.js';
import { median } from './report.js';

const RECORDS = Number(process.argv[2] ?? 10_000);
/**
 * The machine is shared: every option runs ROUNDS times and the best round counts, and time
 * is this process's CPU time (user + system), which other processes' load disturbs less.
 */
const ROUNDS = Number(process.argv[3] ?? 5);
const SIZE = 1200;
const TAG = 16;
const ONLY_H = process.argv[4] === 'H';
/** Only part C, what `npm run bench` reports as the DTLS ceiling (the whole run takes ~40 s). */
const ONLY_C = process.argv[4] === 'C';

type Alg = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
interface Aead {
  seal(nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array; // ct || tag
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined;
}

function perRecord(alg: Alg, key: Uint8Array | KeyObject): Aead {
  const o = { authTagLength: TAG } as const;
  return {
    seal(nonce, aad, pt) {
      const c = createCipheriv(alg as 'aes-128-gcm', key, nonce, o);
      c.setAAD(aad);
      const ct = c.update(pt);
      c.final();
      const out = new Uint8Array(ct.length + TAG);
      out.set(ct);
      out.set(c.getAuthTag(), ct.length);
      return out;
    },
    open(nonce, aad, sealed) {
      const d = createDecipheriv(alg as 'aes-128-gcm', key, nonce, o);
      d.setAuthTag(sealed.subarray(sealed.length - TAG));
      d.setAAD(aad);
      const pt = d.update(sealed.subarray(0, sealed.length - TAG));
      try {
        d.final();
      } catch {
        return undefined;
      }
      return pt;
    },
  };
}

function jsChaCha(key: Uint8Array, Impl: typeof ChaCha20Poly1305 | typeof WasmChaCha20Poly1305 = ChaCha20Poly1305): Aead {
  const aead = new Impl(key);
  return {
    seal(nonce, aad, pt) {
      const out = new Uint8Array(pt.length + TAG);
      aead.seal(nonce, 0, aad, pt, 0, pt.length, out, 0);
      return out;
    },
    open(nonce, aad, sealed) {
      const n = sealed.length - TAG;
      const pt = new Uint8Array(n);
      return aead.open(nonce, 0, aad, sealed, 0, n, pt, 0) ? pt : undefined;
    },
  };
}

// ------------------------------------------------------------------ GHASH in JavaScript

/** GF(2^128) multiply-by-H with Shoup's 8-bit tables (NIST SP 800-38D 6.3, reflected bits). */
class Ghash {
  private readonly m = new Uint32Array(256 * 4);
  private static readonly R = Ghash.reductionTable();
  private y0 = 0;
  private y1 = 0;
  private y2 = 0;
  private y3 = 0;

  constructor(h: Uint8Array) {
    const dv = new DataView(h.buffer, h.byteOffset, 16);
    // M[0x80] = H (byte 0x80 at position 0 is the field's 1); M[b >> 1] = M[b] * x.
    let v = [dv.getUint32(0), dv.getUint32(4), dv.getUint32(8), dv.getUint32(12)];
    for (let bit = 0x80; bit >= 1; bit >>= 1) {
      this.m.set(v, bit * 4);
      const lsb = v[3]! & 1;
      v = [(v[0]! >>> 1) ^ (lsb ? 0xe1000000 : 0), (v[1]! >>> 1) | (v[0]! << 31), (v[2]! >>> 1) | (v[1]! << 31), (v[3]! >>> 1) | (v[2]! << 31)];
    }
    for (let b = 2; b < 256; b <<= 1) {
      for (let j = 1; j < b; j++) {
        for (let k = 0; k < 4; k++) this.m[(b + j) * 4 + k] = this.m[b * 4 + k]! ^ this.m[j * 4 + k]!;
      }
    }
  }

  /** x^8 reduction: what the byte shifted out of the end folds back into word 0. */
  private static reductionTable(): Uint32Array {
    const r = new Uint32Array(256);
    for (let t = 0; t < 256; t++) {
      let w0 = 0;
      let w3 = t;
      for (let i = 0; i < 8; i++) {
        const lsb = w3 & 1;
        w3 >>>= 1;
        w3 |= (w0 & 1) << 31; // irrelevant (only the 8 low bits matter) but keeps it exact
        w0 = (w0 >>> 1) ^ (lsb ? 0xe1000000 : 0);
      }
      r[t] = w0;
    }
    return r;
  }

  reset(): void {
    this.y0 = this.y1 = this.y2 = this.y3 = 0;
  }

  private readonly x = new Uint32Array(4);

  /** Y = (Y ^ block) * H for the 16 bytes at `at` (zero-padded past `end`). */
  private block(buf: Uint8Array, at: number, end: number): void {
    const x = this.x;
    if (at + 16 <= end) {
      for (let w = 0; w < 4; w++) {
        const p = at + 4 * w;
        x[w] = (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
      }
    } else {
      x.fill(0);
      for (let i = at; i < end; i++) x[(i - at) >> 2]! |= buf[i]! << (24 - 8 * ((i - at) & 3));
    }
    x[0]! ^= this.y0;
    x[1]! ^= this.y1;
    x[2]! ^= this.y2;
    x[3]! ^= this.y3;
    const m = this.m;
    const R = Ghash.R;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    // Horner over bytes 15..0: Z = Z * x^8 + M[byte].
    for (let w = 3; w >= 0; w--) {
      const word = x[w]!;
      for (let k = 0; k < 32; k += 8) {
        if (w !== 3 || k !== 0) {
          const t = z3 & 0xff;
          z3 = (z3 >>> 8) | (z2 << 24);
          z2 = (z2 >>> 8) | (z1 << 24);
          z1 = (z1 >>> 8) | (z0 << 24);
          z0 = (z0 >>> 8) ^ R[t]!;
        }
        const i = ((word >>> k) & 0xff) * 4;
        z0 ^= m[i]!;
        z1 ^= m[i + 1]!;
        z2 ^= m[i + 2]!;
        z3 ^= m[i + 3]!;
      }
    }
    this.y0 = z0;
    this.y1 = z1;
    this.y2 = z2;
    this.y3 = z3;
  }

  update(buf: Uint8Array): void {
    for (let at = 0; at < buf.length; at += 16) this.block(buf, at, buf.length);
  }

  /** Appends the length block and writes Y into out[at..at+16]. */
  finish(aadLength: number, ctLength: number, out: Uint8Array, at: number): void {
    const l = new Uint8Array(16);
    const dv = new DataView(l.buffer);
    dv.setUint32(4, aadLength * 8);
    dv.setUint32(12, ctLength * 8);
    this.block(l, 0, 16);
    const o = new DataView(out.buffer, out.byteOffset + at, 16);
    o.setUint32(0, this.y0);
    o.setUint32(4, this.y1);
    o.setUint32(8, this.y2);
    o.setUint32(12, this.y3);
  }
}

/** AES-GCM from a persistent ECB context; `batch` records' keystream per ECB call. */
class EcbGcm implements Aead {
  private readonly ecb;
  private readonly ghash: Ghash;

  constructor(alg: 'aes-128-gcm' | 'aes-256-gcm', key: Uint8Array) {
    const ecbAlg = alg === 'aes-128-gcm' ? 'aes-128-ecb' : 'aes-256-ecb';
    this.ecb = createCipheriv(ecbAlg, key, null);
    this.ecb.setAutoPadding(false);
    this.ghash = new Ghash(this.ecb.update(new Uint8Array(16))); // H = E(K, 0^128)
  }

  /** Counter blocks J0, J0+1, ... for `n` payload bytes, for several nonces at once. */
  static counters(nonces: readonly Uint8Array[], n: number): Uint8Array {
    const per = 1 + Math.ceil(n / 16);
    const out = new Uint8Array(nonces.length * per * 16);
    nonces.forEach((nonce, r) => {
      for (let b = 0; b < per; b++) {
        const at = (r * per + b) * 16;
        out.set(nonce, at);
        const c = b + 1;
        out[at + 15] = c & 0xff;
        out[at + 14] = c >>> 8;
      }
    });
    return out;
  }

  keystream(nonces: readonly Uint8Array[], n: number): Uint8Array {
    return this.ecb.update(EcbGcm.counters(nonces, n));
  }

  sealWith(ks: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
    const out = new Uint8Array(pt.length + TAG);
    for (let i = 0; i < pt.length; i++) out[i] = pt[i]! ^ ks[16 + i]!;
    this.tagInto(ks, aad, out.subarray(0, pt.length), out, pt.length);
    return out;
  }

  openWith(ks: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
    const n = sealed.length - TAG;
    const ct = sealed.subarray(0, n);
    const tag = new Uint8Array(TAG);
    this.tagInto(ks, aad, ct, tag, 0);
    let diff = 0;
    for (let i = 0; i < TAG; i++) diff |= tag[i]! ^ sealed[n + i]!;
    if (diff !== 0) return undefined;
    const pt = new Uint8Array(n);
    for (let i = 0; i < n; i++) pt[i] = ct[i]! ^ ks[16 + i]!;
    return pt;
  }

  private tagInto(ks: Uint8Array, aad: Uint8Array, ct: Uint8Array, out: Uint8Array, at: number): void {
    const g = this.ghash;
    g.reset();
    g.update(aad);
    g.update(ct);
    g.finish(aad.length, ct.length, out, at);
    for (let i = 0; i < TAG; i++) out[at + i]! ^= ks[i]!; // E(K, J0)
  }

  seal(nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
    return this.sealWith(this.keystream([nonce], pt.length), aad, pt);
  }

  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
    return this.openWith(this.keystream([nonce], sealed.length - TAG), aad, sealed);
  }
}

// ------------------------------------------------------------------ measurement

function nonceFor(i: number): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(8, i);
  return n;
}

const payload = randomBytes(SIZE);
const aad = randomBytes(13);

function check(name: string, candidate: Aead, reference: Aead): void {
  for (const len of [0, 1, 15, 16, 17, 100, SIZE]) {
    const pt = payload.subarray(0, len);
    const a = candidate.seal(nonceFor(len), aad, pt);
    const b = reference.seal(nonceFor(len), aad, pt);
    if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) throw new Error(`${name}: output differs from OpenSSL at ${len} bytes`);
    const back = candidate.open(nonceFor(len), aad, b);
    if (!back || Buffer.compare(Buffer.from(back), Buffer.from(pt)) !== 0) throw new Error(`${name}: open failed at ${len}`);
    const bad = b.slice();
    bad[0] = bad[0]! ^ 1;
    if (candidate.open(nonceFor(len), aad, bad)) throw new Error(`${name}: accepted a forged record`);
  }
}

interface Row {
  option: string;
  seal: number;
  open: number;
  both: number;
}
const rows: Row[] = [];

/** Best CPU time of ROUNDS runs of `fn`; `before` (untimed) runs ahead of each. */
function time(fn: () => void, before?: () => void): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    before?.();
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1e6);
  }
  return best;
}

function mbps(seconds: number, records = RECORDS): number {
  return (records * SIZE) / seconds / 1e6;
}

/** Sealed outputs are kept in a small ring, as a sender drops them once sent. */
const RING = 256;

function measure(option: string, aead: Aead): void {
  for (let i = 0; i < 2000; i++) aead.open(nonceFor(i), aad, aead.seal(nonceFor(i), aad, payload)); // warm up
  const ring: Uint8Array[] = new Array(RING);
  const s = time(() => {
    for (let i = 0; i < RECORDS; i++) ring[i % RING] = aead.seal(nonceFor(i), aad, payload);
  });
  const sealed = Array.from({ length: RECORDS }, (_, i) => aead.seal(nonceFor(i), aad, payload));
  const o = time(() => {
    for (let i = 0; i < RECORDS; i++) if (!aead.open(nonceFor(i), aad, sealed[i]!)) throw new Error('open failed');
  });
  rows.push({ option, seal: mbps(s), open: mbps(o), both: mbps(s + o) });
}

function measureBatched(option: string, e: EcbGcm, batch: number): void {
  const sealed: Uint8Array[] = new Array(RECORDS);
  const nonces = (from: number) => Array.from({ length: batch }, (_, j) => nonceFor(from + j));
  const per = 16 * (1 + Math.ceil(SIZE / 16));
  const s = time(() => {
    for (let i = 0; i < RECORDS; i += batch) {
      const ks = e.keystream(nonces(i), SIZE);
      for (let j = 0; j < batch; j++) sealed[i + j] = e.sealWith(ks.subarray(j * per, (j + 1) * per), aad, payload);
    }
  });
  const o = time(() => {
    for (let i = 0; i < RECORDS; i += batch) {
      const ks = e.keystream(nonces(i), SIZE);
      for (let j = 0; j < batch; j++) if (!e.openWith(ks.subarray(j * per, (j + 1) * per), aad, sealed[i + j]!)) throw new Error('open failed');
    }
  });
  rows.push({ option, seal: mbps(s), open: mbps(o), both: mbps(s + o) });
}

function measureRecordProtection(suite: CipherSuite): void {
  const key = randomBytes(suite.keyLength);
  const iv = randomBytes(suite.fixedIvLength);
  const tx = new RecordProtection(suite, key, iv);
  const rx = new RecordProtection(suite, key, iv);
  for (let i = 0; i < 2000; i++) rx.open(tx.seal(23, 1, i, payload), 0, tx.sealedSize(SIZE));
  const ring: Uint8Array[] = new Array(RING);
  const s = time(() => {
    for (let i = 0; i < RECORDS; i++) ring[i % RING] = tx.seal(23, 1, i, payload);
  });
  const pristine = Array.from({ length: RECORDS }, (_, i) => tx.seal(23, 1, i, payload));
  // ChaCha20-Poly1305 opens in place (the datagram is the receiver's): fresh copies each round.
  let records: Uint8Array[] = [];
  const o = time(
    () => {
      for (let i = 0; i < RECORDS; i++) if (!rx.open(records[i]!, 0, records[i]!.length)) throw new Error('open failed');
    },
    () => {
      records = pristine.map((r) => r.slice());
    },
  );
  rows.push({ option: `C RecordProtection ${suite.cipher}`, seal: mbps(s), open: mbps(o), both: mbps(s + o) });
}

function measureEndpoints(suite: CipherSuite): void {
  const p = new Pair(1, { suites: [suite.name] }, { suites: [suite.name] });
  if (!p.connect()) throw new Error('handshake failed');
  const addr = transportAddress('127.0.0.1', 1);
  const send = { type: 'send', data: payload } as const;
  const ring: Uint8Array[] = new Array(RING);
  const s = time(() => {
    for (let i = 0; i < RECORDS; i++) {
      p.client.handleInput(0, send);
      const o = p.client.pollOutput();
      if (o?.type !== 'transmit') throw new Error('no transmit');
      ring[i % RING] = o.data;
    }
  });
  // One batch of fresh records per receive round: replayed records are (rightly) refused.
  const batches = Array.from({ length: ROUNDS }, () =>
    Array.from({ length: RECORDS }, () => {
      p.client.handleInput(0, send);
      return (p.client.pollOutput() as { data: Uint8Array }).data;
    }),
  );
  let round = 0;
  const o = time(() => {
    for (const data of batches[round++]!) {
      p.server.handleInput(0, { type: 'datagram', data, from: addr, to: addr });
      if (p.server.pollOutput()?.type !== 'data') throw new Error('no data');
    }
  });
  rows.push({ option: `F DtlsEndpoint send/receive ${suite.cipher}`, seal: mbps(s), open: mbps(o), both: mbps(s + o) });
}

const algs: Alg[] = ONLY_H ? [] : ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'];
for (const alg of algs) {
  if (ONLY_C) {
    measureRecordProtection(SUITES.find((s) => s.cipher === alg)!);
    continue;
  }
  const key = randomBytes(alg === 'aes-128-gcm' ? 16 : 32);
  const reference = perRecord(alg, key);
  measure(`A createCipheriv, Buffer key  ${alg}`, reference);
  const keyObject = perRecord(alg, createSecretKey(key));
  check('B', keyObject, reference);
  measure(`B createCipheriv, KeyObject   ${alg}`, keyObject);
  measureRecordProtection(SUITES.find((s) => s.cipher === alg)!);
  if (alg !== 'chacha20-poly1305') {
    const ecb = new EcbGcm(alg, key);
    check('D', ecb, reference);
    check('D', ecb, keyObject);
    measure(`D ECB keystream + JS GHASH    ${alg}`, ecb);
    measureBatched(`E D, 16-record ECB batches    ${alg}`, ecb, 16);
  }
  if (alg === 'chacha20-poly1305') {
    const js = jsChaCha(key);
    check('G', js, reference);
    measure(`G JavaScript ChaCha20-Poly1305 ${alg}`, js);
    const wasm = jsChaCha(key, WasmChaCha20Poly1305);
    check('W', wasm, reference);
    measure(`W WebAssembly ChaCha20-Poly1305 ${alg}`, wasm);
  }
  measureEndpoints(SUITES.find((x) => x.cipher === alg)!);
}

// ------------------------------------------------------------------ H: head to head

/**
 * One contender of the head-to-head: seals RECORDS records into `sealed` (fresh nonce per
 * record) and opens them again, each half timed on its own.
 */
interface Contender {
  name: string;
  seal(i: number): void;
  open(i: number): void;
}
const H_ROUNDS = Math.max(ROUNDS, 9);
const sealedH: Uint8Array[] = Array.from({ length: RECORDS }, () => new Uint8Array(SIZE + TAG));
const openedH = new Uint8Array(SIZE);

function nativeContender(alg: Alg, key: Uint8Array): Contender {
  const k = createSecretKey(key);
  const o = { authTagLength: TAG } as const;
  return {
    name: `native ${alg} per record`,
    seal(i) {
      const c = createCipheriv(alg as 'aes-128-gcm', k, nonceFor(i), o);
      c.setAAD(aad);
      const out = sealedH[i]!;
      out.set(c.update(payload));
      c.final();
      out.set(c.getAuthTag(), SIZE);
    },
    open(i) {
      const d = createDecipheriv(alg as 'aes-128-gcm', k, nonceFor(i), o);
      const rec = sealedH[i]!;
      d.setAuthTag(rec.subarray(SIZE));
      d.setAAD(aad);
      d.update(rec.subarray(0, SIZE));
      d.final(); // throws on a bad tag
    },
  };
}

function jsContender(key: Uint8Array, Impl: typeof ChaCha20Poly1305 | typeof WasmChaCha20Poly1305 = ChaCha20Poly1305): Contender {
  const aead = new Impl(key);
  return {
    name: Impl === ChaCha20Poly1305 ? 'JS chacha20-poly1305' : 'WebAssembly chacha20-poly1305',
    seal(i) {
      aead.seal(nonceFor(i), 0, aad, payload, 0, SIZE, sealedH[i]!, 0);
    },
    open(i) {
      if (!aead.open(nonceFor(i), 0, aad, sealedH[i]!, 0, SIZE, openedH, 0)) throw new Error('open failed');
    },
  };
}

function cpuSeconds(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e6;
}

const contenders = ONLY_C
  ? []
  : [
      nativeContender('aes-128-gcm', randomBytes(16)),
      nativeContender('chacha20-poly1305', randomBytes(32)),
      jsContender(randomBytes(32)),
      jsContender(randomBytes(32), WasmChaCha20Poly1305),
    ];
const times = contenders.map(() => ({ seal: [] as number[], open: [] as number[] }));
for (const c of contenders) for (let i = 0; i < 2000; i++) (c.seal(i), c.open(i)); // warm up
for (let r = 0; r < H_ROUNDS; r++) {
  contenders.forEach((c, j) => {
    times[j]!.seal.push(cpuSeconds(() => { for (let i = 0; i < RECORDS; i++) c.seal(i); }));
    times[j]!.open.push(cpuSeconds(() => { for (let i = 0; i < RECORDS; i++) c.open(i); }));
  });
}

if (!ONLY_H) console.log(`DTLS record AEAD, ${SIZE}-byte records, best of ${ROUNDS} rounds of ${RECORDS} records, MB/s of payload per CPU-second (node ${process.version})`);
if (!ONLY_H) console.log('option'.padEnd(48), 'seal'.padStart(8), 'open'.padStart(8), 'seal+open'.padStart(10));
for (const r of rows) {
  console.log(r.option.padEnd(48), r.seal.toFixed(1).padStart(8), r.open.toFixed(1).padStart(8), r.both.toFixed(1).padStart(10));
}
if (ONLY_C) process.exit(0);
console.log();
console.log(`H. head to head, median of ${H_ROUNDS} interleaved rounds of ${RECORDS} records (CPU time)`);
console.log('option'.padEnd(48), 'seal+open MB/s'.padStart(15), 'us/seal'.padStart(9), 'us/open'.padStart(9));
contenders.forEach((c, j) => {
  const s = median(times[j]!.seal);
  const o = median(times[j]!.open);
  const both = median(times[j]!.seal.map((x, r) => x + times[j]!.open[r]!));
  console.log(c.name.padEnd(48), mbps(both).toFixed(1).padStart(15), ((s / RECORDS) * 1e6).toFixed(2).padStart(9), ((o / RECORDS) * 1e6).toFixed(2).padStart(9));
});
