/**
 * Inputs, outputs and errors of the DTLS endpoint.
 */
import { SansRtcError, type Datagram, type Transmit } from '../core/index.js';
import type { RemoteFingerprint } from './certificate.js';
import type { SuiteName } from './suites.js';

export type DtlsErrorCode =
  /** The peer's certificate does not match the SDP fingerprint (RFC 8122 5). */
  | 'dtls-fingerprint-mismatch'
  /** A flight went unanswered MAX_FLIGHT_TRANSMISSIONS times (RFC 6347 4.2.4). */
  | 'dtls-handshake-timeout'
  /** Nothing in common, a bad signature or Finished, a missing certificate. */
  | 'dtls-handshake-failure'
  /** The peer sent a fatal alert (see `alert`). */
  | 'dtls-alert'
  /** `send` before the connection is up or after it closed. */
  | 'dtls-not-connected'
  /** `send` of more than 2^14 bytes (RFC 5246 6.2.1). */
  | 'dtls-too-large';

export class DtlsError extends SansRtcError {
  declare readonly code: DtlsErrorCode;
  /** The alert description received or sent, when an alert is involved (RFC 5246 7.2). */
  readonly alert: number | undefined;
  constructor(code: DtlsErrorCode, message: string, alert?: number) {
    super(code, message);
    this.name = 'DtlsError';
    this.alert = alert;
  }
}

export type DtlsInput =
  | Datagram
  /** Client: start the handshake. Ignored by servers. */
  | { readonly type: 'connect' }
  /** Application data (one record; at most 2^14 bytes). */
  | { readonly type: 'send'; readonly data: Uint8Array }
  /**
   * A round-trip time measured below (ICE, ms): the first retransmission timeout becomes
   * RTT_RTO_FACTOR times it, within MIN/MAX_INITIAL_RETRANSMIT_MS (constants.ts).
   */
  | { readonly type: 'set-round-trip-time'; readonly rtt: number }
  /** The peer's SDP fingerprints; may arrive before, during or after the handshake. */
  | { readonly type: 'set-remote-fingerprints'; readonly fingerprints: readonly RemoteFingerprint[] }
  /** Send close_notify and stop (RFC 5246 7.2.1). */
  | { readonly type: 'close' };

export interface DtlsConnected {
  readonly type: 'connected';
  readonly suite: SuiteName;
  readonly group: 'x25519' | 'secp256r1';
  readonly extendedMasterSecret: boolean;
  /** The peer's certificate (DER), already matched against its fingerprint. */
  readonly remoteCertificate: Uint8Array;
}

export type DtlsEvent =
  | DtlsConnected
  /** Application data from the peer; `data` is a fresh buffer the caller may keep. */
  | { readonly type: 'data'; readonly data: Uint8Array }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly error: DtlsError };

export type DtlsOutput = Transmit | DtlsEvent;

/** Counter names the endpoint increments. */
export type DtlsCounter =
  | 'record-malformed'
  | 'record-unknown-epoch'
  | 'record-replayed'
  | 'record-auth-failed'
  | 'record-unexpected'
  | 'handshake-malformed'
  | 'handshake-unexpected'
  | 'handshake-old'
  | 'handshake-future'
  | 'flight-retransmitted'
  | 'timer-late-deferred'
  | 'hello-verify-received'
  | 'hello-verify-sent'
  | 'alert-received'
  | 'alert-sent'
  | 'data-refused'
  | 'data-dropped-unverified';
