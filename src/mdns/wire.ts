/**
 * What the querier and the responder share on the receive path: the group addresses and
 * the checks every received message passes before either looks inside.
 */

import {
  type AddressFamily,
  type Counters,
  type Datagram,
  type Logger,
  type TransportAddress,
  transportAddress,
} from '../core/index.js';
import { MDNS_IPV4_GROUP, MDNS_IPV6_GROUP, MDNS_PORT, OPCODE_MASK } from './constants.js';
import { type DnsMessage, decodeDnsMessage } from './message.js';

const IPV4_GROUP = transportAddress(MDNS_IPV4_GROUP, MDNS_PORT);
const IPV6_GROUP = transportAddress(MDNS_IPV6_GROUP, MDNS_PORT);

/** RFC 6762 3: the mDNS group and port for `family`. */
export function groupAddress(family: AddressFamily): TransportAddress {
  return family === 'IPv6' ? IPV6_GROUP : IPV4_GROUP;
}

/** RFC 1035 4.1.1: RCODE is the low four bits of the flags. */
const RCODE_MASK = 0x000f;

/**
 * Decodes `d` and applies RFC 6762 18.3 and 18.11: messages with a non-zero OPCODE or
 * RCODE are silently ignored. Returns undefined (after counting) for anything unusable.
 */
export function acceptableMessage<K extends string>(
  d: Datagram,
  counters: Counters<K | 'malformed' | 'ignored'>,
  log: Logger,
): DnsMessage | undefined {
  const decoded = decodeDnsMessage(d.data);
  if (!decoded.ok) {
    counters.inc('malformed');
    log.debug(`dropped malformed message: ${decoded.error.message}`);
    return undefined;
  }
  const msg = decoded.value;
  if ((msg.flags & (OPCODE_MASK | RCODE_MASK)) !== 0) {
    counters.inc('ignored');
    return undefined;
  }
  return msg;
}
