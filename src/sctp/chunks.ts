/**
 * SCTP chunk and packet codec (RFC 9260 3, RFC 3758 3.2, RFC 6525 3-4, RFC 5061 4.2.7).
 *
 * Decoding never throws: `decodePacket` returns a `Result`. DATA payloads are views into the
 * received buffer; a caller that keeps one past the buffer's life copies it.
 */

import { ByteReader, type ByteWriter } from '../core/bytes.js';
import { DecodeError, err, ok, type Result } from '../core/errors.js';
import { sctpChecksum } from './crc32c.js';
import { COMMON_HEADER_SIZE, DATA_CHUNK_HEADER_SIZE } from './constants.js';

/** RFC 9260 3.2 chunk types, with RE-CONFIG (RFC 6525) and FORWARD TSN (RFC 3758). */
export const ChunkType = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  SHUTDOWN_COMPLETE: 14,
  RECONFIG: 130,
  FORWARD_TSN: 192,
} as const;

/** INIT / INIT ACK parameter types. */
const Param = {
  HEARTBEAT_INFO: 1,
  STATE_COOKIE: 7,
  UNRECOGNIZED: 8,
  SUPPORTED_EXTENSIONS: 0x8008, // RFC 5061 4.2.7
  FORWARD_TSN_SUPPORTED: 0xc000, // RFC 3758 3.1
  ZERO_CHECKSUM_ACCEPTABLE: 0x8001, // RFC 9653 3
  OUTGOING_RESET: 13, // RFC 6525 4.1
  INCOMING_RESET: 14, // RFC 6525 4.2
  RECONFIG_RESPONSE: 16, // RFC 6525 4.4
} as const;

/** RFC 9260 3.3.10 error cause codes. */
export const ErrorCauseCode = {
  INVALID_STREAM: 1,
  MISSING_PARAMETER: 2,
  STALE_COOKIE: 3,
  OUT_OF_RESOURCE: 4,
  UNRECOGNIZED_CHUNK: 6,
  INVALID_PARAMETER: 7,
  UNRECOGNIZED_PARAMETERS: 8,
  NO_USER_DATA: 9,
  COOKIE_WHILE_SHUTTING_DOWN: 10,
  USER_ABORT: 12,
  PROTOCOL_VIOLATION: 13,
} as const;

/** RFC 6525 4.4 result codes. */
export const ReconfigResult = {
  SUCCESS_NOTHING: 0,
  SUCCESS_PERFORMED: 1,
  DENIED: 2,
  ERROR_WRONG_SSN: 3,
  ERROR_REQUEST_IN_PROGRESS: 4,
  ERROR_BAD_SEQUENCE: 5,
  IN_PROGRESS: 6,
} as const;

// DATA chunk flags (RFC 9260 3.3.1, I bit RFC 7053 4).
export const FLAG_END = 0x01;
export const FLAG_BEGIN = 0x02;
export const FLAG_UNORDERED = 0x04;
export const FLAG_IMMEDIATE = 0x08;
/** ABORT and SHUTDOWN COMPLETE T bit: the verification tag is the sender's own (reflected). */
export const FLAG_T = 0x01;

export interface CommonHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly verificationTag: number;
}

export interface ErrorCause {
  readonly code: number;
  readonly info: Uint8Array;
}

export interface DataChunk {
  readonly type: 'data';
  readonly tsn: number;
  readonly streamId: number;
  readonly ssn: number;
  readonly ppid: number;
  /** DATA flags (FLAG_BEGIN | FLAG_END | FLAG_UNORDERED | FLAG_IMMEDIATE). */
  readonly flags: number;
  readonly payload: Uint8Array;
}

export interface InitChunk {
  readonly type: 'init' | 'init-ack';
  readonly initiateTag: number;
  readonly aRwnd: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly initialTsn: number;
  /** RFC 3758: the sender supports FORWARD TSN. */
  readonly forwardTsn: boolean;
  /** RFC 6525: the sender supports RE-CONFIG. */
  readonly reconfig: boolean;
  /** RFC 9653: the sender accepts a zero checksum, its lower layer being DTLS (EDMID 1). */
  readonly zeroChecksum?: boolean;
  /** INIT ACK only: the state cookie. */
  readonly cookie?: Uint8Array;
  /** Parameters we did not recognise and that ask to be reported (RFC 9260 3.2.2). */
  readonly unrecognized?: readonly Uint8Array[];
}

