/**
 * AEAD_CHACHA20_POLY1305 (RFC 8439) in WebAssembly: the program that emits the module
 * (emit.ts writes the binary). `npm run gen:wasm` stores its bytes in chacha-poly-binary.ts,
 * which is what runs; a test checks the stored bytes equal this program's output.
 *
 * Why: node:crypto costs ~11 us of fixed overhead per record (createCipheriv and friends),
 * and the JavaScript AEAD (../chacha20-poly1305.ts) spends as much on scalar arithmetic.
 * Here the caller copies the record into linear memory once and out once, and one call does
 * the whole seal or open:
 *
 * - ChaCha20 (RFC 8439 2.3, 2.4) runs four blocks at once in 128-bit SIMD registers: state
 *   word i of blocks n..n+3 is one i32x4 vector, so each quarter-round step works on four
 *   blocks; rotations by 16 and 8 are byte shuffles, by 12 and 7 shift-shift-or. The four
 *   output blocks are transposed with shuffles into 256 bytes of keystream. A record's
 *   first batch (counters 0..3) yields the Poly1305 key (block 0, RFC 8439 2.6) and the
 *   first three keystream blocks.
 * - Poly1305 (RFC 8439 2.5) keeps h and r in five 26-bit limbs in i64 locals: a block is 25
 *   i64 multiplies and a carry chain with 2^130 = 5. Blocks go in pairs, h = (h + m1) r^2 +
 *   m2 r, so one carry chain serves two blocks and the second block's products do not wait
 *   for the first (products < 2^55.4, the sums of both < 2^58.3; +9-13% over one block per
 *   step). The
 *   block's limbs come from four overlapping unaligned 32-bit loads; clamping uses the masks
 *   of the same split. Nothing branches on key, data or tag values; `open` compares tags by
 *   OR-ing XORs and decrypts only when they match (nothing written on failure).
 *
 * Memory layout: layout.ts.
 */

import { Fn, I32, I64, ModuleBuilder, V128, op, simd } from './emit.js';
import { H, HIBIT, KEY, KS, NONCE, PAD, R, R2, S, TAG } from './layout.js';

const M26 = 0x3ffffff;
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

// Function indices (declared in this order below).
const F_KS4 = 0;
const F_XOR = 1;
const F_POLY_INIT = 2;
const F_POLY_BLOCKS = 3;
const F_POLY_FINISH = 4;
const F_POLY_PADDED = 5;

/** i8x16.shuffle lane lists. */
const ROT16 = [2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13];
const ROT8 = [3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14];
const LO32 = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23]; // [a0 b0 a1 b1]
const HI32 = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31]; // [a2 b2 a3 b3]
const LO64 = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HI64 = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

/** ks4(counter): ChaCha20 blocks counter..counter+3 for the key and nonce in memory, into KS. */
function ks4(): Fn {
  const f = new Fn([I32], []);
  const x = Array.from({ length: 16 }, () => f.local(V128));
  const t = Array.from({ length: 4 }, () => f.local(V128));
  const i = f.local(I32);
  const input = (k: number): void => {
    if (k < 4) f.v128(SIGMA[k]!, SIGMA[k]!, SIGMA[k]!, SIGMA[k]!);
    else if (k < 12) f.i32(0).vmem(simd.load32Splat, KEY + 4 * (k - 4), 2);
    else if (k === 12) f.get(0).v(simd.i32x4Splat).v128(0, 1, 2, 3).v(simd.i32x4Add);
    else f.i32(0).vmem(simd.load32Splat, NONCE + 4 * (k - 13), 2);
  };
  for (let k = 0; k < 16; k++) {
    input(k);
    f.set(x[k]!);
  }
  const step = (a: number, b: number, d: number, rot: number): void => {
    // a += b; d ^= a; d <<<= rot
    f.get(x[a]!).get(x[b]!).v(simd.i32x4Add).tee(x[a]!).get(x[d]!).v(simd.xor).set(x[d]!);
    if (rot === 16 || rot === 8) f.get(x[d]!).get(x[d]!).shuffle(rot === 16 ? ROT16 : ROT8);
    else f.get(x[d]!).i32(rot).v(simd.i32x4Shl).get(x[d]!).i32(32 - rot).v(simd.i32x4ShrU).v(simd.or);
    f.set(x[d]!);
  };
  const qr = (a: number, b: number, c: number, d: number): void => {
    step(a, b, d, 16);
    step(c, d, b, 12);
    step(a, b, d, 8);
    step(c, d, b, 7);
  };
  f.i32(10).set(i);
  f.loop(() => {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
    f.get(i).i32(1).emit(op.i32Sub).tee(i).brIf(0);
  });
  for (let k = 0; k < 16; k++) {
    f.get(x[k]!);
    input(k);
    f.v(simd.i32x4Add).set(x[k]!);
  }
  // Transpose each group of four words (vectors a..d, lane n = block n) into 16 bytes of
  // block n at KS + 64n + 16g.
  for (let g = 0; g < 4; g++) {
    const [a, b, c, d] = [x[4 * g]!, x[4 * g + 1]!, x[4 * g + 2]!, x[4 * g + 3]!];
    f.get(a).get(b).shuffle(LO32).set(t[0]!);
    f.get(c).get(d).shuffle(LO32).set(t[1]!);
    f.get(a).get(b).shuffle(HI32).set(t[2]!);
    f.get(c).get(d).shuffle(HI32).set(t[3]!);
    f.i32(0).get(t[0]!).get(t[1]!).shuffle(LO64).vmem(simd.store, KS + 16 * g);
    f.i32(0).get(t[0]!).get(t[1]!).shuffle(HI64).vmem(simd.store, KS + 64 + 16 * g);
    f.i32(0).get(t[2]!).get(t[3]!).shuffle(LO64).vmem(simd.store, KS + 128 + 16 * g);
    f.i32(0).get(t[2]!).get(t[3]!).shuffle(HI64).vmem(simd.store, KS + 192 + 16 * g);
  }
  return f;
}

