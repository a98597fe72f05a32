/**
 * Remote candidates whose address is an mDNS name (draft-ietf-mmusic-mdns-ice-candidates
 * 3.2): held until the driver resolves the name, then given to the ICE agent with the
 * address filled in. Bounded by names and by candidates per name.
 */
import type { Candidate } from '../sdp/index.js';
import { MAX_CANDIDATES_PER_MDNS_NAME, MAX_PENDING_MDNS_NAMES } from './constants.js';

export function isMdnsName(address: string): boolean {
  return address.toLowerCase().endsWith('.local');
}

export class MdnsWaitlist {
  private readonly waiting = new Map<string, Candidate[]>();

  /**
   * Holds `c` until its name resolves. 'resolve': the name is new, ask the driver;
   * 'queued': a resolution is already under way; 'full': dropped at a bound.
   */
  hold(c: Candidate): 'resolve' | 'queued' | 'full' {
    const list = this.waiting.get(c.address);
    if (list) {
      if (list.length >= MAX_CANDIDATES_PER_MDNS_NAME) return 'full';
      list.push(c);
      return 'queued';
    }
    if (this.waiting.size >= MAX_PENDING_MDNS_NAMES) return 'full';
    this.waiting.set(c.address, [c]);
    return 'resolve';
  }

  /** The candidates waiting on `name` with `address` filled in (none when it failed). */
  resolved(name: string, address: string | undefined): { known: boolean; candidates: Candidate[] } {
    const list = this.waiting.get(name);
    if (!list) return { known: false, candidates: [] };
    this.waiting.delete(name);
    return { known: true, candidates: address === undefined ? [] : list.map((c) => ({ ...c, address })) };
  }
}
