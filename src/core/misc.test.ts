import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logger, setLogNamespaces, setLogSink } from './log.js';
import { Counters } from './counters.js';
import { classifyPacket } from './demux.js';
import { addressKey, sameAddress, transportAddress } from './address.js';
import { DecodeError, err, ok } from './errors.js';
import { earliest } from './time.js';

test('logging is off until a sink and a namespace are set', () => {
  const records: string[] = [];
  const log = logger('sansrtc:test-a');
  assert.equal(log.enabled, false);
  log.debug('dropped');
  setLogSink((ns, level, msg) => records.push(`${ns} ${level} ${msg}`));
  assert.equal(log.enabled, false, 'no namespace enabled yet');
  setLogNamespaces('sansrtc:*,-sansrtc:test-b');
  const other = logger('sansrtc:test-b');
  log.debug('one');
  other.debug('two');
  assert.deepEqual(records, ['sansrtc:test-a debug one']);
  setLogSink(undefined);
  assert.equal(log.enabled, false);
  setLogNamespaces('');
});

test('counters count', () => {
  const c = new Counters<'a' | 'b'>();
  c.inc('a');
  c.inc('a', 2);
  assert.equal(c.get('a'), 3);
  assert.equal(c.get('b'), 0);
  assert.deepEqual(c.snapshot(), { a: 3 });
});

test('RFC 7983 first-byte classification', () => {
  const kinds = [0, 3, 16, 20, 63, 64, 79, 128, 191, 4, 200].map((b) => classifyPacket(new Uint8Array([b])));
  assert.deepEqual(kinds, ['stun', 'stun', 'zrtp', 'dtls', 'dtls', 'turn-channel', 'turn-channel', 'rtp', 'rtp', 'unknown', 'unknown']);
  assert.equal(classifyPacket(new Uint8Array(0)), 'unknown');
});

test('addresses', () => {
  const v4 = transportAddress('10.0.0.1', 5);
  const v6 = transportAddress('::1', 5);
  assert.equal(v4.family, 'IPv4');
  assert.equal(addressKey(v4), '10.0.0.1:5');
  assert.equal(addressKey(v6), '[::1]:5');
  assert.ok(sameAddress(v4, transportAddress('10.0.0.1', 5)));
  assert.ok(!sameAddress(v4, transportAddress('10.0.0.1', 6)));
});

test('typed errors and results', () => {
  const e = new DecodeError('stun', 'truncated', 'short header');
  assert.equal(e.code, 'stun-truncated');
  assert.equal(e.layer, 'stun');
  assert.ok(e instanceof Error);
  const r = Math.random() < 2 ? err(e) : ok(1);
  assert.equal(r.ok, false);
  assert.equal(ok(5).value, 5);
  assert.equal(earliest(undefined, 3), 3);
  assert.equal(earliest(4, 3), 3);
  assert.equal(earliest(4, undefined), 4);
});