/**
 * xor(ptr, len, counter, off): memory[ptr..ptr+len] ^= keystream, starting at KS + off of the
 * current batch and computing batches from `counter` on (off is a multiple of 16).
 */
function xor(): Fn {
  const f = new Fn([I32, I32, I32, I32], []);
  const [ptr, len, ctr, off] = [0, 1, 2, 3];
  const inc = (l: number, by: number, o: number = op.i32Add): void => {
    f.get(l).i32(by).emit(o).set(l);
  };
  f.block(() => {
    f.loop(() => {
      f.block(() => {
        f.loop(() => {
          f.get(len).i32(16).emit(op.i32LtU).brIf(1);
          f.get(off).i32(256).emit(op.i32GeU).brIf(1);
          f.get(ptr).get(ptr).vmem(simd.load).get(off).vmem(simd.load, KS).v(simd.xor).vmem(simd.store);
          inc(ptr, 16);
          inc(off, 16);
          inc(len, 16, op.i32Sub);
          f.br(0);
        });
      });
      f.get(len).emit(op.i32Eqz).brIf(1);
      f.get(off).i32(256).emit(op.i32GeU).if(() => {
        f.get(ctr).call(F_KS4);
        inc(ctr, 4);
        f.i32(0).set(off);
        f.br(1);
      });
      // Fewer than 16 bytes left, within the current batch.
      f.loop(() => {
        f.get(ptr).get(ptr).mem(op.i32Load8u).get(off).mem(op.i32Load8u, KS).emit(op.i32Xor).mem(op.i32Store8);
        inc(ptr, 1);
        inc(off, 1);
        f.get(len).i32(1).emit(op.i32Sub).tee(len).brIf(0);
      });
    });
  });
  return f;
}

/**
 * Pushes sum over i of a_i * b_j with i + j = k, plus 5 a_i b_j for i + j = k + 5 (2^130 = 5
 * mod p): the k-th limb of a * b before carrying. `b5` holds 5 * b.
 */
function limbProduct(f: Fn, a: readonly number[], b: readonly number[], b5: readonly number[], k: number): void {
  for (let i = 0; i < 5; i++) {
    const j = (k - i + 5) % 5;
    f.get(a[i]!).get(i <= k ? b[j]! : b5[j]!).emit(op.i64Mul);
    if (i > 0) f.emit(op.i64Add);
  }
}

/** h = d carried into 26-bit limbs (the top carry folds back times 5); c is scratch. */
function carryInto(f: Fn, d: readonly number[], h: readonly number[], c: number): void {
  for (let k = 0; k < 5; k++) {
    if (k > 0) f.get(d[k]!).get(c).emit(op.i64Add).set(d[k]!);
    f.get(d[k]!).i64(26).emit(op.i64ShrU).set(c);
    f.get(d[k]!).i64(M26).emit(op.i64And).set(h[k]!);
  }
  f.get(h[0]!).get(c).i64(5).emit(op.i64Mul).emit(op.i64Add).set(h[0]!);
  f.get(h[1]!).get(h[0]!).i64(26).emit(op.i64ShrU).emit(op.i64Add).set(h[1]!);
  f.get(h[0]!).i64(M26).emit(op.i64And).set(h[0]!);
}

