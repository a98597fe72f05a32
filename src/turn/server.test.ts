import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRandom, drain, sameAddress, transportAddress } from '../core/index.js';
import type { Millis, Transmit, TransportAddress } from '../core/index.js';
import {
  StunClass,
  StunMethod,
  decodeStun,
  encodeStun,
  longTermKey,
  newTransactionId,
  verifyIntegrity,
} from '../stun/index.js';
import type { DecodedStun, StunAttributes } from '../stun/index.js';
import { stunShaped } from '../stun/stun.testutil.js';
import { decodeChannelData, encodeChannelData } from './channel-data.js';
import { TurnServer } from './server.js';
import type { TurnServerOutput } from './server.js';

const LISTEN = transportAddress('192.0.2.1', 3478);
const CLIENT = transportAddress('198.51.100.7', 50000);
const PEER = transportAddress('203.0.113.9', 60000);
const REALM = 'example.test';
const KEY = longTermKey('alice', REALM, 'secret');

class Harness {
  readonly rng = new SeededRandom(7);
  readonly server: TurnServer;
  now: Millis = 0;
  nonce = '';
  constructor(opts: Partial<ConstructorParameters<typeof TurnServer>[0]> = {}) {
    this.server = new TurnServer({
      listen: LISTEN,
      realm: REALM,
      users: { alice: 'secret', bob: 'hunter2' },
      rng: this.rng.fork(),
      relayPorts: { min: 40000, max: 40003 },
      ...opts,
    });
  }

  /** Sends `data` to the server and returns everything it output. */
  input(data: Uint8Array, from = CLIENT, to = LISTEN): TurnServerOutput[] {
    this.server.handleInput(this.now, { type: 'datagram', data, from, to });
    return drain(this.server);
  }

  advance(ms: Millis): TurnServerOutput[] {
    this.now += ms;
    const t = this.server.pollTimeout();
    if (t !== undefined && t <= this.now) this.server.handleTimeout(this.now);
    return drain(this.server);
  }

  /** A request; authenticated with the current nonce unless `auth` is false. */
  request(method: number, attrs: StunAttributes, auth = true, from = CLIENT, tid = newTransactionId(this.rng)): DecodedStun {
    const full = auth ? { ...attrs, username: 'alice', realm: REALM, nonce: this.nonce } : attrs;
    const data = encodeStun({ method, cls: StunClass.Request, transactionId: tid, attrs: full }, auth ? { integrityKey: KEY } : {});
    const outs = this.input(data, from);
    const responses = transmits(outs).filter((t) => sameAddress(t.to!, from));
    assert.equal(responses.length, 1, 'one response');
    const r = decodeStun(responses[0]!.data);
    assert.ok(r.ok);
    assert.deepEqual(r.value.transactionId, tid);
    if (r.value.attrs.nonce) this.nonce = r.value.attrs.nonce;
    return r.value;
  }

  allocate(from = CLIENT): TransportAddress {
    const first = this.request(StunMethod.Allocate, { requestedTransport: 17 }, false, from);
    assert.equal(first.cls, StunClass.Error);
    assert.equal(first.attrs.errorCode?.code, 401);
    const ok = this.request(StunMethod.Allocate, { requestedTransport: 17 }, true, from);
    assert.equal(ok.cls, StunClass.Success);
    return ok.attrs.xorRelayedAddress!;
  }
}

function transmits(outs: TurnServerOutput[]): Transmit[] {
  return outs.filter((o): o is Transmit => o.type === 'transmit');
}

function errorCode(m: DecodedStun): number | undefined {
  return m.cls === StunClass.Error ? m.attrs.errorCode?.code : undefined;
}

test('Binding requests are answered without credentials', () => {
  const h = new Harness();
  const r = h.request(StunMethod.Binding, {}, false);
  assert.equal(r.cls, StunClass.Success);
  assert.deepEqual(r.attrs.xorMappedAddress, CLIENT);
});

test('Allocate: 401 with realm and nonce, then success with relayed, mapped and lifetime', () => {
  const h = new Harness({ defaultLifetime: 600 });
  const first = h.request(StunMethod.Allocate, { requestedTransport: 17 }, false);
  assert.equal(errorCode(first), 401);
  assert.equal(first.attrs.realm, REALM);
  assert.ok(first.attrs.nonce && first.attrs.nonce.length > 0);
  assert.equal(first.integrityAt, undefined);
  const tid = newTransactionId(h.rng);
  const ok = h.request(StunMethod.Allocate, { requestedTransport: 17, lifetime: 30 }, true, CLIENT, tid);
  assert.equal(ok.cls, StunClass.Success);
  assert.ok(verifyIntegrity(ok, KEY), 'success responses carry MESSAGE-INTEGRITY');
  const relayed = ok.attrs.xorRelayedAddress!;
  assert.equal(relayed.address, LISTEN.address);
  assert.ok(relayed.port >= 40000 && relayed.port <= 40003);
  assert.deepEqual(ok.attrs.xorMappedAddress, CLIENT);
  assert.equal(ok.attrs.lifetime, 600, 'RFC 8656 7.2: never less than the default');
  assert.deepEqual(h.server.relayedAddressOf(CLIENT), relayed);
  // A retransmission gets the same response; a new Allocate on the 5-tuple gets 437.
  const again = h.request(StunMethod.Allocate, { requestedTransport: 17, lifetime: 30 }, true, CLIENT, tid);
  assert.deepEqual(again.raw, ok.raw);
  assert.equal(errorCode(h.request(StunMethod.Allocate, { requestedTransport: 17 })), 437);
});

