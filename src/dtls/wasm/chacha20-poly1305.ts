/**
 * AEAD_CHACHA20_POLY1305 (RFC 8439) for DTLS records (RFC 7905), run in WebAssembly. The
 * module is emitted by chacha-poly-program.ts (how it works is described there) and stored in
 * chacha-poly-binary.ts; it is compiled synchronously at first use (~0.4 ms).
 *
 * One module instance (one 64 KiB memory page, grown on demand) serves every key in the
 * process: each call writes the key only when a different instance used it last.
 */

import { CHACHA_POLY_WASM_BASE64 } from './chacha-poly-binary.js';
import { DATA, HIBIT, KEY, KS, NONCE, PAD, TAG } from './layout.js';

interface Exports {
  memory: WebAssembly.Memory;
  ks4(counter: number): void;
  polyInit(): void;
  polyBlocks(ptr: number, n: number, hibit: number): void;
  polyFinish(): void;
  seal(aad: number, aadLength: number, m: number, length: number): void;
  open(aad: number, aadLength: number, m: number, length: number): number;
  stream(m: number, length: number, counter: number): void;
}

interface State {
  x: Exports;
  /** A view of all of memory (replaced when memory grows). */
  mem: Uint8Array;
  /** The instance whose key is in memory. */
  owner: WasmChaCha20Poly1305 | undefined;
  /** A cached view of memory[outAt..outAt+outLength] for copying sealed records out. */
  out: Uint8Array;
  outAt: number;
}

let state: State | null | undefined;

/** Base64 to bytes with `atob`, which Node and browsers both have. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The shared instance, compiled synchronously on first use; null without WebAssembly SIMD. */
function instance(): State | null {
  if (state !== undefined) return state;
  try {
    const module = new WebAssembly.Module(decodeBase64(CHACHA_POLY_WASM_BASE64));
    const x = new WebAssembly.Instance(module).exports as unknown as Exports;
    const mem = new Uint8Array(x.memory.buffer);
    state = { x, mem, owner: undefined, out: mem.subarray(0, 0), outAt: 0 };
  } catch {
    state = null;
  }
  return state;
}

/** Whether this runtime can run the WebAssembly AEAD (WebAssembly with 128-bit SIMD). */
export function wasmChaChaAvailable(): boolean {
  return instance() !== null;
}

function ensure(s: State, bytes: number): void {
  if (bytes <= s.mem.length) return;
  s.x.memory.grow(Math.ceil((bytes - s.mem.length) / 65536));
  s.mem = new Uint8Array(s.x.memory.buffer);
  s.out = s.mem.subarray(0, 0);
}

/**
 * One ChaCha20-Poly1305 key, with the same seal/open interface as the JavaScript
 * ChaCha20Poly1305. Throws on construction if WebAssembly SIMD is unavailable
 * (check wasmChaChaAvailable() first).
 */
export class WasmChaCha20Poly1305 {
  private readonly key: Uint8Array;
  private readonly s: State;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('ChaCha20-Poly1305 key must be 32 bytes');
    const s = instance();
    if (!s) throw new Error('WebAssembly SIMD is not available');
    this.s = s;
    this.key = key.slice();
  }

  /** Key and nonce into memory, aad at DATA; returns where the message goes. */
  private load(nonce: Uint8Array, nonceAt: number, aad: Uint8Array, length: number): number {
    const s = this.s;
    if (s.owner !== this) {
      s.mem.set(this.key, KEY);
      s.owner = this;
    }
    const mem = s.mem;
    for (let i = 0; i < 12; i++) mem[NONCE + i] = nonce[nonceAt + i]!;
    const aadLength = aad.length;
    const m = DATA + ((aadLength + 15) & ~15);
    ensure(s, m + length + 16);
    if (aadLength <= 32) {
      const mm = s.mem;
      for (let i = 0; i < aadLength; i++) mm[DATA + i] = aad[i]!;
    } else s.mem.set(aad, DATA);
    return m;
  }

  /**
   * Encrypts src[srcAt..srcAt+length] into dst at dstAt and writes the 16-byte tag right
   * after the ciphertext (dst needs length + 16 bytes from dstAt). dst may be src.
   */
  seal(nonce: Uint8Array, nonceAt: number, aad: Uint8Array, src: Uint8Array, srcAt: number, length: number, dst: Uint8Array, dstAt: number): void {
    const m = this.load(nonce, nonceAt, aad, length);
    const s = this.s;
    s.mem.set(srcAt === 0 && length === src.length ? src : src.subarray(srcAt, srcAt + length), m);
    s.x.seal(DATA, aad.length, m, length);
    dst.set(this.view(m, length + 16), dstAt);
  }

  /**
   * Checks the tag at src[srcAt+length..+16] against aad and the ciphertext; if it matches,
   * writes the plaintext to dst at dstAt (dst may be src) and returns true. Nothing is
   * written to dst when it does not match.
   */
  open(nonce: Uint8Array, nonceAt: number, aad: Uint8Array, src: Uint8Array, srcAt: number, length: number, dst: Uint8Array, dstAt: number): boolean {
    const m = this.load(nonce, nonceAt, aad, length);
    const s = this.s;
    s.mem.set(srcAt === 0 && length + 16 === src.length ? src : src.subarray(srcAt, srcAt + length + 16), m);
    if (s.x.open(DATA, aad.length, m, length) === 0) return false;
    dst.set(this.view(m, length), dstAt);
    return true;
  }

  /** memory[at..at+length], reusing the last view when it is the same (no allocation). */
  private view(at: number, length: number): Uint8Array {
    const s = this.s;
    if (s.outAt !== at || s.out.length !== length) {
      s.out = s.mem.subarray(at, at + length);
      s.outAt = at;
    }
    return s.out;
  }

  /** Raw ChaCha20 (RFC 8439 2.4) of `data` from block `counter`, into a new array. */
  static chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array {
    const c = new WasmChaCha20Poly1305(key);
    const m = c.load(nonce, 0, new Uint8Array(0), data.length);
    c.s.mem.set(data, m);
    c.s.x.stream(m, data.length, counter);
    return c.s.mem.slice(m, m + data.length);
  }

  /** Stand-alone Poly1305 (RFC 8439 2.5) of `message` under a 32-byte one-time key. */
  static poly1305(oneTimeKey: Uint8Array, message: Uint8Array): Uint8Array {
    const c = new WasmChaCha20Poly1305(new Uint8Array(32));
    const s = c.s;
    const m = c.load(new Uint8Array(12), 0, new Uint8Array(0), message.length);
    s.mem.set(oneTimeKey, KS);
    s.x.polyInit();
    s.mem.set(message, m);
    const full = message.length >>> 4;
    s.x.polyBlocks(m, full, HIBIT);
    const rest = message.length & 15;
    if (rest) {
      // A final short block gets a 0x01 byte after it instead of 2^128 (RFC 8439 2.5.1).
      s.mem.fill(0, PAD, PAD + 16);
      s.mem.set(message.subarray(16 * full), PAD);
      s.mem[PAD + rest] = 1;
      s.x.polyBlocks(PAD, 1, 0);
    }
    s.x.polyFinish();
    return s.mem.slice(TAG, TAG + 16);
  }

  /** The ChaCha20 block function's output (RFC 8439 2.3), serialized. */
  static block(key: Uint8Array, nonce: Uint8Array, counter: number): Uint8Array {
    const c = new WasmChaCha20Poly1305(key);
    c.load(nonce, 0, new Uint8Array(0), 0);
    c.s.x.ks4(counter);
    return c.s.mem.slice(KS, KS + 64);
  }
}
