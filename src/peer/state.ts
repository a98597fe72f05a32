/** W3C WebRTC 4.3.3: RTCPeerConnectionState from the ICE and DTLS transport states. */
import type { IceConnectionState } from '../ice/index.js';
import type { DtlsTransportState, PeerConnectionState } from './types.js';

export function peerConnectionState(closed: boolean, ice: IceConnectionState, dtls: DtlsTransportState): PeerConnectionState {
  if (closed) return 'closed';
  if (ice === 'failed' || dtls === 'failed') return 'failed';
  if (ice === 'disconnected') return 'disconnected';
  if ((ice === 'new' || ice === 'closed') && (dtls === 'new' || dtls === 'closed')) return 'new';
  if (ice === 'new' || ice === 'checking' || dtls === 'new' || dtls === 'connecting') return 'connecting';
  return 'connected';
}
