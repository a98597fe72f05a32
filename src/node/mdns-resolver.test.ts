import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Candidate } from '../sdp/index.js';
import { resolveCandidate } from './mdns-resolver.js';

const base: Candidate = {
  foundation: '1',
  component: 1,
  transport: 'udp',
  priority: 2122260223,
  address: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b.local',
  port: 54321,
  type: 'host',
  extensions: [['generation', '0']],
};

test('resolveCandidate swaps a .local address for what the resolver found', async () => {
  const asked: [string, number | undefined][] = [];
  const resolver = {
    resolve: (name: string, timeoutMs?: number) => {
      asked.push([name, timeoutMs]);
      return Promise.resolve(name.startsWith('1f2e') ? '192.168.1.20' : undefined);
    },
  };
  assert.deepEqual(await resolveCandidate(resolver, base, 500), { ...base, address: '192.168.1.20' });
  assert.deepEqual(asked, [[base.address, 500]]);
  // Unresolvable names are ignored (draft-ietf-mmusic-mdns-ice-candidates).
  assert.equal(await resolveCandidate(resolver, { ...base, address: 'other.LOCAL.' }), undefined);
  // IP candidates pass through untouched, without a query.
  const ip = { ...base, address: '10.0.0.1' };
  assert.equal(await resolveCandidate(resolver, ip), ip);
  assert.equal(asked.length, 2);
});
