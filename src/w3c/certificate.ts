/** RTCCertificate (W3C WebRTC 1.0 section 4.9): an ECDSA P-256 key and self-signed certificate. */

import { fingerprintHex, generateCertificate } from '../dtls/index.js';
import type { DtlsCertificate, FingerprintAlgorithm } from '../dtls/index.js';

export interface RTCDtlsFingerprint {
  algorithm: string;
  value: string;
}

const DAY_MS = 86_400_000;

export class RTCCertificate {
  /** Expiry as milliseconds since the epoch. */
  readonly expires: number;
  /** @internal the DTLS key and certificate. */
  readonly dtls: DtlsCertificate;

  /** @internal use RTCPeerConnection.generateCertificate. */
  constructor(dtls: DtlsCertificate, expires: number) {
    this.dtls = dtls;
    this.expires = expires;
  }

  getFingerprints(): RTCDtlsFingerprint[] {
    const algorithm: FingerprintAlgorithm = 'sha-256';
    const f = this.dtls.fingerprint(algorithm);
    return [{ algorithm: f.algorithm, value: fingerprintHex(f).toLowerCase() }];
  }
}

export type AlgorithmIdentifier = string | { name: string; namedCurve?: string; expires?: number };

/** W3C 4.9.1 generateCertificate: ECDSA P-256 only (what every browser accepts). */
export function createCertificate(keygenAlgorithm: AlgorithmIdentifier): RTCCertificate {
  const alg = typeof keygenAlgorithm === 'string' ? { name: keygenAlgorithm } : keygenAlgorithm;
  if (alg.name.toUpperCase() !== 'ECDSA' || (alg.namedCurve !== undefined && alg.namedCurve !== 'P-256')) {
    throw new DOMException(`unsupported certificate algorithm ${JSON.stringify(keygenAlgorithm)}`, 'NotSupportedError');
  }
  const lifetime = alg.expires ?? 30 * DAY_MS;
  const notBefore = new Date(Date.now() - DAY_MS);
  const notAfter = new Date(Date.now() + lifetime);
  return new RTCCertificate(generateCertificate(undefined, { notBefore, notAfter }), notAfter.getTime());
}
