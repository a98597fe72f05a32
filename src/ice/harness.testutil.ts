/**
 * Test harness: two ICE agents on the simulator with a signalling channel between them
 * (credentials up front, candidates trickled with a delay), plus a STUN server.
 */

import type { Host, Network } from '../sim/index.js';
import type { TransportAddress } from '../core/index.js';
import type { Candidate } from '../sdp/index.js';
import { IceAgent } from './agent.js';
import { StunServer } from './stun-server.js';
import type { IceAgentOptions, IceEvent } from './types.js';

export interface Peer {
  readonly name: string;
  readonly agent: IceAgent;
  readonly host: Host;
  /** Events with their virtual times. */
  readonly log: { time: number; event: IceEvent }[];
  /** Application payloads received, as strings. */
  readonly received: string[];
  other?: Peer;
}

export interface PeerOptions extends Partial<Omit<IceAgentOptions, 'rng'>> {
  port?: number;
  /** Several sockets (host candidates) instead of `port`. */
  ports?: number[];
  /** Signalling delay for candidates (default 20 ms); Infinity keeps them back. */
  signalDelay?: number;
}

export function addPeer(net: Network, name: string, host: Host, opts: PeerOptions = {}): Peer {
  const { port = 5000, ports = [port], signalDelay = 20, ...agentOpts } = opts;
  const agent = new IceAgent({ rng: net.random(), role: 'controlling', ...agentOpts });
  const peer: Peer = { name, agent, host, log: [], received: [] };
  const att = net.attach(host, agent, {
    ports,
    onEvent: (event: IceEvent, time: number) => {
      peer.log.push({ time, event });
      if (event.type === 'data') peer.received.push(new TextDecoder().decode(event.data));
      const other = peer.other;
      if (!other || signalDelay === Infinity) return;
      if (event.type === 'local-candidate') {
        const candidate: Candidate = event.candidate;
        net.after(signalDelay, () => net.inject(other.agent, { type: 'add-remote-candidate', candidate }));
      } else if (event.type === 'gathering-state' && event.state === 'complete') {
        net.after(signalDelay, () => net.inject(other.agent, { type: 'end-of-remote-candidates' }));
      }
    },
  });
  for (const address of att.addresses) net.inject(agent, { type: 'add-local-address', address });
  return peer;
}

/** Exchanges credentials and starts gathering on both sides. */
export function start(net: Network, a: Peer, b: Peer): void {
  a.other = b;
  b.other = a;
  const ca = a.agent.localCredentials;
  const cb = b.agent.localCredentials;
  net.inject(a.agent, { type: 'set-remote-credentials', ...cb });
  net.inject(b.agent, { type: 'set-remote-credentials', ...ca });
  net.inject(a.agent, { type: 'gather' });
  net.inject(b.agent, { type: 'gather' });
}

export function addStunServer(net: Network, host: Host, port = 3478): TransportAddress {
  const server = new StunServer();
  return net.attach(host, server, { port }).address;
}

export function states(p: Peer): string[] {
  return p.log.flatMap((e) => (e.event.type === 'connection-state' ? [e.event.state] : []));
}

export function stateTime(p: Peer, state: string): number | undefined {
  return p.log.find((e) => e.event.type === 'connection-state' && e.event.state === state)?.time;
}

/** The agent asks for no deadline at or before now (one would make the driver spin). */
export function timerSane(net: Network, p: Peer): boolean {
  const t = p.agent.pollTimeout();
  return t === undefined || t > net.now;
}

export function connected(p: Peer): boolean {
  const s = p.agent.connectionState;
  return s === 'connected' || s === 'completed';
}

export function send(net: Network, p: Peer, text: string): void {
  net.inject(p.agent, { type: 'send', data: new TextEncoder().encode(text) });
}
