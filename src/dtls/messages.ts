/**
 * Handshake message bodies (RFC 5246 7.4, RFC 6347 4.2-4.3, RFC 8422 5). Decoders never
 * throw; they return views over the input.
 */
import { ByteReader, ByteWriter, DecodeError, err, ok, type Result } from '../core/index.js';
import { RANDOM_SIZE } from './constants.js';
import { NAMED_CURVE } from './protocol.js';

const EMPTY = new Uint8Array(0);

function truncated(what: string): { ok: false; error: DecodeError } {
  return err(new DecodeError('dtls', 'truncated', `${what} cut short`));
}
function invalid(what: string): { ok: false; error: DecodeError } {
  return err(new DecodeError('dtls', 'invalid', what));
}

/** Extensions in wire order; a type may appear only once (RFC 5246 7.4.1.4). */
export type Extensions = ReadonlyMap<number, Uint8Array>;

function readExtensions(r: ByteReader): Result<Extensions> {
  const map = new Map<number, Uint8Array>();
  if (r.remaining === 0) return ok(map); // extensions are optional (RFC 5246 7.4.1.2)
  const len = r.u16();
  const er = r.sub(len);
  while (!er.failed && er.remaining > 0) {
    const type = er.u16();
    const data = er.bytes(er.u16());
    if (er.failed) break;
    if (map.has(type)) return invalid(`extension ${type} repeated`);
    map.set(type, data);
  }
  if (r.failed || er.failed) return truncated('extensions');
  if (r.remaining !== 0) return invalid('bytes after extensions');
  return ok(map);
}

function writeExtensions(w: ByteWriter, ext: Extensions): void {
  if (ext.size === 0) return;
  const at = w.pos;
  w.u16(0);
  for (const [type, data] of ext) w.u16(type).u16(data.length).bytes(data);
  w.setU16(at, w.pos - at - 2);
}

export interface ClientHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cookie: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: Uint8Array;
  readonly extensions: Extensions;
}

export function decodeClientHello(body: Uint8Array): Result<ClientHello> {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.bytes(RANDOM_SIZE);
  const sessionId = r.bytes(r.u8());
  const cookie = r.bytes(r.u8());
  const suitesLen = r.u16();
  const sr = r.sub(suitesLen);
  const compressionMethods = r.bytes(r.u8());
  if (r.failed) return truncated('ClientHello');
  if (suitesLen % 2 !== 0 || suitesLen === 0) return invalid('ClientHello cipher_suites length');
  if (sessionId.length > 32) return invalid('ClientHello session_id too long');
  const cipherSuites: number[] = [];
  while (sr.remaining > 0) cipherSuites.push(sr.u16());
  const ext = readExtensions(r);
  if (!ext.ok) return ext;
  return ok({ version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions: ext.value });
}

export function encodeClientHello(m: ClientHello): Uint8Array {
  const w = new ByteWriter(256);
  w.u16(m.version).bytes(m.random);
  w.u8(m.sessionId.length).bytes(m.sessionId);
  w.u8(m.cookie.length).bytes(m.cookie);
  w.u16(m.cipherSuites.length * 2);
  for (const s of m.cipherSuites) w.u16(s);
  w.u8(m.compressionMethods.length).bytes(m.compressionMethods);
  writeExtensions(w, m.extensions);
  return w.finish();
}

export interface HelloVerifyRequest {
  readonly version: number;
  readonly cookie: Uint8Array;
}

export function decodeHelloVerifyRequest(body: Uint8Array): Result<HelloVerifyRequest> {
  const r = new ByteReader(body);
  const version = r.u16();
  const cookie = r.bytes(r.u8());
  if (r.failed) return truncated('HelloVerifyRequest');
  if (r.remaining !== 0) return invalid('bytes after HelloVerifyRequest');
  return ok({ version, cookie });
}

export function encodeHelloVerifyRequest(m: HelloVerifyRequest): Uint8Array {
  return new ByteWriter(4 + m.cookie.length).u16(m.version).u8(m.cookie.length).bytes(m.cookie).finish();
}

export interface ServerHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: Extensions;
}

export function decodeServerHello(body: Uint8Array): Result<ServerHello> {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.bytes(RANDOM_SIZE);
  const sessionId = r.bytes(r.u8());
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  if (r.failed) return truncated('ServerHello');
  const ext = readExtensions(r);
  if (!ext.ok) return ext;
  return ok({ version, random, sessionId, cipherSuite, compressionMethod, extensions: ext.value });
}

export function encodeServerHello(m: ServerHello): Uint8Array {
  const w = new ByteWriter(128);
  w.u16(m.version).bytes(m.random).u8(m.sessionId.length).bytes(m.sessionId);
  w.u16(m.cipherSuite).u8(m.compressionMethod);
  writeExtensions(w, m.extensions);
  return w.finish();
}

/** Certificate: a chain of DER certificates, sender's first (RFC 5246 7.4.2). */
export function decodeCertificate(body: Uint8Array): Result<Uint8Array[]> {
  const r = new ByteReader(body);
  const lr = r.sub(r.u24());
  const certs: Uint8Array[] = [];
  while (!lr.failed && lr.remaining > 0) {
    const c = lr.bytes(lr.u24());
    if (!lr.failed) certs.push(c);
  }
  if (r.failed || lr.failed) return truncated('Certificate');
  if (r.remaining !== 0) return invalid('bytes after Certificate');
  return ok(certs);
}