test('Allocate lifetimes are capped at the maximum', () => {
  const h = new Harness({ maxLifetime: 1200 });
  h.request(StunMethod.Allocate, { requestedTransport: 17 }, false);
  const ok = h.request(StunMethod.Allocate, { requestedTransport: 17, lifetime: 99999 });
  assert.equal(ok.attrs.lifetime, 1200);
});

test('credentials: wrong password, unknown user and wrong realm get 401; missing attributes 400', () => {
  const h = new Harness();
  h.request(StunMethod.Allocate, { requestedTransport: 17 }, false);
  const send = (username: string, realm: string, key: Uint8Array, attrs: StunAttributes = {}): DecodedStun => {
    const tid = newTransactionId(h.rng);
    const data = encodeStun(
      {
        method: StunMethod.Allocate,
        cls: StunClass.Request,
        transactionId: tid,
        attrs: { requestedTransport: 17, username, realm, nonce: h.nonce, ...attrs },
      },
      { integrityKey: key },
    );
    const r = decodeStun(transmits(h.input(data))[0]!.data);
    assert.ok(r.ok);
    return r.value;
  };
  assert.equal(errorCode(send('alice', REALM, longTermKey('alice', REALM, 'wrong'))), 401);
  assert.equal(errorCode(send('mallory', REALM, longTermKey('mallory', REALM, 'secret'))), 401);
  assert.equal(errorCode(send('alice', 'other', longTermKey('alice', 'other', 'secret'))), 401);
  assert.equal(errorCode(send('constructor', REALM, longTermKey('constructor', REALM, ''))), 401);
  const noNonce = encodeStun(
    {
      method: StunMethod.Allocate,
      cls: StunClass.Request,
      transactionId: newTransactionId(h.rng),
      attrs: { requestedTransport: 17, username: 'alice', realm: REALM },
    },
    { integrityKey: KEY },
  );
  const r = decodeStun(transmits(h.input(noNonce))[0]!.data);
  assert.ok(r.ok && errorCode(r.value) === 400);
  assert.equal(h.server.allocationCount, 0);
});

test('a nonce past its lifetime gets 438 Stale Nonce with a fresh one', () => {
  const h = new Harness({ nonceLifetime: 10_000 });
  h.allocate();
  const old = h.nonce;
  h.advance(10_000);
  const stale = h.request(StunMethod.Refresh, {});
  assert.equal(errorCode(stale), 438);
  assert.equal(stale.attrs.realm, REALM);
  assert.notEqual(h.nonce, old);
  assert.equal(h.request(StunMethod.Refresh, {}).cls, StunClass.Success);
});

test('Allocate checks REQUESTED-TRANSPORT, address family, unsupported attributes and capacity', () => {
  const h = new Harness();
  h.request(StunMethod.Allocate, {}, false);
  assert.equal(errorCode(h.request(StunMethod.Allocate, {})), 400);
  assert.equal(errorCode(h.request(StunMethod.Allocate, { requestedTransport: 6 })), 442);
  assert.equal(errorCode(h.request(StunMethod.Allocate, { requestedTransport: 17, requestedAddressFamily: 2 })), 440);
  const even = h.request(StunMethod.Allocate, { requestedTransport: 17, evenPort: true });
  assert.equal(errorCode(even), 420);
  assert.deepEqual(even.attrs.unknownAttributes, [0x0018]);
  // Four relay ports: the fifth client gets 508 Insufficient Capacity.
  const ports = new Set<number>();
  for (let i = 0; i < 4; i++) ports.add(h.allocate(transportAddress('198.51.100.7', 51000 + i)).port);
  assert.equal(ports.size, 4);
  const fifth = transportAddress('198.51.100.7', 52000);
  assert.equal(errorCode(h.request(StunMethod.Allocate, { requestedTransport: 17 }, true, fifth)), 508);
});

