/**
 * Candidate and pair priorities (RFC 8445 5.1.2, 6.1.2.3) and foundations (RFC 8445 5.1.1.3).
 */

import type { CandidateType } from '../sdp/index.js';
import { COMPONENT_ID, MAX_LOCAL_PREFERENCE, TYPE_PREFERENCE } from './constants.js';

/**
 * RFC 8445 5.1.2.1:
 *   priority = (2^24)*(type preference) + (2^8)*(local preference) + (2^0)*(256 - component ID)
 */
export function candidatePriority(type: CandidateType, localPreference: number, component = COMPONENT_ID): number {
  return TYPE_PREFERENCE[type] * 0x100_0000 + localPreference * 0x100 + (256 - component);
}

/**
 * The local preference of the `rank`-th base (0-based) of its address family: IPv6 bases
 * take even steps down from 65535, IPv4 the odd ones, so the families interleave in order
 * of rank (RFC 8421 4) and every base gets a distinct value (RFC 8445 5.1.2.1).
 */
export function localPreference(family: 'IPv4' | 'IPv6', rank: number): number {
  return Math.max(0, MAX_LOCAL_PREFERENCE - 2 * rank - (family === 'IPv4' ? 1 : 0));
}

const TWO_32 = 1n << 32n;

/**
 * RFC 8445 6.1.2.3: pair priority = 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), where G is the
 * controlling agent's candidate priority and D the controlled agent's. Needs 64 bits.
 */
export function pairPriority(controlling: number, controlled: number): bigint {
  const g = BigInt(controlling);
  const d = BigInt(controlled);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return TWO_32 * min + 2n * max + (g > d ? 1n : 0n);
}

/**
 * RFC 8445 5.1.1.3: candidates share a foundation when they have the same type, base IP
 * address, STUN/TURN server IP and transport. The foundation is any string of up to 32
 * ice-chars; we use a 32-bit FNV-1a hash of those fields in decimal, which is stable across
 * restarts and reveals nothing beyond what the candidate already shows.
 */
export function foundation(type: CandidateType, baseIp: string, serverIp: string, transport = 'udp'): string {
  const s = `${type}|${baseIp}|${serverIp}|${transport}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return String(h >>> 0);
}
