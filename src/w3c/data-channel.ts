/**
 * RTCDataChannel (W3C WebRTC 1.0 section 6.2) over a channel of the sans-IO PeerConnection
 * engine. The connection owns the engine and calls `deliver` with the engine's channel events;
 * the channel updates its state first and then fires the event, as the spec's tasks do.
 *
 * `binaryType` defaults to "arraybuffer", as in wrtc and node-datachannel's polyfill (browsers
 * default to "blob"); "blob" is supported.
 */

import { Slab, utf8Decode, utf8Encode } from '../core/index.js';
import { invalidStateError } from './errors.js';
import { defineEventHandlers } from './event-handlers.js';
import { RTCErrorEvent } from './events.js';
import type { RTCError } from './errors.js';
import type { ChannelInfo, ChannelPriority, DataChannelInit } from '../peer/index.js';

export type RTCDataChannelState = 'connecting' | 'open' | 'closing' | 'closed';
export type RTCPriorityType = ChannelPriority;
export type BinaryType = 'arraybuffer' | 'blob';

/** W3C 6.1 RTCDataChannelInit: the engine's DataChannelInit is exactly this dictionary. */
export type RTCDataChannelInit = DataChannelInit;

/** The channel attributes the engine reports. */
export type ChannelSnapshot = ChannelInfo;

/** @internal what a channel needs from its connection. */
export interface ChannelHost {
  /** Sends on the engine; throws the W3C exception for a refusal. */
  sendOnChannel(handle: number, data: Uint8Array, binary: boolean): void;
  closeChannel(handle: number): void;
  channelInfo(handle: number): ChannelSnapshot | undefined;
  setChannelThreshold(handle: number, bytes: number): void;
  readonly maxMessageSize: number;
}

/** The engine events a channel reacts to. */
export type ChannelEvent =
  | { type: 'channel-open' }
  | { type: 'channel-message'; data: Uint8Array; binary: boolean }
  | { type: 'channel-buffered-amount-low' }
  | { type: 'channel-closing' }
  | { type: 'channel-closed' }
  | { type: 'channel-error'; error: RTCError };

export interface RTCDataChannel {
  onopen: ((this: RTCDataChannel, ev: Event) => unknown) | null;
  onmessage: ((this: RTCDataChannel, ev: MessageEvent) => unknown) | null;
  onbufferedamountlow: ((this: RTCDataChannel, ev: Event) => unknown) | null;
  onerror: ((this: RTCDataChannel, ev: RTCErrorEvent) => unknown) | null;
  onclosing: ((this: RTCDataChannel, ev: Event) => unknown) | null;
  onclose: ((this: RTCDataChannel, ev: Event) => unknown) | null;
}

export class RTCDataChannel extends EventTarget {
  readonly #host: ChannelHost;
  readonly #handle: number;
  readonly #static: ChannelSnapshot;
  #state: RTCDataChannelState;
  #binaryType: BinaryType = 'arraybuffer';
  #openAnnounced = false;
  /** Blobs being read before they can be sent, in order; their bytes count as buffered. */
  #blobChain: Promise<void> | undefined;
  #blobBytes = 0;

  /** @internal made by RTCPeerConnection. */
  constructor(host: ChannelHost, handle: number, snapshot: ChannelSnapshot) {
    super();
    this.#host = host;
    this.#handle = handle;
    this.#static = snapshot;
    this.#state = snapshot.readyState;
  }

  get label(): string {
    return this.#static.label;
  }
  get ordered(): boolean {
    return this.#static.ordered;
  }
  get maxPacketLifeTime(): number | null {
    return this.#static.maxPacketLifeTime;
  }
  get maxRetransmits(): number | null {
    return this.#static.maxRetransmits;
  }
  get protocol(): string {
    return this.#static.protocol;
  }
  get negotiated(): boolean {
    return this.#static.negotiated;
  }
  get priority(): RTCPriorityType {
    return this.#static.priority;
  }
  /** The SCTP stream id; null until the DTLS role decides it (W3C 6.2 "id"). */
  get id(): number | null {
    return this.#host.channelInfo(this.#handle)?.id ?? this.#static.id;
  }
  get readyState(): RTCDataChannelState {
    return this.#state;
  }
  get bufferedAmount(): number {
    return (this.#host.channelInfo(this.#handle)?.bufferedAmount ?? 0) + this.#blobBytes;
  }
  get bufferedAmountLowThreshold(): number {
    return this.#host.channelInfo(this.#handle)?.bufferedAmountLowThreshold ?? 0;
  }
  set bufferedAmountLowThreshold(bytes: number) {
    // WebIDL unsigned long: wrap, as browsers do.
    this.#host.setChannelThreshold(this.#handle, Number(bytes) >>> 0);
  }
  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(t: BinaryType) {
    // W3C 6.2: an unknown value is ignored (the IDL enum setter does not throw).
    if (t === 'arraybuffer' || t === 'blob') this.#binaryType = t;
  }

  /** W3C 6.2 send(): strings as UTF-8 (PPID 51), everything else as binary (PPID 53). */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.#state !== 'open') throw invalidStateError(`RTCDataChannel.send: readyState is ${this.#state}`);
    if (typeof data === 'string') return this.#sendBytes(utf8Encode(data), false);
    // The engine queues what it is given without copying; the caller may reuse its buffer
    // as soon as send() returns, so binary data is copied here, once.
    if (data instanceof ArrayBuffer) return this.#sendBytes(sendSlab.copy(new Uint8Array(data)), true);
    if (ArrayBuffer.isView(data)) return this.#sendBytes(sendSlab.copy(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)), true);
    if (typeof Blob !== 'undefined' && data instanceof Blob) return this.#sendBlob(data);
    // WebIDL would stringify anything else.
    return this.#sendBytes(utf8Encode(String(data)), false);
  }