export interface SackChunk {
  readonly type: 'sack';
  readonly cumTsn: number;
  readonly aRwnd: number;
  /** Gap ack blocks as [start, end] offsets from cumTsn, flattened: [s0, e0, s1, e1, ...]. */
  readonly gaps: readonly number[];
  readonly dups: readonly number[];
}

export interface HeartbeatChunk {
  readonly type: 'heartbeat' | 'heartbeat-ack';
  readonly info: Uint8Array;
}

export interface AbortChunk {
  readonly type: 'abort';
  readonly reflected: boolean;
  readonly causes: readonly ErrorCause[];
}

export interface ErrorChunk {
  readonly type: 'error';
  readonly causes: readonly ErrorCause[];
}

export interface ShutdownChunk {
  readonly type: 'shutdown';
  readonly cumTsn: number;
}

export interface CookieEchoChunk {
  readonly type: 'cookie-echo';
  readonly cookie: Uint8Array;
}

export interface SignalChunk {
  readonly type: 'cookie-ack' | 'shutdown-ack';
}

export interface ShutdownCompleteChunk {
  readonly type: 'shutdown-complete';
  readonly reflected: boolean;
}

export type ReconfigParam =
  | {
      readonly kind: 'outgoing-reset';
      readonly requestSeq: number;
      readonly responseSeq: number;
      readonly lastTsn: number;
      readonly streamIds: readonly number[];
    }
  | { readonly kind: 'incoming-reset'; readonly requestSeq: number; readonly streamIds: readonly number[] }
  | { readonly kind: 'response'; readonly responseSeq: number; readonly result: number }
  | { readonly kind: 'unknown'; readonly paramType: number };

export interface ReconfigChunk {
  readonly type: 'reconfig';
  readonly params: readonly ReconfigParam[];
}

export interface ForwardTsnChunk {
  readonly type: 'forward-tsn';
  readonly newCumTsn: number;
  /** Flattened (stream id, SSN) pairs: [stream0, ssn0, stream1, ssn1, ...]. */
  readonly streams: readonly number[];
}

export interface UnknownChunk {
  readonly type: 'unknown';
  readonly chunkType: number;
  readonly flags: number;
  /** The whole chunk, header included (an ERROR reports it back verbatim). */
  readonly raw: Uint8Array;
}

export type Chunk =
  | DataChunk
  | InitChunk
  | SackChunk
  | HeartbeatChunk
  | AbortChunk
  | ErrorChunk
  | ShutdownChunk
  | CookieEchoChunk
  | SignalChunk
  | ShutdownCompleteChunk
  | ReconfigChunk
  | ForwardTsnChunk
  | UnknownChunk;

export interface Packet {
  readonly header: CommonHeader;
  readonly chunks: readonly Chunk[];
}

const LAYER = 'sctp';

function fail(reason: 'truncated' | 'invalid' | 'integrity' | 'unsupported', msg: string) {
  return err(new DecodeError(LAYER, reason, msg));
}

/** RFC 9653 7: the error detection method "SCTP over DTLS". */
export const EDMID_DTLS = 1;

/**
 * Reads a packet's common header and chunks, checking the CRC32c (RFC 9260 6.8) unless
 * `acceptZeroChecksum` is set and the checksum is zero (RFC 9653 4: an endpoint that
 * announced it accepts zero checksums takes packets with either a correct or a zero one).
 */
