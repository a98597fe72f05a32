/**
 * Flights: the unit of handshake retransmission (RFC 6347 4.2.4). A flight is kept as
 * whole messages and re-encoded on every transmission, since each retransmission needs new
 * record sequence numbers.
 */
import { concatBytes } from '../core/index.js';
import type { HandshakeMessage } from './handshake.js';

export type FlightEntry =
  | { readonly kind: 'handshake'; readonly message: HandshakeMessage; readonly epoch: number }
  | { readonly kind: 'change-cipher-spec' };

/**
 * Packs records into as few datagrams as possible, none larger than `mtu` (several records
 * per datagram, RFC 6347 4.1.1). A record bigger than the MTU travels alone.
 */
export function packDatagrams(records: readonly Uint8Array[], mtu: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  let size = 0;
  for (const r of records) {
    if (size + r.length > mtu && batch.length > 0) {
      out.push(concatBytes(batch));
      batch = [];
      size = 0;
    }
    batch.push(r);
    size += r.length;
  }
  if (batch.length > 0) out.push(batch.length === 1 ? batch[0]! : concatBytes(batch));
  return out;
}
