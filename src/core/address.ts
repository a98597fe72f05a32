/**
 * Transport addresses, shaped like Node's `dgram` remote info so that a driver can pass
 * what a socket gives it straight through.
 */

export type AddressFamily = 'IPv4' | 'IPv6';

export interface TransportAddress {
  readonly family: AddressFamily;
  /** Textual IP address (`192.0.2.1`, `2001:db8::1`). */
  readonly address: string;
  readonly port: number;
}

export function transportAddress(address: string, port: number): TransportAddress {
  return { family: address.includes(':') ? 'IPv6' : 'IPv4', address, port };
}

/** A stable string key for maps and logs: `1.2.3.4:5` or `[::1]:5`. */
export function addressKey(a: TransportAddress): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export function sameAddress(a: TransportAddress, b: TransportAddress): boolean {
  return a.port === b.port && a.address === b.address && a.family === b.family;
}
