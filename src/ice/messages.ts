/**
 * The STUN messages an ICE agent sends (RFC 8445 7.2.2, 7.3.1, 11; RFC 7675 5.1). Every
 * message carries FINGERPRINT (RFC 8445 7.2.2 and 7.3); checks and their success
 * responses carry MESSAGE-INTEGRITY with the short-term key of the right password.
 */

import type { TransportAddress } from '../core/index.js';
import { StunClass, StunMethod, encodeStun, stunError } from '../stun/index.js';
import type { StunAttributes, StunErrorCode } from '../stun/index.js';

export interface CheckParams {
  transactionId: Uint8Array;
  /** RFC 8445 7.2.2: "remote-ufrag:local-ufrag". */
  username: string;
  /** RFC 8445 7.1.1: priority of a peer-reflexive candidate from this base. */
  priority: number;
  controlling: boolean;
  tieBreaker: bigint;
  useCandidate: boolean;
  /** Short-term key of the remote password (RFC 8445 7.2.2). */
  key: Uint8Array;
}

/** RFC 8445 7.1: a connectivity check (also a consent check, RFC 7675 5.1). */
export function encodeCheck(p: CheckParams): Uint8Array {
  const attrs: StunAttributes = { username: p.username, priority: p.priority };
  if (p.controlling) attrs.iceControlling = p.tieBreaker;
  else attrs.iceControlled = p.tieBreaker;
  if (p.useCandidate) attrs.useCandidate = true;
  return encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Request, transactionId: p.transactionId, attrs },
    { integrityKey: p.key, fingerprint: true },
  );
}

/** RFC 8445 7.3.1.2: success with XOR-MAPPED-ADDRESS, signed with our own password's key. */
export function encodeCheckSuccess(transactionId: Uint8Array, mapped: TransportAddress, key: Uint8Array): Uint8Array {
  return encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Success, transactionId, attrs: { xorMappedAddress: mapped } },
    { integrityKey: key, fingerprint: true },
  );
}

/**
 * An error response. 487 is signed (the peer must trust it to switch roles, RFC 8445
 * 7.3.1.1); 400, 401 and 420 cannot be, as the request failed authentication or parsing
 * (RFC 8489 9.1.3). A 420 lists the attributes not understood (RFC 8489 6.3.1.1).
 */
export function encodeCheckError(
  transactionId: Uint8Array,
  code: StunErrorCode,
  key?: Uint8Array,
  unknownAttributes?: number[],
): Uint8Array {
  const attrs: StunAttributes = { errorCode: stunError(code) };
  if (unknownAttributes) attrs.unknownAttributes = unknownAttributes;
  return encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Error, transactionId, attrs },
    key ? { integrityKey: key, fingerprint: true } : { fingerprint: true },
  );
}

/** RFC 8445 11: a keepalive is a Binding Indication, unauthenticated, with FINGERPRINT. */
export function encodeKeepalive(transactionId: Uint8Array): Uint8Array {
  return encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Indication, transactionId, attrs: {} },
    { fingerprint: true },
  );
}

/** RFC 8445 5.1.1.2: a plain Binding request to a STUN server, for server-reflexive gathering. */
export function encodeBindingRequest(transactionId: Uint8Array): Uint8Array {
  return encodeStun(
    { method: StunMethod.Binding, cls: StunClass.Request, transactionId, attrs: {} },
    { fingerprint: true },
  );
}
