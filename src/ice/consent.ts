/**
 * Consent freshness bookkeeping for the selected pair (RFC 7675 5.1): when the next consent
 * check is due, whether the last one went unanswered ('disconnected'), and when consent
 * expires ('failed'). The agent sends the checks; this only keeps time.
 */

import { randomFloat } from '../core/index.js';
import type { Millis, Random } from '../core/index.js';
import { CONSENT_INTERVAL, CONSENT_JITTER, CONSENT_RETRY_INTERVAL } from './constants.js';

export class Consent {
  /** When consent was last granted (an authenticated response on the pair). */
  private grantedAt: Millis = 0;
  /** When the next consent check is due. */
  nextCheckAt: Millis | undefined;
  /** The latest check got no answer in time. */
  unanswered = false;
  /** Consent expired; nothing may be sent on the pair any more. */
  lost = false;
  private readonly rng: Random;
  /** RFC 7675 5.1: how long consent lasts without a response. */
  readonly timeout: Millis;

  constructor(rng: Random, timeout: Millis) {
    this.rng = rng;
    this.timeout = timeout;
  }

  /** A pair was selected: its successful check is the first grant. */
  start(now: Millis): void {
    this.grantedAt = now;
    this.unanswered = false;
    this.lost = false;
    this.nextCheckAt = now + this.interval();
  }

  granted(now: Millis): void {
    this.grantedAt = now;
    this.unanswered = false;
  }

  checkSent(now: Millis): void {
    this.nextCheckAt = now + this.interval();
  }

  /** A check first sent at `sentAt` timed out: unanswered unless consent came since. */
  checkTimedOut(sentAt: Millis): void {
    if (this.grantedAt < sentAt) this.unanswered = true;
  }

  get expiresAt(): Millis {
    return this.grantedAt + this.timeout;
  }

  /** Marks consent lost when it has expired by `now`; true when that happened now. */
  expire(now: Millis): boolean {
    if (this.lost || now < this.expiresAt) return false;
    this.lost = true;
    this.nextCheckAt = undefined;
    return true;
  }

  /** A restart clears a loss: the new generation may select a pair again. */
  reset(): void {
    this.lost = false;
    this.unanswered = false;
  }

  /** RFC 7675 5.1: 0.8 to 1.2 times 5 s; every second while unanswered. */
  private interval(): Millis {
    if (this.unanswered) return CONSENT_RETRY_INTERVAL;
    return Math.round(CONSENT_INTERVAL * (1 - CONSENT_JITTER + 2 * CONSENT_JITTER * randomFloat(this.rng)));
  }
}
