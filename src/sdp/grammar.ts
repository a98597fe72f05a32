/**
 * Character classes and small validators from the SDP ABNF (RFC 8866 9) and the ICE
 * attributes (RFC 8839 5.1), shared by the line parser, the candidate codec and the
 * data-channel view.
 */

import { isIpLiteral } from '../core/index.js';
import { MAX_ADDRESS_LENGTH, MAX_PORT } from './constants.js';

/** RFC 8839 5.1: ice-char = ALPHA / DIGIT / "+" / "/". */
export const ICE_CHARS = /^[A-Za-z0-9+/]+$/;

/** RFC 8866 9: token = 1*(token-char), token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E. */
export const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/** RFC 5234 B.1: VCHAR = %x21-7E (visible ASCII). `*VCHAR` allows the empty string. */
export const VCHARS = /^[\x21-\x7e]*$/;

/** RFC 8866 9: 1*DIGIT. */
export const DIGITS = /^[0-9]+$/;

/** A decimal of 1..maxDigits digits (capped so that `Number` stays exact) in [min, max], or undefined. */
export function parseDecimal(text: string, maxDigits: number, min: number, max: number): number | undefined {
  if (text.length === 0 || text.length > maxDigits || !DIGITS.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** RFC 8866 9: port = 1*5DIGIT, and a port number is at most 65535. */
export function parsePort(text: string): number | undefined {
  return parseDecimal(text, 5, 0, MAX_PORT);
}

/** RFC 8866 9 FQDN: 4*(alpha-numeric / "-" / "."), loosened to any length >= 1 and "_" (seen in the wild). */
const HOST = /^[A-Za-z0-9_.-]+$/;

/**
 * RFC 8839 5.1 / RFC 8866 9 connection-address: an IPv4 or IPv6 literal or a host name
 * (mDNS candidates use `<uuid>.local`, draft-ietf-mmusic-mdns-ice-candidates 3.1).
 */
export function isConnectionAddress(text: string): boolean {
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return false;
  if (text.includes(':') || /^[0-9.]+$/.test(text)) return isIpLiteral(text);
  return HOST.test(text);
}
