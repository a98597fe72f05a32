import { DecodeError } from '../core/index.js';
import type { DecodeReason } from '../core/index.js';

/** The layer name carried by every SDP `DecodeError`. */
export const SDP_LAYER = 'sdp';

export function sdpError(reason: DecodeReason, message: string): DecodeError {
  return new DecodeError(SDP_LAYER, reason, message);
}
