/**
 * Textual IP addresses: parsed to their 4 or 16 bytes, formatted back as RFC 5952 text (lower
 * case, the longest run of zero groups compressed, IPv4-mapped tails dotted), which is the
 * form Node's `dgram` reports, so formatted and canonical addresses compare equal to socket
 * addresses. One parser serves every layer: STUN and mDNS address records, ICE and SDP
 * candidate vetting, the simulator's address book and ICE server URLs.
 */

import type { AddressFamily } from './address.js';

/**
 * The longest IP literal without a zone: six hex groups and a dotted IPv4 tail
 * (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`), INET6_ADDRSTRLEN less its NUL.
 */
const MAX_IP_LITERAL_LENGTH = 45;

/** Parses dotted-quad IPv4 into `out` at `at`; false when malformed. */
function parseIpv4Into(s: string, out: Uint8Array, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e; // a virtual '.' ends the last part
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return false;
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return false; // no leading zeros (ambiguous octal)
      value = value * 10 + (c - 0x30);
      if (value > 255) return false;
      digits++;
    } else {
      return false;
    }
  }
  return part === 4;
}

function parseHexGroup(s: string): number {
  if (s.length === 0 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** Parses IPv6 text (with `::`, an embedded IPv4 tail, or a `%zone` that is dropped). */
function parseIpv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  const out = new Uint8Array(16);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const groups: number[] = [];
  const all = halves.length === 2 ? [...head, '::', ...tail] : head;
  let v4Tail: Uint8Array | undefined;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (g === '::') {
      groups.push(-1);
      continue;
    }
    if (i === all.length - 1 && g.includes('.')) {
      v4Tail = new Uint8Array(4);
      if (!parseIpv4Into(g, v4Tail, 0)) return undefined;
      groups.push((v4Tail[0]! << 8) | v4Tail[1]!, (v4Tail[2]! << 8) | v4Tail[3]!);
      continue;
    }
    const v = parseHexGroup(g);
    if (v < 0) return undefined;
    groups.push(v);
  }
  const explicit = groups.filter((g) => g >= 0).length;
  const gap = groups.includes(-1);
  if (gap ? explicit > 7 : explicit !== 8) return undefined;
  let at = 0;
  for (const g of groups) {
    if (g === -1) {
      at += (8 - explicit) * 2;
      continue;
    }
    out[at++] = g >>> 8;
    out[at++] = g & 0xff;
  }
  return out;
}

/**
 * The 4 or 16 bytes of a textual IP address, or undefined when it is not one. IPv4 is strict
 * dotted-quad (no leading zeros); an IPv6 `%zone` is accepted and dropped.
 */
export function parseIp(text: string): Uint8Array | undefined {
  if (text.includes(':')) return parseIpv6(text);
  const out = new Uint8Array(4);
  return parseIpv4Into(text, out, 0) ? out : undefined;
}

export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** RFC 5952 4: the canonical text of a 16-byte IPv6 address. */
export function formatIpv6(b: Uint8Array): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = (b[2 * i]! << 8) | b[2 * i + 1]!;
  // RFC 5952 4.2: compress the longest run of two or more zero groups (the first on a tie).
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  // RFC 5952 5: IPv4-mapped addresses keep their dotted tail.
  if (bestAt === 0 && bestLen === 5 && groups[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  if (bestAt < 0) return groups.map((g) => g.toString(16)).join(':');
  const left = groups.slice(0, bestAt).map((g) => g.toString(16)).join(':');
  const right = groups.slice(bestAt + bestLen).map((g) => g.toString(16)).join(':');
  return `${left}::${right}`;
}

/**
 * IPv6 text in its RFC 5952 canonical form, so that `2001:DB8:0::1` and `2001:db8::1` name
 * the same host. IPv4 text, addresses with a zone (`%eth0`) and text that is not an address
 * are returned unchanged.
 */
export function canonicalIp(address: string): string {
  if (!address.includes(':') || address.includes('%')) return address;
  const bytes = parseIpv6(address);
  return bytes === undefined ? address : formatIpv6(bytes);
}

/**
 * The family of an IP literal, or undefined for anything else: a host name (such as an mDNS
 * `.local` name), malformed text, or an address with a zone.
 */
export function ipFamily(text: string): AddressFamily | undefined {
  if (text.length > MAX_IP_LITERAL_LENGTH || text.includes('%')) return undefined;
  const bytes = parseIp(text);
  if (bytes === undefined) return undefined;
  return bytes.length === 4 ? 'IPv4' : 'IPv6';
}

/** Whether `text` is an IPv4 or IPv6 literal (not a host name such as an mDNS `.local`). */
export function isIpLiteral(text: string): boolean {
  return ipFamily(text) !== undefined;
}
