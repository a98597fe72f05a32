/**
 * RTCConfiguration (W3C WebRTC 1.0 section 4.2.1) and ICE server URLs (RFC 7064 stun:,
 * RFC 7065 turn:), validated the way browsers do: a malformed URL is a SyntaxError, a TURN
 * server without credentials an InvalidAccessError, both thrown from the constructor and
 * from setConfiguration.
 */

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

export interface ParsedIceServers {
  stun: TransportAddress[];
  turn: { server: TransportAddress; username: string; password: string }[];
  /** URLs we accept but cannot use (turns:, TCP transport, host names), for a warning. */
  unsupported: string[];
}

const DEFAULT_PORT: Readonly<Record<string, number>> = { stun: 3478, stuns: 5349, turn: 3478, turns: 5349 };

/**
 * An IP literal, or `localhost`, as an address; undefined for a name that needs DNS (and for
 * text shaped like a literal that is not one, such as `999.1.1.1` or `[1::2::3]`).
 */
function literalHost(host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
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
  const out: ParsedIceServers = { stun: [], turn: [], unsupported: [] };
  for (const server of servers ?? []) {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    if (!Array.isArray(urls) || urls.length === 0) throw syntaxError('RTCIceServer.urls is empty');
    for (const url of urls) {
      const u = parseIceUrl(url);
      const isTurn = u.scheme.startsWith('turn');
      if (isTurn && (server.username === undefined || server.credential === undefined)) {
        throw invalidAccessError(`TURN server ${url} needs a username and a credential`);
      }
      const host = literalHost(u.host);
      if (!host || u.scheme === 'stuns' || u.scheme === 'turns' || u.transport === 'tcp') {
        out.unsupported.push(url);
        continue;
      }
      const address = transportAddress(host, u.port);
      if (isTurn) out.turn.push({ server: address, username: server.username!, password: server.credential! });
      else out.stun.push(address);
    }
  }
  return out;
}
