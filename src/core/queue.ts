/**
 * Bounded FIFO queues. Every queue in sansrtc has a bound: `push` refuses (returns false)
 * rather than grow without limit, and the caller decides what a refusal means (drop and
 * count, report backpressure, or raise an error to the user).
 */

export interface QueueBounds<T> {
  /** Most items held at once. */
  maxItems: number;
  /** Most bytes held at once, as measured by `sizeOf` (default: unbounded by bytes). */
  maxBytes?: number;
  /** Size of one item in bytes (required when maxBytes is set). */
  sizeOf?: (item: T) => number;
}

/** A ring-buffer FIFO bounded by item count and, optionally, total bytes. */
export class BoundedQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private byteCount = 0;
  readonly maxItems: number;
  readonly maxBytes: number;
  private readonly sizeOf: ((item: T) => number) | undefined;

  constructor(bounds: QueueBounds<T> | number) {
    const b = typeof bounds === 'number' ? { maxItems: bounds } : bounds;
    if (!(b.maxItems >= 1)) throw new RangeError('BoundedQueue needs maxItems >= 1');
    if (b.maxBytes !== undefined && !b.sizeOf) throw new RangeError('maxBytes needs sizeOf');
    this.maxItems = b.maxItems;
    this.maxBytes = b.maxBytes ?? Infinity;
    this.sizeOf = b.sizeOf;
    this.items = new Array(Math.min(16, b.maxItems));
  }

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.byteCount;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Whether an item of `size` bytes would fit now. */
  fits(size = 0): boolean {
    return this.count < this.maxItems && this.byteCount + size <= this.maxBytes;
  }

  /** Appends `item`; returns false (and changes nothing) when a bound would be exceeded. */
  push(item: T): boolean {
    const size = this.sizeOf ? this.sizeOf(item) : 0;
    if (!this.fits(size)) return false;
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = item;
    this.count++;
    this.byteCount += size;
    return true;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    if (this.sizeOf) this.byteCount -= this.sizeOf(item);
    return item;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  clear(): void {
    this.items = new Array(Math.min(16, this.maxItems));
    this.head = 0;
    this.count = 0;
    this.byteCount = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.items.length] as T;
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.min(this.items.length * 2, this.maxItems));
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
