import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRandom } from '../core/index.js';
import { candidateArb, fingerprintArb, iceString } from './arbitraries.testutil.js';
import { buildDataChannelSession, randomSessionId } from './build.js';
import type { DataChannelSessionParams } from './build.js';
import { parseCandidate } from './candidate.js';
import { readDataChannelSession, validateDataChannelSession } from './datachannel.js';
import { parseFingerprint } from './fingerprint.js';
import { parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';

const FP = parseFingerprint('sha-256 11:8F:98:37:73:B7:7B:57:51:DD:B7:48:45:3A:12:73:1A:26:34:1C:CB:EF:9C:0D:E2:91:7A:C7:21:1E:3F:7F');
const HOST = parseCandidate('candidate:1 1 udp 2130706431 192.0.2.7 50000 typ host');

test('builds the offer sansrtc sends', () => {
  assert.ok(FP.ok && HOST.ok);
  const sd = buildDataChannelSession({
    sessionId: '4611686018427387903',
    sessionVersion: 1,
    iceUfrag: 'aB3d',
    icePwd: 'abcdefghijklmnopqrstuv',
    fingerprints: [FP.value],
    setup: 'actpass',
    maxMessageSize: 262144,
    candidates: [HOST.value],
    endOfCandidates: true,
  });
  assert.equal(
    serializeSdp(sd),
    [
      'v=0',
      'o=- 4611686018427387903 1 IN IP4 0.0.0.0',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=ice-ufrag:aB3d',
      'a=ice-pwd:abcdefghijklmnopqrstuv',
      'a=ice-options:trickle ice2',
      'a=fingerprint:sha-256 11:8F:98:37:73:B7:7B:57:51:DD:B7:48:45:3A:12:73:1A:26:34:1C:CB:EF:9C:0D:E2:91:7A:C7:21:1E:3F:7F',
      'a=setup:actpass',
      'a=mid:0',
      'a=sctp-port:5000',
      'a=max-message-size:262144',
      'a=candidate:1 1 udp 2130706431 192.0.2.7 50000 typ host',
      'a=end-of-candidates',
      '',
    ].join('\r\n'),
  );
});

test('answers a legacy offer in the legacy form', () => {
  assert.ok(FP.ok);
  const text = serializeSdp(
    buildDataChannelSession({
      sessionId: '1',
      iceUfrag: 'aB3d',
      icePwd: 'abcdefghijklmnopqrstuv',
      fingerprints: [FP.value],
      setup: 'active',
      mid: 'data',
      sctpPort: 5000,
      maxMessageSize: 65536,
      legacy: true,
    }),
  );
  assert.match(text, /\r\nm=application 9 DTLS\/SCTP 5000\r\n/);
  assert.match(text, /\r\na=sctpmap:5000 webrtc-datachannel 65535\r\n/);
  assert.doesNotMatch(text, /sctp-port/);
  assert.match(text, /\r\na=group:BUNDLE data\r\n/);
});

test('randomSessionId: 63 random bits in decimal, reproducible from a seed', () => {
  const a = new SeededRandom(7);
  const b = new SeededRandom(7);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = randomSessionId(a);
    assert.equal(id, randomSessionId(b));
    assert.match(id, /^[0-9]+$/);
    assert.ok(BigInt(id) < 2n ** 63n);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
  // The top bit is cleared even when the generator sets it.
  const ones = { fill: (buf: Uint8Array) => buf.fill(0xff), u32: () => 0xffffffff };
  assert.equal(randomSessionId(ones), (2n ** 63n - 1n).toString());
});

const paramsArb: fc.Arbitrary<DataChannelSessionParams> = fc.record(
  {
    sessionId: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
    sessionVersion: fc.nat(),
    mid: fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/),
    iceUfrag: iceString(4, 256),
    icePwd: iceString(22, 256),
    iceOptions: fc.uniqueArray(fc.constantFrom('trickle', 'ice2', 'renomination'), { minLength: 1 }),
    iceLite: fc.boolean(),
    fingerprints: fc.array(fingerprintArb, { minLength: 1, maxLength: 3 }),
    setup: fc.constantFrom('actpass', 'active', 'passive'),
    sctpPort: fc.nat(65535),
    maxMessageSize: fc.nat(),
    candidates: fc.array(candidateArb, { maxLength: 5 }),
    endOfCandidates: fc.boolean(),
    sctpInit: fc.base64String({ minLength: 4, maxLength: 200 }),
    legacy: fc.boolean(),
  },
  { requiredKeys: ['sessionId', 'iceUfrag', 'icePwd', 'fingerprints', 'setup', 'maxMessageSize'] },
);

test('property: what the builder writes, the reader gives back', () => {
  fc.assert(
    fc.property(paramsArb, (p) => {
      const text = serializeSdp(buildDataChannelSession(p));
      const sd = parseSdp(text);
      if (!sd.ok) throw sd.error;
      assert.equal(serializeSdp(sd.value), text);
      const view = readDataChannelSession(sd.value);
      if (!view.ok) throw view.error;
      const m = validateDataChannelSession(view.value);
      if (!m.ok) throw m.error;
      const v = m.value;
      assert.equal(view.value.origin.sessionId, p.sessionId);
      assert.equal(view.value.origin.sessionVersion, String(p.sessionVersion ?? 0));
      assert.deepEqual(view.value.bundleGroups, [[p.mid ?? '0']]);
      assert.equal(v.mid, p.mid ?? '0');
      assert.equal(v.port, 9);
      assert.equal(v.proto, p.legacy ? 'DTLS/SCTP' : 'UDP/DTLS/SCTP');
      assert.equal(v.legacy, p.legacy ?? false);
      assert.equal(v.iceUfrag, p.iceUfrag);
      assert.equal(v.icePwd, p.icePwd);
      assert.deepEqual(v.iceOptions, p.iceOptions ?? ['trickle', 'ice2']);
      assert.equal(v.iceLite, p.iceLite ?? false);
      assert.deepEqual(
        v.fingerprints.map((f) => [f.algorithm, [...f.value]]),
        p.fingerprints.map((f) => [f.algorithm, [...f.value]]),
      );
      assert.equal(v.setup, p.setup);
      assert.equal(v.sctpPort, p.sctpPort ?? 5000);
      assert.equal(v.maxMessageSize, p.maxMessageSize);
      assert.deepEqual(v.candidates, p.candidates ?? []);
      assert.equal(v.endOfCandidates, p.endOfCandidates ?? false);
      assert.equal(v.sctpInit, p.sctpInit);
    }),
    { numRuns: 300 },
  );
});
