/**
 * ERROR-CODE values that STUN, ICE and TURN use (RFC 8489 14.8, RFC 8445 7.3.1.1,
 * RFC 8656 18), with their registered reason phrases.
 */

export const StunErrorCode = {
  /** RFC 8489 14.8: use ALTERNATE-SERVER. */
  TryAlternate: 300,
  /** RFC 8489 14.8: malformed request. */
  BadRequest: 400,
  /** RFC 8489 14.8: missing or wrong credentials. */
  Unauthenticated: 401,
  /** RFC 8656 18: the request was valid but cannot be performed (TURN). */
  Forbidden: 403,
  /** RFC 8489 14.8: a comprehension-required attribute was not understood. */
  UnknownAttribute: 420,
  /** RFC 8656 18: the request does not fit the allocation state. */
  AllocationMismatch: 437,
  /** RFC 8489 14.8: the NONCE is no longer valid. */
  StaleNonce: 438,
  /** RFC 8656 18: the server does not support the address family. */
  AddressFamilyNotSupported: 440,
  /** RFC 8656 18: credentials differ from those of the allocation. */
  WrongCredentials: 441,
  /** RFC 8656 18: the REQUESTED-TRANSPORT is not supported. */
  UnsupportedTransportProtocol: 442,
  /** RFC 8656 18: the peer address family differs from the relayed one. */
  PeerAddressFamilyMismatch: 443,
  /** RFC 8656 18: no more allocations for this user. */
  AllocationQuotaReached: 486,
  /** RFC 8445 7.3.1.1: both agents claim the same ICE role. */
  RoleConflict: 487,
  /** RFC 8489 14.8: temporary server error; try again. */
  ServerError: 500,
  /** RFC 8656 18: the server is out of capacity. */
  InsufficientCapacity: 508,
} as const;
export type StunErrorCode = (typeof StunErrorCode)[keyof typeof StunErrorCode];

/** IANA reason phrases (RFC 8489 18.3.2 and RFC 8656 17). */
export const stunErrorReason: Readonly<Record<StunErrorCode, string>> = {
  300: 'Try Alternate',
  400: 'Bad Request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  420: 'Unknown Attribute',
  437: 'Allocation Mismatch',
  438: 'Stale Nonce',
  440: 'Address Family not Supported',
  441: 'Wrong Credentials',
  442: 'Unsupported Transport Protocol',
  443: 'Peer Address Family Mismatch',
  486: 'Allocation Quota Reached',
  487: 'Role Conflict',
  500: 'Server Error',
  508: 'Insufficient Capacity',
};

/** The ERROR-CODE attribute value for `code` with its registered reason phrase. */
export function stunError(code: StunErrorCode): { code: number; reason: string } {
  return { code, reason: stunErrorReason[code] };
}

/** Whether `code` is one of the codes above (for switching on a received ERROR-CODE). */
export function isKnownErrorCode(code: number): code is StunErrorCode {
  return Object.prototype.hasOwnProperty.call(stunErrorReason, code);
}
