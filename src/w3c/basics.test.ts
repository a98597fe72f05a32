import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCIceCandidate } from './ice-candidate.js';
import { RTCSessionDescription } from './session-description.js';
import { RTCError, invalidStateError } from './errors.js';
import { RTCDataChannelEvent, RTCPeerConnectionIceEvent } from './events.js';
import { defineEventHandlers } from './event-handlers.js';

test('RTCIceCandidate exposes the parsed candidate fields', () => {
  const c = new RTCIceCandidate({
    candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 49203 typ srflx raddr 10.0.0.2 rport 49203 generation 0 ufrag EsAw network-cost 999',
    sdpMid: '0',
    sdpMLineIndex: 0,
  });
  assert.equal(c.foundation, '842163049');
  assert.equal(c.component, 'rtp');
  assert.equal(c.protocol, 'udp');
  assert.equal(c.priority, 1677729535);
  assert.equal(c.address, '203.0.113.7');
  assert.equal(c.port, 49203);
  assert.equal(c.type, 'srflx');
  assert.equal(c.relatedAddress, '10.0.0.2');
  assert.equal(c.relatedPort, 49203);
  assert.equal(c.usernameFragment, 'EsAw');
  assert.deepEqual(JSON.parse(JSON.stringify(c)), {
    candidate: c.candidate,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: 'EsAw',
  });
});

test('RTCIceCandidate: end-of-candidates, bad strings and the null mid rule', () => {
  const end = new RTCIceCandidate({ candidate: '', sdpMid: '0' });
  assert.equal(end.candidate, '');
  assert.equal(end.type, null);
  const bad = new RTCIceCandidate({ candidate: 'candidate:garbage', sdpMLineIndex: 0 });
  assert.equal(bad.foundation, null);
  assert.throws(() => new RTCIceCandidate({ candidate: '' }), TypeError);
});

test('RTCSessionDescription validates its type', () => {
  const d = new RTCSessionDescription({ type: 'offer', sdp: 'v=0\r\n' });
  assert.deepEqual(d.toJSON(), { type: 'offer', sdp: 'v=0\r\n' });
  assert.throws(() => new RTCSessionDescription({ type: 'bogus' as 'offer' }), TypeError);
});

test('errors carry the browser names', () => {
  const e = new RTCError({ errorDetail: 'sctp-failure', sctpCauseCode: 12 }, 'abort');
  assert.equal(e.name, 'OperationError');
  assert.equal(e.errorDetail, 'sctp-failure');
  assert.equal(e.sctpCauseCode, 12);
  assert.equal(e.sdpLineNumber, null);
  assert.ok(e instanceof DOMException);
  assert.equal(invalidStateError('x').name, 'InvalidStateError');
});

test('on<event> handler properties replace, not accumulate', () => {
  class Thing extends EventTarget {}
  defineEventHandlers(Thing.prototype, ['ping']);
  const t = new Thing() as Thing & { onping: ((ev: Event) => void) | null };
  const seen: string[] = [];
  t.onping = () => seen.push('first');
  t.onping = () => seen.push('second');
  t.addEventListener('ping', () => seen.push('listener'));
  t.dispatchEvent(new Event('ping'));
  assert.deepEqual(seen, ['second', 'listener']);
  t.onping = null;
  t.dispatchEvent(new Event('ping'));
  assert.deepEqual(seen, ['second', 'listener', 'listener']);
  assert.equal(t.onping, null);
});

test('event classes carry their payloads', () => {
  const ev = new RTCPeerConnectionIceEvent('icecandidate', { candidate: null });
  assert.equal(ev.candidate, null);
  assert.equal(ev.type, 'icecandidate');
  const dc = new RTCDataChannelEvent('datachannel', { channel: { label: 'x' } });
  assert.equal(dc.channel.label, 'x');
});

test('RTCCertificate: ECDSA P-256 with a sha-256 fingerprint, other algorithms refused', async () => {
  const { RTCPeerConnection } = await import('./peer-connection.js');
  const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
  assert.ok(cert.expires > Date.now());
  const [fp] = cert.getFingerprints();
  assert.equal(fp!.algorithm, 'sha-256');
  assert.match(fp!.value, /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
  await assert.rejects(RTCPeerConnection.generateCertificate({ name: 'RSASSA-PKCS1-v1_5' }), (e: DOMException) => e.name === 'NotSupportedError');
});

test('RTCPeerConnection without certificates shares the process default; given ones are kept', async () => {
  const { RTCPeerConnection } = await import('./peer-connection.js');
  const { defaultCertificate } = await import('./certificate.js');
  const a = new RTCPeerConnection({ bindAddresses: ['127.0.0.1'] });
  const b = new RTCPeerConnection({ bindAddresses: ['127.0.0.1'] });
  const own = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
  const c = new RTCPeerConnection({ bindAddresses: ['127.0.0.1'], certificates: [own] });
  try {
    const [ca] = a.getConfiguration().certificates!;
    assert.equal(ca, b.getConfiguration().certificates![0]);
    assert.equal(ca, defaultCertificate());
    assert.ok(ca!.expires > Date.now() + 86_400_000);
    assert.equal(c.getConfiguration().certificates![0], own);
    a.setConfiguration({ certificates: [ca!] });
    assert.throws(() => a.setConfiguration({ certificates: [own] }), (e: DOMException) => e.name === 'InvalidModificationError');
    // Near expiry the default is replaced for new connections.
    const later = defaultCertificate(ca!.expires - 1000);
    assert.notEqual(later, ca);
    assert.equal(defaultCertificate(), later);
  } finally {
    a.close();
    b.close();
    c.close();
  }
});
