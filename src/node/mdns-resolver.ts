/**
 * Resolving and publishing `.local` names from Node: the sans-IO `MdnsQuerier` and
 * `MdnsResponder` on `MdnsSockets`, each under an `EngineDriver`. The OS resolver is not
 * dependable for mDNS on Linux (it needs nss-mdns and Avahi), so we ask the network
 * ourselves.
 */

import type { Clock } from '../core/index.js';
import {
  type MdnsAddNameCommand,
  MdnsQuerier,
  type MdnsQuerierEvent,
  MdnsResponder,
  type MdnsResolveCommand,
  normalizeName,
} from '../mdns/index.js';
import type { Candidate } from '../sdp/index.js';
import { EngineDriver } from './driver.js';
import { type LocalInterface, familiesOf, listInterfaces } from './interfaces.js';
import { MdnsSockets } from './mdns-sockets.js';

export interface NodeMdnsOptions {
  /** Interfaces to use (default: every non-loopback IPv4 interface). */
  readonly interfaces?: readonly LocalInterface[];
  /** Port (default 5353); other values only make sense in tests. */
  readonly port?: number;
  readonly clock?: Clock;
}

export interface NodeMdnsResolverOptions extends NodeMdnsOptions {
  /** RFC 6762 5.4: ask for unicast answers (default false). */
  readonly unicastResponse?: boolean;
}

export interface MdnsResolver {
  /** The address `name` resolves to, or undefined if nobody answered in time. */
  resolve(name: string, timeoutMs?: number): Promise<string | undefined>;
  close(): Promise<void>;
  readonly driver: EngineDriver<MdnsResolveCommand, MdnsQuerierEvent>;
  readonly sockets: MdnsSockets;
}

function chooseInterfaces(options: NodeMdnsOptions): readonly LocalInterface[] {
  return options.interfaces ?? listInterfaces({ families: ['IPv4'] });
}

export async function nodeMdnsResolver(options: NodeMdnsResolverOptions = {}): Promise<MdnsResolver> {
  const interfaces = chooseInterfaces(options);
  const sockets = await MdnsSockets.open({
    interfaces,
    ephemeralFallback: true,
    ...(options.port ? { port: options.port } : {}),
  });
  const waiters = new Map<string, ((address: string | undefined) => void)[]>();
  const settle = (name: string, address: string | undefined): void => {
    const key = normalizeName(name);
    const list = waiters.get(key);
    waiters.delete(key);
    for (const w of list ?? []) w(address);
  };
  const driver = new EngineDriver<MdnsResolveCommand, MdnsQuerierEvent>({
    engine: new MdnsQuerier({
      families: familiesOf(interfaces),
      unicastResponse: options.unicastResponse ?? false,
    }),
    transport: sockets,
    packetKinds: 'any', // port 5353 carries DNS only, whose first byte RFC 7983 does not describe
    onEvent: (ev) => settle(ev.name, ev.type === 'resolved' ? ev.address : undefined),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    driver,
    sockets,
    resolve(name, timeoutMs) {
      if (driver.closed) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const key = normalizeName(name);
        const list = waiters.get(key);
        if (list) list.push(resolve);
        else waiters.set(key, [resolve]);
        driver.input({ type: 'resolve', name, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      });
    },
    async close() {
      await driver.close();
      for (const key of [...waiters.keys()]) settle(key, undefined);
    },
  };
}

/**
 * A remote candidate with its `.local` address resolved (draft-ietf-mmusic-mdns-ice-
 * candidates, candidate processing: resolve the name, then use the address as if it had
 * been signalled); the candidate itself when its address is already an IP; undefined when
 * the name does not resolve in time (the draft has such a candidate ignored).
 */
export async function resolveCandidate(
  resolver: Pick<MdnsResolver, 'resolve'>,
  candidate: Candidate,
  timeoutMs?: number,
): Promise<Candidate | undefined> {
  if (!normalizeName(candidate.address).endsWith('.local')) return candidate;
  const address = await resolver.resolve(candidate.address, timeoutMs);
  return address === undefined ? undefined : { ...candidate, address };
}

export interface MdnsPublisher {
  /** Answers for `name` from now on. */
  publish(name: string, address: string): void;
  close(): Promise<void>;
  readonly driver: EngineDriver<MdnsAddNameCommand, never>;
  readonly sockets: MdnsSockets;
}

/** Answers mDNS queries for names we own (our own `<uuid>.local` host candidates). */
export async function nodeMdnsResponder(
  options: NodeMdnsOptions & { readonly names?: readonly { name: string; address: string }[] } = {},
): Promise<MdnsPublisher> {
  const sockets = await MdnsSockets.open({
    interfaces: chooseInterfaces(options),
    ...(options.port ? { port: options.port } : {}),
  });
  const driver = new EngineDriver<MdnsAddNameCommand, never>({
    engine: new MdnsResponder({ names: options.names ?? [] }),
    transport: sockets,
    packetKinds: 'any',
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    driver,
    sockets,
    publish: (name, address) => driver.input({ type: 'add-name', name, address }),
    close: () => driver.close(),
  };
}
