/**
 * Two ICE agents over real UDP sockets on 127.0.0.1, each run by an EngineDriver with one
 * timer: candidates and credentials are exchanged by hand (the job signalling does), the
 * agents check connectivity, connect, and echo application data.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom, type Datagram } from '../../src/core/index.js';
import { IceAgent, type IceEvent, type IceInput } from '../../src/ice/index.js';
import { EngineDriver, UdpSockets } from '../../src/node/index.js';

type Command = Exclude<IceInput, Datagram>;

interface Peer {
  readonly agent: IceAgent;
  readonly driver: EngineDriver<Command, IceEvent>;
  readonly sockets: UdpSockets;
  readonly events: IceEvent[];
  readonly errors: unknown[];
}

async function peer(role: 'controlling' | 'controlled', seed: number, onEvent?: (p: Peer, e: IceEvent) => void): Promise<Peer> {
  const sockets = await UdpSockets.bind({ addresses: ['127.0.0.1', '127.0.0.1'] }); // two host candidates
  const agent = new IceAgent({ rng: new SeededRandom(seed), role });
  const events: IceEvent[] = [];
  const errors: unknown[] = [];
  const p: Peer = {
    agent,
    sockets,
    events,
    errors,
    driver: new EngineDriver<Command, IceEvent>({
      engine: agent,
      transport: sockets,
      onEvent: (e) => {
        events.push(e);
        onEvent?.(p, e);
      },
      onError: (e) => errors.push(e),
    }),
  };
  for (const address of sockets.localAddresses) p.driver.input({ type: 'add-local-address', address });
  return p;
}

function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

const isUp = (p: Peer): boolean => p.agent.connectionState === 'connected' || p.agent.connectionState === 'completed';

function resources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'Timeout').sort();
}

test('two ICE agents connect over real loopback sockets and echo data', async () => {
  const before = resources();
  const a = await peer('controlling', 1);
  // b echoes every datagram it is given, from inside its event callback.
  const b = await peer('controlled', 2, (self, e) => {
    if (e.type === 'data') self.driver.input({ type: 'send', data: Uint8Array.from(e.data) });
  });
  try {
    a.driver.input({ type: 'set-remote-credentials', ...b.agent.localCredentials });
    b.driver.input({ type: 'set-remote-credentials', ...a.agent.localCredentials });
    a.driver.input({ type: 'gather' });
    b.driver.input({ type: 'gather' });
    const candidates = (p: Peer) => p.events.flatMap((e) => (e.type === 'local-candidate' ? [e.candidate] : []));
    await until('host candidates', () => candidates(a).length === 2 && candidates(b).length === 2);
    for (const c of candidates(a)) b.driver.input({ type: 'add-remote-candidate', candidate: c });
    for (const c of candidates(b)) a.driver.input({ type: 'add-remote-candidate', candidate: c });
    a.driver.input({ type: 'end-of-remote-candidates' });
    b.driver.input({ type: 'end-of-remote-candidates' });

    await until('both connected', () => isUp(a) && isUp(b));
    const selected = a.events.find((e) => e.type === 'selected-pair');
    assert.ok(selected && selected.type === 'selected-pair');
    assert.equal(selected.local.address, '127.0.0.1');
    assert.ok(a.sockets.localAddresses.some((l) => l.port === selected.local.port));
    assert.ok(b.sockets.localAddresses.some((l) => l.port === selected.remote.port));

    // DTLS-looking payloads (first byte 23, RFC 7983) so the driver's demux passes them.
    const sent: number[][] = [];
    for (let i = 0; i < 20; i++) {
      const payload = [23, i, ...new Array(100).fill(i)];
      sent.push(payload);
      a.driver.input({ type: 'send', data: new Uint8Array(payload) });
    }
    const echoes = () => a.events.flatMap((e) => (e.type === 'data' ? [[...e.data]] : []));
    await until('20 echoes', () => echoes().length === 20);
    assert.deepEqual(echoes(), sent); // loopback keeps order
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
    assert.ok(a.driver.counters.get('rx-stun') > 0);
    assert.equal(a.driver.counters.get('rx-dtls'), 20);
    // One timer per driver at most, whatever the agents asked for.
    assert.ok(resources().filter((r) => r === 'Timeout').length <= before.filter((r) => r === 'Timeout').length + 2);
  } finally {
    a.driver.input({ type: 'close' });
    b.driver.input({ type: 'close' });
    await Promise.all([a.driver.close(), b.driver.close()]);
  }
  assert.equal(a.agent.connectionState, 'closed');
  assert.deepEqual(resources(), before);
});
