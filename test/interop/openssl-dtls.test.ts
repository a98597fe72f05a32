/**
 * Interop with OpenSSL's DTLS 1.2 (`openssl s_server -dtls1_2` / `openssl s_client
 * -dtls1_2`) over real UDP on 127.0.0.1, in both roles, for every suite and group OpenSSL 3.0
 * shares with us. Each case completes the handshake, checks the peer's fingerprint and
 * moves application data both ways through the openssl process's stdin and stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptoRandom, transportAddress, utf8Decode, utf8Encode, type Millis } from '../../src/core/index.js';
import {
  DtlsEndpoint,
  generateCertificate,
  NamedGroup,
  type DtlsCertificate,
  type DtlsEvent,
  type DtlsOptions,
  type NamedGroupId,
  type SuiteName,
} from '../../src/dtls/index.js';

const OPENSSL = '/usr/bin/openssl';


const SUITES: readonly [SuiteName, string][] = [
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
];
// Our endpoint is restricted to one group; OpenSSL always also gets P-256, because in TLS
// 1.2 supported_groups also bounds the curve of ECDSA certificates (RFC 8422 5.1.1) and
// both certificates are P-256 ("wrong curve" otherwise).
const GROUPS: readonly [NamedGroupId, string][] = [
  [NamedGroup.x25519, 'X25519:P-256'],
  [NamedGroup.secp256r1, 'P-256'],
];

function pem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

function writeCredentials(dir: string, name: string, cert: DtlsCertificate): { cert: string; key: string } {
  const certPath = join(dir, `${name}-cert.pem`);
  const keyPath = join(dir, `${name}-key.pem`);
  writeFileSync(certPath, pem(cert.der, 'CERTIFICATE'));
  writeFileSync(keyPath, cert.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { cert: certPath, key: keyPath };
}

/** A minimal Node driver: one UDP socket, one timer, the drain rule. */
class UdpDriver {
  readonly socket: Socket;
  readonly events: DtlsEvent[] = [];
  private peer: { address: string; port: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private readonly start = performance.now();

  constructor(readonly engine: DtlsEndpoint) {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      this.peer ??= { address: rinfo.address, port: rinfo.port };
      const a = transportAddress(rinfo.address, rinfo.port);
      this.engine.handleInput(this.now(), { type: 'datagram', data: msg, from: a, to: a });
      this.drive();
    });
  }

  private now(): Millis {
    return performance.now() - this.start;
  }

  bind(): Promise<number> {
    return new Promise((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve(this.socket.address().port)));
  }

  connectTo(port: number): void {
    this.peer = { address: '127.0.0.1', port };
  }

  input(input: Parameters<DtlsEndpoint['handleInput']>[1]): void {
    this.engine.handleInput(this.now(), input);
    this.drive();
  }

  private drive(): void {
    for (let o = this.engine.pollOutput(); o; o = this.engine.pollOutput()) {
      if (o.type === 'transmit') {
        if (this.peer) this.socket.send(o.data, this.peer.port, this.peer.address);
      } else {
        this.events.push(o);
      }
    }
    for (const w of this.waiters.splice(0)) w();
    clearTimeout(this.timer);
    const deadline = this.engine.pollTimeout();
    if (deadline !== undefined) {
      this.timer = setTimeout(() => {
        this.engine.handleTimeout(this.now());
        this.drive();
      }, Math.max(0, deadline - this.now()));
    }
  }

  /** Resolves with the first event that satisfies `pred` (rejects after `ms`). */
  waitFor(pred: (e: DtlsEvent) => boolean, ms = 5000): Promise<DtlsEvent> {
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`timed out; events: ${JSON.stringify(this.events.map((e) => e.type))}`)), ms);
      const check = (): void => {
        const hit = this.events.find(pred);
        if (hit) {
          clearTimeout(timeout);
          resolve(hit);
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.socket.close();
  }
}

