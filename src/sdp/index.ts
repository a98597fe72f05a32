/** SDP (RFC 8866) and the JSEP data-channel model (RFC 8829, RFC 8841). */
export { parseCandidate, serializeCandidate } from './candidate.js';
export type { Candidate, CandidateType } from './candidate.js';
export { SDP_LAYER } from './errors.js';
