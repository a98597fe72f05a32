/**
 * Congestion control behind a small interface, so that a different controller (CUBIC, BBR)
 * can replace the default without touching the association.
 *
 * The association tells the controller about acknowledgements, fast-retransmit losses and
 * timeouts; it reads `cwnd` before sending. Flight size is owned by the association.
 */

import { SLOW_START_LIMIT_MTUS, initialCwnd } from './constants.js';

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
}

export interface CongestionControllerFactory {
  (mtu: number): CongestionController;
}

/** RFC 9260 7.2 slow start and congestion avoidance, with the RFC 3465 L=2 growth limit. */
export class RenoController implements CongestionController {
  cwnd: number;
  ssthresh = 0x7fffffff;
  private partialBytesAcked = 0;
  private readonly mtu: number;

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
      if (cumAdvanced && fullyUsed) this.cwnd += Math.min(bytesAcked, SLOW_START_LIMIT_MTUS * this.mtu);
      return;
    }
    // Congestion avoidance: one MTU per window of acknowledged bytes.
    this.partialBytesAcked += bytesAcked;
    if (this.partialBytesAcked >= this.cwnd && fullyUsed) {
      this.partialBytesAcked -= this.cwnd;
      this.cwnd += this.mtu;
    }
  }

  onFastRetransmit(): void {
    this.ssthresh = Math.max(this.cwnd / 2, 4 * this.mtu);
    this.cwnd = this.ssthresh;
    this.partialBytesAcked = 0;
  }

  onTimeout(): void {
    this.ssthresh = Math.max(this.cwnd / 2, 4 * this.mtu);
    this.cwnd = this.mtu;
    this.partialBytesAcked = 0;
  }
}

export const renoController: CongestionControllerFactory = (mtu) => new RenoController(mtu);
