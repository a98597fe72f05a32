import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../core/index.js';
import { mutatedArb, sessionArb } from './arbitraries.testutil.js';
import { MAX_SDP_LENGTH, MAX_SDP_LINES } from './constants.js';
import { CORPUS } from './corpus.testutil.js';
import { readDataChannelSession, validateDataChannelSession } from './datachannel.js';
import { attributeValue, attributeValues, hasAttribute } from './model.js';
import { parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';

const HEAD = 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';

function refused(text: string): DecodeError {
  const r = parseSdp(text);
  assert.equal(r.ok, false, `expected refusal of ${JSON.stringify(text.slice(0, 80))}`);
  if (r.ok) throw new Error('unreachable');
  assert.ok(r.error instanceof DecodeError);
  assert.equal(r.error.layer, 'sdp');
  return r.error;
}

test('parses every RFC 8866 field into its typed home', () => {
  const text = [
    'v=0',
    'o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1',
    's=Call to John Smith',
    'i=SDP Offer #1',
    'u=http://www.jdoe.example.com/home.html',
    'e=Jane Doe <jane@jdoe.example.com>',
    'p=+1 617 555-6011',
    'c=IN IP4 198.51.100.1',
    'b=CT:128',
    't=0 0',
    'r=604800 3600 0 90000',
    't=3724394400 3724398000',
    'z=2882844526 -1h 2898848070 0',
    'k=prompt',
    'a=recvonly',
    'a=tool:x:y',
    'm=audio 49170/2 RTP/AVP 0',
    'i=voice',
    'c=IN IP6 2001:db8::2',
    'c=IN IP6 2001:db8::3',
    'b=AS:64',
    'k=clear:abc',
    'a=rtpmap:0 PCMU/8000',
    'm=video 51372 RTP/AVP 99 100',
    'a=rtpmap:99 h263-1998/90000',
    '',
  ].join('\r\n');
  const r = parseSdp(text);
  if (!r.ok) throw r.error;
  const sd = r.value;
  assert.deepEqual(sd.origin, {
    username: 'jdoe',
    sessionId: '3724394400',
    sessionVersion: '3724394405',
    netType: 'IN',
    addrType: 'IP4',
    address: '198.51.100.1',
  });
  assert.equal(sd.sessionName, 'Call to John Smith');
  assert.equal(sd.information, 'SDP Offer #1');
  assert.equal(sd.uri, 'http://www.jdoe.example.com/home.html');
  assert.deepEqual(sd.emails, ['Jane Doe <jane@jdoe.example.com>']);
  assert.deepEqual(sd.phones, ['+1 617 555-6011']);
  assert.deepEqual(sd.connection, { netType: 'IN', addrType: 'IP4', address: '198.51.100.1' });
  assert.deepEqual(sd.bandwidths, [{ type: 'CT', value: 128 }]);
  assert.deepEqual(sd.timings, [
    { start: 0, stop: 0, repeats: ['604800 3600 0 90000'] },
    { start: 3724394400, stop: 3724398000, repeats: [] },
  ]);
  assert.equal(sd.zoneAdjustments, '2882844526 -1h 2898848070 0');
  assert.equal(sd.key, 'prompt');
  assert.deepEqual(sd.attributes, [{ name: 'recvonly' }, { name: 'tool', value: 'x:y' }]);
  assert.equal(sd.media.length, 2);
  const [audio, video] = sd.media as [(typeof sd.media)[0], (typeof sd.media)[0]];
  assert.equal(audio.port, 49170);
  assert.equal(audio.numberOfPorts, 2);
  assert.deepEqual(audio.formats, ['0']);
  assert.equal(audio.information, 'voice');
  assert.equal(audio.connections.length, 2);
  assert.deepEqual(audio.bandwidths, [{ type: 'AS', value: 64 }]);
  assert.equal(audio.key, 'clear:abc');
  assert.deepEqual(video.formats, ['99', '100']);
  assert.equal(serializeSdp(sd), text);
});

test('attribute helpers', () => {
  const attrs = [{ name: 'a', value: '1' }, { name: 'flag' }, { name: 'a', value: '2' }];
  assert.equal(attributeValue(attrs, 'a'), '1');
  assert.equal(attributeValue(attrs, 'flag'), '');
  assert.equal(attributeValue(attrs, 'none'), undefined);
  assert.deepEqual(attributeValues(attrs, 'a'), ['1', '2']);
  assert.equal(hasAttribute(attrs, 'flag'), true);
  assert.equal(hasAttribute(attrs, 'nope'), false);
});

test('line endings: LF, CRLF, no final newline, blank lines', () => {
  const crlf = `${HEAD}a=x\r\n`;
  const a = parseSdp(crlf);
  const b = parseSdp(crlf.replaceAll('\r\n', '\n'));
  const c = parseSdp(crlf.slice(0, -2));
  const d = parseSdp(`${HEAD}\r\na=x\r\n\r\n`);
  assert.ok(a.ok && b.ok && c.ok && d.ok);
  assert.deepEqual(b.value, a.value);
  assert.deepEqual(c.value, a.value);
  assert.deepEqual(d.value, a.value);
  assert.equal(serializeSdp(b.value), crlf);
});

test('flag attributes and empty values stay distinct', () => {
  const r = parseSdp(`${HEAD}a=flag\r\na=empty:\r\na=msid-semantic: WMS\r\n`);
  assert.ok(r.ok);
  assert.deepEqual(r.value.attributes, [{ name: 'flag' }, { name: 'empty', value: '' }, { name: 'msid-semantic', value: ' WMS' }]);
});

test('typed errors for malformed descriptions', () => {
  const cases: [string, string, RegExp][] = [
    ['', 'invalid', /v=/],
    ['o=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', 'invalid', /v=/],
    ['v=1\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', 'unsupported', /version/],
    ['v=0\r\ns=-\r\nt=0 0\r\n', 'truncated', /missing o=/],
    ['v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\nt=0 0\r\n', 'truncated', /missing s=/],
    ['v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n', 'truncated', /missing t=/],
    ['v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n', 'invalid', /m= before/],
    ['v=0\r\no=- 1 2 IN IP4\r\ns=-\r\nt=0 0\r\n', 'invalid', /line 2: o= needs 6 fields/],
    ['v=0\r\no=- x 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', 'invalid', /digits/],
    ['v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=\r\nt=0 0\r\n', 'invalid', /s= is empty/],
    ['v=0\r\ns=-\r\no=- 1 2 IN IP4 0.0.0.0\r\nt=0 0\r\n', 'invalid', /out of order/],
    ['v=0\r\nv=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n', 'invalid', /repeated/],
    [`${HEAD}a=x\r\nc=IN IP4 1.2.3.4\r\n`, 'invalid', /out of order/],
    [`${HEAD}x=unknown\r\n`, 'unsupported', /not an SDP line type/],
    [`${HEAD}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nt=0 0\r\n`, 'invalid', /not allowed in a media section/],
    [`${HEAD}m=application 9\r\n`, 'invalid', /line 5: m= needs/],
    [`${HEAD}m=application 70000 UDP/DTLS/SCTP webrtc-datachannel\r\n`, 'invalid', /port/],
    [`${HEAD}m=application 9/0 UDP/DTLS/SCTP webrtc-datachannel\r\n`, 'invalid', /number of ports/],
    [`${HEAD}m=application 9 UDP//SCTP webrtc-datachannel\r\n`, 'invalid', /proto/],
    [`${HEAD}m=application  9 UDP/DTLS/SCTP webrtc-datachannel\r\n`, 'invalid', /m= needs/],
    [`${HEAD}m=a 9 P x\r\na=mid:0\r\ni=late\r\n`, 'invalid', /out of order/],
    [`${HEAD}m=a 9 P x\r\ni=one\r\ni=two\r\n`, 'invalid', /repeated/],
    [`${HEAD}a=\r\n`, 'invalid', /attribute name/],
    [`${HEAD}a=bad name\r\n`, 'invalid', /attribute name/],
    [`${HEAD}a=x\ry\r\n`, 'invalid', /CR inside/],
    [`${HEAD}a=x\0\r\n`, 'invalid', /NUL/],
    [`${HEAD}junk\r\n`, 'invalid', /<type>=<value>/],
    ['v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nb=AS\r\nt=0 0\r\n', 'invalid', /b= needs/],
    [`${HEAD}m=a 9 P x\r\nc=IN IP4\r\n`, 'invalid', /c= needs/],
    ['v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0\r\n', 'invalid', /t= needs/],
    ['v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nr=1 2 3\r\n', 'invalid', /r= without t=/],
  ];
  for (const [text, reason, message] of cases) {
    const e = refused(text);
    assert.equal(e.reason, reason, `${JSON.stringify(text)}: ${e.message}`);
    assert.match(e.message, message, JSON.stringify(text));
  }
});

test('bounds: size, line count and media sections', () => {
  assert.equal(refused(HEAD + `a=${'x'.repeat(MAX_SDP_LENGTH)}\r\n`).reason, 'too-large');
  assert.equal(refused(HEAD + 'a=x\n'.repeat(MAX_SDP_LINES)).reason, 'too-large');
  const many = parseSdp(HEAD + 'm=a 0 P f\r\n'.repeat(257));
  assert.ok(!many.ok && many.error.reason === 'too-large');
  assert.ok(parseSdp(HEAD + 'm=a 0 P f\r\n'.repeat(256)).ok);
});

test('m= with no formats is accepted and reproduced', () => {
  const text = `${HEAD}m=video 0 UDP/TLS/RTP/SAVPF\r\n`;
  const r = parseSdp(text);
  assert.ok(r.ok);
  assert.deepEqual(r.value.media[0]!.formats, []);
  assert.equal(serializeSdp(r.value), text);
});

test('property: random descriptions round-trip exactly', () => {
  fc.assert(
    fc.property(sessionArb, (sd) => {
      const text = serializeSdp(sd);
      const r = parseSdp(text);
      if (!r.ok) throw r.error;
      assert.deepEqual(r.value, sd);
      assert.equal(serializeSdp(r.value), text);
    }),
    { numRuns: 400 },
  );
});

function neverThrows(text: string): void {
  const r = parseSdp(text);
  if (!r.ok) {
    assert.ok(r.error instanceof DecodeError);
    assert.equal(r.error.layer, 'sdp');
    return;
  }
  // Whatever parses re-serializes to a fixed point, and the data-channel reader and
  // validator only ever answer with typed errors.
  const again = parseSdp(serializeSdp(r.value));
  assert.ok(again.ok);
  assert.deepEqual(again.value, r.value);
  const view = readDataChannelSession(r.value);
  if (!view.ok) {
    assert.ok(view.error instanceof DecodeError);
    assert.equal(view.error.layer, 'sdp');
    return;
  }
  const v = validateDataChannelSession(view.value);
  if (!v.ok) assert.equal(v.error.layer, 'sdp');
}

test('property: random strings never throw', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), neverThrows), { numRuns: 1000 });
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }), (lines) => neverThrows(`${HEAD}${lines.join('\r\n')}`)),
    { numRuns: 1000 },
  );
});

test('property: mutated corpus descriptions never throw', () => {
  fc.assert(fc.property(mutatedArb(CORPUS.map((c) => c.sdp)), neverThrows), { numRuns: 3000 });
});

test('serializeSdp refuses a value that would smuggle in a line', () => {
  const parsed = parseSdp('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n');
  assert.ok(parsed.ok);
  for (const bad of ['0\r\na=setup:passive', '0\nx', '0\0']) {
    const sd = structuredClone(parsed.value);
    sd.media[0]!.attributes[0] = { name: 'mid', value: bad };
    assert.throws(() => serializeSdp(sd), RangeError);
  }
  assert.equal(serializeSdp(parsed.value).split('\r\n').length, 7);
});
