import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sameAddress, transportAddress } from '../core/index.js';
import type { TransportAddress } from '../core/index.js';
import { StunClass, StunMethod, decodeStun, encodeStun } from '../stun/index.js';
import type { DecodedStun } from '../stun/index.js';
import { stunShaped } from '../stun/stun.testutil.js';
import {
  MAX_CHANNEL,
  MAX_CHANNELS,
  MAX_PENDING_PER_PEER,
  MAX_PERMISSIONS,
  MAX_RELAYED_PAYLOAD,
  MIN_CHANNEL,
} from './constants.js';
import { TurnError } from './errors.js';
import type { TurnClient, TurnClientEvent } from './client.js';
import { Bench, REALM, SERVER, text } from './turn.testutil.js';

const PEER = transportAddress('203.0.113.9', 60000);

function requests(b: Bench, c: TurnClient, method: number): { time: number; msg: DecodedStun }[] {
  return b.stunFrom(c.local).filter((x) => x.msg.method === method && x.msg.cls === StunClass.Request);
}

function failure(events: TurnClientEvent[]): TurnError {
  const f = events.find((e) => e.type === 'failed');
  assert.ok(f && f.type === 'failed', 'a failed event');
  assert.ok(f.error instanceof TurnError);
  return f.error;
}

function allocated(b: Bench, ...clients: TurnClient[]): TransportAddress[] {
  for (const c of clients) b.input(c, { type: 'allocate' });
  return clients.map((c) => b.relayedOf(c));
}

test('allocate: the first request has no credentials, the 401 brings realm and nonce, then success', () => {
  const b = new Bench();
  const c = b.addClient({ software: 'sansrtc-test' });
  b.input(c, { type: 'allocate' });
  const sent = requests(b, c, StunMethod.Allocate);
  assert.equal(sent.length, 2);
  const [first, second] = sent.map((s) => s.msg);
  assert.equal(first!.integrityAt, undefined);
  assert.equal(first!.attrs.username, undefined);
  assert.equal(first!.attrs.requestedTransport, 17);
  assert.equal(second!.attrs.username, 'alice');
  assert.equal(second!.attrs.realm, REALM);
  assert.ok(second!.attrs.nonce);
  assert.notEqual(second!.integrityAt, undefined);
  assert.equal(second!.attrs.software, 'sansrtc-test');
  assert.notDeepEqual(first!.transactionId, second!.transactionId);

  const [ev] = b.eventsOf(c);
  assert.ok(ev && ev.type === 'allocated');
  assert.deepEqual(ev.mapped, c.local);
  assert.equal(ev.lifetime, 600);
  assert.deepEqual(ev.relayed, b.server.relayedAddressOf(c.local));
  assert.deepEqual(c.relayedAddress, ev.relayed);
  assert.equal(c.state, 'allocated');
  // A second allocate command is ignored.
  b.input(c, { type: 'allocate' });
  assert.equal(requests(b, c, StunMethod.Allocate).length, 2);
});

test('allocate: a second 401 (wrong password) fails with auth-failed', () => {
  const b = new Bench();
  const c = b.addClient({ password: 'wrong' });
  b.input(c, { type: 'allocate' });
  const err = failure(b.eventsOf(c));
  assert.equal(err.failure, 'auth-failed');
  assert.equal(err.code, 'turn-auth-failed');
  assert.equal(err.stunCode, 401);
  assert.equal(requests(b, c, StunMethod.Allocate).length, 2);
  assert.equal(c.state, 'failed');
  assert.equal(c.pollTimeout(), undefined);
});