export function decodePacket(buf: Uint8Array, verifyChecksum = true, acceptZeroChecksum = false): Result<Packet> {
  if (buf.length < COMMON_HEADER_SIZE) return fail('truncated', 'packet shorter than its header');
  const r = new ByteReader(buf);
  const header = { srcPort: r.u16(), dstPort: r.u16(), verificationTag: r.u32() };
  const sum = buf[8]! | (buf[9]! << 8) | (buf[10]! << 16) | (buf[11]! << 24);
  r.skip(4);
  const skip = !verifyChecksum || (acceptZeroChecksum && sum === 0);
  if (!skip && sum >>> 0 !== sctpChecksum(buf)) return fail('integrity', 'bad CRC32c');
  const chunks: Chunk[] = [];
  while (r.remaining > 0) {
    if (r.remaining < 4) return fail('truncated', 'chunk header');
    const start = r.pos;
    const type = r.u8();
    const flags = r.u8();
    const length = r.u16();
    if (length < 4) return fail('invalid', `chunk length ${length}`);
    if (length - 4 > r.remaining) return fail('truncated', `chunk type ${type} length ${length}`);
    if (type === ChunkType.DATA) {
      // The hot path: read the DATA header in place, without a sub-reader (RFC 9260 3.3.1).
      if (length < DATA_CHUNK_HEADER_SIZE) return fail('truncated', 'DATA header');
      const at = start + 4;
      chunks.push({
        type: 'data',
        tsn: ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0,
        streamId: (buf[at + 4]! << 8) | buf[at + 5]!,
        ssn: (buf[at + 6]! << 8) | buf[at + 7]!,
        ppid: ((buf[at + 8]! << 24) | (buf[at + 9]! << 16) | (buf[at + 10]! << 8) | buf[at + 11]!) >>> 0,
        flags,
        payload: buf.subarray(start + DATA_CHUNK_HEADER_SIZE, start + length),
      });
      r.skip(length - 4);
    } else {
      const chunk = decodeChunk(type, flags, r.sub(length - 4), buf.subarray(start, start + length));
      if (!chunk.ok) return chunk;
      chunks.push(chunk.value);
    }
    // Chunks are padded to 4 bytes; the padding of the last chunk may be missing.
    r.skip(Math.min((4 - (length & 3)) & 3, r.remaining));
  }
  return ok({ header, chunks });
}

function decodeChunk(type: number, flags: number, r: ByteReader, raw: Uint8Array): Result<Chunk> {
  let c: Chunk;
  switch (type) {
    case ChunkType.INIT:
    case ChunkType.INIT_ACK: {
      const res = decodeInit(type === ChunkType.INIT ? 'init' : 'init-ack', r);
      if (!res.ok) return res;
      c = res.value;
      break;
    }
    case ChunkType.SACK: {
      const cumTsn = r.u32();
      const aRwnd = r.u32();
      const nGaps = r.u16();
      const nDups = r.u16();
      if (r.failed || r.remaining < nGaps * 4 + nDups * 4) return fail('truncated', 'SACK');
      const gaps = new Array<number>(nGaps * 2);
      for (let i = 0; i < nGaps * 2; i += 2) {
        gaps[i] = r.u16();
        gaps[i + 1] = r.u16();
        if (gaps[i]! === 0 || gaps[i + 1]! < gaps[i]!) return fail('invalid', 'SACK gap block');
      }
      const dups = new Array<number>(nDups);
      for (let i = 0; i < nDups; i++) dups[i] = r.u32();
      c = { type: 'sack', cumTsn, aRwnd, gaps, dups };
      break;
    }
    case ChunkType.HEARTBEAT:
    case ChunkType.HEARTBEAT_ACK: {
      const ptype = r.u16();
      const plen = r.u16();
      if (r.failed || ptype !== Param.HEARTBEAT_INFO || plen < 4 || plen - 4 > r.remaining) {
        return fail('invalid', 'HEARTBEAT info');
      }
      c = { type: type === ChunkType.HEARTBEAT ? 'heartbeat' : 'heartbeat-ack', info: r.bytes(plen - 4) };
      break;
    }
    case ChunkType.ABORT:
    case ChunkType.ERROR: {
      const causes = decodeCauses(r);
      if (!causes.ok) return causes;
      c =
        type === ChunkType.ABORT
          ? { type: 'abort', reflected: (flags & FLAG_T) !== 0, causes: causes.value }
          : { type: 'error', causes: causes.value };
      break;
    }
    case ChunkType.SHUTDOWN:
      c = { type: 'shutdown', cumTsn: r.u32() };
      break;
    case ChunkType.SHUTDOWN_ACK:
      c = { type: 'shutdown-ack' };
      break;
    case ChunkType.COOKIE_ECHO:
      c = { type: 'cookie-echo', cookie: r.rest() };
      break;
    case ChunkType.COOKIE_ACK:
      c = { type: 'cookie-ack' };
      break;
    case ChunkType.SHUTDOWN_COMPLETE:
      c = { type: 'shutdown-complete', reflected: (flags & FLAG_T) !== 0 };
      break;
    case ChunkType.RECONFIG: {
      const params = decodeReconfig(r);
      if (!params.ok) return params;
      c = { type: 'reconfig', params: params.value };
      break;
    }
    case ChunkType.FORWARD_TSN: {
      const newCumTsn = r.u32();
      if (r.remaining % 4 !== 0) return fail('invalid', 'FORWARD TSN stream list');
      const streams = new Array<number>(r.remaining / 2);
      for (let i = 0; i < streams.length; i++) streams[i] = r.u16();
      c = { type: 'forward-tsn', newCumTsn, streams };
      break;
    }
    default:
      c = { type: 'unknown', chunkType: type, flags, raw };
  }
  if (r.failed) return fail('truncated', `chunk type ${type}`);
  return ok(c);
}

