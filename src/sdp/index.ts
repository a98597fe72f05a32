/** SDP (RFC 8866) and the JSEP data-channel model (RFC 8829, RFC 8841). */
export { parseCandidate, serializeCandidate } from './candidate.js';
export type { Candidate, CandidateType } from './candidate.js';
export { parseSdp } from './parse.js';
export { serializeSdp } from './serialize.js';
export { attributeValue, attributeValues, hasAttribute } from './model.js';
export type { Attribute, Bandwidth, Connection, MediaDescription, Origin, SessionDescription, Timing } from './model.js';
export { parseFingerprint, formatFingerprint } from './fingerprint.js';
export type { Fingerprint } from './fingerprint.js';
export {
  DATA_CHANNEL_FORMAT,
  parseDataChannelDescription,
  readDataChannelSession,
  validateDataChannelSession,
} from './datachannel.js';
export type { DataChannelMedia, DataChannelSession, ParsedDataChannelDescription, SetupRole } from './datachannel.js';
export { buildDataChannelSession, randomSessionId } from './build.js';
export type { DataChannelSessionParams } from './build.js';
export { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_SCTP_PORT } from './constants.js';
export { SDP_LAYER } from './errors.js';
