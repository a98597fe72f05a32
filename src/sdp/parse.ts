/**
 * RFC 8866 parser: `<type>=<value>` lines, CRLF or bare LF, in the order of RFC 8866 5 /
 * 9. Never throws; malformed input gives a `DecodeError` (layer 'sdp') naming the line.
 */

import { ok, err } from '../core/index.js';
import type { DecodeReason, Result } from '../core/index.js';
import { MAX_MEDIA_SECTIONS, MAX_SDP_LENGTH, MAX_SDP_LINES } from './constants.js';
import { sdpError } from './errors.js';
import { DIGITS, TOKEN, parseDecimal, parsePort } from './grammar.js';
import type {
  Attribute,
  Bandwidth,
  Connection,
  MediaDescription,
  Origin,
  SessionDescription,
  Timing,
} from './model.js';

/**
 * Position of each session-level type letter in RFC 8866 5 order; a line may not come
 * after one of a higher position. `r=` shares `t=`'s position (it belongs to the t= before it).
 */
const SESSION_ORDER: Record<string, number> = { v: 0, o: 1, s: 2, i: 3, u: 4, e: 5, p: 6, c: 7, b: 8, t: 9, r: 9, z: 10, k: 11, a: 12 };
/** Lines that may appear at most once per session. */
const SESSION_SINGLE = 'vosiuczk';
/** Media-level order (RFC 8866 5.14): m= then i= c= b= k= a=. */
const MEDIA_ORDER: Record<string, number> = { i: 1, c: 2, b: 3, k: 4, a: 5 };
const MEDIA_SINGLE = 'ik';

/** RFC 8866 9: byte-string excludes NUL, CR and LF (LF already split off). */
const BAD_VALUE_CHARS = /[\0\r]/;
/** Times and bandwidths are numbers; 15 digits always fit in a double exactly. */
const MAX_SAFE_DIGITS = 15;

class LineError {
  constructor(
    readonly reason: DecodeReason,
    readonly message: string,
  ) {}
}

function fail(reason: DecodeReason, message: string): LineError {
  return new LineError(reason, message);
}

function parseOrigin(v: string): Origin | LineError {
  const f = v.split(' ');
  if (f.length !== 6 || f.some((x) => x.length === 0)) return fail('invalid', 'o= needs 6 fields');
  // RFC 8866 9: sess-id and sess-version are 1*DIGIT, kept as text (64-bit values).
  if (!DIGITS.test(f[1]!) || !DIGITS.test(f[2]!)) return fail('invalid', 'o= sess-id and sess-version must be digits');
  return { username: f[0]!, sessionId: f[1]!, sessionVersion: f[2]!, netType: f[3]!, addrType: f[4]!, address: f[5]! };
}

function parseConnection(v: string): Connection | LineError {
  const f = v.split(' ');
  if (f.length !== 3 || !TOKEN.test(f[0]!) || !TOKEN.test(f[1]!) || f[2]!.length === 0) {
    return fail('invalid', 'c= needs <nettype> <addrtype> <address>');
  }
  return { netType: f[0]!, addrType: f[1]!, address: f[2]! };
}

function parseBandwidth(v: string): Bandwidth | LineError {
  const colon = v.indexOf(':');
  const type = v.slice(0, colon);
  const value = parseDecimal(v.slice(colon + 1), MAX_SAFE_DIGITS, 0, Number.MAX_SAFE_INTEGER);
  if (colon < 0 || !TOKEN.test(type) || value === undefined) return fail('invalid', 'b= needs <bwtype>:<bandwidth>');
  return { type, value };
}

function parseTiming(v: string): Timing | LineError {
  const f = v.split(' ');
  const start = f.length === 2 ? parseDecimal(f[0]!, MAX_SAFE_DIGITS, 0, Number.MAX_SAFE_INTEGER) : undefined;
  const stop = f.length === 2 ? parseDecimal(f[1]!, MAX_SAFE_DIGITS, 0, Number.MAX_SAFE_INTEGER) : undefined;
  if (start === undefined || stop === undefined) return fail('invalid', 't= needs <start-time> <stop-time>');
  return { start, stop, repeats: [] };
}

