/**
 * The cipher suites this endpoint negotiates: ECDHE key exchange, ECDSA authentication and
 * an AEAD record cipher (RFC 5289, RFC 7905, RFC 8422).
 */

export type SuiteName =
  | 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'
  | 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'
  | 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256';

export interface CipherSuite {
  readonly id: number;
  readonly name: SuiteName;
  /** OpenSSL cipher name for crypto.createCipheriv. */
  readonly cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  readonly keyLength: number;
  /** Implicit part of the nonce from the key block: 4-byte salt (GCM) or 12-byte IV (ChaCha). */
  readonly fixedIvLength: number;
  /** Bytes of nonce carried in each record: 8 for GCM (RFC 5288 3), 0 for ChaCha (RFC 7905 2). */
  readonly explicitNonceLength: number;
  /** PRF and Finished hash (RFC 5289 3.2, RFC 7905 2). */
  readonly prfHash: 'sha256' | 'sha384';
}

export const TAG_LENGTH = 16;

export const SUITES: readonly CipherSuite[] = [
  {
    id: 0xc02b,
    name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    cipher: 'aes-128-gcm',
    keyLength: 16,
    fixedIvLength: 4,
    explicitNonceLength: 8,
    prfHash: 'sha256',
  },
  {
    id: 0xc02c,
    name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    cipher: 'aes-256-gcm',
    keyLength: 32,
    fixedIvLength: 4,
    explicitNonceLength: 8,
    prfHash: 'sha384',
  },
  {
    id: 0xcca9,
    name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    cipher: 'chacha20-poly1305',
    keyLength: 32,
    fixedIvLength: 12,
    explicitNonceLength: 0,
    prfHash: 'sha256',
  },
];

/**
 * Our default preference order; a server picks the first of these the client offers.
 * ChaCha20-Poly1305 first: RecordProtection runs it in WebAssembly at ~3 us per 1200-byte
 * seal or open against ~14-16 us for AES-128-GCM through node:crypto (bench/dtls-record.ts,
 * part H). Chromium (BoringSSL) and libdatachannel (OpenSSL) offer it in their ClientHellos.
 */
export const DEFAULT_SUITES: readonly SuiteName[] = [
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
];

export function suiteById(id: number): CipherSuite | undefined {
  return SUITES.find((s) => s.id === id);
}

export function suiteByName(name: SuiteName): CipherSuite | undefined {
  return SUITES.find((s) => s.name === name);
}
