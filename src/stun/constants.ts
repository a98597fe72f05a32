/**
 * STUN constants (RFC 8489), with the section or reason for each value. Attribute type
 * numbers live in `attributes.ts`.
 */

/** RFC 8489 5: the fixed value in bytes 4..7 of every message. */
export const MAGIC_COOKIE = 0x2112a442;
/** RFC 8489 5: message header size. */
export const HEADER_SIZE = 20;
/** RFC 8489 5: transaction id size. */
export const TRANSACTION_ID_SIZE = 12;
/** RFC 8489 14: each attribute starts with a 2-byte type and a 2-byte length. */
export const ATTR_HEADER_SIZE = 4;
/** RFC 8489 14.5: HMAC-SHA1 output. */
export const MESSAGE_INTEGRITY_SIZE = 20;
/** RFC 8489 14.6: HMAC-SHA256 output; receivers accept truncation to 16 (multiple of 4). */
export const MESSAGE_INTEGRITY_SHA256_SIZE = 32;
export const MESSAGE_INTEGRITY_SHA256_MIN_SIZE = 16;
/** RFC 8489 14.7: FINGERPRINT is CRC-32 of the message XORed with this ("STUN"). */
export const FINGERPRINT_XOR = 0x5354554e;
/** RFC 8489 14.7: FINGERPRINT value size. */
export const FINGERPRINT_SIZE = 4;

/**
 * Most attributes we parse in one message. A message may hold ~16k four-byte attributes;
 * real ones carry about a dozen (an ICE check: USERNAME, PRIORITY, ICE-CONTROLL*,
 * USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT; a TURN request adds a few). 64 leaves
 * ample room while bounding the work a hostile datagram can cause.
 */
export const MAX_ATTRIBUTES = 64;
/** RFC 8656 16 (TURN): XOR-PEER-ADDRESS may repeat; bounded like the attribute count. */
export const MAX_PEER_ADDRESSES = 16;

/** RFC 8489 14.3: a USERNAME we send is fewer than 509 bytes. */
export const MAX_USERNAME_SEND_BYTES = 508;
/**
 * RFC 8489 14.8, 14.9, 14.10, 14.14: REALM, NONCE, SOFTWARE and the error reason are fewer
 * than 128 characters, at most 509 bytes when we send them.
 */
export const MAX_TEXT_SEND_BYTES = 509;
/** RFC 8489 14.3 and 14.9: receivers parse text attributes of up to 763 bytes (RFC 5389). */
export const MAX_TEXT_RECEIVE_BYTES = 763;
/** RFC 8489 18.8 (IANA): USERHASH is a SHA-256 output. */
export const USERHASH_SIZE = 32;
/** RFC 8656 18.9: RESERVATION-TOKEN is 8 bytes. */
export const RESERVATION_TOKEN_SIZE = 8;

/** RFC 8489 6.2.1: initial RTO for unreliable transports (a default; SHOULD be > 500 ms). */
export const DEFAULT_RTO = 500;
/** RFC 8489 6.2.1: Rc, the number of transmissions of a request (default 7). */
export const DEFAULT_RC = 7;
/** RFC 8489 6.2.1: Rm, after the last transmission wait Rm * RTO (default 16). */
export const DEFAULT_RM = 16;
/**
 * Most client transactions open at once in one `StunTransactions`. RFC 8489 6.2 limits a
 * client to 10 outstanding transactions per server; an ICE agent pacing checks at Ta = 50 ms
 * (RFC 8445 14.2) with a ~40 s transaction lifetime peaks near 800, so 1024 bounds memory
 * without refusing legitimate load.
 */
export const DEFAULT_MAX_TRANSACTIONS = 1024;
