/**
 * A `dgram` lookup that answers IP literals at once. Node's default (`dns.lookup`) answers
 * even a literal on the next tick, so every send would wait a tick and the engine's
 * buffer would have to stay untouched until then; answering synchronously lets `send`
 * hand the datagram to the kernel before it returns (Node tries a synchronous send
 * first), and lets a multicast interface set just before a send apply to that send.
 * Host names are refused: every address in sansrtc is already resolved.
 */

import { isIP } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

export function literalLookup(address: string, _options: unknown, callback: LookupCallback): void {
  const family = isIP(address);
  if (family !== 0) {
    callback(null, address, family);
    return;
  }
  const e: NodeJS.ErrnoException = new Error(`not an IP address: ${address}`);
  e.code = 'EINVAL';
  callback(e, address, 0);
}
