/**
 * The event classes of the W3C WebRTC API (data-channel subset), built on Node's global
 * `Event`, so that `addEventListener` and `on...` handlers see the shapes browsers give.
 */

import type { RTCError } from './errors.js';
import type { RTCIceCandidate } from './ice-candidate.js';

export class RTCPeerConnectionIceEvent extends Event {
  readonly candidate: RTCIceCandidate | null;
  /** Deprecated in the spec but still read by some libraries. */
  readonly url: string | null;

  constructor(type: string, init: EventInit & { candidate?: RTCIceCandidate | null; url?: string | null } = {}) {
    super(type, init);
    this.candidate = init.candidate ?? null;
    this.url = init.url ?? null;
  }
}

export class RTCPeerConnectionIceErrorEvent extends Event {
  readonly address: string | null;
  readonly port: number | null;
  readonly url: string;
  readonly errorCode: number;
  readonly errorText: string;

  constructor(
    type: string,
    init: EventInit & { address?: string | null; port?: number | null; url?: string; errorCode: number; errorText?: string },
  ) {
    super(type, init);
    this.address = init.address ?? null;
    this.port = init.port ?? null;
    this.url = init.url ?? '';
    this.errorCode = init.errorCode;
    this.errorText = init.errorText ?? '';
  }
}

/** Generic over the channel class so this module does not import it (no cycle). */
export class RTCDataChannelEvent<C = unknown> extends Event {
  readonly channel: C;

  constructor(type: string, init: EventInit & { channel: C }) {
    super(type, init);
    this.channel = init.channel;
  }
}

export class RTCErrorEvent extends Event {
  readonly error: RTCError;

  constructor(type: string, init: EventInit & { error: RTCError }) {
    super(type, init);
    this.error = init.error;
  }
}
