import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../core/index.js';
import { formatIpv4, formatIpv6, parseIp } from './ip.js';

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
