/**
 * A `dgram` lookup that answers IP literals at once. Node's default (`dns.lookup`) answers
 * even a literal on the next tick, so every send would wait a tick and the engine's
 * buffer would have to stay untouched until then; answering synchronously lets `send`
 * hand the datagram to the kernel before it returns (Node tries a synchronous send
 * first), and lets a multicast interface set just before a send apply to that send.
 * Host names are refused: every address in sansrtc is already resolved.
 */

import { ipFamily } from '../core/ip.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * The last literal answered: a socket sends to the same peer address again and again, and
 * this is asked on every send.
 */
let lastAddress = '';
let lastFamily = 0;

/**
 * Node's `net.isIP` is not used: its IPv6 pattern is a large regular expression that took
 * ~10 ms to compile on a process's first send (the first connection's setup).
 */
export function literalLookup(address: string, _options: unknown, callback: LookupCallback): void {
  if (address !== lastAddress) {
    // An IPv6 literal may carry a zone (`fe80::1%eth0`), which the kernel takes as scope id.
    const zone = address.indexOf('%');
    const family = ipFamily(zone === -1 ? address : address.slice(0, zone));
    lastFamily = family === 'IPv4' ? 4 : family === 'IPv6' ? 6 : 0;
    lastAddress = address;
  }
  if (lastFamily !== 0) {
    callback(null, address, lastFamily);
    return;
  }
  const e: NodeJS.ErrnoException = new Error(`not an IP address: ${address}`);
  e.code = 'EINVAL';
  callback(e, address, 0);
}
