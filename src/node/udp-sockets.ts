/**
 * One UDP socket per chosen local address, for ICE. A transmit leaves from the socket
 * whose address matches `transmit.from` (ICE chose it), or, without `from`, from the first
 * socket of the destination's family. Received datagrams come out as core `Datagram`s with
 * `from` the sender (Node's remote info, passed through) and `to` the socket's address.
 *
 * Errors on a socket (ICMP unreachable on Linux, EPERM from a firewall ...) are counted and
 * logged, never thrown: one bad path must not take the process down.
 */

import dgram from 'node:dgram';
import {
  type AddressFamily,
  type Datagram,
  type Transmit,
  type TransportAddress,
  addressKey,
  logger,
  transportAddress,
} from '../core/index.js';
import { SOCKET_BUFFER_BYTES } from './constants.js';
import type { LocalInterface } from './interfaces.js';
import { literalLookup } from './lookup.js';
import { type BoundSocket, SocketSet, bindSocket, sendFrom } from './socket-set.js';

const log = logger('sansrtc:node');

export type UdpSocketsCounter = 'socket-error' | 'send-error' | 'no-socket' | 'no-destination' | 'sent' | 'received';

export interface UdpSocketsOptions {
  /** Addresses to bind, as interfaces from `listInterfaces` or address strings. */
  readonly addresses: readonly (LocalInterface | string)[];
  /** Port for every socket; 0 (default) lets the OS choose one per socket. */
  readonly port?: number;
  /** Keep the process alive while open (default true). */
  readonly ref?: boolean;
}

/** An address that could not be bound, and why. */
export interface BindFailure {
  readonly address: string;
  readonly error: Error;
}

function openSocket(address: string, port: number): Promise<dgram.Socket> {
  const family = address.includes(':') ? 'udp6' : 'udp4';
  const socket = dgram.createSocket({ type: family, ipv6Only: family === 'udp6', lookup: literalLookup });
  return bindSocket(socket, { address, port, exclusive: true });
}

/** Asks for bigger kernel buffers; the kernel may clamp or refuse, which is fine. */
export function growBuffers(socket: dgram.Socket): void {
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
    socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  } catch (e) {
    log.debug('could not grow socket buffers', e);
  }
}

export class UdpSockets extends SocketSet<BoundSocket, UdpSocketsCounter> {
  /** Addresses that failed to bind (the others are open). */
  readonly bindFailures: readonly BindFailure[];

  /**
   * Binds every address. Addresses that fail are listed in `bindFailures`; if none binds,
   * the promise rejects with the first error. (`override`: it shadows the constructor's
   * inherited `Function.prototype.bind`, as it did before UdpSockets had a base class.)
   */
  static override async bind(options: UdpSocketsOptions): Promise<UdpSockets> {
    const port = options.port ?? 0;
    const addresses = options.addresses.map((a) => (typeof a === 'string' ? a : a.address));
    const results = await Promise.allSettled(addresses.map((a) => openSocket(a, port)));
    const sockets: dgram.Socket[] = [];
    const failures: BindFailure[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else failures.push({ address: addresses[i]!, error: r.reason as Error });
    });
    for (const f of failures) log.warn(`could not bind ${f.address}: ${f.error.message}`);
    if (sockets.length === 0) {
      throw failures[0]?.error ?? new RangeError('UdpSockets.bind needs at least one address');
    }
    return new UdpSockets(sockets, failures, options.ref ?? true);
  }

  private constructor(sockets: dgram.Socket[], failures: BindFailure[], ref: boolean) {
    super(
      sockets.map((socket) => {
        const a = socket.address();
        return { socket, local: transportAddress(a.address, a.port) };
      }),
    );
    this.bindFailures = failures;
    for (const entry of this.bound) {
      this.listen(entry);
      growBuffers(entry.socket);
      if (!ref) entry.socket.unref();
    }
  }

  protected sendTo(t: Transmit, to: TransportAddress): boolean {
    const entry = t.from ? this.socketAt(t.from) : this.firstOf(to.family);
    if (!entry || entry.local.family !== to.family || this.closing) {
      this.counters.inc('no-socket');
      log.debug(`no socket for ${t.from ? addressKey(t.from) : to.family}`);
      return false;
    }
    return sendFrom(entry.socket, t.data, to, this.counters);
  }

  private firstOf(family: AddressFamily): BoundSocket | undefined {
    return this.bound.find((b) => b.local.family === family);
  }

  /** The socket bound to `local`: a plain scan (a handful of sockets), no key string per send. */
  private socketAt(local: TransportAddress): BoundSocket | undefined {
    for (const b of this.bound) {
      if (b.local.port === local.port && b.local.address === local.address) return b;
    }
    return undefined;
  }

  /** One handler pair per socket, made once: nothing is allocated per packet but the Datagram. */
  private listen(entry: BoundSocket): void {
    entry.socket.on('message', (data, rinfo) => {
      this.counters.inc('received');
      // A plain Uint8Array view of Node's Buffer: every layer slices it (records, chunks,
      // payloads), and Buffer#subarray (species lookup, FastBuffer) costs several times
      // Uint8Array#subarray; the bytes are not copied.
      const view = new Uint8Array(data.buffer, data.byteOffset, data.length);
      const d: Datagram = { type: 'datagram', data: view, from: rinfo as TransportAddress, to: entry.local };
      this.receiver?.(d);
    });
    entry.socket.on('error', (e) => {
      this.counters.inc('socket-error');
      log.warn(`socket ${addressKey(entry.local)}: ${e.message}`);
    });
  }
}
