import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../core/index.js';
import { fingerprintArb } from './arbitraries.testutil.js';
import { parseDataChannelDescription, readDataChannelSession, validateDataChannelSession } from './datachannel.js';
import type { DataChannelMedia, DataChannelSession } from './datachannel.js';
import { formatFingerprint, parseFingerprint } from './fingerprint.js';
import { parseSdp } from './parse.js';

const FP = 'sha-256 11:8F:98:37:73:B7:7B:57:51:DD:B7:48:45:3A:12:73:1A:26:34:1C:CB:EF:9C:0D:E2:91:7A:C7:21:1E:3F:7F';
const UFRAG = 'a=ice-ufrag:abcd';
const PWD = 'a=ice-pwd:0123456789012345678901';

function sdp(session: string[], ...media: string[][]): string {
  const head = ['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', ...session];
  return [...head, ...media.flat()].map((l) => `${l}\r\n`).join('');
}

const DC = 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel';

function read(text: string): DataChannelSession {
  const p = parseSdp(text);
  if (!p.ok) throw p.error;
  const r = readDataChannelSession(p.value);
  if (!r.ok) throw r.error;
  return r.value;
}

function readError(text: string): DecodeError {
  const p = parseSdp(text);
  if (!p.ok) throw p.error;
  const r = readDataChannelSession(p.value);
  assert.equal(r.ok, false);
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.layer, 'sdp');
  return r.error;
}

function chosen(text: string): DataChannelMedia {
  const v = validateDataChannelSession(read(text));
  if (!v.ok) throw v.error;
  return v.value;
}

function refusal(text: string): DecodeError {
  const v = validateDataChannelSession(read(text));
  assert.equal(v.ok, false);
  if (v.ok) throw new Error('unreachable');
  assert.ok(v.error instanceof DecodeError);
  return v.error;
}

test('fingerprint: parse, lowercase hex, length per algorithm, format', () => {
  const r = parseFingerprint(FP);
  assert.ok(r.ok);
  assert.equal(r.value.algorithm, 'sha-256');
  assert.equal(r.value.value.length, 32);
  assert.equal(r.value.value[1], 0x8f);
  assert.equal(formatFingerprint(r.value), FP);
  const lower = parseFingerprint(`SHA-256 ${FP.slice(8).toLowerCase()}`);
  assert.ok(lower.ok);
  assert.deepEqual(lower.value, r.value);
  const unknown = parseFingerprint('sha3-256 AA:BB');
  assert.ok(unknown.ok && unknown.value.value.length === 2);
  for (const bad of ['sha-256', 'sha-256 ', 'sha-256 AB:CD', 'sha-256 AB:C', 'sha-256 ABCD', 'sha-256 AB::CD', 'sh@ AB', `x ${'AB:'.repeat(64)}AB`]) {
    const e = parseFingerprint(bad);
    assert.ok(!e.ok && e.error.reason === 'invalid', bad);
  }
});

test('property: fingerprints round-trip through format and parse', () => {
  fc.assert(
    fc.property(fingerprintArb, (f) => {
      const r = parseFingerprint(formatFingerprint(f));
      assert.ok(r.ok);
      assert.equal(r.value.algorithm, f.algorithm);
      assert.deepEqual(r.value.value, f.value);
    }),
  );
});

test('property: random fingerprint text never throws', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 120 }), fingerprintArb.map((f) => formatFingerprint(f).slice(0, -1))), (t) => {
      const r = parseFingerprint(t);
      if (!r.ok) {
        assert.ok(r.error instanceof DecodeError);
        assert.equal(r.error.layer, 'sdp');
      }
    }),
    { numRuns: 1000 },
  );
});

test('session-level ICE, fingerprint and setup are inherited; media level wins', () => {
  const inherited = chosen(
    sdp(['a=ice-ufrag:sess', 'a=ice-pwd:sessionpasswordsession', `a=fingerprint:${FP}`, 'a=setup:passive', 'a=ice-options:trickle'], [DC, 'a=mid:d', 'a=ice-options:ice2 trickle']),
  );
  assert.equal(inherited.iceUfrag, 'sess');
  assert.equal(inherited.icePwd, 'sessionpasswordsession');
  assert.equal(inherited.setup, 'passive');
  assert.equal(inherited.fingerprints.length, 1);
  assert.deepEqual(inherited.iceOptions, ['trickle', 'ice2']);
  assert.equal(inherited.mid, 'd');

  const overridden = chosen(
    sdp(
      ['a=ice-ufrag:sess', 'a=ice-pwd:sessionpasswordsession', `a=fingerprint:${FP}`, 'a=setup:passive'],
      [DC, 'a=ice-ufrag:medi', 'a=ice-pwd:mediapasswordmediapassw', 'a=setup:active', 'a=fingerprint:sha-1 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13'],
    ),
  );
  assert.equal(overridden.iceUfrag, 'medi');
  assert.equal(overridden.icePwd, 'mediapasswordmediapassw');
  assert.equal(overridden.setup, 'active');
  assert.deepEqual(
    overridden.fingerprints.map((f) => f.algorithm),
    ['sha-1'],
  );
});