export function encodeCertificate(chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(1024);
  let total = 0;
  for (const c of chain) total += 3 + c.length;
  w.u24(total);
  for (const c of chain) w.u24(c.length).bytes(c);
  return w.finish();
}

export interface ServerKeyExchange {
  readonly group: number;
  readonly publicKey: Uint8Array;
  /** The ServerECDHParams bytes, which the signature covers with both randoms. */
  readonly params: Uint8Array;
  readonly scheme: number;
  readonly signature: Uint8Array;
}

/** ServerKeyExchange for ECDHE (RFC 8422 5.4); only named curves are allowed. */
export function decodeServerKeyExchange(body: Uint8Array): Result<ServerKeyExchange> {
  const r = new ByteReader(body);
  const curveType = r.u8();
  const group = r.u16();
  const publicKey = r.bytes(r.u8());
  const paramsEnd = r.pos;
  const scheme = r.u16();
  const signature = r.bytes(r.u16());
  if (r.failed) return truncated('ServerKeyExchange');
  if (curveType !== NAMED_CURVE) return invalid('ServerKeyExchange curve type');
  if (r.remaining !== 0) return invalid('bytes after ServerKeyExchange');
  return ok({ group, publicKey, params: body.subarray(0, paramsEnd), scheme, signature });
}

/** The ServerECDHParams part of ServerKeyExchange (what gets signed). */
export function encodeEcdhParams(group: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(4 + publicKey.length).u8(NAMED_CURVE).u16(group).u8(publicKey.length).bytes(publicKey).finish();
}

export function encodeServerKeyExchange(params: Uint8Array, scheme: number, signature: Uint8Array): Uint8Array {
  return new ByteWriter(params.length + 4 + signature.length)
    .bytes(params)
    .u16(scheme)
    .u16(signature.length)
    .bytes(signature)
    .finish();
}

export interface CertificateRequest {
  readonly certificateTypes: Uint8Array;
  readonly schemes: readonly number[];
}

export function decodeCertificateRequest(body: Uint8Array): Result<CertificateRequest> {
  const r = new ByteReader(body);
  const certificateTypes = r.bytes(r.u8());
  const sl = r.u16();
  const sr = r.sub(sl);
  r.skip(r.u16()); // certificate_authorities: WebRTC certificates are self-signed
  if (r.failed) return truncated('CertificateRequest');
  if (sl % 2 !== 0) return invalid('CertificateRequest signature algorithms length');
  const schemes: number[] = [];
  while (sr.remaining > 0) schemes.push(sr.u16());
  return ok({ certificateTypes, schemes });
}

export function encodeCertificateRequest(m: CertificateRequest): Uint8Array {
  const w = new ByteWriter(32);
  w.u8(m.certificateTypes.length).bytes(m.certificateTypes);
  w.u16(m.schemes.length * 2);
  for (const s of m.schemes) w.u16(s);
  w.u16(0);
  return w.finish();
}

/** ClientKeyExchange for ECDHE: the client's ephemeral public key (RFC 8422 5.7). */
export function decodeClientKeyExchange(body: Uint8Array): Result<Uint8Array> {
  const r = new ByteReader(body);
  const publicKey = r.bytes(r.u8());
  if (r.failed) return truncated('ClientKeyExchange');
  if (r.remaining !== 0 || publicKey.length === 0) return invalid('ClientKeyExchange');
  return ok(publicKey);
}

export function encodeClientKeyExchange(publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(1 + publicKey.length).u8(publicKey.length).bytes(publicKey).finish();
}

export interface DigitallySigned {
  readonly scheme: number;
  readonly signature: Uint8Array;
}

/** CertificateVerify: a digitally-signed struct (RFC 5246 4.7, 7.4.8). */
export function decodeDigitallySigned(body: Uint8Array): Result<DigitallySigned> {
  const r = new ByteReader(body);
  const scheme = r.u16();
  const signature = r.bytes(r.u16());
  if (r.failed) return truncated('CertificateVerify');
  if (r.remaining !== 0) return invalid('bytes after CertificateVerify');
  return ok({ scheme, signature });
}

export function encodeDigitallySigned(m: DigitallySigned): Uint8Array {
  return new ByteWriter(4 + m.signature.length).u16(m.scheme).u16(m.signature.length).bytes(m.signature).finish();
}

/** Reads a u16 list with a u16 length prefix (supported_groups, signature_algorithms). */
export function decodeU16List(data: Uint8Array | undefined): number[] {
  if (!data) return [];
  const r = new ByteReader(data);
  const lr = r.sub(r.u16());
  const out: number[] = [];
  while (lr.remaining >= 2) out.push(lr.u16());
  return r.failed ? [] : out;
}

export function encodeU16List(values: readonly number[]): Uint8Array {
  const w = new ByteWriter(2 + values.length * 2).u16(values.length * 2);
  for (const v of values) w.u16(v);
  return w.finish();
}

/** Reads a u8 list with a u8 length prefix (ec_point_formats). */
export function decodeU8List(data: Uint8Array | undefined): Uint8Array {
  if (!data) return EMPTY;
  const r = new ByteReader(data);
  const list = r.bytes(r.u8());
  return r.failed ? EMPTY : list;
}
