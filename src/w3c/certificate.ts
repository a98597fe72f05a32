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

/**
 * Generated certificates must stay valid this long past their use by a new connection:
 * a default certificate closer than this to its expiry is replaced.
 */
const DEFAULT_CERTIFICATE_MARGIN_MS = DAY_MS;

let processCertificate: RTCCertificate | undefined;

/**
 * The certificate of every RTCPeerConnection made without `certificates`: one per process,
 * made on first use and replaced once it comes within a day of expiry (30-day lifetime).
 *
 * W3C 4.4.1.3 has the constructor generate new certificates for each connection. Like
 * libdatachannel (one certificate per process), we reuse one: generating a P-256 key and
 * signing a certificate costs ~1 ms of CPU and ~16 KiB of native memory per connection,
 * which dominated opening many connections at once. What per-connection certificates buy a
 * browser is unlinkability across sites (RFC 8826 4.3.2.3: the fingerprint identifies the
 * device); a Node process that wants it passes
 * `certificates: [await RTCPeerConnection.generateCertificate(...)]` per connection.
 */
export function defaultCertificate(now = Date.now()): RTCCertificate {
  if (!processCertificate || processCertificate.expires - DEFAULT_CERTIFICATE_MARGIN_MS <= now) {
    processCertificate = createCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
  }
  return processCertificate;
}
