/**
 * The errors the PeerConnection engine returns. `name` is the W3C exception name a facade
 * throws (WebIDL DOMException names, or 'TypeError'); `errorDetail` is the W3C
 * RTCErrorDetailType for errors that the W3C API reports as an RTCError (W3C WebRTC 11.1).
 */
import { SansRtcError } from '../core/index.js';

export type PeerErrorName =
  | 'InvalidStateError'
  | 'InvalidAccessError'
  | 'OperationError'
  | 'TypeError'
  | 'SyntaxError'
  | 'InvalidModificationError';

export type PeerErrorDetail = 'dtls-failure' | 'fingerprint-failure' | 'sctp-failure' | 'sdp-syntax-error' | 'data-channel-failure';

export class PeerError extends SansRtcError {
  declare readonly name: PeerErrorName;
  readonly errorDetail: PeerErrorDetail | undefined;

  constructor(name: PeerErrorName, message: string, errorDetail?: PeerErrorDetail) {
    super(errorDetail ?? name, message);
    this.name = name;
    this.errorDetail = errorDetail;
  }
}

export function invalidState(message: string): PeerError {
  return new PeerError('InvalidStateError', message);
}
