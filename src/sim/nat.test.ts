import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sameAddress, transportAddress, type TransportAddress } from '../core/address.js';
import { SeededRandom } from '../core/random.js';
import { Network } from './network.js';
import type { NatOptions } from './types.js';
import { NatTable, type NatType } from './nat.js';
import { Probe } from './probe.fixture.js';

const PUBLIC = '203.0.113.1';

/** A host behind a NAT, and three public servers (s1 with two ports). */
function world(type: NatType, extra: Partial<NatOptions> = {}) {
  const net = new Network({ seed: 9 });
  const nat = net.addNat({ type, publicAddress: PUBLIC, ...extra });
  const inside = net.addHost('inside', ['192.168.1.2'], { behind: nat });
  const neighbour = net.addHost('neighbour', ['192.168.1.3'], { behind: nat });
  const lan = net.addRouter('lan', { behind: nat });
  const internet = net.addRouter('internet');
  net.link(inside, lan, { delay: 1 });
  net.link(neighbour, lan, { delay: 1 });
  net.link(lan, nat, { delay: 1 });
  net.link(nat, internet, { delay: 5 });
  const probes = {
    client: new Probe(),
    neighbour: new Probe(),
    s1a: new Probe(),
    s1b: new Probe(),
    s2: new Probe(),
    s3: new Probe(),
  };
  const addr = {
    client: net.attach(inside, probes.client, { port: 5000 }).address,
    neighbour: net.attach(neighbour, probes.neighbour, { port: 5000 }).address,
  } as Record<keyof typeof probes, TransportAddress>;
  for (const [name, ip] of [
    ['s1', '198.51.100.1'],
    ['s2', '198.51.100.2'],
    ['s3', '198.51.100.3'],
  ] as const) {
    const h = net.addHost(name, [ip]);
    net.link(h, internet, { delay: 5 });
    if (name === 's1') {
      addr.s1a = net.attach(h, probes.s1a, { port: 3478 }).address;
      addr.s1b = net.attach(h, probes.s1b, { port: 3479 }).address;
    } else {
      addr[name] = net.attach(h, probes[name], { port: 3478 }).address;
    }
  }

  let seq = 0;
  /** Sends one packet from `from` to `to` and runs; returns where it arrived from, if it did. */
  function send(from: keyof typeof probes, to: TransportAddress, receiver?: keyof typeof probes): TransportAddress | undefined {
    const n = ++seq;
    net.inject(probes[from], { type: 'send', seq: n, to });
    net.run();
    for (const p of receiver ? [probes[receiver]] : Object.values(probes)) {
      const hit = net.events(p).find((e) => e.event.seq === n);
      if (hit) return hit.event.from;
    }
    return undefined;
  }
  return { net, nat, probes, addr, send };
}

const EXPECTED: Record<NatType, { sameMapping: boolean; otherPort: boolean; otherAddress: boolean }> = {
  'full-cone': { sameMapping: true, otherPort: true, otherAddress: true },
  'address-restricted': { sameMapping: true, otherPort: true, otherAddress: false },
  'port-restricted': { sameMapping: true, otherPort: false, otherAddress: false },
  symmetric: { sameMapping: false, otherPort: false, otherAddress: false },
};

for (const type of Object.keys(EXPECTED) as NatType[]) {
  test(`${type} NAT: mapping and filtering behaviour`, () => {
    const { net, nat, addr, send } = world(type);
    const expected = EXPECTED[type];
    const m1 = send('client', addr.s1a, 's1a');
    assert.ok(m1, 'outbound always passes');
    assert.equal(m1.address, PUBLIC);
    const m2 = send('client', addr.s2, 's2');
    assert.ok(m2);
    assert.equal(m1.port === m2.port, expected.sameMapping, 'same mapping for a second destination');
    assert.deepEqual(send('s1a', m1, 'client'), addr.s1a, 'the contacted endpoint can answer');
    assert.equal(send('s1b', m1, 'client') !== undefined, expected.otherPort, 'same address, other port');
    assert.equal(send('s3', m1, 'client') !== undefined, expected.otherAddress, 'uncontacted address');
    const mappings = nat.table.mappings(net.now);
    assert.equal(mappings.length, expected.sameMapping ? 1 : 2);
    assert.deepEqual(mappings[0]!.internal, addr.client);
    assert.deepEqual(mappings[0]!.external, m1);
    assert.equal(mappings[0]!.remote !== undefined, type === 'symmetric');
    // Nothing reaches a port the NAT never mapped.
    assert.equal(send('s1a', transportAddress(PUBLIC, m1.port === 1024 ? 1025 : m1.port - 1), 'client'), undefined);
    assert.ok(net.counters.get('dropped:nat-no-mapping') >= 1);
    const filtered = (expected.otherPort ? 0 : 1) + (expected.otherAddress ? 0 : 1);
    assert.equal(net.counters.get('dropped:nat-filtered'), filtered);
    assert.equal(net.stats.inFlight, 0);
  });
}

