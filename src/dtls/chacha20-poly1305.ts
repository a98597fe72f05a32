/**
 * AEAD_CHACHA20_POLY1305 (RFC 8439) in plain JavaScript, for DTLS records (RFC 7905).
 *
 * Written to test whether dropping node:crypto's per-record cost (createCipheriv, setAAD,
 * update, final, getAuthTag: five calls into C++ and two Buffers for each ~1200-byte record)
 * makes ChaCha20-Poly1305 faster than native AES-128-GCM per record. It does not: it
 * allocates no buffers per record (only two or three short-lived DataViews) and writes
 * straight into the caller's buffer, but its scalar
 * arithmetic costs about what the native overhead does, so it ties with native AES-128-GCM
 * (bench/dtls-record.ts, part H, has the figures). RecordProtection uses it only
 * where node:crypto lacks chacha20-poly1305 (protection.ts); the bench compares it.
 *
 * ChaCha20 (RFC 8439 2.3, 2.4): the 16-word state is kept in int32 locals, the 8 quarter
 * rounds of a double round are unrolled inside a 10-pass loop, and the keystream is XORed a
 * 32-bit word at a time through DataViews (one unaligned load or store per word; byte-wise
 * access cost twice as much). Key and nonce words live in an Int32Array: as object fields,
 * int32 values beyond the 31-bit small-integer range would be boxed numbers.
 *
 * Poly1305 (RFC 8439 2.5): the accumulator h and the key r are six limbs of 22 bits (132
 * bits) held in float64, and reduced with 2^132 = 4 * 2^130 = 4 * 5 = 20 (mod 2^130 - 5).
 * Every product and sum is an exact integer below 2^53:
 *   r_j < 2^22 (r < 2^124 after clamping, so r_5 < 2^14), 20 * r_j < 2^26.4,
 *   h_i < 2^23 after adding a 16-byte block (limbs < 2^22 + 2^13 after the carry pass),
 *   output limb k sums k + 1 terms h*r (< 2^45 each) and 5 - k terms h*20r (< 2^49.4 each,
 *   the one with r_5 < 2^41.4); the worst, k = 0, is below 2^45 + 4 * 2^49.4 + 2^41.4 < 2^51.5.
 * Carries are Math.floor(d * 2^-22), exact for integers below 2^53. That is 36 multiplies per
 * block instead of 100 with 13-bit limbs. Floating-point multiply and add on integers take
 * the same time whatever the values (no subnormals can occur), and nothing branches on key,
 * data or tag bytes; the tag check in `open` is a constant-time compare.
 *
 * Byte order: words are read and written little-endian explicitly (shifts, DataView with
 * littleEndian = true), so the code does not depend on the platform's endianness.
 */

const SIGMA0 = 0x61707865;
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;

const LIMB = 4194304; // 2^22
const INV_LIMB = 1 / LIMB;
const MASK22 = 0x3fffff;
const HIBIT = 1 << 18; // 2^128 in limb 5 (bits 110..131)

function le32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function put32(b: Uint8Array, i: number, w: number): void {
  b[i] = w;
  b[i + 1] = w >>> 8;
  b[i + 2] = w >>> 16;
  b[i + 3] = w >>> 24;
}

/** A DataView over exactly the bytes of `b`: one unaligned 32-bit load or store per word. */
function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * One ChaCha20 key. `seal` and `open` take the 12-byte nonce per call (RFC 8439 2.8); a DTLS
 * record derives it from the IV and the record's epoch and sequence number (RFC 7905 2).
 */
export class ChaCha20Poly1305 {
  /**
   * Key words 0..7 and nonce words 8..10. Typed-array elements load as raw int32; object
   * fields holding values beyond the 31-bit small-integer range are boxed numbers.
   */
  private readonly kn = new Int32Array(11);
  /** The last block function output (16 words). */
  private readonly ks = new Int32Array(16);
  /** One zero-padded 16-byte block (AAD tail, ciphertext tail, lengths). */
  private readonly pad = new Uint8Array(16);
  private readonly padView = new DataView(this.pad.buffer);

