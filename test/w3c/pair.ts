/** Two sansrtc RTCPeerConnections on 127.0.0.1, signaled in-process (test helper). */

import { RTCPeerConnection } from '../../src/w3c/index.js';
import type { RTCConfiguration, RTCDataChannel } from '../../src/w3c/index.js';

export const LOOPBACK: RTCConfiguration = { bindAddresses: ['127.0.0.1'] };

export interface Pair {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  close(): void;
}

/** Wires trickle ICE both ways; candidates that arrive early wait for the description. */
export function makePair(config: RTCConfiguration = LOOPBACK): Pair {
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  for (const [from, to] of [[a, b], [b, a]] as const) {
    from.addEventListener('icecandidate', (ev) => {
      const c = (ev as unknown as { candidate: { toJSON(): object } | null }).candidate;
      void waitRemote(to).then(() => to.addIceCandidate(c ? c.toJSON() : null)).catch(() => undefined);
    });
  }
  return {
    a,
    b,
    close() {
      a.close();
      b.close();
    },
  };
}

function waitRemote(pc: RTCPeerConnection): Promise<void> {
  if (pc.remoteDescription) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (pc.remoteDescription || pc.signalingState === 'closed') {
        pc.removeEventListener('signalingstatechange', check);
        resolve();
      }
    };
    pc.addEventListener('signalingstatechange', check);
  });
}

/** a offers, b answers. */
export async function negotiate(p: Pair): Promise<void> {
  await p.a.setLocalDescription(await p.a.createOffer());
  await p.b.setRemoteDescription(p.a.localDescription!);
  await p.b.setLocalDescription(await p.b.createAnswer());
  await p.a.setRemoteDescription(p.b.localDescription!);
}

export function once<T extends Event = Event>(target: EventTarget, type: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
    target.addEventListener(
      type,
      (ev) => {
        clearTimeout(timer);
        resolve(ev as T);
      },
      { once: true },
    );
  });
}

export function opened(dc: RTCDataChannel): Promise<void> {
  return dc.readyState === 'open' ? Promise.resolve() : once(dc, 'open').then(() => undefined);
}

/** The remote end of a channel, by label. */
export function remoteChannel(pc: RTCPeerConnection, label: string, timeoutMs = 10_000): Promise<RTCDataChannel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no datachannel ${label}`)), timeoutMs);
    const on = (ev: Event): void => {
      const ch = (ev as unknown as { channel: RTCDataChannel }).channel;
      if (ch.label !== label) return;
      clearTimeout(timer);
      pc.removeEventListener('datachannel', on);
      resolve(ch);
    };
    pc.addEventListener('datachannel', on);
  });
}

export function messages(dc: RTCDataChannel, count: number, timeoutMs = 20_000): Promise<unknown[]> {
  const got: unknown[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${count} messages`)), timeoutMs);
    dc.addEventListener('message', (ev) => {
      got.push((ev as MessageEvent).data);
      if (got.length === count) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}
