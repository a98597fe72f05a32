/**
 * mDNS over real multicast sockets, always inside a fresh network namespace (see
 * netns.ts): no query or answer ever reaches one of this host's interfaces. Where
 * namespaces cannot be made the tests fail and say why; they do not skip.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceProblem, runInNamespace } from './netns.js';

const SCENARIO = 'test/netns/mdns-scenario.ts';

async function scenario(mode: string): Promise<Record<string, unknown>> {
  const problem = namespaceProblem();
  assert.equal(problem, undefined, `network namespaces are needed for this test: ${problem}`);
  const r = await runInNamespace(SCENARIO, [mode]);
  assert.equal(r.status, 0, `scenario ${mode} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

function checkResolutions(r: Record<string, unknown>): void {
  assert.equal(r['v4'], '10.99.0.1');
  assert.equal(r['v6'], 'fd99::1'); // an AAAA answer to our A+AAAA query
  assert.equal(r['upper'], '10.99.0.1'); // names compare case-insensitively
  assert.equal(r['cached'], '10.99.0.1');
  assert.equal(r['missing'], null);
  // The unanswered name waited out its 600 ms, not the others' 3 s.
  assert.ok((r['missingAfterMs'] as number) >= 590 && (r['missingAfterMs'] as number) < 2500, String(r['missingAfterMs']));
  assert.ok((r['firstAnswerMs'] as number) < 1000, String(r['firstAnswerMs']));
  assert.deepEqual(r['handles'], []); // every socket and timer closed
}

test('querier and responder on a multicast loopback in one namespace; dual-stack UdpSockets', async () => {
  const r = await scenario('lo');
  checkResolutions(r);
  assert.deepEqual(r['interfaces'], ['127.0.0.1']);
  assert.deepEqual(r['dualStack'], ['0 IPv4 true 127.0.0.1', '1 IPv6 true ::1']);
  assert.ok((r['answered'] as number) >= 2);
});

test('querier and responder in two namespaces joined by a veth pair (IPv4, IPv6, legacy unicast)', async () => {
  const r = await scenario('veth');
  checkResolutions(r);
  assert.deepEqual(r['interfaces'], ['10.99.0.2', 'fd99::2']);
  assert.equal(r['overV6'], 'fd99::1');
  assert.deepEqual(r['v6counters'], { sent: 1 });
  assert.equal(r['legacyPortIs5353'], false);
  assert.equal(r['overLegacy'], '10.99.0.1');
});

test('ICE connects to a peer whose host candidate is a .local name, resolved by our querier', async () => {
  const r = await scenario('ice-mdns');
  assert.deepEqual(r, { resolved: '127.0.0.1', connected: true, selectedRemote: '127.0.0.1', handles: [] });
});
