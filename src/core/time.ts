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

/**
 * A retransmission timer that fires LATE_TIMER_MS or more after its deadline means the
 * process is behind (an event loop busy with many connections or handshakes, or starved of
 * CPU): the answer may already be waiting to be read. So the first late expiry of a deadline
 * waits LATE_TIMER_DEFER_MS more instead of retransmitting or failing; in Node that is one
 * more loop turn, whose poll phase reads what arrived. A deadline late again acts, and an
 * on-time timer acts at once. With 200 connections opening at once, ICE checks were
 * retransmitted 3.4 times per connection and DTLS timers fired ~300 ms late on average,
 * mostly while the answers sat unread.
 */
export const LATE_TIMER_MS = 20;
export const LATE_TIMER_DEFER_MS = 1;

/**
 * The deadline to wait for instead when `deadline` expired late at `now` and has not waited
 * yet (`deferred` false); undefined when the timer should act now.
 */
export function lateDeadline(now: Millis, deadline: Millis, deferred: boolean): Millis | undefined {
  return !deferred && now - deadline >= LATE_TIMER_MS ? now + LATE_TIMER_DEFER_MS : undefined;
}
