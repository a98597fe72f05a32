// TurnClients behind symmetric NATs relaying through a TurnServer, over the simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress } from '../core/index.js';
import type { TransportAddress } from '../core/index.js';
import { Network } from '../sim/index.js';
import type { LinkOptions } from '../sim/index.js';
import { TurnClient } from './client.js';
import type { TurnClientEvent } from './client.js';
import { TurnServer } from './server.js';

const SERVER = transportAddress('192.0.2.1', 3478);

function world(link: LinkOptions = {}, seed = 1) {
  const net = new Network({ seed });
  const router = net.addRouter('internet');
  const serverHost = net.addHost('turn', [SERVER.address]);
  net.link(serverHost, router, { delay: 10, ...link });
  const server = new TurnServer({
    listen: SERVER,
    realm: 'sim.test',
    users: { alice: 'a-pass', bob: 'b-pass' },
    rng: net.random(),
    relayPorts: { min: 49152, max: 49167 },
  });
  net.attach(serverHost, server, { ports: server.ports() });

  const behindNat = (name: string, publicAddress: string, user: string, password: string) => {
    const nat = net.addNat({ type: 'symmetric', publicAddress, name: `${name}-nat` });
    net.link(nat, router, { delay: 15, ...link });
    const host = net.addHost(name, ['10.0.0.2'], { behind: nat });
    net.link(host, nat, { delay: 1 });
    const client = new TurnClient({
      server: SERVER,
      local: transportAddress('10.0.0.2', 5000),
      username: user,
      password,
      rng: net.random(),
    });
    net.attach(host, client, { port: 5000 });
    return client;
  };
  const a = behindNat('a', '203.0.113.1', 'alice', 'a-pass');
  const b = behindNat('b', '203.0.113.2', 'bob', 'b-pass');
  const events = (c: TurnClient): TurnClientEvent[] => net.events(c).map((e) => e.event);
  const allocated = (c: TurnClient) => {
    const e = events(c).find((x) => x.type === 'allocated');
    return e && e.type === 'allocated' ? e : undefined;
  };
  const received = (c: TurnClient): string[] =>
    events(c).flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
  return { net, server, a, b, events, allocated, received };
}

function send(net: Network, c: TurnClient, peer: TransportAddress, s: string): void {
  net.inject(c, { type: 'send', peer, data: new TextEncoder().encode(s) });
}

test('two clients behind symmetric NATs relay through the TurnServer', () => {
  const { net, server, a, b, allocated, received } = world();
  net.inject(a, { type: 'allocate' });
  net.inject(b, { type: 'allocate' });
  assert.ok(net.runUntil(() => allocated(a) !== undefined && allocated(b) !== undefined, { timeout: 5_000 }));
  const ea = allocated(a)!;
  const eb = allocated(b)!;
  // The server saw the NATs' public addresses.
  assert.equal(ea.mapped.address, '203.0.113.1');
  assert.equal(eb.mapped.address, '203.0.113.2');
  assert.equal(ea.relayed.address, SERVER.address);
  assert.equal(server.allocationCount, 2);

  net.inject(a, { type: 'permit', peer: eb.relayed });
  net.inject(b, { type: 'permit', peer: ea.relayed });
  net.run({ for: 1_000 });
  send(net, a, eb.relayed, 'hello b');
  assert.ok(net.runUntil(() => received(b).length === 1, { timeout: 5_000 }));
  send(net, b, ea.relayed, 'hello a');
  assert.ok(net.runUntil(() => received(a).length === 1, { timeout: 5_000 }));
  for (let i = 0; i < 10; i++) {
    send(net, a, eb.relayed, `a${i}`);
    send(net, b, ea.relayed, `b${i}`);
  }
  net.run({ for: 1_000 });
  assert.deepEqual(received(b), ['hello b', ...Array.from({ length: 10 }, (_, i) => `a${i}`)]);
  assert.deepEqual(received(a), ['hello a', ...Array.from({ length: 10 }, (_, i) => `b${i}`)]);
  assert.equal(server.counters.get('relayed-to-peer'), 22);
});

test('refreshes keep allocation, permissions, channels and NAT mappings alive for an hour', () => {
  const { net, server, a, b, allocated, received, events } = world();
  net.inject(a, { type: 'allocate' });
  net.inject(b, { type: 'allocate' });
  assert.ok(net.runUntil(() => allocated(a) !== undefined && allocated(b) !== undefined, { timeout: 5_000 }));
  const ra = allocated(a)!.relayed;
  const rb = allocated(b)!.relayed;
  net.inject(a, { type: 'permit', peer: rb });
  net.inject(b, { type: 'permit', peer: ra });
  send(net, a, rb, 'start');
  send(net, b, ra, 'start');
  net.run({ for: 3_600_000 });
  // NAT mappings last 300 s without outbound traffic; permission refreshes every 240 s keep
  // them, so the relayed path still works in both directions after an hour of silence.
  send(net, a, rb, 'after an hour');
  send(net, b, ra, 'after an hour');
  net.run({ for: 1_000 });
  assert.deepEqual(received(a), ['start', 'after an hour']);
  assert.deepEqual(received(b), ['start', 'after an hour']);
  assert.ok(!events(a).some((e) => e.type === 'failed' || e.type === 'permission-failed'));
  assert.equal(server.allocationCount, 2);

  net.inject(a, { type: 'close' });
  net.inject(b, { type: 'close' });
  net.run({ for: 1_000 });
  assert.equal(server.allocationCount, 0);
  assert.equal(events(a).at(-1)!.type, 'closed');
});

test('allocation and channel setup survive a lossy path (retransmissions)', () => {
  const { net, a, b, allocated, received } = world({ loss: 0.2, jitter: 5 }, 7);
  net.inject(a, { type: 'allocate' });
  net.inject(b, { type: 'allocate' });
  assert.ok(net.runUntil(() => allocated(a) !== undefined && allocated(b) !== undefined, { timeout: 30_000 }));
  const ra = allocated(a)!.relayed;
  const rb = allocated(b)!.relayed;
  net.inject(b, { type: 'permit', peer: ra });
  // Data is not retransmitted by TURN: the application sends every 200 ms until some get
  // through (the first ones wait for a's permission and channel, also over the lossy path).
  for (let i = 0; i < 100; i++) net.at(net.now + i * 200, () => send(net, a, rb, `try ${i}`));
  assert.ok(net.runUntil(() => received(b).length > 0, { timeout: 30_000 }));
  assert.match(received(b)[0]!, /^try \d+$/);
  assert.ok(a.counters.get('stale-nonce') === 0 && a.state === 'allocated');
});

test('a relayed run replays bit for bit from its seed', () => {
  const run = (seed: number): string => {
    const { net, a, b, allocated } = world({ loss: 0.05, jitter: 3 }, seed);
    net.inject(a, { type: 'allocate' });
    net.inject(b, { type: 'allocate' });
    net.runUntil(() => allocated(a) !== undefined && allocated(b) !== undefined, { timeout: 30_000 });
    const rb = allocated(b)!.relayed;
    net.inject(b, { type: 'permit', peer: allocated(a)!.relayed });
    for (let i = 0; i < 20; i++) net.at(net.now + i * 50, () => send(net, a, rb, `m${i}`));
    net.run({ for: 5_000 });
    return net.traceHash();
  };
  assert.equal(run(3), run(3));
  assert.notEqual(run(3), run(4));
});
