/**
 * Stream reset (RFC 6525) as WebRTC uses it to close data channels (RFC 8831 6.7): outgoing
 * SSN reset requests for our streams, and the peer's requests for its streams, with
 * request sequence numbers, retransmission, deferral and duplicate detection.
 */

import type { Millis } from '../core/time.js';
import { ReconfigResult, type Chunk, type ReconfigParam } from './chunks.js';
import { MAX_STREAMS_PER_RESET } from './constants.js';
import { tsnAdd, tsnLte } from './serial.js';

interface Request {
  readonly requestSeq: number;
  readonly streamIds: readonly number[];
  readonly lastTsn: number;
}

/** What stream reset needs from the association. */
export interface StreamResetHost {
  /** Whether messages of `streamId` wait in the send queue. */
  hasQueued(streamId: number): boolean;
  /** The next TSN the sender assigns. */
  readonly nextTsn: number;
  /** The receiver's cumulative TSN. */
  readonly cumTsn: number;
  readonly rto: Millis;
  /** Our outgoing stream was reset: its SSNs start again at 0. */
  resetOutgoing(streamId: number): void;
  /** The peer's outgoing stream was reset: expect SSN 0 next. */
  resetIncoming(streamId: number): void;
  /** Queue a control chunk for the next packet. */
  sendControl(chunk: Chunk): void;
  /** A reset completed ('outgoing': ours, 'incoming': the peer's). */
  resetDone(direction: 'incoming' | 'outgoing', streamIds: readonly number[]): void;
  /** The peer refused a request. */
  resetRefused(streamIds: readonly number[], result: number): void;
}

export class StreamResets {
  /** Retransmission deadline of the request in flight. */
  timer: Millis | undefined;
  private nextRequestSeq: number;
  private peerNextRequestSeq: number;
  private lastResponse: { seq: number; result: number } | undefined;
  private queue: number[] = [];
  private inFlight: Request | undefined;
  private deferred: Request | undefined;
  private readonly host: StreamResetHost;

  /** RFC 6525 5.1.1: our request sequence numbers start at our initial TSN. */
  constructor(host: StreamResetHost, localInitialTsn: number) {
    this.host = host;
    this.nextRequestSeq = localInitialTsn;
    this.peerNextRequestSeq = 0;
  }

  /** RFC 6525 5.2.1: the peer's request sequence numbers start at its initial TSN. */
  setPeerInitialTsn(tsn: number): void {
    this.peerNextRequestSeq = tsn;
  }

  /** Streams waiting for a request. */
  get pending(): readonly number[] {
    return this.queue;
  }

  /** Forgets the streams waiting for a request (the peer cannot reset streams). */
  clearPending(): void {
    this.queue = [];
  }

  /** Asks to reset our outgoing `streamIds` once their queued data has gone out. */
  request(streamIds: readonly number[]): void {
    for (const id of streamIds) if (!this.queue.includes(id)) this.queue.push(id);
  }

  /** Sends the next request if none is in flight and some stream is ready. */
  start(now: Millis): void {
    if (this.inFlight || this.queue.length === 0) return;
    // RFC 6525 5.1.2: a stream is reset after all data queued on it, so only streams with
    // nothing left in the send queue go into this request.
    const ready: number[] = [];
    const waiting: number[] = [];
    for (const id of this.queue) {
      if (ready.length < MAX_STREAMS_PER_RESET && !this.host.hasQueued(id)) ready.push(id);
      else waiting.push(id);
    }
    if (ready.length === 0) return;
    this.queue = waiting;
    this.inFlight = { requestSeq: this.nextRequestSeq, streamIds: ready, lastTsn: tsnAdd(this.host.nextTsn, -1) };
    this.nextRequestSeq = tsnAdd(this.nextRequestSeq, 1);
    this.send(now, this.inFlight);
  }

  /** RFC 6525 5.1.1: retransmit the request when its timer (one RTO) expires. */
  onTimeout(now: Millis): void {
    if (this.timer === undefined || now < this.timer) return;
    this.timer = undefined;
    if (this.inFlight) this.send(now, this.inFlight);
  }

