import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIceServers } from './configuration.js';

test('stun and turn URLs with literal hosts become server addresses', () => {
  const s = parseIceServers([
    { urls: 'stun:192.0.2.1' },
    { urls: ['turn:[2001:db8::1]:3479?transport=udp', 'turn:localhost'], username: 'u', credential: 'p' },
  ]);
  assert.deepEqual(s.stun, [{ family: 'IPv4', address: '192.0.2.1', port: 3478 }]);
  assert.deepEqual(s.turn, [
    { server: { family: 'IPv6', address: '2001:db8::1', port: 3479 }, username: 'u', password: 'p' },
    { server: { family: 'IPv4', address: '127.0.0.1', port: 3478 }, username: 'u', password: 'p' },
  ]);
  assert.deepEqual(s.unsupported, []);
});

test('names that need DNS, TLS and TCP are accepted but reported unsupported', () => {
  const s = parseIceServers([
    { urls: 'stun:stun.example.org:19302' },
    { urls: ['turns:192.0.2.1', 'turn:192.0.2.1?transport=tcp'], username: 'u', credential: 'p' },
  ]);
  assert.equal(s.stun.length + s.turn.length, 0);
  assert.deepEqual(s.unsupported, ['stun:stun.example.org:19302', 'turns:192.0.2.1', 'turn:192.0.2.1?transport=tcp']);
});

test('malformed URLs are SyntaxError, TURN without credentials InvalidAccessError', () => {
  for (const urls of ['http://x', 'stun:', 'stun:1.2.3.4:99999', 'stun:1.2.3.4?transport=udp', []]) {
    assert.throws(() => parseIceServers([{ urls: urls as string }]), (e: DOMException) => e.name === 'SyntaxError', String(urls));
  }
  assert.throws(() => parseIceServers([{ urls: 'turn:1.2.3.4' }]), (e: DOMException) => e.name === 'InvalidAccessError');
  assert.deepEqual(parseIceServers(undefined), { stun: [], turn: [], unsupported: [] });
});