function parseMediaLine(v: string): MediaDescription | LineError {
  const f = v.split(' ');
  // RFC 8866 5.14 requires at least one fmt; some stacks emit none for rejected sections,
  // so zero is accepted.
  if (f.length < 3 || f.some((x) => x.length === 0)) return fail('invalid', 'm= needs <media> <port> <proto> <fmt>...');
  const [media, portField, proto] = f as [string, string, string];
  if (!TOKEN.test(media)) return fail('invalid', 'm= media is not a token');
  const slash = portField.indexOf('/');
  const port = parsePort(slash < 0 ? portField : portField.slice(0, slash));
  if (port === undefined) return fail('invalid', 'm= port out of range');
  if (!proto.split('/').every((p) => TOKEN.test(p))) return fail('invalid', 'm= proto malformed');
  const formats = f.slice(3);
  if (!formats.every((x) => TOKEN.test(x))) return fail('invalid', 'm= fmt is not a token');
  const m: MediaDescription = { media, port, proto, formats, connections: [], bandwidths: [], attributes: [] };
  if (slash >= 0) {
    const n = parseDecimal(portField.slice(slash + 1), 5, 1, 65535);
    if (n === undefined) return fail('invalid', 'm= number of ports malformed');
    m.numberOfPorts = n;
  }
  return m;
}

function parseAttribute(v: string): Attribute | LineError {
  const colon = v.indexOf(':');
  const name = colon < 0 ? v : v.slice(0, colon);
  if (!TOKEN.test(name)) return fail('invalid', 'a= attribute name is not a token');
  return colon < 0 ? { name } : { name, value: v.slice(colon + 1) };
}

/** Splits on LF, dropping one CR before each LF and the empty piece after a final newline. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}

type Building = Omit<SessionDescription, 'version' | 'origin' | 'sessionName'> &
  Partial<Pick<SessionDescription, 'version' | 'origin' | 'sessionName'>>;

/** Stores one session-level (media undefined) or media-level line; returns an error or undefined. */
function applyLine(sd: Building, media: MediaDescription | undefined, type: string, value: string): LineError | undefined {
  switch (type) {
    case 'a': {
      const a = parseAttribute(value);
      if (a instanceof LineError) return a;
      (media ? media.attributes : sd.attributes).push(a);
      return undefined;
    }
    case 'c': {
      const c = parseConnection(value);
      if (c instanceof LineError) return c;
      if (media) media.connections.push(c);
      else sd.connection = c;
      return undefined;
    }
    case 'b': {
      const b = parseBandwidth(value);
      if (b instanceof LineError) return b;
      (media ? media.bandwidths : sd.bandwidths).push(b);
      return undefined;
    }
    case 'i':
      if (media) media.information = value;
      else sd.information = value;
      return undefined;
    case 'k':
      if (media) media.key = value;
      else sd.key = value;
      return undefined;
    case 'v':
      // RFC 8866 5.1: there is no version other than 0.
      if (value !== '0') return fail('unsupported', `SDP version ${JSON.stringify(value)}`);
      sd.version = 0;
      return undefined;
    case 'o': {
      const o = parseOrigin(value);
      if (o instanceof LineError) return o;
      sd.origin = o;
      return undefined;
    }
    case 's':
      // RFC 8866 5.3: s= MUST NOT be empty (a single space or "-" when there is no name).
      if (value.length === 0) return fail('invalid', 's= is empty');
      sd.sessionName = value;
      return undefined;
    case 'u':
      sd.uri = value;
      return undefined;
    case 'e':
      sd.emails.push(value);
      return undefined;
    case 'p':
      sd.phones.push(value);
      return undefined;
    case 't': {
      const t = parseTiming(value);
      if (t instanceof LineError) return t;
      sd.timings.push(t);
      return undefined;
    }
    case 'r': {
      const last = sd.timings[sd.timings.length - 1];
      if (!last) return fail('invalid', 'r= without t=');
      last.repeats.push(value);
      return undefined;
    }
    default: // 'z'
      sd.zoneAdjustments = value;
      return undefined;
  }
}