test('438 Stale Nonce: the request is retried with the new nonce', () => {
  const b = new Bench({ nonceLifetime: 60_000 });
  const c = b.addClient();
  allocated(b, c);
  b.advance(100_000);
  b.input(c, { type: 'permit', peer: PEER });
  const perms = requests(b, c, StunMethod.CreatePermission);
  assert.equal(perms.length, 2);
  assert.notEqual(perms[0]!.msg.attrs.nonce, perms[1]!.msg.attrs.nonce);
  assert.equal(c.counters.get('stale-nonce'), 1);
  assert.ok(!b.eventsOf(c).some((e) => e.type === 'permission-failed'));
  // The permission is installed: the peer's data reaches the client.
  b.fromOutside(PEER, c.relayedAddress!, text('hi'));
  assert.deepEqual(b.received(c), ['hi']);
});

test('the allocation is refreshed a minute before it expires and survives', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  b.advance(2_000_000);
  const refreshes = requests(b, c, StunMethod.Refresh);
  assert.deepEqual(
    refreshes.map((r) => r.time),
    [540_000, 1_080_000, 1_620_000],
  );
  assert.equal(b.server.allocationCount, 1);
  assert.equal(c.state, 'allocated');
  assert.deepEqual(b.serverEvents.map((e) => e.type), ['allocation-created']);
});

test('a requested lifetime is sent and the granted one is used for the refresh timer', () => {
  const b = new Bench({ defaultLifetime: 120 });
  const c = b.addClient({ lifetime: 300 });
  allocated(b, c);
  assert.equal(requests(b, c, StunMethod.Allocate)[1]!.msg.attrs.lifetime, 300);
  b.advance(500_000);
  const refreshes = requests(b, c, StunMethod.Refresh);
  assert.deepEqual(refreshes.map((r) => r.time), [240_000, 480_000]);
  assert.equal(refreshes[0]!.msg.attrs.lifetime, 300);
});

test('a refresh that times out loses the allocation', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  b.filter = (p) => {
    const d = decodeStun(p.data);
    return !(d.ok && d.value.method === StunMethod.Refresh);
  };
  b.advance(700_000);
  const err = failure(b.eventsOf(c));
  assert.equal(err.failure, 'allocation-lost');
  // RFC 8489 6.2.1: seven transmissions, then the timeout 39.5 s after the first.
  const sent = requests(b, c, StunMethod.Refresh).map((r) => r.time - 540_000);
  assert.deepEqual(sent, [0, 500, 1500, 3500, 7500, 15500, 31500]);
});

test('permissions are refreshed every 4 minutes, channel bindings every 9', () => {
  const b = new Bench({ maxLifetime: 3600 });
  const c = b.addClient({ lifetime: 3600 });
  allocated(b, c);
  b.input(c, { type: 'permit', peer: PEER });
  const other = transportAddress('203.0.113.10', 7000);
  b.input(c, { type: 'send', peer: other, data: text('x') });
  b.advance(1_200_000);
  const perms = requests(b, c, StunMethod.CreatePermission);
  assert.deepEqual(
    perms.filter((p) => sameAddress(p.msg.attrs.xorPeerAddress![0]!, PEER)).map((p) => p.time),
    [0, 240_000, 480_000, 720_000, 960_000, 1_200_000],
  );
  assert.deepEqual(
    requests(b, c, StunMethod.ChannelBind).map((p) => p.time),
    [0, 540_000, 1_080_000],
  );
  // Both peers still reach the client after 20 minutes; the bound one via ChannelData.
  b.fromOutside(PEER, c.relayedAddress!, text('one'));
  b.fromOutside(other, c.relayedAddress!, text('two'));
  assert.deepEqual(b.received(c), ['one', 'two']);
  const last = b.wire.at(-1)!;
  assert.equal(last.data[0]! >> 6, 1, 'ChannelData for the bound peer');
});

