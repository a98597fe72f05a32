/**
 * Classifies a datagram by its first byte, RFC 7983 section 7 (as updated by RFC 9443):
 *
 *   0..3     STUN
 *   16..19   ZRTP
 *   20..63   DTLS
 *   64..79   TURN ChannelData
 *   128..191 RTP/RTCP
 *
 * Everything else is unknown and is dropped by the caller.
 */
export type PacketKind = 'stun' | 'zrtp' | 'dtls' | 'turn-channel' | 'rtp' | 'unknown';

export function classifyPacket(data: Uint8Array): PacketKind {
  if (data.length === 0) return 'unknown';
  const b = data[0]!;
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'turn-channel';
  if (b >= 128 && b <= 191) return 'rtp';
  return 'unknown';
}
