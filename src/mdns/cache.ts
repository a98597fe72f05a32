/**
 * A small bounded map whose entries expire at a given time. Lookups drop expired entries;
 * when full, the entry that expires soonest makes room (it had the least life left).
 */

import type { Millis } from '../core/index.js';

interface Entry<V> {
  readonly value: V;
  readonly expires: Millis;
}

export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: Millis): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, expires: Millis): void {
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.evictSoonest();
    this.entries.set(key, { value, expires });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private evictSoonest(): void {
    let victim: string | undefined;
    let soonest = Infinity;
    for (const [k, e] of this.entries) {
      if (e.expires < soonest) {
        soonest = e.expires;
        victim = k;
      }
    }
    if (victim !== undefined) this.entries.delete(victim);
  }
}
