/**
 * Injected randomness. Engines never call a global random source: they take a `Random`,
 * so tests can replay a run bit for bit from a seed. Production uses `cryptoRandom`.
 */

export interface Random {
  /** Fill `buf` with random bytes and return it. */
  fill(buf: Uint8Array): Uint8Array;
  /** A uniformly random unsigned 32-bit integer. */
  u32(): number;
}

export function randomBytes(rng: Random, n: number): Uint8Array {
  return rng.fill(new Uint8Array(n));
}

/** A float in [0, 1) with 32 bits of randomness. */
export function randomFloat(rng: Random): number {
  return rng.u32() / 0x1_0000_0000;
}

/** An integer in [min, max] (inclusive), unbiased. */
export function randomInt(rng: Random, min: number, max: number): number {
  const span = max - min + 1;
  if (span <= 1) return min;
  if (span > 0x1_0000_0000) throw new RangeError('randomInt span exceeds 2^32');
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % span);
  let x = rng.u32();
  while (x >= limit) x = rng.u32();
  return min + (x % span);
}

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A string of `n` characters drawn from `alphabet` (default: the ICE-char set, RFC 8839). */
export function randomString(rng: Random, n: number, alphabet = ICE_CHARS): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(rng, 0, alphabet.length - 1)];
  return s;
}

/**
 * Small requests (ids, transaction ids, TSNs, tie-breakers: a few bytes each, dozens per
 * connection) are served from a pool refilled 4 KiB at a time: one getRandomValues call
 * costs ~2-5 us whatever its size, and a connection makes ~50 small ones. Bytes handed out
 * are zeroed in the pool, so none is ever given twice or kept after use.
 */
const POOL_BYTES = 4096;
const POOLED_MAX = 64;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;

function fromPool(buf: Uint8Array): Uint8Array {
  const n = buf.length;
  if (poolAt + n > POOL_BYTES) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  buf.set(pool.subarray(poolAt, poolAt + n));
  pool.fill(0, poolAt, poolAt + n);
  poolAt += n;
  return buf;
}

const word = new Uint8Array(4);

/** Randomness from the platform CSPRNG (Web Crypto, present in Node 20+ and browsers). */
export const cryptoRandom: Random = {
  fill(buf) {
    if (buf.length <= POOLED_MAX) return fromPool(buf);
    // getRandomValues accepts at most 65536 bytes per call.
    for (let at = 0; at < buf.length; at += 65536) {
      globalThis.crypto.getRandomValues(
        buf.subarray(at, Math.min(buf.length, at + 65536)) as Uint8Array<ArrayBuffer>,
      );
    }
    return buf;
  },
  u32() {
    fromPool(word);
    const x = (word[0]! << 24 | word[1]! << 16 | word[2]! << 8 | word[3]!) >>> 0;
    word.fill(0);
    return x;
  },
};

/**
 * A deterministic generator (xoshiro128**, seeded through splitmix32) for tests and the
 * simulator. Not for keys: same seed, same bytes.
 */
export class SeededRandom implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  fill(buf: Uint8Array): Uint8Array {
    let i = 0;
    while (i + 4 <= buf.length) {
      const v = this.u32();
      buf[i++] = v & 0xff;
      buf[i++] = (v >>> 8) & 0xff;
      buf[i++] = (v >>> 16) & 0xff;
      buf[i++] = v >>> 24;
    }
    if (i < buf.length) {
      let v = this.u32();
      while (i < buf.length) {
        buf[i++] = v & 0xff;
        v >>>= 8;
      }
    }
    return buf;
  }

  /** An independent generator derived from this one (for giving each engine its own). */
  fork(): SeededRandom {
    return new SeededRandom(this.u32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
