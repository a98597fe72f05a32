import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRandom, transportAddress } from '../core/index.js';
import { Network } from '../sim/index.js';
import { PeerConnection } from './connection.js';
import { addPeer, call, certificate, must, negotiate, remoteChannel } from './pair.fixture.js';

function offer(): string {
  const pc = new PeerConnection({ rng: new SeededRandom(1), certificate: certificate(0) });
  return must(pc.createOffer());
}

test('property: mangled remote descriptions and candidates never throw and leave the state alone when refused', () => {
  const base = offer().split('\r\n');
  fc.assert(
    fc.property(
      fc.array(fc.record({ line: fc.nat(), op: fc.constantFrom('drop', 'dup', 'garble', 'truncate'), text: fc.string({ maxLength: 12 }) }), { maxLength: 6 }),
      fc.string({ maxLength: 80 }),
      (edits, junk) => {
        const lines = [...base];
        for (const e of edits) {
          const i = e.line % lines.length;
          if (e.op === 'drop') lines.splice(i, 1);
          else if (e.op === 'dup') lines.splice(i, 0, lines[i]!);
          else if (e.op === 'garble') lines[i] = lines[i]!.slice(0, 3) + e.text;
          else lines[i] = lines[i]!.slice(0, e.text.length);
        }
        const pc = new PeerConnection({ rng: new SeededRandom(2), certificate: certificate(1) });
        const r = pc.setRemoteDescription(0, { type: 'offer', sdp: lines.join('\r\n') });
        assert.equal(pc.signalingState, r.ok ? 'have-remote-offer' : 'stable');
        if (r.ok) {
          assert.ok(must(pc.createAnswer()).startsWith('v=0'));
          for (const c of [junk, `candidate:${junk}`, `candidate:1 1 udp 1 ${junk} 9 typ host`]) {
            const a = pc.addIceCandidate(0, { candidate: c, sdpMLineIndex: 0 });
            if (!a.ok) assert.ok(['OperationError', 'TypeError'].includes(a.error.name));
          }
        }
      },
    ),
    { numRuns: 300, seed: 99 },
  );
});

test('garbage datagrams of every kind are dropped without harming a live connection', () => {
  const net = new Network({ seed: 31 });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: 5 });
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'g'))));
  negotiate(a, b);
  assert.ok(net.runUntil(() => a.pc.channel(h)?.readyState === 'open' && remoteChannel(b, 'g') !== undefined, { timeout: 10_000 }));
  const rng = new SeededRandom(5);
  const from = transportAddress('10.0.0.2', 5000);
  const to = transportAddress('10.0.0.1', 5000);
  for (let i = 0; i < 2000; i++) {
    const data = rng.fill(new Uint8Array(rng.u32() % 300));
    // Cover STUN, DTLS (handshake, alert, application data), TURN and unknown first bytes.
    if (data.length > 0) data[0] = [0, 1, 20, 21, 22, 23, 64, 128, 255][i % 9]!;
    if (data.length > 2 && data[0]! >= 20 && data[0]! <= 23) [data[1], data[2]] = [0xfe, 0xfd];
    net.inject(a.engine, { type: 'datagram', data, from, to });
  }
  call(b, (now) => must(b.pc.send(now, remoteChannel(b, 'g')!, new Uint8Array([42]), true)));
  assert.ok(net.runUntil(() => a.received.length === 1, { timeout: 2000 }));
  assert.equal(a.pc.connectionState, 'connected');
  assert.equal(a.pc.channel(h)!.readyState, 'open');
  // A datagram before there is any ICE agent is counted, not fatal.
  const fresh = new PeerConnection({ rng: new SeededRandom(3), certificate: certificate(0) });
  fresh.handleInput(0, { type: 'datagram', data: new Uint8Array([22, 0xfe, 0xfd]), from, to });
  assert.equal(fresh.counters.get('datagram-before-ice'), 1);
  assert.equal(fresh.pollOutput(), undefined);
});
