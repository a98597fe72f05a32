/**
 * Send side of the data path: the send queue, fragmentation (RFC 9260 6.9), TSN and SSN
 * assignment, the retransmission queue with SACK processing (RFC 9260 6.2.1), T3-rtx
 * (6.3), fast retransmit and fast recovery (7.2.4), partial reliability (RFC 3758 3.5) and
 * per-stream buffered amounts.
 *
 * The association pulls chunks with `pull` while it fills packets, so chunks are made only
 * when a packet has room and the windows allow, and user payloads are sent as views (no
 * copy until the packet is written).
 */

import type { Counters } from '../core/counters.js';
import { BoundedQueue } from '../core/queue.js';
import type { Millis } from '../core/time.js';
import type { SackChunk } from './chunks.js';
import { FLAG_BEGIN, FLAG_END, FLAG_UNORDERED } from './chunks.js';
import type { CongestionController } from './congestion.js';
import { DATA_CHUNK_HEADER_SIZE, FAST_RETRANSMIT_THRESHOLD, MAX_QUEUED_MESSAGES_PER_STREAM } from './constants.js';
import { RtoEstimator } from './rto.js';
import { ssnNext, tsnAdd, tsnDiff, tsnLt, tsnLte } from './serial.js';

export interface SendRequest {
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
  readonly unordered: boolean;
  /** RFC 3758 limited retransmissions: abandon after this many retransmissions. */
  readonly maxRetransmits?: number | undefined;
  /** RFC 3758 timed reliability: abandon this many milliseconds after the send. */
  readonly maxLifetime?: number | undefined;
  /** Protocol traffic (DCEP): not counted in the stream's bufferedAmount. */
  readonly control?: boolean | undefined;
}

interface OutMessage {
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
  readonly unordered: boolean;
  readonly control: boolean;
  readonly maxRetransmits: number;
  readonly expiresAt: Millis;
  /** Bytes already cut into chunks. */
  offset: number;
  ssn: number;
  firstTsn: number;
  chunks: number;
  abandoned: boolean;
}

const IN_FLIGHT = 0;
const ACKED = 1;
const RETRANSMIT = 2;
const ABANDONED = 3;

export interface OutChunk {
  readonly tsn: number;
  readonly msg: OutMessage;
  readonly flags: number;
  readonly payload: Uint8Array;
  sentAt: Millis;
  transmissions: number;
  state: number;
  misses: number;
  fastRetransmitted: boolean;
}

interface OutStream {
  readonly id: number;
  nextSsn: number;
  /** Bytes queued but not yet handed to the network (the W3C bufferedAmount). */
  buffered: number;
  lowThreshold: number;
  /** Messages not yet completely cut into chunks, oldest first. */
  readonly queue: BoundedQueue<OutMessage>;
  /** In the round-robin ring of streams with queued messages. */
  scheduled: boolean;
  /** Messages this stream sends per turn of the ring (its priority). */
  weight: number;
  /** Messages left in its current turn. */
  credit: number;
}

export interface BufferedAmountLow {
  readonly type: 'buffered-amount-low';
  readonly streamId: number;
}

export interface EventSink {
  push(e: BufferedAmountLow): void;
}

export class Sender {
  readonly rto = new RtoEstimator();
  /** Highest TSN the peer acknowledged cumulatively. */
  cumAckTsn: number;
  nextTsn: number;
  flightSize = 0;
  /** The peer's last advertised receive window (RFC 9260 6.2.1). */
  peerRwnd: number;
  /** RFC 3758 3.5 Advanced.Peer.Ack.Point. */
  ackPoint: number;
  /** A FORWARD TSN should go out with the next packet. */
  forwardTsnPending = false;
  /** Deadline of the T3-rtx timer (RFC 9260 6.3.2), if running. */
  t3: Millis | undefined;
  /** Consecutive T3 expiries without progress (RFC 9260 8.3 error counter). */
  errorCount = 0;
  /** Let the next packet go out whatever cwnd says (the fast retransmit, RFC 9260 7.2.4). */
  bypassCwnd = false;

