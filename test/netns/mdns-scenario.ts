/**
 * mDNS over real sockets, run by mdns.test.ts inside `unshare -rn` (never by hand on a
 * host: it checks that it is isolated first). Prints one JSON line with what it saw.
 *
 *   lo         querier and responder in this process, on a multicast-enabled loopback
 *   veth       the responder runs in a second namespace joined to this one by a veth pair
 *              (10.99.0.1/24, fd99::1/64 there; 10.99.0.2/24, fd99::2/64 here)
 *   ice-mdns   two ICE agents on loopback; b hides its host candidate behind a `.local`
 *              name it publishes, a resolves it with our querier and connects
 *   responder  (internal) the far end of `veth`: says `hello` once in its namespace, waits
 *              for `start`, says `ready`, and answers until its stdin closes
 */

import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { type Datagram, SeededRandom } from '../../src/core/index.js';
import { IceAgent, type IceEvent, type IceInput } from '../../src/ice/index.js';
import {
  EngineDriver,
  UdpSockets,
  listInterfaces,
  nodeMdnsResolver,
  nodeMdnsResponder,
  resolveCandidate,
} from '../../src/node/index.js';
import type { Candidate } from '../../src/sdp/index.js';
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

/**
 * UdpSockets with an IPv4 and an IPv6 socket each (a namespace's lo always has ::1, a
 * host's may not): each transmit leaves from the socket its `from` names.
 */
async function dualStackRoundTrip(): Promise<string[]> {
  const a = await UdpSockets.bind({ addresses: ['127.0.0.1', '::1'] });
  const b = await UdpSockets.bind({ addresses: ['127.0.0.1', '::1'] });
  const seen: string[] = [];
  b.setReceiver((d) => seen.push(`${d.data[0]} ${d.from.family} ${d.from.port === a.localAddresses[d.data[0]!]!.port} ${d.to.address}`));
  a.localAddresses.forEach((from, i) => {
    a.send({ type: 'transmit', data: new Uint8Array([i]), from, to: b.localAddresses[i]! });
  });
  await until(() => seen.length === 2, 2000);
  await Promise.all([a.close(), b.close()]);
  return seen.sort();
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
  const dualStack = await dualStackRoundTrip();
  return { ...result, answered, dualStack, interfaces: lo.map((i) => i.address), handles: handles() };
}

/**
 * The addresses of interface `name` once it is listed: Node (libuv) lists only interfaces
 * that are up and running, and a veth runs only once both ends are up.
 */
async function interfaceNamed(name: string, families: readonly ('IPv4' | 'IPv6')[] = ['IPv4', 'IPv6']) {
  const pick = () => listInterfaces({ families, filter: (n) => n === name });
  if (!(await until(() => pick().length === families.length, 5000))) throw new Error(`${name} never came up`);
  return pick();
}

/** Reads lines from a stream one at a time. */
class LineReader {
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor(stream: NodeJS.ReadableStream) {
    const rl = createInterface({ input: stream });
    rl.on('line', (l) => {
      if (this.waiting) this.waiting(l);
      else this.lines.push(l);
      this.waiting = undefined;
    });
    rl.on('close', () => {
      this.ended = true;
      this.waiting?.(undefined);
    });
  }

  /** The next line; throws if the stream ends first. */
  async next(): Promise<string> {
    const line = this.lines.shift() ?? (this.ended ? undefined : await new Promise<string | undefined>((r) => (this.waiting = r)));
    if (line === undefined) throw new Error('stream ended before a line');
    return line;
  }
}