test('the listening port is never handed out as a relayed port', () => {
  const h = new Harness({ relayPorts: { min: LISTEN.port, max: LISTEN.port + 1 } });
  assert.deepEqual(h.server.ports(), [LISTEN.port, LISTEN.port + 1]);
  assert.equal(h.allocate().port, LISTEN.port + 1);
  const other = transportAddress('198.51.100.8', 50000);
  assert.equal(errorCode(h.request(StunMethod.Allocate, { requestedTransport: 17 }, true, other)), 508);
});

test('Refresh, CreatePermission and ChannelBind without an allocation get 437', () => {
  const h = new Harness();
  h.request(StunMethod.Allocate, {}, false);
  assert.equal(errorCode(h.request(StunMethod.Refresh, {})), 437);
  assert.equal(errorCode(h.request(StunMethod.CreatePermission, { xorPeerAddress: [PEER] })), 437);
  assert.equal(errorCode(h.request(StunMethod.ChannelBind, { xorPeerAddress: [PEER], channelNumber: 0x4000 })), 437);
});

test('another user cannot use an allocation (441)', () => {
  const h = new Harness();
  h.allocate();
  const bobKey = longTermKey('bob', REALM, 'hunter2');
  const data = encodeStun(
    {
      method: StunMethod.Refresh,
      cls: StunClass.Request,
      transactionId: newTransactionId(h.rng),
      attrs: { username: 'bob', realm: REALM, nonce: h.nonce },
    },
    { integrityKey: bobKey },
  );
  const r = decodeStun(transmits(h.input(data))[0]!.data);
  assert.ok(r.ok && errorCode(r.value) === 441);
});

test('peer data needs a permission; then it comes as Data indications, Send goes out the relay', () => {
  const h = new Harness();
  const relayed = h.allocate();
  const hello = new Uint8Array([1, 2, 3]);
  assert.deepEqual(transmits(h.input(hello, PEER, relayed)), []);
  assert.equal(h.server.counters.get('no-permission'), 1);
  // A Send indication without a permission is dropped too.
  const send = (data: Uint8Array): Uint8Array =>
    encodeStun({
      method: StunMethod.Send,
      cls: StunClass.Indication,
      transactionId: newTransactionId(h.rng),
      attrs: { xorPeerAddress: [PEER], data },
    });
  assert.deepEqual(transmits(h.input(send(hello))), []);

  // Permission for the peer's IP: any port of it may send.
  const ok = h.request(StunMethod.CreatePermission, { xorPeerAddress: [transportAddress(PEER.address, 1)] });
  assert.equal(ok.cls, StunClass.Success);
  const [ind] = transmits(h.input(hello, PEER, relayed));
  assert.ok(ind && sameAddress(ind.to!, CLIENT) && sameAddress(ind.from!, LISTEN));
  const d = decodeStun(ind.data);
  assert.ok(d.ok);
  assert.equal(d.value.method, StunMethod.Data);
  assert.equal(d.value.cls, StunClass.Indication);
  assert.deepEqual(d.value.attrs.xorPeerAddress, [PEER]);
  assert.deepEqual(d.value.attrs.data, hello);

  const [out] = transmits(h.input(send(hello)));
  assert.ok(out && sameAddress(out.to!, PEER) && sameAddress(out.from!, relayed));
  assert.deepEqual(out.data, hello);

  // A datagram too big for a Data indication in one UDP datagram is dropped, not thrown on.
  assert.deepEqual(transmits(h.input(new Uint8Array(65_507), PEER, relayed)), []);
  assert.equal(h.server.counters.get('too-large'), 1);

  // RFC 8656 9: the permission lapses after 300 s.
  h.advance(300_000);
  assert.deepEqual(transmits(h.input(hello, PEER, relayed)), []);
});

