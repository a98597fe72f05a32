/**
 * The raw ceiling: how fast plain Node UDP moves datagrams of one size between two
 * processes on loopback, with the sender keeping a bounded number of sends in flight.
 * Goodput counts only what the receiver got. No WebRTC stack can beat this number in Node.
 */

import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';

const MiB = 1 << 20;
const IN_FLIGHT = 64;

/** Median-free single measurement, in MiB/s; the caller repeats it. */
export function measureUdpCeiling(seconds: number, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const opts = { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ['ignore', 'inherit', 'inherit', 'ipc'] };
    const receiver = fork(self, ['udp-child', 'receive', String(seconds), String(size)], opts);
    receiver.once('message', (m: { port: number }) => {
      const sender = fork(self, ['udp-child', 'send', String(seconds), String(size), String(m.port)], opts);
      sender.on('exit', () => receiver.send('done'));
      receiver.once('message', (r: { bytes: number; elapsedMs: number }) => {
        resolve(r.bytes / MiB / (r.elapsedMs / 1000));
      });
    });
    receiver.on('error', reject);
  });
}

function receive(size: number): void {
  const sock = createSocket({ type: 'udp4', recvBufferSize: 8 * MiB });
  let bytes = 0;
  let first = 0;
  let last = 0;
  sock.on('message', (msg) => {
    const t = performance.now();
    if (!first) first = t;
    last = t;
    bytes += msg.length;
  });
  sock.bind(0, '127.0.0.1', () => process.send!({ port: sock.address().port }));
  process.on('message', () => {
    sock.close();
    process.send!({ bytes: bytes - size, elapsedMs: last - first }, () => process.exit(0));
  });
}

function send(seconds: number, size: number, port: number): void {
  const sock = createSocket({ type: 'udp4', sendBufferSize: 8 * MiB });
  const buf = Buffer.alloc(size, 7);
  const end = performance.now() + seconds * 1000;
  let inFlight = 0;
  const pump = (): void => {
    while (inFlight < IN_FLIGHT && performance.now() < end) {
      inFlight++;
      sock.send(buf, port, '127.0.0.1', () => {
        inFlight--;
        pump();
      });
    }
    if (inFlight === 0 && performance.now() >= end) sock.close(() => process.exit(0));
  };
  pump();
}

if (process.argv[2] === 'udp-child') {
  const [, , , role, seconds, size, port] = process.argv;
  if (role === 'receive') receive(Number(size));
  else send(Number(seconds), Number(size), Number(port));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv[2] ?? 2);
  console.log(`raw UDP, 1200-byte datagrams, two processes: ${(await measureUdpCeiling(seconds, 1200)).toFixed(1)} MiB/s`);
}
