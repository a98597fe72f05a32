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
  CUBIC_ALPHA,
  CUBIC_BETA,
  CUBIC_C,
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
  onAck(bytesAcked: number, flightBefore: number, cumAdvanced: boolean, inFastRecovery: boolean, now: Millis): void;
  /** Fast retransmit: entering fast recovery (RFC 9260 7.2.4). */
  onFastRetransmit(now: Millis): void;
  /** The T3-rtx timer expired (RFC 9260 7.2.3). */
  onTimeout(now: Millis): void;
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
 * Slow start as RFC 9260 7.2.1 with the RFC 3465 L=2 growth limit and HyStart++ (RFC 9406)
 * to leave it on rising delay rather than on a burst of loss. Subclasses give congestion
 * avoidance and the response to loss.
 */
abstract class SlowStart implements CongestionController {
  cwnd: number;
  ssthresh = 0x7fffffff;
  protected readonly mtu: number;
  /** Smallest RTT seen, for controllers that need one. */
  protected minRtt = Infinity;
  // HyStart++ state (RFC 9406 4.2).
  private lastRoundMinRtt = Infinity;
  private currentRoundMinRtt = Infinity;
  private rttSamples = 0;
  /** Rounds left in Conservative Slow Start, or 0 when not in CSS. */
  private cssRoundsLeft = 0;
  private cssBaselineMinRtt = Infinity;
  /** RFC 9406 4.1: HyStart++ runs in the initial slow start only, not after a loss. */
  private initialSlowStart = true;

  constructor(mtu: number) {
    this.mtu = mtu;
    this.cwnd = initialCwnd(mtu);
  }

  setInitialSsthresh(bytes: number): void {
    this.ssthresh = bytes;
  }

  onAck(bytesAcked: number, flightBefore: number, cumAdvanced: boolean, inFastRecovery: boolean, now: Millis): void {
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
    if (fullyUsed) this.avoid(bytesAcked, now);
  }

  /** Congestion avoidance growth for `bytesAcked` newly acknowledged bytes. */
  protected abstract avoid(bytesAcked: number, now: Millis): void;
  /** A loss: set ssthresh (and any controller state); the caller then sets cwnd. */
  protected abstract reduce(now: Millis): void;

  onRttSample(rtt: Millis): void {
    if (rtt < this.minRtt) this.minRtt = rtt;
    if (!this.initialSlowStart || this.cwnd > this.ssthresh) return;
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
        this.initialSlowStart = false;
      }
    }
    this.lastRoundMinRtt = this.currentRoundMinRtt;
    this.currentRoundMinRtt = Infinity;
    this.rttSamples = 0;
  }

  onFastRetransmit(now: Millis): void {
    this.cssRoundsLeft = 0;
    this.initialSlowStart = false;
    this.reduce(now);
    this.cwnd = this.ssthresh;
  }

  onTimeout(now: Millis): void {
    this.cssRoundsLeft = 0;
    this.initialSlowStart = false;
    this.reduce(now);
    this.cwnd = this.mtu;
  }
}

/** RFC 9260 7.2: Reno-style congestion avoidance (one MTU per window) and halving on loss. */
export class RenoController extends SlowStart {
  private partialBytesAcked = 0;

  protected avoid(bytesAcked: number): void {
    this.partialBytesAcked += bytesAcked;
    if (this.partialBytesAcked >= this.cwnd) {
      this.partialBytesAcked -= this.cwnd;
      this.cwnd += this.mtu;
    }
  }

  /** RFC 9260 7.2.3, 7.2.4: ssthresh = max(cwnd/2, 4*MTU). */
  protected reduce(): void {
    this.ssthresh = Math.max(Math.floor(this.cwnd / 2), 4 * this.mtu);
    this.partialBytesAcked = 0;
  }
}

/**
 * CUBIC (RFC 9438) congestion avoidance: after a loss the window grows back along a cubic
 * curve in wall-clock time, fast far from the last maximum and flat near it, and it backs
 * off to 0.7 instead of 0.5. On paths with a large bandwidth-delay product it regains the
 * link in seconds where Reno's one MTU per round trip takes minutes.
 */
export class CubicController extends SlowStart {
  /** W_max (RFC 9438 4.2), in MTUs. */
  private wMax = 0;
  /** Time of the last reduction (start of the epoch), or undefined before the first ack. */
  private epochStart: Millis | undefined;
  private k = 0;
  /** The Reno-friendly estimate W_est (RFC 9438 4.3), in MTUs. */
  private wEst = 0;

  protected avoid(bytesAcked: number, now: Millis): void {
    const mtus = this.cwnd / this.mtu;
    if (this.epochStart === undefined) {
      // First congestion avoidance ack of an epoch (RFC 9438 4.2, 4.8 after a timeout).
      this.epochStart = now;
      if (this.wMax < mtus) {
        this.wMax = mtus;
        this.k = 0;
      } else {
        this.k = Math.cbrt((this.wMax - mtus) / CUBIC_C);
      }
      this.wEst = mtus;
    }
    const acked = bytesAcked / this.mtu;
    // RFC 9438 4.3: the Reno-friendly region.
    this.wEst += CUBIC_ALPHA * (acked / mtus);
    const rtt = this.minRtt === Infinity ? 100 : this.minRtt;
    const t = (now - this.epochStart + rtt) / 1000;
    const wCubic = CUBIC_C * (t - this.k) ** 3 + this.wMax;
    let target: number;
    if (wCubic < this.wEst) target = this.wEst;
    else target = Math.min(Math.max(wCubic, mtus), 1.5 * mtus); // RFC 9438 4.4
    // Grow by (target - cwnd) / cwnd per MTU acknowledged.
    const next = mtus + (Math.max(0, target - mtus) * acked) / mtus;
    this.cwnd = Math.max(this.cwnd, next * this.mtu);
  }

  /** RFC 9438 4.6, 4.7: remember W_max (with fast convergence) and back off to beta. */
  protected reduce(): void {
    const mtus = this.cwnd / this.mtu;
    this.wMax = mtus < this.wMax ? (mtus * (1 + CUBIC_BETA)) / 2 : mtus;
    this.ssthresh = Math.max(Math.floor(this.cwnd * CUBIC_BETA), 4 * this.mtu);
    this.epochStart = undefined;
  }
}

export const renoController: CongestionControllerFactory = (mtu) => new RenoController(mtu);
export const cubicController: CongestionControllerFactory = (mtu) => new CubicController(mtu);
