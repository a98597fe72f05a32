/**
 * Multicast DNS constants (RFC 6762) and the bounds this implementation enforces.
 */

/** RFC 6762 3: the mDNS UDP port. */
export const MDNS_PORT = 5353;
/** RFC 6762 3: the IPv4 link-local multicast group. */
export const MDNS_IPV4_GROUP = '224.0.0.251';
/** RFC 6762 3: the IPv6 link-local multicast group. */
export const MDNS_IPV6_GROUP = 'ff02::fb';

/** RFC 1035 3.2.2: resource record types we understand. */
export const TYPE_A = 1;
export const TYPE_AAAA = 28;
/** RFC 1035 3.2.3: QTYPE `*`, which an A or AAAA owner answers too. */
export const TYPE_ANY = 255;
/** RFC 1035 3.2.4: the Internet class. */
export const CLASS_IN = 1;
/** RFC 6762 5.4: top bit of QCLASS asks for a unicast response (QU). */
export const QCLASS_UNICAST_RESPONSE = 0x8000;
/** RFC 6762 10.2: top bit of a record's CLASS is the cache-flush bit. */
export const RRCLASS_CACHE_FLUSH = 0x8000;

/** RFC 1035 4.1.1: QR bit (response) and AA bit (authoritative answer). */
export const FLAG_RESPONSE = 0x8000;
export const FLAG_AUTHORITATIVE = 0x0400;
/** RFC 1035 4.1.1: OPCODE field mask (mDNS only uses 0, standard query; RFC 6762 18.3). */
export const OPCODE_MASK = 0x7800;

/** RFC 6762 17: a Multicast DNS message may be up to 9000 bytes (jumbo-frame sized). */
export const MAX_MESSAGE_BYTES = 9000;
/**
 * Most questions plus records accepted in one message. The smallest record with a
 * compressed name is 12 bytes, so 9000 bytes could hold ~750; real mDNS answers for a host
 * carry a handful, and capping the count bounds the work one packet can cause.
 */
export const MAX_MESSAGE_ENTRIES = 256;
/** RFC 1035 2.3.4: at most 255 octets in a name, 63 in a label. */
export const MAX_NAME_BYTES = 255;
export const MAX_LABEL_BYTES = 63;
/**
 * RFC 1035 4.1.4 compression pointers. We only follow pointers to earlier offsets, which
 * alone rules out loops; a name of at most 255 octets cannot need more than 127 jumps.
 */
export const MAX_POINTER_JUMPS = 127;

/** RFC 6762 10: records that carry a host name get a TTL of 120 seconds. */
export const HOST_RECORD_TTL_SECONDS = 120;

/** Default time a one-shot resolve waits before failing (ms); browsers' names answer fast. */
export const DEFAULT_RESOLVE_TIMEOUT_MS = 3000;
/**
 * RFC 6762 5.1: a one-shot querier may retransmit. We resend after 250 ms and double the
 * wait each time (250, 500, 1000 ...), so a 3 s resolve sends 4 queries, well under the
 * once-per-second steady rate RFC 6762 5.2 asks of continuous queriers.
 */
export const FIRST_RETRANSMIT_MS = 250;
/** Most queries sent for one resolve, the first included. */
export const MAX_QUERIES_PER_RESOLVE = 4;
/** Most names being resolved at once; more are refused with `too-many-pending`. */
export const MAX_PENDING_RESOLVES = 64;
/** Most answers kept in the querier's cache; the soonest-expiring is evicted first. */
export const MAX_CACHE_ENTRIES = 256;
/** Cap on a cached answer's life (ms), whatever TTL the responder sent. */
export const MAX_CACHE_TTL_MS = 120_000;
/** Most names one responder owns (it is a small engine for tests and local use). */
export const MAX_RESPONDER_NAMES = 64;
/** Most transmits queued in an engine before further ones are dropped and counted. */
export const MAX_QUEUED_OUTPUTS = 256;
