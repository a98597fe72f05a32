import { DecodeError } from '../core/index.js';
import type { DecodeReason } from '../core/index.js';

/** The layer name carried by every SDP `DecodeError`. */
export const SDP_LAYER = 'sdp';

export function sdpError(reason: DecodeReason, message: string): DecodeError {
  return new DecodeError(SDP_LAYER, reason, message);
}

/** The same error with `where` (a line, a section) put in front of its message. */
export function sdpErrorAt(where: string, e: DecodeError): DecodeError {
  const prefix = `${e.layer}: `;
  const text = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return sdpError(e.reason, `${where}: ${text}`);
}