/** Five i64 locals. */
function limbs(f: Fn): number[] {
  return Array.from({ length: 5 }, () => f.local(I64));
}

/** polyInit(): r = clamp(KS[0..15]) in 26-bit limbs, r^2 mod p, s = KS[16..31], h = 0. */
function polyInit(): Fn {
  const f = new Fn([], []);
  const limb = (k: number, at: number, shift: number, mask: number): void => {
    f.i32(0).i32(0).mem(op.i64Load32u, KS + at).i64(shift).emit(op.i64ShrU).i64(mask).emit(op.i64And).mem(op.i64Store, R + 8 * k);
  };
  // Split at bits 0, 26, 52, 78, 104 with the clamp (RFC 8439 2.5) folded into the masks.
  limb(0, 0, 0, 0x3ffffff);
  limb(1, 3, 2, 0x3ffff03);
  limb(2, 6, 4, 0x3ffc0ff);
  limb(3, 9, 6, 0x3f03fff);
  limb(4, 12, 8, 0x00fffff);
  // r^2, for polyBlocks' two blocks per step.
  const [r, r5, d, r2] = [limbs(f), limbs(f), limbs(f), limbs(f)];
  const c = f.local(I64);
  for (let k = 0; k < 5; k++) f.i32(0).mem(op.i64Load, R + 8 * k).tee(r[k]!).i64(5).emit(op.i64Mul).set(r5[k]!);
  for (let k = 0; k < 5; k++) {
    limbProduct(f, r, r, r5, k);
    f.set(d[k]!);
  }
  carryInto(f, d, r2, c);
  for (let k = 0; k < 5; k++) f.i32(0).get(r2[k]!).mem(op.i64Store, R2 + 8 * k);
  f.i32(0).i32(0).mem(op.i64Load, KS + 16).mem(op.i64Store, S);
  f.i32(0).i32(0).mem(op.i64Load, KS + 24).mem(op.i64Store, S + 8);
  for (let k = 0; k < 5; k++) f.i32(0).i64(0).mem(op.i64Store, H + 8 * k);
  return f;
}

/**
 * polyBlocks(ptr, n, hibit): h = (h + block + hibit * 2^104) * r for n 16-byte blocks.
 * Pairs of blocks take one step, h = (h + m1) * r^2 + m2 * r: the second block's products
 * do not wait for the first's, and one carry chain serves both.
 */
function polyBlocks(): Fn {
  const f = new Fn([I32, I32, I32], []);
  const [ptr, n, hibit] = [0, 1, 2];
  const [h, r, r5, q, q5, d, m] = [limbs(f), limbs(f), limbs(f), limbs(f), limbs(f), limbs(f), limbs(f)]; // q = r^2
  const c = f.local(I64);
  const hb = f.local(I64);
  /** The limbs of the block at ptr + at (hibit added at the top). */
  const blockLimb = (k: number, at: number): void => {
    f.get(ptr).mem(op.i64Load32u, at + 3 * k).i64(2 * k).emit(op.i64ShrU);
    if (k < 4) f.i64(M26).emit(op.i64And);
    else f.get(hb).emit(op.i64Or);
  };
  f.block(() => {
    f.get(n).emit(op.i32Eqz).brIf(0);
    for (let k = 0; k < 5; k++) {
      f.i32(0).mem(op.i64Load, H + 8 * k).set(h[k]!);
      f.i32(0).mem(op.i64Load, R + 8 * k).tee(r[k]!).i64(5).emit(op.i64Mul).set(r5[k]!);
      f.i32(0).mem(op.i64Load, R2 + 8 * k).tee(q[k]!).i64(5).emit(op.i64Mul).set(q5[k]!);
    }
    f.get(hibit).emit(op.i64ExtendI32u).set(hb);
    f.block(() => {
      f.loop(() => {
        f.get(n).i32(2).emit(op.i32LtU).brIf(1);
        for (let k = 0; k < 5; k++) {
          f.get(h[k]!);
          blockLimb(k, 0);
          f.emit(op.i64Add).set(h[k]!);
          blockLimb(k, 16);
          f.set(m[k]!);
        }
        for (let k = 0; k < 5; k++) {
          limbProduct(f, h, q, q5, k);
          limbProduct(f, m, r, r5, k);
          f.emit(op.i64Add).set(d[k]!);
        }
        carryInto(f, d, h, c);
        f.get(ptr).i32(32).emit(op.i32Add).set(ptr);
        f.get(n).i32(2).emit(op.i32Sub).set(n);
        f.br(0);
      });
    });
    // An odd last block: h = (h + m) * r.
    f.get(n).if(() => {
      for (let k = 0; k < 5; k++) {
        f.get(h[k]!);
        blockLimb(k, 0);
        f.emit(op.i64Add).set(h[k]!);
      }
      for (let k = 0; k < 5; k++) {
        limbProduct(f, h, r, r5, k);
        f.set(d[k]!);
      }
      carryInto(f, d, h, c);
    });
    for (let k = 0; k < 5; k++) f.i32(0).get(h[k]!).mem(op.i64Store, H + 8 * k);
  });
  return f;
}

