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

/**
 * Most characters in one session description. RFC 8866 sets no limit; a Chrome offer with
 * audio, video and a data channel is ~6 KiB and a full non-trickle one with many candidates
 * ~20 KiB, so 128 KiB leaves room for large multi-party descriptions while bounding work.
 */
export const MAX_SDP_LENGTH = 131072;

/** Most lines in one session description (a 128 KiB SDP of short lines has fewer). */
export const MAX_SDP_LINES = 4096;

/** Most m= sections (RFC 8866 5.14 sets no limit; JSEP sessions with this many are absurd). */
export const MAX_MEDIA_SECTIONS = 256;

/**
 * RFC 8841 5.1: when a=sctp-port is absent the SCTP port is 5000 (also the value every
 * browser uses).
 */
export const DEFAULT_SCTP_PORT = 5000;

/**
 * RFC 8841 6.1: when a=max-message-size is absent the peer accepts messages of up to 64K
 * (65536 bytes). A value of 0 means "any size". The SCTP layer owns the value, so SDP and
 * the association cannot disagree.
 */
export { DEFAULT_REMOTE_MAX_MESSAGE_SIZE as DEFAULT_MAX_MESSAGE_SIZE } from '../sctp/constants.js';

/** RFC 8839 5.4: ice-ufrag = 4*256ice-char. */
export const MIN_UFRAG_LENGTH = 4;
export const MAX_UFRAG_LENGTH = 256;

/** RFC 8839 5.4: ice-pwd = 22*256ice-char. */
export const MIN_PWD_LENGTH = 22;
export const MAX_PWD_LENGTH = 256;

/**
 * RFC 8829 5.2.1: the discard port 9 and the address 0.0.0.0 stand in for the default
 * candidate when none is known yet (also RFC 8840 4.1.1 for trickle ICE).
 */
export const PLACEHOLDER_PORT = 9;
export const PLACEHOLDER_ADDRESS = '0.0.0.0';

/**
 * The stream count written in a legacy `a=sctpmap:<port> webrtc-datachannel <streams>`
 * (draft-ietf-mmusic-sctp-sdp-05 5.1): the SCTP maximum of 65535 streams (RFC 9260 3.3.2),
 * as aiortc writes; the association negotiates the real count in INIT.
 */
export const LEGACY_SCTPMAP_STREAMS = 65535;