  /** Poly1305 r in 22-bit limbs (float64, so the multiplies need no conversion). */
  private readonly r = new Float64Array(6);
  /** Poly1305 accumulator h in 22-bit limbs. */
  private readonly h = new Float64Array(6);
  /** Poly1305 s as 32-bit words. */
  private readonly s = new Int32Array(4);

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('ChaCha20-Poly1305 key must be 32 bytes');
    for (let i = 0; i < 8; i++) this.kn[i] = le32(key, 4 * i);
  }

  private setNonce(nonce: Uint8Array, at: number): void {
    this.kn[8] = le32(nonce, at);
    this.kn[9] = le32(nonce, at + 4);
    this.kn[10] = le32(nonce, at + 8);
  }

  /** The ChaCha20 block function (RFC 8439 2.3) for the current nonce, into `ks`. */
  private block(counter: number): void {
    counter |= 0;
    const kn = this.kn;
    let x0 = SIGMA0;
    let x1 = SIGMA1;
    let x2 = SIGMA2;
    let x3 = SIGMA3;
    let x4 = kn[0]!;
    let x5 = kn[1]!;
    let x6 = kn[2]!;
    let x7 = kn[3]!;
    let x8 = kn[4]!;
    let x9 = kn[5]!;
    let x10 = kn[6]!;
    let x11 = kn[7]!;
    let x12 = counter;
    let x13 = kn[8]!;
    let x14 = kn[9]!;
    let x15 = kn[10]!;
    for (let i = 0; i < 10; i++) {
      // Column round: QR(0,4,8,12) QR(1,5,9,13) QR(2,6,10,14) QR(3,7,11,15).
      x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
      x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
      x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
      x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
      x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
      x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
      x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
      x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
      x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
      x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
      x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
      x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
      x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
      x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
      x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
      x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
      // Diagonal round: QR(0,5,10,15) QR(1,6,11,12) QR(2,7,8,13) QR(3,4,9,14).
      x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
      x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
      x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
      x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
      x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
      x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
      x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
      x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
      x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
      x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
      x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
      x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
      x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
      x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
      x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
      x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
    }
    // The key and nonce are read again rather than kept live across the rounds (registers).
    const ks = this.ks;
    ks[0] = (x0 + SIGMA0) | 0;
    ks[1] = (x1 + SIGMA1) | 0;
    ks[2] = (x2 + SIGMA2) | 0;
    ks[3] = (x3 + SIGMA3) | 0;
    ks[4] = (x4 + kn[0]!) | 0;
    ks[5] = (x5 + kn[1]!) | 0;
    ks[6] = (x6 + kn[2]!) | 0;
    ks[7] = (x7 + kn[3]!) | 0;
    ks[8] = (x8 + kn[4]!) | 0;
    ks[9] = (x9 + kn[5]!) | 0;
    ks[10] = (x10 + kn[6]!) | 0;
    ks[11] = (x11 + kn[7]!) | 0;
    ks[12] = (x12 + counter) | 0;
    ks[13] = (x13 + kn[8]!) | 0;
    ks[14] = (x14 + kn[9]!) | 0;
    ks[15] = (x15 + kn[10]!) | 0;
  }

  /**
   * dst[di..di+len] = src[si..si+len] XOR the keystream from block `counter` on (RFC 8439
   * 2.4). dst may be src at the same offset.
   */
  private xorStream(src: Uint8Array, si: number, len: number, dst: Uint8Array, di: number, counter: number): void {
    if (len === 0) return;
    const ks = this.ks;
    const sv = viewOf(src);
    const dv = dst === src ? sv : viewOf(dst);
    while (len >= 64) {
      this.block(counter++);
      for (let w = 0; w < 64; w += 4) dv.setInt32(di + w, sv.getInt32(si + w, true) ^ ks[w >> 2]!, true);
      si += 64;
      di += 64;
      len -= 64;
    }
    if (len > 0) {
      this.block(counter);
      let i = 0;
      for (; i + 4 <= len; i += 4) dv.setInt32(di + i, sv.getInt32(si + i, true) ^ ks[i >> 2]!, true);
      for (; i < len; i++) dst[di + i] = src[si + i]! ^ (ks[i >> 2]! >>> ((i & 3) << 3));
    }
  }

  /** Poly1305 key from block 0 (RFC 8439 2.6), clamped r (2.5), h = 0. */
  private polyInit(): void {
    this.block(0);
    const ks = this.ks;
    this.polyKey(ks[0]!, ks[1]!, ks[2]!, ks[3]!, ks[4]!, ks[5]!, ks[6]!, ks[7]!);
  }

  /** Clamps r (RFC 8439 2.5) and splits it into limbs; keeps s; h = 0. */
  private polyKey(t0: number, t1: number, t2: number, t3: number, s0: number, s1: number, s2: number, s3: number): void {
    t0 &= 0x0fffffff;
    t1 &= 0x0ffffffc;
    t2 &= 0x0ffffffc;
    t3 &= 0x0ffffffc;
    const r = this.r;
    r[0] = t0 & MASK22;
    r[1] = ((t0 >>> 22) | (t1 << 10)) & MASK22;
    r[2] = ((t1 >>> 12) | (t2 << 20)) & MASK22;
    r[3] = (t2 >>> 2) & MASK22;
    r[4] = ((t2 >>> 24) | (t3 << 8)) & MASK22;
    r[5] = t3 >>> 14;
    const s = this.s;
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    this.h.fill(0);
  }

  /**
   * Poly1305 over `blocks` 16-byte blocks of m from `at`, each with 2^(8*16) added (`hibit`
   * is 1 << 18; 0 for a final partial block that carries its own 0x01 byte).
   */
  private polyBlocks(m: DataView, at: number, blocks: number, hibit: number): void {
    const r = this.r;
    const r0 = r[0]!;
    const r1 = r[1]!;
    const r2 = r[2]!;
    const r3 = r[3]!;
    const r4 = r[4]!;
    const r5 = r[5]!;
    const v1 = 20 * r1;
    const v2 = 20 * r2;
    const v3 = 20 * r3;
    const v4 = 20 * r4;
    const v5 = 20 * r5;
    const h = this.h;
    let h0 = h[0]!;
    let h1 = h[1]!;
    let h2 = h[2]!;
    let h3 = h[3]!;
    let h4 = h[4]!;
    let h5 = h[5]!;
    for (let b = 0; b < blocks; b++, at += 16) {
      const t0 = m.getInt32(at, true);
      const t1 = m.getInt32(at + 4, true);
      const t2 = m.getInt32(at + 8, true);
      const t3 = m.getInt32(at + 12, true);
      h0 += t0 & MASK22;
      h1 += ((t0 >>> 22) | (t1 << 10)) & MASK22;
      h2 += ((t1 >>> 12) | (t2 << 20)) & MASK22;
      h3 += (t2 >>> 2) & MASK22;
      h4 += ((t2 >>> 24) | (t3 << 8)) & MASK22;
      h5 += (t3 >>> 14) | hibit;
      // h * r mod 2^130 - 5, with 2^132 = 20.
      let d0 = h0 * r0 + h1 * v5 + h2 * v4 + h3 * v3 + h4 * v2 + h5 * v1;
      let d1 = h0 * r1 + h1 * r0 + h2 * v5 + h3 * v4 + h4 * v3 + h5 * v2;
      let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * v5 + h4 * v4 + h5 * v3;
      let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * v5 + h5 * v4;
      let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * v5;
      let d5 = h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0;
      let c = Math.floor(d0 * INV_LIMB);
      h0 = d0 - c * LIMB;
      d1 += c;
      c = Math.floor(d1 * INV_LIMB);
      h1 = d1 - c * LIMB;
      d2 += c;
      c = Math.floor(d2 * INV_LIMB);
      h2 = d2 - c * LIMB;
      d3 += c;
      c = Math.floor(d3 * INV_LIMB);
      h3 = d3 - c * LIMB;
      d4 += c;
      c = Math.floor(d4 * INV_LIMB);
      h4 = d4 - c * LIMB;
      d5 += c;
      c = Math.floor(d5 * INV_LIMB);
      h5 = d5 - c * LIMB;
      h0 += 20 * c;
      c = Math.floor(h0 * INV_LIMB);
      h0 -= c * LIMB;
      h1 += c;
    }
    h[0] = h0;
    h[1] = h1;
    h[2] = h2;
    h[3] = h3;
    h[4] = h4;
    h[5] = h5;
  }

  /** Poly1305 over m[at..at+len] zero-padded to a multiple of 16 (the AEAD's padding). */
  private polyPadded(m: Uint8Array, at: number, len: number): void {
    const full = len >>> 4;
    if (full) this.polyBlocks(viewOf(m), at, full, HIBIT);
    const rest = len & 15;
    if (rest) {
      const pad = this.pad;
      pad.fill(0);
      for (let i = 0; i < rest; i++) pad[i] = m[at + 16 * full + i]!;
      this.polyBlocks(this.padView, 0, 1, HIBIT);
    }
  }

  /** The lengths block (RFC 8439 2.8): aad and ciphertext lengths, 64-bit little-endian. */
  private polyLengths(aadLength: number, ctLength: number): void {
    const pad = this.pad;
    put32(pad, 0, aadLength);
    put32(pad, 4, Math.floor(aadLength / 4294967296));
    put32(pad, 8, ctLength);
    put32(pad, 12, Math.floor(ctLength / 4294967296));
    this.polyBlocks(this.padView, 0, 1, HIBIT);
  }

  /** Fully reduces h mod 2^130 - 5, adds s, and leaves the tag words in ks[0..3]. */
  private polyFinish(): void {
    // h's limbs are integers below 2^23: int32 arithmetic from here.
    const h = this.h;
    let h0 = h[0]! | 0;
    let h1 = h[1]! | 0;
    let h2 = h[2]! | 0;
    let h3 = h[3]! | 0;
    let h4 = h[4]! | 0;
    let h5 = h[5]! | 0;
    let c = h0 >>> 22;
    h0 &= MASK22;
    h1 += c;
    c = h1 >>> 22;
    h1 &= MASK22;
    h2 += c;
    c = h2 >>> 22;
    h2 &= MASK22;
    h3 += c;
    c = h3 >>> 22;
    h3 &= MASK22;
    h4 += c;
    c = h4 >>> 22;
    h4 &= MASK22;
    h5 += c;
    // Fold bits 130 and up (limb 5 holds bits 110..131): 2^130 = 5.
    c = h5 >>> 20;
    h5 &= 0xfffff;
    h0 += 5 * c;
    c = h0 >>> 22;
    h0 &= MASK22;
    h1 += c;
    c = h1 >>> 22;
    h1 &= MASK22;
    h2 += c;
    c = h2 >>> 22;
    h2 &= MASK22;
    h3 += c;
    c = h3 >>> 22;
    h3 &= MASK22;
    h4 += c;
    c = h4 >>> 22;
    h4 &= MASK22;
    h5 += c;
    // Now h <= 2^130 + 2^22, well below 2p: h mod p is g = h + 5 - 2^130 when that is >= 0.
    let g0 = h0 + 5;
    c = g0 >>> 22;
    g0 &= MASK22;
    let g1 = h1 + c;
    c = g1 >>> 22;
    g1 &= MASK22;
    let g2 = h2 + c;
    c = g2 >>> 22;
    g2 &= MASK22;
    let g3 = h3 + c;
    c = g3 >>> 22;
    g3 &= MASK22;
    let g4 = h4 + c;
    c = g4 >>> 22;
    g4 &= MASK22;
    const g5 = h5 + c;
    const useG = -(g5 >>> 20); // all ones when g >= 2^130
    const keep = ~useG;
    h0 = (h0 & keep) | (g0 & useG);
    h1 = (h1 & keep) | (g1 & useG);
    h2 = (h2 & keep) | (g2 & useG);
    h3 = (h3 & keep) | (g3 & useG);
    h4 = (h4 & keep) | (g4 & useG);
    h5 = (h5 & keep) | (g5 & useG);
    // The low 128 bits as words, plus s mod 2^128.
    const w0 = (h0 | (h1 << 22)) >>> 0;
    const w1 = ((h1 >>> 10) | (h2 << 12)) >>> 0;
    const w2 = ((h2 >>> 20) | (h3 << 2) | (h4 << 24)) >>> 0;
    const w3 = ((h4 >>> 8) | (h5 << 14)) >>> 0;
    const ks = this.ks;
    const s = this.s;
    let f = w0 + (s[0]! >>> 0);
    ks[0] = f | 0;
    f = w1 + (s[1]! >>> 0) + ((f / 4294967296) | 0);
    ks[1] = f | 0;
    f = w2 + (s[2]! >>> 0) + ((f / 4294967296) | 0);
    ks[2] = f | 0;
    f = w3 + (s[3]! >>> 0) + ((f / 4294967296) | 0);
    ks[3] = f | 0;
    h.fill(0);
  }

  /** Poly1305 tag over aad and ciphertext (RFC 8439 2.8), in ks[0..3]. */
  private tag(aad: Uint8Array, ct: Uint8Array, ctAt: number, ctLength: number): void {
    this.polyInit();
    this.polyPadded(aad, 0, aad.length);
    this.polyPadded(ct, ctAt, ctLength);
    this.polyLengths(aad.length, ctLength);
    this.polyFinish();
  }

  /**
   * Encrypts src[srcAt..srcAt+length] into dst at dstAt and writes the 16-byte tag right
   * after the ciphertext (dst needs length + 16 bytes from dstAt). dst may be src at the
   * same offset.
   */
  seal(nonce: Uint8Array, nonceAt: number, aad: Uint8Array, src: Uint8Array, srcAt: number, length: number, dst: Uint8Array, dstAt: number): void {
    this.setNonce(nonce, nonceAt);
    this.xorStream(src, srcAt, length, dst, dstAt, 1);
    this.tag(aad, dst, dstAt, length);
    const ks = this.ks;
    const t = dstAt + length;
    put32(dst, t, ks[0]!);
    put32(dst, t + 4, ks[1]!);
    put32(dst, t + 8, ks[2]!);
    put32(dst, t + 12, ks[3]!);
  }

  /**
   * Checks the tag at src[srcAt+length..+16] against aad and the ciphertext
   * src[srcAt..srcAt+length]; if it matches, decrypts into dst at dstAt (which may be src at
   * the same offset) and returns true. Nothing is written when it does not match.
   */
  open(nonce: Uint8Array, nonceAt: number, aad: Uint8Array, src: Uint8Array, srcAt: number, length: number, dst: Uint8Array, dstAt: number): boolean {
    this.setNonce(nonce, nonceAt);
    this.tag(aad, src, srcAt, length);
    const ks = this.ks;
    const t = srcAt + length;
    const diff = (ks[0]! ^ le32(src, t)) | (ks[1]! ^ le32(src, t + 4)) | (ks[2]! ^ le32(src, t + 8)) | (ks[3]! ^ le32(src, t + 12));
    if (diff !== 0) return false;
    this.xorStream(src, srcAt, length, dst, dstAt, 1);
    return true;
  }

  /** Raw ChaCha20 (RFC 8439 2.4) of `data` from block `counter`, into a new array. */
  static chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array {
    const c = new ChaCha20Poly1305(key);
    c.setNonce(nonce, 0);
    const out = new Uint8Array(data.length);
    c.xorStream(data, 0, data.length, out, 0, counter);
    return out;
  }

  /** Stand-alone Poly1305 (RFC 8439 2.5) of `message` under a 32-byte one-time key. */
  static poly1305(oneTimeKey: Uint8Array, message: Uint8Array): Uint8Array {
    const c = new ChaCha20Poly1305(new Uint8Array(32));
    const w = (i: number) => le32(oneTimeKey, 4 * i);
    c.polyKey(w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7));
    const full = message.length >>> 4;
    c.polyBlocks(viewOf(message), 0, full, HIBIT);
    const rest = message.length & 15;
    if (rest) {
      // A final short block gets a 0x01 byte after it instead of 2^128 (RFC 8439 2.5.1).
      const pad = new Uint8Array(16);
      pad.set(message.subarray(16 * full));
      pad[rest] = 1;
      c.polyBlocks(viewOf(pad), 0, 1, 0);
    }
    c.polyFinish();
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) put32(out, 4 * i, c.ks[i]!);
    return out;
  }

  /** The ChaCha20 block function's output (RFC 8439 2.3), serialized. */
  static block(key: Uint8Array, nonce: Uint8Array, counter: number): Uint8Array {
    const c = new ChaCha20Poly1305(key);
    c.setNonce(nonce, 0);
    c.block(counter);
    const out = new Uint8Array(64);
    for (let i = 0; i < 16; i++) put32(out, 4 * i, c.ks[i]!);
    return out;
  }
}