test('two clients exchange data both ways via Data indications and ChannelData', () => {
  const b = new Bench();
  const a = b.addClient();
  const z = b.addClient({ username: 'bob', password: 'hunter2' });
  const [ra, rz] = allocated(b, a, z);
  b.input(a, { type: 'permit', peer: rz! });
  b.input(z, { type: 'permit', peer: ra! });

  // a sends first: its channel gets bound; z has only a permission, so z gets a Data indication.
  b.input(a, { type: 'send', peer: rz!, data: text('a->z 1') });
  assert.deepEqual(b.received(z), ['a->z 1']);
  const toZ = b.wire.filter((p) => sameAddress(p.to, z.local) && sameAddress(p.from, SERVER)).at(-1)!;
  const ind = decodeStun(toZ.data);
  assert.ok(ind.ok && ind.value.method === StunMethod.Data && ind.value.cls === StunClass.Indication);
  const dataEvent = b.eventsOf(z).find((e) => e.type === 'data');
  assert.ok(dataEvent && dataEvent.type === 'data' && sameAddress(dataEvent.peer, ra!));

  // z answers: its channel to a gets bound; a has a channel to z, so a gets ChannelData.
  b.input(z, { type: 'send', peer: ra!, data: text('z->a 1') });
  assert.deepEqual(b.received(a), ['z->a 1']);
  const toA = b.wire.filter((p) => sameAddress(p.to, a.local) && sameAddress(p.from, SERVER)).at(-1)!;
  assert.equal(toA.data[0]! >> 6, 1, 'ChannelData');
  const fromAEvent = b.eventsOf(a).find((e) => e.type === 'data');
  assert.ok(fromAEvent && fromAEvent.type === 'data' && sameAddress(fromAEvent.peer, rz!));

  // Both channels are bound now: everything is ChannelData, both directions.
  const before = b.wire.length;
  for (let i = 2; i <= 4; i++) {
    b.input(a, { type: 'send', peer: rz!, data: text(`a->z ${i}`) });
    b.input(z, { type: 'send', peer: ra!, data: text(`z->a ${i}`) });
  }
  assert.deepEqual(b.received(z), ['a->z 1', 'a->z 2', 'a->z 3', 'a->z 4']);
  assert.deepEqual(b.received(a), ['z->a 1', 'z->a 2', 'z->a 3', 'z->a 4']);
  const clientToServer = b.wire.slice(before).filter((p) => sameAddress(p.to, SERVER));
  assert.equal(clientToServer.length, 6);
  assert.ok(clientToServer.every((p) => p.data[0]! >> 6 === 1));
});

test('IPv6 all the way: allocation, indications and channels', () => {
  const b = new Bench({ listen: transportAddress('2001:db8::1', 3478) });
  const a = b.addClient();
  const z = b.addClient({ username: 'bob', password: 'hunter2' });
  const [ra, rz] = allocated(b, a, z);
  assert.equal(ra!.family, 'IPv6');
  assert.equal(ra!.address, '2001:db8::1');
  const first = b.eventsOf(a)[0]!;
  assert.ok(first.type === 'allocated' && sameAddress(first.mapped, a.local));
  b.input(z, { type: 'permit', peer: ra! });
  b.input(a, { type: 'send', peer: rz!, data: text('over v6') });
  b.input(z, { type: 'send', peer: ra!, data: text('back over v6') });
  b.input(a, { type: 'send', peer: rz!, data: text('channel v6') });
  assert.deepEqual(b.received(z), ['over v6', 'channel v6']);
  assert.deepEqual(b.received(a), ['back over v6']);
  // An IPv4 peer does not fit an IPv6 relay (RFC 8656 9.1: 443).
  b.input(a, { type: 'permit', peer: PEER });
  const refused = b.eventsOf(a).find((e) => e.type === 'permission-failed');
  assert.ok(refused && refused.type === 'permission-failed' && refused.error.stunCode === 443);
});

