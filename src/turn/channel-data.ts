/**
 * ChannelData messages, RFC 8656 12.4:
 *
 *    0                   1                   2                   3
 *   +-------------------------------+-------------------------------+
 *   |         Channel Number        |            Length             |
 *   +-------------------------------+-------------------------------+
 *   /                       Application Data                        /
 *
 * Length counts the application data only. Over UDP padding is optional (RFC 8656 12.5);
 * over TCP and TLS the message is padded to a multiple of four bytes, so `encodeChannelData`
 * takes a `pad` flag for when streams are supported.
 */

import { err, ok } from '../core/index.js';
import type { DecodeError, Result } from '../core/index.js';
import { CHANNEL_DATA_HEADER_SIZE, MAX_CHANNEL, MAX_CHANNEL_DATA_PAYLOAD, MIN_CHANNEL } from './constants.js';
import { turnDecodeError } from './errors.js';

export interface ChannelData {
  readonly channel: number;
  /** A view into the decoded buffer (no copy). */
  readonly data: Uint8Array;
}

/** RFC 8656 12: whether `n` is a channel number a client may bind. */
export function isValidChannel(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_CHANNEL && n <= MAX_CHANNEL;
}

/**
 * Whether `data` looks like a ChannelData message: a full header whose channel number is in
 * the bindable range (which also puts the first byte in RFC 7983's 64..79 TURN range).
 */
export function isTurnChannelData(data: Uint8Array): boolean {
  return data.length >= CHANNEL_DATA_HEADER_SIZE && isValidChannel((data[0]! << 8) | data[1]!);
}

/**
 * Decodes a ChannelData message. RFC 8656 12.5: a datagram shorter than Length + 4 is
 * discarded; bytes after the payload are padding and are ignored.
 */
export function decodeChannelData(buf: Uint8Array): Result<ChannelData, DecodeError> {
  if (buf.length < CHANNEL_DATA_HEADER_SIZE) {
    return err(turnDecodeError('truncated', 'ChannelData shorter than its header'));
  }
  const channel = (buf[0]! << 8) | buf[1]!;
  if (!isValidChannel(channel)) {
    return err(turnDecodeError('invalid', `channel number 0x${channel.toString(16)} out of range`));
  }
  const length = (buf[2]! << 8) | buf[3]!;
  if (buf.length < CHANNEL_DATA_HEADER_SIZE + length) {
    return err(turnDecodeError('truncated', 'ChannelData shorter than its Length field'));
  }
  return ok({
    channel,
    data: buf.subarray(CHANNEL_DATA_HEADER_SIZE, CHANNEL_DATA_HEADER_SIZE + length),
  });
}

/**
 * Encodes a ChannelData message into one new buffer (the only copy of the payload on the
 * send path). `pad` rounds the message up to a multiple of four bytes (RFC 8656 12.5,
 * required over TCP/TLS). Throws RangeError on a caller bug: a channel out of range or a
 * payload over 65535 bytes.
 */
export function encodeChannelData(channel: number, payload: Uint8Array, pad = false): Uint8Array {
  if (!isValidChannel(channel)) throw new RangeError(`channel number ${channel} out of range`);
  if (payload.length > MAX_CHANNEL_DATA_PAYLOAD) throw new RangeError('ChannelData payload too large');
  const size = CHANNEL_DATA_HEADER_SIZE + payload.length;
  const out = new Uint8Array(pad ? (size + 3) & ~3 : size);
  out[0] = channel >>> 8;
  out[1] = channel & 0xff;
  out[2] = payload.length >>> 8;
  out[3] = payload.length & 0xff;
  out.set(payload, CHANNEL_DATA_HEADER_SIZE);
  return out;
}
