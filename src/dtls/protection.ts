/**
 * AEAD record protection for one direction of one epoch (RFC 5246 6.2.3.3, RFC 5288 3 for
 * AES-GCM, RFC 7905 2 for ChaCha20-Poly1305).
 *
 * The additional data is seq_num(8: epoch + sequence) + type + version + plaintext length.
 * GCM nonce: 4-byte salt from the key block + 8-byte explicit nonce sent in the record (we
 * send epoch + sequence, unique per key). ChaCha20 nonce: the 12-byte IV XOR the padded
 * epoch + sequence; nothing explicit on the wire.
 *
 * AES-GCM: one createCipheriv per record from a reused KeyObject (bench/dtls-record.ts
 * compares the alternatives). That costs ~11 us of fixed overhead per record whatever its
 * size, so ChaCha20-Poly1305 runs in WebAssembly (wasm/chacha20-poly1305.ts: ~3 us to seal
 * or open a 1200-byte record against ~14-16 us for native AES-128-GCM or ChaCha20), and is
 * our preferred suite (suites.ts). Without WebAssembly SIMD it falls back to node:crypto,
 * and where node:crypto lacks chacha20-poly1305 (some OpenSSL builds) to JavaScript
 * (chacha20-poly1305.ts, about as fast as native), so the suite works on every runtime.
 */

import { createCipheriv, createDecipheriv, createSecretKey, getCiphers, type KeyObject } from 'node:crypto';
import { ChaCha20Poly1305 } from './chacha20-poly1305.js';
import { WasmChaCha20Poly1305, wasmChaChaAvailable } from './wasm/chacha20-poly1305.js';
import { sharedSlab } from '../core/index.js';
import { RECORD_HEADER_SIZE } from './constants.js';
import { writeRecordHeader } from './record.js';
import { TAG_LENGTH, type CipherSuite } from './suites.js';

/** Whether node:crypto has ChaCha20-Poly1305 (OpenSSL builds may leave it out). */
const NATIVE_CHACHA = getCiphers().includes('chacha20-poly1305');

/** Which ChaCha20-Poly1305 implementation a RecordProtection uses. */
export type ChaChaImpl = 'wasm' | 'native' | 'js';

/** The fastest available: WebAssembly, else node:crypto, else JavaScript. */
export function defaultChaChaImpl(): ChaChaImpl {
  return wasmChaChaAvailable() ? 'wasm' : NATIVE_CHACHA ? 'native' : 'js';
}

export class RecordProtection {
  readonly suite: CipherSuite;
  private readonly key: KeyObject;
  private readonly iv: Uint8Array;
  /** Reused nonce and additional-data scratch buffers (no per-record allocation). */
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(13);
  private readonly options = { authTagLength: TAG_LENGTH } as const;
  /**
   * Where `seal` carves its records from: the process-wide 64 KiB slab (about 50 full
   * 1200-byte records per ArrayBuffer on the data path, bench/datapath.ts), not one per
   * RecordProtection, so an idle connection holds no slab (bench/memory.ts). Sealed records
   * are sent and dropped at once; flights keep messages and seal again on retransmission.
   */
  private readonly slab = sharedSlab;

  /** The WebAssembly or JavaScript ChaCha20-Poly1305 (undefined: node:crypto per record). */
  private readonly soft: ChaCha20Poly1305 | WasmChaCha20Poly1305 | undefined;

  constructor(suite: CipherSuite, key: Uint8Array, iv: Uint8Array, chacha: ChaChaImpl = defaultChaChaImpl()) {
    this.suite = suite;
    this.soft =
      suite.cipher !== 'chacha20-poly1305' || chacha === 'native'
        ? undefined
        : chacha === 'wasm'
          ? new WasmChaCha20Poly1305(key)
          : new ChaCha20Poly1305(key);
    this.key = createSecretKey(key);
    this.iv = iv.slice();
    this.nonce.set(this.iv.subarray(0, Math.min(12, this.iv.length)));
  }

  /** Bytes a record of `plaintextLength` takes on the wire. */
  sealedSize(plaintextLength: number): number {
    return RECORD_HEADER_SIZE + this.suite.explicitNonceLength + plaintextLength + TAG_LENGTH;
  }

