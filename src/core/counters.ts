/**
 * Named event counters for an engine: every dropped packet, refused input and recovered
 * fault increments one, so that operators can see what happened without enabling logs.
 */
export class Counters<K extends string = string> {
  /**
   * Made on the first `inc`: most counters of a healthy connection stay at zero, and an empty
   * Map costs ~200 bytes (an engine has several Counters; bench/memory.ts).
   */
  private values: Map<K, number> | undefined;

  inc(key: K, by = 1): void {
    const values = (this.values ??= new Map<K, number>());
    values.set(key, (values.get(key) ?? 0) + by);
  }

  get(key: K): number {
    return this.values?.get(key) ?? 0;
  }

  /** A plain-object copy, for stats and tests. */
  snapshot(): Record<string, number> {
    return this.values ? Object.fromEntries(this.values) : {};
  }
}
