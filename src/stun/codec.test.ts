import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { toHex, utf8Encode, type DecodeReason } from '../core/index.js';
import {
  AttrType,
  PasswordAlgorithmId,
  StunClass,
  StunErrorCode,
  StunMethod,
  classOf,
  decodeStun,
  encodeStun,
  isKnownErrorCode,
  isStunMessage,
  longTermKey,
  messageType,
  methodOf,
  shortTermKey,
  stunError,
  userhash,
  verifyIntegrity,
  type DecodedStun,
  type StunAttributes,
  type StunMessage,
} from './index.js';
import { TID, appendFingerprint, appendMac, rawMessage } from './stun.testutil.js';

const KEY = shortTermKey('secret');

function decoded(b: Uint8Array): DecodedStun {
  const r = decodeStun(b);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function refused(b: Uint8Array, reason: DecodeReason): void {
  const r = decodeStun(b);
  assert.equal(r.ok, false, 'expected a decode error');
  if (!r.ok) {
    assert.equal(r.error.layer, 'stun');
    assert.equal(r.error.reason, reason, r.error.message);
  }
}

const msg = (attrs: StunAttributes, cls: StunClass = StunClass.Request, method: number = StunMethod.Binding): StunMessage => ({
  method,
  cls,
  transactionId: TID,
  attrs,
});

const ALL: StunAttributes = {
  mappedAddress: { family: 'IPv4', address: '10.0.0.1', port: 1 },
  xorMappedAddress: { family: 'IPv6', address: '2001:db8::1', port: 65535 },
  xorPeerAddress: [
    { family: 'IPv4', address: '198.51.100.7', port: 4000 },
    { family: 'IPv6', address: 'fe80::1:2', port: 0 },
  ],
  xorRelayedAddress: { family: 'IPv4', address: '203.0.113.9', port: 49152 },
  alternateServer: { family: 'IPv6', address: '::1', port: 3478 },
  username: 'abcd:efgh',
  realm: 'example.org',
  nonce: 'obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA',
  software: 'sansrtc \u00e9',
  errorCode: { code: 438, reason: 'Stale Nonce' },
  unknownAttributes: [0x0031, 0x7fff, 0x0042],
  priority: 0xffff_ffff,
  useCandidate: true,
  iceControlled: 0xffff_ffff_ffff_ffffn,
  iceControlling: 1n,
  lifetime: 600,
  requestedTransport: 17,
  data: Uint8Array.from([1, 2, 3, 4, 5]),
  channelNumber: 0x4000,
  dontFragment: true,
  evenPort: true,
  reservationToken: Uint8Array.from([9, 8, 7, 6, 5, 4, 3, 2]),
  requestedAddressFamily: 2,
  userhash: new Uint8Array(32).fill(7),
  passwordAlgorithms: [
    { algorithm: PasswordAlgorithmId.Sha256, params: new Uint8Array(0) },
    { algorithm: PasswordAlgorithmId.Md5, params: Uint8Array.from([1, 2, 3]) },
  ],
  passwordAlgorithm: { algorithm: PasswordAlgorithmId.Sha256, params: new Uint8Array(0) },
  unknown: [
    { type: 0x8fff, value: Uint8Array.from([0xaa]) },
    { type: 0xc001, value: new Uint8Array(0) },
  ],
};

test('every attribute round-trips, together and one at a time', () => {
  const all = decoded(encodeStun(msg(ALL)));
  assert.deepEqual(all.attrs, ALL);
  for (const [k, v] of Object.entries(ALL)) {
    const one = { [k]: v } as StunAttributes;
    const m = decoded(encodeStun(msg(one, StunClass.Error, StunMethod.Allocate)));
    assert.deepEqual(m.attrs, one, k);
    assert.equal(m.method, StunMethod.Allocate);
    assert.equal(m.cls, StunClass.Error);
  }
});

test('EVEN-PORT with R = 0 is present and false', () => {
  const m = decoded(encodeStun(msg({ evenPort: false })));
  assert.equal(m.attrs.evenPort, false);
});

test('message type bits for every method and class (RFC 8489 5)', () => {
  assert.equal(messageType(StunMethod.Binding, StunClass.Request), 0x0001);
  assert.equal(messageType(StunMethod.Binding, StunClass.Indication), 0x0011);
  assert.equal(messageType(StunMethod.Binding, StunClass.Success), 0x0101);
  assert.equal(messageType(StunMethod.Binding, StunClass.Error), 0x0111);
  assert.equal(messageType(StunMethod.Allocate, StunClass.Request), 0x0003);
  assert.equal(messageType(StunMethod.Send, StunClass.Indication), 0x0016);
  assert.equal(messageType(StunMethod.Data, StunClass.Indication), 0x0017);
  assert.equal(messageType(StunMethod.ChannelBind, StunClass.Success), 0x0109);
  for (let m = 0; m <= 0xfff; m++) {
    for (const c of [0, 1, 2, 3] as const) {
      const t = messageType(m, c);
      assert.ok(t < 0x4000);
      assert.equal(methodOf(t), m);
      const cls: number = classOf(t);
      assert.equal(cls, c);
    }
  }
});

test('XOR address encoding matches the RFC 5769 layout', () => {
  const b = encodeStun(msg({ xorMappedAddress: { family: 'IPv4', address: '192.0.2.1', port: 32853 } }));
  // port 32853 ^ 0x2112 = 0xa147; 192.0.2.1 ^ 0x2112a442 = 0xe112a643 (RFC 5769 2.2).
  assert.equal(toHex(b.subarray(20)), '002000080001a147e112a643');
});

test('MESSAGE-INTEGRITY, -SHA256 and FINGERPRINT are placed last and verify', () => {
  const b = encodeStun(msg({ username: 'u:v', priority: 5 }), {
    integrityKey: KEY,
    integritySha256Key: KEY,
    fingerprint: true,
  });
  const m = decoded(b);
  assert.equal(m.integrityAt, b.length - 8 - 36 - 24);
  assert.equal(m.integritySha256At, b.length - 8 - 36);
  assert.equal(m.fingerprint, true);
  assert.equal(verifyIntegrity(m, KEY), true);
  // Independent check of both MACs with hand-built messages.
  const base = rawMessage(0x0001, [
    [AttrType.Priority, Uint8Array.from([0, 0, 0, 5])],
    [AttrType.Username, utf8Encode('u:v')],
  ]);
  const expected = appendFingerprint(appendMac(appendMac(base, KEY, 'sha1'), KEY, 'sha256'));
  assert.equal(toHex(b), toHex(expected));
});

test('verifyIntegrity prefers MESSAGE-INTEGRITY-SHA256 and is false without integrity', () => {
  const other = shortTermKey('other');
  // SHA1 MAC with KEY, SHA256 MAC with `other`: only `other` verifies.
  const b = encodeStun(msg({ username: 'x' }), { integrityKey: KEY, integritySha256Key: other });
  const m = decoded(b);
  assert.equal(verifyIntegrity(m, other), true);
  assert.equal(verifyIntegrity(m, KEY), false);
  assert.equal(verifyIntegrity(decoded(encodeStun(msg({ username: 'x' }))), KEY), false);
});

test('a MESSAGE-INTEGRITY-SHA256 truncated to 16 bytes verifies (RFC 8489 14.6)', () => {
  const b = appendMac(rawMessage(0x0001, [[AttrType.Username, utf8Encode('abc')]]), KEY, 'sha256', 16);
  const m = decoded(b);
  assert.equal(verifyIntegrity(m, KEY), true);
  assert.equal(verifyIntegrity(m, shortTermKey('nope')), false);
  refused(appendMac(rawMessage(0x0001, []), KEY, 'sha256', 12), 'invalid');
  refused(appendMac(rawMessage(0x0001, []), KEY, 'sha256', 18), 'invalid');
});

test('attributes after MESSAGE-INTEGRITY are ignored, except -SHA256 and FINGERPRINT', () => {
  let b = appendMac(rawMessage(0x0001, [[AttrType.Username, utf8Encode('a')]]), KEY, 'sha1');
  // A PRIORITY after the MAC (and its length change) must not be processed.
  b = appendFingerprint(
    rawMessage(
      0x0001,
      [
        [AttrType.Username, utf8Encode('a')],
        [AttrType.MessageIntegrity, b.subarray(b.length - 20)],
        [AttrType.Priority, Uint8Array.from([0, 0, 0, 1])],
        [0x0099, Uint8Array.from([1])],
      ],
      TID,
    ),
  );
  const m = decoded(b);
  assert.deepEqual(m.attrs, { username: 'a' });
  assert.deepEqual(m.unknownRequired, []);
  assert.equal(m.fingerprint, true);
  assert.equal(verifyIntegrity(m, KEY), true, 'MAC covers only what precedes it');
});

test('attributes after MESSAGE-INTEGRITY-SHA256 are ignored, except FINGERPRINT', () => {
  const signed = appendMac(rawMessage(0x0001, []), KEY, 'sha256');
  const mac = signed.subarray(signed.length - 32);
  const b = rawMessage(0x0001, [
    [AttrType.MessageIntegritySha256, mac],
    [AttrType.MessageIntegrity, new Uint8Array(20)],
    [AttrType.Username, utf8Encode('late')],
  ]);
  const m = decoded(b);
  assert.equal(m.integrityAt, undefined);
  assert.equal(m.attrs.username, undefined);
  assert.equal(verifyIntegrity(m, KEY), true);
});

test('FINGERPRINT must be last and must match', () => {
  const fp = appendFingerprint(rawMessage(0x0001, [[AttrType.Username, utf8Encode('a')]]));
  assert.equal(decoded(fp).fingerprint, true);
  const flipped = fp.slice();
  flipped[flipped.length - 1]! ^= 1;
  refused(flipped, 'integrity');
  const body = fp.slice();
  body[24]! ^= 0x20; // change the username: the CRC no longer matches
  refused(body, 'integrity');
  // A correct FINGERPRINT followed by another attribute.
  const notLast = rawMessage(0x0001, [[AttrType.Fingerprint, new Uint8Array(4)], [AttrType.Priority, new Uint8Array(4)]]);
  new DataView(notLast.buffer).setUint32(24, (zlibCrc32(notLast.subarray(0, 20)) ^ 0x5354554e) >>> 0);
  refused(notLast, 'invalid');
  refused(rawMessage(0x0001, [[AttrType.Fingerprint, new Uint8Array(8)]]), 'invalid');
});

test('comprehension-required unknown attributes are reported, optional ones kept', () => {
  const m = decoded(
    rawMessage(0x0001, [
      [0x0077, Uint8Array.from([1, 2])],
      [0x8077, Uint8Array.from([3])],
      [0x0078, new Uint8Array(0)],
    ]),
  );
  assert.deepEqual(m.unknownRequired, [0x0077, 0x0078]);
  assert.deepEqual(m.attrs.unknown, [{ type: 0x8077, value: Uint8Array.from([3]) }]);
});

test('the first occurrence of a repeated attribute wins; XOR-PEER-ADDRESS accumulates', () => {
  const m = decoded(
    rawMessage(0x0001, [
      [AttrType.Username, utf8Encode('first')],
      [AttrType.Username, utf8Encode('second')],
      [AttrType.Priority, Uint8Array.from([0, 0, 0, 1])],
      [AttrType.Priority, Uint8Array.from([0, 0, 0, 2])],
    ]),
  );
  assert.equal(m.attrs.username, 'first');
  assert.equal(m.attrs.priority, 1);
  const peers = Array.from({ length: 3 }, (_, i) => ({ family: 'IPv4' as const, address: `10.0.0.${i}`, port: i }));
  assert.deepEqual(decoded(encodeStun(msg({ xorPeerAddress: peers }))).attrs.xorPeerAddress, peers);
  const peer = encodeStun(msg({ xorPeerAddress: [peers[0]!] })).subarray(24);
  refused(rawMessage(0x0001, Array.from({ length: 17 }, (): [number, Uint8Array] => [AttrType.XorPeerAddress, peer])), 'too-large');
  assert.throws(() => encodeStun(msg({ xorPeerAddress: Array.from({ length: 17 }, () => peers[0]!) })), RangeError);
  const unknown = Array.from({ length: 61 }, () => ({ type: 0x8fff, value: new Uint8Array(0) }));
  assert.throws(() => encodeStun(msg({ unknown })), RangeError);
  assert.equal(decoded(encodeStun(msg({ unknown: unknown.slice(1) }))).attrs.unknown?.length, 60);
});

test('malformed input gives typed errors, never throws', () => {
  const ok = encodeStun(msg({ username: 'abc' }));
  refused(new Uint8Array(0), 'truncated');
  refused(ok.subarray(0, 19), 'truncated');
  refused(ok.subarray(0, ok.length - 4), 'truncated');
  const extra = new Uint8Array(ok.length + 4);
  extra.set(ok);
  refused(extra, 'invalid');
  const top = ok.slice();
  top[0] = 0x40;
  refused(top, 'invalid');
  const cookie = ok.slice();
  cookie[5] = 0;
  refused(cookie, 'unsupported');
  const odd = ok.slice(0, ok.length - 2);
  odd[3] = odd.length - 20;
  refused(odd, 'invalid');
  // An attribute length that runs past the end of the message.
  const overrun = rawMessage(0x0001, [[AttrType.Username, utf8Encode('abcd')]]);
  overrun[23] = 5;
  refused(overrun, 'truncated');
  // Shorter lengths inside the padded slot are fine (padding is ignored, RFC 8489 14).
  const shorter = rawMessage(0x0001, [[AttrType.Username, utf8Encode('abcd')]]);
  shorter[23] = 3;
  assert.equal(decoded(shorter).attrs.username, 'abc');
  refused(
    rawMessage(0x0001, Array.from({ length: 65 }, (): [number, Uint8Array] => [0x8055, new Uint8Array(0)])),
    'too-large',
  );
});

test('bad attribute values are refused', () => {
  const cases: [number, number[]][] = [
    [AttrType.XorMappedAddress, [0, 3, 0, 1, 1, 2, 3, 4]], // family 3
    [AttrType.XorMappedAddress, [0, 1, 0, 1, 1, 2, 3]], // short IPv4
    [AttrType.MappedAddress, [0, 2, 0, 1, 1, 2, 3, 4]], // IPv6 with 4 bytes
    [AttrType.MappedAddress, [0, 1]],
    [AttrType.Priority, [1, 2, 3]],
    [AttrType.IceControlling, [1, 2, 3, 4]],
    [AttrType.UseCandidate, [1]],
    [AttrType.ErrorCode, [0, 0, 2, 0]], // class 2
    [AttrType.ErrorCode, [0, 0, 4, 100]], // number 100
    [AttrType.ErrorCode, [0, 0, 4]],
    [AttrType.UnknownAttributes, [0, 1, 2]],
    [AttrType.ChannelNumber, [0x40, 0]],
    [AttrType.EvenPort, [0x80, 0]],
    [AttrType.ReservationToken, [1, 2, 3]],
    [AttrType.Userhash, [1]],
    [AttrType.PasswordAlgorithms, [0, 1, 0, 8, 0, 0]],
    [AttrType.PasswordAlgorithm, [0, 1]],
    [AttrType.Username, [0xff, 0xfe]], // not UTF-8
    [AttrType.MessageIntegrity, new Array(16).fill(0)],
  ];
  for (const [t, v] of cases) {
    const r = decodeStun(rawMessage(0x0001, [[t, Uint8Array.from(v)]]));
    assert.equal(r.ok, false, `0x${t.toString(16)} ${v}`);
  }
  refused(rawMessage(0x0001, [[AttrType.Realm, new Uint8Array(764).fill(0x61)]]), 'too-large');
  // SOFTWARE is informational: bad UTF-8 is replaced, not refused.
  assert.equal(decoded(rawMessage(0x0001, [[AttrType.Software, Uint8Array.from([0x61, 0xff])]])).attrs.software, 'a\ufffd');
});

test('encodeStun refuses what it cannot represent', () => {
  assert.throws(() => encodeStun({ ...msg({}), transactionId: new Uint8Array(11) }), RangeError);
  assert.throws(() => encodeStun(msg({ username: 'x'.repeat(509) })), RangeError);
  assert.throws(() => encodeStun(msg({ errorCode: { code: 200, reason: '' } })), RangeError);
  assert.throws(() => encodeStun(msg({ mappedAddress: { family: 'IPv4', address: '::1', port: 1 } })), RangeError);
  assert.throws(() => encodeStun(msg({ mappedAddress: { family: 'IPv4', address: '1.2.3', port: 1 } })), RangeError);
  assert.throws(() => encodeStun(msg({ priority: -1 })), RangeError);
  assert.throws(() => encodeStun(msg({ unknown: [{ type: 0x0077, value: new Uint8Array(0) }] })), RangeError);
  assert.throws(() => encodeStun(msg({ data: new Uint8Array(0x10000) })), RangeError);
  assert.doesNotThrow(() => encodeStun(msg({ username: 'x'.repeat(508) })));
});

test('isStunMessage', () => {
  const b = encodeStun(msg({ username: 'abc' }), { fingerprint: true });
  assert.equal(isStunMessage(b), true);
  assert.equal(isStunMessage(b.subarray(0, b.length - 4)), false);
  const rtp = b.slice();
  rtp[0] = 0x80;
  assert.equal(isStunMessage(rtp), false);
  rtp[0] = 0x40;
  assert.equal(isStunMessage(rtp), false);
  const cookie = b.slice();
  cookie[7] ^= 1;
  assert.equal(isStunMessage(cookie), false);
  assert.equal(isStunMessage(new Uint8Array(19)), false);
});

test('credentials: short-term and long-term keys (RFC 8489 9)', () => {
  assert.equal(toHex(shortTermKey('pass')), toHex(utf8Encode('pass')));
  // OpaqueString maps non-ASCII spaces to U+0020 and normalizes to NFC.
  assert.equal(toHex(shortTermKey('a\u00a0b')), toHex(utf8Encode('a b')));
  assert.equal(toHex(shortTermKey('e\u0301')), toHex(utf8Encode('\u00e9')));
  assert.equal(toHex(longTermKey('user', 'realm', 'pass')), '8493fbc53ba582fb4c044c456bdc40eb');
  assert.equal(
    toHex(longTermKey('user', 'realm', 'pass', 'sha256')),
    createHash('sha256').update('user:realm:pass').digest('hex'),
  );
  assert.equal(toHex(longTermKey('user', 'r\u3000', 'p')), createHash('md5').update('user:r :p').digest('hex'));
  assert.equal(toHex(userhash('user', 'realm')), createHash('sha256').update('user:realm').digest('hex'));
});

test('error code table', () => {
  assert.deepEqual(stunError(StunErrorCode.RoleConflict), { code: 487, reason: 'Role Conflict' });
  for (const c of [400, 401, 403, 420, 437, 438, 440, 441, 442, 486, 487, 500, 508]) {
    assert.ok(isKnownErrorCode(c), String(c));
    const m = decoded(encodeStun(msg({ errorCode: stunError(c as StunErrorCode) }, StunClass.Error)));
    assert.equal(m.attrs.errorCode?.code, c);
  }
  assert.equal(isKnownErrorCode(499), false);
});
