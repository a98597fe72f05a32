/**
 * Multicast DNS (RFC 6762) for ICE: a DNS message codec, a one-shot querier that resolves
 * the `.local` names browsers use for host candidates, and a small responder.
 */
export * from './constants.js';
export {
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
  addressRecord,
  decodeDnsMessage,
  encodeDnsMessage,
  recordAddress,
} from './message.js';
export { isValidDnsName, normalizeName } from './name.js';
export * from './querier.js';
export * from './responder.js';
export { groupAddress } from './wire.js';
