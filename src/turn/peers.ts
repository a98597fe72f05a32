import type { TransportAddress } from '../core/index.js';

/**
 * The key of a permission: RFC 8656 9 installs permissions per peer IP address, ports
 * ignored. The family is part of the key so that textual forms cannot collide.
 */
export function permissionKey(peer: TransportAddress): string {
  return `${peer.family}/${peer.address}`;
}
