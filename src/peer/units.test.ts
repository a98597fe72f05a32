import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCandidate, parseDataChannelDescription, type Candidate } from '../sdp/index.js';
import { LocalCandidates } from './candidates.js';
import { priorityName } from './channels.js';
import { MAX_CANDIDATES_PER_MDNS_NAME, MAX_HELD_CANDIDATES, MAX_PENDING_MDNS_NAMES } from './constants.js';
import { agreedTa, answerSetup, offererRole } from './description.js';
import { MdnsWaitlist } from './mdns.js';
import { peerConnectionState } from './state.js';

function cand(address: string, port = 9): Candidate {
  const r = parseCandidate(`candidate:1 1 udp 1 ${address} ${port} typ host`);
  assert.ok(r.ok);
  return r.value;
}

test('W3C 4.3.3 connection state table', () => {
  assert.equal(peerConnectionState(true, 'connected', 'connected'), 'closed');
  assert.equal(peerConnectionState(false, 'failed', 'connected'), 'failed');
  assert.equal(peerConnectionState(false, 'connected', 'failed'), 'failed');
  assert.equal(peerConnectionState(false, 'disconnected', 'connected'), 'disconnected');
  assert.equal(peerConnectionState(false, 'new', 'new'), 'new');
  assert.equal(peerConnectionState(false, 'checking', 'new'), 'connecting');
  assert.equal(peerConnectionState(false, 'connected', 'new'), 'connecting', 'ICE up, DTLS not yet');
  assert.equal(peerConnectionState(false, 'completed', 'connecting'), 'connecting');
  assert.equal(peerConnectionState(false, 'completed', 'connected'), 'connected');
  assert.equal(peerConnectionState(false, 'connected', 'closed'), 'connected', 'a DTLS transport closed by the peer');
});

test('DTLS setup roles (RFC 8842 5)', () => {
  assert.equal(answerSetup('actpass', undefined), 'active');
  assert.equal(answerSetup('passive', undefined), 'active');
  assert.equal(answerSetup('active', undefined), 'passive');
  assert.equal(answerSetup('actpass', 'server'), 'passive', 'a re-offer keeps the role in use');
  assert.deepEqual(offererRole('active'), { ok: true, value: 'server' });
  assert.deepEqual(offererRole(undefined), { ok: true, value: 'server' });
  assert.deepEqual(offererRole('passive'), { ok: true, value: 'client' });
  assert.equal(offererRole('holdconn').ok, false);
});

test('DCEP priorities map to the W3C names', () => {
  assert.deepEqual([0, 128, 129, 256, 300, 512, 1024, 65535].map(priorityName), ['very-low', 'very-low', 'low', 'low', 'medium', 'medium', 'high', 'high']);
});

test('mDNS waitlist: one resolution per name, bounded, addresses filled in', () => {
  const w = new MdnsWaitlist();
  assert.equal(w.hold(cand('a.local', 1)), 'resolve');
  assert.equal(w.hold(cand('a.local', 2)), 'queued');
  for (let i = 2; i < MAX_CANDIDATES_PER_MDNS_NAME; i++) assert.equal(w.hold(cand('a.local', i + 1)), 'queued');
  assert.equal(w.hold(cand('a.local', 99)), 'full');
  for (let i = 1; i < MAX_PENDING_MDNS_NAMES; i++) assert.equal(w.hold(cand(`n${i}.local`)), 'resolve');
  assert.equal(w.hold(cand('over.local')), 'full');
  const r = w.resolved('a.local', '192.0.2.1');
  assert.equal(r.candidates.length, MAX_CANDIDATES_PER_MDNS_NAME);
  assert.ok(r.candidates.every((c) => c.address === '192.0.2.1'));
  assert.deepEqual(w.resolved('a.local', '192.0.2.1'), { known: false, candidates: [] });
  assert.deepEqual(w.resolved('n1.local', undefined), { known: true, candidates: [] });
  assert.equal(w.hold(cand('over.local')), 'resolve', 'room again');
});

test('local candidates are held until their generation is applied, then released once', () => {
  const l = new LocalCandidates();
  assert.equal(l.add('g1', cand('10.0.0.1')), false, 'no local description yet');
  assert.equal(l.finish('g1'), false);
  assert.deepEqual(l.release('g1'), { candidates: [cand('10.0.0.1')], complete: true });
  assert.deepEqual(l.release('g1'), { candidates: [], complete: false }, 'nothing twice');
  assert.equal(l.list('g1').candidates.length, 1);
  // A restart: the new generation is held while the old description is still applied.
  assert.equal(l.add('g2', cand('10.0.0.2')), false);
  assert.deepEqual(l.list('g1'), { candidates: [], complete: false });
  assert.deepEqual(l.release('g2').candidates, [cand('10.0.0.2')]);
  assert.equal(l.add('g2', cand('10.0.0.3')), true, 'applied: signalled at once');
  assert.equal(l.finish('g2'), true);
  assert.equal(l.finish('g2'), false);
  for (let i = 0; i < MAX_HELD_CANDIDATES + 5; i++) l.add('g3', cand('10.0.1.1', 1000 + i));
  assert.equal(l.list('g3').candidates.length, MAX_HELD_CANDIDATES, 'bounded');
});

test('Ta is the higher of both a=ice-pacing proposals, 50 ms for a peer without one (RFC 8445 14.2)', () => {
  const sdp = (pacing: string | undefined): string =>
    [
      'v=0',
      'o=- 1 1 IN IP4 0.0.0.0',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      ...(pacing === undefined ? [] : [`a=ice-pacing:${pacing}`]),
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=ice-ufrag:abcd',
      'a=ice-pwd:abcdefghijklmnopqrstuvwx',
      'a=fingerprint:sha-256 ' + Array(32).fill('AB').join(':'),
      'a=setup:actpass',
      'a=mid:0',
      'a=sctp-port:5000',
      '',
    ].join('\r\n');
  const ta = (pacing: string | undefined): number => {
    const r = parseDataChannelDescription(sdp(pacing));
    assert.ok(r.ok);
    return agreedTa(r.value);
  };
  assert.equal(ta(undefined), 50, 'a browser (no a=ice-pacing) keeps the default');
  assert.equal(ta('5'), 5, 'both propose 5 ms');
  assert.equal(ta('20'), 20, 'the higher value wins');
  assert.equal(ta('200'), 200);
  assert.equal(ta('1'), 5, 'never below our own proposal');
  assert.equal(ta('fast'), 50, 'an unparseable value counts as no proposal');
});