test('defaults: sctp-port 5000 and max-message-size 65536 when absent', () => {
  const m = chosen(sdp([], [DC, UFRAG, PWD, `a=fingerprint:${FP}`]));
  assert.equal(m.sctpPort, 5000);
  assert.equal(m.maxMessageSize, 65536);
  assert.equal(m.setup, undefined);
  assert.equal(m.mid, undefined);
  assert.equal(m.connectionAddress, undefined);
  assert.equal(m.sctpInit, undefined);
});

test('legacy form: port from sctpmap, else from the fmt', () => {
  const withMap = chosen(sdp([], ['m=application 9 DTLS/SCTP 5000', 'a=sctpmap:6000 webrtc-datachannel 1024', UFRAG, PWD, `a=fingerprint:${FP}`]));
  assert.equal(withMap.legacy, true);
  assert.equal(withMap.sctpPort, 6000);
  const fmtOnly = chosen(sdp([], ['m=application 9 DTLS/SCTP 5002', UFRAG, PWD, `a=fingerprint:${FP}`]));
  assert.equal(fmtOnly.sctpPort, 5002);
  // DTLS/SCTP with the RFC 8841 fmt is the modern form under the old proto name.
  const mixed = chosen(sdp([], ['m=application 9 DTLS/SCTP webrtc-datachannel', 'a=sctp-port:5003', UFRAG, PWD, `a=fingerprint:${FP}`]));
  assert.equal(mixed.legacy, false);
  assert.equal(mixed.sctpPort, 5003);
});

test('sections that are not data channels are skipped', () => {
  const s = read(
    sdp(
      [],
      ['m=audio 9 UDP/TLS/RTP/SAVPF 111'],
      ['m=application 9 UDP/BFCP *'],
      ['m=application 9 UDP/DTLS/SCTP other-usage'],
      ['m=application 9 DTLS/SCTP notaport'],
      ['m=video 9 UDP/DTLS/SCTP webrtc-datachannel'],
      [DC, 'a=mid:dc'],
    ),
  );
  assert.deepEqual(
    s.media.map((m) => [m.index, m.mid]),
    [[5, 'dc']],
  );
});

test('malformed values the view needs are refused with typed errors', () => {
  const cases: [string[], RegExp][] = [
    [['a=sctp-port:70000'], /SCTP port/],
    [['a=sctp-port:'], /SCTP port/],
    [['a=max-message-size:-1'], /max-message-size/],
    [['a=max-message-size:1e6'], /max-message-size/],
    [['a=setup:both'], /setup/],
    [['a=fingerprint:sha-256 AB'], /fingerprint has 1 bytes/],
    [['a=fingerprint:nospace'], /fingerprint/],
    [['a=candidate:1 1 udp 1 1.2.3.4 99999 typ host'], /port/],
  ];
  for (const [attrs, message] of cases) {
    const e = readError(sdp([], [DC, ...attrs]));
    assert.equal(e.reason, 'invalid');
    assert.match(e.message, message);
    assert.match(e.message, /^sdp: m= section 0: /);
  }
  const e = readError(sdp(['a=fingerprint:sha-256 XY'], [DC]));
  assert.match(e.message, /^sdp: session: /);
  assert.equal(readError(sdp(['a=setup:x'], [DC])).reason, 'invalid');
});

test('max-message-size: 0 means any size, huge values clamp', () => {
  assert.equal(chosen(sdp([], [DC, UFRAG, PWD, `a=fingerprint:${FP}`, 'a=max-message-size:0'])).maxMessageSize, 0);
  assert.equal(
    chosen(sdp([], [DC, UFRAG, PWD, `a=fingerprint:${FP}`, 'a=max-message-size:99999999999999999999'])).maxMessageSize,
    Number.MAX_SAFE_INTEGER,
  );
});

test('candidates of unknown types are skipped, known ones kept in order', () => {
  const m = chosen(
    sdp([], [
      DC,
      UFRAG,
      PWD,
      `a=fingerprint:${FP}`,
      'a=candidate:1 1 udp 100 10.0.0.1 1000 typ host',
      'a=candidate:2 1 udp 50 10.0.0.2 2000 typ future-type',
      'a=candidate:3 1 UDP 10 10.0.0.3 3000 typ relay raddr 10.0.0.1 rport 1000',
    ]),
  );
  assert.deepEqual(
    m.candidates.map((c) => c.foundation),
    ['1', '3'],
  );
});

test('end-of-candidates at session level covers the section', () => {
  assert.equal(chosen(sdp(['a=end-of-candidates'], [DC, UFRAG, PWD, `a=fingerprint:${FP}`])).endOfCandidates, true);
  assert.equal(chosen(sdp([], [DC, UFRAG, PWD, `a=fingerprint:${FP}`])).endOfCandidates, false);
});

