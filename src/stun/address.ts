/**
 * MAPPED-ADDRESS style values (RFC 8489 14.1) and their XOR form (RFC 8489 14.2), shared by
 * XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS and ALTERNATE-SERVER.
 */

import { DecodeError, err, ok, type ByteWriter, type Result, type TransportAddress } from '../core/index.js';
import { AddressFamilyNumber } from './types.js';
import { formatIpv4, formatIpv6, parseIp } from './ip.js';

/**
 * Reads an address value. `mask` is the 16 bytes magic cookie || transaction id (bytes 4..20
 * of the message) for the XOR forms, or undefined for plain ones.
 */
export function readAddress(
  value: Uint8Array,
  mask: Uint8Array | undefined,
): Result<TransportAddress> {
  if (value.length < 4) return err(new DecodeError('stun', 'truncated', 'address attribute too short'));
  const family = value[1]!;
  let port = (value[2]! << 8) | value[3]!;
  if (mask) port ^= (mask[0]! << 8) | mask[1]!;
  if (family === AddressFamilyNumber.IPv4) {
    if (value.length !== 8) return err(new DecodeError('stun', 'invalid', 'IPv4 address length'));
    const ip = value.subarray(4, 8);
    if (mask) {
      const b = new Uint8Array(4);
      for (let i = 0; i < 4; i++) b[i] = ip[i]! ^ mask[i]!;
      return ok({ family: 'IPv4', address: formatIpv4(b), port });
    }
    return ok({ family: 'IPv4', address: formatIpv4(ip), port });
  }
  if (family === AddressFamilyNumber.IPv6) {
    if (value.length !== 20) return err(new DecodeError('stun', 'invalid', 'IPv6 address length'));
    const b = value.slice(4, 20);
    if (mask) for (let i = 0; i < 16; i++) b[i]! ^= mask[i]!;
    return ok({ family: 'IPv6', address: formatIpv6(b), port });
  }
  return err(new DecodeError('stun', 'invalid', `address family ${family}`));
}

/** Writes an address value (no attribute header). Throws RangeError on a malformed address. */
export function writeAddress(
  w: ByteWriter,
  addr: TransportAddress,
  mask: Uint8Array | undefined,
): void {
  const ip = parseIp(addr.address);
  if (!ip || (ip.length === 4) !== (addr.family === 'IPv4')) {
    throw new RangeError(`stun: not an ${addr.family} address: ${addr.address}`);
  }
  if (!(Number.isInteger(addr.port) && addr.port >= 0 && addr.port <= 0xffff)) {
    throw new RangeError(`stun: bad port ${addr.port}`);
  }
  w.u8(0);
  w.u8(ip.length === 4 ? AddressFamilyNumber.IPv4 : AddressFamilyNumber.IPv6);
  if (mask) {
    w.u16(addr.port ^ ((mask[0]! << 8) | mask[1]!));
    for (let i = 0; i < ip.length; i++) ip[i]! ^= mask[i]!;
  } else {
    w.u16(addr.port);
  }
  w.bytes(ip);
}