  /**
   * Streams with queued messages, served round-robin one message at a time (RFC 8831 6.4
   * asks for a fair scheduler; without I-DATA a message's fragments must go out back to
   * back, RFC 9260 6.9, so the unit is a message).
   */
  private readonly ring: OutStream[] = [];
  private ringAt = 0;
  /** The message being cut into chunks; it finishes before another starts. */
  private current: OutMessage | undefined;
  private queuedMessages = 0;
  private queuedBytes = 0;
  private readonly outstanding: OutChunk[] = [];
  private outHead = 0;
  private retransmitCount = 0;
  /** No chunk below this index of `outstanding` is marked for retransmission. */
  private rtxHint = 0;
  private readonly streams = new Map<number, OutStream>();
  private inFastRecovery = false;
  private fastRecoveryExit = 0;
  private rttProbe: OutChunk | undefined;
  /** The round (RFC 9406 4.2) ends when the cumulative ack reaches this TSN. */
  private roundEnd: number;
  /** Ranges (absolute TSNs, flattened) the previous SACK gap-acked, to skip re-walking them. */
  private prevGaps: number[] = [];

  /** The peer supports FORWARD TSN, so partial reliability is in force (set by `start`). */
  private partialReliability = false;

  constructor(
    initialTsn: number,
    private readonly cc: CongestionController,
    private readonly maxFragment: number,
    private readonly maxQueuedBytes: number,
    private readonly events: EventSink,
    private readonly counters: Counters,
  ) {
    this.nextTsn = initialTsn;
    this.cumAckTsn = tsnAdd(initialTsn, -1);
    this.ackPoint = this.cumAckTsn;
    this.roundEnd = this.cumAckTsn;
    this.peerRwnd = 0;
  }

  /** The association is up: the peer's window and whether it supports FORWARD TSN. */
  start(peerRwnd: number, partialReliability: boolean): void {
    this.peerRwnd = peerRwnd;
    this.partialReliability = partialReliability;
    this.cc.setInitialSsthresh(peerRwnd);
  }

  get cwnd(): number {
    return this.cc.cwnd;
  }

  /** Bytes in the send queue not yet sent (the sum of bufferedAmount over streams). */
  get bufferedBytes(): number {
    return this.queuedBytes;
  }

  /** Whether anything is queued or unacknowledged. */
  get idle(): boolean {
    return this.queuedMessages === 0 && this.outHead === this.outstanding.length;
  }

  bufferedAmount(streamId: number): number {
    return this.streams.get(streamId)?.buffered ?? 0;
  }

  setLowThreshold(streamId: number, bytes: number): void {
    this.stream(streamId).lowThreshold = bytes;
  }

  hasQueued(streamId: number): boolean {
    return (this.streams.get(streamId)?.queue.length ?? 0) > 0;
  }

  /**
   * Weighted round-robin share of a stream: it sends `weight` messages per turn (RFC 8831
   * 6.4 leaves the scheduler to the implementation; the weight comes from the priority).
   */
  setWeight(streamId: number, weight: number): void {
    const s = this.stream(streamId);
    s.weight = Math.max(1, Math.floor(weight));
    s.credit = s.weight;
  }

  /** RFC 6525 5.1.2: after an outgoing reset the stream's SSNs start again at 0. */
  resetSsn(streamId: number): void {
    const s = this.streams.get(streamId);
    if (s) s.nextSsn = 0;
  }

  /** Queues a message; false when the send buffer bound would be exceeded. */
  enqueue(req: SendRequest, now: Millis): boolean {
    const size = req.data.length;
    if (this.queuedBytes + size > this.maxQueuedBytes) return false;
    const s = this.stream(req.streamId);
    const queued = s.queue.push({
      streamId: req.streamId,
      ppid: req.ppid,
      data: req.data,
      unordered: req.unordered,
      control: req.control ?? false,
      maxRetransmits: req.maxRetransmits ?? Infinity,
      expiresAt: req.maxLifetime !== undefined ? now + req.maxLifetime : Infinity,
      offset: 0,
      ssn: 0,
      firstTsn: 0,
      chunks: 0,
      abandoned: false,
    });
    if (!queued) return false;
    if (!s.scheduled) {
      s.scheduled = true;
      this.ring.push(s);
    }
    if (!req.control) s.buffered += size;
    this.queuedMessages++;
    this.queuedBytes += size;
    return true;
  }

