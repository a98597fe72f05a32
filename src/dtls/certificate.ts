/**
 * Self-signed ECDSA P-256 certificates for WebRTC and SDP fingerprints (RFC 8122 5,
 * RFC 8827 6.5). Authentication in WebRTC is the fingerprint in the signed SDP, so the
 * certificate carries no chain and its validity dates are not checked.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { bytesEqual, constantTimeEqual, cryptoRandom, DecodeError, err, fromHex, ok, randomBytes, toHex, type Random, type Result } from '../core/index.js';
import { bitString, decodeTlv, explicit, oid, sequence, set, smallInteger, Tag, time, unsignedInteger, utf8String } from './der.js';

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
} as const;

/** hash-func tokens of the SDP fingerprint attribute (RFC 8122 5) that we compute. */
export type FingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

/** A certificate fingerprint: the same shape as `sansrtc/sdp`'s (digest bytes). */
export interface Fingerprint {
  /** RFC 8122 5 hash-func token (`sha-256`, ...). */
  readonly algorithm: string;
  readonly value: Uint8Array;
}

/** A peer's fingerprint as given to us: digest bytes, or SDP hex text (`AB:CD:...`). */
export interface RemoteFingerprint {
  readonly algorithm: string;
  readonly value: Uint8Array | string;
}

export interface DtlsCertificate {
  readonly der: Uint8Array;
  readonly privateKey: KeyObject;
  /** End of the validity period (what RTCCertificate.expires reports). */
  readonly notAfter: Date;
  fingerprint(algorithm?: FingerprintAlgorithm): Fingerprint;
}

const HASHES: Readonly<Record<FingerprintAlgorithm, string>> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

function nodeHash(algorithm: string): string | undefined {
  return HASHES[algorithm.toLowerCase() as FingerprintAlgorithm];
}

export function certificateFingerprint(der: Uint8Array, algorithm: FingerprintAlgorithm = 'sha-256'): Fingerprint {
  return { algorithm, value: new Uint8Array(createHash(nodeHash(algorithm)!).update(der).digest()) };
}

/** The SDP text form of a fingerprint's digest: upper-case hex pairs joined by colons. */
export function fingerprintHex(f: Fingerprint): string {
  return toHex(f.value, ':').toUpperCase();
}

/**
 * Whether `der` matches one of `fingerprints`. Entries with a hash function we do not know
 * (md5, md2, typos) are skipped, as RFC 8122 5 lets an endpoint use the ones it supports.
 */
export function matchesFingerprint(der: Uint8Array, fingerprints: readonly RemoteFingerprint[]): boolean {
  for (const f of fingerprints) {
    const hash = nodeHash(f.algorithm);
    const want = typeof f.value === 'string' ? fromHex(f.value) : f.value;
    if (!hash || !want) continue;
    const got = createHash(hash).update(der).digest();
    if (constantTimeEqual(got, want)) return true;
  }
  return false;
}

/** Wraps an existing certificate and its private key. Throws if `der` does not parse. */
export function loadCertificate(der: Uint8Array, privateKey: KeyObject): DtlsCertificate {
  const copy = der.slice();
  return certificateOf(copy, privateKey, new Date(new X509Certificate(copy).validTo));
}

/**
 * The certificate object; fingerprints are computed once per algorithm (one certificate
 * may serve every connection of a process, each of which puts its fingerprint in SDP).
 */
function certificateOf(der: Uint8Array, privateKey: KeyObject, notAfter: Date): DtlsCertificate {
  const fingerprints = new Map<FingerprintAlgorithm, Fingerprint>();
  return {
    der,
    privateKey,
    notAfter,
    fingerprint(alg = 'sha-256') {
      let f = fingerprints.get(alg);
      if (!f) fingerprints.set(alg, (f = certificateFingerprint(der, alg)));
      return { algorithm: f.algorithm, value: f.value.slice() };
    },
  };
}

/**
 * The public key of a peer's certificate. Never throws. Only the path to the
 * subjectPublicKeyInfo is decoded (RFC 5280 4.1: Certificate > tbsCertificate > the field
 * after subject), not the whole certificate: a full X509Certificate parse costs ~0.3 ms, a
 * tenth of a handshake's CPU, and nothing else in it is used (WebRTC authenticates the
 * DER by its fingerprint, RFC 8827 6.5).
 */
export function certificatePublicKey(der: Uint8Array): Result<KeyObject> {
  const spki = subjectPublicKeyInfo(der);
  if (!spki) return err(new DecodeError('dtls', 'invalid', 'certificate does not parse'));
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('latin1');
  const known = recentKeys.get(id);
  if (known) {
    recentKeys.delete(id);
    recentKeys.set(id, known);
    return ok(known);
  }
  let key: KeyObject;
  try {
    key = importSpki(spki);
  } catch {
    return err(new DecodeError('dtls', 'invalid', 'certificate public key does not parse'));
  }
  recentKeys.set(id, key);
  if (recentKeys.size > RECENT_KEYS) recentKeys.delete(recentKeys.keys().next().value!);
  return ok(key);
}

