/** RFC 8866 serializer: fields in the order of RFC 8866 5, every line ended by CRLF. */

import type { Attribute, Bandwidth, Connection, SessionDescription } from './model.js';

const CRLF = '\r\n';
const LINE_BREAK = /[\r\n\0]/;

/**
 * One line and its CRLF. RFC 8866 5: a field value never holds CR, LF or NUL; a value that
 * does (from a caller's bug) would smuggle in a line of its own, so it is refused.
 */
function line(text: string): string {
  if (LINE_BREAK.test(text)) throw new RangeError(`SDP line holds a line break or NUL: ${JSON.stringify(text)}`);
  return text + CRLF;
}

function connection(c: Connection): string {
  return line(`c=${c.netType} ${c.addrType} ${c.address}`);
}

function bandwidth(b: Bandwidth): string {
  return line(`b=${b.type}:${b.value}`);
}

function attribute(a: Attribute): string {
  return line(a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`);
}

/**
 * Serializes a session description; the inverse of `parseSdp` for well-formed input.
 * Throws RangeError if a value holds CR, LF or NUL (a caller's bug, never remote input).
 */
export function serializeSdp(sd: SessionDescription): string {
  const o = sd.origin;
  let s = line(`v=${sd.version}`);
  s += line(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`);
  s += line(`s=${sd.sessionName}`);
  if (sd.information !== undefined) s += line(`i=${sd.information}`);
  if (sd.uri !== undefined) s += line(`u=${sd.uri}`);
  for (const e of sd.emails) s += line(`e=${e}`);
  for (const p of sd.phones) s += line(`p=${p}`);
  if (sd.connection) s += connection(sd.connection);
  for (const b of sd.bandwidths) s += bandwidth(b);
  for (const t of sd.timings) {
    s += line(`t=${t.start} ${t.stop}`);
    for (const r of t.repeats) s += line(`r=${r}`);
  }
  if (sd.zoneAdjustments !== undefined) s += line(`z=${sd.zoneAdjustments}`);
  if (sd.key !== undefined) s += line(`k=${sd.key}`);
  for (const a of sd.attributes) s += attribute(a);
  for (const m of sd.media) {
    const port = m.numberOfPorts === undefined ? `${m.port}` : `${m.port}/${m.numberOfPorts}`;
    s += line(`m=${m.media} ${port} ${m.proto}${m.formats.map((f) => ` ${f}`).join('')}`);
    if (m.information !== undefined) s += line(`i=${m.information}`);
    for (const c of m.connections) s += connection(c);
    for (const b of m.bandwidths) s += bandwidth(b);
    if (m.key !== undefined) s += line(`k=${m.key}`);
    for (const a of m.attributes) s += attribute(a);
  }
  return s;
}