test('an address-restricted NAT opens for an address the client contacted, any port', () => {
  const { addr, send } = world('address-restricted');
  const m = send('client', addr.s1a, 's1a')!;
  assert.ok(send('s1b', m, 'client'));
  assert.equal(send('s2', m, 'client'), undefined);
  send('client', addr.s2, 's2');
  assert.ok(send('s2', m, 'client'));
});

test('mappings expire after the timeout without outbound traffic; inbound does not refresh them', () => {
  const { net, addr, send } = world('full-cone', { mappingTimeout: 30_000 });
  const m1 = send('client', addr.s1a, 's1a')!;
  net.run({ until: 20_000 });
  assert.ok(send('s1a', m1, 'client'), 'still mapped at 20 s');
  net.run({ until: 29_000 });
  assert.ok(send('s1a', m1, 'client'), 'still mapped at 29 s');
  net.run({ until: 31_000 });
  assert.equal(send('s1a', m1, 'client'), undefined, 'gone 30 s after the last outbound packet');
  assert.equal(net.counters.get('dropped:nat-no-mapping'), 1);
  const m2 = send('client', addr.s1a, 's1a')!;
  assert.notEqual(m2.port, m1.port, 'a new mapping gets a new port');
});

test('outbound traffic keeps a mapping (and its filter permits) alive', () => {
  const { net, addr, send } = world('port-restricted', { mappingTimeout: 30_000 });
  const m = send('client', addr.s1a, 's1a')!;
  for (const t of [20_000, 40_000, 60_000]) {
    net.run({ until: t });
    assert.deepEqual(send('client', addr.s1a, 's1a'), m);
  }
  net.run({ until: 85_000 });
  assert.ok(send('s1a', m, 'client'));
});

test('a filter permit expires with the timeout even while the mapping lives on', () => {
  const { net, addr, send } = world('address-restricted', { mappingTimeout: 30_000 });
  const m = send('client', addr.s1a, 's1a')!;
  net.run({ until: 25_000 });
  send('client', addr.s2, 's2'); // refreshes the mapping, not s1's permit
  net.run({ until: 40_000 });
  assert.equal(send('s1a', m, 'client'), undefined, 's1 was last contacted 40 s ago');
  assert.ok(send('s2', m, 'client'), 's2 was contacted 15 s ago');
});

test('hairpinning: off by default, on request the packet comes back with the external source', () => {
  for (const hairpinning of [false, true]) {
    const { net, nat, addr, send } = world('full-cone', { hairpinning });
    const m = send('client', addr.s1a, 's1a')!;
    const from = send('neighbour', m, 'client');
    if (!hairpinning) {
      assert.equal(from, undefined);
      assert.equal(net.counters.get('dropped:nat-hairpin'), 1);
      assert.deepEqual(nat.counters.snapshot(), { outbound: 2, dropped: 1 });
    } else {
      // RFC 4787 REQ-9b: the source is the neighbour's external mapping, not its private address.
      assert.ok(from);
      assert.equal(from.address, PUBLIC);
      assert.deepEqual(send('client', from, 'neighbour'), m);
      assert.deepEqual(nat.counters.snapshot(), { outbound: 3, hairpin: 2, inbound: 2 });
    }
  }
});

test('port preservation keeps the internal port when it is free', () => {
  const { addr, send } = world('port-restricted', { portPreservation: true });
  assert.deepEqual(send('client', addr.s1a, 's1a'), transportAddress(PUBLIC, 5000));
  // The neighbour also uses port 5000 inside: it gets another one.
  const other = send('neighbour', addr.s1a, 's1a')!;
  assert.notEqual(other.port, 5000);
});

