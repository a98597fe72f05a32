/**
 * What an `EngineDriver` needs from its sockets: somewhere to send transmits and a way to
 * hear datagrams. `UdpSockets` (ICE traffic) and `MdnsSockets` (multicast DNS) provide it.
 */

import type { Datagram, Transmit } from '../core/index.js';

export type DatagramReceiver = (d: Datagram) => void;

export interface DatagramTransport {
  /** Sets the function every received datagram goes to (replacing the previous one). */
  setReceiver(receive: DatagramReceiver | undefined): void;
  /** Sends `t`; false (counted) when no socket fits it or it has no destination. */
  send(t: Transmit): boolean;
  /** Closes every socket; resolves once all have closed. Idempotent. */
  close(): Promise<void>;
}