test('data is sent by Send indication until the channel is bound', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  // Hold back the ChannelBind success: the permission is installed first.
  let holdBind = true;
  b.filter = (p) => {
    if (!holdBind || !sameAddress(p.to, c.local)) return true;
    const d = decodeStun(p.data);
    return !(d.ok && d.value.method === StunMethod.ChannelBind);
  };
  b.input(c, { type: 'send', peer: PEER, data: text('queued') });
  // Queued until the permission, then flushed by Send indication.
  assert.deepEqual(b.outside.map((p) => new TextDecoder().decode(p.data)), ['queued']);
  b.input(c, { type: 'send', peer: PEER, data: text('indication') });
  const last = decodeStun(b.wire.filter((p) => sameAddress(p.from, c.local)).at(-1)!.data);
  assert.ok(last.ok && last.value.method === StunMethod.Send && last.value.cls === StunClass.Indication);
  holdBind = false;
  b.advance(500); // the ChannelBind retransmission gets its response through
  b.input(c, { type: 'send', peer: PEER, data: text('channel') });
  assert.equal(b.wire.filter((p) => sameAddress(p.from, c.local)).at(-1)!.data[0]! >> 6, 1);
  assert.deepEqual(
    b.outside.map((p) => new TextDecoder().decode(p.data)),
    ['queued', 'indication', 'channel'],
  );
  assert.ok(b.outside.every((p) => sameAddress(p.from, c.relayedAddress!) && sameAddress(p.to, PEER)));
});

test('a ChannelBind that never succeeds falls back to Send indications', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  b.filter = (p) => {
    const d = decodeStun(p.data);
    return !(d.ok && d.value.method === StunMethod.ChannelBind);
  };
  b.input(c, { type: 'send', peer: PEER, data: text('1') });
  b.advance(40_000);
  assert.equal(c.counters.get('channel-bind-failed'), 1);
  b.input(c, { type: 'send', peer: PEER, data: text('2') });
  assert.deepEqual(b.outside.map((p) => new TextDecoder().decode(p.data)), ['1', '2']);
  assert.equal(c.state, 'allocated');
});

test('permits and sends before the allocation wait for it', () => {
  const b = new Bench();
  const c = b.addClient();
  b.input(c, { type: 'permit', peer: PEER });
  b.input(c, { type: 'send', peer: PEER, data: text('early') });
  assert.equal(b.wire.length, 0);
  b.input(c, { type: 'allocate' });
  assert.deepEqual(b.outside.map((p) => new TextDecoder().decode(p.data)), ['early']);
  b.fromOutside(PEER, c.relayedAddress!, text('back'));
  assert.deepEqual(b.received(c), ['back']);
});

test('a permission the server refuses gives permission-failed and drops its queue', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  const v6 = transportAddress('2001:db8::1', 5000);
  b.input(c, { type: 'send', peer: v6, data: text('lost') });
  const ev = b.eventsOf(c).find((e) => e.type === 'permission-failed');
  assert.ok(ev && ev.type === 'permission-failed');
  assert.deepEqual(ev.peer, v6);
  assert.equal(ev.error.stunCode, 443);
  assert.equal(ev.error.failure, 'rejected');
  assert.equal(c.state, 'allocated');
  b.input(c, { type: 'send', peer: v6, data: text('also lost') });
  assert.equal(c.counters.get('send-dropped'), 2);
  assert.deepEqual(b.outside, []);
});

test('close sends Refresh with lifetime 0 and the server deallocates', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  b.input(c, { type: 'permit', peer: PEER });
  b.input(c, { type: 'close' });
  const last = requests(b, c, StunMethod.Refresh).at(-1)!;
  assert.equal(last.msg.attrs.lifetime, 0);
  assert.equal(b.eventsOf(c).at(-1)!.type, 'closed');
  assert.equal(c.state, 'closed');
  assert.equal(b.server.allocationCount, 0);
  assert.deepEqual(b.serverEvents.at(-1), {
    type: 'allocation-deleted',
    client: c.local,
    relayed: b.relayedOf(c),
    reason: 'refresh',
  });
  assert.equal(c.pollTimeout(), undefined);
  b.input(c, { type: 'send', peer: PEER, data: text('late') });
  b.input(c, { type: 'close' });
  assert.equal(b.eventsOf(c).filter((e) => e.type === 'closed').length, 1);
  assert.equal(c.counters.get('send-dropped'), 1);
});

