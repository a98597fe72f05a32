/**
 * SCTP constants, each with the rule or the measurement that sets it.
 */

/** RFC 8841 5: the SCTP port used when SDP gives no `a=sctp-port`. */
export const DEFAULT_SCTP_PORT = 5000;

/**
 * Largest SCTP packet we build. WebRTC runs SCTP over DTLS over UDP, and 1200 bytes of SCTP
 * leave room for DTLS and IPv6/UDP headers inside the 1280-byte IPv6 minimum MTU
 * (RFC 8831 5, RFC 8261 5).
 */
export const DEFAULT_MTU = 1200;
/** Smallest MTU we accept from configuration: header, one DATA chunk header and some data. */
export const MIN_MTU = 512;

/**
 * The largest message we accept, advertised in SDP `a=max-message-size` (RFC 8841 6). This
 * is the single source of truth for the SDP layer and for this one.
 */
export const LOCAL_MAX_MESSAGE_SIZE = 256 * 1024;
/** RFC 8841 6.1: the peer's limit when its SDP has no `a=max-message-size`. */
export const DEFAULT_REMOTE_MAX_MESSAGE_SIZE = 65536;

/** RFC 9260 3.1: the common header is 12 bytes. */
export const COMMON_HEADER_SIZE = 12;
/** RFC 9260 3.3.1: a DATA chunk header is 16 bytes. */
export const DATA_CHUNK_HEADER_SIZE = 16;

/**
 * Receive window advertised in INIT (a_rwnd, RFC 9260 6.2). 4 MiB keeps a 100 Mbit/s path
 * with 300 ms RTT (3.75 MB bandwidth-delay product) or a LAN at hundreds of MB/s from being
 * receiver-limited, while bounding what a peer can make us buffer.
 */
export const DEFAULT_RECEIVE_WINDOW = 4 * 1024 * 1024;

/**
 * Most TSNs we accept above the cumulative ack point (gap block offsets are 16 bits, RFC
 * 9260 3.3.4). A peer that respects our window sends
 * at most DEFAULT_RECEIVE_WINDOW / 1 byte-chunks; this bounds our out-of-order tracking even
 * for one that does not.
 */
export const MAX_TSN_LOOKAHEAD = 65535;

/** Most duplicate TSNs reported in one SACK (RFC 9260 3.3.4 allows any; we bound it). */
export const MAX_DUP_TSNS_PER_SACK = 16;
/** RFC 9260 3.3.4: a SACK chunk's fixed part (header, cumulative TSN, a_rwnd, counts). */
export const SACK_HEADER_SIZE = 16;

/**
 * Delayed SACK timer (RFC 9260 6.2 allows up to 500 ms, most stacks use 200 ms). We ack
 * every second packet and at once on gaps and duplicates, so this timer only covers an odd
 * last packet of a burst; 20 ms (like QUIC's 25 ms max_ack_delay, RFC 9000 18.2) keeps that
 * tail well under a LAN round trip plus the 200 ms minimum RTO, so it never causes a
 * retransmission and never stalls window growth.
 */
export const DELAYED_ACK_MS = 20;
/** RFC 9260 6.2: ack at least every second packet carrying DATA. */
export const ACK_EVERY_PACKETS = 2;

/** RFC 9260 15 RTO.Initial (1 s, as RFC 6298 2.1 also says). */
export const RTO_INITIAL_MS = 1000;
/**
 * RTO.Min. RFC 9260 says 1 s; WebRTC stacks use less (Chrome's dcsctp 220 ms, Linux TCP
 * 200 ms) because data channels run over LAN and internet paths where a 1 s floor turns
 * every tail loss into a one-second stall. RFC 6298 2.4 allows a lower floor.
 */
