/**
 * Constants of the network simulator, each with the reason for its value.
 */

import type { Millis } from '../core/time.js';

/** IPv4 (20-byte header, RFC 791) plus UDP (8 bytes, RFC 768) overhead counted against a link's MTU and bandwidth. */
export const IPV4_UDP_OVERHEAD = 28;
/** IPv6 (40-byte fixed header, RFC 8200 §3) plus UDP overhead. */
export const IPV6_UDP_OVERHEAD = 48;

/** Default link MTU: Ethernet's 1500 bytes (RFC 894), the common Internet path MTU. */
export const DEFAULT_MTU = 1500;
/**
 * Default drop-tail queue of a bandwidth-capped link: 64 KiB, about one bandwidth-delay
 * product of a 5 Mbit/s link with 100 ms RTT, a typical home-router buffer.
 */
export const DEFAULT_QUEUE_BYTES = 65_536;
/**
 * Extra delay of a packet the link chooses to reorder: long enough to let the next few
 * packets of a burst overtake it, short enough not to look like loss to a retransmit timer
 * (RFC 6298 §2 min RTO is 1 s; SCTP RTO.Min in RFC 9260 §16 is 1 s).
 */
export const DEFAULT_REORDER_DELAY: Millis = 20;

/**
 * Hops a packet may take before the simulator drops it (`ttl-exceeded`): the common IP
 * initial TTL of 64 (RFC 1700 recommended default). Shortest-path routing cannot loop, so
 * this only guards against a hairpinning NAT chain misconfigured into a cycle.
 */
export const MAX_HOPS = 64;

/**
 * NAT mapping lifetime when none is given: 300 s, RFC 4787 REQ-5 (MUST NOT expire in less
 * than two minutes; 5 minutes or more RECOMMENDED).
 */
export const DEFAULT_NAT_MAPPING_TIMEOUT: Millis = 300_000;
/**
 * Lowest external port a NAT assigns: RFC 4787 REQ-4 has NATs avoid well-known ports; we
 * use the 1024-65535 range (RFC 6335 §6 user + dynamic ports).
 */
export const NAT_PORT_MIN = 1024;
export const NAT_PORT_MAX = 65535;
/** Remote endpoints a NAT mapping remembers for filtering; the least recently used go first. */
export const NAT_MAX_PERMITS_PER_MAPPING = 4096;

/** First ephemeral port the simulator assigns when an engine attaches without a port (RFC 6335 §6 dynamic range). */
export const EPHEMERAL_PORT_MIN = 49152;
export const EPHEMERAL_PORT_MAX = 65535;

/**
 * Size of the slabs packet copies are carved from: 64 KiB holds ~50 full-size packets, so a
 * packet an engine keeps pins at most 64 KiB (packets over a quarter slab get their own buffer).
 */
export const PACKET_SLAB_BYTES = 65_536;
/** Trace entries kept in memory by default (the hash covers every entry, kept or not). */
export const DEFAULT_TRACE_LIMIT = 100_000;
/** Bytes of encoded trace entries batched before they are fed to SHA-256 (fewer native calls). */
export const TRACE_HASH_BATCH_BYTES = 65_536;
/** Distinct strings (addresses, node names) the trace hasher interns before starting over. */
export const TRACE_HASH_MAX_STRINGS = 65_536;
/** Events kept per engine by default; older ones are discarded first and counted. */
export const DEFAULT_EVENT_LIMIT = 10_000;
/**
 * Events one `run`/`runUntil` call may process before it throws: enough for a bulk transfer
 * of about a million packets, small enough that a runaway engine fails a test in seconds.
 */
export const DEFAULT_MAX_STEPS = 10_000_000;
/**
 * Events queued at once (mostly packets in flight) before the simulator throws: links without
 * a bandwidth cap have no queue to drop from, so an engine that transmits in a loop would
 * otherwise eat all memory. Five million small packets are a few GB: far beyond any test.
 */
export const DEFAULT_MAX_PENDING_EVENTS = 5_000_000;
/**
 * How many times in a row an engine may be woken at one virtual instant (it keeps asking for
 * a deadline at or before now) before the simulator declares it stuck and throws.
 */
export const MAX_TIMEOUTS_AT_SAME_TIME = 1000;
/**
 * Superseded timer entries tolerated in the event heap before it is compacted (and only when
 * they are at least half of it): compaction costs O(heap), so it must be rare.
 */
export const STALE_TIMER_COMPACTION = 4096;
/** runUntil's default virtual time budget. */
export const DEFAULT_RUN_UNTIL_TIMEOUT: Millis = 60_000;
