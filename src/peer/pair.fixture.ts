/**
 * Test harness: PeerConnection engines on the simulator with a hand-driven signalling
 * channel (offer, answer and trickled candidates each delivered `signalDelay` ms later, in
 * the order they were sent, as a real signalling server does).
 */
import { SeededRandom, utf8Decode, type Datagram, type Engine, type Millis, type Transmit } from '../core/index.js';
import { generateCertificate, type DtlsCertificate } from '../dtls/index.js';
import type { Host, Network } from '../sim/index.js';
import { PeerConnection } from './connection.js';
import type { PeerError } from './errors.js';
import type { PeerConnectionOptions, PeerEvent, PeerInput, PeerOutput } from './types.js';

/** Certificates are costly to make: a few shared by every test. */
const certificates: DtlsCertificate[] = [];
export function certificate(i: number): DtlsCertificate {
  while (certificates.length <= i) certificates.push(generateCertificate(new SeededRandom(1000 + certificates.length)));
  return certificates[i]!;
}

/** A test action run inside the simulator (so the engine is drained after it). */
interface Call {
  readonly type: 'call';
  readonly fn: (now: Millis) => void;
}

/** Wraps a PeerConnection so that test code can call its methods at virtual times. */
class Driven implements Engine<PeerInput | Call, PeerOutput> {
  constructor(readonly pc: PeerConnection) {}
  handleInput(now: Millis, input: PeerInput | Call): void {
    if (input.type === 'call') input.fn(now);
    else this.pc.handleInput(now, input);
  }
  handleTimeout(now: Millis): void {
    this.pc.handleTimeout(now);
  }
  pollOutput(): PeerOutput | undefined {
    return this.pc.pollOutput();
  }
  pollTimeout(): Millis | undefined {
    return this.pc.pollTimeout();
  }
}

export interface Received {
  handle: number;
  data: Uint8Array;
  binary: boolean;
  time: number;
}

export interface TestPeer {
  readonly name: string;
  readonly pc: PeerConnection;
  readonly engine: Engine<Datagram | PeerInput | Call, Transmit | PeerEvent>;
  readonly net: Network;
  readonly events: { time: number; event: PeerEvent }[];
  readonly received: Received[];
  /** Errors addIceCandidate returned for trickled candidates. */
  readonly candidateErrors: PeerError[];
  other?: TestPeer;
  signalDelay: number;
  /** Rewrites trickled candidates before delivery (undefined drops one). */
  rewriteCandidate?: (candidate: string) => string | undefined;
  /** Answers 'resolve-mdns' events (undefined: resolution fails). */
  resolveMdns?: (name: string) => string | undefined;
}

export interface PeerSetup extends Partial<Omit<PeerConnectionOptions, 'rng' | 'certificate'>> {
  certificate?: DtlsCertificate;
  port?: number;
  signalDelay?: number;
}

export function addPeer(net: Network, name: string, host: Host, setup: PeerSetup = {}): TestPeer {
  const { certificate: cert = certificate(name === 'a' ? 0 : 1), port = 5000, signalDelay = 20, ...opts } = setup;
  const pc = new PeerConnection({ rng: net.random(), certificate: cert, ...opts });
  const engine = new Driven(pc);
  const peer: TestPeer = { name, pc, engine, net, events: [], received: [], candidateErrors: [], signalDelay };
  const att = net.attach(host, engine, {
    port,
    onEvent: (event: PeerEvent, time: number) => {
      peer.events.push({ time, event });
      if (event.type === 'channel-message') peer.received.push({ handle: event.handle, data: event.data.slice(), binary: event.binary, time });
      if (event.type === 'ice-candidate') trickle(peer, event);
      if (event.type === 'resolve-mdns') {
        const address = peer.resolveMdns?.(event.name);
        net.after(1, () => net.inject(engine, { type: 'mdns-resolved', name: event.name, address }));
      }
    },
  });
  for (const address of att.addresses) net.inject(engine, { type: 'add-local-address', address });
  return peer;
}

function trickle(from: TestPeer, e: Extract<PeerEvent, { type: 'ice-candidate' }>): void {
  const to = from.other;
  if (!to) return;
  let candidate = e.candidate;
  if (candidate !== null && from.rewriteCandidate) {
    const r = from.rewriteCandidate(candidate);
    if (r === undefined) return;
    candidate = r;
  }
  const init = candidate === null ? null : { candidate, sdpMid: e.sdpMid, sdpMLineIndex: e.sdpMLineIndex, usernameFragment: e.usernameFragment };
  from.net.after(from.signalDelay, () =>
    call(to, (now) => {
      const r = to.pc.addIceCandidate(now, init);
      if (!r.ok) to.candidateErrors.push(r.error);
    }),
  );
}

/** Runs `fn` inside the simulator now. */
export function call(peer: TestPeer, fn: (now: Millis) => void): void {
  peer.net.inject(peer.engine, { type: 'call', fn });
}

/** Delivers `fn` to `to` after the signalling delay of `from`. */
export function signal(from: TestPeer, to: TestPeer, fn: (now: Millis) => void): void {
  from.net.after(from.signalDelay, () => call(to, fn));
}

export function must<T>(r: { ok: true; value: T } | { ok: false; error: PeerError }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

export interface NegotiateOptions {
  /** Rewrites the offer or answer text on the way (to test what the other side makes of it). */
  mangleOffer?: (sdp: string) => string;
  mangleAnswer?: (sdp: string) => string;
  iceRestart?: boolean;
}

/** One offer/answer exchange, started now; run the network to let it complete. */
export function negotiate(a: TestPeer, b: TestPeer, o: NegotiateOptions = {}): void {
  a.other = b;
  b.other = a;
  call(a, (now) => {
    const offer = must(a.pc.createOffer(o.iceRestart ? { iceRestart: true } : undefined));
    must(a.pc.setLocalDescription(now, { type: 'offer', sdp: offer }));
    const sent = o.mangleOffer ? o.mangleOffer(offer) : offer;
    signal(a, b, (now2) => {
      must(b.pc.setRemoteDescription(now2, { type: 'offer', sdp: sent }));
      const answer = must(b.pc.createAnswer());
      must(b.pc.setLocalDescription(now2, { type: 'answer', sdp: answer }));
      const back = o.mangleAnswer ? o.mangleAnswer(answer) : answer;
      signal(b, a, (now3) => must(a.pc.setRemoteDescription(now3, { type: 'answer', sdp: back })));
    });
  });
}

export function eventsOf<T extends PeerEvent['type']>(p: TestPeer, type: T): Extract<PeerEvent, { type: T }>[] {
  return p.events.map((e) => e.event).filter((e): e is Extract<PeerEvent, { type: T }> => e.type === type);
}

export function texts(p: TestPeer, handle?: number): string[] {
  return p.received.filter((r) => handle === undefined || r.handle === handle).map((r) => utf8Decode(r.data));
}

/** The handle of the channel the remote opened with `label` (from its data-channel event). */
export function remoteChannel(p: TestPeer, label: string): number | undefined {
  return eventsOf(p, 'data-channel').find((e) => p.pc.channel(e.handle)?.label === label)?.handle;
}
