/**
 * The most common test topology: two engines on two hosts joined by one link, each sending
 * to the other by default (for address-less engines such as DTLS and SCTP).
 */

import type { Datagram, Engine, Transmit } from '../core/engine.js';
import { transportAddress } from '../core/address.js';
import type { Attachment } from './attachment.js';
import type { Network } from './network.js';
import type { Host, Link } from './topology.js';
import type { LinkOptions } from './types.js';

export interface PairOptions {
  /** Link parameters (both directions, or per direction). */
  readonly link?: LinkOptions;
  /** Addresses of the two hosts (default 10.0.0.1 and 10.0.0.2). */
  readonly addresses?: readonly [string, string];
  /** Port both engines bind (default 5000). */
  readonly port?: number;
  /** Host names (default 'a' and 'b'). */
  readonly names?: readonly [string, string];
}

export interface Pair<EvA, EvB> {
  readonly hostA: Host;
  readonly hostB: Host;
  readonly link: Link;
  readonly a: Attachment<EvA>;
  readonly b: Attachment<EvB>;
}

export function connectPair<InA, EvA extends { readonly type: string }, InB, EvB extends { readonly type: string }>(
  net: Network,
  engineA: Engine<Datagram | InA, Transmit | EvA>,
  engineB: Engine<Datagram | InB, Transmit | EvB>,
  options: PairOptions = {},
): Pair<EvA, EvB> {
  const [addrA, addrB] = options.addresses ?? ['10.0.0.1', '10.0.0.2'];
  const [nameA, nameB] = options.names ?? ['a', 'b'];
  const port = options.port ?? 5000;
  const hostA = net.addHost(nameA, [addrA]);
  const hostB = net.addHost(nameB, [addrB]);
  const link = net.link(hostA, hostB, options.link);
  // Attach B first so that anything A sends on attach already finds B listening.
  const b = net.attach(hostB, engineB, { port, defaultPeer: transportAddress(addrA, port) });
  const a = net.attach(hostA, engineA, { port, defaultPeer: transportAddress(addrB, port) });
  return { hostA, hostB, link, a, b };
}
