/** DCEP message codec (RFC 8832 5). Decoders never throw. */

import { ByteReader, ByteWriter, utf8DecodeStrict, utf8Encode } from '../core/bytes.js';
import { DecodeError, err, ok, type Result } from '../core/errors.js';
import { ChannelType, DcepMessageType, UNORDERED_BIT } from './constants.js';

export interface DcepOpen {
  readonly type: 'open';
  /** The channel type byte (RFC 8832 5.1). */
  readonly channelType: number;
  readonly priority: number;
  /** Retransmissions or lifetime in ms, by channel type; 0 for reliable channels. */
  readonly reliability: number;
  readonly label: string;
  readonly protocol: string;
}

export interface DcepAck {
  readonly type: 'ack';
}

export type DcepMessage = DcepOpen | DcepAck;

/** The reliability a channel type gives. */
export interface ChannelReliability {
  readonly ordered: boolean;
  readonly maxRetransmits?: number;
  readonly maxPacketLifeTime?: number;
}

function fail(reason: 'truncated' | 'invalid' | 'unsupported', msg: string) {
  return err(new DecodeError('dcep', reason, msg));
}

export function decodeDcep(buf: Uint8Array): Result<DcepMessage> {
  const r = new ByteReader(buf);
  const type = r.u8();
  if (r.failed) return fail('truncated', 'empty DCEP message');
  if (type === DcepMessageType.ACK) return ok({ type: 'ack' });
  if (type !== DcepMessageType.OPEN) return fail('unsupported', `DCEP message type ${type}`);
  const channelType = r.u8();
  const priority = r.u16();
  const reliability = r.u32();
  const labelLen = r.u16();
  const protocolLen = r.u16();
  const labelBytes = r.bytes(labelLen);
  const protocolBytes = r.bytes(protocolLen);
  if (r.failed) return fail('truncated', 'DATA_CHANNEL_OPEN');
  if ((channelType & ~UNORDERED_BIT) > ChannelType.PARTIAL_RELIABLE_TIMED) {
    return fail('unsupported', `channel type ${channelType}`);
  }
  const label = utf8DecodeStrict(labelBytes);
  const protocol = utf8DecodeStrict(protocolBytes);
  if (label === undefined || protocol === undefined) return fail('invalid', 'label or protocol is not UTF-8');
  return ok({ type: 'open', channelType, priority, reliability, label, protocol });
}

export function encodeDcep(m: DcepMessage): Uint8Array {
  if (m.type === 'ack') return Uint8Array.of(DcepMessageType.ACK);
  const label = utf8Encode(m.label);
  const protocol = utf8Encode(m.protocol);
  return new ByteWriter(12 + label.length + protocol.length)
    .u8(DcepMessageType.OPEN)
    .u8(m.channelType)
    .u16(m.priority)
    .u32(m.reliability)
    .u16(label.length)
    .u16(protocol.length)
    .bytes(label)
    .bytes(protocol)
    .finish();
}

/** RFC 8832 5.1: channel type and reliability parameter for a reliability choice. */
export function channelTypeFor(r: ChannelReliability): { channelType: number; reliability: number } {
  const u = r.ordered ? 0 : UNORDERED_BIT;
  if (r.maxRetransmits !== undefined) {
    return { channelType: ChannelType.PARTIAL_RELIABLE_REXMIT | u, reliability: r.maxRetransmits };
  }
  if (r.maxPacketLifeTime !== undefined) {
    return { channelType: ChannelType.PARTIAL_RELIABLE_TIMED | u, reliability: r.maxPacketLifeTime };
  }
  return { channelType: ChannelType.RELIABLE | u, reliability: 0 };
}

/** The reliability a DATA_CHANNEL_OPEN asks for. */
export function reliabilityOf(open: DcepOpen): ChannelReliability {
  const ordered = (open.channelType & UNORDERED_BIT) === 0;
  switch (open.channelType & ~UNORDERED_BIT) {
    case ChannelType.PARTIAL_RELIABLE_REXMIT:
      return { ordered, maxRetransmits: open.reliability };
    case ChannelType.PARTIAL_RELIABLE_TIMED:
      return { ordered, maxPacketLifeTime: open.reliability };
    default:
      return { ordered };
  }
}
