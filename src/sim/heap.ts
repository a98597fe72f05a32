/**
 * The simulator's event queue: a binary min-heap ordered by time, then by insertion order,
 * so that events due at the same instant run in the order they were scheduled. This total
 * order is what makes a run deterministic.
 */

import type { Millis } from '../core/time.js';

interface Slot<T> {
  time: Millis;
  seq: number;
  item: T;
}

export class EventHeap<T> {
  private readonly slots: Slot<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.slots.length;
  }

  /** Time of the earliest event, or undefined when empty. */
  peekTime(): Millis | undefined {
    return this.slots[0]?.time;
  }

  push(time: Millis, item: T): void {
    const slots = this.slots;
    const slot: Slot<T> = { time, seq: this.seq++, item };
    let i = slots.length;
    slots.push(slot);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = slots[parent]!;
      if (!before(slot, p)) break;
      slots[i] = p;
      i = parent;
    }
    slots[i] = slot;
  }

  /** Drops every event `keep` refuses (order among the rest is unchanged). O(n). */
  retain(keep: (item: T) => boolean): void {
    const kept = this.slots.filter((s) => keep(s.item));
    this.slots.length = 0;
    for (const s of kept) this.slots.push(s);
    // Bottom-up heapify.
    for (let i = (this.slots.length >> 1) - 1; i >= 0; i--) this.siftDown(i, this.slots[i]!);
  }

  /** Removes and returns the earliest event. */
  pop(): Slot<T> | undefined {
    const slots = this.slots;
    const top = slots[0];
    if (top === undefined) return undefined;
    const last = slots.pop()!;
    if (slots.length > 0) this.siftDown(0, last);
    return top;
  }

  /** Places `slot` at `i` or below, moving smaller children up. */
  private siftDown(i: number, slot: Slot<T>): void {
    const slots = this.slots;
    const n = slots.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(slots[r]!, slots[l]!) ? r : l;
      if (!before(slots[c]!, slot)) break;
      slots[i] = slots[c]!;
      i = c;
    }
    slots[i] = slot;
  }
}

function before<T>(a: Slot<T>, b: Slot<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
