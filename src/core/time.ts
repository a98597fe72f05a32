/**
 * Time is a plain monotonic millisecond number (`Millis`), passed in by the caller. Engines
 * never read a clock; only drivers (src/node, src/sim) own one.
 */

export type Millis = number;

export interface Clock {
  now(): Millis;
}

/** The process's monotonic clock, for drivers. */
export const monotonicClock: Clock = {
  now: () => performance.now(),
};

/** The earlier of two optional deadlines. */
export function earliest(a: Millis | undefined, b: Millis | undefined): Millis | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}
