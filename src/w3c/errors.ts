/**
 * The exceptions the W3C WebRTC API throws, with the names browsers use, so that code that
 * checks `err.name === 'InvalidStateError'` works on sansrtc unchanged.
 */

export type RTCErrorDetailType =
  | 'data-channel-failure'
  | 'dtls-failure'
  | 'fingerprint-failure'
  | 'sctp-failure'
  | 'sdp-syntax-error'
  | 'hardware-encoder-not-available'
  | 'hardware-encoder-error';

export interface RTCErrorInit {
  errorDetail: RTCErrorDetailType;
  sdpLineNumber?: number;
  sctpCauseCode?: number;
  receivedAlert?: number;
  sentAlert?: number;
  httpRequestStatusCode?: number;
}

/** W3C WebRTC 1.0 section 11.1: an OperationError with WebRTC detail. */
export class RTCError extends DOMException {
  readonly errorDetail: RTCErrorDetailType;
  readonly sdpLineNumber: number | null;
  readonly sctpCauseCode: number | null;
  readonly receivedAlert: number | null;
  readonly sentAlert: number | null;
  readonly httpRequestStatusCode: number | null;

  constructor(init: RTCErrorInit, message = '') {
    super(message, 'OperationError');
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
    this.sctpCauseCode = init.sctpCauseCode ?? null;
    this.receivedAlert = init.receivedAlert ?? null;
    this.sentAlert = init.sentAlert ?? null;
    this.httpRequestStatusCode = init.httpRequestStatusCode ?? null;
  }
}

export function invalidStateError(message: string): DOMException {
  return new DOMException(message, 'InvalidStateError');
}

export function invalidAccessError(message: string): DOMException {
  return new DOMException(message, 'InvalidAccessError');
}

export function operationError(message: string): DOMException {
  return new DOMException(message, 'OperationError');
}

export function syntaxError(message: string): DOMException {
  return new DOMException(message, 'SyntaxError');
}

export function invalidModificationError(message: string): DOMException {
  return new DOMException(message, 'InvalidModificationError');
}
