/** WebRTC data channels (RFC 8831) with DCEP (RFC 8832) over an SCTP association. */
export {
  DataChannelManager,
  type ChannelInfo,
  type ChannelOptions,
  type ChannelState,
  type DataChannelCommand,
  type DataChannelErrorCode,
  type DataChannelEvent,
  type DataChannelOutput,
} from './manager.js';
export { decodeDcep, encodeDcep, channelTypeFor, reliabilityOf, type DcepMessage, type DcepOpen, type ChannelReliability } from './dcep.js';
export { ChannelType, Ppid, Priority, MAX_CHANNEL_ID } from './constants.js';
