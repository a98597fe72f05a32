/**
 * Building local candidates (RFC 8445 5.1.1) and peer-reflexive remote ones (7.3.1.3),
 * and vetting signalled remote candidates.
 */

import { addressKey, isIpLiteral, transportAddress } from '../core/index.js';
import type { TransportAddress } from '../core/index.js';
import type { Candidate, CandidateType } from '../sdp/index.js';
import { COMPONENT_ID, MAX_PWD_LENGTH, MAX_UFRAG_LENGTH } from './constants.js';
import { candidatePriority, foundation } from './priority.js';
import type { LocalCandidate } from './checklist.js';

/**
 * The address without an IPv6 zone id (`fe80::1%eth0` -> `fe80::1`): Node reports link-local
 * sources with one, but STUN's XOR-MAPPED-ADDRESS carries only the 16 address bytes.
 */
export function withoutZone(a: TransportAddress): TransportAddress {
  const at = a.address.indexOf('%');
  return at < 0 ? a : { family: a.family, address: a.address.slice(0, at), port: a.port };
}

/** IPv6 link-local (fe80::/10). */
export function isLinkLocal(a: TransportAddress): boolean {
  return a.family === 'IPv6' && /^fe[89ab][0-9a-f]:/i.test(a.address);
}

/**
 * RFC 8445 6.1.2.2: a local and a remote candidate pair only within one address family
 * (we have one component), and a link-local IPv6 address only with another link-local one.
 */
export function pairable(local: TransportAddress, remote: TransportAddress): boolean {
  return local.family === remote.family && isLinkLocal(local) === isLinkLocal(remote);
}

function candidate(
  type: CandidateType,
  address: TransportAddress,
  preference: number,
  fnd: string,
  related?: TransportAddress,
): Candidate {
  const c: Candidate = {
    foundation: fnd,
    component: COMPONENT_ID,
    transport: 'udp',
    priority: candidatePriority(type, preference),
    address: address.address,
    port: address.port,
    type,
    extensions: [],
  };
  if (related) {
    c.relatedAddress = related.address;
    c.relatedPort = related.port;
  }
  return c;
}

/**
 * RFC 8445 5.1.1.1: a host candidate on a local socket. The signalled address drops any
 * IPv6 zone id (it means nothing to the peer); the base keeps it to match the socket.
 */
export function hostCandidate(base: TransportAddress, preference: number): LocalCandidate {
  const signalled = withoutZone(base);
  return {
    candidate: candidate('host', signalled, preference, foundation('host', signalled.address, '')),
    base,
    address: base,
    key: `h:${addressKey(base)}`,
    preference,
    relay: -1,
  };
}

/** RFC 8445 5.1.1.2: a server-reflexive candidate; its related address is its base. */
export function srflxCandidate(host: LocalCandidate, mapped: TransportAddress, server: TransportAddress): Candidate {
  return candidate('srflx', mapped, host.preference, foundation('srflx', host.base.address, server.address), host.base);
}

/**
 * RFC 8445 5.1.1.2: a relayed candidate; its related address is the mapped address the
 * TURN server saw (RFC 8839 5.1), its base the relayed address itself.
 */
export function relayCandidate(
  host: LocalCandidate,
  relayed: TransportAddress,
  mapped: TransportAddress,
  server: TransportAddress,
  relay: number,
): LocalCandidate {
  return {
    candidate: candidate('relay', relayed, host.preference, foundation('relay', host.base.address, server.address), mapped),
    base: host.base,
    address: relayed,
    key: `r:${addressKey(relayed)}`,
    preference: host.preference,
    relay,
  };
}

/** RFC 8445 7.3.1.3: a peer-reflexive remote candidate learned from a check's source. */
export function peerReflexiveCandidate(from: TransportAddress, priority: number, fnd: string): Candidate {
  return {
    foundation: fnd,
    component: COMPONENT_ID,
    transport: 'udp',
    priority,
    address: from.address,
    port: from.port,
    type: 'prflx',
    extensions: [],
  };
}

export type RemoteRefusal = 'component' | 'transport' | 'mdns' | 'address' | 'generation';

/**
 * Why a signalled remote candidate cannot be used, or its transport address. `ufrag` is
 * the current remote ufrag: a candidate tagged with another belongs to another generation
 * (RFC 8838 13, the `ufrag` extension).
 */
export function vetRemote(c: Candidate, ufrag: string | undefined): TransportAddress | RemoteRefusal {
  if (c.component !== COMPONENT_ID) return 'component';
  if (c.transport !== 'udp') return 'transport';
  if (c.address.endsWith('.local')) return 'mdns';
  if (!isIpLiteral(c.address) || c.port === 0) return 'address';
  if (ufrag !== undefined) {
    for (const [name, value] of c.extensions) if (name === 'ufrag' && value !== ufrag) return 'generation';
  }
  return transportAddress(c.address, c.port);
}

const ICE_CHARS = /^[A-Za-z0-9+/]+$/;

/** RFC 8839 5.4: ufrag and pwd are ice-chars (we bound their lengths, see constants.ts). */
export function validCredentials(ufrag: string, pwd: string): boolean {
  return (
    ufrag.length <= MAX_UFRAG_LENGTH && pwd.length <= MAX_PWD_LENGTH && ICE_CHARS.test(ufrag) && ICE_CHARS.test(pwd)
  );
}
