/**
 * Code points from the TLS/DTLS registries used by this layer.
 */

/** ContentType (RFC 5246 section 6.2.1). */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

/** HandshakeType (RFC 5246 7.4, RFC 6347 4.3.2). */
export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;

/** AlertLevel (RFC 5246 7.2). */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

/** AlertDescription (RFC 5246 7.2, RFC 7627 5.3). */
export const AlertDescription = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  recordOverflow: 22,
  handshakeFailure: 40,
  badCertificate: 42,
  unsupportedCertificate: 43,
  certificateUnknown: 46,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  insufficientSecurity: 71,
  internalError: 80,
  noRenegotiation: 100,
  unsupportedExtension: 110,
} as const;

/** ExtensionType values we act on. */
export const ExtensionType = {
  supportedGroups: 10, // RFC 8422 5.1.1
  ecPointFormats: 11, // RFC 8422 5.1.2
  signatureAlgorithms: 13, // RFC 5246 7.4.1.4.1
  useSrtp: 14, // RFC 5764 (ignored: no media)
  extendedMasterSecret: 23, // RFC 7627
  supportedVersions: 43, // RFC 8446 4.2.1 (seen from 1.3-capable clients)
  keyShare: 51, // RFC 8446 4.2.8 (seen from 1.3-capable clients)
  renegotiationInfo: 0xff01, // RFC 5746
} as const;

/** NamedGroup (RFC 8422 5.1.1). */
export const NamedGroup = {
  secp256r1: 23,
  x25519: 29,
} as const;
export type NamedGroupId = (typeof NamedGroup)[keyof typeof NamedGroup];

/** ECCurveType.named_curve (RFC 8422 5.4). */
export const NAMED_CURVE = 3;
/** ECPointFormat.uncompressed (RFC 8422 5.1.2). */
export const POINT_FORMAT_UNCOMPRESSED = 0;
/** ClientCertificateType.ecdsa_sign (RFC 8422 5.5). */
export const CERT_TYPE_ECDSA_SIGN = 64;
/** CompressionMethod.null (RFC 5246 7.4.1.2). */
export const COMPRESSION_NULL = 0;
/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3). */
export const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** SignatureScheme / SignatureAndHashAlgorithm values (RFC 5246 7.4.1.4.1, RFC 8446 4.2.3). */
export const SignatureScheme = {
  ecdsaSha1: 0x0203,
  ecdsaSha256: 0x0403,
  ecdsaSha384: 0x0503,
  ecdsaSha512: 0x0603,
  rsaPkcs1Sha256: 0x0401,
  rsaPkcs1Sha384: 0x0501,
  rsaPssRsaeSha256: 0x0804,
} as const;
