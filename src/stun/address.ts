/**
 * MAPPED-ADDRESS style values (RFC 8489 14.1) and their XOR form (RFC 8489 14.2), shared by
 * XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS and ALTERNATE-SERVER.
 */

import { DecodeError, err, formatIpv6, ok, parseIp, type ByteWriter, type Result, type TransportAddress } from '../core/index.js';
import { MAGIC_COOKIE } from './constants.js';
import { AddressFamilyNumber } from './types.js';

/**
 * Reads the address value at `msg[at..at+len)`. For the XOR forms (`xor`), the mask is the
 * magic cookie and transaction id in bytes 4..20 of the same message (RFC 8489 14.2).
 */
export function readAddress(msg: Uint8Array, at: number, len: number, xor: boolean): Result<TransportAddress> {
  if (len < 4) return err(new DecodeError('stun', 'invalid', 'address attribute too short'));
  const family = msg[at + 1]!;
  let port = (msg[at + 2]! << 8) | msg[at + 3]!;
  if (xor) port ^= (msg[4]! << 8) | msg[5]!;
  const ip = at + 4;
  if (family === AddressFamilyNumber.IPv4) {
    if (len !== 8) return err(new DecodeError('stun', 'invalid', 'IPv4 address length'));
    let v = (msg[ip]! << 24) | (msg[ip + 1]! << 16) | (msg[ip + 2]! << 8) | msg[ip + 3]!;
    // The first four mask bytes are the magic cookie (the decoder checked them).
    if (xor) v ^= MAGIC_COOKIE;
    v >>>= 0;
    const address = `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
    return ok({ family: 'IPv4', address, port });
  }
  if (family === AddressFamilyNumber.IPv6) {
    if (len !== 20) return err(new DecodeError('stun', 'invalid', 'IPv6 address length'));
    const b = msg.slice(ip, ip + 16);
    if (xor) for (let i = 0; i < 16; i++) b[i]! ^= msg[4 + i]!;
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
