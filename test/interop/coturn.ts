/**
 * Starts a real coturn `turnserver` on 127.0.0.1 for interop tests, with a generated
 * config in a temp directory, and stops it by its PID. Needs the Debian `coturn` package
 * (installed by .ci/run).
 */

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Coturn {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly realm: string;
  readonly username: string;
  readonly password: string;
  readonly pid: number;
  /** What the server logged so far (for failure messages). */
  log(): string;
  /** Kills the server by PID and removes its temp directory. */
  stop(): Promise<void>;
}

/** Whether `turnserver` is on the PATH. */
export function haveCoturn(): boolean {
  return spawnSync('turnserver', ['--help'], { stdio: 'ignore' }).error === undefined;
}

/** A UDP port that was free a moment ago on 127.0.0.1. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Sends STUN Binding requests (RFC 8489 6) to the server until one is answered, so the test
 * starts only once coturn listens. A hand-made 20-byte request keeps this helper free of the
 * code under test.
 */
async function waitForStun(port: number, deadlineMs: number, child: ChildProcess): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const request = new Uint8Array(20);
  request.set([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
  for (let i = 8; i < 20; i++) request[i] = i;
  try {
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const onExit = (): void => reject(new Error('turnserver exited before listening'));
      child.once('exit', onExit);
      const timer = setInterval(() => {
        if (Date.now() - started > deadlineMs) {
          clearInterval(timer);
          child.off('exit', onExit);
          reject(new Error('turnserver did not answer a STUN Binding request in time'));
          return;
        }
        s.send(request, port, '127.0.0.1');
      }, 50);
      s.on('message', (msg) => {
        if (msg.length >= 20 && msg[0] === 0x01 && msg[1] === 0x01) {
          clearInterval(timer);
          child.off('exit', onExit);
          resolve();
        }
      });
    });
  } finally {
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** Starts coturn with long-term credentials, loopback peers allowed, UDP only. */
export async function startCoturn(
  opts: { username?: string; password?: string; realm?: string; extraConfig?: readonly string[] } = {},
): Promise<Coturn> {
  const username = opts.username ?? 'sansrtc';
  const password = opts.password ?? 'interop-secret';
  const realm = opts.realm ?? 'sansrtc.test';
  const port = await freeUdpPort();
  // A relay range below Linux's ephemeral ports (32768 up), where the tests' own sockets are.
  const minPort = 20000 + (port % 12) * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'sansrtc-coturn-'));
  const config = [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    `min-port=${minPort}`,
    `max-port=${minPort + 999}`,
    'lt-cred-mech',
    `user=${username}:${password}`,
    `realm=${realm}`,
    'no-tls',
    'no-dtls',
    'no-tcp-relay',
    'no-cli',
    'allow-loopback-peers',
    'log-file=stdout',
    'simple-log',
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n');
  const configPath = join(dir, 'turnserver.conf');
  writeFileSync(configPath, config);
  const child = spawn('turnserver', ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (b: Buffer): void => {
    if (output.length < 1_000_000) output += b.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start turnserver');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, 2000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForStun(port, 10_000, child);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${output}`);
  }
  return {
    host: '127.0.0.1',
    port,
    realm,
    username,
    password,
    pid,
    log: () => output,
    stop,
  };
}
