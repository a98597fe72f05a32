import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { toHex } from './bytes.js';
import { canonicalIp, formatIpv4, formatIpv6, ipFamily, isIpLiteral, parseIp } from './ip.js';

function roundTrip(text: string): string {
  const b = parseIp(text);
  assert.ok(b, text);
  return b.length === 4 ? formatIpv4(b) : formatIpv6(b);
}

test('IPv6 canonical text (RFC 5952 4)', () => {
  assert.equal(roundTrip('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(roundTrip('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1'); // one zero group stays
  assert.equal(roundTrip('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1'); // the longest run
  assert.equal(roundTrip('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1'); // the first of equals
  assert.equal(roundTrip('::'), '::');
  assert.equal(roundTrip('::1'), '::1');
  assert.equal(roundTrip('1::'), '1::');
  assert.equal(roundTrip('2001:DB8::A'), '2001:db8::a');
  assert.equal(roundTrip('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  assert.equal(roundTrip('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
  assert.equal(roundTrip('fe80::1%eth0'), 'fe80::1');
  assert.equal(toHex(parseIp('::1.2.3.4')!), '00000000000000000000000001020304');
});

test('IPv4 text', () => {
  assert.equal(roundTrip('0.0.0.0'), '0.0.0.0');
  assert.equal(roundTrip('255.255.255.255'), '255.255.255.255');
});

test('malformed addresses are refused', () => {
  for (const s of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.256',
    '01.2.3.4',
    '1..2.3',
    '1.2.3.4 ',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '1:2:3:4:5:6:7',
    'g::1',
    '12345::1',
    ':1::2',
    '1:',
    '::1.2.3',
    '::1.2.3.4:5',
  ]) {
    assert.equal(parseIp(s), undefined, JSON.stringify(s));
  }
});

test('IPv6 text formats as RFC 5952 (checked against the WHATWG URL serializer)', () => {
  fc.assert(
    fc.property(fc.ipV6(), (text) => {
      const bytes = parseIp(text);
      assert.ok(bytes && bytes.length === 16, text);
      const ours = formatIpv6(bytes);
      assert.deepEqual(parseIp(ours), bytes);
      if (!ours.startsWith('::ffff:') || !ours.includes('.')) {
        assert.equal(ours, new URL(`http://[${text}]/`).hostname.slice(1, -1));
      }
    }),
    { numRuns: 1000 },
  );
});

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

test('isIpLiteral: IP literals only, no zone', () => {
  assert.ok(isIpLiteral('2001:db8::1') && isIpLiteral('::ffff:192.0.2.1') && !isIpLiteral('256.1.1.1'));
  assert.equal(ipFamily('192.0.2.1'), 'IPv4');
  assert.equal(ipFamily('2001:db8::1'), 'IPv6');
  assert.equal(ipFamily('fe80::1%eth0'), undefined);
  assert.equal(ipFamily('a1b2c3.local'), undefined);
});

test('isIpLiteral accepts every IPv4 and IPv6 literal and refuses host names', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.ipV6(), fc.domain(), (v4, v6, name) => {
      assert.ok(isIpLiteral(v4), v4);
      assert.ok(isIpLiteral(v6), v6);
      assert.ok(!isIpLiteral(name) || /^[0-9.]+$/.test(name), name);
      assert.ok(!isIpLiteral(`${name}.local`));
    }),
    { seed: 0x1ce4 },
  );
});
