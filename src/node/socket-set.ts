/**
 * What `UdpSockets` and `MdnsSockets` share: binding and closing a socket, sending with
 * Node's synchronous refusals counted, and the `DatagramTransport` plumbing around a fixed
 * set of bound sockets (the receiver, the destination check, closing them all once).
 */

import type dgram from 'node:dgram';
import { Counters, type Transmit, type TransportAddress, addressKey, logger } from '../core/index.js';
import type { DatagramReceiver, DatagramTransport } from './transport.js';

const log = logger('sansrtc:node');

/** Binds `socket`; when binding fails the socket is closed and the promise rejects. */
export function bindSocket(socket: dgram.Socket, options: dgram.BindOptions): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      socket.close();
      reject(e);
    };
    socket.once('error', onError);
    socket.bind(options, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
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

export interface BoundSocket {
  readonly socket: dgram.Socket;
  readonly local: TransportAddress;
}

/** A `DatagramTransport` over sockets bound once, at construction. */
export abstract class SocketSet<S extends BoundSocket, K extends string> implements DatagramTransport {
  readonly counters = new Counters<K | 'no-destination'>();
  protected readonly bound: readonly S[];
  protected receiver: DatagramReceiver | undefined;
  protected closing: Promise<void> | undefined;

  protected constructor(bound: readonly S[]) {
    this.bound = bound;
  }

  /** The bound local addresses, one per socket, with the ports they got. */
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
    return this.sendTo(t, to);
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.bound.map((b) => closeSocket(b.socket))).then(() => {
      this.receiver = undefined;
    });
    return this.closing;
  }

  /** Sends `t` to its destination `to` from the socket that fits; false (counted) if none. */
  protected abstract sendTo(t: Transmit, to: TransportAddress): boolean;
}
