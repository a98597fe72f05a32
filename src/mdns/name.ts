/**
 * Domain names on the wire (RFC 1035 3.1, 4.1.4): a sequence of length-prefixed labels
 * ending in a zero octet, where a two-byte pointer (top bits 11) may stand in for the rest
 * of a name written earlier in the message. Labels are UTF-8 (RFC 6762 16) and compare
 * case-insensitively for ASCII (RFC 6762 16, RFC 1035 2.3.3).
 */

import { type ByteWriter, DecodeError, type Result, err, ok, utf8DecodeStrict, utf8Encode } from '../core/index.js';
import { MAX_LABEL_BYTES, MAX_NAME_BYTES, MAX_POINTER_JUMPS } from './constants.js';

const LAYER = 'mdns';
const POINTER = 0xc0;
/** Offsets above this cannot be the target of a 14-bit pointer. */
const MAX_POINTER_OFFSET = 0x3fff;

/** The name as we compare it: ASCII lower case, no trailing dot. */
export function normalizeName(name: string): string {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

function labelsOf(name: string): string[] {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed === '' ? [] : trimmed.split('.');
}

/** Whether `name` can be written on the wire (labels of 1..63 octets, 255 in all). */
export function isValidDnsName(name: string): boolean {
  let total = 1;
  for (const label of labelsOf(name)) {
    const n = utf8Encode(label).length;
    if (n === 0 || n > MAX_LABEL_BYTES) return false;
    total += n + 1;
  }
  return total <= MAX_NAME_BYTES;
}

/**
 * Reads the name that starts at `start` in `msg` (the whole DNS message, offset 0 = header).
 * Pointers must go strictly below every offset this name has used so far, so a crafted
 * message cannot loop; `next` is the offset just past the name where it started.
 */
export function readName(msg: Uint8Array, start: number): Result<{ name: string; next: number }> {
  const labels: string[] = [];
  let pos = start;
  let lowest = start;
  let next = -1;
  let jumps = 0;
  let total = 1;
  for (;;) {
    if (pos >= msg.length) return err(new DecodeError(LAYER, 'truncated', 'name runs past the end'));
    const len = msg[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if ((len & POINTER) === POINTER) {
      if (pos + 1 >= msg.length) return err(new DecodeError(LAYER, 'truncated', 'pointer cut short'));
      const target = ((len & ~POINTER) << 8) | msg[pos + 1]!;
      if (next < 0) next = pos + 2;
      if (target >= lowest || ++jumps > MAX_POINTER_JUMPS) {
        return err(new DecodeError(LAYER, 'invalid', 'compression pointer does not go backwards'));
      }
      lowest = target;
      pos = target;
      continue;
    }
    if ((len & POINTER) !== 0) {
      return err(new DecodeError(LAYER, 'unsupported', `extended label type 0x${len.toString(16)}`));
    }
    total += len + 1;
    if (total > MAX_NAME_BYTES) return err(new DecodeError(LAYER, 'too-large', 'name over 255 octets'));
    if (pos + 1 + len > msg.length) return err(new DecodeError(LAYER, 'truncated', 'label runs past the end'));
    const label = utf8DecodeStrict(msg.subarray(pos + 1, pos + 1 + len));
    // A label holding a dot could not be told apart from two labels in our string form.
    if (label === undefined || label.includes('.')) {
      return err(new DecodeError(LAYER, 'invalid', 'label is not UTF-8 text without dots'));
    }
    labels.push(label);
    pos += 1 + len;
  }
  return ok({ name: labels.join('.'), next });
}

/**
 * Writes names with RFC 1035 4.1.4 compression: each suffix written once is remembered
 * (case-insensitively) and later names point at it. One instance per message.
 */
export class NameWriter {
  private readonly offsets = new Map<string, number>();

  /** Writes `name` at the writer's position; throws RangeError for an invalid name. */
  write(w: ByteWriter, name: string): void {
    if (!isValidDnsName(name)) throw new RangeError(`not a valid DNS name: ${name}`);
    const labels = labelsOf(name);
    for (let i = 0; i < labels.length; i++) {
      const suffix = normalizeName(labels.slice(i).join('.'));
      const at = this.offsets.get(suffix);
      if (at !== undefined) {
        w.u16((POINTER << 8) | at);
        return;
      }
      if (w.pos <= MAX_POINTER_OFFSET) this.offsets.set(suffix, w.pos);
      const bytes = utf8Encode(labels[i]!);
      w.u8(bytes.length).bytes(bytes);
    }
    w.u8(0);
  }
}
