import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom, transportAddress } from '../core/index.js';
import { parseDataChannelDescription, parseSdp } from '../sdp/index.js';
import { Network } from '../sim/index.js';
import { CORPUS } from '../sdp/corpus.testutil.js';
import { PeerConnection } from './connection.js';
import { addPeer, call, certificate, eventsOf, must, negotiate, remoteChannel, texts } from './pair.fixture.js';

function engine(seed = 1, cert = 0): PeerConnection {
  const pc = new PeerConnection({ rng: new SeededRandom(seed), certificate: certificate(cert) });
  pc.handleInput(0, { type: 'add-local-address', address: transportAddress('10.0.0.9', 5000) });
  return pc;
}

/** Turns one of our offers into the shape Chrome makes when the page also has audio and video. */
function chromeShaped(offer: string): string {
  const lines = offer.split('\r\n').filter((l) => l !== '');
  const mAt = lines.findIndex((l) => l.startsWith('m='));
  const session = lines.slice(0, mAt).map((l) => (l.startsWith('a=group:BUNDLE') ? 'a=group:BUNDLE 0 1 2' : l));
  session.push('a=extmap-allow-mixed', 'a=msid-semantic: WMS');
  const data = lines.slice(mAt).map((l) => (l === 'a=mid:0' ? 'a=mid:2' : l));
  const transport = data.filter((l) => /^a=(ice-ufrag|ice-pwd|ice-options|fingerprint|setup)/.test(l));
  const audio = ['m=audio 9 UDP/TLS/RTP/SAVPF 111 63', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', ...transport, 'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:63 red/48000/2'];
  const video = ['m=video 9 UDP/TLS/RTP/SAVPF 96 97', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', ...transport, 'a=mid:1',
    'a=sendrecv', 'a=rtcp-mux', 'a=rtcp-rsize', 'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96'];
  return [...session, ...audio, ...video, ...data].map((l) => `${l}\r\n`).join('');
}

test('a Chrome-shaped offer with audio and video: those sections rejected, the data section answered, and it connects', () => {
  const net = new Network({ seed: 11 });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: 10 });
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'dc'))));
  let answer = '';
  negotiate(a, b, { mangleOffer: chromeShaped, mangleAnswer: (s) => (answer = s) });
  assert.ok(net.runUntil(() => remoteChannel(b, 'dc') !== undefined && a.pc.channel(h)?.readyState === 'open', { timeout: 10_000 }));

  const sd = parseSdp(answer);
  assert.ok(sd.ok);
  const media = sd.value.media;
  assert.deepEqual(media.map((m) => [m.media, m.port, m.proto, m.formats.join(' ')]), [
    ['audio', 0, 'UDP/TLS/RTP/SAVPF', '111'],
    ['video', 0, 'UDP/TLS/RTP/SAVPF', '96'],
    ['application', 9, 'UDP/DTLS/SCTP', 'webrtc-datachannel'],
  ]);
  assert.deepEqual(media[0]!.attributes, [{ name: 'mid', value: '0' }], 'a rejected section carries only its mid');
  assert.deepEqual(media[1]!.attributes, [{ name: 'mid', value: '1' }]);
  assert.deepEqual(sd.value.attributes, [
    { name: 'group', value: 'BUNDLE 2' },
    { name: 'ice-pacing', value: '5' }, // RFC 8445 14.2, RFC 8839 5.5: our proposed Ta
  ]);
  const names = media[2]!.attributes.map((x) => x.name);
  for (const n of names) {
    assert.ok(
      ['ice-ufrag', 'ice-pwd', 'ice-options', 'fingerprint', 'setup', 'mid', 'sctp-port', 'max-message-size', 'sctp-init', 'candidate', 'end-of-candidates'].includes(n),
      `unexpected attribute ${n}`,
    );
  }
  // The offer carried a=sctp-init (SNAP): the answer carries our own INIT, not an echo.
  const init = (m: (typeof media)[number]) => m.attributes.find((x) => x.name === 'sctp-init')?.value;
  assert.ok(init(media[2]!) !== undefined);
  const dc = parseDataChannelDescription(answer);
  assert.ok(dc.ok);
  assert.equal(dc.value.dataChannel.mid, '2');
  assert.equal(dc.value.dataChannel.setup, 'active');
  assert.equal(dc.value.dataChannel.sctpPort, 5000);
  assert.equal(dc.value.dataChannel.maxMessageSize, 262144);
  // The answerer's candidates name the data section.
  const c = eventsOf(b, 'ice-candidate')[0]!;
  assert.deepEqual([c.sdpMid, c.sdpMLineIndex], ['2', 2]);
  assert.deepEqual(a.candidateErrors, []);
  assert.deepEqual(b.candidateErrors, []);
});