  private stream(id: number): OutStream {
    let s = this.streams.get(id);
    if (!s) {
      s = {
        id,
        nextSsn: 0,
        buffered: 0,
        lowThreshold: 0,
        queue: new BoundedQueue(MAX_QUEUED_MESSAGES_PER_STREAM),
        scheduled: false,
        weight: 1,
        credit: 1,
      };
      this.streams.set(id, s);
    }
    return s;
  }

  private unbuffer(m: OutMessage, s: OutStream, bytes: number): void {
    this.queuedBytes -= bytes;
    if (m.control) return;
    const before = s.buffered;
    s.buffered -= bytes;
    if (before > s.lowThreshold && s.buffered <= s.lowThreshold) {
      this.events.push({ type: 'buffered-amount-low', streamId: m.streamId });
    }
  }

  /** The message to cut next: the current one, else the head of the stream whose turn it is. */
  private nextMessage(): OutMessage | undefined {
    if (this.current) return this.current;
    while (this.ring.length > 0) {
      if (this.ringAt >= this.ring.length) this.ringAt = 0;
      const s = this.ring[this.ringAt]!;
      const m = s.queue.peek();
      if (m) return m;
      s.scheduled = false;
      this.ring.splice(this.ringAt, 1);
    }
    return undefined;
  }

  /** `m`, the head of its stream's queue, is fully cut or dropped. */
  private popMessage(m: OutMessage): void {
    this.stream(m.streamId).queue.shift();
    this.queuedMessages--;
    if (this.current === m) this.current = undefined;
  }

  /**
   * The next chunk to put in a packet with `room` bytes left, or undefined. Retransmissions
   * go before new data (RFC 9260 6.1); new data respects cwnd and the peer's window.
   */
  pull(now: Millis, room: number): OutChunk | undefined {
    const cwndOpen = this.flightSize < this.cc.cwnd || this.bypassCwnd;
    if (this.retransmitCount > 0) return cwndOpen ? this.pullRetransmit(now, room) : undefined;
    if (!cwndOpen) return undefined;
    // RFC 9260 6.1 A: respect the peer's window, but allow one chunk when nothing is in
    // flight (the zero window probe).
    const rwnd = this.peerRwnd - this.flightSize;
    for (let m = this.nextMessage(); m; m = this.nextMessage()) {
      if (m.abandoned || (m.offset === 0 && this.partialReliability && now >= m.expiresAt)) {
        // A message abandoned while partly sent, or expired before it was sent (RFC 3758).
        if (m.offset === 0) this.counters.inc('sctp.abandoned-unsent');
        this.unbuffer(m, this.stream(m.streamId), m.data.length - m.offset);
        this.popMessage(m);
        continue;
      }
      const remaining = m.data.length - m.offset;
      const space = room - DATA_CHUNK_HEADER_SIZE;
      let size: number;
      if (remaining <= space && remaining <= this.maxFragment) size = remaining;
      else if (remaining > this.maxFragment && space >= 64) size = Math.min(space, this.maxFragment);
      else return undefined;
      if (size > rwnd && this.flightSize > 0) return undefined;
      return this.cut(m, size, now);
    }
    return undefined;
  }

  private cut(m: OutMessage, size: number, now: Millis): OutChunk {
    const s = this.stream(m.streamId);
    let flags = m.unordered ? FLAG_UNORDERED : 0;
    if (m.offset === 0) {
      flags |= FLAG_BEGIN;
      this.current = m;
      if (--s.credit <= 0) {
        s.credit = s.weight;
        this.ringAt++; // its turn is over: the next message comes from the next stream
      }
      m.firstTsn = this.nextTsn;
      if (!m.unordered) {
        m.ssn = s.nextSsn;
        s.nextSsn = ssnNext(s.nextSsn);
      }
    }
    const payload = m.data.subarray(m.offset, m.offset + size);
    m.offset += size;
    m.chunks++;
    if (m.offset === m.data.length) {
      flags |= FLAG_END;
      this.popMessage(m);
    }
    this.unbuffer(m, s, size);
    const c: OutChunk = {
      tsn: this.nextTsn,
      msg: m,
      flags,
      payload,
      sentAt: now,
      transmissions: 1,
      state: IN_FLIGHT,
      misses: 0,
      fastRetransmitted: false,
    };
    this.nextTsn = tsnAdd(this.nextTsn, 1);
    this.outstanding.push(c);
    this.flightSize += size;
    this.rttProbe ??= c;
    this.t3 ??= now + this.rto.rto;
    return c;
  }

