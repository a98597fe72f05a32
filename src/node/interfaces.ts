/**
 * Choosing local addresses to bind, from `os.networkInterfaces()`.
 */

import { BlockList } from 'node:net';
import os from 'node:os';
import type { AddressFamily, TransportAddress } from '../core/index.js';

export interface LocalInterface {
  /** Interface name (`eth0`, `lo`). */
  readonly name: string;
  readonly family: AddressFamily;
  /** The address to bind; link-local IPv6 carries its `%name` zone. */
  readonly address: string;
  readonly internal: boolean;
  /** The subnet, `address/prefix` (from the OS); lets receivers tell on-link senders. */
  readonly cidr?: string;
}

export interface ListInterfacesOptions {
  /** Include loopback addresses (127.0.0.1, ::1). Default false. */
  readonly includeLoopback?: boolean;
  /** Include link-local IPv6 (fe80::/10), which needs a zone to bind. Default false. */
  readonly includeLinkLocal?: boolean;
  /** Families to keep. Default both. */
  readonly families?: readonly AddressFamily[];
  /** Keep only addresses for which this returns true. */
  readonly filter?: (name: string, address: string) => boolean;
  /** The interface table to read (default `os.networkInterfaces()`); for tests. */
  readonly table?: NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

function isLinkLocalV6(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/**
 * How long one read of the OS interface table serves later callers (ms). Reading it costs
 * ~0.2 ms (getifaddrs), and every RTCPeerConnection reads it to choose its addresses: a
 * burst of 200 connections would read it 200 times. An address added meanwhile is seen
 * by connections made after this delay.
 */
export const INTERFACE_TABLE_TTL_MS = 1000;

let cachedTable: { at: number; table: NodeJS.Dict<os.NetworkInterfaceInfo[]> } | undefined;

function interfaceTable(): NodeJS.Dict<os.NetworkInterfaceInfo[]> {
  const now = performance.now();
  if (!cachedTable || now - cachedTable.at >= INTERFACE_TABLE_TTL_MS) cachedTable = { at: now, table: os.networkInterfaces() };
  return cachedTable.table;
}

/** Local addresses to bind, in the order the OS lists them. */
export function listInterfaces(options: ListInterfacesOptions = {}): LocalInterface[] {
  const families = options.families ?? ['IPv4', 'IPv6'];
  const table = options.table ?? interfaceTable();
  const out: LocalInterface[] = [];
  for (const [name, infos] of Object.entries(table)) {
    for (const info of infos ?? []) {
      const family: AddressFamily = info.family === 'IPv6' ? 'IPv6' : 'IPv4';
      if (!families.includes(family)) continue;
      if (info.internal && !options.includeLoopback) continue;
      const linkLocal = family === 'IPv6' && isLinkLocalV6(info.address);
      if (linkLocal && !options.includeLinkLocal) continue;
      if (options.filter && !options.filter(name, info.address)) continue;
      const address = linkLocal ? `${info.address}%${name}` : info.address;
      out.push({ name, family, address, internal: info.internal, ...(info.cidr ? { cidr: info.cidr } : {}) });
    }
  }
  return out;
}

/** The families present among `interfaces`, IPv4 first. */
export function familiesOf(interfaces: readonly LocalInterface[]): AddressFamily[] {
  return (['IPv4', 'IPv6'] as const).filter((f) => interfaces.some((i) => i.family === f));
}

/**
 * Whether a sender is on the local link of one of `interfaces`: inside one of their
 * subnets, or IPv6 link-local (fe80::/10). An interface given without a subnet cannot be
 * checked, so its whole family is accepted.
 */
export class LinkFilter {
  private readonly subnets = new BlockList();
  private readonly unchecked = new Set<AddressFamily>();

  constructor(interfaces: readonly LocalInterface[]) {
    for (const i of interfaces) {
      const slash = i.cidr?.lastIndexOf('/') ?? -1;
      if (!i.cidr || slash < 0) {
        this.unchecked.add(i.family);
        continue;
      }
      const type = i.family === 'IPv6' ? 'ipv6' : 'ipv4';
      this.subnets.addSubnet(i.cidr.slice(0, slash).split('%')[0]!, Number(i.cidr.slice(slash + 1)), type);
    }
    if (interfaces.some((i) => i.family === 'IPv6')) this.subnets.addSubnet('fe80::', 10, 'ipv6');
  }

  isOnLink(a: TransportAddress): boolean {
    if (this.unchecked.has(a.family)) return true;
    return this.subnets.check(a.address, a.family === 'IPv6' ? 'ipv6' : 'ipv4');
  }
}
