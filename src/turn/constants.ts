/**
 * TURN constants (RFC 8656), with the section or reason for each value. Times are in
 * milliseconds unless the name says seconds.
 */

/** RFC 8656 12: channel numbers a client may bind (0x4000 through 0x4FFF). */
export const MIN_CHANNEL = 0x4000;
export const MAX_CHANNEL = 0x4fff;

/** RFC 8656 12.4: a ChannelData message starts with a 2-byte channel and a 2-byte length. */
export const CHANNEL_DATA_HEADER_SIZE = 4;
/**
 * RFC 8656 12.4: the Length field is 16 bits, so the payload is at most 65535 bytes. The
 * ChannelData header plus a payload must also fit a UDP datagram, which this bound implies.
 */
export const MAX_CHANNEL_DATA_PAYLOAD = 0xffff;

/**
 * Most bytes relayed in one message: what fits one UDP datagram (65,507 bytes of payload over
 * IPv4) as a Send or Data indication: 20-byte STUN header, XOR-PEER-ADDRESS of up to 24 bytes
 * (IPv6), the DATA attribute header (4) and its padding (up to 3). ChannelData needs less.
 */
export const MAX_RELAYED_PAYLOAD = 65_507 - 20 - 24 - 4 - 3;

/** RFC 8656 3.2 / 7.2: the default allocation lifetime, 10 minutes. */
export const DEFAULT_LIFETIME_SECONDS = 600;
/** RFC 8656 7.2: servers SHOULD cap the lifetime; 3600 s is the recommended maximum. */
export const MAX_LIFETIME_SECONDS = 3600;
/**
 * RFC 8656 8: the client refreshes before expiry. One minute of margin covers a full STUN
 * transaction (RFC 8489 6.2.1: 39.5 s with the default RTO) and a stale-nonce retry.
 */
export const REFRESH_MARGIN = 60_000;

/** RFC 8656 9: a permission lives 300 s (5 minutes) unless refreshed. */
export const PERMISSION_LIFETIME = 300_000;
/** RFC 8656 9: the client refreshes permissions it still needs; once a minute before expiry. */
export const PERMISSION_REFRESH = PERMISSION_LIFETIME - 60_000;
/** RFC 8656 12: a channel binding lives 10 minutes unless refreshed. */
export const CHANNEL_LIFETIME = 600_000;
/**
 * RFC 8656 12: after a binding expires, neither its channel number nor its peer may be bound
 * to anything else for 5 minutes (so late packets cannot reach the wrong peer).
 */
export const CHANNEL_QUARANTINE = 300_000;
/** RFC 8656 12: refresh a binding before it expires; one minute of margin, as above. */
export const CHANNEL_REFRESH = CHANNEL_LIFETIME - 60_000;

/**
 * Most peers (IP addresses) the client holds permissions for. An ICE agent permits each
 * remote candidate address; a data-channel session has a handful, 64 leaves ample room.
 */
export const MAX_PERMISSIONS = 64;
/** Most channels the client binds; RFC 8656 12 allows 4096, one per peer is what we need. */
export const MAX_CHANNELS = 64;
/**
 * Datagrams held per peer while its permission is being created (one STUN transaction, a
 * few hundred ms at most); ICE checks retransmit, so a small queue loses nothing that matters.
 */
export const MAX_PENDING_PER_PEER = 16;
/** Bytes held per peer while its permission is being created (16 full-size datagrams). */
export const MAX_PENDING_BYTES_PER_PEER = 16 * 1500;
/**
 * RFC 8489 9.2.4 / 9.2.5: a 438 Stale Nonce is retried with the new nonce. Allow a few in a
 * row per request so a server that keeps rejecting its own nonces cannot loop us forever.
 */
export const MAX_STALE_NONCE_RETRIES = 3;

/**
 * Test server: relayed ports when none are configured. RFC 8656 7.2 suggests the dynamic
 * range (RFC 6335 6: 49152-65535); 256 of them is plenty for tests and cheap to bind.
 */
export const SERVER_RELAY_PORTS = { min: 49152, max: 49407 } as const;
/** Test server: how long one nonce stays valid before a 438 (RFC 8489 9.2: server's choice). */
export const SERVER_NONCE_LIFETIME = 3_600_000;
/** Test server: allocations per username (RFC 8656 7.2 lets servers cap this; 486 beyond). */
export const SERVER_ALLOCATIONS_PER_USER = 16;
/** Test server: permissions and channels per allocation, bounded like the client's. */
export const SERVER_MAX_PERMISSIONS = 256;
export const SERVER_MAX_CHANNELS = 256;
