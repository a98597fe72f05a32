/**
 * Which TSNs the receiver holds: the cumulative TSN and the sorted out-of-order blocks
 * above it, from which SACK gap ack blocks are made (RFC 9260 3.3.4, 6.2).
 */

import { tsnAdd, tsnDiff, tsnLte } from './serial.js';

export type TsnStatus = 'new' | 'duplicate';

export class TsnTracker {
  /** The last TSN received in sequence (the Cumulative TSN Ack). */
  cumTsn: number;
  /** Disjoint sorted blocks of TSNs above cumTsn + 1, flattened [start, end, start, end, ...]. */
  private blocks: number[] = [];

  constructor(peerInitialTsn: number) {
    this.cumTsn = tsnAdd(peerInitialTsn, -1);
  }

  get hasGaps(): boolean {
    return this.blocks.length > 0;
  }

  /** The highest TSN received (cumTsn when there are no gaps). */
  get highestTsn(): number {
    return this.blocks.length ? this.blocks[this.blocks.length - 1]! : this.cumTsn;
  }

  /** Records `tsn`; says whether it was new. */
  add(tsn: number): TsnStatus {
    const b = this.blocks;
    const d = tsnDiff(tsn, this.cumTsn);
    if (d <= 0) return 'duplicate';
    if (d === 1) {
      this.cumTsn = tsn;
      if (b.length && b[0] === tsnAdd(tsn, 1)) {
        this.cumTsn = b[1]!;
        b.splice(0, 2);
      }
      return 'new';
    }
    // Search from the end: new TSNs usually extend the last block.
    let i = b.length - 2;
    while (i >= 0 && tsnDiff(b[i]!, tsn) > 0) i -= 2;
    // Now block i (if any) starts at or below tsn; block i + 2 (if any) starts above it.
    if (i >= 0 && tsnLte(tsn, b[i + 1]!)) return 'duplicate';
    const joinsLeft = i >= 0 && b[i + 1] === tsnAdd(tsn, -1);
    const joinsRight = i + 2 < b.length && b[i + 2] === tsnAdd(tsn, 1);
    if (joinsLeft && joinsRight) {
      b[i + 1] = b[i + 3]!;
      b.splice(i + 2, 2);
    } else if (joinsLeft) b[i + 1] = tsn;
    else if (joinsRight) b[i + 2] = tsn;
    else b.splice(i + 2, 0, tsn, tsn);
    return 'new';
  }

  /** Whether `tsn` has been received. */
  has(tsn: number): boolean {
    if (tsnLte(tsn, this.cumTsn)) return true;
    const b = this.blocks;
    for (let i = 0; i < b.length; i += 2) {
      if (tsnDiff(tsn, b[i]!) < 0) return false;
      if (tsnLte(tsn, b[i + 1]!)) return true;
    }
    return false;
  }

  /** RFC 3758 3.6: treat every TSN up to `newCum` as received. Returns whether cumTsn moved. */
  forwardTo(newCum: number): boolean {
    if (tsnLte(newCum, this.cumTsn)) return false;
    this.cumTsn = newCum;
    const b = this.blocks;
    let drop = 0;
    while (drop < b.length && tsnLte(b[drop]!, tsnAdd(this.cumTsn, 1))) {
      if (tsnDiff(b[drop + 1]!, this.cumTsn) > 0) this.cumTsn = b[drop + 1]!;
      drop += 2;
    }
    if (drop) b.splice(0, drop);
    return true;
  }

  /** Gap ack blocks as offsets from cumTsn (RFC 9260 3.3.4), at most `max` of them. */
  gapBlocks(max: number): number[] {
    const b = this.blocks;
    const n = Math.min(b.length, max * 2);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = tsnDiff(b[i]!, this.cumTsn);
    return out;
  }
}
