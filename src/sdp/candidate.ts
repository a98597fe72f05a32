/**
 * ICE candidate attribute codec (RFC 8839 5.1, TCP candidates RFC 6544 4.5).
 *
 *   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP
 *                         priority SP connection-address SP port SP cand-type
 *                         [SP rel-addr] [SP rel-port] *(SP cand-extension)
 *
 * `raddr`, `rport` and `tcptype` get their own fields; every other extension pair is kept
 * in order so that nothing a peer sent (generation, ufrag, network-id, network-cost) is lost.
 */

import { ok, err } from '../core/index.js';
import type { Result } from '../core/index.js';
import {
  MAX_CANDIDATE_EXTENSIONS,
  MAX_CANDIDATE_LENGTH,
  MAX_COMPONENT,
  MAX_FOUNDATION_LENGTH,
  MAX_PRIORITY,
  MIN_COMPONENT,
} from './constants.js';
import { sdpError } from './errors.js';
import { ICE_CHARS, TOKEN, VCHARS, isConnectionAddress, parseDecimal, parsePort } from './grammar.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface Candidate {
  foundation: string;
  component: number;
  /** 'udp' or 'tcp', lowercased (RFC 8839 5.1 transport is case-insensitive). */
  transport: string;
  priority: number;
  /** An IP literal or an mDNS name like `abcd-....local`. */
  address: string;
  port: number;
  type: CandidateType;
  relatedAddress?: string;
  relatedPort?: number;
  /** RFC 6544 4.5: 'active' | 'passive' | 'so'. */
  tcpType?: string;
  /** Other name/value pairs, in order (generation, ufrag, network-id, network-cost, ...). */
  extensions: [string, string][];
}

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];
const TCP_TYPES: readonly string[] = ['active', 'passive', 'so'];
const PREFIX = 'candidate:';

/** Strips `a=` and a trailing CRLF/LF, leaving `candidate:...`. */
function candidateBody(text: string): string {
  let s = text;
  if (s.startsWith('a=')) s = s.slice(2);
  if (s.endsWith('\r\n')) s = s.slice(0, -2);
  else if (s.endsWith('\n')) s = s.slice(0, -1);
  return s;
}

/**
 * Parses `candidate:...`, `a=candidate:...`, with or without a trailing CRLF. Never
 * throws: malformed input gives a `DecodeError` with layer 'sdp'.
 */
export function parseCandidate(text: string): Result<Candidate> {
  if (text.length > MAX_CANDIDATE_LENGTH) return err(sdpError('too-large', 'candidate line too long'));
  const body = candidateBody(text);
  if (!body.startsWith(PREFIX)) return err(sdpError('invalid', 'candidate must start with "candidate:"'));
  // RFC 8839 5.1 separates fields by single SP; runs of spaces are tolerated on input.
  const f = body.slice(PREFIX.length).split(' ').filter((t) => t.length > 0);
  if (f.length < 8) return err(sdpError('truncated', 'candidate has fewer than 8 fields'));

  const foundation = f[0]!;
  if (foundation.length > MAX_FOUNDATION_LENGTH || !ICE_CHARS.test(foundation)) {
    return err(sdpError('invalid', 'candidate foundation must be 1-32 ice-chars'));
  }
  const component = parseDecimal(f[1]!, 3, MIN_COMPONENT, MAX_COMPONENT);
  if (component === undefined) return err(sdpError('invalid', 'candidate component-id out of range'));
  const transport = f[2]!.toLowerCase();
  if (!TOKEN.test(transport)) return err(sdpError('invalid', 'candidate transport is not a token'));
  const priority = parseDecimal(f[3]!, 10, 0, MAX_PRIORITY);
  if (priority === undefined) return err(sdpError('invalid', 'candidate priority out of range'));
  const address = f[4]!;
  if (!isConnectionAddress(address)) return err(sdpError('invalid', 'candidate connection-address malformed'));
  const port = parsePort(f[5]!);
  if (port === undefined) return err(sdpError('invalid', 'candidate port out of range'));
  if (f[6] !== 'typ') return err(sdpError('invalid', 'candidate lacks "typ"'));
  const type = f[7]!;
  if (!CANDIDATE_TYPES.includes(type)) {
    return err(sdpError(TOKEN.test(type) ? 'unsupported' : 'invalid', `candidate type ${JSON.stringify(type)}`));
  }

  const c: Candidate = { foundation, component, transport, priority, address, port, type: type as CandidateType, extensions: [] };
  if ((f.length - 8) % 2 !== 0) return err(sdpError('invalid', 'candidate extension without a value'));
  // raddr, rport (RFC 8839 5.1) and tcptype (RFC 6544 4.5) are accepted wherever they appear
  // among the pairs: some stacks put tcptype before raddr.
  for (let i = 8; i < f.length; i += 2) {
    const name = f[i]!;
    const value = f[i + 1]!;
    if (name === 'raddr') {
      if (c.relatedAddress !== undefined || !isConnectionAddress(value)) {
        return err(sdpError('invalid', 'candidate raddr repeated or malformed'));
      }
      c.relatedAddress = value;
    } else if (name === 'rport') {
      const rport = parsePort(value);
      if (c.relatedPort !== undefined || rport === undefined) return err(sdpError('invalid', 'candidate rport repeated or malformed'));
      c.relatedPort = rport;
    } else if (name === 'tcptype') {
      if (c.tcpType !== undefined || !TCP_TYPES.includes(value)) return err(sdpError('invalid', 'candidate tcptype repeated or malformed'));
      c.tcpType = value;
    } else {
      if (!TOKEN.test(name) || !VCHARS.test(value)) return err(sdpError('invalid', 'candidate extension malformed'));
      if (c.extensions.length === MAX_CANDIDATE_EXTENSIONS) return err(sdpError('too-large', 'too many candidate extensions'));
      c.extensions.push([name, value]);
    }
  }
  return ok(c);
}

/** Serializes to `candidate:...` (no `a=`, no line ending), in RFC 8839 5.1 field order. */
export function serializeCandidate(c: Candidate): string {
  let s = `${PREFIX}${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  for (const [name, value] of c.extensions) s += ` ${name} ${value}`;
  return s;
}