function decodeInit(type: 'init' | 'init-ack', r: ByteReader): Result<InitChunk> {
  const initiateTag = r.u32();
  const aRwnd = r.u32();
  const outboundStreams = r.u16();
  const inboundStreams = r.u16();
  const initialTsn = r.u32();
  if (r.failed) return fail('truncated', 'INIT');
  // RFC 9260 3.3.2: a zero tag or zero stream count is invalid.
  if (initiateTag === 0 || outboundStreams === 0 || inboundStreams === 0) {
    return fail('invalid', 'INIT tag or stream count is zero');
  }
  let forwardTsn = false;
  let reconfig = false;
  let zeroChecksum = false;
  let cookie: Uint8Array | undefined;
  let unrecognized: Uint8Array[] | undefined;
  while (r.remaining >= 4) {
    const start = r.pos;
    const ptype = r.u16();
    const plen = r.u16();
    if (plen < 4 || plen - 4 > r.remaining) return fail('invalid', `INIT parameter ${ptype}`);
    const value = r.bytes(plen - 4);
    r.skip(Math.min((4 - (plen & 3)) & 3, r.remaining));
    switch (ptype) {
      case Param.STATE_COOKIE:
        cookie = value;
        break;
      case Param.FORWARD_TSN_SUPPORTED:
        forwardTsn = true;
        break;
      case Param.ZERO_CHECKSUM_ACCEPTABLE:
        // Only the DTLS method is one we can rely on; others are ignored (RFC 9653 5.1).
        zeroChecksum = value.length === 4 && new ByteReader(value).u32() === EDMID_DTLS;
        break;
      case Param.SUPPORTED_EXTENSIONS:
        for (const t of value) {
          if (t === ChunkType.FORWARD_TSN) forwardTsn = true;
          else if (t === ChunkType.RECONFIG) reconfig = true;
        }
        break;
      default: {
        // RFC 9260 3.2.2: the top two bits say whether to stop or skip, and whether to report.
        if ((ptype & 0x4000) !== 0) (unrecognized ??= []).push(r.buf.subarray(start, start + plen));
        if ((ptype & 0x8000) === 0) return ok(init());
      }
    }
  }
  return ok(init());

  function init(): InitChunk {
    return {
      type,
      initiateTag,
      aRwnd,
      outboundStreams,
      inboundStreams,
      initialTsn,
      forwardTsn,
      reconfig,
      ...(zeroChecksum ? { zeroChecksum } : {}),
      ...(cookie ? { cookie } : {}),
      ...(unrecognized ? { unrecognized } : {}),
    };
  }
}

function decodeCauses(r: ByteReader): Result<ErrorCause[]> {
  const causes: ErrorCause[] = [];
  while (r.remaining >= 4) {
    const code = r.u16();
    const len = r.u16();
    if (len < 4 || len - 4 > r.remaining) return fail('invalid', 'error cause length');
    causes.push({ code, info: r.bytes(len - 4) });
    r.skip(Math.min((4 - (len & 3)) & 3, r.remaining));
  }
  return ok(causes);
}

