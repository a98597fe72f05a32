// TURN interop: sansrtc TurnClients against a real coturn (Debian `coturn` package) started
// on 127.0.0.1 with a generated config and stopped by its PID.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { cryptoRandom, monotonicClock, sameAddress, transportAddress } from '../../src/core/index.js';
import type { TransportAddress } from '../../src/core/index.js';
import { IceAgent } from '../../src/ice/index.js';
import type { IceEvent, IceInput } from '../../src/ice/index.js';
import { EngineDriver, UdpSockets } from '../../src/node/index.js';
import { StunClass, StunMethod, decodeStun } from '../../src/stun/index.js';
import { TurnClient, isTurnChannelData } from '../../src/turn/index.js';
import type { TurnClientEvent, TurnClientInput, TurnClientOptions } from '../../src/turn/index.js';
import { haveCoturn, startCoturn } from './coturn.js';
import type { Coturn } from './coturn.js';

const WAIT_MS = 10_000;
/** coturn's maximum allocation lifetime here: the client refreshes at half of it. */
const MAX_LIFETIME_S = 4;

/** 'channel-data', 'send-indication', 'data-indication', 'channel-bind-ok', or 'stun' for anything else. */
function kindOf(data: Uint8Array): string {
  if (isTurnChannelData(data)) return 'channel-data';
  const m = decodeStun(data);
  if (m.ok && m.value.cls === StunClass.Success && m.value.method === StunMethod.ChannelBind) return 'channel-bind-ok';
  if (!m.ok || m.value.cls !== StunClass.Indication) return 'stun';
  if (m.value.method === StunMethod.Send) return 'send-indication';
  return m.value.method === StunMethod.Data ? 'data-indication' : 'stun';
}

