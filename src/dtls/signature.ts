/**
 * Signing and verifying handshake signatures (RFC 5246 4.7 and 7.4.1.4.1, RFC 8422 5.10).
 * Our own key is ECDSA; peers' keys may be ECDSA or RSA (PKCS#1 v1.5 or PSS).
 */
import { constants, sign, verify, type KeyObject } from 'node:crypto';
import type { HashName } from './prf.js';
import { SignatureScheme } from './protocol.js';

interface SchemeInfo {
  readonly hash: HashName;
  readonly kind: 'ecdsa' | 'rsa' | 'rsa-pss';
}

const SCHEMES: ReadonlyMap<number, SchemeInfo> = new Map([
  [SignatureScheme.ecdsaSha256, { hash: 'sha256', kind: 'ecdsa' }],
  [SignatureScheme.ecdsaSha384, { hash: 'sha384', kind: 'ecdsa' }],
  [SignatureScheme.ecdsaSha512, { hash: 'sha512', kind: 'ecdsa' }],
  [SignatureScheme.ecdsaSha1, { hash: 'sha1', kind: 'ecdsa' }],
  [SignatureScheme.rsaPkcs1Sha256, { hash: 'sha256', kind: 'rsa' }],
  [SignatureScheme.rsaPkcs1Sha384, { hash: 'sha384', kind: 'rsa' }],
  [SignatureScheme.rsaPssRsaeSha256, { hash: 'sha256', kind: 'rsa-pss' }],
]);

/** What we accept from peers, in preference order (sent in signature_algorithms). */
export const VERIFY_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsaSha256,
  SignatureScheme.ecdsaSha384,
  SignatureScheme.ecdsaSha512,
  SignatureScheme.rsaPssRsaeSha256,
  SignatureScheme.rsaPkcs1Sha256,
  SignatureScheme.rsaPkcs1Sha384,
];

/** ECDSA schemes we can sign with, in preference order. */
const SIGN_SCHEMES: readonly number[] = [SignatureScheme.ecdsaSha256, SignatureScheme.ecdsaSha384, SignatureScheme.ecdsaSha512];

/**
 * Picks the scheme to sign with from the peer's list. An absent list means the peer takes
 * {sha1, ecdsa} (RFC 5246 7.4.1.4.1). Undefined if nothing fits.
 */
export function chooseSignScheme(peerSchemes: readonly number[] | undefined): number | undefined {
  if (peerSchemes === undefined) return SignatureScheme.ecdsaSha1;
  return SIGN_SCHEMES.find((s) => peerSchemes.includes(s));
}

export function signWith(key: KeyObject, scheme: number, data: Uint8Array): Uint8Array {
  const info = SCHEMES.get(scheme)!;
  return sign(info.hash, data, { key, dsaEncoding: 'der' });
}

/** Whether `signature` over `data` verifies with `key` under `scheme`. Never throws. */
export function verifyWith(key: KeyObject, scheme: number, data: Uint8Array, signature: Uint8Array): boolean {
  const info = SCHEMES.get(scheme);
  if (!info) return false;
  const keyType = key.asymmetricKeyType;
  try {
    if (info.kind === 'ecdsa') return keyType === 'ec' && verify(info.hash, data, { key, dsaEncoding: 'der' }, signature);
    if (keyType !== 'rsa') return false;
    if (info.kind === 'rsa') return verify(info.hash, data, key, signature);
    return verify(
      info.hash,
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      signature,
    );
  } catch {
    return false;
  }
}
