/**
 * STUN (RFC 8489): the message codec with every attribute ICE and TURN use, short- and
 * long-term credentials, MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT, the error-code table,
 * and `StunTransactions`, the sans-IO client transaction engine (RFC 8489 6.2.1).
 */
export * from './constants.js';
export * from './types.js';
export { decodeStun } from './decode.js';
export { encodeStun, type EncodeOptions } from './encode.js';
export { isStunMessage, newTransactionId, transactionKey, messageType, methodOf, classOf } from './header.js';
export { verifyIntegrity, shortTermKey, longTermKey, userhash, opaqueString } from './integrity.js';
export * from './error-codes.js';
export * from './transactions.js';
export { parseIp, formatIpv4, formatIpv6 } from '../core/ip.js';