/** The DER of a named-curve P-256 subjectPublicKeyInfo up to its uncompressed point (RFC 5480 2). */
const P256_SPKI_PREFIX = sequence(sequence(oid(OID.ecPublicKey), oid(OID.prime256v1)), bitString(new Uint8Array(65))).subarray(0, 26);

/**
 * A public KeyObject from a subjectPublicKeyInfo. A P-256 key with an uncompressed point
 * (what browsers and we generate) goes in as a JWK: OpenSSL 3's DER decoder costs 190-210 us
 * per key, the JWK import 105-140 us (both check the point is on the curve). Anything else
 * takes the DER path.
 */
function importSpki(spki: Uint8Array): KeyObject {
  if (spki.length === P256_SPKI_PREFIX.length + 65 && spki[P256_SPKI_PREFIX.length] === 4 && bytesEqual(spki.subarray(0, P256_SPKI_PREFIX.length), P256_SPKI_PREFIX)) {
    const at = P256_SPKI_PREFIX.length + 1;
    const b64 = (from: number): string => Buffer.from(spki.buffer, spki.byteOffset + from, 32).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(at), y: b64(at + 32) }, format: 'jwk' });
  }
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

/**
 * Peer keys decoded lately, by their subjectPublicKeyInfo bytes, least recently used
 * first. OpenSSL 3's decoder takes ~0.25 ms per key, as much as an ECDSA verify, and a
 * peer that makes many connections (a Node process with one certificate, a browser tab
 * opening several) presents the same key each time. KeyObjects are immutable.
 */
const RECENT_KEYS = 32;
const recentKeys = new Map<string, KeyObject>();

/** The subjectPublicKeyInfo TLV of a DER certificate, or undefined if the path to it does not decode. */
function subjectPublicKeyInfo(der: Uint8Array): Uint8Array | undefined {
  const cert = decodeTlv(der);
  if (!cert.ok || cert.value.tag !== Tag.sequence || cert.value.end !== der.length) return undefined;
  const tbs = decodeTlv(cert.value.content);
  if (!tbs.ok || tbs.value.tag !== Tag.sequence) return undefined;
  const body = tbs.value.content;
  let at = 0;
  // [0] version (optional), serialNumber, signature, issuer, validity, subject, then the key.
  const first = decodeTlv(body, at);
  if (!first.ok) return undefined;
  if (first.value.tag === 0xa0) at = first.value.end;
  for (let i = 0; i < 5; i++) {
    const field = decodeTlv(body, at);
    if (!field.ok) return undefined;
    at = field.value.end;
  }
  const spki = decodeTlv(body, at);
  if (!spki.ok || spki.value.tag !== Tag.sequence) return undefined;
  return spki.value.raw;
}

export interface CertificateOptions {
  /** Default: one day before now (clock skew between peers). */
  readonly notBefore?: Date;
  /** Default: 30 days after notBefore (browsers generate certificates of similar life). */
  readonly notAfter?: Date;
  /** Subject and issuer common name. Default: "sansrtc". */
  readonly commonName?: string;
}

const DAY_MS = 86_400_000;

/** A P-256 key pair from 32 injected random bytes (retrying the rare out-of-range scalar). */
function p256KeyPair(rng: Random): { privateKey: KeyObject; publicPoint: Uint8Array } {
  const ecdh = createECDH('prime256v1');
  for (;;) {
    const d = randomBytes(rng, 32);
    try {
      ecdh.setPrivateKey(d);
    } catch {
      continue; // zero or >= the group order
    }
    const pub = ecdh.getPublicKey();
    const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
    // JWK wants all 32 bytes of d; getPrivateKey() would drop leading zero bytes.
    const privateKey = createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: b64(d), x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33, 65)) },
      format: 'jwk',
    });
    return { privateKey, publicPoint: pub };
  }
}

/**
 * Generates a self-signed ECDSA P-256 certificate (RFC 5280 4.1, RFC 5480 for the key and
 * its named-curve OID). The key and serial come from `rng`; the ECDSA signature uses
 * OpenSSL's own nonce, so with a seeded rng the key and fingerprint-relevant fields are
 * reproducible but the signature bytes (and so the fingerprint) are not.
 */
export function generateCertificate(rng: Random = cryptoRandom, options: CertificateOptions = {}): DtlsCertificate {
  const { privateKey, publicPoint } = p256KeyPair(rng);
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 30 * DAY_MS);
  const serial = randomBytes(rng, 16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and 16 bytes long (RFC 5280 4.1.2.2)
  const name = sequence(set(sequence(oid(OID.commonName), utf8String(options.commonName ?? 'sansrtc'))));
  const algorithm = sequence(oid(OID.ecdsaWithSha256)); // no parameters (RFC 5758 3.2)
  const spki = sequence(sequence(oid(OID.ecPublicKey), oid(OID.prime256v1)), bitString(publicPoint));
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, algorithm, bitString(signature));
  // X509Certificate's validTo has second precision, as the encoded time does.
  return certificateOf(der, privateKey, new Date(Math.floor(notAfter.getTime() / 1000) * 1000));
}
