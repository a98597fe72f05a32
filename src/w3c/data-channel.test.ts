import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCDataChannel } from './data-channel.js';
import type { ChannelHost, ChannelSnapshot } from './data-channel.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function fakeHost(maxMessageSize = 1024): ChannelHost & { sent: { data: Uint8Array; binary: boolean }[]; closed: number[]; info: Mutable<ChannelSnapshot> } {
  const info: Mutable<ChannelSnapshot> = {
    label: 'chat',
    protocol: 'p',
    ordered: true,
    maxRetransmits: null,
    maxPacketLifeTime: null,
    negotiated: false,
    id: null,
    priority: 'low',
    readyState: 'connecting',
    bufferedAmount: 0,
    bufferedAmountLowThreshold: 0,
  };
  const host = {
    sent: [] as { data: Uint8Array; binary: boolean }[],
    closed: [] as number[],
    info,
    maxMessageSize,
    sendOnChannel(_h: number, data: Uint8Array, binary: boolean) {
      host.sent.push({ data: data.slice(), binary });
    },
    closeChannel(h: number) {
      host.closed.push(h);
    },
    channelInfo: () => info,
    setChannelThreshold(_h: number, bytes: number) {
      info.bufferedAmountLowThreshold = bytes;
    },
  };
  return host;
}

test('send before open is InvalidStateError; after open strings and binary go down typed', () => {
  const host = fakeHost();
  const dc = new RTCDataChannel(host, 3, host.info);
  assert.equal(dc.readyState, 'connecting');
  assert.throws(() => dc.send('x'), (e: DOMException) => e.name === 'InvalidStateError');
  const order: string[] = [];
  dc.onopen = () => order.push(`open:${dc.readyState}`);
  dc.deliver({ type: 'channel-open' });
  assert.deepEqual(order, ['open:open']);
  dc.send('héllo');
  dc.send(new Uint8Array([1, 2, 3]).subarray(1));
  dc.send(new Uint16Array([0x0102]).buffer);
  dc.send('');
  assert.deepEqual(
    host.sent.map((s) => [Array.from(s.data), s.binary]),
    [[[104, 195, 169, 108, 108, 111], false], [[2, 3], true], [[2, 1], true], [[], false]],
  );
});

test('send snapshots the caller\'s buffer: reusing it afterwards changes nothing sent', () => {
  const host = fakeHost();
  const kept: Uint8Array[] = [];
  host.sendOnChannel = (_h, data) => kept.push(data);
  const dc = new RTCDataChannel(host, 1, host.info);
  dc.deliver({ type: 'channel-open' });
  const buf = new Uint8Array([1, 2]);
  dc.send(buf);
  dc.send(buf.buffer);
  buf[0] = 9;
  assert.deepEqual(kept.map((k) => Array.from(k)), [[1, 2], [1, 2]]);
});

test('a channel announced as open still fires open once (W3C 6.2)', () => {
  const host = fakeHost();
  const dc = new RTCDataChannel(host, 2, { ...host.info, readyState: 'open' });
  assert.equal(dc.readyState, 'open');
  let opens = 0;
  dc.onopen = () => opens++;
  dc.deliver({ type: 'channel-open' });
  dc.deliver({ type: 'channel-open' });
  assert.equal(opens, 1);
});

test('oversize messages are TypeError; the threshold setter wraps like unsigned long', () => {
  const host = fakeHost(4);
  const dc = new RTCDataChannel(host, 1, host.info);
  dc.deliver({ type: 'channel-open' });
  assert.throws(() => dc.send('12345'), TypeError);
  dc.send('1234');
  dc.bufferedAmountLowThreshold = -1;
  assert.equal(dc.bufferedAmountLowThreshold, 0xffffffff);
});

test('messages follow binaryType; text arrives as string', async () => {
  const host = fakeHost();
  const dc = new RTCDataChannel(host, 1, host.info);
  dc.deliver({ type: 'channel-open' });
  const got: unknown[] = [];
  dc.addEventListener('message', (ev) => got.push((ev as MessageEvent).data));
  const shared = new Uint8Array([9, 8, 7, 6]);
  dc.deliver({ type: 'channel-message', data: shared.subarray(1, 3), binary: true });
  dc.deliver({ type: 'channel-message', data: new TextEncoder().encode('hi'), binary: false });
  dc.binaryType = 'blob';
  dc.binaryType = 'bogus' as 'blob';
  assert.equal(dc.binaryType, 'blob');
  dc.deliver({ type: 'channel-message', data: new Uint8Array([5]), binary: true });
  assert.ok(got[0] instanceof ArrayBuffer);
  assert.deepEqual(Array.from(new Uint8Array(got[0] as ArrayBuffer)), [8, 7]);
  assert.equal((got[0] as ArrayBuffer).byteLength, 2, 'a fresh buffer, not the shared one');
  assert.equal(got[1], 'hi');
  assert.ok(got[2] instanceof Blob);
  assert.deepEqual(Array.from(new Uint8Array(await (got[2] as Blob).arrayBuffer())), [5]);
});

test('a reassembled message (its own whole buffer) reaches the application without a copy', () => {
  const host = fakeHost();
  const dc = new RTCDataChannel(host, 1, host.info);
  dc.deliver({ type: 'channel-open' });
  const got: ArrayBuffer[] = [];
  dc.onmessage = (ev) => got.push(ev.data as ArrayBuffer);
  const whole = new Uint8Array([1, 2, 3]);
  dc.deliver({ type: 'channel-message', data: whole, binary: true });
  assert.equal(got[0], whole.buffer);
});

test('Blob sends keep their order with later sends and count as buffered', async () => {
  const host = fakeHost();
  const dc = new RTCDataChannel(host, 1, host.info);
  dc.deliver({ type: 'channel-open' });
  dc.send(new Blob([new Uint8Array([1, 1])]));
  dc.send('after');
  assert.equal(dc.bufferedAmount, 2 + 5);
  assert.equal(host.sent.length, 0);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(host.sent.map((s) => s.binary), [true, false]);
  assert.equal(dc.bufferedAmount, 0);
});

test('close goes closing then closed with events; abort closes at once', () => {
  const host = fakeHost();
  const dc = new RTCDataChannel(host, 5, host.info);
  dc.deliver({ type: 'channel-open' });
  const events: string[] = [];
  for (const t of ['closing', 'close']) dc.addEventListener(t, () => events.push(`${t}:${dc.readyState}`));
  dc.close();
  assert.equal(dc.readyState, 'closing');
  assert.deepEqual(host.closed, [5]);
  dc.close();
  assert.deepEqual(host.closed, [5], 'close is idempotent');
  dc.deliver({ type: 'channel-closed' });
  assert.deepEqual(events, ['close:closed']);
  dc.deliver({ type: 'channel-message', data: new Uint8Array([1]), binary: true });
  const other = new RTCDataChannel(host, 6, { ...host.info });
  other.addEventListener('close', () => events.push('abort'));
  other.abort();
  assert.equal(other.readyState, 'closed');
  assert.deepEqual(events, ['close:closed', 'abort']);
});
