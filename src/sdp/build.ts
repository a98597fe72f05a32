/**
 * The session description sansrtc offers or answers (RFC 8829 5.2.1 / 5.3.1 shaped for a
 * data-channel-only session, RFC 8841): one `m=application 9 UDP/DTLS/SCTP
 * webrtc-datachannel` section carrying every ICE, DTLS and SCTP parameter at media level.
 */

import { randomBytes } from '../core/index.js';
import type { Random } from '../core/index.js';
import { serializeCandidate } from './candidate.js';
import type { Candidate } from './candidate.js';
import { DEFAULT_SCTP_PORT, LEGACY_SCTPMAP_STREAMS, PLACEHOLDER_ADDRESS, PLACEHOLDER_PORT } from './constants.js';
import { DATA_CHANNEL_FORMAT } from './datachannel.js';
import type { SetupRole } from './datachannel.js';
import { formatFingerprint } from './fingerprint.js';
import type { Fingerprint } from './fingerprint.js';
import type { Attribute, SessionDescription } from './model.js';

export interface DataChannelSessionParams {
  /** Decimal `<sess-id>` below 2^63 (RFC 8829 5.2.1); see `randomSessionId`. */
  sessionId: string;
  /** `<sess-version>`, incremented on each new offer or answer (RFC 8829 5.2.2). Default 0. */
  sessionVersion?: number;
  /** Default '0'. */
  mid?: string;
  iceUfrag: string;
  icePwd: string;
  /** Default ['trickle', 'ice2'] (RFC 8829 5.2.1 requires both). */
  iceOptions?: string[];
  /** RFC 8839 5.3: a=ice-lite at session level. */
  iceLite?: boolean;
  /** At least one (RFC 8122 5). */
  fingerprints: Fingerprint[];
  /** actpass in offers, active or passive in answers (RFC 5763 5, RFC 8842 5). */
  setup: SetupRole;
  /** Default 5000 (RFC 8841 5.1). */
  sctpPort?: number;
  /** The largest message our SCTP side accepts, 0 for any size (RFC 8841 6.1). */
  maxMessageSize: number;
  candidates?: Candidate[];
  /** Adds a=end-of-candidates (RFC 8840 8.2) once gathering is complete. */
  endOfCandidates?: boolean;
  /** An opaque base64 SCTP INIT for SNAP (draft-hancke-tsvwg-snap); omitted by default. */
  sctpInit?: string;
  /**
   * Answer a legacy offer in its own form: `DTLS/SCTP <port>` with `a=sctpmap` instead of
   * `UDP/DTLS/SCTP webrtc-datachannel` with `a=sctp-port` (RFC 8829 5.3.1: an answer's proto
   * and fmt match the offer's).
   */
  legacy?: boolean;
}

/**
 * RFC 8829 5.2.1: a 64-bit quantity with the top bit clear and 63 random bits, in decimal.
 */
export function randomSessionId(rng: Random): string {
  const b = randomBytes(rng, 8);
  b[0]! &= 0x7f;
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n.toString();
}

/** Builds the description; serialize it with `serializeSdp`. */
export function buildDataChannelSession(p: DataChannelSessionParams): SessionDescription {
  const mid = p.mid ?? '0';
  const session: Attribute[] = [{ name: 'group', value: `BUNDLE ${mid}` }];
  if (p.iceLite) session.push({ name: 'ice-lite' });

  const a: Attribute[] = [
    { name: 'ice-ufrag', value: p.iceUfrag },
    { name: 'ice-pwd', value: p.icePwd },
    { name: 'ice-options', value: (p.iceOptions ?? ['trickle', 'ice2']).join(' ') },
  ];
  for (const f of p.fingerprints) a.push({ name: 'fingerprint', value: formatFingerprint(f) });
  a.push({ name: 'setup', value: p.setup });
  a.push({ name: 'mid', value: mid });
  const sctpPort = p.sctpPort ?? DEFAULT_SCTP_PORT;
  if (p.legacy) a.push({ name: 'sctpmap', value: `${sctpPort} ${DATA_CHANNEL_FORMAT} ${LEGACY_SCTPMAP_STREAMS}` });
  else a.push({ name: 'sctp-port', value: String(sctpPort) });
  a.push({ name: 'max-message-size', value: String(p.maxMessageSize) });
  if (p.sctpInit !== undefined) a.push({ name: 'sctp-init', value: p.sctpInit });
  for (const c of p.candidates ?? []) a.push({ name: 'candidate', value: serializeCandidate(c).slice('candidate:'.length) });
  if (p.endOfCandidates) a.push({ name: 'end-of-candidates' });

  return {
    version: 0,
    // RFC 8829 5.2.1: username "-", a non-meaningful address so no local IP leaks.
    origin: {
      username: '-',
      sessionId: p.sessionId,
      sessionVersion: String(p.sessionVersion ?? 0),
      netType: 'IN',
      addrType: 'IP4',
      address: PLACEHOLDER_ADDRESS,
    },
    sessionName: '-',
    emails: [],
    phones: [],
    bandwidths: [],
    timings: [{ start: 0, stop: 0, repeats: [] }],
    attributes: session,
    media: [
      {
        media: 'application',
        // RFC 8840 4.1.1 / RFC 8829 5.2.1: port 9 and 0.0.0.0 until a default candidate is chosen.
        port: PLACEHOLDER_PORT,
        proto: p.legacy ? 'DTLS/SCTP' : 'UDP/DTLS/SCTP',
        formats: [p.legacy ? String(sctpPort) : DATA_CHANNEL_FORMAT],
        connections: [{ netType: 'IN', addrType: 'IP4', address: PLACEHOLDER_ADDRESS }],
        bandwidths: [],
        attributes: a,
      },
    ],
  };
}
