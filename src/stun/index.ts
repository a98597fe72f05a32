export * from './constants.js';
export * from './types.js';
export { decodeStun } from './decode.js';
export { encodeStun, type EncodeOptions } from './encode.js';
export { isStunMessage, newTransactionId, transactionKey, messageType, methodOf, classOf } from './header.js';
export { verifyIntegrity, shortTermKey, longTermKey, userhash, opaqueString } from './integrity.js';
export * from './error-codes.js';
export * from './transactions.js';
export { parseIp, formatIpv4, formatIpv6 } from './ip.js';
