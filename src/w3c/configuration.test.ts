import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIceServers, resolveIceServers } from './configuration.js';

test('stun and turn URLs with literal hosts become server addresses', () => {
  const s = parseIceServers([
    { urls: 'stun:192.0.2.1' },
    { urls: ['turn:[2001:db8::1]:3479?transport=udp', 'turn:127.0.0.1'], username: 'u', credential: 'p' },
  ]);
  assert.deepEqual(s.stun, [{ family: 'IPv4', address: '192.0.2.1', port: 3478 }]);
  assert.deepEqual(s.turn, [
    { server: { family: 'IPv6', address: '2001:db8::1', port: 3479 }, username: 'u', password: 'p' },
    { server: { family: 'IPv4', address: '127.0.0.1', port: 3478 }, username: 'u', password: 'p' },
  ]);
  assert.deepEqual(s.unsupported, []);
});

test('TLS and TCP are accepted but reported unsupported; host names are looked up', async () => {
  const s = parseIceServers([
    { urls: 'stun:stun.example.org:19302' },
    { urls: ['turns:192.0.2.1', 'turn:192.0.2.1?transport=tcp', 'turn:relay.example.org'], username: 'u', credential: 'p' },
  ]);
  assert.equal(s.stun.length + s.turn.length, 0);
  assert.deepEqual(s.unsupported, ['turns:192.0.2.1', 'turn:192.0.2.1?transport=tcp']);
  assert.deepEqual(s.lookups.map((l) => l.url), ['stun:stun.example.org:19302', 'turn:relay.example.org']);
  // A fake resolver: tests send no DNS queries.
  const failed: string[] = [];
  const fake = async (host: string) => {
    if (host === 'relay.example.org') return { address: '198.51.100.7' };
    throw new Error('ENOTFOUND');
  };
  const r = await resolveIceServers(s, (url) => failed.push(url), fake);
  assert.deepEqual(failed, ['stun:stun.example.org:19302']);
  assert.deepEqual(r, { stun: [], turn: [{ server: { family: 'IPv4', address: '198.51.100.7', port: 3478 }, username: 'u', password: 'p' }] });
});

test('localhost resolves through the system resolver (the hosts file)', async () => {
  const s = parseIceServers([{ urls: 'stun:localhost:3479' }]);
  const r = await resolveIceServers(s, () => assert.fail('localhost must resolve'));
  assert.equal(r.stun.length, 1);
  assert.match(r.stun[0]!.address, /^(127\.0\.0\.1|::1)$/);
});

test('malformed URLs are SyntaxError, TURN without credentials InvalidAccessError', () => {
  for (const urls of ['http://x', 'stun:', 'stun:1.2.3.4:99999', 'stun:1.2.3.4?transport=udp', []]) {
    assert.throws(() => parseIceServers([{ urls: urls as string }]), (e: DOMException) => e.name === 'SyntaxError', String(urls));
  }
  assert.throws(() => parseIceServers([{ urls: 'turn:1.2.3.4' }]), (e: DOMException) => e.name === 'InvalidAccessError');
  assert.deepEqual(parseIceServers(undefined), { stun: [], turn: [], lookups: [], unsupported: [] });
});
