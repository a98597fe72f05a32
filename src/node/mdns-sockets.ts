/**
 * The multicast DNS sockets: one per family, bound to the wildcard address on port 5353
 * with SO_REUSEADDR (so the OS responder, a browser, and other sansrtc processes can share
 * the port), joined to the mDNS group on each chosen interface (RFC 6762 3, 5).
 *
 * A transmit to the group is sent once per chosen interface, with the multicast interface
 * set just before each send (the literal lookup makes the send synchronous, so the setting
 * applies to it). A unicast transmit (a QU or legacy reply) is sent once.
 */

import dgram from 'node:dgram';
import { type AddressFamily, type Transmit, type TransportAddress, logger, transportAddress } from '../core/index.js';
import { MDNS_IPV4_GROUP, MDNS_IPV6_GROUP, MDNS_PORT } from '../mdns/index.js';
import { MDNS_MULTICAST_TTL } from './constants.js';
import { LinkFilter, type LocalInterface, familiesOf } from './interfaces.js';
import { literalLookup } from './lookup.js';
import { SocketSet, bindSocket, closeSocket, sendFrom } from './socket-set.js';

const log = logger('sansrtc:node');

export type MdnsSocketsCounter =
  | 'socket-error'
  | 'send-error'
  | 'sent'
  | 'no-socket'
  | 'no-destination'
  | 'join-error'
  | 'off-link';

export interface MdnsSocketsOptions {
  /** Interfaces to join the group on and send from; their families pick the sockets. */
  readonly interfaces: readonly LocalInterface[];
  /** Port (default 5353; other values only make sense in tests). */
  readonly port?: number;
  /**
   * When the port is taken by a process that does not share it, bind an ephemeral port
   * instead. A querier can: RFC 6762 6.7 has responders answer a query from any other port
   * by unicast to that port ("legacy unicast"). A responder cannot, so it defaults to false.
   */
  readonly ephemeralFallback?: boolean;
}

interface FamilySocket {
  readonly family: AddressFamily;
  readonly socket: dgram.Socket;
  readonly local: TransportAddress;
  readonly group: string;
  /** Multicast interface selectors: the IPv4 address, or `::%name` for IPv6. */
  readonly outgoing: readonly string[];
}

/** IPv4 names an interface by address; IPv6 by zone (libuv takes the scope id from it). */
function selector(i: LocalInterface): string {
  return i.family === 'IPv4' ? i.address : `::%${i.name}`;
}

function bindWildcard(family: AddressFamily, port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({
    type: family === 'IPv6' ? 'udp6' : 'udp4',
    reuseAddr: true,
    ipv6Only: family === 'IPv6',
    lookup: literalLookup,
  });
  return bindSocket(socket, { port, address: family === 'IPv6' ? '::' : '0.0.0.0', exclusive: false });
}

export class MdnsSockets extends SocketSet<FamilySocket, MdnsSocketsCounter> {
  private readonly link: LinkFilter;

  /** Opens a socket for each family among `interfaces`; rejects if any cannot bind. */
  static async open(options: MdnsSocketsOptions): Promise<MdnsSockets> {
    const port = options.port ?? MDNS_PORT;
    const families = familiesOf(options.interfaces);
    if (families.length === 0) throw new RangeError('MdnsSockets.open needs at least one interface');
    const bindOne = (f: AddressFamily): Promise<dgram.Socket> =>
      bindWildcard(f, port).catch((e: NodeJS.ErrnoException) => {
        if (!options.ephemeralFallback || e.code !== 'EADDRINUSE') throw e;
        log.info(`mDNS port ${port} is taken; querying from an ephemeral port (RFC 6762 6.7)`);
        return bindWildcard(f, 0);
      });
    const settled = await Promise.allSettled(families.map(bindOne));
    const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(opened.map(closeSocket));
      throw failed.reason;
    }
    return new MdnsSockets(
      new LinkFilter(options.interfaces),
      families.map((family, i) => {
        const socket = opened[i]!;
        const chosen = options.interfaces.filter((x) => x.family === family);
        return {
          family,
          socket,
          local: transportAddress(family === 'IPv6' ? '::' : '0.0.0.0', socket.address().port),
          group: family === 'IPv6' ? MDNS_IPV6_GROUP : MDNS_IPV4_GROUP,
          outgoing: chosen.map(selector),
        };
      }),
    );
  }

  /** Its `localAddresses` are the bound wildcard addresses (port 5353 unless asked otherwise or taken). */
  private constructor(link: LinkFilter, sockets: FamilySocket[]) {
    super(sockets);
    this.link = link;
    for (const s of sockets) this.setUp(s);
  }

  protected sendTo(t: Transmit, to: TransportAddress): boolean {
    const s = this.bound.find((x) => x.family === to.family);
    if (!s || this.closing) {
      this.counters.inc('no-socket');
      return false;
    }
    if (to.address !== s.group) return sendFrom(s.socket, t.data, to, this.counters);
    let sent = false;
    for (const via of s.outgoing) {
      try {
        s.socket.setMulticastInterface(via);
      } catch (e) {
        this.counters.inc('send-error');
        log.debug(`cannot send multicast via ${via}: ${(e as Error).message}`);
        continue;
      }
      sent = sendFrom(s.socket, t.data, to, this.counters) || sent;
    }
    return sent;
  }

  private setUp(s: FamilySocket): void {
    const { socket } = s;
    // mDNS serves the connections that use it: their sockets, and a pending resolve's
    // timer, keep the process alive; an idle mDNS socket must not.
    socket.unref();
    socket.setMulticastTTL(MDNS_MULTICAST_TTL);
    // Other mDNS users on this host (a browser, another process) must hear us too.
    socket.setMulticastLoopback(true);
    for (const via of s.outgoing) {
      try {
        socket.addMembership(s.group, via);
      } catch (e) {
        this.counters.inc('join-error');
        log.warn(`cannot join ${s.group} on ${via}: ${(e as Error).message}`);
      }
    }
    socket.on('message', (data, rinfo) => {
      const from = rinfo as TransportAddress;
      // RFC 6762 11: accept only what comes from the local link. Node cannot show us the
      // IP TTL (255 on-link), so we check that the source is in a chosen interface's subnet.
      if (!this.link.isOnLink(from)) {
        this.counters.inc('off-link');
        log.debug(`dropped mDNS from off-link ${from.address}`);
        return;
      }
      this.receiver?.({ type: 'datagram', data, from, to: s.local });
    });
    socket.on('error', (e) => {
      this.counters.inc('socket-error');
      log.warn(`mDNS socket: ${e.message}`);
    });
  }
}
