/**
 * DTLS layer constants, each with the rule or the reason behind its value.
 */

/** DTLS 1.2 on the wire is {254, 253} (RFC 6347 section 4.1). */
export const DTLS_1_2 = 0xfefd;
/** DTLS 1.0 is {254, 255}; RFC 6347 section 4.2.1 recommends it in HelloVerifyRequest. */
export const DTLS_1_0 = 0xfeff;

/** Record header: type(1) version(2) epoch(2) sequence_number(6) length(2) (RFC 6347 4.1). */
export const RECORD_HEADER_SIZE = 13;
/** Handshake header: type(1) length(3) message_seq(2) offset(3) fragment_length(3) (4.2.2). */
export const HANDSHAKE_HEADER_SIZE = 12;
/** DTLSPlaintext.length MUST NOT exceed 2^14 (RFC 5246 section 6.2.1). */
export const MAX_PLAINTEXT = 16384;
/** DTLSCiphertext.length MUST NOT exceed 2^14 + 2048 (RFC 5246 section 6.2.3). */
export const MAX_CIPHERTEXT = 16384 + 2048;
/** Largest sequence number in one epoch (48 bits, RFC 6347 4.1). */
export const MAX_SEQUENCE = 2 ** 48 - 1;

/**
 * Default path MTU for handshake flights. 1200 bytes is what WebRTC stacks assume for the
 * payload under ICE (it leaves room for IPv6, UDP and TURN headers on a 1280-byte path).
 */
export const DEFAULT_MTU = 1200;
/** Smallest MTU we accept: a record header, a handshake header and some payload. */
export const MIN_MTU = 256;

/**
 * Initial flight retransmission timeout. RFC 6347 4.2.4.1 recommends 1 s (OpenSSL and pion
 * use it) but allows other values. WebRTC runs DTLS only after ICE has proved the path and
 * its RTT is normally well under 200 ms, so 400 ms recovers a lost flight 600 ms sooner
 * without retransmitting spuriously on real paths; the doubling still backs off quickly on a
 * slow one. Callers that know the RTT can pass `initialRetransmitMs`.
 */
export const INITIAL_RETRANSMIT_MS = 400;
/**
 * With a round-trip time measured by ICE ('set-round-trip-time'), the first timeout is
 * RTT_RTO_FACTOR x RTT: RFC 6298 2.2's RTO after one sample (SRTT + 4 x RTT/2). It is kept
 * within [MIN_INITIAL_RETRANSMIT_MS, MAX_INITIAL_RETRANSMIT_MS]. The floor is 200 ms, Linux
 * TCP's minimum RTO, rather than RFC 9147 5.8.1's 100 ms: a flight's answer also waits for
 * the peer's handshake crypto, and a process opening 200 connections at once answers some
 * flights after more than 100 ms (with a 100 ms floor, 1 of 2 bench runs of 200 connections
 * on loopback resent 446 handshake datagrams spuriously, against ~80 before). The ceiling is RFC
 * 6347 4.2.4.1's 1 s. On the simulator at 20% loss with 50 ms RTT (bench/dtls-loss.ts, 200
 * seeds), the handshake takes 296 ms median, 710 ms p90 and 6.3 s at worst with a 200 ms
 * first timeout, against 496 ms, 1.3 s and 12.5 s with the 400 ms default.
 */
export const RTT_RTO_FACTOR = 3;
export const MIN_INITIAL_RETRANSMIT_MS = 200;
export const MAX_INITIAL_RETRANSMIT_MS = 1000;
/** The timer doubles up to 60 s (RFC 6347 4.2.4.1). */
export const MAX_RETRANSMIT_MS = 60_000;
/**
 * Transmissions of one flight before the handshake fails. With 30% loss each way a round
 * trip succeeds with p = 0.49, so 12 tries leave a 0.03% chance per flight of giving up.
 */
export const MAX_FLIGHT_TRANSMISSIONS = 12;

/** Biggest handshake message we reassemble (a certificate chain fits with room to spare). */
export const MAX_HANDSHAKE_MESSAGE = 32 * 1024;
/** How far ahead of the next expected message_seq we buffer fragments (RFC 6347 4.2.2). */
export const HANDSHAKE_WINDOW = 8;
/** How many HelloVerifyRequests a client follows before giving up (RFC 6347 4.2.1). */
export const MAX_HELLO_VERIFY = 4;
/** Cookie size a server sends; RFC 6347 allows up to 255 bytes (4.2.1). */
export const COOKIE_SIZE = 20;
/**
 * Epoch-1 records that arrive before we can decrypt them (the peer's Finished overtaking its
 * ClientKeyExchange) are kept and replayed once the keys exist (RFC 6347 4.1 allows this);
 * a flight has one such record, a few cover duplicates.
 */
export const MAX_EARLY_RECORDS = 8;
/**
 * Received application data held while the SDP fingerprint is not yet known (the offer's
 * answer can trail the handshake). 256 KiB covers SCTP's initial burst (RFC 9260 7.2.1
 * allows up to 4 MTUs, and peers' receive windows are about 128-256 KiB).
 */
export const MAX_PENDING_DATA_RECORDS = 256;
export const MAX_PENDING_DATA_BYTES = 256 * 1024;
/** Anti-replay window width (RFC 6347 4.1.2.6: a 64-entry bitmap is the minimum). */
export const REPLAY_WINDOW = 64;

/** verify_data length for the suites we implement (RFC 5246 7.4.9). */
export const VERIFY_DATA_SIZE = 12;
/** master_secret length (RFC 5246 8.1). */
export const MASTER_SECRET_SIZE = 48;
/** Random.random length (RFC 5246 7.4.1.2). */
export const RANDOM_SIZE = 32;
