/**
 * CRC32c (slicing-by-8) speed on SCTP-sized packets and on large buffers.
 *
 *   node --import tsx bench/sctp-crc32c.ts
 */

import { crc32c } from '../src/sctp/crc32c.js';

function measure(size: number, totalBytes: number): number {
  const buf = new Uint8Array(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 131) & 0xff;
  const rounds = Math.max(1, Math.floor(totalBytes / size));
  let sink = 0;
  for (let i = 0; i < Math.min(rounds, 2000); i++) sink ^= crc32c(buf); // warm-up
  const start = performance.now();
  for (let i = 0; i < rounds; i++) sink ^= crc32c(buf);
  const ms = performance.now() - start;
  if (sink === 0.5) console.log(sink); // keep the result alive
  return (rounds * size) / 1e6 / (ms / 1000);
}

for (const size of [64, 1200, 65536]) {
  console.log(`crc32c over ${String(size).padStart(5)}-byte buffers: ${measure(size, 400e6).toFixed(0)} MB/s`);
}