test('private hosts with the same address behind two NATs, and a double NAT', () => {
  const net = new Network({ seed: 2 });
  const internet = net.addRouter('internet');
  const natA = net.addNat({ type: 'port-restricted', publicAddress: '203.0.113.1', name: 'natA' });
  const cgn = net.addNat({ type: 'symmetric', publicAddress: '203.0.113.2', name: 'cgn' });
  const home = net.addNat({ type: 'full-cone', publicAddress: '100.64.0.7', name: 'home', behind: cgn });
  const a = net.addHost('a', ['192.168.1.2'], { behind: natA });
  const b = net.addHost('b', ['192.168.1.2'], { behind: home });
  const server = net.addHost('server', ['198.51.100.1']);
  net.link(a, natA, { delay: 1 });
  net.link(b, home, { delay: 1 });
  net.link(home, cgn, { delay: 2 });
  net.link(natA, internet, { delay: 10 });
  net.link(cgn, internet, { delay: 10 });
  net.link(server, internet, { delay: 10 });
  const pa = new Probe();
  const pb = new Probe();
  const ps = new Probe();
  net.attach(a, pa, { port: 5000 });
  net.attach(b, pb, { port: 5000 });
  const s = net.attach(server, ps, { port: 3478 }).address;
  net.inject(pa, { type: 'send', seq: 1, to: s });
  net.inject(pb, { type: 'send', seq: 2, to: s });
  net.run();
  const seen = new Map(net.events(ps).map((e) => [e.event.seq, e.event.from]));
  assert.equal(seen.get(1)!.address, '203.0.113.1');
  assert.equal(seen.get(2)!.address, '203.0.113.2');
  assert.equal(net.events(ps)[1]!.time, 1 + 2 + 10 + 10);
  // Replies find their way back through both NATs to the right 192.168.1.2.
  net.inject(ps, { type: 'send', seq: 11, to: seen.get(1)! });
  net.inject(ps, { type: 'send', seq: 12, to: seen.get(2)! });
  net.run();
  assert.deepEqual(net.events(pa).map((e) => [e.event.seq, e.event.from, e.event.to]), [[11, s, transportAddress('192.168.1.2', 5000)]]);
  assert.deepEqual(net.events(pb).map((e) => [e.event.seq, e.event.from, e.event.to]), [[12, s, transportAddress('192.168.1.2', 5000)]]);
  assert.equal(
    net.trace.filter((e) => e.kind === 'translated' && e.id === net.trace.find((x) => x.kind === 'sent' && x.node === 'b')!.id).length,
    2,
    'b -> server is translated twice',
  );
  assert.throws(() => net.link(a, server), /different address realms/);
});

/**
 * UDP hole punching as ICE does it: each side learns its mapped address from a server, then
 * both send to the other's mapped address and keep trying, also answering whatever address
 * they heard from (ICE's peer-reflexive candidates and triggered checks).
 */
function punch(typeA: NatType, typeB: NatType): boolean {
  const net = new Network({ seed: 4 });
  const internet = net.addRouter('internet');
  const natA = net.addNat({ type: typeA, publicAddress: '203.0.113.1', name: 'natA' });
  const natB = net.addNat({ type: typeB, publicAddress: '203.0.113.2', name: 'natB' });
  const a = net.addHost('a', ['10.0.0.2'], { behind: natA });
  const b = net.addHost('b', ['10.0.0.2'], { behind: natB });
  const stun = net.addHost('stun', ['198.51.100.1']);
  net.link(a, natA, { delay: 1 });
  net.link(b, natB, { delay: 1 });
  net.link(natA, internet, { delay: 10 });
  net.link(natB, internet, { delay: 30 });
  net.link(stun, internet, { delay: 5 });
  const pa = new Probe();
  const pb = new Probe();
  const ps = new Probe();
  net.attach(a, pa, { port: 5000 });
  net.attach(b, pb, { port: 5000 });
  const s = net.attach(stun, ps, { port: 3478 }).address;
  net.inject(pa, { type: 'send', seq: 1, to: s });
  net.inject(pb, { type: 'send', seq: 2, to: s });
  net.run();
  const mapped = new Map(net.events(ps).map((e) => [e.event.seq, e.event.from]));
  const heard = (p: Probe) => net.events(p).map((e) => e.event.from);
  for (let i = 0; i < 5; i++) {
    for (const to of [mapped.get(2)!, ...heard(pa)]) net.inject(pa, { type: 'send', seq: 100 + i, to });
    for (const to of [mapped.get(1)!, ...heard(pb)]) net.inject(pb, { type: 'send', seq: 200 + i, to });
    net.run({ for: 100 });
  }
  return heard(pa).length > 0 && heard(pb).length > 0;
}

test('hole punching works between cone NATs and fails where a symmetric NAT meets a port-restricted one', () => {
  assert.equal(punch('port-restricted', 'port-restricted'), true);
  assert.equal(punch('full-cone', 'symmetric'), true);
  assert.equal(punch('address-restricted', 'symmetric'), true);
  assert.equal(punch('port-restricted', 'symmetric'), false);
  assert.equal(punch('symmetric', 'symmetric'), false);
});

/** An outbound packet the NAT translated, for the oracle below. */
interface Sent {
  readonly time: number;
  readonly src: TransportAddress;
  readonly dst: TransportAddress;
  readonly external: TransportAddress;
}

const endpoint = (ips: string[], ports: number[]) =>
  fc.record({ ip: fc.constantFrom(...ips), port: fc.constantFrom(...ports) }).map((e) => transportAddress(e.ip, e.port));

