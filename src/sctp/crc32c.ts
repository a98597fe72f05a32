/**
 * CRC32c (Castagnoli), the SCTP checksum (RFC 9260 Appendix A), slicing-by-8.
 *
 * The value is the reflected CRC with initial value and final xor 0xffffffff; SCTP stores it
 * in the common header least significant byte first (RFC 9260 Appendix A: the CRC is
 * transmitted in "reflected" bit order, which is little-endian byte order for the value).
 */

const POLY = 0x82f63b78; // reflected Castagnoli polynomial 0x1EDC6F41

/** T[k*256 + b]: the CRC of byte b followed by k zero bytes. */
const T = new Int32Array(8 * 256);
for (let b = 0; b < 256; b++) {
  let c = b;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[b] = c;
}
for (let b = 0; b < 256; b++) {
  let c = T[b]!;
  for (let k = 1; k < 8; k++) {
    c = T[c & 0xff]! ^ (c >>> 8);
    T[k * 256 + b] = c;
  }
}

/** CRC32c of `buf[start, end)`, as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  return crc32cContinue(0, buf, start, end);
}

/**
 * CRC32c of an SCTP packet with its checksum field (bytes 8..11) taken as zero, as RFC 9260
 * 6.8 requires, without modifying the buffer.
 */
export function sctpChecksum(packet: Uint8Array): number {
  // Fold the first 8 bytes, then four zero bytes, then the rest.
  let crc = -1;
  for (let i = 0; i < 8; i++) crc = T[(crc ^ packet[i]!) & 0xff]! ^ (crc >>> 8);
  for (let i = 0; i < 4; i++) crc = T[crc & 0xff]! ^ (crc >>> 8);
  return crc32cContinue(~crc >>> 0, packet, 12, packet.length);
}

/** Continues a CRC32c: `crc32cContinue(crc32c(a), b)` equals the CRC of a followed by b. */
export function crc32cContinue(prev: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = ~prev;
  let i = start;
  const end8 = end - ((end - start) & 7);
  while (i < end8) {
    const lo = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    crc =
      T[1792 + (lo & 0xff)]! ^
      T[1536 + ((lo >>> 8) & 0xff)]! ^
      T[1280 + ((lo >>> 16) & 0xff)]! ^
      T[1024 + (lo >>> 24)]! ^
      T[768 + buf[i + 4]!]! ^
      T[512 + buf[i + 5]!]! ^
      T[256 + buf[i + 6]!]! ^
      T[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) crc = T[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
