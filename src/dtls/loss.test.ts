/**
 * The handshake over the deterministic network simulator (src/sim) with heavy loss,
 * reordering and duplication, then data both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportAddress, utf8Encode } from '../core/index.js';
import { Network } from '../sim/index.js';
import { DtlsEndpoint } from './endpoint.js';
import type { DtlsEvent } from './events.js';
import { testCertificate } from './pair.testutil.js';

function run(seed: number, link: { loss: number; reorder?: number; duplicate?: number }): { ok: boolean; time: number; retransmits: number; data: boolean } {
  const net = new Network({ seed });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 25, jitter: 5, mtu: 1500, ...link });
  const cc = testCertificate(101);
  const sc = testCertificate(102);
  const client = new DtlsEndpoint({ role: 'client', certificate: cc, rng: net.random(), remoteFingerprints: [sc.fingerprint()] });
  const server = new DtlsEndpoint({ role: 'server', certificate: sc, rng: net.random(), remoteFingerprints: [cc.fingerprint()] });
  net.attach(a, client, { port: 5000, defaultPeer: transportAddress('10.0.0.2', 5000) });
  net.attach(b, server, { port: 5000, defaultPeer: transportAddress('10.0.0.1', 5000) });
  const has = (e: DtlsEndpoint, pred: (x: DtlsEvent) => boolean) => net.events(e).some((x) => pred(x.event));
  net.inject(client, { type: 'connect' });
  const ok = net.runUntil(() => has(client, (x) => x.type === 'connected') && has(server, (x) => x.type === 'connected'), {
    timeout: 600_000,
  });
  const time = net.now;
  let data = false;
  if (ok) {
    // Application data is not retransmitted by DTLS: send until one gets through.
    for (let i = 0; i < 50 && !data; i++) {
      net.inject(client, { type: 'send', data: utf8Encode(`m${i}`) });
      net.run({ for: 100 });
      data = has(server, (x) => x.type === 'data');
    }
  }
  const retransmits = client.counters.get('flight-retransmitted') + server.counters.get('flight-retransmitted');
  assert.ok(!has(client, (x) => x.type === 'error') && !has(server, (x) => x.type === 'error'), `seed ${seed}: no errors`);
  return { ok, time, retransmits, data };
}

test('handshake completes under 30% loss each way (20 seeds)', () => {
  let totalRetransmits = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const r = run(seed, { loss: 0.3 });
    assert.ok(r.ok, `seed ${seed} did not connect`);
    assert.ok(r.data, `seed ${seed}: data did not get through`);
    totalRetransmits += r.retransmits;
  }
  assert.ok(totalRetransmits > 0, 'loss forced retransmissions');
});

test('handshake completes with 30% loss plus reordering and duplication', () => {
  for (let seed = 100; seed < 110; seed++) {
    const r = run(seed, { loss: 0.3, reorder: 0.2, duplicate: 0.2 });
    assert.ok(r.ok, `seed ${seed} did not connect`);
  }
});

test('without loss the handshake takes two round trips', () => {
  const r = run(7, { loss: 0 });
  assert.ok(r.ok);
  assert.equal(r.retransmits, 0);
  assert.ok(r.time <= 4 * 30 + 1, `took ${r.time} ms`);
});