/** Collects a child's stdout (or stderr) and resolves when it contains `text`. */
function stdoutContains(child: ChildProcessWithoutNullStreams, text: string | RegExp, ms = 5000, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`openssl output lacks ${String(text)}: ${seen}`)), ms);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('latin1');
      const m = typeof text === 'string' ? seen.includes(text) : text.test(seen);
      if (m) {
        clearTimeout(timeout);
        child[stream].off('data', onData);
        resolve(seen);
      }
    };
    child[stream].on('data', onData);
  });
}

function kill(child: ChildProcessWithoutNullStreams): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}

const dir = mkdtempSync(join(tmpdir(), 'sansrtc-dtls-'));
const ours = generateCertificate(cryptoRandom);
const theirs = generateCertificate(cryptoRandom);
const files = writeCredentials(dir, 'openssl', theirs);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function endpoint(role: 'client' | 'server', suite: SuiteName, group: NamedGroupId, extra: Partial<DtlsOptions> = {}): DtlsEndpoint {
  return new DtlsEndpoint({
    role,
    certificate: ours,
    rng: cryptoRandom,
    remoteFingerprints: [theirs.fingerprint('sha-256')],
    suites: [suite],
    groups: [group],
    initialRetransmitMs: 200,
    ...extra,
  });
}

interface CaseOptions {
  /** s_server -listen: a HelloVerifyRequest cookie exchange first (DTLSv1_listen). */
  readonly listen?: boolean;
  /** Our server sends a HelloVerifyRequest. */
  readonly helloVerify?: boolean;
  /** Path MTU for both ends (default 1200); small values fragment every flight. */
  readonly mtu?: number;
}

async function clientAgainstSServer(suite: SuiteName, cipher: string, group: NamedGroupId, groupName: string, o: CaseOptions = {}): Promise<void> {
  const mtu = o.mtu ?? 1200;
  const server = spawn(OPENSSL, [
    's_server', '-dtls1_2', '-accept', '127.0.0.1:0', '-cert', files.cert, '-key', files.key,
    '-verify', '1', '-cipher', cipher, '-groups', groupName, '-mtu', String(mtu), '-naccept', '1',
    ...(o.listen ? ['-listen'] : []),
  ]);
  const driverEngine = endpoint('client', suite, group, { mtu });
  const driver = new UdpDriver(driverEngine);
  try {
    const accept = await stdoutContains(server, /ACCEPT 127\.0\.0\.1:(\d+)/);
    const port = Number(/ACCEPT 127\.0\.0\.1:(\d+)/.exec(accept)![1]);
    await driver.bind();
    driver.connectTo(port);
    driver.input({ type: 'connect' });
    const connected = await driver.waitFor((e) => e.type === 'connected' || e.type === 'error');
    assert.equal(connected.type, 'connected', JSON.stringify(driver.events));
    if (connected.type === 'connected') {
      assert.equal(connected.suite, suite);
      assert.equal(connected.group, group === NamedGroup.x25519 ? 'x25519' : 'secp256r1');
      assert.equal(connected.extendedMasterSecret, true);
    }
    // Client -> OpenSSL: s_server prints what it receives.
    const printed = stdoutContains(server, 'ping-from-sansrtc');
    driver.input({ type: 'send', data: utf8Encode('ping-from-sansrtc\n') });
    await printed;
    // OpenSSL -> client: a line on s_server's stdin becomes one record.
    server.stdin.write('pong-from-openssl\n');
    const data = await driver.waitFor((e) => e.type === 'data');
    assert.equal(data.type === 'data' && utf8Decode(data.data), 'pong-from-openssl\n');
    driver.input({ type: 'close' });
    if (o.listen) assert.equal(driverEngine.counters.get('hello-verify-received'), 1);
  } finally {
    driver.close();
    kill(server);
  }
}

