import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * The WebRTC implementations the benchmarks compare, each loaded through its W3C API only,
 * so every one runs the same scenario code. An implementation that cannot be loaded is
 * reported as unavailable rather than failing the run.
 */

export type ImplName = 'sansrtc' | 'node-datachannel' | 'werift' | 'wrtc';

export const IMPLS: readonly ImplName[] = ['sansrtc', 'node-datachannel', 'werift', 'wrtc'];

export interface Impl {
  name: ImplName;
  version: string;
  RTCPeerConnection: new (config?: object) => RTCPeerConnectionLike;
  /** Configuration passed to every RTCPeerConnection of this implementation. */
  config: object;
}

/** The subset of the W3C API the scenarios use. */
export interface RTCPeerConnectionLike {
  createDataChannel(label: string, init?: object): DataChannelLike;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  createAnswer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(d?: object): Promise<void>;
  setRemoteDescription(d: object): Promise<void>;
  addIceCandidate(c: object): Promise<void>;
  localDescription: { type: string; sdp: string } | null;
  onicecandidate: ((ev: { candidate: { toJSON?: () => object } | null }) => void) | null;
  ondatachannel: ((ev: { channel: DataChannelLike }) => void) | null;
  close(): void;
}

export interface DataChannelLike {
  label: string;
  readyState: string;
  bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  onopen: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onbufferedamountlow: (() => void) | null;
  onclose: (() => void) | null;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(): void;
}

/** A package's version from its package.json on disk (some exports maps hide the file). */
function versionOf(pkg: string): string {
  try {
    const path = pkg === 'sansrtc' ? new URL('../package.json', import.meta.url) : new URL(`../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function loadImpl(name: ImplName): Promise<Impl> {
  switch (name) {
    case 'sansrtc': {
      // The compiled package, as users get it (bench/run.ts builds it first). SANSRTC_DIST
      // names another build's index.js, to compare two builds with the same harness.
      const entry = process.env['SANSRTC_DIST'] ? pathToFileURL(process.env['SANSRTC_DIST']) : new URL('../dist/index.js', import.meta.url);
      const mod = (await import(entry.href)) as Record<string, unknown>;
      const ctor = mod['RTCPeerConnection'];
      if (typeof ctor !== 'function') throw new Error('sansrtc does not export RTCPeerConnection yet');
      return { name, version: versionOf('sansrtc'), RTCPeerConnection: ctor as Impl['RTCPeerConnection'], config: {} };
    }
    case 'node-datachannel': {
      const mod = (await import('node-datachannel/polyfill')) as unknown as Record<string, unknown>;
      return { name, version: versionOf('node-datachannel'), RTCPeerConnection: mod['RTCPeerConnection'] as Impl['RTCPeerConnection'], config: {} };
    }
    case 'werift': {
      const mod = (await import('werift')) as unknown as Record<string, unknown>;
      return {
        name,
        version: versionOf('werift'),
        RTCPeerConnection: mod['RTCPeerConnection'] as Impl['RTCPeerConnection'],
        config: { iceUseIpv6: false },
      };
    }
    case 'wrtc': {
      const mod = (await import('@roamhq/wrtc')) as unknown as { default: Record<string, unknown> };
      return { name, version: versionOf('@roamhq/wrtc'), RTCPeerConnection: mod.default['RTCPeerConnection'] as Impl['RTCPeerConnection'], config: {} };
    }
  }
}
