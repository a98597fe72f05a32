import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyPacket } from '../core/index.js';
import { decodeChannelData, encodeChannelData, isTurnChannelData, isValidChannel } from './channel-data.js';
import { MAX_CHANNEL, MIN_CHANNEL } from './constants.js';

const channelArb = fc.integer({ min: MIN_CHANNEL, max: MAX_CHANNEL });

test('ChannelData round-trips, padded or not', () => {
  fc.assert(
    fc.property(channelArb, fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (channel, payload, pad) => {
      const wire = encodeChannelData(channel, payload, pad);
      assert.equal(wire.length % 4 === 0 || !pad, true);
      assert.equal(wire.length, pad ? (payload.length + 4 + 3) & ~3 : payload.length + 4);
      assert.equal(isTurnChannelData(wire), true);
      assert.equal(classifyPacket(wire), 'turn-channel');
      const d = decodeChannelData(wire);
      assert.ok(d.ok);
      assert.equal(d.value.channel, channel);
      assert.deepEqual(d.value.data, payload);
      // a view, not a copy
      assert.equal(d.value.data.buffer, wire.buffer);
    }),
  );
});

test('ChannelData header layout matches RFC 8656 12.4', () => {
  const wire = encodeChannelData(0x4001, new Uint8Array([0xaa, 0xbb, 0xcc]), true);
  assert.deepEqual([...wire], [0x40, 0x01, 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x00]);
});

test('decoding arbitrary bytes never throws and accepts only well-formed messages', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (buf) => {
      const d = decodeChannelData(buf);
      const channel = buf.length >= 2 ? (buf[0]! << 8) | buf[1]! : -1;
      const length = buf.length >= 4 ? (buf[2]! << 8) | buf[3]! : -1;
      const wellFormed = buf.length >= 4 && isValidChannel(channel) && buf.length >= 4 + length;
      assert.equal(d.ok, wellFormed);
      assert.equal(isTurnChannelData(buf), buf.length >= 4 && isValidChannel(channel));
      if (d.ok) {
        assert.equal(d.value.channel, channel);
        assert.equal(d.value.data.length, length);
      } else {
        assert.equal(d.error.layer, 'turn');
      }
    }),
  );
});

test('truncated payloads and out-of-range channels are refused with a reason', () => {
  const wire = encodeChannelData(0x4abc, new Uint8Array(10));
  const short = decodeChannelData(wire.subarray(0, 9));
  assert.ok(!short.ok && short.error.reason === 'truncated');
  const header = decodeChannelData(wire.subarray(0, 3));
  assert.ok(!header.ok && header.error.reason === 'truncated');
  const high = decodeChannelData(new Uint8Array([0x50, 0x00, 0x00, 0x00]));
  assert.ok(!high.ok && high.error.reason === 'invalid');
  const low = decodeChannelData(new Uint8Array([0x3f, 0xff, 0x00, 0x00]));
  assert.ok(!low.ok && low.error.reason === 'invalid');
  // trailing bytes beyond Length are padding (RFC 8656 12.5)
  const padded = decodeChannelData(new Uint8Array([0x40, 0x00, 0x00, 0x01, 7, 0, 0, 0]));
  assert.ok(padded.ok);
  assert.deepEqual([...padded.value.data], [7]);
});

test('encoding refuses caller bugs', () => {
  assert.throws(() => encodeChannelData(0x3fff, new Uint8Array(1)), RangeError);
  assert.throws(() => encodeChannelData(0x5000, new Uint8Array(1)), RangeError);
  assert.throws(() => encodeChannelData(0x4000, new Uint8Array(0x10000)), RangeError);
});