test('bundle: a bundled section takes its transport from the tagged section', () => {
  const m = chosen(
    sdp(
      ['a=group:BUNDLE a d', 'a=group:LS a'],
      ['m=audio 9 UDP/TLS/RTP/SAVPF 0', 'a=mid:a', 'a=ice-ufrag:tagd', 'a=ice-pwd:taggedpasswordtaggedpa', `a=fingerprint:${FP}`, 'a=candidate:1 1 udp 1 10.0.0.1 1 typ host', 'a=setup:active'],
      ['m=application 0 UDP/DTLS/SCTP webrtc-datachannel', 'a=bundle-only', 'a=mid:d', 'a=sctp-port:5001'],
    ),
  );
  assert.equal(m.index, 1);
  assert.equal(m.rejected, false);
  assert.equal(m.bundleOnly, true);
  assert.equal(m.iceUfrag, 'tagd');
  assert.equal(m.setup, 'active');
  assert.equal(m.candidates.length, 1);
  assert.equal(m.sctpPort, 5001);
  // With the tagged section rejected, the section's own values are used.
  const own = read(
    sdp(
      ['a=group:BUNDLE a d'],
      ['m=audio 0 UDP/TLS/RTP/SAVPF 0', 'a=mid:a', 'a=ice-ufrag:tagd'],
      [DC, 'a=mid:d', 'a=ice-ufrag:mine'],
    ),
  );
  assert.equal(own.media[0]!.iceUfrag, 'mine');
});

test('validation refuses sections without usable ICE credentials or fingerprints', () => {
  const ok = [DC, UFRAG, PWD, `a=fingerprint:${FP}`];
  assert.ok(chosen(sdp([], ok)));
  const cases: [string, RegExp, string][] = [
    [sdp([], [DC, PWD, `a=fingerprint:${FP}`]), /missing ice-ufrag/, 'invalid'],
    [sdp([], [DC, UFRAG, `a=fingerprint:${FP}`]), /missing ice-pwd/, 'invalid'],
    [sdp([], [DC, UFRAG, PWD]), /missing fingerprint/, 'invalid'],
    [sdp([], [DC, 'a=ice-ufrag:abc', PWD, `a=fingerprint:${FP}`]), /ice-ufrag must be/, 'invalid'],
    [sdp([], [DC, `a=ice-ufrag:${'a'.repeat(257)}`, PWD, `a=fingerprint:${FP}`]), /ice-ufrag must be/, 'invalid'],
    [sdp([], [DC, 'a=ice-ufrag:ab-d', PWD, `a=fingerprint:${FP}`]), /ice-ufrag must be/, 'invalid'],
    [sdp([], [DC, UFRAG, 'a=ice-pwd:012345678901234567890', `a=fingerprint:${FP}`]), /ice-pwd must be/, 'invalid'],
    [sdp([], [DC, UFRAG, `a=ice-pwd:${'p'.repeat(257)}`, `a=fingerprint:${FP}`]), /ice-pwd must be/, 'invalid'],
    [sdp([], ['m=audio 9 UDP/TLS/RTP/SAVPF 0']), /no active data-channel/, 'unsupported'],
    [sdp([], ['m=application 0 UDP/DTLS/SCTP webrtc-datachannel', UFRAG, PWD, `a=fingerprint:${FP}`]), /no active data-channel/, 'unsupported'],
  ];
  for (const [text, message, reason] of cases) {
    const e = refusal(text);
    assert.match(e.message, message);
    assert.equal(e.reason, reason);
  }
  // Boundary lengths are accepted.
  assert.ok(chosen(sdp([], [DC, `a=ice-ufrag:${'u'.repeat(256)}`, `a=ice-pwd:${'p'.repeat(256)}`, `a=fingerprint:${FP}`])));
  // The first rejected section is passed over for the next active one.
  const second = chosen(sdp([], ['m=application 0 UDP/DTLS/SCTP webrtc-datachannel'], [...ok, 'a=mid:x']));
  assert.equal(second.mid, 'x');
});

test('parseDataChannelDescription passes on the error of each stage', () => {
  const good = parseDataChannelDescription(sdp([], [DC, UFRAG, PWD, `a=fingerprint:${FP}`, 'a=mid:m']));
  assert.ok(good.ok);
  assert.equal(good.value.dataChannel.mid, 'm');
  assert.equal(good.value.session.media.length, 1);
  assert.equal(good.value.description.media.length, 1);
  const stages: [string, RegExp][] = [
    ['v=1\r\n', /version/],
    [sdp([], [DC, 'a=setup:sideways']), /setup/],
    [sdp([], [DC, UFRAG, PWD]), /missing fingerprint/],
  ];
  for (const [text, message] of stages) {
    const r = parseDataChannelDescription(text);
    assert.ok(!r.ok && r.error.layer === 'sdp');
    assert.match(r.error.message, message);
  }
});