test('ChannelBind: ChannelData both ways, conflicts refused, expiry after 10 minutes', () => {
  const h = new Harness({ defaultLifetime: 3600 });
  const relayed = h.allocate();
  assert.equal(errorCode(h.request(StunMethod.ChannelBind, { xorPeerAddress: [PEER], channelNumber: 0x3fff })), 400);
  assert.equal(errorCode(h.request(StunMethod.ChannelBind, { channelNumber: 0x4000 })), 400);
  assert.equal(h.request(StunMethod.ChannelBind, { xorPeerAddress: [PEER], channelNumber: 0x4000 }).cls, StunClass.Success);
  // Refreshing the same binding is fine; rebinding either side to something else is not.
  assert.equal(h.request(StunMethod.ChannelBind, { xorPeerAddress: [PEER], channelNumber: 0x4000 }).cls, StunClass.Success);
  const other = transportAddress(PEER.address, PEER.port + 1);
  assert.equal(errorCode(h.request(StunMethod.ChannelBind, { xorPeerAddress: [other], channelNumber: 0x4000 })), 400);
  assert.equal(errorCode(h.request(StunMethod.ChannelBind, { xorPeerAddress: [PEER], channelNumber: 0x4001 })), 400);

  // The binding installed a permission: peer data arrives as ChannelData.
  const payload = new Uint8Array([9, 8, 7, 6, 5]);
  const [toClient] = transmits(h.input(payload, PEER, relayed));
  const cd = decodeChannelData(toClient!.data);
  assert.ok(cd.ok && cd.value.channel === 0x4000);
  assert.deepEqual(cd.value.data, payload);
  // The other port of the same IP has a permission but no channel: Data indication.
  const [viaIndication] = transmits(h.input(payload, other, relayed));
  assert.equal(decodeStun(viaIndication!.data).ok, true);

  const [toPeer] = transmits(h.input(encodeChannelData(0x4000, payload)));
  assert.ok(toPeer && sameAddress(toPeer.to!, PEER) && sameAddress(toPeer.from!, relayed));
  assert.deepEqual(toPeer.data, payload);
  assert.deepEqual(transmits(h.input(encodeChannelData(0x4001, payload))), []);
  assert.equal(h.server.counters.get('unbound-channel'), 1);

  // Keep the permission alive with CreatePermission; the channel still lapses at 10 min.
  for (let t = 0; t < 2; t++) {
    h.advance(240_000);
    h.request(StunMethod.CreatePermission, { xorPeerAddress: [PEER] });
  }
  h.advance(120_000);
  assert.deepEqual(transmits(h.input(encodeChannelData(0x4000, payload))), []);
  const [late] = transmits(h.input(payload, PEER, relayed));
  assert.ok(late && decodeStun(late.data).ok, 'after the channel expires, Data indications again');
});

test('an expired channel and its peer stay reserved for 5 minutes (RFC 8656 12)', () => {
  const h = new Harness({ defaultLifetime: 3600 });
  h.allocate();
  const other = transportAddress(PEER.address, PEER.port + 1);
  const bind = (peer: TransportAddress, channelNumber: number): DecodedStun =>
    h.request(StunMethod.ChannelBind, { xorPeerAddress: [peer], channelNumber });
  assert.equal(bind(PEER, 0x4000).cls, StunClass.Success);
  h.advance(600_000); // expired
  assert.deepEqual(transmits(h.input(encodeChannelData(0x4000, new Uint8Array(1)))), []);
  assert.equal(errorCode(bind(other, 0x4000)), 400, 'channel in quarantine');
  assert.equal(errorCode(bind(PEER, 0x4001)), 400, 'peer in quarantine');
  h.advance(300_000);
  assert.equal(bind(other, 0x4000).cls, StunClass.Success);
  assert.equal(bind(PEER, 0x4001).cls, StunClass.Success);
  // Rebinding the same pair revives a binding in quarantine.
  h.advance(700_000);
  assert.equal(bind(other, 0x4000).cls, StunClass.Success);
});

test('Refresh extends the allocation; lifetime 0 deletes it; unrefreshed ones expire', () => {
  const h = new Harness({ defaultLifetime: 120 });
  const relayed = h.allocate();
  h.advance(100_000);
  const r = h.request(StunMethod.Refresh, { lifetime: 120 });
  assert.equal(r.attrs.lifetime, 120);
  const expired = h.advance(100_000);
  assert.equal(expired.length, 0, 'the refresh moved the expiry');
  const del = h.request(StunMethod.Refresh, { lifetime: 0 });
  assert.equal(del.cls, StunClass.Success);
  assert.equal(h.server.allocationCount, 0);
  assert.equal(errorCode(h.request(StunMethod.Refresh, { lifetime: 0 })), 437);
  // A relayed port is free again and data to it is dropped.
  assert.deepEqual(transmits(h.input(new Uint8Array([1]), PEER, relayed)), []);

  h.allocate();
  const outs = h.advance(120_000);
  assert.deepEqual(
    outs.map((o) => o.type),
    ['allocation-deleted'],
  );
  assert.equal(h.server.allocationCount, 0);
  assert.equal(h.server.pollTimeout(), undefined);
});

test('random datagrams to the server never throw', () => {
  const h = new Harness();
  const relayed = h.allocate();
  h.request(StunMethod.ChannelBind, { xorPeerAddress: [PEER], channelNumber: 0x4000 });
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom(LISTEN, relayed, transportAddress('192.0.2.1', 1)),
      fc.constantFrom(CLIENT, PEER),
      (data, to, from) => {
        h.input(data, from, to);
      },
    ),
    { numRuns: 2000 },
  );
  // STUN-shaped garbage: a valid header with random attributes.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 0x3fff }), (body, type) => {
      h.input(stunShaped(type, body));
    }),
    { numRuns: 2000 },
  );
});
