/**
 * The nodes and links of a simulated network.
 *
 * - A `Host` owns IP addresses and the sockets engines are attached to. Hosts do not forward.
 * - A `Router` has no address; it forwards packets toward their destination.
 * - A `NatBox` joins a private realm (the hosts and routers created `behind` it) to the realm
 *   it sits in, translating per `NatTable`.
 *
 * A realm is an address space: the public one (`null`) or the inside of a NAT. Addresses are
 * unique within a realm, so two NATs can hide the same private addresses. A link joins two
 * nodes of one realm (a NAT belongs both to its outer realm and to its own inside).
 */

import { Counters } from '../core/counters.js';
import { transportAddress, type TransportAddress } from '../core/address.js';
import type { SeededRandom } from '../core/random.js';
import { LinkDirection, type LinkParams } from './link.js';
import type { NatTable } from './nat.js';

/** An address space: `null` is the public Internet, a NAT stands for the network behind it. */
export type Realm = NatBox | null;

export type Node = Host | Router | NatBox;

/** A socket bound by an attached engine. `address` undefined means every host address. */
export interface Socket {
  readonly host: Host;
  readonly address: string | undefined;
  readonly port: number;
  /** The addresses it sends from and receives on (one per host address for a wildcard). */
  readonly locals: readonly TransportAddress[];
  readonly defaultPeer: TransportAddress | undefined;
  /** The engine record the socket delivers to (opaque here). */
  readonly owner: object;
}

export class Host {
  readonly kind = 'host';
  readonly name: string;
  readonly addresses: readonly string[];
  readonly realm: Realm;
  /** @internal links in creation order */
  readonly links: Link[] = [];
  /** @internal sockets bound on each port (a wildcard one, or one per address) */
  readonly sockets = new Map<number, Socket[]>();
  /** @internal next ephemeral port to try */
  nextEphemeral: number;

  constructor(name: string, addresses: readonly string[], realm: Realm, firstEphemeral: number) {
    this.name = name;
    this.addresses = addresses;
    this.realm = realm;
    this.nextEphemeral = firstEphemeral;
  }

  /** `address:port` on this host (its first address unless one is given). */
  addr(port: number, address: string = this.addresses[0]!): TransportAddress {
    return transportAddress(address, port);
  }

  /** The socket a datagram to `to` lands on, if any. */
  socketFor(to: TransportAddress): Socket | undefined {
    const bound = this.sockets.get(to.port);
    if (bound === undefined) return undefined;
    for (const s of bound) if (s.address === undefined || s.address === to.address) return s;
    return undefined;
  }

  /** Whether binding `port` on `address` (undefined: every address) would clash. */
  portTaken(address: string | undefined, port: number): boolean {
    const bound = this.sockets.get(port);
    if (bound === undefined) return false;
    return address === undefined || bound.some((s) => s.address === undefined || s.address === address);
  }

  /** @internal */
  bind(socket: Socket): void {
    const bound = this.sockets.get(socket.port);
    if (bound === undefined) this.sockets.set(socket.port, [socket]);
    else bound.push(socket);
  }

  /** @internal */
  unbind(socket: Socket): void {
    const rest = this.sockets.get(socket.port)?.filter((s) => s !== socket) ?? [];
    if (rest.length > 0) this.sockets.set(socket.port, rest);
    else this.sockets.delete(socket.port);
  }
}

export class Router {
  readonly kind = 'router';
  readonly name: string;
  readonly realm: Realm;
  /** @internal */
  readonly links: Link[] = [];

  constructor(name: string, realm: Realm) {
    this.name = name;
    this.realm = realm;
  }
}

export class NatBox {
  readonly kind = 'nat';
  readonly name: string;
  /** The realm the NAT's public side sits in. */
  readonly realm: Realm;
  readonly table: NatTable;
  readonly hairpinning: boolean;
  readonly counters = new Counters<'outbound' | 'inbound' | 'hairpin' | 'dropped'>();
  /** @internal */
  readonly links: Link[] = [];

  constructor(name: string, realm: Realm, table: NatTable, hairpinning: boolean) {
    this.name = name;
    this.realm = realm;
    this.table = table;
    this.hairpinning = hairpinning;
  }

  get publicAddress(): string {
    return this.table.publicAddress;
  }

  /** Forgets every mapping, as a rebooting NAT does: the next packets get new external ports. */
  reboot(): void {
    this.table.clear();
  }
}

/** A link between two nodes; `forward` carries a->b, `backward` b->a. */
export class Link {
  readonly a: Node;
  readonly b: Node;
  readonly realm: Realm;
  readonly forward: LinkDirection;
  readonly backward: LinkDirection;
  private isUp = true;

  constructor(a: Node, b: Node, realm: Realm, forward: LinkParams, backward: LinkParams, rng: SeededRandom) {
    this.a = a;
    this.b = b;
    this.realm = realm;
    this.forward = new LinkDirection(forward, rng.fork());
    this.backward = new LinkDirection(backward, rng.fork());
  }

  get up(): boolean {
    return this.isUp;
  }

  /** Cuts the link: packets in flight and queued are lost, new ones dropped as `link-down`. */
  cut(): void {
    if (!this.isUp) return;
    this.isUp = false;
    this.forward.flush();
    this.backward.flush();
  }

  restore(): void {
    this.isUp = true;
  }

  /** Changes parameters of both directions; packets already in flight keep their timing. */
  update(patch: Partial<LinkParams>): void {
    this.forward.update(patch);
    this.backward.update(patch);
  }

  /** The direction that carries packets leaving `from`. */
  directionFrom(from: Node): LinkDirection {
    return from === this.a ? this.forward : this.backward;
  }

  other(node: Node): Node {
    return node === this.a ? this.b : this.a;
  }
}

/** Realms a node takes part in: its own, and for a NAT also its inside. */
export function realmsOf(node: Node): Realm[] {
  return node.kind === 'nat' ? [node.realm, node] : [node.realm];
}

/**
 * Shortest-path next hops (fewest links, ties broken by link creation order). Only routers
 * forward, so paths pass through routers; hosts and NATs are ends. Cached until the
 * topology changes; cut links still count as routes (a cut cable drops, it does not reroute).
 */
export class Routes {
  private cache = new Map<Node, Map<Node, Link | null>>();

  invalidate(): void {
    this.cache.clear();
  }

  nextHop(from: Node, to: Node, realm: Realm): Link | undefined {
    let row = this.cache.get(from);
    if (row === undefined) {
      row = new Map();
      this.cache.set(from, row);
    }
    let hop = row.get(to);
    if (hop === undefined) {
      hop = search(from, to, realm);
      row.set(to, hop);
    }
    return hop ?? undefined;
  }
}

function search(from: Node, to: Node, realm: Realm): Link | null {
  const first = new Map<Node, Link>();
  const queue: Node[] = [from];
  const seen = new Set<Node>([from]);
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    for (const link of u.links) {
      if (link.realm !== realm) continue;
      const v = link.other(u);
      if (seen.has(v)) continue;
      const hop = u === from ? link : first.get(u)!;
      if (v === to) return hop;
      seen.add(v);
      if (v.kind === 'router') {
        first.set(v, hop);
        queue.push(v);
      }
    }
  }
  return null;
}
