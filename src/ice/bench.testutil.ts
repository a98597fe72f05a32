/**
 * Hot-path cost of the ICE agent once a pair is selected: `send` (plus draining the
 * transmit and reading the deadline, as a driver does) and receiving application data.
 *
 *   npx tsx src/ice/bench.testutil.ts            (or bundle with esbuild for steadier numbers)
 */

import { SeededRandom, drain, transportAddress } from '../core/index.js';
import type { Datagram } from '../core/index.js';
import { StunClass, StunMethod, decodeStun, encodeStun, newTransactionId, shortTermKey } from '../stun/index.js';
import { IceAgent } from './agent.js';
import { encodeCheck } from './messages.js';

const LOCAL = transportAddress('10.0.0.1', 5000);
const PEER = transportAddress('10.0.0.2', 6000);
const OURS = { ufrag: 'u1', pwd: 'p1p1p1p1p1p1p1p1p1p1p1p1' };
const THEIRS = { ufrag: 'u2', pwd: 'p2p2p2p2p2p2p2p2p2p2p2p2' };

/** A controlled agent whose pair the peer nominated (the peer's side is played by hand). */
function connectedAgent(): IceAgent {
  const a = new IceAgent({ rng: new SeededRandom(1), role: 'controlled', ...OURS });
  a.handleInput(0, { type: 'add-local-address', address: LOCAL });
  a.handleInput(0, { type: 'set-remote-credentials', ...THEIRS });
  a.handleInput(0, { type: 'gather' });
  const check = encodeCheck({
    transactionId: newTransactionId(new SeededRandom(2)),
    username: `${OURS.ufrag}:${THEIRS.ufrag}`,
    priority: 1,
    controlling: true,
    tieBreaker: 1n,
    useCandidate: true,
    key: shortTermKey(OURS.pwd),
  });
  a.handleInput(1, { type: 'datagram', data: check, from: PEER, to: LOCAL });
  drain(a);
  a.handleTimeout(a.pollTimeout()!);
  for (const o of drain(a)) {
    if (o.type !== 'transmit') continue;
    const r = decodeStun(o.data);
    if (!r.ok || r.value.cls !== StunClass.Request) continue;
    const data = encodeStun(
      { method: StunMethod.Binding, cls: StunClass.Success, transactionId: r.value.transactionId, attrs: { xorMappedAddress: LOCAL } },
      { integrityKey: shortTermKey(THEIRS.pwd), fingerprint: true },
    );
    a.handleInput(2, { type: 'datagram', data, from: PEER, to: LOCAL });
  }
  drain(a);
  if (!a.selectedPair) throw new Error('bench setup: no selected pair');
  return a;
}

const a = connectedAgent();
const payload = new Uint8Array(1200);
payload[0] = 23; // a DTLS record
const incoming: Datagram = { type: 'datagram', data: payload, from: PEER, to: LOCAL };
const send = { type: 'send', data: payload } as const;
const N = 2_000_000;

function run(name: string, step: () => void): void {
  for (let i = 0; i < N / 10; i++) step(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < N; i++) step();
  const ms = performance.now() - t0;
  console.log(`${name}: ${((ms * 1e6) / N).toFixed(0)} ns/packet (${(N / ms / 1000).toFixed(2)} M packets/s)`);
}

run('send + drain + pollTimeout', () => {
  a.handleInput(3, send);
  while (a.pollOutput() !== undefined);
  a.pollTimeout();
});
run('receive + drain + pollTimeout', () => {
  a.handleInput(3, incoming);
  while (a.pollOutput() !== undefined);
  a.pollTimeout();
});
