/** SCTP over DTLS for WebRTC data channels (RFC 9260, RFC 8261, RFC 3758, RFC 6525). */
export {
  SctpAssociation,
  SctpSendError,
  type SendCommand,
  type SctpAssociationOptions,
  type SctpCommand,
  type SctpEvent,
  type SctpOutput,
  type SctpState,
  type SctpStats,
  type SctpCloseReason,
  type SctpErrorCode,
} from './association.js';
export {
  CubicController,
  RenoController,
  cubicController,
  renoController,
  type CongestionController,
  type CongestionControllerFactory,
} from './congestion.js';
export {
  DEFAULT_MTU,
  DEFAULT_REMOTE_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  LOCAL_MAX_MESSAGE_SIZE,
} from './constants.js';
export { crc32c } from './crc32c.js';
export { decodePacket, encodeChunk, type Chunk, type Packet } from './chunks.js';
export type { DeliveredMessage } from './reassembly.js';
