/**
 * Our gathered candidates, per ICE generation (local ufrag). JSEP (RFC 8829 3.5.1, W3C
 * 4.4.1.5) signals candidates only once the local description of their generation is
 * applied: the agent may gather earlier (an ICE restart makes new credentials at
 * createOffer), so candidates of a generation not yet applied are held back until it is.
 */
import type { Candidate } from '../sdp/index.js';
import { MAX_HELD_CANDIDATES } from './constants.js';

export class LocalCandidates {
  private ufrag = '';
  private readonly gathered: Candidate[] = [];
  private complete = false;
  /** The ufrag of the applied local description; candidates of others are held. */
  private released: string | undefined;
  /** How many of `gathered` (and whether completion) were signalled. */
  private signalled = 0;
  private completeSignalled = false;

  /** Records a candidate; true when it may be signalled now. */
  add(ufrag: string, c: Candidate): boolean {
    this.generation(ufrag);
    if (this.gathered.length >= MAX_HELD_CANDIDATES) return false;
    this.gathered.push(c);
    if (this.released !== ufrag) return false;
    this.signalled = this.gathered.length;
    return true;
  }

  /** Records the end of gathering; true when it may be signalled now. */
  finish(ufrag: string): boolean {
    this.generation(ufrag);
    this.complete = true;
    if (this.released !== ufrag || this.completeSignalled) return false;
    this.completeSignalled = true;
    return true;
  }

  /**
   * The local description of generation `ufrag` is applied: returns the candidates held
   * for it, and whether gathering completion is still to be signalled.
   */
  release(ufrag: string): { candidates: Candidate[]; complete: boolean } {
    this.released = ufrag;
    if (ufrag !== this.ufrag) return { candidates: [], complete: false };
    const candidates = this.gathered.slice(this.signalled);
    this.signalled = this.gathered.length;
    const complete = this.complete && !this.completeSignalled;
    if (complete) this.completeSignalled = true;
    return { candidates, complete };
  }

  /** Candidates of generation `ufrag` (for the local description's a=candidate lines). */
  list(ufrag: string): { candidates: readonly Candidate[]; complete: boolean } {
    return ufrag === this.ufrag ? { candidates: this.gathered, complete: this.complete } : { candidates: [], complete: false };
  }

  private generation(ufrag: string): void {
    if (ufrag === this.ufrag) return;
    this.ufrag = ufrag;
    this.gathered.length = 0;
    this.complete = false;
    this.signalled = 0;
    this.completeSignalled = false;
  }
}
