/** Public types of the PeerConnection engine: options, inputs, outputs, channel info, stats. */
import type { Datagram, Random, Transmit, TransportAddress } from '../core/index.js';
import type { DtlsCertificate } from '../dtls/index.js';
import type { IceConnectionState, IceGatheringState, PairStats } from '../ice/index.js';
import type { Candidate } from '../sdp/index.js';
import type { PeerError } from './errors.js';
import type { PRIORITY_VALUES } from './constants.js';

export interface PeerConnectionOptions {
  rng: Random;
  /** Our DTLS certificate (src/dtls generateCertificate()). */
  certificate: DtlsCertificate;
  /** Already resolved by the driver. */
  stunServers?: TransportAddress[];
  turnServers?: { server: TransportAddress; username: string; password: string }[];
  iceTransportPolicy?: 'all' | 'relay';
  /** Largest UDP payload we send (default 1200). */
  mtu?: number;
  /** What we advertise in a=max-message-size (default 262144). */
  maxMessageSize?: number;
  /**
   * SNAP (draft-hancke-tsvwg-snap): offer our SCTP INIT in SDP (`a=sctp-init`) and answer an
   * offer that carries one, skipping the SCTP handshake when both sides do. Default true.
   */
  snap?: boolean;
}

export type SignalingState =
  | 'stable'
  | 'have-local-offer'
  | 'have-remote-offer'
  | 'have-local-pranswer'
  | 'have-remote-pranswer'
  | 'closed';

export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type DtlsTransportState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';
export type SctpTransportState = 'connecting' | 'connected' | 'closed';
export type SdpType = 'offer' | 'answer' | 'pranswer' | 'rollback';
export type ChannelPriority = keyof typeof PRIORITY_VALUES;
export type ChannelReadyState = 'connecting' | 'open' | 'closing' | 'closed';

export interface SessionDescriptionInit {
  type: SdpType;
  sdp?: string;
}

export interface SessionDescriptionValue {
  readonly type: 'offer' | 'answer' | 'pranswer';
  readonly sdp: string;
}

export interface IceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface DataChannelInit {
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
  protocol?: string;
  negotiated?: boolean;
  id?: number;
  priority?: ChannelPriority;
}

export interface ChannelInfo {
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  readonly negotiated: boolean;
  /** SCTP stream id; null until the DTLS role is known (RFC 8832 6). */
  readonly id: number | null;
  readonly priority: ChannelPriority;
  readonly readyState: ChannelReadyState;
  readonly bufferedAmount: number;
  readonly bufferedAmountLowThreshold: number;
}

export type PeerInput =
  | Datagram
  /** A socket the driver bound (a host candidate base). */
  | { readonly type: 'add-local-address'; readonly address: TransportAddress }
  /** The answer to a 'resolve-mdns' event; `address` undefined when resolution failed. */
  | { readonly type: 'mdns-resolved'; readonly name: string; readonly address: string | undefined };

export type PeerEvent =
  | {
      readonly type: 'ice-candidate';
      /** `candidate:...`, or null once gathering is complete. */
      readonly candidate: string | null;
      readonly sdpMid: string;
      readonly sdpMLineIndex: number;
      readonly usernameFragment: string;
    }
  | { readonly type: 'ice-gathering-state'; readonly state: IceGatheringState }
  | { readonly type: 'ice-connection-state'; readonly state: IceConnectionState }
  | { readonly type: 'connection-state'; readonly state: PeerConnectionState }
  | { readonly type: 'signaling-state'; readonly state: SignalingState }
  | { readonly type: 'negotiation-needed' }
  /** The remote opened a channel (DCEP); channel(handle) has its details. */
  | { readonly type: 'data-channel'; readonly handle: number }
  | { readonly type: 'channel-open'; readonly handle: number }
  /**
   * `data` is UTF-8 when `binary` is false. The receiver of the event owns `data`: a
   * reassembled message is its own buffer (offset 0, the whole ArrayBuffer), which the W3C
   * layer hands to the application without copying; a one-chunk message is a view into the
   * datagram.
   */
  | { readonly type: 'channel-message'; readonly handle: number; readonly data: Uint8Array; readonly binary: boolean }
  | { readonly type: 'channel-buffered-amount-low'; readonly handle: number }
  | { readonly type: 'channel-closing'; readonly handle: number }
  | { readonly type: 'channel-closed'; readonly handle: number }
  | { readonly type: 'channel-error'; readonly handle: number; readonly error: PeerError }
  /** A remote candidate has a .local address: resolve it and answer with 'mdns-resolved'. */
  | { readonly type: 'resolve-mdns'; readonly name: string }
  | { readonly type: 'sctp-state'; readonly state: SctpTransportState }
  | { readonly type: 'error'; readonly error: PeerError };

export type PeerOutput = Transmit | PeerEvent;

export interface ChannelStats {
  handle: number;
  id: number | null;
  label: string;
  protocol: string;
  state: ChannelReadyState;
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
}

export interface PeerStats {
  transport: {
    bytesSent: number;
    bytesReceived: number;
    packetsSent: number;
    packetsReceived: number;
    dtlsState: DtlsTransportState;
    /** The negotiated DTLS cipher suite, once connected. */
    dtlsCipher: string | undefined;
    iceRole: 'controlling' | 'controlled' | undefined;
    selectedCandidatePair: { local: Candidate; remote: Candidate } | undefined;
  };
  candidatePairs: PairStats[];
  localCandidates: Candidate[];
  remoteCandidates: Candidate[];
  dataChannels: ChannelStats[];
  /** Drops and refusals of every layer, prefixed by layer (`peer.`, `ice.`, `dtls.`, `sctp.`, `dc.`). */
  counters: Record<string, number>;
}
