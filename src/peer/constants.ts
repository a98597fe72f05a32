/** Bounds and defaults of the PeerConnection engine, each with its source. */

/** Largest UDP payload we send by default (the DTLS and SCTP layers agree on 1200). */
export const DEFAULT_MTU = 1200;

/**
 * Bytes a DTLS 1.2 record adds around an SCTP packet with an AES-GCM suite: 13 header,
 * 8 explicit nonce, 16 tag (RFC 6347 4.1, RFC 5288 3); ChaCha20-Poly1305 adds less (29).
 * Rounded up to a multiple of 4 because SCTP packets are (RFC 9260 3.2).
 */
export const DTLS_RECORD_OVERHEAD = 40;

/** What we advertise in a=max-message-size when not configured (W3C/Chrome: 256 KiB). */
export { LOCAL_MAX_MESSAGE_SIZE as DEFAULT_MAX_MESSAGE_SIZE } from '../sctp/constants.js';

/**
 * Upper bound for messages we send when the peer advertises a=max-message-size:0 ("any
 * size", RFC 8841 6.1): we never queue one message bigger than this.
 */
export const UNLIMITED_SEND_SIZE = 16 * 1024 * 1024;

/** Local sockets (host candidate bases) kept before the ICE agent exists. */
export const MAX_LOCAL_ADDRESSES = 64;

/** Local candidates held back until the local description that carries them is applied. */
export const MAX_HELD_CANDIDATES = 256;

/** mDNS names being resolved at once, and candidates waiting on one name. */
export const MAX_PENDING_MDNS_NAMES = 32;
export const MAX_CANDIDATES_PER_MDNS_NAME = 8;

/** Closed channels whose details stay queryable by handle (oldest forgotten first). */
export const MAX_RETIRED_CHANNELS = 1024;

/** W3C RTCPriorityType to the DCEP priority values of RFC 8831 6.4. */
export const PRIORITY_VALUES = { 'very-low': 128, low: 256, medium: 512, high: 1024 } as const;

/**
 * RFC 9653 (error detection method 1, DTLS): SCTP over DTLS may skip the CRC32c, which DTLS's
 * integrity check makes redundant. The association announces it and uses it only when the
 * peer announces it too, so peers without RFC 9653 are unaffected.
 */
export const SCTP_ZERO_CHECKSUM = true;

/**
 * DTLS datagrams held while ICE has no valid pair yet (a handshake flight is a few
 * datagrams; more than this is not a handshake racing our first check, so it is dropped
 * and counted, and DTLS retransmission recovers).
 */
export const MAX_HELD_DTLS = 16;
