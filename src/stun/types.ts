/**
 * STUN message model (RFC 8489 5, 14): classes, methods, attribute type numbers and the
 * typed attribute set that the codec reads and writes.
 */

import type { TransportAddress } from '../core/index.js';

/** RFC 8489 5: the two class bits (C1 C0) of the message type. */
export const StunClass = { Request: 0, Indication: 1, Success: 2, Error: 3 } as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** RFC 8489 18.2 and RFC 8656 17 (TURN): the methods sansrtc speaks. */
export const StunMethod = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

/**
 * Attribute type numbers (RFC 8489 18.3, RFC 8656 18 for TURN, RFC 8445 16.1 for ICE).
 * Types below 0x8000 are comprehension-required (RFC 8489 14).
 */
export const AttrType = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  EvenPort: 0x0018,
  RequestedTransport: 0x0019,
  DontFragment: 0x001a,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  ReservationToken: 0x0022,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  PasswordAlgorithms: 0x8002,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
} as const;
export type AttrType = (typeof AttrType)[keyof typeof AttrType];

/** RFC 8489 18.5: PASSWORD-ALGORITHM numbers. */
export const PasswordAlgorithmId = { Md5: 0x0001, Sha256: 0x0002 } as const;

/** RFC 8489 14.11, 14.12: one algorithm with its (usually empty) parameters. */
export interface PasswordAlgorithm {
  algorithm: number;
  params: Uint8Array;
}

/** RFC 8656 14.1 (REQUESTED-ADDRESS-FAMILY) and RFC 8489 14.1 address family numbers. */
export const AddressFamilyNumber = { IPv4: 0x01, IPv6: 0x02 } as const;

/** RFC 8656 14.7: REQUESTED-TRANSPORT protocol numbers (IANA protocol numbers). */
export const TransportProtocol = { Udp: 17 } as const;

/**
 * The attributes of a message, typed. All optional. On decode, byte-array values are views
 * over the input datagram (copy them to keep them past its life). Where an attribute
 * repeats, the first occurrence wins (RFC 8489 14), except XOR-PEER-ADDRESS, which TURN
 * lets repeat, and `unknown`.
 */
export interface StunAttributes {
  mappedAddress?: TransportAddress;
  xorMappedAddress?: TransportAddress;
  /** RFC 8656 14.3: CreatePermission may carry several. */
  xorPeerAddress?: TransportAddress[];
  xorRelayedAddress?: TransportAddress;
  alternateServer?: TransportAddress;
  username?: string;
  realm?: string;
  nonce?: string;
  software?: string;
  errorCode?: { code: number; reason: string };
  unknownAttributes?: number[];
  /** RFC 8445 16.1 (ICE). */
  priority?: number;
  useCandidate?: boolean;
  iceControlled?: bigint;
  iceControlling?: bigint;
  /** RFC 8656 14 (TURN). */
  lifetime?: number;
  requestedTransport?: number;
  data?: Uint8Array;
  channelNumber?: number;
  dontFragment?: boolean;
  /** The EVEN-PORT R bit (RFC 8656 14.6); `false` still sends the attribute, with R = 0. */
  evenPort?: boolean;
  reservationToken?: Uint8Array;
  requestedAddressFamily?: number;
  /** RFC 8489 14.4: SHA-256 of username ":" realm (32 bytes). */
  userhash?: Uint8Array;
  passwordAlgorithms?: PasswordAlgorithm[];
  passwordAlgorithm?: PasswordAlgorithm;
  /** Comprehension-optional attributes this codec does not know, kept as they came. */
  unknown?: { type: number; value: Uint8Array }[];
}

export interface StunMessage {
  method: number;
  cls: StunClass;
  /** 12 bytes (RFC 8489 5). */
  transactionId: Uint8Array;
  attrs: StunAttributes;
}

/** What `decodeStun` gives: the message plus what a verifier and an ICE agent need. */
export interface DecodedStun extends StunMessage {
  /** The whole message, a view over the input. */
  readonly raw: Uint8Array;
  /** Offset in `raw` of the MESSAGE-INTEGRITY attribute header, when present. */
  readonly integrityAt: number | undefined;
  /** Offset in `raw` of the MESSAGE-INTEGRITY-SHA256 attribute header, when present. */
  readonly integritySha256At: number | undefined;
  /** Whether FINGERPRINT was present. A FINGERPRINT that does not match fails the decode. */
  readonly fingerprint: boolean;
  /**
   * Comprehension-required attribute types (< 0x8000) the codec does not understand
   * (RFC 8489 6.3.1: a request with any gets a 420; a response with any fails).
   */
  readonly unknownRequired: number[];
}
