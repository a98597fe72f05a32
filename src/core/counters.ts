/**
 * Named event counters for an engine: every dropped packet, refused input and recovered
 * fault increments one, so that operators can see what happened without enabling logs.
 */
export class Counters<K extends string = string> {
  private readonly values = new Map<K, number>();

  inc(key: K, by = 1): void {
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(key: K): number {
    return this.values.get(key) ?? 0;
  }

  /** A plain-object copy, for stats and tests. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.values);
  }
}
