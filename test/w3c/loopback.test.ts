/**
 * The W3C facade end to end: two RTCPeerConnections on 127.0.0.1, through real UDP sockets,
 * as an application would use them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCPeerConnection, RTCSessionDescription } from '../../src/w3c/index.js';
import { makePair, messages, negotiate, once, opened, remoteChannel } from './pair.js';

test('offer/answer, trickle, open, strings and binary both ways, then close', async () => {
  const p = makePair();
  try {
    const states: string[] = [];
    p.a.addEventListener('connectionstatechange', () => states.push(p.a.connectionState));
    let negotiationNeeded = 0;
    p.a.onnegotiationneeded = () => negotiationNeeded++;
    const dc = p.a.createDataChannel('chat', { protocol: 'json' });
    assert.equal(dc.readyState, 'connecting');
    assert.equal(dc.id, null, 'no stream id before the DTLS role is known');
    const remoteP = remoteChannel(p.b, 'chat');
    await negotiate(p);
    const remote = await remoteP;
    await Promise.all([opened(dc), once(remote, 'open')]);
    assert.equal(remote.protocol, 'json');
    assert.equal(typeof dc.id, 'number');
    assert.equal(dc.id, remote.id);
    assert.equal(negotiationNeeded, 1);
    assert.equal(p.a.connectionState, 'connected');
    assert.deepEqual(states.slice(-2), ['connecting', 'connected']);
    assert.ok(p.a.sctp && p.a.sctp.maxMessageSize >= 65536);

    const atB = messages(remote, 4);
    dc.send('hello ✓');
    dc.send(new Uint8Array([1, 2, 3]));
    dc.send('');
    dc.send(new Uint8Array(0));
    const got = await atB;
    assert.equal(got[0], 'hello ✓');
    assert.deepEqual(Array.from(new Uint8Array(got[1] as ArrayBuffer)), [1, 2, 3]);
    assert.equal(got[2], '');
    assert.equal((got[3] as ArrayBuffer).byteLength, 0);

    const atA = messages(dc, 1);
    remote.send('back');
    assert.deepEqual(await atA, ['back']);

    const closed = Promise.all([once(dc, 'close'), once(remote, 'close')]);
    dc.close();
    await closed;
    assert.equal(remote.readyState, 'closed');
    for (const pc of [p.a, p.b]) {
      const stats = await pc.getStats();
      const peer = [...stats.values()].find((s) => s.type === 'peer-connection')!;
      assert.deepEqual([peer['dataChannelsOpened'], peer['dataChannelsClosed']], [1, 1]);
      const transport = [...stats.values()].find((s) => s.type === 'transport')!;
      assert.equal(transport['dtlsState'], 'connected');
      assert.ok((transport['bytesSent'] as number) > 0);
      const selected = stats.get(transport['selectedCandidatePairId'] as string)!;
      const rtt = selected['currentRoundTripTime'] as number;
      assert.ok(rtt >= 0 && rtt < 1, `currentRoundTripTime ${rtt} s on loopback`);
    }
  } finally {
    p.close();
  }
});

test('large messages up to the remote max-message-size, and oversize refused', async () => {
  const p = makePair();
  try {
    const dc = p.a.createDataChannel('big');
    const remoteP = remoteChannel(p.b, 'big');
    await negotiate(p);
    const remote = await remoteP;
    await opened(dc);
    const max = p.a.sctp!.maxMessageSize;
    const big = new Uint8Array(max);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const got = messages(remote, 1, 30_000);
    dc.send(big);
    const [data] = await got;
    assert.deepEqual(new Uint8Array(data as ArrayBuffer), big);
    assert.throws(() => dc.send(new Uint8Array(max + 1)), TypeError);
  } finally {
    p.close();
  }
});

test('negotiated channels with an id, and unordered unreliable ones', async () => {
  const p = makePair();
  try {
    const a7 = p.a.createDataChannel('n', { negotiated: true, id: 7 });
    const b7 = p.b.createDataChannel('n', { negotiated: true, id: 7 });
    p.a.createDataChannel('u', { ordered: false, maxRetransmits: 0 });
    const uRemoteP = remoteChannel(p.b, 'u');
    await negotiate(p);
    await Promise.all([opened(a7), opened(b7)]);
    assert.equal(a7.id, 7);
    const uRemote = await uRemoteP;
    assert.equal(uRemote.ordered, false);
    assert.equal(uRemote.maxRetransmits, 0);
    const got = messages(b7, 1);
    a7.send('via 7');
    assert.deepEqual(await got, ['via 7']);
  } finally {
    p.close();
  }
});

test('state and exceptions follow the spec', async () => {
  const pc = new RTCPeerConnection({ bindAddresses: ['127.0.0.1'] });
  assert.equal(pc.signalingState, 'stable');
  assert.equal(pc.localDescription, null);
  await assert.rejects(pc.createAnswer(), (e: DOMException) => e.name === 'InvalidStateError');
  await assert.rejects(pc.addIceCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' }), (e: DOMException) => e.name === 'InvalidStateError');
  assert.throws(() => pc.createDataChannel('x', { maxRetransmits: 1, maxPacketLifeTime: 1 }), TypeError);
  pc.createDataChannel('x');
  const offer = await pc.createOffer();
  assert.equal(offer.type, 'offer');
  assert.match(offer.sdp!, /m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/);
  await pc.setLocalDescription(offer);
  assert.equal(pc.signalingState, 'have-local-offer');
  assert.ok((pc.localDescription as unknown) instanceof RTCSessionDescription);
  pc.close();
  assert.equal(pc.signalingState, 'closed');
  assert.equal(pc.connectionState, 'closed');
  assert.throws(() => pc.createDataChannel('y'), (e: DOMException) => e.name === 'InvalidStateError');
  await assert.rejects(pc.createOffer(), (e: DOMException) => e.name === 'InvalidStateError');
});
