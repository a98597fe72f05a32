/** RFC 8866 serializer: fields in the order of RFC 8866 5, every line ended by CRLF. */

import type { Attribute, Bandwidth, Connection, SessionDescription } from './model.js';

const CRLF = '\r\n';

function connection(c: Connection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}${CRLF}`;
}

function bandwidth(b: Bandwidth): string {
  return `b=${b.type}:${b.value}${CRLF}`;
}

function attribute(a: Attribute): string {
  return a.value === undefined ? `a=${a.name}${CRLF}` : `a=${a.name}:${a.value}${CRLF}`;
}

/** Serializes a session description; the inverse of `parseSdp` for well-formed input. */
export function serializeSdp(sd: SessionDescription): string {
  const o = sd.origin;
  let s = `v=${sd.version}${CRLF}`;
  s += `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}${CRLF}`;
  s += `s=${sd.sessionName}${CRLF}`;
  if (sd.information !== undefined) s += `i=${sd.information}${CRLF}`;
  if (sd.uri !== undefined) s += `u=${sd.uri}${CRLF}`;
  for (const e of sd.emails) s += `e=${e}${CRLF}`;
  for (const p of sd.phones) s += `p=${p}${CRLF}`;
  if (sd.connection) s += connection(sd.connection);
  for (const b of sd.bandwidths) s += bandwidth(b);
  for (const t of sd.timings) {
    s += `t=${t.start} ${t.stop}${CRLF}`;
    for (const r of t.repeats) s += `r=${r}${CRLF}`;
  }
  if (sd.zoneAdjustments !== undefined) s += `z=${sd.zoneAdjustments}${CRLF}`;
  if (sd.key !== undefined) s += `k=${sd.key}${CRLF}`;
  for (const a of sd.attributes) s += attribute(a);
  for (const m of sd.media) {
    const port = m.numberOfPorts === undefined ? `${m.port}` : `${m.port}/${m.numberOfPorts}`;
    s += `m=${m.media} ${port} ${m.proto}`;
    for (const f of m.formats) s += ` ${f}`;
    s += CRLF;
    if (m.information !== undefined) s += `i=${m.information}${CRLF}`;
    for (const c of m.connections) s += connection(c);
    for (const b of m.bandwidths) s += bandwidth(b);
    if (m.key !== undefined) s += `k=${m.key}${CRLF}`;
    for (const a of m.attributes) s += attribute(a);
  }
  return s;
}