  private setNonce(header: Uint8Array, at: number): void {
    // header[at + 3 .. at + 10] is epoch(2) + sequence(6), the 64-bit seq_num.
    const n = this.nonce;
    if (this.suite.explicitNonceLength === 8) {
      for (let i = 0; i < 8; i++) n[4 + i] = header[at + 3 + i]!;
    } else {
      const iv = this.iv;
      for (let i = 0; i < 8; i++) n[4 + i] = iv[4 + i]! ^ header[at + 3 + i]!;
    }
  }

  private setAad(header: Uint8Array, at: number, plaintextLength: number): void {
    const a = this.aad;
    for (let i = 0; i < 8; i++) a[i] = header[at + 3 + i]!;
    a[8] = header[at]!;
    a[9] = header[at + 1]!;
    a[10] = header[at + 2]!;
    a[11] = plaintextLength >>> 8;
    a[12] = plaintextLength & 0xff;
  }

  /**
   * Seals `plaintext` into a record written at `at` in `out` (which must have
   * sealedSize(plaintext.length) bytes from `at`). Returns the offset after the record.
   */
  sealInto(out: Uint8Array, at: number, type: number, epoch: number, sequence: number, plaintext: Uint8Array): number {
    const explicit = this.suite.explicitNonceLength;
    const bodyLength = explicit + plaintext.length + TAG_LENGTH;
    writeRecordHeader(out, at, type, epoch, sequence, bodyLength);
    this.setNonce(out, at);
    this.setAad(out, at, plaintext.length);
    let p = at + RECORD_HEADER_SIZE;
    if (explicit) {
      for (let i = 0; i < 8; i++) out[p + i] = out[at + 3 + i]!;
      p += explicit;
    }
    if (this.soft) {
      this.soft.seal(this.nonce, 0, this.aad, plaintext, 0, plaintext.length, out, p);
      return p + plaintext.length + TAG_LENGTH;
    }
    const c = createCipheriv(this.suite.cipher as 'aes-128-gcm', this.key, this.nonce, this.options);
    c.setAAD(this.aad);
    const ct = c.update(plaintext);
    out.set(ct, p);
    p += ct.length;
    c.final();
    out.set(c.getAuthTag(), p);
    return p + TAG_LENGTH;
  }

  /**
   * A buffer holding one sealed record, owned by the caller from now on: a fresh view carved
   * from a slab that is never written again once handed out (one ArrayBuffer per
   * 64 KiB of records instead of one, zero-filled, per record).
   */
  seal(type: number, epoch: number, sequence: number, plaintext: Uint8Array): Uint8Array {
    const out = this.slab.take(this.sealedSize(plaintext.length));
    this.sealInto(out, 0, type, epoch, sequence, plaintext);
    return out;
  }

  /**
   * Opens a record: `record` is the datagram, `at` the record header offset and `end` the
   * offset after its body. Returns the plaintext, or undefined if it does not authenticate.
   */
  open(record: Uint8Array, at: number, end: number): Uint8Array | undefined {
    const explicit = this.suite.explicitNonceLength;
    const body = at + RECORD_HEADER_SIZE;
    const ptLength = end - body - explicit - TAG_LENGTH;
    if (ptLength < 0) return undefined;
    if (explicit) {
      for (let i = 0; i < 8; i++) this.nonce[4 + i] = record[body + i]!;
    } else {
      this.setNonce(record, at);
    }
    this.setAad(record, at, ptLength);
    if (this.soft) {
      // In place: the received datagram is ours, and nothing else reads its ciphertext.
      const from = body + explicit;
      return this.soft.open(this.nonce, 0, this.aad, record, from, ptLength, record, from) ? record.subarray(from, from + ptLength) : undefined;
    }
    const d = createDecipheriv(this.suite.cipher as 'aes-128-gcm', this.key, this.nonce, this.options);
    d.setAuthTag(record.subarray(end - TAG_LENGTH, end));
    d.setAAD(this.aad);
    const pt = d.update(record.subarray(body + explicit, end - TAG_LENGTH));
    try {
      d.final();
    } catch {
      return undefined;
    }
    // A plain Uint8Array view (no copy), so callers see the same type everywhere.
    return new Uint8Array(pt.buffer, pt.byteOffset, pt.length);
  }
}
