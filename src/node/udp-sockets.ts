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
  Counters,
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
import type { DatagramReceiver, DatagramTransport } from './transport.js';

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

interface BoundSocket {
  readonly socket: dgram.Socket;
  readonly local: TransportAddress;
}

/** An address that could not be bound, and why. */
export interface BindFailure {
  readonly address: string;
  readonly error: Error;
}

function openSocket(address: string, port: number): Promise<dgram.Socket> {
  const family = address.includes(':') ? 'udp6' : 'udp4';
  const socket = dgram.createSocket({ type: family, ipv6Only: family === 'udp6', lookup: literalLookup });
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      socket.close();
      reject(e);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
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

/**
 * Closes `socket` and resolves once its handle is gone. The 'close' event comes before
 * libuv releases the handle (in the loop's closing phase, after this turn's immediates), so
 * we wait one more loop turn: after that `process.getActiveResourcesInfo()` no longer
 * lists it.
 */
export async function closeSocket(socket: dgram.Socket): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Sends `data` to `to`; a refusal that Node throws synchronously (a bad port or address
 * from a peer's candidate) is counted as 'send-error' instead of reaching the caller.
 */
export function sendFrom<K extends string>(
  socket: dgram.Socket,
  data: Uint8Array,
  to: TransportAddress,
  counters: Counters<K | 'send-error' | 'sent'>,
): boolean {
  try {
    socket.send(data, to.port, to.address);
  } catch (e) {
    counters.inc('send-error');
    log.debug(`send to ${addressKey(to)} refused: ${(e as Error).message}`);
    return false;
  }
  counters.inc('sent');
  return true;
}

export class UdpSockets implements DatagramTransport {
  readonly counters = new Counters<UdpSocketsCounter>();
  /** Addresses that failed to bind (the others are open). */
  readonly bindFailures: readonly BindFailure[];
  private readonly bound: readonly BoundSocket[];
  private receiver: DatagramReceiver | undefined;
  private closing: Promise<void> | undefined;

  /**
   * Binds every address. Addresses that fail are listed in `bindFailures`; if none binds,
   * the promise rejects with the first error.
   */
  static async bind(options: UdpSocketsOptions): Promise<UdpSockets> {
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
    this.bindFailures = failures;
    this.bound = sockets.map((socket) => {
      const a = socket.address();
      const entry = { socket, local: transportAddress(a.address, a.port) };
      this.listen(entry);
      growBuffers(socket);
      if (!ref) socket.unref();
      return entry;
    });
  }

  /** The bound local addresses, one per socket, with the ports the OS chose. */
  get localAddresses(): TransportAddress[] {
    return this.bound.map((b) => b.local);
  }

  setReceiver(receive: DatagramReceiver | undefined): void {
    this.receiver = receive;
  }

  send(t: Transmit): boolean {
    const to = t.to;
    if (!to) {
      this.counters.inc('no-destination');
      return false;
    }
    const entry = t.from ? this.socketAt(t.from) : this.firstOf(to.family);
    if (!entry || entry.local.family !== to.family || this.closing) {
      this.counters.inc('no-socket');
      log.debug(`no socket for ${t.from ? addressKey(t.from) : to.family}`);
      return false;
    }
    return sendFrom(entry.socket, t.data, to, this.counters);
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.bound.map((b) => closeSocket(b.socket))).then(() => {
      this.receiver = undefined;
    });
    return this.closing;
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
      const d: Datagram = { type: 'datagram', data, from: rinfo as TransportAddress, to: entry.local };
      this.receiver?.(d);
    });
    entry.socket.on('error', (e) => {
      this.counters.inc('socket-error');
      log.warn(`socket ${addressKey(entry.local)}: ${e.message}`);
    });
  }
}
