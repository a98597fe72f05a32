import { DecodeError, SansRtcError } from '../core/index.js';
import type { DecodeReason } from '../core/index.js';
import { StunErrorCode } from '../stun/index.js';

/** The layer name carried by every TURN `DecodeError`. */
export const TURN_LAYER = 'turn';

export function turnDecodeError(reason: DecodeReason, message: string): DecodeError {
  return new DecodeError(TURN_LAYER, reason, message);
}

/**
 * Why a TURN operation failed. `code` on the error is `turn-<kind>`; `stunCode` is the
 * server's error code when the failure came in an error response.
 */
export type TurnFailure =
  | 'auth-failed' // 401 after we sent credentials, or 441 Wrong Credentials (RFC 8656 7.3)
  | 'allocation-mismatch' // 437: the 5-tuple is already (or no longer) allocated
  | 'quota-reached' // 486 Allocation Quota Reached
  | 'insufficient-capacity' // 508 Insufficient Capacity
  | 'forbidden' // 403 Forbidden (server policy, e.g. a peer it refuses to relay to)
  | 'stale-nonce' // 438 kept coming back after our retries
  | 'rejected' // any other error response
  | 'timeout' // no response after all retransmissions (RFC 8489 6.2.1)
  | 'bad-response' // a success response missing what the method requires
  | 'allocation-lost'; // the allocation expired or a refresh failed

export class TurnError extends SansRtcError {
  readonly failure: TurnFailure;
  readonly stunCode: number | undefined;
  constructor(failure: TurnFailure, message: string, stunCode?: number) {
    super(`turn-${failure}`, message);
    this.name = 'TurnError';
    this.failure = failure;
    this.stunCode = stunCode;
  }
}

/** Maps an error response code to a failure kind (RFC 8656 7.3, 18). */
export function failureOf(code: number): TurnFailure {
  switch (code) {
    case StunErrorCode.Unauthenticated:
    case StunErrorCode.WrongCredentials:
      return 'auth-failed';
    case StunErrorCode.AllocationMismatch:
      return 'allocation-mismatch';
    case StunErrorCode.AllocationQuotaReached:
      return 'quota-reached';
    case StunErrorCode.InsufficientCapacity:
      return 'insufficient-capacity';
    case StunErrorCode.Forbidden:
      return 'forbidden';
    case StunErrorCode.StaleNonce:
      return 'stale-nonce';
    default:
      return 'rejected';
  }
}
