/**
 * Bounds-checked big-endian byte reader and writer.
 *
 * The reader never throws: reading past the end sets the sticky `failed` flag and returns
 * zero (or an empty view). A decoder reads a whole structure and checks `failed` once, which
 * keeps the hot path free of exceptions and of per-field branches.
 *
 * `bytes()` returns views over the input, not copies: callers that keep a view beyond the
 * life of the input buffer must copy it themselves.
 */

const EMPTY = new Uint8Array(0);

export class ByteReader {
  readonly buf: Uint8Array;
  private readonly end: number;
  pos: number;
  failed = false;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    // No DataView: one per reader (a reader per packet and per chunk) cost more than the
    // byte arithmetic below.
    this.buf = buf;
    this.pos = start;
    this.end = Math.min(end, buf.length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) {
      this.failed = true;
      this.pos = this.end;
      return -1;
    }
    this.pos = at + n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.buf[at]!;
  }

  u16(): number {
    const at = this.take(2);
    const b = this.buf;
    return at < 0 ? 0 : (b[at]! << 8) | b[at + 1]!;
  }

  u24(): number {
    const at = this.take(3);
    return at < 0 ? 0 : (this.buf[at]! << 16) | (this.buf[at + 1]! << 8) | this.buf[at + 2]!;
  }

  u32(): number {
    const at = this.take(4);
    const b = this.buf;
    return at < 0 ? 0 : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  u48(): number {
    const hi = this.u16();
    const lo = this.u32();
    return hi * 0x1_0000_0000 + lo;
  }

  u64(): bigint {
    const at = this.take(8);
    if (at < 0) return 0n;
    const b = this.buf;
    const hi = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
    const lo = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A view of the next `n` bytes (no copy). */
  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? EMPTY : this.buf.subarray(at, at + n);
  }

  /** A view of everything left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  skip(n: number): void {
    this.take(n);
  }

  /** A reader over the next `n` bytes; this reader moves past them. */
  sub(n: number): ByteReader {
    const at = this.take(n);
    if (at < 0) {
      const r = new ByteReader(EMPTY);
      r.failed = true;
      return r;
    }
    return new ByteReader(this.buf, at, at + n);
  }
}

/**
 * A growable big-endian writer. `finish()` returns a view of what was written. Writers can
 * be reused with `reset()` so that hot paths do not allocate per packet.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.pos] = (v >>> 16) & 0xff;
    this.buf[this.pos + 1] = (v >>> 8) & 0xff;
    this.buf[this.pos + 2] = v & 0xff;
    this.pos += 3;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
    return this;
  }

  u48(v: number): this {
    this.u16(Math.floor(v / 0x1_0000_0000) & 0xffff);
    return this.u32(v % 0x1_0000_0000);
  }

  u64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Overwrite a u16 at an earlier offset (for length fields written after the body). */
  setU16(at: number, v: number): this {
    this.view.setUint16(at, v);
    return this;
  }

  setU24(at: number, v: number): this {
    this.buf[at] = (v >>> 16) & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = v & 0xff;
    return this;
  }

  setU32(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0);
    return this;
  }

  /** A view of the bytes written so far (valid until the next write or reset). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far, safe to keep. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/**
 * Hands out fresh, caller-owned buffers carved from a larger slab: `take(n)` returns a view
 * of n bytes that no later `take` overlaps, so a packet built per call costs a view, not an
 * ArrayBuffer of its own (one per `slabBytes` of packets). A slab lives as long as any view
 * into it; for packets that are sent and dropped at once that is not long. Views are not
 * zeroed: the caller writes every byte.
 */
export class Slab {
  private slab = new Uint8Array(0);
  private at = 0;

  constructor(private readonly slabBytes = 64 * 1024) {}

  take(n: number): Uint8Array {
    let at = this.at;
    if (at + n > this.slab.length) {
      this.slab = new Uint8Array(Math.max(this.slabBytes, n));
      at = 0;
    }
    this.at = at + n;
    // The constructor over (buffer, offset, length) costs about half of `subarray` here.
    return new Uint8Array(this.slab.buffer, at, n);
  }

  /** A caller-owned copy of `src`. */
  copy(src: Uint8Array): Uint8Array {
    const out = this.take(src.length);
    out.set(src);
    return out;
  }
}

/**
 * The process-wide slab that per-packet writers (DTLS `RecordProtection.seal`, the SCTP
 * association's outgoing packets) carve from. Sharing it is safe because `take` never hands
 * out bytes twice, whoever the caller is, and JavaScript runs one `take` at a time. It exists
 * for memory: a slab per endpoint kept its last 64 KiB alive for as long as the connection,
 * about 130 KiB per idle connection (issue 7, bench/memory.ts); one shared slab costs 64 KiB
 * per process. Views must still not be kept long (each one pins its whole slab): take from
 * it only for bytes that are sent and dropped.
 */
export const sharedSlab = new Slab();

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Comparison whose time does not depend on where the inputs differ (for MACs and tags). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array, separator = ''): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (i > 0 && separator) s += separator;
    s += HEX[b[i]!];
  }
  return s;
}

/** Parses hex, ignoring `:` and whitespace. Returns undefined for malformed input. */
export function fromHex(s: string): Uint8Array | undefined {
  const clean = s.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}

/** UTF-8 decode that returns undefined on malformed input instead of substituting U+FFFD. */
export function utf8DecodeStrict(b: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(b);
  } catch {
    return undefined;
  }
}