/** Checks RFC 8866 5 ordering and cardinality, then stores the line. */
function step(state: ParseState, type: string, value: string): LineError | undefined {
  const sd = state.sd;
  if (type === 'm') {
    if (sd.timings.length === 0) return fail('invalid', 'm= before v=, o=, s= and t=');
    if (sd.media.length === MAX_MEDIA_SECTIONS) return fail('too-large', `more than ${MAX_MEDIA_SECTIONS} m= sections`);
    const m = parseMediaLine(value);
    if (m instanceof LineError) return m;
    sd.media.push(m);
    state.media = m;
    state.rank = 0;
    state.seen = '';
    return undefined;
  }
  const order = state.media ? MEDIA_ORDER[type] : SESSION_ORDER[type];
  if (order === undefined) {
    // RFC 8866 5: a description with a type letter we do not understand is ignored whole.
    if (SESSION_ORDER[type] !== undefined) return fail('invalid', `${type}= is not allowed in a media section`);
    return fail('unsupported', `${type}= is not an SDP line type`);
  }
  if (order < state.rank) return fail('invalid', `${type}= out of order (RFC 8866 5)`);
  if ((state.media ? MEDIA_SINGLE : SESSION_SINGLE).includes(type) && state.seen.includes(type)) {
    return fail('invalid', `${type}= repeated`);
  }
  state.rank = order;
  state.seen += type;
  return applyLine(sd, state.media, type, value);
}

interface ParseState {
  sd: Building;
  media: MediaDescription | undefined;
  /** Order position of the last line, to refuse lines that go backwards. */
  rank: number;
  /** Type letters seen in the current section. */
  seen: string;
}

/** Parses a session description (RFC 8866). CRLF and LF line endings are both accepted. */
export function parseSdp(text: string): Result<SessionDescription> {
  if (text.length > MAX_SDP_LENGTH) return err(sdpError('too-large', `description longer than ${MAX_SDP_LENGTH} characters`));
  const lines = splitLines(text);
  if (lines.length > MAX_SDP_LINES) return err(sdpError('too-large', `description has more than ${MAX_SDP_LINES} lines`));
  // RFC 8866 5: the first line is v=.
  if (lines.length === 0 || !lines[0]!.startsWith('v=')) return err(sdpError('invalid', 'missing v= on the first line'));

  const state: ParseState = {
    sd: { emails: [], phones: [], bandwidths: [], timings: [], attributes: [], media: [] },
    media: undefined,
    rank: -1,
    seen: '',
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    // Blank lines are tolerated (some signalling layers add them); RFC 8866 has none.
    if (line.length === 0) continue;
    let e: LineError | undefined;
    if (line.length < 2 || line[1] !== '=') e = fail('invalid', 'expected <type>=<value>');
    else if (BAD_VALUE_CHARS.test(line)) e = fail('invalid', 'NUL or CR inside a line');
    else e = step(state, line[0]!, line.slice(2));
    if (e) return err(sdpError(e.reason, `line ${n + 1}: ${e.message}`));
  }

  const { sd } = state;
  if (sd.origin === undefined) return err(sdpError('truncated', 'missing o='));
  if (sd.sessionName === undefined) return err(sdpError('truncated', 'missing s='));
  if (sd.timings.length === 0) return err(sdpError('truncated', 'missing t='));
  return ok({ ...sd, version: 0, origin: sd.origin, sessionName: sd.sessionName });
}
