/** The W3C WebRTC API (data-channel subset) for Node, on the sans-IO engine. */
export { RTCPeerConnection } from './peer-connection.js';
export type { RTCOfferOptions, RTCSignalingState, RTCIceGatheringState, RTCIceConnectionState, RTCPeerConnectionState } from './peer-connection.js';
export { RTCDataChannel } from './data-channel.js';
export type { RTCDataChannelInit, RTCDataChannelState, RTCPriorityType, BinaryType } from './data-channel.js';
export { RTCSessionDescription } from './session-description.js';
export type { RTCSdpType, RTCSessionDescriptionInit } from './session-description.js';
export { RTCIceCandidate } from './ice-candidate.js';
export type { RTCIceCandidateInit, RTCIceCandidateType, RTCIceProtocol, RTCIceComponent, RTCIceTcpCandidateType } from './ice-candidate.js';
export { RTCCertificate } from './certificate.js';
export type { RTCDtlsFingerprint } from './certificate.js';
export { RTCSctpTransport } from './sctp-transport.js';
export type { RTCSctpTransportState } from './sctp-transport.js';
export { RTCError } from './errors.js';
export type { RTCErrorDetailType, RTCErrorInit } from './errors.js';
export { RTCDataChannelEvent, RTCErrorEvent, RTCPeerConnectionIceErrorEvent, RTCPeerConnectionIceEvent } from './events.js';
export type { RTCConfiguration, RTCIceServer, RTCIceTransportPolicy, RTCBundlePolicy } from './configuration.js';
export type { RTCStats, RTCStatsReport } from './stats.js';
