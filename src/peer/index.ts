/** The sans-IO PeerConnection engine: ICE, DTLS, SCTP and data channels driven by JSEP. */
export { PeerConnection } from './connection.js';
export { PeerError, type PeerErrorDetail, type PeerErrorName } from './errors.js';
export { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MTU } from './constants.js';
export type * from './types.js';
