/** Data channel constants (RFC 8831, RFC 8832). */

/** RFC 8831 8: SCTP payload protocol identifiers. */
export const Ppid = {
  DCEP: 50,
  STRING: 51,
  /** Deprecated (RFC 8831 8): a fragment of a binary message; received only. */
  BINARY_PARTIAL: 52,
  BINARY: 53,
  /** Deprecated (RFC 8831 8): a fragment of a string message; received only. */
  STRING_PARTIAL: 54,
  STRING_EMPTY: 56,
  BINARY_EMPTY: 57,
} as const;

/** RFC 8832 8.2.1 message types. */
export const DcepMessageType = {
  ACK: 0x02,
  OPEN: 0x03,
} as const;

/** RFC 8832 8.2.2 channel types; the 0x80 bit means unordered. */
export const ChannelType = {
  RELIABLE: 0x00,
  RELIABLE_UNORDERED: 0x80,
  PARTIAL_RELIABLE_REXMIT: 0x01,
  PARTIAL_RELIABLE_REXMIT_UNORDERED: 0x81,
  PARTIAL_RELIABLE_TIMED: 0x02,
  PARTIAL_RELIABLE_TIMED_UNORDERED: 0x82,
} as const;
export const UNORDERED_BIT = 0x80;

/** RFC 8831 6.4 / W3C RTCPriorityType: the priority values WebRTC puts in DCEP. */
export const Priority = {
  VERY_LOW: 128,
  LOW: 256,
  MEDIUM: 512,
  HIGH: 1024,
} as const;

/** The highest usable stream id: 65535 is reserved (RFC 8831 6.2, W3C). */
export const MAX_CHANNEL_ID = 65534;

/**
 * Most channels open at once. Stream ids run to 65534, but each channel holds state; 8192 is
 * far beyond what browsers allow (Chrome caps at 1024 streams per direction).
 */
export const MAX_CHANNELS = 8192;

/** Most bytes a label or protocol may take (both are u16-length fields, RFC 8832 5.1). */
export const MAX_LABEL_BYTES = 65535;
