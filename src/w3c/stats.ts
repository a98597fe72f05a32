/**
 * getStats(): the engine's PeerStats as an RTCStatsReport (W3C webrtc-stats): a Map from
 * stats id to a dictionary with `id`, `type` and `timestamp`, for the data-channel subset
 * (peer-connection, transport, candidate-pair, local-candidate, remote-candidate, data-channel).
 */

import type { Candidate } from '../sdp/index.js';
import type { PeerStats } from '../peer/index.js';

export type RTCStats = Record<string, unknown> & { id: string; type: string; timestamp: number };
export type RTCStatsReport = Map<string, RTCStats>;

function candidateId(kind: 'L' | 'R', c: Candidate): string {
  return `${kind}${c.foundation}-${c.address}-${c.port}`;
}

/** Channels that reached open, and those that closed after opening (W3C RTCPeerConnectionStats). */
export interface ChannelTally {
  opened: number;
  closed: number;
}

export function toStatsReport(s: PeerStats, tally: ChannelTally): RTCStatsReport {
  const timestamp = performance.timeOrigin + performance.now();
  const report: RTCStatsReport = new Map();
  const add = (entry: { id: string; type: string } & Record<string, unknown>): void => {
    report.set(entry.id, { ...entry, timestamp });
  };
  const candidate = (kind: 'L' | 'R', c: Candidate): void => {
    add({
      id: candidateId(kind, c),
      type: kind === 'L' ? 'local-candidate' : 'remote-candidate',
      transportId: 'T',
      address: c.address,
      port: c.port,
      protocol: c.transport,
      candidateType: c.type,
      priority: c.priority,
      foundation: c.foundation,
      ...(c.relatedAddress !== undefined ? { relatedAddress: c.relatedAddress, relatedPort: c.relatedPort } : {}),
    });
  };

  add({ id: 'P', type: 'peer-connection', dataChannelsOpened: tally.opened, dataChannelsClosed: tally.closed });
  const selected = s.transport.selectedCandidatePair;
  add({
    id: 'T',
    type: 'transport',
    bytesSent: s.transport.bytesSent,
    bytesReceived: s.transport.bytesReceived,
    packetsSent: s.transport.packetsSent,
    packetsReceived: s.transport.packetsReceived,
    dtlsState: s.transport.dtlsState,
    ...(s.transport.dtlsCipher ? { dtlsCipher: s.transport.dtlsCipher } : {}),
    ...(s.transport.iceRole ? { iceRole: s.transport.iceRole } : {}),
    ...(selected ? { selectedCandidatePairId: `CP${candidateId('L', selected.local)}_${candidateId('R', selected.remote)}` } : {}),
  });
  for (const c of s.localCandidates) candidate('L', c);
  for (const c of s.remoteCandidates) candidate('R', c);
  for (const p of s.candidatePairs) {
    add({
      id: `CP${candidateId('L', p.local)}_${candidateId('R', p.remote)}`,
      type: 'candidate-pair',
      transportId: 'T',
      localCandidateId: candidateId('L', p.local),
      remoteCandidateId: candidateId('R', p.remote),
      state: p.state,
      nominated: p.nominated,
      priority: Number(p.priority),
      // W3C webrtc-stats: in seconds.
      ...(p.rtt !== undefined ? { currentRoundTripTime: p.rtt / 1000 } : {}),
    });
  }
  for (const c of s.dataChannels) {
    add({
      id: `D${c.handle}`,
      type: 'data-channel',
      label: c.label,
      protocol: c.protocol,
      ...(c.id !== null ? { dataChannelIdentifier: c.id } : {}),
      state: c.state,
      messagesSent: c.messagesSent,
      bytesSent: c.bytesSent,
      messagesReceived: c.messagesReceived,
      bytesReceived: c.bytesReceived,
    });
  }
  return report;
}
