/**
 * RTCIceCandidate, W3C WebRTC 1.0 section 4.8.1. The candidate-attribute fields are parsed
 * from `candidate` with the SDP layer's RFC 8839 codec; an unparsable string leaves them null
 * (browsers do the same: the string is checked when it is added, not when it is built).
 */

import { parseCandidate } from '../sdp/index.js';
import type { Candidate } from '../sdp/index.js';

export type RTCIceComponent = 'rtp' | 'rtcp';
export type RTCIceProtocol = 'udp' | 'tcp';
export type RTCIceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type RTCIceTcpCandidateType = 'active' | 'passive' | 'so';

export interface RTCIceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export class RTCIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;
  readonly foundation: string | null;
  readonly component: RTCIceComponent | null;
  readonly priority: number | null;
  readonly address: string | null;
  readonly protocol: RTCIceProtocol | null;
  readonly port: number | null;
  readonly type: RTCIceCandidateType | null;
  readonly tcpType: RTCIceTcpCandidateType | null;
  readonly relatedAddress: string | null;
  readonly relatedPort: number | null;

  constructor(init: RTCIceCandidateInit = {}) {
    const sdpMid = init.sdpMid ?? null;
    const sdpMLineIndex = init.sdpMLineIndex ?? null;
    // Section 4.8.1.1: both null is a TypeError.
    if (sdpMid === null && sdpMLineIndex === null) {
      throw new TypeError('RTCIceCandidate: sdpMid and sdpMLineIndex are both null');
    }
    this.candidate = init.candidate ?? '';
    this.sdpMid = sdpMid;
    this.sdpMLineIndex = sdpMLineIndex;

    const parsed = this.candidate ? parseCandidate(this.candidate) : undefined;
    const c: Candidate | undefined = parsed?.ok ? parsed.value : undefined;
    const ufragExt = c?.extensions.find(([k]) => k === 'ufrag')?.[1];
    this.usernameFragment = init.usernameFragment ?? ufragExt ?? null;
    this.foundation = c?.foundation ?? null;
    this.component = c ? (c.component === 2 ? 'rtcp' : 'rtp') : null;
    this.priority = c?.priority ?? null;
    this.address = c?.address ?? null;
    this.protocol = c ? (c.transport === 'tcp' ? 'tcp' : 'udp') : null;
    this.port = c?.port ?? null;
    this.type = c?.type ?? null;
    this.tcpType = (c?.tcpType as RTCIceTcpCandidateType | undefined) ?? null;
    this.relatedAddress = c?.relatedAddress ?? null;
    this.relatedPort = c?.relatedPort ?? null;
  }

  toJSON(): RTCIceCandidateInit {
    return {
      candidate: this.candidate,
      sdpMid: this.sdpMid,
      sdpMLineIndex: this.sdpMLineIndex,
      usernameFragment: this.usernameFragment,
    };
  }
}