test('close while allocating deallocates once the allocation exists; close when idle just closes', () => {
  const b = new Bench();
  const c = b.addClient();
  c.handleInput(0, { type: 'allocate' });
  c.handleInput(0, { type: 'close' });
  b.pump();
  assert.deepEqual(b.eventsOf(c).map((e) => e.type), ['allocated', 'closed']);
  assert.equal(b.server.allocationCount, 0);
  const idle = b.addClient();
  b.input(idle, { type: 'close' });
  assert.deepEqual(b.eventsOf(idle).map((e) => e.type), ['closed']);
});

test('close completes even when the server does not answer', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  b.filter = () => false;
  b.input(c, { type: 'close' });
  assert.equal(c.state, 'closing');
  b.advance(40_000);
  assert.equal(c.state, 'closed');
});

test('failures are typed: 437 allocation mismatch, 486 quota, timeout', () => {
  const b = new Bench({ maxAllocationsPerUser: 1 });
  const first = b.addClient();
  allocated(b, first);
  // Same 5-tuple as `first`: 437.
  const twin = b.addClient({ local: first.local });
  b.input(twin, { type: 'allocate' });
  assert.equal(failure(b.eventsOf(twin)).failure, 'allocation-mismatch');
  assert.equal(failure(b.eventsOf(twin)).stunCode, 437);
  // Another allocation for alice: 486.
  const second = b.addClient();
  b.input(second, { type: 'allocate' });
  assert.equal(failure(b.eventsOf(second)).failure, 'quota-reached');

  const silent = new Bench();
  const lonely = silent.addClient();
  silent.filter = () => false;
  silent.input(lonely, { type: 'allocate' });
  silent.advance(39_499);
  assert.equal(lonely.state, 'allocating');
  silent.advance(1);
  assert.equal(failure(silent.eventsOf(lonely)).failure, 'timeout');
  assert.equal(requests(silent, lonely, StunMethod.Allocate).length, 7);
});

test('508 Insufficient Capacity when the relay range is used up', () => {
  const b = new Bench({ relayPorts: { min: 40000, max: 40000 } });
  const one = b.addClient();
  allocated(b, one);
  const two = b.addClient();
  b.input(two, { type: 'allocate' });
  assert.equal(failure(b.eventsOf(two)).failure, 'insufficient-capacity');
  assert.equal(failure(b.eventsOf(two)).stunCode, 508);
});

test('peers, permissions and queues are bounded', () => {
  const b = new Bench();
  const c = b.addClient();
  for (let i = 0; i < MAX_PERMISSIONS + 5; i++) {
    b.input(c, { type: 'permit', peer: transportAddress(`203.0.113.${i}`, 1) });
  }
  assert.equal(c.counters.get('peer-limit'), 5);
  const d = b.addClient();
  for (let i = 0; i < MAX_PENDING_PER_PEER + 3; i++) b.input(d, { type: 'send', peer: PEER, data: text(`${i}`) });
  assert.equal(d.counters.get('queue-overflow'), 3);
  b.input(d, { type: 'allocate' });
  assert.equal(b.outside.length, MAX_PENDING_PER_PEER);
  b.input(d, { type: 'send', peer: PEER, data: new Uint8Array(MAX_RELAYED_PAYLOAD + 1) });
  assert.equal(d.counters.get('too-large'), 1);
  // The largest payload still fits one UDP datagram (65,507 bytes) as a Send indication.
  const indication = encodeStun({
    method: StunMethod.Send,
    cls: StunClass.Indication,
    transactionId: new Uint8Array(12),
    attrs: { xorPeerAddress: [transportAddress('2001:db8::7', 9)], data: new Uint8Array(MAX_RELAYED_PAYLOAD) },
  });
  assert.ok(indication.length <= 65_507);
});