test('a remote answer with a=setup:passive makes the offerer the DTLS client (even ids)', () => {
  const net = new Network({ seed: 12 });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: 10 });
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'dc'))));
  let answer = '';
  // The offer insists on being active, so the answer must be passive.
  negotiate(a, b, { mangleOffer: (s) => s.replace('a=setup:actpass', 'a=setup:active'), mangleAnswer: (s) => (answer = s) });
  assert.ok(net.runUntil(() => a.pc.channel(h)?.readyState === 'open', { timeout: 10_000 }));
  assert.match(answer, /a=setup:passive/);
  assert.equal(a.pc.channel(h)!.id! % 2, 0);
  call(a, (now) => must(a.pc.send(now, h, new Uint8Array([9]), true)));
  assert.ok(net.runUntil(() => b.received.length === 1, { timeout: 2000 }));
});

test('max-message-size: absent means 65536, 0 means any size (bounded by our send limit)', () => {
  for (const [line, expected] of [['', 65536], ['a=max-message-size:0', 16 * 1024 * 1024], ['a=max-message-size:1000', 1000]] as const) {
    const off = engine(1);
    const ans = engine(2, 1);
    must(off.setLocalDescription(0));
    must(ans.setRemoteDescription(0, off.localDescription!));
    const sdp = must(ans.createAnswer());
    must(ans.setLocalDescription(0, { type: 'answer', sdp }));
    const sent = sdp.replace(/a=max-message-size:\d+\r\n/, line ? `${line}\r\n` : '');
    must(off.setRemoteDescription(0, { type: 'answer', sdp: sent }));
    assert.equal(off.remoteMaxMessageSize, expected, line);
  }
});

