import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../core/index.js';
import { parseCandidate, serializeCandidate } from './candidate.js';
import type { Candidate } from './candidate.js';
import { candidateArb } from './arbitraries.testutil.js';

function parsed(text: string): Candidate {
  const r = parseCandidate(text);
  if (!r.ok) throw r.error;
  return r.value;
}

function reason(text: string): string {
  const r = parseCandidate(text);
  assert.equal(r.ok, false, `expected ${JSON.stringify(text)} to be refused`);
  if (r.ok) return '';
  assert.ok(r.error instanceof DecodeError);
  assert.equal(r.error.layer, 'sdp');
  return r.error.reason;
}

test('Chrome mDNS host candidate with extensions', () => {
  const c = parsed(
    'candidate:1467250027 1 udp 2122260223 3c2a8e01-6b0d-4b7a-9d0c-2f3e4a5b6c7d.local 54321 typ host generation 0 ufrag Xy7q network-id 1 network-cost 10',
  );
  assert.deepEqual(c, {
    foundation: '1467250027',
    component: 1,
    transport: 'udp',
    priority: 2122260223,
    address: '3c2a8e01-6b0d-4b7a-9d0c-2f3e4a5b6c7d.local',
    port: 54321,
    type: 'host',
    extensions: [
      ['generation', '0'],
      ['ufrag', 'Xy7q'],
      ['network-id', '1'],
      ['network-cost', '10'],
    ],
  });
});

test('a= prefix, CRLF, uppercase transport, srflx with raddr/rport', () => {
  const c = parsed('a=candidate:2 1 UDP 1686052607 203.0.113.7 61000 typ srflx raddr 192.168.1.20 rport 61000\r\n');
  assert.equal(c.transport, 'udp');
  assert.equal(c.type, 'srflx');
  assert.equal(c.relatedAddress, '192.168.1.20');
  assert.equal(c.relatedPort, 61000);
  assert.equal(
    serializeCandidate(c),
    'candidate:2 1 udp 1686052607 203.0.113.7 61000 typ srflx raddr 192.168.1.20 rport 61000',
  );
});

test('TCP candidate with tcptype before and after raddr', () => {
  const a = parsed('candidate:3 1 tcp 1518280447 2001:db8::5 9 typ host tcptype active generation 0');
  assert.equal(a.tcpType, 'active');
  assert.equal(a.address, '2001:db8::5');
  assert.deepEqual(a.extensions, [['generation', '0']]);
  const b = parsed('candidate:4 1 TCP 847249151 198.51.100.1 443 typ relay tcptype passive raddr 10.0.0.1 rport 50000');
  assert.equal(b.tcpType, 'passive');
  assert.equal(b.relatedAddress, '10.0.0.1');
  assert.equal(serializeCandidate(b), 'candidate:4 1 tcp 847249151 198.51.100.1 443 typ relay raddr 10.0.0.1 rport 50000 tcptype passive');
});

test('boundaries: priority 2^32-1, port 65535, component 256, 32-char foundation', () => {
  const f = 'A'.repeat(32);
  const c = parsed(`candidate:${f} 256 udp 4294967295 10.0.0.1 65535 typ prflx`);
  assert.equal(c.priority, 0xffffffff);
  assert.equal(c.port, 65535);
  assert.equal(c.component, 256);
  assert.equal(reason(`candidate:${f}A 1 udp 1 10.0.0.1 1 typ host`), 'invalid');
  assert.equal(reason('candidate:1 1 udp 4294967296 10.0.0.1 1 typ host'), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 65536 typ host'), 'invalid');
  assert.equal(reason('candidate:1 257 udp 1 10.0.0.1 1 typ host'), 'invalid');
  assert.equal(reason('candidate:1 0 udp 1 10.0.0.1 1 typ host'), 'invalid');
});

test('malformed candidates give typed errors', () => {
  assert.equal(reason(''), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 1 typ'), 'truncated');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 1 type host'), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 1 typ cloud'), 'unsupported');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 1 typ host generation'), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 1 typ host raddr 1.2.3.4 raddr 1.2.3.4'), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 1 typ host tcptype sideways'), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 300.0.0.1 1 typ host'), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 2001:db8:::1 1 typ host'), 'invalid');
  assert.equal(reason('candidate:f-o 1 udp 1 10.0.0.1 1 typ host'), 'invalid');
  assert.equal(reason('candidate:1 1 udp 1 10.0.0.1 1 typ host gen\u00e9ration 0'), 'invalid');
  assert.equal(reason(`candidate:1 1 udp 1 10.0.0.1 1 typ host${' x 1'.repeat(2000)}`), 'too-large');
});

test('property: serialize then parse is the identity', () => {
  fc.assert(
    fc.property(candidateArb, fc.constantFrom('', 'a='), fc.constantFrom('', '\r\n', '\n'), (c, pre, end) => {
      const text = serializeCandidate(c);
      assert.deepEqual(parsed(pre + text + end), c);
      assert.equal(serializeCandidate(parsed(text)), text);
    }),
    { numRuns: 500 },
  );
});

test('property: random and mutated input never throws', () => {
  const mutated = fc
    .tuple(candidateArb, fc.nat(), fc.string({ maxLength: 4 }), fc.nat(6))
    .map(([c, at, ins, del]) => {
      const s = serializeCandidate(c);
      const i = at % (s.length + 1);
      return s.slice(0, i) + ins + s.slice(i + del);
    });
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutated), (s) => {
      const r = parseCandidate(s);
      if (!r.ok) {
        assert.ok(r.error instanceof DecodeError);
        assert.equal(r.error.layer, 'sdp');
      } else {
        // Whatever parses must serialize to something that parses to the same value.
        assert.deepEqual(parsed(serializeCandidate(r.value)), r.value);
      }
    }),
    { numRuns: 2000 },
  );
});
