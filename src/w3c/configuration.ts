/**
 * RTCConfiguration (W3C WebRTC 1.0 section 4.2.1) and ICE server URLs (RFC 7064 stun:,
 * RFC 7065 turn:), validated the way browsers do: a malformed URL is a SyntaxError, a TURN
 * server without credentials an InvalidAccessError, both thrown from the constructor and
 * from setConfiguration.
 */

import { lookup } from 'node:dns/promises';
import { isIpLiteral, transportAddress } from '../core/index.js';
import type { TransportAddress } from '../core/index.js';
import { invalidAccessError, syntaxError } from './errors.js';
import type { RTCCertificate } from './certificate.js';

export interface RTCIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export type RTCIceTransportPolicy = 'all' | 'relay';
export type RTCBundlePolicy = 'balanced' | 'max-compat' | 'max-bundle';
export type RTCRtcpMuxPolicy = 'require';

export interface RTCConfiguration {
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  bundlePolicy?: RTCBundlePolicy;
  rtcpMuxPolicy?: RTCRtcpMuxPolicy;
  iceCandidatePoolSize?: number;
  certificates?: RTCCertificate[];
  /**
   * sansrtc extension: the local addresses to gather host candidates on. Default: every
   * non-loopback interface, or loopback when the machine has no other.
   */
  bindAddresses?: string[];
}

export interface TurnServer {
  server: TransportAddress;
  username: string;
  password: string;
}

/** A stun:/turn: server given by host name, to resolve before gathering. */
export interface IceServerLookup {
  url: string;
  host: string;
  port: number;
  turn?: { username: string; password: string };
}

export interface ParsedIceServers {
  stun: TransportAddress[];
  turn: TurnServer[];
  /** UDP servers given by host name: `resolveIceServers` looks them up. */
  lookups: IceServerLookup[];
  /** URLs we accept but cannot use (turns:, TCP transport), for a warning. */
  unsupported: string[];
}

const DEFAULT_PORT: Readonly<Record<string, number>> = { stun: 3478, stuns: 5349, turn: 3478, turns: 5349 };

/**
 * An IP literal as an address; undefined for a name that needs a lookup (and for text shaped
 * like a literal that is not one, such as `999.1.1.1` or `[1::2::3]`).
 */
function literalHost(host: string): string | undefined {
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIpLiteral(literal) ? literal : undefined;
}

interface IceUrl {
  scheme: 'stun' | 'stuns' | 'turn' | 'turns';
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | undefined;
}

/** RFC 7064 3.1 / RFC 7065 3.1 URI syntax. */
function parseIceUrl(url: string): IceUrl {
  const m = /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[^:?[\]/]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!m) throw syntaxError(`invalid ICE server URL: ${url}`);
  const scheme = m[1] as IceUrl['scheme'];
  if (m[4] && scheme.startsWith('stun')) throw syntaxError(`stun URLs take no transport: ${url}`);
  const port = m[3] ? Number(m[3]) : DEFAULT_PORT[scheme]!;
  if (port < 1 || port > 65535) throw syntaxError(`invalid port in ${url}`);
  return { scheme, host: m[2]!, port, transport: m[4] as IceUrl['transport'] };
}

/** W3C 4.4.1.6 "validate the ICE server list". Throws the browser's exceptions. */
export function parseIceServers(servers: readonly RTCIceServer[] | undefined): ParsedIceServers {
  const out: ParsedIceServers = { stun: [], turn: [], lookups: [], unsupported: [] };
  for (const server of servers ?? []) {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    if (!Array.isArray(urls) || urls.length === 0) throw syntaxError('RTCIceServer.urls is empty');
    for (const url of urls) {
      const u = parseIceUrl(url);
      const isTurn = u.scheme.startsWith('turn');
      if (isTurn && (server.username === undefined || server.credential === undefined)) {
        throw invalidAccessError(`TURN server ${url} needs a username and a credential`);
      }
      if (u.scheme === 'stuns' || u.scheme === 'turns' || u.transport === 'tcp') {
        out.unsupported.push(url);
        continue;
      }
      const credentials = isTurn ? { username: server.username!, password: server.credential! } : undefined;
      const host = literalHost(u.host);
      if (!host) out.lookups.push({ url, host: u.host, port: u.port, ...(credentials ? { turn: credentials } : {}) });
      else if (credentials) out.turn.push({ server: transportAddress(host, u.port), ...credentials });
      else out.stun.push(transportAddress(host, u.port));
    }
  }
  return out;
}

/**
 * Resolves the servers given by host name (DNS, first address) and returns every usable
 * server. A name that does not resolve is left out and reported to `onFailure`.
 */
export async function resolveIceServers(
  parsed: ParsedIceServers,
  onFailure: (url: string, error: unknown) => void,
  resolve: (host: string) => Promise<{ address: string }> = lookup,
): Promise<{ stun: TransportAddress[]; turn: TurnServer[] }> {
  const stun = [...parsed.stun];
  const turn = [...parsed.turn];
  const found = await Promise.all(
    parsed.lookups.map((l) =>
      resolve(l.host).then(
        (r) => ({ l, address: transportAddress(r.address, l.port) }),
        (e: unknown) => {
          onFailure(l.url, e);
          return undefined;
        },
      ),
    ),
  );
  for (const f of found) {
    if (!f) continue;
    if (f.l.turn) turn.push({ server: f.address, ...f.l.turn });
    else stun.push(f.address);
  }
  return { stun, turn };
}