/** polyFinish(): tag = (h mod 2^130 - 5) + s mod 2^128, into TAG. */
function polyFinish(): Fn {
  const f = new Fn([], []);
  const h = Array.from({ length: 5 }, () => f.local(I64));
  const g = Array.from({ length: 5 }, () => f.local(I64));
  const c = f.local(I64);
  const mask = f.local(I64);
  for (let k = 0; k < 5; k++) f.i32(0).mem(op.i64Load, H + 8 * k).set(h[k]!);
  const carry = (v: readonly number[], from: number, to: number): void => {
    f.get(v[from]!).i64(26).emit(op.i64ShrU).set(c);
    f.get(v[from]!).i64(M26).emit(op.i64And).set(v[from]!);
    f.get(v[to]!).get(c).emit(op.i64Add).set(v[to]!);
  };
  carry(h, 1, 2);
  carry(h, 2, 3);
  carry(h, 3, 4);
  f.get(h[4]!).i64(26).emit(op.i64ShrU).set(c);
  f.get(h[4]!).i64(M26).emit(op.i64And).set(h[4]!);
  f.get(h[0]!).get(c).i64(5).emit(op.i64Mul).emit(op.i64Add).set(h[0]!);
  carry(h, 0, 1);
  // g = h + 5 - 2^130; use g when it is not negative (h >= p).
  f.get(h[0]!).i64(5).emit(op.i64Add).set(g[0]!);
  for (let k = 1; k < 5; k++) {
    f.get(g[k - 1]!).i64(26).emit(op.i64ShrU).set(c);
    f.get(g[k - 1]!).i64(M26).emit(op.i64And).set(g[k - 1]!);
    f.get(h[k]!).get(c).emit(op.i64Add).set(g[k]!);
  }
  f.get(g[4]!).i64(1 << 26).emit(op.i64Sub).tee(g[4]!).i64(63).emit(op.i64ShrS).set(mask); // -1: keep h
  for (let k = 0; k < 5; k++) {
    f.get(h[k]!).get(mask).emit(op.i64And);
    f.get(g[k]!).get(mask).i64(-1).emit(op.i64Xor).emit(op.i64And);
    f.emit(op.i64Or).set(h[k]!);
  }
  carry(h, 0, 1);
  carry(h, 1, 2);
  carry(h, 2, 3);
  carry(h, 3, 4);
  // 32-bit words of h mod 2^128, plus s with carries.
  const word = (lo: number, shiftLo: number, hi: number, shiftHi: number): void => {
    f.get(h[lo]!).i64(shiftLo).emit(op.i64ShrU).get(h[hi]!).i64(shiftHi).emit(op.i64Shl).emit(op.i64Or).i64(0xffffffff).emit(op.i64And);
  };
  const words: [number, number, number, number][] = [[0, 0, 1, 26], [1, 6, 2, 20], [2, 12, 3, 14], [3, 18, 4, 8]];
  words.forEach(([lo, sl, hi, sh], k) => {
    word(lo, sl, hi, sh);
    f.i32(0).mem(op.i64Load32u, S + 4 * k).emit(op.i64Add);
    if (k > 0) f.get(c).i64(32).emit(op.i64ShrU).emit(op.i64Add);
    f.set(c);
    f.i32(0).get(c).emit(op.i32WrapI64).mem(op.i32Store, TAG + 4 * k);
  });
  return f;
}