function decodeReconfig(r: ByteReader): Result<ReconfigParam[]> {
  const params: ReconfigParam[] = [];
  while (r.remaining >= 4) {
    const ptype = r.u16();
    const plen = r.u16();
    if (plen < 4 || plen - 4 > r.remaining) return fail('invalid', 'RE-CONFIG parameter length');
    const p = r.sub(plen - 4);
    r.skip(Math.min((4 - (plen & 3)) & 3, r.remaining));
    switch (ptype) {
      case Param.OUTGOING_RESET: {
        const requestSeq = p.u32();
        const responseSeq = p.u32();
        const lastTsn = p.u32();
        if (p.failed || p.remaining % 2 !== 0) return fail('invalid', 'outgoing reset request');
        params.push({ kind: 'outgoing-reset', requestSeq, responseSeq, lastTsn, streamIds: streamList(p) });
        break;
      }
      case Param.INCOMING_RESET: {
        const requestSeq = p.u32();
        if (p.failed || p.remaining % 2 !== 0) return fail('invalid', 'incoming reset request');
        params.push({ kind: 'incoming-reset', requestSeq, streamIds: streamList(p) });
        break;
      }
      case Param.RECONFIG_RESPONSE: {
        // The optional sender/receiver next TSN fields (RFC 6525 4.4) are ignored: they only
        // matter for SSN/TSN reset, which we do not request.
        const responseSeq = p.u32();
        const result = p.u32();
        if (p.failed) return fail('truncated', 'reconfig response');
        params.push({ kind: 'response', responseSeq, result });
        break;
      }
      default:
        params.push({ kind: 'unknown', paramType: ptype });
    }
  }
  return ok(params);
}

function streamList(r: ByteReader): number[] {
  const ids = new Array<number>(r.remaining / 2);
  for (let i = 0; i < ids.length; i++) ids[i] = r.u16();
  return ids;
}

// ---------------------------------------------------------------------------------------
// Encoding. Chunks are appended to a ByteWriter; `finishPacket` fills in the checksum.

/** Writes the common header with a zero checksum; call finishPacket when the chunks are in. */
export function writeCommonHeader(w: ByteWriter, h: CommonHeader): void {
  w.u16(h.srcPort).u16(h.dstPort).u32(h.verificationTag).u32(0);
}

/** Stores the CRC32c of a complete packet in its header (RFC 9260 6.8), little-endian. */
export function setChecksum(packet: Uint8Array): Uint8Array {
  const sum = sctpChecksum(packet);
  packet[8] = sum & 0xff;
  packet[9] = (sum >>> 8) & 0xff;
  packet[10] = (sum >>> 16) & 0xff;
  packet[11] = sum >>> 24;
  return packet;
}

function pad(w: ByteWriter): void {
  const n = (4 - (w.pos & 3)) & 3;
  if (n) w.zeros(n);
}

/** The size a chunk takes in a packet, padding included. */
export function paddedSize(chunkLength: number): number {
  return (chunkLength + 3) & ~3;
}

function beginChunk(w: ByteWriter, type: number, flags: number): number {
  const at = w.pos;
  w.u8(type).u8(flags).u16(0);
  return at;
}

function endChunk(w: ByteWriter, at: number): void {
  w.setU16(at + 2, w.pos - at);
  pad(w);
}

function writeParam(w: ByteWriter, type: number, value: Uint8Array): void {
  w.u16(type).u16(4 + value.length).bytes(value);
  pad(w);
}

function writeCauses(w: ByteWriter, causes: readonly ErrorCause[]): void {
  for (const c of causes) {
    w.u16(c.code).u16(4 + c.info.length).bytes(c.info);
    pad(w);
  }
}

