/** Retransmission timeout estimator, RFC 6298 2 as used by RFC 9260 6.3.1. */

import type { Millis } from '../core/time.js';
import {
  CLOCK_GRANULARITY_MS,
  RTO_ALPHA,
  RTO_BETA,
  RTO_INITIAL_MS,
  RTO_K,
  RTO_MAX_MS,
  RTO_MIN_MS,
} from './constants.js';

export class RtoEstimator {
  srtt: Millis | undefined;
  rttvar: Millis = 0;
  rto: Millis = RTO_INITIAL_MS;

  /** Records one RTT sample (callers apply Karn's rule: never from retransmitted data). */
  sample(rtt: Millis): void {
    if (rtt < 0) return;
    if (this.srtt === undefined) {
      // RFC 6298 2.2: first measurement.
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      // RFC 6298 2.3: RTTVAR before SRTT.
      this.rttvar = (1 - RTO_BETA) * this.rttvar + RTO_BETA * Math.abs(this.srtt - rtt);
      this.srtt = (1 - RTO_ALPHA) * this.srtt + RTO_ALPHA * rtt;
    }
    this.rto = clamp(this.srtt + Math.max(CLOCK_GRANULARITY_MS, RTO_K * this.rttvar));
  }

  /**
   * A round-trip time measured by a lower layer (ICE), taken as the first measurement while
   * this estimator has none of its own; ignored after, and when not a finite duration.
   */
  seed(rtt: Millis): void {
    if (this.srtt === undefined && Number.isFinite(rtt) && rtt >= 0) this.sample(rtt);
  }

  /** RFC 6298 5.5 / RFC 9260 6.3.3 E2: back off the timer after a timeout. */
  backOff(): void {
    this.rto = clamp(this.rto * 2);
  }
}

function clamp(rto: Millis): Millis {
  return Math.min(RTO_MAX_MS, Math.max(RTO_MIN_MS, rto));
}