/** A minimal Node driver for one TurnClient: one UDP socket, one timer, the drain rule. */
class Driven {
  readonly events: TurnClientEvent[] = [];
  /** What each datagram sent and received was (see `kindOf`). */
  readonly sentKinds: string[] = [];
  readonly receivedKinds: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly client: TurnClient,
    private readonly socket: Socket,
  ) {
    socket.on('message', (msg, rinfo) => {
      this.receivedKinds.push(kindOf(msg));
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      this.input({
        type: 'datagram',
        data,
        from: transportAddress(rinfo.address, rinfo.port),
        to: client.local,
      });
    });
  }

  static async open(server: TransportAddress, opts: Omit<TurnClientOptions, 'server' | 'local' | 'rng'>): Promise<Driven> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    const local = transportAddress('127.0.0.1', socket.address().port);
    return new Driven(new TurnClient({ ...opts, server, local, rng: cryptoRandom }), socket);
  }

  input(input: TurnClientInput): void {
    this.client.handleInput(monotonicClock.now(), input);
    this.drain();
  }

  private drain(): void {
    for (let o = this.client.pollOutput(); o; o = this.client.pollOutput()) {
      if (o.type === 'transmit') {
        this.sentKinds.push(kindOf(o.data));
        this.socket.send(o.data, o.to!.port, o.to!.address);
      } else {
        this.events.push(o);
      }
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    clearTimeout(this.timer);
    const deadline = this.client.pollTimeout();
    if (deadline !== undefined) {
      this.timer = setTimeout(
        () => {
          this.client.handleTimeout(monotonicClock.now());
          this.drain();
        },
        Math.max(0, deadline - monotonicClock.now()),
      );
    }
  }

  /** Resolves with the first event (from the start) matching `pred`. */
  waitFor<E extends TurnClientEvent>(pred: (e: TurnClientEvent) => e is E, what: string): Promise<E> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(pred);
        if (found) {
          clearTimeout(t);
          resolve(found);
          return true;
        }
        const failed = this.events.find((e) => e.type === 'failed');
        if (failed && failed.type === 'failed') {
          clearTimeout(t);
          reject(failed.error);
          return true;
        }
        return false;
      };
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
      const loop = (): void => {
        if (!check()) this.waiters.push(loop);
      };
      loop();
    });
  }

  /** Waits until the client received `n` data events. */
  async received(n: number): Promise<string[]> {
    const texts = (): string[] =>
      this.events.flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
    await this.waitFor((_e): _e is TurnClientEvent => texts().length >= n, `${n} messages`);
    return texts();
  }

  /** Waits until a ChannelBind success has arrived: from then on the client sends ChannelData. */
  async channelBound(): Promise<void> {
    await this.waitFor((_e): _e is TurnClientEvent => this.receivedKinds.includes('channel-bind-ok'), 'a ChannelBind success');
  }

  close(): Promise<void> {
    clearTimeout(this.timer);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

const isAllocated = (e: TurnClientEvent): e is Extract<TurnClientEvent, { type: 'allocated' }> => e.type === 'allocated';
const isClosed = (e: TurnClientEvent): e is Extract<TurnClientEvent, { type: 'closed' }> => e.type === 'closed';

let coturn: Coturn | undefined;
const opened: Driven[] = [];

before(async () => {
  assert.ok(haveCoturn(), 'turnserver not found: install the Debian coturn package (see .ci/run)');
    // Short nonce and allocation lifetimes make coturn exercise 438 handling and refreshes.
  coturn = await startCoturn({ extraConfig: ['stale-nonce=1', `max-allocate-lifetime=${MAX_LIFETIME_S}`] });
});

after(async () => {
  if (process.env.COTURN_LOG) console.log(coturn?.log());
  await Promise.all(opened.map((d) => d.close()));
  await coturn?.stop();
});

async function client(): Promise<Driven> {
  const c = coturn!;
  const d = await Driven.open(transportAddress(c.host, c.port), { username: c.username, password: c.password });
  opened.push(d);
  return d;
}

test('two TurnClients allocate on coturn and exchange data both ways over ChannelData', async () => {
  const a = await client();
  const b = await client();
  a.input({ type: 'allocate' });
  b.input({ type: 'allocate' });
  const [ea, eb] = await Promise.all([a.waitFor(isAllocated, 'a allocated'), b.waitFor(isAllocated, 'b allocated')]);
  assert.equal(ea.relayed.address, '127.0.0.1');
  assert.ok(sameAddress(ea.mapped, a.client.local));
  assert.notEqual(ea.relayed.port, eb.relayed.port);

  a.input({ type: 'permit', peer: eb.relayed });
  b.input({ type: 'permit', peer: ea.relayed });
  a.input({ type: 'send', peer: eb.relayed, data: new TextEncoder().encode('a->b 0') });
  assert.deepEqual(await b.received(1), ['a->b 0']);
  // b has a permission but no channel yet: coturn delivered it as a Data indication (0x0017).
  assert.ok(b.receivedKinds.includes('data-indication'), 'b received a Data indication');
  b.input({ type: 'send', peer: ea.relayed, data: new TextEncoder().encode('b->a 0') });
  assert.deepEqual(await a.received(1), ['b->a 0']);

  // Both ChannelBinds went out with the first sends. Their successes usually arrive before
  // the data that flowed back, but a 438 retry (short lifetimes here) can delay one: wait for
  // both, so that what follows is ChannelData both ways.
  await Promise.all([a.channelBound(), b.channelBound()]);
  const sentBefore = [a.sentKinds.length, b.sentKinds.length];
  const receivedBefore = [a.receivedKinds.length, b.receivedKinds.length];
  for (let i = 1; i <= 5; i++) {
    a.input({ type: 'send', peer: eb.relayed, data: new TextEncoder().encode(`a->b ${i}`) });
    b.input({ type: 'send', peer: ea.relayed, data: new TextEncoder().encode(`b->a ${i}`) });
  }
  const fromA = await b.received(6);
  const fromB = await a.received(6);
  assert.deepEqual([...fromA].sort(), ['a->b 0', 'a->b 1', 'a->b 2', 'a->b 3', 'a->b 4', 'a->b 5']);
  assert.deepEqual([...fromB].sort(), ['b->a 0', 'b->a 1', 'b->a 2', 'b->a 3', 'b->a 4', 'b->a 5']);
  // Refreshes and 438 retries may interleave (short lifetimes here), but no data goes by
  // indication any more: five ChannelData each way.
  const count = (kinds: string[], from: number, kind: string): number => kinds.slice(from).filter((k) => k === kind).length;
  for (const [d, i] of [[a, 0], [b, 1]] as const) {
    assert.equal(count(d.sentKinds, sentBefore[i]!, 'channel-data'), 5);
    assert.equal(count(d.sentKinds, sentBefore[i]!, 'send-indication'), 0);
    assert.equal(count(d.receivedKinds, receivedBefore[i]!, 'channel-data'), 5);
    assert.equal(count(d.receivedKinds, receivedBefore[i]!, 'data-indication'), 0);
  }

  a.input({ type: 'close' });
  b.input({ type: 'close' });
  await Promise.all([a.waitFor(isClosed, 'a closed'), b.waitFor(isClosed, 'b closed')]);
  // The Refresh with lifetime 0 was answered (not timed out): coturn deleted both.
  assert.equal(a.client.counters.get('send-dropped'), 0);
});

test('a stale nonce from coturn (438) is retried with the new one', async () => {
  const a = await client();
  a.input({ type: 'allocate' });
  const ea = await a.waitFor(isAllocated, 'allocated');
  // coturn runs with stale-nonce=1; its clock has 1 s resolution, so 3 s is surely stale.
  await new Promise((r) => setTimeout(r, 3000));
  const b = await client();
  b.input({ type: 'allocate' });
  const eb = await b.waitFor(isAllocated, 'b allocated');
  b.input({ type: 'permit', peer: ea.relayed });
  a.input({ type: 'send', peer: eb.relayed, data: new TextEncoder().encode('after 438') });
  assert.deepEqual(await b.received(1), ['after 438']);
  assert.ok(a.client.counters.get('stale-nonce') >= 1, 'coturn sent 438 and the client retried');
  a.input({ type: 'close' });
  b.input({ type: 'close' });
  await Promise.all([a.waitFor(isClosed, 'a closed'), b.waitFor(isClosed, 'b closed')]);
});

/** One ICE agent with policy 'relay' on a UDP socket bound to 127.0.0.1, driven by EngineDriver. */
interface IcePeer {
  readonly agent: IceAgent;
  readonly driver: EngineDriver<IceInput, IceEvent>;
  readonly events: IceEvent[];
  readonly received: string[];
  other?: IcePeer;
}

async function icePeer(role: 'controlling' | 'controlled'): Promise<IcePeer> {
  const c = coturn!;
  const agent = new IceAgent({
    rng: cryptoRandom,
    role,
    policy: 'relay',
    turnServers: [{ server: transportAddress(c.host, c.port), username: c.username, password: c.password }],
  });
  const sockets = await UdpSockets.bind({ addresses: ['127.0.0.1'] });
  const peer: IcePeer = {
    agent,
    events: [],
    received: [],
    driver: new EngineDriver<IceInput, IceEvent>({
      engine: agent,
      transport: sockets,
      onEvent: (e) => {
        peer.events.push(e);
        if (e.type === 'data') peer.received.push(new TextDecoder().decode(e.data));
        // Signalling: trickle candidates straight to the other agent.
        if (e.type === 'local-candidate') peer.other?.driver.input({ type: 'add-remote-candidate', candidate: e.candidate });
        if (e.type === 'gathering-state' && e.state === 'complete') peer.other?.driver.input({ type: 'end-of-remote-candidates' });
      },
    }),
  };
  for (const address of sockets.localAddresses) peer.driver.input({ type: 'add-local-address', address });
  return peer;
}

function until(what: string, check: () => boolean, ms = WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

test('allocations on coturn outlive their lifetime through refreshes', async () => {
  const a = await client();
  const b = await client();
  a.input({ type: 'allocate' });
  b.input({ type: 'allocate' });
  const [ea, eb] = await Promise.all([a.waitFor(isAllocated, 'a allocated'), b.waitFor(isAllocated, 'b allocated')]);
  assert.equal(ea.lifetime, MAX_LIFETIME_S);
  a.input({ type: 'permit', peer: eb.relayed });
  b.input({ type: 'permit', peer: ea.relayed });
  // Well past the lifetime: without refreshes coturn would have deleted both allocations.
  await new Promise((r) => setTimeout(r, MAX_LIFETIME_S * 1000 * 1.75));
  a.input({ type: 'send', peer: eb.relayed, data: new TextEncoder().encode('still here') });
  b.input({ type: 'send', peer: ea.relayed, data: new TextEncoder().encode('me too') });
  assert.deepEqual(await b.received(1), ['still here']);
  assert.deepEqual(await a.received(1), ['me too']);
  assert.ok(!a.events.some((e) => e.type === 'failed'));
  a.input({ type: 'close' });
  b.input({ type: 'close' });
  await Promise.all([a.waitFor(isClosed, 'a closed'), b.waitFor(isClosed, 'b closed')]);
});

test("two ICE agents with policy 'relay' connect through coturn and exchange data", async () => {
  const a = await icePeer('controlling');
  const b = await icePeer('controlled');
  try {
    a.other = b;
    b.other = a;
    a.driver.input({ type: 'set-remote-credentials', ...b.agent.localCredentials });
    b.driver.input({ type: 'set-remote-credentials', ...a.agent.localCredentials });
    a.driver.input({ type: 'gather' });
    b.driver.input({ type: 'gather' });
    const connected = (p: IcePeer): boolean =>
      p.agent.connectionState === 'connected' || p.agent.connectionState === 'completed';
    await until('both agents connected', () => connected(a) && connected(b));
    for (const p of [a, b]) {
      const signalled = p.events.flatMap((e) => (e.type === 'local-candidate' ? [e.candidate.type] : []));
      assert.deepEqual(signalled, ['relay']);
      assert.equal(p.agent.selectedPair!.local.type, 'relay');
      assert.equal(p.agent.selectedPair!.remote.type, 'relay');
    }
    for (let i = 0; i < 5; i++) {
      a.driver.input({ type: 'send', data: new TextEncoder().encode(`a${i}`) });
      b.driver.input({ type: 'send', data: new TextEncoder().encode(`b${i}`) });
    }
    await until('data both ways', () => a.received.length >= 5 && b.received.length >= 5);
    assert.deepEqual([...b.received].sort(), ['a0', 'a1', 'a2', 'a3', 'a4']);
    assert.deepEqual([...a.received].sort(), ['b0', 'b1', 'b2', 'b3', 'b4']);
    a.driver.input({ type: 'close' });
    b.driver.input({ type: 'close' });
  } finally {
    await Promise.all([a.driver.close(), b.driver.close()]);
  }
});