/** Appends one chunk (padded to 4 bytes). */
export function encodeChunk(w: ByteWriter, c: Chunk): void {
  switch (c.type) {
    case 'data': {
      const at = beginChunk(w, ChunkType.DATA, c.flags);
      w.u32(c.tsn).u16(c.streamId).u16(c.ssn).u32(c.ppid).bytes(c.payload);
      endChunk(w, at);
      return;
    }
    case 'init':
    case 'init-ack': {
      const at = beginChunk(w, c.type === 'init' ? ChunkType.INIT : ChunkType.INIT_ACK, 0);
      w.u32(c.initiateTag).u32(c.aRwnd).u16(c.outboundStreams).u16(c.inboundStreams).u32(c.initialTsn);
      if (c.cookie) writeParam(w, Param.STATE_COOKIE, c.cookie);
      // usrsctp only enables FORWARD TSN and RE-CONFIG when both are listed here.
      const ext: number[] = [];
      if (c.reconfig) ext.push(ChunkType.RECONFIG);
      if (c.forwardTsn) ext.push(ChunkType.FORWARD_TSN);
      if (ext.length) writeParam(w, Param.SUPPORTED_EXTENSIONS, Uint8Array.from(ext));
      if (c.forwardTsn) writeParam(w, Param.FORWARD_TSN_SUPPORTED, new Uint8Array(0));
      if (c.zeroChecksum) w.u16(Param.ZERO_CHECKSUM_ACCEPTABLE).u16(8).u32(EDMID_DTLS);
      for (const u of c.unrecognized ?? []) writeParam(w, Param.UNRECOGNIZED, u);
      endChunk(w, at);
      return;
    }
    case 'sack': {
      const at = beginChunk(w, ChunkType.SACK, 0);
      w.u32(c.cumTsn).u32(c.aRwnd).u16(c.gaps.length / 2).u16(c.dups.length);
      for (const g of c.gaps) w.u16(g);
      for (const d of c.dups) w.u32(d);
      endChunk(w, at);
      return;
    }
    case 'heartbeat':
    case 'heartbeat-ack': {
      const at = beginChunk(w, c.type === 'heartbeat' ? ChunkType.HEARTBEAT : ChunkType.HEARTBEAT_ACK, 0);
      writeParam(w, Param.HEARTBEAT_INFO, c.info);
      endChunk(w, at);
      return;
    }
    case 'abort': {
      const at = beginChunk(w, ChunkType.ABORT, c.reflected ? FLAG_T : 0);
      writeCauses(w, c.causes);
      endChunk(w, at);
      return;
    }
    case 'error': {
      const at = beginChunk(w, ChunkType.ERROR, 0);
      writeCauses(w, c.causes);
      endChunk(w, at);
      return;
    }
    case 'shutdown': {
      const at = beginChunk(w, ChunkType.SHUTDOWN, 0);
      w.u32(c.cumTsn);
      endChunk(w, at);
      return;
    }
    case 'shutdown-ack':
    case 'cookie-ack':
      endChunk(w, beginChunk(w, c.type === 'cookie-ack' ? ChunkType.COOKIE_ACK : ChunkType.SHUTDOWN_ACK, 0));
      return;
    case 'shutdown-complete':
      endChunk(w, beginChunk(w, ChunkType.SHUTDOWN_COMPLETE, c.reflected ? FLAG_T : 0));
      return;
    case 'cookie-echo': {
      const at = beginChunk(w, ChunkType.COOKIE_ECHO, 0);
      w.bytes(c.cookie);
      endChunk(w, at);
      return;
    }
    case 'reconfig': {
      const at = beginChunk(w, ChunkType.RECONFIG, 0);
      for (const p of c.params) encodeReconfigParam(w, p);
      endChunk(w, at);
      return;
    }
    case 'forward-tsn': {
      const at = beginChunk(w, ChunkType.FORWARD_TSN, 0);
      w.u32(c.newCumTsn);
      for (const s of c.streams) w.u16(s);
      endChunk(w, at);
      return;
    }
    case 'unknown':
      w.bytes(c.raw);
      pad(w);
      return;
  }
}

function encodeReconfigParam(w: ByteWriter, p: ReconfigParam): void {
  const at = w.pos;
  switch (p.kind) {
    case 'outgoing-reset':
      w.u16(Param.OUTGOING_RESET).u16(0).u32(p.requestSeq).u32(p.responseSeq).u32(p.lastTsn);
      for (const s of p.streamIds) w.u16(s);
      break;
    case 'incoming-reset':
      w.u16(Param.INCOMING_RESET).u16(0).u32(p.requestSeq);
      for (const s of p.streamIds) w.u16(s);
      break;
    case 'response':
      w.u16(Param.RECONFIG_RESPONSE).u16(0).u32(p.responseSeq).u32(p.result);
      break;
    case 'unknown':
      // We never send parameters we do not understand.
      return;
  }
  w.setU16(at + 2, w.pos - at);
  pad(w);
}
