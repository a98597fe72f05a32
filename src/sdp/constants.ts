/**
 * Bounds and defaults for the SDP layer, each with the rule or reason behind it.
 */

/**
 * Longest candidate attribute we accept (characters). RFC 8839 5.1 puts no limit on the
 * line; a real candidate with every common extension is under 300 characters, so 4 KiB
 * leaves ample room while keeping a hostile line from costing more than a bounded split.
 */
export const MAX_CANDIDATE_LENGTH = 4096;

/** Most extension name/value pairs on one candidate line (real ones carry up to ~5). */
export const MAX_CANDIDATE_EXTENSIONS = 32;

/** RFC 8839 5.1: foundation = 1*32ice-char. */
export const MAX_FOUNDATION_LENGTH = 32;

/** RFC 8839 5.1: priority = 1*10DIGIT, an unsigned 32-bit value (RFC 8445 5.1.2.1). */
export const MAX_PRIORITY = 0xffff_ffff;

/** RFC 8445 5.1.1 (component IDs are 1 to 256); RFC 8839 5.1 grammar: 1*3DIGIT. */
export const MIN_COMPONENT = 1;
export const MAX_COMPONENT = 256;

/** RFC 1035 2.3.4: a domain name is at most 255 octets; the same bound covers IP literals. */
export const MAX_ADDRESS_LENGTH = 255;

/** Largest TCP/UDP port number (RFC 8839 5.1 `port` in RFC 8866 9 is 1*5DIGIT, 0-65535). */
export const MAX_PORT = 65535;
