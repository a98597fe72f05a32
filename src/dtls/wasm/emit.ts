/**
 * A minimal WebAssembly binary emitter (WebAssembly Core Specification 2.0, chapter 5
 * "Binary Format", plus the fixed-width SIMD opcodes): just enough to build the
 * ChaCha20-Poly1305 module in chacha20-poly1305.ts from TypeScript at first use, so no
 * binary blob or external toolchain is involved.
 *
 * A module here has one exported memory (section 5, exported as "memory"), functions with
 * one type each (section 1, 3), exports of some of them (section 7) and their bodies
 * (section 10). Function bodies are written with `Fn`: a flat list of instruction bytes
 * where structured control (block, loop, if) takes a callback for its body, and branch
 * depths are given by the caller as in the text format.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof V128;

/** Unsigned LEB128 (5.2.2) of a non-negative integer below 2^32. */
export function uleb(out: number[], v: number): void {
  v >>>= 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Signed LEB128 (5.2.2) of a bigint (i32.const and i64.const immediates). */
export function sleb(out: number[], v: bigint): void {
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n; // arithmetic shift
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return;
  }
}

function name(out: number[], s: string): void {
  const b = Buffer.from(s, 'utf8');
  uleb(out, b.length);
  for (const x of b) out.push(x);
}

/** Opcodes used below (5.4). SIMD ones are 0xfd followed by the LEB128 index (5.4.8). */
export const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, call: 0x10,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i64Load: 0x29, i32Load8u: 0x2d, i64Load32u: 0x35,
  i32Store: 0x36, i64Store: 0x37, i32Store8: 0x3a,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Ne: 0x47, i32LtU: 0x49, i32GeU: 0x4f, i64Eqz: 0x50,
  i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrU: 0x76, i32Rotl: 0x77,
  i64Add: 0x7c, i64Sub: 0x7d, i64Mul: 0x7e, i64And: 0x83, i64Or: 0x84, i64Xor: 0x85, i64Shl: 0x86, i64ShrS: 0x87, i64ShrU: 0x88,
  i32WrapI64: 0xa7, i64ExtendI32u: 0xad,
} as const;

export const simd = {
  load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, shuffle: 0x0d, i32x4Splat: 0x11,
  and: 0x4e, or: 0x50, xor: 0x51, i32x4Shl: 0xab, i32x4ShrU: 0xad, i32x4Add: 0xae,
} as const;

/** One function: parameter and result types, extra locals, and its instruction bytes. */
export class Fn {
  readonly code: number[] = [];
  private readonly extra: ValType[] = [];

  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[]) {}

  /** A new local of type `t`; returns its index. */
  local(t: ValType): number {
    this.extra.push(t);
    return this.params.length + this.extra.length - 1;
  }

  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  get(i: number): this {
    this.code.push(op.localGet);
    uleb(this.code, i);
    return this;
  }

  set(i: number): this {
    this.code.push(op.localSet);
    uleb(this.code, i);
    return this;
  }

  tee(i: number): this {
    this.code.push(op.localTee);
    uleb(this.code, i);
    return this;
  }

  i32(v: number): this {
    this.code.push(op.i32Const);
    sleb(this.code, BigInt(v | 0));
    return this;
  }

  i64(v: bigint | number): this {
    this.code.push(op.i64Const);
    sleb(this.code, BigInt.asIntN(64, BigInt(v)));
    return this;
  }

  /** A memory instruction with its memarg (alignment exponent, offset). */
  mem(opcode: number, offset = 0, align = 0): this {
    this.code.push(opcode);
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }

  /** A SIMD instruction (0xfd prefix). */
  v(opcode: number): this {
    this.code.push(0xfd);
    uleb(this.code, opcode);
    return this;
  }

  vmem(opcode: number, offset = 0, align = 0): this {
    this.v(opcode);
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }

  /** v128.const from four 32-bit lanes. */
  v128(l0: number, l1: number, l2: number, l3: number): this {
    this.v(simd.const);
    for (const l of [l0, l1, l2, l3]) this.code.push(l & 0xff, (l >>> 8) & 0xff, (l >>> 16) & 0xff, (l >>> 24) & 0xff);
    return this;
  }

  /** i8x16.shuffle of the two v128 operands on the stack (lanes 0..15 first, 16..31 second). */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new Error('shuffle takes 16 lanes');
    this.v(simd.shuffle);
    for (const l of lanes) this.code.push(l);
    return this;
  }

  call(fn: number): this {
    this.code.push(op.call);
    uleb(this.code, fn);
    return this;
  }

  br(depth: number): this {
    this.code.push(op.br);
    uleb(this.code, depth);
    return this;
  }

  brIf(depth: number): this {
    this.code.push(op.brIf);
    uleb(this.code, depth);
    return this;
  }

  block(body: () => void): this {
    this.code.push(op.block, 0x40);
    body();
    this.code.push(op.end);
    return this;
  }

  loop(body: () => void): this {
    this.code.push(op.loop, 0x40);
    body();
    this.code.push(op.end);
    return this;
  }

  /** `if` on the i32 on the stack, without results. */
  if(then: () => void, otherwise?: () => void): this {
    this.code.push(op.if, 0x40);
    then();
    if (otherwise) {
      this.code.push(op.else);
      otherwise();
    }
    this.code.push(op.end);
    return this;
  }

  /** The code section entry (5.5.13): size, local declarations grouped by type, body, end. */
  encode(): number[] {
    const body: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(body, groups.length);
    for (const [n, t] of groups) {
      uleb(body, n);
      body.push(t);
    }
    for (const b of this.code) body.push(b);
    body.push(op.end);
    const out: number[] = [];
    uleb(out, body.length);
    return out.concat(body);
  }
}

/** A module: functions (indices in order of `add`), exports, one memory of `pages` 64 KiB pages. */
export class ModuleBuilder {
  private readonly fns: Fn[] = [];
  private readonly exports: [string, number][] = [];

  constructor(private readonly pages: number) {}

  /** Declares a function; returns its index (usable in `call` before its body is written). */
  add(fn: Fn, exportAs?: string): number {
    this.fns.push(fn);
    const i = this.fns.length - 1;
    if (exportAs) this.exports.push([exportAs, i]);
    return i;
  }

  encode(): Uint8Array<ArrayBuffer> {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]): void => {
      out.push(id);
      uleb(out, content.length);
      for (const b of content) out.push(b);
    };
    // Type section: one functype (0x60) per function.
    const types: number[] = [];
    uleb(types, this.fns.length);
    for (const f of this.fns) {
      types.push(0x60);
      uleb(types, f.params.length);
      types.push(...f.params);
      uleb(types, f.results.length);
      types.push(...f.results);
    }
    section(1, types);
    const funcs: number[] = [];
    uleb(funcs, this.fns.length);
    this.fns.forEach((_, i) => uleb(funcs, i));
    section(3, funcs);
    // Memory section: one memory, limits with a minimum only (0x00).
    const memory: number[] = [1, 0x00];
    uleb(memory, this.pages);
    section(5, memory);
    const exports: number[] = [];
    uleb(exports, this.exports.length + 1);
    name(exports, 'memory');
    exports.push(0x02, 0x00);
    for (const [n, i] of this.exports) {
      name(exports, n);
      exports.push(0x00);
      uleb(exports, i);
    }
    section(7, exports);
    const code: number[] = [];
    uleb(code, this.fns.length);
    for (const f of this.fns) for (const b of f.encode()) code.push(b);
    section(10, code);
    return Uint8Array.from(out);
  }
}
