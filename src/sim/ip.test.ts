import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { canonicalIp } from './ip.js';

test('IPv6 text is put in RFC 5952 form', () => {
  const cases: [string, string][] = [
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs (§4.2.3)
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed (§4.2.2)
    ['2001:db8::0:1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['::FFFF:192.0.2.1', '::ffff:192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['192.0.2.1', '192.0.2.1'],
  ];
  for (const [input, expected] of cases) assert.equal(canonicalIp(input), expected, input);
});

test('canonical IPv6 text round-trips and agrees with URL serialization', () => {
  fc.assert(
    fc.property(fc.ipV6(), (a) => {
      const c = canonicalIp(a);
      assert.equal(isIP(c), 6);
      assert.equal(canonicalIp(c), c);
      // WHATWG URL also follows RFC 5952, except that it writes IPv4-mapped tails in hex.
      if (!c.startsWith('::ffff:') || !c.includes('.')) assert.equal(`[${c}]`, new URL(`http://[${a}]`).hostname);
    }),
    { numRuns: 500, seed: 5952 },
  );
});
