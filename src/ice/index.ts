/** ICE (RFC 8445) with consent freshness (RFC 7675) and trickle (RFC 8838). */
export { IceAgent, type IceCounter } from './agent.js';
export { StunServer, type StunServerCounter } from './stun-server.js';
export { candidatePriority, pairPriority, foundation, localPreference } from './priority.js';
export { isIpLiteral } from '../core/ip.js';
export * from './constants.js';
export type * from './types.js';