async function serverAgainstSClient(suite: SuiteName, cipher: string, group: NamedGroupId, groupName: string, o: CaseOptions = {}): Promise<void> {
  const mtu = o.mtu ?? 1200;
  const helloVerify = o.helloVerify ?? false;
  const driver = new UdpDriver(endpoint('server', suite, group, { helloVerify, mtu }));
  const port = await driver.bind();
  const client = spawn(OPENSSL, [
    's_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-cert', files.cert, '-key', files.key,
    '-cipher', cipher, '-groups', groupName, '-mtu', String(mtu), '-quiet',
  ]);
  try {
    const connected = await driver.waitFor((e) => e.type === 'connected' || e.type === 'error');
    assert.equal(connected.type, 'connected', JSON.stringify(driver.events));
    if (connected.type === 'connected') {
      assert.equal(connected.suite, suite);
      assert.equal(connected.group, group === NamedGroup.x25519 ? 'x25519' : 'secp256r1');
    }
    // s_client sends its stdin lines; our server echoes each record back; s_client prints it.
    const echoed = stdoutContains(client, 'echo-me-please');
    client.stdin.write('echo-me-please\n');
    const data = await driver.waitFor((e) => e.type === 'data');
    assert.ok(data.type === 'data');
    driver.input({ type: 'send', data: data.data });
    await echoed;
    assert.equal(driver.engine.counters.get('hello-verify-sent'), helloVerify ? 1 : 0);
  } finally {
    driver.close();
    kill(client);
  }
}

for (const [suite, cipher] of SUITES) {
  for (const [group, groupName] of GROUPS) {
    test(`client vs openssl s_server: ${cipher} ${groupName}`, { timeout: 15000 }, () =>
      clientAgainstSServer(suite, cipher, group, groupName),
    );
    test(`server vs openssl s_client: ${cipher} ${groupName}`, { timeout: 15000 }, () =>
      serverAgainstSClient(suite, cipher, group, groupName),
    );
  }
}

test('server with HelloVerifyRequest cookies vs openssl s_client', { timeout: 15000 }, () =>
  serverAgainstSClient(SUITES[0]![0], SUITES[0]![1], NamedGroup.x25519, 'X25519:P-256', { helloVerify: true }),
);

test('client vs openssl s_server -listen (HelloVerifyRequest cookie)', { timeout: 15000 }, () =>
  clientAgainstSServer(SUITES[0]![0], SUITES[0]![1], NamedGroup.x25519, 'X25519:P-256', { listen: true }),
);

test('client vs openssl s_server with a 400-byte MTU (fragmented flights both ways)', { timeout: 15000 }, () =>
  clientAgainstSServer(SUITES[1]![0], SUITES[1]![1], NamedGroup.secp256r1, 'P-256', { mtu: 400 }),
);

test('server vs openssl s_client with a 400-byte MTU (fragmented flights both ways)', { timeout: 15000 }, () =>
  serverAgainstSClient(SUITES[2]![0], SUITES[2]![1], NamedGroup.x25519, 'X25519:P-256', { mtu: 400 }),
);

test('client refuses openssl s_server whose certificate does not match the fingerprint', { timeout: 15000 }, async () => {
  const server = spawn(OPENSSL, [
    's_server', '-dtls1_2', '-accept', '127.0.0.1:0', '-cert', files.cert, '-key', files.key, '-naccept', '1',
  ]);
  const engine = new DtlsEndpoint({
    role: 'client',
    certificate: ours,
    rng: cryptoRandom,
    remoteFingerprints: [ours.fingerprint('sha-256')], // not the server's
  });
  const driver = new UdpDriver(engine);
  try {
    const accept = await stdoutContains(server, /ACCEPT 127\.0\.0\.1:(\d+)/);
    await driver.bind();
    driver.connectTo(Number(/ACCEPT 127\.0\.0\.1:(\d+)/.exec(accept)![1]));
    const alerted = stdoutContains(server, /alert bad certificate/i, 5000, 'stderr');
    driver.input({ type: 'connect' });
    const e = await driver.waitFor((x) => x.type === 'connected' || x.type === 'error');
    assert.equal(e.type === 'error' && e.error.code, 'dtls-fingerprint-mismatch');
    assert.ok(!driver.events.some((x) => x.type === 'connected' || x.type === 'data'));
    await alerted; // OpenSSL received our bad_certificate alert
  } finally {
    driver.close();
    kill(server);
  }
});
