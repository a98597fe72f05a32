/** RTCSctpTransport (W3C WebRTC 1.0 section 6.1): the association's limits and state. */

import { defineEventHandlers } from './event-handlers.js';

export type RTCSctpTransportState = 'connecting' | 'connected' | 'closed';

/** What the transport reads from the engine. */
export interface SctpSource {
  readonly remoteMaxMessageSize: number;
  readonly maxChannels: number | null;
  readonly sctpState: RTCSctpTransportState | null;
}

export interface RTCSctpTransport {
  onstatechange: ((this: RTCSctpTransport, ev: Event) => unknown) | null;
}

export class RTCSctpTransport extends EventTarget {
  readonly #source: SctpSource;
  #state: RTCSctpTransportState = 'connecting';

  /** @internal made by RTCPeerConnection. */
  constructor(source: SctpSource) {
    super();
    this.#source = source;
  }

  /** The largest message the remote accepts (its a=max-message-size, 65536 when absent). */
  get maxMessageSize(): number {
    return this.#source.remoteMaxMessageSize;
  }

  /** Streams negotiated in the association; null until it is connected. */
  get maxChannels(): number | null {
    return this.#state === 'connected' ? this.#source.maxChannels : null;
  }

  get state(): RTCSctpTransportState {
    return this.#state;
  }

  /** @internal */
  update(state: RTCSctpTransportState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

defineEventHandlers(RTCSctpTransport.prototype, ['statechange']);