test('signalling state machine and W3C errors', () => {
  const a = engine(1);
  const b = engine(2, 1);
  assert.equal(a.signalingState, 'stable');
  assert.equal(a.localDescription, null);
  let r = a.createAnswer();
  assert.equal(!r.ok && r.error.name, 'InvalidStateError');
  const offer = must(a.createOffer());
  const modified = a.setLocalDescription(0, { type: 'offer', sdp: offer.replace('a=mid:0', 'a=mid:9') });
  assert.equal(!modified.ok && modified.error.name, 'InvalidModificationError');
  must(a.setLocalDescription(0, { type: 'offer', sdp: offer }));
  assert.equal(a.signalingState, 'have-local-offer');
  assert.equal(a.pendingLocalDescription!.type, 'offer');
  assert.equal(a.currentLocalDescription, null);
  const early = a.addIceCandidate(0, { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMid: '0' });
  assert.equal(!early.ok && early.error.name, 'InvalidStateError', 'candidates before the remote description');
  const answerHere = a.setRemoteDescription(0, { type: 'offer', sdp: 'v=0\r\nbroken' });
  assert.equal(!answerHere.ok && answerHere.error.name, 'OperationError');
  assert.equal(!answerHere.ok && answerHere.error.errorDetail, 'sdp-syntax-error');
  assert.equal(a.signalingState, 'have-local-offer', 'a refused description changes nothing');
  const badAnswer = a.setLocalDescription(0, { type: 'answer' });
  assert.equal(!badAnswer.ok && badAnswer.error.name, 'InvalidStateError');
  must(a.setLocalDescription(0, { type: 'rollback' }));
  assert.equal(a.signalingState, 'stable');
  assert.equal(a.localDescription, null);
  const noRollback = a.setRemoteDescription(0, { type: 'rollback' });
  assert.equal(!noRollback.ok && noRollback.error.name, 'InvalidStateError');

  // Implicit descriptions (W3C 4.4.1.5): setLocalDescription() makes and applies an offer.
  must(a.setLocalDescription(0));
  must(b.setRemoteDescription(0, a.localDescription!));
  assert.equal(b.signalingState, 'have-remote-offer');
  const noSdp = b.setRemoteDescription(0, { type: 'offer' });
  assert.equal(!noSdp.ok && noSdp.error.name, 'TypeError');
  must(b.setLocalDescription(0));
  assert.equal(b.signalingState, 'stable');
  assert.equal(b.currentLocalDescription!.type, 'answer');
  assert.equal(b.currentRemoteDescription!.type, 'offer');
  assert.equal(b.sctpState, 'connecting');
  must(a.setRemoteDescription(0, b.localDescription!));
  assert.equal(a.signalingState, 'stable');
  assert.equal(a.sctpState, 'connecting');

  // Candidate checks once the remote description is there.
  const noMid = a.addIceCandidate(0, { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host' });
  assert.equal(!noMid.ok && noMid.error.name, 'TypeError');
  const otherMid = a.addIceCandidate(0, { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMid: '5' });
  assert.equal(!otherMid.ok && otherMid.error.name, 'OperationError');
  const otherUfrag = a.addIceCandidate(0, { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMid: '0', usernameFragment: 'nope' });
  assert.equal(!otherUfrag.ok && otherUfrag.error.name, 'OperationError');
  const garbage = a.addIceCandidate(0, { candidate: 'candidate:garbage', sdpMLineIndex: 0 });
  assert.equal(!garbage.ok && garbage.error.name, 'OperationError');
  must(a.addIceCandidate(0, { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMLineIndex: 0 }));
  must(a.addIceCandidate(0, { candidate: '', sdpMid: '0' }));
  must(a.addIceCandidate(0, null));

  // Answers never offer actpass.
  const c = engine(3);
  must(c.setLocalDescription(0));
  const d = engine(4, 1);
  must(d.setRemoteDescription(0, c.localDescription!));
  const bad = c.setRemoteDescription(0, { type: 'answer', sdp: must(d.createAnswer()).replace('a=setup:active', 'a=setup:actpass') });
  assert.equal(!bad.ok && bad.error.name, 'InvalidAccessError');

  a.close(0);
  assert.equal(a.signalingState, 'closed');
  assert.equal(a.connectionState, 'closed');
  r = a.createOffer();
  assert.equal(!r.ok && r.error.name, 'InvalidStateError');
  const after = a.createDataChannel(0, 'late');
  assert.equal(!after.ok && after.error.name, 'InvalidStateError');
});

test('end-of-candidates: null candidate after the last one, a=end-of-candidates in the local description', () => {
  const net = new Network({ seed: 13 });
  const ha = net.addHost('a', ['10.0.0.1', '10.0.1.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: 10 });
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  let h = 0;
  call(a, (now) => (h = must(a.pc.createDataChannel(now, 'dc'))));
  call(a, (now) => {
    must(a.pc.setLocalDescription(now));
    assert.doesNotMatch(a.pc.localDescription!.sdp, /end-of-candidates/);
  });
  net.run({ for: 100 });
  const cands = eventsOf(a, 'ice-candidate');
  assert.equal(cands.length, 3, 'two host candidates, then null');
  assert.equal(cands[2]!.candidate, null);
  assert.ok(cands.slice(0, 2).every((c) => c.candidate!.startsWith('candidate:')));
  assert.equal(a.pc.iceGatheringState, 'complete');
  assert.deepEqual(eventsOf(a, 'ice-gathering-state').map((e) => e.state), ['gathering', 'complete']);
  const sdp = a.pc.localDescription!.sdp;
  assert.match(sdp, /a=end-of-candidates/);
  assert.equal(sdp.match(/a=candidate:/g)!.length, 2);
  // A peer that does not trickle: the whole description, no candidate events delivered.
  call(b, (now) => {
    must(b.pc.setRemoteDescription(now, a.pc.localDescription!));
    must(b.pc.setLocalDescription(now));
  });
  net.run({ for: 100 });
  call(a, (now) => must(a.pc.setRemoteDescription(now, b.pc.localDescription!)));
  assert.ok(net.runUntil(() => remoteChannel(b, 'dc') !== undefined, { timeout: 10_000 }));
  assert.equal(a.pc.channel(h)!.readyState, 'open');
  assert.deepEqual(texts(b), []);
});

test('offers in the shapes other stacks make are answered section for section', () => {
  let seed = 100;
  const offers = CORPUS.filter((x) => / offer|legacy/.test(x.name));
  // The same as an ICE-lite offer (a=ice-lite at session level, RFC 8839 5.3).
  const lite = { ...offers[0]!, name: 'lite offer', sdp: offers[0]!.sdp.replace('t=0 0\r\n', 't=0 0\r\na=ice-lite\r\n') };
  lite.dataChannel = { ...lite.dataChannel, iceLite: true };
  assert.match(lite.sdp, /a=ice-lite/);
  assert.ok(offers.length >= 8);
  for (const c of [...offers, lite]) {
    const pc = engine(seed++);
    must(pc.setRemoteDescription(0, { type: 'offer', sdp: c.sdp }));
    const answer = must(pc.createAnswer());
    must(pc.setLocalDescription(0, { type: 'answer', sdp: answer }));
    const sd = parseSdp(answer);
    assert.ok(sd.ok, c.name);
    assert.equal(sd.value.media.length, c.sections, c.name);
    const dc = parseDataChannelDescription(answer);
    assert.ok(dc.ok, c.name);
    assert.equal(dc.value.dataChannel.index, c.dataChannel.index, c.name);
    assert.equal(dc.value.dataChannel.mid, c.dataChannel.mid, c.name);
    assert.equal(dc.value.dataChannel.legacy, c.dataChannel.legacy, `${c.name}: answered in the offer's form`);
    assert.equal(dc.value.dataChannel.setup, c.dataChannel.setup === 'active' ? 'passive' : 'active', c.name);
    assert.equal(dc.value.dataChannel.port, 9, c.name);
    sd.value.media.forEach((m, i) => assert.equal(m.port === 0, i !== c.dataChannel.index, `${c.name}: section ${i}`));
    // ICE-lite offerers leave control to us (RFC 8445 6.1.1).
    assert.equal(pc.stats(0).transport.iceRole, c.dataChannel.iceLite ? 'controlling' : 'controlled', c.name);
  }
});

test('negotiation-needed: once for the first channel, deferred to stable, and for restartIce until an offer carries it', () => {
  const count = (pc: PeerConnection) => drainTypes(pc).filter((t) => t === 'negotiation-needed').length;
  const a = engine(7);
  const b = engine(8, 1);
  a.restartIce();
  assert.equal(count(a), 0, 'nothing to restart before any negotiation');
  must(a.createDataChannel(0, 'one'));
  must(a.createDataChannel(0, 'two'));
  assert.equal(count(a), 1, 'the first channel only');
  const exchange = () => {
    must(b.setRemoteDescription(0, a.localDescription!));
    must(b.setLocalDescription(0));
    must(a.setRemoteDescription(0, b.localDescription!));
  };
  must(a.setLocalDescription(0));
  a.restartIce();
  assert.equal(count(a), 0, 'nothing to restart during the first offer either');
  exchange();
  assert.equal(count(a), 0);
  must(a.setLocalDescription(0)); // a renegotiation
  a.restartIce();
  assert.equal(count(a), 0, 'not while have-local-offer');
  const ufrag = iceUfrag(a.localDescription!.sdp);
  exchange();
  assert.equal(count(a), 1, 'back in stable: the restart asked after the offer was made still needs one');
  assert.equal(iceUfrag(a.currentLocalDescription!.sdp), ufrag, 'that offer did not restart');
  must(a.createDataChannel(0, 'three'));
  assert.equal(count(a), 0, 'channels ride on the negotiated m= section');
  must(a.setLocalDescription(0));
  assert.notEqual(iceUfrag(a.localDescription!.sdp), ufrag, 'the next offer restarts ICE');
  exchange();
  assert.equal(count(a), 0, 'the restart was carried');
  must(a.setLocalDescription(0));
  assert.equal(iceUfrag(a.localDescription!.sdp), iceUfrag(a.currentLocalDescription!.sdp), 'no further restart');

  // A channel made during a first offer that is then rolled back still needs negotiation.
  const c = engine(9);
  must(c.setLocalDescription(0));
  must(c.createDataChannel(0, 'x'));
  assert.equal(count(c), 0);
  must(c.setLocalDescription(0, { type: 'rollback' }));
  assert.equal(count(c), 1);
});

function drainTypes(pc: PeerConnection): string[] {
  const out: string[] = [];
  for (let o = pc.pollOutput(); o; o = pc.pollOutput()) out.push(o.type);
  return out;
}

function iceUfrag(sdp: string): string {
  return /a=ice-ufrag:(\S+)/.exec(sdp)![1]!;
}

test('close() drops events not yet polled and fires none itself', () => {
  const a = engine(10);
  must(a.createDataChannel(0, 'x'));
  must(a.setLocalDescription(0));
  a.close(0);
  assert.deepEqual(drainTypes(a).filter((t) => t !== 'transmit'), []);
  assert.equal(a.iceConnectionState, 'closed');
  assert.equal(a.iceGatheringState, 'complete');
  a.close(0);
  a.handleTimeout(1e9);
  assert.equal(a.pollOutput(), undefined);
});

test('provisional answers: have-local-pranswer / have-remote-pranswer, then the final answer', () => {
  const a = engine(11);
  const b = engine(12, 1);
  must(a.setLocalDescription(0));
  must(b.setRemoteDescription(0, a.localDescription!));
  const answer = must(b.createAnswer());
  must(b.setLocalDescription(0, { type: 'pranswer', sdp: answer }));
  assert.equal(b.signalingState, 'have-local-pranswer');
  assert.equal(b.pendingLocalDescription!.type, 'pranswer');
  assert.equal(b.sctpState, 'connecting', 'a provisional answer already fixes the DTLS role');
  must(a.setRemoteDescription(0, { type: 'pranswer', sdp: answer }));
  assert.equal(a.signalingState, 'have-remote-pranswer');
  const early = a.setLocalDescription(0, { type: 'answer' });
  assert.equal(!early.ok && early.error.name, 'InvalidStateError');
  must(b.setLocalDescription(0, { type: 'answer', sdp: answer }));
  assert.equal(b.signalingState, 'stable');
  assert.equal(b.currentLocalDescription!.type, 'answer');
  must(a.setRemoteDescription(0, { type: 'answer', sdp: answer }));
  assert.equal(a.signalingState, 'stable');
  assert.equal(a.currentRemoteDescription!.type, 'answer');
  assert.equal(a.pendingRemoteDescription, null);
  assert.deepEqual(
    drainTypes(a).filter((t) => t === 'signaling-state').length,
    3,
    'have-local-offer, have-remote-pranswer, stable',
  );
});
