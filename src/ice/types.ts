/**
 * The ICE agent's public types: options, inputs (commands) and outputs (events).
 */

import type { Datagram, Random, Transmit, TransportAddress } from '../core/index.js';
import type { Candidate } from '../sdp/index.js';

export type IceRole = 'controlling' | 'controlled';

/** W3C RTCIceConnectionState. */
export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

/** W3C RTCIceGatheringState. */
export type IceGatheringState = 'new' | 'gathering' | 'complete';

/** RFC 8445 6.1.2.6: candidate pair states. */
export type PairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

export interface TurnServerConfig {
  server: TransportAddress;
  username: string;
  password: string;
}

export interface IceAgentOptions {
  rng: Random;
  role: IceRole;
  /** RFC 8445 2.5: a lite agent only answers checks; it is always controlled. */
  lite?: boolean;
  stunServers?: TransportAddress[];
  turnServers?: TurnServerConfig[];
  /** W3C iceTransportPolicy: 'relay' signals and pairs relay candidates only. */
  policy?: 'all' | 'relay';
  /** Local credentials (RFC 8445 5.3); generated from `rng` when absent. */
  ufrag?: string;
  pwd?: string;
  /** RFC 8445 7.3.1.1: 64-bit tie-breaker; drawn from `rng` when absent. */
  tieBreaker?: bigint;
  /** RFC 7675 5.1: consent expiry without a response (default 30 s). */
  consentTimeout?: number;
  /** RFC 8445 11: Tr, the keepalive interval (default 15 s; the RFC requires >= 15 s). */
  keepaliveInterval?: number;
  /** RFC 8445 14.2: Ta, the check pacing interval (default 50 ms). */
  ta?: number;
}

export type IceInput =
  | Datagram
  | { readonly type: 'add-local-address'; readonly address: TransportAddress }
  | { readonly type: 'gather' }
  /**
   * The peer's ufrag and pwd. `lite`: the peer is an ICE-lite agent (`a=ice-lite`), so a
   * full agent takes the controlling role (RFC 8445 6.1.1).
   */
  /**
   * `ta`: the check pacing agreed through a=ice-pacing (RFC 8445 14.2, RFC 8839 5.5: the
   * higher of the two proposals); absent leaves Ta as it is.
   */
  | {
      readonly type: 'set-remote-credentials';
      readonly ufrag: string;
      readonly pwd: string;
      readonly lite?: boolean;
      readonly ta?: number;
    }
  | { readonly type: 'add-remote-candidate'; readonly candidate: Candidate }
  | { readonly type: 'end-of-remote-candidates' }
  | { readonly type: 'restart' }
  | { readonly type: 'send'; readonly data: Uint8Array }
  | { readonly type: 'close' };

export type IceEvent =
  | { readonly type: 'local-candidate'; readonly candidate: Candidate }
  | { readonly type: 'gathering-state'; readonly state: IceGatheringState }
  | { readonly type: 'connection-state'; readonly state: IceConnectionState }
  | { readonly type: 'selected-pair'; readonly local: Candidate; readonly remote: Candidate }
  /** Application data (not STUN) from a remote we have a pair with. `data` is a view. */
  | { readonly type: 'data'; readonly data: Uint8Array; readonly from: TransportAddress }
  | { readonly type: 'role-changed'; readonly role: IceRole };

export type IceOutput = Transmit | IceEvent;

export interface PairStats {
  local: Candidate;
  remote: Candidate;
  state: PairState;
  nominated: boolean;
  /** RFC 8445 6.1.2.3 priority, as a decimal string (it needs 64 bits). */
  priority: string;
  /** The last round-trip time measured by a check or consent request on this pair, ms. */
  rtt?: number;
}

export interface IceStats {
  role: IceRole;
  connectionState: IceConnectionState;
  gatheringState: IceGatheringState;
  localCandidates: Candidate[];
  remoteCandidates: Candidate[];
  pairs: PairStats[];
  selectedPair: { local: Candidate; remote: Candidate } | undefined;
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  counters: Record<string, number>;
}
