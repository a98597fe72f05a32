/**
 * Congestion control behind a small interface, so that a different controller (CUBIC, BBR)
 * can replace the default without touching the association.
 *
 * The association tells the controller about acknowledgements, fast-retransmit losses and
 * timeouts; it reads `cwnd` before sending. Flight size is owned by the association.
 */

import type { Millis } from '../core/time.js';
import {
  HYSTART_CSS_GROWTH_DIVISOR,
  HYSTART_CSS_ROUNDS,
  HYSTART_MAX_RTT_THRESH_MS,
  HYSTART_MIN_RTT_DIVISOR,
  HYSTART_MIN_RTT_THRESH_MS,
  HYSTART_N_RTT_SAMPLE,
  SLOW_START_LIMIT_MTUS,
  initialCwnd,
} from './constants.js';

export interface CongestionController {
  /** Bytes the sender may have outstanding. */
  readonly cwnd: number;
  /**
   * A SACK acknowledged `bytesAcked` new bytes. `flightBefore` is the flight size before the
   * SACK; `inFastRecovery` stops growth (RFC 9260 7.2.4).
   */
  onAck(bytesAcked: number, flightBefore: number, cumAdvanced: boolean, inFastRecovery: boolean): void;
  /** Fast retransmit: entering fast recovery (RFC 9260 7.2.4). */
  onFastRetransmit(): void;
  /** The T3-rtx timer expired (RFC 9260 7.2.3). */
  onTimeout(): void;
  /** The peer's initial window sets the initial ssthresh (RFC 9260 7.2.1). */
  setInitialSsthresh(bytes: number): void;
  /** A round trip time measured on a chunk sent once (Karn), for delay-based decisions. */
  onRttSample(rtt: Millis): void;
  /** Everything sent before the previous round start is now acknowledged: a new round. */
  onRoundStart(): void;
}

export interface CongestionControllerFactory {
  (mtu: number): CongestionController;
}

/**
 * RFC 9260 7.2 slow start and congestion avoidance, with the RFC 3465 L=2 growth limit and
 * HyStart++ (RFC 9406) to leave slow start on rising delay rather than on a burst of loss.
 */
export class RenoController implements CongestionController {
  cwnd: number;
  ssthresh = 0x7fffffff;
  private partialBytesAcked = 0;
  private readonly mtu: number;
  // HyStart++ state (RFC 9406 4.2).
  private lastRoundMinRtt = Infinity;
  private currentRoundMinRtt = Infinity;
  private rttSamples = 0;
  /** Rounds left in Conservative Slow Start, or 0 when not in CSS. */
  private cssRoundsLeft = 0;
  private cssBaselineMinRtt = Infinity;

  constructor(mtu: number) {
    this.mtu = mtu;
    this.cwnd = initialCwnd(mtu);
  }

  setInitialSsthresh(bytes: number): void {
    this.ssthresh = bytes;
  }

  onAck(bytesAcked: number, flightBefore: number, cumAdvanced: boolean, inFastRecovery: boolean): void {
    if (inFastRecovery || bytesAcked <= 0) return;
    // RFC 9260 7.2.1/7.2.2: grow only when the window was in use (a sender limited by the
    // application does not earn a larger window).
    const fullyUsed = flightBefore + this.mtu >= this.cwnd;
    if (this.cwnd <= this.ssthresh) {
      if (!cumAdvanced || !fullyUsed) return;
      const growth = Math.min(bytesAcked, SLOW_START_LIMIT_MTUS * this.mtu);
      this.cwnd += this.cssRoundsLeft > 0 ? growth / HYSTART_CSS_GROWTH_DIVISOR : growth;
      return;
    }
    // Congestion avoidance: one MTU per window of acknowledged bytes.
    this.partialBytesAcked += bytesAcked;
    if (this.partialBytesAcked >= this.cwnd && fullyUsed) {
      this.partialBytesAcked -= this.cwnd;
      this.cwnd += this.mtu;
    }
  }

  onRttSample(rtt: Millis): void {
    if (this.cwnd > this.ssthresh) return;
    if (rtt < this.currentRoundMinRtt) this.currentRoundMinRtt = rtt;
    this.rttSamples++;
    // RFC 9406 4.2: in slow start, a round whose minimum RTT exceeds the previous one's by
    // the threshold moves to Conservative Slow Start.
    if (
      this.cssRoundsLeft === 0 &&
      this.rttSamples >= HYSTART_N_RTT_SAMPLE &&
      this.lastRoundMinRtt !== Infinity &&
      this.currentRoundMinRtt !== Infinity
    ) {
      const thresh = Math.min(
        HYSTART_MAX_RTT_THRESH_MS,
        Math.max(HYSTART_MIN_RTT_THRESH_MS, this.lastRoundMinRtt / HYSTART_MIN_RTT_DIVISOR),
      );
      if (this.currentRoundMinRtt >= this.lastRoundMinRtt + thresh) {
        this.cssBaselineMinRtt = this.currentRoundMinRtt;
        this.cssRoundsLeft = HYSTART_CSS_ROUNDS;
      }
    }
  }

  onRoundStart(): void {
    if (this.cssRoundsLeft > 0 && this.cwnd <= this.ssthresh) {
      if (this.rttSamples >= HYSTART_N_RTT_SAMPLE && this.currentRoundMinRtt < this.cssBaselineMinRtt) {
        // The delay increase was spurious: back to slow start (RFC 9406 4.2).
        this.cssRoundsLeft = 0;
        this.cssBaselineMinRtt = Infinity;
      } else if (--this.cssRoundsLeft === 0) {
        // CSS done: congestion avoidance. RFC 9406 sets ssthresh = cwnd, but SCTP stays in
        // slow start while cwnd <= ssthresh (RFC 9260 7.2.1), hence one byte less.
        this.ssthresh = Math.floor(this.cwnd) - 1;
      }
    }
    this.lastRoundMinRtt = this.currentRoundMinRtt;
    this.currentRoundMinRtt = Infinity;
    this.rttSamples = 0;
  }

  onFastRetransmit(): void {
    this.reduce();
    this.cwnd = this.ssthresh;
  }

  onTimeout(): void {
    this.reduce();
    this.cwnd = this.mtu;
  }

  /** RFC 9260 7.2.3, 7.2.4: ssthresh = max(cwnd/2, 4*MTU); a loss also ends CSS. */
  private reduce(): void {
    this.ssthresh = Math.max(Math.floor(this.cwnd / 2), 4 * this.mtu);
    this.partialBytesAcked = 0;
    this.cssRoundsLeft = 0;
  }
}

export const renoController: CongestionControllerFactory = (mtu) => new RenoController(mtu);