async function vethScenario(): Promise<object> {
  assertIsolated();
  // The far namespace: a child in a new network namespace (still our user namespace).
  const child = spawn('unshare', ['-n', process.execPath, '--import', 'tsx', process.argv[1]!, 'responder'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const fromChild = new LineReader(child.stdout!);
  try {
    const pid = child.pid!;
    // Once node runs and says hello, unshare has moved it into its own namespace: only
    // then can the veth's far end follow it there.
    const hello = await fromChild.next();
    if (hello !== 'hello') throw new Error(`responder said ${hello}`);
    const far = `nsenter -t ${pid} -n`;
    sh(
      `ip link add veth0 type veth peer name veth1 netns ${pid}`,
      'ip addr add 10.99.0.2/24 dev veth0',
      'ip addr add fd99::2/64 dev veth0 nodad',
      'ip link set veth0 up',
      `${far} ip addr add 10.99.0.1/24 dev veth1`,
      `${far} ip addr add fd99::1/64 dev veth1 nodad`,
      `${far} ip link set veth1 up`,
    );
    assertIsolated(['veth0']);
    child.stdin!.write('start\n');
    const ready = await fromChild.next();
    if (ready !== 'ready') throw new Error(`responder said ${ready}`);
    const interfaces = await interfaceNamed('veth0');
    const result = await resolveAll(interfaces);
    // IPv6 only: the query goes to [ff02::fb]:5353 and the answer comes back over IPv6.
    const v6only = await interfaceNamed('veth0', ['IPv6']);
    const resolver6 = await nodeMdnsResolver({ interfaces: v6only });
    const overV6 = await resolver6.resolve(NAME6, 3000);
    const v6counters = resolver6.sockets.counters.snapshot();
    await resolver6.close();
    // Port 5353 held by a process that does not share it: the resolver queries from an
    // ephemeral port and the responder answers by legacy unicast (RFC 6762 6.7).
    const squatter = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((r) => squatter.bind(5353, '0.0.0.0', () => r()));
    const legacy = await nodeMdnsResolver({ interfaces: await interfaceNamed('veth0', ['IPv4']) });
    const legacyPort = legacy.sockets.localAddresses[0]!.port;
    const overLegacy = await legacy.resolve(NAME, 3000);
    squatter.close();
    await legacy.close(); // also waits out the loop turn in which the squatter's handle goes
    return {
      ...result,
      overV6,
      v6counters,
      overLegacy,
      legacyPortIs5353: legacyPort === 5353,
      interfaces: interfaces.map((i) => i.address),
      handles: handles(),
    };
  } finally {
    child.stdin!.end();
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  }
}

async function responderRole(): Promise<void> {
  const fromParent = new LineReader(process.stdin);
  process.stdout.write('hello\n');
  const start = await fromParent.next();
  if (start !== 'start') throw new Error(`unexpected ${start}`);
  assertIsolated(['veth1']);
  const responder = await nodeMdnsResponder({
    interfaces: await interfaceNamed('veth1'),
    names: [
      { name: NAME, address: '10.99.0.1' },
      { name: NAME6, address: 'fd99::1' },
    ],
  });
  process.stdout.write('ready\n');
  await fromParent.next().catch(() => undefined); // returns when the parent closes our stdin
  await responder.close();
}

function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  return new Promise((resolve) => {
    const poll = (): void => {
      if (check() || performance.now() > end) resolve(check());
      else setTimeout(poll, 5);
    };
    poll();
  });
}

async function icePeer(role: 'controlling' | 'controlled', seed: number) {
  const sockets = await UdpSockets.bind({ addresses: ['127.0.0.1'] });
  const agent = new IceAgent({ rng: new SeededRandom(seed), role });
  const events: IceEvent[] = [];
  const driver = new EngineDriver<Exclude<IceInput, Datagram>, IceEvent>({
    engine: agent,
    transport: sockets,
    onEvent: (e) => events.push(e),
  });
  driver.input({ type: 'add-local-address', address: sockets.localAddresses[0]! });
  driver.input({ type: 'gather' });
  const candidates = events.flatMap((e) => (e.type === 'local-candidate' ? [e.candidate] : []));
  return { agent, driver, events, candidate: candidates[0]! };
}

async function iceMdnsScenario(): Promise<object> {
  assertIsolated();
  sh('ip link set lo up', 'ip link set lo multicast on', 'ip route add 224.0.0.0/4 dev lo');
  const lo = listInterfaces({ includeLoopback: true, families: ['IPv4'] });
  const a = await icePeer('controlling', 11);
  const b = await icePeer('controlled', 12);
  // b hides its host address the way browsers do (draft-ietf-mmusic-mdns-ice-candidates).
  const publisher = await nodeMdnsResponder({ interfaces: lo });
  publisher.publish(NAME, b.candidate.address);
  const hidden: Candidate = { ...b.candidate, address: NAME };
  const resolver = await nodeMdnsResolver({ interfaces: lo });
  a.driver.input({ type: 'set-remote-credentials', ...b.agent.localCredentials });
  b.driver.input({ type: 'set-remote-credentials', ...a.agent.localCredentials });
  b.driver.input({ type: 'add-remote-candidate', candidate: a.candidate });
  const usable = await resolveCandidate(resolver, hidden, 3000);
  const resolved = usable?.address;
  if (usable) a.driver.input({ type: 'add-remote-candidate', candidate: usable });
  const up = (s: string) => s === 'connected' || s === 'completed';
  const connected = await until(() => up(a.agent.connectionState) && up(b.agent.connectionState), 5000);
  const selectedRemote = a.agent.selectedPair?.remote.address;
  a.driver.input({ type: 'close' });
  b.driver.input({ type: 'close' });
  await Promise.all([a.driver.close(), b.driver.close(), resolver.close(), publisher.close()]);
  return { resolved, connected, selectedRemote, handles: handles() };
}

const mode = process.argv[2];
try {
  if (mode === 'responder') await responderRole();
  else {
    const scenarios: Record<string, () => Promise<object>> = {
      lo: loScenario,
      veth: vethScenario,
      'ice-mdns': iceMdnsScenario,
    };
    const result = await scenarios[mode ?? '']?.();
    if (!result) throw new Error(`unknown mode ${mode}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
