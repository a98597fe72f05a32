/**
 * Typed errors. Every error sansrtc produces is a `SansRtcError` with a stable `code`, so
 * callers branch on codes, never on message text. Decoders do not throw: they return a
 * `Result` whose error side is a `DecodeError`.
 */

export class SansRtcError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SansRtcError';
    this.code = code;
  }
}

/** Why a decoder refused its input. */
export type DecodeReason =
  | 'truncated' // input ended before the structure did
  | 'invalid' // a field holds a value the protocol forbids
  | 'unsupported' // well-formed, but a version or feature we do not implement
  | 'integrity' // a checksum, MAC or signature did not verify
  | 'too-large'; // the input exceeds a bound we enforce

export class DecodeError extends SansRtcError {
  readonly layer: string;
  readonly reason: DecodeReason;
  constructor(layer: string, reason: DecodeReason, message: string) {
    super(`${layer}-${reason}`, `${layer}: ${message}`);
    this.name = 'DecodeError';
    this.layer = layer;
    this.reason = reason;
  }
}

export type Result<T, E = DecodeError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