  private pullRetransmit(now: Millis, room: number): OutChunk | undefined {
    const o = this.outstanding;
    for (let i = Math.max(this.outHead, this.rtxHint); i < o.length; i++) {
      const c = o[i]!;
      if (c.state !== RETRANSMIT) continue;
      this.rtxHint = i;
      const m = c.msg;
      // RFC 3758 3.5 A1: abandon instead of retransmitting when the policy says so.
      if (this.partialReliability && (c.transmissions > m.maxRetransmits || now >= m.expiresAt)) {
        this.abandon(m);
        continue;
      }
      if (c.payload.length + DATA_CHUNK_HEADER_SIZE > room) return undefined;
      c.state = IN_FLIGHT;
      c.transmissions++;
      c.misses = 0;
      c.sentAt = now;
      this.retransmitCount--;
      this.flightSize += c.payload.length;
      if (this.rttProbe === c) this.rttProbe = undefined; // Karn's rule
      // RFC 9260 6.3.2 R1 starts T3 if it is not running. When this is the earliest
      // outstanding chunk, restart it too: its acknowledgement is at least a round trip away,
      // and a T3 left from before the loss would expire spuriously during fast recovery.
      if (i === this.outHead || this.t3 === undefined) this.t3 = now + this.rto.rto;
      this.counters.inc('sctp.retransmitted');
      return c;
    }
    return undefined;
  }

  /** RFC 3758 3.5: abandon every chunk of `m` (sent or not) and advance the ack point. */
  private abandon(m: OutMessage): void {
    m.abandoned = true;
    this.counters.inc('sctp.abandoned');
    const base = this.outHead + tsnDiff(m.firstTsn, this.cumAckTsn) - 1;
    for (let i = Math.max(base, this.outHead); i < base + m.chunks && i < this.outstanding.length; i++) {
      const c = this.outstanding[i]!;
      if (c.state === IN_FLIGHT) this.flightSize -= c.payload.length;
      else if (c.state === RETRANSMIT) this.retransmitCount--;
      if (c.state !== ACKED) c.state = ABANDONED;
    }
    this.advanceAckPoint();
  }

  /** RFC 3758 3.5 C2: move the ack point over abandoned chunks. */
  private advanceAckPoint(): void {
    if (tsnLt(this.ackPoint, this.cumAckTsn)) this.ackPoint = this.cumAckTsn;
    const o = this.outstanding;
    let i = this.outHead + tsnDiff(this.ackPoint, this.cumAckTsn);
    const before = this.ackPoint;
    while (i < o.length && (o[i]!.state === ABANDONED || (o[i]!.state === ACKED && o[i]!.msg.abandoned))) {
      this.ackPoint = o[i]!.tsn;
      i++;
    }
    if (this.ackPoint !== before) this.forwardTsnPending = true;
  }

  /**
   * The FORWARD TSN to send (RFC 3758 3.2): the ack point and, per ordered stream, the
   * highest SSN abandoned at or below it, flattened [stream, ssn, ...].
   */
  forwardTsn(): { newCumTsn: number; streams: number[] } {
    const last = new Map<number, number>();
    const end = this.outHead + tsnDiff(this.ackPoint, this.cumAckTsn);
    for (let i = this.outHead; i < end; i++) {
      const m = this.outstanding[i]!.msg;
      if (m.abandoned && !m.unordered) last.set(m.streamId, m.ssn);
    }
    const streams: number[] = [];
    for (const [id, ssn] of last) streams.push(id, ssn);
    this.forwardTsnPending = false;
    return { newCumTsn: this.ackPoint, streams };
  }

