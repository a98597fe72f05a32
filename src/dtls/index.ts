export { DtlsEndpoint, type DtlsOptions, type DtlsRole } from './endpoint.js';
export {
  DtlsError,
  type DtlsConnected,
  type DtlsCounter,
  type DtlsErrorCode,
  type DtlsEvent,
  type DtlsInput,
  type DtlsOutput,
} from './events.js';
export {
  certificateFingerprint,
  certificatePublicKey,
  fingerprintHex,
  generateCertificate,
  loadCertificate,
  matchesFingerprint,
  type CertificateOptions,
  type DtlsCertificate,
  type Fingerprint,
  type FingerprintAlgorithm,
  type RemoteFingerprint,
} from './certificate.js';
export { NamedGroup, type NamedGroupId } from './protocol.js';
export { DEFAULT_SUITES, SUITES, type CipherSuite, type SuiteName } from './suites.js';
