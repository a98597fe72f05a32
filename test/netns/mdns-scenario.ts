/**
 * mDNS over real sockets, run by mdns.test.ts inside `unshare -rn` (never by hand on a
 * host: it checks that it is isolated first). Prints one JSON line with what it saw.
 *
 *   lo         querier and responder in this process, on a multicast-enabled loopback
 *   veth       the responder runs in a second namespace joined to this one by a veth pair
 *              (10.99.0.1/24, fd99::1/64 there; 10.99.0.2/24, fd99::2/64 here)
 *   responder  (internal) the far end of `veth`: reads one `start` line, answers, and exits
 *              when its stdin closes
 */

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { listInterfaces, nodeMdnsResolver, nodeMdnsResponder } from '../../src/node/index.js';
import { assertIsolated, sh } from './netns.js';

const NAME = '9b2c6a1e-4f3d-4e5a-8b7c-1d2e3f4a5b6c.local';
const NAME6 = '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b.local';

function handles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'Timeout');
}

async function resolveAll(interfaces: ReturnType<typeof listInterfaces>) {
  const resolver = await nodeMdnsResolver({ interfaces });
  const t0 = performance.now();
  const first = resolver.resolve(NAME, 3000).then((a) => ({ a, ms: performance.now() - t0 }));
  const [v4, v6, upper, missing] = await Promise.all([
    first,
    resolver.resolve(NAME6, 3000),
    resolver.resolve(NAME.toUpperCase(), 3000),
    resolver.resolve('no-such-host.local', 600),
  ]);
  const missingAfterMs = Math.round(performance.now() - t0);
  const cached = await resolver.resolve(NAME, 10); // from the cache: no wait
  const counters = resolver.sockets.counters.snapshot();
  await resolver.close();
  return {
    v4: v4.a,
    firstAnswerMs: Math.round(v4.ms),
    v6,
    upper,
    missing: missing ?? null,
    missingAfterMs,
    cached,
    counters,
  };
}

async function loScenario(): Promise<object> {
  assertIsolated();
  sh('ip link set lo up', 'ip link set lo multicast on', 'ip route add 224.0.0.0/4 dev lo');
  const lo = listInterfaces({ includeLoopback: true, families: ['IPv4'] });
  const responder = await nodeMdnsResponder({
    interfaces: lo,
    names: [
      { name: NAME, address: '10.99.0.1' },
      { name: NAME6, address: 'fd99::1' },
    ],
  });
  const result = await resolveAll(lo);
  const answered = responder.sockets.counters.get('sent');
  await responder.close();
  return { ...result, answered, interfaces: lo.map((i) => i.address), handles: handles() };
}

function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stream });
    rl.once('line', (l) => {
      resolve(l);
      rl.close();
    });
    rl.once('close', () => reject(new Error('stream ended before a line')));
  });
}

async function vethScenario(): Promise<object> {
  assertIsolated();
  // The far namespace: a child in a new network namespace (still our user namespace).
  const child = spawn('unshare', ['-n', process.execPath, '--import', 'tsx', process.argv[1]!, 'responder'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const pid = child.pid!;
    // Wait until the child has its own namespace: unshare execs node in it.
    const ready = readLine(child.stdout!);
    const far = `nsenter -t ${pid} -n`;
    sh(
      `ip link add veth0 type veth peer name veth1 netns ${pid}`,
      'sysctl -qw net.ipv6.conf.veth0.accept_dad=0',
      'ip addr add 10.99.0.2/24 dev veth0',
      'ip addr add fd99::2/64 dev veth0 nodad',
      'ip link set veth0 up',
      `${far} sysctl -qw net.ipv6.conf.veth1.accept_dad=0`,
      `${far} ip addr add 10.99.0.1/24 dev veth1`,
      `${far} ip addr add fd99::1/64 dev veth1 nodad`,
      `${far} ip link set veth1 up`,
    );
    assertIsolated(['veth0']);
    child.stdin!.write('start\n');
    const line = await ready;
    if (line !== 'ready') throw new Error(`responder said ${line}`);
    const interfaces = listInterfaces({ filter: (name) => name === 'veth0' });
    const result = await resolveAll(interfaces);
    // IPv6 only: the query goes to [ff02::fb]:5353 and the answer comes back over IPv6.
    const v6only = listInterfaces({ families: ['IPv6'], filter: (name) => name === 'veth0' });
    const resolver6 = await nodeMdnsResolver({ interfaces: v6only });
    const overV6 = await resolver6.resolve(NAME6, 3000);
    const v6counters = resolver6.sockets.counters.snapshot();
    await resolver6.close();
    return {
      ...result,
      overV6,
      v6counters,
      interfaces: interfaces.map((i) => i.address),
      handles: handles(),
    };
  } finally {
    child.stdin!.end();
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  }
}

async function responderRole(): Promise<void> {
  const start = await readLine(process.stdin);
  if (start !== 'start') throw new Error(`unexpected ${start}`);
  assertIsolated(['veth1']);
  const responder = await nodeMdnsResponder({
    interfaces: listInterfaces({ filter: (name) => name === 'veth1' }),
    names: [
      { name: NAME, address: '10.99.0.1' },
      { name: NAME6, address: 'fd99::1' },
    ],
  });
  process.stdout.write('ready\n');
  process.stdin.resume();
  await new Promise((r) => process.stdin.once('end', r));
  await responder.close();
}

const mode = process.argv[2];
try {
  if (mode === 'responder') await responderRole();
  else {
    const result = mode === 'lo' ? await loScenario() : mode === 'veth' ? await vethScenario() : undefined;
    if (!result) throw new Error(`unknown mode ${mode}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
