/**
 * The STUN header (RFC 8489 5): message type bits, the magic-cookie check used to
 * demultiplex STUN from DTLS and media (RFC 7983), and transaction ids.
 */

import { toHex, type Random } from '../core/index.js';
import { HEADER_SIZE, MAGIC_COOKIE, TRANSACTION_ID_SIZE } from './constants.js';
import type { StunClass } from './types.js';

/** RFC 8489 5: interleaves the 12 method bits with the class bits C1 (bit 8) and C0 (bit 4). */
export function messageType(method: number, cls: StunClass): number {
  return (
    ((method & 0xf80) << 2) |
    ((method & 0x070) << 1) |
    (method & 0x00f) |
    ((cls & 2) << 7) |
    ((cls & 1) << 4)
  );
}

export function methodOf(type: number): number {
  return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
}

export function classOf(type: number): StunClass {
  return (((type >> 7) & 2) | ((type >> 4) & 1)) as StunClass;
}

/**
 * A cheap test that `data` is one whole STUN message: the top two bits are zero, the magic
 * cookie is in place, and the length field is a multiple of 4 that matches the datagram
 * (RFC 8489 5, 6.3). It does not look at attributes or FINGERPRINT.
 */
export function isStunMessage(data: Uint8Array): boolean {
  if (data.length < HEADER_SIZE || (data[0]! & 0xc0) !== 0) return false;
  const length = (data[2]! << 8) | data[3]!;
  return (
    (length & 3) === 0 &&
    length + HEADER_SIZE === data.length &&
    data[4] === MAGIC_COOKIE >>> 24 &&
    data[5] === ((MAGIC_COOKIE >>> 16) & 0xff) &&
    data[6] === ((MAGIC_COOKIE >>> 8) & 0xff) &&
    data[7] === (MAGIC_COOKIE & 0xff)
  );
}

/** RFC 8489 5: a transaction id is 96 bits, uniformly and securely random. */
export function newTransactionId(rng: Random): Uint8Array {
  return rng.fill(new Uint8Array(TRANSACTION_ID_SIZE));
}

/** The transaction id as 24 lower-case hex digits: the `id` of a client transaction. */
export function transactionKey(transactionId: Uint8Array): string {
  return toHex(transactionId);
}