  /** Whether the ack point is ahead of the peer's cumulative ack (a FORWARD TSN is owed). */
  get forwardTsnOutstanding(): boolean {
    return tsnLt(this.cumAckTsn, this.ackPoint);
  }

  /** RFC 9260 6.2.1: processes a SACK. Returns whether it acknowledged anything new. */
  onSack(s: SackChunk, now: Millis): boolean {
    const cum = s.cumTsn;
    // 6.2.1 D i: a SACK older than what we have seen is stale (reordered); drop it.
    if (tsnLt(cum, this.cumAckTsn)) {
      this.counters.inc('sctp.stale-sack');
      return false;
    }
    // A SACK for data we never sent is a protocol violation; ignore it.
    if (!tsnLt(cum, this.nextTsn)) {
      this.counters.inc('sctp.sack-beyond-sent');
      return false;
    }
    const flightBefore = this.flightSize;
    let bytesAcked = 0;
    let highestNewlyAcked: number | undefined;
    const cumAdvanced = cum !== this.cumAckTsn;
    const o = this.outstanding;
    // Cumulative part.
    while (this.outHead < o.length && tsnLte(o[this.outHead]!.tsn, cum)) {
      const c = o[this.outHead]!;
      bytesAcked += this.ack(c, now);
      o[this.outHead] = undefined as unknown as OutChunk;
      this.outHead++;
      highestNewlyAcked = c.tsn;
    }
    this.cumAckTsn = cum;
    if (cumAdvanced && tsnLte(this.roundEnd, cum)) {
      this.roundEnd = tsnAdd(this.nextTsn, -1);
      this.cc.onRoundStart();
    }
    if (this.outHead === o.length) {
      o.length = 0;
      this.outHead = 0;
    } else if (this.outHead > 1024 && this.outHead * 2 > o.length) {
      o.splice(0, this.outHead);
      this.outHead = 0;
    }
    this.rtxHint = 0;
    // Gap ack blocks: walk only the parts not acked by the previous SACK.
    const gaps = s.gaps;
    const prev = this.prevGaps;
    const next: number[] = [];
    let p = 0;
    for (let g = 0; g < gaps.length; g += 2) {
      const start = tsnAdd(cum, gaps[g]!);
      const end = tsnAdd(cum, gaps[g + 1]!);
      if (!tsnLt(end, this.nextTsn)) break; // beyond what we sent: malformed
      next.push(start, end);
      let t = start;
      while (tsnLte(t, end)) {
        while (p < prev.length && tsnLt(prev[p + 1]!, t)) p += 2;
        if (p < prev.length && tsnLte(prev[p]!, t)) {
          t = tsnAdd(prev[p + 1]!, 1); // already acked by the previous SACK
          continue;
        }
        const stop = p < prev.length && tsnLte(prev[p]!, end) ? tsnAdd(prev[p]!, -1) : end;
        for (; tsnLte(t, stop); t = tsnAdd(t, 1)) {
          const c = o[this.outHead + tsnDiff(t, cum) - 1];
          if (c && c.state !== ACKED) {
            bytesAcked += this.ack(c, now);
            highestNewlyAcked = t;
          }
        }
      }
    }
    this.prevGaps = next;
    if (bytesAcked > 0 || cumAdvanced) this.errorCount = 0;
    this.peerRwnd = s.aRwnd;

    // Fast recovery ends when the cumulative ack reaches its exit point (RFC 9260 7.2.4).
    if (this.inFastRecovery && tsnLte(this.fastRecoveryExit, cum)) this.inFastRecovery = false;
    if (highestNewlyAcked !== undefined) this.countMisses(next, cum, highestNewlyAcked, cumAdvanced, now);
    this.cc.onAck(bytesAcked, flightBefore, cumAdvanced, this.inFastRecovery, now);

    // RFC 9260 6.3.2 R2, R3: stop T3 when nothing is outstanding; restart it when the
    // cumulative ack advanced.
    if (this.partialReliability) {
      this.advanceAckPoint();
      // RFC 3758 3.5 C3: while the peer's cumulative ack is behind the ack point, every SACK
      // is answered with a FORWARD TSN (the previous one may have been lost).
      if (this.forwardTsnOutstanding) this.forwardTsnPending = true;
    }
    if (this.flightSize === 0 && this.retransmitCount === 0 && !this.forwardTsnOutstanding) this.t3 = undefined;
    else if (cumAdvanced) this.t3 = now + this.rto.rto;
    return bytesAcked > 0 || cumAdvanced;
  }