/** polyPadded(ptr, len): Poly1305 over memory[ptr..ptr+len] zero-padded to 16 bytes. */
function polyPadded(): Fn {
  const f = new Fn([I32, I32], []);
  const [ptr, len] = [0, 1];
  const q = f.local(I32);
  const rest = f.local(I32);
  const i = f.local(I32);
  f.get(ptr).get(len).i32(4).emit(op.i32ShrU).i32(HIBIT).call(F_POLY_BLOCKS);
  f.get(len).i32(15).emit(op.i32And).tee(rest).if(() => {
    f.i32(0).i64(0).mem(op.i64Store, PAD);
    f.i32(0).i64(0).mem(op.i64Store, PAD + 8);
    f.get(ptr).get(len).i32(~15).emit(op.i32And).emit(op.i32Add).set(q);
    f.i32(0).set(i);
    f.loop(() => {
      f.get(i).get(q).get(i).emit(op.i32Add).mem(op.i32Load8u).mem(op.i32Store8, PAD);
      f.get(i).i32(1).emit(op.i32Add).tee(i).get(rest).emit(op.i32Ne).brIf(0);
    });
    f.i32(PAD).i32(1).i32(HIBIT).call(F_POLY_BLOCKS);
  });
  return f;
}

/** Batch 0 into KS and the Poly1305 key from its block 0 (RFC 8439 2.6). */
function polyKey(f: Fn): void {
  f.i32(0).call(F_KS4);
  f.call(F_POLY_INIT);
}

/** The tag over aad and message (RFC 8439 2.8) once polyKey has run, into TAG. */
function tag(f: Fn, aad: number, aadLen: number, m: number, len: number): void {
  f.get(aad).get(aadLen).call(F_POLY_PADDED);
  f.get(m).get(len).call(F_POLY_PADDED);
  f.i32(0).get(aadLen).emit(op.i64ExtendI32u).mem(op.i64Store, PAD);
  f.i32(0).get(len).emit(op.i64ExtendI32u).mem(op.i64Store, PAD + 8);
  f.i32(PAD).i32(1).i32(HIBIT).call(F_POLY_BLOCKS);
  f.call(F_POLY_FINISH);
}

/** seal(aad, aadLen, m, len): encrypts m in place and writes the tag at m + len. */
function seal(): Fn {
  const f = new Fn([I32, I32, I32, I32], []);
  const [aad, aadLen, m, len] = [0, 1, 2, 3];
  // Key first (block 0), then encrypt from block 1 on, then the tag over the ciphertext.
  polyKey(f);
  f.get(m).get(len).i32(4).i32(64).call(F_XOR);
  tag(f, aad, aadLen, m, len);
  f.get(m).get(len).emit(op.i32Add).i32(0).mem(op.i64Load, TAG).mem(op.i64Store, 0);
  f.get(m).get(len).emit(op.i32Add).i32(0).mem(op.i64Load, TAG + 8).mem(op.i64Store, 8);
  return f;
}

/** open(aad, aadLen, m, len) -> 1 and m decrypted in place if the tag at m + len matches, else 0. */
function open(): Fn {
  const f = new Fn([I32, I32, I32, I32], [I32]);
  const [aad, aadLen, m, len] = [0, 1, 2, 3];
  const t = f.local(I32);
  polyKey(f);
  tag(f, aad, aadLen, m, len);
  f.get(m).get(len).emit(op.i32Add).set(t);
  f.get(t).mem(op.i64Load).i32(0).mem(op.i64Load, TAG).emit(op.i64Xor);
  f.get(t).mem(op.i64Load, 8).i32(0).mem(op.i64Load, TAG + 8).emit(op.i64Xor);
  f.emit(op.i64Or, op.i64Eqz, op.i32Eqz).if(() => {
    f.i32(0).emit(op.return);
  });
  // Batch 0 is still in KS (Poly1305 does not touch it): decrypt from block 1 on.
  f.get(m).get(len).i32(4).i32(64).call(F_XOR);
  f.i32(1);
  return f;
}

/** stream(m, len, counter): raw ChaCha20 (RFC 8439 2.4) of memory[m..m+len] from `counter`. */
function stream(): Fn {
  const f = new Fn([I32, I32, I32], []);
  f.get(2).call(F_KS4);
  f.get(0).get(1).get(2).i32(4).emit(op.i32Add).i32(0).call(F_XOR);
  return f;
}

/** The module's bytes (about 4 KB). */
export function chachaPolyModule(): Uint8Array<ArrayBuffer> {
  const b = new ModuleBuilder(1);
  b.add(ks4(), 'ks4');
  b.add(xor());
  b.add(polyInit(), 'polyInit');
  b.add(polyBlocks(), 'polyBlocks');
  b.add(polyFinish(), 'polyFinish');
  b.add(polyPadded());
  b.add(seal(), 'seal');
  b.add(open(), 'open');
  b.add(stream(), 'stream');
  return b.encode();
}