  private send(now: Millis, r: Request): void {
    this.host.sendControl({
      type: 'reconfig',
      params: [
        {
          kind: 'outgoing-reset',
          requestSeq: r.requestSeq,
          responseSeq: tsnAdd(this.peerNextRequestSeq, -1),
          lastTsn: r.lastTsn,
          streamIds: r.streamIds,
        },
      ],
    });
    this.timer = now + this.host.rto;
  }

  /** A RE-CONFIG chunk from the peer. Returns the counter to bump for parameters we ignore. */
  onReconfig(now: Millis, params: readonly ReconfigParam[]): number {
    const responses: ReconfigParam[] = [];
    let unknown = 0;
    for (const p of params) {
      switch (p.kind) {
        case 'outgoing-reset':
          responses.push({ kind: 'response', responseSeq: p.requestSeq, result: this.onPeerRequest(p) });
          break;
        case 'incoming-reset':
          // We never ask the peer to reset; answering its requests to reset ours is not
          // supported (WebRTC peers reset their own outgoing streams, RFC 8831 6.7).
          responses.push({ kind: 'response', responseSeq: p.requestSeq, result: ReconfigResult.DENIED });
          break;
        case 'response':
          this.onResponse(now, p.responseSeq, p.result);
          break;
        case 'unknown':
          unknown++;
          break;
      }
    }
    if (responses.length) this.host.sendControl({ type: 'reconfig', params: responses });
    return unknown;
  }

  /** RFC 6525 5.2.2: the peer resets its outgoing (our incoming) streams. */
  private onPeerRequest(p: Extract<ReconfigParam, { kind: 'outgoing-reset' }>): number {
    if (p.requestSeq === tsnAdd(this.peerNextRequestSeq, -1) && this.lastResponse?.seq === p.requestSeq) {
      // A retransmission: repeat the answer (which may have become "performed" meanwhile).
      return this.lastResponse.result;
    }
    if (p.requestSeq !== this.peerNextRequestSeq) return ReconfigResult.ERROR_BAD_SEQUENCE;
    this.peerNextRequestSeq = tsnAdd(p.requestSeq, 1);
    const req = { requestSeq: p.requestSeq, streamIds: p.streamIds, lastTsn: p.lastTsn };
    let result: number = ReconfigResult.SUCCESS_PERFORMED;
    if (tsnLte(p.lastTsn, this.host.cumTsn)) this.perform(req);
    else {
      // Deferred until every TSN up to lastTsn has arrived; the peer asks again.
      this.deferred = req;
      result = ReconfigResult.IN_PROGRESS;
    }
    this.lastResponse = { seq: p.requestSeq, result };
    return result;
  }

  /** The cumulative TSN moved: perform a deferred reset whose data has all arrived. */
  onCumTsn(): void {
    const d = this.deferred;
    if (!d || !tsnLte(d.lastTsn, this.host.cumTsn)) return;
    this.deferred = undefined;
    this.perform(d);
    if (this.lastResponse?.seq === d.requestSeq) this.lastResponse.result = ReconfigResult.SUCCESS_PERFORMED;
  }

  private perform(r: Request): void {
    for (const id of r.streamIds) this.host.resetIncoming(id);
    this.host.resetDone('incoming', r.streamIds);
  }

  private onResponse(now: Millis, seq: number, result: number): void {
    const r = this.inFlight;
    if (!r || seq !== r.requestSeq) return;
    if (result === ReconfigResult.IN_PROGRESS) {
      this.timer = now + this.host.rto; // ask again later
      return;
    }
    this.inFlight = undefined;
    this.timer = undefined;
    if (result === ReconfigResult.SUCCESS_PERFORMED || result === ReconfigResult.SUCCESS_NOTHING) {
      for (const id of r.streamIds) this.host.resetOutgoing(id);
      this.host.resetDone('outgoing', r.streamIds);
    } else {
      this.host.resetRefused(r.streamIds, result);
    }
    this.start(now);
  }
}