const op = fc.oneof(
  // Waits that land exactly on the timeout boundaries (TIMEOUT = 1000) as well as between them.
  fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 1, 250, 500, 999, 1000, 1001) }),
  fc.record({
    kind: fc.constant('out' as const),
    src: endpoint(['10.0.0.1', '10.0.0.2'], [1000, 2000]),
    dst: endpoint(['198.51.100.1', '198.51.100.2'], [7, 8]),
  }),
  fc.record({
    kind: fc.constant('in' as const),
    from: endpoint(['198.51.100.1', '198.51.100.2', '198.51.100.3'], [7, 8, 9]),
    pick: fc.nat(),
  }),
);

test('NatTable agrees with RFC 4787 rules checked against the history of outbound packets', () => {
  const TIMEOUT = 1000;
  fc.assert(
    fc.property(fc.constantFrom<NatType>('full-cone', 'address-restricted', 'port-restricted', 'symmetric'), fc.array(op, { minLength: 20, maxLength: 80 }), (type, ops) => {
      const table = new NatTable({ type, publicAddress: PUBLIC, mappingTimeout: TIMEOUT, portPreservation: false, ports: { min: 1024, max: 65535 }, rng: new SeededRandom(1) });
      const sent: Sent[] = [];
      let now = 0;
      const alive = (s: Sent) => now - s.time < TIMEOUT;
      for (const o of ops) {
        if (o.kind === 'wait') {
          now += o.ms;
        } else if (o.kind === 'out') {
          const external = table.outbound(now, o.src, o.dst)!;
          assert.equal(external.address, PUBLIC);
          const sameKey = (s: Sent) => sameAddress(s.src, o.src) && (type !== 'symmetric' || sameAddress(s.dst, o.dst));
          // A mapping in use is kept (RFC 4787 REQ-1 for the cone types, §4.1 for symmetric).
          const last = sent.filter(sameKey).at(-1);
          if (last && alive(last)) assert.deepEqual(external, last.external);
          // Live mappings of other keys never share the port.
          for (const s of sent) if (alive(s) && !sameKey(s)) assert.notEqual(s.external.port, external.port);
          sent.push({ time: now, src: o.src, dst: o.dst, external });
        } else {
          // Aim at a port the NAT used (or used to use), or at one it never did.
          const port = sent.length > 0 && o.pick % 4 !== 0 ? sent[o.pick % sent.length]!.external.port : 999;
          const verdict = table.inbound(now, o.from, port);
          const live = sent.filter((s) => s.external.port === port && alive(s));
          if (live.length === 0) {
            assert.equal(verdict, 'nat-no-mapping');
            continue;
          }
          const permitted = live.filter((s) =>
            type === 'full-cone' ? true : type === 'address-restricted' ? s.dst.address === o.from.address : sameAddress(s.dst, o.from),
          );
          if (permitted.length === 0) assert.equal(verdict, 'nat-filtered');
          else assert.deepEqual(verdict, live.at(-1)!.src);
        }
      }
    }),
    { numRuns: 400, seed: 4787 },
  );
});

test('a rebooted NAT forgets its mappings: old ports are dead, new packets get new ones', () => {
  const { net, nat, addr, send } = world('full-cone');
  const before = send('client', addr.s1a, 's1a')!;
  nat.reboot();
  assert.deepEqual(nat.table.mappings(net.now), []);
  assert.equal(send('s1a', before, 'client'), undefined);
  assert.equal(net.counters.get('dropped:nat-no-mapping'), 1);
  const after = send('client', addr.s1a, 's1a')!;
  assert.notEqual(after.port, before.port);
  assert.deepEqual(send('s1a', after, 'client'), addr.s1a);
});

test('a NAT out of ports refuses new mappings until old ones expire', () => {
  const { net, nat, addr, send } = world('symmetric', { portRange: { min: 40000, max: 40002 }, mappingTimeout: 1000 });
  const ports = [addr.s1a, addr.s1b, addr.s2].map((to) => send('client', to)!.port);
  assert.deepEqual([...ports].sort(), [40000, 40001, 40002]);
  assert.equal(send('client', addr.s3), undefined);
  assert.equal(net.counters.get('dropped:nat-ports-exhausted'), 1);
  assert.equal(nat.table.mappings(net.now).length, 3);
  net.run({ for: 1000 });
  const fresh = send('client', addr.s3, 's3')!;
  assert.ok(fresh.port >= 40000 && fresh.port <= 40002, 'expired mappings free their ports');
  assert.throws(() => net.addNat({ type: 'full-cone', publicAddress: '203.0.113.50', portRange: { min: 10, max: 9 } }), RangeError);
});