test('each peer gets its own channel number, in range, up to the peer bound', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  for (let i = 0; i < MAX_CHANNELS + 3; i++) {
    b.input(c, { type: 'send', peer: transportAddress('203.0.113.5', 1000 + i), data: text(`${i}`) });
  }
  const channels = requests(b, c, StunMethod.ChannelBind).map((r) => r.msg.attrs.channelNumber!);
  assert.equal(new Set(channels).size, MAX_CHANNELS);
  assert.ok(channels.every((n) => n >= MIN_CHANNEL && n <= MAX_CHANNEL));
  assert.equal(c.counters.get('peer-limit'), 3);
  assert.equal(b.outside.length, MAX_CHANNELS);
});

test('datagrams not from the server, and unknown channels, are dropped and counted', () => {
  const b = new Bench();
  const c = b.addClient();
  allocated(b, c);
  c.handleInput(b.now, { type: 'datagram', data: new Uint8Array([0x40, 0, 0, 0]), from: PEER, to: c.local });
  assert.equal(c.counters.get('not-from-server'), 1);
  c.handleInput(b.now, { type: 'datagram', data: new Uint8Array([0x40, 0x10, 0, 0]), from: SERVER, to: c.local });
  assert.equal(c.counters.get('unknown-channel'), 1);
  assert.equal(c.pollOutput(), undefined);
});

test('random datagrams to the client never throw', () => {
  const b = new Bench();
  const c = b.addClient();
  const fresh = b.addClient();
  allocated(b, c);
  b.input(c, { type: 'send', peer: PEER, data: text('x') });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (data, toFresh) => {
      const target = toFresh ? fresh : c;
      target.handleInput(b.now, { type: 'datagram', data, from: SERVER, to: target.local });
      for (let o = target.pollOutput(); o; o = target.pollOutput());
    }),
    { numRuns: 3000 },
  );
  // STUN-shaped: a valid header, random class/method and attributes.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 0x3fff }), (body, type) => {
      c.handleInput(b.now, { type: 'datagram', data: stunShaped(type, body), from: SERVER, to: c.local });
      for (let o = c.pollOutput(); o; o = c.pollOutput());
    }),
    { numRuns: 3000 },
  );
  assert.equal(c.state, 'allocated');
});

test('property: any mix of sends and idle time delivers everything, in order, both ways', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('a2z' as const), size: fc.integer({ min: 0, max: 1400 }) }),
    fc.record({ kind: fc.constant('z2a' as const), size: fc.integer({ min: 0, max: 1400 }) }),
    fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 700_000 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 1000 }), (ops, seed) => {
      const b = new Bench({}, seed);
      const a = b.addClient();
      const z = b.addClient({ username: 'bob', password: 'hunter2' });
      const [ra, rz] = allocated(b, a, z);
      b.input(a, { type: 'permit', peer: rz! });
      b.input(z, { type: 'permit', peer: ra! });
      const sentA: string[] = [];
      const sentZ: string[] = [];
      ops.forEach((o, i) => {
        if (o.kind === 'wait') {
          b.advance(o.ms);
          return;
        }
        const msg = `${o.kind}-${i}-`.padEnd(o.size, 'x');
        if (o.kind === 'a2z') {
          sentA.push(msg);
          b.input(a, { type: 'send', peer: rz!, data: text(msg) });
        } else {
          sentZ.push(msg);
          b.input(z, { type: 'send', peer: ra!, data: text(msg) });
        }
      });
      assert.deepEqual(b.received(z), sentA);
      assert.deepEqual(b.received(a), sentZ);
      for (const c of [a, z]) {
        assert.equal(c.state, 'allocated');
        assert.ok(!b.eventsOf(c).some((e) => e.type === 'failed' || e.type === 'permission-failed'));
      }
      assert.equal(b.server.allocationCount, 2);
      // Nothing the clients sent went anywhere but the server, from their own socket.
      for (const p of b.wire) {
        if (sameAddress(p.from, a.local) || sameAddress(p.from, z.local)) assert.ok(sameAddress(p.to, SERVER));
      }
    }),
    { numRuns: 40 },
  );
});
