/**
 * Hello construction and the server's choice of parameters (RFC 5246 7.4.1, RFC 8422 5.1,
 * RFC 7627 5.1, RFC 5746 3).
 */
import { COMPRESSION_NULL, EMPTY_RENEGOTIATION_INFO_SCSV, ExtensionType, AlertDescription, POINT_FORMAT_UNCOMPRESSED, type NamedGroupId } from './protocol.js';
import { decodeU16List, decodeU8List, encodeU16List, type ClientHello, type Extensions } from './messages.js';
import { DTLS_1_2 } from './constants.js';
import { chooseSignScheme, VERIFY_SCHEMES } from './signature.js';
import type { CipherSuite } from './suites.js';

const EMPTY = new Uint8Array(0);
/** renegotiation_info for an initial handshake: an empty renegotiated_connection (RFC 5746 3.2). */
const EMPTY_RENEGOTIATION_INFO = new Uint8Array([0]);
const UNCOMPRESSED_ONLY = new Uint8Array([1, POINT_FORMAT_UNCOMPRESSED]);

function clientHelloExtensions(groups: readonly NamedGroupId[]): Extensions {
  return new Map<number, Uint8Array>([
    [ExtensionType.supportedGroups, encodeU16List(groups)],
    [ExtensionType.ecPointFormats, UNCOMPRESSED_ONLY],
    [ExtensionType.signatureAlgorithms, encodeU16List(VERIFY_SCHEMES)],
    [ExtensionType.extendedMasterSecret, EMPTY],
    [ExtensionType.renegotiationInfo, EMPTY_RENEGOTIATION_INFO],
  ]);
}

export function buildClientHello(
  random: Uint8Array,
  cookie: Uint8Array,
  suites: readonly CipherSuite[],
  groups: readonly NamedGroupId[],
): ClientHello {
  return {
    version: DTLS_1_2,
    random,
    sessionId: EMPTY,
    cookie,
    cipherSuites: suites.map((s) => s.id),
    compressionMethods: new Uint8Array([COMPRESSION_NULL]),
    extensions: clientHelloExtensions(groups),
  };
}

export interface ServerChoice {
  readonly suite: CipherSuite;
  readonly group: NamedGroupId;
  readonly signScheme: number;
  readonly extendedMasterSecret: boolean;
  readonly extensions: Extensions;
}

export interface Refusal {
  readonly alert: number;
  readonly reason: string;
}

/**
 * Chooses suite, group and signature scheme for a ClientHello, in our preference order.
 * A 1.3-capable ClientHello is answered at 1.2: supported_versions, key_share, GREASE and
 * unknown code points are ignored (RFC 8446 4.1.2 and D.1, RFC 8701).
 */
export function chooseServerParameters(
  ch: ClientHello,
  suites: readonly CipherSuite[],
  groups: readonly NamedGroupId[],
  requireExtendedMasterSecret: boolean,
): ServerChoice | Refusal {
  // DTLS versions count down: 0xfefd is 1.2, 0xfefc is 1.3, 0xfeff is 1.0. A client
  // offering 1.2 or newer gets 1.2 (RFC 6347 4.2.1 version negotiation).
  if (ch.version > DTLS_1_2 || ch.version < 0xfe00) {
    return { alert: AlertDescription.protocolVersion, reason: `client version 0x${ch.version.toString(16)}` };
  }
  if (!ch.compressionMethods.includes(COMPRESSION_NULL)) {
    return { alert: AlertDescription.illegalParameter, reason: 'no null compression' };
  }
  const suite = suites.find((s) => ch.cipherSuites.includes(s.id));
  if (!suite) return { alert: AlertDescription.handshakeFailure, reason: 'no cipher suite in common' };
  const ext = ch.extensions;
  // RFC 8422 4: without supported_groups the client accepts any curve; take our first.
  const offered = ext.has(ExtensionType.supportedGroups) ? decodeU16List(ext.get(ExtensionType.supportedGroups)) : undefined;
  const group = offered ? groups.find((g) => offered.includes(g)) : groups[0];
  if (group === undefined) return { alert: AlertDescription.handshakeFailure, reason: 'no group in common' };
  const formats = ext.get(ExtensionType.ecPointFormats);
  if (formats && !decodeU8List(formats).includes(POINT_FORMAT_UNCOMPRESSED)) {
    return { alert: AlertDescription.illegalParameter, reason: 'uncompressed points not offered' };
  }
  const sigAlgs = ext.get(ExtensionType.signatureAlgorithms);
  const signScheme = chooseSignScheme(sigAlgs ? decodeU16List(sigAlgs) : undefined);
  if (signScheme === undefined) return { alert: AlertDescription.handshakeFailure, reason: 'no ECDSA signature scheme' };
  const ems = ext.has(ExtensionType.extendedMasterSecret);
  if (!ems && requireExtendedMasterSecret) {
    return { alert: AlertDescription.handshakeFailure, reason: 'extended master secret not offered (RFC 7627)' };
  }
  const reneg = ext.get(ExtensionType.renegotiationInfo);
  if (reneg && (reneg.length !== 1 || reneg[0] !== 0)) {
    return { alert: AlertDescription.handshakeFailure, reason: 'non-empty renegotiation_info on first handshake' };
  }
  const out = new Map<number, Uint8Array>();
  if (reneg || ch.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV)) {
    out.set(ExtensionType.renegotiationInfo, EMPTY_RENEGOTIATION_INFO);
  }
  if (ems) out.set(ExtensionType.extendedMasterSecret, EMPTY);
  if (formats) out.set(ExtensionType.ecPointFormats, UNCOMPRESSED_ONLY);
  return { suite, group, signScheme, extendedMasterSecret: ems, extensions: out };
}

export function isRefusal(x: ServerChoice | Refusal): x is Refusal {
  return 'alert' in x;
}