export const RTO_MIN_MS = 200;
/** RFC 9260 15 RTO.Max. */
export const RTO_MAX_MS = 60_000;
/** RFC 6298 2.3: alpha = 1/8, beta = 1/4, K = 4. */
export const RTO_ALPHA = 1 / 8;
export const RTO_BETA = 1 / 4;
export const RTO_K = 4;
/** Clock granularity G of RFC 6298 2.3: our clock is in milliseconds. */
export const CLOCK_GRANULARITY_MS = 1;

/** RFC 9260 15 Max.Init.Retransmits. */
export const MAX_INIT_RETRANSMITS = 8;
/** RFC 9260 15 Association.Max.Retrans: consecutive unacknowledged timeouts before we give up. */
export const MAX_ASSOCIATION_RETRANSMITS = 10;
/** RFC 9260 15 Valid.Cookie.Life. */
export const VALID_COOKIE_LIFE_MS = 60_000;
/** RFC 9260 15 HB.interval. */
export const HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * Initial congestion window. RFC 9260 7.2.1 gives min(4*MTU, max(2*MTU, 4380)) (3.65
 * packets at 1200 bytes). We use the RFC 6928 initial window of ten segments,
 * min(10*MTU, max(2*MTU, 14600)), which TCP has used on the internet since 2013 and which
 * saves about two round trips of slow start for every new association.
 */
export function initialCwnd(mtu: number): number {
  return Math.min(10 * mtu, Math.max(2 * mtu, 14600));
}

/**
 * Slow-start growth limit per SACK, in MTUs (RFC 3465 2.2, L = 2*SMSS). RFC 9260 7.2.1 caps
 * growth at one MTU per SACK, which with a receiver that acks every second packet grows the
 * window by only 1.5x per round trip; L = 2 restores doubling.
 */
export const SLOW_START_LIMIT_MTUS = 2;

/** RFC 9260 7.2.4: a chunk is fast-retransmitted after three miss indications. */
export const FAST_RETRANSMIT_THRESHOLD = 3;

/**
 * Bound on bytes queued for sending but not yet acknowledged, across all streams. A send
 * beyond it is refused with an error (the W3C API reports this as a full buffer).
 */
export const DEFAULT_MAX_SEND_BUFFER = 16 * 1024 * 1024;

/**
 * Most messages queued on one stream. The byte bound (DEFAULT_MAX_SEND_BUFFER) usually
 * binds first; this one stops a flood of tiny messages from growing a queue without limit.
 */
export const MAX_QUEUED_MESSAGES_PER_STREAM = 1 << 20;

/** RFC 9260 3.3.2: we ask for and accept up to 65535 streams (data channels use ids 0-65534). */
export const MAX_STREAMS = 65535;

/** Most stream ids in one outgoing reset request; keeps the RE-CONFIG chunk within one MTU. */
export const MAX_STREAMS_PER_RESET = 256;

/** Bytes of random key for the cookie HMAC (RFC 9260 5.1.3; SHA-256 block size is 64). */
export const COOKIE_KEY_SIZE = 32;

/**
 * HyStart++ (RFC 9406 4.3): leave slow start when the round trip time grows by a clamped
 * eighth of the previous round's minimum, before a deep bottleneck queue overflows and a
 * whole window is lost. The values are the RFC's recommendations.
 */
export const HYSTART_MIN_RTT_THRESH_MS = 4;
export const HYSTART_MAX_RTT_THRESH_MS = 16;
export const HYSTART_MIN_RTT_DIVISOR = 8;
export const HYSTART_N_RTT_SAMPLE = 8;
export const HYSTART_CSS_GROWTH_DIVISOR = 4;
export const HYSTART_CSS_ROUNDS = 5;

/** RFC 9438 5: CUBIC's C (window growth constant, MTUs/s^3) and beta (multiplicative decrease). */
export const CUBIC_C = 0.4;
export const CUBIC_BETA = 0.7;
/** RFC 9438 4.3: alpha = 3 * (1 - beta) / (1 + beta), so the Reno-friendly region matches Reno. */
export const CUBIC_ALPHA = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);