  close(): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#host.closeChannel(this.#handle);
  }

  #sendBytes(bytes: Uint8Array, binary: boolean): void {
    if (bytes.length > this.#host.maxMessageSize) {
      throw new TypeError(`RTCDataChannel.send: ${bytes.length} bytes exceed the remote's max-message-size ${this.#host.maxMessageSize}`);
    }
    if (this.#blobChain) {
      // Keep order behind a Blob still being read.
      this.#blobBytes += bytes.length;
      this.#enqueue(async () => {
        this.#blobBytes -= bytes.length;
        return { bytes, binary };
      });
      return;
    }
    this.#host.sendOnChannel(this.#handle, bytes, binary);
  }

  #sendBlob(blob: Blob): void {
    if (blob.size > this.#host.maxMessageSize) {
      throw new TypeError(`RTCDataChannel.send: ${blob.size} bytes exceed the remote's max-message-size ${this.#host.maxMessageSize}`);
    }
    this.#blobBytes += blob.size;
    this.#enqueue(async () => {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      this.#blobBytes -= blob.size;
      return { bytes, binary: true };
    });
  }

  /** Appends a send that must wait for earlier Blob reads, preserving order. */
  #enqueue(read: () => Promise<{ bytes: Uint8Array; binary: boolean }>): void {
    const prev = this.#blobChain ?? Promise.resolve();
    const next = prev
      .then(read)
      .then(({ bytes, binary }) => {
        if (this.#state === 'open') this.#host.sendOnChannel(this.#handle, bytes, binary);
      })
      .catch((e: unknown) => {
        this.#state = 'closed';
        this.dispatchEvent(new Event('close'));
        void e;
      })
      .finally(() => {
        if (this.#blobChain === next) this.#blobChain = undefined;
      });
    this.#blobChain = next;
  }

  /** @internal whether this channel has fired open (for RTCPeerConnectionStats). */
  get announcedOpen(): boolean {
    return this.#openAnnounced;
  }

  /** @internal an engine event for this channel; state first, then the event (W3C 6.2). */
  deliver(ev: ChannelEvent): void {
    switch (ev.type) {
      case 'channel-open':
        // W3C 6.2 "announce a data channel": a channel the remote opened is already "open"
        // when datachannel fires, and its open event still follows, once.
        if (this.#openAnnounced || (this.#state !== 'connecting' && this.#state !== 'open')) return;
        this.#openAnnounced = true;
        this.#state = 'open';
        this.dispatchEvent(new Event('open'));
        return;
      case 'channel-message': {
        if (this.#state !== 'open' && this.#state !== 'closing') return;
        let data: string | ArrayBuffer | Blob;
        if (!ev.binary) data = utf8Decode(ev.data);
        else if (this.#binaryType === 'blob') data = new Blob([ev.data as Uint8Array<ArrayBuffer>]);
        else data = toArrayBuffer(ev.data);
        this.dispatchEvent(new MessageEvent('message', { data }));
        return;
      }
      case 'channel-buffered-amount-low':
        this.dispatchEvent(new Event('bufferedamountlow'));
        return;
      case 'channel-closing':
        if (this.#state === 'closed') return;
        this.#state = 'closing';
        this.dispatchEvent(new Event('closing'));
        return;
      case 'channel-closed':
        if (this.#state === 'closed') return;
        this.#state = 'closed';
        this.dispatchEvent(new Event('close'));
        return;
      case 'channel-error':
        this.dispatchEvent(new RTCErrorEvent('error', { error: ev.error }));
        return;
    }
  }

  /** @internal the connection closed: W3C 4.4.1.6 close() sets every channel to closed. */
  abort(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.dispatchEvent(new Event('close'));
  }
}

/**
 * A fresh ArrayBuffer with the bytes: the engine hands out views that may share a buffer it
 * owns, and a message's ArrayBuffer belongs to the application.
 */
/**
 * Where copies of sent messages are carved from. A fresh ArrayBuffer per message costs about
 * 1 µs on V8 (allocation, backing-store bookkeeping, finalization in GC), more than the whole
 * SCTP path of a 100-byte message; a view into a 64 KiB slab costs about 0.2 µs. A copy
 * lives until SCTP has the message acknowledged (or abandoned), so a slab is pinned only
 * while messages carved from it are in flight; messages larger than a slab get their own.
 */
const sendSlab = new Slab();

/**
 * A message's own ArrayBuffer (W3C: `data` is an ArrayBuffer). A reassembled message already
 * is one (the engine gives it to us, src/peer/types.ts), so it goes out without a copy;
 * a view into a datagram is copied (allocate + set beats slice).
 */
function toArrayBuffer(view: Uint8Array): ArrayBuffer {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) return view.buffer;
  const out = new ArrayBuffer(view.length);
  new Uint8Array(out).set(view);
  return out;
}

defineEventHandlers(RTCDataChannel.prototype, ['open', 'message', 'bufferedamountlow', 'error', 'closing', 'close']);