  private ack(c: OutChunk, now: Millis): number {
    const size = c.payload.length;
    if (c.state === IN_FLIGHT) this.flightSize -= size;
    else if (c.state === RETRANSMIT) this.retransmitCount--;
    const wasAbandoned = c.state === ABANDONED;
    c.state = ACKED;
    if (c.transmissions === 1 && !wasAbandoned) this.cc.onRttSample(now - c.sentAt);
    if (this.rttProbe === c) {
      // RFC 6298 3 (Karn): only chunks sent once give samples.
      if (c.transmissions === 1) this.rto.sample(now - c.sentAt);
      this.rttProbe = undefined;
    }
    return wasAbandoned ? 0 : size;
  }

  /**
   * RFC 9260 7.2.4 with HTNA: each TSN reported missing below the highest newly acked TSN
   * gets a miss indication; at three it is marked for fast retransmit.
   */
  private countMisses(
    gaps: readonly number[],
    cum: number,
    highestNewlyAcked: number,
    cumAdvanced: boolean,
    now: Millis,
  ): void {
    if (gaps.length === 0) return;
    // In fast recovery, a SACK that advances the cumulative ack counts every reported hole.
    const limit = this.inFastRecovery && cumAdvanced ? gaps[gaps.length - 1]! : highestNewlyAcked;
    const o = this.outstanding;
    let marked = false;
    let holeStart = tsnAdd(cum, 1);
    for (let g = 0; g < gaps.length; g += 2) {
      const holeEnd = tsnAdd(gaps[g]!, -1);
      for (let t = holeStart; tsnLte(t, holeEnd) && tsnLt(t, limit); t = tsnAdd(t, 1)) {
        const c = o[this.outHead + tsnDiff(t, cum) - 1];
        if (!c || c.state !== IN_FLIGHT || c.fastRetransmitted) continue;
        if (++c.misses >= FAST_RETRANSMIT_THRESHOLD) {
          this.rtxHint = Math.min(this.rtxHint, this.outHead + tsnDiff(t, cum) - 1);
          c.state = RETRANSMIT;
          c.fastRetransmitted = true;
          this.flightSize -= c.payload.length;
          this.retransmitCount++;
          marked = true;
        }
      }
      holeStart = tsnAdd(gaps[g + 1]!, 1);
    }
    if (marked) {
      this.counters.inc('sctp.fast-retransmit');
      if (!this.inFastRecovery) {
        this.inFastRecovery = true;
        this.fastRecoveryExit = tsnAdd(this.nextTsn, -1);
        this.cc.onFastRetransmit(now);
      }
      this.bypassCwnd = true;
    }
  }

  /** RFC 9260 6.3.3: the T3-rtx timer expired. Returns false when there was nothing to do. */
  onT3Expired(now: Millis): boolean {
    if (this.t3 === undefined || now < this.t3) return false;
    this.t3 = undefined;
    this.counters.inc('sctp.t3-expired');
    this.rto.backOff(); // E2
    this.cc.onTimeout(now); // E1
    this.inFastRecovery = false;
    this.errorCount++;
    this.rttProbe = undefined;
    this.rtxHint = 0;
    const o = this.outstanding;
    for (let i = this.outHead; i < o.length; i++) {
      const c = o[i]!;
      if (c.state !== IN_FLIGHT) continue;
      c.state = RETRANSMIT;
      this.flightSize -= c.payload.length;
      this.retransmitCount++;
    }
    if (this.forwardTsnOutstanding) this.forwardTsnPending = true;
    if (this.retransmitCount === 0 && this.forwardTsnPending) this.t3 = now + this.rto.rto;
    this.counters.inc('sctp.t3-expired');
    return true;
  }

  /** Starts T3 for a FORWARD TSN just sent if it is not running (RFC 3758 3.5 C3). */
  armT3(now: Millis): void {
    this.t3 ??= now + this.rto.rto;
  }
}
